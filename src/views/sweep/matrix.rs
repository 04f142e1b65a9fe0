//! The matrix table itself: renders [`MatrixRow`]s in the order `table` decides.
//! Takes its data as props, so the browser tests mount it with fixture data.

use leptos::prelude::*;

use super::table::{arrange, best, Column, Dir, MatrixRow, PlatformFilter, Reproduction, Sort};
use crate::format;

/// Skeleton rows while the sweeps load, so the table does not jump when they arrive
/// (layout only; the published sweeps hold this many models).
const SKELETON_ROWS: usize = 15;

#[component]
pub fn SweepMatrix(
    /// `None` while the sweeps load.
    #[prop(into)]
    rows: Signal<Option<Vec<MatrixRow>>>,
    #[prop(into)] sort: Signal<Sort>,
    #[prop(into)] filter: Signal<PlatformFilter>,
    on_sort: Callback<Column>,
) -> impl IntoView {
    let shown = Memo::new(move |_| {
        rows.with(|rows| {
            rows.as_ref().map(|rows| {
                let arranged = arrange(rows, &filter.get(), sort.get());
                let winner = best(&arranged);
                arranged
                    .into_iter()
                    .enumerate()
                    .map(|(i, r)| (r.clone(), Some(i) == winner))
                    .collect::<Vec<_>>()
            })
        })
    });

    let header = move |column: Column| {
        let active = move || sort.get().column == column;
        let aria = move || match (active(), sort.get().dir) {
            (false, _) => "none",
            (true, Dir::Asc) => "ascending",
            (true, Dir::Desc) => "descending",
        };
        let arrow = move || {
            if active() {
                format!(" {}", sort.get().dir.arrow())
            } else {
                String::new()
            }
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
            .map(|(row, is_best)| view! { <Row row=row is_best=is_best /> })
            .collect_view()
            .into_any(),
    }
    };

    view! {
        <div class="table-wrap">
            <table class="matrix" data-testid="sweep-matrix" aria-busy=move || if shown.with(|s| s.is_none()) { "true" } else { "false" }>
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
fn Row(row: MatrixRow, is_best: bool) -> impl IntoView {
    let s = &row.summary;
    let platform = row
        .platform
        .as_ref()
        .map(|p| p.label().to_string())
        .unwrap_or_else(|| format::MISSING.into());
    let chip = format!(
        "chip chip-{}",
        row.platform_key().unwrap_or_else(|| "none".into())
    );
    let model_cell = view! {
        <td class="col-model">
            <span class="label">{is_best.then_some("★ ")}{row.label.clone()}</span>
            <span class="id" title=row.model.clone()>{row.model.clone()}</span>
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
            Some(a) => format!("{} ({}/{})", format::percent(Some(a)), s.correct, s.n),
            None => format::MISSING.to_string(),
        };
        let estimate = s.cost_is_estimate;
        let cost_title = if estimate {
            "Estimate: no published rate for this model"
        } else {
            ""
        };
        view! {
            <td class="num" data-testid="accuracy">{accuracy}</td>
            <td class="num">{format::percent(s.json_ok_rate)}</td>
            <td class="num">{format::millis(s.median_ttft_ms)}</td>
            <td class="num">{format::millis(s.median_latency_ms)}</td>
            <td class="num">{format::millis(s.p90_latency_ms)}</td>
            <td class="num">{format::tokens(s.mean_prompt_tokens)}</td>
            <td class="num">{format::tokens(s.mean_completion_tokens)}</td>
            <td class="num" title=cost_title>
                {format::usd_per_query(s.cost_per_query_usd)}
                {estimate.then(|| view! { <span class="estimate">"est."</span> })}
            </td>
        }
        .into_any()
    };
    view! {
        <tr class:best=is_best class:fatal=row.is_fatal() data-model=row.model.clone()>
            {model_cell}
            <td class="col-platform"><span class=chip>{platform}</span></td>
            {figures}
            <td class="col-reproduced" data-testid="reproduced">{reproduction_cell(&row.reproduction)}</td>
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
