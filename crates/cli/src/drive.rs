//! The CLI's driver of core's run engine: tokio tasks stream the model calls (through
//! [`crate::http::Transport`]), a small pool of threads runs the SQL (each with its
//! own read-only [`GuardedDb`]), and one loop feeds results and the monotonic clock to
//! the [`Engine`] and performs what it asks. Every decision — pacing, concurrency,
//! retries, what a trace records — is the engine's; this file only does I/O.
//!
//! Hundreds of concurrent streams are just hundreds of tasks on a multi-threaded
//! runtime; the engine's own work per event is small.

use std::path::Path;
use std::sync::mpsc as std_mpsc;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::Value;
use sqlsweep_core::engine::{Action, CallId, Engine, Event};
use sqlsweep_core::exec::{GuardedDb, Limits};
use sqlsweep_core::live::request::AuthHeader;
use sqlsweep_core::live::stream::CallRecord;
use sqlsweep_core::value::ResultSet;
use tokio::sync::mpsc;

use crate::http::{Clock, Transport};

/// A result coming back to the loop.
enum Done {
    Call {
        id: CallId,
        at: f64,
        record: Box<CallRecord>,
    },
    Exec {
        id: CallId,
        at: f64,
        result: Result<ResultSet, String>,
    },
    /// An SQL worker could not open the database.
    Fatal(String),
}

/// What the HTTP side needs: where, with which key, and the clock the engine runs on.
pub struct Wire {
    pub transport: Arc<Transport>,
    pub auth: AuthHeader,
    /// Only used to scrub server-provided text.
    pub key: String,
    pub clock: Clock,
}

/// Threads that run SQL for the loop; each holds its own connection.
struct SqlPool {
    jobs: Option<std_mpsc::Sender<(CallId, String)>>,
    threads: Vec<std::thread::JoinHandle<()>>,
}

impl SqlPool {
    fn start(
        db: &Path,
        limits: Limits,
        workers: usize,
        clock: Clock,
        out: mpsc::UnboundedSender<Done>,
    ) -> SqlPool {
        let (tx, rx) = std_mpsc::channel::<(CallId, String)>();
        let rx = Arc::new(Mutex::new(rx));
        let threads = (0..workers.max(1))
            .map(|_| {
                let (rx, out, db) = (Arc::clone(&rx), out.clone(), db.to_path_buf());
                std::thread::spawn(move || {
                    let conn = match GuardedDb::open_path(&db) {
                        Ok(c) => c,
                        Err(e) => {
                            let _ = out.send(Done::Fatal(e.to_string()));
                            return;
                        }
                    };
                    loop {
                        let job = match rx.lock() {
                            Ok(guard) => guard.recv(),
                            Err(_) => return,
                        };
                        let Ok((id, sql)) = job else {
                            return;
                        };
                        let result = conn.run(&sql, &limits).map_err(|e| e.to_string());
                        let at = clock.now_ms();
                        if out.send(Done::Exec { id, at, result }).is_err() {
                            return;
                        }
                    }
                })
            })
            .collect();
        SqlPool {
            jobs: Some(tx),
            threads,
        }
    }

    fn submit(&self, id: CallId, sql: String) -> Result<(), String> {
        self.jobs
            .as_ref()
            .and_then(|tx| tx.send((id, sql)).ok())
            .ok_or_else(|| "the SQL workers stopped".to_string())
    }
}

impl Drop for SqlPool {
    fn drop(&mut self) {
        self.jobs.take();
        for t in self.threads.drain(..) {
            let _ = t.join();
        }
    }
}

/// Runs `engine` to the end, handing every event to `on_event` as it happens.
/// Returns an error only when the driver itself cannot go on (the database cannot be
/// opened, `on_event` failed — e.g. the checkpoint cannot be written — or a driver
/// bug); failed calls are traces, not errors.
pub async fn drive(
    engine: &mut Engine,
    wire: &Wire,
    db: &Path,
    on_event: &mut dyn FnMut(&Engine, Event) -> Result<(), String>,
) -> Result<(), String> {
    let (tx, mut rx) = mpsc::unbounded_channel::<Done>();
    let limits = Limits {
        max_vm_steps: engine.spec().limits.max_vm_steps,
        max_rows: engine.spec().limits.max_rows,
    };
    let workers = std::thread::available_parallelism().map_or(2, |n| n.get().min(4));
    let pool = SqlPool::start(db, limits, workers, wire.clock, tx.clone());
    loop {
        let mut wake = None;
        for action in engine.poll(wire.clock.now_ms()) {
            match action {
                Action::Send {
                    call_id,
                    body,
                    timeout_ms,
                    ..
                } => spawn_call(wire, call_id, body, timeout_ms, tx.clone()),
                Action::Execute { call_id, sql } => pool.submit(call_id, sql)?,
                Action::WakeAt(t) => wake = Some(t),
                Action::Done => {
                    for e in engine.take_events() {
                        on_event(engine, e)?;
                    }
                    return Ok(());
                }
            }
        }
        for e in engine.take_events() {
            on_event(engine, e)?;
        }
        let first = match wake {
            Some(t) => {
                let wait = (t - wire.clock.now_ms()).max(0.0);
                tokio::select! {
                    m = rx.recv() => m,
                    _ = tokio::time::sleep(Duration::from_secs_f64(wait / 1000.0)) => None,
                }
            }
            None => rx.recv().await,
        };
        let mut batch: Vec<Done> = first.into_iter().collect();
        while let Ok(m) = rx.try_recv() {
            batch.push(m);
        }
        for m in batch {
            let fed = match m {
                Done::Call { id, at, record } => engine.on_call_finished(at, id, *record),
                Done::Exec { id, at, result } => engine.on_executed(at, id, result),
                Done::Fatal(e) => return Err(e),
            };
            fed.map_err(|e| format!("internal error in the run driver: {e}"))?;
        }
    }
}

/// One HTTP attempt on its own task; the record comes back scrubbed of the key.
fn spawn_call(
    wire: &Wire,
    id: CallId,
    body: Value,
    timeout_ms: u64,
    tx: mpsc::UnboundedSender<Done>,
) {
    let transport = Arc::clone(&wire.transport);
    let auth = wire.auth.clone();
    let key = wire.key.clone();
    let clock = wire.clock;
    tokio::spawn(async move {
        let mut ignore_deltas = |_: &_| {};
        let attempt = transport.attempt(&auth, &body, &mut ignore_deltas);
        // The transport enforces its own budgets; this is a backstop of the same size
        // plus a second, so a call can never hang the run.
        let budget = Duration::from_millis(timeout_ms.saturating_add(1000));
        let record = match tokio::time::timeout(budget, attempt).await {
            Ok((_, mut record)) => {
                record.scrub(&key);
                record
            }
            Err(_) => {
                let mut m = sqlsweep_core::live::stream::CallMachine::new(
                    clock.now_ms() - budget.as_secs_f64() * 1000.0,
                );
                m.fail(
                    clock.now_ms(),
                    sqlsweep_core::live::stream::TransportFailure::Timeout(format!(
                        "no result within {} s",
                        budget.as_secs()
                    )),
                );
                m.finish()
            }
        };
        let at = clock.now_ms();
        let _ = tx.send(Done::Call {
            id,
            at,
            record: Box::new(record),
        });
    });
}
