//! sqlsweep-core: everything about a text-to-SQL benchmark that can be decided
//! without I/O. No browser, terminal, clock or HTTP client in here — the web app
//! and the CLI are adapters around this crate (see `ARCHITECTURE.md`).

pub mod agent;
pub mod catalog;
pub mod demo;
pub mod digest;
#[cfg(feature = "sqlite")]
pub mod exec;
pub mod gold;
pub mod live;
pub mod manifest;
pub mod outcome;
pub mod records;
pub mod scoring;
pub mod stats;
pub mod summary;
pub mod sweep;
pub mod value;
pub mod verify;
