//! The figures of one side of a live comparison, from the agent's result and what
//! the transport saw of each model call: timings, tokens, cost (estimate marked),
//! repairs, HTTP attempts, the gold verdict and the status with its advice.
//!
//! Fixes over the original: tokens and latency of earlier calls are kept when a
//! later call fails; Baseten and custom endpoints are priced (their rates are
//! known or entered); a cost resting on a proxy or guessed rate says so.

use serde::{Deserialize, Serialize};

use crate::agent::AgentResult;
use crate::live::request::Endpoint;
use crate::outcome::Outcome;
use crate::summary::cost_usd;
use crate::sweep::{Attempt, PriceSource, Pricing};

use super::advice::{advise, Advice, Situation, WaitSource};

/// What the transport saw of one model call (all its HTTP attempts).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct CallWire {
    /// Status of the last attempt (None: no response).
    pub status: Option<u16>,
    /// Every attempt, timed from the first dispatch.
    pub attempts: Vec<Attempt>,
    /// A retry waited for a server-suggested time (Retry-After was readable).
    pub server_wait: bool,
}

impl CallWire {
    /// First dispatch → end of the last attempt, back-off included.
    pub fn latency_with_retries_ms(&self) -> Option<f64> {
        let first = self.attempts.first()?;
        let last = self.attempts.last()?;
        Some(last.ended_ms - first.started_ms)
    }
}

/// A cost figure and whether it rests on a non-published rate.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Cost {
    pub usd: f64,
    pub source: PriceSource,
}

impl Cost {
    pub fn is_estimate(&self) -> bool {
        !matches!(
            self.source,
            PriceSource::Published | PriceSource::UserEntered
        )
    }

    /// `$0.000123`, with " (estimate)" for a proxied or guessed rate and " (your rate)"
    /// for a rate the user typed.
    pub fn label(&self) -> String {
        let suffix = match self.source {
            PriceSource::Published => "",
            PriceSource::UserEntered => " (your rate)",
            PriceSource::Proxy | PriceSource::Estimate => " (estimate)",
        };
        format!("${:.6}{suffix}", self.usd)
    }
}

/// Rates a user typed for a custom endpoint (USD per million tokens): both empty is
/// "no rate", otherwise both must be non-negative numbers.
pub fn user_pricing(input: &str, output: &str) -> Result<Option<Pricing>, String> {
    let parse = |what: &str, text: &str| -> Result<f64, String> {
        let v: f64 = text
            .trim()
            .trim_start_matches('$')
            .parse()
            .map_err(|_| format!("the {what} rate {:?} is not a number", text.trim()))?;
        if v.is_finite() && v >= 0.0 {
            Ok(v)
        } else {
            Err(format!("the {what} rate must be zero or more"))
        }
    };
    match (input.trim().is_empty(), output.trim().is_empty()) {
        (true, true) => Ok(None),
        (false, false) => Ok(Some(Pricing {
            input: parse("input", input)?,
            output: parse("output", output)?,
            source: PriceSource::UserEntered,
        })),
        _ => Err("enter both rates (input and output), or neither".to_string()),
    }
}

/// Where a side ran, for advice.
#[derive(Debug, Clone, PartialEq)]
pub struct SideContext<'a> {
    pub provider: &'a str,
    pub endpoint: &'a Endpoint,
    pub model: &'a str,
    pub timeout_ms: f64,
    /// The question is a gold one (a verdict is due).
    pub gold: bool,
}

/// Everything a side panel shows once the run is done.
#[derive(Debug, Clone, PartialEq)]
pub struct SideReport {
    pub outcome: Outcome,
    /// First call: dispatch → first content or reasoning delta.
    pub ttft_ms: Option<f64>,
    /// Sum of the model calls' latencies (model time; SQL and back-off excluded).
    pub latency_ms: Option<f64>,
    /// Sum over calls of first dispatch → end of last attempt (back-off included).
    pub latency_with_retries_ms: Option<f64>,
    pub prompt_tokens: Option<u64>,
    pub completion_tokens: Option<u64>,
    pub cost: Option<Cost>,
    /// Why there is no cost, when there is none.
    pub cost_missing: Option<String>,
    /// Model calls (one per agent turn).
    pub calls: u32,
    pub repairs: u32,
    /// HTTP attempts over all calls (retries included).
    pub http_attempts: u32,
    /// Gold verdict: `Some(true)` matches, `Some(false)` does not, `None` when the
    /// question is free text or no answer came back.
    pub verdict: Option<bool>,
    pub advice: Advice,
}

/// Builds the report of a finished side. `wire[i]` is what the transport saw of
/// `result.calls[i]`; `pricing` the model's rate, if known; `message` the run's error
/// text already scrubbed of the key.
pub fn side_report(
    result: &AgentResult,
    wire: &[CallWire],
    pricing: Option<&Pricing>,
    ctx: &SideContext<'_>,
    message: Option<&str>,
) -> SideReport {
    let sum = |f: fn(&CallWire) -> Option<f64>| -> Option<f64> {
        let known: Vec<f64> = wire.iter().filter_map(f).collect();
        (!known.is_empty()).then(|| known.iter().sum())
    };
    let (cost, cost_missing) = match (result.prompt_tokens, result.completion_tokens, pricing) {
        _ if result.calls.iter().all(|c| c.reply.is_none()) => {
            (None, Some("no reply, nothing billed".to_string()))
        }
        (Some(p), Some(c), Some(price)) if result.usage_complete() => (
            Some(Cost {
                usd: cost_usd(p as f64, c as f64, price),
                source: price.source,
            }),
            None,
        ),
        (_, _, None) => (
            None,
            Some("no rate known for this model (enter rates for a custom endpoint)".to_string()),
        ),
        _ => (
            None,
            Some("the provider reported no token usage".to_string()),
        ),
    };
    let last = wire.last();
    let http_attempts = wire.iter().map(|w| w.attempts.len() as u32).sum();
    let last_attempts = last.map_or(0, |w| w.attempts.len() as u32);
    let wait = match last {
        Some(w) if w.attempts.len() > 1 && w.server_wait => WaitSource::Server,
        Some(w) if w.attempts.len() > 1 => WaitSource::Backoff,
        _ => WaitSource::NoRetry,
    };
    let rows = result.result.as_ref();
    let advice = advise(&Situation {
        outcome: result.outcome,
        provider: ctx.provider,
        endpoint: ctx.endpoint,
        model: ctx.model,
        strategy: result.strategy,
        status: last.and_then(|w| w.status),
        message,
        rows: rows.map(|r| r.rows.len()),
        rows_capped: rows.is_some_and(|r| r.truncated),
        repairs: result.repairs,
        http_attempts: last_attempts,
        wait,
        timeout_ms: ctx.timeout_ms,
    });
    let verdict = if !ctx.gold || result.outcome.is_transport_failure() {
        None
    } else {
        Some(result.outcome == Outcome::Correct)
    };
    SideReport {
        outcome: result.outcome,
        ttft_ms: result.first_ttft_ms(),
        latency_ms: result.latency_ms(),
        latency_with_retries_ms: sum(CallWire::latency_with_retries_ms),
        prompt_tokens: result.prompt_tokens,
        completion_tokens: result.completion_tokens,
        cost,
        cost_missing,
        calls: result.attempts,
        repairs: result.repairs,
        http_attempts,
        verdict,
        advice,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::agent::{Agent, CallFailure, Reply, SchemaInfo, Strategy};
    use crate::demo::Level;
    use crate::value::{Cell, ResultSet};

    fn rows(n: i64) -> ResultSet {
        ResultSet {
            columns: vec!["n".into()],
            rows: (0..n).map(|i| vec![Cell::Integer(i)]).collect(),
            truncated: false,
        }
    }

    fn reply(content: &str, p: Option<u64>, c: Option<u64>, ms: f64) -> Result<Reply, CallFailure> {
        Ok(Reply {
            content: content.into(),
            prompt_tokens: p,
            completion_tokens: c,
            latency_ms: Some(ms),
            ttft_ms: Some(ms / 4.0),
        })
    }

    /// Drives an agent with scripted replies and executions.
    fn run(
        strategy: Strategy,
        gold: Option<ResultSet>,
        mut replies: Vec<Result<Reply, CallFailure>>,
        mut execs: Vec<Result<ResultSet, String>>,
    ) -> AgentResult {
        let mut agent = Agent::new(strategy, "How many tracks?", &SchemaInfo::default(), &[]);
        if let Some(g) = gold {
            agent = agent.with_gold(g);
        }
        replies.reverse();
        execs.reverse();
        loop {
            match agent.next() {
                crate::agent::Step::Call(_) => agent.on_reply(replies.pop().unwrap()).unwrap(),
                crate::agent::Step::Execute(_) => agent.on_executed(execs.pop().unwrap()).unwrap(),
                crate::agent::Step::Done(r) => return r,
            }
        }
    }

    fn wire(status: Option<u16>, spans: &[(f64, f64)], server_wait: bool) -> CallWire {
        CallWire {
            status,
            attempts: spans
                .iter()
                .map(|&(s, e)| Attempt {
                    status,
                    outcome: Outcome::Answered,
                    started_ms: s,
                    ended_ms: e,
                    waited_ms: 0.0,
                })
                .collect(),
            server_wait,
        }
    }

    fn ctx(gold: bool) -> (Endpoint, bool) {
        (Endpoint::baseten(), gold)
    }

    fn report(
        result: &AgentResult,
        wire: &[CallWire],
        pricing: Option<Pricing>,
        gold: bool,
        message: Option<&str>,
    ) -> SideReport {
        let (endpoint, gold) = ctx(gold);
        side_report(
            result,
            wire,
            pricing.as_ref(),
            &SideContext {
                provider: "Baseten",
                endpoint: &endpoint,
                model: "moonshotai/Kimi-K2.6",
                timeout_ms: 30_000.0,
                gold,
            },
            message,
        )
    }

    const ANSWER: &str = r#"{"sql":"SELECT 1","rationale":"r"}"#;

    fn published(i: f64, o: f64) -> Pricing {
        Pricing {
            input: i,
            output: o,
            source: PriceSource::Published,
        }
    }

    #[test]
    fn a_repaired_correct_run() {
        let r = run(
            Strategy::agent(),
            Some(rows(2)),
            vec![
                reply(ANSWER, Some(1000), Some(50), 800.0),
                reply(ANSWER, Some(1200), Some(40), 600.0),
            ],
            vec![Err("no such table: x".into()), Ok(rows(2))],
        );
        let w = [
            wire(Some(200), &[(0.0, 800.0)], false),
            wire(Some(200), &[(0.0, 600.0)], false),
        ];
        let rep = report(&r, &w, Some(published(0.95, 4.00)), true, None);
        assert_eq!(rep.outcome, Outcome::Correct);
        assert_eq!(rep.verdict, Some(true));
        assert_eq!((rep.calls, rep.repairs, rep.http_attempts), (2, 1, 2));
        assert_eq!(rep.latency_ms, Some(1400.0));
        assert_eq!(rep.latency_with_retries_ms, Some(1400.0));
        assert_eq!(rep.ttft_ms, Some(200.0));
        assert_eq!(
            (rep.prompt_tokens, rep.completion_tokens),
            (Some(2200), Some(90))
        );
        let cost = rep.cost.unwrap();
        // (2200 × 0.95 + 90 × 4.00) / 1e6
        assert!((cost.usd - 0.00245).abs() < 1e-12, "{cost:?}");
        assert_eq!(cost.label(), "$0.002450");
        assert_eq!(rep.advice.level, Level::Ok);
    }

    #[test]
    fn a_failed_call_keeps_earlier_figures() {
        let r = run(
            Strategy::agent(),
            Some(rows(2)),
            vec![
                reply(ANSWER, Some(1000), Some(50), 800.0),
                Err(CallFailure {
                    outcome: Outcome::RateLimited,
                    message: "HTTP 429: slow down".into(),
                    latency_ms: Some(20.0),
                }),
            ],
            vec![Err("no such table: x".into())],
        );
        let w = [
            wire(Some(200), &[(0.0, 800.0)], false),
            wire(
                Some(429),
                &[(0.0, 10.0), (1000.0, 1010.0), (3000.0, 3020.0)],
                true,
            ),
        ];
        let rep = report(
            &r,
            &w,
            Some(published(0.95, 4.00)),
            true,
            Some("HTTP 429: slow down"),
        );
        assert_eq!(rep.outcome, Outcome::RateLimited);
        assert_eq!(rep.verdict, None, "no verdict when the call failed");
        assert_eq!(rep.http_attempts, 4);
        assert_eq!(rep.latency_ms, Some(820.0));
        assert_eq!(rep.latency_with_retries_ms, Some(800.0 + 3020.0));
        assert_eq!(
            rep.prompt_tokens,
            Some(1000),
            "tokens of the first call kept"
        );
        assert!(rep.cost.is_some());
        assert_eq!(
            rep.advice.headline,
            "Rate limited (HTTP 429) · gave up after 3 attempts"
        );
        assert!(
            rep.advice.detail.contains("Retry-After asked"),
            "{}",
            rep.advice.detail
        );
    }

    #[test]
    fn costs_and_why_they_are_missing() {
        let ok = |p, c| {
            run(
                Strategy::Baseline,
                None,
                vec![reply("SELECT 1", p, c, 100.0)],
                vec![Ok(rows(1))],
            )
        };
        let w = [wire(Some(200), &[(0.0, 100.0)], false)];
        let proxy = Pricing {
            source: PriceSource::Proxy,
            ..published(1.0, 2.0)
        };
        let user = Pricing {
            source: PriceSource::UserEntered,
            ..published(1.0, 2.0)
        };
        type Case = (
            Option<u64>,
            Option<u64>,
            Option<Pricing>,
            Option<&'static str>,
            Option<&'static str>,
        );
        let cases: [Case; 5] = [
            (
                Some(100),
                Some(10),
                Some(published(1.0, 2.0)),
                Some("$0.000120"),
                None,
            ),
            (
                Some(100),
                Some(10),
                Some(proxy),
                Some("$0.000120 (estimate)"),
                None,
            ),
            (
                Some(100),
                Some(10),
                Some(user),
                Some("$0.000120 (your rate)"),
                None,
            ),
            (Some(100), Some(10), None, None, Some("no rate known")),
            (
                None,
                None,
                Some(published(1.0, 2.0)),
                None,
                Some("no token usage"),
            ),
        ];
        for (p, c, price, label, missing) in cases {
            let rep = report(&ok(p, c), &w, price, false, None);
            assert_eq!(
                rep.cost.map(|c| c.label()).as_deref(),
                label,
                "{p:?} {price:?}"
            );
            match missing {
                Some(m) => assert!(
                    rep.cost_missing.as_deref().unwrap_or("").contains(m),
                    "{rep:?}"
                ),
                None => assert_eq!(rep.cost_missing, None),
            }
            assert_eq!(rep.verdict, None, "free text has no verdict");
        }
        // No reply at all: nothing billed.
        let failed = run(
            Strategy::Baseline,
            None,
            vec![Err(CallFailure {
                outcome: Outcome::Network,
                message: "refused".into(),
                latency_ms: None,
            })],
            vec![],
        );
        let rep = report(
            &failed,
            &[wire(None, &[(0.0, 5.0)], false)],
            Some(published(1.0, 2.0)),
            true,
            None,
        );
        assert_eq!(rep.cost, None);
        assert_eq!(
            rep.cost_missing.as_deref(),
            Some("no reply, nothing billed")
        );
        assert_eq!(rep.advice.headline, "No response from inference.baseten.co");
    }

    #[test]
    fn typed_rates() {
        let user = |i, o| {
            Ok(Some(Pricing {
                input: i,
                output: o,
                source: PriceSource::UserEntered,
            }))
        };
        type Case = (
            &'static str,
            &'static str,
            Result<Option<Pricing>, &'static str>,
        );
        let cases: [Case; 7] = [
            ("", " ", Ok(None)),
            ("0.5", "1.5", user(0.5, 1.5)),
            (" $0.95 ", "4", user(0.95, 4.0)),
            ("0", "0", user(0.0, 0.0)),
            ("1", "", Err("enter both rates")),
            ("abc", "1", Err("the input rate \"abc\" is not a number")),
            ("1", "-2", Err("must be zero or more")),
        ];
        for (i, o, want) in cases {
            match (user_pricing(i, o), want) {
                (Ok(got), Ok(want)) => assert_eq!(got, want, "{i:?} {o:?}"),
                (Err(e), Err(needle)) => assert!(e.contains(needle), "{i:?} {o:?}: {e}"),
                (got, want) => panic!("{i:?} {o:?}: got {got:?}, want {want:?}"),
            }
        }
    }

    #[test]
    fn gold_verdicts() {
        let cases = [
            (vec![Ok(rows(2))], Some(true)),
            (vec![Ok(rows(3))], Some(false)),
            (vec![Err("no such column".to_string())], Some(false)),
        ];
        for (execs, verdict) in cases {
            let r = run(
                Strategy::Baseline,
                Some(rows(2)),
                vec![reply("SELECT 1", None, None, 1.0)],
                execs,
            );
            let rep = report(
                &r,
                &[wire(Some(200), &[(0.0, 1.0)], false)],
                None,
                true,
                None,
            );
            assert_eq!(rep.verdict, verdict, "{:?}", r.outcome);
        }
    }
}
