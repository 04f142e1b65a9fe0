//! The agent run and the baseline: score tiles, per-tier table, the evaluation
//! log, the failure analysis of every miss, and the baseline's failures with the
//! paired test against the agent.

use leptos::prelude::*;
use sqlsweep_core::analysis::format::{fraction, pct};
use sqlsweep_core::analysis::intervals::Verdict;
use sqlsweep_core::analysis::quality::Miss;
use sqlsweep_core::analysis::quality_page::{
    agent_median_latency, agent_results_table, baseline_failures_table, tier_table,
};

use super::{QualityData, AGENT_FILE, BASELINE_FILE};
use crate::components::data_table::DataTable;

/// One score tile; `None` value while loading keeps the tile's size.
#[component]
fn Tile(
    #[prop(into)] title: String,
    #[prop(into)] value: Signal<Option<String>>,
    #[prop(into)] sub: Signal<Option<String>>,
    #[prop(into)] testid: String,
) -> impl IntoView {
    view! {
        <div class="tile" data-testid=testid>
            <div class="tile-title">{title}</div>
            <div class="tile-value">{move || value.get().unwrap_or_else(|| "\u{a0}".into())}</div>
            <div class="tile-sub">{move || sub.get().unwrap_or_else(|| "\u{a0}".into())}</div>
        </div>
    }
}

/// The five tiles: dev, synthetic, combined (with interval), baseline, paired test.
#[component]
pub fn ScoreBoard(data: Memo<Option<QualityData>>) -> impl IntoView {
    let set = move |name: &'static str| {
        Signal::derive(move || {
            data.with(|d| {
                let a = d.as_ref()?.page.agent.as_ref()?;
                a.sets
                    .iter()
                    .find(|(s, _)| s == name)
                    .map(|(_, s)| fraction(s.correct, s.total))
            })
        })
    };
    let dev_sub = Signal::derive(move || {
        data.with(|d| {
            let p = &d.as_ref()?.page;
            let a = p.agent.as_ref()?;
            let (_, s) = a.sets.iter().find(|(s, _)| s == "dev")?;
            let share = pct(s.interval.map(|i| i.estimate));
            Some(match &p.baseline {
                Some(b) => format!(
                    "{share} with the agent · {} with the customer baseline",
                    fraction(b.score.correct, b.score.total)
                ),
                None => format!("{share} with the agent"),
            })
        })
    });
    let synth_sub = Signal::derive(move || {
        data.with(|d| {
            let p = &d.as_ref()?.page;
            p.agent.as_ref()?;
            Some(p.missed_in("synth").unwrap_or_else(|| "no misses".into()))
        })
    });
    let combined = Signal::derive(move || {
        data.with(|d| {
            d.as_ref()?
                .page
                .agent
                .as_ref()
                .map(|a| fraction(a.combined.correct, a.combined.total))
        })
    });
    let combined_sub = Signal::derive(move || {
        data.with(|d| {
            d.as_ref()?
                .page
                .agent_accuracy()
                .map(|a| format!("{a} · 95% interval"))
        })
    });
    let base = Signal::derive(move || {
        data.with(|d| {
            d.as_ref()?
                .page
                .baseline
                .as_ref()
                .map(|b| fraction(b.score.correct, b.score.total))
        })
    });
    let base_sub = Signal::derive(move || {
        data.with(|d| {
            let p = &d.as_ref()?.page;
            let b = p.baseline.as_ref()?;
            let check = match (b.stated.as_deref(), b.stated_agrees) {
                (Some(s), Some(true)) => format!(" · file states {s}, recount agrees"),
                (Some(s), Some(false)) => format!(" · file states {s}, recount differs"),
                _ => String::new(),
            };
            Some(format!(
                "{}{check}",
                p.baseline_accuracy().unwrap_or_default()
            ))
        })
    });
    let paired = Signal::derive(move || {
        data.with(|d| {
            let c = d.as_ref()?.page.paired.as_ref()?;
            Some(match c.verdict {
                Verdict::ABetter => "agent better".to_string(),
                Verdict::BBetter => "baseline better".to_string(),
                Verdict::NotSignificant => "no clear difference".to_string(),
                Verdict::NoDisagreement => "identical".to_string(),
            })
        })
    });
    let paired_sub = Signal::derive(move || {
        data.with(|d| {
            let c = d.as_ref()?.page.paired.as_ref()?;
            Some(format!(
                "{} paired questions: {} vs {}, exact McNemar p = {:.3}",
                c.paired, c.only_a, c.only_b, c.p_value
            ))
        })
    });
    view! {
        <div class="tiles" data-testid="score-board">
            <Tile title="Dev set" value=set("dev") sub=dev_sub testid="tile-dev" />
            <Tile title="Synthetic set" value=set("synth") sub=synth_sub testid="tile-synth" />
            <Tile title="Combined" value=combined sub=combined_sub testid="tile-combined" />
            <Tile title="Customer baseline" value=base sub=base_sub testid="tile-baseline" />
            <Tile title="Agent vs baseline" value=paired sub=paired_sub testid="tile-paired" />
        </div>
        <p class="note" data-testid="interval-note">
            "Intervals are 95% Wilson intervals. "
            {move || data.with(|d| d.as_ref().and_then(|d| d.page.sample_note()))}
        </p>
    }
}

/// The agent run: per-tier table, the terminal-style log, and the misses.
#[component]
pub fn AgentRun(data: Memo<Option<QualityData>>) -> impl IntoView {
    let tiers = Signal::derive(move || data.with(|d| d.as_ref().map(|d| tier_table(&d.page))));
    let results = Signal::derive(move || {
        data.with(|d| {
            d.as_ref()
                .and_then(|d| d.eval.as_deref().map(agent_results_table))
        })
    });
    let log = move || {
        data.with(|d| match d {
            None => "Loading the agent run…".to_string(),
            Some(d) => match &d.eval {
                Some(e) => {
                    sqlsweep_core::analysis::quality::evaluation_log(e, AGENT_FILE).join("\n")
                }
                None => format!("{AGENT_FILE} could not be loaded."),
            },
        })
    };
    let mismatches = move || {
        data.with(|d| d.as_ref().and_then(|d| d.page.agent.as_ref()).map(|a| a.stated_mismatches.clone()).unwrap_or_default())
            .into_iter()
            .map(|m| view! { <p class="note warn">"The file's own totals disagree with a recount: " {m}</p> })
            .collect_view()
    };
    let latency = move || data.with(|d| d.as_ref().map(|d| agent_median_latency(&d.page)));
    view! {
        <section class="quality-section" aria-labelledby="agent-run-h">
            <h2 id="agent-run-h">"The agent run"</h2>
            <p class="note">
                "Median latency per question: " <span data-testid="agent-median">{move || latency().unwrap_or_default()}</span>
                ". By tier, against the customer baseline on the same tiers:"
            </p>
            {mismatches}
            <DataTable table=tiers caption="Accuracy by tier" name="quality-tiers" skeleton_rows=3 />
            <details class="log" open>
                <summary>"Evaluation log (" {AGENT_FILE} ")"</summary>
                <pre class="terminal" data-testid="evaluation-log">{log}</pre>
            </details>
            <details class="results">
                <summary>"Every question of the agent run, with its SQL"</summary>
                <DataTable table=results caption="The agent run, question by question" name="quality-agent-results" skeleton_rows=0 />
            </details>
            <h3>"Failure analysis"</h3>
            <Misses data=data />
        </section>
    }
}

/// One card per question the agent missed (or a clean-sweep note).
#[component]
fn Misses(data: Memo<Option<QualityData>>) -> impl IntoView {
    move || {
        data.with(|d| {
            let Some(d) = d else {
                return view! { <div class="miss skeleton-block" aria-hidden="true"></div> }.into_any();
            };
            let Some(agent) = &d.page.agent else {
                return view! { <p class="muted">{format!("No agent run ({AGENT_FILE} could not be loaded).")}</p> }.into_any();
            };
            if agent.misses.is_empty() {
                return view! {
                    <p class="ok-note" data-testid="no-misses">
                        {format!("The agent answered all {} questions correctly.", agent.combined.total)}
                    </p>
                }
                .into_any();
            }
            let title = format!(
                "Why {}, not {}/{}",
                fraction(agent.combined.correct, agent.combined.total),
                agent.combined.total,
                agent.combined.total
            );
            let cards = agent
                .misses
                .iter()
                .map(|m| miss_card(m, d.page.card(&m.qid).map(|c| c.kind.clone())))
                .collect_view();
            view! {
                <p class="note">{title}</p>
                <div class="misses">{cards}</div>
            }
            .into_any()
        })
    }
}

fn miss_card(m: &Miss, kind: Option<String>) -> impl IntoView {
    let heading = kind.unwrap_or_else(|| m.tier.map_or("—".into(), |t| format!("tier {t}")));
    view! {
        <article class="miss" data-testid="miss" data-qid=m.qid.clone()>
            <div class="miss-head">
                <span class="pill bad">"Miss · " {m.qid.clone()}</span>
                <span class="chip">{m.outcome.label()}</span>
            </div>
            <h4>{heading}</h4>
            <p>{m.question.clone().unwrap_or_default()}</p>
            <pre class="sql">{m.sql.clone().unwrap_or_else(|| "(no SQL)".into())}</pre>
            <p class="muted">{m.reason()}</p>
        </article>
    }
}

/// The customer baseline: how its misses failed, and the paired test.
#[component]
pub fn Baseline(data: Memo<Option<QualityData>>) -> impl IntoView {
    let failures = Signal::derive(move || {
        data.with(|d| {
            d.as_ref().map(|d| {
                d.page
                    .baseline
                    .as_ref()
                    .map(baseline_failures_table)
                    .unwrap_or_default()
            })
        })
    });
    let text = move || {
        data.with(|d| {
            let d = d.as_ref()?;
            let b = d.page.baseline.as_ref()?;
            let mut parts = Vec::new();
            if let Some(a) = &b.approach {
                parts.push(format!("Prompt: {a}."));
            }
            if let Some(m) = &b.model {
                parts.push(format!("Model: {m}."));
            }
            parts.push(format!(
                "Score: {}, {}, read from {BASELINE_FILE}.",
                fraction(b.score.correct, b.score.total),
                d.page.baseline_accuracy().unwrap_or_default()
            ));
            Some(parts.join(" "))
        })
    };
    let paired = move || {
        data.with(|d| {
            d.as_ref()
                .and_then(|d| d.page.paired.as_ref())
                .map(|c| c.text.clone())
        })
    };
    view! {
        <section class="quality-section" aria-labelledby="baseline-h">
            <h2 id="baseline-h">"The customer baseline"</h2>
            <p data-testid="baseline-text">{move || text().unwrap_or_else(|| "\u{a0}".into())}</p>
            <p class="note" data-testid="paired-text">{move || paired().unwrap_or_else(|| "\u{a0}".into())}</p>
            <DataTable table=failures caption="How the baseline's misses failed" name="quality-baseline-failures" skeleton_rows=2 empty="No misses." />
        </section>
    }
}
