//! `sqlsweep ask`: the interactive text-to-SQL REPL over any SQLite file (Chinook by
//! default) — the original benchmark's main CLI experience, through the same agent
//! state machine, transport and guarded executor as every sweep.
//!
//! Follow-up questions carry the conversation (the last six messages, as the
//! original); `reset` forgets it, `schema` prints what the model sees, `help`, and
//! `exit` / `quit` / `q`. Each answer shows the SQL, a result table, the verdict when
//! the question is a gold one, and timings (TTFT, model time, wall time).

use std::io::{BufRead, IsTerminal, Write};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use clap::ValueEnum;
use sqlsweep_core::agent::schema::compact;
use sqlsweep_core::agent::{Agent, AgentResult, SchemaInfo, Step, Strategy, Turn};
use sqlsweep_core::catalog;
use sqlsweep_core::engine::progress::duration_text;
use sqlsweep_core::exec::{GuardedDb, Limits};
use sqlsweep_core::gold::GoldSet;
use sqlsweep_core::live::bridge::agent_body;
use sqlsweep_core::live::request::Provider;
use sqlsweep_core::live::retry::RetryPolicy;
use sqlsweep_core::outcome::Outcome;
use sqlsweep_core::value::ResultSet;

use crate::http::{Clock, Transport};
use crate::inputs::{schema_of, DataArgs};
use crate::runner;
use crate::target::{Target, TargetArgs};

/// Exchanges kept for follow-ups (the agent sends only the last six messages).
const HISTORY_KEPT: usize = 50;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum StrategyArg {
    /// Rules + trimmed schema + JSON mode + execute-and-repair.
    Agent,
    /// The customer's naive prompt (no schema, no JSON mode, no repair).
    Baseline,
}

/// Ask questions about a SQLite database in plain words.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub target: TargetArgs,
    /// Model id [default: the provider's default model; required for a custom endpoint]
    #[arg(long, value_name = "ID")]
    pub model: Option<String>,
    #[arg(long, value_enum, default_value = "agent")]
    pub strategy: StrategyArg,
    /// Time budget of one HTTP attempt, in seconds
    #[arg(long, value_name = "SECONDS", default_value_t = 120.0)]
    pub timeout_s: f64,
    /// Retries per model call (429, 5xx, connection errors)
    #[arg(long, default_value_t = 2)]
    pub retries: u32,
    /// Rows shown per answer
    #[arg(long, default_value_t = 20)]
    pub show_rows: usize,
    #[command(flatten)]
    pub data: DataArgs,
}

const HELP: &str = "Type a question about the database, or a command:
  schema   the schema the model sees
  reset    forget the conversation (follow-ups use the last 3 exchanges)
  help     this text
  exit     leave (also quit, q, or end of input)";

pub fn run(args: Args) -> Result<ExitCode, String> {
    let target = args.target.resolve()?;
    let model = match (&args.model, &target.endpoint.provider) {
        (Some(m), _) => m.clone(),
        (None, Provider::Fireworks) => catalog::fireworks().default_model,
        (None, Provider::Baseten) => catalog::baseten().default_model,
        (None, Provider::Custom) => return Err("give --model ID for a custom endpoint".into()),
    };
    if !(args.timeout_s > 0.0 && args.timeout_s.is_finite()) {
        return Err("--timeout-s must be a positive number of seconds".into());
    }
    let db_path = args.data.db_path()?;
    let schema = schema_of(&db_path)?;
    let db = GuardedDb::open_path(&db_path).map_err(|e| e.to_string())?;
    // Gold questions give a verdict when asked verbatim; without gold files, none.
    let gold = args.data.gold().ok();
    let rt = runner::runtime()?;
    let clock = Clock::new();
    let transport = runner::transport(
        &target.endpoint,
        (args.timeout_s * 1000.0).round() as u64,
        clock,
    )?;
    let session = Session {
        target,
        model,
        strategy: match args.strategy {
            StrategyArg::Agent => Strategy::agent(),
            StrategyArg::Baseline => Strategy::Baseline,
        },
        schema,
        db,
        gold,
        transport,
        policy: RetryPolicy {
            max_retries: args.retries,
            ..RetryPolicy::default()
        },
        show_rows: args.show_rows,
        rt,
    };
    let interactive = std::io::stdin().is_terminal();
    println!(
        "sqlsweep ask · {} at {} · {} ({} tables) · {}",
        session.model,
        session.target.endpoint.host(),
        db_path.display(),
        session.schema.tables.len(),
        session.strategy.description()
    );
    println!("Type a question, or help.");
    let mut history: Vec<Turn> = Vec::new();
    let stdin = std::io::stdin();
    let mut lines = stdin.lock().lines();
    loop {
        if interactive {
            print!("sql> ");
            let _ = std::io::stdout().flush();
        }
        let Some(line) = lines.next() else { break };
        let line = line.map_err(|e| format!("cannot read the input: {e}"))?;
        let input = line.trim();
        match input.to_ascii_lowercase().as_str() {
            "" => continue,
            "exit" | "quit" | "q" => break,
            "help" => println!("{HELP}"),
            "reset" => {
                history.clear();
                println!("(conversation cleared)");
            }
            "schema" => println!("{}", compact(&session.schema)),
            _ => {
                let answer = session.ask(input, &history);
                println!("{}", answer.text);
                if let Some(turn) = answer.result.to_turn(input) {
                    history.push(turn);
                    if history.len() > HISTORY_KEPT {
                        history.remove(0);
                    }
                }
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

struct Session {
    target: Target,
    model: String,
    strategy: Strategy,
    schema: SchemaInfo,
    db: GuardedDb,
    gold: Option<GoldSet>,
    transport: std::sync::Arc<Transport>,
    policy: RetryPolicy,
    show_rows: usize,
    rt: tokio::runtime::Runtime,
}

struct Answer {
    result: AgentResult,
    text: String,
}

impl Session {
    fn ask(&self, question: &str, history: &[Turn]) -> Answer {
        let started = Instant::now();
        let gold = self.gold.as_ref().and_then(|g| {
            g.questions
                .iter()
                .find(|q| q.question.trim().eq_ignore_ascii_case(question))
        });
        let mut agent = Agent::new(self.strategy, question, &self.schema, history);
        if let Some(g) = gold {
            agent = agent.with_gold(g.expected.clone());
        }
        let mut http_attempts = 0;
        let result = loop {
            let fed = match agent.next() {
                Step::Call(req) => {
                    let body = agent_body(&self.target.endpoint, &self.model, &req);
                    let call = self.rt.block_on(self.transport.call(
                        &self.target.auth,
                        &self.target.key,
                        &body,
                        &self.policy,
                        &mut |_| {},
                    ));
                    http_attempts += call.attempts.len();
                    agent.on_reply(call.record.to_agent_reply())
                }
                Step::Execute(sql) => {
                    let rows = self
                        .db
                        .run(&sql, &Limits::default())
                        .map_err(|e| e.to_string());
                    agent.on_executed(rows)
                }
                Step::Done(result) => break result,
            };
            if let Err(e) = fed {
                // A driver bug; say so instead of looping.
                let mut r = agent
                    .result_if_done()
                    .cloned()
                    .unwrap_or_else(|| empty_result(self.strategy));
                r.error = Some(e.to_string());
                break r;
            }
        };
        let text = render_answer(
            &result,
            gold.map(|g| g.id.as_str()),
            self.show_rows,
            started.elapsed(),
            http_attempts,
        );
        Answer { result, text }
    }
}

fn empty_result(strategy: Strategy) -> AgentResult {
    AgentResult {
        strategy,
        sql: None,
        rationale: None,
        result: None,
        error: None,
        outcome: Outcome::NoSql,
        attempts: 0,
        repairs: 0,
        prompt_tokens: None,
        completion_tokens: None,
        json_ok: None,
        schema_trimmed: false,
        schema_tables: Vec::new(),
        calls: Vec::new(),
    }
}

/// The answer as printed: SQL, table, verdict, timings.
fn render_answer(
    r: &AgentResult,
    gold_id: Option<&str>,
    show_rows: usize,
    wall: Duration,
    http_attempts: usize,
) -> String {
    let mut out = String::new();
    match &r.sql {
        Some(sql) => out.push_str(&format!("SQL: {sql}\n")),
        None => out.push_str("SQL: (the model returned no SQL)\n"),
    }
    match (&r.result, &r.error) {
        (Some(rows), _) => out.push_str(&render_table(rows, show_rows)),
        (None, Some(e)) => out.push_str(&format!("✗ {e}\n")),
        (None, None) => out.push_str("(no rows)\n"),
    }
    if let Some(id) = gold_id {
        let verdict = if r.outcome == Outcome::Correct {
            format!("✓ matches the gold answer of {id}")
        } else {
            format!(
                "✗ does not match the gold answer of {id} ({})",
                r.outcome.label()
            )
        };
        out.push_str(&verdict);
        out.push('\n');
    }
    let ttft = r
        .first_ttft_ms()
        .map_or_else(|| "—".to_string(), duration_text);
    let model_time = r
        .latency_ms()
        .map_or_else(|| "—".to_string(), duration_text);
    let tokens = match (r.prompt_tokens, r.completion_tokens) {
        (Some(p), Some(c)) => format!("{p}/{c}"),
        _ => "unknown".to_string(),
    };
    out.push_str(&format!(
        "time: TTFT {ttft} · model {model_time} · total {} · tokens {tokens} · {} call(s), {} repair(s), {} HTTP attempt(s)",
        duration_text(wall.as_secs_f64() * 1000.0),
        r.attempts,
        r.repairs,
        http_attempts
    ));
    out
}

/// A plain-text table of at most `max_rows` rows, with a note for the rest.
pub fn render_table(rows: &ResultSet, max_rows: usize) -> String {
    const MAX_CELL: usize = 40;
    if rows.columns.is_empty() && rows.rows.is_empty() {
        return "(empty result set)\n".to_string();
    }
    let cut = |s: String| {
        if s.chars().count() > MAX_CELL {
            let mut t: String = s.chars().take(MAX_CELL - 1).collect();
            t.push('…');
            t
        } else {
            s
        }
    };
    let shown: Vec<Vec<String>> = rows
        .rows
        .iter()
        .take(max_rows)
        .map(|r| r.iter().map(|c| cut(c.display())).collect())
        .collect();
    let header: Vec<String> = rows.columns.iter().map(|c| cut(c.clone())).collect();
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for r in &shown {
        for (i, c) in r.iter().enumerate() {
            if i < widths.len() {
                widths[i] = widths[i].max(c.chars().count());
            } else {
                widths.push(c.chars().count());
            }
        }
    }
    let line = |cells: &[String]| {
        let parts: Vec<String> = widths
            .iter()
            .enumerate()
            .map(|(i, w)| {
                let c = cells.get(i).map_or("", String::as_str);
                format!("{c}{}", " ".repeat(w - c.chars().count()))
            })
            .collect();
        format!("{}\n", parts.join(" | ").trim_end())
    };
    let mut out = line(&header);
    let rule: Vec<String> = widths.iter().map(|w| "-".repeat(*w)).collect();
    out.push_str(&format!("{}\n", rule.join("-+-")));
    for r in &shown {
        out.push_str(&line(r));
    }
    let total = rows.rows.len();
    if total == 0 {
        out.push_str("(empty result set)\n");
    } else if total > shown.len() {
        out.push_str(&format!("… ({} more rows)\n", total - shown.len()));
    }
    if rows.truncated {
        out.push_str("(stopped at the row cap: the query returns more rows)\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use sqlsweep_core::value::Cell;

    fn rs(columns: &[&str], rows: Vec<Vec<Cell>>, truncated: bool) -> ResultSet {
        ResultSet {
            columns: columns.iter().map(|c| c.to_string()).collect(),
            rows,
            truncated,
        }
    }

    fn check(rows: ResultSet, max: usize, expected: &str) {
        assert_eq!(render_table(&rows, max), expected);
    }

    #[test]
    fn tables() {
        use Cell::*;
        check(
            rs(
                &["Genre", "Total"],
                vec![
                    vec![Text("Rock".into()), Real(826.65)],
                    vec![Text("Alternative & Punk".into()), Real(241.56)],
                    vec![Null, Integer(3)],
                ],
                false,
            ),
            2,
            "Genre              | Total\n\
             -------------------+-------\n\
             Rock               | 826.65\n\
             Alternative & Punk | 241.56\n\
             … (1 more rows)\n",
        );
        check(rs(&["n"], vec![], false), 5, "n\n-\n(empty result set)\n");
        check(rs(&[], vec![], false), 5, "(empty result set)\n");
        check(
            rs(&["n"], vec![vec![Integer(1)]], true),
            5,
            "n\n-\n1\n(stopped at the row cap: the query returns more rows)\n",
        );
        let long = "x".repeat(50);
        check(
            rs(&["s"], vec![vec![Text(long)]], false),
            5,
            &format!("s\n{}\n{}…\n", "-".repeat(40), "x".repeat(39)),
        );
    }
}
