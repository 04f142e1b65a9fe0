//! The agent on the real Chinook database: schema rendering against the original's
//! figures, trimming over the 25 gold questions, and end-to-end runs of the state
//! machine with a scripted fake model and real (read-only) SQL execution.
#![cfg(feature = "sqlite")]

mod support;

use sqlsweep_core::agent::schema::{compact, ddl, read_schema};
use sqlsweep_core::agent::{
    trim_for_question, Agent, AgentResult, CallFailure, ChatRequest, Reply, Role, SchemaInfo, Step,
    Strategy, Turn,
};
use sqlsweep_core::outcome::Outcome;
use support::agent::{chinook, execute, gold_set, Gold};

fn schema() -> SchemaInfo {
    read_schema(&chinook()).expect("read Chinook schema")
}

#[test]
fn compact_schema_equals_the_originals() {
    let text = compact(&schema());
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 11);
    assert_eq!(
        text.chars().count(),
        1558,
        "the original's SCHEMA_COMPACT is 1,558 characters"
    );
    let names: Vec<&str> = lines.iter().map(|l| l.split('(').next().unwrap()).collect();
    assert_eq!(
        names,
        [
            "Album",
            "Artist",
            "Customer",
            "Employee",
            "Genre",
            "Invoice",
            "InvoiceLine",
            "MediaType",
            "Playlist",
            "PlaylistTrack",
            "Track"
        ]
    );
    assert_eq!(
        lines[0],
        "Album(AlbumId:integer[pk], Title:nvarchar, ArtistId:integer[fk→Artist.ArtistId])"
    );
    assert_eq!(lines[9], "PlaylistTrack(PlaylistId:integer[pk,fk→Playlist.PlaylistId], TrackId:integer[pk,fk→Track.TrackId])");
    assert!(lines[3].contains("ReportsTo:integer[fk→Employee.EmployeeId]"));
    assert!(lines[5].ends_with("Total:numeric)"));
}

#[test]
fn ddl_equals_the_originals_length() {
    let text = ddl(&schema());
    assert_eq!(
        text.chars().count(),
        4169,
        "the original's verbose schema is 4,169 characters"
    );
    assert!(text.starts_with("CREATE TABLE [Album]"));
    assert_eq!(text.matches("CREATE TABLE").count(), 11);
    assert!(text.ends_with(");"));
}

/// Which gold questions trim, and to which tables (None: the full schema is sent).
/// The original fired on 9 of these; splitting CamelCase names adds q_004 ("media
/// type"), and the path closure adds PlaylistTrack to q_006.
#[rustfmt::skip]
const EXPECTED_TRIMS: [(&str, Option<&[&str]>); 25] = [
    ("q_001", None),
    ("q_002", Some(&["Album", "Artist"])),
    ("q_003", None),
    ("q_004", Some(&["Album", "Genre", "MediaType", "Track"])),
    ("q_005", Some(&["Customer", "Employee"])),
    ("q_006", Some(&["Album", "Genre", "MediaType", "Playlist", "PlaylistTrack", "Track"])),
    ("q_007", None),
    ("q_008", None),
    ("q_009", None),
    ("q_010", Some(&["Album", "Artist", "Genre", "MediaType", "Track"])),
    ("s_001", None),
    ("s_002", None),
    ("s_003", None),
    ("s_004", None),
    ("s_005", None),
    ("s_006", None),
    ("s_007", Some(&["Customer", "Employee", "Invoice"])),
    ("s_008", Some(&["Album", "Artist", "Genre", "MediaType", "Track"])),
    ("s_009", Some(&["Customer", "Employee"])),
    ("s_010", None),
    ("s_011", Some(&["Album", "Genre", "MediaType", "Track"])),
    ("s_012", None),
    ("s_013", None),
    ("s_014", None),
    ("s_015", Some(&["Customer", "Employee", "Invoice"])),
];

#[test]
fn trims_over_the_gold_questions() {
    let s = schema();
    let full = compact(&s);
    let gold = gold_set();
    assert_eq!(gold.len(), EXPECTED_TRIMS.len());
    for (g, (id, expected)) in gold.iter().zip(EXPECTED_TRIMS) {
        assert_eq!(g.id, id, "gold order");
        let t = trim_for_question(&s, &g.question);
        match expected {
            Some(tables) => {
                assert!(t.fired, "{id} should trim");
                assert_eq!(t.tables, tables, "{id} tables");
                for line in t.text.lines() {
                    assert!(
                        full.lines().any(|l| l == line),
                        "{id}: {line} is a line of the full schema"
                    );
                }
                assert!(t.text.chars().count() < full.chars().count());
            }
            None => {
                assert!(!t.fired, "{id} should not trim (matched {:?})", t.matched);
                assert_eq!(t.text, full);
            }
        }
    }
    let fired = EXPECTED_TRIMS.iter().filter(|(_, e)| e.is_some()).count();
    assert_eq!(fired, 10);
}

#[test]
fn trim_keeps_child_tables_for_revenue_by_genre() {
    let t = trim_for_question(&schema(), "Total invoice revenue per genre?");
    assert_eq!(t.matched, ["Genre", "Invoice"]);
    assert_eq!(
        t.tables,
        ["Customer", "Genre", "Invoice", "InvoiceLine", "Track"]
    );
}

// ---------------------------------------------------------------------------
// End to end: a scripted fake model, real SQL on Chinook.

/// The fake model: given the call number (0-based) and the request, a reply or a failure.
type FakeModel<'a> = &'a dyn Fn(usize, &ChatRequest) -> Result<Reply, CallFailure>;

/// Drives the agent to the end like the browser and CLI do; returns the result and
/// every request sent.
fn run(
    strategy: Strategy,
    gold: &Gold,
    history: &[Turn],
    model: FakeModel,
) -> (AgentResult, Vec<ChatRequest>) {
    let db = chinook();
    let mut agent =
        Agent::new(strategy, &gold.question, &schema(), history).with_gold(gold.expected.clone());
    let mut sent = Vec::new();
    for _ in 0..20 {
        match agent.next() {
            Step::Call(req) => {
                let reply = model(sent.len(), &req);
                sent.push(req);
                agent.on_reply(reply).unwrap();
            }
            Step::Execute(sql) => agent.on_executed(execute(&db, &sql)).unwrap(),
            Step::Done(result) => return (result, sent),
        }
    }
    panic!("agent did not finish in 20 steps");
}

fn says(content: &str, prompt_tokens: u64, completion_tokens: u64) -> Result<Reply, CallFailure> {
    Ok(Reply {
        content: content.to_string(),
        prompt_tokens: Some(prompt_tokens),
        completion_tokens: Some(completion_tokens),
        latency_ms: Some(1000.0),
        ttft_ms: Some(300.0),
    })
}

fn question(id: &str) -> Gold {
    gold_set().into_iter().find(|g| g.id == id).unwrap()
}

const Q002_SQL: &str = r#"{"sql": "SELECT al.Title FROM Album al JOIN Artist ar ON al.ArtistId = ar.ArtistId WHERE ar.Name = 'AC/DC'", "rationale": "Albums joined to their artist."}"#;

#[test]
fn good_json_first_time() {
    let (r, sent) = run(Strategy::agent(), &question("q_002"), &[], &|_, _| {
        says(Q002_SQL, 700, 60)
    });
    assert_eq!(r.outcome, Outcome::Correct);
    assert_eq!((r.attempts, r.repairs, r.json_ok), (1, 0, Some(true)));
    assert_eq!(r.result.as_ref().map(|rs| rs.rows.len()), Some(2));
    assert_eq!(
        r.rationale.as_deref(),
        Some("Albums joined to their artist.")
    );
    assert!(sent[0].json_mode);
    assert!(r.schema_trimmed);
    assert!(sent[0].messages[0].content.ends_with("Album(AlbumId:integer[pk], Title:nvarchar, ArtistId:integer[fk→Artist.ArtistId])\nArtist(ArtistId:integer[pk], Name:nvarchar)"));
    assert_eq!(
        r.to_turn("albums by AC/DC?").map(|t| t.question),
        Some("albums by AC/DC?".to_string())
    );
}

#[test]
fn invalid_json_then_good() {
    let good = r#"{"sql": "SELECT FirstName, LastName, Email FROM Customer WHERE Country = 'Brazil'", "rationale": "Filter on country."}"#;
    let (r, sent) = run(
        Strategy::agent(),
        &question("q_003"),
        &[],
        &|i, _| match i {
            0 => says(
                "Sure! You want the Brazilian customers, I will look them up.",
                600,
                15,
            ),
            _ => says(good, 650, 40),
        },
    );
    assert_eq!(r.outcome, Outcome::Correct);
    assert_eq!((r.attempts, r.repairs), (2, 1));
    assert_eq!(
        (r.prompt_tokens, r.completion_tokens),
        (Some(1250), Some(55))
    );
    assert_eq!(
        r.calls[0].extracted.as_ref().map(|e| e.json_ok),
        Some(false)
    );
    let repair = &sent[1].messages.last().unwrap().content;
    assert!(repair.contains("not valid JSON"), "{repair}");
}

#[test]
fn sql_error_then_repaired_with_the_full_schema() {
    let bad = r#"{"sql": "SELECT p.Name, COUNT(*) FROM Playlists p GROUP BY p.Name", "rationale": "guess"}"#;
    let good = r#"{"sql": "SELECT p.Name, COUNT(pt.TrackId) AS Tracks FROM Playlist p LEFT JOIN PlaylistTrack pt ON p.PlaylistId = pt.PlaylistId GROUP BY p.PlaylistId", "rationale": "Count tracks per playlist."}"#;
    let (r, sent) = run(Strategy::agent(), &question("q_006"), &[], &|i, _| {
        says(if i == 0 { bad } else { good }, 900, 50)
    });
    assert_eq!((r.attempts, r.repairs), (2, 1));
    assert_eq!(
        r.calls[0].sql_error.as_deref(),
        Some("no such table: Playlists")
    );
    // The trimmed schema already carries the junction table (the original's closure dropped it).
    assert!(sent[0].messages[0].content.contains("\nPlaylistTrack("));
    assert!(!sent[0].messages[0].content.contains("\nCustomer("));
    // The repair turn sends the full schema and the error.
    assert!(sent[1].messages[0].content.contains("\nCustomer("));
    assert_eq!(
        sent[1].messages.iter().map(|m| m.role).collect::<Vec<_>>(),
        [Role::System, Role::User, Role::Assistant, Role::User]
    );
    assert!(sent[1].messages[3]
        .content
        .starts_with("Your query failed: no such table: Playlists"));
    // Gold has 18 playlists with counts; the repaired query matches it.
    assert_eq!(
        r.outcome,
        Outcome::Correct,
        "{:?}",
        r.result.as_ref().map(|x| x.rows.len())
    );
}

#[test]
fn transport_failure_on_the_second_call_keeps_the_first() {
    let bad = r#"{"sql": "SELECT Name, SUM(Total) FROM Sales GROUP BY Name LIMIT 5"}"#;
    let (r, _) = run(
        Strategy::agent(),
        &question("q_001"),
        &[],
        &|i, _| match i {
            0 => says(bad, 800, 30),
            _ => Err(CallFailure {
                outcome: Outcome::Timeout,
                message: "no reply within 15 s".into(),
                latency_ms: Some(15000.0),
            }),
        },
    );
    assert_eq!(r.outcome, Outcome::Timeout);
    assert_eq!(r.error.as_deref(), Some("no reply within 15 s"));
    assert_eq!((r.attempts, r.repairs), (2, 1));
    assert_eq!(
        (r.prompt_tokens, r.completion_tokens),
        (Some(800), Some(30)),
        "first call's usage kept"
    );
    assert_eq!(r.latency_ms(), Some(16000.0), "both calls' latency kept");
    assert_eq!(
        r.sql.as_deref(),
        Some("SELECT Name, SUM(Total) FROM Sales GROUP BY Name LIMIT 5")
    );
    assert!(r.result.is_none());
}

#[test]
fn wrong_shape_and_wrong_rows() {
    let extra = r#"{"sql": "SELECT CustomerId, FirstName, LastName, Email FROM Customer WHERE Country = 'Brazil'"}"#;
    let (r, _) = run(Strategy::agent(), &question("q_003"), &[], &|_, _| {
        says(extra, 1, 1)
    });
    assert_eq!(r.outcome, Outcome::WrongShape);
    let other = r#"{"sql": "SELECT FirstName, LastName, Email FROM Customer WHERE Country = 'Canada' LIMIT 5"}"#;
    let (r, _) = run(Strategy::agent(), &question("q_003"), &[], &|_, _| {
        says(other, 1, 1)
    });
    assert_eq!(r.outcome, Outcome::WrongRows);
}

#[test]
fn baseline_runs_once_without_schema() {
    let fenced = "Here is the query:\n```sql\nSELECT al.Title FROM Album al JOIN Artist ar ON al.ArtistId = ar.ArtistId WHERE ar.Name = 'AC/DC';\n```";
    let (r, sent) = run(Strategy::Baseline, &question("q_002"), &[], &|_, _| {
        says(fenced, 30, 80)
    });
    assert_eq!(r.outcome, Outcome::Correct);
    assert_eq!(sent.len(), 1);
    assert!(!sent[0].json_mode);
    assert_eq!(sent[0].messages.len(), 1);
    assert_eq!(
        sent[0].messages[0].content,
        "Convert this question to SQL:\nList all albums by the artist 'AC/DC'."
    );
    assert_eq!(r.json_ok, None);

    let prose = "Assuming a table called albums with an artist column, you would filter on AC/DC.";
    let (r, sent) = run(Strategy::Baseline, &question("q_002"), &[], &|_, _| {
        says(prose, 30, 20)
    });
    assert_eq!(
        (r.outcome, r.attempts, sent.len()),
        (Outcome::SqlError, 1, 1)
    );
    assert!(
        r.error.as_deref().unwrap().contains("syntax error"),
        "{:?}",
        r.error
    );
}

#[test]
fn follow_up_carries_history() {
    let first = question("q_002");
    let (r, _) = run(Strategy::agent(), &first, &[], &|_, _| says(Q002_SQL, 1, 1));
    let history: Vec<Turn> = r.to_turn(&first.question).into_iter().collect();
    let follow = Gold {
        id: "follow".into(),
        question: "And how many tracks does each of them have?".into(),
        expected: Default::default(),
    };
    let (_, sent) = run(Strategy::agent(), &follow, &history, &|_, _| {
        says(r#"{"sql": "SELECT 1"}"#, 1, 1)
    });
    let roles: Vec<Role> = sent[0].messages.iter().map(|m| m.role).collect();
    assert_eq!(
        roles,
        [Role::System, Role::User, Role::Assistant, Role::User]
    );
    assert_eq!(sent[0].messages[1].content, first.question);
    assert!(sent[0].messages[2]
        .content
        .starts_with(r#"{"sql":"SELECT al.Title"#));
}

#[test]
fn hostile_sql_is_an_error_not_a_write() {
    let drop = r#"{"sql": "DROP TABLE Album"}"#;
    let (r, _) = run(
        Strategy::Agent { max_repairs: 0 },
        &question("q_002"),
        &[],
        &|_, _| says(drop, 1, 1),
    );
    assert_eq!(r.outcome, Outcome::SqlError);
    assert_eq!(
        execute(&chinook(), "SELECT COUNT(*) FROM Album")
            .unwrap()
            .rows
            .len(),
        1
    );
}
