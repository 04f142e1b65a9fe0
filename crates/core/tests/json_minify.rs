//! `json_minify::minify` on the real data: every published JSON file, minified, parses
//! to the same value as the original, and the two published sweeps load into equal
//! `SweepFile`s — what the site serves from `data/web/` says exactly what the
//! sha256-pinned originals say.

mod common;

use serde_json::Value;
use sqlsweep_core::json_minify::minify;
use sqlsweep_core::sweep;

#[test]
fn every_reference_json_file_minifies_to_the_same_value() {
    let Some(dir) = common::reference_dir() else {
        return;
    };
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("listing {}: {e}", dir.display()))
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".json"))
        .collect();
    names.sort();
    for sweep_file in ["baseten_sweep.json", "fireworks_sweep_v2.json"] {
        assert!(
            names.iter().any(|n| n == sweep_file),
            "{sweep_file} in {names:?}"
        );
    }
    for name in &names {
        let original = common::read(&dir, name);
        let minified = minify(&original);
        let before: Value = serde_json::from_slice(&original)
            .unwrap_or_else(|e| panic!("{name}: the original does not parse: {e}"));
        let after: Value = serde_json::from_slice(&minified)
            .unwrap_or_else(|e| panic!("{name}: the minified copy does not parse: {e}"));
        assert_eq!(before, after, "{name}: same value once minified");
        assert!(!minified.contains(&b'\n'), "{name}: no newline left");
        assert!(minified.len() <= original.len(), "{name}: never larger");
    }
}

#[test]
fn published_sweeps_load_identically_once_minified() {
    let Some(dir) = common::reference_dir() else {
        return;
    };
    for name in ["baseten_sweep.json", "fireworks_sweep_v2.json"] {
        let original = common::read(&dir, name);
        let minified = minify(&original);
        assert!(
            minified.len() < original.len() * 3 / 4,
            "{name}: the indentation is a large share ({} → {} bytes)",
            original.len(),
            minified.len()
        );
        let a = sweep::load(&original, name).unwrap_or_else(|e| panic!("{e}"));
        let b = sweep::load(&minified, name).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            a, b,
            "{name}: same SweepFile from the original and the minified copy"
        );
    }
}
