//! `#/sweep`: the model sweep matrix — every model of the published sweeps with its
//! figures recomputed from traces, sortable and filterable with the state in the
//! URL, and a column the SQLite worker fills by re-verifying every trace in the
//! browser.

pub mod matrix;
pub mod reproduce;
pub mod table;

use std::sync::Arc;

use leptos::prelude::*;
use sqlsweep_core::sweep::SweepFile;

use crate::data::use_published_sweeps;
use crate::router::use_hash_location;
use crate::sql_worker::use_sql_worker;
use matrix::SweepMatrix;
use reproduce::{reproduce_all, use_reproducing, ReproduceStatus, Reproducing};
use table::{platforms, rows_from_sweeps, Column, PlatformFilter, Sort};

#[component]
pub fn SweepView() -> impl IntoView {
    let router = use_hash_location();
    let sweeps = use_published_sweeps();
    let worker = use_sql_worker();

    let query = Memo::new(move |_| router.location.get().query);
    let sort = Memo::new(move |_| Sort::from_query(&query.get()));
    let filter = Memo::new(move |_| PlatformFilter::from_query(&query.get()));
    // Page-wide, so leaving the view and coming back neither loses nor repeats the work.
    let Reproducing {
        by_row: reproduction,
        progress,
        started,
    } = use_reproducing();

    // The sweeps that loaded, once every file has settled (loaded or failed).
    let loaded = move || -> Option<Vec<(&'static str, Arc<SweepFile>)>> {
        let settled = sweeps.settled()?;
        Some(
            settled
                .into_iter()
                .filter_map(|(f, l)| l.ok().map(|s| (f, s)))
                .collect(),
        )
    };
    let errors = move || -> Vec<String> {
        sweeps
            .slots
            .iter()
            .filter_map(|s| s.load.get())
            .filter_map(|l| l.err())
            .map(|e| e.to_string())
            .collect()
    };
    let rows = Signal::derive(move || {
        let loaded = loaded()?;
        Some(rows_from_sweeps(
            loaded.iter().map(|(f, s)| (*f, s.as_ref())),
            &reproduction.get(),
        ))
    });

    // Once the sweeps are in, re-verify them in the worker (after the first render:
    // the matrix never waits for SQLite or Chinook).
    Effect::new(move |_| {
        if started.get_untracked() {
            return;
        }
        if let Some(list) = loaded().filter(|l| !l.is_empty()) {
            started.set(true);
            leptos::task::spawn_local(reproduce_all(worker, list, reproduction, progress));
        }
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
        loaded()
            .unwrap_or_default()
            .into_iter()
            .filter_map(|(file, s)| s.run.methodology.clone().map(|m| (file, m)))
            .map(|(file, m)| view! { <p class="note"><strong>{file}": "</strong>{m}</p> })
            .collect_view()
    };

    view! {
        <section class="view sweep" data-testid="sweep-view">
            <h1>{heading}</h1>
            <p class="lede">
                "Every model of the published sweeps, each asked the same gold questions about the Chinook database. "
                "All figures are recomputed from the per-question traces in the data files."
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
