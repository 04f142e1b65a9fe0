//! sqlsweep's SQLite Web Worker. SQLite and Chinook live here, off the page's main
//! thread, so the dashboard's first view never waits for them and a slow query
//! never freezes the page.
//!
//! - [`protocol`]: the messages both sides compile (no SQLite; the page uses only this).

pub mod protocol;
