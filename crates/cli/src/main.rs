//! `sqlsweep`: the command-line adapter over sqlsweep-core.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod cmd;
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
}

fn main() -> ExitCode {
    match Cli::parse().command {
        Command::Probe(args) => cmd::probe::run(args),
    }
}
