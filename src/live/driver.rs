//! Drives one run of core's sans-IO agent in the browser: each `Step::Call` goes
//! through the streaming [`transport`](super::transport) (every attempt logged),
//! each `Step::Execute` through the SQLite worker's guarded executor, until
//! `Step::Done`. The agent decides everything; this loop only moves data.

use std::sync::Arc;

use sqlsweep_core::agent::{Agent, AgentResult, SchemaInfo, Step, Strategy, Turn};
use sqlsweep_core::demo::activity::ActivityEntry;
use sqlsweep_core::demo::key::BoundKey;
use sqlsweep_core::demo::side::CallWire;
use sqlsweep_core::live::bridge::agent_body;
use sqlsweep_core::live::request::{AuthHeader, Endpoint};
use sqlsweep_core::live::retry::RetryPolicy;
use sqlsweep_core::live::stream::Delta;
use sqlsweep_core::value::ResultSet;

use super::activity::Activity;
use super::clock::now_ms;
use super::transport::{call, AttemptReport, CallSpec, Cancel};
use crate::sql_worker::{Reply, Request, SqlWorker};

/// Everything one run needs.
#[derive(Clone)]
pub struct RunSpec {
    /// Who runs it, for the activity log: "A", "B", "probe".
    pub origin: &'static str,
    pub provider: &'static str,
    pub endpoint: Endpoint,
    pub auth: AuthHeader,
    pub key: BoundKey,
    pub model: String,
    pub strategy: Strategy,
    pub question: String,
    /// Gold rows when the question is a gold one.
    pub gold: Option<ResultSet>,
    pub schema: Arc<SchemaInfo>,
    pub timeout_ms: f64,
    /// Earlier exchanges of this side's conversation, sent before the question
    /// (the agent keeps the last 6 messages; the baseline sends none).
    pub history: Vec<Turn>,
}

/// Progress callbacks for the panel showing the run.
pub struct RunHooks<'a> {
    /// Model call `n` (1-based) starts.
    pub on_call: &'a dyn Fn(u32),
    /// Streamed text arrived.
    pub on_delta: &'a dyn Fn(&Delta),
    /// This SQL is about to run.
    pub on_sql: &'a dyn Fn(&str),
}

/// A finished run.
#[derive(Debug, Clone)]
pub struct RunOutput {
    pub result: AgentResult,
    /// What the transport saw of each model call (same order as `result.calls`).
    pub wire: Vec<CallWire>,
    /// Wall time of the whole run: calls, SQL, repairs, back-off.
    pub wall_ms: f64,
    /// Client time spent in this harness's own code.
    pub harness_ms: f64,
}

impl RunSpec {
    /// `POST host/path` for the log.
    fn target(&self) -> String {
        let url = self.endpoint.chat_completions_url();
        let rest = url.split_once("://").map_or(url.as_str(), |(_, r)| r);
        format!("POST {rest}")
    }
}

/// Why a run has no output.
#[derive(Debug, Clone, PartialEq)]
pub enum RunStop {
    /// The page cancelled it (navigation, a new run).
    Cancelled,
    /// The driver and the agent disagreed (a bug); the text says how.
    Failed(String),
}

/// Runs the agent to the end.
pub async fn run_agent(
    spec: &RunSpec,
    worker: SqlWorker,
    activity: Activity,
    cancel: &Cancel,
    hooks: &RunHooks<'_>,
) -> Result<RunOutput, RunStop> {
    let started = now_ms();
    let policy = RetryPolicy::default();
    let target = spec.target();
    let mut agent = Agent::new(spec.strategy, &spec.question, &spec.schema, &spec.history);
    if let Some(g) = &spec.gold {
        agent = agent.with_gold(g.clone());
    }
    let mut wire = Vec::new();
    let mut harness = 0.0;
    let mut calls = 0u32;
    loop {
        if cancel.is_cancelled() {
            return Err(RunStop::Cancelled);
        }
        let fed = match agent.next() {
            Step::Done(result) => {
                return Ok(RunOutput {
                    result,
                    wire,
                    wall_ms: now_ms() - started,
                    harness_ms: harness,
                })
            }
            Step::Call(request) => {
                calls += 1;
                (hooks.on_call)(calls);
                let t = now_ms();
                let call_spec = CallSpec {
                    endpoint: &spec.endpoint,
                    auth: &spec.auth,
                    key: &spec.key,
                    body: agent_body(&spec.endpoint, &spec.model, &request).to_string(),
                    timeout_ms: spec.timeout_ms,
                };
                harness += now_ms() - t;
                let mut on_delta = |d: &Delta| (hooks.on_delta)(d);
                let mut on_attempt = |a: &AttemptReport<'_>| {
                    activity.record(ActivityEntry {
                        id: 0,
                        at_unix_ms: a.dispatch_wall_ms,
                        origin: spec.origin.to_string(),
                        provider: spec.provider.to_string(),
                        target: target.clone(),
                        model: spec.model.clone(),
                        strategy: spec.strategy.short_name().to_string(),
                        attempt: a.attempt,
                        status: a.record.status,
                        outcome: a.record.outcome,
                        latency_ms: a.record.latency_ms,
                        prompt_tokens: a.record.prompt_tokens,
                        completion_tokens: a.record.completion_tokens,
                        waited_ms: a.waited_ms,
                    })
                };
                let result =
                    call(&call_spec, &policy, cancel, &mut on_delta, &mut on_attempt).await;
                if cancel.is_cancelled() {
                    return Err(RunStop::Cancelled);
                }
                harness += result.harness_ms;
                wire.push(result.wire);
                agent.on_reply(result.record.to_agent_reply())
            }
            Step::Execute(sql) => {
                (hooks.on_sql)(&sql);
                let executed = match worker
                    .request(Request::RunSql {
                        sql,
                        max_rows: None,
                    })
                    .await
                {
                    Ok(Reply::Rows { result, .. }) => Ok(result),
                    Ok(other) => Err(format!("the SQLite worker answered {other:?} to a query")),
                    Err(e) => Err(e),
                };
                agent.on_executed(executed)
            }
        };
        if let Err(e) = fed {
            // A driver bug: end the run with the message rather than loop forever.
            return Err(RunStop::Failed(e.to_string()));
        }
    }
}
