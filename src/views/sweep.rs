//! `#/sweep`: the model sweep matrix — every model of the published sweeps with its
//! figures recomputed from traces (core `analysis::records` / `analysis::matrix`),
//! sortable and filterable with the state in the URL, and a column the SQLite worker
//! fills by re-verifying every trace in the browser.

pub mod matrix;
pub mod reproduce;
pub mod table;

use std::sync::Arc;

use leptos::prelude::*;
use sqlsweep_core::analysis::records::{records as build_records, PlatformFilter, Record};
use sqlsweep_core::sweep::{Platform, Source, SweepFile};

use crate::data::use_sweep_library;
use crate::router::use_hash_location;
use crate::sql_worker::use_sql_worker;
use matrix::SweepMatrix;
use reproduce::{reproduce_all, use_reproducing, ReproduceStatus, Reproducing};
use table::{filter_from_query, filter_to_query, Column, MatrixSort};

#[component]
pub fn SweepView() -> impl IntoView {
    let router = use_hash_location();
    let library = use_sweep_library();
    let worker = use_sql_worker();
    // Page-wide, so leaving the view and coming back neither loses nor repeats the work.
    let Reproducing {
        by_row: reproduction,
        progress,
        started,
    } = use_reproducing();

    // Every sweep of the library (published, imported, own runs), once every
    // published file has settled (loaded or failed).
    let loaded = move || -> Option<Vec<Arc<SweepFile>>> {
        if library.loading() {
            return None;
        }
        Some(library.entries().into_iter().map(|e| e.sweep).collect())
    };
    let errors = move || -> Vec<String> {
        library
            .errors()
            .into_iter()
            .map(|e| e.to_string())
            .collect()
    };
    // The core's normalised records, rebuilt only when a sweep arrives.
    let records = Memo::new(move |_| {
        loaded().map(|list| {
            let owned: Vec<SweepFile> = list.iter().map(|s| (**s).clone()).collect();
            build_records(&owned)
        })
    });

    let query = Memo::new(move |_| router.location.get().query);
    let sort_read = Memo::new(move |_| MatrixSort::from_query(&query.get()));
    let filter_read = Memo::new(move |_| {
        records.with(|r| filter_from_query(&query.get(), r.as_deref().unwrap_or(&[])))
    });
    let sort = Signal::derive(move || sort_read.get().0);
    let filter = Signal::derive(move || filter_read.get().0);
    let url_problems = move || {
        let mut out = Vec::new();
        if let Some(e) = sort_read.get().1 {
            out.push(format!("Ignored the sort in the address: {e}."));
        }
        // Unknown platforms can only be judged once the records are in.
        if let (Some(e), true) = (filter_read.get().1, records.with(|r| r.is_some())) {
            out.push(format!("Ignored the platform filter in the address: {e}."));
        }
        out
    };

    // Once the sweeps are in, re-verify them in the worker (after the first render:
    // the matrix never waits for SQLite or Chinook).
    Effect::new(move |_| {
        if started.get_untracked() {
            return;
        }
        let (Some(list), Some(recs)) = (loaded(), records.get()) else {
            return;
        };
        if recs.is_empty() {
            return;
        }
        started.set(true);
        // Runs made in this browser already ran their SQL in the worker.
        let recs: Vec<Record> = recs
            .into_iter()
            .filter(|r| !matches!(r.source, Some(Source::Own)))
            .collect();
        leptos::task::spawn_local(reproduce_all(worker, list, recs, reproduction, progress));
    });

    let on_sort = Callback::new(move |column: Column| {
        let next = sort.get_untracked().clicked(column);
        router.replace_query(next.to_query(query.get_untracked()));
    });
    let on_filter = move |ev: leptos::ev::Event| {
        let value = event_target_value(&ev);
        let f = records
            .with_untracked(|r| PlatformFilter::from_param(&value, r.as_deref().unwrap_or(&[])))
            .unwrap_or_default();
        router.replace_query(filter_to_query(&f, query.get_untracked()));
    };

    let heading = move || match records.get() {
        None => "Model sweep".to_string(),
        Some(recs) => {
            let questions = recs.iter().map(|r| r.summary.n).max().unwrap_or(0);
            format!(
                "{} models · {} questions · one workload",
                recs.len(),
                questions
            )
        }
    };
    let platform_options = move || {
        let mut platforms: Vec<Platform> = Vec::new();
        records.with(|r| {
            for rec in r.iter().flatten() {
                if !platforms.contains(&rec.platform) {
                    platforms.push(rec.platform.clone());
                }
            }
        });
        platforms
            .into_iter()
            .map(|p| {
                let f = PlatformFilter::Only(p.clone());
                let selected = filter.get() == f;
                view! { <option value=f.to_param() selected=selected>{format!("{} only", p.label())}</option> }
            })
            .collect_view()
    };
    let showing = move || {
        records.with(|r| match r {
            None => "Loading sweep data…".to_string(),
            Some(recs) => {
                let f = filter.get();
                let n = recs
                    .iter()
                    .filter(|r: &&Record| f.accepts(&r.platform))
                    .count();
                format!("Showing {n} of {} models.", recs.len())
            }
        })
    };
    let methodology = move || {
        loaded()
            .unwrap_or_default()
            .into_iter()
            .filter_map(|s| {
                s.run.methodology.clone().map(|m| {
                    let label = if s.run.label.is_empty() {
                        "Methodology".to_string()
                    } else {
                        s.run.label.clone()
                    };
                    view! { <p class="note"><strong>{label}": "</strong>{m}</p> }
                })
            })
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
            {move || {
                url_problems()
                    .into_iter()
                    .map(|e| view! { <p class="note warning" data-testid="url-problem">{e}</p> })
                    .collect_view()
            }}
            <div class="toolbar">
                <label>
                    "Platform "
                    <select on:change=on_filter data-testid="platform-filter" prop:value=move || filter.get().to_param()>
                        <option value="all" selected=move || filter.get() == PlatformFilter::All>"All platforms"</option>
                        {platform_options}
                    </select>
                </label>
                <span class="status" data-testid="showing">{showing}</span>
            </div>
            <ReproduceStatus progress=progress status=worker.status />
            <SweepMatrix records=records reproduction=reproduction sort=sort filter=filter on_sort=on_sort />
            <div class="notes">
                <p class="note">
                    "★ marks the best model shown: highest accuracy, then lowest cost per query. "
                    "A model whose every call failed has no measurements and is never best. "
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
