//! `#/sweep`: the model sweep matrix — every model of the sweeps in the library
//! (published, imported, own runs) with its figures recomputed from traces,
//! sortable and filterable with the state in the URL, exportable as CSV (the rows
//! shown) and JSON (those models as one sweep file), and a column the SQLite
//! worker fills by re-verifying every trace in the browser.

pub mod matrix;
pub mod reproduce;
pub mod table;

use std::sync::Arc;

use leptos::prelude::*;
use sqlsweep_core::sweep::SweepFile;

use crate::components::export::{ExportCsv, ExportJson};
use crate::data::{use_sweep_library, LibraryEntry, SweepLibrary};
use crate::router::use_hash_location;
use crate::sql_worker::use_sql_worker;
use matrix::SweepMatrix;
use reproduce::{reproduce_all, use_reproducing, ReproduceStatus, Reproducing};
use table::{arrange, csv_table, platforms, rows_from_sweeps, Column, PlatformFilter, Sort};

/// The row-key prefix of a library entry: a published file's name (stable across
/// reloads), or `<file>#<id>` for additions (the same file can be imported twice).
fn entry_prefix(library: &SweepLibrary, e: &LibraryEntry) -> String {
    if library.is_added(e.id) {
        format!("{}#{}", e.file, e.id)
    } else {
        e.file.clone()
    }
}

#[component]
pub fn SweepView() -> impl IntoView {
    let router = use_hash_location();
    let library = use_sweep_library();
    let worker = use_sql_worker();

    let query = Memo::new(move |_| router.location.get().query);
    let sort = Memo::new(move |_| Sort::from_query(&query.get()));
    let filter = Memo::new(move |_| PlatformFilter::from_query(&query.get()));
    // Page-wide, so leaving the view and coming back neither loses nor repeats the work.
    let Reproducing {
        by_row: reproduction,
        progress,
        queued,
    } = use_reproducing();

    // Every sweep in the library (row-key prefix, sweep), once the published files
    // have settled (loaded or failed), so they keep their order.
    let loaded = move || -> Option<Vec<(String, Arc<SweepFile>)>> {
        if library.loading() {
            return None;
        }
        Some(
            library
                .entries()
                .into_iter()
                .map(|e| (entry_prefix(&library, &e), e.sweep))
                .collect(),
        )
    };
    let errors = move || -> Vec<String> {
        library
            .errors()
            .into_iter()
            .map(|e| e.to_string())
            .collect()
    };
    // Summaries are recomputed only when a sweep or a reproduction result arrives.
    let rows =
        Memo::new(move |_| {
            let loaded = loaded()?;
            Some(reproduction.with(|r| {
                rows_from_sweeps(loaded.iter().map(|(f, s)| (f.as_str(), s.as_ref())), r)
            }))
        });

    // Once the sweeps are in, re-verify them in the worker (after the first render:
    // the matrix never waits for SQLite or Chinook); a sweep added later is
    // re-verified when it arrives.
    Effect::new(move |_| {
        let Some(list) = loaded() else { return };
        let fresh: Vec<(String, Arc<SweepFile>)> =
            queued.with_untracked(|q| list.into_iter().filter(|(k, _)| !q.contains(k)).collect());
        if fresh.is_empty() {
            return;
        }
        queued.update(|q| q.extend(fresh.iter().map(|(k, _)| k.clone())));
        leptos::task::spawn_local(reproduce_all(worker, fresh, reproduction, progress));
    });

    let on_sort = Callback::new(move |column: Column| {
        let next = sort.get_untracked().clicked(column);
        router.replace_query(next.to_query(query.get_untracked()));
    });
    let on_filter = move |ev: leptos::ev::Event| {
        let value = event_target_value(&ev);
        let f = if value == "all" {
            PlatformFilter::All
        } else {
            PlatformFilter::Only(value)
        };
        router.replace_query(f.to_query(query.get_untracked()));
    };

    let heading = move || match rows.get() {
        None => "Model sweep".to_string(),
        Some(rows) => {
            let questions = rows.iter().map(|r| r.summary.n).max().unwrap_or(0);
            format!(
                "{} models · {} questions · one workload",
                rows.len(),
                questions
            )
        }
    };
    let platform_options = move || {
        let ps = rows.get().map(|r| platforms(&r)).unwrap_or_default();
        ps.into_iter()
            .map(|p| {
                let key = table::platform_key(&p);
                let selected = filter.get() == PlatformFilter::Only(key.clone());
                view! { <option value=key selected=selected>{format!("{} only", p.label())}</option> }
            })
            .collect_view()
    };
    let showing = move || match rows.get() {
        None => "Loading sweep data…".to_string(),
        Some(rows) => {
            let f = filter.get();
            let n = rows.iter().filter(|r| f.admits(r)).count();
            format!("Showing {n} of {} models.", rows.len())
        }
    };
    let methodology = move || {
        library
            .entries()
            .into_iter()
            .filter_map(|e| e.sweep.run.methodology.clone().map(|m| (e.file, m)))
            .map(|(file, m)| view! { <p class="note"><strong>{file}": "</strong>{m}</p> })
            .collect_view()
    };
    // The rows shown, in the order shown, as CSV.
    let csv = Signal::derive(move || {
        rows.with(|r| {
            r.as_ref()
                .map(|r| csv_table(&arrange(r, &filter.get(), sort.get())))
        })
    });
    // The models shown, as one sweep file in our schema.
    let json = Callback::new(move |_| {
        let f = filter.get_untracked();
        let entries = library.entries();
        let sweeps: Vec<SweepFile> = entries.iter().map(|e| (*e.sweep).clone()).collect();
        let labels: Vec<String> = sweeps
            .iter()
            .enumerate()
            .map(|(i, s)| sqlsweep_core::analysis::records::sweep_label(s, i))
            .collect();
        let combined = sqlsweep_core::exchange::combine::combine(&sweeps, &labels, |si, ri| {
            let sweep = &sweeps[si];
            let platform = sweep.models[ri]
                .platform
                .as_ref()
                .or(sweep.run.platform.as_ref());
            f.admits_platform(platform)
        });
        Ok(sqlsweep_core::sweep::to_json(&combined))
    });
    let ready = Signal::derive(move || rows.with(|r| r.is_some()));

    view! {
        <section class="view sweep" data-testid="sweep-view">
            <h1>{heading}</h1>
            <p class="lede">
                "Every model of the loaded sweeps, each asked the same gold questions about the Chinook database. "
                "All figures are recomputed from the per-question traces in the data files. Import your own sweep files with the panel above."
            </p>
            {move || {
                errors()
                    .into_iter()
                    .map(|e| view! { <p class="error" role="alert" data-testid="load-error">"Could not load " {e}</p> })
                    .collect_view()
            }}
            <div class="toolbar">
                <label>
                    "Platform "
                    <select on:change=on_filter data-testid="platform-filter" prop:value=move || filter.get().key()>
                        <option value="all" selected=move || filter.get() == PlatformFilter::All>"All platforms"</option>
                        {platform_options}
                    </select>
                </label>
                <span class="status" data-testid="showing">{showing}</span>
                <span class="exports">
                    <ExportCsv name="sweep-matrix" label="sweep matrix (the rows shown)" table=csv />
                    <ExportJson name="sweep-models" label="models shown, as one sweep file" json=json ready=ready />
                </span>
            </div>
            <ReproduceStatus progress=progress status=worker.status />
            <SweepMatrix rows=rows sort=sort filter=filter on_sort=on_sort />
            <div class="notes">
                <p class="note">
                    "★ marks the best model shown: highest accuracy, then lowest cost per query. "
                    "Click a column to sort; click again to reverse. Missing values (—) sort last."
                </p>
                <p class="note">
                    <span class="estimate">"est."</span>
                    " The file gives no published rate for this model; its cost uses a proxy or estimated rate."
                </p>
                {methodology}
            </div>
        </section>
    }
}
