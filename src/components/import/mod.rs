//! The sweep library panel, shown on every view: import a sweep file (ours or
//! the original's format) with the file picker or by dropping it anywhere on the
//! page, see every loaded sweep with its source, export any of them as JSON in our
//! schema, and remove imports again.
//!
//! A file is checked before it is read (size, via core's `exchange::import`),
//! then parsed; a bad file gets a message naming it and the problem, and the
//! library stays exactly as it was.

use leptos::prelude::*;
use sqlsweep_core::analysis::records::sweep_label;
use sqlsweep_core::exchange::import::check_size;
use sqlsweep_core::sweep::{to_json, Source};
use wasm_bindgen_futures::JsFuture;

use crate::components::export::ExportJson;
use crate::data::{use_sweep_library, LibraryEntry, SweepLibrary};
use crate::js_text::js_text;

/// What happened to one file of an import.
#[derive(Debug, Clone, PartialEq)]
pub enum ImportOutcome {
    /// Added: the file, the label it got, its number of models.
    Added {
        file: String,
        label: String,
        models: usize,
    },
    /// Refused: the file and the problem.
    Refused { file: String, problem: String },
}

impl ImportOutcome {
    /// The sentence shown for this file.
    pub fn text(&self) -> String {
        match self {
            ImportOutcome::Added {
                file,
                label,
                models,
            } => format!(
                "Imported {file}: {models} {} added as “{label}”; it now appears in every view.",
                if *models == 1 { "model" } else { "models" }
            ),
            ImportOutcome::Refused { file, problem } => {
                format!("Could not import {file}: {problem}. The loaded sweeps are unchanged.")
            }
        }
    }
}

/// The source of a sweep as a short word for its chip.
pub fn source_word(source: Option<&Source>) -> &'static str {
    match source {
        Some(Source::Published { .. }) => "published",
        Some(Source::Imported { .. }) => "imported",
        Some(Source::Own) => "your run",
        None => "unlabelled",
    }
}

/// Reads and imports one file.
async fn import_file(library: SweepLibrary, file: web_sys::File) -> ImportOutcome {
    let name = file.name();
    let refused = |problem: String| ImportOutcome::Refused {
        file: name.clone(),
        problem,
    };
    if let Err(e) = check_size(&name, file.size() as u64) {
        return refused(e.message);
    }
    let buffer = match JsFuture::from(file.array_buffer()).await {
        Ok(b) => b,
        Err(e) => return refused(format!("the file could not be read ({})", js_text(&e))),
    };
    let bytes = js_sys::Uint8Array::new(&buffer).to_vec();
    match library.import(&name, &bytes) {
        Ok(entry) => ImportOutcome::Added {
            file: name.clone(),
            label: entry.sweep.run.label.clone(),
            models: entry.sweep.models.len(),
        },
        Err(e) => refused(e.problem),
    }
}

/// Imports every file of `files`, one after the other, and reports each.
fn import_all(
    library: SweepLibrary,
    files: Option<web_sys::FileList>,
    outcomes: RwSignal<Vec<ImportOutcome>>,
) {
    let Some(list) = files else { return };
    let files: Vec<web_sys::File> = (0..list.length()).filter_map(|i| list.get(i)).collect();
    if files.is_empty() {
        return;
    }
    outcomes.set(Vec::new());
    leptos::task::spawn_local(async move {
        for file in files {
            let outcome = import_file(library, file).await;
            outcomes.try_update(|o| o.push(outcome));
        }
    });
}

/// True when a drag carries files (not text or a link dragged within the page).
fn carries_files(ev: &web_sys::DragEvent) -> bool {
    ev.data_transfer()
        .map(|dt| {
            dt.types()
                .iter()
                .any(|t| t.as_string().as_deref() == Some("Files"))
        })
        .unwrap_or(false)
}

/// The panel (placed once, in the app shell).
#[component]
pub fn LibraryPanel() -> impl IntoView {
    let library = use_sweep_library();
    let outcomes = RwSignal::new(Vec::<ImportOutcome>::new());
    let dragging = RwSignal::new(false);
    let input = NodeRef::<leptos::html::Input>::new();

    // Dropping a file anywhere on the page imports it.
    let over = window_event_listener(leptos::ev::dragover, move |ev| {
        if carries_files(&ev) {
            ev.prevent_default();
            dragging.set(true);
        }
    });
    let leave = window_event_listener(leptos::ev::dragleave, move |ev| {
        if ev.related_target().is_none() {
            dragging.set(false);
        }
    });
    let drop = window_event_listener(leptos::ev::drop, move |ev| {
        dragging.set(false);
        if carries_files(&ev) {
            ev.prevent_default();
            import_all(
                library,
                ev.data_transfer().and_then(|dt| dt.files()),
                outcomes,
            );
        }
    });
    on_cleanup(move || {
        over.remove();
        leave.remove();
        drop.remove();
    });

    let on_pick = move |_| {
        if let Some(el) = input.get() {
            import_all(library, el.files(), outcomes);
            // The same file can be picked again after a fix.
            el.set_value("");
        }
    };
    let open_picker = move |_| {
        if let Some(el) = input.get() {
            el.click();
        }
    };

    let entries = Memo::new(move |_| library.entries());
    let summary = move || {
        let e = entries.get();
        let models: usize = e.iter().map(|x| x.sweep.models.len()).sum();
        let imported = e.iter().filter(|x| library.is_added(x.id)).count();
        if library.loading() && e.is_empty() {
            "loading…".to_string()
        } else {
            format!(
                "{} {} loaded ({} models{})",
                e.len(),
                if e.len() == 1 { "sweep" } else { "sweeps" },
                models,
                if imported > 0 {
                    format!(", {imported} added by you")
                } else {
                    String::new()
                }
            )
        }
    };

    view! {
        <section class="library-panel" aria-label="Loaded sweeps" data-testid="library-panel">
            <details>
                <summary>
                    <span class="library-title">"Loaded sweeps"</span>
                    <span class="library-summary" data-testid="library-summary">{summary}</span>
                </summary>
                <ul class="library-list" data-testid="library-list">
                    <For each=move || entries.get() key=|e| (e.id, std::sync::Arc::as_ptr(&e.sweep) as usize) let:entry>
                        <LibraryRow entry=entry library=library />
                    </For>
                </ul>
            </details>
            <div class="library-actions">
                <button type="button" class="import-button" data-testid="import-button" on:click=open_picker>
                    "Import sweep file…"
                </button>
                <span class="muted hint">"or drop a file anywhere on the page · our JSON or the original benchmark's"</span>
                <input
                    type="file"
                    accept=".json,application/json"
                    multiple
                    class="visually-hidden"
                    tabindex="-1"
                    aria-hidden="true"
                    data-testid="import-input"
                    data-no-url=""
                    node_ref=input
                    on:change=on_pick
                />
            </div>
            <div class="import-status" data-testid="import-status" aria-live="polite">
                {move || {
                    outcomes
                        .get()
                        .into_iter()
                        .map(|o| {
                            let refused = matches!(o, ImportOutcome::Refused { .. });
                            view! {
                                <p
                                    class=if refused { "error" } else { "ok-note" }
                                    role=refused.then_some("alert")
                                    data-testid=if refused { "import-error" } else { "import-ok" }
                                >
                                    {o.text()}
                                </p>
                            }
                        })
                        .collect_view()
                }}
            </div>
            <div class="drop-overlay" class:visible=move || dragging.get() aria-hidden="true">
                <p>"Drop a sweep file to import it"</p>
            </div>
        </section>
    }
}

/// One loaded sweep: label, source, models, JSON export, and removal for additions.
#[component]
fn LibraryRow(entry: LibraryEntry, library: SweepLibrary) -> impl IntoView {
    let index = entry.id;
    let label = sweep_label(&entry.sweep, index);
    let word = source_word(entry.sweep.run.source.as_ref());
    let models = entry.sweep.models.len();
    let removable = library.is_added(entry.id);
    let sweep = entry.sweep.clone();
    let stem = entry
        .file
        .strip_suffix(".json")
        .unwrap_or(&entry.file)
        .to_string();
    let json = Callback::new(move |_| Ok(to_json(&sweep)));
    let id = entry.id;
    view! {
        <li data-testid="library-entry" data-source=word data-file=entry.file.clone()>
            <span class=format!("chip source-{}", word.replace(' ', "-"))>{word}</span>
            <span class="entry-label">{label.clone()}</span>
            <span class="muted">{format!("{models} {}", if models == 1 { "model" } else { "models" })}</span>
            <ExportJson name=format!("sweep-{stem}") label=format!("sweep “{label}” in the sqlsweep schema") json=json />
            {removable.then(|| view! {
                <button type="button" class="remove-button" data-testid="remove-entry"
                    aria-label=format!("Remove {label}") on:click=move |_| library.remove(id)>
                    "Remove"
                </button>
            })}
        </li>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outcome_texts() {
        let cases = [
            (
                ImportOutcome::Added { file: "a.json".into(), label: "a.json (imported)".into(), models: 1 },
                "Imported a.json: 1 model added as “a.json (imported)”; it now appears in every view.",
            ),
            (
                ImportOutcome::Refused { file: "b.json".into(), problem: "the file is empty (0 bytes)".into() },
                "Could not import b.json: the file is empty (0 bytes). The loaded sweeps are unchanged.",
            ),
        ];
        for (o, want) in cases {
            assert_eq!(o.text(), want);
        }
        assert_eq!(source_word(Some(&Source::Own)), "your run");
        assert_eq!(source_word(None), "unlabelled");
    }
}
