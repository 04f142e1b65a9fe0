//! One place that turns an [`Engine`] into a running CLI job: the tokio runtime, the
//! HTTP transport sized by the run's limits, the checkpoint journal and the progress
//! view, around [`crate::drive::drive`].

use std::sync::Arc;
use std::time::Duration;

use sqlsweep_core::engine::{Engine, Event};
use sqlsweep_core::live::request::Endpoint;

use std::path::Path;

use crate::drive::{drive, Wire};
use crate::http::{Clock, Timeouts, Transport};
use crate::journal_file::Journal;
use crate::progress_view::ProgressView;
use crate::target::Target;

/// A multi-threaded runtime with one worker per core (hundreds of streams are tasks).
pub fn runtime() -> Result<tokio::runtime::Runtime, String> {
    let workers = std::thread::available_parallelism().map_or(2, |n| n.get());
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(workers)
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the async runtime: {e}"))
}

/// The transport for `endpoint` with one attempt's budget of `timeout_ms`.
pub fn transport(
    endpoint: &Endpoint,
    timeout_ms: u64,
    clock: Clock,
) -> Result<Arc<Transport>, String> {
    let total = Duration::from_millis(timeout_ms.max(1));
    let timeouts = Timeouts {
        headers: total,
        idle: total.min(Duration::from_secs(60)),
        total,
        ..Timeouts::default()
    };
    Transport::new(endpoint, timeouts, clock)
        .map(Arc::new)
        .map_err(|e| e.to_string())
}

/// Where a run's results go while it runs.
pub struct Sinks<'a> {
    pub journal: Option<&'a mut Journal>,
    pub view: Option<&'a mut ProgressView>,
}

/// Runs `engine` to the end on `rt`: every finished trace is appended to the journal
/// before anything else happens with it.
pub fn run(
    rt: &tokio::runtime::Runtime,
    engine: &mut Engine,
    target: &Target,
    db: &Path,
    clock: Clock,
    mut sinks: Sinks<'_>,
) -> Result<(), String> {
    let transport = transport(
        &target.endpoint,
        engine.spec().limits.call_timeout_ms,
        clock,
    )?;
    let wire = Wire {
        transport,
        auth: target.auth.clone(),
        key: target.key.clone(),
        clock,
    };
    let mut on_event = |engine: &Engine, event: Event| -> Result<(), String> {
        if let (Some(j), Event::TraceFinished { model, trace }) =
            (sinks.journal.as_deref_mut(), &event)
        {
            j.append(model, trace)?;
        }
        if let Some(v) = sinks.view.as_deref_mut() {
            v.event(engine, &event, clock.now_ms());
        }
        Ok(())
    };
    let result = rt.block_on(drive(engine, &wire, db, &mut on_event));
    if let Some(v) = sinks.view.as_deref_mut() {
        v.finish();
    }
    result
}

/// "sqlsweep-cli/0.1.0 (linux x86_64)".
pub fn user_agent() -> String {
    format!(
        "sqlsweep-cli/{} ({} {})",
        env!("CARGO_PKG_VERSION"),
        std::env::consts::OS,
        std::env::consts::ARCH
    )
}

/// The HTTP version where it is certain: plain `http://` is HTTP/1.1 (no h2c); over
/// TLS it is negotiated per connection, so unknown.
pub fn http_protocol(endpoint: &Endpoint) -> Option<String> {
    endpoint
        .base_url
        .starts_with("http://")
        .then(|| "http/1.1".to_string())
}

/// Wall clock now, Unix milliseconds.
pub fn unix_ms() -> Option<f64> {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .ok()
        .map(|d| d.as_secs_f64() * 1000.0)
}

/// A seed for back-off jitter that differs between runs.
pub fn fresh_seed() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(1, |d| d.as_nanos() as u64 ^ u64::from(std::process::id()))
}
