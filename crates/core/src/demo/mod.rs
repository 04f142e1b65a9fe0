//! The live demo's decisions, kept out of the browser so they are tested natively:
//! what a key may be sent to ([`key`]), what to tell the user about each failure
//! class ([`advice`]), the figures of one side of a comparison ([`side`]), the
//! cost-at-scale comparison of two sides ([`scale`]), the activity log ([`activity`]),
//! the latency probe ([`probe`]) and how results and questions are shown
//! ([`display`]).
//!
//! Why a module of its own: the web page is a thin adapter (fetch, timers, DOM);
//! everything it shows is decided here from data, so a figure on screen can be
//! checked by a unit test, and the CLI can reuse the same wording.

pub mod activity;
pub mod advice;
pub mod display;
pub mod key;
pub mod probe;
pub mod scale;
pub mod side;

/// How a status line should look: fine, worth a look, or failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    Ok,
    Warn,
    Bad,
}

impl Level {
    /// The glyph shown before the text (✓, ⚠, ✗).
    pub fn glyph(self) -> &'static str {
        match self {
            Level::Ok => "✓",
            Level::Warn => "⚠",
            Level::Bad => "✗",
        }
    }

    /// A CSS-friendly name (`ok`, `warn`, `bad`).
    pub fn name(self) -> &'static str {
        match self {
            Level::Ok => "ok",
            Level::Warn => "warn",
            Level::Bad => "bad",
        }
    }
}
