//! `sqlsweep fetch-data`: fills the data cache with every file the manifest lists,
//! from a mirror directory or by download, verifying each file's sha256.

use std::path::PathBuf;
use std::process::ExitCode;

use crate::data::{DataPlan, Obtained};

/// Fetch the external data files (Chinook, the published results) into data/cache/.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Directory holding copies of the data files [default: $SQLSWEEP_MIRROR, else
    /// ../shared/reference beside the repository when it exists]
    #[arg(long, value_name = "DIR")]
    pub mirror: Option<PathBuf>,
    /// Where to put the files [default: data/cache/ in the repository]
    #[arg(long, value_name = "DIR")]
    pub dest: Option<PathBuf>,
    /// The data manifest [default: data/manifest.toml, found by walking up from the
    /// current directory]
    #[arg(long, value_name = "PATH")]
    pub manifest: Option<PathBuf>,
}

pub fn run(args: Args) -> Result<ExitCode, String> {
    let plan = DataPlan::resolve(
        args.manifest.as_deref(),
        args.dest.as_deref(),
        args.mirror.as_deref(),
    )?;
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
