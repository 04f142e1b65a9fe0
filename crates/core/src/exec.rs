//! The guarded SQL executor: the one place model-generated SQL runs, in the browser's
//! worker and in the CLI alike.
//!
//! Model output is untrusted, so every query runs under these guards:
//! - **read-only**: the database image is opened read-only, `PRAGMA query_only` is on,
//!   and an authorizer refuses every write, schema change, `ATTACH`/`DETACH`,
//!   transaction control and any pragma outside a short list of read-only
//!   introspection pragmas; a statement SQLite itself reports as writing is refused too;
//! - **one statement**: trailing whitespace, `;` and comments are fine, a second
//!   statement is refused;
//! - **an execution budget** counted in SQLite virtual-machine steps by a progress
//!   handler, so a runaway query (an unbounded `WITH RECURSIVE`, a cross join) stops
//!   after the same amount of work natively and in WASM — no clock involved;
//! - **a row cap**: at most `max_rows` rows are kept and the result says it was
//!   truncated;
//! - **memory caps**: no single value may exceed [`MAX_VALUE_BYTES`]
//!   (`SQLITE_LIMIT_LENGTH`, per connection), and SQLite's heap is capped at
//!   [`HEAP_LIMIT_BYTES`] (`sqlite3_hard_heap_limit64`, which is *process-wide*: it also
//!   bounds every other SQLite connection of the process). Within the step budget a
//!   `group_concat` over a cross join could otherwise build a 400 MB string;
//! - **an optional caller deadline** ([`StopCheck`]): VM steps are deterministic but
//!   not equal in cost, so adapters add a wall-clock limit, which core cannot read.
//!
//! BLOBs are returned as text (UTF-8 when they are, `X'…'` hex otherwise).

use std::fmt;
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use rusqlite::hooks::{AuthAction, AuthContext, Authorization};
use rusqlite::types::ValueRef;
use rusqlite::{Connection, OpenFlags, StatementStatus};

use crate::value::{Cell, ResultSet};

/// The progress handler runs every this many VM steps; budgets are counted in these units.
pub const PROGRESS_GRANULARITY: u64 = 1_000;

/// The largest string or BLOB a query may build (Chinook's largest value is tiny).
pub const MAX_VALUE_BYTES: usize = 4 * 1024 * 1024;

/// SQLite's heap cap for the whole process, set when a [`GuardedDb`] opens (it only ever
/// lowers an existing cap). Chinook and the whole gold workload need a few MiB.
pub const HEAP_LIMIT_BYTES: u64 = 256 * 1024 * 1024;

/// Work and size limits for one query.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// SQLite VM steps (resolution [`PROGRESS_GRANULARITY`]) before the query is stopped.
    pub max_vm_steps: u64,
    /// Rows kept; further rows are dropped and the result is marked truncated.
    pub max_rows: usize,
}

impl Limits {
    /// The default step budget. The slowest gold query (s_011, a correlated subquery
    /// over Track) takes 14.03 million VM steps — about 1 s in WASM — and the slowest
    /// published trace the same; 200 million leaves a ~14× margin (`tests/exec_budget.rs`
    /// fails below 10×) while still stopping a runaway query after bounded work.
    pub const DEFAULT_MAX_VM_STEPS: u64 = 200_000_000;
    /// Enough for any whole Chinook table (the largest, PlaylistTrack, has 8,715 rows).
    pub const DEFAULT_MAX_ROWS: usize = 10_000;
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_vm_steps: Self::DEFAULT_MAX_VM_STEPS,
            max_rows: Self::DEFAULT_MAX_ROWS,
        }
    }
}

/// Why a query did not produce rows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExecError {
    /// The bytes or file are not a usable SQLite database.
    Open(String),
    /// No statement at all (empty or only comments).
    Empty,
    /// More than one statement.
    MultipleStatements,
    /// The statement would write, attach, or change settings.
    Refused(String),
    /// The execution budget ran out.
    BudgetExceeded { max_vm_steps: u64 },
    /// The caller's [`StopCheck`] stopped the query (e.g. its time limit passed).
    Stopped,
    /// A string or BLOB grew past [`MAX_VALUE_BYTES`].
    ValueTooLarge { max_bytes: usize },
    /// SQLite ran out of its [`HEAP_LIMIT_BYTES`] heap.
    OutOfMemory { heap_limit_bytes: u64 },
    /// SQLite rejected or failed the query (syntax error, unknown column, …).
    Sql(String),
}

impl fmt::Display for ExecError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ExecError::Open(m) => write!(f, "cannot open the database: {m}"),
            ExecError::Empty => write!(f, "no SQL statement to run (empty or only comments)"),
            ExecError::MultipleStatements => {
                write!(
                    f,
                    "only one SQL statement may run at a time; found more than one"
                )
            }
            ExecError::Refused(what) => write!(f, "refused: {what} (the database is read-only)"),
            ExecError::BudgetExceeded { max_vm_steps } => write!(
                f,
                "query stopped: it exceeded the execution budget of {max_vm_steps} SQLite steps \
                 (a runaway query, such as an unbounded WITH RECURSIVE or a large cross join)"
            ),
            ExecError::Stopped => write!(f, "query stopped: it ran past its time limit"),
            ExecError::ValueTooLarge { max_bytes } => write!(
                f,
                "query stopped: it built a value larger than {} MiB",
                max_bytes / (1024 * 1024)
            ),
            ExecError::OutOfMemory { heap_limit_bytes } => write!(
                f,
                "query stopped: it needed more than {} MiB of memory",
                heap_limit_bytes / (1024 * 1024)
            ),
            ExecError::Sql(m) => write!(f, "SQL error: {m}"),
        }
    }
}

impl std::error::Error for ExecError {}

/// What a successful query cost.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExecStats {
    /// VM steps of the statement (SQLite's own exact count, `SQLITE_STMTSTATUS_VM_STEP`).
    pub vm_steps: u64,
}

/// Per-query budget state shared with the progress handler.
#[derive(Default)]
struct Budget {
    ticks: AtomicU64,
    max_ticks: AtomicU64,
    tripped: AtomicBool,
    /// The caller's stop check, if any, and whether it fired.
    stop_check: Mutex<Option<StopCheck>>,
    stopped: AtomicBool,
}

/// A check supplied by the caller — typically a wall-clock deadline, which core cannot
/// read itself — polled every [`PROGRESS_GRANULARITY`] VM steps; `true` stops the query.
///
/// VM steps are not equal in cost: one step can build a multi-megabyte string or insert
/// into a large temporary b-tree, so the step budget bounds work deterministically but
/// not time. Adapters that run untrusted SQL (CLI, browser worker) add a deadline here.
pub type StopCheck = Box<dyn FnMut() -> bool + Send>;

/// A read-only database that runs untrusted SQL under the guards above.
pub struct GuardedDb {
    conn: Connection,
    budget: Arc<Budget>,
    /// The first action the authorizer refused while preparing the current statement.
    refused: Arc<Mutex<Option<String>>>,
}

/// Read-only introspection pragmas a model may reasonably use.
const READ_ONLY_PRAGMAS: &[&str] = &[
    "table_info",
    "table_xinfo",
    "table_list",
    "index_list",
    "index_info",
    "index_xinfo",
    "foreign_key_list",
    "collation_list",
    "function_list",
];

impl GuardedDb {
    /// Opens a database image (e.g. Chinook.db fetched by the browser) read-only in memory.
    pub fn open_bytes(db: &[u8]) -> Result<GuardedDb, ExecError> {
        const MAGIC: &[u8] = b"SQLite format 3\0";
        if db.len() < 512 || !db.starts_with(MAGIC) {
            return Err(ExecError::Open(format!(
                "not a SQLite database ({} bytes, no \"SQLite format 3\" header)",
                db.len()
            )));
        }
        let mut conn = Connection::open_in_memory().map_err(open_err)?;
        conn.deserialize_read_exact(rusqlite::MAIN_DB, db, db.len(), true)
            .map_err(open_err)?;
        GuardedDb::guard(conn)
    }

    /// Opens a database file read-only (CLI).
    pub fn open_path(path: &Path) -> Result<GuardedDb, ExecError> {
        let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = Connection::open_with_flags(path, flags)
            .map_err(|e| ExecError::Open(format!("{}: {e}", path.display())))?;
        GuardedDb::guard(conn).map_err(|e| match e {
            ExecError::Open(m) => ExecError::Open(format!("{}: {m}", path.display())),
            other => other,
        })
    }

    fn guard(mut conn: Connection) -> Result<GuardedDb, ExecError> {
        // Memory caps first (see the module docs), then read-only.
        conn.pragma_update(None, "hard_heap_limit", HEAP_LIMIT_BYTES as i64)
            .map_err(open_err)?;
        conn.set_limit(
            rusqlite::limits::Limit::SQLITE_LIMIT_LENGTH,
            MAX_VALUE_BYTES as i32,
        )
        .map_err(open_err)?;
        conn.pragma_update(None, "query_only", true)
            .map_err(open_err)?;
        // Reading the schema proves the bytes are a database.
        conn.query_row("SELECT count(*) FROM sqlite_schema", [], |r| {
            r.get::<_, i64>(0)
        })
        .map_err(open_err)?;

        let refused: Arc<Mutex<Option<String>>> = Arc::default();
        let sink = Arc::clone(&refused);
        conn.authorizer(Some(move |ctx: AuthContext<'_>| {
            match refusal(&ctx.action) {
                None => Authorization::Allow,
                Some(what) => {
                    // Keep the first refusal, but let a specific one replace the
                    // generic schema-table marker.
                    if let Ok(mut slot) = sink.lock() {
                        if slot.as_deref().is_none_or(|s| s == SCHEMA_CHANGE) {
                            *slot = Some(what);
                        }
                    }
                    Authorization::Deny
                }
            }
        }))
        .map_err(open_err)?;

        let budget: Arc<Budget> = Arc::default();
        let meter = Arc::clone(&budget);
        conn.progress_handler(
            PROGRESS_GRANULARITY as i32,
            Some(move || {
                let ticks = meter.ticks.fetch_add(1, Ordering::Relaxed) + 1;
                if ticks > meter.max_ticks.load(Ordering::Relaxed) {
                    meter.tripped.store(true, Ordering::Relaxed);
                    return true;
                }
                let stop = meter
                    .stop_check
                    .lock()
                    .ok()
                    .and_then(|mut check| check.as_mut().map(|f| f()))
                    .unwrap_or(false);
                if stop {
                    meter.stopped.store(true, Ordering::Relaxed);
                }
                stop
            }),
        )
        .map_err(open_err)?;
        Ok(GuardedDb {
            conn,
            budget,
            refused,
        })
    }

    /// The database's schema (tables, columns, foreign keys) as the agent shows it to
    /// a model, read through the same guard as any query.
    pub fn schema(&self) -> Result<crate::agent::SchemaInfo, ExecError> {
        self.arm(&Limits::default());
        crate::agent::schema::read_schema(&self.conn).map_err(|e| self.classify(e))
    }

    /// Resets the refusal slot and the budget for the next statement.
    fn arm(&self, limits: &Limits) {
        if let Ok(mut slot) = self.refused.lock() {
            *slot = None;
        }
        self.budget.ticks.store(0, Ordering::Relaxed);
        self.budget.tripped.store(false, Ordering::Relaxed);
        self.budget.stopped.store(false, Ordering::Relaxed);
        self.budget.max_ticks.store(
            limits.max_vm_steps / PROGRESS_GRANULARITY,
            Ordering::Relaxed,
        );
    }

    /// Installs (or with `None` removes) the caller's stop check for later queries.
    pub fn set_stop_check(&self, check: Option<StopCheck>) {
        if let Ok(mut slot) = self.budget.stop_check.lock() {
            *slot = check;
        }
    }

    /// Runs one read-only statement under `limits`.
    pub fn run(&self, sql: &str, limits: &Limits) -> Result<ResultSet, ExecError> {
        self.run_with_stats(sql, limits).map(|(rows, _)| rows)
    }

    /// [`GuardedDb::run`], also reporting the work the statement did.
    pub fn run_with_stats(
        &self,
        sql: &str,
        limits: &Limits,
    ) -> Result<(ResultSet, ExecStats), ExecError> {
        self.arm(limits);
        let mut stmt = self.conn.prepare(sql).map_err(|e| self.classify(e))?;
        if !stmt.readonly() {
            return Err(ExecError::Refused(format!(
                "{} would change the database",
                first_word(sql)
            )));
        }
        let columns: Vec<String> = stmt.column_names().map(str::to_string).collect();
        let width = columns.len();
        let mut out = ResultSet {
            columns,
            rows: Vec::new(),
            truncated: false,
        };
        {
            let mut rows = stmt.query([]).map_err(|e| self.classify(e))?;
            while let Some(row) = rows.next().map_err(|e| self.classify(e))? {
                if out.rows.len() == limits.max_rows {
                    out.truncated = true;
                    break;
                }
                let mut cells = Vec::with_capacity(width);
                for i in 0..width {
                    let value = row.get_ref(i).map_err(|e| self.classify(e))?;
                    cells.push(cell(value));
                }
                out.rows.push(cells);
            }
        }
        let vm_steps = stmt.get_status(StatementStatus::VmStep).max(0) as u64;
        Ok((out, ExecStats { vm_steps }))
    }

    /// Turns a rusqlite error into the guard that caused it, if any.
    fn classify(&self, e: rusqlite::Error) -> ExecError {
        if self.budget.stopped.load(Ordering::Relaxed) {
            return ExecError::Stopped;
        }
        if self.budget.tripped.load(Ordering::Relaxed) {
            return ExecError::BudgetExceeded {
                max_vm_steps: self.budget.max_ticks.load(Ordering::Relaxed) * PROGRESS_GRANULARITY,
            };
        }
        if let Some(what) = self.refused.lock().ok().and_then(|mut s| s.take()) {
            if what == SCHEMA_CHANGE {
                return ExecError::Refused("a schema change (CREATE, DROP or ALTER)".to_string());
            }
            return ExecError::Refused(what);
        }
        let code = e.sqlite_error_code();
        if code == Some(rusqlite::ErrorCode::TooBig) {
            return ExecError::ValueTooLarge {
                max_bytes: MAX_VALUE_BYTES,
            };
        }
        if code == Some(rusqlite::ErrorCode::OutOfMemory) {
            return ExecError::OutOfMemory {
                heap_limit_bytes: HEAP_LIMIT_BYTES,
            };
        }
        match e {
            rusqlite::Error::Empty => ExecError::Empty,
            rusqlite::Error::MultipleStatement => ExecError::MultipleStatements,
            rusqlite::Error::SqliteFailure(_, Some(msg)) => ExecError::Sql(msg),
            rusqlite::Error::SqlInputError { msg, .. } => ExecError::Sql(msg),
            other => ExecError::Sql(other.to_string()),
        }
    }
}

/// Marker for a refused write to SQLite's schema table; reported by statement kind.
const SCHEMA_CHANGE: &str = "\0schema change";

fn is_schema_table(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    matches!(
        n.as_str(),
        "sqlite_master" | "sqlite_schema" | "sqlite_temp_master" | "sqlite_temp_schema"
    )
}

fn open_err(e: rusqlite::Error) -> ExecError {
    ExecError::Open(e.to_string())
}

fn first_word(sql: &str) -> String {
    sql.split_whitespace()
        .next()
        .unwrap_or("the statement")
        .to_ascii_uppercase()
}

/// `None` when the action is allowed; otherwise what was refused, for the error message.
fn refusal(action: &AuthAction<'_>) -> Option<String> {
    use AuthAction::*;
    Some(match action {
        Select | Read { .. } | Recursive => return None,
        Function { function_name } => {
            if function_name.eq_ignore_ascii_case("load_extension") {
                "loading extensions".to_string()
            } else {
                return None;
            }
        }
        Pragma {
            pragma_name,
            pragma_value,
        } => {
            let name = pragma_name.to_ascii_lowercase();
            if READ_ONLY_PRAGMAS.contains(&name.as_str()) {
                return None;
            }
            match pragma_value {
                Some(v) => format!("PRAGMA {pragma_name} = {v}"),
                None => format!("PRAGMA {pragma_name}"),
            }
        }
        // SQLite checks its own schema-table write before the DDL action itself.
        Insert { table_name } | Update { table_name, .. } | Delete { table_name }
            if is_schema_table(table_name) =>
        {
            SCHEMA_CHANGE.to_string()
        }
        Insert { table_name } => format!("INSERT into {table_name}"),
        Update { table_name, .. } => format!("UPDATE of {table_name}"),
        Delete { table_name } => format!("DELETE from {table_name}"),
        Attach { filename } => format!("ATTACH {filename:?}"),
        Detach { database_name } => format!("DETACH {database_name}"),
        CreateTable { table_name } | CreateTempTable { table_name } => {
            format!("CREATE TABLE {table_name}")
        }
        CreateIndex { index_name, .. } | CreateTempIndex { index_name, .. } => {
            format!("CREATE INDEX {index_name}")
        }
        CreateView { view_name } | CreateTempView { view_name } => {
            format!("CREATE VIEW {view_name}")
        }
        CreateTrigger { trigger_name, .. } | CreateTempTrigger { trigger_name, .. } => {
            format!("CREATE TRIGGER {trigger_name}")
        }
        CreateVtable { table_name, .. } => format!("CREATE VIRTUAL TABLE {table_name}"),
        DropTable { table_name } | DropTempTable { table_name } => {
            format!("DROP TABLE {table_name}")
        }
        DropIndex { index_name, .. } | DropTempIndex { index_name, .. } => {
            format!("DROP INDEX {index_name}")
        }
        DropView { view_name } | DropTempView { view_name } => format!("DROP VIEW {view_name}"),
        DropTrigger { trigger_name, .. } | DropTempTrigger { trigger_name, .. } => {
            format!("DROP TRIGGER {trigger_name}")
        }
        DropVtable { table_name, .. } => format!("DROP VIRTUAL TABLE {table_name}"),
        AlterTable { table_name, .. } => format!("ALTER TABLE {table_name}"),
        Reindex { .. } => "REINDEX".to_string(),
        Analyze { .. } => "ANALYZE".to_string(),
        Transaction { .. } => "transaction control (BEGIN/COMMIT/ROLLBACK)".to_string(),
        Savepoint { savepoint_name, .. } => format!("SAVEPOINT {savepoint_name}"),
        Unknown { code, .. } => format!("an operation SQLite calls action {code}"),
        _ => "an operation outside plain SELECT".to_string(),
    })
}

fn cell(value: ValueRef<'_>) -> Cell {
    match value {
        ValueRef::Null => Cell::Null,
        ValueRef::Integer(i) => Cell::Integer(i),
        ValueRef::Real(f) => Cell::Real(f),
        ValueRef::Text(bytes) => Cell::Text(String::from_utf8_lossy(bytes).into_owned()),
        ValueRef::Blob(bytes) => Cell::Text(match std::str::from_utf8(bytes) {
            Ok(s) => s.to_string(),
            Err(_) => {
                let hex: String = bytes.iter().map(|b| format!("{b:02X}")).collect();
                format!("X'{hex}'")
            }
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A small database built in memory, serialised, and reopened through `open_bytes`.
    fn db() -> GuardedDb {
        let mut c = Connection::open_in_memory().unwrap();
        c.execute_batch(
            "CREATE TABLE t(id INTEGER PRIMARY KEY, name TEXT, price REAL, data BLOB);
             CREATE INDEX idx_name ON t(name);
             INSERT INTO t VALUES (1, 'a', 0.99, x'00ff'), (2, 'b', NULL, CAST('hi' AS BLOB)), (3, 'c', 1.5, NULL);",
        )
        .unwrap();
        let bytes = c.serialize(rusqlite::MAIN_DB).unwrap().to_vec();
        GuardedDb::open_bytes(&bytes).expect("opens")
    }

    /// Expected columns, rows and truncation flag, or an error.
    type Expected<'a> = Result<(&'a [&'a str], Vec<Vec<Cell>>, bool), ExecError>;

    fn check(sql: &str, limits: Limits, expected: Expected<'_>) {
        let got = db().run(sql, &limits);
        let expected = expected.map(|(cols, rows, truncated)| ResultSet {
            columns: cols.iter().map(|c| c.to_string()).collect(),
            rows,
            truncated,
        });
        assert_eq!(got, expected, "{sql}");
    }

    fn refused(sql: &str, needle: &str) {
        match db().run(sql, &Limits::default()) {
            Err(ExecError::Refused(what)) => assert!(
                what.contains(needle),
                "{sql}: refused {what:?}, want {needle:?}"
            ),
            other => panic!("{sql}: expected a refusal mentioning {needle:?}, got {other:?}"),
        }
    }

    #[test]
    fn runs_selects() {
        use Cell::*;
        let d = Limits::default();
        check(
            "SELECT id, name, price FROM t ORDER BY id",
            d,
            Ok((
                &["id", "name", "price"],
                vec![
                    vec![Integer(1), Text("a".into()), Real(0.99)],
                    vec![Integer(2), Text("b".into()), Null],
                    vec![Integer(3), Text("c".into()), Real(1.5)],
                ],
                false,
            )),
        );
        // BLOBs as text: UTF-8 when valid, hex otherwise.
        check(
            "SELECT data FROM t WHERE id < 3 ORDER BY id",
            d,
            Ok((
                &["data"],
                vec![vec![Text("X'00FF'".into())], vec![Text("hi".into())]],
                false,
            )),
        );
        // Trailing whitespace, semicolons and comments are one statement.
        check(
            "  SELECT 1 AS n ;  ; -- done\n /* really */ ",
            d,
            Ok((&["n"], vec![vec![Integer(1)]], false)),
        );
        // Duplicate column names are kept as SQLite returns them.
        check(
            "SELECT 1 AS x, 2 AS x",
            d,
            Ok((&["x", "x"], vec![vec![Integer(1), Integer(2)]], false)),
        );
        // Empty result keeps its columns.
        check(
            "SELECT name FROM t WHERE 0",
            d,
            Ok((&["name"], vec![], false)),
        );
        // Row cap.
        check(
            "SELECT id FROM t ORDER BY id",
            Limits { max_rows: 2, ..d },
            Ok((&["id"], vec![vec![Integer(1)], vec![Integer(2)]], true)),
        );
        check(
            "SELECT id FROM t ORDER BY id",
            Limits { max_rows: 3, ..d },
            Ok((
                &["id"],
                vec![vec![Integer(1)], vec![Integer(2)], vec![Integer(3)]],
                false,
            )),
        );
        // Read-only introspection pragmas are allowed.
        let info = db().run("PRAGMA table_info(t)", &d).unwrap();
        assert_eq!(info.rows.len(), 4);
        let info = db()
            .run("SELECT name FROM pragma_table_info('t')", &d)
            .unwrap();
        assert_eq!(info.rows.len(), 4);
    }

    #[test]
    fn refuses_writes_and_settings() {
        refused("DROP TABLE t", "a schema change (CREATE, DROP or ALTER)");
        // SQLite itself refuses direct writes to its schema table.
        match db().run("DELETE FROM sqlite_master", &Limits::default()) {
            Err(ExecError::Sql(m)) => assert!(m.contains("may not be modified"), "{m}"),
            other => panic!("{other:?}"),
        }
        refused("INSERT INTO t(name) VALUES ('x')", "INSERT into t");
        refused("UPDATE t SET name = 'x'", "UPDATE of t");
        refused("DELETE FROM t", "DELETE from t");
        // DDL: SQLite asks about its schema-table write first, so the refusal is generic.
        for ddl in [
            "CREATE TABLE u(x)",
            "CREATE TEMP TABLE u(x)",
            "CREATE INDEX i ON t(name)",
            "CREATE VIEW v AS SELECT 1",
        ] {
            refused(ddl, "a schema change (CREATE, DROP or ALTER)");
        }
        // A no-op write is still not read-only.
        refused(
            "DROP INDEX IF EXISTS nothing_here",
            "DROP would change the database",
        );
        refused("ALTER TABLE t ADD COLUMN y", "ALTER TABLE t");
        refused("ATTACH DATABASE '/tmp/sqlsweep-evil.db' AS evil", "ATTACH");
        refused("DETACH DATABASE main", "DETACH");
        refused("PRAGMA query_only = 0", "PRAGMA query_only = 0");
        refused("PRAGMA writable_schema = 1", "PRAGMA writable_schema");
        refused("PRAGMA journal_mode = DELETE", "PRAGMA journal_mode");
        refused("BEGIN", "transaction control");
        refused("SAVEPOINT s", "SAVEPOINT s");
        refused("ANALYZE", "ANALYZE");
        refused("REINDEX", "REINDEX");
        refused("SELECT load_extension('x')", "loading extensions");
        refused(
            "WITH x AS (SELECT 1) INSERT INTO t(name) SELECT * FROM x",
            "INSERT into t",
        );
        // A write hidden after a harmless statement is refused, not run.
        refused("SELECT 1; DROP TABLE t", "schema change");
        // VACUUM INTO would write a file: SQLite reports it as not read-only.
        match db().run(
            "VACUUM INTO '/tmp/sqlsweep-vacuum-into.db'",
            &Limits::default(),
        ) {
            Err(ExecError::Refused(_)) | Err(ExecError::Sql(_)) => {}
            other => panic!("VACUUM INTO must not run: {other:?}"),
        }
        assert!(!Path::new("/tmp/sqlsweep-vacuum-into.db").exists());
        // The data is intact afterwards.
        assert_eq!(
            db().run("SELECT count(*) FROM t", &Limits::default())
                .unwrap()
                .rows,
            vec![vec![Cell::Integer(3)]]
        );
    }

    #[test]
    fn statement_and_budget_errors() {
        let d = Limits::default();
        check("", d, Err(ExecError::Empty));
        check("  -- nothing\n", d, Err(ExecError::Empty));
        check("SELECT 1; SELECT 2", d, Err(ExecError::MultipleStatements));
        match db().run("SELEC 1", &d) {
            Err(ExecError::Sql(m)) => assert!(m.contains("syntax error"), "{m}"),
            other => panic!("{other:?}"),
        }
        match db().run("SELECT nope FROM t", &d) {
            Err(ExecError::Sql(m)) => assert!(m.contains("no such column: nope"), "{m}"),
            other => panic!("{other:?}"),
        }
        // Values are capped in size.
        for sql in [
            "SELECT randomblob(20000000)",
            "SELECT length(zeroblob(17000000))",
            "SELECT printf('%.*c', 17000000, 'x')",
        ] {
            check(
                sql,
                d,
                Err(ExecError::ValueTooLarge {
                    max_bytes: MAX_VALUE_BYTES,
                }),
            );
        }
        check(
            "SELECT length(zeroblob(1000))",
            d,
            Ok((
                &["length(zeroblob(1000))"],
                vec![vec![Cell::Integer(1000)]],
                false,
            )),
        );
        // A runaway recursive CTE stops at the budget, deterministically.
        let runaway = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT count(*) FROM n";
        let small = Limits {
            max_vm_steps: 200_000,
            ..d
        };
        check(
            runaway,
            small,
            Err(ExecError::BudgetExceeded {
                max_vm_steps: 200_000,
            }),
        );
        check(
            runaway,
            d,
            Err(ExecError::BudgetExceeded {
                max_vm_steps: Limits::DEFAULT_MAX_VM_STEPS,
            }),
        );
        // The caller's stop check ends a query; removing it lets queries run again.
        let g = db();
        let mut polls = 0;
        g.set_stop_check(Some(Box::new(move || {
            polls += 1;
            polls > 3
        })));
        assert_eq!(g.run(runaway, &d), Err(ExecError::Stopped));
        g.set_stop_check(None);
        assert_eq!(
            g.run(runaway, &small),
            Err(ExecError::BudgetExceeded {
                max_vm_steps: 200_000
            })
        );
        assert!(ExecError::Stopped.to_string().contains("time limit"));
        // The same connection works normally after an interrupted query.
        let g = db();
        assert!(g.run(runaway, &small).is_err());
        assert_eq!(
            g.run("SELECT count(*) FROM t", &small).unwrap().rows,
            vec![vec![Cell::Integer(3)]]
        );
        // Steps are counted.
        let (_, stats) = g.run_with_stats("SELECT * FROM t", &d).unwrap();
        assert!(stats.vm_steps > 0);
        // Error texts are clear.
        let e = ExecError::BudgetExceeded { max_vm_steps: 5 }.to_string();
        assert!(e.contains("execution budget of 5 SQLite steps"), "{e}");
        assert!(ExecError::Refused("DROP TABLE t".into())
            .to_string()
            .contains("read-only"));
    }

    #[test]
    fn rejects_non_databases() {
        let cases: [&[u8]; 3] = [b"", b"hello", &[0u8; 4096]];
        for bytes in cases {
            match GuardedDb::open_bytes(bytes) {
                Err(ExecError::Open(m)) => assert!(m.contains("not a SQLite database"), "{m}"),
                Err(e) => panic!("{e}"),
                Ok(_) => panic!("{} bytes opened", bytes.len()),
            }
        }
        // Right header, garbage after it.
        let mut fake = b"SQLite format 3\0".to_vec();
        fake.resize(4096, 0xAB);
        assert!(matches!(
            GuardedDb::open_bytes(&fake),
            Err(ExecError::Open(_))
        ));
        match GuardedDb::open_path(Path::new("/nonexistent/x.db")) {
            Err(ExecError::Open(m)) => assert!(m.contains("/nonexistent/x.db"), "{m}"),
            Err(e) => panic!("{e}"),
            Ok(_) => panic!("opened a missing file"),
        }
    }

    #[test]
    fn reads_the_schema_through_the_guard() {
        let d = db();
        let schema = d.schema().expect("schema");
        assert_eq!(schema.table_names(), ["t"]);
        let cols: Vec<&str> = schema.tables[0]
            .columns
            .iter()
            .map(|c| c.name.as_str())
            .collect();
        assert_eq!(cols, ["id", "name", "price", "data"]);
        // The guard is armed again for the next query.
        assert!(d.run("SELECT count(*) FROM t", &Limits::default()).is_ok());
    }
}
