//! The matrix table: renders the core's [`matrix`] (which rows, in which order,
//! which one wins) with accuracy's 95 % Wilson interval beside it, and the
//! in-browser reproduction of each model. Takes its data as props, so the
//! browser tests mount it with fixture data.

use std::sync::Arc;

use leptos::prelude::*;
use sqlsweep_core::analysis::format::{fraction, ms, pct, round_half_up, tokens, usd_per_query};
use sqlsweep_core::analysis::matrix::{matrix, Direction, MatrixView, Sort, SortKey};
use sqlsweep_core::analysis::records::{platform_slug, PlatformFilter, Record};
use sqlsweep_core::sweep::Source;

use super::table::Reproduction;

/// Skeleton rows while the sweeps load, so the table does not jump when they arrive
/// (layout only; the published sweeps hold this many models).
const SKELETON_ROWS: usize = 15;
/// Columns: the sortable figures plus the reproduction column.
const COLUMN_COUNT: usize = SortKey::ALL.len() + 1;

fn is_numeric(key: SortKey) -> bool {
    !matches!(key, SortKey::Model | SortKey::Platform)
}

#[component]
pub fn SweepMatrix(
    /// `None` while the sweeps load.
    #[prop(into)]
    records: Signal<Option<Arc<Vec<Record>>>>,
    #[prop(into)] sort: Signal<Sort>,
    #[prop(into)] filter: Signal<PlatformFilter>,
    /// Per record index; a missing entry is pending.
    #[prop(into)]
    reproduction: Signal<Vec<Reproduction>>,
    on_sort: Callback<SortKey>,
) -> impl IntoView {
    let view = Memo::new(move |_| {
        records.with(|r| {
            r.as_ref()
                .map(|r| (r.clone(), matrix(r, &filter.get(), sort.get())))
        })
    });

    let header = move |key: SortKey| {
        let active = move || sort.get().key == key;
        let aria = move || match (active(), sort.get().dir) {
            (false, _) => "none",
            (true, Direction::Asc) => "ascending",
            (true, Direction::Desc) => "descending",
        };
        let arrow = move || match (active(), sort.get().dir) {
            (false, _) => "",
            (true, Direction::Asc) => " ▲",
            (true, Direction::Desc) => " ▼",
        };
        view! {
            <th scope="col" class=format!("col-{}", key.as_param()) class:num=is_numeric(key) aria-sort=aria>
                <button type="button" on:click=move |_| on_sort.run(key) data-sort=key.as_param()>
                    {key.title()}
                    <span class="arrow">{arrow}</span>
                </button>
            </th>
        }
    };

    let body = move || {
        match view.get() {
        None => (0..SKELETON_ROWS)
            .map(|_| {
                view! {
                    <tr class="skeleton" aria-hidden="true">
                        {(0..COLUMN_COUNT).map(|_| view! { <td><span class="bar"></span></td> }).collect_view()}
                    </tr>
                }
            })
            .collect_view()
            .into_any(),
        Some((_, MatrixView { rows, .. })) if rows.is_empty() => view! {
            <tr>
                <td class="empty" colspan=COLUMN_COUNT>"No models for this filter."</td>
            </tr>
        }
        .into_any(),
        Some((records, v)) => {
            let repro = reproduction.get();
            v.rows
                .iter()
                .map(|&i| {
                    let r = records[i].clone();
                    let state = repro.get(i).cloned().unwrap_or_default();
                    view! { <Row record=r is_best=v.winner == Some(i) reproduction=state /> }
                })
                .collect_view()
                .into_any()
        }
    }
    };

    view! {
        <div class="table-wrap">
            <table class="matrix" data-testid="sweep-matrix" aria-busy=move || if view.with(|s| s.is_none()) { "true" } else { "false" }>
                <thead>
                    <tr>
                        {SortKey::ALL.map(header).collect_view()}
                        <th scope="col" class="col-reproduced">"Reproduced in your browser"</th>
                    </tr>
                </thead>
                <tbody>{body}</tbody>
            </table>
        </div>
    }
}

/// "80–99%": the bounds of a Wilson interval.
fn interval_text(r: &Record) -> Option<String> {
    r.accuracy_interval().map(|ci| {
        format!(
            "{}–{}%",
            round_half_up(ci.lo * 100.0) as i64,
            round_half_up(ci.hi * 100.0) as i64
        )
    })
}

/// One model's row.
#[component]
fn Row(record: Record, is_best: bool, reproduction: Reproduction) -> impl IntoView {
    let s = &record.summary;
    let chip = format!("chip chip-{}", platform_slug(&record.platform));
    let source = match &record.source {
        Some(Source::Published { .. }) | None => None,
        Some(_) => Some(record.source_label.clone()),
    };
    let model_cell = view! {
        <td class="col-model">
            <span class="label">{is_best.then_some("★ ")}{record.label.clone()}</span>
            <span class="id" title=record.model.clone()>{record.model.clone()}</span>
            {source.map(|l| view! { <span class="source" data-testid="source">{l}</span> })}
        </td>
    };
    let figures = if let Some(error) = &s.fatal_error {
        view! {
            <td class="fatal-cell" colspan=8 data-testid="fatal">
                <strong>"✕ Every call failed"</strong>
                " — "
                <span class="error-text" title=error.clone()>{error.clone()}</span>
                <span class="muted">{format!(" ({} calls)", s.n)}</span>
            </td>
        }
        .into_any()
    } else {
        let accuracy = match s.accuracy {
            Some(a) => format!("{} ({})", pct(Some(a)), fraction(s.correct, s.n)),
            None => pct(None),
        };
        let estimate = s.cost_is_estimate;
        let cost_title = if estimate {
            "Estimate: no published rate for this model"
        } else {
            ""
        };
        view! {
            <td class="num col-accuracy">
                <span data-testid="accuracy">{accuracy}</span>
                {interval_text(&record).map(|t| view! {
                    <span class="ci" data-testid="accuracy-ci" title="95 % Wilson interval">{t}</span>
                })}
            </td>
            <td class="num">{pct(s.json_ok_rate)}</td>
            <td class="num">{ms(s.median_ttft_ms)}</td>
            <td class="num">{ms(s.median_latency_ms)}</td>
            <td class="num">{ms(s.p90_latency_ms)}</td>
            <td class="num">{tokens(s.mean_prompt_tokens)}</td>
            <td class="num">{tokens(s.mean_completion_tokens)}</td>
            <td class="num" title=cost_title data-testid="cost">
                {usd_per_query(s.cost_per_query_usd)}
                {estimate.then(|| view! { <span class="estimate">"est."</span> })}
            </td>
        }
        .into_any()
    };
    view! {
        <tr class:best=is_best class:fatal=record.is_fatal() data-model=record.model.clone() data-key=record.key.clone()>
            {model_cell}
            <td class="col-platform"><span class=chip>{record.platform.label().to_string()}</span></td>
            {figures}
            <td class="col-reproduced" data-testid="reproduced">{reproduction_cell(&reproduction)}</td>
        </tr>
    }
}

fn reproduction_cell(r: &Reproduction) -> AnyView {
    match r {
        Reproduction::Pending => {
            view! { <span class="pending" title="Waiting for the SQLite worker">"…"</span> }
                .into_any()
        }
        Reproduction::RanHere => view! {
            <span class="muted" title="Run in this browser: its SQL already ran in the SQLite worker">"ran here"</span>
        }
        .into_any(),
        Reproduction::Failed(e) => {
            view! { <span class="bad" title=e.clone()>"not run"</span> }.into_any()
        }
        Reproduction::Done(c, disagreements) => {
            let ok = c.reproduced();
            let mut title = format!(
                "{} of {} scores agree; {} of {} recorded row sets reproduced; {} of {} recorded SQL errors reproduced",
                c.scores_agree, c.traces, c.rows_reproduced, c.rows_checked, c.errors_reproduced, c.errors_checked
            );
            for d in disagreements {
                title.push_str(&format!("\n{}: {}", d.qid, d.detail));
            }
            // Scores first (what the matrix's accuracy rests on); row sets and SQL errors
            // that did not come back are named beside them.
            let mut text = format!(
                "{}/{}{}",
                c.scores_agree,
                c.traces,
                if ok { " ✓" } else { " ✗" }
            );
            if c.rows_reproduced != c.rows_checked {
                text.push_str(&format!(" rows {}/{}", c.rows_reproduced, c.rows_checked));
            }
            if c.errors_reproduced != c.errors_checked {
                text.push_str(&format!(
                    " errors {}/{}",
                    c.errors_reproduced, c.errors_checked
                ));
            }
            view! {
                <span class=if ok { "good" } else { "bad" } title=title data-agree=ok.to_string()>
                    {text}
                </span>
            }
            .into_any()
        }
    }
}
