//! `sqlsweep merge`: shards of a sweep (split by model or question range, run as
//! parallel jobs anywhere) back into one file. Refuses shards of different
//! experiments (protocol, gold set) and a trace present twice.

use std::path::PathBuf;
use std::process::ExitCode;

use sqlsweep_core::engine::merge;
use sqlsweep_core::sweep;

use crate::journal_file::write_atomically;

/// Merge sweep shards into one sweep file.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The shards (sweep files written by `sqlsweep sweep` or `load`)
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// The merged sweep file to write
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
}

pub fn run(args: Args) -> Result<ExitCode, String> {
    let mut shards = Vec::with_capacity(args.files.len());
    for (i, path) in args.files.iter().enumerate() {
        let name = path.display().to_string();
        let bytes = std::fs::read(path)
            .map_err(|e| format!("shard {} ({name}): cannot read: {e}", i + 1))?;
        let s = sweep::load(&bytes, &name).map_err(|e| format!("shard {}: {e}", i + 1))?;
        shards.push(s);
    }
    let merged = merge(&shards).map_err(|e| {
        let names: Vec<String> = args
            .files
            .iter()
            .enumerate()
            .map(|(i, p)| format!("shard {} = {}", i + 1, p.display()))
            .collect();
        format!("{e} ({})", names.join(", "))
    })?;
    write_atomically(&args.out, sweep::to_json(&merged).as_bytes())?;
    let traces: usize = merged.models.iter().map(|m| m.traces.len()).sum();
    for line in super::sweep::summary_lines(&merged) {
        println!("{line}");
    }
    println!(
        "merged {} shards into {} ({} models, {traces} traces)",
        shards.len(),
        args.out.display(),
        merged.models.len()
    );
    Ok(ExitCode::SUCCESS)
}
