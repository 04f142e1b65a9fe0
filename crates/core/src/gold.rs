//! The gold set: questions with their gold SQL and expected rows, which every trace is
//! scored against.
//!
//! Reads the original benchmark's published question files (a JSON array of
//! `{id, question, tier, pattern?, gold_sql, gold_answer?, expected_result}`), so the
//! dashboard and the CLI score with exactly the published gold. A malformed file gets a
//! [`GoldError`] naming the file, the JSON path and what was expected there.

use std::collections::HashSet;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::digest::sha256_hex;
use crate::json_rows::{deserialize_at, from_records, parse_file, JsonFault};
use crate::value::ResultSet;

/// One gold question.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GoldQuestion {
    /// `q_001`, `s_015`, …
    pub id: String,
    pub question: String,
    /// Difficulty tier as published (1 easy … 3 advanced).
    pub tier: u8,
    /// SQL pattern the question exercises (synthetic questions only), e.g. `self_join`.
    pub pattern: Option<String>,
    pub gold_sql: String,
    /// The published answer in words, where the file has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gold_answer: Option<String>,
    /// The expected rows (the published `expected_result`).
    pub expected: ResultSet,
    /// The file this question was read from (not part of the canonical hash).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub source_file: String,
}

/// A set of gold questions, in file order.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct GoldSet {
    pub questions: Vec<GoldQuestion>,
}

/// A gold file that could not be read, and where.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("gold set {file}: at {path}: {message}")]
pub struct GoldError {
    pub file: String,
    /// JSONPath-like location, `$` for the whole file.
    pub path: String,
    pub message: String,
}

/// The published question format, as serde reads it.
#[derive(Deserialize)]
struct PublishedQuestion {
    id: String,
    question: String,
    tier: u8,
    #[serde(default)]
    pattern: Option<String>,
    gold_sql: String,
    #[serde(default)]
    gold_answer: Option<String>,
    expected_result: Vec<Map<String, Value>>,
}

impl GoldSet {
    /// Reads a published gold file (a JSON array of questions).
    pub fn from_json(bytes: &[u8], file_name: &str) -> Result<GoldSet, GoldError> {
        let err = |path: String, message: String| GoldError {
            file: file_name.to_string(),
            path,
            message,
        };
        let fault = |f: JsonFault| err(f.path, f.message);
        let value = parse_file(bytes).map_err(fault)?;
        if !value.is_array() {
            return Err(err(
                "$".into(),
                format!(
                    "expected an array of questions, found {}",
                    crate::json_rows::kind_of(&value)
                ),
            ));
        }
        // Typed, from the text (see `deserialize_at`); the value only vetted the shape.
        drop(value);
        let raw: Vec<PublishedQuestion> = deserialize_at(bytes).map_err(fault)?;

        let mut seen = HashSet::new();
        let mut questions = Vec::with_capacity(raw.len());
        for (i, q) in raw.into_iter().enumerate() {
            if q.id.trim().is_empty() {
                return Err(err(
                    format!("$[{i}].id"),
                    "expected a non-empty question id".into(),
                ));
            }
            if !seen.insert(q.id.clone()) {
                return Err(err(
                    format!("$[{i}].id"),
                    format!("duplicate question id {:?}", q.id),
                ));
            }
            if q.gold_sql.trim().is_empty() {
                return Err(err(
                    format!("$[{i}].gold_sql"),
                    "expected non-empty gold SQL".into(),
                ));
            }
            let expected = from_records(&q.expected_result, &format!("$[{i}].expected_result"))
                .map_err(fault)?;
            questions.push(GoldQuestion {
                id: q.id,
                question: q.question,
                tier: q.tier,
                pattern: q.pattern,
                gold_sql: q.gold_sql,
                gold_answer: q.gold_answer,
                expected,
                source_file: file_name.to_string(),
            });
        }
        Ok(GoldSet { questions })
    }

    /// Concatenates sets in order (dev + synthetic = the 25-question set). A question id
    /// present in two sets is an error naming the id and the second file.
    pub fn merge(sets: impl IntoIterator<Item = GoldSet>) -> Result<GoldSet, GoldError> {
        let mut seen = HashSet::new();
        let mut questions = Vec::new();
        for set in sets {
            for q in set.questions {
                if !seen.insert(q.id.clone()) {
                    return Err(GoldError {
                        file: q.source_file.clone(),
                        path: "$".into(),
                        message: format!("question id {:?} is already in another gold file", q.id),
                    });
                }
                questions.push(q);
            }
        }
        Ok(GoldSet { questions })
    }

    /// The question with this id.
    pub fn get(&self, qid: &str) -> Option<&GoldQuestion> {
        self.questions.iter().find(|q| q.id == qid)
    }

    pub fn len(&self) -> usize {
        self.questions.len()
    }

    pub fn is_empty(&self) -> bool {
        self.questions.is_empty()
    }

    /// The canonical form hashed by [`GoldSet::sha256_hex`]: a compact JSON array of the
    /// questions sorted by id, each `{id, question, tier, pattern, gold_sql, expected}`
    /// (the words-only `gold_answer` and the file name are left out), so the same
    /// questions give the same hash whatever files or order they came from.
    pub fn canonical_json(&self) -> String {
        let mut sorted: Vec<&GoldQuestion> = self.questions.iter().collect();
        sorted.sort_by(|a, b| a.id.cmp(&b.id));
        let items: Vec<Value> = sorted
            .into_iter()
            .map(|q| {
                serde_json::json!({
                    "id": q.id,
                    "question": q.question,
                    "tier": q.tier,
                    "pattern": q.pattern,
                    "gold_sql": q.gold_sql,
                    "expected": { "columns": q.expected.columns, "rows": q.expected.rows },
                })
            })
            .collect();
        Value::Array(items).to_string()
    }

    /// sha256 (hex) of [`GoldSet::canonical_json`], recorded in a run's metadata.
    pub fn sha256_hex(&self) -> String {
        sha256_hex(self.canonical_json().as_bytes())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::value::Cell;

    const ONE: &str = r#"[{"id": "q_001", "question": "How many?", "tier": 1,
        "gold_sql": "SELECT 1 AS n", "gold_answer": "one",
        "expected_result": [{"n": 1}], "evaluation": "sql_result_match"}]"#;

    fn check(json: &str, expected: Result<usize, (&str, &str)>) {
        match (GoldSet::from_json(json.as_bytes(), "g.json"), expected) {
            (Ok(set), Ok(n)) => assert_eq!(set.len(), n, "{json}"),
            (Err(e), Err((path, needle))) => {
                assert_eq!(e.file, "g.json");
                assert_eq!(e.path, path, "{e}");
                assert!(e.message.contains(needle), "{e} should mention {needle:?}");
            }
            (got, want) => panic!("{json}: got {got:?}, want {want:?}"),
        }
    }

    #[test]
    fn reads_and_rejects() {
        check(ONE, Ok(1));
        check("[]", Ok(0));
        check(
            r#"[{"id": "s_001", "question": "q", "tier": 2, "pattern": "self_join", "gold_sql": "SELECT 1",
                "expected_result": []}]"#,
            Ok(1),
        );
        check("", Err(("$", "not valid JSON")));
        check("[{", Err(("$", "not valid JSON")));
        check(
            r#"{"id": 1}"#,
            Err(("$", "expected an array of questions, found an object")),
        );
        check(
            r#"[{"id": "q", "question": "q", "tier": "one", "gold_sql": "S", "expected_result": []}]"#,
            Err(("$[0].tier", "expected u8")),
        );
        check(
            r#"[{"id": "q", "question": "q", "tier": 300, "gold_sql": "S", "expected_result": []}]"#,
            Err(("$[0].tier", "u8")),
        );
        check(
            r#"[{"id": "q", "question": "q", "tier": 1, "expected_result": []}]"#,
            Err(("$[0]", "missing field `gold_sql`")),
        );
        check(
            r#"[{"id": "q", "question": "q", "tier": 1, "gold_sql": "S", "expected_result": [3]}]"#,
            Err(("$[0].expected_result[0]", "expected a map")),
        );
        check(
            r#"[{"id": "q", "question": "q", "tier": 1, "gold_sql": "S", "expected_result": [{"a": {"b": 1}}]}]"#,
            Err(("$[0].expected_result[0].a", "found an object")),
        );
        check(
            r#"[{"id": " ", "question": "q", "tier": 1, "gold_sql": "S", "expected_result": []}]"#,
            Err(("$[0].id", "non-empty")),
        );
        check(
            r#"[{"id": "q", "question": "q", "tier": 1, "gold_sql": "  ", "expected_result": []}]"#,
            Err(("$[0].gold_sql", "non-empty")),
        );
        let dup = format!("[{0}, {0}]", &ONE[1..ONE.len() - 1]);
        check(&dup, Err(("$[1].id", "duplicate question id \"q_001\"")));
    }

    #[test]
    fn fields_merge_and_hash() {
        let set = GoldSet::from_json(ONE.as_bytes(), "dev.json").unwrap();
        let q = set.get("q_001").unwrap();
        assert_eq!(q.tier, 1);
        assert_eq!(q.pattern, None);
        assert_eq!(q.gold_answer.as_deref(), Some("one"));
        assert_eq!(q.expected.columns, vec!["n".to_string()]);
        assert_eq!(q.expected.rows, vec![vec![Cell::Integer(1)]]);
        assert_eq!(q.source_file, "dev.json");
        assert!(set.get("q_002").is_none());

        let other = GoldSet::from_json(
            br#"[{"id": "s_001", "question": "q", "tier": 2, "gold_sql": "SELECT 2", "expected_result": [{"x": 2}]}]"#,
            "syn.json",
        )
        .unwrap();
        let ab = GoldSet::merge([set.clone(), other.clone()]).unwrap();
        let ba = GoldSet::merge([other.clone(), set.clone()]).unwrap();
        assert_eq!(
            ab.questions
                .iter()
                .map(|q| q.id.as_str())
                .collect::<Vec<_>>(),
            ["q_001", "s_001"]
        );
        // Same questions, any order or file name: same hash. Any change: another hash.
        assert_eq!(ab.sha256_hex(), ba.sha256_hex());
        assert_ne!(ab.sha256_hex(), set.sha256_hex());
        let mut changed = ab.clone();
        changed.questions[0].expected.rows[0][0] = Cell::Integer(2);
        assert_ne!(changed.sha256_hex(), ab.sha256_hex());
        let mut renamed = ab.clone();
        renamed.questions[0].source_file = "elsewhere.json".into();
        assert_eq!(renamed.sha256_hex(), ab.sha256_hex());

        let err = GoldSet::merge([set.clone(), set]).unwrap_err();
        assert!(
            err.to_string()
                .contains("\"q_001\" is already in another gold file"),
            "{err}"
        );
    }
}
