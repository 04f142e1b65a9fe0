//! The cost matrix: every priced model at the chosen volume, cheapest first, with
//! what one correct answer costs and how it compares with GPT-5.4 on the same
//! tokens. Rows that rest on a proxied or estimated rate carry the "est." badge;
//! models left out are listed with the reason.

use leptos::prelude::*;
use sqlsweep_core::analysis::cost::{Basis, CostMatrix};
use sqlsweep_core::analysis::format;
use sqlsweep_core::analysis::frontier::Exclusion;
use sqlsweep_core::analysis::insights::clean_error;
use sqlsweep_core::analysis::records::Record;

use crate::components::table_head::{Column, TableHead};
use crate::views::figures::{
    accuracy_count, accuracy_text, basis_reason, estimate_badge, model_cell, platform_chip,
};

/// Rows reserved while the sweeps load (layout only: the published data prices this many).
const SKELETON_ROWS: usize = 12;
const COLUMNS: usize = 9;

/// The matrix's columns (one row per priced model).
const MATRIX_COLUMNS: &[Column] = &[
    Column::classed("Model", "col-model"),
    Column::text("Platform"),
    Column::num("Accuracy (95 % CI)"),
    Column::num("$ / query"),
    Column::num("$ / day"),
    Column::num("$ / month"),
    Column::num("$ / year"),
    Column::num("vs GPT-5.4"),
    Column::num("$ per correct answer").titled("$ per query ÷ accuracy"),
];

#[component]
pub fn CostMatrixTable(
    matrix: Memo<CostMatrix>,
    records: Memo<Vec<Record>>,
    #[prop(into)] loading: Signal<bool>,
) -> impl IntoView {
    let body = move || {
        if loading.get() {
            return (0..SKELETON_ROWS)
                .map(|_| {
                    view! {
                        <tr class="skeleton" aria-hidden="true">
                            {(0..COLUMNS).map(|_| view! { <td><span class="bar"></span></td> }).collect_view()}
                        </tr>
                    }
                })
                .collect_view()
                .into_any();
        }
        let m = matrix.get();
        if m.rows.is_empty() {
            return view! {
                <tr><td class="empty" colspan=COLUMNS>"No priced model for this filter."</td></tr>
            }
            .into_any();
        }
        records.with(|recs| {
            m.rows
                .iter()
                .map(|row| {
                    let r = &recs[row.record];
                    let vs = row.vs_gpt;
                    let vs_class = match vs {
                        Some(v) if v < 0.0 => "num good",
                        Some(v) if v > 0.0 => "num bad",
                        _ => "num",
                    };
                    view! {
                        <tr class:best=row.highlighted data-model=r.model.clone() data-key=r.key.clone() data-estimate=row.is_estimate.to_string()>
                            <td class="col-model">{model_cell(r, row.highlighted)}</td>
                            <td>{platform_chip(&r.platform)}</td>
                            <td class="num" data-testid="accuracy" title=accuracy_count(&row.accuracy)>{accuracy_text(&row.accuracy)}</td>
                            <td class="num" data-testid="per-query">
                                {format::usd_per_query(Some(row.cost.per_query))}
                                {estimate_badge(row.basis, row.price_source)}
                            </td>
                            <td class="num" data-testid="per-day">{format::usd_cents(Some(row.cost.per_day))}</td>
                            <td class="num" data-testid="per-month">{format::usd(Some(row.cost.per_month))}</td>
                            <td class="num" data-testid="per-year">{format::usd(Some(row.cost.per_year))}</td>
                            <td class=vs_class data-testid="vs-gpt" title=format!("GPT-5.4 on the same tokens: {}", format::usd_per_query(Some(row.gpt_cost_per_query)))>
                                {format::signed_pct(vs)}
                            </td>
                            <td class="num" data-testid="per-correct">{format::usd_per_query(row.cost_per_correct)}</td>
                        </tr>
                    }
                })
                .collect_view()
                .into_any()
        })
    };

    let excluded = move || {
        if loading.get() {
            return Some(view! { <div class="excluded skeleton" aria-hidden="true"><span class="bar"></span></div> }.into_any());
        }
        let m = matrix.get();
        if m.excluded.is_empty() {
            return None;
        }
        let items = records.with(|recs| {
            m.excluded
                .iter()
                .map(|(i, why)| {
                    let reason = match why {
                        Exclusion::FatalError(e) => format!("every call failed ({})", clean_error(e)),
                        other => other.text(),
                    };
                    view! { <li data-model=recs[*i].model.clone()><strong>{recs[*i].label.clone()}</strong>" — "{reason}</li> }
                })
                .collect_view()
        });
        Some(
            view! {
                <div class="excluded" data-testid="excluded">
                    <p class="note">"Not in the table:"</p>
                    <ul class="note">{items}</ul>
                </div>
            }
            .into_any(),
        )
    };
    let legend = move || {
        matrix.with(|m| m.any_estimate).then(|| {
            view! {
                <p class="note legend" data-testid="estimate-legend">
                    <span class="estimate">"est."</span>
                    " " {basis_reason(Basis::EstimatedRate, Some(sqlsweep_core::sweep::PriceSource::Proxy))}
                    ". Every figure in that row inherits the estimate."
                </p>
            }
        })
    };

    view! {
        <div class="table-wrap" tabindex="0" role="region" aria-label="Cost matrix (scrolls sideways)">
            <table class="cost-matrix" data-testid="cost-matrix" aria-busy=move || loading.get().to_string()>
                <caption class="visually-hidden">"Cost of every priced model at the chosen daily volume, cheapest first"</caption>
                <TableHead columns=MATRIX_COLUMNS />
                <tbody>{body}</tbody>
            </table>
        </div>
        <p class="note">
            "★ the most accurate model, cheapest among equals. “vs GPT-5.4” prices the same model's own "
            "token counts at GPT-5.4 rates. “$ per correct answer” divides the cost of a query by the "
            "share of questions answered correctly: a cheap model that is often wrong can cost more per "
            "useful answer. The order of this table does not change with volume — every pay-per-token cost grows "
            "in step with it; what volume changes is the build-vs-buy comparison below."
        </p>
        {legend}
        {excluded}
    }
}
