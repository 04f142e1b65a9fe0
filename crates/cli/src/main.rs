//! `sqlsweep`: the command-line adapter over sqlsweep-core. This file only parses the
//! command line and dispatches to `cmd/<subcommand>.rs`.

mod cmd;
mod data;
mod http;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Which LLM, on which inference platform, is accurate, fast and cheap enough for
/// text-to-SQL on Chinook?
#[derive(Debug, Parser)]
#[command(name = "sqlsweep", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    FetchData(cmd::fetch_data::Args),
    Verify(cmd::verify::Args),
    /// One streamed call to a provider or local endpoint: outcome, timings, usage, answer.
    Probe(cmd::probe::ProbeArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::FetchData(args) => cmd::fetch_data::run(args),
        Command::Verify(args) => cmd::verify::run(args),
        Command::Probe(args) => Ok(cmd::probe::run(args)),
    };
    result.unwrap_or_else(|e| {
        eprintln!("error: {e}");
        ExitCode::FAILURE
    })
}
