//! What `#/run` asks of the browser itself: its user agent and the HTTP protocol of
//! a response (run metadata) and reading a picked file (import); exports go through
//! the shared `components::export::download`. Thin wrappers; each failure comes back
//! as text naming what failed.

use wasm_bindgen::JsValue;

/// `navigator.userAgent`.
pub fn user_agent() -> Option<String> {
    web_sys::window()?
        .navigator()
        .user_agent()
        .ok()
        .filter(|s| !s.is_empty())
}

/// The protocol the browser used for `url` (`http/1.1`, `h2`, `h3`), from the
/// newest Resource Timing entry's `nextHopProtocol`. `None` when the browser does
/// not say (no entry, or an empty string — some browsers hide it cross-origin).
pub fn next_hop_protocol(url: &str) -> Option<String> {
    let performance = web_sys::window()?.performance()?;
    let entries = performance.get_entries_by_name(url);
    let last = entries.get(entries.length().checked_sub(1)?);
    js_sys::Reflect::get(&last, &JsValue::from_str("nextHopProtocol"))
        .ok()?
        .as_string()
        .filter(|p| !p.trim().is_empty())
}

/// Empties the Resource Timing buffer, which holds only 250 entries by default: a
/// run started after earlier runs filled it would otherwise never see its responses.
pub fn forget_resource_timings() {
    if let Some(p) = web_sys::window().and_then(|w| w.performance()) {
        p.clear_resource_timings();
    }
}
