//! "Is model A really more accurate than model B?": pick two models, see how they
//! split on the questions both answered, and the core's exact McNemar test
//! ([`mcnemar`]) with its plain-language verdict. The two models live in the URL.

use std::sync::Arc;

use leptos::prelude::*;
use sqlsweep_core::analysis::format::{pct_interval, MISSING};
use sqlsweep_core::analysis::intervals::{mcnemar, min_discordant_for_significance, ALPHA};
use sqlsweep_core::analysis::records::Record;

/// Which of the two pickers changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pick {
    A,
    B,
}

#[component]
pub fn PairedComparison(
    /// `None` while the sweeps load.
    #[prop(into)]
    records: Signal<Option<Arc<Vec<Record>>>>,
    /// The two records compared.
    #[prop(into)]
    selection: Signal<(Option<usize>, Option<usize>)>,
    /// A picker changed: which one, and the record key chosen.
    on_pick: Callback<(Pick, String)>,
) -> impl IntoView {
    let picker = move |side: Pick| {
        let current = move || {
            let (a, b) = selection.get();
            let i = if side == Pick::A { a } else { b };
            records.with(|r| {
                r.as_ref()
                    .and_then(|r| i.map(|i| r[i].key.clone()))
                    .unwrap_or_default()
            })
        };
        let options = move || {
            records.with(|r| {
                r.as_ref().map(|r| {
                    r.iter()
                        .map(|rec| {
                            let text = format!(
                                "{} · {}{}",
                                rec.label,
                                rec.platform.label(),
                                if rec.is_fatal() {
                                    " (every call failed)"
                                } else {
                                    ""
                                }
                            );
                            view! { <option value=rec.key.clone()>{text}</option> }
                        })
                        .collect_view()
                })
            })
        };
        let (name, test_id) = match side {
            Pick::A => ("Model A", "pick-a"),
            Pick::B => ("Model B", "pick-b"),
        };
        view! {
            <label>
                {name}" "
                <select
                    data-testid=test_id
                    prop:value=current
                    on:change=move |ev| on_pick.run((side, event_target_value(&ev)))
                >
                    {options}
                </select>
            </label>
        }
    };

    let result = move || {
        let (a, b) = selection.get();
        records.with(|r| {
            let r = r.as_ref()?;
            let (a, b) = (a?, b?);
            if a == b {
                return Some(view! { <p class="note" data-testid="paired-same">"Pick two different models."</p> }.into_any());
            }
            let (ra, rb) = (&r[a], &r[b]);
            let c = mcnemar(&ra.results, &rb.results);
            let acc = |x: &Record| {
                x.accuracy_interval()
                    .map_or(MISSING.to_string(), |ci| pct_interval(&ci))
            };
            let unpaired = (c.unpaired > 0).then(|| {
                view! {
                    <p class="note">{format!("{} questions only one of the two runs has are left out of the test.", c.unpaired)}</p>
                }
            });
            Some(view! {
                <div class="paired-result" data-testid="paired-result" data-verdict=format!("{:?}", c.verdict)>
                    <table class="split">
                        <caption>{format!("On the {} questions both answered", c.paired)}</caption>
                        <thead>
                            <tr>
                                <td></td>
                                <th scope="col">{format!("B ({}) right", rb.label)}</th>
                                <th scope="col">{format!("B ({}) wrong", rb.label)}</th>
                            </tr>
                        </thead>
                        <tbody>
                            <tr>
                                <th scope="row">{format!("A ({}) right", ra.label)}</th>
                                <td class="num">{c.both_correct}</td>
                                <td class="num discordant" data-testid="only-a">{c.only_a}</td>
                            </tr>
                            <tr>
                                <th scope="row">{format!("A ({}) wrong", ra.label)}</th>
                                <td class="num discordant" data-testid="only-b">{c.only_b}</td>
                                <td class="num">{c.both_wrong}</td>
                            </tr>
                        </tbody>
                    </table>
                    <div class="verdict">
                        <p><strong>{format!("A: {} · {}", ra.label, acc(ra))}</strong><br/>{format!("B: {} · {}", rb.label, acc(rb))}</p>
                        <p data-testid="paired-verdict">{c.text.clone()}</p>
                        {unpaired}
                    </div>
                </div>
            }.into_any())
        })
    };

    view! {
        <section class="paired" aria-labelledby="paired-title">
            <h2 id="paired-title">"Is one model really more accurate than another?"</h2>
            <p class="note">
                "Two models answered the same questions, so compare them question by question: only the questions one got right and the other wrong carry information. "
                {format!(
                    "The exact McNemar test calls a difference real at the {:.0} % level only when at least {} questions split one way and none the other.",
                    ALPHA * 100.0,
                    min_discordant_for_significance()
                )}
            </p>
            <div class="toolbar">{picker(Pick::A)}{picker(Pick::B)}</div>
            {result}
        </section>
    }
}
