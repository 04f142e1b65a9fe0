//! `sqlsweep verify`: re-executes every trace of sweep files on Chinook, checks the
//! recorded rows are reproduced, re-scores against the gold set and compares with the
//! recorded verdicts. Exit status 1 when anything disagrees or a file cannot be read.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use serde::Serialize;
use sqlsweep_core::exec::{GuardedDb, Limits};
use sqlsweep_core::gold::GoldSet;
use sqlsweep_core::manifest::Role;
use sqlsweep_core::sweep;
use sqlsweep_core::value::ResultSet;
use sqlsweep_core::verify::{verify_sweep, SqlRunner, VerifyReport};

use crate::data::DataPlan;

/// Re-execute and re-score every trace of sweep files (ours or the original's format).
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Sweep files to verify
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// Print one JSON object per file (keys: file, traces, scores_agree, rows_checked,
    /// rows_reproduced, disagreements, …)
    #[arg(long)]
    pub json: bool,
    /// The SQLite database [default: Chinook.db through the data manifest]
    #[arg(long, value_name = "PATH")]
    pub db: Option<PathBuf>,
    /// Gold question files, merged in order [default: the manifest's gold files]
    #[arg(long, value_name = "FILE")]
    pub gold: Vec<PathBuf>,
    /// The data manifest [default: data/manifest.toml found by walking up]
    #[arg(long, value_name = "PATH")]
    pub manifest: Option<PathBuf>,
    /// Mirror directory for data files [default: $SQLSWEEP_MIRROR or ../shared/reference]
    #[arg(long, value_name = "DIR")]
    pub mirror: Option<PathBuf>,
    /// Wall-clock limit per query, in seconds, on top of the step budget (a sweep file
    /// is untrusted input; the slowest gold query takes about 0.1 s natively)
    #[arg(long, value_name = "SECONDS", default_value_t = 30.0)]
    pub timeout: f64,
}

/// Runs each query under the default limits and a wall-clock deadline.
struct TimedRunner<'a> {
    db: &'a GuardedDb,
    timeout: Duration,
}

impl SqlRunner for TimedRunner<'_> {
    fn run(&mut self, sql: &str) -> Result<ResultSet, String> {
        let deadline = Instant::now() + self.timeout;
        self.db
            .set_stop_check(Some(Box::new(move || Instant::now() >= deadline)));
        let result = self
            .db
            .run(sql, &Limits::default())
            .map_err(|e| e.to_string());
        self.db.set_stop_check(None);
        result
    }
}

/// One line of `--json` output.
#[derive(Serialize)]
struct FileResult<'a> {
    file: String,
    #[serde(flatten)]
    report: &'a VerifyReport,
}

pub fn run(args: Args) -> Result<ExitCode, String> {
    let (db_path, gold) = inputs(&args)?;
    let timeout = Duration::try_from_secs_f64(args.timeout)
        .ok()
        .filter(|t| !t.is_zero())
        .ok_or_else(|| {
            format!(
                "--timeout must be a positive number of seconds, not {}",
                args.timeout
            )
        })?;
    let db = GuardedDb::open_path(&db_path).map_err(|e| e.to_string())?;
    let mut runner = TimedRunner { db: &db, timeout };
    if !args.json {
        println!(
            "database {} · gold set of {} questions (sha256 {})",
            db_path.display(),
            gold.len(),
            gold.sha256_hex()
        );
    }

    let mut all_ok = true;
    for path in &args.files {
        let file = path.display().to_string();
        let loaded = std::fs::read(path)
            .map_err(|e| format!("sweep file {file}: cannot read: {e}"))
            .and_then(|bytes| sweep::load(&bytes, &file).map_err(|e| e.to_string()));
        let sweep = match loaded {
            Ok(s) => s,
            Err(e) => {
                all_ok = false;
                if args.json {
                    println!("{}", serde_json::json!({ "file": file, "error": e }));
                } else {
                    eprintln!("error: {e}");
                }
                continue;
            }
        };
        let started = Instant::now();
        let report = verify_sweep(&sweep, &gold, &mut runner);
        let elapsed = started.elapsed();
        all_ok &= report.all_agree();
        if args.json {
            let line = serde_json::to_string(&FileResult {
                file,
                report: &report,
            })
            .map_err(|e| format!("cannot write JSON: {e}"))?;
            println!("{line}");
        } else {
            print_human(&file, &sweep, &report, elapsed.as_secs_f64());
        }
    }
    Ok(if all_ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// The data plan, resolved the first time a default input is needed.
struct LazyPlan<'a> {
    args: &'a Args,
    plan: Option<DataPlan>,
}

impl LazyPlan<'_> {
    fn get(&mut self) -> Result<&DataPlan, String> {
        if self.plan.is_none() {
            self.plan = Some(DataPlan::resolve(
                self.args.manifest.as_deref(),
                None,
                self.args.mirror.as_deref(),
            )?);
        }
        self.plan
            .as_ref()
            .ok_or_else(|| "the data manifest could not be resolved".to_string())
    }

    /// Local paths of every manifest file with `role`, fetched and verified as needed.
    fn files(&mut self, role: Role) -> Result<Vec<PathBuf>, String> {
        let plan = self.get()?;
        let paths = plan
            .manifest
            .with_role(role)
            .map(|e| plan.ensure(e).map(|(p, _)| p))
            .collect::<Result<Vec<_>, _>>()?;
        if paths.is_empty() {
            return Err(format!(
                "the data manifest {} lists no {role:?} file",
                plan.manifest_path.display()
            ));
        }
        Ok(paths)
    }
}

/// The database path and gold set: from the flags, else through the data manifest.
fn inputs(args: &Args) -> Result<(PathBuf, GoldSet), String> {
    let mut plan = LazyPlan { args, plan: None };
    let db_path = match &args.db {
        Some(p) => p.clone(),
        None => plan.files(Role::Database)?.swap_remove(0),
    };
    let gold_paths = if args.gold.is_empty() {
        plan.files(Role::Gold)?
    } else {
        args.gold.clone()
    };
    let sets = gold_paths
        .iter()
        .map(|p| read_gold(p))
        .collect::<Result<Vec<_>, _>>()?;
    let gold = GoldSet::merge(sets).map_err(|e| e.to_string())?;
    Ok((db_path, gold))
}

fn read_gold(path: &Path) -> Result<GoldSet, String> {
    let name = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|e| format!("gold set {name}: cannot read: {e}"))?;
    GoldSet::from_json(&bytes, &name).map_err(|e| e.to_string())
}

fn print_human(file: &str, sweep: &sweep::SweepFile, r: &VerifyReport, seconds: f64) {
    let platform = sweep
        .run
        .platform
        .as_ref()
        .map_or("platform not recorded", |p| p.label());
    println!();
    println!(
        "{file} ({platform}, {} models, {} traces) — checked in {seconds:.2} s",
        sweep.models.len(),
        r.traces
    );
    println!(
        "  scores agree {}/{} · rows reproduced {}/{} · SQL errors reproduced {}/{}",
        r.scores_agree,
        r.traces,
        r.rows_reproduced,
        r.rows_checked,
        r.errors_reproduced,
        r.errors_checked
    );
    let width = r
        .models
        .iter()
        .map(|m| m.model.chars().count())
        .max()
        .unwrap_or(5)
        .max(5);
    println!(
        "  {:<width$}  {:>7}  {:>7}  {:>9}  {:>9}  correct (recorded/recomputed)",
        "model", "traces", "scores", "rows", "errors"
    );
    for m in &r.models {
        println!(
            "  {:<width$}  {:>7}  {:>7}  {:>9}  {:>9}  {}/{}{}",
            m.model,
            m.traces,
            format!("{}/{}", m.scores_agree, m.traces),
            format!("{}/{}", m.rows_reproduced, m.rows_checked),
            format!("{}/{}", m.errors_reproduced, m.errors_checked),
            m.correct_recorded,
            m.correct_recomputed,
            if m.reproduced() {
                ""
            } else {
                "  ← DISAGREES"
            }
        );
    }
    if r.disagreements.is_empty() {
        println!("  all checks agree");
    } else {
        println!("  {} disagreement(s):", r.disagreements.len());
        for d in &r.disagreements {
            let kind = serde_json::to_value(d.kind)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default();
            println!("    {} {} [{kind}]: {}", d.model, d.qid, d.detail);
        }
    }
}
