//! The messages the page and the SQLite worker exchange over `postMessage`.
//!
//! Both sides compile this module (the page depends on this crate with
//! `default-features = false`, which leaves SQLite out). Every message is one JSON
//! string: an [`Envelope`] with the request id the reply echoes. The worker sends
//! [`Reply::Ready`] (id [`READY_ID`]) once it listens; the page sends nothing before.

use serde::{de::DeserializeOwned, Deserialize, Serialize};
use sqlsweep_core::agent::SchemaInfo;
use sqlsweep_core::gold::GoldSet;
use sqlsweep_core::sweep::SweepFile;
use sqlsweep_core::value::ResultSet;
use sqlsweep_core::verify::VerifyReport;

/// The id of the unsolicited [`Reply::Ready`]; page requests use ids from 1.
pub const READY_ID: u32 = 0;

/// A message with the id that pairs a reply with its request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Envelope<T> {
    pub id: u32,
    pub body: T,
}

/// What the page asks of the worker.
///
/// Both enums use serde's default (external) tagging, `{"run_sql": {…}}`: an
/// internally tagged enum is buffered before it is decoded, which compiles every
/// payload type a second time into the page's wasm.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Request {
    /// Fetch (URLs relative to the page) and open the database and the gold set.
    /// Later requests wait for it; the worker answers them with an error if it failed.
    Open { database: String, gold: Vec<String> },
    /// Run one read-only statement under the guard (step budget, row cap).
    RunSql { sql: String, max_rows: Option<u32> },
    /// Re-execute and re-score every trace of a sweep (as `sqlsweep verify` does).
    /// The page sends one model at a time so results arrive as they are ready.
    Verify { sweep: Box<SweepFile> },
    /// The database's schema (what the agent shows a model; the live demo's schema view).
    Schema,
    /// The gold questions the worker opened (the live demo's question picker and verdicts).
    Gold,
}

/// What the worker answers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Reply {
    /// The worker's wasm is initialised and listening.
    Ready,
    /// The database and gold set are open.
    Opened(Opened),
    /// Rows of a [`Request::RunSql`].
    Rows { result: ResultSet, elapsed_ms: f64 },
    /// Outcome of a [`Request::Verify`]: the core's report, per model and per disagreement.
    Verified {
        report: VerifyReport,
        elapsed_ms: f64,
    },
    /// Answer to [`Request::Schema`].
    Schema { schema: SchemaInfo },
    /// Answer to [`Request::Gold`].
    Gold { gold: GoldSet },
    /// The request failed; the text says what and why (never contains a key).
    Failed { error: String },
}

/// Facts about the opened database, for the status line.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Opened {
    pub sqlite_version: String,
    pub database_bytes: u64,
    pub gold_questions: u32,
    /// Fetch + open time measured in the worker.
    pub elapsed_ms: f64,
}

/// A message that could not be decoded; names what was expected.
#[derive(Debug, Clone, PartialEq)]
pub struct ProtocolError(pub String);

impl std::fmt::Display for ProtocolError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ProtocolError {}

/// Encodes a message for `postMessage`.
pub fn encode<T: Serialize>(id: u32, body: &T) -> String {
    #[derive(Serialize)]
    struct Out<'a, T> {
        id: u32,
        body: &'a T,
    }
    // Serialising these types cannot fail: no maps with non-string keys, no foreign types.
    serde_json::to_string(&Out { id, body })
        .unwrap_or_else(|e| encode_failure(id, &format!("could not encode message: {e}")))
}

/// A [`Reply::Failed`] written by hand, for when encoding itself failed.
fn encode_failure(id: u32, error: &str) -> String {
    let error = serde_json::Value::String(error.to_string());
    format!(r#"{{"id":{id},"body":{{"failed":{{"error":{error}}}}}}}"#)
}

/// Decodes a message received from `postMessage`; `what` names the expected kind.
pub fn decode<T: DeserializeOwned>(text: &str, what: &str) -> Result<Envelope<T>, ProtocolError> {
    // From bytes, as the sweep and gold loaders read: the page's wasm then holds one
    // JSON reader per type, not two.
    serde_json::from_slice(text.as_bytes())
        .map_err(|e| ProtocolError(format!("malformed {what} message: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use sqlsweep_core::value::Cell;
    use sqlsweep_core::verify::{Disagreement, DisagreementKind, ModelVerify};

    fn check_round_trip<T>(id: u32, body: T)
    where
        T: Serialize + DeserializeOwned + PartialEq + std::fmt::Debug + Clone,
    {
        let text = encode(id, &body);
        let back: Envelope<T> = decode(&text, "test").expect("decodes");
        assert_eq!(back, Envelope { id, body }, "round trip of {text}");
    }

    #[test]
    fn messages_round_trip() {
        check_round_trip(
            1,
            Request::Open {
                database: "data/Chinook.db".into(),
                gold: vec!["data/a.json".into()],
            },
        );
        check_round_trip(
            2,
            Request::RunSql {
                sql: "SELECT 1".into(),
                max_rows: Some(30),
            },
        );
        check_round_trip(READY_ID, Reply::Ready);
        check_round_trip(
            3,
            Reply::Rows {
                result: ResultSet {
                    columns: vec!["n".into(), "n".into()],
                    rows: vec![vec![Cell::Integer(3503), Cell::Text("x".into())]],
                    truncated: true,
                },
                elapsed_ms: 1.5,
            },
        );
        let mut report = VerifyReport::default();
        report.add(
            ModelVerify {
                model: "m".into(),
                traces: 25,
                scores_agree: 24,
                ..Default::default()
            },
            vec![Disagreement {
                model: "m".into(),
                qid: "q_001".into(),
                kind: DisagreementKind::Score,
                detail: "recorded correct, re-scored wrong".into(),
            }],
        );
        check_round_trip(
            4,
            Reply::Verified {
                report,
                elapsed_ms: 10.0,
            },
        );
        check_round_trip(6, Request::Schema);
        check_round_trip(7, Request::Gold);
        check_round_trip(
            8,
            Reply::Schema {
                schema: SchemaInfo {
                    tables: vec![sqlsweep_core::agent::TableInfo {
                        name: "Artist".into(),
                        ..Default::default()
                    }],
                },
            },
        );
        check_round_trip(
            9,
            Reply::Gold {
                gold: GoldSet::default(),
            },
        );
        check_round_trip(
            5,
            Reply::Failed {
                error: "no database".into(),
            },
        );
    }

    #[test]
    fn a_failure_to_encode_is_still_a_reply() {
        let text = encode_failure(7, r#"bad "thing" \ here"#);
        let back: Envelope<Reply> = decode(&text, "reply").expect("decodes");
        assert_eq!(
            back,
            Envelope {
                id: 7,
                body: Reply::Failed {
                    error: r#"bad "thing" \ here"#.into()
                }
            }
        );
    }

    #[test]
    fn malformed_messages_are_named() {
        let cases = [
            ("", "malformed request message"),
            ("{}", "malformed request message: missing field `id`"),
            (
                r#"{"id":1,"body":{"drop_table":{}}}"#,
                "unknown variant `drop_table`",
            ),
            (
                r#"{"id":-1,"body":{"run_sql":{"sql":"x","max_rows":null}}}"#,
                "malformed request",
            ),
        ];
        for (text, expected) in cases {
            let err = decode::<Request>(text, "request").expect_err(text);
            assert!(err.0.contains(expected), "{text:?} gave {err}");
        }
    }
}
