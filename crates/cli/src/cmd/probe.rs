//! `sqlsweep probe`: one streamed call to a provider or a local endpoint, through
//! the same core code as sweeps, printing what a user needs before a sweep: outcome
//! class, status, time to headers, TTFT, latency, usage, attempts and the answer.

use std::io::Write;
use std::process::ExitCode;
use std::time::Duration;

use clap::{Args, ValueEnum};
use serde_json::{json, Value};
use sqlsweep_core::live::request::{self, Endpoint};
use sqlsweep_core::live::retry::RetryPolicy;
use sqlsweep_core::outcome::Outcome;

use crate::http::{Clock, LiveCall, Timeouts, Transport};
use crate::target::TargetArgs;

/// Which provider's conventions (auth scheme, key variable, default base URL) apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ProviderArg {
    Fireworks,
    Baseten,
}

/// Arguments of `sqlsweep probe`.
#[derive(Debug, Clone, Args)]
pub struct ProbeArgs {
    /// OpenAI-compatible base URL (the part before /chat/completions). Defaults to the
    /// provider's URL when --provider is given.
    #[arg(long)]
    pub base_url: Option<String>,
    /// Model id as the provider expects it.
    #[arg(long)]
    pub model: String,
    /// Question to ask (default: a simple question about the Chinook database).
    #[arg(long)]
    pub question: Option<String>,
    /// Print one JSON object instead of text.
    #[arg(long)]
    pub json: bool,
    /// Provider conventions: key from FIREWORKS_API_KEY / BASETEN_API_KEY and its auth
    /// scheme. Without it the key comes from SQLSWEEP_API_KEY, sent as a Bearer token.
    #[arg(long, value_enum)]
    pub provider: Option<ProviderArg>,
    /// Ask without JSON mode (no response_format).
    #[arg(long)]
    pub no_json_mode: bool,
    /// Retries after the first attempt (429/5xx/connection errors).
    #[arg(long, default_value_t = 2)]
    pub max_retries: u32,
    /// Time budget of one attempt, in seconds.
    #[arg(long, default_value_t = 120.0)]
    pub timeout_s: f64,
    /// Longest silence inside a response, in seconds.
    #[arg(long, default_value_t = 60.0)]
    pub idle_timeout_s: f64,
}

/// Default question: simple, answerable on Chinook, not one of the gold questions.
pub const DEFAULT_QUESTION: &str = "How many customers are there in each country?";

/// The probe's prompt. Seam: the agent's `agent::prompt` replaces this once merged.
pub fn probe_messages(question: &str) -> Vec<(&'static str, String)> {
    vec![
        (
            "system",
            "You are an expert SQLite analyst for the Chinook music-store database. \
             Answer with a JSON object with exactly two keys: \"sql\" (one SELECT statement, \
             no trailing semicolon) and \"rationale\" (one sentence)."
                .to_string(),
        ),
        ("user", question.to_string()),
    ]
}

/// Runs the probe; exit 0 when the call answered, 1 when it failed, 2 on bad usage.
pub fn run(args: ProbeArgs) -> ExitCode {
    match prepare(&args) {
        Err(msg) => {
            eprintln!("sqlsweep probe: {msg}");
            ExitCode::from(2)
        }
        Ok((endpoint, key)) => {
            let rt = match tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            {
                Ok(rt) => rt,
                Err(e) => {
                    eprintln!("sqlsweep probe: cannot start the async runtime: {e}");
                    return ExitCode::FAILURE;
                }
            };
            match rt.block_on(probe(&args, &endpoint, &key)) {
                Err(msg) => {
                    eprintln!("sqlsweep probe: {}", request::scrub(&msg, &key));
                    ExitCode::from(2)
                }
                Ok(call) => {
                    let out = if args.json {
                        to_json(&call).to_string()
                    } else {
                        to_text(&endpoint, &args.model, &call)
                    };
                    let mut stdout = std::io::stdout().lock();
                    let _ = writeln!(stdout, "{}", request::scrub(&out, &key));
                    if call.record.is_success() {
                        ExitCode::SUCCESS
                    } else {
                        ExitCode::FAILURE
                    }
                }
            }
        }
    }
}

/// Endpoint and key from arguments and environment; errors name what is missing.
fn prepare(args: &ProbeArgs) -> Result<(Endpoint, String), String> {
    let (endpoint, var) = TargetArgs {
        base_url: args.base_url.clone(),
        provider: args.provider,
    }
    .endpoint()?;
    let key = std::env::var(var).unwrap_or_default();
    if key.trim().is_empty() {
        return Err(format!("no API key: set {var}"));
    }
    if !(args.timeout_s > 0.0 && args.idle_timeout_s > 0.0) {
        return Err("--timeout-s and --idle-timeout-s must be positive".into());
    }
    Ok((endpoint, key.trim().to_string()))
}

async fn probe(args: &ProbeArgs, endpoint: &Endpoint, key: &str) -> Result<LiveCall, String> {
    let auth = endpoint.auth_header(key).map_err(|e| e.to_string())?;
    let question = args.question.as_deref().unwrap_or(DEFAULT_QUESTION);
    let messages = probe_messages(question);
    let body = request::chat_body(
        endpoint,
        &args.model,
        messages.iter().map(|(r, c)| (*r, c.as_str())),
        !args.no_json_mode,
    );
    let total = Duration::from_secs_f64(args.timeout_s.min(86_400.0));
    let timeouts = Timeouts {
        headers: total,
        idle: Duration::from_secs_f64(args.idle_timeout_s.min(86_400.0)),
        total,
        ..Timeouts::default()
    };
    let transport = Transport::new(endpoint, timeouts, Clock::new()).map_err(|e| e.to_string())?;
    let policy = RetryPolicy {
        max_retries: args.max_retries,
        ..RetryPolicy::default()
    };
    Ok(transport
        .call(&auth, key, &body, &policy, &mut |_| {})
        .await)
}

fn outcome_id(o: Outcome) -> String {
    serde_json::to_value(o)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_else(|| format!("{o:?}"))
}

/// The `--json` object.
pub fn to_json(call: &LiveCall) -> Value {
    let r = &call.record;
    let attempts: Vec<Value> = call
        .attempts
        .iter()
        .map(|a| {
            json!({
                "status": a.status, "outcome": outcome_id(a.outcome),
                "started_ms": a.started_ms, "ended_ms": a.ended_ms, "waited_ms": a.waited_ms,
            })
        })
        .collect();
    json!({
        "outcome": outcome_id(r.outcome),
        "status": r.status,
        "headers_ms": r.headers_ms,
        "ttft_ms": r.ttft_ms,
        "first_answer_ms": r.first_answer_ms,
        "latency_ms": r.latency_ms,
        "latency_with_retries_ms": call.timing.latency_with_retries_ms,
        "prompt_tokens": r.prompt_tokens,
        "completion_tokens": r.completion_tokens,
        "attempts": call.attempts.len(),
        "attempt_log": attempts,
        "finish_reason": r.finish_reason,
        "error": r.error_message,
        "content": r.content,
        "reasoning_chars": r.reasoning.chars().count(),
    })
}

fn ms(v: Option<f64>) -> String {
    v.map_or_else(|| "—".to_string(), |x| format!("{x:.0} ms"))
}

fn tokens(v: Option<u64>) -> String {
    v.map_or_else(|| "unknown".to_string(), |x| x.to_string())
}

/// The human-readable report.
pub fn to_text(endpoint: &Endpoint, model: &str, call: &LiveCall) -> String {
    let r = &call.record;
    let mut s = String::new();
    let line = |s: &mut String, k: &str, v: String| s.push_str(&format!("{k:<14}{v}\n"));
    line(&mut s, "endpoint", endpoint.chat_completions_url());
    line(&mut s, "model", model.to_string());
    line(
        &mut s,
        "outcome",
        format!("{} ({})", outcome_id(r.outcome), r.outcome.label()),
    );
    line(
        &mut s,
        "status",
        r.status
            .map_or("none (no response)".into(), |x| x.to_string()),
    );
    line(&mut s, "headers", ms(r.headers_ms));
    line(&mut s, "ttft", ms(r.ttft_ms));
    line(&mut s, "first answer", ms(r.first_answer_ms));
    let mut lat = ms(r.latency_ms);
    if call.attempts.len() > 1 {
        lat.push_str(&format!(
            " (incl. retries {})",
            ms(call.timing.latency_with_retries_ms)
        ));
    }
    line(&mut s, "latency", lat);
    line(
        &mut s,
        "tokens",
        format!(
            "{} prompt / {} completion",
            tokens(r.prompt_tokens),
            tokens(r.completion_tokens)
        ),
    );
    let list: Vec<String> = call
        .attempts
        .iter()
        .map(|a| {
            let st = a.status.map_or("no status".into(), |x| x.to_string());
            let wait = if a.waited_ms > 0.0 {
                format!(" after {:.0} ms wait", a.waited_ms)
            } else {
                String::new()
            };
            format!("{st} {}{wait}", outcome_id(a.outcome))
        })
        .collect();
    line(
        &mut s,
        "attempts",
        format!("{} [{}]", call.attempts.len(), list.join("; ")),
    );
    if let Some(fr) = &r.finish_reason {
        line(&mut s, "finish", fr.clone());
    }
    if let Some(e) = &r.error_message {
        line(&mut s, "error", e.clone());
    }
    if !r.reasoning.is_empty() {
        line(
            &mut s,
            "reasoning",
            format!("{} chars", r.reasoning.chars().count()),
        );
    }
    s.push_str("answer:\n");
    s.push_str(if r.content.is_empty() {
        "(none)"
    } else {
        &r.content
    });
    s
}
