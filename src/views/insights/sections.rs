//! The long-form sections of the insights view, in our own words: fine-tune or pay
//! for the better model, serverless or dedicated, quantization, and how the
//! figures were made. Every number is a field of `analysis::insights::Insights`,
//! a record's figure, or an assumption (shown with its value).

use leptos::prelude::*;
use sqlsweep_core::analysis::assumptions::Assumptions;
use sqlsweep_core::analysis::cost::Basis;
use sqlsweep_core::analysis::format;
use sqlsweep_core::analysis::insights::{FineTune, FineTuneAdvice, Insights};
use sqlsweep_core::analysis::limitations::LimitationKind;
use sqlsweep_core::analysis::records::Record;
use sqlsweep_core::sweep::SweepFile;

use crate::components::table_head::{Column, TableHead};
use crate::views::figures::{accuracy_text, estimate_badge, limitation_texts};

/// Two cards' worth of space while data loads.
fn two_skeleton_cards() -> impl IntoView {
    view! {
        <div class="two-cards" aria-hidden="true">
            <article class="card skeleton"><span class="bar"></span></article>
            <article class="card skeleton"><span class="bar"></span></article>
        </div>
    }
}

/// A number without trailing zeros (`2.5`, `40`).
fn num(v: f64) -> String {
    format!("{v}")
}

/// The decision, in words, with the rule's thresholds.
pub fn advice_text(f: &FineTune, recs: &[Record], a: &Assumptions) -> String {
    let (better, cheaper) = (&recs[f.better].label, &recs[f.cheaper].label);
    let gap = format::round_half_up(f.accuracy_gap_points) as i64;
    let ratio = format!("{:.1}×", f.cost_ratio);
    match f.advice {
        FineTuneAdvice::PickBetterModel => format!(
            "Pay for {better}. It is {gap} points more accurate (the rule asks for more than {}) and costs {ratio} as much (the rule allows up to {}×): buying accuracy is cheaper than building it.",
            num(a.pick_better_min_gap_points),
            num(a.pick_better_max_cost_ratio)
        ),
        FineTuneAdvice::ConsiderFineTuning => format!(
            "Consider fine-tuning {cheaper}. {better} costs {ratio} as much (above the {}× threshold), so closing a {gap}-point gap by training may pay — if there is a signal to train on that can be checked automatically, as here: run the SQL and compare with the gold rows.",
            num(a.finetune_min_cost_ratio)
        ),
        FineTuneAdvice::JudgementCall => format!(
            "Neither rule fires: a {gap}-point gap at {ratio} the cost is a judgement call (pay for the better model above {} points and under {}×; fine-tune above {}×).",
            num(a.pick_better_min_gap_points),
            num(a.pick_better_max_cost_ratio),
            num(a.finetune_min_cost_ratio)
        ),
    }
}

/// The frame of a long-form section: a titled `<section>` its heading labels.
#[component]
fn LongForm(
    class: &'static str,
    heading_id: &'static str,
    title: &'static str,
    children: Children,
) -> impl IntoView {
    view! {
        <section class=format!("long-form {class}") aria-labelledby=heading_id>
            <h2 id=heading_id>{title}</h2>
            {children()}
        </section>
    }
}

#[component]
pub fn FineTuneSection(
    insights: Memo<Insights>,
    records: Memo<Vec<Record>>,
    assumptions: Memo<Assumptions>,
    #[prop(into)] loading: Signal<bool>,
) -> impl IntoView {
    let body = move || {
        if loading.get() {
            return view! {
                <ol class="steps" aria-hidden="true">
                    {(0..4).map(|_| view! { <li class="skeleton"><span class="bar"></span><span class="bar"></span></li> }).collect_view()}
                </ol>
            }
            .into_any();
        }
        let Some(f) = insights.get().fine_tune else {
            return view! { <p class="note">"Needs two priced models of different cost that ran; the loaded data has none."</p> }.into_any();
        };
        let a = assumptions.get();
        records.with(|recs| {
            let (b, c) = (&recs[f.better], &recs[f.cheaper]);
            let acc = |r: &Record| r.accuracy_interval().as_ref().map(accuracy_text).unwrap_or_default();
            let basis = if f.is_estimate { Basis::EstimatedRate } else { Basis::Measured };
            let payback = f.payback_months.map(|(lo, hi)| {
                format!(
                    "If the fine-tuned {} then matched {} — which nothing guarantees — the work would pay for itself after {:.0}–{:.0} months ({:.1}–{:.1} years) of the price difference.",
                    c.label, b.label, lo, hi, lo / 12.0, hi / 12.0
                )
            });
            view! {
                <ol class="steps">
                    <li data-testid="ft-gap">
                        <h3>"The gap"</h3>
                        <p>
                            <strong>{b.label.clone()}</strong>" "{acc(b)}" at "{format::usd_per_query(b.cost_per_query())}
                            " vs "<strong>{c.label.clone()}</strong>" "{acc(c)}" at "{format::usd_per_query(c.cost_per_query())}
                            {estimate_badge(basis, None)}
                        </p>
                        <p class="note">{format!(
                            "The most accurate priced model against the cheapest: {} points apart, the first costing {:.1}× as much.",
                            format::round_half_up(f.accuracy_gap_points) as i64, f.cost_ratio
                        )}</p>
                    </li>
                    <li data-testid="ft-cost">
                        <h3>"What the better model costs extra"</h3>
                        <p>{format!(
                            "{} per query → {} a day → {} a month at {}.",
                            format::usd_per_query(Some(f.extra_per_query)),
                            format::usd_cents(Some(f.extra_per_day)),
                            format::usd_cents(Some(f.extra_per_month)),
                            format::volume(a.volume_per_day)
                        )}</p>
                    </li>
                    <li data-testid="ft-effort">
                        <h3>"What fine-tuning costs"</h3>
                        <p>
                            {format!(
                                "{}–{} engineer-hours at {}/hour ({} a month ÷ {} hours): {}–{}, before the GPU time of training.",
                                num(a.finetune_hours_low), num(a.finetune_hours_high),
                                format::usd_cents(Some(a.engineer_hourly_usd())),
                                format::usd(Some(a.fte_monthly_usd)), num(a.fte_hours_per_month),
                                format::usd(Some(f.effort_usd.0)), format::usd(Some(f.effort_usd.1))
                            )}
                            {estimate_badge(Basis::Assumption, None)}
                        </p>
                        <p class="note">{payback}</p>
                    </li>
                    <li data-testid="ft-advice">
                        <h3>"Decision"</h3>
                        <p><strong>{advice_text(&f, recs, &a)}</strong></p>
                        <p class="note">
                            "Fine-tuning earns its keep when the price gap is wide, the volume high, and correctness can be "
                            "checked by a program: executing the SQL against the database and comparing rows gives a reward "
                            "for reinforcement fine-tuning without human labels. It also helps where every model fails the "
                            "same way on a pattern of questions."
                        </p>
                    </li>
                </ol>
            }
            .into_any()
        })
    };
    view! { <LongForm class="fine-tune" heading_id="ft-title" title="Fine-tune, or pay for the better model?">{body}</LongForm> }
}

#[component]
pub fn ServerlessSection(
    insights: Memo<Insights>,
    records: Memo<Vec<Record>>,
    assumptions: Memo<Assumptions>,
    #[prop(into)] loading: Signal<bool>,
) -> impl IntoView {
    let body = move || {
        if loading.get() {
            return two_skeleton_cards().into_any();
        }
        let Some(s) = insights.get().q4_serverless else {
            return view! { <p class="note">"Needs a priced model that reaches the accuracy bar; the loaded data has none."</p> }.into_any();
        };
        let a = assumptions.get();
        records.with(|recs| {
            let r = &recs[s.record];
            let tokens = s.breakeven_tokens_per_hour.map(|b| {
                format!(
                    "One dedicated GPU costs ${}/hour; at {}'s serverless price that money buys {} tokens an hour. This workload sends {} tokens an hour at {}, so a GPU only pays off when it serves more traffic than that.",
                    num(a.gpu_hourly_usd),
                    r.label,
                    format::thousands(format::round_half_up(b) as i64),
                    format::thousands(format::round_half_up(s.workload_tokens_per_hour) as i64),
                    format::volume(s.volume_per_day)
                )
            });
            view! {
                <div class="two-cards">
                    <article class="card" data-testid="serverless-cost">
                        <h3>"The bill"</h3>
                        <p>
                            {format!(
                                "{} serverless: {} a month at {}. Dedicated: {} at ${}/hour around the clock, {} a month — {:.1}× as much.",
                                r.label,
                                format::usd(Some(s.serverless_monthly)),
                                format::volume(s.volume_per_day),
                                if s.gpus == 1 { "one GPU".to_string() } else { format!("{} GPUs", s.gpus) },
                                num(a.gpu_hourly_usd),
                                format::usd(Some(s.dedicated_monthly)),
                                s.ratio
                            )}
                            {estimate_badge(Basis::Assumption, None)}
                        </p>
                        <p class="note">{tokens}</p>
                    </article>
                    <article class="card">
                        <h3>"What the benchmark cannot tell you"</h3>
                        <p class="note">
                            "Every figure here was measured on shared serverless capacity. No dedicated deployment was benchmarked, "
                            "so its latency, cold starts and behaviour under load are unknown. "
                            {if s.ratio >= 1.0 {
                                "At this volume the reason to pay for dedicated capacity is a latency you can contract for, not a lower bill"
                            } else {
                                "At this volume dedicated capacity is also the cheaper option, if the GPUs keep up"
                            }}
                            " — see the latency view for how shared capacity behaves under load."
                        </p>
                    </article>
                </div>
            }
            .into_any()
        })
    };
    view! { <LongForm class="serverless" heading_id="sd-title" title="Serverless or dedicated?">{body}</LongForm> }
}

/// The quantization table's columns (one row per model).
const QUANT_COLUMNS: &[Column] = &[
    Column::text("Model"),
    Column::text("Weights"),
    Column::num("Context (tokens)"),
    Column::num("Accuracy (95 % CI)"),
    Column::num("TTFT p50"),
];

#[component]
pub fn QuantizationSection(
    insights: Memo<Insights>,
    records: Memo<Vec<Record>>,
    assumptions: Memo<Assumptions>,
    /// True while the metadata file loads.
    #[prop(into)]
    loading: Signal<bool>,
) -> impl IntoView {
    let body = move || {
        if loading.get() {
            return view! {
                <div class="skeleton" aria-hidden="true"><span class="bar"></span></div>
                {two_skeleton_cards()}
                <div class="skeleton table-skeleton" aria-hidden="true"><span class="bar"></span></div>
            }
            .into_any();
        }
        let Some(q) = insights.get().quantization else {
            return view! { <p class="note">"The model metadata file could not be loaded (see the message above), so the formats are unknown."</p> }.into_any();
        };
        let a = assumptions.get();
        records.with(|recs| {
            let counts = q
                .counts
                .iter()
                .map(|(f, n)| format!("{n} of {} in {}", q.total, f.label()))
                .collect::<Vec<_>>()
                .join(", ");
            let best = q
                .best_per_format
                .iter()
                .map(|(f, i)| {
                    let r = &recs[*i];
                    format!(
                        "{}: {} at {}, first token in {}",
                        f.label(),
                        r.label,
                        r.accuracy_interval().as_ref().map(accuracy_text).unwrap_or_default(),
                        format::ms(r.summary.median_ttft_ms)
                    )
                })
                .collect::<Vec<_>>()
                .join("; ");
            let weights = q.weights_example.as_ref().map(|w| {
                let sizes = w
                    .gigabytes
                    .iter()
                    .map(|(f, gb)| format!("{} GB in {}", format::thousands(format::round_half_up(*gb) as i64), f.label()))
                    .collect::<Vec<_>>()
                    .join(", ");
                format!(
                    "Each step halves the bytes per weight. {} has about {} billion parameters (read from its name): {}, before the KV cache.",
                    w.model.rsplit('/').next().unwrap_or(&w.model),
                    num(w.params_billions),
                    sizes
                )
            });
            let rows = q
                .rows
                .iter()
                .map(|row| {
                    let r = row.record.map(|i| &recs[i]);
                    let acc = r
                        .filter(|r| !r.is_fatal())
                        .and_then(|r| r.accuracy_interval())
                        .as_ref()
                        .map(accuracy_text)
                        .unwrap_or_else(|| {
                            if r.is_some() { "did not finish".into() } else { "not in the sweeps".into() }
                        });
                    view! {
                        <tr data-model=row.model.clone()>
                            <th scope="row">{row.name.clone().unwrap_or_else(|| row.model.clone())}<span class="id">{row.model.clone()}</span></th>
                            <td data-testid="format">{row.quantization.label()}</td>
                            <td class="num">{row.context_length.map(|c| format::thousands(c as i64)).unwrap_or_else(|| format::MISSING.into())}</td>
                            <td class="num">{acc}</td>
                            <td class="num">{format::ms(r.and_then(|r| r.summary.median_ttft_ms))}</td>
                        </tr>
                    }
                })
                .collect_view();
            view! {
                <p class="answer" data-testid="quant-counts">{format!("Formats of the served weights, per the model metadata file: {counts}.")}</p>
                <div class="two-cards">
                    <article class="card">
                        <h3>"Memory"</h3>
                        <p class="note">{weights}</p>
                    </article>
                    <article class="card">
                        <h3>"Accuracy"</h3>
                        <p class="note">
                            {format!(
                                "Typical loss against 16-bit weights, from published quantization studies rather than this benchmark: {}–{} points for FP8, {}–{} for FP4.",
                                num(a.fp8_regression_points.0), num(a.fp8_regression_points.1),
                                num(a.fp4_regression_points.0), num(a.fp4_regression_points.1)
                            )}
                            {estimate_badge(Basis::Assumption, None)}
                        </p>
                        <p class="note" data-testid="quant-best">{format!(
                            "Best model per format here — {best}. These are different models, so the comparison does not isolate the effect of the format."
                        )}</p>
                    </article>
                </div>
                <div class="table-wrap" tabindex="0" role="region" aria-label="Quantization of each model (scrolls sideways)">
                    <table class="quant-table" data-testid="quant-table">
                        <TableHead columns=QUANT_COLUMNS />
                        <tbody>{rows}</tbody>
                    </table>
                </div>
            }
            .into_any()
        })
    };
    view! { <LongForm class="quantization" heading_id="q-title" title="Quantization: FP16 → FP8 → FP4">{body}</LongForm> }
}

#[component]
pub fn MethodNotes(records: Memo<Vec<Record>>, sweeps: Memo<Vec<SweepFile>>) -> impl IntoView {
    let notes = move || {
        sweeps.with(|s| {
            records.with(|r| {
                let mut items: Vec<String> = s
                    .iter()
                    .filter_map(|sw| sw.run.methodology.clone())
                    .collect();
                items.push(
                    "Cost per query = the model's mean measured prompt and completion tokens × its per-token rates."
                        .into(),
                );
                items.extend(limitation_texts(
                    r,
                    s,
                    &[
                        LimitationKind::FatalModels,
                        LimitationKind::UnpricedModels,
                        LimitationKind::PromotionalPrices,
                        LimitationKind::EstimatedPrices,
                    ],
                ));
                items.push("Time to first token was measured from the benchmark machine and includes the network.".into());
                items
                    .into_iter()
                    .map(|t| view! { <li>{t}</li> })
                    .collect_view()
            })
        })
    };
    view! {
        <section class="method" aria-labelledby="method-title">
            <h2 id="method-title">"How these answers are made"</h2>
            <ul class="note" data-testid="method-notes">{notes}</ul>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_without_trailing_zeros() {
        assert_eq!(num(2.5), "2.5");
        assert_eq!(num(40.0), "40");
        assert_eq!(num(0.3), "0.3");
    }
}
