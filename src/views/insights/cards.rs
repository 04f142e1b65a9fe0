//! The seven auto-derived answers, Q1–Q7. Each card renders one field of
//! `analysis::insights::Insights`; a card whose answer is `None` (or an empty list)
//! is not shown, which is the original's display condition.

use leptos::prelude::*;
use sqlsweep_core::analysis::cost::Basis;
use sqlsweep_core::analysis::format;
use sqlsweep_core::analysis::insights::Insights;
use sqlsweep_core::analysis::records::Record;

use crate::views::figures::{accuracy_count, accuracy_text, estimate_badge, platform_chip};

/// Cards reserved while the sweeps load (layout only).
const SKELETON_CARDS: usize = 7;

fn card(id: &'static str, question: &'static str, body: impl IntoView + 'static) -> impl IntoView {
    view! {
        <article class="insight" data-card=id>
            <h3><span class="qid">{id}</span>" · "{question}</h3>
            {body}
        </article>
    }
}

/// Labels joined with commas and "and".
pub fn join_labels(labels: &[String]) -> String {
    match labels {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

#[component]
pub fn InsightCards(
    insights: Memo<Insights>,
    records: Memo<Vec<Record>>,
    #[prop(into)] loading: Signal<bool>,
) -> impl IntoView {
    let body = move || {
        if loading.get() {
            return (0..SKELETON_CARDS)
                .map(|_| view! { <article class="insight skeleton" aria-hidden="true"><span class="bar"></span><span class="bar"></span></article> })
                .collect_view()
                .into_any();
        }
        let i = insights.get();
        if !i.has_data {
            return view! { <p class="note">"Insights appear once sweep data is loaded."</p> }
                .into_any();
        }
        records.with(|recs| cards(&i, recs)).into_any()
    };
    view! {
        <div class="insight-grid" data-testid="insight-cards" aria-busy=move || loading.get().to_string()>{body}</div>
    }
}

fn cards(i: &Insights, recs: &[Record]) -> impl IntoView {
    let label = |x: usize| recs[x].label.clone();

    let q1 = i.q1_accuracy.as_ref().map(|w| {
        let r = &recs[w.record];
        let ties: Vec<String> = w.indistinguishable.iter().map(|(x, _)| label(*x)).collect();
        let tie_text = if ties.is_empty() {
            "The paired exact test separates it from every other model that ran.".to_string()
        } else {
            format!(
                "It is the top score, not a proven winner: on the same {} questions the paired exact test cannot tell it apart from {} ({}).",
                w.accuracy.n,
                if ties.len() == 1 { "one other model".to_string() } else { format!("{} other models", ties.len()) },
                join_labels(&ties)
            )
        };
        card(
            "Q1",
            "Which model is most accurate?",
            view! {
                <p class="answer" data-testid="q1">
                    <strong>{r.label.clone()}</strong>" · "{accuracy_text(&w.accuracy)}" "
                    {platform_chip(&r.platform)}
                    <span class="muted">{format!(" ({} correct)", accuracy_count(&w.accuracy))}</span>
                </p>
                <p class="note">{tie_text}</p>
            },
        )
    });

    let q2 = i.q2_cheapest.as_ref().map(|c| {
        let r = &recs[c.record];
        let basis = if c.is_estimate { Basis::EstimatedRate } else { Basis::Measured };
        card(
            "Q2",
            "What is the cheapest model that is accurate enough?",
            view! {
                <p class="answer" data-testid="q2">
                    <strong>{r.label.clone()}</strong>" "{platform_chip(&r.platform)}" at "
                    {format::usd_per_query(Some(c.cost_per_query))}" per query"
                    {estimate_badge(basis, r.price_source())}
                </p>
                <p class="note">
                    {format!(
                        "The cheapest priced model with at least {} accuracy. At {} that is {} a month.",
                        format::pct(Some(c.ship_accuracy)),
                        format::volume(c.volume_per_day),
                        format::usd(Some(c.monthly))
                    )}
                </p>
            },
        )
    });

    let q3 = i.q3_ttft.as_ref().map(|t| {
        let r = &recs[t.record];
        let per: Vec<String> = t
            .per_platform
            .iter()
            .map(|(p, x, ms)| format!("{} {} ({})", p.label(), label(*x), format::ms(Some(*ms))))
            .collect();
        card(
            "Q3",
            "Which model starts answering first?",
            view! {
                <p class="answer" data-testid="q3">
                    <strong>{r.label.clone()}</strong>" "{platform_chip(&r.platform)}": "{format::ms(Some(t.ttft_ms))}" to the first token (median)"
                </p>
                <p class="note">
                    {format!(
                        "With about {} prompt tokens per question. Lowest per platform: {}. Time to first token was measured from the benchmark machine, so it includes the network.",
                        format::tokens(t.mean_prompt_tokens),
                        per.join(" · ")
                    )}
                </p>
            },
        )
    });

    let q4 = i.q4_serverless.as_ref().map(|s| {
        let r = &recs[s.record];
        card(
            "Q4",
            "Dedicated GPUs or serverless?",
            view! {
                <p class="answer" data-testid="q4">
                    {if s.ratio >= 1.0 { "Serverless, at this volume: " } else { "Dedicated, at this volume: " }}
                    {format!(
                        "{} a month for {} serverless vs {} for {} dedicated, which costs {:.1}× as much.",
                        format::usd(Some(s.serverless_monthly)),
                        r.label,
                        format::usd(Some(s.dedicated_monthly)),
                        if s.gpus == 1 { "one GPU".to_string() } else { format!("{} GPUs", s.gpus) },
                        s.ratio
                    )}
                    {estimate_badge(Basis::Assumption, None)}
                </p>
                <p class="note">
                    {if s.ratio >= 1.0 { "Dedicated capacity buys a latency guarantee, not a lower bill" } else { "Dedicated capacity is cheaper at this volume, if the GPUs keep up" }}
                    "; see “Serverless or dedicated” below."
                </p>
            },
        )
    });

    let q5 = (!i.q5_json_drops.is_empty()).then(|| {
        let items = i
            .q5_json_drops
            .iter()
            .map(|d| view! { <li>{label(d.record)}" — "{format::pct(Some(d.json_ok_rate))}" valid JSON"</li> })
            .collect_view();
        let n = i.q5_json_drops.len();
        card(
            "Q5",
            "Does JSON mode hold?",
            view! {
                <p class="answer" data-testid="q5">
                    {format!("Not always: {n} {} returned invalid JSON at least once.", if n == 1 { "model" } else { "models" })}
                </p>
                <ul class="note">{items}</ul>
                <p class="note">"An answer that is not valid JSON needs a fallback parser or a retry before its SQL can run."</p>
            },
        )
    });

    let q6 = i.q6_spread.as_ref().map(|s| {
        card(
            "Q6",
            "How much does the choice of model matter?",
            view! {
                <p class="answer" data-testid="q6">
                    {format!(
                        "{} points between the best and the worst model that ran: {} ({}) and {} ({}).",
                        format::round_half_up(s.points) as i64,
                        label(s.best),
                        format::pct(recs[s.best].summary.accuracy),
                        label(s.worst),
                        format::pct(recs[s.worst].summary.accuracy)
                    )}
                </p>
                <p class="note">"Same prompt, same questions, same schema: the model alone makes that difference."</p>
            },
        )
    });

    let q7 = (!i.q7_did_not_finish.is_empty()).then(|| {
        let items = i
            .q7_did_not_finish
            .iter()
            .map(|d| {
                let note = d.note.clone().map(|n| format!(" ({n})")).unwrap_or_default();
                view! {
                    <li data-model=recs[d.record].model.clone()>
                        <strong>{label(d.record)}</strong>" "{platform_chip(&recs[d.record].platform)}
                        {format!(" — {}: {}{note}", d.outcome.label(), d.error)}
                    </li>
                }
            })
            .collect_view();
        let n = i.q7_did_not_finish.len();
        card(
            "Q7",
            "Which models did not finish?",
            view! {
                <p class="answer" data-testid="q7">
                    {format!("{n} {} failed on every call, so {} out of every ranking:", if n == 1 { "model" } else { "models" }, if n == 1 { "it is left" } else { "they are left" })}
                </p>
                <ul class="note">{items}</ul>
            },
        )
    });

    view! { {q1}{q2}{q3}{q4}{q5}{q6}{q7} }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn joins() {
        let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        assert_eq!(join_labels(&s(&[])), "");
        assert_eq!(join_labels(&s(&["a"])), "a");
        assert_eq!(join_labels(&s(&["a", "b"])), "a and b");
        assert_eq!(join_labels(&s(&["a", "b", "c"])), "a, b and c");
    }
}
