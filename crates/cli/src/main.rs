//! `sqlsweep`: the command-line adapter over sqlsweep-core. This file only parses the
//! command line and dispatches to `cmd/<subcommand>.rs`.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod cmd;
mod data;
mod http;

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
    /// Fetch the external data files (Chinook, the published results) into data/cache/.
    FetchData(cmd::fetch_data::Args),
    /// Re-execute and re-score every trace of sweep files; exit 1 on any disagreement.
    Verify(cmd::verify::Args),
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
    }
}
