//! The gold questions as cards, in two grids (dev and synthetic), each with its
//! tier, pattern (or difficulty word) and the agent's verdict. A card is a link
//! that opens the question in the live demo (`#/live?q=<qid>`).

use leptos::prelude::*;
use sqlsweep_core::analysis::quality::QuestionCard;

use super::QualityData;
use crate::router::Query;

/// Placeholder cards per grid while loading (layout only).
const SKELETON_CARDS: [usize; 2] = [10, 15];

/// The live demo's link for a question.
pub fn live_href(qid: &str) -> String {
    format!("#/live?{}", Query::default().with("q", Some(qid)))
}

/// The grids' titles and which set each holds, in order.
const GRIDS: [(&str, &str); 2] = [("dev", "Dev set"), ("synth", "Synthetic set")];

#[component]
pub fn QuestionCards(data: Memo<Option<QualityData>>) -> impl IntoView {
    let grids = move || {
        data.with(|d| match d {
            None => GRIDS
                .iter()
                .zip(SKELETON_CARDS)
                .map(|((_, title), n)| {
                    view! {
                        <h3>{*title}</h3>
                        <div class="qcards">
                            {(0..n).map(|_| view! { <div class="qcard skeleton-block" aria-hidden="true"></div> }).collect_view()}
                        </div>
                    }
                })
                .collect_view()
                .into_any(),
            Some(d) if d.page.cards.is_empty() => view! {
                <p class="muted">"The gold questions could not be loaded."</p>
            }
            .into_any(),
            Some(d) => {
                let mut sets: Vec<(String, Vec<QuestionCard>)> = Vec::new();
                for c in &d.page.cards {
                    match sets.iter_mut().find(|(s, _)| *s == c.set) {
                        Some((_, v)) => v.push(c.clone()),
                        None => sets.push((c.set.clone(), vec![c.clone()])),
                    }
                }
                sets.into_iter()
                    .map(|(set, cards)| {
                        let title = GRIDS
                            .iter()
                            .find(|(s, _)| *s == set)
                            .map_or(set.clone(), |(_, t)| t.to_string());
                        let n = cards.len();
                        view! {
                            <h3>{format!("{title} · {n} {}", if n == 1 { "question" } else { "questions" })}</h3>
                            <div class="qcards" data-testid=format!("qcards-{set}")>
                                {cards.into_iter().map(|c| view! { <Card card=c /> }).collect_view()}
                            </div>
                        }
                    })
                    .collect_view()
                    .into_any()
            }
        })
    };
    view! {
        <section class="quality-section" aria-labelledby="questions-h">
            <h2 id="questions-h">"The gold questions"</h2>
            <p class="note">"Each card opens its question in the live demo, to run it against any model yourself."</p>
            {grids}
        </section>
    }
}

#[component]
fn Card(card: QuestionCard) -> impl IntoView {
    let (verdict, class) = match card.agent_correct {
        Some(true) => ("agent ✓", "verdict good"),
        Some(false) => ("agent ✗", "verdict bad"),
        None => ("not in the agent run", "verdict muted"),
    };
    let verdict_key = match card.agent_correct {
        Some(true) => "correct",
        Some(false) => "wrong",
        None => "none",
    };
    view! {
        <a
            class="qcard"
            href=live_href(&card.id)
            data-testid="question-card"
            data-qid=card.id.clone()
            data-verdict=verdict_key
            aria-label=format!("{} ({}): {} — open in the live demo", card.id, verdict, card.question)
        >
            <span class="qcard-head">
                <span class="qid">{format!("{} · tier {}", card.id, card.tier)}</span>
                <span class=class>{verdict}</span>
            </span>
            <span class="kind">{card.kind.clone()}</span>
            <span class="question">{card.question.clone()}</span>
            <span class="open">"Open in live demo →"</span>
        </a>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn live_links() {
        for (qid, want) in [("q_001", "#/live?q=q_001"), ("s 1&x", "#/live?q=s%201%26x")] {
            assert_eq!(live_href(qid), want);
        }
    }
}
