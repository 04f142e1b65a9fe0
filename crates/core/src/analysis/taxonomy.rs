//! The failure taxonomy: why each question failed, per model and per platform,
//! in the one vocabulary of [`Outcome`].
//!
//! Our own traces carry their outcome. Published traces do not, so it is derived
//! from what they recorded, in pipeline order:
//! 1. an error text → the transport class it names (HTTP status, `RateLimitError`,
//!    `InternalServerError`, timeout, connection), else a SQL error
//!    (`sqlite: Error executing query…`), else "no SQL extractable": invalid JSON
//!    when JSON mode failed to parse, no SQL otherwise;
//! 2. marked correct → correct;
//! 3. no SQL → invalid JSON (if the JSON did not parse) or no SQL;
//! 4. SQL ran: a different row count, or a different column count on a non-empty
//!    result, than gold → wrong shape; same shape → wrong rows (scoring compares
//!    row counts first and the first rows' column counts, see spec §4).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::records::Record;
use crate::outcome::Outcome;
use crate::sweep::{Platform, SweepFile, Trace};
use crate::value::ResultSet;

/// The first plausible HTTP status (400–599) an error text names: `Error code: 429`,
/// `<title>503 Service…`, `HTTP 404`, `status 500`.
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
            if let Ok(code) = digits.parse::<u16>() {
                if (400..600).contains(&code) && digits.len() == 3 {
                    return Some(code);
                }
            }
            from = start;
        }
    }
    None
}

/// The outcome class an error text names, or `None` when it names nothing we know.
/// `json_ok` decides between invalid JSON and no SQL for "no SQL extractable".
pub fn outcome_from_error(text: &str, json_ok: Option<bool>) -> Option<Outcome> {
    let lower = text.to_ascii_lowercase();
    if let Some(status) = http_status_in(text) {
        return Some(Outcome::from_status(status));
    }
    let has = |needles: &[&str]| needles.iter().any(|n| lower.contains(n));
    Some(if has(&["ratelimiterror", "rate limit"]) {
        Outcome::RateLimited
    } else if has(&[
        "authenticationerror",
        "permissiondeniederror",
        "unauthorized",
        "invalid api key",
    ]) {
        Outcome::Unauthorized
    } else if has(&["notfounderror", "model not found"]) {
        Outcome::NotFound
    } else if has(&["internalservererror", "service unavailable", "bad gateway"]) {
        Outcome::ServerError
    } else if has(&["timed out", "timeout"]) {
        Outcome::Timeout
    } else if has(&[
        "apiconnectionerror",
        "connection error",
        "connection refused",
        "failed to fetch",
        "cors",
    ]) {
        Outcome::Network
    } else if has(&["stream ended", "incomplete chunked", "cut stream"]) {
        Outcome::CutStream
    } else if has(&[
        "sqlite:",
        "error executing query",
        "no such table",
        "no such column",
        "syntax error",
    ]) {
        Outcome::SqlError
    } else if has(&[
        "no sql extractable",
        "no extractable sql",
        "empty sql",
        "returned no sql",
    ]) {
        if json_ok == Some(false) {
            Outcome::InvalidJson
        } else {
            Outcome::NoSql
        }
    } else if has(&["json"]) && json_ok == Some(false) {
        Outcome::InvalidJson
    } else {
        return None;
    })
}

/// True when `predicted` and `expected` differ in shape the way the scorer checks
/// it: row count, then (for a non-empty result) column count.
pub fn shape_differs(predicted: &ResultSet, expected: &ResultSet) -> bool {
    if predicted.rows.len() != expected.rows.len() {
        return true;
    }
    let width = |r: &ResultSet| r.rows.first().map_or(r.columns.len(), |row| row.len());
    !predicted.rows.is_empty() && width(predicted) != width(expected)
}

/// The outcome of one trace (see the module doc). `expected` is the gold result
/// of the trace's question, when known.
pub fn classify(trace: &Trace, expected: Option<&ResultSet>) -> Outcome {
    if let Some(o) = trace.outcome {
        return o;
    }
    let has_sql = trace.sql.as_deref().is_some_and(|s| !s.trim().is_empty());
    if let Some(err) = &trace.error {
        return outcome_from_error(err, trace.json_ok).unwrap_or(if has_sql {
            Outcome::SqlError
        } else {
            Outcome::HttpError
        });
    }
    if trace.correct {
        return Outcome::Correct;
    }
    if !has_sql {
        return if trace.json_ok == Some(false) {
            Outcome::InvalidJson
        } else {
            Outcome::NoSql
        };
    }
    match (&trace.result, expected) {
        (None, _) => Outcome::SqlError,
        (Some(_), None) => Outcome::Answered,
        (Some(got), Some(exp)) if shape_differs(got, exp) => Outcome::WrongShape,
        (Some(_), Some(_)) => Outcome::WrongRows,
    }
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
            *counts.entry(classify(t, expected(&t.qid))).or_insert(0u32) += 1;
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
    use super::*;
    use crate::value::Cell;

    fn check_status(text: &str, expected: Option<u16>) {
        assert_eq!(http_status_in(text), expected, "{text}");
    }

    #[test]
    fn statuses_in_error_texts() {
        check_status(
            "RateLimitError: Error code: 429 - {'error': 'Rate limit exceeded'}",
            Some(429),
        );
        check_status("InternalServerError: <html>\r\n<head><title>503 Service Temporarily Unavailable</title>", Some(503));
        check_status(
            "NotFoundError: Error code: 404 - {'error': {...}}",
            Some(404),
        );
        check_status("Fireworks HTTP 401: bad key", Some(401));
        check_status("Error code: 4290", None);
        check_status(
            "sqlite: Error executing query: no such column: t.ArtistId",
            None,
        );
        check_status("took 503 ms", None);
    }

    fn trace(
        error: Option<&str>,
        json_ok: Option<bool>,
        sql: Option<&str>,
        result: Option<ResultSet>,
        correct: bool,
    ) -> Trace {
        Trace {
            qid: "q".into(),
            error: error.map(Into::into),
            json_ok,
            sql: sql.map(Into::into),
            result,
            correct,
            ..Trace::default()
        }
    }

    fn rs(rows: usize, cols: usize) -> ResultSet {
        ResultSet {
            columns: (0..cols).map(|c| format!("c{c}")).collect(),
            rows: vec![vec![Cell::Integer(1); cols]; rows],
            truncated: false,
        }
    }

    fn check(t: Trace, expected: Option<ResultSet>, want: Outcome) {
        assert_eq!(classify(&t, expected.as_ref()), want, "{t:?}");
    }

    #[test]
    fn classification_table() {
        let gold = || Some(rs(5, 2));
        check(
            trace(
                Some("RateLimitError: Error code: 429 - x"),
                Some(false),
                None,
                None,
                false,
            ),
            gold(),
            Outcome::RateLimited,
        );
        check(
            trace(
                Some("InternalServerError: <html><title>503 Service"),
                Some(false),
                None,
                None,
                false,
            ),
            gold(),
            Outcome::ServerError,
        );
        check(
            trace(Some("NotFoundError: model"), None, None, None, false),
            gold(),
            Outcome::NotFound,
        );
        check(
            trace(
                Some("APITimeoutError: Request timed out."),
                None,
                None,
                None,
                false,
            ),
            gold(),
            Outcome::Timeout,
        );
        check(
            trace(
                Some("sqlite: Error executing query: near \"'6 months'\": syntax error"),
                Some(true),
                Some("SELECT"),
                None,
                false,
            ),
            gold(),
            Outcome::SqlError,
        );
        check(
            trace(Some("no SQL extractable"), Some(false), None, None, false),
            gold(),
            Outcome::InvalidJson,
        );
        check(
            trace(
                Some("returned valid JSON but empty sql"),
                Some(true),
                None,
                None,
                false,
            ),
            gold(),
            Outcome::NoSql,
        );
        check(
            trace(Some("something odd"), None, Some("SELECT 1"), None, false),
            gold(),
            Outcome::SqlError,
        );
        check(
            trace(Some("something odd"), None, None, None, false),
            gold(),
            Outcome::HttpError,
        );
        check(
            trace(None, Some(true), Some("SELECT 1"), Some(rs(5, 2)), true),
            gold(),
            Outcome::Correct,
        );
        check(
            trace(None, Some(false), None, None, false),
            gold(),
            Outcome::InvalidJson,
        );
        check(
            trace(None, None, Some("  "), None, false),
            gold(),
            Outcome::NoSql,
        );
        check(
            trace(None, Some(true), Some("SELECT 1"), Some(rs(4, 2)), false),
            gold(),
            Outcome::WrongShape,
        );
        check(
            trace(None, Some(true), Some("SELECT 1"), Some(rs(5, 3)), false),
            gold(),
            Outcome::WrongShape,
        );
        check(
            trace(None, Some(true), Some("SELECT 1"), Some(rs(5, 2)), false),
            gold(),
            Outcome::WrongRows,
        );
        check(
            trace(None, Some(true), Some("SELECT 1"), Some(rs(0, 0)), false),
            Some(rs(0, 2)),
            Outcome::WrongRows,
        );
        check(
            trace(None, Some(true), Some("SELECT 1"), Some(rs(5, 2)), false),
            None,
            Outcome::Answered,
        );
        check(
            trace(None, Some(true), Some("SELECT 1"), None, false),
            gold(),
            Outcome::SqlError,
        );
        let mut own = trace(None, None, None, None, false);
        own.outcome = Some(Outcome::CutStream);
        check(own, gold(), Outcome::CutStream);
    }

    #[test]
    fn taxonomy_per_model_and_platform() {
        use super::super::records::records;
        use super::super::records::testing::*;
        let mut a = run("p/a", Platform::Baseten, 3, 5, (1, 1), None);
        a.traces[3].result = Some(rs(1, 1));
        a.traces[4].error = Some("RateLimitError: Error code: 429".into());
        a.traces[4].sql = None;
        let b = fatal_run("p/b", Platform::Baseten, 2, "no SQL extractable");
        let mut c = run("f/c", Platform::Fireworks, 1, 2, (1, 1), None);
        c.traces[1].result = Some(rs(2, 2));
        let sweeps = vec![
            sweep("bt", Platform::Baseten, vec![a, b]),
            sweep("fw", Platform::Fireworks, vec![c]),
        ];
        let recs = records(&sweeps);
        let gold = rs(2, 2);
        let t = taxonomy(&recs, &sweeps, |_| Some(&gold));
        assert_eq!(
            t.columns,
            [
                Outcome::NoSql,
                Outcome::InvalidJson,
                Outcome::SqlError,
                Outcome::WrongShape,
                Outcome::WrongRows,
                Outcome::RateLimited,
                Outcome::Correct
            ]
        );
        let counts =
            |row: &TaxonomyRow| t.columns.iter().map(|o| row.count(*o)).collect::<Vec<_>>();
        assert_eq!(counts(&t.by_model[0]), [0, 0, 0, 1, 0, 1, 3]);
        assert_eq!(counts(&t.by_model[1]), [0, 2, 0, 0, 0, 0, 0]);
        assert_eq!(counts(&t.by_model[2]), [0, 0, 0, 0, 1, 0, 1]);
        assert_eq!(
            t.by_platform
                .iter()
                .map(|p| (p.label.as_str(), p.questions, p.failures()))
                .collect::<Vec<_>>(),
            [("Baseten", 7, 4), ("Fireworks", 2, 1)]
        );
    }
}
