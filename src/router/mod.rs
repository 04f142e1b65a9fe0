//! A tiny hash router: every view has a URL that works on any static file host
//! without rewrite rules (`#/sweep`), and a view's state (filters, sort) lives in
//! the query part inside the hash (`#/sweep?platform=baseten&sort=latency_p50`),
//! so links are shareable and reloads keep what the user chose.
//!
//! [`location`] is the pure part (parse and format hashes, natively tested);
//! [`use_hash_location`] is the Leptos hook that follows `hashchange`.

mod location;

pub use location::{HashLocation, Query, Route, Target};

use leptos::prelude::*;

/// The current location and a way to change the view state in it.
#[derive(Clone, Copy)]
pub struct HashRouter {
    /// Where the page is now; updates on every `hashchange`.
    pub location: ReadSignal<HashLocation>,
    set_location: WriteSignal<HashLocation>,
}

impl HashRouter {
    /// Re-reads the address bar. A module mounted by another module's router (see
    /// `crate::bundles`) calls this first: its own `hashchange` listener may not
    /// have run yet, and a view must never write its query under the old route.
    pub fn refresh(&self) {
        let now = HashLocation::parse(&current_hash());
        if self.location.get_untracked() != now {
            self.set_location.set(now);
        }
    }

    /// Replaces the query part of the current view's URL without adding a history
    /// entry (sorting a table should not fill the back button).
    pub fn replace_query(&self, query: Query) {
        let mut next = self.location.get_untracked();
        next.query = query;
        let hash = next.to_hash();
        if let Some(window) = web_sys::window() {
            if let Ok(history) = window.history() {
                let _ =
                    history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&hash));
            }
        }
        self.set_location.set(next);
    }
}

fn current_hash() -> String {
    web_sys::window()
        .and_then(|w| w.location().hash().ok())
        .unwrap_or_default()
}

/// Follows the hash. Another name of a view (the original dashboard's `#modelsweep`)
/// is replaced in place, so the address bar always shows the view being displayed.
pub fn use_hash_location() -> HashRouter {
    if let Some(router) = use_context::<HashRouter>() {
        return router;
    }
    let read = || {
        let loc = HashLocation::parse(&current_hash());
        if let Target::Redirect(to) = loc.target {
            let next = HashLocation {
                target: Target::View(to),
                query: loc.query,
            };
            if let Some(window) = web_sys::window() {
                if let Ok(history) = window.history() {
                    let _ = history.replace_state_with_url(
                        &wasm_bindgen::JsValue::NULL,
                        "",
                        Some(&next.to_hash()),
                    );
                }
            }
            next
        } else {
            loc
        }
    };
    let (location, set_location) = signal(read());
    let listener = window_event_listener(leptos::ev::hashchange, move |_| set_location.set(read()));
    on_cleanup(move || listener.remove());
    let router = HashRouter {
        location,
        set_location,
    };
    provide_context(router);
    router
}
