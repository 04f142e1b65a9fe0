//! The activity log: one entry per HTTP attempt (retries and repair turns
//! included), newest first, bounded, each with a stable id so the page adds one row
//! per entry instead of re-rendering the list (the original rebuilt all 200 rows as
//! HTML on every call).

use std::collections::VecDeque;

use crate::outcome::Outcome;

use super::Level;

/// Entries kept (as the original).
pub const ACTIVITY_CAP: usize = 200;

/// One HTTP attempt.
#[derive(Debug, Clone, PartialEq)]
pub struct ActivityEntry {
    /// Unique within the log, increasing.
    pub id: u64,
    /// Wall-clock time of dispatch, Unix milliseconds (the page's clock).
    pub at_unix_ms: f64,
    /// Who made the call: "A", "B", "probe".
    pub origin: String,
    pub provider: String,
    /// `POST host/path`, the real endpoint.
    pub target: String,
    pub model: String,
    /// "agent" or "baseline".
    pub strategy: String,
    /// 1 for the first attempt of a call, 2… for retries.
    pub attempt: u32,
    pub status: Option<u16>,
    pub outcome: Outcome,
    pub latency_ms: Option<f64>,
    pub prompt_tokens: Option<u64>,
    pub completion_tokens: Option<u64>,
    /// Back-off waited before this attempt.
    pub waited_ms: f64,
}

impl ActivityEntry {
    pub fn level(&self) -> Level {
        match self.outcome {
            Outcome::Answered => Level::Ok,
            Outcome::RateLimited | Outcome::Timeout => Level::Warn,
            _ => Level::Bad,
        }
    }

    /// "✓ 200", "⚠ 429", "⚠ timeout", "✗ 401", "✗ cut stream (200)", "✗ network".
    pub fn status_text(&self) -> String {
        let glyph = self.level().glyph();
        match (self.outcome, self.status) {
            (Outcome::Answered, Some(s)) => format!("{glyph} {s}"),
            (Outcome::Timeout, _) => format!("{glyph} timeout"),
            (Outcome::Network, None) => format!("{glyph} network"),
            (Outcome::CutStream, Some(s)) => format!("{glyph} cut stream ({s})"),
            (Outcome::ServerError, Some(s)) if (200..300).contains(&s) => {
                format!("{glyph} error in stream ({s})")
            }
            (_, Some(s)) => format!("{glyph} {s}"),
            (o, None) => format!("{glyph} {}", o.label()),
        }
    }

    /// "812↑/64↓", or "—" without usage.
    pub fn tokens_text(&self) -> String {
        match (self.prompt_tokens, self.completion_tokens) {
            (Some(p), Some(c)) => format!("{p}↑/{c}↓"),
            _ => "—".to_string(),
        }
    }

    /// "retry 2 after 1.0 s" for a retry, else empty.
    pub fn retry_text(&self) -> String {
        if self.attempt <= 1 {
            String::new()
        } else {
            format!(
                "retry {} after {:.1} s",
                self.attempt - 1,
                self.waited_ms / 1000.0
            )
        }
    }
}

/// The bounded log, newest first.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ActivityLog {
    entries: VecDeque<ActivityEntry>,
    next_id: u64,
    total: u64,
}

impl ActivityLog {
    pub fn new() -> ActivityLog {
        ActivityLog::default()
    }

    /// Adds an entry (its `id` is assigned here) and drops the oldest past the cap.
    pub fn push(&mut self, mut entry: ActivityEntry) -> u64 {
        self.next_id += 1;
        entry.id = self.next_id;
        self.entries.push_front(entry);
        self.entries.truncate(ACTIVITY_CAP);
        self.total += 1;
        self.next_id
    }

    /// Entries, newest first.
    pub fn entries(&self) -> impl Iterator<Item = &ActivityEntry> {
        self.entries.iter()
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Calls logged since the page opened (including dropped ones).
    pub fn total(&self) -> u64 {
        self.total
    }

    /// "3 calls" / "250 calls (newest 200 shown)".
    pub fn counter_text(&self) -> String {
        let s = if self.total == 1 { "" } else { "s" };
        if self.total as usize > self.entries.len() {
            format!(
                "{} call{s} (newest {} shown)",
                self.total,
                self.entries.len()
            )
        } else {
            format!("{} call{s}", self.total)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(outcome: Outcome, status: Option<u16>) -> ActivityEntry {
        ActivityEntry {
            id: 0,
            at_unix_ms: 0.0,
            origin: "A".into(),
            provider: "Custom endpoint".into(),
            target: "POST 127.0.0.1:9/v1/chat/completions".into(),
            model: "m".into(),
            strategy: "agent".into(),
            attempt: 1,
            status,
            outcome,
            latency_ms: Some(12.0),
            prompt_tokens: None,
            completion_tokens: None,
            waited_ms: 0.0,
        }
    }

    #[test]
    fn status_texts() {
        let cases = [
            (Outcome::Answered, Some(200), "✓ 200"),
            (Outcome::RateLimited, Some(429), "⚠ 429"),
            (Outcome::Timeout, None, "⚠ timeout"),
            (Outcome::Timeout, Some(200), "⚠ timeout"),
            (Outcome::Unauthorized, Some(401), "✗ 401"),
            (Outcome::NotFound, Some(404), "✗ 404"),
            (Outcome::ServerError, Some(503), "✗ 503"),
            (Outcome::ServerError, Some(200), "✗ error in stream (200)"),
            (Outcome::CutStream, Some(200), "✗ cut stream (200)"),
            (Outcome::Network, None, "✗ network"),
            (Outcome::HttpError, None, "✗ HTTP error"),
        ];
        for (outcome, status, want) in cases {
            assert_eq!(entry(outcome, status).status_text(), want, "{outcome:?}");
        }
        let mut e = entry(Outcome::Answered, Some(200));
        assert_eq!(e.tokens_text(), "—");
        e.prompt_tokens = Some(812);
        assert_eq!(e.tokens_text(), "—", "both counts or none");
        e.completion_tokens = Some(64);
        assert_eq!(e.tokens_text(), "812↑/64↓");
        assert_eq!(e.retry_text(), "");
        e.attempt = 3;
        e.waited_ms = 2000.0;
        assert_eq!(e.retry_text(), "retry 2 after 2.0 s");
    }

    #[test]
    fn bounded_newest_first() {
        let mut log = ActivityLog::new();
        assert_eq!(log.counter_text(), "0 calls");
        for i in 0..(ACTIVITY_CAP + 5) {
            let mut e = entry(Outcome::Answered, Some(200));
            e.attempt = i as u32;
            let id = log.push(e);
            assert_eq!(id, i as u64 + 1);
        }
        assert_eq!(log.len(), ACTIVITY_CAP);
        assert_eq!(log.total(), ACTIVITY_CAP as u64 + 5);
        let ids: Vec<u64> = log.entries().map(|e| e.id).collect();
        assert_eq!(
            ids.first(),
            Some(&(ACTIVITY_CAP as u64 + 5)),
            "newest first"
        );
        assert_eq!(ids.last(), Some(&6), "the 5 oldest were dropped");
        assert!(ids.windows(2).all(|w| w[0] > w[1]));
        assert_eq!(log.counter_text(), "205 calls (newest 200 shown)");
        let mut one = ActivityLog::new();
        one.push(entry(Outcome::Answered, Some(200)));
        assert_eq!(one.counter_text(), "1 call");
    }
}
