//! One module per subcommand; each exposes an `Args` struct (clap) and `run`.

pub mod probe;
