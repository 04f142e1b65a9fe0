//! The live demo's browser side: a thin adapter around core's `live` (wire),
//! `agent` (the text-to-SQL state machine) and `demo` (everything shown) modules.
//!
//! - [`clock`]: `performance.now()`, timers, randomness.
//! - [`transport`]: streaming `fetch` with abort, time limit and retries.
//! - [`driver`]: runs the agent over the transport and the SQLite worker.
//! - [`settings`]: provider, custom endpoint, key bound to its host, the key bar.
//! - [`side`]: one side of the comparison and its panel.
//! - [`scale_card`], [`activity`], [`probe`], [`schema_view`]: the other cards.

pub mod activity;
pub mod clock;
pub mod driver;
pub mod probe;
pub mod scale_card;
pub mod schema_view;
pub mod settings;
pub mod side;
pub mod transport;

use leptos::prelude::*;
use sqlsweep_core::outcome::Outcome;

/// The outcome's wire name (`cut_stream`), for `data-outcome` attributes.
pub fn outcome_slug(o: Outcome) -> String {
    serde_json::to_value(o)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

/// Seconds since `since_ms` (on the monotonic clock), ticking while shown.
#[component]
pub fn Elapsed(since_ms: f64) -> impl IntoView {
    let now = RwSignal::new(clock::now_ms());
    if let Ok(handle) = set_interval_with_handle(
        move || {
            now.try_set(clock::now_ms());
        },
        std::time::Duration::from_millis(250),
    ) {
        on_cleanup(move || handle.clear());
    }
    view! { <span class="elapsed">{move || format!("({:.0} s)", ((now.get() - since_ms) / 1000.0).max(0.0).floor())}</span> }
}
