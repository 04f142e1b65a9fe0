//! The probe protocol suite against an independent implementation of the wire
//! format, `@copilotkit/aimock` (fixtures in `tests/fixtures/aimock/protocol.json`).
//! Ignored by default: `scripts/aimock-suite` starts a fresh aimock and runs it with
//! `SQLSWEEP_AIMOCK_URL` / `SQLSWEEP_AIMOCK_KEY` set. (The fixture's `aimock-retry`
//! uses aimock's per-server sequence counter, so each run needs a fresh server.)

use serde_json::Value;

mod common;
use common::probe;

struct Aimock {
    base: String,
    key: String,
}

fn aimock() -> Aimock {
    let base = std::env::var("SQLSWEEP_AIMOCK_URL").expect(
        "set SQLSWEEP_AIMOCK_URL (run scripts/aimock-suite, which starts aimock and sets it)",
    );
    let key = std::env::var("SQLSWEEP_AIMOCK_KEY").unwrap_or_else(|_| "sk-aimock-suite-key".into());
    Aimock { base, key }
}

fn run(a: &Aimock, model: &str, extra: &[&str]) -> (i32, Value) {
    let mut args = vec!["--base-url", a.base.as_str(), "--model", model, "--json"];
    args.extend_from_slice(extra);
    let r = probe(&[("SQLSWEEP_API_KEY", a.key.as_str())], &args);
    (r.code, r.json())
}

/// Outcome, status, attempts and exit code of one case.
fn check(
    a: &Aimock,
    model: &str,
    extra: &[&str],
    outcome: &str,
    status: Option<u64>,
    attempts: u64,
) -> Value {
    let (code, v) = run(a, model, extra);
    let ctx = format!("{model}: {v:#}");
    assert_eq!(v["outcome"], outcome, "{ctx}");
    assert_eq!(v["status"].as_u64(), status, "{ctx}");
    assert_eq!(v["attempts"].as_u64(), Some(attempts), "{ctx}");
    assert_eq!(code, if outcome == "answered" { 0 } else { 1 }, "{ctx}");
    v
}

const ANSWER: &str = r#"{"sql":"SELECT COUNT(*) FROM Track","rationale":"count"}"#;

#[test]
#[ignore = "needs a running aimock: scripts/aimock-suite"]
fn probe_protocol_against_aimock() {
    let a = aimock();
    // OpenAI-style stream with a separate usage chunk.
    let v = check(&a, "aimock-ok", &[], "answered", Some(200), 1);
    assert_eq!(v["content"], ANSWER);
    assert!(
        v["prompt_tokens"].as_u64().is_some() && v["completion_tokens"].as_u64().is_some(),
        "{v:#}"
    );
    assert_eq!(v["finish_reason"], "stop");
    // ttft 300 ms: aimock holds the headers until its first chunk, so only the ordering
    // and the lower bound are asserted.
    let v = check(&a, "aimock-slow", &[], "answered", Some(200), 1);
    let (h, t, l) = (
        v["headers_ms"].as_f64().unwrap(),
        v["ttft_ms"].as_f64().unwrap(),
        v["latency_ms"].as_f64().unwrap(),
    );
    assert!(t >= 300.0 && h <= t && t <= l, "{v:#}");
    // reasoning_content deltas before the answer.
    let v = check(&a, "aimock-reasoning", &[], "answered", Some(200), 1);
    assert_eq!(v["content"], ANSWER);
    assert!(v["reasoning_chars"].as_u64().unwrap() > 0, "{v:#}");
    assert!(v["ttft_ms"].as_f64().unwrap() <= v["first_answer_ms"].as_f64().unwrap());
    // 429 with Retry-After: 1 — honoured as a 1000 ms wait, then out of retries.
    let v = check(
        &a,
        "aimock-limited",
        &["--max-retries", "1"],
        "rate_limited",
        Some(429),
        2,
    );
    assert_eq!(
        v["attempt_log"][1]["waited_ms"].as_f64(),
        Some(1000.0),
        "{v:#}"
    );
    // 429 then success.
    let v = check(&a, "aimock-retry", &[], "answered", Some(200), 2);
    assert_eq!(v["attempt_log"][0]["status"], 429);
    assert_eq!(v["content"], ANSWER);
    check(&a, "aimock-missing", &[], "not_found", Some(404), 1);
    check(
        &a,
        "aimock-unavailable",
        &["--max-retries", "0"],
        "server_error",
        Some(503),
        1,
    );
    // Truncated after 3 chunks / dropped after 400 ms: cut streams, never retried.
    let v = check(&a, "aimock-cut", &[], "cut_stream", Some(200), 1);
    assert!(
        v["error"].as_str().unwrap().contains("without [DONE]"),
        "{v:#}"
    );
    check(&a, "aimock-drop", &[], "cut_stream", Some(200), 1);
    // A wrong key: aimock's own 401 body.
    let r = probe(
        &[("SQLSWEEP_API_KEY", "sk-wrong-aimock-key")],
        &[
            "--base-url",
            a.base.as_str(),
            "--model",
            "aimock-ok",
            "--json",
        ],
    );
    assert_eq!(r.json()["outcome"], "unauthorized");
    assert_eq!(r.code, 1);
}
