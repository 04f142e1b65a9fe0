//! One module per subcommand; each exposes an `Args` struct (clap) and `run`, and
//! `main.rs` only parses arguments and dispatches here.

pub mod ask;
pub mod calibrate;
pub mod fetch_data;
pub mod merge;
pub mod probe;
pub mod sweep;
pub mod verify;
