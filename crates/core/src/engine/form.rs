//! The run form: what a person chooses on the browser's `#/run` page — models,
//! questions, protocol, schedule, time limit, label — as plain serialisable values,
//! and its translation into the engine's [`RunSpec`] with an error naming the field
//! that is wrong.
//!
//! Why it is here and not in the page: the rules (how model lists and concurrency
//! levels are read, how many rounds a load level gets, what a browser may attempt)
//! are decisions, tested natively, and the same for every caller. The form holds no
//! key, so the page stores it beside a run's checkpoint and a reloaded page rebuilds
//! exactly the same spec to resume.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::gold::GoldSet;
use crate::live::request::Endpoint;
use crate::sweep::{LoadStep, Platform, Pricing, Protocol, Schedule};

use super::spec::{rounds_for, QuestionSelection, RunContext, RunLimits, RunSpec, SpecError};

/// Calls in flight a form may ask for. A browser tab is the wrong tool beyond this
/// (and is connection-limited far below it on HTTP/1.1); `sqlsweep load` is the tool
/// for hundreds of streams.
pub const MAX_CONCURRENCY: u32 = 64;
/// The longest per-attempt limit a form accepts, in seconds.
pub const MAX_TIMEOUT_S: f64 = 600.0;
/// The longest pause between sequential calls a form accepts, in milliseconds.
pub const MAX_PACE_MS: u64 = 600_000;
/// The highest fail-fast limit a form accepts (0 turns fail-fast off).
pub const MAX_STOP_AFTER_FAILURES: u32 = 100;

/// How the calls of a run are scheduled, as the form has it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum ScheduleForm {
    /// One call at a time, `pace_ms` between the end of one and the start of the next.
    Sequential { pace_ms: u64 },
    /// A closed loop at `concurrency`; the first `warmup` calls are excluded.
    Concurrent { concurrency: u32, warmup: u32 },
    /// A load test: closed loops at each level of `levels` (`"1, 3, 6"`), one after
    /// another. Every question is asked `rounds` times per level, or by default often
    /// enough for `min_samples` measured calls (and at least four per slot).
    Load {
        levels: String,
        rounds: Option<u32>,
        min_samples: usize,
        warmup: u32,
    },
}

/// Harness self-calibration before a run: calls to a fixture provider whose first
/// token comes a known `ttft_ms` after the request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CalibrationForm {
    /// The fixture's base URL (`http://127.0.0.1:PORT/v1`).
    pub base_url: String,
    pub ttft_ms: u64,
    /// Measured calls wanted (rounded up to whole rounds of the questions).
    pub calls: usize,
}

/// Everything the form holds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunForm {
    /// Model ids as the provider expects them, one per line or separated by commas.
    pub models: String,
    /// `all` (or empty), a range `q_001..q_010`, or a list `q_001,q_003`.
    pub questions: String,
    pub protocol: Protocol,
    pub schedule: ScheduleForm,
    /// Limit of one HTTP attempt, headers and body, in seconds.
    pub timeout_s: f64,
    /// Retries per model call (the agent protocol only).
    pub retries: u32,
    /// Stop asking a model after this many fatal failures in a row (401/403, 404,
    /// other client errors); 0: never. Absent in forms stored before it existed.
    #[serde(default = "default_stop_after_failures")]
    pub stop_after_failures: u32,
    /// The run's name in every view; empty: [`RunForm::default_label`].
    pub label: String,
    pub calibration: Option<CalibrationForm>,
}

impl Default for RunForm {
    fn default() -> Self {
        RunForm {
            models: String::new(),
            questions: "all".to_string(),
            protocol: Protocol::OneShot,
            schedule: ScheduleForm::Sequential { pace_ms: 0 },
            timeout_s: 120.0,
            retries: 2,
            stop_after_failures: default_stop_after_failures(),
            label: String::new(),
            calibration: None,
        }
    }
}

fn default_stop_after_failures() -> u32 {
    RunLimits::DEFAULT_STOP_MODEL_AFTER_FAILURES
}

/// The part of the form an error is about (also the page's `data-field`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormField {
    Models,
    Questions,
    Schedule,
    Timeout,
    Calibration,
    StopAfterFailures,
}

impl FormField {
    pub fn name(self) -> &'static str {
        match self {
            FormField::Models => "models",
            FormField::Questions => "questions",
            FormField::Schedule => "schedule",
            FormField::Timeout => "timeout",
            FormField::Calibration => "calibration",
            FormField::StopAfterFailures => "stop_after_failures",
        }
    }
}

/// A form that cannot start a run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormError {
    pub field: FormField,
    pub message: String,
}

impl FormError {
    fn new(field: FormField, message: impl Into<String>) -> FormError {
        FormError {
            field,
            message: message.into(),
        }
    }
}

impl fmt::Display for FormError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field.name(), self.message)
    }
}

impl std::error::Error for FormError {}

impl From<SpecError> for FormError {
    fn from(e: SpecError) -> FormError {
        let field = match e {
            SpecError::NoModels | SpecError::DuplicateModel(_) | SpecError::EmptyModel => {
                FormField::Models
            }
            SpecError::UnknownQuestion(_)
            | SpecError::ReversedRange { .. }
            | SpecError::BadSelection(_)
            | SpecError::BadShard(_)
            | SpecError::NoQuestions => FormField::Questions,
            SpecError::ZeroConcurrency | SpecError::NoLoadSteps | SpecError::ZeroRounds(_) => {
                FormField::Schedule
            }
            SpecError::ZeroTimeout | SpecError::ZeroRowCap => FormField::Timeout,
        };
        FormError::new(field, e.to_string())
    }
}

/// Model ids from free text: one per line or comma-separated, trimmed, blanks
/// dropped, in the order given (duplicates are kept for the spec to refuse).
pub fn parse_models(text: &str) -> Vec<String> {
    text.split(['\n', ','])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

/// Concurrency levels from `"1, 3, 6"` (commas or spaces), each 1..=[`MAX_CONCURRENCY`],
/// none twice, in the order given.
pub fn parse_levels(text: &str) -> Result<Vec<u32>, String> {
    let mut out: Vec<u32> = Vec::new();
    for part in text
        .split(|c: char| c == ',' || c.is_whitespace())
        .filter(|s| !s.is_empty())
    {
        let c: u32 = part.parse().map_err(|_| {
            format!("{part:?} is not a concurrency level (expected whole numbers like 1, 3, 6)")
        })?;
        if c == 0 || c > MAX_CONCURRENCY {
            return Err(format!(
                "concurrency {c} is outside 1–{MAX_CONCURRENCY} (use `sqlsweep load` for more streams)"
            ));
        }
        if out.contains(&c) {
            return Err(format!("concurrency {c} is listed twice"));
        }
        out.push(c);
    }
    if out.is_empty() {
        return Err("give at least one concurrency level (e.g. 1, 3, 6)".into());
    }
    Ok(out)
}

impl ScheduleForm {
    /// The engine's schedule for a run of `questions` questions.
    pub fn to_schedule(&self, questions: usize) -> Result<Schedule, FormError> {
        let bad = |m: String| FormError::new(FormField::Schedule, m);
        let check_c = |c: u32| {
            if c == 0 || c > MAX_CONCURRENCY {
                Err(bad(format!(
                    "concurrency {c} is outside 1–{MAX_CONCURRENCY} (use `sqlsweep load` for more streams)"
                )))
            } else {
                Ok(c)
            }
        };
        match self {
            ScheduleForm::Sequential { pace_ms } => {
                if *pace_ms > MAX_PACE_MS {
                    return Err(bad(format!(
                        "a pause of {pace_ms} ms is longer than {MAX_PACE_MS} ms"
                    )));
                }
                Ok(Schedule::Sequential { pace_ms: *pace_ms })
            }
            ScheduleForm::Concurrent {
                concurrency,
                warmup,
            } => Ok(Schedule::Concurrent {
                concurrency: check_c(*concurrency)?,
                warmup: *warmup,
            }),
            ScheduleForm::Load {
                levels,
                rounds,
                min_samples,
                warmup,
            } => {
                let levels = parse_levels(levels).map_err(bad)?;
                if *rounds == Some(0) {
                    return Err(bad("rounds must be at least 1".into()));
                }
                Ok(Schedule::Load {
                    steps: levels
                        .into_iter()
                        .map(|c| LoadStep {
                            concurrency: c,
                            rounds: rounds
                                .unwrap_or_else(|| rounds_for(c, questions, *min_samples)),
                        })
                        .collect(),
                    warmup: *warmup,
                })
            }
        }
    }

    /// The most calls the schedule keeps in flight at once.
    pub fn max_concurrency(&self) -> u32 {
        match self {
            ScheduleForm::Sequential { .. } => 1,
            ScheduleForm::Concurrent { concurrency, .. } => *concurrency,
            ScheduleForm::Load { levels, .. } => parse_levels(levels)
                .ok()
                .and_then(|l| l.into_iter().max())
                .unwrap_or(1),
        }
    }
}

impl RunForm {
    /// The questions the form selects.
    pub fn selection(&self) -> Result<QuestionSelection, FormError> {
        let text = self.questions.trim();
        if text.is_empty() {
            return Ok(QuestionSelection::All);
        }
        QuestionSelection::parse(text).map_err(FormError::from)
    }

    /// `your run · one-shot on 127.0.0.1:8000 · 14:05:09`: the default name, unique
    /// enough for a person to tell runs apart.
    pub fn default_label(&self, platform: &Platform, local_time: &str) -> String {
        let protocol = match self.protocol {
            Protocol::OneShot => "one-shot",
            Protocol::Agent => "agent",
            Protocol::Baseline => "baseline",
        };
        let kind = match self.schedule {
            ScheduleForm::Load { .. } => " load test",
            _ => "",
        };
        format!(
            "your run · {protocol}{kind} on {} · {local_time}",
            platform.label()
        )
    }

    /// The engine's spec. `rates` price models the catalog has no rate for (a custom
    /// endpoint's user-entered rates); `context.label` is replaced by the form's label
    /// when it has one.
    pub fn to_spec(
        &self,
        endpoint: Endpoint,
        gold: &GoldSet,
        rates: Option<Pricing>,
        mut context: RunContext,
        seed: u64,
    ) -> Result<RunSpec, FormError> {
        let models = parse_models(&self.models);
        if models.is_empty() {
            return Err(FormError::new(
                FormField::Models,
                "enter at least one model id (one per line)",
            ));
        }
        let selection = self.selection()?;
        let questions = selection.resolve(gold)?.len();
        let schedule = self.schedule.to_schedule(questions)?;
        if !(self.timeout_s.is_finite() && self.timeout_s > 0.0 && self.timeout_s <= MAX_TIMEOUT_S)
        {
            return Err(FormError::new(
                FormField::Timeout,
                format!("the time limit must be more than 0 and at most {MAX_TIMEOUT_S} s"),
            ));
        }
        if self.stop_after_failures > MAX_STOP_AFTER_FAILURES {
            return Err(FormError::new(
                FormField::StopAfterFailures,
                format!(
                    "stop a model after at most {MAX_STOP_AFTER_FAILURES} failures in a row \
                     (0 never stops)"
                ),
            ));
        }
        let ids: Vec<&str> = models.iter().map(String::as_str).collect();
        let mut spec = RunSpec::new(endpoint, &ids);
        spec.protocol = self.protocol.clone();
        spec.questions = selection;
        spec.schedule = schedule;
        spec.limits.call_timeout_ms = (self.timeout_s * 1000.0).round() as u64;
        spec.limits.retries = self.retries;
        spec.limits.stop_model_after_consecutive_failures = self.stop_after_failures;
        if let Some(rate) = rates {
            for m in &mut spec.models {
                m.pricing.get_or_insert(rate);
            }
        }
        if !self.label.trim().is_empty() {
            context.label = Some(self.label.trim().to_string());
        }
        spec.context = context;
        spec.seed = seed;
        spec.validate()?;
        Ok(spec)
    }

    /// The calibration endpoint, or why the URL is unusable.
    pub fn calibration_endpoint(&self) -> Result<Option<(Endpoint, &CalibrationForm)>, FormError> {
        let Some(c) = &self.calibration else {
            return Ok(None);
        };
        if c.ttft_ms == 0 || c.calls == 0 {
            return Err(FormError::new(
                FormField::Calibration,
                "the calibration needs a first-token delay and at least one call",
            ));
        }
        let endpoint = Endpoint::custom(&c.base_url)
            .map_err(|e| FormError::new(FormField::Calibration, format!("fixture URL: {e}")))?;
        Ok(Some((endpoint, c)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gold::GoldQuestion;
    use crate::sweep::PriceSource;
    use crate::value::ResultSet;

    fn gold() -> GoldSet {
        GoldSet {
            questions: (1..=25)
                .map(|i| GoldQuestion {
                    id: format!("q_{i:03}"),
                    question: format!("question {i}"),
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

    fn form() -> RunForm {
        RunForm {
            models: "m-a\nm-b".into(),
            ..RunForm::default()
        }
    }

    /// What a spec came out as, in short: models, question count, schedule.
    fn summary(spec: &RunSpec, gold: &GoldSet) -> (Vec<String>, usize, Schedule) {
        (
            spec.models.iter().map(|m| m.id.clone()).collect(),
            spec.questions.resolve(gold).unwrap().len(),
            spec.schedule.clone(),
        )
    }

    fn check(
        change: impl Fn(&mut RunForm),
        expected: Result<(&[&str], usize, Schedule), (FormField, &str)>,
    ) {
        let g = gold();
        let mut f = form();
        change(&mut f);
        let got = f.to_spec(
            Endpoint::custom("http://127.0.0.1:9/v1").unwrap(),
            &g,
            None,
            RunContext::default(),
            7,
        );
        match (got, expected) {
            (Ok(spec), Ok((models, n, schedule))) => {
                let want: Vec<String> = models.iter().map(|s| s.to_string()).collect();
                assert_eq!(summary(&spec, &g), (want, n, schedule), "{f:?}");
            }
            (Err(e), Err((field, part))) => {
                assert_eq!(e.field, field, "{e}");
                assert!(e.message.contains(part), "{e} should mention {part:?}");
            }
            (got, want) => panic!("{f:?}: got {got:?}, want {want:?}"),
        }
    }

    #[test]
    fn forms_become_specs() {
        let seq = |pace_ms| Schedule::Sequential { pace_ms };
        check(|_| {}, Ok((&["m-a", "m-b"], 25, seq(0))));
        check(
            |f| f.models = " a , b\n\n c ".into(),
            Ok((&["a", "b", "c"], 25, seq(0))),
        );
        check(
            |f| f.questions = "q_003..q_007".into(),
            Ok((&["m-a", "m-b"], 5, seq(0))),
        );
        check(
            |f| f.questions = "  ".into(),
            Ok((&["m-a", "m-b"], 25, seq(0))),
        );
        check(
            |f| f.schedule = ScheduleForm::Sequential { pace_ms: 1500 },
            Ok((&["m-a", "m-b"], 25, seq(1500))),
        );
        check(
            |f| {
                f.schedule = ScheduleForm::Concurrent {
                    concurrency: 4,
                    warmup: 2,
                }
            },
            Ok((
                &["m-a", "m-b"],
                25,
                Schedule::Concurrent {
                    concurrency: 4,
                    warmup: 2,
                },
            )),
        );
        // Default rounds: enough for 100 measured calls and 4 per slot.
        check(
            |f| {
                f.schedule = ScheduleForm::Load {
                    levels: "1, 6 12".into(),
                    rounds: None,
                    min_samples: 100,
                    warmup: 1,
                }
            },
            Ok((
                &["m-a", "m-b"],
                25,
                Schedule::Load {
                    steps: vec![
                        LoadStep {
                            concurrency: 1,
                            rounds: 4,
                        },
                        LoadStep {
                            concurrency: 6,
                            rounds: 4,
                        },
                        LoadStep {
                            concurrency: 12,
                            rounds: 4,
                        },
                    ],
                    warmup: 1,
                },
            )),
        );
        check(
            |f| {
                f.questions = "q_001..q_016".into();
                f.schedule = ScheduleForm::Load {
                    levels: "2,8".into(),
                    rounds: Some(1),
                    min_samples: 100,
                    warmup: 0,
                }
            },
            Ok((
                &["m-a", "m-b"],
                16,
                Schedule::Load {
                    steps: vec![
                        LoadStep {
                            concurrency: 2,
                            rounds: 1,
                        },
                        LoadStep {
                            concurrency: 8,
                            rounds: 1,
                        },
                    ],
                    warmup: 0,
                },
            )),
        );
        // Errors name their field.
        check(
            |f| f.models = " \n ,".into(),
            Err((FormField::Models, "at least one model")),
        );
        check(
            |f| f.models = "a\na".into(),
            Err((FormField::Models, "listed twice")),
        );
        check(
            |f| f.questions = "q_001..q_999".into(),
            Err((FormField::Questions, "q_999")),
        );
        check(
            |f| f.questions = "q_009..q_002".into(),
            Err((FormField::Questions, "reversed")),
        );
        check(
            |f| {
                f.schedule = ScheduleForm::Concurrent {
                    concurrency: 0,
                    warmup: 0,
                }
            },
            Err((FormField::Schedule, "outside 1–64")),
        );
        check(
            |f| {
                f.schedule = ScheduleForm::Concurrent {
                    concurrency: 65,
                    warmup: 0,
                }
            },
            Err((FormField::Schedule, "sqlsweep load")),
        );
        check(
            |f| f.schedule = ScheduleForm::Sequential { pace_ms: 600_001 },
            Err((FormField::Schedule, "longer than")),
        );
        for (levels, part) in [
            ("", "at least one"),
            ("1,x", "\"x\" is not a concurrency level"),
            ("0", "outside"),
            ("6,6", "listed twice"),
            ("128", "sqlsweep load"),
        ] {
            check(
                |f| {
                    f.schedule = ScheduleForm::Load {
                        levels: levels.into(),
                        rounds: None,
                        min_samples: 100,
                        warmup: 0,
                    }
                },
                Err((FormField::Schedule, part)),
            );
        }
        check(
            |f| {
                f.schedule = ScheduleForm::Load {
                    levels: "1".into(),
                    rounds: Some(0),
                    min_samples: 100,
                    warmup: 0,
                }
            },
            Err((FormField::Schedule, "rounds")),
        );
        for t in [0.0, -1.0, f64::NAN, 601.0] {
            check(|f| f.timeout_s = t, Err((FormField::Timeout, "time limit")));
        }
        for n in [101, u32::MAX] {
            check(
                |f| f.stop_after_failures = n,
                Err((FormField::StopAfterFailures, "at most 100")),
            );
        }
    }

    #[test]
    fn spec_carries_limits_rates_label_and_seed() {
        let g = gold();
        let rate = Pricing {
            input: 0.5,
            output: 1.5,
            source: PriceSource::UserEntered,
        };
        let mut f = form();
        f.protocol = Protocol::Agent;
        f.timeout_s = 12.5;
        f.retries = 1;
        f.label = "  mine ".into();
        let ctx = RunContext {
            label: Some("derived".into()),
            tool_version: "sqlsweep-web 0.1.0".into(),
            ..RunContext::default()
        };
        let spec = f
            .to_spec(
                Endpoint::custom("http://127.0.0.1:9/v1").unwrap(),
                &g,
                Some(rate),
                ctx.clone(),
                42,
            )
            .unwrap();
        assert_eq!(spec.protocol, Protocol::Agent);
        assert_eq!(spec.limits.call_timeout_ms, 12_500);
        assert_eq!(spec.retry_policy().max_retries, 1);
        assert_eq!(spec.limits.stop_model_after_consecutive_failures, 3);
        assert!(spec.models.iter().all(|m| m.pricing == Some(rate)));
        assert_eq!(spec.context.label.as_deref(), Some("mine"));
        assert_eq!(spec.context.tool_version, "sqlsweep-web 0.1.0");
        assert_eq!(spec.seed, 42);
        // Without a label of its own, the caller's stays; catalog rates win over user rates.
        f.label = String::new();
        let spec = f
            .to_spec(Endpoint::fireworks(), &g, Some(rate), ctx, 1)
            .unwrap();
        assert_eq!(spec.context.label.as_deref(), Some("derived"));
        for n in [0, 1, 100] {
            f.stop_after_failures = n;
            let spec = f
                .to_spec(Endpoint::fireworks(), &g, None, RunContext::default(), 1)
                .unwrap();
            assert_eq!(spec.limits.stop_model_after_consecutive_failures, n);
        }
        f.models = "accounts/fireworks/models/kimi-k2p6".into();
        let spec = f
            .to_spec(
                Endpoint::fireworks(),
                &g,
                Some(rate),
                RunContext::default(),
                1,
            )
            .unwrap();
        assert_ne!(spec.models[0].pricing, Some(rate), "the catalog's rate");
    }

    #[test]
    fn forms_round_trip_through_json_and_name_runs() {
        let mut f = form();
        f.schedule = ScheduleForm::Load {
            levels: "1,6".into(),
            rounds: Some(2),
            min_samples: 100,
            warmup: 1,
        };
        f.calibration = Some(CalibrationForm {
            base_url: "http://127.0.0.1:9/v1".into(),
            ttft_ms: 200,
            calls: 25,
        });
        let text = serde_json::to_string(&f).unwrap();
        assert_eq!(serde_json::from_str::<RunForm>(&text).unwrap(), f);
        // A form stored before the fail-fast limit existed reads with the default.
        let mut old: serde_json::Value = serde_json::from_str(&text).unwrap();
        old.as_object_mut().unwrap().remove("stop_after_failures");
        f.stop_after_failures = 7;
        let read: RunForm = serde_json::from_value(old).unwrap();
        assert_eq!(read.stop_after_failures, 3);
        assert_eq!(
            RunForm {
                stop_after_failures: 7,
                ..read
            },
            f
        );
        assert_eq!(f.schedule.max_concurrency(), 6);
        assert_eq!(
            f.default_label(&Platform::Custom("127.0.0.1:9".into()), "14:05:09"),
            "your run · one-shot load test on 127.0.0.1:9 · 14:05:09"
        );
        f.protocol = Protocol::Agent;
        f.schedule = ScheduleForm::Sequential { pace_ms: 0 };
        assert_eq!(
            f.default_label(&Platform::Fireworks, "09:00:00"),
            "your run · agent on Fireworks · 09:00:00"
        );
        let (endpoint, c) = f.calibration_endpoint().unwrap().unwrap();
        assert_eq!((endpoint.host(), c.ttft_ms), ("127.0.0.1:9", 200));
        f.calibration.as_mut().unwrap().base_url = "not a url".into();
        assert_eq!(
            f.calibration_endpoint().unwrap_err().field,
            FormField::Calibration
        );
        f.calibration = None;
        assert_eq!(f.calibration_endpoint(), Ok(None));
    }
}
