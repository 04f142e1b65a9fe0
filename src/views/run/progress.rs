//! The progress card: a bar with counts and ETA, live per-model accuracy and median
//! latency (core's `engine::progress`), the calibration while it runs, and Cancel.

use leptos::prelude::*;
use sqlsweep_core::engine::Progress;

use super::session::{Phase, RunSession};

fn bar(p: &Progress, testid: &'static str) -> impl IntoView {
    let models = p
        .models
        .iter()
        .map(|m| {
            view! {
                <li
                    data-testid="model-progress"
                    data-model=m.model.clone()
                    data-done=m.done
                    data-total=m.total
                    data-measured=m.measured
                    data-correct=m.correct
                >
                    {m.line()}
                </li>
            }
        })
        .collect_view();
    view! {
        <div data-testid=testid data-done=p.done data-total=p.total data-resumed=p.resumed data-eta=p.eta_ms.map(|e| format!("{e:.0}"))>
            <progress max=p.total.max(1) value=p.done></progress>
            <p class="progress-line" data-testid="progress-line">
                {p.line()}
                {(p.resumed > 0).then(|| format!(" · {} resumed from the checkpoint", p.resumed))}
            </p>
            <ul class="model-progress">{models}</ul>
        </div>
    }
}

#[component]
pub fn ProgressCard(session: RunSession) -> impl IntoView {
    let phase = session.phase;
    let status = move || match phase.get() {
        Phase::Idle => "No run yet.".to_string(),
        Phase::Preparing => "Loading Chinook and the gold set in the SQLite worker…".into(),
        Phase::Calibrating => "Calibrating the harness against the fixture…".into(),
        Phase::Running => "Running — every finished trace is saved in this browser.".into(),
        Phase::Finished => "Finished.".into(),
        Phase::Stopped => {
            "Stopped: finished traces are kept; resume it from the list below.".into()
        }
        Phase::Failed(_) => "The run could not go on.".into(),
    };
    view! {
        <section class="card run-progress" data-testid="progress-card" data-state=move || phase.get().name() aria-live="polite">
            <div class="row">
                <h2>"Progress"</h2>
                <span class="status" data-testid="run-status">{status}</span>
                <Show when=move || phase.get().busy()>
                    <button type="button" class="danger" data-testid="cancel" on:click=move |_| session.cancel()>"Cancel"</button>
                </Show>
            </div>
            {move || match phase.get() {
                Phase::Failed(e) => Some(view! { <p class="error" role="alert" data-testid="run-error">{e}</p> }),
                _ => None,
            }}
            {move || session.calibrating.get().map(|p| bar(&p, "calibration-progress"))}
            {move || session.last_failure.get().map(|f| view! {
                <p class=format!("note failure {}", f.advice.level.name()) data-testid="last-failure" data-outcome=crate::live::outcome_slug(f.outcome)>
                    <strong>{format!("Latest failed call ({} · {}): {}", f.model, f.qid, f.advice.headline)}</strong>
                    {(!f.advice.detail.is_empty()).then(|| format!(" — {}", f.advice.detail))}
                </p>
            })}
            {move || session.progress.get().map(|p| bar(&p, "progress"))}
            {move || {
                session
                    .notices
                    .get()
                    .into_iter()
                    .map(|n| view! { <p class="note warning" data-testid="notice">{n}</p> })
                    .collect_view()
            }}
        </section>
    }
}
