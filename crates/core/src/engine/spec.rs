//! What a run is: provider, models, questions, protocol, schedule and limits — the
//! one description the browser's `#/run` form and the CLI's `sweep`/`load` options
//! both fill in, and that the [`super::Engine`] executes.
//!
//! Everything here is checked before the first call ([`RunSpec::validate`],
//! [`QuestionSelection::resolve`]), so a typo in a question id or a concurrency of 0
//! is a clear error at start, never a half-run sweep.

use std::collections::HashSet;
use std::fmt;

use crate::agent::Strategy;
use crate::catalog;
use crate::gold::{GoldQuestion, GoldSet};
use crate::live::request::{Endpoint, Provider};
use crate::live::retry::RetryPolicy;
use crate::sweep::{Calibration, Platform, Pricing, Protocol, Schedule};

/// One model of a run, with the rates its cost is computed at (None: cost unknown).
#[derive(Debug, Clone, PartialEq)]
pub struct ModelSpec {
    pub id: String,
    pub pricing: Option<Pricing>,
}

/// Which gold questions a run asks, in gold-set order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QuestionSelection {
    All,
    /// These ids (any order given; asked in gold order).
    Ids(Vec<String>),
    /// From `first` to `last` inclusive, in gold order (`q_001..q_010`).
    Range {
        first: String,
        last: String,
    },
    /// Shard `index` (1-based) of `count` contiguous, near-equal parts of the set.
    Shard {
        index: u32,
        count: u32,
    },
}

/// A run that cannot start, and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SpecError {
    #[error("no models: give at least one model id")]
    NoModels,
    #[error("model {0:?} is listed twice")]
    DuplicateModel(String),
    #[error("model id is empty")]
    EmptyModel,
    #[error("unknown question id {0:?} (not in the gold set)")]
    UnknownQuestion(String),
    #[error(
        "question range {first}..{last} is reversed ({last} comes before {first} in the gold set)"
    )]
    ReversedRange { first: String, last: String },
    #[error(
        "cannot read question selection {0:?}: expected `all`, `q_001..q_010` or `q_001,q_003`"
    )]
    BadSelection(String),
    #[error("cannot read shard {0:?}: expected K/N with 1 ≤ K ≤ N (e.g. 2/4)")]
    BadShard(String),
    #[error("the question selection is empty")]
    NoQuestions,
    #[error("concurrency must be at least 1")]
    ZeroConcurrency,
    #[error("a load test needs at least one concurrency level")]
    NoLoadSteps,
    #[error("rounds must be at least 1 (concurrency {0})")]
    ZeroRounds(u32),
    #[error("the per-call timeout must be positive")]
    ZeroTimeout,
    #[error("the row cap must be at least 1")]
    ZeroRowCap,
}

impl QuestionSelection {
    /// Reads `all`, `q_001..q_010` (a range) or `q_001,q_003` (a list).
    pub fn parse(text: &str) -> Result<QuestionSelection, SpecError> {
        let t = text.trim();
        if t.eq_ignore_ascii_case("all") {
            return Ok(QuestionSelection::All);
        }
        let bad = || SpecError::BadSelection(text.to_string());
        if let Some((first, last)) = t.split_once("..") {
            let (first, last) = (first.trim(), last.trim());
            if first.is_empty() || last.is_empty() || last.contains("..") {
                return Err(bad());
            }
            return Ok(QuestionSelection::Range {
                first: first.to_string(),
                last: last.to_string(),
            });
        }
        let ids: Vec<String> = t.split(',').map(|s| s.trim().to_string()).collect();
        if ids
            .iter()
            .any(|s| s.is_empty() || s.contains(char::is_whitespace))
        {
            return Err(bad());
        }
        Ok(QuestionSelection::Ids(ids))
    }

    /// Reads a shard `K/N`.
    pub fn parse_shard(text: &str) -> Result<QuestionSelection, SpecError> {
        let bad = || SpecError::BadShard(text.to_string());
        let (k, n) = text.trim().split_once('/').ok_or_else(bad)?;
        let index: u32 = k.trim().parse().map_err(|_| bad())?;
        let count: u32 = n.trim().parse().map_err(|_| bad())?;
        if index == 0 || count == 0 || index > count {
            return Err(bad());
        }
        Ok(QuestionSelection::Shard { index, count })
    }

    /// The selected questions, in gold order.
    pub fn resolve<'g>(&self, gold: &'g GoldSet) -> Result<Vec<&'g GoldQuestion>, SpecError> {
        let all = &gold.questions;
        let position = |id: &str| {
            all.iter()
                .position(|q| q.id == id)
                .ok_or_else(|| SpecError::UnknownQuestion(id.to_string()))
        };
        let picked: Vec<&GoldQuestion> = match self {
            QuestionSelection::All => all.iter().collect(),
            QuestionSelection::Ids(ids) => {
                let mut wanted = HashSet::new();
                for id in ids {
                    position(id)?;
                    wanted.insert(id.as_str());
                }
                all.iter()
                    .filter(|q| wanted.contains(q.id.as_str()))
                    .collect()
            }
            QuestionSelection::Range { first, last } => {
                let (a, b) = (position(first)?, position(last)?);
                if b < a {
                    return Err(SpecError::ReversedRange {
                        first: first.clone(),
                        last: last.clone(),
                    });
                }
                all[a..=b].iter().collect()
            }
            QuestionSelection::Shard { index, count } => {
                let (i, n, len) = (*index as usize, *count as usize, all.len());
                if i == 0 || i > n {
                    return Err(SpecError::BadShard(format!("{index}/{count}")));
                }
                // Contiguous parts whose sizes differ by at most one.
                let start = (i - 1) * len / n;
                let end = i * len / n;
                all[start..end].iter().collect()
            }
        };
        if picked.is_empty() {
            return Err(SpecError::NoQuestions);
        }
        Ok(picked)
    }
}

impl fmt::Display for QuestionSelection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            QuestionSelection::All => write!(f, "all questions"),
            QuestionSelection::Ids(ids) => write!(f, "questions {}", ids.join(",")),
            QuestionSelection::Range { first, last } => write!(f, "questions {first}..{last}"),
            QuestionSelection::Shard { index, count } => write!(f, "shard {index}/{count}"),
        }
    }
}

/// Time, retry and size limits of a run.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RunLimits {
    /// Budget of one HTTP attempt, dispatch to end of body; the transport enforces it.
    pub call_timeout_ms: u64,
    /// Retries per model call for the agent protocol (one-shot and baseline never retry).
    pub retries: u32,
    /// Rows the executor keeps (and the scorer sees); more is a truncated result.
    pub max_rows: usize,
    /// Rows written into a trace (the rest is dropped and the result marked truncated).
    pub stored_rows: usize,
    /// SQLite VM steps one query may take.
    pub max_vm_steps: u64,
    /// Stop asking a model after this many of its traces in a row ended in a fatal
    /// failure ([`crate::outcome::Outcome::is_fatal_for_model`]: 401/403, 404, other
    /// client errors); its remaining questions are skipped and recorded as such
    /// (`RunMeta::stopped_models`). 0: never stop.
    pub stop_model_after_consecutive_failures: u32,
}

impl RunLimits {
    /// Same as `exec::Limits::DEFAULT_MAX_VM_STEPS` (checked by a test).
    pub const DEFAULT_MAX_VM_STEPS: u64 = 200_000_000;
    /// Same as `exec::Limits::DEFAULT_MAX_ROWS` (checked by a test).
    pub const DEFAULT_MAX_ROWS: usize = 10_000;
    /// Rows kept per trace: every gold answer has far fewer; a runaway result is cut.
    pub const DEFAULT_STORED_ROWS: usize = 1_000;
    /// Two minutes: the slowest published calls took ~20 s.
    pub const DEFAULT_CALL_TIMEOUT_MS: u64 = 120_000;
    /// Three refusals in a row: one is a fact about the model, three rule out a
    /// fluke, and 22 of 25 questions' pacing time is saved.
    pub const DEFAULT_STOP_MODEL_AFTER_FAILURES: u32 = 3;
}

impl Default for RunLimits {
    fn default() -> Self {
        RunLimits {
            call_timeout_ms: Self::DEFAULT_CALL_TIMEOUT_MS,
            retries: RetryPolicy::default().max_retries,
            max_rows: Self::DEFAULT_MAX_ROWS,
            stored_rows: Self::DEFAULT_STORED_ROWS,
            max_vm_steps: Self::DEFAULT_MAX_VM_STEPS,
            stop_model_after_consecutive_failures: Self::DEFAULT_STOP_MODEL_AFTER_FAILURES,
        }
    }
}

/// Facts about the environment written into the run metadata.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RunContext {
    /// A short human label; a default is derived from the protocol and platform.
    pub label: Option<String>,
    /// "sqlsweep 0.1.0" (CLI) or "sqlsweep-web 0.1.0".
    pub tool_version: String,
    /// Browser user agent, or the CLI's platform string.
    pub user_agent: Option<String>,
    /// "http/1.1", "h2", … where the transport knows it.
    pub http_protocol: Option<String>,
    /// Wall clock at the engine's first poll, Unix milliseconds (for `started_at` and
    /// HTTP-date `Retry-After` values). The engine itself never reads a clock.
    pub started_at_unix_ms: Option<f64>,
    /// Harness self-calibration measured before the run.
    pub calibration: Option<Calibration>,
}

/// A whole run.
#[derive(Debug, Clone, PartialEq)]
pub struct RunSpec {
    /// Where requests go (no key in here).
    pub endpoint: Endpoint,
    pub platform: Platform,
    pub models: Vec<ModelSpec>,
    pub questions: QuestionSelection,
    pub protocol: Protocol,
    pub schedule: Schedule,
    pub limits: RunLimits,
    pub context: RunContext,
    /// Seed of the back-off jitter, so a simulated run is reproducible.
    pub seed: u64,
}

impl RunSpec {
    /// A one-shot, sequential, unpaced run of every question on `models`, priced from
    /// the catalog of the endpoint's platform.
    pub fn new(endpoint: Endpoint, models: &[&str]) -> RunSpec {
        let platform = platform_of(&endpoint);
        let models = models
            .iter()
            .map(|id| ModelSpec {
                id: id.to_string(),
                pricing: catalog::price_for(&platform, id),
            })
            .collect();
        RunSpec {
            endpoint,
            platform,
            models,
            questions: QuestionSelection::All,
            protocol: Protocol::OneShot,
            schedule: Schedule::Sequential { pace_ms: 0 },
            limits: RunLimits::default(),
            context: RunContext::default(),
            seed: 1,
        }
    }

    /// The agent strategy the protocol maps to: one-shot is the agent's first call with
    /// no repair (JSON mode, trimmed schema — the published sweeps' prompt).
    pub fn strategy(&self) -> Strategy {
        match self.protocol {
            Protocol::OneShot => Strategy::Agent { max_repairs: 0 },
            Protocol::Agent => Strategy::agent(),
            Protocol::Baseline => Strategy::Baseline,
        }
    }

    /// Retries apply to the agent protocol only; the published one-shot protocol and
    /// the customer baseline never retry.
    pub fn retry_policy(&self) -> RetryPolicy {
        match self.protocol {
            Protocol::Agent => RetryPolicy {
                max_retries: self.limits.retries,
                ..RetryPolicy::default()
            },
            Protocol::OneShot | Protocol::Baseline => RetryPolicy::none(),
        }
    }

    /// Checks everything that does not need the gold set.
    pub fn validate(&self) -> Result<(), SpecError> {
        if self.models.is_empty() {
            return Err(SpecError::NoModels);
        }
        let mut seen = HashSet::new();
        for m in &self.models {
            if m.id.trim().is_empty() {
                return Err(SpecError::EmptyModel);
            }
            if !seen.insert(m.id.as_str()) {
                return Err(SpecError::DuplicateModel(m.id.clone()));
            }
        }
        match &self.schedule {
            Schedule::Sequential { .. } => {}
            Schedule::Concurrent { concurrency, .. } => {
                if *concurrency == 0 {
                    return Err(SpecError::ZeroConcurrency);
                }
            }
            Schedule::Load { steps, .. } => {
                if steps.is_empty() {
                    return Err(SpecError::NoLoadSteps);
                }
                for s in steps {
                    if s.concurrency == 0 {
                        return Err(SpecError::ZeroConcurrency);
                    }
                    if s.rounds == 0 {
                        return Err(SpecError::ZeroRounds(s.concurrency));
                    }
                }
            }
        }
        if self.limits.call_timeout_ms == 0 {
            return Err(SpecError::ZeroTimeout);
        }
        if self.limits.max_rows == 0 || self.limits.stored_rows == 0 {
            return Err(SpecError::ZeroRowCap);
        }
        Ok(())
    }

    /// The rates of `model`, if it is part of the run.
    pub fn pricing_of(&self, model: &str) -> Option<Pricing> {
        self.models.iter().find(|m| m.id == model)?.pricing
    }
}

/// The platform an endpoint belongs to (a custom endpoint is named by its host).
pub fn platform_of(endpoint: &Endpoint) -> Platform {
    match endpoint.provider {
        Provider::Fireworks => Platform::Fireworks,
        Provider::Baseten => Platform::Baseten,
        Provider::Custom => Platform::Custom(endpoint.host().to_string()),
    }
}

/// Rounds per concurrency level so a load step yields at least `min_samples` measured
/// calls and keeps the loop saturated (at least four calls per slot).
pub fn rounds_for(concurrency: u32, questions: usize, min_samples: usize) -> u32 {
    let wanted = min_samples.max(4 * concurrency as usize).max(1);
    let q = questions.max(1);
    wanted.div_ceil(q).max(1) as u32
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::value::ResultSet;

    fn gold(ids: &[&str]) -> GoldSet {
        GoldSet {
            questions: ids
                .iter()
                .map(|id| GoldQuestion {
                    id: id.to_string(),
                    question: format!("question {id}"),
                    tier: 1,
                    pattern: None,
                    gold_sql: "SELECT 1".into(),
                    gold_answer: None,
                    expected: ResultSet::default(),
                    source_file: String::new(),
                })
                .collect(),
        }
    }

    fn check(
        selection: Result<QuestionSelection, SpecError>,
        expected: Result<&[&str], SpecError>,
    ) {
        let set = gold(&["q_001", "q_002", "q_003", "s_001", "s_002"]);
        let got = selection.and_then(|s| {
            s.resolve(&set)
                .map(|qs| qs.iter().map(|q| q.id.clone()).collect::<Vec<_>>())
        });
        let want = expected.map(|ids| ids.iter().map(|s| s.to_string()).collect::<Vec<_>>());
        assert_eq!(got, want);
    }

    #[test]
    fn selections() {
        use QuestionSelection as S;
        let p = S::parse;
        check(p("all"), Ok(&["q_001", "q_002", "q_003", "s_001", "s_002"]));
        check(p("q_002..s_001"), Ok(&["q_002", "q_003", "s_001"]));
        check(p(" q_001 .. q_001 "), Ok(&["q_001"]));
        check(p("s_002,q_001"), Ok(&["q_001", "s_002"]));
        check(p("q_003"), Ok(&["q_003"]));
        check(
            p("q_003..q_001"),
            Err(SpecError::ReversedRange {
                first: "q_003".into(),
                last: "q_001".into(),
            }),
        );
        check(
            p("q_001..q_999"),
            Err(SpecError::UnknownQuestion("q_999".into())),
        );
        check(
            p("q_001,,q_002"),
            Err(SpecError::BadSelection("q_001,,q_002".into())),
        );
        check(p("..q_002"), Err(SpecError::BadSelection("..q_002".into())));
        check(
            p("q_001..q_002..q_003"),
            Err(SpecError::BadSelection("q_001..q_002..q_003".into())),
        );
        // Shards: contiguous, sizes differ by at most one, together the whole set.
        check(S::parse_shard("1/2"), Ok(&["q_001", "q_002"]));
        check(S::parse_shard("2/2"), Ok(&["q_003", "s_001", "s_002"]));
        check(S::parse_shard("3/3"), Ok(&["s_001", "s_002"]));
        check(S::parse_shard("1/5"), Ok(&["q_001"]));
        check(S::parse_shard("1/6"), Err(SpecError::NoQuestions));
        check(
            S::parse_shard("0/2"),
            Err(SpecError::BadShard("0/2".into())),
        );
        check(
            S::parse_shard("3/2"),
            Err(SpecError::BadShard("3/2".into())),
        );
        check(
            S::parse_shard("a/2"),
            Err(SpecError::BadShard("a/2".into())),
        );
        check(S::parse_shard("2"), Err(SpecError::BadShard("2".into())));
    }

    #[test]
    fn shards_partition_the_gold_set() {
        let ids: Vec<String> = (1..=25).map(|i| format!("q_{i:03}")).collect();
        let set = gold(&ids.iter().map(String::as_str).collect::<Vec<_>>());
        for n in 1..=25u32 {
            let mut all = Vec::new();
            for k in 1..=n {
                let part = QuestionSelection::Shard { index: k, count: n }
                    .resolve(&set)
                    .unwrap();
                assert!(part.len() == 25 / n as usize || part.len() == 25 / n as usize + 1);
                all.extend(part.iter().map(|q| q.id.clone()));
            }
            assert_eq!(all, ids, "{n} shards");
        }
    }

    type Change = Box<dyn Fn(&mut RunSpec)>;

    #[test]
    fn validation() {
        use crate::sweep::LoadStep;
        let base = RunSpec::new(
            Endpoint::custom("http://127.0.0.1:9/v1").unwrap(),
            &["a", "b"],
        );
        assert_eq!(base.validate(), Ok(()));
        assert_eq!(base.platform, Platform::Custom("127.0.0.1:9".into()));
        let cases: Vec<(Change, SpecError)> = vec![
            (Box::new(|s| s.models.clear()), SpecError::NoModels),
            (
                Box::new(|s| s.models[1].id = "a".into()),
                SpecError::DuplicateModel("a".into()),
            ),
            (
                Box::new(|s| s.models[0].id = " ".into()),
                SpecError::EmptyModel,
            ),
            (
                Box::new(|s| {
                    s.schedule = Schedule::Concurrent {
                        concurrency: 0,
                        warmup: 0,
                    }
                }),
                SpecError::ZeroConcurrency,
            ),
            (
                Box::new(|s| {
                    s.schedule = Schedule::Load {
                        steps: vec![],
                        warmup: 0,
                    }
                }),
                SpecError::NoLoadSteps,
            ),
            (
                Box::new(|s| {
                    s.schedule = Schedule::Load {
                        steps: vec![LoadStep {
                            concurrency: 8,
                            rounds: 0,
                        }],
                        warmup: 0,
                    }
                }),
                SpecError::ZeroRounds(8),
            ),
            (
                Box::new(|s| s.limits.call_timeout_ms = 0),
                SpecError::ZeroTimeout,
            ),
            (
                Box::new(|s| s.limits.stored_rows = 0),
                SpecError::ZeroRowCap,
            ),
        ];
        for (change, want) in cases {
            let mut s = base.clone();
            change(&mut s);
            assert_eq!(s.validate(), Err(want));
        }
    }

    #[test]
    fn protocols_map_to_strategies_and_retries() {
        let mut s = RunSpec::new(
            Endpoint::fireworks(),
            &["accounts/fireworks/models/kimi-k2p6"],
        );
        assert_eq!(s.platform, Platform::Fireworks);
        assert!(s.models[0].pricing.is_some(), "catalog price");
        let cases = [
            (Protocol::OneShot, Strategy::Agent { max_repairs: 0 }, 0),
            (Protocol::Agent, Strategy::agent(), 2),
            (Protocol::Baseline, Strategy::Baseline, 0),
        ];
        for (protocol, strategy, retries) in cases {
            s.protocol = protocol.clone();
            assert_eq!(s.strategy(), strategy, "{protocol:?}");
            assert_eq!(s.retry_policy().max_retries, retries, "{protocol:?}");
        }
    }

    #[test]
    fn rounds() {
        for (c, q, min, want) in [
            (1, 25, 100, 4),
            (8, 25, 100, 4),
            (64, 25, 100, 11),
            (256, 25, 100, 41),
            (1, 25, 1, 1),
            (4, 0, 10, 16),
        ] {
            assert_eq!(rounds_for(c, q, min), want, "c={c} q={q} min={min}");
        }
    }

    #[cfg(feature = "sqlite")]
    #[test]
    fn defaults_match_the_executor() {
        let exec = crate::exec::Limits::default();
        assert_eq!(RunLimits::DEFAULT_MAX_VM_STEPS, exec.max_vm_steps);
        assert_eq!(RunLimits::DEFAULT_MAX_ROWS, exec.max_rows);
    }
}
