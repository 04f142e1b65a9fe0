//! What the browser's `#/run` does with a run, natively and deterministically: the
//! engine driven over the real gold set and Chinook (a scripted provider whose
//! answers go through core's SSE call machine in uneven chunks, SQL through the
//! guarded executor), every finished trace appended to a checkpoint journal one line
//! at a time, a "reload" halfway that replays the journal and resumes, then the
//! export (`sweep::to_json`). The exported file must load back unchanged, and
//! `verify` — the code behind `sqlsweep verify` — must agree with every score and
//! reproduce every recorded row set.
#![cfg(feature = "sqlite")]

mod common;

use std::collections::HashSet;

use serde_json::Value;
use sqlsweep_core::engine::checkpoint::{journal, replay, trace_line};
use sqlsweep_core::engine::form::RunForm;
use sqlsweep_core::engine::{Action, CallId, Engine, Event, RunContext};
use sqlsweep_core::exec::{GuardedDb, Limits};
use sqlsweep_core::gold::GoldSet;
use sqlsweep_core::live::request::Endpoint;
use sqlsweep_core::live::stream::{CallMachine, CallRecord};
use sqlsweep_core::sweep::{self, SweepFile};
use sqlsweep_core::value::ResultSet;
use sqlsweep_core::verify::{verify_sweep, LimitedRunner};

/// The SQL a scripted model answers for a question of `model`: the gold SQL, except a
/// wrong result for q_003 and failing SQL for s_002 (as the e2e fixture's overrides).
fn answer(gold: &GoldSet, qid: &str) -> String {
    match qid {
        "q_003" => "SELECT 1 AS wrong".to_string(),
        "s_002" => "SELECT * FROM NoSuchTable".to_string(),
        _ => gold.get(qid).expect("gold question").gold_sql.clone(),
    }
}

/// The record a browser transport would make of a streamed answer sent at `t`:
/// the body split into chunks of `chunk` bytes, one every 3 ms.
fn streamed(t: f64, content: &str, chunk: usize) -> (CallRecord, f64) {
    let mut m = CallMachine::new(t);
    m.headers(t + 5.0, 200, |_| None);
    let mut body = String::new();
    let chars: Vec<char> = content.chars().collect();
    for piece in chars.chunks(7) {
        let text: String = piece.iter().collect();
        let delta = serde_json::json!({
            "choices": [{ "index": 0, "delta": { "content": text } }]
        });
        body.push_str(&format!("data: {delta}\n\n"));
    }
    body.push_str(
        "data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}],\
         \"usage\":{\"prompt_tokens\":700,\"completion_tokens\":60}}\n\ndata: [DONE]\n\n",
    );
    let mut now = t + 40.0;
    for bytes in body.as_bytes().chunks(chunk) {
        m.body(now, bytes);
        now += 3.0;
    }
    m.end(now, true);
    (m.finish(), now)
}

/// What comes back to the engine: a model call's record or an execution's result.
enum Reply {
    Call(Box<CallRecord>),
    Rows(Result<ResultSet, String>),
}

/// Runs `engine` until done or until `stop_after` traces finished in this session;
/// every finished trace is appended to `journal_text`. Returns traces finished.
fn drive(
    engine: &mut Engine,
    gold: &GoldSet,
    db: &GuardedDb,
    journal_text: &mut String,
    stop_after: Option<usize>,
    clock: &mut f64,
) -> usize {
    let limits = Limits {
        max_vm_steps: engine.spec().limits.max_vm_steps,
        max_rows: engine.spec().limits.max_rows,
    };
    let mut finished = 0;
    // Requests in flight: (due time, id, what).
    let mut pending: Vec<(f64, CallId, Reply)> = Vec::new();
    for round in 0..10_000 {
        assert!(round < 9_999, "the run did not end");
        for action in engine.poll(*clock) {
            match action {
                Action::Send {
                    call_id, qid, body, ..
                } => {
                    assert_eq!(body["stream"], Value::Bool(true));
                    let content =
                        serde_json::json!({ "sql": answer(gold, &qid), "rationale": "scripted" })
                            .to_string();
                    let chunk = 1 + (call_id.0 as usize * 13) % 61;
                    let (record, end) = streamed(*clock, &content, chunk);
                    pending.push((end, call_id, Reply::Call(Box::new(record))));
                }
                Action::Execute { call_id, sql } => {
                    let result = db.run(&sql, &limits).map_err(|e| e.to_string());
                    pending.push((*clock + 2.0, call_id, Reply::Rows(result)));
                }
                Action::WakeAt(t) => *clock = clock.max(t),
                Action::Done => {
                    for e in engine.take_events() {
                        if let Event::TraceFinished { model, trace } = e {
                            journal_text.push_str(&trace_line(&model, &trace));
                            finished += 1;
                        }
                    }
                    return finished;
                }
            }
        }
        for e in engine.take_events() {
            if let Event::TraceFinished { model, trace } = e {
                journal_text.push_str(&trace_line(&model, &trace));
                finished += 1;
            }
        }
        if stop_after.is_some_and(|n| finished >= n) {
            // The page goes away: whatever is in flight is lost.
            return finished;
        }
        pending.sort_by(|a, b| a.0.total_cmp(&b.0));
        if pending.is_empty() {
            continue;
        }
        let (due, id, what) = pending.remove(0);
        *clock = clock.max(due);
        match what {
            Reply::Call(record) => engine.on_call_finished(*clock, id, *record).unwrap(),
            Reply::Rows(result) => engine.on_executed(*clock, id, result).unwrap(),
        }
    }
    finished
}

fn traces(s: &SweepFile) -> usize {
    s.models.iter().map(|m| m.traces.len()).sum()
}

#[test]
fn a_browser_run_resumes_exports_reloads_and_verifies() {
    let Some(dir) = common::reference_dir() else {
        return;
    };
    let gold = common::gold(&dir);
    let db = GuardedDb::open_bytes(&common::read(&dir, "Chinook.db")).expect("Chinook opens");
    let schema = db.schema().expect("schema");

    let form = RunForm {
        models: "scripted-a\nscripted-b".into(),
        ..RunForm::default()
    };
    let spec = || {
        form.to_spec(
            Endpoint::custom("http://127.0.0.1:9/v1").unwrap(),
            &gold,
            None,
            RunContext {
                label: Some("your run · one-shot on 127.0.0.1:9 · 12:00:00".into()),
                tool_version: "sqlsweep-web 0.1.0".into(),
                user_agent: Some("Mozilla/5.0 (test)".into()),
                http_protocol: None,
                started_at_unix_ms: Some(1_764_300_000_000.0),
                calibration: None,
            },
            3,
        )
        .expect("a valid form")
    };

    // First page: 17 traces, then a reload.
    let mut clock = 0.0;
    let mut engine = Engine::new(spec(), &gold, &schema, None).unwrap();
    let mut journal_text = journal(&engine.sweep());
    let first = drive(
        &mut engine,
        &gold,
        &db,
        &mut journal_text,
        Some(17),
        &mut clock,
    );
    assert_eq!(first, 17);

    // Second page: replay the journal, resume, finish.
    let replayed = replay(&journal_text, "browser storage").unwrap();
    assert_eq!(replayed.traces, 17);
    assert!(
        replayed.diagnostics.is_empty(),
        "{:?}",
        replayed.diagnostics
    );
    let mut engine = Engine::new(spec(), &gold, &schema, Some(&replayed.sweep)).unwrap();
    assert_eq!(engine.progress(clock).resumed, 17);
    let mut journal_text = journal(&engine.sweep());
    let second = drive(&mut engine, &gold, &db, &mut journal_text, None, &mut clock);
    assert_eq!(second, 50 - 17, "only the unfinished traces ran again");
    let sweep = engine.sweep();
    assert_eq!(traces(&sweep), 50);
    let keys: HashSet<(String, String)> = sweep
        .models
        .iter()
        .flat_map(|m| m.traces.iter().map(|t| (m.model.clone(), t.qid.clone())))
        .collect();
    assert_eq!(keys.len(), 50, "no duplicate trace");
    // The compacted journal of the resumed run rebuilds the same file.
    let rebuilt = replay(&journal_text, "browser storage").unwrap();
    assert_eq!(traces(&rebuilt.sweep), 50);

    // Export → load: the same file, and the same bytes when written again.
    let text = sweep::to_json(&sweep);
    let back = sweep::load(text.as_bytes(), "export.json").unwrap();
    assert_eq!(back, sweep);
    assert_eq!(sweep::to_json(&back), text);

    // Scores as the scripted answers make them: 23/25 per model.
    for m in &back.models {
        let correct = m.traces.iter().filter(|t| t.correct).count();
        assert_eq!(correct, 23, "{}", m.model);
    }

    // `sqlsweep verify`'s code re-executes every SQL and re-scores every trace.
    let mut runner = LimitedRunner {
        db: &db,
        limits: Limits::default(),
    };
    let report = verify_sweep(&back, &gold, &mut runner);
    let traces_checked: u32 = report.models.iter().map(|m| m.traces).sum();
    let agree: u32 = report.models.iter().map(|m| m.scores_agree).sum();
    let rows: (u32, u32) = report.models.iter().fold((0, 0), |a, m| {
        (a.0 + m.rows_reproduced, a.1 + m.rows_checked)
    });
    assert_eq!(
        (traces_checked, agree),
        (50, 50),
        "{:?}",
        report.disagreements
    );
    assert_eq!(rows.0, rows.1);
    assert!(rows.1 >= 46, "recorded row sets were checked ({})", rows.1);
    assert!(report.disagreements.is_empty());
}
