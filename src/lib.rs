//! sqlsweep's dashboard: a Leptos single-page app (client-side rendered, built by
//! Trunk) over the pure `sqlsweep-core` crate. SQLite runs in a Web Worker
//! (`crates/worker`), never in this bundle.
//!
//! Code map: [`app`] the shell; [`components`] shared widgets (export, import,
//! tables); [`router`] hash routes; [`views`] one module per view; [`data`]
//! fetching data files; [`live`] the live demo's browser adapters (key bar,
//! streaming transport); [`sql_worker`] the worker hook. Figures and their text
//! forms come from `sqlsweep_core::analysis`.

pub mod app;
pub mod bundles;
pub mod components;
pub mod data;
pub mod js_text;
pub mod live;
pub mod router;
pub mod sql_worker;
pub mod views;

/// Mounts the dashboard on `<body>`.
pub fn mount() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(app::App);
}
