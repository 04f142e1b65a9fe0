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
                if s.is_empty() || s == "-" || s == "-0" {
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

    /// The result as the original harness recorded it: each row turned into a Python
    /// `dict(zip(columns, row))`, so a duplicated column name keeps its *first* position
    /// and the *last* value. Published rows are in this form, and the original scored
    /// this form, so re-verification compares and scores it too.
    pub fn collapse_duplicate_columns(&self) -> ResultSet {
        // For every column: the index of the first column with the same name.
        let mut first_of: Vec<usize> = Vec::with_capacity(self.columns.len());
        let mut kept: Vec<usize> = Vec::new();
        for (i, name) in self.columns.iter().enumerate() {
            match self.columns[..i].iter().position(|c| c == name) {
                Some(j) => first_of.push(j),
                None => {
                    first_of.push(i);
                    kept.push(i);
                }
            }
        }
        if kept.len() == self.columns.len() {
            return self.clone();
        }
        let rows = self
            .rows
            .iter()
            .map(|row| {
                kept.iter()
                    .map(|&k| {
                        // Last column sharing k's name that this row actually has.
                        let last = (0..row.len()).rev().find(|&i| first_of.get(i) == Some(&k));
                        last.map_or(Cell::Null, |i| row[i].clone())
                    })
                    .collect()
            })
            .collect();
        ResultSet {
            columns: kept.iter().map(|&k| self.columns[k].clone()).collect(),
            rows,
            truncated: self.truncated,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rs(columns: &[&str], rows: Vec<Vec<Cell>>) -> ResultSet {
        ResultSet {
            columns: columns.iter().map(|c| c.to_string()).collect(),
            rows,
            truncated: false,
        }
    }

    fn check(input: ResultSet, expected: ResultSet) {
        assert_eq!(
            input.collapse_duplicate_columns(),
            expected,
            "collapsing {input:?}"
        );
    }

    #[test]
    fn collapse_duplicate_columns_follows_python_dict_semantics() {
        use Cell::*;
        let t = |s: &str| Text(s.to_string());
        // No duplicates: unchanged.
        check(
            rs(&["a", "b"], vec![vec![Integer(1), Integer(2)]]),
            rs(&["a", "b"], vec![vec![Integer(1), Integer(2)]]),
        );
        // First position, last value.
        check(
            rs(
                &["Name", "Name", "Milliseconds"],
                vec![vec![t("track"), t("album"), Integer(5)]],
            ),
            rs(
                &["Name", "Milliseconds"],
                vec![vec![t("album"), Integer(5)]],
            ),
        );
        check(
            rs(
                &["x", "y", "x", "x"],
                vec![vec![Integer(1), Integer(2), Integer(3), Integer(4)]],
            ),
            rs(&["x", "y"], vec![vec![Integer(4), Integer(2)]]),
        );
        // Empty result keeps collapsed columns.
        check(rs(&["a", "a"], vec![]), rs(&["a"], vec![]));
    }

    #[test]
    fn display() {
        let cases = [
            (Cell::Null, "NULL"),
            (Cell::Bool(true), "true"),
            (Cell::Integer(-3), "-3"),
            (Cell::Real(2.5), "2.5"),
            (Cell::Real(826.65), "826.65"),
            (Cell::Real(1.0), "1"),
            (Cell::Real(-0.00001), "0"),
            (Cell::Text(" x ".into()), " x "),
        ];
        for (cell, want) in cases {
            assert_eq!(cell.display(), want, "{cell:?}");
        }
    }
}
