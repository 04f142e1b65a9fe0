//! Result rows in the original benchmark's JSON form — an array of objects, one per
//! row, column name → value — turned into [`ResultSet`]s, with errors that say where
//! in the file a bad value sits. Shared by the gold-set loader and the sweep loader.
//!
//! Column names come from the first row's keys. Each row keeps *its own* values in its
//! own key order, which is exactly the row signature the original scorer compared.
//!
//! Also the loaders' JSON error paths: files are deserialised straight from their text,
//! and [`error_path`] turns serde_json's line and column into the path of the value
//! the error is about (`$.reports[2].traces[0].latency_ms`).

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

/// Reads a user-supplied JSON file into a value, tolerating a UTF-8 byte-order mark;
/// bytes that are not JSON are a fault at `$`.
pub fn parse_file(bytes: &[u8]) -> Result<Value, JsonFault> {
    serde_json::from_slice(strip_bom(bytes)).map_err(|e| JsonFault {
        path: "$".into(),
        message: format!("not valid JSON: {e}"),
    })
}

/// Deserialises a user-supplied JSON file (byte-order mark tolerated) into `T`; a
/// mismatch is a fault at the offending value's path.
///
/// Reads the text itself, not a parsed [`Value`]: each type's `Deserialize` code is
/// then compiled for one deserializer only (the page's wasm carries every copy).
pub fn deserialize_at<T: serde::de::DeserializeOwned>(bytes: &[u8]) -> Result<T, JsonFault> {
    let text = strip_bom(bytes);
    serde_json::from_slice(text).map_err(|e| JsonFault {
        path: error_path(text, &e),
        message: message_of(&e),
    })
}

/// The file without a UTF-8 byte-order mark, which some editors write and JSON forbids.
fn strip_bom(bytes: &[u8]) -> &[u8] {
    bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes)
}

/// serde_json's message without its " at line L column C": the JSON path says where,
/// and positions in re-serialised text would mislead.
pub fn message_of(e: &serde_json::Error) -> String {
    let full = e.to_string();
    let position = format!(" at line {} column {}", e.line(), e.column());
    match full.strip_suffix(&position) {
        Some(message) => message.to_string(),
        None => full,
    }
}

/// The JSON path of the value a serde_json error in `text` is about.
///
/// A data error (wrong type, bad value, missing field) is placed just after the
/// offending value — or at an offending array or object's opening bracket, or just
/// after the closing `}` of an object missing a field — so [`path_at`] names it. A
/// syntax error is placed just past the byte parsing stopped at (or at the end of a
/// truncated file): the path is the innermost value open there, not one that ended
/// before it or starts with it.
pub fn error_path(text: &[u8], e: &serde_json::Error) -> String {
    if e.is_data() {
        return path_at(text, e.line(), e.column());
    }
    let at = offset_of(text, e.line(), e.column());
    let stop = if e.is_eof() { at } else { at.saturating_sub(1) };
    scan(text, stop, false)
}

/// The JSON path (`$.a[0].b`) of the innermost value in `text` that contains or ends at
/// line `line` (1-based), column `column` (bytes since the line's start) — serde_json's
/// error position. Lets errors name paths without wrapping every deserializer in a
/// path-tracking one (such a wrapper cost ~10% of the page's wasm).
pub fn path_at(text: &[u8], line: usize, column: usize) -> String {
    scan(text, offset_of(text, line, column), true)
}

/// The byte offset of serde_json's (line, column) position in `text`.
fn offset_of(text: &[u8], line: usize, column: usize) -> usize {
    let line_start = match line {
        0 | 1 => 0,
        _ => text
            .iter()
            .enumerate()
            .filter(|&(_, &b)| b == b'\n')
            .nth(line - 2)
            .map_or(text.len(), |(i, _)| i + 1),
    };
    (line_start + column).min(text.len())
}

/// An array or object [`scan`] is inside.
struct Open {
    /// How the container is reached from its parent (`.key`, `[3]`); empty for the root.
    seg: String,
    object: bool,
    /// In an object: whether the next string is a key, and the current key's segment.
    want_key: bool,
    key: String,
    /// In an array: the current element's index (counts commas).
    index: usize,
}

impl Open {
    fn new(seg: String, object: bool) -> Open {
        Open {
            seg,
            object,
            want_key: object,
            key: String::new(),
            index: 0,
        }
    }

    /// The segment of the child being read.
    fn child(&self) -> String {
        if self.object {
            self.key.clone()
        } else {
            format!("[{}]", self.index)
        }
    }
}

/// Walks `text` to byte offset `at` and returns the path of the innermost value whose
/// span holds `at`: with its ends when `inclusive` (starts at or ends at `at`), else
/// strictly inside. Never fails: damaged text gives the path of what is open where
/// the damage is.
fn scan(text: &[u8], at: usize, inclusive: bool) -> String {
    let starts_after = |start: usize| start > at || (!inclusive && start == at);
    let reaches = |end: usize| end > at || (inclusive && end == at);
    let path = |open: &[Open]| open.iter().fold(String::from("$"), |p, o| p + &o.seg);
    let mut open: Vec<Open> = Vec::new();
    let mut i = 0;
    while i < text.len() {
        match text[i] {
            b' ' | b'\t' | b'\n' | b'\r' | b':' => i += 1,
            b',' => {
                if let Some(o) = open.last_mut() {
                    o.want_key = o.object;
                    o.index += 1;
                }
                i += 1;
            }
            b'}' | b']' => {
                if reaches(i + 1) {
                    return path(&open);
                }
                open.pop();
                i += 1;
            }
            b'"' if open.last().is_some_and(|o| o.want_key) => {
                let end = string_end(text, i);
                if let Some(o) = open.last_mut() {
                    o.key = key_segment(&decode_key(&text[i..end]));
                    o.want_key = false;
                }
                i = end;
            }
            _ if starts_after(i) => break,
            b => {
                let child = open.last().map(Open::child).unwrap_or_default();
                if b == b'{' || b == b'[' {
                    open.push(Open::new(child, b == b'{'));
                    i += 1;
                    continue;
                }
                let end = if b == b'"' {
                    string_end(text, i)
                } else {
                    scalar_end(text, i)
                };
                if reaches(end) {
                    return path(&open) + &child;
                }
                i = end;
            }
        }
    }
    path(&open)
}

/// The offset just past the string starting at `start` (a `"`), escapes skipped.
fn string_end(text: &[u8], start: usize) -> usize {
    let mut i = start + 1;
    while i < text.len() {
        match text[i] {
            b'\\' => i += 2,
            b'"' => return i + 1,
            _ => i += 1,
        }
    }
    text.len()
}

/// The offset just past the number or literal starting at `start`.
fn scalar_end(text: &[u8], start: usize) -> usize {
    let stop = |b: &u8| b" \t\n\r,:]}[{\"".contains(b);
    text[start + 1..]
        .iter()
        .position(stop)
        .map_or(text.len(), |n| start + 1 + n)
}

/// A key as written (`"a\"b"`) to its text; an unterminated one keeps its raw text.
fn decode_key(raw: &[u8]) -> String {
    serde_json::from_slice(raw)
        .unwrap_or_else(|_| String::from_utf8_lossy(raw.get(1..).unwrap_or_default()).into_owned())
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

    /// `marked` is JSON with `‸` where serde_json's error position is; `expected` is
    /// the path [`path_at`] should give for it.
    fn check_path(marked: &str, expected: &str) {
        let at = marked
            .find('‸')
            .expect("the input marks the position with ‸");
        let text = marked.replacen('‸', "", 1);
        let line = 1 + text[..at].matches('\n').count();
        let column = at - text[..at].rfind('\n').map_or(0, |n| n + 1);
        assert_eq!(path_at(text.as_bytes(), line, column), expected, "{marked}");
    }

    #[test]
    fn positions_to_paths() {
        // Just after a scalar (wrong type or value): that scalar.
        check_path(r#"{"a": [1, 2‸, 3]}"#, "$.a[1]");
        check_path(r#"{"a": {"b": true‸}}"#, "$.a.b");
        check_path(r#"{"a": {"b": null‸ }}"#, "$.a.b");
        check_path(r#"{"a": "x"‸, "b": 1}"#, "$.a");
        check_path(r#""hello"‸"#, "$");
        check_path("17‸", "$");
        // Just after an object's `}` (a missing field): that object.
        check_path(r#"{"a": [{"x": 1}, {"y": 2}‸]}"#, "$.a[1]");
        check_path(r#"{"a": {"b": {}‸}}"#, "$.a.b");
        check_path(r#"{"a": 1}‸"#, "$");
        // At an array or object's opening bracket (found a sequence or map): that value.
        check_path(r#"{"a": {"b": ‸[1, [2]]}}"#, "$.a.b");
        check_path(r#"{"a": [0, ‸{"b": 1}]}"#, "$.a[1]");
        check_path(r#"{"a": [0, ‸[]]}"#, "$.a[1]");
        // Keys that are not identifiers are quoted; escapes are decoded.
        check_path(r#"{"odd key": {"a/b": 1‸}}"#, r#"$["odd key"]["a/b"]"#);
        check_path(r#"{"q\"1": 1‸}"#, r#"$["q\"1"]"#);
        check_path(r#"{"\u0041": 1‸}"#, "$.A");
        check_path(r#"{"": 1‸}"#, r#"$[""]"#);
        // Brackets, braces, commas and quotes inside strings are text, not structure.
        check_path(r#"{"a": "[{,\"", "b": ["]", "}", 3‸]}"#, "$.b[2]");
        check_path(r#"{"a]": {"[b": "\\"‸}}"#, r#"$["a]"]["[b"]"#);
        // Several lines; columns count bytes, as serde_json's do.
        check_path("{\n  \"a\": [\n    1,\n    \"é\"‸\n  ]\n}", "$.a[1]");
        check_path("{\n  \"a\": [\n    {\"x\": 1}\n  ]‸\n}", "$.a");
        check_path("[\n{}‸,\n{}\n]", "$[0]");
        // Between values (a key, whitespace): the enclosing array or object.
        check_path(r#"{"a": 1, "b"‸: 2}"#, "$");
        check_path(r#"[1, ‸ 2]"#, "$");
        // Past the end of damaged text: what is still open.
        check_path(r#"{"a": [{"x": 1}, ‸"#, "$.a");
        check_path(r#"{"a": "unterminated‸"#, "$.a");
    }

    #[test]
    fn serde_errors_name_the_value_they_are_about() {
        #[derive(Debug, serde::Deserialize)]
        #[allow(dead_code)]
        struct T {
            a: Vec<Inner>,
        }
        #[derive(Debug, serde::Deserialize)]
        #[allow(dead_code)]
        struct Inner {
            x: u8,
        }
        let cases = [
            (r#"{"a": [{"x": 1}, {"x": "fast"}]}"#, "$.a[1].x"),
            (r#"{"a": [{"x": 300}]}"#, "$.a[0].x"),
            ("{\"a\": [{\"x\": 1},\n {\"y\": 1}\n]}", "$.a[1]"),
            (r#"{"a": [{"x": [1]}]}"#, "$.a[0].x"),
            (r#"{"a": {}}"#, "$.a"),
            (r#"{}"#, "$"),
            // Syntax: the innermost array or object still open where parsing stopped.
            (r#"{"a": [{"x": 1}"#, "$.a"),
            (r#"{"a": [{"x": 1} {"x": 2}]}"#, "$.a"),
            (r#"{"a": [{"x": 1,}]}"#, "$.a[0]"),
            (r#"{"a": [{"x": 1"#, "$.a[0]"),
            (r#"{"a": [{"x": 1e400}]}"#, "$.a[0].x"),
            ("{\"a\": [\n{\"x\": 1}\n\u{0}]}", "$.a"),
        ];
        for (input, want) in cases {
            let e = deserialize_at::<T>(input.as_bytes()).unwrap_err();
            assert_eq!(e.path, want, "{input}: {}", e.message);
            assert!(!e.message.contains(" at line "), "{}", e.message);
        }
    }
}
