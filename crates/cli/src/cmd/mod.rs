//! One module per subcommand; `main.rs` only parses arguments and dispatches here.

pub mod fetch_data;
pub mod probe;
pub mod verify;
