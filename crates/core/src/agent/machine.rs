//! The agent as a sans-IO state machine, driven the same way by the browser and
//! the CLI.
//!
//! Why a state machine: the agent's logic (which prompt, when to repair, when to
//! swap in the full schema, what to keep when a call fails) must not depend on who
//! does the I/O. The machine asks for work through [`Agent::next`] —
//! [`Step::Call`] a model, [`Step::Execute`] some SQL, or [`Step::Done`] — and the
//! driver reports back with [`Agent::on_reply`] and [`Agent::on_executed`]. No
//! clock, HTTP or SQLite in here; timings and tokens arrive with the replies.
//!
//! Two strategies:
//! - [`Strategy::Baseline`], the customer's naive prompt: one user message, no
//!   schema, no JSON mode, SQL taken from the text, one call, no repair, no history.
//! - [`Strategy::Agent`]: system prompt with rules and the trimmed compact schema,
//!   conversation history, JSON mode, execute-and-repair up to `max_repairs` more
//!   calls. The first repair swaps in the full schema when the trim fired. A reply
//!   without usable SQL (invalid JSON, empty, `null`) gets a repair turn too.
//!
//! Fixes over the original: a failed call (HTTP error, timeout, cut stream) ends
//! the run *keeping* the SQL, tokens and latency of the earlier attempts; `null` or
//! non-object JSON is a diagnosed reply, not a crash; invalid JSON is repaired
//! instead of ending the run.

use serde::{Deserialize, Serialize};

use crate::outcome::Outcome;
use crate::value::ResultSet;

use super::chat::{ChatRequest, Message};
use super::classify::{classify_answer, classify_rows};
use super::extract::{extract_json_answer, extract_naive, strip_think, Extracted};
use super::prompt::{
    agent_system_prompt, answer_json, baseline_user_prompt, history_messages, repair_after_no_sql,
    repair_after_sql_error, Turn,
};
use super::schema::{compact, SchemaInfo};
use super::trim::trim_for_question;

/// Which prompt strategy a run uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Strategy {
    /// The customer's naive prompt ("Convert this question to SQL").
    Baseline,
    /// Rules + trimmed schema + JSON mode + execute-and-repair.
    Agent { max_repairs: u32 },
}

impl Strategy {
    /// The original's repair budget: 2 repair turns, so at most 3 calls.
    pub const DEFAULT_MAX_REPAIRS: u32 = 2;

    /// The agent strategy with the default repair budget.
    pub fn agent() -> Strategy {
        Strategy::Agent {
            max_repairs: Self::DEFAULT_MAX_REPAIRS,
        }
    }

    /// Whether calls ask for a JSON object.
    pub fn json_mode(self) -> bool {
        matches!(self, Strategy::Agent { .. })
    }

    /// The most model calls a run can make.
    pub fn max_calls(self) -> u32 {
        match self {
            Strategy::Baseline => 1,
            Strategy::Agent { max_repairs } => max_repairs.saturating_add(1),
        }
    }

    /// A short name ("agent", "baseline") for logs and tables.
    pub fn short_name(self) -> &'static str {
        match self {
            Strategy::Baseline => "baseline",
            Strategy::Agent { .. } => "agent",
        }
    }

    /// What the strategy does, for panel headers.
    pub fn description(self) -> &'static str {
        match self {
            Strategy::Baseline => "Customer Baseline (no schema, no JSON, no repair)",
            Strategy::Agent { .. } => "Agent (schema + JSON + repair)",
        }
    }
}

/// A model reply as the driver received it (the answer text, not reasoning).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Reply {
    pub content: String,
    pub prompt_tokens: Option<u64>,
    pub completion_tokens: Option<u64>,
    /// Dispatch → end of the reply, as the driver measured it.
    pub latency_ms: Option<f64>,
    /// Dispatch → first content or reasoning delta.
    pub ttft_ms: Option<f64>,
}

/// A call that produced no usable reply: HTTP error, network/CORS, timeout, cut stream.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CallFailure {
    /// A transport class ([`Outcome::is_transport_failure`]).
    pub outcome: Outcome,
    /// What went wrong, for people (never containing a key).
    pub message: String,
    pub latency_ms: Option<f64>,
}

/// Everything about one model call of a run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AgentCall {
    /// The system prompt of this call carried a trimmed schema.
    pub trimmed_schema: bool,
    /// The reply, when the call succeeded.
    pub reply: Option<Reply>,
    /// The failure, when it did not.
    pub failure: Option<CallFailure>,
    /// What the reply yielded.
    pub extracted: Option<Extracted>,
    /// Rows returned by this call's SQL, when it ran.
    pub row_count: Option<usize>,
    /// The executor's error for this call's SQL, when it failed.
    pub sql_error: Option<String>,
}

impl AgentCall {
    pub fn latency_ms(&self) -> Option<f64> {
        match (&self.reply, &self.failure) {
            (Some(r), _) => r.latency_ms,
            (None, Some(f)) => f.latency_ms,
            (None, None) => None,
        }
    }
}

/// How a run ended.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AgentResult {
    pub strategy: Strategy,
    /// The last non-empty SQL the model gave (the one that ran, on success).
    pub sql: Option<String>,
    /// The last non-empty rationale.
    pub rationale: Option<String>,
    /// Rows of the SQL that ran; None when none did.
    pub result: Option<ResultSet>,
    /// What ended the run unsuccessfully; None on success.
    pub error: Option<String>,
    pub outcome: Outcome,
    /// Model calls made.
    pub attempts: u32,
    /// Repair turns sent.
    pub repairs: u32,
    /// Sums over the calls that reported usage (None when none did).
    pub prompt_tokens: Option<u64>,
    pub completion_tokens: Option<u64>,
    /// Whether the last reply was a JSON object; None for the baseline or without any reply.
    pub json_ok: Option<bool>,
    /// The first call's schema was trimmed.
    pub schema_trimmed: bool,
    /// Tables in the first call's schema (empty for the baseline).
    pub schema_tables: Vec<String>,
    /// Every call, in order, kept even when a later one failed.
    pub calls: Vec<AgentCall>,
}

impl AgentResult {
    /// Sum of the per-call latencies that are known (model time, excluding SQL
    /// execution and the driver's own work); None when none is.
    pub fn latency_ms(&self) -> Option<f64> {
        let known: Vec<f64> = self
            .calls
            .iter()
            .filter_map(AgentCall::latency_ms)
            .collect();
        (!known.is_empty()).then(|| known.iter().sum())
    }

    /// TTFT of the first call.
    pub fn first_ttft_ms(&self) -> Option<f64> {
        self.calls.first()?.reply.as_ref()?.ttft_ms
    }

    /// True when every reply reported both token counts (so the sums are complete).
    pub fn usage_complete(&self) -> bool {
        self.calls
            .iter()
            .filter_map(|c| c.reply.as_ref())
            .all(|r| r.prompt_tokens.is_some() && r.completion_tokens.is_some())
    }

    /// The exchange to remember for follow-up questions: only answers whose SQL ran.
    pub fn to_turn(&self, question: &str) -> Option<Turn> {
        let sql = self.sql.as_deref()?;
        self.result.as_ref()?;
        Some(Turn {
            question: question.to_string(),
            answer: answer_json(sql, self.rationale.as_deref()),
        })
    }
}

/// What the driver must do next.
#[derive(Debug, Clone, PartialEq)]
pub enum Step {
    /// Call the model with this request, then [`Agent::on_reply`].
    Call(ChatRequest),
    /// Run this SQL through the guarded executor, then [`Agent::on_executed`].
    Execute(String),
    /// Finished.
    Done(AgentResult),
}

/// The driver fed an event the machine was not waiting for (a driver bug).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("agent driver error: got {fed} while the agent was waiting for {waiting_for}")]
pub struct UnexpectedInput {
    pub fed: &'static str,
    pub waiting_for: &'static str,
}

/// One question, asked with one strategy. See the module documentation.
#[derive(Debug, Clone)]
pub struct Agent {
    strategy: Strategy,
    gold: Option<ResultSet>,
    messages: Vec<Message>,
    /// The full-schema system prompt, held back while the trimmed one is in use.
    full_system: Option<String>,
    trimmed_now: bool,
    schema_trimmed: bool,
    schema_tables: Vec<String>,
    calls: Vec<AgentCall>,
    repairs: u32,
    last_sql: Option<String>,
    last_rationale: Option<String>,
    last_json_ok: Option<bool>,
    pending: Step,
}

impl Agent {
    /// Starts a run. `history` is the conversation so far (agent strategy only;
    /// the last [`super::HISTORY_TURN_LIMIT`] messages are sent).
    pub fn new(strategy: Strategy, question: &str, schema: &SchemaInfo, history: &[Turn]) -> Agent {
        let question = question.trim();
        let mut agent = Agent {
            strategy,
            gold: None,
            messages: Vec::new(),
            full_system: None,
            trimmed_now: false,
            schema_trimmed: false,
            schema_tables: Vec::new(),
            calls: Vec::new(),
            repairs: 0,
            last_sql: None,
            last_rationale: None,
            last_json_ok: None,
            pending: Step::Execute(String::new()),
        };
        match strategy {
            Strategy::Baseline => agent
                .messages
                .push(Message::user(baseline_user_prompt(question))),
            Strategy::Agent { .. } => {
                let trim = trim_for_question(schema, question);
                if trim.fired {
                    agent.full_system = Some(agent_system_prompt(&compact(schema)));
                }
                agent.trimmed_now = trim.fired;
                agent.schema_trimmed = trim.fired;
                agent.schema_tables = trim.tables;
                agent
                    .messages
                    .push(Message::system(agent_system_prompt(&trim.text)));
                agent.messages.extend(history_messages(history));
                agent.messages.push(Message::user(question));
            }
        }
        agent.pending = if question.is_empty() {
            Step::Done(agent.result(
                Outcome::NoSql,
                Some("the question is empty".to_string()),
                None,
            ))
        } else {
            agent.call_step()
        };
        agent
    }

    /// Scores the final rows against `gold` (`Correct`/`WrongShape`/`WrongRows`
    /// instead of `Answered`).
    pub fn with_gold(mut self, gold: ResultSet) -> Agent {
        self.gold = Some(gold);
        self
    }

    /// The work to do now (the same until the driver reports back).
    pub fn next(&self) -> Step {
        self.pending.clone()
    }

    /// The result, once done.
    pub fn result_if_done(&self) -> Option<&AgentResult> {
        match &self.pending {
            Step::Done(r) => Some(r),
            _ => None,
        }
    }

    pub fn strategy(&self) -> Strategy {
        self.strategy
    }

    /// Tables in the first call's schema and whether it was trimmed.
    pub fn schema_used(&self) -> (&[String], bool) {
        (&self.schema_tables, self.schema_trimmed)
    }

    /// Reports the outcome of the pending [`Step::Call`].
    pub fn on_reply(&mut self, reply: Result<Reply, CallFailure>) -> Result<(), UnexpectedInput> {
        if !matches!(self.pending, Step::Call(_)) {
            return Err(self.unexpected("a model reply"));
        }
        let reply = match reply {
            Err(failure) => {
                let (outcome, message) = (failure.outcome, failure.message.clone());
                self.calls.push(self.record(None, Some(failure), None));
                self.pending = Step::Done(self.result(outcome, Some(message), None));
                return Ok(());
            }
            Ok(reply) => reply,
        };
        let json_mode = self.strategy.json_mode();
        let extracted = if json_mode {
            extract_json_answer(&reply.content)
        } else {
            extract_naive(&reply.content)
        };
        if let Some(sql) = &extracted.sql {
            self.last_sql = Some(sql.clone());
        }
        if let Some(r) = &extracted.rationale {
            self.last_rationale = Some(r.clone());
        }
        self.last_json_ok = json_mode.then_some(extracted.json_ok);
        if json_mode {
            let said = strip_think(&reply.content);
            if !said.trim().is_empty() {
                self.messages.push(Message::assistant(said.trim()));
            }
        }
        let sql = extracted.sql.clone();
        let problem = extracted
            .problem
            .clone()
            .unwrap_or_else(|| "no SQL found".to_string());
        self.calls
            .push(self.record(Some(reply), None, Some(extracted)));
        self.pending = match sql {
            Some(sql) => Step::Execute(sql),
            None if self.can_repair() => self.repair(repair_after_no_sql(&problem)),
            None => {
                let extracted = self.calls.last().and_then(|c| c.extracted.as_ref());
                let outcome = extracted.map_or(Outcome::NoSql, |e| {
                    classify_answer(e, json_mode, None, None)
                });
                let error = match self.strategy {
                    Strategy::Baseline => "model returned no extractable SQL".to_string(),
                    Strategy::Agent { .. } => format!("model returned no SQL: {problem}"),
                };
                Step::Done(self.result(outcome, Some(error), None))
            }
        };
        Ok(())
    }

    /// Reports what the executor returned for the pending [`Step::Execute`].
    pub fn on_executed(
        &mut self,
        executed: Result<ResultSet, String>,
    ) -> Result<(), UnexpectedInput> {
        if !matches!(self.pending, Step::Execute(_)) {
            return Err(self.unexpected("an execution result"));
        }
        let call = self.calls.last_mut();
        self.pending = match executed {
            Ok(rows) => {
                if let Some(c) = call {
                    c.row_count = Some(rows.rows.len());
                }
                let outcome = classify_rows(&rows, self.gold.as_ref());
                Step::Done(self.result(outcome, None, Some(rows)))
            }
            Err(error) => {
                if let Some(c) = call {
                    c.sql_error = Some(error.clone());
                }
                if self.can_repair() {
                    self.repair(repair_after_sql_error(&error))
                } else {
                    Step::Done(self.result(Outcome::SqlError, Some(error), None))
                }
            }
        };
        Ok(())
    }

    fn can_repair(&self) -> bool {
        match self.strategy {
            Strategy::Baseline => false,
            Strategy::Agent { max_repairs } => self.repairs < max_repairs,
        }
    }

    /// Appends a repair turn (swapping in the full schema on the first one when the
    /// trim fired) and asks for the next call.
    fn repair(&mut self, text: String) -> Step {
        self.repairs += 1;
        if let Some(full) = self.full_system.take() {
            if let Some(first) = self.messages.first_mut() {
                *first = Message::system(full);
            }
            self.trimmed_now = false;
        }
        self.messages.push(Message::user(text));
        self.call_step()
    }

    fn call_step(&self) -> Step {
        Step::Call(ChatRequest {
            messages: self.messages.clone(),
            json_mode: self.strategy.json_mode(),
        })
    }

    fn record(
        &self,
        reply: Option<Reply>,
        failure: Option<CallFailure>,
        extracted: Option<Extracted>,
    ) -> AgentCall {
        AgentCall {
            trimmed_schema: self.trimmed_now,
            reply,
            failure,
            extracted,
            row_count: None,
            sql_error: None,
        }
    }

    fn result(
        &self,
        outcome: Outcome,
        error: Option<String>,
        rows: Option<ResultSet>,
    ) -> AgentResult {
        let sum = |f: fn(&Reply) -> Option<u64>| {
            let known: Vec<u64> = self
                .calls
                .iter()
                .filter_map(|c| c.reply.as_ref().and_then(f))
                .collect();
            (!known.is_empty()).then(|| known.iter().sum())
        };
        AgentResult {
            strategy: self.strategy,
            sql: self.last_sql.clone(),
            rationale: self.last_rationale.clone(),
            result: rows,
            error,
            outcome,
            attempts: self.calls.len() as u32,
            repairs: self.repairs,
            prompt_tokens: sum(|r| r.prompt_tokens),
            completion_tokens: sum(|r| r.completion_tokens),
            json_ok: self.last_json_ok,
            schema_trimmed: self.schema_trimmed,
            schema_tables: self.schema_tables.clone(),
            calls: self.calls.clone(),
        }
    }

    fn unexpected(&self, fed: &'static str) -> UnexpectedInput {
        let waiting_for = match self.pending {
            Step::Call(_) => "a model reply",
            Step::Execute(_) => "an execution result",
            Step::Done(_) => "nothing (it is done)",
        };
        UnexpectedInput { fed, waiting_for }
    }
}

#[cfg(test)]
mod tests {
    use super::super::chat::Role;
    use super::super::schema::tests::table;
    use super::*;
    use crate::value::Cell;

    /// Album → Artist, Track → Album, and an unrelated Customer: "albums by artist" trims.
    fn schema() -> SchemaInfo {
        SchemaInfo {
            tables: vec![
                table(
                    "Album",
                    &[("AlbumId", "INTEGER", true), ("ArtistId", "INTEGER", false)],
                    &[("ArtistId", "Artist", "ArtistId")],
                ),
                table(
                    "Artist",
                    &[
                        ("ArtistId", "INTEGER", true),
                        ("Name", "NVARCHAR(120)", false),
                    ],
                    &[],
                ),
                table("Customer", &[("CustomerId", "INTEGER", true)], &[]),
                table(
                    "Track",
                    &[("TrackId", "INTEGER", true), ("AlbumId", "INTEGER", false)],
                    &[("AlbumId", "Album", "AlbumId")],
                ),
            ],
        }
    }

    fn rows(n: i64) -> ResultSet {
        ResultSet {
            columns: vec!["n".into()],
            rows: vec![vec![Cell::Integer(n)]],
            truncated: false,
        }
    }

    /// One scripted event: what the fake model or the fake executor answers.
    enum Ev {
        Says(&'static str, u64, u64),
        Fails(Outcome),
        Runs(i64),
        Errs(&'static str),
    }
    use Ev::*;

    /// What the driver saw: for each call (json_mode, message roles, system prompt
    /// has the full schema, last message); for each execution the SQL.
    #[derive(Debug, Default)]
    struct Seen {
        calls: Vec<(bool, Vec<Role>, bool, String)>,
        executed: Vec<String>,
    }

    fn drive(
        strategy: Strategy,
        question: &str,
        history: &[Turn],
        script: Vec<Ev>,
    ) -> (AgentResult, Seen) {
        let mut agent = Agent::new(strategy, question, &schema(), history).with_gold(rows(1));
        let mut script = script.into_iter();
        let mut seen = Seen::default();
        loop {
            match agent.next() {
                Step::Call(req) => {
                    let system_full = req.messages[0].content.contains("Customer(");
                    let last = req
                        .messages
                        .last()
                        .map(|m| m.content.clone())
                        .unwrap_or_default();
                    seen.calls.push((
                        req.json_mode,
                        req.messages.iter().map(|m| m.role).collect(),
                        system_full,
                        last,
                    ));
                    let reply = match script.next() {
                        Some(Says(content, pt, ct)) => Ok(Reply {
                            content: content.to_string(),
                            prompt_tokens: Some(pt),
                            completion_tokens: Some(ct),
                            latency_ms: Some(100.0),
                            ttft_ms: Some(40.0),
                        }),
                        Some(Fails(outcome)) => Err(CallFailure {
                            outcome,
                            message: format!("{outcome:?} from provider"),
                            latency_ms: Some(7.0),
                        }),
                        _ => panic!("script has no reply for call {}", seen.calls.len()),
                    };
                    agent.on_reply(reply).unwrap();
                }
                Step::Execute(sql) => {
                    seen.executed.push(sql);
                    let result = match script.next() {
                        Some(Runs(n)) => Ok(rows(n)),
                        Some(Errs(e)) => Err(e.to_string()),
                        _ => panic!("script has no execution result"),
                    };
                    agent.on_executed(result).unwrap();
                }
                Step::Done(result) => {
                    assert!(script.next().is_none(), "script not used up");
                    return (result, seen);
                }
            }
        }
    }

    struct Expect {
        outcome: Outcome,
        attempts: u32,
        repairs: u32,
        sql: Option<&'static str>,
        error: Option<&'static str>,
        tokens: (Option<u64>, Option<u64>),
        json_ok: Option<bool>,
        latency: Option<f64>,
        executed: usize,
    }

    fn check(name: &str, strategy: Strategy, script: Vec<Ev>, e: Expect) -> (AgentResult, Seen) {
        let (r, seen) = drive(strategy, "List the albums of each artist", &[], script);
        assert_eq!(r.outcome, e.outcome, "{name}: outcome");
        assert_eq!(r.attempts, e.attempts, "{name}: attempts");
        assert_eq!(r.calls.len() as u32, e.attempts, "{name}: call records");
        assert_eq!(r.repairs, e.repairs, "{name}: repairs");
        assert_eq!(r.sql.as_deref(), e.sql, "{name}: sql");
        match e.error {
            Some(needle) => assert!(
                r.error.as_deref().is_some_and(|x| x.contains(needle)),
                "{name}: error {:?}",
                r.error
            ),
            None => assert_eq!(r.error, None, "{name}: error"),
        }
        assert_eq!(
            (r.prompt_tokens, r.completion_tokens),
            e.tokens,
            "{name}: tokens"
        );
        assert_eq!(r.json_ok, e.json_ok, "{name}: json_ok");
        assert_eq!(r.latency_ms(), e.latency, "{name}: latency");
        assert_eq!(seen.executed.len(), e.executed, "{name}: executions");
        assert_eq!(
            r.result.is_some(),
            matches!(
                r.outcome,
                Outcome::Correct | Outcome::WrongRows | Outcome::WrongShape | Outcome::Answered
            ),
            "{name}: result"
        );
        (r, seen)
    }

    const GOOD: &str = r#"{"sql": "SELECT 1;", "rationale": "one"}"#;
    const FIXED: &str = r#"{"sql": "SELECT 2", "rationale": "fixed"}"#;

    #[rustfmt::skip]
    #[test]
    fn scripted_runs() {
        let agent = Strategy::agent();
        let x = |outcome, attempts, repairs, sql, error, tokens, json_ok, latency, executed| Expect {
            outcome, attempts, repairs, sql, error, tokens, json_ok, latency, executed,
        };
        use Outcome::*;
        check("good first time", agent, vec![Says(GOOD, 500, 20), Runs(1)],
            x(Correct, 1, 0, Some("SELECT 1"), None, (Some(500), Some(20)), Some(true), Some(100.0), 1));
        check("wrong rows", agent, vec![Says(GOOD, 500, 20), Runs(7)],
            x(WrongRows, 1, 0, Some("SELECT 1"), None, (Some(500), Some(20)), Some(true), Some(100.0), 1));
        check("prose, then good", agent, vec![Says("I think you want albums.", 500, 9), Says(FIXED, 600, 20), Runs(1)],
            x(Correct, 2, 1, Some("SELECT 2"), None, (Some(1100), Some(29)), Some(true), Some(200.0), 1));
        check("fenced instead of JSON runs anyway", agent, vec![Says("```sql\nSELECT 3\n```", 500, 9), Runs(1)],
            x(Correct, 1, 0, Some("SELECT 3"), None, (Some(500), Some(9)), Some(false), Some(100.0), 1));
        check("SQL error, then repaired", agent, vec![Says(GOOD, 500, 20), Errs("no such table: sales"), Says(FIXED, 700, 21), Runs(1)],
            x(Correct, 2, 1, Some("SELECT 2"), None, (Some(1200), Some(41)), Some(true), Some(200.0), 2));
        check("transport failure on the 2nd call keeps the 1st", agent, vec![Says(GOOD, 500, 20), Errs("no such table: sales"), Fails(RateLimited)],
            x(RateLimited, 2, 1, Some("SELECT 1"), Some("RateLimited from provider"), (Some(500), Some(20)), Some(true), Some(107.0), 1));
        check("transport failure on the 1st call", agent, vec![Fails(Unauthorized)],
            x(Unauthorized, 1, 0, None, Some("Unauthorized"), (None, None), None, Some(7.0), 0));
        check("three SQL errors", agent, vec![Says(GOOD, 1, 1), Errs("e1"), Says(GOOD, 1, 1), Errs("e2"), Says(FIXED, 1, 1), Errs("e3")],
            x(SqlError, 3, 2, Some("SELECT 2"), Some("e3"), (Some(3), Some(3)), Some(true), Some(300.0), 3));
        check("null three times", agent, vec![Says("null", 1, 1), Says("null", 1, 1), Says("null", 1, 1)],
            x(InvalidJson, 3, 2, None, Some("JSON null, not an object"), (Some(3), Some(3)), Some(false), Some(300.0), 0));
        check("empty three times", agent, vec![Says("", 1, 0), Says("<think>…", 1, 0), Says(" ", 1, 0)],
            x(NoSql, 3, 2, None, Some("the reply is empty"), (Some(3), Some(0)), Some(false), Some(300.0), 0));
        check("object without sql, no repairs allowed", Strategy::Agent { max_repairs: 0 }, vec![Says(r#"{"answer": 3}"#, 1, 1)],
            x(NoSql, 1, 0, None, Some("no \"sql\" field"), (Some(1), Some(1)), Some(true), Some(100.0), 0));
        check("baseline fenced", Strategy::Baseline, vec![Says("```sql\nSELECT 1;\n```", 20, 30), Runs(1)],
            x(Correct, 1, 0, Some("SELECT 1"), None, (Some(20), Some(30)), None, Some(100.0), 1));
        check("baseline prose fails in SQLite, no repair", Strategy::Baseline, vec![Says("Assuming a sales table…", 20, 30), Errs("near \"Assuming\": syntax error")],
            x(SqlError, 1, 0, Some("Assuming a sales table…"), Some("syntax error"), (Some(20), Some(30)), None, Some(100.0), 1));
        check("baseline nothing", Strategy::Baseline, vec![Says("", 20, 0)],
            x(NoSql, 1, 0, None, Some("model returned no extractable SQL"), (Some(20), Some(0)), None, Some(100.0), 0));
    }

    #[rustfmt::skip]
    #[test]
    fn conversation_shape() {
        use Role::*;
        // Trimmed first, full schema from the first repair on; assistant turns kept.
        let (r, seen) = check("shape", Strategy::agent(),
            vec![Says("<think>hm</think>nope", 1, 1), Says(GOOD, 1, 1), Errs("no such column: x"), Says(FIXED, 1, 1), Runs(1)],
            Expect { outcome: Outcome::Correct, attempts: 3, repairs: 2, sql: Some("SELECT 2"), error: None,
                     tokens: (Some(3), Some(3)), json_ok: Some(true), latency: Some(300.0), executed: 2 });
        assert!(r.schema_trimmed);
        assert_eq!(r.schema_tables, vec!["Album", "Artist"]);
        assert_eq!(r.calls.iter().map(|c| c.trimmed_schema).collect::<Vec<_>>(), vec![true, false, false]);
        assert_eq!(r.calls[1].sql_error.as_deref(), Some("no such column: x"));
        assert_eq!(r.calls[2].row_count, Some(1));
        let shapes: Vec<(bool, Vec<Role>, bool)> = seen.calls.iter().map(|(j, roles, full, _)| (*j, roles.clone(), *full)).collect();
        assert_eq!(shapes, vec![
            (true, vec![System, User], false),
            (true, vec![System, User, Assistant, User], true),
            (true, vec![System, User, Assistant, User, Assistant, User], true),
        ]);
        assert!(seen.calls[1].3.starts_with("Your reply did not contain a usable query: the reply is not valid JSON"));
        assert!(seen.calls[2].3.starts_with("Your query failed: no such column: x\n"));
        assert_eq!(r.first_ttft_ms(), Some(40.0));
        assert!(r.usage_complete());
        let turn = r.to_turn("List the albums of each artist").unwrap();
        assert_eq!(turn.answer, r#"{"sql":"SELECT 2","rationale":"fixed"}"#);
    }

    #[test]
    fn no_trim_means_no_swap_and_history_is_sent() {
        let history: Vec<Turn> = (0..4)
            .map(|i| Turn {
                question: format!("q{i}"),
                answer: format!("a{i}"),
            })
            .collect();
        let (r, seen) = drive(
            Strategy::agent(),
            "how many customers?",
            &history,
            vec![Says(GOOD, 1, 1), Errs("boom"), Says(FIXED, 1, 1), Runs(2)],
        );
        assert!(!r.schema_trimmed);
        assert_eq!(r.outcome, Outcome::WrongRows);
        assert!(seen.calls.iter().all(|c| c.2), "full schema on every call");
        assert_eq!(
            seen.calls[0].1.len(),
            1 + 6 + 1,
            "system + 6 history messages + question"
        );
        assert_eq!(seen.calls[0].3, "how many customers?");
        // The baseline sends no history and no system prompt.
        let (_, seen) = drive(
            Strategy::Baseline,
            "how many customers?",
            &history,
            vec![Says("SELECT 1", 1, 1), Runs(1)],
        );
        assert_eq!(seen.calls[0].1, vec![Role::User]);
        assert!(!seen.calls[0].0, "baseline is not JSON mode");
        assert_eq!(
            seen.calls[0].3,
            "Convert this question to SQL:\nhow many customers?"
        );
    }

    #[test]
    fn edge_cases() {
        let s = schema();
        let a = Agent::new(Strategy::agent(), "   ", &s, &[]);
        let r = a
            .result_if_done()
            .expect("an empty question is done at once");
        assert_eq!(
            (r.outcome, r.attempts, r.error.as_deref()),
            (Outcome::NoSql, 0, Some("the question is empty"))
        );

        let mut a = Agent::new(Strategy::agent(), "albums", &s, &[]);
        let err = a.on_executed(Ok(rows(1))).unwrap_err();
        assert_eq!(err.to_string(), "agent driver error: got an execution result while the agent was waiting for a model reply");
        a.on_reply(Ok(Reply {
            content: GOOD.into(),
            ..Reply::default()
        }))
        .unwrap();
        assert!(a.on_reply(Ok(Reply::default())).is_err());
        a.on_executed(Ok(rows(1))).unwrap();
        assert!(a.on_executed(Ok(rows(1))).is_err());
        let r = a.result_if_done().unwrap();
        assert_eq!(r.outcome, Outcome::Answered, "no gold given");
        assert_eq!(
            (r.prompt_tokens, r.latency_ms()),
            (None, None),
            "nothing reported, nothing invented"
        );
        assert!(!r.usage_complete());

        let cases = [
            (Strategy::Baseline, 1, false),
            (Strategy::agent(), 3, true),
            (
                Strategy::Agent {
                    max_repairs: u32::MAX,
                },
                u32::MAX,
                true,
            ),
        ];
        for (strategy, calls, json) in cases {
            assert_eq!(
                (strategy.max_calls(), strategy.json_mode()),
                (calls, json),
                "{strategy:?}"
            );
        }
        let json = serde_json::to_string(&Strategy::agent()).unwrap();
        assert_eq!(json, r#"{"kind":"agent","max_repairs":2}"#);
    }
}
