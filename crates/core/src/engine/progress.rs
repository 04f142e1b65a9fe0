//! Progress of a run as the user sees it: counts, an ETA from the rate observed so
//! far, and live per-model accuracy and median latency — the same figures in the
//! browser's progress bar and the CLI's.
//!
//! Warm-up calls count as work done (they take time) but never in accuracy or
//! latency. Traces resumed from a partial file count as done, not in the rate.

use serde::{Deserialize, Serialize};

use crate::stats::median;
use crate::sweep::ModelRun;

/// A snapshot of a run's progress.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Progress {
    /// Traces finished, resumed ones included.
    pub done: usize,
    /// Traces the run will have when finished.
    pub total: usize,
    /// Of `done`, traces taken over from the partial file.
    pub resumed: usize,
    /// Of `done`, calls skipped because their model was stopped after consecutive
    /// fatal failures (no trace; see `RunMeta::stopped_models`).
    #[serde(default)]
    pub skipped: usize,
    /// Jobs started and not finished.
    pub in_flight: usize,
    /// Since the first dispatch of this session.
    pub elapsed_ms: f64,
    /// Remaining work at the rate observed in this session; None before the first
    /// trace of the session finished.
    pub eta_ms: Option<f64>,
    pub models: Vec<ModelProgress>,
}

/// One model's part.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelProgress {
    pub model: String,
    pub done: usize,
    pub total: usize,
    /// Measured (non-warm-up) traces so far, and how many were correct.
    pub measured: usize,
    pub correct: usize,
    pub accuracy: Option<f64>,
    /// Median latency of the measured traces so far.
    pub median_latency_ms: Option<f64>,
    /// Measured traces that ended in an error.
    pub errors: usize,
}

impl Progress {
    /// `done/total` as a fraction in [0, 1] (1 for an empty run).
    pub fn fraction(&self) -> f64 {
        if self.total == 0 {
            1.0
        } else {
            (self.done as f64 / self.total as f64).min(1.0)
        }
    }

    /// One line for logs: `37/75 (49%) · 4 in flight · ETA 1m05s`.
    pub fn line(&self) -> String {
        let mut s = format!(
            "{}/{} ({:.0}%)",
            self.done,
            self.total,
            self.fraction() * 100.0
        );
        if self.skipped > 0 {
            s.push_str(&format!(" · {} skipped", self.skipped));
        }
        if self.in_flight > 0 {
            s.push_str(&format!(" · {} in flight", self.in_flight));
        }
        if let Some(eta) = self.eta_ms {
            s.push_str(&format!(" · ETA {}", duration_text(eta)));
        }
        s
    }
}

impl ModelProgress {
    /// `kimi-k2p6 12/25 · 83% correct · p50 1.2 s · 1 error`.
    pub fn line(&self) -> String {
        let label = self.model.rsplit('/').next().unwrap_or(&self.model);
        let mut s = format!("{label} {}/{}", self.done, self.total);
        if let Some(a) = self.accuracy {
            s.push_str(&format!(" · {:.0}% correct", a * 100.0));
        }
        if let Some(l) = self.median_latency_ms {
            s.push_str(&format!(" · p50 {}", duration_text(l)));
        }
        if self.errors > 0 {
            let plural = if self.errors == 1 { "" } else { "s" };
            s.push_str(&format!(" · {} error{plural}", self.errors));
        }
        s
    }
}

/// Per-model figures from the traces so far.
pub fn model_progress(run: &ModelRun, done: usize, total: usize) -> ModelProgress {
    let measured: Vec<_> = run.traces.iter().filter(|t| !t.is_warmup()).collect();
    let correct = measured.iter().filter(|t| t.correct).count();
    let latencies: Vec<f64> = measured
        .iter()
        .filter_map(|t| t.timing.latency_ms)
        .filter(|l| *l > 0.0)
        .collect();
    ModelProgress {
        model: run.model.clone(),
        done,
        total,
        measured: measured.len(),
        correct,
        accuracy: (!measured.is_empty()).then(|| correct as f64 / measured.len() as f64),
        median_latency_ms: median(&latencies),
        errors: measured.iter().filter(|t| t.error.is_some()).count(),
    }
}

/// Time left for `remaining` traces when `finished` took `elapsed_ms`.
pub fn eta_ms(finished: usize, remaining: usize, elapsed_ms: f64) -> Option<f64> {
    if remaining == 0 {
        return Some(0.0);
    }
    (finished > 0 && elapsed_ms > 0.0).then(|| elapsed_ms / finished as f64 * remaining as f64)
}

/// `850 ms`, `12.4 s`, `3m05s`, `1h02m`.
pub fn duration_text(ms: f64) -> String {
    if !ms.is_finite() || ms < 0.0 {
        return "?".to_string();
    }
    if ms < 1000.0 {
        return format!("{ms:.0} ms");
    }
    let s = ms / 1000.0;
    if s < 60.0 {
        return format!("{s:.1} s");
    }
    let whole = s.round() as u64;
    if whole < 3600 {
        format!("{}m{:02}s", whole / 60, whole % 60)
    } else {
        format!("{}h{:02}m", whole / 3600, whole % 3600 / 60)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sweep::{LoadSlot, Timing, Trace};

    fn trace(correct: bool, latency: f64, error: bool, warmup: bool) -> Trace {
        Trace {
            qid: "q".into(),
            correct,
            error: error.then(|| "boom".to_string()),
            timing: Timing {
                latency_ms: Some(latency),
                ..Timing::default()
            },
            load: warmup.then_some(LoadSlot {
                concurrency: 2,
                round: 0,
                warmup: true,
            }),
            ..Trace::default()
        }
    }

    #[test]
    fn per_model_figures_exclude_warmups() {
        let run = ModelRun {
            model: "acct/models/m1".into(),
            platform: None,
            pricing: None,
            traces: vec![
                trace(true, 100.0, false, false),
                trace(false, 300.0, true, false),
                trace(true, 200.0, false, false),
                trace(true, 9000.0, false, true),
            ],
            recorded: None,
        };
        let p = model_progress(&run, 4, 10);
        assert_eq!((p.measured, p.correct, p.errors), (3, 2, 1));
        assert_eq!(p.accuracy, Some(2.0 / 3.0));
        assert_eq!(p.median_latency_ms, Some(200.0));
        assert_eq!(p.line(), "m1 4/10 · 67% correct · p50 200 ms · 1 error");
    }

    #[test]
    fn eta_and_text() {
        for (finished, remaining, elapsed, want) in [
            (0, 5, 1000.0, None),
            (2, 0, 1000.0, Some(0.0)),
            (4, 6, 2000.0, Some(3000.0)),
            (1, 1, 0.0, None),
        ] {
            assert_eq!(eta_ms(finished, remaining, elapsed), want);
        }
        for (ms, want) in [
            (12.0, "12 ms"),
            (1234.0, "1.2 s"),
            (65_000.0, "1m05s"),
            (3_725_000.0, "1h02m"),
            (f64::NAN, "?"),
        ] {
            assert_eq!(duration_text(ms), want);
        }
        let p = Progress {
            done: 37,
            total: 75,
            resumed: 0,
            skipped: 0,
            in_flight: 4,
            elapsed_ms: 1.0,
            eta_ms: Some(65_000.0),
            models: vec![],
        };
        assert_eq!(p.line(), "37/75 (49%) · 4 in flight · ETA 1m05s");
        let p = Progress { skipped: 22, ..p };
        assert_eq!(
            p.line(),
            "37/75 (49%) · 22 skipped · 4 in flight · ETA 1m05s"
        );
    }
}
