//! sqlsweep-core: everything about a text-to-SQL benchmark that can be decided
//! without I/O. No browser, terminal, clock or HTTP client in here — the web app
//! and the CLI are adapters around this crate (see `ARCHITECTURE.md`).

pub mod agent;
pub mod analysis;
pub mod catalog;
pub mod demo;
pub mod digest;
pub mod engine;
pub mod exchange;
#[cfg(feature = "sqlite")]
pub mod exec;
pub mod gold;
pub mod json_minify;
pub mod json_rows;
pub mod live;
pub mod manifest;
pub mod outcome;
pub mod published;
pub mod scoring;
pub mod stats;
pub mod summary;
pub mod sweep;
pub mod value;
pub mod verify;
