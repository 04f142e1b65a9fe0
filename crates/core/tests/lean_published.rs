//! The lean copies of the published sweeps (`sweep::lean`) give the first screen
//! exactly the figures the full files give: every record (summary, intervals,
//! per-question results, pricing, source) and the overview are identical, and only
//! the rows and raw output are gone.

mod support;

use sqlsweep_core::analysis::assumptions::Assumptions;
use sqlsweep_core::analysis::overview::overview;
use sqlsweep_core::analysis::records::records;
use sqlsweep_core::sweep::lean::lean_copy;
use sqlsweep_core::sweep::{load, SweepFile};

const FILES: [&str; 2] = ["baseten_sweep.json", "fireworks_sweep_v2.json"];

fn both() -> (Vec<SweepFile>, Vec<SweepFile>) {
    let mut full = Vec::new();
    let mut lean = Vec::new();
    for name in FILES {
        let bytes = support::bytes(name);
        full.push(load(&bytes, name).expect("published file loads"));
        let copy = lean_copy(&bytes).expect("lean copy");
        assert!(
            copy.len() * 3 < bytes.len(),
            "{name}: lean copy {} of {} bytes",
            copy.len(),
            bytes.len()
        );
        lean.push(load(&copy, name).expect("lean copy loads"));
    }
    (full, lean)
}

#[test]
fn the_first_screen_is_the_same_from_the_lean_copies() {
    let (full, lean) = both();
    let (a, b) = (records(&full), records(&lean));
    assert_eq!(a.len(), 15);
    assert_eq!(a, b, "every record is identical");
    let assumptions = Assumptions::default();
    assert_eq!(
        overview(&a, &full, &assumptions),
        overview(&b, &lean, &assumptions)
    );
}

#[test]
fn only_rows_and_raw_output_are_left_out() {
    let (full, lean) = both();
    let mut rows = 0;
    for (f, l) in full.iter().zip(&lean) {
        assert_eq!(f.run, l.run);
        for (fm, lm) in f.models.iter().zip(&l.models) {
            assert_eq!(
                (&fm.model, &fm.platform, &fm.pricing),
                (&lm.model, &lm.platform, &lm.pricing)
            );
            for (ft, lt) in fm.traces.iter().zip(&lm.traces) {
                rows += usize::from(ft.result.is_some());
                assert!(
                    lt.result.is_none() && lt.raw_content.is_none(),
                    "{}",
                    ft.qid
                );
                let mut stripped = ft.clone();
                stripped.result = None;
                stripped.raw_content = None;
                assert_eq!(&stripped, lt);
            }
        }
    }
    assert!(rows > 300, "the full files carry rows ({rows} traces)");
}
