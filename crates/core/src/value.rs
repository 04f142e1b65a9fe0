//! Result cells and result sets: the one representation of SQL output used by the
//! executor, the scorer, the sweep files and the views.
//!
//! Why a type of our own: the published files store rows as JSON objects (column
//! name → value), which loses duplicate column names and is ambiguous about column
//! order; SQLite returns typed values. `ResultSet` keeps column order and duplicates,
//! and `Cell` keeps SQLite's storage class so "reproduced exactly" is decidable.

use serde::{Deserialize, Serialize};

/// One SQL value. Serialised as the natural JSON value (`null`, number, string, bool);
/// a BLOB is rendered as text by the executor before it ever reaches a `Cell`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Cell {
    Null,
    Bool(bool),
    Integer(i64),
    Real(f64),
    Text(String),
}

impl Cell {
    /// Converts a JSON value from a published file. Nested arrays/objects are not cells.
    pub fn from_json(v: &serde_json::Value) -> Option<Cell> {
        use serde_json::Value as J;
        Some(match v {
            J::Null => Cell::Null,
            J::Bool(b) => Cell::Bool(*b),
            J::Number(n) => match n.as_i64() {
                Some(i) => Cell::Integer(i),
                None => Cell::Real(n.as_f64()?),
            },
            J::String(s) => Cell::Text(s.clone()),
            J::Array(_) | J::Object(_) => return None,
        })
    }

    /// The cell as a display string (NULL for null, floats without trailing zeros).
    pub fn display(&self) -> String {
        match self {
            Cell::Null => "NULL".to_string(),
            Cell::Bool(b) => b.to_string(),
            Cell::Integer(i) => i.to_string(),
            Cell::Real(f) => {
                let s = format!("{f:.4}");
                let s = s.trim_end_matches('0').trim_end_matches('.');
                if s.is_empty() || s == "-" {
                    "0".to_string()
                } else {
                    s.to_string()
                }
            }
            Cell::Text(s) => s.clone(),
        }
    }
}

/// A result set: column names in order (duplicates allowed) and rows of cells.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct ResultSet {
    pub columns: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
    /// True when the executor stopped at its row cap; `rows` then holds only the first rows.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub truncated: bool,
}

impl ResultSet {
    pub fn len(&self) -> usize {
        self.rows.len()
    }
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }
}
