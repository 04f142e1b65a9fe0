//! The sweep data model: one versioned schema, written by the browser and the CLI
//! alike, read by every dashboard view.
//!
//! A sweep file holds run metadata and, per model, the raw per-question traces.
//! Summary figures (accuracy, latency percentiles, cost per query, …) are *always*
//! recomputed from traces (see [`crate::summary`]); the figures a published file
//! stored are kept only as [`RecordedSummary`] so tests can check that the
//! recomputation agrees with them.
//!
//! [`load()`] reads our own format and the original benchmark's published formats.

pub mod lean;
pub mod legacy;
pub mod load;

pub use load::{load, to_json, LoadError};

use serde::{Deserialize, Serialize};

use crate::outcome::Outcome;
use crate::value::ResultSet;

/// The format identifier written into every sweep file of ours.
pub const SCHEMA_ID: &str = "sqlsweep.sweep";
/// Version of the schema. Bump on any incompatible change; the loader keeps reading old ones.
pub const SCHEMA_VERSION: u32 = 1;

/// A whole sweep: what was run, how, and every trace.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SweepFile {
    /// Always [`SCHEMA_ID`].
    pub schema: String,
    /// [`SCHEMA_VERSION`] at the time of writing.
    pub version: u32,
    pub run: RunMeta,
    pub models: Vec<ModelRun>,
}

/// Where a sweep came from, shown beside every figure derived from it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Source {
    /// A file of the original published benchmark (by file name).
    Published { file: String },
    /// A file the user imported (by file name).
    Imported { file: String },
    /// A run made with this tool (browser or CLI).
    Own,
}

/// The inference platform a model ran on.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Platform {
    Fireworks,
    Baseten,
    /// Any other OpenAI-compatible endpoint, by a short name (usually its host).
    Custom(String),
}

impl Platform {
    /// Recognises a platform from a published `platform` field or a base URL.
    pub fn detect(name_or_url: &str) -> Platform {
        let s = name_or_url.to_ascii_lowercase();
        if s.contains("fireworks") {
            Platform::Fireworks
        } else if s.contains("baseten") {
            Platform::Baseten
        } else {
            Platform::Custom(name_or_url.to_string())
        }
    }

    pub fn label(&self) -> &str {
        match self {
            Platform::Fireworks => "Fireworks",
            Platform::Baseten => "Baseten",
            Platform::Custom(s) => s,
        }
    }
}

/// The protocol a sweep's calls followed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Protocol {
    /// As published: one call per question, no repair, no retry, JSON mode, temperature 0,
    /// max_tokens 1024.
    OneShot,
    /// The full agent: trimmed schema, JSON mode, execute-and-repair.
    Agent,
    /// The customer's naive prompt, no schema, no JSON mode.
    Baseline,
}

/// How calls were scheduled.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Schedule {
    /// One call at a time, with a pause between calls.
    Sequential { pace_ms: u64 },
    /// Closed loop: `concurrency` calls in flight; `warmup` first calls excluded from statistics.
    Concurrent { concurrency: u32, warmup: u32 },
    /// A load test: one closed loop per step (and per model), one after another; each
    /// step asks every question `rounds` times after `warmup` calls excluded from
    /// statistics. Traces carry their step in [`Trace::load`].
    Load { steps: Vec<LoadStep>, warmup: u32 },
}

/// One concurrency level of a [`Schedule::Load`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoadStep {
    pub concurrency: u32,
    /// Times every question is asked at this level.
    pub rounds: u32,
}

/// Where a trace sat in a closed-loop run (own concurrent and load runs only).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct LoadSlot {
    /// Calls in flight when this one ran (the closed loop's level).
    pub concurrency: u32,
    /// Repetition of the question at this level (0-based).
    #[serde(default)]
    pub round: u32,
    /// A warm-up call: kept in the file, excluded from every statistic.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub warmup: bool,
}

/// Run-level metadata. Every field the published files lack is optional.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct RunMeta {
    /// A short human label ("Baseten sweep (published)").
    pub label: String,
    pub source: Option<Source>,
    pub platform: Option<Platform>,
    pub base_url: Option<String>,
    pub protocol: Option<Protocol>,
    pub schedule: Option<Schedule>,
    /// Free-text methodology as published.
    pub methodology: Option<String>,
    /// Tool and version that wrote the file ("sqlsweep 0.1.0").
    pub tool_version: Option<String>,
    /// sha256 (hex) of the gold set the run was scored against.
    pub gold_set_hash: Option<String>,
    /// Wall-clock start, RFC 3339.
    pub started_at: Option<String>,
    /// Browser user agent or CLI platform string.
    pub user_agent: Option<String>,
    /// "http/1.1", "h2", … where known.
    pub http_protocol: Option<String>,
    /// Harness self-calibration: measured − configured TTFT against the fixture, in ms.
    pub calibration: Option<Calibration>,
    /// Models that were probed and found unavailable (not run).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub probed_unavailable: Vec<ProbedModel>,
    /// Models the run stopped asking after consecutive fatal failures (own runs):
    /// their remaining questions were skipped, not answered. Absent in older files.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub stopped_models: Vec<StoppedModel>,
}

/// A model the engine stopped dispatching to. Its skipped questions have no trace:
/// they count in no figure (not as wrong answers, not in `n`), so the model's
/// accuracy is over the questions it was actually asked — and this record says
/// which were not.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoppedModel {
    pub model: String,
    /// The class of the last failure (401/403, 404, other client error).
    pub outcome: Outcome,
    /// Consecutive fatal failures that stopped it (the run's limit).
    pub failures: u32,
    /// The last failure's error text (never a key).
    pub error: Option<String>,
    /// Calls not made (a load test asks a question several times).
    pub skipped_calls: u32,
    /// Question ids not asked (each once, in run order).
    pub skipped: Vec<String>,
}

impl StoppedModel {
    /// `stopped m1 after 3 consecutive failures (key refused (401/403)): HTTP 401 …;
    /// skipped 22 calls (q_004, q_005, …), not counted as answers`.
    pub fn message(&self) -> String {
        let mut s = format!(
            "stopped {} after {} consecutive failure{} ({})",
            self.model,
            self.failures,
            if self.failures == 1 { "" } else { "s" },
            self.outcome.label()
        );
        if let Some(e) = &self.error {
            s.push_str(&format!(": {e}"));
        }
        let shown: Vec<&str> = self.skipped.iter().take(3).map(String::as_str).collect();
        let more = if self.skipped.len() > shown.len() {
            ", …"
        } else {
            ""
        };
        s.push_str(&format!(
            "; skipped {} call{} ({}{more}), not counted as answers",
            self.skipped_calls,
            if self.skipped_calls == 1 { "" } else { "s" },
            shown.join(", ")
        ));
        s
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Calibration {
    pub configured_ttft_ms: f64,
    pub error_p50_ms: f64,
    pub error_p99_ms: f64,
    pub samples: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProbedModel {
    pub model: String,
    pub error: String,
}

/// Where a per-token rate comes from; anything but `Published` is shown as an estimate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PriceSource {
    /// The provider's published rate for this model.
    Published,
    /// Another model's rate used as a stand-in (the original priced Fireworks models at Kimi K2.6's).
    Proxy,
    /// A guess (e.g. an unlisted model).
    Estimate,
    /// Entered by the user for a custom endpoint.
    UserEntered,
}

/// USD per million tokens.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Pricing {
    pub input: f64,
    pub output: f64,
    pub source: PriceSource,
}

impl Pricing {
    pub fn is_estimate(&self) -> bool {
        !matches!(
            self.source,
            PriceSource::Published | PriceSource::UserEntered
        )
    }
}

/// One model's part of a sweep.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelRun {
    /// Full model id as sent to the provider.
    pub model: String,
    pub platform: Option<Platform>,
    pub pricing: Option<Pricing>,
    pub traces: Vec<Trace>,
    /// The figures the file itself stated (published files only); never used for display.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recorded: Option<RecordedSummary>,
}

impl ModelRun {
    /// The part of the id after its last `/` (`openai/gpt-oss-120b` → `gpt-oss-120b`).
    pub fn label(&self) -> &str {
        self.model.rsplit('/').next().unwrap_or(&self.model)
    }
}

/// Summary figures as stored in a published report, kept for golden tests.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct RecordedSummary {
    pub n: Option<u32>,
    pub correct: Option<u32>,
    pub accuracy: Option<f64>,
    pub json_ok_count: Option<u32>,
    pub json_ok_rate: Option<f64>,
    pub median_ttft_ms: Option<f64>,
    pub median_latency_ms: Option<f64>,
    pub p90_latency_ms: Option<f64>,
    pub mean_prompt_tokens: Option<f64>,
    pub mean_completion_tokens: Option<f64>,
    pub cost_per_query_usd: Option<f64>,
    pub fatal_error: Option<String>,
    pub notes: Option<String>,
}

/// One question asked of one model.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Trace {
    pub qid: String,
    pub question: Option<String>,
    pub tier: Option<u8>,
    /// The model's answer text (may be truncated by the writer; published files keep ≤ 500 chars).
    pub raw_content: Option<String>,
    /// Whether the answer parsed as the expected JSON object (None: not recorded / not JSON mode).
    pub json_ok: Option<bool>,
    pub sql: Option<String>,
    /// Rows the SQL returned (None when it was not run or failed).
    pub result: Option<ResultSet>,
    /// Scored against the gold set: the rows matched.
    pub correct: bool,
    pub timing: Timing,
    pub prompt_tokens: Option<u64>,
    pub completion_tokens: Option<u64>,
    pub cost_usd: Option<f64>,
    /// The error that ended the trace, as text (never containing a key).
    pub error: Option<String>,
    /// Outcome class; None in published files (derive it with `crate::outcome`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outcome: Option<Outcome>,
    /// Agent repair turns used.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub repairs: Option<u32>,
    /// HTTP attempts made for this trace (retries included); empty when not recorded.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attempts: Vec<Attempt>,
    /// Level, round and warm-up flag in a concurrent or load run; None otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub load: Option<LoadSlot>,
}

impl Trace {
    /// A warm-up call, excluded from statistics.
    pub fn is_warmup(&self) -> bool {
        self.load.is_some_and(|l| l.warmup)
    }
}

/// Per-trace timings in milliseconds. Definitions: `crate::live::timing`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Timing {
    /// First dispatch relative to the start of the trace's *session* (own runs only):
    /// the engine's first poll in the process or page that ran it. Only times of the
    /// same [`Timing::session`] share an origin; see `live::timing`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dispatch_ms: Option<f64>,
    /// Which session of the run made the trace: 0 for the first, one more for each
    /// resume. Absent (0) in files written before resumes were numbered, and in
    /// uninterrupted runs.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub session: u32,
    /// Dispatch → response headers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub headers_ms: Option<f64>,
    /// Dispatch → first content or reasoning delta (the original's TTFT).
    pub ttft_ms: Option<f64>,
    /// Dispatch → first answer (content) delta.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_answer_ms: Option<f64>,
    /// Dispatch → end of stream of the attempt that produced the result, back-off
    /// excluded (the published `latency_ms`; see `live::timing`).
    pub latency_ms: Option<f64>,
    /// Dispatch of the first attempt → end of the last, retries and back-off included.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latency_with_retries_ms: Option<f64>,
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

/// One HTTP attempt.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Attempt {
    pub status: Option<u16>,
    pub outcome: Outcome,
    pub started_ms: f64,
    pub ended_ms: f64,
    /// How long the client waited before this attempt (retry back-off).
    #[serde(default)]
    pub waited_ms: f64,
}
