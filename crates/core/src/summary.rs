//! Per-model summary figures, always recomputed from traces.
//!
//! The definitions follow the original harness exactly (so the published figures are
//! reproduced, see the golden test in `tests/oracle.rs`), and the places where those
//! definitions flatter or hide something get a second, "clean" figure beside them:
//!
//! - `median_latency_ms` / `p90_latency_ms`: over calls with latency > 0, failed calls
//!   included (as published); `median_latency_ok_ms` counts successful calls only.
//! - token means: over all calls, zero-token failures included (as published).
//! - `cost_per_query_usd = (mean_prompt × in + mean_completion × out) / 1e6`, only when a
//!   price is known and both token means are non-zero.
//! - `fatal_error`: the first error when *every* call errored.

use serde::{Deserialize, Serialize};

use crate::stats::{mean, median, quantile};
use crate::sweep::{ModelRun, Pricing, Trace};

/// Summary of one model's traces.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelSummary {
    pub n: u32,
    pub correct: u32,
    /// correct / n; `None` when there are no traces.
    pub accuracy: Option<f64>,
    pub json_ok_count: u32,
    pub json_ok_rate: Option<f64>,
    pub median_ttft_ms: Option<f64>,
    pub median_latency_ms: Option<f64>,
    pub p90_latency_ms: Option<f64>,
    /// Median latency of calls that did not error.
    pub median_latency_ok_ms: Option<f64>,
    pub mean_prompt_tokens: Option<f64>,
    pub mean_completion_tokens: Option<f64>,
    pub cost_per_query_usd: Option<f64>,
    /// True when the cost rests on a proxied or estimated price.
    pub cost_is_estimate: bool,
    /// Traces that ended in an error.
    pub errors: u32,
    /// The first error, when every call errored (the model did not run at all).
    pub fatal_error: Option<String>,
}

/// Cost of one query in USD at `pricing` (USD per million tokens).
pub fn cost_usd(prompt_tokens: f64, completion_tokens: f64, pricing: &Pricing) -> f64 {
    (prompt_tokens * pricing.input + completion_tokens * pricing.output) / 1e6
}

/// Recomputes every summary figure of `run` from its traces.
pub fn summarize(run: &ModelRun) -> ModelSummary {
    // Warm-up calls of a closed-loop run are kept in the file but never counted.
    let traces: Vec<&Trace> = run.traces.iter().filter(|t| !t.is_warmup()).collect();
    let n = traces.len() as u32;
    let correct = traces.iter().filter(|t| t.correct).count() as u32;
    let json_ok_count = traces.iter().filter(|t| t.json_ok == Some(true)).count() as u32;
    let ratio = |k: u32| (n > 0).then(|| k as f64 / n as f64);

    let ttfts: Vec<f64> = traces.iter().filter_map(|t| t.timing.ttft_ms).collect();
    let latencies: Vec<f64> = traces
        .iter()
        .filter_map(|t| t.timing.latency_ms)
        .filter(|&l| l > 0.0)
        .collect();
    let ok_latencies: Vec<f64> = traces
        .iter()
        .filter(|t| t.error.is_none())
        .filter_map(|t| t.timing.latency_ms)
        .filter(|&l| l > 0.0)
        .collect();
    let prompt: Vec<f64> = traces
        .iter()
        .map(|t| t.prompt_tokens.unwrap_or(0) as f64)
        .collect();
    let completion: Vec<f64> = traces
        .iter()
        .map(|t| t.completion_tokens.unwrap_or(0) as f64)
        .collect();
    let mean_prompt_tokens = mean(&prompt);
    let mean_completion_tokens = mean(&completion);

    let cost_per_query_usd = match (run.pricing, mean_prompt_tokens, mean_completion_tokens) {
        (Some(p), Some(pt), Some(ct)) if pt > 0.0 && ct > 0.0 => Some(cost_usd(pt, ct, &p)),
        _ => None,
    };
    let errors = traces.iter().filter(|t| t.error.is_some()).count() as u32;
    let fatal_error = if n > 0 && errors == n {
        traces[0].error.clone()
    } else {
        None
    };

    ModelSummary {
        n,
        correct,
        accuracy: ratio(correct),
        json_ok_count,
        json_ok_rate: ratio(json_ok_count),
        median_ttft_ms: median(&ttfts),
        median_latency_ms: median(&latencies),
        p90_latency_ms: quantile(&latencies, 0.9),
        median_latency_ok_ms: median(&ok_latencies),
        mean_prompt_tokens,
        mean_completion_tokens,
        cost_per_query_usd,
        cost_is_estimate: cost_per_query_usd.is_some()
            && run.pricing.is_some_and(|p| p.is_estimate()),
        errors,
        fatal_error,
    }
}
