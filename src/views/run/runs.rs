//! The runs this browser knows besides the published sweeps: runs made here (kept in
//! browser storage, resumable when unfinished) and imported files — each can be
//! shown, exported as a sweep file of our schema, or removed. Files are imported by the
//! library panel every view carries (picker or drop); they are listed here once loaded.

use leptos::prelude::*;
use sqlsweep_core::sweep::Source;

use super::session::RunSession;
use super::store::RunState;
use crate::data::use_sweep_library;

#[component]
pub fn RunsCard(session: RunSession) -> impl IntoView {
    let library = use_sweep_library();
    let action_error = RwSignal::new(None::<String>);
    let rows = move || {
        let stored = session.stored.get();
        let busy = session.phase.get().busy();
        let active = session.active.get();
        library
            .entries()
            .into_iter()
            .filter(|e| !matches!(e.sweep.run.source, Some(Source::Published { .. })))
            .map(|e| {
                let stored = stored.iter().find(|s| s.entry_id == e.id).cloned();
                let traces: usize = e.sweep.models.iter().map(|m| m.traces.len()).sum();
                let (kind, state) = match &stored {
                    Some(s) => ("stored", match s.state {
                        RunState::Finished => "finished",
                        RunState::Stopped => "stopped",
                        RunState::Running if active.as_deref() == Some(s.run_id.as_str()) => "running",
                        RunState::Running => "interrupted",
                    }),
                    None => ("imported", "imported"),
                };
                let id = e.id;
                let resumable = stored
                    .as_ref()
                    .filter(|s| s.state != RunState::Finished && !busy)
                    .map(|s| s.run_id.clone());
                let removable = active.as_deref() != stored.as_ref().map(|s| s.run_id.as_str());
                let models = e.sweep.models.len();
                view! {
                    <li data-testid="own-run" data-entry=id data-kind=kind data-state=state data-traces=traces>
                        <span class="label" data-testid="own-run-label">{e.sweep.run.label.clone()}</span>
                        <span class="muted">{format!(" · {models} model(s) · {traces} traces · {state}")}</span>
                        <span class="actions">
                            <button type="button" data-testid="show" on:click=move |_| session.shown.set(Some(id))>"Show"</button>
                            <button type="button" data-testid="export" on:click=move |_| {
                                action_error.set(session.export(id).err());
                            }>"Export JSON"</button>
                            {resumable.map(|run_id| view! {
                                <button type="button" data-testid="resume" on:click=move |_| session.resume(&run_id)>"Resume"</button>
                            })}
                            {removable.then(|| view! {
                                <button type="button" class="danger" data-testid="remove" on:click=move |_| session.remove_entry(id)>"Remove"</button>
                            })}
                        </span>
                    </li>
                }
            })
            .collect_view()
    };
    view! {
        <section class="card run-list" data-testid="runs-card">
            <h2>"Your runs"</h2>
            <p class="muted">
                "Runs made in this browser are kept in its storage (never the key) and appear in every view, labelled as yours. "
                "Export writes the sweep file that "<code>"sqlsweep verify"</code>" checks and that imports back unchanged."
            </p>
            <ul class="runs" data-testid="own-runs">{rows}</ul>
            {move || action_error.get().map(|e| view! { <p class="error" role="alert">{e}</p> })}
            <p class="muted">
                "To open a sweep file (ours or the published format), use “Import sweep file…” at the top of the page or drop it anywhere; it is listed here."
            </p>
        </section>
    }
}
