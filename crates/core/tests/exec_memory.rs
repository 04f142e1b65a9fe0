//! The executor's heap cap, in its own test binary because SQLite's hard heap limit is
//! process-wide: this test lowers it to 32 MiB first (opening a `GuardedDb` only ever
//! lowers it further), then checks that a memory-hungry query stops with
//! `ExecError::OutOfMemory` and leaves the connection usable.

use sqlsweep_core::exec::{ExecError, GuardedDb, Limits, HEAP_LIMIT_BYTES};

#[test]
fn heap_cap_stops_memory_hungry_queries() {
    let plain = rusqlite::Connection::open_in_memory().unwrap();
    let limit: i64 = plain
        .query_row("PRAGMA hard_heap_limit = 33554432", [], |r| r.get(0))
        .unwrap();
    assert_eq!(limit, 33_554_432);

    let mut src = rusqlite::Connection::open_in_memory().unwrap();
    src.execute_batch("CREATE TABLE t(id INTEGER PRIMARY KEY); WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 200) INSERT INTO t SELECT i FROM n;").unwrap();
    let bytes = src.serialize(rusqlite::MAIN_DB).unwrap().to_vec();
    let db = GuardedDb::open_bytes(&bytes).unwrap();

    // 200 rows of 1 MiB held by a sort: far over 32 MiB, few VM steps.
    let got = db.run(
        "SELECT count(*) FROM (SELECT id || printf('%.*c', 1000000, 'x') AS b FROM t ORDER BY b)",
        &Limits::default(),
    );
    assert_eq!(
        got,
        Err(ExecError::OutOfMemory {
            heap_limit_bytes: HEAP_LIMIT_BYTES
        })
    );
    assert!(got.unwrap_err().to_string().contains("needed more than"));
    let count = db
        .run("SELECT count(*) FROM t", &Limits::default())
        .unwrap();
    assert_eq!(count.rows[0][0], sqlsweep_core::value::Cell::Integer(200));
}
