//! Data-driven tests of the call state machine: every wire variant of the protocol
//! spec, each fed in one chunk, byte by byte, and in 7-byte chunks.

use super::*;

/// What a case must produce.
#[derive(Debug, Clone, PartialEq)]
struct Want {
    outcome: Outcome,
    content: &'static str,
    reasoning: &'static str,
    prompt_tokens: Option<u64>,
    completion_tokens: Option<u64>,
    finish_reason: Option<&'static str>,
    saw_done: bool,
    /// Substring the error message must contain ("" = no error message).
    error: &'static str,
}

const OK: Want = Want {
    outcome: Outcome::Answered,
    content: "SELECT 1",
    reasoning: "",
    prompt_tokens: Some(17),
    completion_tokens: Some(5),
    finish_reason: Some("stop"),
    saw_done: true,
    error: "",
};

fn fail(outcome: Outcome, error: &'static str) -> Want {
    Want {
        outcome,
        content: "",
        prompt_tokens: None,
        completion_tokens: None,
        finish_reason: None,
        saw_done: false,
        error,
        ..OK
    }
}

/// Runs `body` through a machine with the given chunking; timestamps are byte offsets
/// (dispatch at 0, headers at 0), end at `body.len() + 1`.
fn run(
    status: u16,
    headers: &[(&str, &str)],
    body: &[u8],
    chunk: usize,
    clean: bool,
) -> CallRecord {
    let mut m = CallMachine::new(0.0);
    m.headers(0.0, status, |name| {
        headers
            .iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.to_string())
    });
    let mut pos = 0usize;
    for c in body.chunks(chunk.max(1)) {
        pos += c.len();
        m.body(pos as f64, c);
    }
    if clean {
        m.end(body.len() as f64 + 1.0, true);
    } else {
        m.fail(
            body.len() as f64 + 1.0,
            TransportFailure::Network("connection reset".into()),
        );
    }
    m.finish()
}

fn check_with(status: u16, headers: &[(&str, &str)], body: &str, clean: bool, want: &Want) {
    let mut first: Option<CallRecord> = None;
    for chunk in [usize::MAX, 1, 7] {
        let r = run(status, headers, body.as_bytes(), chunk, clean);
        let got = Want {
            outcome: r.outcome,
            content: want.content,
            reasoning: want.reasoning,
            prompt_tokens: r.prompt_tokens,
            completion_tokens: r.completion_tokens,
            finish_reason: want.finish_reason,
            saw_done: r.saw_done,
            error: want.error,
        };
        let ctx = format!("chunk {chunk}, body {body:?}, record {r:#?}");
        assert_eq!(got, *want, "{ctx}");
        assert_eq!(r.content, want.content, "{ctx}");
        assert_eq!(r.reasoning, want.reasoning, "{ctx}");
        assert_eq!(r.finish_reason.as_deref(), want.finish_reason, "{ctx}");
        match &r.error_message {
            Some(m) => assert!(
                !want.error.is_empty() && m.contains(want.error),
                "error {m:?}: {ctx}"
            ),
            None => assert!(
                want.error.is_empty(),
                "expected error {:?}: {ctx}",
                want.error
            ),
        }
        assert_eq!(r.status, Some(status));
        // The same record whatever the chunking (timings aside).
        if let Some(f) = &first {
            assert_eq!(
                (
                    &f.content,
                    &f.reasoning,
                    f.outcome,
                    f.events,
                    &f.error_message
                ),
                (
                    &r.content,
                    &r.reasoning,
                    r.outcome,
                    r.events,
                    &r.error_message
                ),
                "chunking changed the result: {ctx}"
            );
        }
        first = Some(r);
    }
}

fn check(body: &str, want: Want) {
    check_with(200, &[], body, true, &want);
}

const ROLE: &str = r#"data: {"id":"c1","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}],"usage":null}"#;

fn content(s: &str) -> String {
    format!(
        r#"data: {{"id":"c1","choices":[{{"index":0,"delta":{{"content":{}}},"finish_reason":null}}],"usage":null}}"#,
        serde_json::to_string(s).unwrap()
    )
}

fn delta(field: &str, s: &str) -> String {
    format!(
        r#"data: {{"choices":[{{"index":0,"delta":{{"{field}":{}}},"finish_reason":null}}]}}"#,
        serde_json::to_string(s).unwrap()
    )
}

const FINISH: &str =
    r#"data: {"choices":[{"index":0,"delta":{},"finish_reason":"stop"}],"usage":null}"#;
const FINISH_WITH_USAGE: &str = r#"data: {"choices":[{"index":0,"delta":{},"finish_reason":"stop"}],"usage":{"prompt_tokens":17,"total_tokens":22,"completion_tokens":5}}"#;
const USAGE_CHUNK: &str =
    r#"data: {"choices":[],"usage":{"prompt_tokens":17,"completion_tokens":5,"total_tokens":22}}"#;
const LITELLM_USAGE: &str = r#"data: {"choices":[{"index":0,"delta":{}}],"usage":{"prompt_tokens":17,"completion_tokens":5}}"#;
const DONE: &str = "data: [DONE]";

/// Joins events with blank lines (`\n\n`), ending with one.
fn sse(events: &[&str]) -> String {
    events.iter().map(|e| format!("{e}\n\n")).collect()
}

#[test]
fn usage_variants() {
    let (a, b) = (content("SELECT"), content(" 1"));
    // OpenAI / aimock: separate choices:[] chunk after finish.
    check(&sse(&[ROLE, &a, &b, FINISH, USAGE_CHUNK, DONE]), OK);
    // Fireworks: usage on the finish_reason chunk.
    check(&sse(&[ROLE, &a, &b, FINISH_WITH_USAGE, DONE]), OK);
    // LiteLLM: usage chunk with non-empty choices.
    check(&sse(&[&a, &b, FINISH, LITELLM_USAGE, DONE]), OK);
    // Absent: unknown, not zero.
    check(
        &sse(&[ROLE, &a, &b, FINISH, DONE]),
        Want {
            prompt_tokens: None,
            completion_tokens: None,
            ..OK
        },
    );
    // CRLF line endings throughout.
    check(
        &sse(&[ROLE, &a, &b, FINISH, USAGE_CHUNK, DONE]).replace('\n', "\r\n"),
        OK,
    );
    // Comments / keep-alives and an `event: message` field.
    check(
        &format!(
            ": keep-alive\n\nevent: message\n{}",
            sse(&[&a, &b, FINISH_WITH_USAGE, DONE])
        ),
        OK,
    );
}

#[test]
fn reasoning_variants() {
    let (a, b) = (content("SELECT"), content(" 1"));
    let r1 = delta("reasoning_content", "think");
    let r2 = delta("reasoning_content", "ing");
    let with_reasoning = Want {
        reasoning: "thinking",
        ..OK
    };
    check(
        &sse(&[ROLE, &r1, &r2, &a, &b, FINISH_WITH_USAGE, DONE]),
        with_reasoning.clone(),
    );
    let r1 = delta("reasoning", "think");
    let r2 = delta("reasoning", "ing");
    check(
        &sse(&[&r1, &r2, &a, &b, FINISH_WITH_USAGE, DONE]),
        with_reasoning.clone(),
    );
    // Both names in one delta (some servers duplicate): counted once.
    let both = r#"data: {"choices":[{"index":0,"delta":{"reasoning_content":"thinking","reasoning":"thinking"}}]}"#;
    check(
        &sse(&[both, &a, &b, FINISH_WITH_USAGE, DONE]),
        with_reasoning.clone(),
    );
    // Think tags inside content, split across deltas.
    let t = [
        content("<thi"),
        content("nk>think"),
        content("ing</think>\n"),
        content("SELECT 1"),
    ];
    check(
        &sse(&[&t[0], &t[1], &t[2], &t[3], FINISH_WITH_USAGE, DONE]),
        Want {
            content: "SELECT 1",
            ..with_reasoning
        },
    );
}

#[test]
fn error_bodies_by_status() {
    let cases: [(u16, &str, Outcome, &str); 9] = [
        (
            401,
            r#"{"error":{"message":"Invalid API key","type":"authentication_error","code":"invalid_api_key"}}"#,
            Outcome::Unauthorized,
            "HTTP 401: Invalid API key (invalid_api_key, authentication_error)",
        ),
        (
            403,
            r#"{"error":"forbidden"}"#,
            Outcome::Unauthorized,
            "HTTP 403: forbidden",
        ),
        (
            404,
            r#"{"error":{"message":"The model `x` does not exist","type":"invalid_request_error","code":"model_not_found"}}"#,
            Outcome::NotFound,
            "model_not_found",
        ),
        (
            429,
            r#"{"error":"Too Many Requests","message":"You have exceeded your usage limits."}"#,
            Outcome::RateLimited,
            "HTTP 429: Too Many Requests: You have exceeded your usage limits.",
        ),
        (
            500,
            r#"{"error":"internal error"}"#,
            Outcome::ServerError,
            "HTTP 500: internal error",
        ),
        (
            503,
            "<html><head><title>503 Service Temporarily Unavailable</title></head></html>",
            Outcome::ServerError,
            "HTTP 503: 503 Service Temporarily Unavailable",
        ),
        (502, "", Outcome::ServerError, "HTTP 502 with an empty body"),
        (
            400,
            r#"{"detail":"bad request"}"#,
            Outcome::HttpError,
            "HTTP 400: bad request",
        ),
        (418, "teapot", Outcome::HttpError, "HTTP 418: teapot"),
    ];
    for (status, body, outcome, error) in cases {
        check_with(status, &[], body, true, &fail(outcome, error));
    }
}

#[test]
fn errors_inside_a_200_stream() {
    let a = content("SELECT");
    // OpenAI-style error object as a data event.
    check(
        &sse(&[
            ROLE,
            &a,
            r#"data: {"error":{"message":"upstream overloaded","type":"server_error"}}"#,
        ]),
        Want {
            content: "SELECT",
            ..fail(
                Outcome::ServerError,
                "error event in stream: upstream overloaded",
            )
        },
    );
    // A 429 delivered inside the 200 stream (mock-llm / gateway style).
    check(
        &sse(&[
            r#"data: {"error":{"message":"Rate limit reached","code":429}}"#,
            DONE,
        ]),
        Want {
            saw_done: true,
            ..fail(Outcome::RateLimited, "Rate limit reached")
        },
    );
    // Baseten-style error string.
    check(
        &sse(&[r#"data: {"error":"model unavailable"}"#]),
        fail(
            Outcome::ServerError,
            "error event in stream: model unavailable",
        ),
    );
    // An `event: error` with a plain-text payload.
    check(
        "event: error\ndata: worker died\n\n",
        fail(Outcome::ServerError, "error event in stream: worker died"),
    );
    // …and one with JSON that has no `error` key.
    check(
        "event: error\ndata: {\"message\":\"quota\"}\n\n",
        fail(Outcome::ServerError, "error event in stream: quota"),
    );
}

#[test]
fn incomplete_streams_are_failures() {
    let (a, b) = (content("SELECT"), content(" 1"));
    // Clean EOF after two chunks: no finish_reason, no [DONE].
    check(
        &sse(&[ROLE, &a, &b]),
        Want {
            content: "SELECT 1",
            ..fail(Outcome::CutStream, "without finish_reason or [DONE]")
        },
    );
    // Socket drop mid-stream (transport error), even after finish_reason.
    check_with(
        200,
        &[],
        &sse(&[ROLE, &a, &b, FINISH_WITH_USAGE]),
        false,
        &Want {
            content: "SELECT 1",
            prompt_tokens: Some(17),
            completion_tokens: Some(5),
            finish_reason: Some("stop"),
            ..fail(
                Outcome::CutStream,
                "stream broke after 4 event(s) without [DONE]: connection reset",
            )
        },
    );
    // A socket drop after [DONE] does not matter.
    check_with(
        200,
        &[],
        &sse(&[&a, &b, FINISH_WITH_USAGE, DONE]),
        false,
        &OK,
    );
    // finish_reason and a clean EOF without [DONE]: complete.
    check(
        &sse(&[&a, &b, FINISH_WITH_USAGE]),
        Want {
            saw_done: false,
            ..OK
        },
    );
    // A final `data: [DONE]` without its blank line still counts.
    check(&format!("{}{DONE}", sse(&[&a, &b, FINISH_WITH_USAGE])), OK);
    // Cut in the middle of an event (clean EOF): a cut stream, not a malformed one.
    let whole = sse(&[&a, &b, FINISH_WITH_USAGE]);
    let cut = &whole[..whole.len() - 30];
    check(
        cut,
        Want {
            content: "SELECT 1",
            ..fail(Outcome::CutStream, "stream ended in the middle of event #3")
        },
    );
    // Empty 200 body.
    check("", fail(Outcome::CutStream, "HTTP 200 with an empty body"));
    check(
        "\n\n",
        fail(Outcome::CutStream, "HTTP 200 with an empty body"),
    );
    // Only comments.
    check(": ping\n\n", fail(Outcome::CutStream, "after 0 event(s)"));
}

#[test]
fn malformed_chunks() {
    let a = content("SELECT");
    let b = content(" 1");
    check(
        &sse(&[&a, "data: {not json", &b, FINISH_WITH_USAGE, DONE]),
        Want {
            saw_done: true,
            prompt_tokens: Some(17),
            completion_tokens: Some(5),
            finish_reason: Some("stop"),
            content: "SELECT 1",
            ..fail(Outcome::ServerError, "malformed JSON in stream event #2")
        },
    );
    // Events after [DONE] are ignored, even malformed ones.
    check(
        &sse(&[&a, &b, FINISH_WITH_USAGE, DONE, "data: garbage"]),
        OK,
    );
    // Chunks of unexpected shape are tolerated (no choices, null delta, numeric content).
    check(
        &sse(&[
            r#"data: {"object":"ping"}"#,
            r#"data: {"choices":[{"index":0,"delta":null}]}"#,
            r#"data: {"choices":[{"index":0,"delta":{"content":5}}]}"#,
            &a,
            &b,
            FINISH_WITH_USAGE,
            DONE,
        ]),
        OK,
    );
}

#[test]
fn non_streamed_json_answers() {
    let body = r#"{"id":"x","object":"chat.completion","choices":[{"index":0,"message":{"role":"assistant","content":"<think>hm</think>SELECT 1"},"finish_reason":"stop"}],"usage":{"prompt_tokens":17,"completion_tokens":5}}"#;
    check(
        body,
        Want {
            reasoning: "hm",
            saw_done: false,
            ..OK
        },
    );
    let r = run(200, &[], body.as_bytes(), 3, true);
    assert!(!r.streamed);
    assert_eq!(
        (r.ttft_ms, r.first_answer_ms),
        (None, None),
        "no TTFT without a stream"
    );
    // A 200 carrying an error object.
    check(
        r#"{"error":{"message":"quota exceeded","type":"rate_limit_error"}}"#,
        fail(Outcome::RateLimited, "quota exceeded"),
    );
    check(
        r#"{"id":"x"}"#,
        fail(Outcome::ServerError, "JSON response without choices"),
    );
    check(
        r#"{"choices":[{"index":0,"message":{"role":"assistant","content":""}}]}"#,
        fail(
            Outcome::CutStream,
            "JSON response without an answer or finish_reason",
        ),
    );
    check(
        "{\"id\":",
        fail(Outcome::ServerError, "malformed JSON response"),
    );
}

#[test]
fn retry_hints_are_captured() {
    let headers = [
        ("retry-after", "3"),
        ("retry-after-ms", "1500"),
        ("x-should-retry", "true"),
    ];
    let r = run(
        429,
        &headers,
        br#"{"error":"slow down","retry_after":37}"#,
        5,
        true,
    );
    assert_eq!(
        r.hints,
        RetryHints {
            retry_after_ms: Some("1500".into()),
            retry_after: Some("3".into()),
            should_retry: Some("true".into()),
            body_retry_after_s: Some(37.0),
        }
    );
}

#[test]
fn timings_follow_the_definitions() {
    // dispatch at 1000; headers 1100; reasoning 1250; content 1400; end 1500.
    let mut m = CallMachine::new(1000.0);
    m.headers(1100.0, 200, |_| None);
    assert!(
        m.body(1200.0, sse(&[ROLE]).as_bytes()).is_empty(),
        "an empty role delta is not a token"
    );
    let d = m.body(
        1250.0,
        sse(&[&delta("reasoning_content", "hmm")]).as_bytes(),
    );
    assert_eq!(d, vec![Delta::Reasoning("hmm".into())]);
    let d = m.body(1400.0, sse(&[&content("SELECT 1")]).as_bytes());
    assert_eq!(d, vec![Delta::Content("SELECT 1".into())]);
    m.body(1450.0, sse(&[FINISH_WITH_USAGE, DONE]).as_bytes());
    let snap = m.snapshot();
    assert_eq!(snap.ttft_ms, Some(250.0));
    m.end(1500.0, true);
    let r = m.finish();
    assert_eq!(
        (r.headers_ms, r.ttft_ms, r.first_answer_ms, r.latency_ms),
        (Some(100.0), Some(250.0), Some(400.0), Some(500.0))
    );
    assert_eq!(r.outcome, Outcome::Answered);
    assert_eq!(r.events, 5, "role, reasoning, content, finish, [DONE]");
}

#[test]
fn a_token_split_across_chunks_is_timed_when_it_completes() {
    let mut m = CallMachine::new(0.0);
    m.headers(10.0, 200, |_| None);
    let ev = sse(&[&content("SELECT 1")]);
    let (x, y) = ev.as_bytes().split_at(20);
    m.body(20.0, x);
    m.body(35.0, y);
    m.end(40.0, true);
    let r = m.finish();
    assert_eq!(r.ttft_ms, Some(35.0));
    assert_eq!(r.outcome, Outcome::CutStream);
}

#[test]
fn transport_failures() {
    // Refused connection: no status.
    let mut m = CallMachine::new(0.0);
    m.fail(3.0, TransportFailure::Network("connection refused".into()));
    let r = m.finish();
    assert_eq!(
        (r.status, r.outcome, r.latency_ms),
        (None, Outcome::Network, Some(3.0))
    );
    assert_eq!(
        r.error_message.as_deref(),
        Some("network error: connection refused")
    );
    // Timeout waiting for headers.
    let mut m = CallMachine::new(0.0);
    m.fail(
        60_000.0,
        TransportFailure::Timeout("no response headers within 60 s".into()),
    );
    let r = m.finish();
    assert_eq!(r.outcome, Outcome::Timeout);
    // Stall mid-stream → timeout, keeping what arrived.
    let mut m = CallMachine::new(0.0);
    m.headers(5.0, 200, |_| None);
    m.body(6.0, sse(&[&content("SEL")]).as_bytes());
    m.fail(
        30_006.0,
        TransportFailure::Timeout("no data for 30 s".into()),
    );
    m.end(30_007.0, true); // ignored: already ended
    let r = m.finish();
    assert_eq!(
        (r.outcome, r.content.as_str(), r.latency_ms),
        (Outcome::Timeout, "SEL", Some(30_006.0))
    );
    // A machine dropped without an end is reported, not silently successful.
    let mut m = CallMachine::new(0.0);
    m.headers(5.0, 200, |_| None);
    let r = m.finish();
    assert_eq!(r.outcome, Outcome::Network);
    // end(clean=false) with no headers: network.
    let mut m = CallMachine::new(0.0);
    m.end(2.0, false);
    assert_eq!(m.finish().outcome, Outcome::Network);
    // Bytes without headers are taken as a 200.
    let mut m = CallMachine::new(0.0);
    m.body(1.0, sse(&[&content("SELECT 1"), FINISH, DONE]).as_bytes());
    m.end(2.0, true);
    let r = m.finish();
    assert_eq!((r.status, r.outcome), (Some(200), Outcome::Answered));
}

#[test]
fn scrub_removes_the_key_everywhere() {
    let mut m = CallMachine::new(0.0);
    m.headers(1.0, 401, |_| None);
    m.body(
        2.0,
        br#"{"error":{"message":"Incorrect API key provided: sk-live-123"}}"#,
    );
    m.end(3.0, true);
    let mut r = m.finish();
    r.scrub("sk-live-123");
    assert_eq!(
        r.error_message.as_deref(),
        Some("HTTP 401: Incorrect API key provided: <redacted>")
    );
}

#[test]
fn oversized_bodies_fail_cleanly() {
    let mut m = CallMachine::new(0.0);
    m.headers(1.0, 500, |_| None);
    let big = vec![b'x'; MAX_BODY_BYTES + 10];
    m.body(2.0, &big);
    m.end(3.0, true);
    let r = m.finish();
    assert_eq!(r.outcome, Outcome::ServerError);
    assert!(r.error_message.unwrap().len() < 400);
}
