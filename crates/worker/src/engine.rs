//! What the worker does, as plain Rust (natively tested): holds the guarded Chinook
//! connection and the gold set, runs SQL under the guard, and re-verifies sweeps
//! with the same core code as `sqlsweep verify`.

use sqlsweep_core::agent::SchemaInfo;
use sqlsweep_core::exec::{GuardedDb, Limits};
use sqlsweep_core::gold::GoldSet;
use sqlsweep_core::sweep::SweepFile;
use sqlsweep_core::value::{Cell, ResultSet};
use sqlsweep_core::verify::{verify_sweep, VerifyReport};

/// Facts reported when the database opens.
#[derive(Debug, Clone, PartialEq)]
pub struct OpenFacts {
    pub sqlite_version: String,
    pub gold_questions: u32,
}

/// The worker's state: nothing until [`Engine::open`] succeeds.
#[derive(Default)]
pub struct Engine {
    db: Option<GuardedDb>,
    gold: Option<GoldSet>,
}

impl Engine {
    pub fn new() -> Engine {
        Engine::default()
    }

    /// Opens the database image and the gold set (one or more gold files, by name).
    /// On failure the engine keeps nothing, and later requests say why.
    pub fn open(
        &mut self,
        database: &[u8],
        gold_files: &[(String, Vec<u8>)],
    ) -> Result<OpenFacts, String> {
        self.db = None;
        self.gold = None;
        let db = GuardedDb::open_bytes(database).map_err(|e| format!("Chinook.db: {e}"))?;
        let sets = gold_files
            .iter()
            .map(|(name, bytes)| GoldSet::from_json(bytes, name).map_err(|e| e.to_string()))
            .collect::<Result<Vec<_>, _>>()?;
        let gold = GoldSet::merge(sets).map_err(|e| e.to_string())?;
        let version = db
            .run("SELECT sqlite_version()", &Limits::default())
            .map_err(|e| format!("Chinook.db: {e}"))?;
        let sqlite_version = match version.rows.first().and_then(|r| r.first()) {
            Some(Cell::Text(v)) => v.clone(),
            other => return Err(format!("SQLite reported no version ({other:?})")),
        };
        let facts = OpenFacts {
            sqlite_version,
            gold_questions: gold.len() as u32,
        };
        self.db = Some(db);
        self.gold = Some(gold);
        Ok(facts)
    }

    fn db(&self) -> Result<&GuardedDb, String> {
        self.db.as_ref().ok_or_else(|| {
            "the database is not open (opening Chinook.db failed or was not requested)".into()
        })
    }

    /// Runs one read-only statement under the guard; `max_rows` lowers the row cap.
    pub fn run_sql(&self, sql: &str, max_rows: Option<u32>) -> Result<ResultSet, String> {
        let mut limits = Limits::default();
        if let Some(cap) = max_rows {
            limits.max_rows = limits.max_rows.min(cap as usize);
        }
        self.db()?.run(sql, &limits).map_err(|e| e.to_string())
    }

    /// The database's schema, as the agent shows it to a model.
    pub fn schema(&self) -> Result<SchemaInfo, String> {
        self.db()?
            .schema()
            .map_err(|e| format!("reading the schema: {e}"))
    }

    /// The gold questions opened with the database.
    pub fn gold(&self) -> Result<GoldSet, String> {
        self.gold
            .clone()
            .ok_or_else(|| "the gold set is not loaded".to_string())
    }

    /// Re-verifies every trace of `sweep` against the database and the gold set.
    pub fn verify(&self, sweep: &SweepFile) -> Result<VerifyReport, String> {
        let gold = self.gold.as_ref().ok_or("the gold set is not loaded")?;
        let mut runner = sqlsweep_core::verify::LimitedRunner {
            db: self.db()?,
            limits: Limits::default(),
        };
        Ok(verify_sweep(sweep, gold, &mut runner))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    /// A data file from the fetched cache, or the shared reference mirror.
    fn data(name: &str) -> Vec<u8> {
        let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
        for dir in ["data/cache", "../shared/reference"] {
            if let Ok(b) = std::fs::read(root.join(dir).join(name)) {
                return b;
            }
        }
        panic!("{name} not found in data/cache or ../shared/reference: run scripts/setup");
    }

    fn gold() -> Vec<(String, Vec<u8>)> {
        [
            "dev_questions_with_answers.json",
            "synthetic_questions.json",
        ]
        .map(|n| (n.to_string(), data(n)))
        .to_vec()
    }

    fn opened() -> Engine {
        let mut e = Engine::new();
        let facts = e.open(&data("Chinook.db"), &gold()).expect("opens");
        assert_eq!(facts.gold_questions, 25);
        e
    }

    fn check_sql(
        e: &Engine,
        sql: &str,
        max_rows: Option<u32>,
        expected: Result<(usize, bool), &str>,
    ) {
        match (e.run_sql(sql, max_rows), expected) {
            (Ok(rs), Ok((rows, truncated))) => {
                assert_eq!((rs.rows.len(), rs.truncated), (rows, truncated), "{sql}")
            }
            (Err(err), Err(needle)) => assert!(err.contains(needle), "{sql}: {err}"),
            (got, want) => panic!("{sql}: got {got:?}, want {want:?}"),
        }
    }

    #[test]
    fn runs_guarded_sql() {
        let e = opened();
        check_sql(&e, "SELECT count(*) FROM Track", None, Ok((1, false)));
        check_sql(&e, "SELECT TrackId FROM Track", Some(30), Ok((30, true)));
        check_sql(&e, "SELECT TrackId FROM Track", None, Ok((3503, false)));
        check_sql(&e, "DROP TABLE Track", None, Err("DROP"));
        check_sql(&e, "SELECT * FROM NoSuchTable", None, Err("NoSuchTable"));
    }

    #[test]
    fn describes_schema_and_gold() {
        let e = opened();
        let schema = e.schema().expect("schema");
        assert_eq!(schema.tables.len(), 11, "Chinook has 11 tables");
        assert!(schema.table("InvoiceLine").is_some());
        let gold = e.gold().expect("gold");
        assert_eq!(gold.len(), 25);
        assert!(gold.get("q_001").is_some());
        let closed = Engine::new();
        assert!(closed.schema().unwrap_err().contains("not open"));
        assert!(closed.gold().unwrap_err().contains("not loaded"));
    }

    #[test]
    fn refuses_before_open_and_bad_input() {
        let e = Engine::new();
        assert!(e
            .run_sql("SELECT 1", None)
            .unwrap_err()
            .contains("not open"));
        let mut e = Engine::new();
        let err = e.open(b"not a database", &gold()).unwrap_err();
        assert!(err.starts_with("Chinook.db: "), "{err}");
        let err = e
            .open(&data("Chinook.db"), &[("g.json".into(), b"{".to_vec())])
            .unwrap_err();
        assert!(err.contains("g.json"), "{err}");
        assert!(
            e.run_sql("SELECT 1", None).is_err(),
            "a failed open leaves nothing open"
        );
    }

    #[test]
    fn verifies_a_published_model() {
        let e = opened();
        let mut sweep =
            sqlsweep_core::sweep::load(&data("baseten_sweep.json"), "baseten_sweep.json").unwrap();
        sweep.models.truncate(1);
        let report = e.verify(&sweep).unwrap();
        assert_eq!(report.models.len(), 1);
        assert!(report.models[0].reproduced(), "{report:?}");
        assert_eq!(report.traces, 25);
    }
}
