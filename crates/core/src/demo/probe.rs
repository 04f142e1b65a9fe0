//! The latency probe: a few sequential agent runs on one provider and model, their
//! median against the customer's 3-second target.
//!
//! Fixes over the original: a run's latency is the whole answer — every model call
//! to the end of its stream, the SQL, any repair turn — not the time to response
//! headers; a failed run stops the probe but the runs before it are kept and
//! summarised (marked partial); and the probe uses the key bar's provider and key
//! only (see [`super::key`]).

use crate::analysis::format::ms;
use crate::outcome::Outcome;
use crate::stats::median;

/// The customer's target, an answer within 3 seconds (the analysis assumptions' default).
pub const LATENCY_TARGET_MS: f64 = 3_000.0;
/// Sequential runs per probe.
pub const PROBE_RUNS: usize = 3;

/// One run of the probe.
#[derive(Debug, Clone, PartialEq)]
pub struct ProbeRun {
    pub outcome: Outcome,
    /// Wall time of the whole run: model calls, SQL, repairs, back-off.
    pub end_to_end_ms: Option<f64>,
    /// Sum of the model calls' latencies.
    pub model_ms: Option<f64>,
    /// First call's TTFT.
    pub ttft_ms: Option<f64>,
    pub repairs: u32,
    /// The run's error (scrubbed), if any.
    pub error: Option<String>,
}

impl ProbeRun {
    /// A run counts as a latency sample when every model call got its answer (the
    /// SQL may still be wrong: the latency is real).
    pub fn is_sample(&self) -> bool {
        !self.outcome.is_transport_failure() && self.end_to_end_ms.is_some()
    }
}

/// Whether to start another run after `runs`.
pub fn should_continue(runs: &[ProbeRun]) -> bool {
    runs.len() < PROBE_RUNS && runs.last().is_none_or(ProbeRun::is_sample)
}

/// What the probe found.
#[derive(Debug, Clone, PartialEq)]
pub struct ProbeSummary {
    /// Runs that count as samples.
    pub samples: usize,
    pub median_ms: Option<f64>,
    pub fastest_ms: Option<f64>,
    pub slowest_ms: Option<f64>,
    pub median_model_ms: Option<f64>,
    pub median_ttft_ms: Option<f64>,
    /// Median within the target.
    pub under_target: Option<bool>,
    /// Fewer samples than planned (a run failed).
    pub partial: bool,
    /// The failure that stopped the probe.
    pub stopped_by: Option<String>,
}

impl ProbeSummary {
    /// One line: "Median 2,345 ms over 3 runs: under the 3 s target".
    pub fn headline(&self, target_ms: f64) -> String {
        let target = format!("{} s target", target_ms / 1000.0);
        match (self.median_ms, self.under_target) {
            (Some(m), Some(under)) => {
                let runs = if self.samples == 1 { "run" } else { "runs" };
                let side = if under { "under" } else { "over" };
                let partial = if self.partial { " (partial)" } else { "" };
                format!(
                    "Median {} over {} {runs}{partial}: {side} the {target}",
                    ms(Some(m)),
                    self.samples
                )
            }
            _ => format!("No complete run: no median to compare with the {target}"),
        }
    }
}

/// Summarises the runs so far against `target_ms`.
pub fn summarize(runs: &[ProbeRun], target_ms: f64) -> ProbeSummary {
    let samples: Vec<&ProbeRun> = runs.iter().filter(|r| r.is_sample()).collect();
    let pick = |f: fn(&ProbeRun) -> Option<f64>| -> Vec<f64> {
        samples.iter().filter_map(|r| f(r)).collect()
    };
    let e2e = pick(|r| r.end_to_end_ms);
    let median_ms = median(&e2e);
    let stopped_by = runs.iter().find(|r| !r.is_sample()).map(|r| {
        r.error
            .clone()
            .unwrap_or_else(|| r.outcome.label().to_string())
    });
    ProbeSummary {
        samples: samples.len(),
        median_ms,
        fastest_ms: e2e.iter().copied().reduce(f64::min),
        slowest_ms: e2e.iter().copied().reduce(f64::max),
        median_model_ms: median(&pick(|r| r.model_ms)),
        median_ttft_ms: median(&pick(|r| r.ttft_ms)),
        under_target: median_ms.map(|m| m <= target_ms),
        partial: samples.len() < PROBE_RUNS && stopped_by.is_some(),
        stopped_by,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(e2e: f64) -> ProbeRun {
        ProbeRun {
            outcome: Outcome::Correct,
            end_to_end_ms: Some(e2e),
            model_ms: Some(e2e - 50.0),
            ttft_ms: Some(e2e / 4.0),
            repairs: 0,
            error: None,
        }
    }

    fn failed(outcome: Outcome, error: &str) -> ProbeRun {
        ProbeRun {
            outcome,
            end_to_end_ms: Some(10.0),
            model_ms: None,
            ttft_ms: None,
            repairs: 0,
            error: Some(error.into()),
        }
    }

    #[test]
    fn when_to_go_on() {
        let cases: [(&[ProbeRun], bool); 5] = [
            (&[], true),
            (&[ok(1.0)], true),
            (&[ok(1.0), ok(2.0)], true),
            (&[ok(1.0), ok(2.0), ok(3.0)], false),
            (&[ok(1.0), failed(Outcome::RateLimited, "429")], false),
        ];
        for (runs, want) in cases {
            assert_eq!(should_continue(runs), want, "{} runs", runs.len());
        }
        // A wrong answer is still a latency sample.
        let wrong = ProbeRun {
            outcome: Outcome::WrongRows,
            ..ok(900.0)
        };
        assert!(should_continue(&[wrong]));
    }

    fn check(runs: &[ProbeRun], median: Option<f64>, headline: &str, partial: bool) {
        let s = summarize(runs, LATENCY_TARGET_MS);
        assert_eq!(s.median_ms, median);
        assert_eq!(s.partial, partial);
        assert_eq!(s.headline(LATENCY_TARGET_MS), headline);
    }

    #[test]
    fn the_target_is_the_analysis_default() {
        let a = crate::analysis::assumptions::Assumptions::default();
        assert_eq!(LATENCY_TARGET_MS, a.latency_target_ms);
    }

    #[test]
    fn summaries() {
        check(
            &[ok(2400.0), ok(1200.0), ok(5000.0)],
            Some(2400.0),
            "Median 2,400 ms over 3 runs: under the 3 s target",
            false,
        );
        check(
            &[ok(4000.0), ok(3000.5)],
            Some(3500.25),
            "Median 3,500 ms over 2 runs: over the 3 s target",
            false,
        );
        check(
            &[ok(1000.0), failed(Outcome::Timeout, "timed out")],
            Some(1000.0),
            "Median 1,000 ms over 1 run (partial): under the 3 s target",
            true,
        );
        check(
            &[failed(Outcome::Unauthorized, "HTTP 401")],
            None,
            "No complete run: no median to compare with the 3 s target",
            true,
        );
        let s = summarize(&[ok(1000.0), ok(3000.0), ok(2000.0)], 3000.0);
        assert_eq!((s.fastest_ms, s.slowest_ms), (Some(1000.0), Some(3000.0)));
        assert_eq!(s.median_model_ms, Some(1950.0));
        assert_eq!(s.median_ttft_ms, Some(500.0));
        assert_eq!(s.under_target, Some(true), "the target itself is within");
        let s = summarize(&[ok(1.0), failed(Outcome::Network, "refused")], 3000.0);
        assert_eq!(s.stopped_by.as_deref(), Some("refused"));
    }
}
