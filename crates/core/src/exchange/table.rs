//! A table as plain text cells: the same strings feed the HTML table a view
//! renders and the CSV a user downloads, so the export says what the screen says.

use serde::{Deserialize, Serialize};

/// Headers and rows of text; every row has as many cells as there are headers.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Table {
    pub headers: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

/// A row whose width differs from the header's.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("row {row} has {found} cells; the table has {expected} columns")]
pub struct RaggedRow {
    /// 0-based index of the row.
    pub row: usize,
    pub found: usize,
    pub expected: usize,
}

impl Table {
    pub fn new<S: Into<String>>(headers: impl IntoIterator<Item = S>) -> Table {
        Table {
            headers: headers.into_iter().map(Into::into).collect(),
            rows: Vec::new(),
        }
    }

    /// Appends a row. A row of the wrong width is refused, naming its index.
    pub fn push<S: Into<String>>(
        &mut self,
        cells: impl IntoIterator<Item = S>,
    ) -> Result<(), RaggedRow> {
        let row: Vec<String> = cells.into_iter().map(Into::into).collect();
        if row.len() != self.headers.len() {
            return Err(RaggedRow {
                row: self.rows.len(),
                found: row.len(),
                expected: self.headers.len(),
            });
        }
        self.rows.push(row);
        Ok(())
    }

    /// The first row whose width differs from the header's (tables built field by
    /// field, e.g. deserialised, are checked before export).
    pub fn check(&self) -> Result<(), RaggedRow> {
        match self.rows.iter().position(|r| r.len() != self.headers.len()) {
            Some(i) => Err(RaggedRow {
                row: i,
                found: self.rows[i].len(),
                expected: self.headers.len(),
            }),
            None => Ok(()),
        }
    }

    /// The table as CSV (see [`super::csv::write`]).
    pub fn to_csv(&self) -> Result<String, RaggedRow> {
        super::csv::write(&self.headers, &self.rows)
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(rows: &[&[&str]], expected: Result<usize, (usize, usize)>) {
        let mut t = Table::new(["a", "b"]);
        let mut got = Ok(());
        for r in rows {
            got = got.and_then(|_| t.push(r.iter().copied()));
        }
        match (got, expected) {
            (Ok(()), Ok(n)) => assert_eq!(t.rows.len(), n),
            (Err(e), Err((row, found))) => {
                assert_eq!((e.row, e.found, e.expected), (row, found, 2));
                assert_eq!(t.rows.len(), row, "the bad row was not added");
            }
            (got, want) => panic!("{rows:?}: got {got:?}, want {want:?}"),
        }
    }

    #[test]
    fn rows_must_match_the_headers() {
        check(&[], Ok(0));
        check(&[&["1", "2"], &["3", "4"]], Ok(2));
        check(&[&["1", "2"], &["3"]], Err((1, 1)));
        check(&[&["1", "2", "3"]], Err((0, 3)));
        let ragged = Table {
            headers: vec!["a".into()],
            rows: vec![vec!["1".into()], vec![]],
        };
        assert_eq!(
            ragged.check().unwrap_err().to_string(),
            "row 1 has 0 cells; the table has 1 columns"
        );
        assert!(ragged.to_csv().is_err());
    }
}
