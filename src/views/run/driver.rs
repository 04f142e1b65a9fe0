//! The browser's driver of core's run engine — the page's counterpart of the CLI's
//! `drive.rs`. Model calls go through the live demo's streaming transport (`fetch` +
//! `ReadableStream` → `CallMachine`, one attempt per [`Action::Send`]: retries are the
//! engine's decision), SQL goes to the SQLite worker's guarded executor, and one loop
//! feeds results and `performance.now()` to the [`Engine`] and performs what it asks.
//! Every decision — pacing, concurrency, retries, what a trace records — is the
//! engine's; this file only moves data.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use futures::channel::mpsc;
use futures::future::{select, Either};
use futures::StreamExt;
use sqlsweep_core::demo::key::BoundKey;
use sqlsweep_core::engine::{Action, CallId, Engine, Event};
use sqlsweep_core::live::request::{AuthHeader, Endpoint};
use sqlsweep_core::live::stream::{CallRecord, Delta};
use sqlsweep_core::value::ResultSet;
use wasm_bindgen_futures::spawn_local;

use crate::live::clock::{now_ms, sleep};
use crate::live::transport::{attempt, CallSpec, Cancel};
use crate::sql_worker::{Reply, Request, SqlWorker};

/// Where calls go and with which credentials. The key is only used to scrub
/// server text; the header carries it to the endpoint's host and nowhere else.
pub struct Wire {
    pub endpoint: Endpoint,
    pub auth: AuthHeader,
    pub key: BoundKey,
}

/// A result coming back to the loop.
enum Done {
    Call {
        id: CallId,
        at: f64,
        record: Box<CallRecord>,
        busy_ms: f64,
    },
    Exec {
        id: CallId,
        at: f64,
        result: Result<ResultSet, String>,
    },
    Cancel,
}

/// Stops a run from outside the loop (the Cancel button): aborts every request in
/// flight and tells the engine, which keeps every finished trace.
#[derive(Clone)]
pub struct RunControl {
    tx: mpsc::UnboundedSender<Done>,
    in_flight: Rc<RefCell<HashMap<CallId, Cancel>>>,
}

impl RunControl {
    pub fn cancel(&self) {
        for c in self.in_flight.borrow().values() {
            c.cancel();
        }
        let _ = self.tx.unbounded_send(Done::Cancel);
    }
}

/// The loop's end of a [`RunControl`].
pub struct Inbox {
    rx: mpsc::UnboundedReceiver<Done>,
    control: RunControl,
}

/// A control and the inbox it feeds.
pub fn channel() -> (RunControl, Inbox) {
    let (tx, rx) = mpsc::unbounded();
    let control = RunControl {
        tx,
        in_flight: Rc::new(RefCell::new(HashMap::new())),
    };
    (
        control.clone(),
        Inbox {
            rx,
            control: control.clone(),
        },
    )
}

/// What the harness itself cost, for the results and the benchmark.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct HarnessTime {
    /// Client time in this page's own code: building and parsing streams, the engine,
    /// bookkeeping — not waiting, not SQL (that runs in the worker), not rendering.
    pub busy_ms: f64,
    /// HTTP attempts made.
    pub calls: usize,
}

impl HarnessTime {
    pub fn per_call_ms(&self) -> Option<f64> {
        (self.calls > 0).then(|| self.busy_ms / self.calls as f64)
    }
}

/// Runs `engine` to the end (or until cancelled), handing every event to `on_event`
/// as it happens. An error means the driver itself cannot go on (a driver bug, or
/// `on_event` failed); failed calls are traces, not errors.
pub async fn drive(
    engine: &mut Engine,
    wire: Rc<Wire>,
    worker: SqlWorker,
    inbox: Inbox,
    on_event: &mut dyn FnMut(&Engine, Event) -> Result<(), String>,
) -> Result<HarnessTime, String> {
    let Inbox { mut rx, control } = inbox;
    let max_rows = u32::try_from(engine.spec().limits.max_rows).unwrap_or(u32::MAX);
    let mut harness = HarnessTime::default();
    loop {
        let t = now_ms();
        let actions = engine.poll(t);
        let mut wake = None;
        let mut done = false;
        for action in actions {
            match action {
                Action::Send {
                    call_id,
                    body,
                    timeout_ms,
                    ..
                } => {
                    harness.calls += 1;
                    spawn_call(
                        &wire,
                        &control,
                        call_id,
                        body.to_string(),
                        timeout_ms as f64,
                    );
                }
                Action::Execute { call_id, sql } => {
                    spawn_exec(worker, &control, call_id, sql, max_rows)
                }
                Action::WakeAt(at) => wake = Some(at),
                Action::Done => done = true,
            }
        }
        harness.busy_ms += now_ms() - t;
        for e in engine.take_events() {
            on_event(engine, e)?;
        }
        if done {
            return Ok(harness);
        }
        let first = match wake {
            Some(at) => {
                let wait = (at - now_ms()).max(0.0);
                match select(rx.next(), Box::pin(sleep(wait))).await {
                    Either::Left((m, _)) => m,
                    Either::Right(_) => None,
                }
            }
            None => match rx.next().await {
                Some(m) => Some(m),
                None => return Err("the run's message channel closed".into()),
            },
        };
        let mut batch: Vec<Done> = first.into_iter().collect();
        while let Ok(m) = rx.try_recv() {
            batch.push(m);
        }
        let t = now_ms();
        for m in batch {
            let fed = match m {
                Done::Call {
                    id,
                    at,
                    record,
                    busy_ms,
                } => {
                    harness.busy_ms += busy_ms;
                    engine.on_call_finished(at, id, *record)
                }
                Done::Exec { id, at, result } => engine.on_executed(at, id, result),
                Done::Cancel => {
                    engine.cancel();
                    Ok(())
                }
            };
            fed.map_err(|e| format!("internal error in the run driver: {e}"))?;
        }
        harness.busy_ms += now_ms() - t;
    }
}

/// One HTTP attempt on its own task; the record comes back scrubbed of the key.
fn spawn_call(wire: &Rc<Wire>, control: &RunControl, id: CallId, body: String, timeout_ms: f64) {
    let wire = Rc::clone(wire);
    let cancel = Cancel::new();
    control.in_flight.borrow_mut().insert(id, cancel.clone());
    let control = control.clone();
    spawn_local(async move {
        let spec = CallSpec {
            endpoint: &wire.endpoint,
            auth: &wire.auth,
            key: &wire.key,
            body,
            timeout_ms,
        };
        let mut ignore = |_: &Delta| {};
        let (record, _, busy_ms) = attempt(&spec, &cancel, &mut ignore).await;
        control.in_flight.borrow_mut().remove(&id);
        let _ = control.tx.unbounded_send(Done::Call {
            id,
            at: now_ms(),
            record: Box::new(record),
            busy_ms,
        });
    });
}

/// One SQL statement through the worker's guarded executor (the same `GuardedDb`
/// and error texts as the CLI's SQL threads).
fn spawn_exec(worker: SqlWorker, control: &RunControl, id: CallId, sql: String, max_rows: u32) {
    let tx = control.tx.clone();
    spawn_local(async move {
        let result = match worker
            .request(Request::RunSql {
                sql,
                max_rows: Some(max_rows),
            })
            .await
        {
            Ok(Reply::Rows { result, .. }) => Ok(result),
            Ok(other) => Err(format!("the SQLite worker answered {other:?} to a query")),
            Err(e) => Err(e),
        };
        let _ = tx.unbounded_send(Done::Exec {
            id,
            at: now_ms(),
            result,
        });
    });
}
