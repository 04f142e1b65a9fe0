//! `sqlsweep probe` over real HTTP on 127.0.0.1 against the fixture provider: one
//! case per wire behaviour, asserting outcome class, status, attempts, timings (by
//! ordering, not by wall-clock thresholds that could flake on a loaded machine) and
//! that the key never appears in anything the CLI prints.

use serde_json::Value;

mod common;
use common::probe;
use sqlsweep_fixture::answers::Reply;
use sqlsweep_fixture::{spawn_background, AnswerBook, BackgroundFixture, FixtureConfig};

const KEY: &str = "sk-fixture-secret-4711";
const QUESTION: &str = "How many tracks are there?";
const SQL: &str = "SELECT COUNT(*) FROM Track";

fn fixture() -> BackgroundFixture {
    let mut answers = AnswerBook::new();
    answers.insert(
        QUESTION,
        vec![Reply::Sql {
            sql: SQL.into(),
            rationale: "count".into(),
        }],
    );
    spawn_background(FixtureConfig {
        key: Some(KEY.into()),
        answers,
        ..FixtureConfig::default()
    })
    .expect("fixture starts")
}

fn probe_json(fx: &BackgroundFixture, model: &str, extra: &[&str]) -> (i32, Value) {
    let base = fx.base_url();
    let mut args = vec![
        "--base-url",
        &base,
        "--model",
        model,
        "--question",
        QUESTION,
        "--json",
    ];
    args.extend_from_slice(extra);
    let run = probe(&[("SQLSWEEP_API_KEY", KEY)], &args);
    (run.code, run.json())
}

/// A protocol case: model name, extra args, outcome, status, attempts, exit code.
struct Case {
    model: &'static str,
    extra: &'static [&'static str],
    outcome: &'static str,
    status: Option<u64>,
    attempts: u64,
    exit: i32,
}

const fn case(
    model: &'static str,
    outcome: &'static str,
    status: Option<u64>,
    attempts: u64,
) -> Case {
    Case {
        model,
        extra: &[],
        outcome,
        status,
        attempts,
        exit: if matches!(outcome.as_bytes(), b"answered") {
            0
        } else {
            1
        },
    }
}

fn check(fx: &BackgroundFixture, c: &Case) -> Value {
    let (code, v) = probe_json(fx, c.model, c.extra);
    let ctx = format!("model {}: {v:#}", c.model);
    assert_eq!(v["outcome"], c.outcome, "{ctx}");
    assert_eq!(v["status"].as_u64(), c.status, "{ctx}");
    assert_eq!(v["attempts"].as_u64(), Some(c.attempts), "{ctx}");
    assert_eq!(code, c.exit, "{ctx}");
    for key in [
        "outcome",
        "status",
        "headers_ms",
        "ttft_ms",
        "latency_ms",
        "prompt_tokens",
        "completion_tokens",
        "attempts",
        "content",
    ] {
        assert!(v.get(key).is_some(), "missing key {key}: {ctx}");
    }
    // Ordering of the timings that exist.
    let t = |k: &str| v[k].as_f64();
    if let (Some(h), Some(l)) = (t("headers_ms"), t("latency_ms")) {
        assert!(h <= l, "headers after end: {ctx}");
    }
    if let (Some(h), Some(f), Some(l)) = (t("headers_ms"), t("ttft_ms"), t("latency_ms")) {
        assert!(h <= f && f <= l, "headers ≤ ttft ≤ latency violated: {ctx}");
    }
    if let (Some(l), Some(r)) = (t("latency_ms"), t("latency_with_retries_ms")) {
        assert!(l <= r + 1e-6, "latency > latency incl. retries: {ctx}");
    }
    v
}

#[test]
fn protocol_cases() {
    let fx = fixture();
    let cases = [
        case("ok", "answered", Some(200), 1),
        case("usage-fireworks", "answered", Some(200), 1),
        case("usage-litellm", "answered", Some(200), 1),
        case("usage-none", "answered", Some(200), 1),
        case("reasoning", "answered", Some(200), 1),
        case("reasoning-field", "answered", Some(200), 1),
        case("think+chunk-3", "answered", Some(200), 1),
        case("nostream", "answered", Some(200), 1),
        case("no-done", "answered", Some(200), 1),
        // 429 then ok: the server's retry-after-ms is honoured.
        case("retry-after-ms-50+fail-first-1", "answered", Some(200), 2),
        // Two 429s without any wait header (back-off), then ok.
        case("rate-limit+fail-first-2", "answered", Some(200), 3),
        case("fireworks-429+fail-first-1", "answered", Some(200), 2),
        case("status-502+fail-first-1", "answered", Some(200), 2),
        // Out of retries (default 2 → 3 attempts).
        case("retry-after-ms-10", "rate_limited", Some(429), 3),
        case("baseten-503", "server_error", Some(503), 3),
        // Not retried.
        case("unauthorized", "unauthorized", Some(401), 1),
        case("missing-model", "not_found", Some(404), 1),
        case("status-400", "http_error", Some(400), 1),
        // Failures after a 200: never retried.
        case("cut-3", "cut_stream", Some(200), 1),
        case("eof-3", "cut_stream", Some(200), 1),
        case("error-in-stream", "server_error", Some(200), 1),
        case("malformed-2", "server_error", Some(200), 1),
    ];
    for c in &cases {
        check(&fx, c);
    }
}

#[test]
fn answers_usage_and_reasoning_are_reported() {
    let fx = fixture();
    let answered = |model: &str| {
        check(
            &fx,
            &case(
                Box::leak(model.to_string().into_boxed_str()),
                "answered",
                Some(200),
                1,
            ),
        )
    };
    let want_content = serde_json::json!({ "sql": SQL, "rationale": "count" }).to_string();
    let v = answered("ok");
    assert_eq!(v["content"], want_content.as_str());
    assert!(v["prompt_tokens"].as_u64().unwrap() > 0);
    assert!(v["completion_tokens"].as_u64().unwrap() > 0);
    assert_eq!(v["finish_reason"], "stop");
    // Usage absent → unknown (null), never 0.
    let v = answered("usage-none");
    assert!(
        v["prompt_tokens"].is_null() && v["completion_tokens"].is_null(),
        "{v:#}"
    );
    // Fireworks-style usage arrives without include_usage handling.
    assert!(answered("usage-fireworks")["prompt_tokens"]
        .as_u64()
        .is_some());
    // Reasoning is kept out of the answer; TTFT counts it, first answer does not.
    for model in [
        "reasoning+gap-20",
        "reasoning-field+gap-20",
        "think+chunk-5+gap-20",
    ] {
        let v = answered(model);
        assert_eq!(v["content"], want_content.as_str(), "{model}");
        assert!(v["reasoning_chars"].as_u64().unwrap() > 0, "{model}");
        let (ttft, first) = (
            v["ttft_ms"].as_f64().unwrap(),
            v["first_answer_ms"].as_f64().unwrap(),
        );
        assert!(
            ttft < first,
            "{model}: ttft {ttft} should precede first answer {first}"
        );
    }
    // Not streamed: no TTFT can be known.
    let v = answered("nostream");
    assert!(v["ttft_ms"].is_null(), "{v:#}");
    // Non-JSON mode gets a fenced SQL block.
    let base = fx.base_url();
    let run = probe(
        &[("SQLSWEEP_API_KEY", KEY)],
        &[
            "--base-url",
            &base,
            "--model",
            "ok",
            "--question",
            QUESTION,
            "--json",
            "--no-json-mode",
        ],
    );
    assert_eq!(
        run.json()["content"],
        format!("Here is the query:\n\n```sql\n{SQL}\n```").as_str()
    );
}

#[test]
fn timings_follow_the_configured_delays() {
    let fx = fixture();
    let v = check(&fx, &case("ttft-300+gap-30", "answered", Some(200), 1));
    let (h, ttft, lat) = (
        v["headers_ms"].as_f64().unwrap(),
        v["ttft_ms"].as_f64().unwrap(),
        v["latency_ms"].as_f64().unwrap(),
    );
    // The server waits 300 ms after the headers: the client cannot see a token earlier.
    assert!(ttft >= 300.0, "ttft {ttft} < configured 300 ms");
    assert!(
        h < ttft,
        "headers {h} should arrive before the first token {ttft}"
    );
    assert!(lat > ttft, "latency {lat} should exceed ttft {ttft}");
    // The retry wait is at least what the server asked for.
    let v = check(
        &fx,
        &case("retry-after-ms-120+fail-first-1", "answered", Some(200), 2),
    );
    let log = v["attempt_log"].as_array().unwrap();
    assert_eq!(log[0]["status"], 429);
    assert_eq!(log[1]["waited_ms"].as_f64(), Some(120.0));
    assert!(log[1]["started_ms"].as_f64().unwrap() >= 120.0);
    assert!(v["latency_with_retries_ms"].as_f64().unwrap() >= 120.0);
    // The journal saw both requests, with server-side timestamps in order.
    let journal = journal(&fx);
    let entries: Vec<&Value> = journal["entries"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["model"] == "ttft-300+gap-30")
        .collect();
    assert_eq!(entries.len(), 1);
    let e = entries[0];
    let (rcv, hdr, tok, end) = (
        e["received_ms"].as_f64().unwrap(),
        e["headers_ms"].as_f64().unwrap(),
        e["first_token_ms"].as_f64().unwrap(),
        e["end_ms"].as_f64().unwrap(),
    );
    assert!(rcv <= hdr && hdr <= tok && tok <= end, "{e:#}");
    assert!(tok - hdr >= 300.0, "{e:#}");
    assert_eq!(e["auth"], "accepted");
    assert_eq!(e["end"], "done");
}

fn journal(fx: &BackgroundFixture) -> Value {
    // A tiny HTTP GET without another client dependency.
    use std::io::{Read, Write};
    let mut s = std::net::TcpStream::connect(fx.addr).unwrap();
    write!(
        s,
        "GET /__fixture/journal HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut buf = String::new();
    s.read_to_string(&mut buf).unwrap();
    let body = buf.split_once("\r\n\r\n").unwrap().1;
    serde_json::from_str(body).unwrap()
}

#[test]
fn stalls_and_dead_endpoints() {
    let fx = fixture();
    // A stream that goes silent → timeout (never retried: the 200 had started).
    let mut c = case("stall", "timeout", Some(200), 1);
    c.extra = &["--idle-timeout-s", "0.3"];
    let v = check(&fx, &c);
    assert!(
        v["error"].as_str().unwrap().contains("no data for 0.3 s"),
        "{v:#}"
    );
    // Headers never come → timeout, retried like a connection failure.
    let mut c = case("headers-5000", "timeout", None, 2);
    c.extra = &["--timeout-s", "0.3", "--max-retries", "1"];
    check(&fx, &c);
    // Nobody listening → network, with the cause in words.
    let dead = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = dead.local_addr().unwrap().port();
    drop(dead);
    let base = format!("http://127.0.0.1:{port}/v1");
    let run = probe(
        &[("SQLSWEEP_API_KEY", KEY)],
        &[
            "--base-url",
            &base,
            "--model",
            "ok",
            "--json",
            "--max-retries",
            "0",
        ],
    );
    let v = run.json();
    assert_eq!(
        (v["outcome"].as_str(), v["status"].is_null(), run.code),
        (Some("network"), true, 1)
    );
    assert!(
        v["error"]
            .as_str()
            .unwrap()
            .to_lowercase()
            .contains("refused"),
        "{v:#}"
    );
}

#[test]
fn keys_and_providers() {
    let fx = fixture();
    let base = fx.base_url();
    // Wrong key → 401 from the fixture's auth check.
    let run = probe(
        &[("SQLSWEEP_API_KEY", "sk-wrong-key-0000")],
        &["--base-url", &base, "--model", "ok", "--json"],
    );
    assert_eq!(
        (run.json()["outcome"].as_str(), run.code),
        (Some("unauthorized"), 1)
    );
    // Baseten conventions: BASETEN_API_KEY, sent as `Api-Key`, accepted.
    let run = probe(
        &[
            ("BASETEN_API_KEY", KEY),
            ("SQLSWEEP_API_KEY", "sk-unused-key-000"),
        ],
        &[
            "--base-url",
            &base,
            "--provider",
            "baseten",
            "--model",
            "ok",
            "--json",
        ],
    );
    assert_eq!(run.json()["outcome"], "answered", "{}", run.stdout);
    let run = probe(
        &[("FIREWORKS_API_KEY", KEY)],
        &[
            "--base-url",
            &base,
            "--provider",
            "fireworks",
            "--model",
            "ok",
            "--json",
        ],
    );
    assert_eq!(run.json()["outcome"], "answered");
    // Missing key: exit 2 naming the variable.
    let run = probe(&[], &["--base-url", &base, "--model", "ok"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("set SQLSWEEP_API_KEY"),
        "{}",
        run.stderr
    );
    let run = probe(
        &[("SQLSWEEP_API_KEY", KEY)],
        &["--provider", "baseten", "--model", "ok"],
    );
    assert!(run.stderr.contains("set BASETEN_API_KEY"), "{}", run.stderr);
    // A base URL with credentials in it is refused before any request.
    let run = probe(
        &[("SQLSWEEP_API_KEY", KEY)],
        &[
            "--base-url",
            "http://user:pw@127.0.0.1:1/v1",
            "--model",
            "ok",
        ],
    );
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("must not carry credentials"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_server_that_echoes_the_key_cannot_leak_it() {
    let fx = fixture();
    let base = fx.base_url();
    for json in [true, false] {
        let mut args = vec!["--base-url", base.as_str(), "--model", "echo-key"];
        if json {
            args.push("--json");
        }
        // `probe` asserts the key is absent from stdout and stderr.
        let run = probe(&[("SQLSWEEP_API_KEY", KEY)], &args);
        assert_eq!(run.code, 1);
        assert!(
            run.stdout
                .contains("Incorrect API key provided: <redacted>"),
            "{}",
            run.stdout
        );
    }
}

#[test]
fn text_report_names_every_figure() {
    let fx = fixture();
    let base = fx.base_url();
    let run = probe(
        &[("SQLSWEEP_API_KEY", KEY)],
        &[
            "--base-url",
            &base,
            "--model",
            "retry-after-ms-20+fail-first-1",
            "--question",
            QUESTION,
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    for label in [
        "outcome", "status", "headers", "ttft", "latency", "tokens", "attempts", "answer:",
    ] {
        assert!(
            run.stdout.contains(label),
            "missing {label}: {}",
            run.stdout
        );
    }
    assert!(run.stdout.contains("answered"));
    assert!(
        run.stdout
            .contains("2 [429 rate_limited; 200 answered after 20 ms wait]"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains(SQL));
}
