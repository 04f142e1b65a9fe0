//! `sqlsweep`: the command-line adapter over sqlsweep-core. This file only parses the
//! command line and dispatches to `cmd/<subcommand>.rs`.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod cmd;
mod cpu;
mod data;
mod drive;
mod http;
mod inputs;
mod journal_file;
mod progress_view;
mod runner;
mod target;

#[derive(Debug, Parser)]
#[command(
    name = "sqlsweep",
    version,
    about = "Which LLM, on which platform, is accurate, fast and cheap enough for text-to-SQL?"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// One streamed call to a provider or local endpoint: outcome, timings, usage, answer.
    Probe(cmd::probe::ProbeArgs),
    /// Fetch the external data files (Chinook, the published results) into data/cache/,
    /// and write the copies the web page serves into data/web/ (JSON without whitespace).
    FetchData(cmd::fetch_data::Args),
    /// Re-execute and re-score every trace of sweep files; exit 1 on any disagreement.
    Verify(cmd::verify::Args),
    /// Run the gold questions against models and write a sweep file (resumable).
    Sweep(cmd::sweep::SweepArgs),
    /// Load test: closed loops at several concurrencies; latency under load.
    Load(cmd::sweep::LoadArgs),
    /// Merge sweep shards (split by model or question range) into one file.
    Merge(cmd::merge::Args),
    /// Ask questions about a SQLite database (Chinook by default) in plain words.
    Ask(cmd::ask::Args),
    /// Measure the harness's own TTFT error against a fixture with a known delay.
    Calibrate(cmd::calibrate::Args),
}

/// Prints a command's error and turns it into exit status 1.
fn report(result: Result<ExitCode, String>) -> ExitCode {
    result.unwrap_or_else(|e| {
        eprintln!("error: {e}");
        ExitCode::FAILURE
    })
}

fn main() -> ExitCode {
    match Cli::parse().command {
        Command::Probe(args) => cmd::probe::run(args),
        Command::FetchData(args) => report(cmd::fetch_data::run(args)),
        Command::Verify(args) => report(cmd::verify::run(args)),
        Command::Sweep(args) => report(cmd::sweep::run_sweep(args)),
        Command::Load(args) => report(cmd::sweep::run_load(args)),
        Command::Merge(args) => report(cmd::merge::run(args)),
        Command::Ask(args) => report(cmd::ask::run(args)),
        Command::Calibrate(args) => report(cmd::calibrate::run(args)),
    }
}
