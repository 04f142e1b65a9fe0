//! "Reproduced in your browser": sends every model's traces to the SQLite worker
//! to be re-executed and re-scored (the same core code as `sqlsweep verify`), and
//! the status line that reports how far it got and how long it took.

use std::collections::HashSet;
use std::sync::Arc;

use leptos::prelude::*;
use sqlsweep_core::analysis::records::Record;
use sqlsweep_core::sweep::SweepFile;
use sqlsweep_core::verify::VerifyReport;

use super::table::{Reproduction, ReproductionMap};
use crate::sql_worker::{Reply, Request, SqlWorker, WorkerStatus};

/// Progress of the background re-verification.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ReproduceProgress {
    pub models_total: u32,
    pub models_done: u32,
    pub traces: u32,
    pub scores_agree: u32,
    pub rows_checked: u32,
    pub rows_reproduced: u32,
    pub errors_checked: u32,
    pub errors_reproduced: u32,
    /// Models the worker could not check.
    pub failures: u32,
    /// Wall time from the first request to the last reply (worker start-up included).
    pub wall_ms: Option<f64>,
    /// When the first request was made (`performance.now()`).
    pub started_ms: Option<f64>,
    /// Time the worker spent verifying (sum of its own measurements).
    pub verify_ms: f64,
    pub finished: bool,
}

/// Where the re-verification stands, for the status line (and its `data-state`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReproduceState {
    Running,
    /// Finished, and every check agreed.
    Done,
    /// Finished with a disagreement or a model that could not be checked.
    Disagree,
    /// The worker could not start or open its data.
    Failed,
}

impl ReproduceState {
    pub fn key(self) -> &'static str {
        match self {
            ReproduceState::Running => "running",
            ReproduceState::Done => "done",
            ReproduceState::Disagree => "disagree",
            ReproduceState::Failed => "failed",
        }
    }
}

impl ReproduceProgress {
    pub fn state(&self, worker_failed: bool) -> ReproduceState {
        if worker_failed {
            ReproduceState::Failed
        } else if !self.finished {
            ReproduceState::Running
        } else if self.failures == 0
            && self.models_done == self.models_total
            && self.scores_agree == self.traces
            && self.rows_reproduced == self.rows_checked
            && self.errors_reproduced == self.errors_checked
        {
            ReproduceState::Done
        } else {
            ReproduceState::Disagree
        }
    }
}

/// The page's re-verification state, shared through context.
#[derive(Clone, Copy)]
pub struct Reproducing {
    /// Per record key.
    pub by_row: RwSignal<ReproductionMap>,
    pub progress: RwSignal<ReproduceProgress>,
    /// Records handed to the worker (each is checked once per page; a sweep
    /// imported later joins when it arrives).
    pub submitted: RwSignal<HashSet<String>>,
}

/// The page's re-verification state (created on first use).
pub fn use_reproducing() -> Reproducing {
    use_context::<Reproducing>().unwrap_or_else(|| {
        let r = Reproducing {
            by_row: RwSignal::new(ReproductionMap::new()),
            progress: RwSignal::new(ReproduceProgress::default()),
            submitted: RwSignal::new(HashSet::new()),
        };
        provide_context(r);
        r
    })
}

/// A wait the user sits through, in seconds: 4132 ms → "4.1 s".
fn seconds(ms: f64) -> String {
    format!("{:.1} s", ms / 1000.0)
}

fn now_ms() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or(0.0, |p| p.now())
}

/// Re-verifies the model run behind every record of `records` (a batch of the
/// records built from `sweeps`, in that order), one request per model so rows fill
/// in as results arrive. Batches may overlap (an import while the published files
/// are being checked): the progress adds up across them and is finished when every
/// model handed over so far is done.
pub async fn reproduce_all(
    worker: SqlWorker,
    sweeps: Vec<Arc<SweepFile>>,
    records: Vec<Record>,
    reproduction: RwSignal<ReproductionMap>,
    progress: RwSignal<ReproduceProgress>,
) {
    if records.is_empty() {
        return;
    }
    let now = now_ms();
    progress.try_update(|p| {
        p.models_total += records.len() as u32;
        p.finished = false;
        p.started_ms.get_or_insert(now);
    });
    for record in &records {
        let Some((sweep, run)) = sweeps
            .get(record.sweep_index)
            .and_then(|s| s.models.get(record.run_index).map(|r| (s, r)))
        else {
            finish_one(
                progress,
                &Reproduction::Failed("no such model in the sweep".into()),
                0.0,
            );
            continue;
        };
        {
            let one = SweepFile {
                schema: sweep.schema.clone(),
                version: sweep.version,
                run: sweep.run.clone(),
                models: vec![run.clone()],
            };
            let (result, verify_ms) = match worker
                .request(Request::Verify {
                    sweep: Box::new(one),
                })
                .await
            {
                Ok(Reply::Verified { report, elapsed_ms }) => {
                    let VerifyReport {
                        disagreements,
                        models,
                        ..
                    } = report;
                    match models.into_iter().next() {
                        Some(m) => (Reproduction::Done(m, disagreements), elapsed_ms),
                        None => (
                            Reproduction::Failed(
                                "the worker returned no result for this model".into(),
                            ),
                            elapsed_ms,
                        ),
                    }
                }
                Ok(other) => (
                    Reproduction::Failed(format!("unexpected reply from the worker: {other:?}")),
                    0.0,
                ),
                Err(e) => (Reproduction::Failed(e), 0.0),
            };
            finish_one(progress, &result, verify_ms);
            reproduction.try_update(|m| m.insert(record.key.clone(), result));
        }
    }
}

/// Counts one model's result into the progress; the last one finishes it.
fn finish_one(progress: RwSignal<ReproduceProgress>, result: &Reproduction, verify_ms: f64) {
    let now = now_ms();
    progress.try_update(|p| {
        p.models_done += 1;
        p.verify_ms += verify_ms;
        match result {
            Reproduction::Done(c, _) => {
                p.traces += c.traces;
                p.scores_agree += c.scores_agree;
                p.rows_checked += c.rows_checked;
                p.rows_reproduced += c.rows_reproduced;
                p.errors_checked += c.errors_checked;
                p.errors_reproduced += c.errors_reproduced;
            }
            _ => p.failures += 1,
        }
        if p.models_done >= p.models_total {
            p.finished = true;
            p.wall_ms = p.started_ms.map(|s| now - s);
        }
    });
}

/// The status line above the matrix.
#[component]
pub fn ReproduceStatus(
    #[prop(into)] progress: Signal<ReproduceProgress>,
    #[prop(into)] status: Signal<WorkerStatus>,
) -> impl IntoView {
    let state = move || {
        progress
            .get()
            .state(matches!(status.get(), WorkerStatus::Failed(_)))
            .key()
    };
    let text = move || {
        let p = progress.get();
        let engine = match status.get() {
            WorkerStatus::Ready(o) => format!(
                "SQLite {} in a Web Worker; Chinook loaded in {}",
                o.sqlite_version,
                seconds(o.elapsed_ms)
            ),
            WorkerStatus::Failed(e) => format!("SQLite worker failed: {e}"),
            WorkerStatus::Starting => "starting SQLite in a Web Worker…".into(),
            WorkerStatus::Idle => "waiting for the sweeps…".into(),
        };
        if matches!(status.get(), WorkerStatus::Failed(_)) {
            format!("Could not reproduce the traces in your browser: {engine}.")
        } else if p.finished {
            format!(
                "Reproduced in your browser: {}/{} scores agree, {}/{} recorded row sets reproduced, {} models in {}{} ({engine}).",
                p.scores_agree,
                p.traces,
                p.rows_reproduced,
                p.rows_checked,
                p.models_done,
                seconds(p.wall_ms.unwrap_or(0.0)),
                if p.failures > 0 { format!("; {} models could not be checked", p.failures) } else { String::new() },
            )
        } else if p.models_total == 0 {
            "Once the sweeps are loaded, every trace is re-run and re-scored here in your browser (SQLite in a Web Worker)."
                .to_string()
        } else {
            format!(
                "Reproducing every trace in your browser: {} of {} models checked ({engine}).",
                p.models_done, p.models_total
            )
        }
    };
    view! {
        <p
            class="reproduce-status"
            data-testid="reproduce-status"
            data-state=state
            data-traces=move || progress.get().traces
            data-agree=move || progress.get().scores_agree
            data-rows-checked=move || progress.get().rows_checked
            data-rows-reproduced=move || progress.get().rows_reproduced
            data-wall-ms=move || progress.get().wall_ms.map(|w| format!("{w:.0}")).unwrap_or_default()
            data-verify-ms=move || format!("{:.0}", progress.get().verify_ms)
            aria-live="polite"
        >
            {text}
        </p>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(p: ReproduceProgress, worker_failed: bool, expected: ReproduceState) {
        assert_eq!(
            p.state(worker_failed),
            expected,
            "{p:?} worker_failed={worker_failed}"
        );
    }

    #[test]
    fn states() {
        let done = ReproduceProgress {
            models_total: 2,
            models_done: 2,
            traces: 50,
            scores_agree: 50,
            rows_checked: 40,
            rows_reproduced: 40,
            errors_checked: 3,
            errors_reproduced: 3,
            finished: true,
            ..Default::default()
        };
        use ReproduceState::*;
        check(ReproduceProgress::default(), false, Running);
        check(
            ReproduceProgress {
                finished: false,
                ..done.clone()
            },
            false,
            Running,
        );
        check(done.clone(), false, Done);
        check(done.clone(), true, Failed);
        check(
            ReproduceProgress {
                scores_agree: 49,
                ..done.clone()
            },
            false,
            Disagree,
        );
        check(
            ReproduceProgress {
                rows_reproduced: 39,
                ..done.clone()
            },
            false,
            Disagree,
        );
        check(
            ReproduceProgress {
                errors_reproduced: 2,
                ..done.clone()
            },
            false,
            Disagree,
        );
        check(
            ReproduceProgress {
                failures: 1,
                ..done.clone()
            },
            false,
            Disagree,
        );
        check(
            ReproduceProgress {
                models_done: 1,
                ..done
            },
            false,
            Disagree,
        );
    }
}
