//! Reading a provider's error, whatever shape it comes in.
//!
//! Providers disagree: OpenAI-style `{"error":{"message","type","code"}}`, Baseten's
//! `{"error":"…"}`, Fireworks' 429 `{"error":"Too Many Requests","message":"…"}`,
//! FastAPI's `{"detail":"…"}`, an nginx HTML page, or nothing at all. One function
//! turns any of them into a short message, an optional code, and an optional
//! server-suggested wait, so every failure can be shown with a specific reason.

use serde_json::Value;

use crate::outcome::Outcome;

/// Longest message kept from a server (error bodies can be whole HTML pages).
pub const MAX_MESSAGE_CHARS: usize = 300;

/// What a provider said about a failure.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ProviderError {
    /// Human-readable message (shortened, whitespace collapsed).
    pub message: String,
    /// `code` (string or number) from an OpenAI-style error object.
    pub code: Option<String>,
    /// `type` from an OpenAI-style error object.
    pub kind: Option<String>,
    /// A numeric status inside the error (`code: 429`, `status: 503`) — used for errors
    /// that arrive inside a 200 stream.
    pub status: Option<u16>,
    /// `retry_after` (seconds) in the body, Baseten's management-API style.
    pub retry_after_s: Option<f64>,
}

impl ProviderError {
    /// One line for the user: message plus code/type when they add information.
    pub fn summary(&self) -> String {
        let mut s = self.message.clone();
        let extra: Vec<&str> = [self.code.as_deref(), self.kind.as_deref()]
            .into_iter()
            .flatten()
            .filter(|x| !x.is_empty() && !self.message.contains(*x))
            .collect();
        if !extra.is_empty() {
            s.push_str(&format!(" ({})", extra.join(", ")));
        }
        s
    }

    /// The class of an error that arrived inside a 200 stream (no HTTP status to go by).
    pub fn in_stream_outcome(&self) -> Outcome {
        if let Some(st) = self.status.filter(|s| (400..600).contains(s)) {
            return Outcome::from_status(st);
        }
        let hay = format!(
            "{} {} {}",
            self.message,
            self.code.as_deref().unwrap_or(""),
            self.kind.as_deref().unwrap_or("")
        )
        .to_ascii_lowercase();
        if hay.contains("rate limit")
            || hay.contains("rate_limit")
            || hay.contains("too many requests")
        {
            Outcome::RateLimited
        } else {
            Outcome::ServerError
        }
    }
}

/// Parses an error body (JSON, HTML or text). `None` when the body says nothing usable.
pub fn parse_error_body(body: &[u8]) -> Option<ProviderError> {
    let text = String::from_utf8_lossy(body);
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return None;
    }
    if let Ok(v) = serde_json::from_str::<Value>(trimmed) {
        if let Some(e) = from_json(&v) {
            return Some(e);
        }
    }
    let message = html_title(trimmed).unwrap_or_else(|| trimmed.to_string());
    Some(ProviderError {
        message: shorten(&message),
        ..ProviderError::default()
    })
}

/// Reads an error from a JSON value (a body or an SSE event). `None` when the value
/// has no error, message or detail field.
pub fn from_json(v: &Value) -> Option<ProviderError> {
    let obj = v.as_object()?;
    let retry_after_s = obj.get("retry_after").and_then(Value::as_f64);
    let top_message = obj.get("message").and_then(Value::as_str);
    let mut out = ProviderError {
        retry_after_s,
        status: status_of(obj.get("status")).or_else(|| status_of(obj.get("code"))),
        ..ProviderError::default()
    };
    match obj.get("error") {
        Some(Value::Object(e)) => {
            out.message = e
                .get("message")
                .and_then(Value::as_str)
                .or(top_message)
                .unwrap_or("")
                .to_string();
            out.code = e.get("code").and_then(scalar_text);
            out.kind = e.get("type").and_then(scalar_text);
            out.status = status_of(e.get("status"))
                .or_else(|| status_of(e.get("code")))
                .or(out.status);
            if out.retry_after_s.is_none() {
                out.retry_after_s = e.get("retry_after").and_then(Value::as_f64);
            }
            if out.message.is_empty() {
                out.message = out
                    .code
                    .clone()
                    .or_else(|| out.kind.clone())
                    .unwrap_or_else(|| "unspecified error".into());
            }
        }
        Some(Value::String(e)) => {
            out.message = match top_message {
                Some(m) if !m.is_empty() && m != e => format!("{e}: {m}"),
                _ => e.clone(),
            };
        }
        Some(Value::Null) | None => {
            let m = top_message.or_else(|| obj.get("detail").and_then(Value::as_str))?;
            out.message = m.to_string();
        }
        Some(other) => out.message = other.to_string(),
    }
    out.message = shorten(&out.message);
    Some(out)
}

fn scalar_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn status_of(v: Option<&Value>) -> Option<u16> {
    let n = match v? {
        Value::Number(n) => n.as_u64()?,
        Value::String(s) => s.trim().parse().ok()?,
        _ => return None,
    };
    u16::try_from(n).ok().filter(|s| (100..600).contains(s))
}

fn html_title(text: &str) -> Option<String> {
    let lower = text.to_ascii_lowercase();
    if !lower.starts_with('<') {
        return None;
    }
    let start = lower.find("<title>")? + "<title>".len();
    let end = start + lower[start..].find("</title>")?;
    // ASCII lower-casing keeps byte offsets, so the indices are valid in `text`.
    let title = text[start..end].trim();
    (!title.is_empty()).then(|| title.to_string())
}

/// Collapses whitespace and cuts to [`MAX_MESSAGE_CHARS`] characters.
pub fn shorten(s: &str) -> String {
    let collapsed = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if collapsed.chars().count() <= MAX_MESSAGE_CHARS {
        collapsed
    } else {
        let mut t: String = collapsed.chars().take(MAX_MESSAGE_CHARS).collect();
        t.push('…');
        t
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pe(message: &str, code: Option<&str>, kind: Option<&str>) -> ProviderError {
        ProviderError {
            message: message.into(),
            code: code.map(Into::into),
            kind: kind.map(Into::into),
            ..ProviderError::default()
        }
    }

    fn check(body: &str, expected: Option<ProviderError>) {
        assert_eq!(parse_error_body(body.as_bytes()), expected, "body {body:?}");
    }

    #[test]
    fn bodies() {
        check(
            r#"{"error":{"message":"Invalid API key","type":"authentication_error","code":"invalid_api_key"}}"#,
            Some(pe(
                "Invalid API key",
                Some("invalid_api_key"),
                Some("authentication_error"),
            )),
        );
        check(
            r#"{"error": {"message": "Model not found, inaccessible, and/or not deployed", "param": "model", "code": "NOT_FOUND"}}"#,
            Some(pe(
                "Model not found, inaccessible, and/or not deployed",
                Some("NOT_FOUND"),
                None,
            )),
        );
        check(
            r#"{"error":"invalid API key"}"#,
            Some(pe("invalid API key", None, None)),
        );
        check(
            r#"{"error":"Too Many Requests","message":"You have exceeded your usage limits."}"#,
            Some(pe(
                "Too Many Requests: You have exceeded your usage limits.",
                None,
                None,
            )),
        );
        check(
            r#"{"error":"Rate limit exceeded. Please try again later.","retry_after":37}"#,
            Some(ProviderError {
                retry_after_s: Some(37.0),
                ..pe("Rate limit exceeded. Please try again later.", None, None)
            }),
        );
        check(
            r#"{"detail":"Not Found"}"#,
            Some(pe("Not Found", None, None)),
        );
        check(
            r#"{"error":{"code":503,"message":"overloaded"}}"#,
            Some(ProviderError {
                status: Some(503),
                ..pe("overloaded", Some("503"), None)
            }),
        );
        check(
            r#"{"error":{"type":"server_error"}}"#,
            Some(pe("server_error", None, Some("server_error"))),
        );
        check(
            "<html>\n<head><title>503 Service Temporarily Unavailable</title></head>\n<body>…</body></html>",
            Some(pe("503 Service Temporarily Unavailable", None, None)),
        );
        check(
            "upstream   connect\nerror",
            Some(pe("upstream connect error", None, None)),
        );
        check("", None);
        check("  \n", None);
        check("[1,2]", Some(pe("[1,2]", None, None)));
        check(r#"{"ok":true}"#, Some(pe(r#"{"ok":true}"#, None, None)));
    }

    #[test]
    fn long_messages_are_shortened() {
        let long = "x".repeat(1000);
        let e = parse_error_body(long.as_bytes()).unwrap();
        assert_eq!(e.message.chars().count(), MAX_MESSAGE_CHARS + 1);
        assert!(e.message.ends_with('…'));
    }

    #[test]
    fn in_stream_classes() {
        let cases = [
            (
                r#"{"error":{"message":"rate limited","code":429}}"#,
                Outcome::RateLimited,
            ),
            (
                r#"{"error":{"message":"boom","type":"server_error"}}"#,
                Outcome::ServerError,
            ),
            (r#"{"error":"Too Many Requests"}"#, Outcome::RateLimited),
            (
                r#"{"error":{"message":"x","type":"rate_limit_error"}}"#,
                Outcome::RateLimited,
            ),
            (
                r#"{"error":{"message":"nope","status":401}}"#,
                Outcome::Unauthorized,
            ),
            (r#"{"error":"internal"}"#, Outcome::ServerError),
        ];
        for (body, want) in cases {
            let e = parse_error_body(body.as_bytes()).unwrap();
            assert_eq!(e.in_stream_outcome(), want, "{body}");
        }
    }

    #[test]
    fn summaries() {
        assert_eq!(
            pe(
                "Invalid API key",
                Some("invalid_api_key"),
                Some("authentication_error")
            )
            .summary(),
            "Invalid API key (invalid_api_key, authentication_error)"
        );
        assert_eq!(
            pe("server_error", None, Some("server_error")).summary(),
            "server_error"
        );
    }
}
