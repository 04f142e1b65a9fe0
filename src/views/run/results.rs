//! The results of a run (ours or an imported one): how it was made (protocol,
//! schedule, browser, HTTP protocol, the harness's own calibrated timing error),
//! accuracy and cost per model from core's `summary`, and latency under load per
//! model and concurrency from core's `engine::load` — percentiles with the
//! small-sample warning, throughput, accuracy under load, errors by class, and the
//! browser-limited flag. Figures come from core; this file only lays them out.

use leptos::prelude::*;
use sqlsweep_core::analysis::format::{self, fraction, pct, pct_interval};
use sqlsweep_core::analysis::intervals::wilson;
use sqlsweep_core::engine::load::{
    load_report, ConnectionVerdict, LevelReport, BROWSER_CONNECTIONS_PER_HOST, MIN_SAMPLES,
};
use sqlsweep_core::summary::summarize;
use sqlsweep_core::sweep::{Calibration, Source, SweepFile};

use super::driver::HarnessTime;
use crate::components::table_head::{Column, TableHead};

/// The accuracy-and-cost table's columns (one row per model).
const SUMMARY_COLUMNS: &[Column] = &[
    Column::text("Model"),
    Column::num("Correct"),
    Column::num("Accuracy (95% CI)"),
    Column::num("JSON OK"),
    Column::num("TTFT p50"),
    Column::num("Latency p50"),
    Column::num("Latency p90"),
    Column::num("Tokens in / out"),
    Column::num("$/query"),
    Column::num("Errors"),
];

/// The latency-under-load table's columns (one row per model and concurrency).
const LOAD_COLUMNS: &[Column] = &[
    Column::text("Model"),
    Column::num("Concurrency"),
    Column::num("Calls"),
    Column::num("p50"),
    Column::num("p90"),
    Column::num("p99"),
    Column::num("TTFT p50"),
    Column::num("Throughput"),
    Column::num("Accuracy"),
    Column::text("Errors by class"),
    Column::text("Connections"),
];

fn ms(v: Option<f64>) -> String {
    format::ms(v)
}

fn short_model(id: &str) -> &str {
    id.rsplit('/').next().unwrap_or(id)
}

/// The calibration line shown with every result.
pub fn calibration_text(c: Option<&Calibration>) -> String {
    match c {
        Some(c) => format!(
            "Harness calibration: against a fixture whose first token comes {} ms after the request, \
             this browser measured it {:+.1} ms late at the median and {:+.1} ms at p99 ({} calls). \
             TTFT differences smaller than that are the harness's own error, not the provider's.",
            c.configured_ttft_ms, c.error_p50_ms, c.error_p99_ms, c.samples
        ),
        None => "Not calibrated: tick “calibrate” to measure this browser's own TTFT error against a \
                 fixture with a known first-token delay before the run."
            .to_string(),
    }
}

fn verdict_text(v: &ConnectionVerdict) -> String {
    match v {
        ConnectionVerdict::WithinLimit => format!("≤ {BROWSER_CONNECTIONS_PER_HOST} connections"),
        ConnectionVerdict::Multiplexed => "multiplexed (HTTP/2+)".into(),
        ConnectionVerdict::Queued { queued, burst } => {
            format!("{queued} of the first {burst} calls waited for a connection")
        }
        ConnectionVerdict::NotQueued { burst } => {
            format!("no queueing seen in the first {burst} calls")
        }
        ConnectionVerdict::NoData => "too few timed calls to tell".into(),
    }
}

#[component]
fn LevelRow(model: String, level: LevelReport) -> impl IntoView {
    let l = level;
    let errors = if l.errors_by_class.is_empty() {
        "none".to_string()
    } else {
        l.errors_by_class
            .iter()
            .map(|(o, n)| format!("{n}× {}", o.label()))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let throughput = l
        .throughput_qps
        .map_or(format::MISSING.to_string(), |t| format!("{t:.2}/s"));
    let accuracy = match l.accuracy {
        Some(a) => format!(
            "{} ({})",
            pct(Some(a)),
            fraction(l.correct as u32, l.calls as u32)
        ),
        None => format::MISSING.into(),
    };
    let p99_note = l
        .indicative
        .then(|| view! { <span class="badge warn" title=format!("Fewer than {MIN_SAMPLES} answered calls: indicative only")>"indicative"</span> });
    view! {
        <tr
            data-testid="load-row"
            data-model=model.clone()
            data-concurrency=l.concurrency
            data-indicative=l.indicative.to_string()
            data-browser-limited=l.browser_limited.to_string()
        >
            <td class="col-model" title=model.clone()>{short_model(&model).to_string()}</td>
            <td class="num">{l.concurrency}</td>
            <td class="num" data-testid="calls">
                {l.calls}
                {(l.failed > 0).then(|| format!(" ({} failed)", l.failed))}
                {(l.warmup_excluded > 0).then(|| format!(" +{} warm-up", l.warmup_excluded))}
            </td>
            <td class="num" data-testid="p50">{ms(l.p50_ms)}</td>
            <td class="num" data-testid="p90">{ms(l.p90_ms)}</td>
            <td class="num" data-testid="p99">{ms(l.p99_ms)} " " {p99_note}</td>
            <td class="num">{ms(l.ttft_p50_ms)}</td>
            <td class="num" data-testid="throughput">{throughput}</td>
            <td class="num" data-testid="load-accuracy">{accuracy}</td>
            <td data-testid="errors">{errors}</td>
            <td data-testid="connections">
                {l.browser_limited.then(|| view! { <span class="badge bad">"browser-limited"</span> " " })}
                {verdict_text(&l.connection)}
            </td>
        </tr>
    }
}

/// Everything about one sweep of the library.
#[component]
pub fn RunResults(
    sweep: SweepFile,
    /// The harness's own time, when this page ran it.
    #[prop(optional)]
    harness: Option<HarnessTime>,
) -> impl IntoView {
    let run = &sweep.run;
    let origin = match &run.source {
        Some(Source::Own) => "run with sqlsweep".to_string(),
        Some(Source::Imported { file }) => format!("imported from {file}"),
        Some(Source::Published { file }) => format!("published file {file}"),
        None => "unknown origin".to_string(),
    };
    let facts = [
        ("Tool", run.tool_version.clone()),
        ("Started", run.started_at.clone()),
        ("Browser / platform", run.user_agent.clone()),
        (
            "HTTP protocol",
            Some(run.http_protocol.clone().unwrap_or_else(|| {
                "unknown (the browser did not report nextHopProtocol)".to_string()
            })),
        ),
        (
            "Gold-set hash",
            run.gold_set_hash
                .clone()
                .map(|h| h.chars().take(16).collect()),
        ),
    ]
    .into_iter()
    .filter_map(|(k, v)| v.map(|v| view! { <dt>{k}</dt><dd>{v}</dd> }))
    .collect_view();

    let summary_rows = sweep
        .models
        .iter()
        .map(|m| {
            let s = summarize(m);
            let accuracy = match wilson(s.correct, s.n) {
                Some(i) => pct_interval(&i),
                None => format::MISSING.to_string(),
            };
            let tokens = format!(
                "{} / {}",
                format::tokens(s.mean_prompt_tokens),
                format::tokens(s.mean_completion_tokens)
            );
            view! {
                <tr data-testid="summary-row" data-model=m.model.clone() data-correct=s.correct data-n=s.n>
                    <td class="col-model" title=m.model.clone()>{short_model(&m.model).to_string()}</td>
                    <td class="num" data-testid="correct">{fraction(s.correct, s.n)}</td>
                    <td class="num" data-testid="accuracy">{accuracy}</td>
                    <td class="num">{pct(s.json_ok_rate)}</td>
                    <td class="num">{ms(s.median_ttft_ms)}</td>
                    <td class="num">{ms(s.median_latency_ms)}</td>
                    <td class="num">{ms(s.p90_latency_ms)}</td>
                    <td class="num">{tokens}</td>
                    <td class="num" data-testid="cost">
                        {format::usd_per_query(s.cost_per_query_usd)}
                        {s.cost_is_estimate.then(|| view! { <span class="estimate">"est."</span> })}
                    </td>
                    <td class="num" data-testid="errors">{s.errors}</td>
                </tr>
            }
        })
        .collect_view();

    let report = load_report(&sweep);
    let any_indicative = report
        .models
        .iter()
        .flat_map(|m| &m.levels)
        .any(|l| l.indicative);
    let any_limited = report
        .models
        .iter()
        .flat_map(|m| &m.levels)
        .any(|l| l.browser_limited);
    let load_rows = report
        .models
        .iter()
        .flat_map(|m| {
            m.levels
                .iter()
                .map(|l| view! { <LevelRow model=m.model.clone() level=l.clone() /> })
                .collect::<Vec<_>>()
        })
        .collect_view();
    let harness_line = harness.and_then(|h| {
        h.per_call_ms().map(|per| {
            view! {
                <p class="note" data-testid="harness-cpu" data-ms-per-call=format!("{per:.3}") data-calls=h.calls>
                    {format!(
                        "Harness CPU in this page: {per:.2} ms per HTTP attempt over {} attempts \
                         (request building, stream parsing, the engine — not SQL, which runs in the worker, \
                         and not rendering).",
                        h.calls
                    )}
                </p>
            }
        })
    });
    let calibration = run.calibration.clone();

    view! {
        <div class="run-results" data-testid="run-results">
            <h3 data-testid="results-label">{run.label.clone()}</h3>
            <p class="muted">{origin}{run.methodology.clone().map(|m| format!(" · {m}"))}</p>
            <dl class="facts">{facts}</dl>
            <p
                class=if calibration.is_some() { "note calibration" } else { "note calibration missing" }
                data-testid="calibration"
                data-p50=calibration.as_ref().map(|c| format!("{:.3}", c.error_p50_ms))
                data-p99=calibration.as_ref().map(|c| format!("{:.3}", c.error_p99_ms))
            >
                {calibration_text(calibration.as_ref())}
            </p>
            {harness_line}
            <h4>"Accuracy and cost"</h4>
            <div class="table-wrap">
                <table class="run-table" data-testid="summary-table">
                    <TableHead columns=SUMMARY_COLUMNS />
                    <tbody>{summary_rows}</tbody>
                </table>
            </div>
            <p class="note">
                "Warm-up calls are excluded. With 25 questions the accuracy interval is wide: "
                "two models a few points apart are usually not distinguishable."
            </p>
            <h4>"Latency under load"</h4>
            <div class="table-wrap">
                <table class="run-table" data-testid="load-table">
                    <TableHead columns=LOAD_COLUMNS />
                    <tbody>{load_rows}</tbody>
                </table>
            </div>
            <p class="note">
                "Percentiles are over calls that got an answer (dispatch to the end of the last attempt); "
                "failed calls are counted apart. "
                {any_indicative.then(|| format!(
                    "“indicative”: fewer than {MIN_SAMPLES} answered calls, so p99 is close to the maximum and moves a lot between runs. "
                ))}
            </p>
            {any_limited.then(|| view! {
                <p class="note warning" data-testid="browser-limited-note">
                    {format!(
                        "Browser-limited: browsers open about {BROWSER_CONNECTIONS_PER_HOST} HTTP/1.1 connections per host and queue the rest \
                         inside the browser, so above that concurrency these figures measure the browser's queue, not the provider. \
                         Run `sqlsweep load` from a terminal for higher concurrency."
                    )}
                </p>
            })}
        </div>
    }
}
