//! The wire side of a live call to an OpenAI-compatible provider, with no I/O:
//! what to send ([`request`]), how to read what comes back ([`sse`], [`stream`],
//! [`error_body`], [`think`]), what the timings mean ([`timing`]) and when to try
//! again ([`retry`]). The browser (fetch) and the CLI (reqwest) are thin adapters that
//! feed bytes and timestamps in and get the same [`stream::CallRecord`] out;
//! [`bridge`] connects that record with the agent ([`crate::agent`]).

pub mod bridge;
pub mod error_body;
pub mod request;
pub mod retry;
pub mod sse;
pub mod stream;
pub mod think;
pub mod timing;
