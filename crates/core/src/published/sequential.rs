//! `perf_compact_1/2/3.json` and `perf_kimi.json`: sequential latency runs of the
//! full agent (one call at a time, paced), each call's latency, tokens, cost,
//! correctness and error.

use serde::{Deserialize, Serialize};

use super::{check_non_negative, parse_json, PublishedError};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SequentialFile {
    pub reports: Vec<SequentialReport>,
}

/// One model's run. The stated figures are optional and only kept for comparison.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SequentialReport {
    pub model: String,
    #[serde(default)]
    pub n: Option<u32>,
    #[serde(default)]
    pub accuracy: Option<f64>,
    #[serde(default)]
    pub p50_ms: Option<f64>,
    #[serde(default)]
    pub p90_ms: Option<f64>,
    #[serde(default)]
    pub p99_ms: Option<f64>,
    #[serde(default)]
    pub mean_prompt_tokens: Option<f64>,
    #[serde(default)]
    pub mean_completion_tokens: Option<f64>,
    #[serde(default)]
    pub mean_cost_usd: Option<f64>,
    #[serde(default)]
    pub daily_cost_at_volume_usd: Option<f64>,
    #[serde(default)]
    pub monthly_cost_at_volume_usd: Option<f64>,
    pub rows: Vec<SequentialRow>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SequentialRow {
    pub qid: String,
    pub latency_ms: f64,
    #[serde(default)]
    pub prompt_tokens: Option<u64>,
    #[serde(default)]
    pub completion_tokens: Option<u64>,
    #[serde(default)]
    pub cost_usd: Option<f64>,
    pub correct: bool,
    #[serde(default)]
    pub repairs: Option<u32>,
    #[serde(default)]
    pub error: Option<String>,
}

impl SequentialFile {
    /// Reads a sequential latency run; it must hold at least one report.
    pub fn from_json(bytes: &[u8], file_name: &str) -> Result<SequentialFile, PublishedError> {
        let f: SequentialFile = parse_json(
            bytes,
            file_name,
            "a sequential latency run ({reports:[{model, rows:[…]}]})",
        )?;
        if f.reports.is_empty() {
            return Err(PublishedError::new(
                file_name,
                "$.reports",
                "no reports; expected at least one model's run",
            ));
        }
        for (i, r) in f.reports.iter().enumerate() {
            for (j, row) in r.rows.iter().enumerate() {
                check_non_negative(
                    file_name,
                    || format!("$.reports[{i}].rows[{j}].latency_ms"),
                    row.latency_ms,
                    "latency",
                )?;
            }
        }
        Ok(f)
    }

    /// The first report: the one run the dashboard shows per file.
    pub fn first(&self) -> &SequentialReport {
        &self.reports[0]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(input: &str, expected: Result<usize, (&str, &str)>) {
        match (
            SequentialFile::from_json(input.as_bytes(), "perf_compact_2.json"),
            expected,
        ) {
            (Ok(f), Ok(rows)) => assert_eq!(f.first().rows.len(), rows),
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
            r#"{"reports":[{"model":"k","n":1,"p50_ms":5.0,"rows":[{"qid":"q_001","latency_ms":6181.8,"prompt_tokens":788,"completion_tokens":104,"cost_usd":0.001,"correct":true,"repairs":0,"error":null}]}]}"#,
            Ok(1),
        );
        check(
            r#"{"reports":[{"model":"k","rows":[{"qid":"q","latency_ms":1,"correct":false,"error":"429"}]}]}"#,
            Ok(1),
        );
        check(r#"{"reports":[]}"#, Err(("$.reports", "no reports")));
        check(
            r#"{"reports":[{"model":"k","rows":[{"qid":"q","latency_ms":1e400,"correct":true}]}]}"#,
            Err(("$.reports[0].rows[0].latency_ms", "")),
        );
        check(
            r#"{"reports":[{"rows":[]}]}"#,
            Err(("$.reports[0]", "missing field `model`")),
        );
        check(r#"{"runs":[]}"#, Err(("$", "missing field `reports`")));
    }
}
