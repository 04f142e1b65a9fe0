//! `#/quality`: how good the answers are, from the files that record them — the
//! 25 gold questions with the agent's verdicts, the agent run's log and misses,
//! the customer baseline's score (read from its file, not typed in) with the
//! paired test against the agent, and the failure taxonomy across every sweep in
//! the library (imports and own runs included).
//!
//! Everything shown comes from core's `analysis::quality_page`; the taxonomy's
//! grouping lives in the URL (`#/quality?by=platform`).

pub mod agent;
pub mod cards;
pub mod taxonomy;

use std::sync::Arc;

use leptos::prelude::*;
use sqlsweep_core::analysis::quality_page::{quality_page, Grouping, QualityPage};
use sqlsweep_core::analysis::records::Record;
use sqlsweep_core::exchange::json::view_json;
use sqlsweep_core::published::agent_eval::AgentEval;
use sqlsweep_core::published::baseline::BaselineResults;

use crate::components::export::ExportJson;
use crate::components::load_errors::LoadErrors;
use crate::data::{use_gold, use_published_file, use_sweep_library, FetchError};
use crate::router::use_hash_location;

/// The agent run's file.
pub const AGENT_FILE: &str = "agent_eval.json";
/// The customer baseline's file.
pub const BASELINE_FILE: &str = "baseline_results.json";

/// What the view renders: the page, the records the taxonomy rows point into,
/// and the agent run (for its log).
#[derive(Debug, Clone, PartialEq)]
pub struct QualityData {
    pub page: QualityPage,
    pub records: Vec<Record>,
    pub eval: Option<Arc<AgentEval>>,
}

#[component]
pub fn QualityView() -> impl IntoView {
    let router = use_hash_location();
    let library = use_sweep_library();
    let gold = use_gold();
    let eval = use_published_file(AGENT_FILE, AgentEval::from_json);
    let baseline = use_published_file(BASELINE_FILE, BaselineResults::from_json);

    let query = Memo::new(move |_| router.location.get().query);
    let grouping = Memo::new(move |_| Grouping::from_key(query.get().get("by").unwrap_or("")));

    let errors = Memo::new(move |_| {
        let mut out: Vec<FetchError> = Vec::new();
        out.extend(gold.get().and_then(|r| r.err()));
        out.extend(eval.get().and_then(|r| r.err()));
        out.extend(baseline.get().and_then(|r| r.err()));
        out.extend(library.errors());
        out
    });
    let data = Memo::new(move |_| {
        let (g, e, b) = (gold.get()?, eval.get()?, baseline.get()?);
        let loaded = library.loaded()?;
        let (g, e, b) = (g.ok(), e.ok(), b.ok());
        let page = quality_page(
            g.as_deref(),
            e.as_deref(),
            b.as_deref(),
            &loaded.records,
            &loaded.sweeps,
        );
        Some(QualityData {
            page,
            records: Arc::unwrap_or_clone(loaded.records),
            eval: e,
        })
    });

    let heading = move || match data.with(|d| d.as_ref().and_then(|d| d.page.headline())) {
        Some(h) => format!("Quality: {h}"),
        None => "Quality".to_string(),
    };
    let on_grouping = Callback::new(move |g: Grouping| {
        let value = (g != Grouping::default()).then(|| g.key());
        router.replace_query(query.get_untracked().with("by", value));
    });
    let json = Callback::new(move |_| match data.get_untracked() {
        Some(d) => view_json("quality", &d.page),
        None => Err("the data has not loaded".into()),
    });

    view! {
        <section class="view quality" data-testid="quality-view" aria-busy=move || if data.with(|d| d.is_none()) { "true" } else { "false" }>
            <div class="view-head">
                <h1 data-testid="quality-heading">{heading}</h1>
                <ExportJson name="quality" label="Quality view's data" json=json ready=Signal::derive(move || data.with(|d| d.is_some())) />
            </div>
            <p class="lede">
                "The full agent (compact schema, JSON mode, execute-and-repair) on the gold questions, against the customer's \
                 naive prompt on the same questions. Every figure is read from the run files."
            </p>
            <p class="figures-line" data-testid="quality-lede">
                {move || match data.with(|d| d.as_ref().map(|d| (d.page.lede(), d.page.agent.as_ref().map(|a| a.model.clone())))) {
                    Some((Some(lede), Some(model))) => format!("{lede} · agent model {model}"),
                    Some(_) => format!("The agent run ({AGENT_FILE}) could not be loaded; the sections below show what could be."),
                    None => "Loading the gold questions, the agent run and the baseline run…".to_string(),
                }}
            </p>
            <LoadErrors errors=errors />
            <agent::ScoreBoard data=data />
            <cards::QuestionCards data=data />
            <agent::AgentRun data=data />
            <agent::Baseline data=data />
            <taxonomy::Taxonomy data=data grouping=grouping on_grouping=on_grouping />
        </section>
    }
}
