//! Lean copies of the published sweep files: the same file with each trace's
//! result rows and raw model output left out, for the dashboard's first screen.
//!
//! Those two fields are most of a published file's bytes, and nothing `#/` or
//! `#/sweep` shows is computed from them (a test over the published data checks
//! that every record comes out identical); re-verification and the quality views
//! need them, so the page fetches the full files right after its first screen.
//! The lean copy is derived at build time from the verified original and read by
//! the same loader.

use serde_json::Value;

/// The trace fields a lean copy leaves out.
pub const LEFT_OUT: [&str; 2] = ["rows", "raw_content"];

/// The lean copy of a published (legacy-format) sweep file, as compact JSON: every
/// value kept as parsed (a number may be written differently, `1.2e-05` as
/// `0.000012`, but reads back as the same `f64`), keys in file order, each trace of
/// each report without [`LEFT_OUT`]. Anything else is refused with what was wrong.
pub fn lean_copy(bytes: &[u8]) -> Result<Vec<u8>, String> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let mut file: Value =
        serde_json::from_slice(bytes).map_err(|e| format!("not valid JSON: {e}"))?;
    let reports = file
        .get_mut("reports")
        .and_then(Value::as_array_mut)
        .ok_or("not a published sweep file (no \"reports\" array)")?;
    for report in reports {
        if let Some(traces) = report.get_mut("traces").and_then(Value::as_array_mut) {
            for trace in traces.iter_mut().filter_map(Value::as_object_mut) {
                for key in LEFT_OUT {
                    trace.shift_remove(key);
                }
            }
        }
    }
    serde_json::to_vec(&file).map_err(|e| format!("could not write the lean copy: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(input: &str, expected: Result<&str, &str>) {
        let got = lean_copy(input.as_bytes()).map(|b| String::from_utf8(b).unwrap());
        match expected {
            Ok(json) => assert_eq!(got.as_deref(), Ok(json), "{input}"),
            Err(needle) => {
                let e = got.expect_err(input);
                assert!(e.contains(needle), "{input}: {e}");
            }
        }
    }

    #[test]
    fn rows_and_raw_output_are_left_out_and_nothing_else() {
        check(
            r#"{"platform": "baseten", "reports": [{"model": "m", "n": 1, "traces": [
                {"qid": "q_001", "sql": "SELECT 1", "rows": [{"x": 1}], "raw_content": "{\"sql\": \"SELECT 1\"}",
                 "correct": true, "latency_ms": 812.5, "cost_usd": 1.2e-05}]}]}"#,
            Ok(
                r#"{"platform":"baseten","reports":[{"model":"m","n":1,"traces":[{"qid":"q_001","sql":"SELECT 1","correct":true,"latency_ms":812.5,"cost_usd":0.000012}]}]}"#,
            ),
        );
        // Reports without traces, traces without those fields: unchanged.
        check(
            "\u{feff}{\"reports\": [{\"model\": \"m\"}, {\"model\": \"n\", \"traces\": [{\"qid\": \"q\"}]}]}",
            Ok(r#"{"reports":[{"model":"m"},{"model":"n","traces":[{"qid":"q"}]}]}"#),
        );
        check(r#"{"reports": ["#, Err("not valid JSON"));
        check(
            r#"{"schema": "sqlsweep.sweep", "models": []}"#,
            Err("no \"reports\" array"),
        );
        check("[]", Err("no \"reports\" array"));
    }
}
