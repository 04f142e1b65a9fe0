//! The engine under a simulated clock: scheduling order, pacing gaps, the
//! concurrency limit, warm-ups, load steps, resume, retries and Retry-After,
//! cancellation, checkpoint replay and deterministic output.

use std::collections::HashSet;

use serde_json::Value;

use super::checkpoint::{header_line, replay, trace_line};
use super::key::TraceKey;
use super::load::{load_report, ConnectionVerdict};
use super::run::{Engine, EngineError, Event, FeedError};
use super::sim::{simulate, simulate_from, Scripted, Sent, SimLog};
use super::spec::{QuestionSelection, RunSpec};
use super::CallId;
use crate::agent::{ColumnInfo, SchemaInfo, TableInfo};
use crate::gold::{GoldQuestion, GoldSet};
use crate::live::request::Endpoint;
use crate::outcome::Outcome;
use crate::summary::summarize;
use crate::sweep::{LoadStep, PriceSource, Pricing, Protocol, Schedule, SweepFile};
use crate::value::{Cell, ResultSet};

fn one(n: i64) -> ResultSet {
    ResultSet {
        columns: vec!["n".into()],
        rows: vec![vec![Cell::Integer(n)]],
        truncated: false,
    }
}

/// `n` questions q_001…, each expecting the single value of its number.
fn gold(n: usize) -> GoldSet {
    GoldSet {
        questions: (1..=n)
            .map(|i| GoldQuestion {
                id: format!("q_{i:03}"),
                question: format!("How many tracks are in album {i}?"),
                tier: 1,
                pattern: None,
                gold_sql: format!("SELECT {i}"),
                gold_answer: None,
                expected: one(i as i64),
                source_file: String::new(),
            })
            .collect(),
    }
}

fn schema() -> SchemaInfo {
    let col = |name: &str, pk: bool| ColumnInfo {
        name: name.into(),
        decl_type: "INTEGER".into(),
        pk,
    };
    SchemaInfo {
        tables: vec![TableInfo {
            name: "Track".into(),
            columns: vec![col("TrackId", true), col("AlbumId", false)],
            foreign_keys: vec![],
            create_sql: None,
        }],
    }
}

fn spec(models: &[&str]) -> RunSpec {
    let mut s = RunSpec::new(Endpoint::custom("http://127.0.0.1:9/v1").unwrap(), models);
    s.context.tool_version = "sqlsweep test".into();
    s.context.started_at_unix_ms = Some(1_795_000_000_000.0);
    s
}

/// The simulated database: `q_NNN` returns that question's gold rows, `wrong` a
/// wrong value, `many` five rows; anything else fails like SQLite would.
fn exec(sql: &str) -> Result<ResultSet, String> {
    if let Some(n) = sql.strip_prefix("q_").and_then(|d| d.parse::<i64>().ok()) {
        return Ok(one(n));
    }
    match sql {
        "wrong" => Ok(one(-1)),
        "many" => Ok(ResultSet {
            columns: vec!["n".into()],
            rows: (0..5).map(|i| vec![Cell::Integer(i)]).collect(),
            truncated: false,
        }),
        other => Err(format!("no such table: {other}")),
    }
}

/// A provider that answers every question correctly: TTFT 100 ms, 400 ms in all.
fn correct(s: &Sent) -> Scripted {
    Scripted::sql(&s.qid, 100.0, 400.0)
}

fn never(_: &SimLog) -> bool {
    false
}

fn run(spec: RunSpec, n: usize, provider: impl FnMut(&Sent) -> Scripted) -> (Engine, SimLog) {
    let mut e = Engine::new(spec, &gold(n), &schema(), None).expect("valid run");
    let log = simulate(&mut e, provider, exec, 5.0, never);
    (e, log)
}

fn keys(s: &SweepFile) -> Vec<String> {
    s.models
        .iter()
        .flat_map(|m| {
            m.traces
                .iter()
                .map(|t| TraceKey::of(&m.model, t).to_string())
        })
        .collect()
}

#[test]
fn sequential_one_shot_sweep_in_order_with_every_field() {
    let mut s = spec(&["m1", "m2"]);
    s.models[0].pricing = Some(Pricing {
        input: 1.0,
        output: 10.0,
        source: PriceSource::UserEntered,
    });
    let (e, log) = run(s, 3, correct);
    let order: Vec<String> = log
        .sends
        .iter()
        .map(|s| format!("{}/{}", s.model, s.qid))
        .collect();
    assert_eq!(
        order,
        ["m1/q_001", "m1/q_002", "m1/q_003", "m2/q_001", "m2/q_002", "m2/q_003"]
    );
    // One at a time, back to back: each call starts when the previous trace ended.
    let times: Vec<f64> = log.sends.iter().map(|s| s.t).collect();
    assert_eq!(times, [0.0, 405.0, 810.0, 1215.0, 1620.0, 2025.0]);
    // The published one-shot request.
    let body = &log.sends[0].body;
    assert_eq!(body["model"], "m1");
    assert_eq!(body["temperature"], 0.0);
    assert_eq!(body["max_tokens"], 1024);
    assert_eq!(body["stream"], true);
    assert_eq!(body["response_format"]["type"], "json_object");
    let roles: Vec<&str> = body["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["role"].as_str().unwrap())
        .collect();
    assert_eq!(roles, ["system", "user"]);

    let sweep = e.sweep();
    assert_eq!(sweep.run.protocol, Some(Protocol::OneShot));
    assert_eq!(sweep.run.gold_set_hash, Some(gold(3).sha256_hex()));
    assert_eq!(
        sweep.run.started_at.as_deref(),
        Some("2026-11-18T11:06:40.000Z")
    );
    assert_eq!(sweep.run.tool_version.as_deref(), Some("sqlsweep test"));
    assert!(sweep
        .run
        .methodology
        .as_deref()
        .unwrap()
        .contains("one-shot, no repair, no retry"));
    let t = &sweep.models[0].traces[1];
    assert_eq!(t.qid, "q_002");
    assert_eq!(
        t.question.as_deref(),
        Some("How many tracks are in album 2?")
    );
    assert_eq!(t.sql.as_deref(), Some("q_002"));
    assert_eq!(t.result, Some(one(2)));
    assert!(t.correct);
    assert_eq!(t.outcome, Some(Outcome::Correct));
    assert_eq!(t.json_ok, Some(true));
    assert_eq!(t.repairs, None);
    assert_eq!(t.timing.dispatch_ms, Some(405.0));
    assert_eq!(t.timing.headers_ms, Some(50.0));
    assert_eq!(t.timing.ttft_ms, Some(100.0));
    assert_eq!(t.timing.first_answer_ms, Some(100.0));
    assert_eq!(t.timing.latency_ms, Some(400.0));
    assert_eq!(t.timing.latency_with_retries_ms, Some(400.0));
    assert_eq!(t.attempts.len(), 1);
    assert_eq!(
        (t.prompt_tokens, t.completion_tokens),
        (Some(700), Some(80))
    );
    assert_eq!(t.cost_usd, Some((700.0 * 1.0 + 80.0 * 10.0) / 1e6));
    assert_eq!(
        sweep.models[1].traces[0].cost_usd, None,
        "no price, no cost"
    );
    let summary = summarize(&sweep.models[0]);
    assert_eq!((summary.n, summary.correct), (3, 3));
    assert_eq!(summary.median_ttft_ms, Some(100.0));
    // Progress ends complete, with live figures.
    let last = log
        .events
        .iter()
        .rev()
        .find_map(|(_, e)| match e {
            Event::Progress(p) => Some(p.clone()),
            _ => None,
        })
        .unwrap();
    assert_eq!((last.done, last.total, last.eta_ms), (6, 6, Some(0.0)));
    assert_eq!(last.models[1].accuracy, Some(1.0));
    assert_eq!(last.models[1].median_latency_ms, Some(400.0));
}

#[test]
fn pacing_gaps_are_kept_across_models() {
    let mut s = spec(&["m1", "m2"]);
    s.schedule = Schedule::Sequential { pace_ms: 1500 };
    let (_, log) = run(s, 2, correct);
    let finished = log.finished();
    assert_eq!(log.sends.len(), 4);
    assert_eq!(log.sends[0].t, 0.0);
    for (i, send) in log.sends.iter().enumerate().skip(1) {
        let previous_end = finished[i - 1].0;
        assert_eq!(send.t - previous_end, 1500.0, "gap before call {i}");
    }
}

#[test]
fn the_concurrency_limit_is_reached_never_exceeded_and_phases_do_not_mix() {
    for c in [1u32, 3, 8, 40] {
        let mut s = spec(&["m1", "m2"]);
        s.schedule = Schedule::Concurrent {
            concurrency: c,
            warmup: 0,
        };
        // Replies of varying length so the loop refills out of order.
        let (e, log) = run(s, 20, |s: &Sent| {
            let n: f64 = s.qid[2..].parse().unwrap();
            Scripted::sql(&s.qid, 50.0, 100.0 + (n * 37.0) % 300.0)
        });
        assert_eq!(log.max_calls_in_flight, c.min(20) as usize, "c={c}");
        assert_eq!(e.max_in_flight_calls(), c.min(20) as usize, "c={c}");
        let last_m1_end = log
            .finished()
            .iter()
            .filter(|f| f.1 == "m1")
            .map(|f| f.0)
            .fold(0.0, f64::max);
        let first_m2 = log.sends.iter().find(|s| s.model == "m2").unwrap().t;
        assert!(
            first_m2 >= last_m1_end,
            "c={c}: m2 started before m1's loop drained"
        );
        assert_eq!(
            e.sweep()
                .models
                .iter()
                .map(|m| m.traces.len())
                .sum::<usize>(),
            40
        );
    }
}

#[test]
fn warmups_run_first_are_recorded_and_excluded_from_statistics() {
    let mut s = spec(&["m1"]);
    s.schedule = Schedule::Concurrent {
        concurrency: 2,
        warmup: 3,
    };
    // Warm-up calls are slow and wrong; measured ones are fast and right.
    let (e, log) = run(s, 4, |s: &Sent| {
        if log_is_warmup(s) {
            Scripted::sql("wrong", 900.0, 5000.0)
        } else {
            correct(s)
        }
    });
    let sweep = e.sweep();
    let traces = &sweep.models[0].traces;
    assert_eq!(traces.len(), 7);
    assert_eq!(traces.iter().filter(|t| t.is_warmup()).count(), 3);
    assert!(
        traces[..3].iter().all(|t| t.is_warmup()),
        "warm-ups sort first"
    );
    let summary = summarize(&sweep.models[0]);
    assert_eq!((summary.n, summary.correct), (4, 4));
    assert_eq!(summary.median_latency_ms, Some(400.0));
    assert_eq!(log.sends.len(), 7);
    // The first three dispatches were the warm-ups.
    let warm_qids: Vec<&str> = traces[..3].iter().map(|t| t.qid.as_str()).collect();
    assert_eq!(warm_qids, ["q_001", "q_002", "q_003"]);
}

/// In the warm-up test, warm-ups are the first three requests ever sent.
fn log_is_warmup(s: &Sent) -> bool {
    s.call_id.0 < 3
}

#[test]
fn load_steps_run_in_order_with_their_own_concurrency() {
    let mut s = spec(&["m1"]);
    s.schedule = Schedule::Load {
        steps: vec![
            LoadStep {
                concurrency: 1,
                rounds: 2,
            },
            LoadStep {
                concurrency: 4,
                rounds: 3,
            },
        ],
        warmup: 1,
    };
    let (e, log) = run(s, 5, correct);
    let sweep = e.sweep();
    assert_eq!(sweep.models[0].traces.len(), 1 + 10 + 1 + 15);
    let report = load_report(&sweep);
    let levels: Vec<(u32, usize, usize, Option<f64>)> = report.models[0]
        .levels
        .iter()
        .map(|l| (l.concurrency, l.calls, l.warmup_excluded, l.accuracy))
        .collect();
    assert_eq!(levels, [(1, 10, 1, Some(1.0)), (4, 15, 1, Some(1.0))]);
    assert!(report.models[0].levels.iter().all(|l| l.indicative));
    // Level 4 starts only after level 1 drained, and reaches 4 in flight.
    assert_eq!(log.max_calls_in_flight, 4);
    let throughput: Vec<f64> = report.models[0]
        .levels
        .iter()
        .map(|l| l.throughput_qps.unwrap())
        .collect();
    assert!(throughput[1] > 3.0 * throughput[0], "{throughput:?}");
    // Unique keys: round and level tell repeated questions apart.
    let k = keys(&sweep);
    assert_eq!(k.iter().collect::<HashSet<_>>().len(), k.len());
}

#[test]
fn a_killed_run_resumes_without_redoing_or_duplicating_work() {
    for schedule in [
        Schedule::Sequential { pace_ms: 100 },
        Schedule::Concurrent {
            concurrency: 3,
            warmup: 2,
        },
    ] {
        let mut s = spec(&["m1", "m2"]);
        s.schedule = schedule.clone();
        // Killed after 7 traces: the checkpoint journal holds what finished.
        let mut first = Engine::new(s.clone(), &gold(6), &schema(), None).unwrap();
        let log = simulate(&mut first, correct, exec, 5.0, |l| l.finished().len() >= 7);
        let mut journal = header_line(&first.sweep());
        for (_, e) in &log.events {
            if let Event::TraceFinished { model, trace } = e {
                journal.push_str(&trace_line(model, trace));
            }
        }
        let partial = replay(&journal, "j").unwrap().sweep;
        let done_before: HashSet<String> = keys(&partial).into_iter().collect();
        let k = done_before.len();
        assert!((7..=9).contains(&k), "{schedule:?}: {k}");

        let mut second = Engine::new(s.clone(), &gold(6), &schema(), Some(&partial)).unwrap();
        assert_eq!(second.progress(0.0).done, k);
        let log2 = simulate(&mut second, correct, exec, 5.0, never);
        let redone: Vec<String> = log2
            .events
            .iter()
            .filter_map(|(_, e)| match e {
                Event::TraceFinished { model, trace } => {
                    Some(TraceKey::of(model, trace).to_string())
                }
                _ => None,
            })
            .filter(|k| done_before.contains(k))
            .collect();
        assert!(redone.is_empty(), "{schedule:?}: redone {redone:?}");
        let final_sweep = second.sweep();
        let all = keys(&final_sweep);
        assert_eq!(
            all.iter().collect::<HashSet<_>>().len(),
            all.len(),
            "no duplicates"
        );
        let (full, _) = run(s, 6, correct);
        assert_eq!(
            all,
            keys(&full.sweep()),
            "{schedule:?}: same work as an uninterrupted run"
        );
        assert_eq!(log2.finished().len() + k, all.len());
    }
}

/// The journal of a run's finished traces, replayed: what a resume starts from.
fn checkpointed(engine: &Engine, log: &SimLog) -> SweepFile {
    let mut journal = header_line(&engine.sweep());
    for (_, e) in &log.events {
        if let Event::TraceFinished { model, trace } = e {
            journal.push_str(&trace_line(model, trace));
        }
    }
    replay(&journal, "j").unwrap().sweep
}

#[test]
fn a_level_resumed_an_hour_later_reports_the_figures_of_an_uninterrupted_run() {
    const HOUR: f64 = 3_600_000.0;
    // A browser run at c=8 over HTTP/1.1-or-unknown: 6 questions × 4 rounds, every
    // call 400 ms with headers at 50 ms (no connection queueing).
    let mut s = spec(&["m1"]);
    s.schedule = Schedule::Load {
        steps: vec![LoadStep {
            concurrency: 8,
            rounds: 4,
        }],
        warmup: 0,
    };
    s.context.user_agent = Some("Mozilla/5.0 (X11; Linux x86_64) Firefox/150".into());
    // SQL runs in no time here: the SQL time after a wave's last call is idle time of
    // the loop, which a kill at that point drops from the session's span.
    let mut full = Engine::new(s.clone(), &gold(6), &schema(), None).unwrap();
    simulate(&mut full, correct, exec, 0.0, never);
    let uninterrupted = load_report(&full.sweep()).models[0].levels[0].clone();
    assert_eq!(uninterrupted.wall_ms, Some(1200.0));

    for k in [8, 16] {
        // Killed once k traces finished (the next wave is in flight and lost) …
        let mut first = Engine::new(s.clone(), &gold(6), &schema(), None).unwrap();
        assert_eq!(first.session(), 0);
        let log = simulate(&mut first, correct, exec, 0.0, |l| l.finished().len() >= k);
        let partial = checkpointed(&first, &log);
        // … and resumed an hour later, on a clock with another origin.
        let mut second = Engine::new(s.clone(), &gold(6), &schema(), Some(&partial)).unwrap();
        assert_eq!(second.session(), 1);
        simulate_from(&mut second, log.end + HOUR, correct, exec, 0.0, never);
        let sweep = second.sweep();
        let sessions: Vec<u32> = sweep.models[0]
            .traces
            .iter()
            .map(|t| t.timing.session)
            .collect();
        assert_eq!(sessions.iter().filter(|&&x| x == 0).count(), k, "k={k}");
        assert_eq!(
            sessions.iter().filter(|&&x| x == 1).count(),
            24 - k,
            "k={k}"
        );
        // Offsets are relative to their own session: the hour is in none of them.
        assert!(sweep.models[0]
            .traces
            .iter()
            .all(|t| t.timing.dispatch_ms.is_some_and(|d| d < 1200.0)));

        let resumed = load_report(&sweep).models[0].levels[0].clone();
        assert_eq!(resumed.calls, 24);
        assert_eq!(resumed.wall_ms, uninterrupted.wall_ms, "k={k}");
        assert_eq!(
            resumed.throughput_qps, uninterrupted.throughput_qps,
            "k={k}"
        );
        assert_eq!(resumed.goodput_qps, uninterrupted.goodput_qps, "k={k}");
        assert_eq!(resumed.p50_ms, uninterrupted.p50_ms);
        // Each session's burst is judged on its own: no staircase, not flagged.
        assert_eq!(
            resumed.connection,
            ConnectionVerdict::NotQueued { burst: 16 },
            "k={k}"
        );
        assert!(!resumed.browser_limited && !uninterrupted.browser_limited);

        // The same traces read as one session (the old model) overlap the two
        // origins and overstate throughput: the sessions are what keeps it right.
        let mut one_origin = sweep.clone();
        for t in &mut one_origin.models[0].traces {
            t.timing.session = 0;
        }
        let merged = load_report(&one_origin).models[0].levels[0].clone();
        assert_ne!(merged.throughput_qps, uninterrupted.throughput_qps, "k={k}");

        // A second resume numbers the next session.
        let again = Engine::new(s.clone(), &gold(6), &schema(), Some(&partial)).unwrap();
        assert_eq!(again.session(), 1);
        let after = Engine::new(s.clone(), &gold(6), &schema(), Some(&sweep)).unwrap();
        assert_eq!(after.session(), 2);
    }
}

/// One fail-fast scenario: model `bad` answers per `reply(nth question asked)`;
/// `ok` and `ok2` always answer correctly.
struct FailFastCase {
    name: &'static str,
    limit: u32,
    concurrency: u32,
    reply: fn(usize) -> Scripted,
    /// Calls `bad` gets, and the questions skipped (none: not stopped).
    sent: usize,
    skipped: &'static [&'static str],
    outcome: Option<Outcome>,
}

fn check_fail_fast(c: &FailFastCase) {
    let mut s = spec(&["ok", "bad", "ok2"]);
    s.limits.stop_model_after_consecutive_failures = c.limit;
    s.schedule = if c.concurrency == 1 {
        Schedule::Sequential { pace_ms: 1000 }
    } else {
        Schedule::Concurrent {
            concurrency: c.concurrency,
            warmup: 0,
        }
    };
    let reply = c.reply;
    let mut asked = 0;
    let (e, log) = run(s, 8, |sent| {
        if sent.model == "bad" {
            asked += 1;
            reply(asked - 1)
        } else {
            correct(sent)
        }
    });
    let name = c.name;
    let sends = |m: &str| log.sends.iter().filter(|x| x.model == m).count();
    assert_eq!(sends("bad"), c.sent, "{name}");
    // The other models are unaffected, before and after the stopped one.
    assert_eq!((sends("ok"), sends("ok2")), (8, 8), "{name}");
    let sweep = e.sweep();
    let bad = &sweep.models[1];
    assert_eq!(bad.traces.len(), c.sent, "{name}: one trace per call made");
    let stops = &sweep.run.stopped_models;
    match c.outcome {
        None => assert!(stops.is_empty(), "{name}: {stops:?}"),
        Some(outcome) => {
            assert_eq!(stops.len(), 1, "{name}");
            let stop = &stops[0];
            assert_eq!(stop.model, "bad");
            assert_eq!(stop.outcome, outcome, "{name}");
            assert_eq!(stop.failures, c.limit, "{name}");
            assert_eq!(stop.skipped, c.skipped, "{name}");
            assert_eq!(stop.skipped_calls as usize, c.skipped.len(), "{name}");
            let msg = stop.message();
            assert!(
                msg.starts_with(&format!(
                    "stopped bad after {} consecutive failure",
                    c.limit
                )) && msg.contains(outcome.label())
                    && msg.contains(&format!(
                        "status {}",
                        if outcome == Outcome::Unauthorized {
                            401
                        } else {
                            404
                        }
                    ))
                    && msg.contains(&format!("skipped {} call", c.skipped.len())),
                "{name}: {msg}"
            );
        }
    }
    // Skipped calls are done work, not traces: the run completes, and the model's
    // figures cover only the questions it was asked.
    let p = e.progress(log.end);
    assert_eq!(
        (p.done, p.total, p.skipped),
        (24, 24, c.skipped.len()),
        "{name}"
    );
    let summary = summarize(bad);
    assert_eq!(summary.n as usize, c.sent, "{name}");
    assert_eq!(
        sweep.models.iter().map(|m| m.traces.len()).sum::<usize>() + c.skipped.len(),
        24,
        "{name}"
    );
}

fn refused(_: usize) -> Scripted {
    status(401, vec![])
}

#[test]
fn a_model_failing_every_call_is_stopped_and_the_others_complete() {
    let cases = [
        FailFastCase {
            name: "401 every call, limit 3",
            limit: 3,
            concurrency: 1,
            reply: refused,
            sent: 3,
            skipped: &["q_004", "q_005", "q_006", "q_007", "q_008"],
            outcome: Some(Outcome::Unauthorized),
        },
        FailFastCase {
            name: "404 every call, limit 1",
            limit: 1,
            concurrency: 1,
            reply: |_| status(404, vec![]),
            sent: 1,
            skipped: &[
                "q_002", "q_003", "q_004", "q_005", "q_006", "q_007", "q_008",
            ],
            outcome: Some(Outcome::NotFound),
        },
        FailFastCase {
            name: "limit 0 never stops",
            limit: 0,
            concurrency: 1,
            reply: refused,
            sent: 8,
            skipped: &[],
            outcome: None,
        },
        FailFastCase {
            name: "429s come and go with load: never fatal",
            limit: 3,
            concurrency: 1,
            reply: |_| status(429, vec![]),
            sent: 8,
            skipped: &[],
            outcome: None,
        },
        FailFastCase {
            name: "an answer between failures resets the count",
            limit: 3,
            concurrency: 1,
            reply: |n| {
                if n % 3 == 2 {
                    Scripted::sql("wrong", 100.0, 400.0)
                } else {
                    refused(n)
                }
            },
            sent: 8,
            skipped: &[],
            outcome: None,
        },
        FailFastCase {
            name: "failing only from the fifth question on",
            limit: 3,
            concurrency: 1,
            reply: |n| {
                if n < 4 {
                    Scripted::sql(&format!("q_{:03}", n + 1), 100.0, 400.0)
                } else {
                    refused(n)
                }
            },
            sent: 7,
            skipped: &["q_008"],
            outcome: Some(Outcome::Unauthorized),
        },
        FailFastCase {
            // Four leave together; the fourth is in flight when the third fails:
            // it finishes and is recorded, only queued calls are skipped.
            name: "closed loop at 4: calls in flight finish",
            limit: 3,
            concurrency: 4,
            reply: refused,
            sent: 4,
            skipped: &["q_005", "q_006", "q_007", "q_008"],
            outcome: Some(Outcome::Unauthorized),
        },
    ];
    for c in &cases {
        check_fail_fast(c);
    }
}

#[test]
fn stopping_a_model_saves_its_pacing_and_a_resume_tries_it_again() {
    let mut s = spec(&["ok", "bad"]);
    s.schedule = Schedule::Sequential { pace_ms: 5000 };
    let provider = |sent: &Sent| {
        if sent.model == "bad" {
            status(401, vec![])
        } else {
            correct(sent)
        }
    };
    let (stopped, log) = run(s.clone(), 8, provider);
    let mut never_stop = s.clone();
    never_stop.limits.stop_model_after_consecutive_failures = 0;
    let (_, slow) = run(never_stop, 8, provider);
    // Five calls and five pauses of 5 s not spent on a model that cannot answer.
    assert_eq!(slow.end - log.end, 5.0 * (5000.0 + 20.0));

    // Resumed, the stopped model is asked again (its key may have been fixed) and,
    // still refused, stopped again after the limit.
    let partial = stopped.sweep();
    assert_eq!(partial.run.stopped_models.len(), 1);
    let mut again = Engine::new(s, &gold(8), &schema(), Some(&partial)).unwrap();
    assert!(again.sweep().run.stopped_models.is_empty());
    let log2 = simulate(&mut again, provider, exec, 5.0, never);
    let asked: Vec<&str> = log2.sends.iter().map(|x| x.qid.as_str()).collect();
    assert_eq!(asked, ["q_004", "q_005", "q_006"]);
    let stops = again.sweep().run.stopped_models;
    assert_eq!(stops.len(), 1);
    assert_eq!(stops[0].skipped, ["q_007", "q_008"]);
    assert_eq!(again.sweep().models[1].traces.len(), 6);
}

type Change = Box<dyn Fn(&mut RunSpec)>;

#[test]
fn resume_refuses_a_different_run() {
    let (e, _) = run(spec(&["m1"]), 2, correct);
    let partial = e.sweep();
    let cases: Vec<(Change, &str)> = vec![
        (Box::new(|s| s.protocol = Protocol::Agent), "protocol"),
        (
            Box::new(|s| s.schedule = Schedule::Sequential { pace_ms: 5 }),
            "schedule",
        ),
        (
            Box::new(|s| s.endpoint = Endpoint::custom("http://127.0.0.1:10/v1").unwrap()),
            "base URL",
        ),
    ];
    for (change, what) in cases {
        let mut s = spec(&["m1"]);
        change(&mut s);
        match Engine::new(s, &gold(2), &schema(), Some(&partial)) {
            Err(EngineError::ResumeMismatch { what: w, .. }) => assert_eq!(w, what),
            other => panic!("{what}: {:?}", other.err()),
        }
    }
    match Engine::new(spec(&["m1"]), &gold(3), &schema(), Some(&partial)) {
        Err(EngineError::ResumeMismatch { what, .. }) => assert_eq!(what, "gold-set hash"),
        other => panic!("{:?}", other.err()),
    }
    let mut published = partial.clone();
    published.run.source = Some(crate::sweep::Source::Published {
        file: "x.json".into(),
    });
    assert!(matches!(
        Engine::new(spec(&["m1"]), &gold(2), &schema(), Some(&published)),
        Err(EngineError::NotResumable(_))
    ));
    // A new model joins a finished run: only its work is done.
    let mut more = Engine::new(spec(&["m1", "m2"]), &gold(2), &schema(), Some(&partial)).unwrap();
    let log = simulate(&mut more, correct, exec, 5.0, never);
    assert!(log.sends.iter().all(|s| s.model == "m2"));
    assert_eq!(more.sweep().models.len(), 2);
}

fn status(code: u16, headers: Vec<(&'static str, String)>) -> Scripted {
    Scripted::Status {
        status: code,
        headers,
        body: format!("{{\"error\": {{\"message\": \"status {code}\"}}}}"),
        after_ms: 20.0,
    }
}

/// One retry scenario: the replies of successive attempts at q_001, then the
/// expected send times, the trace's outcome, and its attempts' waits.
struct RetryCase {
    protocol: Protocol,
    replies: Vec<Scripted>,
    send_times: Vec<f64>,
    outcome: Outcome,
    waits: Vec<f64>,
    with_retries_ms: f64,
}

fn check_retry(case: RetryCase) {
    let mut s = spec(&["m1"]);
    s.protocol = case.protocol.clone();
    s.seed = 42;
    let replies = case.replies.clone();
    let (e, log) = run(s, 1, move |s: &Sent| {
        replies.get(s.nth).cloned().unwrap_or_else(|| correct(s))
    });
    let times: Vec<f64> = log.sends.iter().map(|s| s.t).collect();
    assert_eq!(
        times.len(),
        case.send_times.len(),
        "{:?}: sends at {times:?}",
        case.protocol
    );
    for (got, want) in times.iter().zip(&case.send_times) {
        assert!(
            (got - want).abs() < 1e-6,
            "sends at {times:?}, want {:?}",
            case.send_times
        );
    }
    let t = &e.sweep().models[0].traces[0];
    assert_eq!(t.outcome, Some(case.outcome), "{t:#?}");
    let waits: Vec<f64> = t.attempts.iter().map(|a| a.waited_ms).collect();
    assert_eq!(waits, case.waits);
    let w = t.timing.latency_with_retries_ms.unwrap();
    assert!((w - case.with_retries_ms).abs() < 1e-6, "with retries {w}");
    if case.outcome == Outcome::Correct {
        let l = t.timing.latency_ms.unwrap();
        assert!(
            (l - 400.0).abs() < 1e-6,
            "latency is the answering attempt's: {l}"
        );
    }
}

#[test]
fn retries_honour_retry_after_and_back_off_otherwise() {
    let ra = |s: &str| vec![("retry-after", s.to_string())];
    let ra_ms = |s: &str| vec![("retry-after-ms", s.to_string())];
    // Jitter is seeded: the first back-off from 500 ms with seed 42 is this value.
    let mut j = super::jitter::Jitter::new(42);
    let first_random = j.next_unit();
    let backoff = 500.0 * (1.0 - 0.25 * first_random);
    let cases = vec![
        // Retry-After: 2 s after the 429 ended (20 ms after dispatch).
        RetryCase {
            protocol: Protocol::Agent,
            replies: vec![status(429, ra("2"))],
            send_times: vec![0.0, 2020.0],
            outcome: Outcome::Correct,
            waits: vec![0.0, 2000.0],
            with_retries_ms: 2420.0,
        },
        // retry-after-ms wins over Retry-After.
        RetryCase {
            protocol: Protocol::Agent,
            replies: vec![status(429, [ra_ms("750"), ra("9")].concat())],
            send_times: vec![0.0, 770.0],
            outcome: Outcome::Correct,
            waits: vec![0.0, 750.0],
            with_retries_ms: 1170.0,
        },
        // No hint: exponential back-off with seeded jitter.
        RetryCase {
            protocol: Protocol::Agent,
            replies: vec![status(503, vec![])],
            send_times: vec![0.0, 20.0 + backoff],
            outcome: Outcome::Correct,
            waits: vec![0.0, backoff],
            with_retries_ms: 20.0 + backoff + 400.0,
        },
        // Out of retries (2): three attempts, the last failure is the trace's.
        RetryCase {
            protocol: Protocol::Agent,
            replies: vec![
                status(429, ra("1")),
                status(429, ra("1")),
                status(429, ra("1")),
            ],
            send_times: vec![0.0, 1020.0, 2040.0],
            outcome: Outcome::RateLimited,
            waits: vec![0.0, 1000.0, 1000.0],
            with_retries_ms: 2060.0,
        },
        // Not retryable.
        RetryCase {
            protocol: Protocol::Agent,
            replies: vec![status(401, vec![])],
            send_times: vec![0.0],
            outcome: Outcome::Unauthorized,
            waits: vec![0.0],
            with_retries_ms: 20.0,
        },
        // The published one-shot protocol never retries, whatever the server says.
        RetryCase {
            protocol: Protocol::OneShot,
            replies: vec![status(429, ra("2"))],
            send_times: vec![0.0],
            outcome: Outcome::RateLimited,
            waits: vec![0.0],
            with_retries_ms: 20.0,
        },
        // Connection refused: retried (agent).
        RetryCase {
            protocol: Protocol::Agent,
            replies: vec![Scripted::Network { after_ms: 3.0 }],
            send_times: vec![0.0, 3.0 + backoff],
            outcome: Outcome::Correct,
            waits: vec![0.0, backoff],
            with_retries_ms: 3.0 + backoff + 400.0,
        },
    ];
    for case in cases {
        check_retry(case);
    }
}

#[test]
fn retry_events_and_retry_after_as_an_http_date() {
    let mut s = spec(&["m1"]);
    s.protocol = Protocol::Agent;
    // The run started at Unix 1,795,000,000 s; the server says "retry at +3 s".
    let at = "Wed, 18 Nov 2026 11:06:43 GMT".to_string();
    let (_, log) = run(s, 1, move |s: &Sent| {
        if s.nth == 0 {
            status(429, vec![("retry-after", at.clone())])
        } else {
            correct(s)
        }
    });
    assert_eq!(log.sends[1].t, 3000.0);
    let retry = log
        .events
        .iter()
        .find_map(|(_, e)| match e {
            Event::Retrying {
                retry,
                wait_ms,
                reason,
                ..
            } => Some((*retry, *wait_ms, reason.clone())),
            _ => None,
        })
        .unwrap();
    assert_eq!((retry.0, retry.1), (1, 2980.0));
    assert!(retry.2.contains("429"), "{}", retry.2);
}

#[test]
fn the_agent_repairs_and_sums_its_calls() {
    let mut s = spec(&["m1"]);
    s.protocol = Protocol::Agent;
    let (e, log) = run(s, 1, |s: &Sent| match s.nth {
        0 => Scripted::sql("bogus", 100.0, 300.0),
        _ => Scripted::sql(&s.qid, 50.0, 200.0),
    });
    assert_eq!(log.sends.len(), 2);
    assert_eq!(
        log.executed
            .iter()
            .map(|e| e.1.as_str())
            .collect::<Vec<_>>(),
        ["bogus", "q_001"]
    );
    // The repair turn carries the executor's error.
    let last = log.sends[1].body["messages"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .clone();
    assert!(last["content"]
        .as_str()
        .unwrap()
        .contains("no such table: bogus"));
    let t = &e.sweep().models[0].traces[0];
    assert!(t.correct);
    assert_eq!(t.repairs, Some(1));
    assert_eq!(t.timing.ttft_ms, Some(100.0), "TTFT of the first call");
    assert_eq!(t.timing.latency_ms, Some(500.0), "model time of both calls");
    // First dispatch → end of the second call: 300 + 5 (SQL) + 200.
    assert_eq!(t.timing.latency_with_retries_ms, Some(505.0));
    assert_eq!(
        (t.prompt_tokens, t.completion_tokens),
        (Some(1400), Some(160))
    );
    assert_eq!(t.attempts.len(), 2);
}

/// (provider reply) → (outcome, correct, error mentions, json_ok).
type AnswerCase = (Scripted, Outcome, bool, Option<&'static str>, Option<bool>);

#[test]
fn failures_and_answers_become_the_right_traces() {
    let cases: Vec<AnswerCase> = vec![
        (
            Scripted::sql("q_001", 10.0, 20.0),
            Outcome::Correct,
            true,
            None,
            Some(true),
        ),
        (
            Scripted::sql("wrong", 10.0, 20.0),
            Outcome::WrongRows,
            false,
            None,
            Some(true),
        ),
        (
            Scripted::sql("many", 10.0, 20.0),
            Outcome::WrongShape,
            false,
            None,
            Some(true),
        ),
        (
            Scripted::sql("nope", 10.0, 20.0),
            Outcome::SqlError,
            false,
            Some("no such table"),
            Some(true),
        ),
        (
            Scripted::Answer {
                headers_ms: 1.0,
                ttft_ms: 2.0,
                end_ms: 3.0,
                content: "I cannot help".into(),
                usage: None,
            },
            Outcome::InvalidJson,
            false,
            Some("no SQL"),
            Some(false),
        ),
        (
            status(404, vec![]),
            Outcome::NotFound,
            false,
            Some("404"),
            None,
        ),
        (
            Scripted::Network { after_ms: 1.0 },
            Outcome::Network,
            false,
            Some("connection refused"),
            None,
        ),
    ];
    for (reply, outcome, correct, error, json_ok) in cases {
        let r = reply.clone();
        let (e, _) = run(spec(&["m1"]), 1, move |_: &Sent| r.clone());
        let t = &e.sweep().models[0].traces[0];
        assert_eq!(t.outcome, Some(outcome), "{reply:?}");
        assert_eq!(t.correct, correct, "{reply:?}");
        match error {
            None => assert_eq!(t.error, None, "{reply:?}"),
            Some(part) => assert!(
                t.error.as_deref().unwrap_or("").contains(part),
                "{reply:?}: error {:?}",
                t.error
            ),
        }
        assert_eq!(t.json_ok, json_ok, "{reply:?}");
    }
}

#[test]
fn stored_rows_are_capped_but_scored_in_full() {
    let mut s = spec(&["m1"]);
    s.limits.stored_rows = 2;
    let (e, _) = run(s, 1, |_: &Sent| Scripted::sql("many", 10.0, 20.0));
    let t = &e.sweep().models[0].traces[0];
    let rows = t.result.as_ref().unwrap();
    assert_eq!((rows.rows.len(), rows.truncated), (2, true));
    assert_eq!(
        t.outcome,
        Some(Outcome::WrongShape),
        "scored on all five rows"
    );
}

#[test]
fn question_selection_and_baseline_protocol() {
    let mut s = spec(&["m1"]);
    s.protocol = Protocol::Baseline;
    s.questions = QuestionSelection::parse("q_002..q_003").unwrap();
    let (e, log) = run(s, 4, |s: &Sent| Scripted::Answer {
        headers_ms: 5.0,
        ttft_ms: 10.0,
        end_ms: 30.0,
        content: format!("```sql\n{}\n```", s.qid),
        usage: Some((20, 10)),
    });
    let qids: Vec<&str> = log.sends.iter().map(|s| s.qid.as_str()).collect();
    assert_eq!(qids, ["q_002", "q_003"]);
    let body = &log.sends[0].body;
    assert!(body.get("response_format").is_none(), "no JSON mode");
    assert_eq!(body["messages"].as_array().unwrap().len(), 1);
    let sweep = e.sweep();
    assert!(sweep.models[0]
        .traces
        .iter()
        .all(|t| t.correct && t.json_ok.is_none()));
}

#[test]
fn identical_inputs_give_identical_files() {
    let build = || {
        let mut s = spec(&["m1", "m2"]);
        s.protocol = Protocol::Agent;
        s.schedule = Schedule::Concurrent {
            concurrency: 4,
            warmup: 2,
        };
        let (e, _) = run(s, 10, |s: &Sent| {
            let n: u64 = s.qid[2..].parse().unwrap();
            match (n % 3, s.nth) {
                (0, 0) => status(503, vec![]),
                (1, 0) => Scripted::sql("bogus", 30.0, 90.0 + n as f64),
                _ => Scripted::sql(&s.qid, 40.0, 100.0 + 13.0 * n as f64),
            }
        });
        serde_json::to_string(&e.sweep()).unwrap()
    };
    let a = build();
    assert_eq!(a, build());
    let v: Value = serde_json::from_str(&a).unwrap();
    assert_eq!(v["models"][0]["traces"].as_array().unwrap().len(), 12);
}

#[test]
fn cancel_keeps_finished_traces_and_ignores_late_results() {
    let mut s = spec(&["m1"]);
    s.schedule = Schedule::Concurrent {
        concurrency: 2,
        warmup: 0,
    };
    let mut e = Engine::new(s, &gold(5), &schema(), None).unwrap();
    let log = simulate(&mut e, correct, exec, 5.0, |l| l.finished().len() >= 2);
    assert_eq!(log.finished().len(), 2);
    let outstanding: Vec<CallId> = log.sends.iter().map(|s| s.call_id).collect();
    e.cancel();
    assert!(e.is_done());
    assert_eq!(e.poll(10_000.0), vec![super::Action::Done]);
    // A result for dropped work arrives late: ignored.
    let late = correct(&log.sends[3]).record(10_000.0);
    assert_eq!(
        e.on_call_finished(10_000.0, *outstanding.last().unwrap(), late),
        Ok(())
    );
    assert_eq!(e.sweep().models[0].traces.len(), 2);
}

#[test]
fn driver_mistakes_are_errors_not_panics() {
    let mut e = Engine::new(spec(&["m1"]), &gold(1), &schema(), None).unwrap();
    let actions = e.poll(0.0);
    let id = match &actions[0] {
        super::Action::Send { call_id, .. } => *call_id,
        other => panic!("{other:?}"),
    };
    let rec = correct(&Sent {
        t: 0.0,
        call_id: id,
        model: "m1".into(),
        qid: "q_001".into(),
        body: Value::Null,
        nth: 0,
    })
    .record(0.0);
    assert_eq!(
        e.on_call_finished(1.0, CallId(999), rec.clone()),
        Err(FeedError::UnknownCall(CallId(999)))
    );
    assert_eq!(
        e.on_executed(1.0, id, Ok(one(1))),
        Err(FeedError::NotAnExecution(id))
    );
    // The mistake did not consume the request: the real result still lands.
    assert_eq!(e.on_call_finished(400.0, id, rec.clone()), Ok(()));
    let exec_id = match &e.poll(400.0)[0] {
        super::Action::Execute { call_id, .. } => *call_id,
        other => panic!("{other:?}"),
    };
    assert_eq!(
        e.on_call_finished(401.0, exec_id, rec),
        Err(FeedError::NotACall(exec_id))
    );
    assert_eq!(e.on_executed(405.0, exec_id, Ok(one(1))), Ok(()));
    assert_eq!(e.poll(405.0), vec![super::Action::Done]);
    assert!(e.sweep().models[0].traces[0].correct);
    // Bad specs are refused before anything runs.
    let mut bad = spec(&["m1"]);
    bad.questions = QuestionSelection::Ids(vec!["q_404".into()]);
    assert!(matches!(
        Engine::new(bad, &gold(1), &schema(), None),
        Err(EngineError::Spec(_))
    ));
}

#[test]
fn the_journal_of_events_rebuilds_the_sweep() {
    let mut s = spec(&["m1", "m2"]);
    s.schedule = Schedule::Concurrent {
        concurrency: 3,
        warmup: 1,
    };
    let mut e = Engine::new(s, &gold(5), &schema(), None).unwrap();
    let mut journal = header_line(&e.sweep());
    let log = simulate(&mut e, correct, exec, 5.0, never);
    for (_, ev) in &log.events {
        if let Event::TraceFinished { model, trace } = ev {
            journal.push_str(&trace_line(model, trace));
        }
    }
    let mut rebuilt = replay(&journal, "j").unwrap().sweep;
    let order = gold(5)
        .questions
        .iter()
        .enumerate()
        .map(|(i, q)| (q.id.clone(), i))
        .collect();
    for m in &mut rebuilt.models {
        super::run::sort_traces(&mut m.traces, &order);
    }
    assert_eq!(rebuilt, e.sweep());
    // And the file form round-trips through the loader.
    let text = crate::sweep::to_json(&e.sweep());
    assert_eq!(
        crate::sweep::load(text.as_bytes(), "out.json").unwrap(),
        e.sweep()
    );
}

#[test]
fn pacing_waits_are_announced_with_wake_at() {
    let mut s = spec(&["m1"]);
    s.schedule = Schedule::Sequential { pace_ms: 1000 };
    let mut e = Engine::new(s, &gold(2), &schema(), None).unwrap();
    let a = e.poll(0.0);
    let id = match &a[0] {
        super::Action::Send { call_id, .. } => *call_id,
        other => panic!("{other:?}"),
    };
    let rec = Scripted::sql("q_001", 10.0, 20.0).record(0.0);
    e.on_call_finished(20.0, id, rec).unwrap();
    let exec_id = match &e.poll(20.0)[0] {
        super::Action::Execute { call_id, .. } => *call_id,
        other => panic!("{other:?}"),
    };
    e.on_executed(25.0, exec_id, Ok(one(1))).unwrap();
    assert_eq!(e.poll(25.0), vec![super::Action::WakeAt(1025.0)]);
    assert_eq!(e.poll(900.0), vec![super::Action::WakeAt(1025.0)]);
    assert!(matches!(e.poll(1025.0)[0], super::Action::Send { .. }));
}
