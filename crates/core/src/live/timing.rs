//! The one definition of every timing this project reports. The browser, the CLI
//! and the fixture's journal all use these words in exactly this sense; the sweep
//! schema's [`Timing`] fields point here.
//!
//! All durations are milliseconds, measured by the caller's monotonic clock
//! (`performance.now()` in the browser, `Instant` in the CLI) and handed to
//! [`super::stream::CallMachine`] as timestamps; core never reads a clock.
//!
//! * **Dispatch** — the moment the adapter hands the request to its HTTP client
//!   (just before `fetch` / `reqwest::send`). Every other time is relative to it.
//! * **Time to headers** (`headers_ms`) — dispatch → the response status and headers
//!   are available to the client (`fetch` resolves, `send()` returns). Includes DNS,
//!   connection, TLS, queueing in the client (browsers allow ~6 HTTP/1.1 connections
//!   per host) and the server's time before it flushes headers (some servers hold
//!   headers until the first token).
//! * **TTFT** (`ttft_ms`) — dispatch → the first stream event carrying a non-empty
//!   content *or* reasoning delta (reasoning includes `reasoning_content`, `reasoning`
//!   and text inside `<think>` tags). This is the original benchmark's definition
//!   (first chunk with non-empty `content` or `reasoning_content`), kept so our figures
//!   are comparable with the published ones. An event counts when it is complete (its
//!   terminating blank line parsed), not when its first byte arrived. A role-only
//!   delta (`content: ""`) is not a token. Unknown (`None`) for a non-streamed answer.
//! * **Time to first answer token** (`first_answer_ms`) — dispatch → the first
//!   non-empty content delta outside think tags: when the user starts to see the answer.
//!   Equals TTFT for models that do not reason.
//! * **Total latency** (`latency_ms`) — dispatch → the end of the response body (`[DONE]`
//!   and end of stream, or the failure) of the attempt that produced the result (the
//!   last attempt). It never includes retry back-off; the original's published
//!   `latency_ms` is the same quantity for its single attempt.
//! * **Latency including retries** (`latency_with_retries_ms`) — the first attempt's
//!   dispatch → the end of the last attempt, back-off waits included. This is what a
//!   user waited; it equals total latency when there was one attempt.
//!
//! * **Dispatch offset** (`dispatch_ms`) and **session** (`session`) — where a trace
//!   sits in its run: the first attempt's dispatch relative to the start of the
//!   session that made it. A *session* is one engine instance: the process (CLI) or
//!   page load (browser) that ran part of the run. A fresh run is session 0; each
//!   resume from a checkpoint is the next session, with its own origin. The driver's
//!   clock is monotonic only within a process, and the pause between a kill and its
//!   resume (a minute or a week) is not part of any measurement, so offsets of
//!   different sessions are never compared: wall time, throughput and the browser's
//!   connection staircase are computed per session and then combined (see
//!   `engine::load`).
//!
//! Attempts ([`Attempt`]) are timed relative to the first attempt's dispatch.

use crate::sweep::{Attempt, Timing};

use super::stream::CallRecord;

/// The trace timing of a call: `last` is the record of the final attempt, `attempts`
/// every attempt (relative to the first dispatch), `dispatch_ms` the first dispatch
/// relative to the session start (own runs) or `None`. The session is 0 here; the
/// engine sets it.
pub fn trace_timing(dispatch_ms: Option<f64>, attempts: &[Attempt], last: &CallRecord) -> Timing {
    let with_retries = match (attempts.first(), attempts.last()) {
        (Some(first), Some(last_attempt)) => Some(last_attempt.ended_ms - first.started_ms),
        _ => last.latency_ms,
    };
    Timing {
        dispatch_ms,
        session: 0,
        headers_ms: last.headers_ms,
        ttft_ms: last.ttft_ms,
        first_answer_ms: last.first_answer_ms,
        latency_ms: last.latency_ms,
        latency_with_retries_ms: with_retries,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::live::stream::CallMachine;
    use crate::outcome::Outcome;

    fn record(headers: f64, token: Option<f64>, end: f64) -> CallRecord {
        let mut m = CallMachine::new(0.0);
        m.headers(headers, 200, |_| None);
        if let Some(t) = token {
            m.body(t, b"data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"x\"},\"finish_reason\":\"stop\"}]}\n\n");
        }
        m.end(end, true);
        m.finish()
    }

    fn attempt(outcome: Outcome, started: f64, ended: f64, waited: f64) -> Attempt {
        Attempt {
            status: None,
            outcome,
            started_ms: started,
            ended_ms: ended,
            waited_ms: waited,
        }
    }

    fn check(dispatch: Option<f64>, attempts: &[Attempt], last: &CallRecord, expected: Timing) {
        assert_eq!(trace_timing(dispatch, attempts, last), expected);
    }

    #[test]
    fn timings() {
        let r = record(100.0, Some(250.0), 400.0);
        check(
            Some(5.0),
            &[attempt(Outcome::Answered, 0.0, 400.0, 0.0)],
            &r,
            Timing {
                dispatch_ms: Some(5.0),
                session: 0,
                headers_ms: Some(100.0),
                ttft_ms: Some(250.0),
                first_answer_ms: Some(250.0),
                latency_ms: Some(400.0),
                latency_with_retries_ms: Some(400.0),
            },
        );
        // A 429 at 50 ms, 1 s back-off, then the answering attempt: latency is that
        // attempt's own; the user's wait is in latency_with_retries_ms.
        check(
            None,
            &[
                attempt(Outcome::RateLimited, 0.0, 50.0, 0.0),
                attempt(Outcome::Answered, 1050.0, 1450.0, 1000.0),
            ],
            &r,
            Timing {
                dispatch_ms: None,
                session: 0,
                headers_ms: Some(100.0),
                ttft_ms: Some(250.0),
                first_answer_ms: Some(250.0),
                latency_ms: Some(400.0),
                latency_with_retries_ms: Some(1450.0),
            },
        );
        // No attempts recorded: falls back to the record's latency; no token: no TTFT.
        let r = record(100.0, None, 300.0);
        check(
            None,
            &[],
            &r,
            Timing {
                dispatch_ms: None,
                session: 0,
                headers_ms: Some(100.0),
                ttft_ms: None,
                first_answer_ms: None,
                latency_ms: Some(300.0),
                latency_with_retries_ms: Some(300.0),
            },
        );
    }
}
