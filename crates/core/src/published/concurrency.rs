//! `baseten_perf.json`: the concurrency benchmark — each model run with the full
//! agent at several concurrency levels, with every call's latency, tokens,
//! correctness, error and start/finish times.

use serde::{Deserialize, Serialize};

use super::{check_non_negative, parse_json, PublishedError};

/// The whole file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConcurrencyFile {
    #[serde(default)]
    pub platform: Option<String>,
    #[serde(default)]
    pub base_url: Option<String>,
    pub runs: Vec<LoadRun>,
}

/// One model at one concurrency level. The stated figures are optional: the
/// analysis recomputes them from `rows`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LoadRun {
    pub model: String,
    pub concurrency: u32,
    #[serde(default)]
    pub n: Option<u32>,
    #[serde(default)]
    pub completed: Option<u32>,
    #[serde(default)]
    pub errors: Option<u32>,
    #[serde(default)]
    pub accuracy: Option<f64>,
    /// Wall-clock time of the whole run, seconds.
    #[serde(default)]
    pub wallclock_s: Option<f64>,
    #[serde(default)]
    pub throughput_qps: Option<f64>,
    #[serde(default)]
    pub p50_ms: Option<f64>,
    #[serde(default)]
    pub p90_ms: Option<f64>,
    #[serde(default)]
    pub p99_ms: Option<f64>,
    #[serde(default)]
    pub mean_ms: Option<f64>,
    pub rows: Vec<LoadRow>,
}

/// One call.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LoadRow {
    pub qid: String,
    pub latency_ms: f64,
    #[serde(default)]
    pub prompt_tokens: Option<u64>,
    #[serde(default)]
    pub completion_tokens: Option<u64>,
    #[serde(default)]
    pub repairs: Option<u32>,
    pub correct: bool,
    #[serde(default)]
    pub error: Option<String>,
    /// Seconds since the run started.
    #[serde(default)]
    pub started_at: Option<f64>,
    #[serde(default)]
    pub finished_at: Option<f64>,
}

impl ConcurrencyFile {
    /// Reads a concurrency benchmark file.
    pub fn from_json(bytes: &[u8], file_name: &str) -> Result<ConcurrencyFile, PublishedError> {
        let f: ConcurrencyFile = parse_json(
            bytes,
            file_name,
            "a concurrency benchmark ({platform, base_url, runs:[…]})",
        )?;
        for (i, run) in f.runs.iter().enumerate() {
            if run.concurrency == 0 {
                return Err(PublishedError::new(
                    file_name,
                    format!("$.runs[{i}].concurrency"),
                    "concurrency must be at least 1",
                ));
            }
            if let Some(w) = run.wallclock_s {
                check_non_negative(
                    file_name,
                    || format!("$.runs[{i}].wallclock_s"),
                    w,
                    "wall-clock time",
                )?;
            }
            for (j, row) in run.rows.iter().enumerate() {
                check_non_negative(
                    file_name,
                    || format!("$.runs[{i}].rows[{j}].latency_ms"),
                    row.latency_ms,
                    "latency",
                )?;
            }
        }
        Ok(f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ROW: &str = r#"{"qid":"q_001","latency_ms":1387.0,"prompt_tokens":857,"completion_tokens":248,"repairs":0,"correct":true,"error":null,"started_at":0.03,"finished_at":1.41}"#;

    fn check(input: &str, expected: Result<(usize, usize), (&str, &str)>) {
        match (
            ConcurrencyFile::from_json(input.as_bytes(), "baseten_perf.json"),
            expected,
        ) {
            (Ok(f), Ok((runs, rows))) => {
                assert_eq!(f.runs.len(), runs);
                assert_eq!(f.runs.iter().map(|r| r.rows.len()).sum::<usize>(), rows);
            }
            (Err(e), Err((path, msg))) => {
                assert_eq!(e.path, path, "{e}");
                assert!(e.message.contains(msg), "{e}");
                assert_eq!(e.file, "baseten_perf.json");
            }
            (got, want) => panic!("{input}: got {got:?}, want {want:?}"),
        }
    }

    #[test]
    fn loads_and_rejects() {
        check(
            &format!(
                r#"{{"platform":"baseten","runs":[{{"model":"m","concurrency":1,"n":1,"p50_ms":1.0,"rows":[{ROW}]}}]}}"#
            ),
            Ok((1, 1)),
        );
        // Stated figures are optional; rows alone are enough.
        check(
            &format!(r#"{{"runs":[{{"model":"m","concurrency":5,"rows":[{ROW},{ROW}]}}]}}"#),
            Ok((1, 2)),
        );
        check(r#"{"runs":[]}"#, Ok((0, 0)));
        check(
            r#"{"runs":[{"model":"m","concurrency":0,"rows":[]}]}"#,
            Err(("$.runs[0].concurrency", "at least 1")),
        );
        check(
            r#"{"runs":[{"model":"m","concurrency":1,"rows":[{"qid":"q","latency_ms":-3,"correct":true}]}]}"#,
            Err(("$.runs[0].rows[0].latency_ms", "≥ 0")),
        );
        check(
            r#"{"runs":[{"model":"m","concurrency":1,"rows":[{"qid":"q","latency_ms":"slow","correct":true}]}]}"#,
            Err(("$.runs[0].rows[0].latency_ms", "invalid type")),
        );
        check(
            r#"{"runs":[{"model":"m","concurrency":1,"rows":[{"qid":"q","latency_ms":3}]}]}"#,
            Err(("$.runs[0].rows[0]", "missing field `correct`")),
        );
        check(r#"{"reports":[]}"#, Err(("$", "missing field `runs`")));
        check(
            r#"{"runs":[{"model":"m","concurrency":-1,"rows":[]}]}"#,
            Err(("$.runs[0].concurrency", "invalid value")),
        );
    }
}
