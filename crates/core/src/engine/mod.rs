//! The run engine: one implementation of "run these questions against these models
//! and record everything", driven by the browser (`#/run`) and the CLI (`sweep`,
//! `load`, `calibrate`) alike. Pure and sans-IO: it is fed timestamps and results
//! and emits actions, so it is tested natively under a simulated clock.
//!
//! - [`spec`]: what a run is ([`RunSpec`]) and the question selection.
//! - [`plan`]: the order of work (phases, warm-ups, rounds).
//! - [`run`]: the state machine ([`Engine`], [`Action`], [`Event`]).
//! - [`trace`]: how a finished job becomes a trace of the sweep schema.
//! - [`progress`]: counts, ETA, live per-model figures.
//! - [`key`]: the identity of a trace (resume, merge).
//! - [`checkpoint`]: the append-only journal a run is checkpointed to.
//! - [`merge`]: shards back into one sweep.
//! - [`load`]: load-test reporting and browser connection-limit detection.
//! - [`calibrate`]: the harness's own timing error against a known delay.
//! - [`form`]: the browser's run form, turned into a [`RunSpec`].

pub mod calibrate;
pub mod checkpoint;
pub mod form;
pub mod jitter;
pub mod key;
pub mod load;
pub mod merge;
pub mod plan;
pub mod progress;
pub mod run;
pub mod spec;
pub mod trace;
pub mod wallclock;

#[cfg(test)]
mod sim;
#[cfg(test)]
mod tests;

pub use calibrate::calibration;
pub use checkpoint::{replay, CheckpointError, Replayed};
pub use form::{FormError, FormField, RunForm, ScheduleForm};
pub use key::TraceKey;
pub use load::{browser_limited, load_report, ConnectionVerdict, LevelReport, LoadReport};
pub use merge::{merge, MergeError};
pub use progress::{ModelProgress, Progress};
pub use run::{Action, CallId, Engine, EngineError, Event, FeedError};
pub use spec::{ModelSpec, QuestionSelection, RunContext, RunLimits, RunSpec, SpecError};
