//! A simulated driver for the engine's tests: a discrete-event clock, a scripted
//! provider (each reply turned into a real [`CallRecord`] by feeding SSE bytes and
//! timestamps through [`CallMachine`]), and a scripted executor. No threads, no
//! sleeping: a run of hours takes microseconds and is exactly reproducible.

use serde_json::Value;

use crate::live::stream::{CallMachine, CallRecord, TransportFailure};
use crate::value::ResultSet;

use super::run::{Action, CallId, Engine, Event};

/// One request the engine sent.
#[derive(Debug, Clone)]
pub struct Sent {
    pub t: f64,
    pub call_id: CallId,
    pub model: String,
    pub qid: String,
    pub body: Value,
    /// How many requests for this (model, qid) came before this one.
    pub nth: usize,
}

/// What the simulated provider does with a request. Times are after dispatch.
#[derive(Debug, Clone)]
pub enum Scripted {
    /// A streamed answer: headers, one content event at `ttft_ms`, the finish event
    /// with usage and `[DONE]` at `end_ms`.
    Answer {
        headers_ms: f64,
        ttft_ms: f64,
        end_ms: f64,
        content: String,
        usage: Option<(u64, u64)>,
    },
    /// A non-2xx response with `headers` and `body`, complete at `after_ms`.
    Status {
        status: u16,
        headers: Vec<(&'static str, String)>,
        body: String,
        after_ms: f64,
    },
    /// The connection failed before any response.
    Network { after_ms: f64 },
}

impl Scripted {
    /// A JSON-mode answer `{"sql": sql}` taking `end_ms`.
    pub fn sql(sql: &str, ttft_ms: f64, end_ms: f64) -> Scripted {
        Scripted::Answer {
            headers_ms: ttft_ms / 2.0,
            ttft_ms,
            end_ms,
            content: serde_json::json!({ "sql": sql, "rationale": "because" }).to_string(),
            usage: Some((700, 80)),
        }
    }

    fn duration(&self) -> f64 {
        match self {
            Scripted::Answer { end_ms, .. } => *end_ms,
            Scripted::Status { after_ms, .. } | Scripted::Network { after_ms } => *after_ms,
        }
    }

    /// The record a transport would have produced for this reply sent at `t`.
    pub fn record(&self, t: f64) -> CallRecord {
        let mut m = CallMachine::new(t);
        match self {
            Scripted::Answer {
                headers_ms,
                ttft_ms,
                end_ms,
                content,
                usage,
            } => {
                m.headers(t + headers_ms, 200, |_| None);
                let delta = serde_json::json!({
                    "choices": [{ "index": 0, "delta": { "content": content } }]
                });
                m.body(t + ttft_ms, format!("data: {delta}\n\n").as_bytes());
                let mut finish = serde_json::json!({
                    "choices": [{ "index": 0, "delta": {}, "finish_reason": "stop" }]
                });
                if let Some((p, c)) = usage {
                    finish["usage"] =
                        serde_json::json!({ "prompt_tokens": p, "completion_tokens": c });
                }
                m.body(
                    t + end_ms,
                    format!("data: {finish}\n\ndata: [DONE]\n\n").as_bytes(),
                );
                m.end(t + end_ms, true);
            }
            Scripted::Status {
                status,
                headers,
                body,
                after_ms,
            } => {
                m.headers(t + after_ms, *status, |name| {
                    headers
                        .iter()
                        .find(|(k, _)| *k == name)
                        .map(|(_, v)| v.clone())
                });
                m.body(t + after_ms, body.as_bytes());
                m.end(t + after_ms, true);
            }
            Scripted::Network { after_ms } => {
                m.fail(
                    t + after_ms,
                    TransportFailure::Network("connection refused".into()),
                );
            }
        }
        m.finish()
    }
}

enum Completion {
    Call(CallId, Box<CallRecord>),
    Exec(CallId, Result<ResultSet, String>),
}

/// Everything the simulated driver saw.
#[derive(Debug, Default)]
pub struct SimLog {
    pub sends: Vec<Sent>,
    /// (time, SQL).
    pub executed: Vec<(f64, String)>,
    /// (time, event).
    pub events: Vec<(f64, Event)>,
    /// Most model calls outstanding at once, as the driver counted them.
    pub max_calls_in_flight: usize,
    /// Time of the `Done` action.
    pub end: f64,
}

impl SimLog {
    /// (time, model, trace qid) of every finished trace.
    pub fn finished(&self) -> Vec<(f64, String, String)> {
        self.events
            .iter()
            .filter_map(|(t, e)| match e {
                Event::TraceFinished { model, trace } => {
                    Some((*t, model.clone(), trace.qid.clone()))
                }
                _ => None,
            })
            .collect()
    }
}

/// Runs `engine` to the end, or until `stop` says so after an event (then the
/// simulation just stops feeding, like a killed process). `exec_ms` is how long
/// every SQL execution takes.
pub fn simulate(
    engine: &mut Engine,
    provider: impl FnMut(&Sent) -> Scripted,
    exec: impl FnMut(&str) -> Result<ResultSet, String>,
    exec_ms: f64,
    stop: impl FnMut(&SimLog) -> bool,
) -> SimLog {
    simulate_from(engine, 0.0, provider, exec, exec_ms, stop)
}

/// [`simulate`] with the driver's clock starting at `start` (a process resumed
/// later, or a clock with another origin).
pub fn simulate_from(
    engine: &mut Engine,
    start: f64,
    mut provider: impl FnMut(&Sent) -> Scripted,
    mut exec: impl FnMut(&str) -> Result<ResultSet, String>,
    exec_ms: f64,
    mut stop: impl FnMut(&SimLog) -> bool,
) -> SimLog {
    let mut log = SimLog::default();
    let mut pending: Vec<(f64, u64, Completion)> = Vec::new();
    let mut seq = 0u64;
    let mut t = start;
    let mut calls_in_flight = 0usize;
    for _ in 0..1_000_000 {
        let mut wake = None;
        for action in engine.poll(t) {
            match action {
                Action::Send {
                    call_id,
                    model,
                    qid,
                    body,
                    ..
                } => {
                    let nth = log
                        .sends
                        .iter()
                        .filter(|s| s.model == model && s.qid == qid)
                        .count();
                    let sent = Sent {
                        t,
                        call_id,
                        model,
                        qid,
                        body,
                        nth,
                    };
                    let reply = provider(&sent);
                    pending.push((
                        t + reply.duration(),
                        seq,
                        Completion::Call(call_id, Box::new(reply.record(t))),
                    ));
                    seq += 1;
                    calls_in_flight += 1;
                    log.max_calls_in_flight = log.max_calls_in_flight.max(calls_in_flight);
                    log.sends.push(sent);
                }
                Action::Execute { call_id, sql } => {
                    pending.push((t + exec_ms, seq, Completion::Exec(call_id, exec(&sql))));
                    seq += 1;
                    log.executed.push((t, sql));
                }
                Action::WakeAt(w) => wake = Some(w),
                Action::Done => {
                    log.events
                        .extend(engine.take_events().into_iter().map(|e| (t, e)));
                    log.end = t;
                    return log;
                }
            }
        }
        log.events
            .extend(engine.take_events().into_iter().map(|e| (t, e)));
        if stop(&log) {
            log.end = t;
            return log;
        }
        pending.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        let next_done = pending.first().map(|p| p.0);
        t = match (next_done, wake) {
            (Some(a), Some(b)) => a.min(b),
            (Some(a), None) => a,
            (None, Some(b)) => b,
            (None, None) => panic!("engine stalled at t={t}: nothing outstanding, no wake-up"),
        };
        while pending.first().is_some_and(|p| p.0 <= t) {
            let (at, _, c) = pending.remove(0);
            match c {
                Completion::Call(id, rec) => {
                    calls_in_flight -= 1;
                    engine
                        .on_call_finished(at, id, *rec)
                        .expect("engine accepts the result");
                }
                Completion::Exec(id, r) => {
                    engine
                        .on_executed(at, id, r)
                        .expect("engine accepts the rows");
                }
            }
        }
    }
    panic!("simulation did not finish within a million steps");
}
