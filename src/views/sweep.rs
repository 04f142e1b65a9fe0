//! `#/sweep`: every model of every loaded sweep (published, imported, own runs)
//! with its figures recomputed from traces — the core's sortable, filterable
//! matrix (`analysis::records` / `analysis::matrix`) with accuracy's 95 %
//! interval, a column the SQLite worker fills by re-verifying every trace in the
//! browser, the cost-vs-accuracy chart with its Pareto frontier, and a paired
//! test between any two models. Sort, filter and the two compared models live in
//! the URL.

pub mod chart;
pub mod chart_layout;
pub mod compare;
pub mod matrix;
pub mod reproduce;
pub mod table;

use std::sync::Arc;

use leptos::prelude::*;
use sqlsweep_core::analysis::format::{fraction, round_half_up};
use sqlsweep_core::analysis::matrix::{matrix, Sort};
use sqlsweep_core::analysis::records::{PlatformFilter, Record};
use sqlsweep_core::sweep::{Source, SweepFile};

use crate::components::export::{ExportCsv, ExportJson};
use crate::components::load_errors::LoadErrors;
use crate::data::use_loaded;
use crate::router::use_hash_location;
use crate::sql_worker::use_sql_worker;
use chart::CostAccuracyChart;
use compare::{PairedComparison, Pick};
use matrix::SweepMatrix;
use reproduce::{reproduce_all, use_reproducing, ReproduceStatus, Reproducing};
use table::{
    arrange, csv_table, filter_from_query, filter_to_query, paired_selection, platforms, Column,
    MatrixSort, Reproduction, MODEL_A_KEY, MODEL_B_KEY,
};

#[component]
pub fn SweepView() -> impl IntoView {
    let router = use_hash_location();
    let data = use_loaded();
    let worker = use_sql_worker();
    // Page-wide, so leaving the view and coming back neither loses nor repeats the work.
    let Reproducing {
        by_row,
        progress,
        submitted,
    } = use_reproducing();

    let records: Memo<Option<Arc<Vec<Record>>>> =
        Memo::new(move |_| data.loaded.get().map(|l| l.records));
    // Runs made in this browser already ran their SQL in the worker.
    let reproduction = Memo::new(move |_| {
        let mut map = by_row.get();
        if let Some(loaded) = data.loaded.get() {
            for r in loaded.records.iter() {
                if loaded
                    .entry_of(r)
                    .is_some_and(|e| matches!(e.sweep.run.source, Some(Source::Own)))
                {
                    map.insert(r.key.clone(), Reproduction::RanHere);
                }
            }
        }
        map
    });

    let query = Memo::new(move |_| router.location.get().query);
    let sort_read = Memo::new(move |_| MatrixSort::from_query(&query.get()));
    let filter_read = Memo::new(move |_| {
        records.with(|r| filter_from_query(&query.get(), r.as_deref().map_or(&[], |v| v)))
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

    // Once the published files have settled, re-verify every record not yet handed
    // to the worker (an import joins when it arrives), after the first render: the
    // matrix never waits for SQLite or Chinook.
    Effect::new(move |_| {
        // The lean copies shown first carry no rows: wait for the full files.
        let Some(loaded) = data.loaded.get().filter(|_| data.complete.get()) else {
            return;
        };
        let fresh: Vec<Record> = submitted.with_untracked(|done| {
            loaded
                .records
                .iter()
                .filter(|r| !done.contains(&r.key))
                .filter(|r| {
                    !loaded
                        .entry_of(r)
                        .is_some_and(|e| matches!(e.sweep.run.source, Some(Source::Own)))
                })
                .cloned()
                .collect()
        });
        if fresh.is_empty() {
            return;
        }
        submitted.update(|s| s.extend(fresh.iter().map(|r| r.key.clone())));
        let sweeps: Vec<Arc<SweepFile>> = loaded.entries.iter().map(|e| e.sweep.clone()).collect();
        leptos::task::spawn_local(reproduce_all(worker, sweeps, fresh, by_row, progress));
    });

    let on_sort = Callback::new(move |column: Column| {
        let next = sort.get_untracked().clicked(column);
        router.replace_query(next.to_query(query.get_untracked()));
    });
    let on_filter = move |ev: leptos::ev::Event| {
        let value = event_target_value(&ev);
        let f = records
            .with_untracked(|r| PlatformFilter::from_param(&value, r.as_deref().map_or(&[], |v| v)))
            .unwrap_or_default();
        router.replace_query(filter_to_query(&f, query.get_untracked()));
    };
    let selection = Memo::new(move |_| {
        records.with(|r| paired_selection(&query.get(), r.as_deref().map_or(&[], |v| v)))
    });
    let on_pick = Callback::new(move |(side, key): (Pick, String)| {
        let (a, b) = selection.get_untracked();
        let key_of = |i: Option<usize>| {
            records.with_untracked(|r| r.as_ref().and_then(|r| i.map(|i| r[i].key.clone())))
        };
        // Pin both models once one is picked, so the link shows what is compared.
        let (mut ka, mut kb) = (key_of(a), key_of(b));
        match side {
            Pick::A => ka = Some(key),
            Pick::B => kb = Some(key),
        }
        let q = query
            .get_untracked()
            .with(MODEL_A_KEY, ka.as_deref())
            .with(MODEL_B_KEY, kb.as_deref());
        router.replace_query(q);
    });

    // The rows shown, in the order shown, as CSV.
    let csv = Signal::derive(move || {
        let (f, s) = (filter.get(), sort.get());
        records.with(|r| {
            r.as_ref().map(|recs| {
                reproduction.with(|rep| csv_table(recs, &arrange(recs, &f, s, rep).rows, rep))
            })
        })
    });
    // The models shown, as one sweep file in our schema.
    let json = Callback::new(move |_| {
        let f = filter.get_untracked();
        let loaded = data
            .loaded
            .get_untracked()
            .ok_or_else(|| "the sweeps have not loaded".to_string())?;
        let labels: Vec<String> = loaded
            .sweeps
            .iter()
            .enumerate()
            .map(|(i, s)| sqlsweep_core::analysis::records::sweep_label(s, i))
            .collect();
        let combined =
            sqlsweep_core::exchange::combine::combine(&loaded.sweeps, &labels, |si, ri| {
                loaded
                    .records
                    .iter()
                    .find(|r| r.sweep_index == si && r.run_index == ri)
                    .is_some_and(|r| f.accepts(&r.platform))
            });
        Ok(sqlsweep_core::sweep::to_json(&combined))
    });
    // The lean copies shown first carry no rows: export once the full files are in.
    let ready = Signal::derive(move || records.with(|r| r.is_some()) && data.complete.get());

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
        let ps = records.with(|r| r.as_deref().map(|r| platforms(r)).unwrap_or_default());
        ps.into_iter()
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
                let n = recs.iter().filter(|r| f.accepts(&r.platform)).count();
                format!("Showing {n} of {} models.", recs.len())
            }
        })
    };
    // "With N questions the interval is wide", on the best shown model's own interval.
    let interval_note = move || {
        records.with(|r| {
            let recs = r.as_ref()?;
            let v = matrix(recs, &filter.get(), Sort::default());
            let w = &recs[v.winner?];
            let ci = w.accuracy_interval()?;
            Some(format!(
                "Accuracy is shown with its 95 % Wilson interval. With {} questions the intervals are wide: {}'s {} could be anywhere \
                 from {}% to {}%, so models a few points apart are usually not really different — the test below the chart says when they are.",
                ci.n,
                w.label,
                fraction(ci.successes, ci.n),
                round_half_up(ci.lo * 100.0) as i64,
                round_half_up(ci.hi * 100.0) as i64
            ))
        })
    };
    let methodology = move || {
        data.loaded.get().map(|l| {
            l.entries
                .iter()
                .filter_map(|e| {
                    e.sweep.run.methodology.clone().map(|m| {
                        let label = if e.sweep.run.label.is_empty() {
                            e.file.clone()
                        } else {
                            e.sweep.run.label.clone()
                        };
                        view! { <p class="note"><strong>{label}": "</strong>{m}</p> }
                    })
                })
                .collect_view()
        })
    };
    let records_vec = Signal::derive(move || records.get().map(|r| (*r).clone()));
    let records_arc = Signal::derive(move || records.get());

    view! {
        <section class="view sweep" data-testid="sweep-view">
            <h1>{heading}</h1>
            <p class="lede">
                "Every model of the loaded sweeps, each asked the same gold questions about the Chinook database. "
                "All figures are recomputed from the per-question traces in the data files."
            </p>
            <LoadErrors errors=data.errors />
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
                <span class="exports">
                    <ExportCsv name="sweep-matrix" label="sweep matrix (the rows shown)" table=csv />
                    <ExportJson name="sweep-models" label="models shown, as one sweep file" json=json ready=ready />
                </span>
            </div>
            <ReproduceStatus progress=progress status=worker.status />
            <SweepMatrix records=records_vec reproduction=reproduction sort=sort filter=filter on_sort=on_sort />
            <div class="notes">
                <p class="note" data-testid="interval-note">
                    {move || interval_note().unwrap_or_else(|| "Accuracy is shown with its 95 % Wilson interval; with a few dozen questions the intervals are wide.".into())}
                </p>
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

            <h2>"Cost vs accuracy"</h2>
            <p class="note">
                "Each model at its cost per query (log scale) and accuracy, with the accuracy's 95 % interval as a whisker. "
                "The staircase is the Pareto frontier: the models no other model beats on both cost and accuracy. "
                "A model counts as clearly dominated only when another is cheaper and more accurate beyond both intervals. "
                "Follows the platform filter above. Point at a model, or focus the chart and use the arrow keys."
            </p>
            <CostAccuracyChart records=records_arc filter=filter />

            <PairedComparison records=records_arc selection=Signal::derive(move || selection.get()) on_pick=on_pick />
        </section>
    }
}
