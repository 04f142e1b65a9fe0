//! The checkpoint journal: how a run survives a kill, a crash or a browser reload.
//!
//! A run appends one line per finished trace to a JSON Lines journal, after a
//! header line with the run metadata and its models. Appending a line is cheap and
//! a kill can at worst tear the last line, so nothing finished is lost. [`replay`]
//! rebuilds the [`SweepFile`] from a journal — ignoring a torn last line, refusing
//! anything else that is malformed with the line number — and the engine resumes
//! from it. The same lines go to a file (CLI) or browser storage (web); the key is
//! never in them (traces hold no key, error texts are scrubbed by the transport).

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::sweep::{ModelRun, RunMeta, SweepFile, Trace, SCHEMA_ID, SCHEMA_VERSION};

use super::key::TraceKey;

/// The format identifier of a journal's header line.
pub const CHECKPOINT_SCHEMA: &str = "sqlsweep.checkpoint";
pub const CHECKPOINT_VERSION: u32 = 1;

#[derive(Serialize, Deserialize)]
struct Header {
    schema: String,
    version: u32,
    run: RunMeta,
    /// Models with their platform and pricing (no traces).
    models: Vec<ModelRun>,
}

#[derive(Serialize, Deserialize)]
struct TraceLine {
    model: String,
    trace: Trace,
}

/// The header line (with its newline) for `sweep`'s metadata and models.
pub fn header_line(sweep: &SweepFile) -> String {
    let header = Header {
        schema: CHECKPOINT_SCHEMA.to_string(),
        version: CHECKPOINT_VERSION,
        run: sweep.run.clone(),
        models: sweep
            .models
            .iter()
            .map(|m| ModelRun {
                traces: Vec::new(),
                ..m.clone()
            })
            .collect(),
    };
    line(&header)
}

/// One trace line (with its newline).
pub fn trace_line(model: &str, trace: &Trace) -> String {
    line(&TraceLine {
        model: model.to_string(),
        trace: trace.clone(),
    })
}

/// A whole journal for `sweep`: its header and every trace (used to start a
/// resumed run's journal afresh, compacted).
pub fn journal(sweep: &SweepFile) -> String {
    let mut out = header_line(sweep);
    for m in &sweep.models {
        for t in &m.traces {
            out.push_str(&trace_line(&m.model, t));
        }
    }
    out
}

fn line<T: Serialize>(v: &T) -> String {
    // Plain data structs always serialise; an error object keeps the line valid JSON.
    let mut s =
        serde_json::to_string(v).unwrap_or_else(|e| format!("{{\"error\": {:?}}}", e.to_string()));
    s.push('\n');
    s
}

/// A journal that cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("checkpoint {file}, line {line}: {message}")]
pub struct CheckpointError {
    pub file: String,
    /// 1-based; 0 for the file as a whole.
    pub line: usize,
    pub message: String,
}

/// A rebuilt sweep and what was noticed on the way.
#[derive(Debug, Clone, PartialEq)]
pub struct Replayed {
    pub sweep: SweepFile,
    /// Things tolerated (a torn last line, a repeated trace), in words.
    pub diagnostics: Vec<String>,
    /// Traces read.
    pub traces: usize,
}

/// Rebuilds a sweep from a journal. `file` names it in errors.
pub fn replay(text: &str, file: &str) -> Result<Replayed, CheckpointError> {
    let err = |line: usize, message: String| CheckpointError {
        file: file.to_string(),
        line,
        message,
    };
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let complete = text.ends_with('\n');
    let lines: Vec<&str> = text.lines().collect();
    let mut diagnostics = Vec::new();
    let mut sweep: Option<SweepFile> = None;
    let mut seen = std::collections::HashSet::new();
    let mut traces = 0;
    for (i, raw) in lines.iter().enumerate() {
        let n = i + 1;
        if raw.trim().is_empty() {
            continue;
        }
        let last = n == lines.len();
        let value: Value = match serde_json::from_str(raw) {
            Ok(v) => v,
            Err(_) if last && !complete => {
                diagnostics.push(format!(
                    "ignored line {n}: written only in part ({} bytes) when the run stopped",
                    raw.len()
                ));
                break;
            }
            Err(e) => return Err(err(n, format!("not valid JSON: {e}"))),
        };
        match sweep.as_mut() {
            None => {
                if value.get("schema").and_then(Value::as_str) != Some(CHECKPOINT_SCHEMA) {
                    return Err(err(
                        n,
                        format!("expected the header line (\"schema\": \"{CHECKPOINT_SCHEMA}\")"),
                    ));
                }
                match value.get("version").and_then(Value::as_u64) {
                    Some(v) if (1..=u64::from(CHECKPOINT_VERSION)).contains(&v) => {}
                    _ => {
                        return Err(err(
                            n,
                            format!(
                                "unsupported checkpoint version {}; this sqlsweep reads version {CHECKPOINT_VERSION}",
                                value.get("version").map_or("none".into(), |v| v.to_string())
                            ),
                        ))
                    }
                }
                let header: Header = serde_json::from_value(value)
                    .map_err(|e| err(n, format!("bad header: {e}")))?;
                sweep = Some(SweepFile {
                    schema: SCHEMA_ID.to_string(),
                    version: SCHEMA_VERSION,
                    run: header.run,
                    models: header.models,
                });
            }
            Some(s) => {
                if value.get("schema").is_some() {
                    return Err(err(n, "a second header line".into()));
                }
                let tl: TraceLine = serde_json::from_value(value)
                    .map_err(|e| err(n, format!("bad trace line: {e}")))?;
                let Some(run) = s.models.iter_mut().find(|m| m.model == tl.model) else {
                    return Err(err(
                        n,
                        format!(
                            "trace of model {:?}, which the header does not list",
                            tl.model
                        ),
                    ));
                };
                let key = TraceKey::of(&tl.model, &tl.trace);
                if !seen.insert(key.clone()) {
                    diagnostics.push(format!("ignored line {n}: {key} was already recorded"));
                    continue;
                }
                run.traces.push(tl.trace);
                traces += 1;
            }
        }
    }
    let sweep = sweep.ok_or_else(|| err(0, "empty: no header line".into()))?;
    Ok(Replayed {
        sweep,
        diagnostics,
        traces,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sweep::{Platform, Source};

    fn sample() -> SweepFile {
        let trace = |q: &str| Trace {
            qid: q.into(),
            correct: true,
            ..Trace::default()
        };
        SweepFile {
            schema: SCHEMA_ID.into(),
            version: SCHEMA_VERSION,
            run: RunMeta {
                label: "run".into(),
                source: Some(Source::Own),
                ..RunMeta::default()
            },
            models: vec![
                ModelRun {
                    model: "a".into(),
                    platform: Some(Platform::Custom("127.0.0.1:1".into())),
                    pricing: None,
                    traces: vec![trace("q_001"), trace("q_002")],
                    recorded: None,
                },
                ModelRun {
                    model: "b".into(),
                    platform: None,
                    pricing: None,
                    traces: vec![],
                    recorded: None,
                },
            ],
        }
    }

    /// Replays `text`; expected: (trace count, diagnostics count) or (line, message part).
    fn check(text: &str, expected: Result<(usize, usize), (usize, &str)>) {
        match (replay(text, "out.json.checkpoint"), expected) {
            (Ok(r), Ok((traces, diags))) => {
                assert_eq!(
                    (r.traces, r.diagnostics.len()),
                    (traces, diags),
                    "{:?}",
                    r.diagnostics
                )
            }
            (Err(e), Err((line, part))) => {
                assert_eq!(e.line, line, "{e}");
                assert!(e.message.contains(part), "{e} should mention {part:?}");
            }
            (got, want) => panic!("got {got:?}, want {want:?}"),
        }
    }

    #[test]
    fn round_trip() {
        let s = sample();
        let r = replay(&journal(&s), "j").unwrap();
        assert_eq!(r.sweep, s);
        assert!(r.diagnostics.is_empty());
    }

    #[test]
    fn tolerates_a_torn_tail_and_refuses_the_rest() {
        let s = sample();
        let full = journal(&s);
        let header = header_line(&s);
        let t1 = trace_line("a", &s.models[0].traces[0]);
        check(&full, Ok((2, 0)));
        check(&header, Ok((0, 0)));
        // Killed in the middle of the last line.
        check(&full[..full.len() - 7], Ok((1, 1)));
        // A repeated trace is kept once.
        check(&format!("{full}{t1}"), Ok((2, 1)));
        check("", Err((0, "empty")));
        check("\n\n", Err((0, "empty")));
        check(&t1, Err((1, "expected the header line")));
        check(&format!("{header}{{oops\n{t1}"), Err((2, "not valid JSON")));
        // A bad line that is complete (newline-terminated) is not a torn tail.
        check(&format!("{header}{{oops\n"), Err((2, "not valid JSON")));
        check(&format!("{header}{header}"), Err((2, "second header")));
        check(
            &format!("{header}{}", trace_line("zz", &s.models[0].traces[0])),
            Err((2, "\"zz\", which the header does not list")),
        );
        check(
            &format!("{header}{{\"model\": \"a\"}}\n"),
            Err((2, "bad trace line")),
        );
        check(
            &header.replace("\"version\":1", "\"version\":9"),
            Err((1, "unsupported checkpoint version 9")),
        );
    }
}
