//! Loaders for the original benchmark's published files other than sweeps and
//! gold sets: the concurrency run, the sequential latency runs, the Baseten model
//! metadata, the agent evaluation and the baseline run.
//!
//! Each loader takes the file's bytes and name and returns typed data or a
//! [`PublishedError`] naming the file, the JSON path and what was wrong — never a
//! panic. Figures the files state (p50, accuracy…) are kept as optional fields so
//! the analysis can recompute them from rows and show where they disagree.

pub mod agent_eval;
pub mod baseline;
pub mod concurrency;
pub mod models_meta;
pub mod sequential;

use serde::de::DeserializeOwned;

pub(crate) use crate::json_rows::key_segment;
use crate::json_rows::path_string;

/// A published file that could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}: at {path}: {message}")]
pub struct PublishedError {
    pub file: String,
    /// JSON path of the offending value (`$.runs[2].rows[0].latency_ms`), `$` for the whole file.
    pub path: String,
    pub message: String,
}

impl PublishedError {
    pub fn new(file: &str, path: impl Into<String>, message: impl Into<String>) -> PublishedError {
        PublishedError {
            file: file.to_string(),
            path: path.into(),
            message: message.into(),
        }
    }
}

/// Parses `bytes` as JSON into `T`; `what` describes the expected content for the
/// error message ("a concurrency benchmark (baseten_perf.json)").
pub(crate) fn parse_json<T: DeserializeOwned>(
    bytes: &[u8],
    file: &str,
    what: &str,
) -> Result<T, PublishedError> {
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(PublishedError::new(
            file,
            "$",
            format!("the file is empty; expected {what}"),
        ));
    }
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let value: T = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let path = path_string(e.path());
        let inner = e.into_inner();
        let message = if inner.is_syntax() || inner.is_eof() {
            format!("not valid JSON ({inner}); expected {what}")
        } else {
            format!("{inner}; expected {what}")
        };
        PublishedError::new(file, path, message)
    })?;
    de.end().map_err(|e| {
        PublishedError::new(
            file,
            "$",
            format!("unexpected data after the JSON value ({e})"),
        )
    })?;
    Ok(value)
}

/// Deserialises one already-parsed value found at JSON path `at` (e.g. `$.q_001`);
/// errors carry the full path.
pub(crate) fn parse_value<T: DeserializeOwned>(
    v: &serde_json::Value,
    file: &str,
    at: &str,
    what: &str,
) -> Result<T, PublishedError> {
    serde_path_to_error::deserialize(v).map_err(|e| {
        let path = format!("{at}{}", &path_string(e.path())[1..]);
        PublishedError::new(file, path, format!("{}; expected {what}", e.into_inner()))
    })
}

/// Rejects a negative, NaN or infinite figure.
pub(crate) fn check_non_negative(
    file: &str,
    path: impl FnOnce() -> String,
    value: f64,
    what: &str,
) -> Result<(), PublishedError> {
    if value.is_finite() && value >= 0.0 {
        Ok(())
    } else {
        Err(PublishedError::new(
            file,
            path(),
            format!("{what} must be a finite number ≥ 0, found {value}"),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct T {
        a: Vec<Inner>,
    }
    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Inner {
        x: f64,
    }

    fn check(input: &str, expected_err: Option<(&str, &str)>) {
        let got = parse_json::<T>(input.as_bytes(), "f.json", "a test file");
        match (got, expected_err) {
            (Ok(_), None) => {}
            (Err(e), Some((path, msg))) => {
                assert_eq!(e.path, path, "{input}: {e}");
                assert!(e.message.contains(msg), "{input}: {e}");
                assert!(e.to_string().starts_with("f.json: at "), "{e}");
            }
            (got, _) => panic!("{input}: got {got:?}, want {expected_err:?}"),
        }
    }

    #[test]
    fn parse_errors_name_file_path_and_problem() {
        check(r#"{"a":[{"x":1}]}"#, None);
        check("", Some(("$", "the file is empty; expected a test file")));
        check("  \n", Some(("$", "empty")));
        check(
            r#"{"a":[{"x":1},{"x":"fast"}]}"#,
            Some(("$.a[1].x", "invalid type: string \"fast\", expected f64")),
        );
        check(r#"{"a":[{"y":1}]}"#, Some(("$.a[0]", "missing field `x`")));
        check(r#"{"a":[{"x":1}"#, Some(("$.a", "not valid JSON")));
        check(
            r#""hello""#,
            Some(("$", "invalid type: string \"hello\", expected struct T")),
        );
        check(
            r#"{"a":[]} trailing"#,
            Some(("$", "unexpected data after the JSON value")),
        );
        check("\u{0}\u{1}garbage", Some(("$", "not valid JSON")));
        assert_eq!(key_segment("odd key"), "[\"odd key\"]");
    }
}
