//! "Reproduced in your browser": sends every model's traces to the SQLite worker
//! to be re-executed and re-scored (the same core code as `sqlsweep verify`), and
//! the status line that reports how far it got and how long it took.

use std::collections::HashMap;
use std::sync::Arc;

use leptos::prelude::*;
use sqlsweep_core::sweep::SweepFile;
use sqlsweep_core::verify::VerifyReport;

use super::table::{row_key, Reproduction};
use crate::format;
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
    /// Models the worker could not check.
    pub failures: u32,
    /// Wall time from the first request to the last reply (worker start-up included).
    pub wall_ms: Option<f64>,
    /// Time the worker spent verifying (sum of its own measurements).
    pub verify_ms: f64,
    pub finished: bool,
}

/// The page's re-verification state, shared through context.
#[derive(Clone, Copy)]
pub struct Reproducing {
    /// Per matrix row key.
    pub by_row: RwSignal<HashMap<String, Reproduction>>,
    pub progress: RwSignal<ReproduceProgress>,
    /// Set when the work has been handed to the worker (it runs once per page).
    pub started: RwSignal<bool>,
}

/// The page's re-verification state (created on first use).
pub fn use_reproducing() -> Reproducing {
    use_context::<Reproducing>().unwrap_or_else(|| {
        let r = Reproducing {
            by_row: RwSignal::new(HashMap::new()),
            progress: RwSignal::new(ReproduceProgress::default()),
            started: RwSignal::new(false),
        };
        provide_context(r);
        r
    })
}

fn now_ms() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or(0.0, |p| p.now())
}

/// Re-verifies every model of `sweeps`, one request per model so rows fill in as
/// results arrive.
pub async fn reproduce_all(
    worker: SqlWorker,
    sweeps: Vec<(&'static str, Arc<SweepFile>)>,
    reproduction: RwSignal<HashMap<String, Reproduction>>,
    progress: RwSignal<ReproduceProgress>,
) {
    let total: usize = sweeps.iter().map(|(_, s)| s.models.len()).sum();
    progress.try_set(ReproduceProgress {
        models_total: total as u32,
        ..Default::default()
    });
    let started = now_ms();
    for (file, sweep) in &sweeps {
        for run in &sweep.models {
            let one = SweepFile {
                schema: sweep.schema.clone(),
                version: sweep.version,
                run: sweep.run.clone(),
                models: vec![run.clone()],
            };
            let (result, verify_ms) = match worker.request(Request::Verify { sweep: one }).await {
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
            progress.try_update(|p| {
                p.models_done += 1;
                p.verify_ms += verify_ms;
                match &result {
                    Reproduction::Done(c, _) => {
                        p.traces += c.traces;
                        p.scores_agree += c.scores_agree;
                        p.rows_checked += c.rows_checked;
                        p.rows_reproduced += c.rows_reproduced;
                    }
                    _ => p.failures += 1,
                }
            });
            reproduction.try_update(|m| m.insert(row_key(file, &run.model), result));
        }
    }
    let wall = now_ms() - started;
    progress.try_update(|p| {
        p.wall_ms = Some(wall);
        p.finished = true;
    });
}

/// The status line above the matrix.
#[component]
pub fn ReproduceStatus(
    #[prop(into)] progress: Signal<ReproduceProgress>,
    #[prop(into)] status: Signal<WorkerStatus>,
) -> impl IntoView {
    let state = move || {
        let p = progress.get();
        if p.finished {
            if p.failures == 0 && p.scores_agree == p.traces && p.rows_reproduced == p.rows_checked
            {
                "done"
            } else {
                "disagree"
            }
        } else if matches!(status.get(), WorkerStatus::Failed(_)) {
            "failed"
        } else {
            "running"
        }
    };
    let text = move || {
        let p = progress.get();
        let engine = match status.get() {
            WorkerStatus::Ready(o) => format!(
                "SQLite {} in a Web Worker; Chinook loaded in {}",
                o.sqlite_version,
                format::seconds(o.elapsed_ms)
            ),
            WorkerStatus::Failed(e) => format!("SQLite worker failed: {e}"),
            WorkerStatus::Starting => "starting SQLite in a Web Worker…".into(),
            WorkerStatus::Idle => "waiting for the sweeps…".into(),
        };
        if p.finished {
            format!(
                "Reproduced in your browser: {}/{} scores agree, {}/{} recorded row sets reproduced, {} models in {}{} ({engine}).",
                p.scores_agree,
                p.traces,
                p.rows_reproduced,
                p.rows_checked,
                p.models_done,
                format::seconds(p.wall_ms.unwrap_or(0.0)),
                if p.failures > 0 { format!("; {} models could not be checked", p.failures) } else { String::new() },
            )
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
