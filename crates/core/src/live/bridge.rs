//! Where the wire meets the agent: the agent's provider-neutral [`ChatRequest`]
//! becomes a request body, and a finished [`CallRecord`] becomes the agent's
//! `Reply` or `CallFailure`. Drivers (browser, CLI) call these two functions and
//! nothing else to connect [`crate::agent::Agent`] with [`super::stream`].

use serde_json::Value;

use super::request::{chat_body, Endpoint};
use super::stream::CallRecord;
use crate::agent::{CallFailure, ChatRequest, Reply};

/// The JSON body for the agent's request to `model` at `endpoint`.
pub fn agent_body(endpoint: &Endpoint, model: &str, request: &ChatRequest) -> Value {
    chat_body(
        endpoint,
        model,
        request
            .messages
            .iter()
            .map(|m| (m.role.as_str(), m.content.as_str())),
        request.json_mode,
    )
}

impl CallRecord {
    /// The agent's view of this call: its reply on success, else the transport failure
    /// (class, message, latency). Scrub the record of the key first.
    pub fn to_agent_reply(&self) -> Result<Reply, CallFailure> {
        if self.is_success() {
            Ok(Reply {
                content: self.content.clone(),
                prompt_tokens: self.prompt_tokens,
                completion_tokens: self.completion_tokens,
                latency_ms: self.latency_ms,
                ttft_ms: self.ttft_ms,
            })
        } else {
            Err(CallFailure {
                outcome: self.outcome,
                message: self
                    .error_message
                    .clone()
                    .unwrap_or_else(|| self.outcome.label().to_string()),
                latency_ms: self.latency_ms,
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::agent::Message;
    use crate::live::stream::CallMachine;
    use crate::outcome::Outcome;
    use serde_json::json;

    fn record(status: u16, body: &str) -> CallRecord {
        let mut m = CallMachine::new(0.0);
        m.headers(10.0, status, |_| None);
        m.body(20.0, body.as_bytes());
        m.end(30.0, true);
        m.finish()
    }

    #[test]
    fn bodies_from_agent_requests() {
        let req = ChatRequest {
            messages: vec![
                Message::system("S"),
                Message::user("Q"),
                Message::assistant("A"),
            ],
            json_mode: true,
        };
        let body = agent_body(&Endpoint::fireworks(), "m", &req);
        assert_eq!(
            body["messages"],
            json!([{"role": "system", "content": "S"}, {"role": "user", "content": "Q"}, {"role": "assistant", "content": "A"}])
        );
        assert_eq!(body["response_format"], json!({"type": "json_object"}));
        let plain = ChatRequest {
            json_mode: false,
            ..req
        };
        assert!(agent_body(&Endpoint::fireworks(), "m", &plain)
            .get("response_format")
            .is_none());
    }

    #[test]
    fn records_to_agent_replies() {
        let ok = record(
            200,
            "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"SELECT 1\"},\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":2}}\n\ndata: [DONE]\n\n",
        );
        assert_eq!(
            ok.to_agent_reply(),
            Ok(Reply {
                content: "SELECT 1".into(),
                prompt_tokens: Some(3),
                completion_tokens: Some(2),
                latency_ms: Some(30.0),
                ttft_ms: Some(20.0),
            })
        );
        let cases = [
            (
                429,
                r#"{"error":"slow down"}"#,
                Outcome::RateLimited,
                "HTTP 429: slow down",
            ),
            (404, "", Outcome::NotFound, "HTTP 404 with an empty body"),
            (
                200,
                "data: {\"choices\":[]}\n\n",
                Outcome::CutStream,
                "stream ended after 1 event(s) without finish_reason or [DONE]",
            ),
        ];
        for (status, body, outcome, message) in cases {
            let got = record(status, body).to_agent_reply();
            assert_eq!(
                got,
                Err(CallFailure {
                    outcome,
                    message: message.into(),
                    latency_ms: Some(30.0),
                }),
                "{status} {body}"
            );
            assert!(outcome.is_transport_failure());
        }
    }
}
