//! Shared helpers of the analysis golden tests: where the reference files are, and
//! the published data loaded into the project's types.
//!
//! The reference files are third-party and never committed; they are looked up in
//! `$SQLSWEEP_MIRROR`, then `data/cache/` (filled by `sqlsweep fetch-data`), then
//! `../shared/reference` beside the project root.
#![allow(dead_code)]

use std::path::PathBuf;

use sqlsweep_core::analysis::records::{records, Record};
use sqlsweep_core::gold::GoldSet;
use sqlsweep_core::sweep::{self, SweepFile};

/// Path of a reference file; panics with the places searched when it is missing.
pub fn reference_file(name: &str) -> PathBuf {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut places: Vec<PathBuf> = Vec::new();
    if let Ok(m) = std::env::var("SQLSWEEP_MIRROR") {
        places.push(PathBuf::from(m));
    }
    places.push(root.join("data/cache"));
    places.push(root.join("../shared/reference"));
    for dir in &places {
        let p = dir.join(name);
        if p.is_file() {
            return p;
        }
    }
    panic!("reference file {name} not found in any of {places:?}; run `sqlsweep fetch-data` or set SQLSWEEP_MIRROR");
}

pub fn bytes(name: &str) -> Vec<u8> {
    std::fs::read(reference_file(name)).unwrap()
}

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
    let n = (x + 0.5).floor() as i64;
    let s = n.abs().to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if n < 0 {
        format!("-{out}")
    } else {
        out
    }
}
