//! Latency: under load (the concurrency file) and sequentially (the three paced
//! runs), against the customer's target.
//!
//! Honesty rules, fixing spec §6.2.8:
//! - failed calls are **separated** from latency figures: p50/p90/p99 are over
//!   successful calls, failed calls are counted by class with their own median
//!   (a 429 that backed off for 39 s says nothing about model latency);
//! - percentiles interpolate linearly (one definition, `crate::stats`); the
//!   original's lower-nearest-rank figures are reproduced separately, labelled;
//! - a p99 from fewer than [`P99_MIN_SAMPLES`] samples is flagged indicative only
//!   (at 25 calls the "p99" is essentially the maximum);
//! - accuracy under load is shown beside latency, and a degradation ratio that
//!   looks flat only because calls failed says so.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::assumptions::Assumptions;
use super::intervals::{
    mcnemar, median_interval, wilson, MedianInterval, PairedComparison, ProportionInterval,
};
use super::taxonomy::outcome_from_error;
use crate::outcome::Outcome;
use crate::published::concurrency::{ConcurrencyFile, LoadRun};
use crate::published::sequential::SequentialFile;
use crate::stats::{mean, quantile};

/// Below this many samples a p99 is shown as indicative only.
pub const P99_MIN_SAMPLES: usize = 100;

/// Degradation ratio thresholds for the badge: below 1.25× ok, below 2× neutral, else bad.
pub const DEGRADATION_OK_BELOW: f64 = 1.25;
pub const DEGRADATION_NEUTRAL_BELOW: f64 = 2.0;

/// Order statistics of a set of latencies.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LatencyFigures {
    pub samples: usize,
    pub p50_ms: Option<f64>,
    pub p90_ms: Option<f64>,
    pub p99_ms: Option<f64>,
    pub mean_ms: Option<f64>,
    pub min_ms: Option<f64>,
    pub max_ms: Option<f64>,
    /// Distribution-free 95 % interval of the median.
    pub p50_interval: Option<MedianInterval>,
    /// Fewer than [`P99_MIN_SAMPLES`] samples.
    pub p99_indicative_only: bool,
    /// Calls strictly under the target, and their share.
    pub under_target: usize,
    pub under_target_share: Option<f64>,
}

/// Figures of `values` against `target_ms`.
pub fn latency_figures(values: &[f64], target_ms: f64) -> LatencyFigures {
    let under = values.iter().filter(|&&v| v < target_ms).count();
    LatencyFigures {
        samples: values.len(),
        p50_ms: quantile(values, 0.5),
        p90_ms: quantile(values, 0.9),
        p99_ms: quantile(values, 0.99),
        mean_ms: mean(values),
        min_ms: values.iter().copied().reduce(f64::min),
        max_ms: values.iter().copied().reduce(f64::max),
        p50_interval: median_interval(values),
        p99_indicative_only: values.len() < P99_MIN_SAMPLES,
        under_target: under,
        under_target_share: (!values.is_empty()).then(|| under as f64 / values.len() as f64),
    }
}

/// The original dashboard's percentile: `sorted[min(n−1, floor((n−1)·p))]`, the
/// lower nearest rank, no interpolation. Kept only to reproduce its figures.
pub fn lower_nearest_rank(values: &[f64], p: f64) -> Option<f64> {
    if values.is_empty() || values.iter().any(|v| v.is_nan()) {
        return None;
    }
    let mut s = values.to_vec();
    s.sort_by(|a, b| a.total_cmp(b));
    let i = (((s.len() - 1) as f64) * p).floor() as usize;
    Some(s[i.min(s.len() - 1)])
}

/// How a failed call failed.
fn failure_class(error: &str) -> Outcome {
    outcome_from_error(error, false)
}

/// One concurrency level of one model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LoadLevel {
    pub concurrency: u32,
    /// Calls made.
    pub calls: usize,
    /// Calls that returned (no error).
    pub completed: usize,
    pub errors: usize,
    pub errors_by_class: BTreeMap<Outcome, usize>,
    /// Correct over all calls made (a failed call is a wrong answer).
    pub accuracy: Option<ProportionInterval>,
    /// Correct over completed calls.
    pub accuracy_of_completed: Option<f64>,
    pub wallclock_s: Option<f64>,
    /// Calls per second over the wall-clock time (failed calls included, as published).
    pub throughput_qps: Option<f64>,
    /// Correct answers per second.
    pub goodput_qps: Option<f64>,
    /// Latency of successful calls only.
    pub ok_latency: LatencyFigures,
    /// Median latency of the failed calls (time until they gave up), shown apart.
    pub failed_median_ms: Option<f64>,
    /// The file's stated p50 (successful calls), for comparison.
    pub stated_p50_ms: Option<f64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Badge {
    Ok,
    Neutral,
    Bad,
}

pub fn badge(ratio: f64) -> Badge {
    if ratio < DEGRADATION_OK_BELOW {
        Badge::Ok
    } else if ratio < DEGRADATION_NEUTRAL_BELOW {
        Badge::Neutral
    } else {
        Badge::Bad
    }
}

/// p50 at the highest concurrency ÷ p50 at the lowest (successful calls).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Degradation {
    pub from_concurrency: u32,
    pub to_concurrency: u32,
    pub ratio: f64,
    pub badge: Badge,
    /// Calls failed at the highest level: the ratio only covers those that got through.
    pub failed_at_top: usize,
    /// Paired test of accuracy: A = the highest level, B = the lowest, by question.
    pub accuracy_change: PairedComparison,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelLoad {
    pub model: String,
    pub label: String,
    /// Levels by concurrency ascending.
    pub levels: Vec<LoadLevel>,
    pub degradation: Option<Degradation>,
    /// Scale for p50 bars: the model's largest successful-call p99.
    pub bar_scale_ms: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LoadReport {
    /// Models in file order.
    pub models: Vec<ModelLoad>,
    /// Indices into `models`.
    pub least_degraded: Option<usize>,
    pub most_degraded: Option<usize>,
    /// The least degraded among models with no failed call at their highest level
    /// (differs from `least_degraded` when that one only looks flat because calls failed).
    pub least_degraded_without_failures: Option<usize>,
    pub target_ms: f64,
}

fn level(run: &LoadRun, target_ms: f64) -> LoadLevel {
    let ok: Vec<f64> = run
        .rows
        .iter()
        .filter(|r| r.error.is_none())
        .map(|r| r.latency_ms)
        .collect();
    let failed: Vec<f64> = run
        .rows
        .iter()
        .filter(|r| r.error.is_some())
        .map(|r| r.latency_ms)
        .collect();
    let mut errors_by_class = BTreeMap::new();
    for e in run.rows.iter().filter_map(|r| r.error.as_deref()) {
        *errors_by_class.entry(failure_class(e)).or_insert(0) += 1;
    }
    let correct = run.rows.iter().filter(|r| r.correct).count();
    let calls = run.rows.len();
    let wall = run.wallclock_s.filter(|w| *w > 0.0);
    LoadLevel {
        concurrency: run.concurrency,
        calls,
        completed: ok.len(),
        errors: failed.len(),
        errors_by_class,
        accuracy: wilson(correct as u32, calls as u32),
        accuracy_of_completed: (!ok.is_empty()).then(|| {
            run.rows
                .iter()
                .filter(|r| r.correct && r.error.is_none())
                .count() as f64
                / ok.len() as f64
        }),
        wallclock_s: wall,
        throughput_qps: wall.map(|w| calls as f64 / w),
        goodput_qps: wall.map(|w| correct as f64 / w),
        ok_latency: latency_figures(&ok, target_ms),
        failed_median_ms: quantile(&failed, 0.5),
        stated_p50_ms: run.p50_ms,
    }
}

/// Latency under load for every model of a concurrency file.
pub fn load_report(file: &ConcurrencyFile, a: &Assumptions) -> LoadReport {
    let mut models: Vec<ModelLoad> = Vec::new();
    let mut runs_by_model: Vec<(String, Vec<&LoadRun>)> = Vec::new();
    for run in &file.runs {
        match runs_by_model.iter_mut().find(|(m, _)| *m == run.model) {
            Some((_, v)) => v.push(run),
            None => runs_by_model.push((run.model.clone(), vec![run])),
        }
    }
    for (model, mut runs) in runs_by_model {
        runs.sort_by_key(|r| r.concurrency);
        let levels: Vec<LoadLevel> = runs.iter().map(|r| level(r, a.latency_target_ms)).collect();
        let degradation = match (runs.first(), runs.last(), levels.first(), levels.last()) {
            (Some(r0), Some(rn), Some(l0), Some(ln)) if runs.len() > 1 => {
                match (l0.ok_latency.p50_ms, ln.ok_latency.p50_ms) {
                    (Some(p0), Some(pn)) if p0 > 0.0 => {
                        let results = |r: &LoadRun| {
                            r.rows
                                .iter()
                                .map(|x| (x.qid.clone(), x.correct))
                                .collect::<Vec<_>>()
                        };
                        Some(Degradation {
                            from_concurrency: l0.concurrency,
                            to_concurrency: ln.concurrency,
                            ratio: pn / p0,
                            badge: badge(pn / p0),
                            failed_at_top: ln.errors,
                            accuracy_change: mcnemar(&results(rn), &results(r0)),
                        })
                    }
                    _ => None,
                }
            }
            _ => None,
        };
        let bar_scale_ms = levels
            .iter()
            .filter_map(|l| l.ok_latency.p99_ms)
            .reduce(f64::max);
        let label = model.rsplit('/').next().unwrap_or(&model).to_string();
        models.push(ModelLoad {
            model,
            label,
            levels,
            degradation,
            bar_scale_ms,
        });
    }
    let pick = |want_max: bool, only_clean: bool| {
        let mut best: Option<(usize, f64)> = None;
        for (i, m) in models.iter().enumerate() {
            let Some(d) = &m.degradation else { continue };
            if only_clean && d.failed_at_top > 0 {
                continue;
            }
            let better = best.is_none_or(|(_, r)| if want_max { d.ratio > r } else { d.ratio < r });
            if better {
                best = Some((i, d.ratio));
            }
        }
        best.map(|(i, _)| i)
    };
    LoadReport {
        least_degraded: pick(false, false),
        most_degraded: pick(true, false),
        least_degraded_without_failures: pick(false, true),
        models,
        target_ms: a.latency_target_ms,
    }
}

/// One sequential run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SequentialRun {
    /// The run's label (its file name).
    pub label: String,
    pub model: String,
    pub calls: usize,
    pub failed: usize,
    pub failed_by_class: BTreeMap<Outcome, usize>,
    pub accuracy: Option<ProportionInterval>,
    /// Successful calls only.
    pub ok_latency: LatencyFigures,
    /// Every call, failures included (interpolated) — what the file itself states.
    pub all_latency: LatencyFigures,
}

/// The original dashboard's pooled tiles: every call of every run, failures
/// included, lower-nearest-rank percentiles.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AsPublishedPooled {
    pub calls: usize,
    pub runs: usize,
    pub p50_ms: Option<f64>,
    pub p90_ms: Option<f64>,
    pub p99_ms: Option<f64>,
    pub under_target_share: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SequentialReport {
    pub runs: Vec<SequentialRun>,
    /// Successful calls of all runs pooled (the honest headline).
    pub pooled_ok: LatencyFigures,
    /// All calls pooled, interpolated (what the README quoted as the median).
    pub pooled_all: LatencyFigures,
    pub as_published: AsPublishedPooled,
    pub failed: usize,
    pub failed_by_class: BTreeMap<Outcome, usize>,
    /// Median and best of the runs' successful-call p50s.
    pub median_run_p50_ms: Option<f64>,
    pub best_run_p50_ms: Option<f64>,
    /// Index of the run with the lowest successful-call p50.
    pub best_run: Option<usize>,
    pub target_ms: f64,
    /// The pooled successful-call p50 meets the target.
    pub meets_target: Option<bool>,
}

/// Sequential runs (label, file) — each file's first report — pooled and per run.
pub fn sequential_report(runs: &[(String, &SequentialFile)], a: &Assumptions) -> SequentialReport {
    let t = a.latency_target_ms;
    let mut out = Vec::new();
    let (mut all_ok, mut all) = (Vec::new(), Vec::new());
    let mut failed_by_class = BTreeMap::new();
    for (label, file) in runs {
        let Some(r) = file.reports.first() else {
            continue;
        };
        let ok: Vec<f64> = r
            .rows
            .iter()
            .filter(|x| x.error.is_none())
            .map(|x| x.latency_ms)
            .collect();
        let every: Vec<f64> = r.rows.iter().map(|x| x.latency_ms).collect();
        let mut classes = BTreeMap::new();
        for e in r.rows.iter().filter_map(|x| x.error.as_deref()) {
            *classes.entry(failure_class(e)).or_insert(0) += 1;
            *failed_by_class.entry(failure_class(e)).or_insert(0) += 1;
        }
        all_ok.extend_from_slice(&ok);
        all.extend_from_slice(&every);
        out.push(SequentialRun {
            label: label.clone(),
            model: r.model.clone(),
            calls: every.len(),
            failed: every.len() - ok.len(),
            failed_by_class: classes,
            accuracy: wilson(
                r.rows.iter().filter(|x| x.correct).count() as u32,
                r.rows.len() as u32,
            ),
            ok_latency: latency_figures(&ok, t),
            all_latency: latency_figures(&every, t),
        });
    }
    let run_p50s: Vec<(usize, f64)> = out
        .iter()
        .enumerate()
        .filter_map(|(i, r)| r.ok_latency.p50_ms.map(|p| (i, p)))
        .collect();
    let best = run_p50s
        .iter()
        .copied()
        .reduce(|a, b| if b.1 < a.1 { b } else { a });
    let pooled_ok = latency_figures(&all_ok, t);
    SequentialReport {
        as_published: AsPublishedPooled {
            calls: all.len(),
            runs: out.len(),
            p50_ms: lower_nearest_rank(&all, 0.5),
            p90_ms: lower_nearest_rank(&all, 0.9),
            p99_ms: lower_nearest_rank(&all, 0.99),
            under_target_share: (!all.is_empty())
                .then(|| all.iter().filter(|&&v| v < t).count() as f64 / all.len() as f64),
        },
        failed: all.len() - all_ok.len(),
        failed_by_class,
        median_run_p50_ms: crate::stats::median(&run_p50s.iter().map(|x| x.1).collect::<Vec<_>>()),
        best_run_p50_ms: best.map(|b| b.1),
        best_run: best.map(|b| b.0),
        meets_target: pooled_ok.p50_ms.map(|p| p < t),
        pooled_all: latency_figures(&all, t),
        pooled_ok,
        runs: out,
        target_ms: t,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::published::concurrency::LoadRow;
    use crate::published::sequential::{SequentialReport as Rep, SequentialRow};

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-9
    }

    #[test]
    fn figures_and_percentile_methods() {
        let v: Vec<f64> = (1..=10).map(|i| i as f64 * 1000.0).collect();
        let f = latency_figures(&v, 3000.0);
        assert_eq!(
            (f.samples, f.under_target, f.p99_indicative_only),
            (10, 2, true)
        );
        assert!(
            close(f.p50_ms.unwrap(), 5500.0)
                && close(f.p90_ms.unwrap(), 9100.0)
                && close(f.p99_ms.unwrap(), 9910.0)
        );
        assert_eq!(
            f.p50_interval.as_ref().map(|i| (i.lo, i.hi)),
            Some((2000.0, 9000.0))
        );
        let cases = [
            (0.5, 5000.0),
            (0.9, 9000.0),
            (0.99, 9000.0),
            (1.0, 10000.0),
            (0.0, 1000.0),
        ];
        for (p, want) in cases {
            assert_eq!(lower_nearest_rank(&v, p), Some(want), "p = {p}");
        }
        assert_eq!(lower_nearest_rank(&[], 0.5), None);
        let big: Vec<f64> = (0..100).map(|i| i as f64).collect();
        assert!(!latency_figures(&big, 1.0).p99_indicative_only);
        let empty = latency_figures(&[], 3000.0);
        assert_eq!((empty.p50_ms, empty.under_target_share), (None, None));
    }

    fn check_badge(ratio: f64, want: Badge) {
        assert_eq!(badge(ratio), want, "{ratio}");
    }

    #[test]
    fn badges() {
        check_badge(0.99, Badge::Ok);
        check_badge(1.2499, Badge::Ok);
        check_badge(1.25, Badge::Neutral);
        check_badge(1.99, Badge::Neutral);
        check_badge(2.0, Badge::Bad);
        check_badge(5.16, Badge::Bad);
    }

    fn row(qid: &str, ms: f64, correct: bool, error: Option<&str>) -> LoadRow {
        LoadRow {
            qid: qid.into(),
            latency_ms: ms,
            prompt_tokens: None,
            completion_tokens: None,
            repairs: None,
            correct,
            error: error.map(Into::into),
            started_at: None,
            finished_at: None,
        }
    }

    fn lrun(model: &str, c: u32, rows: Vec<LoadRow>, wall: f64) -> LoadRun {
        LoadRun {
            model: model.into(),
            concurrency: c,
            n: None,
            completed: None,
            errors: None,
            accuracy: None,
            wallclock_s: Some(wall),
            throughput_qps: None,
            p50_ms: None,
            p90_ms: None,
            p99_ms: None,
            mean_ms: None,
            rows,
        }
    }

    #[test]
    fn load_separates_failures() {
        let r429 = Some("model call failed: Error code: 429 - {'error': 'Rate limit exceeded'}");
        let file = ConcurrencyFile {
            platform: None,
            base_url: None,
            runs: vec![
                // Listed out of order on purpose.
                lrun(
                    "a/flat-but-failing",
                    10,
                    vec![
                        row("q1", 1000.0, true, None),
                        row("q2", 39000.0, false, r429),
                        row("q3", 38000.0, false, r429),
                    ],
                    40.0,
                ),
                lrun(
                    "a/flat-but-failing",
                    1,
                    vec![
                        row("q1", 1000.0, true, None),
                        row("q2", 1000.0, true, None),
                        row("q3", 1000.0, true, None),
                    ],
                    3.0,
                ),
                lrun(
                    "b/slow",
                    1,
                    vec![row("q1", 1000.0, true, None), row("q2", 2000.0, true, None)],
                    3.0,
                ),
                lrun(
                    "b/slow",
                    5,
                    vec![
                        row("q1", 3000.0, true, None),
                        row("q2", 3000.0, false, None),
                    ],
                    3.0,
                ),
                lrun("c/single", 1, vec![row("q1", 500.0, true, None)], 1.0),
            ],
        };
        let rep = load_report(&file, &Assumptions::default());
        assert_eq!(
            rep.models
                .iter()
                .map(|m| m.label.as_str())
                .collect::<Vec<_>>(),
            ["flat-but-failing", "slow", "single"]
        );
        let a = &rep.models[0];
        assert_eq!(
            a.levels.iter().map(|l| l.concurrency).collect::<Vec<_>>(),
            [1, 10]
        );
        let top = &a.levels[1];
        assert_eq!((top.calls, top.completed, top.errors), (3, 1, 2));
        assert_eq!(top.errors_by_class.get(&Outcome::RateLimited), Some(&2));
        assert_eq!(
            top.ok_latency.p50_ms,
            Some(1000.0),
            "429 back-off kept out of latency"
        );
        assert_eq!(top.failed_median_ms, Some(38500.0));
        assert!(close(top.accuracy.unwrap().estimate, 1.0 / 3.0));
        assert_eq!(top.accuracy_of_completed, Some(1.0));
        assert!(
            close(top.throughput_qps.unwrap(), 3.0 / 40.0)
                && close(top.goodput_qps.unwrap(), 1.0 / 40.0)
        );
        let d = a.degradation.as_ref().unwrap();
        assert_eq!((d.ratio, d.badge, d.failed_at_top), (1.0, Badge::Ok, 2));
        assert_eq!((d.accuracy_change.only_a, d.accuracy_change.only_b), (0, 2));
        assert_eq!(a.bar_scale_ms, Some(1000.0));
        let b = rep.models[1].degradation.as_ref().unwrap();
        assert!(close(b.ratio, 2.0) && b.badge == Badge::Bad);
        assert!(rep.models[2].degradation.is_none(), "one level: no ratio");
        assert_eq!(rep.least_degraded, Some(0));
        assert_eq!(rep.most_degraded, Some(1));
        assert_eq!(rep.least_degraded_without_failures, Some(1));
    }

    fn srow(ms: f64, ok: bool) -> SequentialRow {
        SequentialRow {
            qid: "q".into(),
            latency_ms: ms,
            prompt_tokens: None,
            completion_tokens: None,
            cost_usd: None,
            correct: ok,
            repairs: None,
            error: (!ok).then(|| "RateLimitError: Error code: 429".to_string()),
        }
    }

    fn sfile(rows: Vec<SequentialRow>) -> SequentialFile {
        SequentialFile {
            reports: vec![Rep {
                model: "k".into(),
                n: None,
                accuracy: None,
                p50_ms: None,
                p90_ms: None,
                p99_ms: None,
                mean_prompt_tokens: None,
                mean_completion_tokens: None,
                mean_cost_usd: None,
                daily_cost_at_volume_usd: None,
                monthly_cost_at_volume_usd: None,
                rows,
            }],
        }
    }

    #[test]
    fn sequential_pooled_and_per_run() {
        let f1 = sfile(vec![
            srow(1000.0, true),
            srow(2000.0, true),
            srow(4000.0, true),
        ]);
        let f2 = sfile(vec![srow(5000.0, true), srow(40000.0, false)]);
        let rep = sequential_report(
            &[("run 1".into(), &f1), ("run 2".into(), &f2)],
            &Assumptions::default(),
        );
        assert_eq!(rep.runs.len(), 2);
        assert_eq!((rep.runs[1].calls, rep.runs[1].failed), (2, 1));
        assert_eq!(rep.runs[1].ok_latency.p50_ms, Some(5000.0));
        assert_eq!(rep.runs[1].all_latency.p50_ms, Some(22500.0));
        assert_eq!(rep.pooled_ok.samples, 4);
        assert_eq!(rep.pooled_ok.p50_ms, Some(3000.0));
        assert_eq!(rep.pooled_all.p50_ms, Some(4000.0));
        // The original's method: lower nearest rank over all five calls.
        assert_eq!(
            (
                rep.as_published.p50_ms,
                rep.as_published.p90_ms,
                rep.as_published.calls
            ),
            (Some(4000.0), Some(5000.0), 5)
        );
        assert_eq!(rep.as_published.under_target_share, Some(0.4));
        assert_eq!(
            (rep.failed, rep.failed_by_class.get(&Outcome::RateLimited)),
            (1, Some(&1))
        );
        assert_eq!(
            (rep.best_run, rep.best_run_p50_ms, rep.median_run_p50_ms),
            (Some(0), Some(2000.0), Some(3500.0))
        );
        assert_eq!(
            rep.meets_target,
            Some(false),
            "3000 is not under a 3000 ms target"
        );
    }
}
