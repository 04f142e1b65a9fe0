//! `sqlsweep fetch-data`: fills the data cache with every file the manifest lists,
//! from a mirror directory or by download, verifying each file's sha256; then, once
//! every file is verified, writes the copies the web page serves (`data/web/`: JSON
//! without its whitespace, other files as they are).

use std::path::PathBuf;
use std::process::ExitCode;

use sqlsweep_core::analysis::format::thousands;

use crate::data::{DataPlan, Obtained};

/// Fetch the external data files (Chinook, the published results) into data/cache/, and
/// write the copies the web page serves into data/web/ (JSON without whitespace).
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Directory holding copies of the data files [default: $SQLSWEEP_MIRROR, else
    /// ../shared/reference beside the repository when it exists]
    #[arg(long, value_name = "DIR")]
    pub mirror: Option<PathBuf>,
    /// Where to put the files [default: data/cache/ in the repository]
    #[arg(long, value_name = "DIR")]
    pub dest: Option<PathBuf>,
    /// Where to write the copies the web page serves, rewritten on every run: JSON files
    /// without their whitespace, other files as they are [default: data/web/ in the
    /// repository]
    #[arg(long, value_name = "DIR")]
    pub web: Option<PathBuf>,
    /// The data manifest [default: data/manifest.toml, found by walking up from the
    /// current directory]
    #[arg(long, value_name = "PATH")]
    pub manifest: Option<PathBuf>,
}

pub fn run(args: Args) -> Result<ExitCode, String> {
    let mut plan = DataPlan::resolve(
        args.manifest.as_deref(),
        args.dest.as_deref(),
        args.mirror.as_deref(),
    )?;
    if let Some(web) = args.web {
        plan.web = web;
    }
    println!("manifest: {}", plan.manifest_path.display());
    match &plan.mirror {
        Some(m) => println!("mirror: {}", m.display()),
        None => println!("mirror: none (files are downloaded from their manifest URLs)"),
    }
    println!("destination: {}", plan.dest.display());
    let mut failures = Vec::new();
    for entry in &plan.manifest.files {
        match plan.ensure(entry) {
            Ok((_, how)) => {
                let how = match how {
                    Obtained::AlreadyPresent => "already present".to_string(),
                    Obtained::CopiedFrom(p) => format!("copied from {}", p.display()),
                    Obtained::Downloaded(url) => format!("downloaded from {url}"),
                };
                println!("  ok  {:<34} {:>9} bytes  {how}", entry.name, entry.bytes);
            }
            Err(e) => {
                eprintln!("  ERR {e}");
                failures.push(entry.name.clone());
            }
        }
    }
    if failures.is_empty() {
        println!("{} files verified (sha256)", plan.manifest.files.len());
        let web = plan.write_web_copies()?;
        for name in &web.not_json {
            eprintln!("  warning: {name} does not parse as JSON; its web copy is unchanged");
        }
        println!(
            "web copies: {} files in {} (JSON without whitespace: {} → {} bytes)",
            web.files,
            plan.web.display(),
            thousands(web.json_bytes_before as i64),
            thousands(web.json_bytes_after as i64)
        );
        if web.lean_files > 0 {
            println!(
                "lean copies of {} sweeps in {} (no result rows or raw output: the dashboard's first screen)",
                web.lean_files,
                plan.web.join(crate::data::LEAN_DIR).display()
            );
        }
        Ok(ExitCode::SUCCESS)
    } else {
        Err(format!(
            "{} of {} files could not be fetched: {}",
            failures.len(),
            plan.manifest.files.len(),
            failures.join(", ")
        ))
    }
}
