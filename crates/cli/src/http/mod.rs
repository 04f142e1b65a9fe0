//! The CLI's transport: sends a chat-completions request with reqwest (rustls) and
//! streams the response bytes into core's [`CallMachine`] with timestamps from a
//! monotonic clock. Retries follow core's [`RetryPolicy`]. This is the only place the
//! CLI touches the network for live calls; everything it decides comes from core.
//!
//! Key hygiene: the key travels only in the `Authorization` header; redirects are not
//! followed (a redirect could carry it elsewhere); every text that came from the
//! server or from the HTTP client is scrubbed of the key before it is returned.

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use serde_json::Value;
use sqlsweep_core::live::request::{AuthHeader, Endpoint};
use sqlsweep_core::live::retry::{AttemptLog, Decision, RetryPolicy};
use sqlsweep_core::live::stream::{CallMachine, CallRecord, Delta, TransportFailure};
use sqlsweep_core::live::timing;
use sqlsweep_core::sweep::{Attempt, Timing};

/// Time budgets of one attempt.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Timeouts {
    pub connect: Duration,
    /// Dispatch → response headers.
    pub headers: Duration,
    /// Longest silence between body chunks.
    pub idle: Duration,
    /// Dispatch → end of the body.
    pub total: Duration,
}

impl Default for Timeouts {
    fn default() -> Self {
        Timeouts {
            connect: Duration::from_secs(10),
            headers: Duration::from_secs(60),
            idle: Duration::from_secs(60),
            total: Duration::from_secs(300),
        }
    }
}

/// Monotonic milliseconds since the clock was made.
#[derive(Debug, Clone, Copy)]
pub struct Clock {
    origin: Instant,
}

impl Clock {
    pub fn new() -> Clock {
        Clock {
            origin: Instant::now(),
        }
    }

    pub fn now_ms(&self) -> f64 {
        self.origin.elapsed().as_secs_f64() * 1000.0
    }
}

impl Default for Clock {
    fn default() -> Self {
        Clock::new()
    }
}

/// A call with all its attempts.
#[derive(Debug, Clone)]
pub struct LiveCall {
    /// The last attempt's record (the answer, or the final failure).
    pub record: CallRecord,
    pub attempts: Vec<Attempt>,
    pub timing: Timing,
}

/// Why a call could not even be attempted.
#[derive(Debug)]
pub struct SetupError(pub String);

impl std::fmt::Display for SetupError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// An HTTP client for one endpoint.
#[derive(Debug, Clone)]
pub struct Transport {
    client: reqwest::Client,
    url: String,
    timeouts: Timeouts,
    clock: Clock,
}

impl Transport {
    pub fn new(
        endpoint: &Endpoint,
        timeouts: Timeouts,
        clock: Clock,
    ) -> Result<Transport, SetupError> {
        let mut builder = reqwest::Client::builder()
            .connect_timeout(timeouts.connect)
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("sqlsweep/", env!("CARGO_PKG_VERSION")));
        let host = endpoint.host();
        if host.starts_with("127.") || host.starts_with("localhost") || host.starts_with("[::1]") {
            // Loopback never goes through a proxy (a proxy would see the key on http://).
            builder = builder.no_proxy();
        }
        let client = builder
            .build()
            .map_err(|e| SetupError(format!("cannot create the HTTP client: {}", innermost(&e))))?;
        Ok(Transport {
            client,
            url: endpoint.chat_completions_url(),
            timeouts,
            clock,
        })
    }

    /// One attempt. `on_delta` sees streamed text as it arrives.
    pub async fn attempt(
        &self,
        auth: &AuthHeader,
        body: &Value,
        on_delta: &mut (dyn FnMut(&Delta) + Send),
    ) -> (f64, CallRecord) {
        let dispatch = self.clock.now_ms();
        let mut m = CallMachine::new(dispatch);
        let deadline = tokio::time::Instant::now() + self.timeouts.total;
        let req = self
            .client
            .post(&self.url)
            .header(AuthHeader::NAME, auth.expose())
            .header("content-type", "application/json")
            .header("accept", "text/event-stream")
            .body(body.to_string());
        let headers_budget = self.timeouts.headers.min(self.timeouts.total);
        let mut resp = match tokio::time::timeout(headers_budget, req.send()).await {
            Err(_) => {
                let msg = format!("no response headers within {}", secs(headers_budget));
                m.fail(self.clock.now_ms(), TransportFailure::Timeout(msg));
                return (dispatch, m.finish());
            }
            Ok(Err(e)) => {
                let failure = if e.is_timeout() {
                    TransportFailure::Timeout(innermost(&e))
                } else {
                    TransportFailure::Network(innermost(&e))
                };
                m.fail(self.clock.now_ms(), failure);
                return (dispatch, m.finish());
            }
            Ok(Ok(r)) => r,
        };
        let status = resp.status().as_u16();
        let headers = resp.headers().clone();
        m.headers(self.clock.now_ms(), status, |name| {
            headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string)
        });
        loop {
            let budget = self
                .timeouts
                .idle
                .min(deadline.saturating_duration_since(tokio::time::Instant::now()));
            match tokio::time::timeout(budget, resp.chunk()).await {
                Err(_) => {
                    let msg = if budget < self.timeouts.idle {
                        format!("response not finished within {}", secs(self.timeouts.total))
                    } else {
                        format!("no data for {}", secs(self.timeouts.idle))
                    };
                    m.fail(self.clock.now_ms(), TransportFailure::Timeout(msg));
                    break;
                }
                Ok(Ok(Some(bytes))) => {
                    for d in m.body(self.clock.now_ms(), &bytes) {
                        on_delta(&d);
                    }
                }
                Ok(Ok(None)) => {
                    m.end(self.clock.now_ms(), true);
                    break;
                }
                Ok(Err(e)) => {
                    m.fail(
                        self.clock.now_ms(),
                        TransportFailure::Network(innermost(&e)),
                    );
                    break;
                }
            }
        }
        (dispatch, m.finish())
    }

    /// A call with retries per `policy`; `key` is only used to scrub returned text.
    pub async fn call(
        &self,
        auth: &AuthHeader,
        key: &str,
        body: &Value,
        policy: &RetryPolicy,
        on_delta: &mut (dyn FnMut(&Delta) + Send),
    ) -> LiveCall {
        let mut log = AttemptLog::new();
        let mut rng = Jitter::new();
        let mut waited = 0.0;
        loop {
            let (dispatch, mut record) = self.attempt(auth, body, on_delta).await;
            record.scrub(key);
            log.push(dispatch, waited, &record);
            let now_unix = SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .ok()
                .map(|d| d.as_secs_f64() * 1000.0);
            match policy.decide(&record, log.retries(), rng.next_unit(), now_unix) {
                Decision::Retry { wait_ms, .. } => {
                    tokio::time::sleep(Duration::from_secs_f64(wait_ms / 1000.0)).await;
                    waited = wait_ms;
                }
                Decision::Stop(_) => {
                    let timing = timing::trace_timing(None, log.attempts(), &record);
                    return LiveCall {
                        record,
                        attempts: log.into_attempts(),
                        timing,
                    };
                }
            }
        }
    }
}

fn secs(d: Duration) -> String {
    format!("{} s", d.as_secs_f64())
}

/// The most specific message in an error's source chain ("Connection refused (os
/// error 111)" rather than "error sending request for url (…)").
pub fn innermost(e: &(dyn std::error::Error + 'static)) -> String {
    let mut cur: &(dyn std::error::Error + 'static) = e;
    let mut msgs = vec![cur.to_string()];
    while let Some(next) = cur.source() {
        msgs.push(next.to_string());
        cur = next;
    }
    // Keep the last two distinct messages: the cause and the context just above it.
    msgs.dedup();
    let n = msgs.len();
    if n >= 2 && !msgs[n - 2].contains("for url") {
        format!("{}: {}", msgs[n - 2], msgs[n - 1])
    } else {
        msgs[n - 1].clone()
    }
}

/// Jitter numbers for retry back-off (xorshift seeded from the OS's hash seed and the
/// clock; statistical quality is irrelevant here).
struct Jitter(u64);

impl Jitter {
    fn new() -> Jitter {
        use std::collections::hash_map::RandomState;
        use std::hash::{BuildHasher, Hasher};
        let mut h = RandomState::new().build_hasher();
        h.write_u128(
            SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map(|d| d.as_nanos())
                .unwrap_or(0),
        );
        Jitter(h.finish() | 1)
    }

    /// Uniform in [0, 1).
    fn next_unit(&mut self) -> f64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        (x >> 11) as f64 / (1u64 << 53) as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jitter_is_in_range() {
        let mut j = Jitter::new();
        for _ in 0..1000 {
            let x = j.next_unit();
            assert!((0.0..1.0).contains(&x), "{x}");
        }
    }

    #[derive(Debug)]
    struct E(&'static str, Option<Box<E>>);
    impl std::fmt::Display for E {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str(self.0)
        }
    }
    impl std::error::Error for E {
        fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
            self.1.as_deref().map(|e| e as _)
        }
    }

    #[test]
    fn innermost_messages() {
        let cases = [
            (E("only", None), "only"),
            (
                E(
                    "error sending request for url (http://x)",
                    Some(Box::new(E("refused", None))),
                ),
                "refused",
            ),
            (
                E(
                    "error sending request for url (http://x)",
                    Some(Box::new(E(
                        "client error (Connect)",
                        Some(Box::new(E("Connection refused", None))),
                    ))),
                ),
                "client error (Connect): Connection refused",
            ),
        ];
        for (e, want) in cases {
            assert_eq!(innermost(&e), want);
        }
    }
}
