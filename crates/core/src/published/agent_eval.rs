//! `agent_eval.json`: one run of the full agent (compact schema, JSON mode,
//! execute-and-repair) over the gold questions, with per-question results and the
//! SQL of misses. Feeds the Quality view.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{parse_json, PublishedError};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tally {
    pub correct: u32,
    pub total: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AgentEval {
    pub model: String,
    #[serde(default)]
    pub harness: Option<String>,
    #[serde(default)]
    pub n_questions: Option<u32>,
    /// Stated totals, kept to compare with the recomputed ones.
    #[serde(default)]
    pub dev: Option<Tally>,
    #[serde(default)]
    pub synth: Option<Tally>,
    #[serde(default)]
    pub combined: Option<Tally>,
    #[serde(default)]
    pub by_tier: BTreeMap<String, Tally>,
    #[serde(default)]
    pub median_latency_ms: Option<f64>,
    #[serde(default)]
    pub total_repairs: Option<u32>,
    pub results: Vec<AgentResult>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AgentResult {
    pub qid: String,
    /// "dev" or "synth".
    pub set: String,
    #[serde(default)]
    pub tier: Option<u8>,
    #[serde(default)]
    pub question: Option<String>,
    pub correct: bool,
    #[serde(default)]
    pub repairs: Option<u32>,
    #[serde(default)]
    pub latency_ms: Option<f64>,
    #[serde(default)]
    pub sql: Option<String>,
    #[serde(default)]
    pub error: Option<String>,
}

impl AgentEval {
    /// Reads an agent evaluation; it must hold at least one result.
    pub fn from_json(bytes: &[u8], file_name: &str) -> Result<AgentEval, PublishedError> {
        let e: AgentEval = parse_json(
            bytes,
            file_name,
            "an agent evaluation ({model, results:[…], …})",
        )?;
        if e.results.is_empty() {
            return Err(PublishedError::new(
                file_name,
                "$.results",
                "no results; expected one per question",
            ));
        }
        for (i, r) in e.results.iter().enumerate() {
            if r.qid.trim().is_empty() {
                return Err(PublishedError::new(
                    file_name,
                    format!("$.results[{i}].qid"),
                    "empty question id",
                ));
            }
            if let Some(l) = r.latency_ms {
                super::check_non_negative(
                    file_name,
                    || format!("$.results[{i}].latency_ms"),
                    l,
                    "latency",
                )?;
            }
        }
        Ok(e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(input: &str, expected: Result<usize, (&str, &str)>) {
        match (
            AgentEval::from_json(input.as_bytes(), "agent_eval.json"),
            expected,
        ) {
            (Ok(e), Ok(n)) => assert_eq!(e.results.len(), n),
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
            r#"{"model":"k","dev":{"correct":1,"total":1},"by_tier":{"1":{"correct":1,"total":1}},"results":[{"qid":"q_001","set":"dev","tier":1,"correct":true,"repairs":0,"latency_ms":5754,"sql":"SELECT 1","error":null}]}"#,
            Ok(1),
        );
        check(
            r#"{"model":"k","results":[]}"#,
            Err(("$.results", "no results")),
        );
        check(
            r#"{"model":"k","results":[{"qid":"","set":"dev","correct":true}]}"#,
            Err(("$.results[0].qid", "empty")),
        );
        check(
            r#"{"model":"k","results":[{"qid":"q","set":"dev","correct":"yes"}]}"#,
            Err(("$.results[0].correct", "invalid type")),
        );
        check(
            r#"{"model":"k","by_tier":{"1":{"correct":1}},"results":[]}"#,
            Err(("$.by_tier.1", "missing field `total`")),
        );
        check(r#"{"results":[]}"#, Err(("$", "missing field `model`")));
    }
}
