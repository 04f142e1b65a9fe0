//! Shared helpers of the analysis golden tests: where the reference files are, and
//! the published data loaded into the project's types.
//!
//! The reference files are third-party and never committed; they are looked up in
//! `$SQLSWEEP_MIRROR`, then `data/cache/` (filled by `sqlsweep fetch-data`), then
//! `../shared/reference` beside the project root.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde_json::Value;
use sqlsweep_core::analysis::records::{records, Record};
use sqlsweep_core::sweep::{
    ModelRun, Platform, PriceSource, Pricing, ProbedModel, RecordedSummary, RunMeta, Source,
    SweepFile, Timing, Trace, SCHEMA_ID, SCHEMA_VERSION,
};
use sqlsweep_core::value::{Cell, ResultSet};

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

/// A JSON array of row objects as a result set (columns from the first row's keys).
pub fn rows_from_json(v: &Value) -> Option<ResultSet> {
    let arr = v.as_array()?;
    let columns: Vec<String> = match arr.first() {
        Some(Value::Object(o)) => o.keys().cloned().collect(),
        _ => Vec::new(),
    };
    let rows = arr
        .iter()
        .map(|r| {
            r.as_object()
                .map(|o| o.values().filter_map(Cell::from_json).collect())
        })
        .collect::<Option<Vec<Vec<Cell>>>>()?;
    Some(ResultSet {
        columns,
        rows,
        truncated: false,
    })
}

/// Reads a published v2 sweep into our schema.
///
/// Stand-in until `sweep::load` (branch wip/core) is on main: it reads exactly the
/// fields the analysis needs and prices as the loader is specified to — a report's
/// own `pricing` is published; a Fireworks report without one gets Kimi K2.6's
/// $0.95/$4.00 as a proxy (the original's `FW_PRICING`).
pub fn load_published(file: &str) -> SweepFile {
    let v: Value = serde_json::from_slice(&bytes(file)).unwrap();
    let platform = Platform::detect(v["platform"].as_str().unwrap());
    let models = v["reports"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let pricing = match (&r["pricing"], &platform) {
                (Value::Object(p), _) => Some(Pricing {
                    input: p["input"].as_f64().unwrap(),
                    output: p["output"].as_f64().unwrap(),
                    source: PriceSource::Published,
                }),
                (_, Platform::Fireworks) => Some(Pricing {
                    input: 0.95,
                    output: 4.0,
                    source: PriceSource::Proxy,
                }),
                _ => None,
            };
            let traces = r["traces"]
                .as_array()
                .unwrap()
                .iter()
                .map(|t| {
                    let s = |k: &str| t[k].as_str().map(str::to_string);
                    Trace {
                        qid: s("qid").unwrap(),
                        question: s("question"),
                        tier: t["tier"].as_u64().map(|x| x as u8),
                        raw_content: s("raw_content"),
                        json_ok: t["json_parsed_ok"].as_bool(),
                        sql: s("sql"),
                        result: rows_from_json(&t["rows"]),
                        correct: t["correct"].as_bool().unwrap(),
                        timing: Timing {
                            ttft_ms: t["ttft_ms"].as_f64(),
                            latency_ms: t["latency_ms"].as_f64(),
                            ..Timing::default()
                        },
                        prompt_tokens: t["prompt_tokens"].as_u64(),
                        completion_tokens: t["completion_tokens"].as_u64(),
                        cost_usd: t["cost_usd"].as_f64(),
                        error: s("error"),
                        ..Trace::default()
                    }
                })
                .collect();
            ModelRun {
                model: r["model"].as_str().unwrap().to_string(),
                platform: Some(platform.clone()),
                pricing,
                traces,
                recorded: Some(RecordedSummary {
                    notes: r["notes"].as_str().map(str::to_string),
                    ..RecordedSummary::default()
                }),
            }
        })
        .collect();
    let probed_unavailable = v["probed_unavailable"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|p| ProbedModel {
                    model: p["model"].as_str().unwrap().into(),
                    error: p["error"].as_str().unwrap().into(),
                })
                .collect()
        })
        .unwrap_or_default();
    SweepFile {
        schema: SCHEMA_ID.into(),
        version: SCHEMA_VERSION,
        run: RunMeta {
            label: String::new(),
            source: Some(Source::Published { file: file.into() }),
            platform: Some(platform),
            base_url: v["base_url"].as_str().map(str::to_string),
            probed_unavailable,
            ..RunMeta::default()
        },
        models,
    }
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

/// Gold result per question id (both gold files).
pub fn gold_rows() -> BTreeMap<String, ResultSet> {
    let mut out = BTreeMap::new();
    for file in [
        "dev_questions_with_answers.json",
        "synthetic_questions.json",
    ] {
        let v: Value = serde_json::from_slice(&bytes(file)).unwrap();
        for q in v.as_array().unwrap() {
            out.insert(
                q["id"].as_str().unwrap().to_string(),
                rows_from_json(&q["expected_result"]).unwrap(),
            );
        }
    }
    out
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
