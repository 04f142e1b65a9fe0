//! The sequential latency runs (one paced call at a time, full agent): the runs
//! pooled against the target with failed calls left out, each run on its own, the
//! figures as the original pooled them (failures in, lower-nearest-rank), and the
//! separate fourth run shown beside them but not pooled.

use leptos::prelude::*;
use sqlsweep_core::analysis::format;
use sqlsweep_core::analysis::latency::{LatencyFigures, SequentialReport, SequentialRun};
use sqlsweep_core::outcome::Outcome;
use std::collections::BTreeMap;

use crate::components::table_head::{Column, TableHead};
use crate::data::FetchError;
use crate::views::figures::accuracy_text;

fn classes(by_class: &BTreeMap<Outcome, usize>) -> String {
    by_class
        .iter()
        .map(|(o, n)| format!("{n} {}", o.label()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Class for a latency against the target: under it is good, over it is a miss.
fn against(v: Option<f64>, target: f64) -> &'static str {
    match v {
        Some(v) if v < target => "num good",
        Some(_) => "num bad",
        None => "num",
    }
}

fn tile(
    name: &'static str,
    value: String,
    sub: String,
    class: &'static str,
    testid: &'static str,
) -> impl IntoView {
    view! {
        <div class=format!("tile {class}")>
            <span class="tile-name">{name}</span>
            <span class="tile-value" data-testid=testid>{value}</span>
            <span class="tile-sub">{sub}</span>
        </div>
    }
}

fn pooled_tiles(r: &SequentialReport) -> impl IntoView {
    let f: &LatencyFigures = &r.pooled_ok;
    let t = r.target_ms;
    let p50_sub = f
        .p50_interval
        .as_ref()
        .map(|i| {
            format!(
                "95 % interval {}–{}",
                format::ms(Some(i.lo)),
                format::ms(Some(i.hi))
            )
        })
        .unwrap_or_default();
    let p99_sub = if f.p99_indicative_only {
        format!("from {} samples: indicative only", f.samples)
    } else {
        format!("from {} samples", f.samples)
    };
    let ok_class = |v: Option<f64>| {
        if v.is_some_and(|v| v < t) {
            "good"
        } else {
            "bad"
        }
    };
    view! {
        <div class="tiles" data-testid="sequential-tiles">
            {tile("p50", format::ms(f.p50_ms), p50_sub, ok_class(f.p50_ms), "seq-p50")}
            {tile("p90", format::ms(f.p90_ms), String::new(), ok_class(f.p90_ms), "seq-p90")}
            {tile("p99", format::ms(f.p99_ms), p99_sub, if f.p99_indicative_only { "indicative" } else { "" }, "seq-p99")}
            {tile(
                "under target",
                format::pct(f.under_target_share),
                format!("{} of {} calls under {}", f.under_target, f.samples, format::ms(Some(t))),
                "",
                "seq-under",
            )}
        </div>
    }
}

fn run_row(run: &SequentialRun, target: f64, best: bool) -> impl IntoView {
    let ok = &run.ok_latency;
    let failed = if run.failed == 0 {
        "0".to_string()
    } else {
        classes(&run.failed_by_class)
    };
    view! {
        <tr class:best=best data-run=run.label.clone()>
            <th scope="row">{best.then_some("★ ")}{run.label.clone()}</th>
            <td class="model-id">{run.model.rsplit('/').next().unwrap_or(&run.model).to_string()}</td>
            <td class="num">{run.calls}</td>
            <td class="num" data-testid="run-failed">{failed}</td>
            <td class="num">{run.accuracy.as_ref().map(accuracy_text).unwrap_or_else(|| format::MISSING.into())}</td>
            <td class=against(ok.p50_ms, target) data-testid="run-p50">{format::ms(ok.p50_ms)}</td>
            <td class=against(ok.p90_ms, target)>{format::ms(ok.p90_ms)}</td>
            <td class="num">{format::ms(ok.p99_ms)}{ok.p99_indicative_only.then(|| view! { <span class="indicative-tag">" indicative"</span> })}</td>
            <td class="num">{format::pct(ok.under_target_share)}</td>
            <td class="num muted" data-testid="run-p50-all">{format::ms(run.all_latency.p50_ms)}</td>
        </tr>
    }
}

/// The runs table's columns (one row per sequential run).
const RUN_COLUMNS: &[Column] = &[
    Column::text("Run"),
    Column::text("Model"),
    Column::num("Calls"),
    Column::num("Failed"),
    Column::num("Accuracy (95 % CI)"),
    Column::num("p50"),
    Column::num("p90"),
    Column::num("p99"),
    Column::num("Under target"),
    Column::num("p50 incl. failures")
        .titled("Median over every call, failed ones included, as the file states it"),
];

fn runs_table(runs: &[SequentialRun], target: f64, best: Option<usize>) -> impl IntoView {
    let rows = runs
        .iter()
        .enumerate()
        .map(|(i, r)| run_row(r, target, Some(i) == best))
        .collect_view();
    view! {
        <div class="table-wrap" tabindex="0" role="region" aria-label="Sequential runs (scrolls sideways)">
            <table class="runs-table">
                <TableHead columns=RUN_COLUMNS />
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}

#[component]
pub fn SequentialSection(
    report: Memo<Option<(Option<SequentialReport>, Vec<FetchError>)>>,
    separate: Memo<Option<Result<SequentialReport, FetchError>>>,
    /// How many runs are pooled (for the heading while loading).
    files: usize,
) -> impl IntoView {
    let body = move || {
        match report.get() {
        None => view! { <div class="tiles skeleton" aria-hidden="true"><span class="bar"></span></div> }.into_any(),
        Some((None, _)) => view! {
            <p class="note">"None of the sequential runs could be loaded (see the messages above)."</p>
        }
        .into_any(),
        Some((Some(r), _)) => {
            let t = r.target_ms;
            let verdict = match r.meets_target {
                Some(true) => format!("The pooled median meets the {} target.", format::ms(Some(t))),
                Some(false) => format!(
                    "The pooled median misses the {} target: one call at a time on shared serverless capacity, the agent is not reliably under it.",
                    format::ms(Some(t))
                ),
                None => "No successful call to compare with the target.".to_string(),
            };
            let failed_note = if r.failed > 0 {
                format!(
                    "{} successful calls across {} runs; {} failed calls ({}) are left out of these figures.",
                    r.pooled_ok.samples,
                    r.runs.len(),
                    r.failed,
                    classes(&r.failed_by_class)
                )
            } else {
                format!("{} calls across {} runs, none failed.", r.pooled_ok.samples, r.runs.len())
            };
            let p = &r.as_published;
            let mut as_published = format!(
                "As the original pooled them — every one of the {} calls, failed ones included, lower-nearest-rank percentiles: \
                 p50 {}, p90 {}, p99 {}, {} under target; the README's interpolated median over the same calls is {}.",
                p.calls,
                format::ms(p.p50_ms),
                format::ms(p.p90_ms),
                format::ms(p.p99_ms),
                format::pct(p.under_target_share),
                format::ms(r.pooled_all.p50_ms)
            );
            if r.failed > 0 {
                as_published.push_str(&format!(
                    " Those figures mix in the {} failed calls, whose time is mostly waiting and retrying before giving up.",
                    r.failed
                ));
            }
            let runs_summary = match (r.median_run_p50_ms, r.best_run) {
                (Some(m), Some(b)) => format!(
                    "Median of the runs' medians: {}; best run: {} at {}. The spread between runs of the same model is the shared capacity's, not the model's.",
                    format::ms(Some(m)),
                    r.runs[b].label,
                    format::ms(r.best_run_p50_ms)
                ),
                _ => String::new(),
            };
            view! {
                <p class="headline" data-testid="target-verdict">{verdict}</p>
                {pooled_tiles(&r)}
                <p class="note" data-testid="failed-note">{failed_note}</p>
                {runs_table(&r.runs, t, r.best_run)}
                <p class="note">{runs_summary}</p>
                <p class="note" data-testid="as-published">{as_published}</p>
            }
            .into_any()
        }
    }
    };
    let separate_body = move || match separate.get() {
        None => view! { <div class="skeleton" aria-hidden="true"><span class="bar"></span></div> }
            .into_any(),
        Some(Err(_)) => {
            view! { <p class="note">"Not available (see the message above)."</p> }.into_any()
        }
        Some(Ok(s)) => {
            let runs = s.runs.clone();
            view! {
                <p class="note">
                    "A fourth run of the same kind was published beside these. It is shown on its own, not pooled: "
                    "the original's notes call it a copy of run 3, but its calls and figures differ from run 3's."
                </p>
                {runs_table(&runs, s.target_ms, None)}
            }
            .into_any()
        }
    };
    view! {
        <section class="sequential" aria-labelledby="seq-title" aria-busy=move || report.with(Option::is_none).to_string()>
            <h2 id="seq-title">{format!("One call at a time: {files} sequential runs")}</h2>
            <p class="note">
                {move || {
                    let calls = report.with(|r| {
                        r.as_ref()
                            .and_then(|(rep, _)| rep.as_ref())
                            .and_then(|rep| rep.runs.first())
                            .map(|run| run.calls)
                    });
                    match calls {
                        Some(n) => format!("Each run asked the full agent {n} questions one after another, paced, on shared serverless capacity. "),
                        None => "Each run asked the full agent a set of questions one after another, paced, on shared serverless capacity. ".to_string(),
                    }
                }}
                "Latency is the whole agent call as the harness timed it, repairs included."
            </p>
            {body}
            <h3>"The separate run"</h3>
            <div data-testid="separate-run">{separate_body}</div>
        </section>
    }
}
