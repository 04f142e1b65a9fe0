//! The latency probe: three sequential agent runs of Side A's model on the key bar's
//! provider — with that provider's key only — and their median against the 3 s
//! target. Rules (what counts, when to stop, the summary) are core's `demo::probe`.

use leptos::prelude::*;
use sqlsweep_core::agent::Strategy;
use sqlsweep_core::demo::probe::{
    should_continue, summarize, ProbeRun, LATENCY_TARGET_MS, PROBE_RUNS,
};

use super::activity::Activity;
use super::driver::{run_agent, RunHooks, RunSpec, RunStop};
use super::outcome_slug;
use super::transport::Cancel;
use crate::sql_worker::SqlWorker;
use sqlsweep_core::analysis::format::ms as millis;

/// Builds the run for `(origin, model, strategy)` from the page's current settings,
/// or says why it cannot run.
pub type Prepare = Callback<(&'static str, String, Strategy), Result<RunSpec, String>>;

#[derive(Debug, Clone, PartialEq)]
enum ProbeState {
    Idle,
    Running,
    Finished,
}

#[component]
pub fn LatencyProbe(
    prepare: Prepare,
    model: Signal<String>,
    worker: SqlWorker,
    activity: Activity,
) -> impl IntoView {
    let runs = RwSignal::new(Vec::<ProbeRun>::new());
    let state = RwSignal::new(ProbeState::Idle);
    let error = RwSignal::new(None::<String>);
    let cancel = StoredValue::new_local(None::<Cancel>);
    on_cleanup(move || {
        if let Some(Some(c)) = cancel.try_get_value() {
            c.cancel();
        }
    });

    let start = move |_| {
        if state.get_untracked() == ProbeState::Running {
            return;
        }
        let spec = match prepare.run(("probe", model.get_untracked(), Strategy::agent())) {
            Ok(s) => s,
            Err(e) => {
                error.set(Some(e));
                return;
            }
        };
        error.set(None);
        runs.set(Vec::new());
        state.set(ProbeState::Running);
        let c = Cancel::new();
        cancel.set_value(Some(c.clone()));
        leptos::task::spawn_local(async move {
            let (nothing_u32, nothing_delta, nothing_sql) = (|_: u32| {}, |_: &_| {}, |_: &str| {});
            let hooks = RunHooks {
                on_call: &nothing_u32,
                on_delta: &nothing_delta,
                on_sql: &nothing_sql,
            };
            let mut done: Vec<ProbeRun> = Vec::new();
            while should_continue(&done) {
                let run = match run_agent(&spec, worker, activity, &c, &hooks).await {
                    Ok(out) => ProbeRun {
                        outcome: out.result.outcome,
                        end_to_end_ms: Some(out.wall_ms),
                        model_ms: out.result.latency_ms(),
                        ttft_ms: out.result.first_ttft_ms(),
                        repairs: out.result.repairs,
                        error: out.result.error.as_deref().map(|e| spec.key.scrub(e)),
                    },
                    Err(RunStop::Cancelled) => return,
                    Err(RunStop::Failed(why)) => ProbeRun {
                        outcome: sqlsweep_core::outcome::Outcome::Network,
                        end_to_end_ms: None,
                        model_ms: None,
                        ttft_ms: None,
                        repairs: 0,
                        error: Some(why),
                    },
                };
                done.push(run);
                runs.try_set(done.clone());
            }
            state.try_set(ProbeState::Finished);
        });
    };

    let summary = move || {
        let list = runs.get();
        (!list.is_empty()).then(|| summarize(&list, LATENCY_TARGET_MS))
    };
    let rows = move || {
        runs.get()
            .into_iter()
            .enumerate()
            .map(|(i, r)| {
                let class = if !r.is_sample() {
                    "bad"
                } else if r.end_to_end_ms.is_some_and(|m| m <= LATENCY_TARGET_MS) {
                    "ok"
                } else {
                    "warn"
                };
                let what = if r.is_sample() {
                    format!(
                        "{} end to end · model {} · TTFT {} · {}",
                        millis(r.end_to_end_ms),
                        millis(r.model_ms),
                        millis(r.ttft_ms),
                        r.outcome.label()
                    )
                } else {
                    format!("failed: {}", r.error.clone().unwrap_or_else(|| r.outcome.label().into()))
                };
                view! {
                    <li class=class data-outcome=outcome_slug(r.outcome)>{format!("Run {}: {what}", i + 1)}</li>
                }
            })
            .collect_view()
    };
    let data_state = move || match state.get() {
        ProbeState::Idle => "idle",
        ProbeState::Running => "running",
        ProbeState::Finished => "done",
    };
    view! {
        <section class="card probe" data-testid="probe" data-state=data_state aria-label="Latency probe">
            <h2>"Latency probe"</h2>
            <p class="muted">
                {move || format!(
                    "{PROBE_RUNS} sequential agent runs of Side A's model ({}) on the question above, with the key bar's provider and key. \
                     Each run is timed end to end: every model call to the end of its stream, the SQL, any repair.",
                    model.get()
                )}
            </p>
            <button type="button" data-testid="probe-run" on:click=start disabled=move || state.get() == ProbeState::Running>
                {move || if state.get() == ProbeState::Running { "Probing…" } else { "Run latency probe" }}
            </button>
            {move || error.get().map(|e| view! { <p class="error" role="alert" data-testid="probe-error">{e}</p> })}
            <ol class="probe-runs">{rows}</ol>
            {move || summary().map(|s| {
                let class = match s.under_target { Some(true) => "ok", Some(false) => "warn", None => "bad" };
                view! {
                    <p class=format!("headline {class}") data-testid="probe-median"
                        data-median=s.median_ms.map(|m| format!("{m:.1}")).unwrap_or_default()
                        data-samples=s.samples data-partial=s.partial.to_string()>
                        {s.headline(LATENCY_TARGET_MS)}
                    </p>
                    {s.stopped_by.map(|why| view! { <p class="note">{format!("Stopped early: {why}")}</p> })}
                }
            })}
        </section>
    }
}
