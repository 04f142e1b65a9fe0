//! End-to-end tests of `sqlsweep sweep`, `load`, `merge`, `ask` and `calibrate`: the
//! built binary against the fixture provider on 127.0.0.1 (started by the test),
//! Chinook and the published gold set. Every run is checked for key hygiene; every
//! output file is checked by `sqlsweep verify`.
//!
//! The reference data is read from `$SQLSWEEP_MIRROR` or `../shared/reference`; when
//! absent the tests say so and skip.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;
use sqlsweep_fixture::{spawn_background, AnswerBook, BackgroundFixture, FixtureConfig};

mod common;
use common::{reference, text};

/// A fresh, empty directory for this file's tests.
fn temp_dir(name: &str) -> PathBuf {
    common::temp_dir("run", name)
}

const KEY: &str = "sk-e2e-secret-0123456789";

/// The data flags: Chinook and both gold files, explicitly.
fn data_args(r: &Path) -> Vec<String> {
    vec![
        "--db".into(),
        r.join("Chinook.db").display().to_string(),
        "--gold".into(),
        r.join("dev_questions_with_answers.json")
            .display()
            .to_string(),
        "--gold".into(),
        r.join("synthetic_questions.json").display().to_string(),
    ]
}

/// A fixture that answers every gold question with its gold SQL, except q_003 which
/// gets a query that fails, and requires `KEY`.
fn fixture(r: &Path) -> BackgroundFixture {
    let mut answers = AnswerBook::new();
    answers
        .add_gold_file(&r.join("dev_questions_with_answers.json"))
        .unwrap();
    answers
        .add_gold_file(&r.join("synthetic_questions.json"))
        .unwrap();
    let gold: Value =
        serde_json::from_slice(&std::fs::read(r.join("dev_questions_with_answers.json")).unwrap())
            .unwrap();
    let q3 = gold[2]["question"].as_str().unwrap();
    answers.insert(
        q3,
        vec![sqlsweep_fixture::answers::Reply::Sql {
            sql: "SELECT Name FROM Nowhere".into(),
            rationale: "wrong on purpose".into(),
        }],
    );
    spawn_background(FixtureConfig {
        key: Some(KEY.into()),
        answers,
        ..FixtureConfig::default()
    })
    .expect("fixture starts")
}

fn command(args: &[String]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_sqlsweep"));
    cmd.args(args);
    for var in ["SQLSWEEP_API_KEY", "FIREWORKS_API_KEY", "BASETEN_API_KEY"] {
        cmd.env_remove(var);
    }
    cmd.env("SQLSWEEP_API_KEY", KEY);
    cmd
}

/// Runs `sqlsweep ARGS`; asserts the key is in neither output stream.
fn sqlsweep(args: &[String]) -> Output {
    let out = command(args).output().expect("sqlsweep runs");
    assert_clean(&out);
    out
}

fn assert_clean(out: &Output) {
    let (o, e) = (text(&out.stdout), text(&out.stderr));
    assert!(!o.contains(KEY), "key in stdout: {o}");
    assert!(!e.contains(KEY), "key in stderr: {e}");
}

fn s(v: &[&str]) -> Vec<String> {
    v.iter().map(|x| x.to_string()).collect()
}

fn read_json(path: &Path) -> Value {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let t = String::from_utf8(bytes).unwrap();
    assert!(!t.contains(KEY), "key in {}", path.display());
    serde_json::from_str(&t).unwrap()
}

/// `sqlsweep verify --json FILE`: (traces, scores_agree), asserting all agree.
fn verify(r: &Path, file: &Path) -> (u64, u64) {
    let mut args = s(&["verify", "--json"]);
    args.extend(data_args(r));
    args.push(file.display().to_string());
    let out = sqlsweep(&args);
    assert!(
        out.status.success(),
        "verify failed: {}{}",
        text(&out.stdout),
        text(&out.stderr)
    );
    let v: Value = serde_json::from_str(text(&out.stdout).trim()).unwrap();
    let n = |k: &str| v[k].as_u64().unwrap();
    assert_eq!(n("traces"), n("scores_agree"), "{v}");
    assert_eq!(n("rows_checked"), n("rows_reproduced"), "{v}");
    (n("traces"), n("scores_agree"))
}

/// The fixture's request journal, fetched over plain HTTP.
fn journal(f: &BackgroundFixture) -> Vec<Value> {
    let mut conn = TcpStream::connect(f.addr).unwrap();
    conn.set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    write!(
        conn,
        "GET /__fixture/journal HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
        f.addr
    )
    .unwrap();
    let mut raw = String::new();
    conn.read_to_string(&mut raw).unwrap();
    let body = raw.split_once("\r\n\r\n").map(|x| x.1).unwrap_or("");
    let v: Value = serde_json::from_str(body).unwrap_or_else(|e| panic!("journal: {e}: {raw}"));
    v["entries"].as_array().cloned().unwrap_or_default()
}

fn traces(file: &Value, model: usize) -> Vec<Value> {
    file["models"][model]["traces"].as_array().unwrap().clone()
}

#[test]
fn a_sweep_of_25_questions_on_3_models_is_complete_scored_and_verified() {
    let Some(r) = reference() else { return };
    let f = fixture(&r);
    let dir = temp_dir("sweep");
    let out = dir.join("sweep.json");
    let mut args = s(&["sweep", "--base-url", &f.base_url()]);
    for m in ["ok", "ttft-40+usage-fireworks", "reasoning+ttft-20"] {
        args.extend(s(&["--model", m]));
    }
    args.extend(s(&["--concurrency", "4", "--price", "0.5,1.5", "--out"]));
    args.push(out.display().to_string());
    args.extend(data_args(&r));
    let run = sqlsweep(&args);
    assert!(run.status.success(), "{}", text(&run.stderr));
    let stdout = text(&run.stdout);
    assert!(stdout.contains("ok: 24/25 correct (96%)"), "{stdout}");
    // Not a terminal: plain progress lines, no control characters.
    let stderr = text(&run.stderr);
    assert!(
        stderr.contains("[75/75]") || stderr.contains("/75]"),
        "{stderr}"
    );
    assert!(
        !stderr.contains('\x1b'),
        "control characters in piped output"
    );

    let file = read_json(&out);
    assert_eq!(file["schema"], "sqlsweep.sweep");
    assert_eq!(file["run"]["protocol"], "one_shot");
    assert_eq!(file["run"]["schedule"]["kind"], "concurrent");
    assert_eq!(file["run"]["source"]["kind"], "own");
    assert_eq!(file["run"]["http_protocol"], "http/1.1");
    assert_eq!(file["run"]["gold_set_hash"].as_str().unwrap().len(), 64);
    assert!(file["run"]["user_agent"]
        .as_str()
        .unwrap()
        .starts_with("sqlsweep-cli/"));
    assert_eq!(file["models"].as_array().unwrap().len(), 3);
    for m in 0..3 {
        let ts = traces(&file, m);
        assert_eq!(ts.len(), 25);
        let correct = ts.iter().filter(|t| t["correct"] == true).count();
        assert_eq!(correct, 24, "model {m}");
        let q3 = ts.iter().find(|t| t["qid"] == "q_003").unwrap();
        assert_eq!(q3["outcome"], "sql_error");
        assert!(
            q3["error"].as_str().unwrap().contains("no such table"),
            "{q3}"
        );
        for t in &ts {
            let timing = &t["timing"];
            for k in ["dispatch_ms", "headers_ms", "ttft_ms", "latency_ms"] {
                assert!(timing[k].as_f64().is_some(), "{k} missing in {t}");
            }
            assert_eq!(t["attempts"].as_array().unwrap().len(), 1);
            assert!(t["cost_usd"].as_f64().unwrap() > 0.0);
            assert_eq!(t["load"]["concurrency"], 4);
        }
    }
    // Configured first-token delay is visible in the measured TTFT.
    let ttft = |m: usize| {
        let mut v: Vec<f64> = traces(&file, m)
            .iter()
            .map(|t| t["timing"]["ttft_ms"].as_f64().unwrap())
            .collect();
        v.sort_by(f64::total_cmp);
        v[12]
    };
    assert!(
        ttft(1) >= 40.0,
        "median TTFT {} under the configured 40 ms",
        ttft(1)
    );
    assert!(
        !out.with_extension("json.checkpoint.jsonl").exists(),
        "checkpoint removed at the end"
    );
    assert_eq!(verify(&r, &out), (75, 75));
    // The fixture saw exactly one request per trace, each with the key accepted.
    let j = journal(&f);
    assert_eq!(j.len(), 75);
    assert!(j
        .iter()
        .all(|e| e["auth"] == "accepted" && e["json_mode"] == true));
}

#[test]
fn a_model_whose_key_is_refused_is_stopped_and_the_others_complete() {
    let Some(r) = reference() else { return };
    let f = fixture(&r);
    let dir = temp_dir("fail-fast");
    // (limit flag, calls the refused model gets, questions it skips).
    for (flag, calls, skipped) in [(None, 3, 22), (Some("0"), 25, 0)] {
        let out = dir.join(format!("sweep-{}.json", flag.unwrap_or("default")));
        let mut args = s(&["sweep", "--base-url", &f.base_url()]);
        for m in ["unauthorized", "ok"] {
            args.extend(s(&["--model", m]));
        }
        if let Some(n) = flag {
            args.extend(s(&["--stop-after-failures", n]));
        }
        args.push("--out".into());
        args.push(out.display().to_string());
        args.extend(data_args(&r));
        let before = journal(&f).len();
        let run = sqlsweep(&args);
        assert!(run.status.success(), "{}", text(&run.stderr));
        let (stdout, stderr) = (text(&run.stdout), text(&run.stderr));
        let message = "stopped unauthorized after 3 consecutive failures (key refused (401/403))";
        if skipped > 0 {
            // Said as it happens (stderr) and in the summary (stdout).
            assert!(stderr.contains(message), "{stderr}");
            assert!(
                stdout.contains(message)
                    && stdout.contains(
                        "skipped 22 calls (q_004, q_005, q_006, …), not counted as answers"
                    ),
                "{stdout}"
            );
            assert!(stdout.contains("unauthorized: 0/3 correct"), "{stdout}");
        } else {
            assert!(
                !stderr.contains("stopped") && !stdout.contains("stopped"),
                "{stdout}{stderr}"
            );
            assert!(stdout.contains("unauthorized: 0/25 correct"), "{stdout}");
        }
        // The other model ran in full.
        assert!(stdout.contains("ok: 24/25 correct (96%)"), "{stdout}");

        let file = read_json(&out);
        let refused = traces(&file, 0);
        assert_eq!(refused.len(), calls);
        assert!(
            refused.iter().all(|t| t["outcome"] == "unauthorized"),
            "{refused:?}"
        );
        assert_eq!(traces(&file, 1).len(), 25);
        let stops = file["run"]["stopped_models"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        if skipped > 0 {
            assert_eq!(stops.len(), 1, "{stops:?}");
            let stop = &stops[0];
            assert_eq!(stop["model"], "unauthorized");
            assert_eq!(stop["outcome"], "unauthorized");
            assert_eq!(stop["failures"], 3);
            assert_eq!(stop["skipped_calls"], skipped);
            let qids: Vec<&str> = stop["skipped"]
                .as_array()
                .unwrap()
                .iter()
                .map(|q| q.as_str().unwrap())
                .collect();
            assert_eq!(qids.len(), skipped);
            assert_eq!(qids.first(), Some(&"q_004"));
            // Every question is either a trace or listed as skipped, never both.
            for t in &refused {
                assert!(!qids.contains(&t["qid"].as_str().unwrap()), "{t}");
            }
            assert!(stop["error"].as_str().unwrap().contains("401"), "{stop}");
        } else {
            assert!(stops.is_empty(), "{stops:?}");
        }
        // The provider saw only the calls made; verify accepts the file.
        assert_eq!(journal(&f).len() - before, calls + 25);
        assert_eq!(verify(&r, &out), ((calls + 25) as u64, (calls + 25) as u64));
    }
}

#[test]
fn a_load_run_at_1_8_and_64_keeps_each_level_and_reports_it() {
    let Some(r) = reference() else { return };
    let f = fixture(&r);
    let dir = temp_dir("load");
    let out = dir.join("load.json");
    let mut args = s(&[
        "load",
        "--base-url",
        &f.base_url(),
        "--model",
        "ttft-100",
        "--concurrency",
        "1,8,64",
        "--rounds",
        "1",
        "--warmup",
        "2",
    ]);
    args.extend(s(&["--questions", "q_001..q_010", "--out"]));
    args.push(out.display().to_string());
    args.extend(data_args(&r));
    let run = sqlsweep(&args);
    assert!(run.status.success(), "{}", text(&run.stderr));
    let stdout = text(&run.stdout);
    for level in ["1", "8", "64"] {
        let row = stdout
            .lines()
            .find(|l| l.starts_with("ttft-100") && l.split_whitespace().nth(1) == Some(level))
            .unwrap_or_else(|| panic!("no row for c={level}: {stdout}"));
        assert!(row.contains("indicative"), "{row}");
        assert!(row.contains("2 warm-up excluded"), "{row}");
    }
    let file = read_json(&out);
    let ts = traces(&file, 0);
    assert_eq!(ts.len(), 3 * (10 + 2));
    for c in [1u64, 8, 64] {
        let at: Vec<&Value> = ts
            .iter()
            .filter(|t| t["load"]["concurrency"] == c)
            .collect();
        assert_eq!(at.len(), 12, "c={c}");
        assert_eq!(at.iter().filter(|t| t["load"]["warmup"] == true).count(), 2);
    }
    assert_eq!(verify(&r, &out), (36, 36));

    // With enough calls the closed loop really holds 64 requests in flight, as the
    // server saw them (and never more).
    let out2 = dir.join("load64.json");
    let mut args = s(&[
        "load",
        "--base-url",
        &f.base_url(),
        "--model",
        "ttft-300",
        "--concurrency",
        "64",
        "--rounds",
        "8",
        "--out",
    ]);
    args.push(out2.display().to_string());
    args.extend(data_args(&r));
    let before = journal(&f).len();
    let run = sqlsweep(&args);
    assert!(run.status.success(), "{}", text(&run.stderr));
    let entries: Vec<Value> = journal(&f).into_iter().skip(before).collect();
    assert_eq!(entries.len(), 200);
    let mut edges: Vec<(f64, i32)> = Vec::new();
    for e in &entries {
        edges.push((e["received_ms"].as_f64().unwrap(), 1));
        edges.push((e["end_ms"].as_f64().unwrap(), -1));
    }
    edges.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    let (mut now, mut peak) = (0, 0);
    for (_, d) in edges {
        now += d;
        peak = peak.max(now);
    }
    assert!(
        (48..=64).contains(&peak),
        "server saw {peak} requests at once"
    );
    let stdout = text(&run.stdout);
    let row = stdout.lines().find(|l| l.starts_with("ttft-300")).unwrap();
    assert!(
        !row.contains("indicative"),
        "200 answered calls are not indicative: {row}"
    );
}

#[test]
fn a_killed_sweep_resumes_without_losing_or_redoing_work() {
    let Some(r) = reference() else { return };
    let f = fixture(&r);
    let dir = temp_dir("resume");
    let out = dir.join("resume.json");
    let checkpoint = dir.join("resume.json.checkpoint.jsonl");
    let mut args = s(&[
        "sweep",
        "--base-url",
        &f.base_url(),
        "--model",
        "ttft-150",
        "--out",
    ]);
    args.push(out.display().to_string());
    args.extend(data_args(&r));

    let mut child = command(&args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let lines = std::fs::read_to_string(&checkpoint)
            .map(|t| t.lines().count())
            .unwrap_or(0);
        if lines >= 6 {
            break;
        }
        assert!(Instant::now() < deadline, "no progress in the checkpoint");
        assert!(child.try_wait().unwrap().is_none(), "the sweep ended early");
        std::thread::sleep(Duration::from_millis(20));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(!out.exists(), "killed before the end: no output yet");
    let done_before = std::fs::read_to_string(&checkpoint)
        .unwrap()
        .lines()
        .count()
        - 1;
    let requests_before = journal(&f).len();

    let run = sqlsweep(&args);
    assert!(run.status.success(), "{}", text(&run.stderr));
    let stderr = text(&run.stderr);
    assert!(stderr.contains("resuming from"), "{stderr}");
    let file = read_json(&out);
    let ts = traces(&file, 0);
    assert_eq!(ts.len(), 25);
    let mut qids: Vec<&str> = ts.iter().map(|t| t["qid"].as_str().unwrap()).collect();
    qids.dedup();
    assert_eq!(qids.len(), 25, "no duplicates");
    // Only the unfinished questions were asked again (plus at most the one in flight
    // when the process died).
    let asked_after = journal(&f).len() - requests_before;
    assert_eq!(asked_after, 25 - done_before);
    assert!(requests_before <= done_before + 1);
    assert_eq!(verify(&r, &out), (25, 25));

    // Running the finished command again does nothing new.
    let before = journal(&f).len();
    let again = sqlsweep(&args);
    assert!(again.status.success());
    assert_eq!(journal(&f).len(), before);
    assert_eq!(traces(&read_json(&out), 0).len(), 25);

    // A different protocol into the same file is refused, naming the mismatch.
    let mut other = args.clone();
    other.extend(s(&["--protocol", "agent"]));
    let refused = sqlsweep(&other);
    assert!(!refused.status.success());
    assert!(
        text(&refused.stderr).contains("protocol"),
        "{}",
        text(&refused.stderr)
    );
}

#[test]
fn shards_merge_into_one_verified_sweep_and_duplicates_are_refused() {
    let Some(r) = reference() else { return };
    let f = fixture(&r);
    let dir = temp_dir("merge");
    let shard = |k: &str, model: &str| {
        let out = dir.join(format!("shard{}-{model}.json", k.replace('/', "of")));
        let mut args = s(&[
            "sweep",
            "--base-url",
            &f.base_url(),
            "--model",
            model,
            "--shard",
            k,
            "--out",
        ]);
        args.push(out.display().to_string());
        args.extend(data_args(&r));
        let run = sqlsweep(&args);
        assert!(run.status.success(), "{}", text(&run.stderr));
        out
    };
    let a = shard("1/2", "ok");
    let b = shard("2/2", "ok");
    let c = shard("1/1", "ttft-10");
    assert_eq!(traces(&read_json(&a), 0).len(), 12);
    assert_eq!(traces(&read_json(&b), 0).len(), 13);
    let merged = dir.join("merged.json");
    let run = sqlsweep(
        &[
            s(&["merge"]),
            vec![
                a.display().to_string(),
                b.display().to_string(),
                c.display().to_string(),
            ],
            s(&["--out", &merged.display().to_string()]),
        ]
        .concat(),
    );
    assert!(run.status.success(), "{}", text(&run.stderr));
    assert!(
        text(&run.stdout).contains("merged 3 shards"),
        "{}",
        text(&run.stdout)
    );
    let file = read_json(&merged);
    assert_eq!(traces(&file, 0).len(), 25);
    assert_eq!(traces(&file, 1).len(), 25);
    assert_eq!(traces(&file, 0)[0]["qid"], "q_001");
    assert_eq!(verify(&r, &merged), (50, 50));

    let dup = sqlsweep(
        &[
            s(&["merge"]),
            vec![a.display().to_string(), merged.display().to_string()],
            s(&["--out", &dir.join("bad.json").display().to_string()]),
        ]
        .concat(),
    );
    assert!(!dup.status.success());
    let e = text(&dup.stderr);
    assert!(
        e.contains("ok q_001 is in shard 1 and again in shard 2"),
        "{e}"
    );
    assert!(!dir.join("bad.json").exists());
}

#[test]
fn ask_answers_follow_ups_and_commands() {
    let Some(r) = reference() else { return };
    let f = fixture(&r);
    let gold: Value =
        serde_json::from_slice(&std::fs::read(r.join("dev_questions_with_answers.json")).unwrap())
            .unwrap();
    let q1 = gold[0]["question"].as_str().unwrap();
    let mut args = s(&["ask", "--base-url", &f.base_url(), "--model", "ok"]);
    args.extend(data_args(&r));
    let mut child = command(&args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let input = format!("{q1}\nand only the first one?\nschema\nreset\nhelp\n\nexit\nnot asked\n");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert_clean(&out);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let o = text(&out.stdout);
    assert!(o.contains("SQL: SELECT"), "{o}");
    assert!(o.contains("Rock"), "{o}");
    assert!(o.contains("✓ matches the gold answer of q_001"), "{o}");
    assert!(o.contains("time: TTFT"), "{o}");
    assert!(o.contains("Track(TrackId:integer[pk]"), "schema: {o}");
    assert!(o.contains("(conversation cleared)"), "{o}");
    assert!(o.contains("reset    forget the conversation"), "{o}");
    // The follow-up carried the first exchange; `exit` ended before the last line.
    let j = journal(&f);
    assert_eq!(j.len(), 2, "{j:?}");
}

#[test]
fn calibrate_measures_the_harness_against_a_known_delay() {
    let Some(r) = reference() else { return };
    let f = fixture(&r);
    let mut args = s(&[
        "calibrate",
        "--base-url",
        &f.base_url(),
        "--ttft-ms",
        "120",
        "--concurrency",
        "4",
        "--requests",
        "25",
        "--json",
    ]);
    args.extend(data_args(&r));
    let run = sqlsweep(&args);
    assert!(run.status.success(), "{}", text(&run.stderr));
    let v: Value = serde_json::from_str(text(&run.stdout).trim()).unwrap();
    assert_eq!(v["samples"], 25);
    assert_eq!(v["failed"], 0);
    let p50 = v["error_p50_ms"].as_f64().unwrap();
    let p99 = v["error_p99_ms"].as_f64().unwrap();
    assert!((0.0..120.0).contains(&p50), "p50 error {p50}");
    assert!(p99 >= p50, "{v}");
    assert!(v["cpu_ms_per_call"].as_f64().unwrap() > 0.0);

    // `sweep --calibrate` stores the figure in the run metadata.
    let dir = temp_dir("calibrated");
    let out = dir.join("c.json");
    let mut args = s(&[
        "sweep",
        "--base-url",
        &f.base_url(),
        "--model",
        "ok",
        "--questions",
        "q_001,q_002",
        "--calibrate",
        "--out",
    ]);
    args.push(out.display().to_string());
    args.extend(data_args(&r));
    let run = sqlsweep(&args);
    assert!(run.status.success(), "{}", text(&run.stderr));
    let cal = &read_json(&out)["run"]["calibration"];
    assert_eq!(cal["configured_ttft_ms"], 100.0);
    assert!(cal["samples"].as_u64().unwrap() >= 25, "{cal}");
}

#[test]
fn bad_input_is_a_clear_error() {
    let Some(r) = reference() else { return };
    let dir = temp_dir("bad");
    let out = dir.join("x.json").display().to_string();
    let base = |extra: &[&str]| {
        let mut a = s(&[
            "sweep",
            "--base-url",
            "http://127.0.0.1:9/v1",
            "--model",
            "m",
            "--out",
            &out,
        ]);
        a.extend(s(extra));
        a.extend(data_args(&r));
        a
    };
    let cases: Vec<(Vec<String>, Option<&str>, &str)> = vec![
        (
            base(&["--questions", "q_001..q_999"]),
            Some(KEY),
            "unknown question id \"q_999\"",
        ),
        (
            base(&["--shard", "3/2"]),
            Some(KEY),
            "cannot read shard \"3/2\"",
        ),
        (
            base(&["--concurrency", "4", "--pace-ms", "100"]),
            Some(KEY),
            "--pace-ms applies to sequential runs",
        ),
        (base(&[]), None, "no API key: set SQLSWEEP_API_KEY"),
        (
            s(&[
                "sweep",
                "--base-url",
                "ftp://x",
                "--model",
                "m",
                "--out",
                &out,
            ]),
            Some(KEY),
            "--base-url: base URL must start with http:// or https://",
        ),
        (
            s(&["merge", "/nonexistent/a.json", "--out", &out]),
            Some(KEY),
            "shard 1 (/nonexistent/a.json): cannot read",
        ),
    ];
    for (args, key, expected) in cases {
        let mut cmd = command(&args);
        if key.is_none() {
            cmd.env_remove("SQLSWEEP_API_KEY");
        }
        let run = cmd.output().unwrap();
        assert_clean(&run);
        assert!(!run.status.success(), "{args:?} succeeded");
        let e = text(&run.stderr);
        assert!(e.contains(expected), "{args:?}: {e}");
    }
    // A refused endpoint is not an error of the run: every trace says what happened.
    let run = sqlsweep(&base(&["--questions", "q_001"]));
    assert!(run.status.success(), "{}", text(&run.stderr));
    let file = read_json(Path::new(&out));
    let t = &traces(&file, 0)[0];
    assert_eq!(t["outcome"], "network");
    assert!(
        text(&run.stdout).contains("every call failed"),
        "{}",
        text(&run.stdout)
    );
}
