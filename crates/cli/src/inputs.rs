//! The inputs every run needs — the SQLite database, the gold set and the schema the
//! prompts show — from explicit flags or, by default, through the data manifest
//! (Chinook and the gold files, fetched and sha256-checked by [`DataPlan`]).

use std::path::{Path, PathBuf};

use sqlsweep_core::agent::schema::read_schema;
use sqlsweep_core::agent::SchemaInfo;
use sqlsweep_core::gold::GoldSet;
use sqlsweep_core::manifest::Role;

use crate::data::DataPlan;

/// Where the database and the gold set come from.
#[derive(Debug, Clone, clap::Args)]
pub struct DataArgs {
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
}

/// Resolved inputs.
pub struct Inputs {
    pub db_path: PathBuf,
    pub schema: SchemaInfo,
    pub gold: GoldSet,
}

impl DataArgs {
    /// The database path: the flag, else the manifest's database.
    pub fn db_path(&self) -> Result<PathBuf, String> {
        match &self.db {
            Some(p) => Ok(p.clone()),
            None => Ok(self.manifest_files(Role::Database)?.swap_remove(0)),
        }
    }

    /// The gold set: the flags' files, else the manifest's gold files.
    pub fn gold(&self) -> Result<GoldSet, String> {
        let paths = if self.gold.is_empty() {
            self.manifest_files(Role::Gold)?
        } else {
            self.gold.clone()
        };
        let sets = paths
            .iter()
            .map(|p| read_gold(p))
            .collect::<Result<Vec<_>, _>>()?;
        GoldSet::merge(sets).map_err(|e| e.to_string())
    }

    /// Database, schema and gold set.
    pub fn resolve(&self) -> Result<Inputs, String> {
        let db_path = self.db_path()?;
        let schema = schema_of(&db_path)?;
        Ok(Inputs {
            db_path,
            schema,
            gold: self.gold()?,
        })
    }

    fn manifest_files(&self, role: Role) -> Result<Vec<PathBuf>, String> {
        let plan = DataPlan::resolve(self.manifest.as_deref(), None, self.mirror.as_deref())?;
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

/// The schema of the database at `path`, opened read-only.
pub fn schema_of(path: &Path) -> Result<SchemaInfo, String> {
    let flags =
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = rusqlite::Connection::open_with_flags(path, flags)
        .map_err(|e| format!("cannot open the database {}: {e}", path.display()))?;
    let schema = read_schema(&conn)
        .map_err(|e| format!("cannot read the schema of {}: {e}", path.display()))?;
    if schema.tables.is_empty() {
        return Err(format!(
            "{} has no tables: is it the right database?",
            path.display()
        ));
    }
    Ok(schema)
}

fn read_gold(path: &Path) -> Result<GoldSet, String> {
    let name = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|e| format!("gold set {name}: cannot read: {e}"))?;
    GoldSet::from_json(&bytes, &name).map_err(|e| e.to_string())
}
