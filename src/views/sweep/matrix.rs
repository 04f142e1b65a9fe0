//! The matrix table: renders core records in the order `table::arrange` decides,
//! with the figures formatted by `analysis::format` and accuracy's 95 % Wilson
//! interval under it. Takes its data as props, so the browser tests mount it with
//! the published sweeps.

use leptos::prelude::*;
use sqlsweep_core::analysis::format;
use sqlsweep_core::analysis::matrix::Direction;
use sqlsweep_core::analysis::records::{platform_slug, PlatformFilter, Record};
use sqlsweep_core::sweep::Source;

use super::table::{arrange, Column, MatrixSort, Reproduction, ReproductionMap};

/// Skeleton rows while the sweeps load, so the table does not jump when they arrive
/// (layout only; the published sweeps hold this many models).
const SKELETON_ROWS: usize = 15;

#[component]
pub fn SweepMatrix(
    /// `None` while the sweeps load.
    #[prop(into)]
    records: Signal<Option<Vec<Record>>>,
    /// Re-verification results by record key.
    #[prop(into)]
    reproduction: Signal<ReproductionMap>,
    #[prop(into)] sort: Signal<MatrixSort>,
    #[prop(into)] filter: Signal<PlatformFilter>,
    on_sort: Callback<Column>,
) -> impl IntoView {
    let shown = Memo::new(move |_| {
        records.with(|records| {
            records.as_ref().map(|records| {
                reproduction.with(|repro| {
                    let arranged = arrange(records, &filter.get(), sort.get(), repro);
                    arranged
                        .rows
                        .iter()
                        .map(|&i| {
                            let r = &records[i];
                            let state = repro.get(&r.key).cloned().unwrap_or_default();
                            (r.clone(), state, Some(i) == arranged.winner)
                        })
                        .collect::<Vec<_>>()
                })
            })
        })
    });

    let header = move |column: Column| {
        let active = move || sort.get().column() == column;
        let aria = move || match (active(), sort.get().direction()) {
            (false, _) => "none",
            (true, Direction::Asc) => "ascending",
            (true, Direction::Desc) => "descending",
        };
        let arrow = move || match (active(), sort.get().direction()) {
            (false, _) => "",
            (true, Direction::Asc) => " ▲",
            (true, Direction::Desc) => " ▼",
        };
        view! {
            <th scope="col" class=format!("col-{}", column.key()) class:num=column.is_numeric() aria-sort=aria>
                <button type="button" on:click=move |_| on_sort.run(column) data-sort=column.key()>
                    {column.title()}
                    <span class="arrow">{arrow}</span>
                </button>
            </th>
        }
    };

    let body = move || {
        match shown.get() {
        None => (0..SKELETON_ROWS)
            .map(|_| {
                view! {
                    <tr class="skeleton" aria-hidden="true">
                        {Column::ALL.map(|_| view! { <td><span class="bar"></span></td> }).collect_view()}
                    </tr>
                }
            })
            .collect_view()
            .into_any(),
        Some(rows) if rows.is_empty() => view! {
            <tr>
                <td class="empty" colspan=Column::ALL.len()>"No models for this filter."</td>
            </tr>
        }
        .into_any(),
        Some(rows) => rows
            .into_iter()
            .map(|(record, reproduction, is_best)| view! { <Row record reproduction is_best /> })
            .collect_view()
            .into_any(),
    }
    };

    view! {
        <div class="table-wrap">
            <table
                class="matrix"
                data-testid="sweep-matrix"
                aria-busy=move || if shown.with(|s| s.is_none()) { "true" } else { "false" }
            >
                <thead>
                    <tr>{Column::ALL.map(header).collect_view()}</tr>
                </thead>
                <tbody>{body}</tbody>
            </table>
        </div>
    }
}

/// One model's row.
#[component]
fn Row(record: Record, reproduction: Reproduction, is_best: bool) -> impl IntoView {
    let s = &record.summary;
    let chip = format!("chip chip-{}", platform_slug(&record.platform));
    // Imports and own runs say where they come from; published files need not.
    let source = match &record.source {
        Some(Source::Published { .. }) | None => None,
        Some(_) => Some(record.source_label.clone()),
    };
    let model_cell = view! {
        <td class="col-model">
            <span class="label">{is_best.then_some("★ ")}{record.label.clone()}</span>
            <span class="id" title=record.model.clone()>{record.model.clone()}</span>
            {source.map(|l| view! { <span class="source" data-testid="source">{l}</span> })}
            {record.stopped.clone().map(|why| view! {
                <span class="stopped" data-testid="stopped" title=why.clone()>
                    {format!("stopped early: {} question(s) asked", s.n)}
                </span>
            })}
        </td>
    };
    let interval = record.accuracy_interval().map(|ci| {
        format!(
            "{}–{}%",
            format::round_half_up(ci.lo * 100.0) as i64,
            format::round_half_up(ci.hi * 100.0) as i64
        )
    });
    let figures = if let Some(error) = &s.fatal_error {
        view! {
            <td class="fatal-cell" colspan=8 data-testid="fatal">
                <strong>"✕ Every call failed"</strong>
                <span class="muted">{format!(" ({} of {} calls) — no figures to compare", s.errors, s.n)}</span>
                <span class="error-text" title=error.clone()>{error.clone()}</span>
            </td>
        }
        .into_any()
    } else {
        let accuracy = match s.accuracy {
            Some(a) => format!(
                "{} ({})",
                format::pct(Some(a)),
                format::fraction(s.correct, s.n)
            ),
            None => format::MISSING.to_string(),
        };
        let estimate = s.cost_is_estimate;
        let cost_title = if estimate {
            "Estimate: the file gives no published rate for this model"
        } else {
            ""
        };
        view! {
            <td class="num col-accuracy">
                <span data-testid="accuracy">{accuracy}</span>
                {interval.map(|t| view! {
                    <span class="ci" data-testid="accuracy-ci" title="95 % Wilson interval">{t}</span>
                })}
            </td>
            <td class="num">{format::pct(s.json_ok_rate)}</td>
            <td class="num">{format::ms(s.median_ttft_ms)}</td>
            <td class="num">{format::ms(s.median_latency_ms)}</td>
            <td class="num">{format::ms(s.p90_latency_ms)}</td>
            <td class="num">{format::tokens(s.mean_prompt_tokens)}</td>
            <td class="num">{format::tokens(s.mean_completion_tokens)}</td>
            <td class="num" title=cost_title data-testid="cost">
                {format::usd_per_query(s.cost_per_query_usd)}
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
        Reproduction::Failed(e) => {
            view! { <span class="bad" title=e.clone()>"not run"</span> }.into_any()
        }
        Reproduction::RanHere => view! {
            <span class="muted" title="Run in this browser: its SQL already ran in the SQLite worker">"ran here"</span>
        }
        .into_any(),
        Reproduction::Done(c, disagreements) => {
            let ok = c.reproduced();
            let mut title = format!(
                "{} of {} scores agree; {} of {} recorded row sets reproduced; {} of {} recorded SQL errors reproduced",
                c.scores_agree, c.traces, c.rows_reproduced, c.rows_checked, c.errors_reproduced, c.errors_checked
            );
            for d in disagreements {
                title.push_str(&format!("\n{}: {}", d.qid, d.detail));
            }
            // Scores first (what the accuracy rests on); row sets and SQL errors that did
            // not come back are named beside them.
            let mut text = format!(
                "{}{}",
                format::fraction(c.scores_agree, c.traces),
                if ok { " ✓" } else { " ✗" }
            );
            if c.rows_reproduced != c.rows_checked {
                text.push_str(&format!(
                    " rows {}",
                    format::fraction(c.rows_reproduced, c.rows_checked)
                ));
            }
            if c.errors_reproduced != c.errors_checked {
                text.push_str(&format!(
                    " errors {}",
                    format::fraction(c.errors_reproduced, c.errors_checked)
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
