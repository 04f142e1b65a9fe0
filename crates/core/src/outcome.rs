//! The outcome taxonomy: one small set of classes that every trace, live call and
//! failure analysis uses, so "why did this question fail?" has one vocabulary.

use serde::{Deserialize, Serialize};

/// How one question (or one HTTP attempt) ended. Ordered roughly by where in the
/// pipeline it stopped: transport, then the model's answer, then the SQL, then scoring.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// HTTP 401 or 403: the key was refused.
    Unauthorized,
    /// HTTP 404: wrong model id or endpoint.
    NotFound,
    /// HTTP 429.
    RateLimited,
    /// HTTP 5xx (or an error event inside a 200 stream).
    ServerError,
    /// Any other non-2xx status.
    HttpError,
    /// The request never got a status: DNS, refused connection, or a CORS refusal in a browser.
    Network,
    /// The client's time budget ran out.
    Timeout,
    /// The stream ended (or broke) before `finish_reason`/`[DONE]`.
    CutStream,
    /// JSON mode was asked for and the answer was not a JSON object.
    InvalidJson,
    /// No SQL could be extracted from the answer.
    NoSql,
    /// The SQL failed to run (syntax, missing table, refused, over budget).
    SqlError,
    /// The SQL ran but the column or row count differs from gold.
    WrongShape,
    /// Same shape as gold, different values.
    WrongRows,
    /// Matched gold.
    Correct,
    /// Ran fine; no gold to compare with (free-text question).
    Answered,
}

impl Outcome {
    /// All classes, in display order.
    pub const ALL: [Outcome; 15] = [
        Outcome::Unauthorized,
        Outcome::NotFound,
        Outcome::RateLimited,
        Outcome::ServerError,
        Outcome::HttpError,
        Outcome::Network,
        Outcome::Timeout,
        Outcome::CutStream,
        Outcome::InvalidJson,
        Outcome::NoSql,
        Outcome::SqlError,
        Outcome::WrongShape,
        Outcome::WrongRows,
        Outcome::Correct,
        Outcome::Answered,
    ];

    /// Short human label.
    pub fn label(self) -> &'static str {
        match self {
            Outcome::Unauthorized => "key refused (401/403)",
            Outcome::NotFound => "not found (404)",
            Outcome::RateLimited => "rate limited (429)",
            Outcome::ServerError => "server error (5xx)",
            Outcome::HttpError => "HTTP error",
            Outcome::Network => "network / CORS",
            Outcome::Timeout => "timeout",
            Outcome::CutStream => "stream cut",
            Outcome::InvalidJson => "invalid JSON",
            Outcome::NoSql => "no SQL",
            Outcome::SqlError => "SQL error",
            Outcome::WrongShape => "wrong shape",
            Outcome::WrongRows => "wrong rows",
            Outcome::Correct => "correct",
            Outcome::Answered => "answered",
        }
    }

    /// True for failures of the transport or provider, as opposed to the model's answer.
    pub fn is_transport_failure(self) -> bool {
        matches!(
            self,
            Outcome::Unauthorized
                | Outcome::NotFound
                | Outcome::RateLimited
                | Outcome::ServerError
                | Outcome::HttpError
                | Outcome::Network
                | Outcome::Timeout
                | Outcome::CutStream
        )
    }

    /// A failure that will repeat for every question of a model, whatever the
    /// question: the key refused (401/403), the model or endpoint unknown (404), or
    /// another client error (400, 402, 422, …: the request itself is refused). Rate
    /// limits, server errors, timeouts and network failures are not: they come and
    /// go with load. The engine stops a model after a run of these (see
    /// `engine::spec::RunLimits::stop_model_after_consecutive_failures`).
    pub fn is_fatal_for_model(self) -> bool {
        matches!(
            self,
            Outcome::Unauthorized | Outcome::NotFound | Outcome::HttpError
        )
    }

    /// Classifies an HTTP status that is not a success.
    pub fn from_status(status: u16) -> Outcome {
        match status {
            401 | 403 => Outcome::Unauthorized,
            404 => Outcome::NotFound,
            429 => Outcome::RateLimited,
            500..=599 => Outcome::ServerError,
            _ => Outcome::HttpError,
        }
    }
}
