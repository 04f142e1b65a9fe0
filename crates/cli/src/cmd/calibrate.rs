//! `sqlsweep calibrate`: the harness's own timing error. Against the fixture server
//! with a known delay before the first token (the `ttft-<ms>` behaviour), every call's
//! measured TTFT minus that delay is what the harness adds — network stack, HTTP
//! client, scheduling under load, parsing. The p50/p99 go into a run's metadata
//! (`sweep --calibrate`) so no TTFT difference smaller than them is read as a finding.
//! It also reports the harness's CPU time per call.
//!
//! The calls go through the same engine as a sweep (one closed loop, warm-up excluded).
//! With no `--base-url` a fixture is started in this process on 127.0.0.1; its CPU then
//! counts too, so benchmarks use a separate fixture process.

use std::path::PathBuf;
use std::process::ExitCode;

use serde_json::json;
use sqlsweep_core::engine::calibrate::ttft_errors;
use sqlsweep_core::engine::progress::duration_text;
use sqlsweep_core::engine::{calibration, Engine, QuestionSelection, RunContext, RunSpec};
use sqlsweep_core::live::request::Endpoint;
use sqlsweep_core::stats::quantile;
use sqlsweep_core::sweep::{self, Calibration, LoadStep, Schedule};
use sqlsweep_fixture::{spawn_background, BackgroundFixture, FixtureConfig};

use crate::cpu::process_cpu_seconds;
use crate::http::Clock;
use crate::inputs::{DataArgs, Inputs};
use crate::journal_file::write_atomically;
use crate::runner::{self, Sinks};
use crate::target::{with_key, Target};

/// Measure the harness's TTFT error against a fixture with a known first-token delay.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Base URL of a running sqlsweep-fixture [default: start one in this process]
    #[arg(long, value_name = "URL")]
    pub base_url: Option<String>,
    /// The fixture's configured delay before the first token
    #[arg(long, value_name = "MS", default_value_t = 200)]
    pub ttft_ms: u64,
    /// Calls in flight at once
    #[arg(long, default_value_t = 1)]
    pub concurrency: u32,
    /// Measured calls (rounded up to whole rounds of the gold questions)
    #[arg(long, default_value_t = 100)]
    pub requests: usize,
    /// Warm-up calls excluded from the figures [default: one per slot]
    #[arg(long)]
    pub warmup: Option<u32>,
    /// Print one JSON object
    #[arg(long)]
    pub json: bool,
    /// Also write the calibration run as a sweep file
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    #[command(flatten)]
    pub data: DataArgs,
}

/// A finished calibration run.
pub struct CalibrationRun {
    pub calibration: Calibration,
    pub base_url: String,
    pub concurrency: u32,
    /// Measured − configured TTFT per answered call, in dispatch order.
    pub errors: Vec<f64>,
    /// Measured calls, and those that failed.
    pub calls: usize,
    pub failed: usize,
    pub wall_ms: f64,
    /// CPU seconds of this process (all threads) over the run, per call (warm-ups included).
    pub cpu_ms_per_call: Option<f64>,
    pub in_process_fixture: bool,
    pub sweep: sweep::SweepFile,
}

/// The key calibration sends: `SQLSWEEP_API_KEY` when set, else a fixed token (a
/// fixture started without `--key` accepts any).
fn calibration_key() -> String {
    std::env::var("SQLSWEEP_API_KEY")
        .ok()
        .map(|k| k.trim().to_string())
        .filter(|k| !k.is_empty())
        .unwrap_or_else(|| "sqlsweep-calibration".to_string())
}

/// Starts the in-process fixture (answers every question with `SELECT 1`, so SQL
/// costs next to nothing and the CPU figure is the harness's).
fn start_fixture(concurrency: u32) -> Result<BackgroundFixture, String> {
    spawn_background(FixtureConfig {
        max_concurrent: (concurrency as usize * 2).max(1024),
        ..FixtureConfig::default()
    })
    .map_err(|e| format!("cannot start the calibration fixture on 127.0.0.1: {e}"))
}

/// How a calibration runs.
struct Plan {
    ttft_ms: u64,
    concurrency: u32,
    /// Measured calls wanted.
    requests: usize,
    warmup: u32,
    in_process_fixture: bool,
}

/// Runs a calibration: `plan.requests` measured calls at `plan.concurrency`.
fn measure(
    rt: &tokio::runtime::Runtime,
    target: &Target,
    inputs: &Inputs,
    plan: Plan,
) -> Result<CalibrationRun, String> {
    let Plan {
        ttft_ms,
        concurrency,
        requests,
        warmup,
        in_process_fixture,
    } = plan;
    let model = format!("ttft-{ttft_ms}");
    let mut spec = RunSpec::new(target.endpoint.clone(), &[model.as_str()]);
    spec.questions = QuestionSelection::All;
    let questions = inputs.gold.len().max(1);
    spec.schedule = Schedule::Load {
        steps: vec![LoadStep {
            concurrency,
            rounds: requests.max(1).div_ceil(questions) as u32,
        }],
        warmup,
    };
    spec.limits.call_timeout_ms = (ttft_ms + 60_000).max(1);
    spec.context = RunContext {
        label: Some(format!(
            "harness calibration (TTFT {ttft_ms} ms, c={concurrency})"
        )),
        tool_version: format!("sqlsweep {}", env!("CARGO_PKG_VERSION")),
        user_agent: Some(runner::user_agent()),
        http_protocol: runner::http_protocol(&target.endpoint),
        started_at_unix_ms: runner::unix_ms(),
        calibration: None,
    };
    let mut engine =
        Engine::new(spec, &inputs.gold, &inputs.schema, None).map_err(|e| e.to_string())?;
    let clock = Clock::new();
    let cpu_before = process_cpu_seconds();
    let started = clock.now_ms();
    runner::run(
        rt,
        &mut engine,
        target,
        &inputs.db_path,
        clock,
        Sinks {
            journal: None,
            view: None,
        },
    )?;
    let wall_ms = clock.now_ms() - started;
    let cpu = match (cpu_before, process_cpu_seconds()) {
        (Some(a), Some(b)) => Some(b - a),
        _ => None,
    };
    let sweep = engine.sweep();
    let traces: Vec<_> = sweep.models.iter().flat_map(|m| m.traces.clone()).collect();
    let all_calls = traces.len();
    let measured: Vec<_> = traces.iter().filter(|t| !t.is_warmup()).collect();
    let failed = measured
        .iter()
        .filter(|t| t.outcome.is_some_and(|o| o.is_transport_failure()))
        .count();
    let errors = ttft_errors(ttft_ms as f64, &traces);
    let cal = calibration(ttft_ms as f64, &traces).ok_or_else(|| {
        let why = traces
            .iter()
            .find_map(|t| t.error.clone())
            .unwrap_or_else(|| "no call reported a first token".into());
        format!(
            "calibration failed: no call got a first token from {} ({why}); is it a sqlsweep-fixture?",
            target.endpoint.base_url
        )
    })?;
    Ok(CalibrationRun {
        calibration: cal,
        base_url: target.endpoint.base_url.clone(),
        concurrency,
        errors,
        calls: measured.len(),
        failed,
        wall_ms,
        cpu_ms_per_call: cpu
            .filter(|_| all_calls > 0)
            .map(|c| c * 1000.0 / all_calls as f64),
        in_process_fixture,
        sweep,
    })
}

/// The first-token delay of the built-in calibration: long enough that the fixture's
/// timers dominate nothing, short enough that 25 sequential calls take 2.5 s.
pub const BUILTIN_TTFT_MS: u64 = 100;

/// A calibration against a fixture started in this process (for `sweep --calibrate`):
/// at least 25 measured calls, four per slot at the run's concurrency.
pub fn builtin(
    rt: &tokio::runtime::Runtime,
    inputs: &Inputs,
    concurrency: u32,
) -> Result<CalibrationRun, String> {
    let fixture = start_fixture(concurrency)?;
    let endpoint = Endpoint::custom(&fixture.base_url()).map_err(|e| e.to_string())?;
    let target = with_key(endpoint, calibration_key())?;
    let requests = 25.max(4 * concurrency as usize);
    let plan = Plan {
        ttft_ms: BUILTIN_TTFT_MS,
        concurrency,
        requests,
        warmup: concurrency,
        in_process_fixture: true,
    };
    measure(rt, &target, inputs, plan)
}

/// `harness TTFT error vs fixture (200 ms configured): p50 +2.1 ms, p99 +9.8 ms (50 calls)`.
pub fn describe(c: &Calibration) -> String {
    format!(
        "harness TTFT error vs fixture ({:.0} ms configured): p50 {:+.1} ms, p99 {:+.1} ms ({} calls)",
        c.configured_ttft_ms, c.error_p50_ms, c.error_p99_ms, c.samples
    )
}

pub fn run(args: Args) -> Result<ExitCode, String> {
    if args.concurrency == 0 {
        return Err("--concurrency must be at least 1".into());
    }
    let inputs = args.data.resolve()?;
    let rt = runner::runtime()?;
    let (fixture, endpoint) = match &args.base_url {
        Some(url) => (
            None,
            Endpoint::custom(url).map_err(|e| format!("--base-url: {e}"))?,
        ),
        None => {
            let f = start_fixture(args.concurrency)?;
            let e = Endpoint::custom(&f.base_url()).map_err(|e| e.to_string())?;
            (Some(f), e)
        }
    };
    let key = calibration_key();
    let target = with_key(endpoint, key.clone())?;
    let warmup = args.warmup.unwrap_or(args.concurrency);
    let plan = Plan {
        ttft_ms: args.ttft_ms,
        concurrency: args.concurrency,
        requests: args.requests,
        warmup,
        in_process_fixture: fixture.is_some(),
    };
    let run = measure(&rt, &target, &inputs, plan)?;
    drop(fixture);
    if let Some(out) = &args.out {
        write_atomically(out, sweep::to_json(&run.sweep).as_bytes())?;
    }
    let q = |p: f64| quantile(&run.errors, p);
    let calls_per_s = (run.wall_ms > 0.0).then(|| run.calls as f64 / (run.wall_ms / 1000.0));
    if args.json {
        let v = json!({
            "base_url": run.base_url,
            "configured_ttft_ms": args.ttft_ms,
            "concurrency": run.concurrency,
            "calls": run.calls,
            "failed": run.failed,
            "samples": run.calibration.samples,
            "error_p50_ms": run.calibration.error_p50_ms,
            "error_p90_ms": q(0.9),
            "error_p99_ms": run.calibration.error_p99_ms,
            "error_max_ms": q(1.0),
            "cpu_ms_per_call": run.cpu_ms_per_call,
            "wall_ms": run.wall_ms,
            "calls_per_s": calls_per_s,
            "in_process_fixture": run.in_process_fixture,
        });
        println!(
            "{}",
            sqlsweep_core::live::request::scrub(&v.to_string(), &key)
        );
        return Ok(ExitCode::SUCCESS);
    }
    let c = &run.calibration;
    println!(
        "harness calibration against {} (configured TTFT {} ms, concurrency {})",
        run.base_url, args.ttft_ms, run.concurrency
    );
    println!(
        "  measured − configured TTFT: p50 {:+.1} ms · p90 {:+.1} ms · p99 {:+.1} ms · max {:+.1} ms ({} calls, {} failed)",
        c.error_p50_ms,
        q(0.9).unwrap_or(f64::NAN),
        c.error_p99_ms,
        q(1.0).unwrap_or(f64::NAN),
        c.samples,
        run.failed
    );
    if let Some(cpu) = run.cpu_ms_per_call {
        let note = if run.in_process_fixture {
            " (includes the in-process fixture; use --base-url for the harness alone)"
        } else {
            ""
        };
        println!("  CPU per call: {cpu:.3} ms{note}");
    }
    println!(
        "  wall {} · {}",
        duration_text(run.wall_ms),
        calls_per_s.map_or("—".into(), |r| format!("{r:.0} calls/s"))
    );
    Ok(ExitCode::SUCCESS)
}
