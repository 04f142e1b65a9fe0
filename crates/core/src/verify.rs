//! Re-verification of a sweep: re-run every trace's SQL, check that it reproduces the
//! recorded rows, re-score it against the gold set, and compare with the recorded
//! `correct` flag. This is how the dashboard earns the right to show published numbers,
//! and how anyone can check a sweep file (`sqlsweep verify`).
//!
//! It is generic over a [`SqlRunner`], so the CLI (native SQLite) and the browser worker
//! (SQLite in WASM) run this same code.
//!
//! Comparison happens in the *recorded representation*: the original stored each row as
//! a Python dict, so duplicate column names collapsed (first position, last value); the
//! re-executed rows are collapsed the same way before they are compared and scored
//! (the original scored the collapsed rows too).
//!
//! Per trace:
//! - **rows**: when rows were recorded, the SQL must run and give exactly those rows
//!   (same columns, same cells, same order; a result recorded as truncated must match
//!   as a prefix);
//! - **errors**: when an SQL error was recorded instead, the SQL must fail again;
//! - **score**: correct = the SQL ran and its rows match gold ([`crate::scoring`]); this
//!   must equal the recorded flag.

use serde::{Deserialize, Serialize};

use crate::gold::GoldSet;
use crate::scoring::score;
use crate::sweep::{ModelRun, SweepFile, Trace};
use crate::value::{Cell, ResultSet};

/// Something that can run one SQL query and return its rows.
pub trait SqlRunner {
    fn run(&mut self, sql: &str) -> Result<ResultSet, String>;
}

#[cfg(feature = "sqlite")]
impl SqlRunner for crate::exec::GuardedDb {
    /// Runs under [`crate::exec::Limits::default`].
    fn run(&mut self, sql: &str) -> Result<ResultSet, String> {
        crate::exec::GuardedDb::run(self, sql, &crate::exec::Limits::default())
            .map_err(|e| e.to_string())
    }
}

/// A [`GuardedDb`](crate::exec::GuardedDb) with limits of the caller's choosing.
#[cfg(feature = "sqlite")]
pub struct LimitedRunner<'a> {
    pub db: &'a crate::exec::GuardedDb,
    pub limits: crate::exec::Limits,
}

#[cfg(feature = "sqlite")]
impl SqlRunner for LimitedRunner<'_> {
    fn run(&mut self, sql: &str) -> Result<ResultSet, String> {
        self.db.run(sql, &self.limits).map_err(|e| e.to_string())
    }
}

/// What kind of check failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DisagreementKind {
    /// The recomputed verdict differs from the recorded `correct` flag.
    Score,
    /// The recorded rows were not reproduced.
    Rows,
    /// An SQL error was recorded, but the SQL runs now.
    SqlError,
}

/// One check that failed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Disagreement {
    pub model: String,
    pub qid: String,
    pub kind: DisagreementKind,
    /// What differed, in one sentence.
    pub detail: String,
}

/// Per-model counts.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ModelVerify {
    pub model: String,
    pub traces: u32,
    pub scores_agree: u32,
    pub rows_checked: u32,
    pub rows_reproduced: u32,
    pub errors_checked: u32,
    pub errors_reproduced: u32,
    /// Traces recorded as correct.
    pub correct_recorded: u32,
    /// Traces that are correct when re-run and re-scored.
    pub correct_recomputed: u32,
}

impl ModelVerify {
    /// Every check of this model agreed.
    pub fn reproduced(&self) -> bool {
        self.scores_agree == self.traces
            && self.rows_reproduced == self.rows_checked
            && self.errors_reproduced == self.errors_checked
    }
}

/// The result of verifying one sweep file.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct VerifyReport {
    pub traces: u32,
    pub scores_agree: u32,
    pub rows_checked: u32,
    pub rows_reproduced: u32,
    pub errors_checked: u32,
    pub errors_reproduced: u32,
    pub disagreements: Vec<Disagreement>,
    pub models: Vec<ModelVerify>,
}

impl VerifyReport {
    /// Adds one model's result (see [`verify_model`]).
    pub fn add(&mut self, model: ModelVerify, disagreements: Vec<Disagreement>) {
        self.traces += model.traces;
        self.scores_agree += model.scores_agree;
        self.rows_checked += model.rows_checked;
        self.rows_reproduced += model.rows_reproduced;
        self.errors_checked += model.errors_checked;
        self.errors_reproduced += model.errors_reproduced;
        self.disagreements.extend(disagreements);
        self.models.push(model);
    }

    /// True when nothing disagreed.
    pub fn all_agree(&self) -> bool {
        self.disagreements.is_empty()
    }
}

/// Verifies every trace of every model in `sweep`.
pub fn verify_sweep(
    sweep: &SweepFile,
    gold: &GoldSet,
    runner: &mut impl SqlRunner,
) -> VerifyReport {
    let mut report = VerifyReport::default();
    for run in &sweep.models {
        let (model, disagreements) = verify_model(run, gold, runner);
        report.add(model, disagreements);
    }
    report
}

/// Verifies one model's traces (lets a caller report progress model by model).
pub fn verify_model(
    run: &ModelRun,
    gold: &GoldSet,
    runner: &mut impl SqlRunner,
) -> (ModelVerify, Vec<Disagreement>) {
    let mut m = ModelVerify {
        model: run.model.clone(),
        ..ModelVerify::default()
    };
    let mut disagreements = Vec::new();
    for trace in &run.traces {
        let mut disagree = |kind, detail: String| {
            disagreements.push(Disagreement {
                model: run.model.clone(),
                qid: trace.qid.clone(),
                kind,
                detail,
            })
        };
        m.traces += 1;
        let sql = trace.sql.as_deref().filter(|s| !s.trim().is_empty());
        // Re-run once; compare and score in the recorded (dict) representation.
        let rerun: Option<Result<ResultSet, String>> = sql.map(|sql| {
            runner
                .run(sql)
                .map(|rows| rows.collapse_duplicate_columns())
        });

        if let Some(recorded) = &trace.result {
            m.rows_checked += 1;
            match &rerun {
                Some(Ok(rows)) => match rows_difference(recorded, rows) {
                    None => m.rows_reproduced += 1,
                    Some(diff) => disagree(DisagreementKind::Rows, diff),
                },
                Some(Err(e)) => disagree(
                    DisagreementKind::Rows,
                    format!("rows were recorded, but the SQL now fails: {e}"),
                ),
                None => disagree(
                    DisagreementKind::Rows,
                    "rows were recorded, but the trace has no SQL".into(),
                ),
            }
        } else if trace.error.is_some() {
            if let Some(rerun) = &rerun {
                m.errors_checked += 1;
                match rerun {
                    Err(_) => m.errors_reproduced += 1,
                    Ok(rows) => disagree(
                        DisagreementKind::SqlError,
                        format!(
                            "recorded error {:?}, but the SQL runs now ({} rows)",
                            shorten(trace.error.as_deref().unwrap_or_default(), 120),
                            rows.len()
                        ),
                    ),
                }
            }
        }

        let (recomputed, why) = recompute(trace, rerun.as_ref(), gold);
        m.correct_recorded += u32::from(trace.correct);
        m.correct_recomputed += u32::from(recomputed);
        if recomputed == trace.correct {
            m.scores_agree += 1;
        } else {
            disagree(
                DisagreementKind::Score,
                format!(
                    "recorded {}, recomputed {} ({why})",
                    verdict(trace.correct),
                    verdict(recomputed)
                ),
            );
        }
    }
    (m, disagreements)
}

/// The recomputed verdict and the reason for it.
fn recompute(
    trace: &Trace,
    rerun: Option<&Result<ResultSet, String>>,
    gold: &GoldSet,
) -> (bool, String) {
    let Some(question) = gold.get(&trace.qid) else {
        return (false, format!("no gold question {:?}", trace.qid));
    };
    match rerun {
        None => (false, "no SQL".into()),
        Some(Err(e)) => (false, format!("SQL fails: {}", shorten(e, 120))),
        Some(Ok(rows)) if rows.truncated => (false, "result truncated by the row cap".into()),
        Some(Ok(rows)) => {
            let s = score(rows, &question.expected);
            (s.is_match(), s.explain())
        }
    }
}

fn verdict(correct: bool) -> &'static str {
    if correct {
        "correct"
    } else {
        "wrong"
    }
}

/// `None` when `actual` reproduces `recorded`; otherwise what differs.
fn rows_difference(recorded: &ResultSet, actual: &ResultSet) -> Option<String> {
    // A published empty result has no columns (they came from the first row's keys).
    let compare_columns = !(recorded.rows.is_empty() && recorded.columns.is_empty());
    if compare_columns && recorded.columns != actual.columns {
        return Some(format!(
            "columns {:?}, recorded {:?}",
            actual.columns, recorded.columns
        ));
    }
    let count_ok = if recorded.truncated {
        actual.rows.len() >= recorded.rows.len()
    } else {
        actual.rows.len() == recorded.rows.len() && !actual.truncated
    };
    if !count_ok {
        let note = if actual.truncated {
            " (stopped at the row cap)"
        } else {
            ""
        };
        return Some(format!(
            "{} rows{note}, recorded {}",
            actual.rows.len(),
            recorded.rows.len()
        ));
    }
    let first_diff = recorded
        .rows
        .iter()
        .zip(&actual.rows)
        .position(|(r, a)| r != a)?;
    Some(format!(
        "row {} is [{}], recorded [{}]",
        first_diff + 1,
        show_row(&actual.rows[first_diff]),
        show_row(&recorded.rows[first_diff])
    ))
}

fn show_row(row: &[Cell]) -> String {
    shorten(
        &row.iter()
            .map(|c| format!("{c:?}"))
            .collect::<Vec<_>>()
            .join(", "),
        160,
    )
}

fn shorten(s: &str, max_chars: usize) -> String {
    if s.chars().count() <= max_chars {
        s.to_string()
    } else {
        let cut: String = s.chars().take(max_chars).collect();
        format!("{cut}…")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gold::GoldQuestion;
    use crate::sweep::{ModelRun, RunMeta, SCHEMA_ID, SCHEMA_VERSION};
    use std::collections::HashMap;
    use Cell::*;

    /// A runner with canned answers.
    struct Canned(HashMap<&'static str, Result<ResultSet, String>>);

    impl SqlRunner for Canned {
        fn run(&mut self, sql: &str) -> Result<ResultSet, String> {
            self.0
                .get(sql)
                .cloned()
                .unwrap_or_else(|| Err(format!("no such table: {sql}")))
        }
    }

    fn rs(columns: &[&str], rows: Vec<Vec<Cell>>) -> ResultSet {
        ResultSet {
            columns: columns.iter().map(|c| c.to_string()).collect(),
            rows,
            truncated: false,
        }
    }

    fn gold() -> GoldSet {
        GoldSet {
            questions: vec![GoldQuestion {
                id: "q1".into(),
                question: "?".into(),
                tier: 1,
                pattern: None,
                gold_sql: "SELECT gold".into(),
                gold_answer: None,
                expected: rs(
                    &["Name", "n"],
                    vec![
                        vec![Text("a".into()), Integer(1)],
                        vec![Text("b".into()), Integer(2)],
                    ],
                ),
                source_file: String::new(),
            }],
        }
    }

    fn runner() -> Canned {
        let good = rs(
            &["Name", "n"],
            vec![
                vec![Text("b".into()), Integer(2)],
                vec![Text("a".into()), Real(1.0)],
            ],
        );
        let dup = rs(
            &["Name", "Name", "n"],
            vec![
                vec![Text("x".into()), Text("b".into()), Integer(2)],
                vec![Text("y".into()), Text("a".into()), Integer(1)],
            ],
        );
        let mut capped = good.clone();
        capped.truncated = true;
        Canned(HashMap::from([
            ("SELECT good", Ok(good)),
            ("SELECT dup", Ok(dup)),
            (
                "SELECT one",
                Ok(rs(&["Name", "n"], vec![vec![Text("a".into()), Integer(1)]])),
            ),
            ("SELECT capped", Ok(capped)),
            ("SELECT none", Ok(rs(&["Name", "n"], vec![]))),
        ]))
    }

    fn trace(
        qid: &str,
        sql: Option<&str>,
        result: Option<ResultSet>,
        correct: bool,
        error: Option<&str>,
    ) -> Trace {
        Trace {
            qid: qid.into(),
            sql: sql.map(str::to_string),
            result,
            correct,
            error: error.map(str::to_string),
            ..Trace::default()
        }
    }

    /// (traces, scores_agree, rows_checked, rows_reproduced, errors_checked, errors_reproduced, kinds)
    type Counts = (u32, u32, u32, u32, u32, u32, Vec<DisagreementKind>);

    fn check(t: Trace, expected: Counts) {
        let sweep = SweepFile {
            schema: SCHEMA_ID.into(),
            version: SCHEMA_VERSION,
            run: RunMeta::default(),
            models: vec![ModelRun {
                model: "m".into(),
                platform: None,
                pricing: None,
                traces: vec![t.clone()],
                recorded: None,
            }],
        };
        let r = verify_sweep(&sweep, &gold(), &mut runner());
        let kinds: Vec<DisagreementKind> = r.disagreements.iter().map(|d| d.kind).collect();
        let got = (
            r.traces,
            r.scores_agree,
            r.rows_checked,
            r.rows_reproduced,
            r.errors_checked,
            r.errors_reproduced,
            kinds,
        );
        assert_eq!(got, expected, "{t:?}\n{:#?}", r.disagreements);
        assert_eq!(r.models.len(), 1);
        assert_eq!(r.models[0].reproduced(), r.all_agree());
    }

    #[test]
    fn checks_rows_errors_and_scores() {
        use DisagreementKind::*;
        let good = rs(
            &["Name", "n"],
            vec![
                vec![Text("b".into()), Integer(2)],
                vec![Text("a".into()), Real(1.0)],
            ],
        );
        // Reproduced and correct (order-insensitive, 1.0 == 1 for scoring).
        check(
            trace("q1", Some("SELECT good"), Some(good.clone()), true, None),
            (1, 1, 1, 1, 0, 0, vec![]),
        );
        // Rows reproduced, but the recorded flag is wrong.
        check(
            trace("q1", Some("SELECT good"), Some(good.clone()), false, None),
            (1, 0, 1, 1, 0, 0, vec![Score]),
        );
        // Rows differ from the recorded rows (a cell), but the score is still right.
        let mut other = good.clone();
        other.rows[1][1] = Real(1.001);
        check(
            trace("q1", Some("SELECT good"), Some(other), true, None),
            (1, 1, 1, 0, 0, 0, vec![Rows]),
        );
        // Duplicate columns collapse to (first position, last value) before comparing and scoring.
        let mut collapsed = good.clone();
        collapsed.rows[1][1] = Integer(1);
        check(
            trace("q1", Some("SELECT dup"), Some(collapsed), true, None),
            (1, 1, 1, 1, 0, 0, vec![]),
        );
        // Wrong shape: recorded wrong, recomputed wrong.
        let one = rs(&["Name", "n"], vec![vec![Text("a".into()), Integer(1)]]);
        check(
            trace("q1", Some("SELECT one"), Some(one), false, None),
            (1, 1, 1, 1, 0, 0, vec![]),
        );
        // A recorded SQL error that happens again.
        check(
            trace(
                "q1",
                Some("SELECT broken"),
                None,
                false,
                Some("sqlite: no such table"),
            ),
            (1, 1, 0, 0, 1, 1, vec![]),
        );
        // A recorded SQL error, but the SQL runs now (and would be correct).
        check(
            trace("q1", Some("SELECT good"), None, false, Some("sqlite: boom")),
            (1, 0, 0, 0, 1, 0, vec![SqlError, Score]),
        );
        // No SQL at all (transport failure): nothing to re-run, wrong either way.
        check(
            trace("q1", None, None, false, Some("RateLimitError: 429")),
            (1, 1, 0, 0, 0, 0, vec![]),
        );
        check(
            trace("q1", Some("   "), None, true, None),
            (1, 0, 0, 0, 0, 0, vec![Score]),
        );
        // Rows recorded but the SQL fails now.
        check(
            trace("q1", Some("SELECT broken"), Some(good.clone()), false, None),
            (1, 1, 1, 0, 0, 0, vec![Rows]),
        );
        // No gold question for this id.
        check(
            trace("q9", Some("SELECT good"), Some(good.clone()), true, None),
            (1, 0, 1, 1, 0, 0, vec![Score]),
        );
        // The row cap stopped the re-run: rows not reproduced, not scored as correct.
        check(
            trace("q1", Some("SELECT capped"), Some(good.clone()), true, None),
            (1, 0, 1, 0, 0, 0, vec![Rows, Score]),
        );
        // A result recorded as truncated is compared as a prefix.
        let mut prefix = rs(&["Name", "n"], vec![vec![Text("b".into()), Integer(2)]]);
        prefix.truncated = true;
        check(
            trace("q1", Some("SELECT good"), Some(prefix), true, None),
            (1, 1, 1, 1, 0, 0, vec![]),
        );
        // A published empty result has no columns; an empty re-run reproduces it.
        check(
            trace(
                "q1",
                Some("SELECT none"),
                Some(ResultSet::default()),
                false,
                None,
            ),
            (1, 1, 1, 1, 0, 0, vec![]),
        );
    }

    #[test]
    fn differences_are_described() {
        let a = rs(&["x"], vec![vec![Integer(1)], vec![Integer(2)]]);
        let cases = [
            (a.clone(), a.clone(), None),
            (
                a.clone(),
                rs(&["y"], a.rows.clone()),
                Some("columns [\"y\"], recorded [\"x\"]"),
            ),
            (
                a.clone(),
                rs(&["x"], vec![vec![Integer(1)]]),
                Some("1 rows, recorded 2"),
            ),
            (
                a.clone(),
                rs(&["x"], vec![vec![Integer(1)], vec![Real(2.0)]]),
                Some("row 2 is [Real(2.0)], recorded [Integer(2)]"),
            ),
            (ResultSet::default(), rs(&["x"], vec![]), None),
        ];
        for (recorded, actual, want) in cases {
            assert_eq!(
                rows_difference(&recorded, &actual).as_deref(),
                want,
                "{recorded:?} vs {actual:?}"
            );
        }
    }
}
