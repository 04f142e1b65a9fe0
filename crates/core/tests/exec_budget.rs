//! The executor's step budget against the real workload: every gold query and every
//! published trace's SQL must finish well inside [`Limits::default`], and a runaway
//! query on Chinook must stop. Prints the measured step counts.

mod common;

use sqlsweep_core::exec::{ExecError, GuardedDb, Limits};

/// The default budget must be at least this many times the slowest gold query.
const REQUIRED_MARGIN: u64 = 10;

#[test]
fn budget_leaves_a_wide_margin_over_the_workload() {
    let Some(dir) = common::reference_dir() else {
        return;
    };
    let db = GuardedDb::open_bytes(&common::read(&dir, "Chinook.db")).expect("Chinook opens");
    let unlimited = Limits {
        max_vm_steps: u64::MAX / 2,
        max_rows: usize::MAX,
    };

    let gold = common::gold(&dir);
    let mut slowest = (0u64, String::new());
    for q in &gold.questions {
        let (_, stats) = db
            .run_with_stats(&q.gold_sql, &unlimited)
            .unwrap_or_else(|e| panic!("{}: {e}", q.id));
        if stats.vm_steps > slowest.0 {
            slowest = (stats.vm_steps, q.id.clone());
        }
    }
    let mut slowest_trace = (0u64, String::new());
    for name in common::SWEEPS {
        for run in common::sweep(&dir, name).models {
            for t in run.traces {
                let Some(sql) = t.sql else { continue };
                if let Ok((_, stats)) = db.run_with_stats(&sql, &unlimited) {
                    if stats.vm_steps > slowest_trace.0 {
                        slowest_trace = (stats.vm_steps, format!("{name} {} {}", run.model, t.qid));
                    }
                }
            }
        }
    }
    let budget = Limits::default().max_vm_steps;
    println!(
        "slowest gold query: {} ({} VM steps); slowest published trace SQL: {} ({} VM steps); budget {} = {:.1}x the slowest gold query",
        slowest.1,
        slowest.0,
        slowest_trace.1,
        slowest_trace.0,
        budget,
        budget as f64 / slowest.0 as f64
    );
    assert!(
        slowest.0 * REQUIRED_MARGIN <= budget,
        "budget {budget} is under {REQUIRED_MARGIN}x the slowest gold query ({} steps)",
        slowest.0
    );
    assert!(
        slowest_trace.0 * REQUIRED_MARGIN <= budget,
        "budget {budget} is under {REQUIRED_MARGIN}x the slowest trace ({} steps)",
        slowest_trace.0
    );
}

#[test]
fn runaway_queries_on_chinook_stop() {
    let Some(dir) = common::reference_dir() else {
        return;
    };
    let db = GuardedDb::open_bytes(&common::read(&dir, "Chinook.db")).expect("Chinook opens");
    let cases = [
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT max(i) FROM n",
        "SELECT count(*) FROM Track a, Track b, Track c",
    ];
    for sql in cases {
        let started = std::time::Instant::now();
        let got = db.run(sql, &Limits::default());
        assert_eq!(
            got,
            Err(ExecError::BudgetExceeded {
                max_vm_steps: Limits::DEFAULT_MAX_VM_STEPS
            }),
            "{sql}"
        );
        println!("stopped after {:?}: {sql}", started.elapsed());
    }
    // Memory: a huge string stops with a clear error long before it could take
    // gigabytes (it fits inside the step budget otherwise). The heap cap: exec_memory.rs.
    let started = std::time::Instant::now();
    let got = db.run(
        "SELECT length(group_concat(a.Name || b.Name)) FROM Track a, Track b",
        &Limits::default(),
    );
    assert_eq!(
        got,
        Err(ExecError::ValueTooLarge {
            max_bytes: sqlsweep_core::exec::MAX_VALUE_BYTES
        })
    );
    println!("value cap hit after {:?}", started.elapsed());
    // A cross join that *returns* rows stops at the row cap instead.
    let rows = db
        .run(
            "SELECT a.TrackId, b.TrackId FROM Track a, Track b",
            &Limits::default(),
        )
        .unwrap();
    assert!(rows.truncated);
    assert_eq!(rows.rows.len(), Limits::DEFAULT_MAX_ROWS);
    // And Chinook is untouched by attempted writes.
    assert!(matches!(
        db.run("DELETE FROM Track", &Limits::default()),
        Err(ExecError::Refused(_))
    ));
    let count = db
        .run("SELECT count(*) FROM Track", &Limits::default())
        .unwrap();
    assert_eq!(count.rows[0][0], sqlsweep_core::value::Cell::Integer(3503));
}
