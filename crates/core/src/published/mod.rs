//! Loaders for the original benchmark's published files other than sweeps and
//! gold sets: the concurrency run, the sequential latency runs, the Baseten model
//! metadata, the agent evaluation and the baseline run.
//!
//! Each loader takes the file's bytes and name and returns typed data or a
//! [`PublishedError`] naming the file, the JSON path and what was wrong — never a
//! panic. Figures the files state (p50, accuracy…) are kept as optional fields so
//! the analysis can recompute them from rows and show where they disagree. A
//! missing `Option` field reads as `None` (serde's rule for `Option`), so those
//! fields carry no `#[serde(default)]`.
//!
//! Every loader runs the same skeleton: [`load`] (the file's text → typed struct,
//! errors at the JSON path [`error_path`] finds → the file's own [`Checked::check`])
//! or, for files keyed by question or model id, [`keyed_entries`] then
//! `parse_value` per entry.

pub mod agent_eval;
pub mod baseline;
pub mod concurrency;
pub mod models_meta;
pub mod sequential;

use serde::de::DeserializeOwned;

use crate::json_rows::{error_path, key_segment, message_of};

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
    let value = T::deserialize(&mut de).map_err(|e| {
        let message = if e.is_syntax() || e.is_eof() {
            format!("not valid JSON ({e}); expected {what}")
        } else {
            format!("{e}; expected {what}")
        };
        PublishedError::new(file, error_path(bytes, &e), message)
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

/// A published file read whole into `Self`, then checked for what serde cannot
/// express (non-empty lists, ids, finite figures).
pub(crate) trait Checked: DeserializeOwned {
    /// What the file should hold, for error messages
    /// ("a sequential latency run ({reports:[…]})").
    const EXPECTED: &'static str;

    /// The file's own rules; errors name the JSON path.
    fn check(&self, file: &str) -> Result<(), PublishedError>;
}

/// Parses `bytes` into `T` and applies `T`'s checks.
pub(crate) fn load<T: Checked>(bytes: &[u8], file: &str) -> Result<T, PublishedError> {
    let value: T = parse_json(bytes, file, T::EXPECTED)?;
    value.check(file)?;
    Ok(value)
}

/// Parses a file that is one JSON object keyed by id (`{qid: {…}, …}`), in file
/// order: each key with the JSON path of its value (`$.q_001`) and the value.
pub(crate) fn keyed_entries(
    bytes: &[u8],
    file: &str,
    what: &str,
) -> Result<Vec<(String, String, serde_json::Value)>, PublishedError> {
    let map: serde_json::Map<String, serde_json::Value> = parse_json(bytes, file, what)?;
    Ok(map
        .into_iter()
        .map(|(key, v)| {
            let at = format!("${}", key_segment(&key));
            (key, at, v)
        })
        .collect())
}

/// Deserialises one already-parsed value found at JSON path `at` (e.g. `$.q_001`);
/// errors carry the full path.
///
/// The value is written back to text and read from there, like every other file:
/// `T` is then read by the one deserializer all types are compiled for (see
/// [`crate::json_rows::deserialize_at`]), and the error's position in that text gives
/// the path within the value. The text is compact JSON of the same value, so the
/// path is the same as in the file; its line and column are not, hence left out.
pub(crate) fn parse_value<T: DeserializeOwned>(
    v: &serde_json::Value,
    file: &str,
    at: &str,
    what: &str,
) -> Result<T, PublishedError> {
    let text = v.to_string();
    serde_json::from_slice(text.as_bytes()).map_err(|e| {
        let path = format!("{at}{}", &error_path(text.as_bytes(), &e)[1..]);
        PublishedError::new(file, path, format!("{}; expected {what}", message_of(&e)))
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

/// The loaders' table-test helper: `got` is what loading `input` gave; `want` is
/// either what `ok` checks a loaded file against, or the error's (path, part of
/// the message).
#[cfg(test)]
pub(crate) fn check_load<T: std::fmt::Debug, W: std::fmt::Debug>(
    input: &str,
    got: Result<T, PublishedError>,
    want: Result<W, (&str, &str)>,
    ok: impl FnOnce(T, W),
) {
    match (got, want) {
        (Ok(loaded), Ok(want)) => ok(loaded, want),
        (Err(e), Err((path, msg))) => {
            assert_eq!(e.path, path, "{e}");
            assert!(e.message.contains(msg), "{e}");
        }
        (got, want) => panic!("{input}: got {got:?}, want {want:?}"),
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
