//! `baseline_results.json`: the customer's naive prompt ("Convert this question to
//! SQL") on the dev questions — the "before" of the Quality view's "2/10 → 24/25"
//! (which the original hard-coded instead of reading this file).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::{key_segment, parse_json, parse_value, PublishedError};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BaselineEntry {
    /// The file's key.
    #[serde(default)]
    pub qid: String,
    #[serde(default)]
    pub tier: Option<u8>,
    #[serde(default)]
    pub question: Option<String>,
    #[serde(default)]
    pub sql: Option<String>,
    #[serde(default)]
    pub answer: Option<String>,
    pub correct: bool,
    #[serde(default)]
    pub error: Option<String>,
}

/// The file's `_summary` object, as stated (kept to compare with the recount).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct BaselineSummary {
    #[serde(default)]
    pub model: Option<String>,
    #[serde(default)]
    pub approach: Option<String>,
    /// "2/10" as written.
    #[serde(default)]
    pub accuracy: Option<String>,
    #[serde(default)]
    pub median_latency_ms: Option<f64>,
    #[serde(default)]
    pub by_tier: BTreeMap<String, String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BaselineResults {
    /// Per question, in file order.
    pub entries: Vec<BaselineEntry>,
    pub summary: Option<BaselineSummary>,
}

impl BaselineResults {
    /// Reads `{qid: {tier, question, sql, answer, correct, error?}, "_summary": {…}}`.
    /// Keys starting with `_` other than `_summary` are ignored.
    pub fn from_json(bytes: &[u8], file_name: &str) -> Result<BaselineResults, PublishedError> {
        let map: Map<String, Value> = parse_json(
            bytes,
            file_name,
            "baseline results ({qid: {…}, \"_summary\": {…}})",
        )?;
        let mut entries = Vec::new();
        let mut summary = None;
        for (key, v) in &map {
            let at = format!("${}", key_segment(key));
            if key == "_summary" {
                summary = Some(parse_value::<BaselineSummary>(
                    v,
                    file_name,
                    &at,
                    "a summary object",
                )?);
            } else if !key.starts_with('_') {
                let mut e: BaselineEntry = parse_value(
                    v,
                    file_name,
                    &at,
                    "a question result {tier, question, sql, answer, correct}",
                )?;
                e.qid = key.clone();
                entries.push(e);
            }
        }
        if entries.is_empty() {
            return Err(PublishedError::new(file_name, "$", "no question results"));
        }
        Ok(BaselineResults { entries, summary })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    type Expected<'a> = Result<(&'a [&'a str], Option<&'a str>), (&'a str, &'a str)>;

    fn check(input: &str, expected: Expected) {
        match (
            BaselineResults::from_json(input.as_bytes(), "baseline_results.json"),
            expected,
        ) {
            (Ok(b), Ok((qids, acc))) => {
                assert_eq!(
                    b.entries.iter().map(|e| e.qid.as_str()).collect::<Vec<_>>(),
                    qids
                );
                assert_eq!(b.summary.and_then(|s| s.accuracy).as_deref(), acc);
            }
            (Err(e), Err((path, msg))) => {
                assert_eq!(e.path, path, "{e}");
                assert!(e.message.contains(msg), "{e}");
            }
            (got, want) => panic!("{input}: got {got:?}, want {want:?}"),
        }
    }

    #[test]
    fn loads_and_rejects() {
        check(
            r#"{"q_002":{"tier":1,"question":"q","sql":"SELECT","answer":"a","correct":true},"q_001":{"tier":1,"correct":false,"error":"no such table"},"_summary":{"accuracy":"1/2","by_tier":{"1":"1/2"}}}"#,
            Ok((&["q_002", "q_001"], Some("1/2"))),
        );
        check(
            r#"{"q_001":{"correct":true},"_note":"ignored"}"#,
            Ok((&["q_001"], None)),
        );
        check(r#"{"_summary":{}}"#, Err(("$", "no question results")));
        check(
            r#"{"q_001":{"tier":1}}"#,
            Err(("$.q_001", "missing field `correct`")),
        );
        check(
            r#"{"q_001":{"correct":true,"tier":"one"}}"#,
            Err(("$.q_001.tier", "invalid type")),
        );
        check(
            r#"{"q_001":{"correct":true},"_summary":{"median_latency_ms":"x"}}"#,
            Err(("$._summary.median_latency_ms", "invalid type")),
        );
    }
}
