//! The words the agent says to a model: the agent strategy's system prompt, the
//! customer's naive baseline prompt, the repair turns, and prior conversation.
//!
//! Why in one place: the prompt *is* the experiment. Browser and CLI must send the
//! same text, and a sweep records which strategy produced which answer. The rules
//! are the original benchmark's (its §2.4), restated in our own words.

use serde::{Deserialize, Serialize};

use super::chat::Message;

/// How many prior *messages* of conversation are sent with a follow-up question:
/// the last 6, i.e. the last three question/answer exchanges (the original CLI's
/// `history[-6:]`).
pub const HISTORY_TURN_LIMIT: usize = 6;

/// One earlier exchange of a conversation: what was asked and what the assistant
/// answered (for the agent, its JSON object `{"sql": …, "rationale": …}`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Turn {
    pub question: String,
    pub answer: String,
}

/// The agent strategy's system prompt with `schema` (compact form) appended.
pub fn agent_system_prompt(schema: &str) -> String {
    format!(
        "You are an expert SQLite analyst. Write one SELECT statement that answers the user's \
question about the database whose schema is given below.

Reply with a JSON object and nothing else. It has exactly two keys:
- \"sql\": the query, a single statement with no trailing semicolon;
- \"rationale\": one sentence saying how the query answers the question.

Rules:
- Use only tables and columns that appear in the schema.
- Write exactly one SELECT. No DDL or DML, and no semicolons inside the query.
- Write SQLite: strftime() for dates, || to join strings, LIMIT to cap rows.
- Put string literals in single quotes.
- When the question asks for the top, best or most of something, add a LIMIT.
- Return only the columns the question asks for. Leave out surrogate keys (ids) and extra \
descriptive columns unless they are asked for.
- When the question wants one \"name\" or \"full name\" field for a person, return \
FirstName || ' ' || LastName under an alias. When it asks for \"names\" together with other \
fields, keep FirstName and LastName as separate columns.
- \"Sales\" or \"revenue\" means SUM(UnitPrice * Quantity) over InvoiceLine. Use raw Quantity \
only for units, tracks sold or counts.

Schema:
{schema}"
    )
}

/// The customer baseline: the naive prompt a user would type, with no schema.
pub fn baseline_user_prompt(question: &str) -> String {
    format!("Convert this question to SQL:\n{question}")
}

/// The repair turn after the query failed to run; `error` is the executor's message.
pub fn repair_after_sql_error(error: &str) -> String {
    format!(
        "Your query failed: {error}\nReturn a corrected query in the same JSON format: \
{{\"sql\": \"...\", \"rationale\": \"...\"}}."
    )
}

/// The repair turn after a reply that held no usable query; `problem` says why
/// (e.g. "the reply is not valid JSON").
pub fn repair_after_no_sql(problem: &str) -> String {
    format!(
        "Your reply did not contain a usable query: {problem}.\nReply with only a JSON object \
of the form {{\"sql\": \"...\", \"rationale\": \"...\"}}."
    )
}

/// The prior conversation to send: each turn as a user and an assistant message,
/// keeping only the last [`HISTORY_TURN_LIMIT`] messages.
pub fn history_messages(history: &[Turn]) -> Vec<Message> {
    let all: Vec<Message> = history
        .iter()
        .flat_map(|t| {
            [
                Message::user(t.question.clone()),
                Message::assistant(t.answer.clone()),
            ]
        })
        .collect();
    let skip = all.len().saturating_sub(HISTORY_TURN_LIMIT);
    all.into_iter().skip(skip).collect()
}

/// The assistant message recorded for a successful agent answer: a JSON object
/// with `sql` and, when known, `rationale`.
pub fn answer_json(sql: &str, rationale: Option<&str>) -> String {
    let mut obj = serde_json::Map::new();
    obj.insert("sql".into(), sql.into());
    if let Some(r) = rationale {
        obj.insert("rationale".into(), r.into());
    }
    serde_json::Value::Object(obj).to_string()
}

#[cfg(test)]
mod tests {
    use super::super::chat::Role;
    use super::*;

    fn turns(n: usize) -> Vec<Turn> {
        (0..n)
            .map(|i| Turn {
                question: format!("q{i}"),
                answer: format!("a{i}"),
            })
            .collect()
    }

    fn check_history(n: usize, expected: &[(Role, &str)]) {
        let got: Vec<(Role, String)> = history_messages(&turns(n))
            .into_iter()
            .map(|m| (m.role, m.content))
            .collect();
        let want: Vec<(Role, String)> = expected.iter().map(|(r, c)| (*r, c.to_string())).collect();
        assert_eq!(got, want, "history of {n} turns");
    }

    #[test]
    fn history_keeps_last_six_messages() {
        use Role::{Assistant as A, User as U};
        check_history(0, &[]);
        check_history(1, &[(U, "q0"), (A, "a0")]);
        check_history(
            3,
            &[
                (U, "q0"),
                (A, "a0"),
                (U, "q1"),
                (A, "a1"),
                (U, "q2"),
                (A, "a2"),
            ],
        );
        check_history(
            5,
            &[
                (U, "q2"),
                (A, "a2"),
                (U, "q3"),
                (A, "a3"),
                (U, "q4"),
                (A, "a4"),
            ],
        );
    }

    #[test]
    fn prompts_carry_their_inputs() {
        let cases: Vec<(String, &[&str])> = vec![
            (
                agent_system_prompt("T(Id:integer[pk])"),
                &[
                    "\"sql\"",
                    "\"rationale\"",
                    "SELECT",
                    "LIMIT",
                    "strftime",
                    "FirstName || ' ' || LastName",
                    "SUM(UnitPrice * Quantity)",
                    "\nSchema:\nT(Id:integer[pk])",
                ],
            ),
            (
                baseline_user_prompt("How many?"),
                &["Convert this question to SQL:\nHow many?"],
            ),
            (
                repair_after_sql_error("no such table: sales"),
                &["Your query failed: no such table: sales\n", "JSON"],
            ),
            (
                repair_after_no_sql("the reply is empty"),
                &["the reply is empty.", "JSON object"],
            ),
        ];
        for (text, needles) in cases {
            for n in needles {
                assert!(text.contains(n), "{n:?} missing from {text:?}");
            }
        }
        assert!(agent_system_prompt("S").ends_with("Schema:\nS"));
    }

    #[test]
    fn answer_json_round_trips() {
        let cases = [
            (
                "SELECT 1",
                Some("one"),
                r#"{"sql":"SELECT 1","rationale":"one"}"#,
            ),
            ("SELECT 'a\"b'", None, r#"{"sql":"SELECT 'a\"b'"}"#),
        ];
        for (sql, rationale, expected) in cases {
            assert_eq!(answer_json(sql, rationale), expected);
        }
    }
}
