//! How the live demo shows a question and a result: picker labels and a capped
//! preview of a result set with what was left out stated, never silently dropped.

use crate::value::ResultSet;

/// Rows shown in a result panel (as the original); the rest are counted.
pub const PREVIEW_ROWS: usize = 30;
/// Picker labels longer than this are shortened…
pub const LABEL_MAX_CHARS: usize = 80;
/// …to this many characters plus "…".
pub const LABEL_KEEP_CHARS: usize = 78;

/// `q_001 · How many tracks…`, shortened to [`LABEL_KEEP_CHARS`] + "…" when longer
/// than [`LABEL_MAX_CHARS`] characters.
pub fn picker_label(id: &str, question: &str) -> String {
    let full = format!("{id} · {}", question.trim());
    if full.chars().count() > LABEL_MAX_CHARS {
        let kept: String = full.chars().take(LABEL_KEEP_CHARS).collect();
        format!("{}…", kept.trim_end())
    } else {
        full
    }
}

/// The first rows of a result, as display strings, and what is not shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowsPreview {
    pub columns: Vec<String>,
    pub rows: Vec<Vec<String>>,
    /// Rows of the result not shown here.
    pub hidden: usize,
    /// The executor stopped at its row cap: the query had more rows than `total`.
    pub capped: bool,
    /// Rows the executor returned.
    pub total: usize,
}

impl RowsPreview {
    /// The line under the table: "… 12 more rows", "(empty result set)", the cap note.
    pub fn footer(&self) -> Option<String> {
        let mut parts = Vec::new();
        if self.total == 0 {
            parts.push("(empty result set)".to_string());
        }
        if self.hidden > 0 {
            let s = if self.hidden == 1 { "" } else { "s" };
            parts.push(format!("… {} more row{s} not shown", self.hidden));
        }
        if self.capped {
            parts.push(format!(
                "the query returned more than {} rows; it was stopped at the row cap",
                self.total
            ));
        }
        (!parts.is_empty()).then(|| parts.join(" · "))
    }
}

/// The first `cap` rows of `result` with cells rendered by [`crate::value::Cell::display`].
pub fn preview(result: &ResultSet, cap: usize) -> RowsPreview {
    RowsPreview {
        columns: result.columns.clone(),
        rows: result
            .rows
            .iter()
            .take(cap)
            .map(|r| r.iter().map(|c| c.display()).collect())
            .collect(),
        hidden: result.rows.len().saturating_sub(cap),
        capped: result.truncated,
        total: result.rows.len(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::value::Cell;

    #[test]
    fn picker_labels() {
        let long = "a".repeat(90);
        let cases = [
            (
                "q_001",
                " How many tracks? ",
                "q_001 · How many tracks?".to_string(),
            ),
            // 8 + 72 = 80 characters: kept whole.
            (
                "q_002",
                &"b".repeat(72),
                format!("q_002 · {}", "b".repeat(72)),
            ),
            (
                "q_003",
                &"c".repeat(73),
                format!("q_003 · {}…", "c".repeat(70)),
            ),
            ("s_015", &long, format!("s_015 · {}…", "a".repeat(70))),
            (
                "q_004",
                "Ça coûte combien — vraiment, en euros, pour toute l'année 2013 et par pays ?",
                "q_004 · Ça coûte combien — vraiment, en euros, pour toute l'année 2013 et par…"
                    .to_string(),
            ),
            (
                "q_005",
                "Où ça, déjà ?",
                "q_005 · Où ça, déjà ?".to_string(),
            ),
        ];
        for (id, q, want) in cases {
            let got = picker_label(id, q);
            assert_eq!(got, want, "{id}");
            assert!(got.chars().count() <= LABEL_MAX_CHARS, "{got}");
        }
    }

    fn rs(n: usize, truncated: bool) -> ResultSet {
        ResultSet {
            columns: vec!["id".into(), "x".into()],
            rows: (0..n)
                .map(|i| vec![Cell::Integer(i as i64), Cell::Real(0.5)])
                .collect(),
            truncated,
        }
    }

    fn check(result: ResultSet, cap: usize, shown: usize, hidden: usize, footer: Option<&str>) {
        let p = preview(&result, cap);
        assert_eq!((p.rows.len(), p.hidden), (shown, hidden));
        assert_eq!(p.footer().as_deref(), footer);
    }

    #[test]
    fn previews() {
        check(rs(0, false), 30, 0, 0, Some("(empty result set)"));
        check(rs(3, false), 30, 3, 0, None);
        check(rs(30, false), 30, 30, 0, None);
        check(rs(31, false), 30, 30, 1, Some("… 1 more row not shown"));
        check(rs(45, false), 30, 30, 15, Some("… 15 more rows not shown"));
        check(
            rs(50, true),
            30,
            30,
            20,
            Some("… 20 more rows not shown · the query returned more than 50 rows; it was stopped at the row cap"),
        );
        let p = preview(&rs(1, false), 30);
        assert_eq!(p.rows, vec![vec!["0".to_string(), "0.5".to_string()]]);
        assert_eq!(p.columns, ["id", "x"]);
    }
}
