//! The runs this browser knows besides the published sweeps: runs made here (kept in
//! browser storage, resumable when unfinished) and imported files — each can be
//! shown, exported as a sweep file of our schema, or removed; and the import picker.

use leptos::prelude::*;
use sqlsweep_core::sweep::Source;
use wasm_bindgen::JsCast;

use super::browser::read_picked;
use super::session::RunSession;
use super::store::RunState;
use crate::data::use_sweep_library;

#[component]
pub fn RunsCard(session: RunSession) -> impl IntoView {
    let library = use_sweep_library();
    let import_error = RwSignal::new(None::<String>);
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
    let on_pick = move |ev: leptos::ev::Event| {
        let Some(input) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
        else {
            return;
        };
        leptos::task::spawn_local(async move {
            let picked = read_picked(&input).await;
            input.set_value("");
            match picked {
                Ok(Some((name, bytes))) => match library.import(&name, &bytes) {
                    Ok(entry) => {
                        import_error.set(None);
                        session.shown.set(Some(entry.id));
                    }
                    Err(e) => import_error.set(Some(e.to_string())),
                },
                Ok(None) => {}
                Err(e) => import_error.set(Some(e)),
            }
        });
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
            <label class="field">
                "Open a sweep file (ours or the published format) "
                <input type="file" accept=".json,application/json" data-testid="import-file" on:change=on_pick />
            </label>
            {move || import_error.get().map(|e| view! { <p class="error" role="alert" data-testid="import-error">{e}</p> })}
        </section>
    }
}
