//! A specific, actionable status for every outcome class: what happened, in the
//! user's terms, and what to do about it.
//!
//! Why one function: the original showed "✗ call failed" or the first 200 characters
//! of a response body for everything. Here every class of [`Outcome`] has its own
//! headline and advice (a refused key says the key is not for this provider; a
//! browser-level network failure says the provider may refuse browser calls and
//! points to the CLI), and the wording is tested once for the browser and the CLI.
//! Server text passed in must already be scrubbed of the key.

use crate::agent::Strategy;
use crate::live::request::Endpoint;
use crate::outcome::Outcome;

use super::Level;

/// Where the wait before a retry came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WaitSource {
    /// No retry was made.
    NoRetry,
    /// The server's `Retry-After` / `retry-after-ms` (readable by the client).
    Server,
    /// Exponential back-off (no readable server hint).
    Backoff,
}

/// What is known about how a run or call ended.
#[derive(Debug, Clone, PartialEq)]
pub struct Situation<'a> {
    pub outcome: Outcome,
    /// Display name of the provider ("Fireworks", "Custom endpoint").
    pub provider: &'a str,
    pub endpoint: &'a Endpoint,
    pub model: &'a str,
    pub strategy: Strategy,
    /// HTTP status of the failing call, when there was one.
    pub status: Option<u16>,
    /// The error text (scrubbed of the key).
    pub message: Option<&'a str>,
    /// Rows of the SQL that ran, and whether the executor's row cap cut them.
    pub rows: Option<usize>,
    pub rows_capped: bool,
    pub repairs: u32,
    /// HTTP attempts of the failing call (retries included).
    pub http_attempts: u32,
    pub wait: WaitSource,
    /// The per-call time limit.
    pub timeout_ms: f64,
}

/// A status line and what to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Advice {
    pub level: Level,
    pub headline: String,
    /// Explanation and the next step; empty when there is nothing to add.
    pub detail: String,
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// The message of a browser fetch that failed without any HTTP status
/// (`TypeError: Failed to fetch`): a CORS refusal and an unreachable server look the
/// same to a page, so both are named.
pub fn network_failure_message(host: &str, browser_text: &str) -> String {
    let said = browser_text.trim();
    let said = if said.is_empty() {
        String::new()
    } else {
        format!(" (the browser says only \"{said}\")")
    };
    format!(
        "no response from {host}{said}: the provider refused a browser call (CORS) or is unreachable"
    )
}

/// The status and advice for `s`.
pub fn advise(s: &Situation<'_>) -> Advice {
    let host = s.endpoint.host();
    let msg = s.message.unwrap_or("").trim();
    let with_msg = |text: String| {
        if msg.is_empty() {
            text
        } else {
            format!("{msg}. {text}")
        }
    };
    let rows = s.rows.unwrap_or(0);
    let rows_text = if s.rows_capped {
        format!("at least {} (row cap reached)", plural(rows, "row", "rows"))
    } else {
        plural(rows, "row", "rows")
    };
    let repairs = match (s.strategy, s.repairs) {
        (Strategy::Baseline, _) => String::new(),
        (_, 0) => " (no repair turn was left)".to_string(),
        (_, n) => format!(
            " after {}",
            plural(n as usize, "repair turn", "repair turns")
        ),
    };
    let status = s.status.map_or(String::new(), |st| format!(" (HTTP {st})"));
    let attempts = plural(s.http_attempts.max(1) as usize, "attempt", "attempts");
    let (level, headline, detail) = match s.outcome {
        Outcome::Correct => (
            Level::Ok,
            format!("SQL ran · {rows_text} · matches the gold answer"),
            String::new(),
        ),
        Outcome::Answered if rows == 0 => (
            Level::Warn,
            "SQL ran · no rows".to_string(),
            "The query ran but returned an empty result; check the SQL against the question."
                .to_string(),
        ),
        Outcome::Answered => (Level::Ok, format!("SQL ran · {rows_text}"), String::new()),
        Outcome::WrongShape => (
            Level::Bad,
            format!("SQL ran · {rows_text} · does not match the gold answer"),
            "The result has a different number of rows or columns than the gold answer \
             (extra or missing columns, or a missing LIMIT)."
                .to_string(),
        ),
        Outcome::WrongRows => (
            Level::Bad,
            format!("SQL ran · {rows_text} · does not match the gold answer"),
            "Same shape as the gold answer, different values: the query answers a slightly \
             different question."
                .to_string(),
        ),
        Outcome::SqlError => (
            Level::Bad,
            format!("The SQL failed{repairs}"),
            match s.strategy {
                Strategy::Baseline => with_msg(
                    "The baseline prompt has no schema, so the model guesses table names; \
                     the agent strategy sends the schema and repairs errors."
                        .to_string(),
                ),
                Strategy::Agent { .. } => with_msg(
                    "The model could not produce SQL that runs on Chinook; run again or try \
                     another model."
                        .to_string(),
                ),
            },
        ),
        Outcome::NoSql => (
            Level::Bad,
            format!("No SQL in the reply{repairs}"),
            match s.strategy {
                Strategy::Baseline => "The reply had no SQL block or statement to run; the \
                    baseline prompt asks for no format. Try the agent strategy."
                    .to_string(),
                Strategy::Agent { .. } => {
                    with_msg("The reply had no usable `sql` field.".to_string())
                }
            },
        ),
        Outcome::InvalidJson => (
            Level::Bad,
            format!("The reply was not the JSON object asked for{repairs}"),
            "JSON mode was requested, and the model answered with other text. Some models \
             ignore response_format; try another model."
                .to_string(),
        ),
        Outcome::Unauthorized => (
            Level::Bad,
            format!("{} refused the key{status}", s.provider),
            with_msg(format!(
                "Check that the key is a {} key with access to {}; keys are not portable \
                 between providers.",
                s.provider, s.model
            )),
        ),
        Outcome::NotFound => (
            Level::Bad,
            format!("{host} has no model {}{status}", s.model),
            with_msg(
                "Check the model id: the model may not exist, not be deployed for serverless \
                 calls, or not be available to this key."
                    .to_string(),
            ),
        ),
        Outcome::RateLimited => (
            Level::Warn,
            format!("Rate limited{status} · gave up after {attempts}"),
            match s.wait {
                WaitSource::Server => with_msg(
                    "The client waited as the provider's Retry-After asked. Wait a minute and \
                     run again, or run fewer calls at once."
                        .to_string(),
                ),
                WaitSource::Backoff => with_msg(
                    "The page could not read a Retry-After header (a provider must expose it \
                     to web pages), so it backed off exponentially. Wait a minute and run \
                     again; `sqlsweep probe` in a terminal reads the header."
                        .to_string(),
                ),
                WaitSource::NoRetry => {
                    with_msg("Wait a minute and run again, or run fewer calls at once.".to_string())
                }
            },
        ),
        Outcome::ServerError => {
            let headline = match s.status {
                Some(st) if st >= 500 => format!("{} server error{status}", s.provider),
                _ if msg.contains("malformed") => {
                    "The response stream carried malformed data".to_string()
                }
                _ => "The provider reported an error inside the stream".to_string(),
            };
            let retried = if s.http_attempts > 1 {
                format!(" It was tried {attempts}.")
            } else {
                String::new()
            };
            (
                Level::Bad,
                headline,
                with_msg(format!(
                    "Usually temporary (overloaded or restarting).{retried} Run again later or \
                     pick another model."
                )),
            )
        }
        Outcome::HttpError => (
            Level::Bad,
            format!("The request was rejected{status}"),
            with_msg(
                "If the message names a parameter, the model may not support JSON mode or \
                 streaming; try the other strategy or another model."
                    .to_string(),
            ),
        ),
        Outcome::Network => (
            Level::Bad,
            format!("No response from {host}"),
            format!(
                "The browser got no HTTP status from {host}: the provider refused a browser \
                 call (CORS), or the server is down or unreachable — a page cannot tell which. \
                 Check it from a terminal with `sqlsweep probe --base-url {} --model {}`, or \
                 use a Custom endpoint (a local OpenAI-compatible server, or a relay that \
                 allows browser calls).",
                s.endpoint.base_url, s.model
            ),
        ),
        Outcome::Timeout => (
            Level::Warn,
            format!("Timed out after {:.0} s", s.timeout_ms / 1000.0),
            "No complete answer within the per-call limit, which covers the whole response, \
             not only the headers. The model may be slow or overloaded: raise the timeout or \
             try a faster model."
                .to_string(),
        ),
        Outcome::CutStream => (
            Level::Bad,
            "The stream ended before the answer was complete".to_string(),
            with_msg(
                "The provider closed the response without finish_reason or [DONE], so the \
                 partial answer was not used. Run again; if it repeats, the provider may be \
                 restarting the model."
                    .to_string(),
            ),
        ),
    };
    Advice {
        level,
        headline,
        detail,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base(outcome: Outcome) -> Situation<'static> {
        static ENDPOINT: std::sync::OnceLock<Endpoint> = std::sync::OnceLock::new();
        Situation {
            outcome,
            provider: "Custom endpoint",
            endpoint: ENDPOINT.get_or_init(|| Endpoint::custom("http://127.0.0.1:9/v1").unwrap()),
            model: "m1",
            strategy: Strategy::agent(),
            status: None,
            message: None,
            rows: None,
            rows_capped: false,
            repairs: 0,
            http_attempts: 1,
            wait: WaitSource::NoRetry,
            timeout_ms: 30_000.0,
        }
    }

    fn check(s: Situation<'_>, level: Level, headline: &str, detail_has: &[&str]) {
        let a = advise(&s);
        assert_eq!((a.level, a.headline.as_str()), (level, headline), "{s:?}");
        for needle in detail_has {
            assert!(
                a.detail.contains(needle),
                "{:?}: {:?} lacks {needle:?}",
                s.outcome,
                a.detail
            );
        }
    }

    #[test]
    fn every_class_has_its_own_advice() {
        use Level::*;
        let rows = |o, n, capped| Situation {
            rows: Some(n),
            rows_capped: capped,
            ..base(o)
        };
        check(
            rows(Outcome::Correct, 3, false),
            Ok,
            "SQL ran · 3 rows · matches the gold answer",
            &[],
        );
        check(
            rows(Outcome::Answered, 1, false),
            Ok,
            "SQL ran · 1 row",
            &[],
        );
        check(
            rows(Outcome::Answered, 10, true),
            Ok,
            "SQL ran · at least 10 rows (row cap reached)",
            &[],
        );
        check(
            rows(Outcome::Answered, 0, false),
            Warn,
            "SQL ran · no rows",
            &["empty result"],
        );
        check(
            rows(Outcome::WrongShape, 5, false),
            Bad,
            "SQL ran · 5 rows · does not match the gold answer",
            &["number of rows or columns"],
        );
        check(
            rows(Outcome::WrongRows, 5, false),
            Bad,
            "SQL ran · 5 rows · does not match the gold answer",
            &["different values"],
        );
        check(
            Situation {
                message: Some("SQL error: no such table: sales"),
                repairs: 2,
                ..base(Outcome::SqlError)
            },
            Bad,
            "The SQL failed after 2 repair turns",
            &["no such table: sales", "another model"],
        );
        check(
            Situation {
                message: Some("SQL error: no such table: sales"),
                strategy: Strategy::Baseline,
                ..base(Outcome::SqlError)
            },
            Bad,
            "The SQL failed",
            &["no such table", "agent strategy sends the schema"],
        );
        check(
            Situation {
                strategy: Strategy::Baseline,
                ..base(Outcome::NoSql)
            },
            Bad,
            "No SQL in the reply",
            &["Try the agent strategy"],
        );
        check(
            Situation {
                repairs: 1,
                ..base(Outcome::NoSql)
            },
            Bad,
            "No SQL in the reply after 1 repair turn",
            &["`sql` field"],
        );
        check(
            base(Outcome::InvalidJson),
            Bad,
            "The reply was not the JSON object asked for (no repair turn was left)",
            &["response_format"],
        );
        check(
            Situation {
                status: Some(401),
                message: Some("HTTP 401: Invalid API key"),
                ..base(Outcome::Unauthorized)
            },
            Bad,
            "Custom endpoint refused the key (HTTP 401)",
            &["Invalid API key", "not portable"],
        );
        check(
            Situation {
                status: Some(404),
                ..base(Outcome::NotFound)
            },
            Bad,
            "127.0.0.1:9 has no model m1 (HTTP 404)",
            &["Check the model id"],
        );
        check(
            Situation {
                status: Some(429),
                http_attempts: 3,
                wait: WaitSource::Server,
                ..base(Outcome::RateLimited)
            },
            Warn,
            "Rate limited (HTTP 429) · gave up after 3 attempts",
            &["Retry-After asked"],
        );
        check(
            Situation {
                status: Some(429),
                http_attempts: 3,
                wait: WaitSource::Backoff,
                ..base(Outcome::RateLimited)
            },
            Warn,
            "Rate limited (HTTP 429) · gave up after 3 attempts",
            &["could not read a Retry-After", "sqlsweep probe"],
        );
        check(
            Situation {
                status: Some(503),
                http_attempts: 3,
                ..base(Outcome::ServerError)
            },
            Bad,
            "Custom endpoint server error (HTTP 503)",
            &["tried 3 attempts"],
        );
        check(
            Situation {
                status: Some(200),
                message: Some("error event in stream: overloaded"),
                ..base(Outcome::ServerError)
            },
            Bad,
            "The provider reported an error inside the stream",
            &["overloaded"],
        );
        check(
            Situation {
                status: Some(200),
                message: Some("malformed JSON in stream event #3"),
                ..base(Outcome::ServerError)
            },
            Bad,
            "The response stream carried malformed data",
            &["event #3"],
        );
        check(
            Situation {
                status: Some(400),
                ..base(Outcome::HttpError)
            },
            Bad,
            "The request was rejected (HTTP 400)",
            &["parameter"],
        );
        check(
            base(Outcome::Network),
            Bad,
            "No response from 127.0.0.1:9",
            &[
                "refused a browser call (CORS)",
                "sqlsweep probe --base-url http://127.0.0.1:9/v1 --model m1",
                "Custom endpoint",
            ],
        );
        check(
            base(Outcome::Timeout),
            Warn,
            "Timed out after 30 s",
            &["whole response"],
        );
        check(
            Situation {
                status: Some(200),
                message: Some("stream ended after 3 event(s) without finish_reason or [DONE]"),
                ..base(Outcome::CutStream)
            },
            Bad,
            "The stream ended before the answer was complete",
            &["3 event(s)", "not used"],
        );
        // Every class is covered by some headline (no panic, no empty headline).
        for o in Outcome::ALL {
            assert!(!advise(&base(o)).headline.is_empty(), "{o:?}");
        }
    }

    #[test]
    fn network_messages_name_both_causes() {
        assert_eq!(
            network_failure_message("api.fireworks.ai", "Failed to fetch"),
            "no response from api.fireworks.ai (the browser says only \"Failed to fetch\"): \
             the provider refused a browser call (CORS) or is unreachable"
        );
        assert_eq!(
            network_failure_message("h:1", " "),
            "no response from h:1: the provider refused a browser call (CORS) or is unreachable"
        );
    }
}
