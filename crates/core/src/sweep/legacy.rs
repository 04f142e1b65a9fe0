//! The original benchmark's published sweep formats, read into our [`SweepFile`].
//!
//! Two generations exist, both `{…, reports: [{…, traces: […]}]}`:
//! - **v2** (`baseten_sweep.json`, `fireworks_sweep_v2.json`): `platform`, `base_url`,
//!   per-report `accuracy`, TTFT, p90, `pricing`; per-trace `question`, `tier`,
//!   `ttft_ms`, `cost_usd`; the Fireworks file adds `methodology`,
//!   `inter_query_pace_s` and `probed_unavailable`;
//! - **older** (`model_sweep.json`): none of those — no TTFT, platform, tier, question
//!   or pricing.
//!
//! One tolerant reader covers both: every field but the report's `model` and the
//! trace's `qid` and `correct` is optional. The figures a report states are kept in
//! [`ModelRun::recorded`] (for golden tests), never shown. A report without `pricing`
//! is priced from the [`crate::catalog`] — on Fireworks that is Kimi K2.6's
//! rate as a proxy, as the original dashboard did — so its costs show, marked as
//! estimates.

use serde::Deserialize;
use serde_json::{Map, Value};

use crate::catalog;
use crate::json_rows::{from_records, JsonFault};
use crate::summary::cost_usd;
use crate::sweep::{
    ModelRun, Platform, PriceSource, Pricing, ProbedModel, Protocol, RecordedSummary, RunMeta,
    Schedule, Source, SweepFile, Timing, Trace, SCHEMA_ID, SCHEMA_VERSION,
};

/// The file names of the original's published sweeps; a file in the original format
/// with one of these names is labelled [`Source::Published`], any other [`Source::Imported`].
pub const PUBLISHED_SWEEPS: [&str; 3] = [
    "baseten_sweep.json",
    "fireworks_sweep_v2.json",
    "model_sweep.json",
];

#[derive(Deserialize)]
pub(crate) struct LegacyFile {
    #[serde(default)]
    platform: Option<String>,
    #[serde(default)]
    base_url: Option<String>,
    #[serde(default)]
    methodology: Option<String>,
    #[serde(default)]
    inter_query_pace_s: Option<f64>,
    #[serde(default)]
    probed_unavailable: Option<Vec<LegacyProbe>>,
    reports: Vec<LegacyReport>,
}

#[derive(Deserialize)]
struct LegacyProbe {
    model: String,
    #[serde(default)]
    reachable: Option<bool>,
    #[serde(default)]
    error: Option<String>,
}

#[derive(Deserialize)]
struct LegacyPricing {
    input: f64,
    output: f64,
}

#[derive(Deserialize)]
struct LegacyReport {
    model: String,
    #[serde(default)]
    n: Option<u32>,
    #[serde(default)]
    correct: Option<u32>,
    #[serde(default)]
    accuracy: Option<f64>,
    #[serde(default)]
    json_ok_count: Option<u32>,
    #[serde(default)]
    json_ok_rate: Option<f64>,
    #[serde(default)]
    median_ttft_ms: Option<f64>,
    #[serde(default)]
    median_latency_ms: Option<f64>,
    #[serde(default)]
    p90_latency_ms: Option<f64>,
    #[serde(default)]
    mean_prompt_tokens: Option<f64>,
    #[serde(default)]
    mean_completion_tokens: Option<f64>,
    #[serde(default)]
    cost_per_query_usd: Option<f64>,
    #[serde(default)]
    pricing: Option<LegacyPricing>,
    #[serde(default)]
    fatal_error: Option<String>,
    #[serde(default)]
    notes: Option<String>,
    #[serde(default)]
    traces: Vec<LegacyTrace>,
}

#[derive(Deserialize)]
struct LegacyTrace {
    qid: String,
    #[serde(default)]
    question: Option<String>,
    #[serde(default)]
    tier: Option<u8>,
    #[serde(default)]
    raw_content: Option<String>,
    #[serde(default)]
    json_parsed_ok: Option<bool>,
    #[serde(default)]
    sql: Option<String>,
    #[serde(default)]
    rows: Option<Vec<Map<String, Value>>>,
    correct: bool,
    #[serde(default)]
    ttft_ms: Option<f64>,
    #[serde(default)]
    latency_ms: Option<f64>,
    #[serde(default)]
    prompt_tokens: Option<u64>,
    #[serde(default)]
    completion_tokens: Option<u64>,
    #[serde(default)]
    error: Option<String>,
}

/// Where a run happened: the file's `platform`, else its `base_url`, else the model ids
/// (the older format only ever held `accounts/fireworks/…` ids).
fn run_platform(file: &LegacyFile) -> Option<Platform> {
    if let Some(p) = file.platform.as_deref().filter(|p| !p.trim().is_empty()) {
        return Some(Platform::detect(p));
    }
    if let Some(u) = file.base_url.as_deref().filter(|u| !u.trim().is_empty()) {
        return Some(Platform::detect(u));
    }
    let all_fireworks = !file.reports.is_empty()
        && file
            .reports
            .iter()
            .all(|r| r.model.starts_with("accounts/fireworks/"));
    all_fireworks.then_some(Platform::Fireworks)
}

/// Converts a parsed published file. `file_name` labels the run; faults in rows carry
/// their JSON path.
pub(crate) fn convert(file: LegacyFile, file_name: &str) -> Result<SweepFile, JsonFault> {
    let platform = run_platform(&file);
    let base_name = file_name.rsplit(['/', '\\']).next().unwrap_or(file_name);
    let source = if PUBLISHED_SWEEPS.contains(&base_name) {
        Source::Published {
            file: base_name.to_string(),
        }
    } else {
        Source::Imported {
            file: base_name.to_string(),
        }
    };
    let label = base_name
        .strip_suffix(".json")
        .unwrap_or(base_name)
        .to_string();

    let mut models = Vec::with_capacity(file.reports.len());
    for (r, report) in file.reports.into_iter().enumerate() {
        let pricing = match &report.pricing {
            Some(p) => Some(Pricing {
                input: p.input,
                output: p.output,
                source: PriceSource::Published,
            }),
            None => platform
                .as_ref()
                .and_then(|pl| catalog::price_for(pl, &report.model)),
        };
        let mut traces = Vec::with_capacity(report.traces.len());
        for (t, trace) in report.traces.into_iter().enumerate() {
            let result = match &trace.rows {
                Some(rows) => Some(from_records(
                    rows,
                    &format!("$.reports[{r}].traces[{t}].rows"),
                )?),
                None => None,
            };
            // Per-trace cost from the run's rates (identical to the recorded figure when
            // the report had rates; an estimate — see `ModelRun::pricing` — when the
            // original recorded 0.0 for "no rate").
            let cost = match (pricing, trace.prompt_tokens, trace.completion_tokens) {
                (Some(p), Some(pt), Some(ct)) => Some(cost_usd(pt as f64, ct as f64, &p)),
                _ => None,
            };
            traces.push(Trace {
                qid: trace.qid,
                question: trace.question,
                tier: trace.tier,
                raw_content: trace.raw_content,
                json_ok: trace.json_parsed_ok,
                sql: trace.sql,
                result,
                correct: trace.correct,
                timing: Timing {
                    ttft_ms: trace.ttft_ms,
                    latency_ms: trace.latency_ms,
                    ..Timing::default()
                },
                prompt_tokens: trace.prompt_tokens,
                completion_tokens: trace.completion_tokens,
                cost_usd: cost,
                error: trace.error,
                outcome: None,
                repairs: None,
                attempts: Vec::new(),
                load: None,
            });
        }
        models.push(ModelRun {
            model: report.model,
            platform: platform.clone(),
            pricing,
            traces,
            recorded: Some(RecordedSummary {
                n: report.n,
                correct: report.correct,
                accuracy: report.accuracy,
                json_ok_count: report.json_ok_count,
                json_ok_rate: report.json_ok_rate,
                median_ttft_ms: report.median_ttft_ms,
                median_latency_ms: report.median_latency_ms,
                p90_latency_ms: report.p90_latency_ms,
                mean_prompt_tokens: report.mean_prompt_tokens,
                mean_completion_tokens: report.mean_completion_tokens,
                cost_per_query_usd: report.cost_per_query_usd,
                fatal_error: report.fatal_error,
                notes: report.notes,
            }),
        });
    }

    let probed_unavailable = file
        .probed_unavailable
        .unwrap_or_default()
        .into_iter()
        .filter(|p| p.reachable != Some(true))
        .map(|p| ProbedModel {
            model: p.model,
            error: p.error.unwrap_or_else(|| "unreachable".to_string()),
        })
        .collect();

    Ok(SweepFile {
        schema: SCHEMA_ID.to_string(),
        version: SCHEMA_VERSION,
        run: RunMeta {
            label,
            source: Some(source),
            platform,
            base_url: file.base_url,
            // Every published sweep used the one-shot protocol (no repair, no retry).
            protocol: Some(Protocol::OneShot),
            schedule: file
                .inter_query_pace_s
                .filter(|s| s.is_finite() && *s >= 0.0)
                .map(|s| Schedule::Sequential {
                    pace_ms: (s * 1000.0).round() as u64,
                }),
            methodology: file.methodology,
            probed_unavailable,
            ..RunMeta::default()
        },
        models,
    })
}
