//! Reading and writing sweep files: one entry point, [`load`], for every format the
//! dashboard and the CLI accept, and [`to_json`] writing ours.
//!
//! The format is detected from the content, not the file name:
//! - an object with `"schema": "sqlsweep.sweep"` is ours (any version up to
//!   [`SCHEMA_VERSION`]);
//! - an object with a `reports` array is the original benchmark's (see [`super::legacy`]).
//!
//! Anything else — or a file that breaks either format — gets a [`LoadError`] naming the
//! file, the JSON path and what was wrong. Never a panic: the input is user-supplied.
//!
//! The format is detected on the parsed [`Value`]; the typed read then deserialises the
//! file's text again (see [`deserialize_at`]), not the value.

use serde_json::Value;

use super::legacy::{convert, LegacyFile};
use super::{SweepFile, SCHEMA_ID, SCHEMA_VERSION};
use crate::json_rows::{deserialize_at, kind_of, parse_file, JsonFault};

/// A sweep file that could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("sweep file {file}: at {path}: {message}")]
pub struct LoadError {
    pub file: String,
    /// JSONPath-like location, `$` for the whole file.
    pub path: String,
    pub message: String,
}

/// Reads a sweep in any supported format.
pub fn load(bytes: &[u8], file_name: &str) -> Result<SweepFile, LoadError> {
    let err = |path: String, message: String| LoadError {
        file: file_name.to_string(),
        path,
        message,
    };
    let fault = |f: JsonFault| err(f.path, f.message);
    let value = parse_file(bytes).map_err(fault)?;
    let format = detect(&value).map_err(fault)?;
    // The typed read is from the text; the value is no longer needed.
    drop(value);
    match format {
        Format::Ours => deserialize_at(bytes).map_err(fault),
        Format::Legacy => {
            let legacy: LegacyFile = deserialize_at(bytes).map_err(fault)?;
            convert(legacy, file_name).map_err(fault)
        }
    }
}

/// The sweep formats [`load`] reads.
enum Format {
    /// Ours, at a schema version this build reads.
    Ours,
    /// The original benchmark's.
    Legacy,
}

/// Tells the format from the top-level keys, so a file in neither format (or a newer
/// version of ours) is refused with a plain message before any typed read.
fn detect(value: &Value) -> Result<Format, JsonFault> {
    let fault = |path: &str, message: String| JsonFault {
        path: path.into(),
        message,
    };
    let Value::Object(top) = value else {
        return Err(fault(
            "$",
            format!(
                "expected a JSON object (a sweep file), found {}",
                kind_of(value)
            ),
        ));
    };

    if let Some(schema) = top.get("schema") {
        if schema.as_str() != Some(SCHEMA_ID) {
            return Err(fault(
                "$.schema",
                format!("unknown schema {schema}; expected \"{SCHEMA_ID}\""),
            ));
        }
        let version = top.get("version").and_then(Value::as_u64);
        return match version {
            None => Err(fault("$.version", "expected the schema version, a positive integer".into())),
            Some(0) => Err(fault("$.version", "version 0 does not exist; expected 1 or later".into())),
            Some(v) if v > u64::from(SCHEMA_VERSION) => Err(fault(
                "$.version",
                format!(
                    "written by a newer sqlsweep (schema version {v}); this one reads versions up to {SCHEMA_VERSION}"
                ),
            )),
            Some(_) => Ok(Format::Ours),
        };
    }

    if top.contains_key("reports") {
        return Ok(Format::Legacy);
    }

    Err(fault(
        "$",
        format!(
            "not a sweep file: expected \"schema\": \"{SCHEMA_ID}\" (this tool's format) or a \"reports\" \
             array (the original benchmark's format); found keys {}",
            describe_keys(top)
        ),
    ))
}

/// Writes `sweep` in our schema (pretty JSON). [`load`] reads it back unchanged.
pub fn to_json(sweep: &SweepFile) -> String {
    // Serialising plain data structs into a String cannot fail; fall back to an
    // explicit error object rather than panicking should that ever change.
    serde_json::to_string_pretty(sweep)
        .unwrap_or_else(|e| format!("{{\"error\": {:?}}}", e.to_string()))
}

fn describe_keys(map: &serde_json::Map<String, Value>) -> String {
    if map.is_empty() {
        return "none".to_string();
    }
    let mut keys: Vec<String> = map.keys().take(6).map(|k| format!("{k:?}")).collect();
    if map.len() > 6 {
        keys.push("…".to_string());
    }
    keys.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sweep::{Platform, PriceSource, Protocol, Schedule, Source};
    use crate::value::Cell;

    /// A published-format (v2) file with the fields that matter, in miniature.
    const V2: &str = r#"{
      "platform": "fireworks", "base_url": "https://api.fireworks.ai/inference/v1",
      "methodology": "one-shot", "n_questions": 2, "inter_query_pace_s": 5.0,
      "probed_unavailable": [{"model": "accounts/fireworks/models/glm-5", "reachable": false, "error": "404"}],
      "reports": [{
        "model": "accounts/fireworks/models/kimi-k2p5", "n": 2, "correct": 1, "accuracy": 0.5,
        "json_ok_count": 2, "json_ok_rate": 1.0, "median_ttft_ms": 600.0, "median_latency_ms": 1500.0,
        "p90_latency_ms": 1900.0, "mean_prompt_tokens": 700, "mean_completion_tokens": 70.5,
        "cost_per_query_usd": null, "pricing": null, "fatal_error": null, "notes": "—",
        "traces": [
          {"qid": "q_001", "question": "Top genres?", "tier": 1, "raw_content": "{}", "json_parsed_ok": true,
           "sql": "SELECT 1", "rows": [{"Name": "Rock", "Total": 826.65}], "correct": true,
           "ttft_ms": 600.0, "latency_ms": 1000.0, "prompt_tokens": 700, "completion_tokens": 70,
           "cost_usd": 0.0, "error": null},
          {"qid": "q_002", "question": "?", "tier": 2, "raw_content": "", "json_parsed_ok": true,
           "sql": null, "rows": null, "correct": false, "ttft_ms": null, "latency_ms": 2000.0,
           "prompt_tokens": 700, "completion_tokens": 71, "cost_usd": 0.0, "error": "no SQL extractable"}
        ]}]}"#;

    /// The older format: no platform, TTFT, tier, question or pricing.
    const OLD: &str = r#"{"reports": [{"model": "accounts/fireworks/models/kimi-k2p6", "n": 1, "correct": 1,
        "json_ok_count": 1, "json_ok_rate": 1.0, "median_latency_ms": 900.0, "mean_prompt_tokens": 400,
        "mean_completion_tokens": 40, "cost_per_query_usd": 0.00054, "fatal_error": null, "notes": "—",
        "traces": [{"qid": "q_001", "raw_content": "{}", "json_parsed_ok": true, "sql": "SELECT 1",
                    "rows": [], "correct": true, "latency_ms": 900.0, "prompt_tokens": 400,
                    "completion_tokens": 40, "error": null}]}]}"#;

    fn check(input: &str, expected: Result<(), (&str, &str)>) {
        match (load(input.as_bytes(), "in.json"), expected) {
            (Ok(_), Ok(())) => {}
            (Err(e), Err((path, needle))) => {
                assert_eq!(e.file, "in.json");
                assert_eq!(e.path, path, "{e}");
                assert!(e.message.contains(needle), "{e} should mention {needle:?}");
            }
            (got, want) => panic!("{input}: got {got:?}, want {want:?}"),
        }
    }

    #[test]
    fn reads_the_published_v2_format() {
        let s = load(V2.as_bytes(), "data/fireworks_sweep_v2.json").unwrap();
        assert_eq!(s.schema, SCHEMA_ID);
        assert_eq!(s.run.label, "fireworks_sweep_v2");
        assert_eq!(
            s.run.source,
            Some(Source::Published {
                file: "fireworks_sweep_v2.json".into()
            })
        );
        assert_eq!(s.run.platform, Some(Platform::Fireworks));
        assert_eq!(s.run.protocol, Some(Protocol::OneShot));
        assert_eq!(s.run.schedule, Some(Schedule::Sequential { pace_ms: 5000 }));
        assert_eq!(s.run.methodology.as_deref(), Some("one-shot"));
        assert_eq!(s.run.probed_unavailable.len(), 1);
        assert_eq!(s.run.probed_unavailable[0].error, "404");
        let m = &s.models[0];
        assert_eq!(m.label(), "kimi-k2p5");
        // No pricing in the file: the catalog's proxy rate, marked as such.
        let p = m.pricing.unwrap();
        assert_eq!(
            (p.input, p.output, p.source),
            (0.95, 4.0, PriceSource::Proxy)
        );
        let t = &m.traces[0];
        assert_eq!(
            (t.qid.as_str(), t.tier, t.json_ok, t.correct),
            ("q_001", Some(1), Some(true), true)
        );
        let rows = t.result.as_ref().unwrap();
        assert_eq!(rows.columns, ["Name", "Total"]);
        assert_eq!(
            rows.rows,
            vec![vec![Cell::Text("Rock".into()), Cell::Real(826.65)]]
        );
        assert_eq!(t.timing.ttft_ms, Some(600.0));
        // The original wrote 0.0 for "no rate"; we price it at the proxy rate.
        assert_eq!(t.cost_usd, Some((700.0 * 0.95 + 70.0 * 4.0) / 1e6));
        assert_eq!(m.traces[1].result, None);
        assert_eq!(m.traces[1].error.as_deref(), Some("no SQL extractable"));
        let rec = m.recorded.as_ref().unwrap();
        assert_eq!(
            (rec.n, rec.correct, rec.accuracy, rec.mean_prompt_tokens),
            (Some(2), Some(1), Some(0.5), Some(700.0))
        );
        assert_eq!(rec.cost_per_query_usd, None);
        // An unknown file name in the published format is an import, not published data.
        let imported = load(V2.as_bytes(), "mine.json").unwrap();
        assert_eq!(
            imported.run.source,
            Some(Source::Imported {
                file: "mine.json".into()
            })
        );
    }

    #[test]
    fn reads_the_older_format() {
        let s = load(OLD.as_bytes(), "model_sweep.json").unwrap();
        assert_eq!(
            s.run.platform,
            Some(Platform::Fireworks),
            "detected from the model ids"
        );
        assert_eq!(s.run.schedule, None);
        let m = &s.models[0];
        assert_eq!(m.pricing.map(|p| p.source), Some(PriceSource::Published));
        let t = &m.traces[0];
        assert_eq!(
            (t.question.as_deref(), t.tier, t.timing.ttft_ms),
            (None, None, None)
        );
        assert_eq!(t.result.as_ref().map(|r| r.rows.len()), Some(0));
        let rec = m.recorded.as_ref().unwrap();
        assert_eq!(
            (rec.accuracy, rec.p90_latency_ms, rec.median_ttft_ms),
            (None, None, None)
        );
    }

    #[test]
    fn round_trips_through_our_schema() {
        for (input, name) in [(V2, "fireworks_sweep_v2.json"), (OLD, "model_sweep.json")] {
            let first = load(input.as_bytes(), name).unwrap();
            let written = to_json(&first);
            let second = load(written.as_bytes(), "exported.json").unwrap();
            assert_eq!(first, second, "{name}");
        }
    }

    #[test]
    fn the_session_number_is_optional_and_written_only_when_not_zero() {
        // A file of ours written before sessions were numbered: session 0.
        let before = r#"{"schema": "sqlsweep.sweep", "version": 1,
            "run": {"label": "x", "source": {"kind": "own"}},
            "models": [{"model": "m", "platform": null, "pricing": null, "traces": [
              {"qid": "q_001", "correct": true,
               "timing": {"dispatch_ms": 5.0, "ttft_ms": 10.0, "latency_ms": 20.0}}]}]}"#;
        let mut s = load(before.as_bytes(), "old.json").unwrap();
        assert_eq!(s.models[0].traces[0].timing.session, 0);
        assert!(!to_json(&s).contains("\"session\""));
        s.models[0].traces[0].timing.session = 2;
        let text = to_json(&s);
        assert!(text.contains("\"session\": 2"), "{text}");
        assert_eq!(load(text.as_bytes(), "new.json").unwrap(), s);
    }

    #[test]
    fn rejects_what_it_cannot_read() {
        check(V2, Ok(()));
        check(OLD, Ok(()));
        check("", Err(("$", "not valid JSON")));
        check("\u{feff}{}", Err(("$", "not a sweep file: expected"))); // a BOM is tolerated
        check(
            "[1, 2]",
            Err(("$", "expected a JSON object (a sweep file), found an array")),
        );
        check("{}", Err(("$", "not a sweep file")));
        check(r#"{"models": []}"#, Err(("$", "found keys \"models\"")));
        check(
            r#"{"schema": "other.thing", "version": 1}"#,
            Err(("$.schema", "unknown schema \"other.thing\"")),
        );
        check(
            r#"{"schema": "sqlsweep.sweep"}"#,
            Err(("$.version", "expected the schema version")),
        );
        check(
            r#"{"schema": "sqlsweep.sweep", "version": 0}"#,
            Err(("$.version", "version 0")),
        );
        check(
            r#"{"schema": "sqlsweep.sweep", "version": 99}"#,
            Err(("$.version", "newer sqlsweep (schema version 99)")),
        );
        check(
            r#"{"schema": "sqlsweep.sweep", "version": 1, "run": {"label": "x"}}"#,
            Err(("$", "missing field `models`")),
        );
        check(
            r#"{"reports": {}}"#,
            Err(("$.reports", "expected a sequence")),
        );
        check(
            r#"{"reports": [{"traces": []}]}"#,
            Err(("$.reports[0]", "missing field `model`")),
        );
        check(
            r#"{"reports": [{"model": "m", "traces": [{"qid": "q"}]}]}"#,
            Err(("$.reports[0].traces[0]", "missing field `correct`")),
        );
        check(
            r#"{"reports": [{"model": "m", "traces": [{"qid": "q", "correct": "yes"}]}]}"#,
            Err(("$.reports[0].traces[0].correct", "expected a boolean")),
        );
        check(
            r#"{"reports": [{"model": "m", "traces": [{"qid": "q", "correct": false, "rows": [{"a": [1]}]}]}]}"#,
            Err(("$.reports[0].traces[0].rows[0].a", "found an array")),
        );
        check(
            r#"{"reports": [{"model": "m", "traces": [{"qid": "q", "correct": false, "tier": -1}]}]}"#,
            Err(("$.reports[0].traces[0].tier", "u8")),
        );
        // Missing optional fields are fine.
        check(r#"{"reports": [{"model": "m"}]}"#, Ok(()));
        check(r#"{"reports": []}"#, Ok(()));
    }

    #[test]
    fn never_panics_on_damaged_input() {
        // Every prefix of both formats, and byte-level damage, must give Ok or LoadError.
        let ours = to_json(&load(V2.as_bytes(), "fireworks_sweep_v2.json").unwrap());
        for input in [V2, OLD, ours.as_str()] {
            let bytes = input.as_bytes();
            for cut in 0..bytes.len() {
                let _ = load(&bytes[..cut], "cut.json");
            }
            let mut state: u32 = 0x9e37_79b9;
            for _ in 0..2_000 {
                // xorshift: deterministic pseudo-random damage.
                state ^= state << 13;
                state ^= state >> 17;
                state ^= state << 5;
                let mut damaged = bytes.to_vec();
                let at = state as usize % damaged.len();
                damaged[at] = (state >> 8) as u8;
                let _ = load(&damaged, "damaged.json");
            }
        }
        let deep = "[".repeat(100_000);
        assert!(load(deep.as_bytes(), "deep.json").is_err());
    }
}
