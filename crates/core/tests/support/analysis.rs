//! Helpers of the analysis golden tests: the published data loaded into the
//! project's types, and the display forms the figures are compared in.

use sqlsweep_core::analysis::format;
use sqlsweep_core::analysis::records::{records, Record};
use sqlsweep_core::gold::GoldSet;
use sqlsweep_core::sweep::{self, SweepFile};

pub use super::bytes;

/// Reads a published sweep with the project's loader.
pub fn load_published(file: &str) -> SweepFile {
    sweep::load(&bytes(file), file).unwrap_or_else(|e| panic!("{e}"))
}

/// The two published sweeps, Baseten first (the original's load order).
pub fn published_sweeps() -> Vec<SweepFile> {
    vec![
        load_published("baseten_sweep.json"),
        load_published("fireworks_sweep_v2.json"),
    ]
}

pub fn published_records() -> (Vec<SweepFile>, Vec<Record>) {
    let sweeps = published_sweeps();
    let recs = records(&sweeps);
    (sweeps, recs)
}

/// The gold set (both published gold files, dev then synthetic).
pub fn gold_set() -> GoldSet {
    let sets = [
        "dev_questions_with_answers.json",
        "synthetic_questions.json",
    ]
    .map(|f| GoldSet::from_json(&bytes(f), f).unwrap_or_else(|e| panic!("{e}")));
    GoldSet::merge(sets).unwrap_or_else(|e| panic!("{e}"))
}

/// The record with this label.
pub fn by_label<'a>(recs: &'a [Record], label: &str) -> (usize, &'a Record) {
    recs.iter()
        .enumerate()
        .find(|(_, r)| r.label == label)
        .unwrap_or_else(|| panic!("no record {label}"))
}

/// `x` rounded to `dp` decimals, as text (what a display shows).
pub fn fixed(x: f64, dp: usize) -> String {
    format!("{x:.dp$}")
}

/// `x` rounded half up to an integer with thousands separators ("31,427").
pub fn thousands(x: f64) -> String {
    format::thousands((x + 0.5).floor() as i64)
}
