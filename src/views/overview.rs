//! `#/`, the overview: what the loaded data holds (derived counts), the four
//! headline figures (`analysis::overview`), and sqlsweep's own pipeline as an
//! interactive diagram. Every figure comes from the core; the view formats it.

pub mod architecture;
pub mod steps;

use leptos::prelude::*;
use sqlsweep_core::analysis::format::{fraction, pct, pct_interval, tokens, usd_per_query};
use sqlsweep_core::analysis::overview::{overview, pipeline_evidence, Overview};
use sqlsweep_core::analysis::records::Record;

use crate::components::load_errors::LoadErrors;
use crate::data::{use_loaded, Loaded};
use crate::router::{use_hash_location, HashLocation, Route};
use crate::views::assumptions::from_query as assumptions_from_query;
use architecture::Architecture;
use steps::Step;

/// The overview and the records it points into.
#[derive(Clone, PartialEq)]
struct Figures {
    loaded: Loaded,
    overview: Overview,
}

#[component]
pub fn OverviewView() -> impl IntoView {
    let router = use_hash_location();
    let data = use_loaded();
    let query = Memo::new(move |_| router.location.get().query);
    let assumptions = Memo::new(move |_| assumptions_from_query(&query.get()));
    let figures = Memo::new(move |_| {
        let loaded = data.loaded.get()?;
        let (a, _) = assumptions.get();
        let overview = overview(&loaded.records, &loaded.sweeps, &a);
        Some(Figures { loaded, overview })
    });
    let evidence = Memo::new(move |_| {
        figures.with(|f| {
            f.as_ref().map(|f| {
                (
                    pipeline_evidence(&f.loaded.records, &f.loaded.sweeps),
                    f.overview.questions,
                )
            })
        })
    });
    let step = Memo::new(move |_| {
        query
            .get()
            .get("step")
            .and_then(Step::from_key)
            .unwrap_or(Step::DEFAULT)
    });
    let on_select = Callback::new(move |s: Step| {
        let q = query.get_untracked();
        let value = (s != Step::DEFAULT).then_some(s.key());
        router.replace_query(q.with("step", value));
    });

    let counts = move || match figures.get() {
        None => {
            view! { <span class="placeholder">"Loading the published sweeps…"</span> }.into_any()
        }
        Some(f) => counts_sentence(&f.overview).into_any(),
    };
    let problems = move || {
        assumptions
            .get()
            .1
            .into_iter()
            .map(|p| view! { <p class="error" role="alert">{format!("Ignored {p}")}</p> })
            .collect_view()
    };
    let ship = move || pct(Some(assumptions.get().0.ship_accuracy));
    let rates = move || {
        let a = assumptions.get().0;
        format!("${:.2} / ${:.2}", a.gpt_input_rate, a.gpt_output_rate)
    };

    view! {
        <section class="view overview" data-testid="overview-view">
            <h1>"Which model, on which platform, answers SQL questions accurately, fast and cheaply enough?"</h1>
            <p class="lede hero-counts" data-testid="hero-counts">{counts}</p>
            <LoadErrors errors=data.errors />
            {problems}
            <div class="tiles" aria-busy=move || if figures.with(|f| f.is_none()) { "true" } else { "false" }>
                <Tile test_id="tile-best-accuracy" title=Signal::derive(|| "Best accuracy".to_string())>
                    {move || figures.get().map(|f| best_accuracy(&f))}
                </Tile>
                <Tile test_id="tile-cheapest" title=Signal::derive(move || format!("Cheapest per query at ≥ {}", ship()))>
                    {move || figures.get().map(|f| cheapest(&f, &ship()))}
                </Tile>
                <Tile test_id="tile-savings" title=Signal::derive(|| "Cheaper than GPT-5.4".to_string())>
                    {move || figures.get().map(|f| savings(&f, &rates()))}
                </Tile>
                <Tile test_id="tile-models" title=Signal::derive(|| "Models benchmarked".to_string())>
                    {move || figures.get().map(|f| models(&f.overview))}
                </Tile>
            </div>
            <p class="note" data-testid="interval-note">
                "Accuracies carry a 95 % Wilson interval: with only "
                {move || figures.get().map(|f| f.overview.questions.to_string()).unwrap_or_else(|| "a few dozen".into())}
                " questions per model the intervals are wide, so a few points between two models is usually not a real difference. "
                "The Model sweep view tests any two models against each other on the same questions."
            </p>

            <h2>"What this benchmark answers"</h2>
            <p class="prose">
                "A team that turns questions into SQL wants to leave an expensive proprietary model. sqlsweep puts the same "
                "gold questions about the Chinook sample database to open-weight models on managed inference platforms and records, "
                "per question, the SQL, the rows, whether they match the gold answer, the time to first token, the total latency, "
                "the tokens and the cost. Then it asks which model is accurate enough, fast enough and cheapest — and how sure "
                "a few dozen questions can make anyone about the answer. The published sweeps are re-checked in your browser, your "
                "own sweep files can be imported, and new runs can be made against any OpenAI-compatible endpoint."
            </p>
            <nav class="view-links" aria-label="Where to go next">
                <a href=HashLocation::href(Route::Sweep)>"Model sweep: every model, the cost-vs-accuracy frontier, paired tests →"</a>
                <a href=HashLocation::href(Route::Platforms)>"Platforms: Fireworks vs Baseten →"</a>
            </nav>

            <h2>"Architecture · seven steps"</h2>
            <p class="note">
                "How sqlsweep turns a question into a scored answer, in the browser and in the CLI alike. "
                "Choose a step (Tab, then Enter or Space) for what it does, why, and what the loaded traces say about it."
            </p>
            <Architecture selected=step on_select=on_select evidence=evidence />
            <p class="note">
                "Figures rest on the GPT-5.4 list rates "
                {rates}
                " per million input / output tokens and a ship bar of "
                {ship}
                " accuracy: assumptions, editable in the URL like every other view's state."
            </p>
        </section>
    }
}

/// A hero tile with a reserved height, so loading does not shift the page.
#[component]
fn Tile(test_id: &'static str, title: Signal<String>, children: Children) -> impl IntoView {
    view! {
        <div class="tile" data-testid=test_id>
            <div class="tile-title">{title}</div>
            {children()}
        </div>
    }
}

fn record(f: &Figures, i: usize) -> &Record {
    &f.loaded.records[i]
}

fn counts_sentence(o: &Overview) -> impl IntoView {
    let platforms = o
        .per_platform
        .iter()
        .map(|(p, n)| format!("{n} on {}", p.label()))
        .collect::<Vec<_>>()
        .join(", ");
    let mut extra = Vec::new();
    if o.fatal_models > 0 {
        extra.push(format!("{} of them failed every call", o.fatal_models));
    }
    if o.probed_unavailable > 0 {
        extra.push(format!(
            "{} more were probed and found unavailable",
            o.probed_unavailable
        ));
    }
    let extra = if extra.is_empty() {
        String::new()
    } else {
        format!(" ({})", extra.join("; "))
    };
    format!(
        "{} model runs from {} sweep files — {platforms}{extra} — each asked the same {} gold questions about the Chinook database.",
        o.models, o.sweeps, o.questions
    )
}

fn best_accuracy(f: &Figures) -> AnyView {
    let Some(t) = &f.overview.best_accuracy else {
        return view! { <div class="value">"—"</div><div class="sub">"no model has results"</div> }
            .into_any();
    };
    let r = record(f, t.record);
    let ties = (t.ties > 0).then(|| {
        format!(
            " · tied with {} other model{}",
            t.ties,
            if t.ties == 1 { "" } else { "s" }
        )
    });
    view! {
        <div class="value">{pct(Some(t.accuracy.estimate))}</div>
        <div class="sub">
            <strong>{r.label.clone()}</strong>
            {format!(" · {} · {}", r.platform.label(), fraction(t.accuracy.successes, t.accuracy.n))}
            {ties}
        </div>
        <div class="sub interval" data-testid="best-interval">{format!("95 % interval: {}", pct_interval(&t.accuracy))}</div>
    }
    .into_any()
}

fn cheapest(f: &Figures, ship: &str) -> AnyView {
    let Some(t) = &f.overview.cheapest_shipping else {
        return view! {
            <div class="value">"—"</div>
            <div class="sub">{format!("no priced model reaches {ship}")}</div>
        }
        .into_any();
    };
    let r = record(f, t.record);
    view! {
        <div class="value">
            {usd_per_query(Some(t.cost_per_query))}
            {t.is_estimate.then(|| view! { <span class="estimate" title="Rests on a proxied or estimated rate">"est."</span> })}
        </div>
        <div class="sub">
            <strong>{r.label.clone()}</strong>
            {format!(" · {} · {}", r.platform.label(), pct(r.summary.accuracy))}
        </div>
        <div class="sub muted">"$0 (promotional) prices are left out"</div>
    }
    .into_any()
}

fn savings(f: &Figures, rates: &str) -> AnyView {
    let Some(t) = &f.overview.savings_vs_gpt else {
        return view! { <div class="value">"—"</div><div class="sub">"no model to compare"</div> }
            .into_any();
    };
    let r = record(f, t.record);
    let profile = format!(
        "{}'s own {} in / {} out tokens at GPT-5.4's {rates} per M would cost {}",
        r.label,
        tokens(r.summary.mean_prompt_tokens),
        tokens(r.summary.mean_completion_tokens),
        usd_per_query(Some(t.gpt_cost_per_query))
    );
    view! {
        <div class="value gradient">
            {pct(Some(t.savings))}
            {t.is_estimate.then(|| view! { <span class="estimate" title="Rests on assumed GPT-5.4 list rates">"est."</span> })}
        </div>
        <div class="sub">{profile}</div>
    }
    .into_any()
}

fn models(o: &Overview) -> AnyView {
    let split = o
        .per_platform
        .iter()
        .map(|(p, n)| format!("{n} {}", p.label()))
        .collect::<Vec<_>>()
        .join(" + ");
    view! {
        <div class="value">{o.models}</div>
        <div class="sub">{split}</div>
        <div class="sub muted">
            {format!("{} distinct questions", o.questions)}
            {(o.unpriced_models > 0).then(|| format!(" · {} without a price", o.unpriced_models))}
        </div>
    }
    .into_any()
}
