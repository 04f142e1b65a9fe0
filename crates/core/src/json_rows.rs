//! Result rows in the original benchmark's JSON form — an array of objects, one per
//! row, column name → value — turned into [`ResultSet`]s, with errors that say where
//! in the file a bad value sits. Shared by the gold-set loader and the sweep loader.
//!
//! Column names come from the first row's keys. Each row keeps *its own* values in its
//! own key order, which is exactly the row signature the original scorer compared.

use serde_json::{Map, Value};

use crate::value::{Cell, ResultSet};

/// A value in a JSON file that is not what it should be, and where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JsonFault {
    /// JSONPath-like location (`$.reports[2].traces[0].rows[3].Total`).
    pub path: String,
    pub message: String,
}

/// Converts rows stored as JSON objects into a [`ResultSet`]. `path` locates the array.
pub fn from_records(records: &[Map<String, Value>], path: &str) -> Result<ResultSet, JsonFault> {
    let columns = records
        .first()
        .map(|r| r.keys().cloned().collect())
        .unwrap_or_default();
    let mut rows = Vec::with_capacity(records.len());
    for (i, record) in records.iter().enumerate() {
        let mut row = Vec::with_capacity(record.len());
        for (key, value) in record {
            let cell = Cell::from_json(value).ok_or_else(|| JsonFault {
                path: format!("{path}[{i}]{}", key_segment(key)),
                message: format!(
                    "expected a cell value (null, boolean, number or string), found {}",
                    kind_of(value)
                ),
            })?;
            row.push(cell);
        }
        rows.push(row);
    }
    Ok(ResultSet {
        columns,
        rows,
        truncated: false,
    })
}

/// Renders a `serde_path_to_error` path as `$.a[0].b`.
pub fn path_string(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut out = String::from("$");
    for segment in path.iter() {
        match segment {
            Segment::Seq { index } => out.push_str(&format!("[{index}]")),
            Segment::Map { key } => out.push_str(&key_segment(key)),
            Segment::Enum { variant } => out.push_str(&key_segment(variant)),
            Segment::Unknown => out.push_str(".?"),
        }
    }
    out
}

/// `.key` for identifier-like keys, `["odd key"]` otherwise.
pub fn key_segment(key: &str) -> String {
    let plain = !key.is_empty() && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if plain {
        format!(".{key}")
    } else {
        format!("[{}]", Value::String(key.to_string()))
    }
}

/// "a string", "an array", … for error messages.
pub fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(json: &str, expected: Result<ResultSet, JsonFault>) {
        let records: Vec<Map<String, Value>> =
            serde_json::from_str(json).expect("test input is JSON");
        assert_eq!(from_records(&records, "$.rows"), expected, "{json}");
    }

    #[test]
    fn records_to_result_sets() {
        use Cell::*;
        check("[]", Ok(ResultSet::default()));
        check(
            r#"[{"Name": "Rock", "Total": 826.65, "n": 3}, {"Name": null, "Total": 1.0, "n": true}]"#,
            Ok(ResultSet {
                columns: vec!["Name".into(), "Total".into(), "n".into()],
                rows: vec![
                    vec![Text("Rock".into()), Real(826.65), Integer(3)],
                    vec![Null, Real(1.0), Bool(true)],
                ],
                truncated: false,
            }),
        );
        // Each row keeps its own key order (the original's row signature).
        check(
            r#"[{"a": 1, "b": 2}, {"b": 3, "a": 4}]"#,
            Ok(ResultSet {
                columns: vec!["a".into(), "b".into()],
                rows: vec![vec![Integer(1), Integer(2)], vec![Integer(3), Integer(4)]],
                truncated: false,
            }),
        );
        check(
            r#"[{"a": 1}, {"odd key": [1]}]"#,
            Err(JsonFault {
                path: r#"$.rows[1]["odd key"]"#.into(),
                message: "expected a cell value (null, boolean, number or string), found an array"
                    .into(),
            }),
        );
    }
}
