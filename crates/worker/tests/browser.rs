//! Browser test (headless Chromium): SQLite compiled to wasm opens Chinook and the
//! worker's engine reproduces published traces — the code the Web Worker runs.
#![cfg(target_arch = "wasm32")]

use sqlsweep_core::value::Cell;
use sqlsweep_worker::engine::Engine;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

static CHINOOK: &[u8] = include_bytes!("../../../data/cache/Chinook.db");
static DEV: &[u8] = include_bytes!("../../../data/cache/dev_questions_with_answers.json");
static SYNTH: &[u8] = include_bytes!("../../../data/cache/synthetic_questions.json");
static BASETEN: &[u8] = include_bytes!("../../../data/cache/baseten_sweep.json");

fn engine() -> Engine {
    let mut e = Engine::new();
    let facts = e
        .open(
            CHINOOK,
            &[
                ("dev_questions_with_answers.json".into(), DEV.to_vec()),
                ("synthetic_questions.json".into(), SYNTH.to_vec()),
            ],
        )
        .expect("Chinook and the gold set open");
    assert_eq!(facts.gold_questions, 25);
    assert!(
        facts.sqlite_version.starts_with('3'),
        "{}",
        facts.sqlite_version
    );
    e
}

#[wasm_bindgen_test]
fn wasm_sqlite_opens_chinook() {
    let e = engine();
    let rs = e
        .run_sql("SELECT count(*) FROM Track", None)
        .expect("query runs");
    assert_eq!(rs.rows, vec![vec![Cell::Integer(3503)]]);
    let err = e
        .run_sql("DROP TABLE Track", None)
        .expect_err("writes are refused");
    assert!(!err.is_empty());
    let capped = e
        .run_sql("SELECT TrackId FROM Track", Some(30))
        .expect("capped query runs");
    assert_eq!(capped.rows.len(), 30);
    assert!(capped.truncated);
}

#[wasm_bindgen_test]
fn wasm_sqlite_reproduces_a_published_model() {
    let e = engine();
    let mut sweep = sqlsweep_core::sweep::load(BASETEN, "baseten_sweep.json").expect("sweep loads");
    sweep.models.truncate(1);
    let report = e.verify(&sweep).expect("verifies");
    assert_eq!(report.models.len(), 1);
    let m = &report.models[0];
    assert_eq!(m.traces, 25);
    assert!(m.reproduced(), "{report:?}");
    assert!(m.rows_checked > 0);
}
