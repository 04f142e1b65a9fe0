//! The failure taxonomy: why each question failed, per model and per platform,
//! in the one vocabulary of [`Outcome`].
//!
//! Each trace is classified by [`crate::agent::classify_published`] — the same
//! rules the live demo and the run engine use, so a class means the same thing on
//! every screen. Error texts that do not belong to a trace (a concurrency run's
//! failed call, a probe, the baseline run) go through the same function via
//! [`outcome_from_error`].

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::records::Record;
use crate::agent::classify_published;
use crate::outcome::Outcome;
use crate::sweep::{Platform, SweepFile, Trace};
use crate::value::ResultSet;

/// The first plausible HTTP status (400–599) an error text names, for display:
/// `Error code: 429`, `<title>503 Service…`, `HTTP 404`, `status 500`.
pub fn http_status_in(text: &str) -> Option<u16> {
    const MARKERS: [&str; 5] = ["error code:", "<title>", "http ", "status ", "status:"];
    let lower = text.to_ascii_lowercase();
    for m in MARKERS {
        let mut from = 0;
        while let Some(pos) = lower[from..].find(m) {
            let start = from + pos + m.len();
            let digits: String = lower[start..]
                .trim_start()
                .chars()
                .take_while(|c| c.is_ascii_digit())
                .collect();
            if digits.len() == 3 {
                if let Ok(code @ 400..=599) = digits.parse::<u16>() {
                    return Some(code);
                }
            }
            from = start;
        }
    }
    None
}

/// The class of a failure known only by its error text; `had_sql` says whether a
/// query had been produced (an unrecognised error after a query is a SQL error,
/// before one it is "no SQL").
pub fn outcome_from_error(text: &str, had_sql: bool) -> Outcome {
    let trace = Trace {
        error: Some(text.to_string()),
        sql: had_sql.then(|| "SELECT".to_string()),
        ..Trace::default()
    };
    classify_published(&trace, None)
}

/// Counts per outcome class for one model or one platform.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TaxonomyRow {
    /// The record index (per-model rows) — `None` for platform rows.
    pub record: Option<usize>,
    pub platform: Platform,
    /// Model label, or the platform label for platform rows.
    pub label: String,
    pub questions: u32,
    pub counts: BTreeMap<Outcome, u32>,
}

impl TaxonomyRow {
    pub fn count(&self, o: Outcome) -> u32 {
        self.counts.get(&o).copied().unwrap_or(0)
    }
    /// Questions that did not end correct (or answered-without-gold).
    pub fn failures(&self) -> u32 {
        self.counts
            .iter()
            .filter(|(o, _)| !matches!(o, Outcome::Correct | Outcome::Answered))
            .map(|(_, n)| n)
            .sum()
    }
}

/// The taxonomy table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Taxonomy {
    /// Columns to show, in display order: every answer-level failure class (always),
    /// the transport classes that occur, then correct (and answered, if any).
    pub columns: Vec<Outcome>,
    pub by_model: Vec<TaxonomyRow>,
    pub by_platform: Vec<TaxonomyRow>,
}

/// Classifies every trace behind `records` (given with the `sweeps` they were built
/// from) against the gold results `expected(qid)`.
pub fn taxonomy<'g>(
    records: &[Record],
    sweeps: &[SweepFile],
    expected: impl Fn(&str) -> Option<&'g ResultSet>,
) -> Taxonomy {
    let mut by_model = Vec::new();
    let mut by_platform: Vec<TaxonomyRow> = Vec::new();
    for (i, r) in records.iter().enumerate() {
        let Some(run) = sweeps
            .get(r.sweep_index)
            .and_then(|s| s.models.get(r.run_index))
        else {
            continue;
        };
        let mut counts = BTreeMap::new();
        for t in &run.traces {
            *counts
                .entry(classify_published(t, expected(&t.qid)))
                .or_insert(0u32) += 1;
        }
        let questions = run.traces.len() as u32;
        match by_platform.iter_mut().find(|p| p.platform == r.platform) {
            Some(p) => {
                p.questions += questions;
                for (o, n) in &counts {
                    *p.counts.entry(*o).or_insert(0) += n;
                }
            }
            None => by_platform.push(TaxonomyRow {
                record: None,
                platform: r.platform.clone(),
                label: r.platform.label().to_string(),
                questions,
                counts: counts.clone(),
            }),
        }
        by_model.push(TaxonomyRow {
            record: Some(i),
            platform: r.platform.clone(),
            label: r.label.clone(),
            questions,
            counts,
        });
    }
    let present = |o: Outcome| by_model.iter().any(|row| row.count(o) > 0);
    let answer_level = [
        Outcome::NoSql,
        Outcome::InvalidJson,
        Outcome::SqlError,
        Outcome::WrongShape,
        Outcome::WrongRows,
    ];
    let mut columns: Vec<Outcome> = answer_level.to_vec();
    columns.extend(
        Outcome::ALL
            .into_iter()
            .filter(|o| o.is_transport_failure() && present(*o)),
    );
    columns.push(Outcome::Correct);
    if present(Outcome::Answered) {
        columns.push(Outcome::Answered);
    }
    Taxonomy {
        columns,
        by_model,
        by_platform,
    }
}

#[cfg(test)]
mod tests {
    use super::super::records::records;
    use super::super::records::testing::*;
    use super::*;
    use crate::value::Cell;

    fn check_status(text: &str, expected: Option<u16>) {
        assert_eq!(http_status_in(text), expected, "{text}");
    }

    #[rustfmt::skip]
    #[test]
    fn statuses_in_error_texts() {
        check_status("RateLimitError: Error code: 429 - {'error': 'Rate limit exceeded'}", Some(429));
        check_status("InternalServerError: <html>\r\n<head><title>503 Service Temporarily Unavailable</title>", Some(503));
        check_status("NotFoundError: Error code: 404 - {'error': {...}}", Some(404));
        check_status("Fireworks HTTP 401: bad key", Some(401));
        check_status("Error code: 4290", None);
        check_status("Error code: 200", None);
        check_status("sqlite: Error executing query: no such column: t.ArtistId", None);
        check_status("took 503 ms", None);
    }

    fn check_error(text: &str, had_sql: bool, want: Outcome) {
        assert_eq!(outcome_from_error(text, had_sql), want, "{text}");
    }

    #[rustfmt::skip]
    #[test]
    fn error_texts() {
        check_error("model call failed: Error code: 429 - {'error': 'Rate limit exceeded'}", false, Outcome::RateLimited);
        check_error("InternalServerError: <html>\r\n<head><title>503 Service Temporarily Unavailable</title>", false, Outcome::ServerError);
        check_error("NotFoundError: Error code: 404 - {'error': {'message': 'Model not found'}}", false, Outcome::NotFound);
        check_error("Error executing query: no such table: sales", true, Outcome::SqlError);
        check_error("no SQL extractable", false, Outcome::NoSql);
    }

    fn rs(rows: usize, cols: usize) -> ResultSet {
        ResultSet {
            columns: (0..cols).map(|c| format!("c{c}")).collect(),
            rows: vec![vec![Cell::Integer(1); cols]; rows],
            truncated: false,
        }
    }

    #[rustfmt::skip]
    #[test]
    fn taxonomy_per_model_and_platform() {
        let mut a = run("p/a", Platform::Baseten, 3, 5, (1, 1), None);
        a.traces[3].result = Some(rs(1, 1)); // wrong shape against the 2×2 gold
        a.traces[4].error = Some("RateLimitError: Error code: 429".into());
        a.traces[4].sql = None;
        let b = fatal_run("p/b", Platform::Baseten, 2, "no SQL extractable");
        let mut c = run("f/c", Platform::Fireworks, 1, 2, (1, 1), None);
        c.traces[0].result = Some(rs(2, 2));
        c.traces[1].result = Some(rs(2, 2)); // same shape, not correct: wrong rows
        let sweeps = vec![sweep("bt", Platform::Baseten, vec![a, b]), sweep("fw", Platform::Fireworks, vec![c])];
        let recs = records(&sweeps);
        let gold = rs(2, 2);
        let t = taxonomy(&recs, &sweeps, |_| Some(&gold));
        use Outcome::*;
        assert_eq!(t.columns, [NoSql, InvalidJson, SqlError, WrongShape, WrongRows, RateLimited, Correct]);
        let counts = |row: &TaxonomyRow| t.columns.iter().map(|o| row.count(*o)).collect::<Vec<_>>();
        assert_eq!(counts(&t.by_model[0]), [0, 0, 0, 1, 0, 1, 3]);
        assert_eq!(counts(&t.by_model[1]), [0, 2, 0, 0, 0, 0, 0]);
        assert_eq!(counts(&t.by_model[2]), [0, 0, 0, 0, 1, 0, 1]);
        let platforms: Vec<(&str, u32, u32)> = t.by_platform.iter().map(|p| (p.label.as_str(), p.questions, p.failures())).collect();
        assert_eq!(platforms, [("Baseten", 7, 4), ("Fireworks", 2, 1)]);
    }
}
