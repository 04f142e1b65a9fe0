//! Answer-level outcome classes: why did a question end the way it did, once the
//! transport succeeded?
//!
//! Why here: the live demo, the sweep engine and the failure taxonomy of the
//! published sweeps must all use one rule set, or "invalid JSON" on one screen is
//! "no SQL" on another. The classes are [`Outcome`]'s answer-level ones:
//! `InvalidJson`, `NoSql`, `SqlError`, `WrongShape`, `WrongRows`, `Correct`,
//! `Answered` (ran, no gold to compare with).
//!
//! The rules, in pipeline order:
//! - no SQL: `InvalidJson` when JSON mode was on and a non-empty reply was not a JSON
//!   object (and no query could be recovered from it); otherwise `NoSql` (an empty
//!   reply, a JSON object without a usable `sql`, or a baseline reply with nothing in it);
//! - SQL that failed to run: `SqlError`;
//! - rows: `Correct` when they match gold; `WrongShape` when the row count or the
//!   column count differs from gold (the matcher's preconditions); else `WrongRows`;
//!   `Answered` without gold.

use crate::outcome::Outcome;
use crate::sweep::Trace;
use crate::value::ResultSet;

use super::extract::{strip_think, Extracted, Extraction};

/// Classifies one answer. `executed` is None when no SQL was run, else what the
/// executor returned (rows, or its error message).
pub fn classify_answer(
    extracted: &Extracted,
    json_mode: bool,
    executed: Option<Result<&ResultSet, &str>>,
    gold: Option<&ResultSet>,
) -> Outcome {
    match executed {
        Some(Ok(rows)) => classify_rows(rows, gold),
        Some(Err(_)) => Outcome::SqlError,
        None => no_sql_class(
            json_mode,
            extracted.json_ok,
            extracted.how == Extraction::Empty,
        ),
    }
}

fn no_sql_class(json_mode: bool, json_ok: bool, reply_empty: bool) -> Outcome {
    if json_mode && !json_ok && !reply_empty {
        Outcome::InvalidJson
    } else {
        Outcome::NoSql
    }
}

/// Classifies rows that ran: `Correct`, `WrongShape`, `WrongRows`, or `Answered`
/// when there is no gold.
pub fn classify_rows(rows: &ResultSet, gold: Option<&ResultSet>) -> Outcome {
    let Some(gold) = gold else {
        return Outcome::Answered;
    };
    crate::scoring::score(rows, gold).outcome()
}

/// The class of a trace of a published sweep (or any trace), from its fields.
/// A trace that already carries its class keeps it. The error text decides
/// transport failures (the OpenAI SDK's error names and `Error code: NNN`); then
/// rows, SQL and the JSON flag decide as in [`classify_answer`], except that the
/// trace's recorded `correct` flag decides correctness, so the taxonomy agrees
/// with the accuracy computed from the same file; `gold` only splits the misses
/// into `WrongShape` and `WrongRows` (without gold, a miss with rows is `Answered`).
pub fn classify_published(trace: &Trace, gold: Option<&ResultSet>) -> Outcome {
    if let Some(o) = trace.outcome {
        return o;
    }
    if let Some(o) = trace.error.as_deref().and_then(transport_class) {
        return o;
    }
    if let Some(rows) = &trace.result {
        return match (trace.correct, gold) {
            (true, _) => Outcome::Correct,
            (false, Some(g)) if shape_differs(rows, g) => Outcome::WrongShape,
            (false, Some(_)) => Outcome::WrongRows,
            (false, None) => Outcome::Answered,
        };
    }
    if trace.sql.as_deref().is_some_and(|s| !s.trim().is_empty()) {
        return Outcome::SqlError;
    }
    let reply_empty = trace
        .raw_content
        .as_deref()
        .is_some_and(|c| strip_think(c).trim().is_empty());
    let json_mode = trace.json_ok.is_some();
    no_sql_class(json_mode, trace.json_ok.unwrap_or(false), reply_empty)
}

/// Transport classes recognised in an error text; None for answer-level errors.
fn transport_class(error: &str) -> Option<Outcome> {
    let e = error.to_ascii_lowercase();
    if e.starts_with("sqlite:")
        || e.contains("error executing query")
        || e.contains("no sql extractable")
    {
        return None;
    }
    if let Some(status) = status_after(&e, "error code:") {
        return Some(Outcome::from_status(status));
    }
    const NAMES: [(&str, Outcome); 9] = [
        ("ratelimiterror", Outcome::RateLimited),
        ("authenticationerror", Outcome::Unauthorized),
        ("permissiondeniederror", Outcome::Unauthorized),
        ("notfounderror", Outcome::NotFound),
        ("internalservererror", Outcome::ServerError),
        ("apitimeouterror", Outcome::Timeout),
        ("timed out", Outcome::Timeout),
        ("apiconnectionerror", Outcome::Network),
        ("badrequesterror", Outcome::HttpError),
    ];
    NAMES
        .iter()
        .find(|(name, _)| e.contains(name))
        .map(|&(_, o)| o)
}

/// The three-digit number following `marker`, if any.
fn status_after(text: &str, marker: &str) -> Option<u16> {
    let at = text.find(marker)? + marker.len();
    let digits: String = text[at..]
        .trim_start()
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    (digits.len() == 3).then(|| digits.parse().ok()).flatten()
}

/// Row count differs, or (both non-empty) the first rows' column counts differ.
fn shape_differs(rows: &ResultSet, gold: &ResultSet) -> bool {
    rows.rows.len() != gold.rows.len()
        || match (rows.rows.first(), gold.rows.first()) {
            (Some(a), Some(b)) => a.len() != b.len(),
            _ => false,
        }
}

#[cfg(test)]
mod tests {
    use super::super::extract::{extract_json_answer, extract_naive};
    use super::*;
    use crate::value::Cell;
    use crate::value::Cell::{Bool as B, Integer as I, Null, Real as R, Text as T};

    fn rs(rows: Vec<Vec<Cell>>) -> ResultSet {
        let width = rows.first().map_or(0, Vec::len);
        ResultSet {
            columns: (0..width).map(|i| format!("c{i}")).collect(),
            rows,
            truncated: false,
        }
    }

    fn check_rows(rows: ResultSet, gold: Option<ResultSet>, expected: Outcome) {
        assert_eq!(
            classify_rows(&rows, gold.as_ref()),
            expected,
            "{rows:?} vs {gold:?}"
        );
    }

    #[rustfmt::skip]
    #[test]
    fn rows_against_gold() {
        use Outcome::*;
        let gold = || rs(vec![vec![T("Rock".into()), R(826.65)], vec![T("Latin".into()), R(382.14)]]);
        let cases: Vec<(ResultSet, Option<ResultSet>, Outcome)> = vec![
            (gold(), Some(gold()), Correct),
            (rs(vec![vec![T(" Latin".into()), R(382.141)], vec![T("Rock".into()), I(827)]]), Some(gold()), Correct),
            (rs(vec![vec![T("Rock".into()), R(826.65)]]), Some(gold()), WrongShape),
            (rs(vec![vec![T("Rock".into())], vec![T("Latin".into())]]), Some(gold()), WrongShape),
            (rs(vec![vec![T("rock".into()), R(826.65)], vec![T("Latin".into()), R(382.14)]]), Some(gold()), WrongRows),
            (rs(vec![vec![T("Rock".into()), R(826.65)], vec![T("Rock".into()), R(826.65)]]), Some(gold()), WrongRows),
            (rs(vec![]), Some(rs(vec![])), Correct),
            (rs(vec![]), Some(gold()), WrongShape),
            (rs(vec![vec![Null]]), Some(rs(vec![vec![Null]])), Correct),
            (rs(vec![vec![Null]]), Some(rs(vec![vec![I(0)]])), WrongRows),
            (rs(vec![vec![I(494)]]), Some(rs(vec![vec![I(495)]])), WrongRows),
            (rs(vec![vec![B(true)]]), Some(rs(vec![vec![I(1)]])), Correct),
            (rs(vec![vec![B(true)]]), Some(rs(vec![vec![R(1.005)]])), WrongRows),
            (gold(), None, Answered),
        ];
        for (rows, gold, expected) in cases {
            check_rows(rows, gold, expected);
        }
    }

    #[rustfmt::skip]
    #[test]
    fn answers() {
        use Outcome::*;
        let ok = rs(vec![vec![I(1)]]);
        let gold = rs(vec![vec![I(1)]]);
        // (reply, json_mode, executed, gold, expected)
        type Case<'a> = (&'a str, bool, Option<Result<&'a ResultSet, &'a str>>, Option<&'a ResultSet>, Outcome);
        let cases: Vec<Case> = vec![
            (r#"{"sql":"SELECT 1"}"#, true, Some(Ok(&ok)), Some(&gold), Correct),
            (r#"{"sql":"SELECT 1"}"#, true, Some(Ok(&ok)), None, Answered),
            (r#"{"sql":"SELECT x"}"#, true, Some(Err("no such column: x")), Some(&gold), SqlError),
            ("not json at all", true, None, Some(&gold), InvalidJson),
            ("null", true, None, None, InvalidJson),
            ("", true, None, None, NoSql),
            (r#"{"sql":""}"#, true, None, None, NoSql),
            ("", false, None, None, NoSql),
            ("SQL: ;", false, None, None, NoSql),
        ];
        for (reply, json_mode, executed, gold, expected) in cases {
            let ex = if json_mode { extract_json_answer(reply) } else { extract_naive(reply) };
            assert_eq!(classify_answer(&ex, json_mode, executed, gold), expected, "{reply:?}");
        }
    }

    fn trace(
        error: Option<&str>,
        json_ok: Option<bool>,
        sql: Option<&str>,
        raw: Option<&str>,
        result: Option<ResultSet>,
        correct: bool,
    ) -> Trace {
        Trace {
            qid: "q".into(),
            error: error.map(str::to_string),
            json_ok,
            sql: sql.map(str::to_string),
            raw_content: raw.map(str::to_string),
            result,
            correct,
            ..Trace::default()
        }
    }

    #[rustfmt::skip]
    #[test]
    fn published_traces() {
        use Outcome::*;
        let gold = rs(vec![vec![I(1)], vec![I(2)]]);
        let two = || Some(rs(vec![vec![I(1)], vec![I(3)]]));
        let cases: Vec<(Trace, Option<&ResultSet>, Outcome)> = vec![
            (trace(None, Some(true), Some("SELECT"), Some("{}"), two(), true), Some(&gold), Correct),
            (trace(None, Some(true), Some("SELECT"), Some("{}"), two(), false), Some(&gold), WrongRows),
            (trace(None, Some(true), Some("SELECT"), Some("{}"), Some(rs(vec![vec![I(1)]])), false), Some(&gold), WrongShape),
            (trace(None, Some(true), Some("SELECT"), Some("{}"), two(), false), None, Answered),
            (trace(Some("sqlite: Error executing query: no such column: t.ArtistId"), Some(true), Some("SELECT"), Some("{}"), None, false), Some(&gold), SqlError),
            (trace(Some("no SQL extractable"), Some(false), None, Some("```json\n{\"sql\": \"SELECT"), None, false), Some(&gold), InvalidJson),
            (trace(Some("no SQL extractable"), Some(false), None, Some(""), None, false), Some(&gold), NoSql),
            (trace(Some("no SQL extractable"), Some(false), None, Some("<think>long"), None, false), Some(&gold), NoSql),
            (trace(Some("no SQL extractable"), Some(true), None, Some("{}"), None, false), Some(&gold), NoSql),
            (trace(Some("no SQL extractable"), None, None, Some("prose"), None, false), None, NoSql),
            (trace(Some("RateLimitError: Error code: 429 - {'error': 'Rate limit exceeded'}"), Some(false), None, Some(""), None, false), Some(&gold), RateLimited),
            (trace(Some("InternalServerError: <html>\r\n<head><title>503 Service Temporarily Unavailable</title>"), Some(false), None, None, None, false), None, ServerError),
            (trace(Some("AuthenticationError: Error code: 401 - bad key"), None, None, None, None, false), None, Unauthorized),
            (trace(Some("PermissionDeniedError: forbidden"), None, None, None, None, false), None, Unauthorized),
            (trace(Some("NotFoundError: Error code: 404"), None, None, None, None, false), None, NotFound),
            (trace(Some("Error code: 502 - bad gateway"), None, None, None, None, false), None, ServerError),
            (trace(Some("Error code: 4x9"), None, None, None, None, false), None, NoSql),
            (trace(Some("APITimeoutError: Request timed out."), None, None, None, None, false), None, Timeout),
            (trace(Some("APIConnectionError: Connection error."), None, None, None, None, false), None, Network),
            (trace(Some("BadRequestError: invalid response_format"), None, None, None, None, false), None, HttpError),
            (Trace { outcome: Some(CutStream), ..trace(None, None, None, None, None, false) }, None, CutStream),
        ];
        for (t, gold, expected) in cases {
            assert_eq!(classify_published(&t, gold), expected, "{t:?}");
        }
    }
}
