//! `#/insights`: the seven questions the benchmark answers (Q1–Q7), each derived
//! from the loaded sweeps and shown only when its condition holds, then three
//! longer sections — fine-tune or pay for the better model, serverless or
//! dedicated, and quantization (from the model metadata file) — whose every number
//! comes from `analysis::insights` or a visible, editable assumption.

pub mod cards;
pub mod sections;

use leptos::prelude::*;
use sqlsweep_core::analysis::insights::insights;
use sqlsweep_core::analysis::records::records;
use sqlsweep_core::published::models_meta::ModelsMeta;

use crate::components::load_errors::LoadErrors;
use crate::data::{use_published_file, use_sweep_library, MODELS_META_FILE};
use crate::views::assumptions::{use_view_assumptions, AssumptionsPanel};
use crate::views::figures::interval_statement;
use cards::InsightCards;
use sections::{FineTuneSection, MethodNotes, QuantizationSection, ServerlessSection};

/// The assumptions the insights rest on (shown first in the panel).
const INSIGHT_ASSUMPTIONS: &[&str] = &[
    "volume",
    "ship_acc",
    "gpu_hour",
    "gpu_qpd",
    "fte_month",
    "fte_hours",
    "ft_hours",
    "better_gap",
    "better_ratio",
    "ft_ratio",
    "fp8_loss",
    "fp4_loss",
];

#[component]
pub fn InsightsView() -> impl IntoView {
    let library = use_sweep_library();
    let state = use_view_assumptions();
    let meta = use_published_file(MODELS_META_FILE, ModelsMeta::from_json);

    let sweeps = Memo::new(move |_| library.sweeps());
    let recs = Memo::new(move |_| sweeps.with(|s| records(s)));
    let loading = Signal::derive(move || library.loading());
    let found = Memo::new(move |_| {
        let m = meta.get().and_then(|r| r.ok());
        recs.with(|r| insights(r, &state.current.get(), m.as_deref()))
    });
    let meta_error = move || meta.get().and_then(|r| r.err());
    let meta_loading = Signal::derive(move || meta.with(Option::is_none));

    view! {
        <section class="view insights" data-testid="insights-view">
            <h1>"Inference insights"</h1>
            <p class="lede">
                "Seven questions a buyer asks of this benchmark, answered from the loaded sweeps. A card appears only "
                "when the data has something to say; every figure is recomputed from the per-question traces or rests "
                "on an assumption you can change at the bottom of the page."
            </p>
            <LoadErrors errors=Signal::derive(move || library.errors()) />
            <LoadErrors errors=Signal::derive(move || meta_error().into_iter().collect()) />
            <InsightCards insights=found records=recs loading=loading />
            <p class="note" data-testid="interval-note">
                {move || sweeps.with(|s| recs.with(|r| interval_statement(r, s)))}
            </p>
            <FineTuneSection insights=found records=recs assumptions=state.current loading=loading />
            <ServerlessSection insights=found records=recs assumptions=state.current loading=loading />
            <QuantizationSection insights=found records=recs assumptions=state.current loading=meta_loading />
            <MethodNotes records=recs sweeps=sweeps />
            <AssumptionsPanel state=state primary=INSIGHT_ASSUMPTIONS />
        </section>
    }
}
