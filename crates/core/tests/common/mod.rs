//! Shared helpers for the integration tests that read the published reference data.
//!
//! The data is third-party and never committed: it is found in `$SQLSWEEP_MIRROR`, in
//! `../shared/reference` beside the repository, or in `data/cache/` after
//! `sqlsweep fetch-data`. When none is present the tests say so and skip.

#![allow(dead_code)]

use std::path::{Path, PathBuf};

use sqlsweep_core::gold::GoldSet;
use sqlsweep_core::sweep::{self, SweepFile};

/// The repository root (two levels above this crate).
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The folder holding the reference files, if any.
pub fn reference_dir() -> Option<PathBuf> {
    let mut candidates = Vec::new();
    if let Some(m) = std::env::var_os("SQLSWEEP_MIRROR") {
        candidates.push(PathBuf::from(m));
    }
    candidates.push(repo_root().join("../shared/reference"));
    candidates.push(repo_root().join("data/cache"));
    let found = candidates
        .into_iter()
        .find(|d| d.join("Chinook.db").is_file() && d.join("baseten_sweep.json").is_file());
    if found.is_none() {
        eprintln!(
            "SKIPPED: reference data not found (set SQLSWEEP_MIRROR, or run `sqlsweep fetch-data`); \
             looked in $SQLSWEEP_MIRROR, ../shared/reference and data/cache"
        );
    }
    found
}

pub fn read(dir: &Path, name: &str) -> Vec<u8> {
    std::fs::read(dir.join(name)).unwrap_or_else(|e| panic!("reading {name}: {e}"))
}

/// The 25-question gold set (dev + synthetic).
pub fn gold(dir: &Path) -> GoldSet {
    let sets = [
        "dev_questions_with_answers.json",
        "synthetic_questions.json",
    ]
    .map(|name| GoldSet::from_json(&read(dir, name), name).unwrap_or_else(|e| panic!("{e}")));
    GoldSet::merge(sets).expect("no duplicate ids")
}

pub fn sweep(dir: &Path, name: &str) -> SweepFile {
    sweep::load(&read(dir, name), name).unwrap_or_else(|e| panic!("{e}"))
}

/// The three published sweeps.
pub const SWEEPS: [&str; 3] = [
    "baseten_sweep.json",
    "fireworks_sweep_v2.json",
    "model_sweep.json",
];
