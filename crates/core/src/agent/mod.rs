//! The text-to-SQL agent: everything between "a question" and "an answer with
//! rows", decided without I/O.
//!
//! Why a module of its own: the browser (live demo, sweeps) and the CLI (`probe`,
//! `ask`, `sweep`) must run the *same* agent, step for step. So the agent is a
//! sans-IO state machine ([`machine::Agent`]): it says "call the model with these
//! messages" or "execute this SQL", and the driver — whatever transport, clock and
//! SQLite it has — does it and feeds the outcome back.
//!
//! - [`schema`]: the database schema as data, read from SQLite, rendered compact or as DDL.
//! - [`trim`]: keyword trimming of the schema for one question, with a real FK closure.
//! - [`prompt`]: the prompts of both strategies, the repair turn, conversation history.
//! - [`extract`]: getting SQL out of a model's reply (JSON mode, fallbacks, `<think>`).
//! - [`chat`]: the provider-neutral chat request the machine emits.
//! - [`machine`]: the state machine itself.
//! - [`classify`]: answer-level outcome classes, for live runs and published traces.

pub mod chat;
pub mod classify;
pub mod extract;
pub mod machine;
pub mod prompt;
pub mod schema;
pub mod trim;

pub use chat::{ChatRequest, Message, Role};
pub use classify::{classify_answer, classify_published, classify_rows};
pub use extract::{extract_json_answer, extract_naive, strip_think, Extracted, Extraction};
pub use machine::{
    Agent, AgentCall, AgentResult, CallFailure, Reply, Step, Strategy, UnexpectedInput,
};
pub use prompt::{Turn, HISTORY_TURN_LIMIT};
pub use schema::{ColumnInfo, ForeignKey, SchemaInfo, TableInfo};
pub use trim::{trim_for_question, Trimmed};
