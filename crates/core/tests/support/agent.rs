//! Helpers of the agent tests: Chinook opened read-only, a plain executor, the
//! gold set with its expected rows.

use rusqlite::types::ValueRef;
use rusqlite::{Connection, OpenFlags};
use serde_json::Value;
use sqlsweep_core::value::{Cell, ResultSet};

use super::reference_file;

/// Chinook, read-only.
pub fn chinook() -> Connection {
    let path = reference_file("Chinook.db");
    Connection::open_with_flags(&path, OpenFlags::SQLITE_OPEN_READ_ONLY)
        .unwrap_or_else(|e| panic!("cannot open {}: {e}", path.display()))
}

/// Runs one read-only statement (tests only: the product uses the guarded executor).
pub fn execute(conn: &Connection, sql: &str) -> Result<ResultSet, String> {
    let mut stmt = conn.prepare(sql).map_err(|e| e.to_string())?;
    if !stmt.readonly() {
        return Err("refused: not a read-only statement".to_string());
    }
    let columns: Vec<String> = stmt.column_names().map(|c| c.to_string()).collect();
    let width = columns.len();
    let mut rows = Vec::new();
    let mut q = stmt.query([]).map_err(|e| e.to_string())?;
    while let Some(row) = q.next().map_err(|e| e.to_string())? {
        let mut cells = Vec::with_capacity(width);
        for i in 0..width {
            cells.push(match row.get_ref(i).map_err(|e| e.to_string())? {
                ValueRef::Null => Cell::Null,
                ValueRef::Integer(v) => Cell::Integer(v),
                ValueRef::Real(v) => Cell::Real(v),
                ValueRef::Text(t) => Cell::Text(String::from_utf8_lossy(t).into_owned()),
                ValueRef::Blob(b) => Cell::Text(format!("<{} bytes>", b.len())),
            });
        }
        rows.push(cells);
    }
    Ok(ResultSet {
        columns,
        rows,
        truncated: false,
    })
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

/// A gold question: id, text, expected rows.
pub struct Gold {
    pub id: String,
    pub question: String,
    pub expected: ResultSet,
}

/// The 25 gold questions (10 dev, then 15 synthetic), in file order.
pub fn gold_set() -> Vec<Gold> {
    let mut out = Vec::new();
    for file in [
        "dev_questions_with_answers.json",
        "synthetic_questions.json",
    ] {
        let text = std::fs::read_to_string(reference_file(file)).unwrap();
        let v: Value = serde_json::from_str(&text).unwrap();
        for q in v.as_array().unwrap() {
            out.push(Gold {
                id: q["id"].as_str().unwrap().to_string(),
                question: q["question"].as_str().unwrap().to_string(),
                expected: rows_from_json(&q["expected_result"]).unwrap(),
            });
        }
    }
    out
}
