//! Shared helpers of the integration tests that read the reference data: where the
//! files are ([`reference_file`]), plus one module per test family (`agent`,
//! `analysis`).
//!
//! The reference files are third-party and never committed; they are looked up in
//! `$SQLSWEEP_MIRROR`, then `data/cache/` (filled by `sqlsweep fetch-data`), then
//! `../shared/reference` beside the project root.
#![allow(dead_code)]

use std::path::PathBuf;

pub mod agent;
pub mod analysis;

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
