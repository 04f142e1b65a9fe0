//! One HTTP attempt at a streamed chat completion, as a state machine fed by the
//! transport: `headers`, then `body` chunks, then `end` (or `fail`), each with the
//! caller's timestamp. It turns whatever the server sent into a [`CallRecord`]:
//! content, reasoning, usage, timings and an [`Outcome`].
//!
//! Everything a provider may send is accepted (see `shared/spec/provider-protocol.md`):
//! usage as a separate `choices: []` chunk, on the `finish_reason` chunk, on a chunk
//! with non-empty `choices` (LiteLLM), or absent (then unknown, never zero);
//! reasoning in `reasoning_content`, `reasoning` or `<think>` tags; error objects and
//! strings, in a non-2xx body or as an event inside a 200 stream; a non-streamed JSON
//! completion; and a stream that ends without `[DONE]` or `finish_reason`, which is
//! a [`Outcome::CutStream`] failure, never a success.
//!
//! A transport-level success is recorded as [`Outcome::Answered`]: the call delivered
//! an answer; whether it is valid JSON, SQL, or correct is decided later by the agent
//! and the scorer.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::error_body::{self, ProviderError};
use super::sse::{SseError, SseEvent, SseParser};
use super::think::ThinkSplitter;
use crate::outcome::Outcome;

/// Most bytes of a non-streamed body (error or JSON completion) kept for parsing.
pub const MAX_BODY_BYTES: usize = 256 * 1024;
/// Most characters of content plus reasoning kept; past this the call fails.
pub const MAX_TEXT_CHARS: usize = 4 * 1024 * 1024;

/// What the server said about retrying, kept raw for [`super::retry`].
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct RetryHints {
    /// `retry-after-ms` header (OpenAI's extension), as sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_after_ms: Option<String>,
    /// `Retry-After` header (seconds or an HTTP date), as sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_after: Option<String>,
    /// `x-should-retry` header (`true`/`false`), as sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub should_retry: Option<String>,
    /// `retry_after` seconds in an error body.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body_retry_after_s: Option<f64>,
}

/// Everything one attempt produced. Durations are milliseconds after the attempt's
/// dispatch (see [`super::timing`] for the definitions).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CallRecord {
    /// HTTP status; `None` when no response arrived.
    pub status: Option<u16>,
    /// [`Outcome::Answered`] on success, else the failure class.
    pub outcome: Outcome,
    pub headers_ms: Option<f64>,
    /// First content *or* reasoning delta (the original's TTFT).
    pub ttft_ms: Option<f64>,
    /// First answer (content outside think tags) delta.
    pub first_answer_ms: Option<f64>,
    /// End of the response (or the moment the attempt failed).
    pub latency_ms: Option<f64>,
    /// The answer text (think blocks removed).
    pub content: String,
    /// Reasoning text from `reasoning_content`, `reasoning` and think blocks.
    pub reasoning: String,
    /// Usage as reported; `None` when the server sent none.
    pub prompt_tokens: Option<u64>,
    pub completion_tokens: Option<u64>,
    pub finish_reason: Option<String>,
    /// Why the attempt failed, in words (server text is shortened; scrub it of the key
    /// with [`CallRecord::scrub`] before showing it).
    pub error_message: Option<String>,
    /// False when the server answered with one JSON body instead of an event stream
    /// (TTFT is then unknown).
    pub streamed: bool,
    /// `data: [DONE]` was received.
    pub saw_done: bool,
    /// Stream events processed.
    pub events: u32,
    pub hints: RetryHints,
}

impl CallRecord {
    pub fn is_success(&self) -> bool {
        self.outcome == Outcome::Answered
    }

    /// Removes `secret` from every server-provided text (content, reasoning, error).
    pub fn scrub(&mut self, secret: &str) {
        use super::request::scrub;
        self.content = scrub(&self.content, secret);
        self.reasoning = scrub(&self.reasoning, secret);
        if let Some(m) = &self.error_message {
            self.error_message = Some(scrub(m, secret));
        }
    }
}

/// A piece of streamed text, for showing output as it arrives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Delta {
    Content(String),
    Reasoning(String),
}

/// A transport failure the adapter observed (as opposed to something the server sent).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TransportFailure {
    /// Connection refused, DNS, TLS, reset, a browser's CORS refusal (`Failed to fetch`).
    Network(String),
    /// The adapter's time budget ran out (headers, idle gap or total).
    Timeout(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum BodyKind {
    /// 2xx, first non-blank byte not seen yet.
    Sniffing,
    Sse,
    /// 2xx with a JSON body (no streaming).
    Json,
    /// Non-2xx: the body is an error description.
    Error,
}

/// The per-attempt state machine.
#[derive(Debug)]
pub struct CallMachine {
    dispatch_ms: f64,
    kind: BodyKind,
    parser: SseParser,
    body: Vec<u8>,
    body_truncated: bool,
    think: ThinkSplitter,
    rec: CallRecord,
    /// First failure seen (kept; later ones do not replace it).
    failure: Option<(Outcome, String)>,
    ended: bool,
}

impl CallMachine {
    /// A new attempt dispatched at `dispatch_ms` (caller's clock).
    pub fn new(dispatch_ms: f64) -> CallMachine {
        CallMachine {
            dispatch_ms,
            kind: BodyKind::Sniffing,
            parser: SseParser::new(),
            body: Vec::new(),
            body_truncated: false,
            think: ThinkSplitter::new(),
            rec: CallRecord {
                status: None,
                outcome: Outcome::Network,
                headers_ms: None,
                ttft_ms: None,
                first_answer_ms: None,
                latency_ms: None,
                content: String::new(),
                reasoning: String::new(),
                prompt_tokens: None,
                completion_tokens: None,
                finish_reason: None,
                error_message: None,
                streamed: true,
                saw_done: false,
                events: 0,
                hints: RetryHints::default(),
            },
            failure: None,
            ended: false,
        }
    }

    fn rel(&self, ts: f64) -> f64 {
        (ts - self.dispatch_ms).max(0.0)
    }

    /// Response headers arrived. `header` looks a header up by lower-case name.
    pub fn headers(&mut self, ts: f64, status: u16, header: impl Fn(&str) -> Option<String>) {
        if self.ended || self.rec.status.is_some() {
            return;
        }
        self.rec.status = Some(status);
        self.rec.headers_ms = Some(self.rel(ts));
        self.kind = if (200..300).contains(&status) {
            BodyKind::Sniffing
        } else {
            BodyKind::Error
        };
        self.rec.hints.retry_after_ms = header("retry-after-ms");
        self.rec.hints.retry_after = header("retry-after");
        self.rec.hints.should_retry = header("x-should-retry");
    }

    /// Body bytes arrived. Returns the text deltas they completed.
    pub fn body(&mut self, ts: f64, bytes: &[u8]) -> Vec<Delta> {
        if self.ended {
            return Vec::new();
        }
        if self.rec.status.is_none() {
            // A transport that reports bytes without headers: assume a plain 200.
            self.headers(ts, 200, |_| None);
        }
        let mut bytes = bytes;
        if self.kind == BodyKind::Sniffing {
            match bytes.iter().position(|b| !b.is_ascii_whitespace()) {
                None => return Vec::new(),
                Some(i) => {
                    self.kind = if matches!(bytes[i], b'{' | b'[') {
                        BodyKind::Json
                    } else {
                        BodyKind::Sse
                    };
                    bytes = &bytes[i..];
                }
            }
        }
        match self.kind {
            BodyKind::Sse => match self.parser.feed(bytes) {
                Ok(events) => {
                    let mut out = Vec::new();
                    for ev in events {
                        self.event(ts, &ev, false, &mut out);
                    }
                    out
                }
                Err(e @ SseError::LineTooLong { .. }) => {
                    self.set_failure(Outcome::ServerError, format!("malformed event stream: {e}"));
                    Vec::new()
                }
            },
            BodyKind::Json | BodyKind::Error => {
                let room = MAX_BODY_BYTES.saturating_sub(self.body.len());
                if bytes.len() > room {
                    self.body_truncated = true;
                }
                self.body.extend_from_slice(&bytes[..bytes.len().min(room)]);
                Vec::new()
            }
            BodyKind::Sniffing => Vec::new(),
        }
    }

    /// The response ended: `clean` false when the transport reported an error
    /// (connection reset, truncated chunked encoding).
    pub fn end(&mut self, ts: f64, clean: bool) {
        let reason = if clean {
            None
        } else {
            Some("connection closed abruptly".to_string())
        };
        self.close(ts, reason);
    }

    /// The transport failed with a message (before or during the response).
    pub fn fail(&mut self, ts: f64, failure: TransportFailure) {
        if self.ended {
            return;
        }
        match failure {
            TransportFailure::Timeout(msg) => {
                self.set_failure(Outcome::Timeout, format!("timed out: {msg}"));
                self.close(ts, None);
            }
            TransportFailure::Network(msg) => {
                if self.rec.status.is_none() {
                    self.set_failure(Outcome::Network, format!("network error: {msg}"));
                    self.close(ts, None);
                } else {
                    self.close(ts, Some(msg));
                }
            }
        }
    }

    /// The record so far, for live display of content, reasoning and timings. Its
    /// `outcome` and `latency_ms` mean something only once `end`/`fail` was called
    /// ([`is_ended`](Self::is_ended)); before that the outcome reads `Network`.
    pub fn snapshot(&self) -> CallRecord {
        self.rec.clone()
    }

    pub fn is_ended(&self) -> bool {
        self.ended
    }

    /// The final record.
    pub fn finish(mut self) -> CallRecord {
        if !self.ended {
            self.set_failure(
                Outcome::Network,
                "the call was abandoned before it ended".into(),
            );
            let ts = self.dispatch_ms + self.rec.headers_ms.unwrap_or(0.0);
            self.close(ts, None);
        }
        self.rec
    }

    fn set_failure(&mut self, outcome: Outcome, message: String) {
        if self.failure.is_none() {
            self.failure = Some((outcome, message));
        }
    }

    fn close(&mut self, ts: f64, broken: Option<String>) {
        if self.ended {
            return;
        }
        self.ended = true;
        self.rec.latency_ms = Some(self.rel(ts));
        match self.kind {
            BodyKind::Sse => {
                let tail = self.parser.finish();
                if let Some(ev) = tail.unterminated {
                    let mut sink = Vec::new();
                    self.event(ts, &ev, true, &mut sink);
                }
                let rest = self.think.flush();
                self.take_split(ts, rest, &mut Vec::new());
            }
            BodyKind::Json => self.json_body(ts),
            BodyKind::Error => self.error_body(),
            BodyKind::Sniffing => {}
        }
        let (outcome, message) = match self.failure.take() {
            Some(f) => f,
            None => self.judge_end(broken),
        };
        self.rec.outcome = outcome;
        self.rec.error_message = (outcome != Outcome::Answered).then_some(message);
    }

    /// The outcome of a response that ended without an earlier failure.
    fn judge_end(&self, broken: Option<String>) -> (Outcome, String) {
        let Some(status) = self.rec.status else {
            let why = broken.unwrap_or_else(|| "connection ended before any response".into());
            return (Outcome::Network, format!("network error: {why}"));
        };
        if !(200..300).contains(&status) {
            // error_body() always sets a failure; this is only reached for odd inputs.
            return (Outcome::from_status(status), format!("HTTP {status}"));
        }
        let r = &self.rec;
        let complete = match self.kind {
            BodyKind::Sse => r.saw_done || (r.finish_reason.is_some() && broken.is_none()),
            BodyKind::Json => r.finish_reason.is_some() || !r.content.is_empty(),
            BodyKind::Sniffing => false,
            BodyKind::Error => false,
        };
        if complete && (broken.is_none() || r.saw_done) {
            return (Outcome::Answered, String::new());
        }
        let what = match (self.kind, &broken) {
            (BodyKind::Sniffing, None) => "HTTP 200 with an empty body".to_string(),
            (BodyKind::Json, None) => {
                "JSON response without an answer or finish_reason".to_string()
            }
            (_, Some(why)) => format!(
                "stream broke after {} event(s) without [DONE]: {why}",
                r.events
            ),
            (_, None) => format!(
                "stream ended after {} event(s) without finish_reason or [DONE]",
                r.events
            ),
        };
        (Outcome::CutStream, what)
    }

    /// One SSE event; `from_tail` when it is the unterminated last event of a stream
    /// that ended (a parse failure there means the stream was cut mid-event).
    fn event(&mut self, ts: f64, ev: &SseEvent, from_tail: bool, out: &mut Vec<Delta>) {
        if self.rec.saw_done {
            return;
        }
        let data = ev.data.trim();
        if data.is_empty() {
            return;
        }
        self.rec.events += 1;
        let n = self.rec.events;
        if data == "[DONE]" {
            self.rec.saw_done = true;
            return;
        }
        let is_error_event = ev.event.as_deref() == Some("error");
        let v: Value = match serde_json::from_str(data) {
            Ok(v) => v,
            Err(_) if is_error_event => {
                let msg = error_body::shorten(data);
                self.set_failure(
                    Outcome::ServerError,
                    format!("error event in stream: {msg}"),
                );
                return;
            }
            Err(_) if from_tail => {
                self.set_failure(
                    Outcome::CutStream,
                    format!("stream ended in the middle of event #{n}"),
                );
                return;
            }
            Err(e) => {
                let snippet: String = data.chars().take(80).collect();
                self.set_failure(
                    Outcome::ServerError,
                    format!("malformed JSON in stream event #{n} ({e}): {snippet}"),
                );
                return;
            }
        };
        let has_error = v.get("error").is_some_and(|e| !e.is_null());
        if has_error || is_error_event {
            let pe = error_body::from_json(&v).unwrap_or_else(|| ProviderError {
                message: error_body::shorten(data),
                ..ProviderError::default()
            });
            self.stream_error(&pe);
            return;
        }
        self.chunk(ts, &v, out);
    }

    fn stream_error(&mut self, pe: &ProviderError) {
        let outcome = pe.in_stream_outcome();
        if self.rec.hints.body_retry_after_s.is_none() {
            self.rec.hints.body_retry_after_s = pe.retry_after_s;
        }
        self.set_failure(outcome, format!("error event in stream: {}", pe.summary()));
    }

    /// One `chat.completion.chunk` object.
    fn chunk(&mut self, ts: f64, v: &Value, out: &mut Vec<Delta>) {
        self.usage(v.get("usage"));
        let Some(choice) = first_choice(v) else {
            return;
        };
        if let Some(delta) = choice.get("delta") {
            let reasoning =
                text_field(delta, "reasoning_content").or_else(|| text_field(delta, "reasoning"));
            if let Some(r) = reasoning {
                self.add_reasoning(ts, r, out);
            }
            if let Some(c) = text_field(delta, "content") {
                let split = self.think.push(c);
                self.take_split(ts, split, out);
            }
        }
        if let Some(fr) = choice.get("finish_reason").and_then(Value::as_str) {
            self.rec.finish_reason = Some(fr.to_string());
        }
    }

    fn take_split(&mut self, ts: f64, split: super::think::Split, out: &mut Vec<Delta>) {
        if !split.reasoning.is_empty() {
            self.add_reasoning(ts, &split.reasoning, out);
        }
        if !split.answer.is_empty() {
            if !self.room_for(split.answer.len()) {
                return;
            }
            let t = self.rel(ts);
            self.rec.ttft_ms.get_or_insert(t);
            self.rec.first_answer_ms.get_or_insert(t);
            self.rec.content.push_str(&split.answer);
            out.push(Delta::Content(split.answer));
        }
    }

    fn add_reasoning(&mut self, ts: f64, r: &str, out: &mut Vec<Delta>) {
        if r.is_empty() || !self.room_for(r.len()) {
            return;
        }
        let t = self.rel(ts);
        self.rec.ttft_ms.get_or_insert(t);
        self.rec.reasoning.push_str(r);
        out.push(Delta::Reasoning(r.to_string()));
    }

    fn room_for(&mut self, n: usize) -> bool {
        if self.rec.content.len() + self.rec.reasoning.len() + n > MAX_TEXT_CHARS {
            self.set_failure(
                Outcome::ServerError,
                format!("response larger than {MAX_TEXT_CHARS} bytes of text"),
            );
            return false;
        }
        true
    }

    fn usage(&mut self, u: Option<&Value>) {
        let Some(u) = u.filter(|u| u.is_object()) else {
            return;
        };
        if let Some(p) = u.get("prompt_tokens").and_then(Value::as_u64) {
            self.rec.prompt_tokens = Some(p);
        }
        if let Some(c) = u.get("completion_tokens").and_then(Value::as_u64) {
            self.rec.completion_tokens = Some(c);
        }
    }

    /// A 2xx JSON body: a whole `chat.completion`, or an error in a 200.
    fn json_body(&mut self, ts: f64) {
        self.rec.streamed = false;
        let body = std::mem::take(&mut self.body);
        let v: Value = match serde_json::from_slice(&body) {
            Ok(v) => v,
            Err(e) => {
                let what = if self.body_truncated {
                    format!("JSON response larger than {MAX_BODY_BYTES} bytes")
                } else {
                    format!("malformed JSON response ({e})")
                };
                self.set_failure(Outcome::ServerError, what);
                return;
            }
        };
        if v.get("error").is_some_and(|e| !e.is_null()) {
            if let Some(pe) = error_body::from_json(&v) {
                self.stream_error(&pe);
            }
            return;
        }
        self.usage(v.get("usage"));
        let Some(choice) = first_choice(&v) else {
            self.set_failure(Outcome::ServerError, "JSON response without choices".into());
            return;
        };
        let msg = choice.get("message").or_else(|| choice.get("delta"));
        let mut sink = Vec::new();
        if let Some(m) = msg {
            let reasoning =
                text_field(m, "reasoning_content").or_else(|| text_field(m, "reasoning"));
            if let Some(r) = reasoning {
                self.rec.reasoning.push_str(r);
            }
            if let Some(c) = text_field(m, "content") {
                let mut split = self.think.push(c);
                let rest = self.think.flush();
                split.answer.push_str(&rest.answer);
                split.reasoning.push_str(&rest.reasoning);
                self.take_split(ts, split, &mut sink);
            }
        }
        // Not streamed: no first-token time can be known.
        self.rec.ttft_ms = None;
        self.rec.first_answer_ms = None;
        if let Some(fr) = choice.get("finish_reason").and_then(Value::as_str) {
            self.rec.finish_reason = Some(fr.to_string());
        }
    }

    /// A non-2xx body.
    fn error_body(&mut self) {
        let status = self.rec.status.unwrap_or(0);
        let pe = error_body::parse_error_body(&self.body);
        let text = match &pe {
            Some(pe) => format!("HTTP {status}: {}", pe.summary()),
            None => format!("HTTP {status} with an empty body"),
        };
        if let Some(pe) = pe {
            self.rec.hints.body_retry_after_s = pe.retry_after_s;
        }
        self.set_failure(Outcome::from_status(status), text);
    }
}

fn first_choice(v: &Value) -> Option<&Value> {
    let choices = v.get("choices")?.as_array()?;
    choices
        .iter()
        .find(|c| c.get("index").and_then(Value::as_u64) == Some(0))
        .or_else(|| choices.first())
}

fn text_field<'a>(v: &'a Value, name: &str) -> Option<&'a str> {
    v.get(name).and_then(Value::as_str)
}

#[cfg(test)]
mod tests;
