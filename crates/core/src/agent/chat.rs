//! The chat request the agent asks its driver to send: just the conversation and
//! whether JSON mode is wanted.
//!
//! Why so little: the wire format (endpoint, JSON body, model extras, streaming,
//! SSE) belongs to the `live` module and the driver. The agent only decides *what*
//! to say, so the same agent runs over any transport, and tests need no HTTP.

use serde::{Deserialize, Serialize};

/// Who wrote a message, with the names OpenAI-compatible APIs use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    System,
    User,
    Assistant,
}

impl Role {
    /// The wire name (`"system"`, `"user"`, `"assistant"`).
    pub fn as_str(self) -> &'static str {
        match self {
            Role::System => "system",
            Role::User => "user",
            Role::Assistant => "assistant",
        }
    }
}

/// One chat message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Message {
    pub role: Role,
    pub content: String,
}

impl Message {
    pub fn system(content: impl Into<String>) -> Message {
        Message {
            role: Role::System,
            content: content.into(),
        }
    }
    pub fn user(content: impl Into<String>) -> Message {
        Message {
            role: Role::User,
            content: content.into(),
        }
    }
    pub fn assistant(content: impl Into<String>) -> Message {
        Message {
            role: Role::Assistant,
            content: content.into(),
        }
    }
}

/// One model call, provider-neutral. The wire helper adds model, temperature,
/// max_tokens, streaming options and, when `json_mode`, `response_format: json_object`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChatRequest {
    pub messages: Vec<Message>,
    /// Ask the provider for a JSON object (`response_format: {"type": "json_object"}`).
    pub json_mode: bool,
}
