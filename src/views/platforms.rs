//! `#/platforms`: one card per platform and the best-vs-best table
//! (`analysis::platforms`), as the original computed them or — one click, kept in
//! the URL (`?fatal=exclude`) — leaving out models whose every call failed. Also
//! where the compared data comes from, and the models a sweep probed and found
//! unavailable, both read from the sweep files.

use leptos::prelude::*;
use sqlsweep_core::analysis::format::{ms, pct, pct_interval, tokens, usd_per_query, MISSING};
use sqlsweep_core::analysis::platforms::{
    platform_comparison, probed_unavailable, CostPick, MetricRow, MetricUnit, PlatformCard,
    PlatformComparison, Side, Unavailable, Variant,
};
use sqlsweep_core::analysis::records::{platform_slug, sweep_label, Record};
use sqlsweep_core::sweep::Platform;

use crate::components::load_errors::LoadErrors;
use crate::data::{use_loaded, Loaded};
use crate::router::use_hash_location;
use crate::views::assumptions::from_query as assumptions_from_query;

/// The URL key and value of the honest variant.
const FATAL_KEY: &str = "fatal";
const EXCLUDE: &str = "exclude";

#[derive(Clone, PartialEq)]
struct Figures {
    loaded: Loaded,
    comparison: PlatformComparison,
    unavailable: Vec<Unavailable>,
}

#[component]
pub fn PlatformsView() -> impl IntoView {
    let router = use_hash_location();
    let data = use_loaded();
    let query = Memo::new(move |_| router.location.get().query);
    let variant = Memo::new(move |_| match query.get().get(FATAL_KEY) {
        Some(EXCLUDE) => Variant::ExcludingFatal,
        _ => Variant::AsPublished,
    });
    let assumptions = Memo::new(move |_| assumptions_from_query(&query.get()));
    let figures = Memo::new(move |_| {
        let loaded = data.loaded.get()?;
        let comparison = platform_comparison(&loaded.records, variant.get(), &assumptions.get().0);
        let unavailable = probed_unavailable(&loaded.sweeps);
        Some(Figures {
            loaded,
            comparison,
            unavailable,
        })
    });
    let on_toggle = move |ev: leptos::ev::Event| {
        let exclude = event_target_checked(&ev);
        let q = query.get_untracked();
        router.replace_query(q.with(FATAL_KEY, exclude.then_some(EXCLUDE)));
    };
    let ship = move || pct(Some(assumptions.get().0.ship_accuracy));

    let cards = move || match figures.get() {
        None => (0..2)
            .map(
                |_| view! { <article class="platform-card skeleton" aria-hidden="true"></article> },
            )
            .collect_view()
            .into_any(),
        Some(f) => f
            .comparison
            .cards
            .iter()
            .map(|c| card(&f.loaded.records, c, f.comparison.variant, &ship()))
            .collect_view()
            .into_any(),
    };

    view! {
        <section class="view platforms" data-testid="platforms-view">
            <h1>"Platform comparison"</h1>
            <p class="lede">
                "The same gold questions, the same protocol, two managed inference platforms. "
                "Each card summarises every model a platform ran; the table puts each platform's best model side by side."
            </p>
            <LoadErrors errors=data.errors />
            <div class="toolbar">
                <label class="toggle">
                    <input
                        type="checkbox"
                        data-testid="exclude-fatal"
                        prop:checked=move || variant.get() == Variant::ExcludingFatal
                        on:change=on_toggle
                    />
                    " Leave out models whose every call failed"
                </label>
            </div>
            <p class="note" data-testid="variant-note">
                {move || match variant.get() {
                    Variant::AsPublished => "As the original computed it: a model whose every call failed counts with 0 % accuracy and the latencies of its failed calls, which pulls a platform's medians down. Tick the box to leave such models out.",
                    Variant::ExcludingFatal => "Models whose every call failed are left out: their 0 % and their failed calls' latencies measure an outage, not the model.",
                }}
            </p>
            <div class="platform-cards" aria-busy=move || if figures.with(|f| f.is_none()) { "true" } else { "false" }>
                {cards}
            </div>

            <h2>"Best vs best"</h2>
            {move || figures.get().map(|f| best_vs_best(&f))}

            <h2>"What is being compared"</h2>
            {move || figures.get().map(|f| provenance(&f))}
        </section>
    }
}

fn label_of(records: &[Record], i: Option<usize>) -> Option<String> {
    i.map(|i| records[i].label.clone())
}

fn cost_pick(records: &[Record], c: &Option<CostPick>) -> AnyView {
    match c {
        None => view! { <span>{MISSING}</span> }.into_any(),
        Some(c) => view! {
            <span>
                {usd_per_query(Some(c.cost_per_query))}
                {c.is_estimate.then(|| view! { <span class="estimate" title="Rests on a proxied or estimated rate">"est."</span> })}
                <span class="who">{format!(" {}", records[c.record].label)}</span>
            </span>
        }
        .into_any(),
    }
}

fn card(records: &[Record], c: &PlatformCard, variant: Variant, ship: &str) -> impl IntoView {
    let slug = platform_slug(&c.platform);
    let chip = format!("chip chip-{slug}");
    let fatal = match (c.fatal_models, variant) {
        (0, _) => None,
        (n, Variant::AsPublished) => Some(format!(
            "includes {n} model{} whose every call failed",
            if n == 1 { "" } else { "s" }
        )),
        (n, Variant::ExcludingFatal) => Some(format!(
            "{n} model{} whose every call failed left out",
            if n == 1 { "" } else { "s" }
        )),
    };
    let best = c.best.map(|b| {
        let r = &records[b];
        view! {
            <p class="best-line" data-testid="platform-best">
                "★ Best: "
                <strong>{r.label.clone()}</strong>
                {format!(" · {} · {}", pct(r.summary.accuracy), usd_per_query(r.cost_per_query()))}
                {r.summary.cost_is_estimate.then(|| view! { <span class="estimate">"est."</span> })}
            </p>
        }
    });
    let decided = c.best_decided_by_estimate.then(|| {
        view! {
            <p class="warning" data-testid="best-by-estimate">
                "Chosen over an equally accurate model only by a cost that rests on an estimated rate — a tie, in truth."
            </p>
        }
    });
    let ttft = c
        .median_ttft_ms
        .map_or_else(|| "not captured".to_string(), |t| ms(Some(t)));
    view! {
        <article class="platform-card" data-testid=format!("card-{slug}") data-platform=slug.clone()>
            <h3><span class=chip>{c.platform.label().to_string()}</span></h3>
            <p class="meta">
                {format!("{} model{} · {}-question gold set", c.models, if c.models == 1 { "" } else { "s" }, c.questions)}
                {fatal.map(|t| view! { <span class="fatal-note">{format!(" · {t}")}</span> })}
            </p>
            <dl class="stats">
                <div><dt>"Best accuracy"</dt><dd data-stat="best-accuracy">{pct(c.best_accuracy)}</dd></div>
                <div><dt>"Median accuracy"</dt><dd data-stat="median-accuracy">{pct(c.median_accuracy)}</dd></div>
                <div><dt>"Median latency p50"</dt><dd data-stat="median-latency">{ms(c.median_latency_p50_ms)}</dd></div>
                <div><dt>"Median TTFT"</dt><dd data-stat="median-ttft">{ttft}</dd></div>
                <div><dt>"Cheapest / query"</dt><dd data-stat="cheapest">{cost_pick(records, &c.cheapest)}</dd></div>
                <div><dt>{format!("Cheapest at ≥ {ship}")}</dt><dd data-stat="cheapest-shipping">{cost_pick(records, &c.cheapest_shipping)}</dd></div>
            </dl>
            {best}
            {decided}
            {(c.models == 0).then(|| view! { <p class="muted">"No models loaded for this platform."</p> })}
        </article>
    }
}

fn metric_text(unit: MetricUnit, v: Option<f64>) -> String {
    match unit {
        MetricUnit::Share => pct(v),
        MetricUnit::Millis => ms(v),
        MetricUnit::Tokens => tokens(v),
        MetricUnit::UsdPerQuery => usd_per_query(v),
    }
}

fn metric_cell(row: &MetricRow, side: Side) -> impl IntoView {
    let (v, est) = match side {
        Side::Left => (row.left, row.left_is_estimate),
        Side::Right => (row.right, row.right_is_estimate),
    };
    let win = row.winner == Some(side);
    view! {
        <td class="num" class:win=win data-win=win.to_string()>
            {metric_text(row.unit, v)}
            {est.then(|| view! { <span class="estimate" title="Rests on a proxied or estimated rate">"est."</span> })}
            {win.then(|| view! { <span class="win-mark" aria-label="better">" ✓"</span> })}
        </td>
    }
}

fn side_title(platform: &Platform, records: &[Record], best: Option<usize>) -> String {
    match label_of(records, best) {
        Some(l) => format!("{} · {l}", platform.label()),
        None => format!("{} (no data)", platform.label()),
    }
}

fn best_vs_best(f: &Figures) -> impl IntoView {
    let records = &f.loaded.records;
    let t = &f.comparison.best_vs_best;
    let rows = t
        .rows
        .iter()
        .map(|row| {
            let hint = if row.higher_is_better {
                "higher is better"
            } else {
                "lower is better"
            };
            view! {
                <tr data-metric=row.metric.clone()>
                    <th scope="row">{row.metric.clone()} <span class="hint">{format!(" ({hint})")}</span></th>
                    {metric_cell(row, Side::Left)}
                    {metric_cell(row, Side::Right)}
                </tr>
            }
        })
        .collect_view();
    let intervals = [t.left, t.right]
        .into_iter()
        .flatten()
        .filter_map(|i| {
            let r = &records[i];
            r.accuracy_interval()
                .map(|ci| format!("{} {}", r.label, pct_interval(&ci)))
        })
        .collect::<Vec<_>>();
    let sides = match (t.left, t.right) {
        (Some(l), Some(r)) => format!(
            "A is {} ({}), B is {} ({}). ",
            records[l].label,
            t.left_platform.label(),
            records[r].label,
            t.right_platform.label()
        ),
        _ => String::new(),
    };
    let paired = t.paired.as_ref().map(|p| {
        view! {
            <p class="paired" data-testid="bvb-paired">
                <strong>"Is the accuracy gap real? "</strong>
                {sides}
                {p.text.clone()}
            </p>
        }
    });
    view! {
        <div class="table-wrap">
            <table class="bvb" data-testid="best-vs-best">
                <thead>
                    <tr>
                        <th scope="col">"Metric"</th>
                        <th scope="col" class="num" data-testid="bvb-left">{side_title(&t.left_platform, records, t.left)}</th>
                        <th scope="col" class="num" data-testid="bvb-right">{side_title(&t.right_platform, records, t.right)}</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
        <p class="note">
            "✓ and green mark the better value of each row (higher for accuracy and JSON OK, lower for the rest); equal values mark neither, and a missing value loses. "
            "Each side's best is its most accurate model, then its cheaper, then the first in its file."
        </p>
        {(!intervals.is_empty()).then(|| view! {
            <p class="note" data-testid="bvb-intervals">{format!("Accuracy with 95 % Wilson intervals: {}.", intervals.join("; "))}</p>
        })}
        {paired}
    }
}

fn provenance(f: &Figures) -> impl IntoView {
    let sweeps = f
        .loaded
        .sweeps
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let platform = s
                .run
                .platform
                .as_ref()
                .map(|p| p.label().to_string())
                .unwrap_or_else(|| "platform not stated".into());
            let url = s.run.base_url.clone();
            view! {
                <li data-testid="provenance">
                    <strong>{sweep_label(s, i)}</strong>
                    {format!(" — {platform}, {} model{}", s.models.len(), if s.models.len() == 1 { "" } else { "s" })}
                    {url.map(|u| view! { ", endpoint " <code>{u}</code> })}
                    {s.run.methodology.clone().map(|m| view! { <span class="methodology">{format!(". {m}")}</span> })}
                </li>
            }
        })
        .collect_view();
    let unavailable = if f.unavailable.is_empty() {
        view! { <p class="note" data-testid="unavailable-none">"No sweep recorded a model it probed and found unavailable."</p> }.into_any()
    } else {
        let items = f
            .unavailable
            .iter()
            .map(|u| {
                let platform = u
                    .platform
                    .as_ref()
                    .map(|p| format!(" on {}", p.label()))
                    .unwrap_or_default();
                view! {
                    <li data-testid="unavailable" data-model=u.model.clone()>
                        <strong>{u.label.clone()}</strong>
                        {format!("{platform}: {}", u.outcome.label())}
                        <span class="reason">{format!(" — {}", u.reason)}</span>
                    </li>
                }
            })
            .collect_view();
        view! {
            <p class="note">"Probed before the sweep and found unavailable, so not run:"</p>
            <ul class="unavailable">{items}</ul>
        }
        .into_any()
    };
    view! {
        <ul class="provenance">{sweeps}</ul>
        <p class="note">
            "Figures are recomputed from each file's per-question traces. Compare sweeps side by side only when they followed the same protocol, as each file's methodology states."
        </p>
        {unavailable}
    }
}
