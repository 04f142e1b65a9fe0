//! `#/sweep`: every model of every loaded sweep (published, imported, own runs)
//! with its figures recomputed from traces — the core's sortable, filterable
//! matrix with accuracy's 95 % interval, a column the SQLite worker fills by
//! re-verifying every trace in the browser, the cost-vs-accuracy chart with its
//! Pareto frontier, and a paired test between any two models. Sort, filter and
//! the two compared models live in the URL.

pub mod chart;
pub mod chart_layout;
pub mod compare;
pub mod matrix;
pub mod reproduce;
pub mod table;

use std::sync::Arc;

use leptos::prelude::*;
use sqlsweep_core::analysis::format::{fraction, round_half_up};
use sqlsweep_core::analysis::matrix::{matrix, SortKey};
use sqlsweep_core::analysis::records::{platform_slug, PlatformFilter};
use sqlsweep_core::sweep::{Source, SweepFile};

use crate::router::use_hash_location;
use crate::sql_worker::use_sql_worker;
use crate::views::loaded::{use_loaded, LoadErrors};
use chart::CostAccuracyChart;
use compare::{PairedComparison, Pick};
use matrix::SweepMatrix;
use reproduce::{reproduce_all, use_reproducing, ReproduceStatus, Reproducing};
use table::{
    filter_from_query, filter_to_query, paired_selection, platforms, reproduction_key,
    sort_from_query, sort_to_query, Reproduction, MODEL_A_KEY, MODEL_B_KEY,
};

#[component]
pub fn SweepView() -> impl IntoView {
    let router = use_hash_location();
    let data = use_loaded();
    let worker = use_sql_worker();

    let query = Memo::new(move |_| router.location.get().query);
    let records = Memo::new(move |_| data.loaded.get().map(|l| l.records));
    let sort_state = Memo::new(move |_| sort_from_query(&query.get()));
    let sort = Signal::derive(move || sort_state.get().0);
    let filter_state = Memo::new(move |_| {
        let recs = records.get().unwrap_or_default();
        filter_from_query(&query.get(), &recs)
    });
    let filter = Signal::derive(move || filter_state.get().0);
    // Page-wide, so leaving the view and coming back neither loses nor repeats the work.
    let Reproducing {
        by_row,
        progress,
        submitted,
    } = use_reproducing();

    // Per record, where its re-verification stands.
    let reproduction = Memo::new(move |_| {
        let Some(loaded) = data.loaded.get() else {
            return Vec::new();
        };
        by_row.with(|m| {
            loaded
                .records
                .iter()
                .map(|r| match loaded.entry_of(r) {
                    Some(e) if matches!(e.sweep.run.source, Some(Source::Own)) => {
                        Reproduction::RanHere
                    }
                    Some(e) => m
                        .get(&reproduction_key(e.id, r.run_index))
                        .cloned()
                        .unwrap_or_default(),
                    None => Reproduction::Pending,
                })
                .collect()
        })
    });

    // Once the published files have settled, re-verify every sweep not yet handed
    // to the worker (imports join later), after the first render: the matrix never
    // waits for SQLite or Chinook. Own runs already ran in the worker.
    Effect::new(move |_| {
        let Some(loaded) = data.loaded.get() else {
            return;
        };
        let fresh: Vec<(usize, Arc<SweepFile>)> = loaded
            .entries
            .iter()
            .filter(|e| !matches!(e.sweep.run.source, Some(Source::Own)))
            .filter(|e| !submitted.with_untracked(|s| s.contains(&e.id)))
            .map(|e| (e.id, e.sweep.clone()))
            .collect();
        if fresh.is_empty() {
            return;
        }
        submitted.update(|s| s.extend(fresh.iter().map(|(id, _)| *id)));
        leptos::task::spawn_local(reproduce_all(worker, fresh, by_row, progress));
    });

    let on_sort = Callback::new(move |key: SortKey| {
        let next = sort.get_untracked().clicked(key);
        router.replace_query(sort_to_query(next, query.get_untracked()));
    });
    let on_filter = move |ev: leptos::ev::Event| {
        let value = event_target_value(&ev);
        let recs = records.get_untracked().unwrap_or_default();
        let f = PlatformFilter::from_param(&value, &recs).unwrap_or_default();
        router.replace_query(filter_to_query(&f, query.get_untracked()));
    };
    let selection = Memo::new(move |_| {
        let recs = records.get().unwrap_or_default();
        paired_selection(&query.get(), &recs)
    });
    let on_pick = Callback::new(move |(side, key): (Pick, String)| {
        let k = if side == Pick::A {
            MODEL_A_KEY
        } else {
            MODEL_B_KEY
        };
        let (a, b) = selection.get_untracked();
        let recs = records.get_untracked().unwrap_or_default();
        // Pin both models once one is picked, so the link shows what is compared.
        let key_of = |i: Option<usize>| i.map(|i| recs[i].key.clone());
        let mut q = query.get_untracked();
        for (name, value) in [(MODEL_A_KEY, key_of(a)), (MODEL_B_KEY, key_of(b))] {
            q = q.with(name, value.as_deref());
        }
        router.replace_query(q.with(k, Some(&key)));
    });

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
        let recs = records.get().unwrap_or_default();
        platforms(&recs)
            .into_iter()
            .map(|p| {
                let key = platform_slug(&p);
                let selected = filter.get() == PlatformFilter::Only(p.clone());
                view! { <option value=key selected=selected>{format!("{} only", p.label())}</option> }
            })
            .collect_view()
    };
    let showing = move || match records.get() {
        None => "Loading sweep data…".to_string(),
        Some(recs) => {
            let v = matrix(&recs, &filter.get(), sort.get());
            format!("Showing {} of {} models.", v.shown, v.total)
        }
    };
    let url_problems = move || {
        [sort_state.get().1, filter_state.get().1]
            .into_iter()
            .flatten()
            .map(|p| view! { <p class="error" role="alert" data-testid="url-problem">{format!("Ignored in the address: {p}")}</p> })
            .collect_view()
    };
    // "With N questions the interval is wide": the winner's own interval, as an example.
    let interval_note = move || {
        let recs = records.get()?;
        let v = matrix(&recs, &filter.get(), sort.get());
        let w = &recs[v.winner?];
        let ci = w.accuracy_interval()?;
        Some(format!(
            "Accuracy is shown with its 95 % Wilson interval. With {} questions the intervals are wide: {}'s {} could be anywhere from {}% to {}%, \
             so models a few points apart are usually not really different — the test below the chart says when they are.",
            ci.n,
            w.label,
            fraction(ci.successes, ci.n),
            round_half_up(ci.lo * 100.0) as i64,
            round_half_up(ci.hi * 100.0) as i64
        ))
    };
    let methodology = move || {
        data.loaded.get().map(|l| {
            l.entries
                .iter()
                .filter_map(|e| e.sweep.run.methodology.clone().map(|m| (e.file.clone(), m)))
                .map(|(file, m)| view! { <p class="note"><strong>{file}": "</strong>{m}</p> })
                .collect_view()
        })
    };
    let records_signal = Signal::derive(move || records.get());

    view! {
        <section class="view sweep" data-testid="sweep-view">
            <h1>{heading}</h1>
            <p class="lede">
                "Every model of the loaded sweeps, each asked the same gold questions about the Chinook database. "
                "All figures are recomputed from the per-question traces in the data files."
            </p>
            <LoadErrors errors=data.errors />
            {url_problems}
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
            <SweepMatrix
                records=records_signal
                sort=sort
                filter=filter
                reproduction=Signal::derive(move || reproduction.get())
                on_sort=on_sort
            />
            <div class="notes">
                <p class="note" data-testid="interval-note">
                    {move || interval_note().unwrap_or_else(|| "Accuracy is shown with its 95 % Wilson interval; with a few dozen questions the intervals are wide.".into())}
                </p>
                <p class="note">
                    "★ marks the best model shown: highest accuracy, then lowest cost per query. A model whose every call failed has no figures and sorts last. "
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
            <CostAccuracyChart records=records_signal filter=filter />

            <PairedComparison records=records_signal selection=Signal::derive(move || selection.get()) on_pick=on_pick />
        </section>
    }
}
