//! When to try a failed call again, and how long to wait first — modelled on the
//! OpenAI SDKs so our client behaves like the one most users know.
//!
//! * Retry: HTTP 408, 409, 429, 5xx, connection failures and timeouts before any
//!   response. An `x-should-retry: true|false` header overrides the status rule.
//! * Never retry once a 2xx response started: a stream that fails after its 200 may
//!   already have been billed and shown; the failure is reported instead.
//! * Wait: the server's `retry-after-ms`, else `Retry-After` (seconds or an HTTP date),
//!   else a `retry_after` in the error body, else "try again in Ns" in its message —
//!   when it is in (0, 60 s]; otherwise 0.5 s·2ⁿ capped at 8 s, times a jitter factor
//!   in (0.75, 1]. The random number is the caller's (core has no RNG).
//! * Every attempt is kept as a [`crate::sweep::Attempt`] by [`AttemptLog`].

use crate::outcome::Outcome;
use crate::sweep::Attempt;

use super::stream::{CallRecord, RetryHints};

/// Retry limits and back-off shape.
#[derive(Debug, Clone, PartialEq)]
pub struct RetryPolicy {
    /// Retries after the first attempt (the OpenAI SDK default is 2).
    pub max_retries: u32,
    pub initial_delay_ms: f64,
    pub max_delay_ms: f64,
    /// Server-suggested waits longer than this are ignored (back-off is used instead).
    pub max_server_wait_ms: f64,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_retries: 2,
            initial_delay_ms: 500.0,
            max_delay_ms: 8000.0,
            max_server_wait_ms: 60_000.0,
        }
    }
}

impl RetryPolicy {
    /// No retries at all (the published one-shot protocol).
    pub fn none() -> RetryPolicy {
        RetryPolicy {
            max_retries: 0,
            ..RetryPolicy::default()
        }
    }
}

/// Why no further attempt is made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StopReason {
    Succeeded,
    /// The failure is not one that a retry can fix (401, 404, 400…).
    NotRetryable,
    /// The response had started (2xx): never retried.
    StreamStarted,
    OutOfRetries,
    /// The server said `x-should-retry: false`.
    ServerSaidNo,
}

/// The policy's verdict after an attempt.
#[derive(Debug, Clone, PartialEq)]
pub enum Decision {
    Retry {
        wait_ms: f64,
        /// True when the wait came from the server rather than back-off.
        server_suggested: bool,
    },
    Stop(StopReason),
}

impl RetryPolicy {
    /// Decides after an attempt. `retries_done` counts earlier retries (0 after the
    /// first attempt); `random` is a uniform number in [0, 1) from the caller;
    /// `now_unix_ms` (wall clock) is only needed to read an HTTP-date `Retry-After`.
    pub fn decide(
        &self,
        record: &CallRecord,
        retries_done: u32,
        random: f64,
        now_unix_ms: Option<f64>,
    ) -> Decision {
        if record.is_success() {
            return Decision::Stop(StopReason::Succeeded);
        }
        let started = record.status.is_some_and(|s| (200..300).contains(&s));
        if started {
            return Decision::Stop(StopReason::StreamStarted);
        }
        match record.hints.should_retry.as_deref().map(str::trim) {
            Some("false") => return Decision::Stop(StopReason::ServerSaidNo),
            Some("true") => {}
            _ if !retryable(record) => return Decision::Stop(StopReason::NotRetryable),
            _ => {}
        }
        if retries_done >= self.max_retries {
            return Decision::Stop(StopReason::OutOfRetries);
        }
        let message = record.error_message.as_deref().unwrap_or("");
        if let Some(w) = server_wait_ms(&record.hints, message, now_unix_ms) {
            if w > 0.0 && w <= self.max_server_wait_ms {
                return Decision::Retry {
                    wait_ms: w,
                    server_suggested: true,
                };
            }
        }
        Decision::Retry {
            wait_ms: self.backoff_ms(retries_done, random),
            server_suggested: false,
        }
    }

    /// `initial · 2^retries_done`, capped, times a jitter factor `1 − 0.25·random`.
    pub fn backoff_ms(&self, retries_done: u32, random: f64) -> f64 {
        let n = retries_done.min(1000) as i32;
        let base = (self.initial_delay_ms * 2f64.powi(n)).min(self.max_delay_ms);
        let r = if random.is_finite() {
            random.clamp(0.0, 1.0)
        } else {
            0.0
        };
        (base * (1.0 - 0.25 * r)).max(0.0)
    }
}

/// Retryable by status or transport class (before `x-should-retry` is consulted).
fn retryable(record: &CallRecord) -> bool {
    match record.status {
        Some(s) => matches!(s, 408 | 409 | 429) || (500..600).contains(&s),
        None => matches!(record.outcome, Outcome::Network | Outcome::Timeout),
    }
}

/// The server's suggested wait in milliseconds, from the strongest source present.
pub fn server_wait_ms(hints: &RetryHints, message: &str, now_unix_ms: Option<f64>) -> Option<f64> {
    if let Some(ms) = hints.retry_after_ms.as_deref().and_then(parse_number) {
        return Some(ms);
    }
    if let Some(v) = hints.retry_after.as_deref() {
        if let Some(s) = parse_number(v) {
            return Some(s * 1000.0);
        }
        if let (Some(at), Some(now)) = (parse_http_date(v), now_unix_ms) {
            return Some(at * 1000.0 - now);
        }
    }
    if let Some(s) = hints.body_retry_after_s.filter(|s| s.is_finite()) {
        return Some(s * 1000.0);
    }
    try_again_in_ms(message)
}

fn parse_number(s: &str) -> Option<f64> {
    s.trim().parse::<f64>().ok().filter(|x| x.is_finite())
}

/// "Please try again in 1.5s" / "in 20ms" / "in 3 seconds" (OpenAI's rate-limit text).
fn try_again_in_ms(message: &str) -> Option<f64> {
    let lower = message.to_ascii_lowercase();
    let i = lower.find("try again in ")? + "try again in ".len();
    let rest = &lower[i..];
    let num_len = rest
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(rest.len());
    let n: f64 = rest[..num_len].parse().ok()?;
    let unit = rest[num_len..].trim_start();
    if unit.starts_with("ms") || unit.starts_with("millisecond") {
        Some(n)
    } else if unit.starts_with('s') {
        Some(n * 1000.0)
    } else if unit.starts_with('m') {
        Some(n * 60_000.0)
    } else {
        None
    }
}

/// An IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`) as Unix seconds.
pub fn parse_http_date(s: &str) -> Option<f64> {
    let parts: Vec<&str> = s.split_whitespace().collect();
    let [_, day, month, year, time, "GMT"] = parts.as_slice() else {
        return None;
    };
    let day: i64 = day.parse().ok()?;
    let month = [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ]
    .iter()
    .position(|m| m.eq_ignore_ascii_case(month))? as i64
        + 1;
    let year: i64 = year.parse().ok()?;
    let hms: Vec<i64> = time
        .split(':')
        .map(|x| x.parse().ok())
        .collect::<Option<_>>()?;
    let [h, m, sec] = hms.as_slice() else {
        return None;
    };
    if !(1..=31).contains(&day) || *h > 23 || *m > 59 || *sec > 60 {
        return None;
    }
    // Days from civil (Howard Hinnant's algorithm).
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    Some((days * 86_400 + h * 3600 + m * 60 + sec) as f64)
}

/// Every attempt of one call, timed relative to the first dispatch.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AttemptLog {
    first_dispatch_ms: Option<f64>,
    attempts: Vec<Attempt>,
}

impl AttemptLog {
    pub fn new() -> AttemptLog {
        AttemptLog::default()
    }

    /// Records an attempt dispatched at `dispatch_ms` (caller's clock) after waiting
    /// `waited_ms`, with its final record.
    pub fn push(&mut self, dispatch_ms: f64, waited_ms: f64, record: &CallRecord) {
        let first = *self.first_dispatch_ms.get_or_insert(dispatch_ms);
        let started = dispatch_ms - first;
        self.attempts.push(Attempt {
            status: record.status,
            outcome: record.outcome,
            started_ms: started,
            ended_ms: started + record.latency_ms.unwrap_or(0.0),
            waited_ms,
        });
    }

    /// Retries made so far (attempts − 1).
    pub fn retries(&self) -> u32 {
        self.attempts.len().saturating_sub(1) as u32
    }

    pub fn attempts(&self) -> &[Attempt] {
        &self.attempts
    }

    pub fn into_attempts(self) -> Vec<Attempt> {
        self.attempts
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::live::stream::{CallMachine, TransportFailure};

    /// A finished record: `status` None = transport failure of `failure` kind.
    fn rec(status: Option<u16>, headers: &[(&str, &str)], body: &str) -> CallRecord {
        let mut m = CallMachine::new(0.0);
        match status {
            Some(s) => {
                m.headers(1.0, s, |n| {
                    headers
                        .iter()
                        .find(|(k, _)| *k == n)
                        .map(|(_, v)| v.to_string())
                });
                m.body(2.0, body.as_bytes());
                m.end(3.0, true);
            }
            None if body == "timeout" => m.fail(3.0, TransportFailure::Timeout("headers".into())),
            None => m.fail(3.0, TransportFailure::Network("refused".into())),
        }
        m.finish()
    }

    const OK_STREAM: &str = "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"x\"},\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n";

    fn check(record: &CallRecord, retries_done: u32, random: f64, expected: Decision) {
        let policy = RetryPolicy::default();
        let now = parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT").map(|s| s * 1000.0);
        assert_eq!(
            policy.decide(record, retries_done, random, now),
            expected,
            "{record:#?}"
        );
    }

    fn retry(wait_ms: f64, server: bool) -> Decision {
        Decision::Retry {
            wait_ms,
            server_suggested: server,
        }
    }

    #[test]
    fn decisions() {
        use StopReason::*;
        let stop = Decision::Stop;
        check(&rec(Some(200), &[], OK_STREAM), 0, 0.0, stop(Succeeded));
        // Statuses.
        for s in [408, 409, 429, 500, 502, 503, 504, 599] {
            check(&rec(Some(s), &[], ""), 0, 0.0, retry(500.0, false));
        }
        for s in [400, 401, 403, 404, 413, 422] {
            check(&rec(Some(s), &[], ""), 0, 0.0, stop(NotRetryable));
        }
        // Transport failures before a response.
        check(&rec(None, &[], "refused"), 0, 0.0, retry(500.0, false));
        check(&rec(None, &[], "timeout"), 1, 0.0, retry(1000.0, false));
        // Never after a 200: cut stream, error event, malformed chunk.
        check(
            &rec(Some(200), &[], "data: {\"choices\":[]}\n\n"),
            0,
            0.0,
            stop(StreamStarted),
        );
        check(
            &rec(Some(200), &[], "data: {\"error\":\"boom\"}\n\n"),
            0,
            0.0,
            stop(StreamStarted),
        );
        // Out of retries.
        check(&rec(Some(429), &[], ""), 2, 0.0, stop(OutOfRetries));
        // x-should-retry overrides.
        check(
            &rec(Some(400), &[("x-should-retry", "true")], ""),
            0,
            0.0,
            retry(500.0, false),
        );
        check(
            &rec(Some(503), &[("x-should-retry", "false")], ""),
            0,
            0.0,
            stop(ServerSaidNo),
        );
        // Server waits, strongest source first.
        let both = [("retry-after-ms", "1500"), ("retry-after", "3")];
        check(&rec(Some(429), &both, ""), 0, 0.9, retry(1500.0, true));
        check(
            &rec(Some(429), &[("retry-after", "3")], ""),
            0,
            0.9,
            retry(3000.0, true),
        );
        check(
            &rec(Some(429), &[("retry-after", "0.25")], ""),
            0,
            0.9,
            retry(250.0, true),
        );
        check(
            &rec(
                Some(503),
                &[("retry-after", "Sun, 06 Nov 1994 08:49:47 GMT")],
                "",
            ),
            0,
            0.0,
            retry(10_000.0, true),
        );
        check(
            &rec(Some(429), &[], r#"{"error":"slow","retry_after":2}"#),
            0,
            0.0,
            retry(2000.0, true),
        );
        check(
            &rec(
                Some(429),
                &[],
                r#"{"error":{"message":"Rate limit reached. Please try again in 1.5s."}}"#,
            ),
            0,
            0.0,
            retry(1500.0, true),
        );
        check(
            &rec(
                Some(429),
                &[],
                r#"{"error":{"message":"Please try again in 20ms."}}"#,
            ),
            0,
            0.0,
            retry(20.0, true),
        );
        // Out-of-range server waits fall back to back-off.
        check(
            &rec(Some(429), &[("retry-after", "120")], ""),
            0,
            0.0,
            retry(500.0, false),
        );
        check(
            &rec(Some(429), &[("retry-after", "0")], ""),
            1,
            0.0,
            retry(1000.0, false),
        );
        check(
            &rec(Some(429), &[("retry-after", "soon")], ""),
            0,
            0.0,
            retry(500.0, false),
        );
        check(
            &rec(Some(429), &[("retry-after-ms", "-5")], ""),
            0,
            0.0,
            retry(500.0, false),
        );
    }

    #[test]
    fn backoff_shape() {
        let p = RetryPolicy {
            max_retries: 10,
            ..RetryPolicy::default()
        };
        let cases = [
            (0, 0.0, 500.0),
            (1, 0.0, 1000.0),
            (2, 0.0, 2000.0),
            (3, 0.0, 4000.0),
            (4, 0.0, 8000.0),
            (5, 0.0, 8000.0),
            (9999, 0.0, 8000.0),
            (0, 0.5, 437.5),
            (0, 1.0, 375.0),
            (0, f64::NAN, 500.0),
            (0, 7.0, 375.0),
        ];
        for (n, r, want) in cases {
            assert_eq!(p.backoff_ms(n, r), want, "retries {n}, random {r}");
        }
    }

    #[test]
    fn http_dates() {
        let cases = [
            ("Sun, 06 Nov 1994 08:49:37 GMT", Some(784_111_777.0)),
            ("Thu, 01 Jan 1970 00:00:00 GMT", Some(0.0)),
            ("Tue, 29 Feb 2028 23:59:59 GMT", Some(1_835_481_599.0)),
            ("Sunday, 06-Nov-94 08:49:37 GMT", None),
            ("Sun, 06 Foo 1994 08:49:37 GMT", None),
            ("Sun, 06 Nov 1994 25:49:37 GMT", None),
            ("", None),
        ];
        for (s, want) in cases {
            assert_eq!(parse_http_date(s), want, "{s}");
        }
    }

    #[test]
    fn attempt_log() {
        let mut log = AttemptLog::new();
        log.push(1000.0, 0.0, &rec(Some(429), &[], ""));
        log.push(1600.0, 500.0, &rec(Some(200), &[], OK_STREAM));
        assert_eq!(log.retries(), 1);
        let a = log.attempts();
        assert_eq!(
            (a[0].status, a[0].outcome, a[0].started_ms, a[0].ended_ms),
            (Some(429), Outcome::RateLimited, 0.0, 3.0)
        );
        assert_eq!(
            (a[1].outcome, a[1].started_ms, a[1].ended_ms, a[1].waited_ms),
            (Outcome::Answered, 600.0, 603.0, 500.0)
        );
    }
}
