//! sqlsweep's SQLite Web Worker. SQLite and Chinook live here, off the page's main
//! thread, so the dashboard's first view never waits for them and a slow query
//! never freezes the page.
//!
//! - [`protocol`]: the messages both sides compile (no SQLite; the page uses only this).
//! - `engine` (feature `engine`): what the worker does with a request — open the
//!   database, run guarded SQL, re-verify sweeps — as plain Rust, natively tested.
//! - `runtime` (wasm32 + `engine`): the worker's event loop: `postMessage` in and
//!   out, fetching the data files.

pub mod protocol;

#[cfg(feature = "engine")]
pub mod engine;

#[cfg(all(feature = "engine", target_arch = "wasm32"))]
pub mod runtime;
