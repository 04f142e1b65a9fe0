//! `sqlsweep sweep` and `sqlsweep load`: run the gold questions against models on a
//! provider through core's run engine, checkpointing every finished trace so a kill
//! loses nothing and the same command resumes, and write one sweep file that
//! `sqlsweep verify`, `merge` and the dashboard read.
//!
//! `sweep` is the published protocol's run (sequential with pacing, or a closed loop
//! at `--concurrency`); `load` runs closed loops at several concurrencies, each
//! question several rounds, and reports latency under load.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::ValueEnum;
use sqlsweep_core::engine::load::{load_report, LevelReport};
use sqlsweep_core::engine::progress::duration_text;
use sqlsweep_core::engine::spec::rounds_for;
use sqlsweep_core::engine::{Engine, QuestionSelection, RunContext, RunSpec};
use sqlsweep_core::summary::summarize;
use sqlsweep_core::sweep::{LoadStep, PriceSource, Pricing, Protocol, Schedule, SweepFile};

use crate::http::Clock;
use crate::inputs::{DataArgs, Inputs};
use crate::journal_file::{self, Journal};
use crate::progress_view::ProgressView;
use crate::runner::{self, Sinks};
use crate::target::TargetArgs;

/// The protocol a run follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ProtocolArg {
    /// As published: one call, JSON mode, no repair, no retry.
    OneShot,
    /// The full agent: execute-and-repair, retries with back-off.
    Agent,
    /// The customer's naive prompt: no schema, no JSON mode.
    Baseline,
}

impl ProtocolArg {
    fn protocol(self) -> Protocol {
        match self {
            ProtocolArg::OneShot => Protocol::OneShot,
            ProtocolArg::Agent => Protocol::Agent,
            ProtocolArg::Baseline => Protocol::Baseline,
        }
    }
}

/// Options shared by `sweep` and `load`.
#[derive(Debug, Clone, clap::Args)]
pub struct RunArgs {
    #[command(flatten)]
    pub target: TargetArgs,
    /// Model id as the provider expects it (repeat for several models)
    #[arg(long = "model", value_name = "ID", required = true)]
    pub models: Vec<String>,
    #[arg(long, value_enum, default_value = "one-shot")]
    pub protocol: ProtocolArg,
    /// Questions: `all`, a range `q_001..q_010` or a list `q_001,s_003`
    #[arg(long, value_name = "SELECTION", conflicts_with = "shard")]
    pub questions: Option<String>,
    /// Part K of N of the gold set (contiguous), to split a sweep into parallel jobs
    #[arg(long, value_name = "K/N")]
    pub shard: Option<String>,
    /// The sweep file to write; its checkpoint `<FILE>.checkpoint.jsonl` makes the same
    /// command resume after a kill
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
    /// Warm-up calls per closed loop, recorded but excluded from statistics
    #[arg(long, default_value_t = 0)]
    pub warmup: u32,
    /// Time budget of one HTTP attempt, in seconds
    #[arg(long, value_name = "SECONDS", default_value_t = 120.0)]
    pub timeout_s: f64,
    /// Retries per model call (agent protocol only; one-shot and baseline never retry)
    #[arg(long, default_value_t = 2)]
    pub retries: u32,
    /// Stop asking a model after this many fatal failures in a row (401/403, 404,
    /// other client errors); its remaining questions are skipped and listed in the
    /// output, not counted as answers. 0 never stops
    #[arg(long, value_name = "N", default_value_t = 3)]
    pub stop_after_failures: u32,
    /// Rows the executor keeps and scores; more is a truncated (wrong) result
    #[arg(long, value_name = "ROWS")]
    pub row_cap: Option<usize>,
    /// Rates in USD per million tokens (input,output) for models the catalog has no
    /// price for (e.g. a custom endpoint)
    #[arg(long, value_name = "IN,OUT")]
    pub price: Option<String>,
    /// A label for the run in the dashboard
    #[arg(long)]
    pub label: Option<String>,
    /// Measure the harness's own TTFT error against a built-in fixture first and store
    /// it in the run metadata
    #[arg(long)]
    pub calibrate: bool,
    #[command(flatten)]
    pub data: DataArgs,
}

/// Run the gold questions against models; write a sweep file (resumable).
#[derive(Debug, clap::Args)]
pub struct SweepArgs {
    #[command(flatten)]
    pub run: RunArgs,
    /// Calls in flight at once (closed loop); 1 runs sequentially
    #[arg(long, default_value_t = 1)]
    pub concurrency: u32,
    /// Pause between calls of a sequential run, in milliseconds (the published
    /// sweeps used 1500 on Baseten and 5000 on Fireworks)
    #[arg(long, value_name = "MS", default_value_t = 0)]
    pub pace_ms: u64,
}

/// Load test: closed loops at several concurrencies; latency under load.
#[derive(Debug, clap::Args)]
pub struct LoadArgs {
    #[command(flatten)]
    pub run: RunArgs,
    /// Concurrency levels, run one after another (e.g. 1,8,64)
    #[arg(long, value_name = "C,C,…", value_delimiter = ',', required = true)]
    pub concurrency: Vec<u32>,
    /// Times each question is asked per level [default: enough for --min-samples
    /// calls and at least four per slot]
    #[arg(long)]
    pub rounds: Option<u32>,
    /// Measured calls per level the default rounds aim for (fewer make percentiles
    /// indicative only)
    #[arg(long, default_value_t = 100)]
    pub min_samples: usize,
}

pub fn run_sweep(args: SweepArgs) -> Result<ExitCode, String> {
    let r = &args.run;
    if args.concurrency == 0 {
        return Err("--concurrency must be at least 1".into());
    }
    let schedule = if args.concurrency == 1 && r.warmup == 0 {
        Schedule::Sequential {
            pace_ms: args.pace_ms,
        }
    } else {
        if args.pace_ms > 0 {
            return Err("--pace-ms applies to sequential runs (concurrency 1, no warm-up)".into());
        }
        Schedule::Concurrent {
            concurrency: args.concurrency,
            warmup: r.warmup,
        }
    };
    execute(r, |_| Ok(schedule), false)
}

pub fn run_load(args: LoadArgs) -> Result<ExitCode, String> {
    if args.concurrency.contains(&0) {
        return Err("--concurrency levels must be at least 1".into());
    }
    if args.rounds == Some(0) {
        return Err("--rounds must be at least 1".into());
    }
    let (levels, rounds, min) = (args.concurrency.clone(), args.rounds, args.min_samples);
    let warmup = args.run.warmup;
    execute(
        &args.run,
        move |questions| {
            Ok(Schedule::Load {
                steps: levels
                    .iter()
                    .map(|&c| LoadStep {
                        concurrency: c,
                        rounds: rounds.unwrap_or_else(|| rounds_for(c, questions, min)),
                    })
                    .collect(),
                warmup,
            })
        },
        true,
    )
}

/// Parses `--price IN,OUT`.
pub fn parse_price(text: &str) -> Result<Pricing, String> {
    let bad = || {
        format!("--price: expected two rates IN,OUT in USD per million tokens (e.g. 0.9,0.9), got {text:?}")
    };
    let (a, b) = text.split_once(',').ok_or_else(bad)?;
    let rate = |s: &str| {
        s.trim()
            .parse::<f64>()
            .ok()
            .filter(|x| x.is_finite() && *x >= 0.0)
            .ok_or_else(bad)
    };
    Ok(Pricing {
        input: rate(a)?,
        output: rate(b)?,
        source: PriceSource::UserEntered,
    })
}

/// The spec of a run from its flags (`schedule` gets the number of questions).
fn build_spec(
    r: &RunArgs,
    inputs: &Inputs,
    schedule: impl FnOnce(usize) -> Result<Schedule, String>,
) -> Result<RunSpec, String> {
    let target = r.target.endpoint()?.0;
    let questions = match (&r.questions, &r.shard) {
        (Some(q), _) => QuestionSelection::parse(q).map_err(|e| format!("--questions: {e}"))?,
        (None, Some(s)) => {
            QuestionSelection::parse_shard(s).map_err(|e| format!("--shard: {e}"))?
        }
        (None, None) => QuestionSelection::All,
    };
    let selected = questions
        .resolve(&inputs.gold)
        .map_err(|e| format!("--questions: {e}"))?
        .len();
    if !(r.timeout_s > 0.0 && r.timeout_s.is_finite()) {
        return Err("--timeout-s must be a positive number of seconds".into());
    }
    let models: Vec<&str> = r.models.iter().map(String::as_str).collect();
    let mut spec = RunSpec::new(target.clone(), &models);
    spec.protocol = r.protocol.protocol();
    spec.questions = questions;
    spec.schedule = schedule(selected)?;
    spec.limits.call_timeout_ms = (r.timeout_s * 1000.0).round() as u64;
    spec.limits.retries = r.retries;
    spec.limits.stop_model_after_consecutive_failures = r.stop_after_failures;
    if let Some(cap) = r.row_cap {
        spec.limits.max_rows = cap;
    }
    if let Some(p) = &r.price {
        let price = parse_price(p)?;
        for m in &mut spec.models {
            m.pricing.get_or_insert(price);
        }
    }
    spec.context = RunContext {
        label: r.label.clone(),
        tool_version: format!("sqlsweep {}", env!("CARGO_PKG_VERSION")),
        user_agent: Some(runner::user_agent()),
        http_protocol: runner::http_protocol(&target),
        started_at_unix_ms: runner::unix_ms(),
        calibration: None,
    };
    spec.seed = runner::fresh_seed();
    spec.validate().map_err(|e| e.to_string())?;
    Ok(spec)
}

fn execute(
    r: &RunArgs,
    schedule: impl FnOnce(usize) -> Result<Schedule, String>,
    load: bool,
) -> Result<ExitCode, String> {
    let target = r.target.resolve()?;
    let inputs = r.data.resolve()?;
    let mut spec = build_spec(r, &inputs, schedule)?;
    let rt = runner::runtime()?;
    if r.calibrate {
        let concurrency = match &spec.schedule {
            Schedule::Concurrent { concurrency, .. } => *concurrency,
            Schedule::Load { steps, .. } => steps.iter().map(|s| s.concurrency).max().unwrap_or(1),
            Schedule::Sequential { .. } => 1,
        };
        let cal = super::calibrate::builtin(&rt, &inputs, concurrency)?;
        eprintln!("{}", super::calibrate::describe(&cal.calibration));
        spec.context.calibration = Some(cal.calibration);
    }

    let previous = journal_file::previous(&r.out)?;
    if let Some(p) = &previous {
        let n: usize = p.sweep.models.iter().map(|m| m.traces.len()).sum();
        eprintln!(
            "resuming from {} ({n} traces already done)",
            p.from.display()
        );
        for note in &p.notes {
            eprintln!("  note: {note}");
        }
    }
    let mut engine = Engine::new(
        spec,
        &inputs.gold,
        &inputs.schema,
        previous.as_ref().map(|p| &p.sweep),
    )
    .map_err(|e| e.to_string())?;
    let mut journal = Journal::create(&r.out, &engine.sweep())?;
    let mut view = ProgressView::new();
    let clock = Clock::new();
    runner::run(
        &rt,
        &mut engine,
        &target,
        &inputs.db_path,
        clock,
        Sinks {
            journal: Some(&mut journal),
            view: Some(&mut view),
        },
    )?;
    let sweep = engine.sweep();
    journal.finish(&r.out, &sweep)?;
    print_summary(&sweep);
    for stop in &sweep.run.stopped_models {
        println!("{}", stop.message());
    }
    if load {
        print_load(&sweep);
    }
    let traces: usize = sweep.models.iter().map(|m| m.traces.len()).sum();
    println!(
        "wrote {} ({traces} traces); check it with: sqlsweep verify {}",
        r.out.display(),
        r.out.display()
    );
    Ok(ExitCode::SUCCESS)
}

fn ms(v: Option<f64>) -> String {
    v.map_or_else(|| "—".to_string(), duration_text)
}

/// One line per model, every figure recomputed from the traces.
pub fn summary_lines(sweep: &SweepFile) -> Vec<String> {
    sweep
        .models
        .iter()
        .map(|run| {
            let s = summarize(run);
            let mut line = format!(
                "{}: {}/{} correct ({:.0}%) · TTFT p50 {} · latency p50 {}, p90 {}",
                run.label(),
                s.correct,
                s.n,
                s.accuracy.unwrap_or(0.0) * 100.0,
                ms(s.median_ttft_ms),
                ms(s.median_latency_ms),
                ms(s.p90_latency_ms),
            );
            if let (Some(p), Some(c)) = (s.mean_prompt_tokens, s.mean_completion_tokens) {
                line.push_str(&format!(" · {p:.0}/{c:.0} tokens"));
            }
            if let Some(cost) = s.cost_per_query_usd {
                let est = if s.cost_is_estimate {
                    " (estimate)"
                } else {
                    ""
                };
                line.push_str(&format!(" · ${cost:.6}/query{est}"));
            }
            if s.errors > 0 {
                line.push_str(&format!(" · {} error(s)", s.errors));
            }
            if let Some(f) = &s.fatal_error {
                line.push_str(&format!(" · every call failed: {f}"));
            }
            line
        })
        .collect()
}

fn print_summary(sweep: &SweepFile) {
    for line in summary_lines(sweep) {
        println!("{line}");
    }
}

/// The load table: one row per model and level.
pub fn load_lines(sweep: &SweepFile) -> Vec<String> {
    let report = load_report(sweep);
    let mut out = vec![format!(
        "{:<24} {:>5} {:>6} {:>6} {:>9} {:>9} {:>9} {:>8} {:>6}  notes",
        "model", "c", "calls", "failed", "p50", "p90", "p99", "calls/s", "acc"
    )];
    for m in &report.models {
        let label = m.model.rsplit('/').next().unwrap_or(&m.model);
        for l in &m.levels {
            out.push(level_line(label, l));
        }
    }
    out
}

fn level_line(label: &str, l: &LevelReport) -> String {
    let mut notes = Vec::new();
    if l.indicative {
        notes.push(format!("indicative ({} answered < 100)", l.answered));
    }
    if l.browser_limited {
        notes.push("browser-limited".to_string());
    }
    if l.warmup_excluded > 0 {
        notes.push(format!("{} warm-up excluded", l.warmup_excluded));
    }
    for (class, n) in &l.errors_by_class {
        notes.push(format!("{n}× {}", class.label()));
    }
    format!(
        "{:<24} {:>5} {:>6} {:>6} {:>9} {:>9} {:>9} {:>8} {:>5.0}%  {}",
        label,
        l.concurrency,
        l.calls,
        l.failed,
        ms(l.p50_ms),
        ms(l.p90_ms),
        ms(l.p99_ms),
        l.throughput_qps
            .map_or("—".to_string(), |t| format!("{t:.1}")),
        l.accuracy.unwrap_or(0.0) * 100.0,
        notes.join(", ")
    )
}

fn print_load(sweep: &SweepFile) {
    for line in load_lines(sweep) {
        println!("{line}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(text: &str, expected: Result<(f64, f64), &str>) {
        match (parse_price(text), expected) {
            (Ok(p), Ok((i, o))) => {
                assert_eq!(
                    (p.input, p.output, p.source),
                    (i, o, PriceSource::UserEntered)
                )
            }
            (Err(e), Err(part)) => assert!(e.contains(part), "{e}"),
            (got, want) => panic!("{text}: got {got:?}, want {want:?}"),
        }
    }

    #[test]
    fn prices() {
        check("0.9,0.9", Ok((0.9, 0.9)));
        check(" 0.15 , 0.6 ", Ok((0.15, 0.6)));
        check("0,0", Ok((0.0, 0.0)));
        check("1", Err("expected two rates"));
        check("-1,2", Err("expected two rates"));
        check("a,b", Err("expected two rates"));
        check("inf,1", Err("expected two rates"));
    }
}
