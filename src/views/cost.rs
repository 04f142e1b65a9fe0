//! `#/cost`: the cost explorer. One daily volume (a slider, live while dragging)
//! drives the cost of every priced model and the four-way build-vs-buy; every
//! assumption those figures rest on is shown, editable and kept in the URL, and
//! every cost that rests on a proxied or estimated price carries a badge.
//!
//! All figures come from `analysis::cost` (`cost_matrix`, `build_vs_buy`); this
//! module wires the URL, the library and the inputs to them.

pub mod build_vs_buy;
pub mod matrix;

use leptos::prelude::*;
use sqlsweep_core::analysis::assumptions::{
    Assumptions, DAYS_PER_MONTH, DAYS_PER_YEAR, VOLUME_MAX, VOLUME_MIN, VOLUME_STEP,
};
use sqlsweep_core::analysis::cost::{build_vs_buy, cost_matrix, own_runs_profile};
use sqlsweep_core::analysis::format;
use sqlsweep_core::analysis::records::{records, PlatformFilter};

use crate::components::load_errors::LoadErrors;
use crate::data::use_sweep_library;
use crate::router::use_hash_location;
use crate::views::assumptions::{use_view_assumptions, AssumptionsPanel};
use crate::views::figures::interval_statement;
use build_vs_buy::BuildVsBuyCards;
use matrix::CostMatrixTable;

/// The assumptions the cost figures rest on (shown first in the panel).
const COST_ASSUMPTIONS: &[&str] = &[
    "volume",
    "gpt_in",
    "gpt_out",
    "direct_discount",
    "reference",
    "gpu_hour",
    "gpu_qpd",
    "fte_month",
    "self_host_fte",
];

/// The calendar convention, from the core's constants.
pub fn calendar_statement() -> String {
    format!(
        "Calendar: a year is {} days and a month is a twelfth of it ({:.2} days), for every option — \
         self-hosting included — so 12 × monthly = annual everywhere.",
        DAYS_PER_YEAR, DAYS_PER_MONTH
    )
}

/// The slider's value for a volume outside its range (typed in the assumptions).
pub fn slider_position(volume: u64) -> u64 {
    volume.clamp(VOLUME_MIN, VOLUME_MAX)
}

#[component]
pub fn CostView() -> impl IntoView {
    let router = use_hash_location();
    let library = use_sweep_library();
    let state = use_view_assumptions();
    let query = Memo::new(move |_| router.location.get().query);

    // While the thumb is dragged the figures follow this value; the URL is written
    // when it is released (a `change`), not on every pixel.
    let dragging = RwSignal::new(None::<u64>);
    let assumptions = Memo::new(move |_| {
        let mut a = state.current.get();
        if let Some(v) = dragging.get() {
            a.volume_per_day = v;
        }
        a
    });

    let sweeps = Memo::new(move |_| library.sweeps());
    let recs = Memo::new(move |_| sweeps.with(|s| records(s)));
    let loading = move || library.loading();

    let filter_param = Memo::new(move |_| query.with(|q| q.get("platform").map(str::to_string)));
    let filter = Memo::new(move |_| {
        let value = filter_param.get().unwrap_or_default();
        recs.with(|r| PlatformFilter::from_param(&value, r))
    });
    let active_filter = move || filter.get().unwrap_or_default();

    let matrix =
        Memo::new(move |_| recs.with(|r| cost_matrix(r, &active_filter(), &assumptions.get())));
    let own_profile = Memo::new(move |_| recs.with(|r| own_runs_profile(r)));
    let use_own = Memo::new(move |_| {
        query.with(|q| q.get("profile") == Some("own")) && own_profile.with(Option::is_some)
    });
    let bvb = Memo::new(move |_| {
        let session = if use_own.get() {
            own_profile.get()
        } else {
            None
        };
        recs.with(|r| build_vs_buy(r, &assumptions.get(), session))
    });

    let set_query = move |key: &str, value: Option<&str>| {
        router.replace_query(query.get_untracked().with(key, value));
    };
    let on_slide = move |ev: leptos::ev::Event| {
        if let Ok(v) = event_target_value(&ev).parse::<u64>() {
            dragging.set(Some(v));
        }
    };
    let on_release = move |ev: leptos::ev::Event| {
        let text = event_target_value(&ev);
        // The slider only produces valid volumes; a refusal would be a bug, shown as such.
        if let Err(e) = state.apply("volume", &text) {
            leptos::logging::error!("volume slider: {e}");
        }
        dragging.set(None);
    };
    let on_filter = move |ev: leptos::ev::Event| {
        let v = event_target_value(&ev);
        set_query("platform", (v != "all").then_some(v.as_str()));
    };

    let platform_options = move || {
        let mut seen = Vec::new();
        recs.with(|r| {
            for rec in r {
                if !seen.contains(&rec.platform) {
                    seen.push(rec.platform.clone());
                }
            }
        });
        seen.into_iter()
            .map(|p| {
                let f = PlatformFilter::Only(p.clone());
                let key = f.to_param();
                let selected = move || active_filter() == f;
                view! { <option value=key selected=selected>{format!("{} only", p.label())}</option> }
            })
            .collect_view()
    };
    let model_ids = Signal::derive(move || {
        recs.with(|r| r.iter().map(|x| x.model.clone()).collect::<Vec<_>>())
    });
    let default_volume = Assumptions::default().volume_per_day;

    view! {
        <section class="view cost" data-testid="cost-view">
            <h1>"Cost explorer"</h1>
            <p class="lede">
                "What each benchmarked model would cost at your daily volume, and how the four ways of serving "
                "the workload compare: stay on GPT-5.4, call open models' vendors directly, host a model on "
                "your own GPUs, or use a managed inference platform. Costs are measured tokens per query × "
                "per-token rates; everything that is not measured is an assumption you can change below."
            </p>
            <LoadErrors errors=Signal::derive(move || library.errors()) />
            <div class="volume-control">
                <label for="volume-slider">"Queries per day"</label>
                <input
                    id="volume-slider"
                    type="range"
                    data-testid="volume-slider"
                    min=VOLUME_MIN
                    max=VOLUME_MAX
                    step=VOLUME_STEP
                    prop:value=move || slider_position(assumptions.get().volume_per_day).to_string()
                    aria-valuetext=move || format::volume(assumptions.get().volume_per_day)
                    on:input=on_slide
                    on:change=on_release
                />
                <output for="volume-slider" data-testid="volume-label">
                    {move || format::volume(assumptions.get().volume_per_day)}
                </output>
                <p class="note">
                    {format!(
                        "Drag from {} to {} (default {}); type any other volume in the assumptions below. ",
                        format::thousands(VOLUME_MIN as i64),
                        format::thousands(VOLUME_MAX as i64),
                        format::thousands(default_volume as i64),
                    )}
                    {calendar_statement()}
                </p>
            </div>

            <h2>"Every priced model at this volume"</h2>
            <div class="toolbar">
                <label>
                    "Platform "
                    <select on:change=on_filter data-testid="platform-filter">
                        <option value="all" selected=move || active_filter() == PlatformFilter::All>"All platforms"</option>
                        {platform_options}
                    </select>
                </label>
                {move || filter.get().err().map(|e| view! { <span class="error" role="alert">{e}</span> })}
            </div>
            <CostMatrixTable matrix=matrix records=recs loading=Signal::derive(loading) />
            <p class="note" data-testid="interval-note">
                {move || sweeps.with(|s| recs.with(|r| interval_statement(r, s)))}
            </p>

            <BuildVsBuyCards
                bvb=bvb
                records=recs
                assumptions=assumptions
                own_available=Signal::derive(move || own_profile.with(Option::is_some))
                use_own=use_own
                on_profile=Callback::new(move |own: bool| set_query("profile", own.then_some("own")))
                loading=Signal::derive(loading)
            />

            <AssumptionsPanel state=state primary=COST_ASSUMPTIONS models=model_ids />
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slider_and_calendar() {
        for (volume, position) in [
            (0, 1_000),
            (30_000, 30_000),
            (300_000, 300_000),
            (2_000_000, 300_000),
        ] {
            assert_eq!(slider_position(volume), position, "{volume}");
        }
        let c = calendar_statement();
        assert!(c.contains("365 days") && c.contains("30.42 days"), "{c}");
    }
}
