//! Where browser runs are checkpointed: `localStorage`, one item per line of core's
//! checkpoint journal (`engine::checkpoint`), so every finished trace is one atomic
//! write and a reload or a crash loses nothing finished. Beside the lines, the run's
//! form, endpoint and state — never the key — so a reloaded page rebuilds the same
//! spec and resumes, and finished runs come back into every view.
//!
//! The layout sits behind the small [`KeyValue`] trait so it is tested natively.
//!
//! ```text
//! sqlsweep.run.<id>.meta            SavedRun (JSON)
//! sqlsweep.run.<id>.line.000000     the journal's header line
//! sqlsweep.run.<id>.line.000001     one finished trace, …
//! ```

use std::cell::RefCell;
use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use sqlsweep_core::engine::checkpoint::{replay, Replayed};
use sqlsweep_core::engine::RunForm;
use sqlsweep_core::sweep::{Pricing, SweepFile};

/// Every item of ours starts with this.
pub const PREFIX: &str = "sqlsweep.run.";

/// A string store: `localStorage` in the page, a map in tests.
pub trait KeyValue {
    fn get(&self, key: &str) -> Option<String>;
    /// Fails when the store refuses (full, disabled); the text says why.
    fn set(&self, key: &str, value: &str) -> Result<(), String>;
    fn remove(&self, key: &str);
    fn keys(&self) -> Vec<String>;
}

/// Where a stored run stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RunState {
    /// Running when last written: if the page is new, the run was interrupted.
    Running,
    /// Every trace done.
    Finished,
    /// Cancelled by the user; finished traces kept, resumable.
    Stopped,
}

/// What a run needs besides its journal to be resumed (no key in here).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SavedRun {
    pub id: String,
    pub form: RunForm,
    /// `custom`, `fireworks` or `baseten` (the key bar's provider choice).
    pub provider: String,
    /// The custom endpoint's base URL as typed (empty for the known providers).
    pub custom_base: String,
    /// Rates typed for a custom endpoint.
    pub rates: Option<Pricing>,
    /// The run's name (also its library label).
    pub label: String,
    pub state: RunState,
    /// `nextHopProtocol` of the provider's responses, when the browser said.
    pub http_protocol: Option<String>,
}

/// A stored run read back.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredRun {
    pub saved: SavedRun,
    pub replayed: Replayed,
}

impl StoredRun {
    /// The sweep so far, with what the page learnt after the header was written.
    pub fn sweep(&self) -> SweepFile {
        with_protocol(
            self.replayed.sweep.clone(),
            self.saved.http_protocol.as_deref(),
        )
    }

    pub fn traces(&self) -> usize {
        self.replayed.traces
    }
}

/// `sweep` with its HTTP protocol set when known (the browser tells it only after
/// the first response).
pub fn with_protocol(mut sweep: SweepFile, protocol: Option<&str>) -> SweepFile {
    if let Some(p) = protocol {
        sweep.run.http_protocol = Some(p.to_string());
    }
    sweep
}

fn meta_key(id: &str) -> String {
    format!("{PREFIX}{id}.meta")
}

fn line_prefix(id: &str) -> String {
    format!("{PREFIX}{id}.line.")
}

fn line_key(id: &str, seq: u32) -> String {
    format!("{}{seq:06}", line_prefix(id))
}

/// Writes one run's journal, a line at a time.
#[derive(Debug, Clone, PartialEq)]
pub struct JournalWriter {
    id: String,
    next: u32,
}

impl JournalWriter {
    /// Lines written so far (the header included).
    pub fn lines(&self) -> u32 {
        self.next
    }
}

/// The runs in a [`KeyValue`] store.
pub struct RunStore<S> {
    kv: S,
}

impl<S: KeyValue> RunStore<S> {
    pub fn new(kv: S) -> RunStore<S> {
        RunStore { kv }
    }

    /// Ids of stored runs, oldest first (ids sort by their start time).
    pub fn ids(&self) -> Vec<String> {
        let mut ids: Vec<String> = self
            .kv
            .keys()
            .into_iter()
            .filter_map(|k| {
                k.strip_prefix(PREFIX)
                    .and_then(|r| r.strip_suffix(".meta"))
                    .map(str::to_string)
            })
            .collect();
        ids.sort();
        ids
    }

    /// Stores `saved` and replaces its journal with `journal` (a whole journal:
    /// header and traces, as `checkpoint::journal` writes it). Used to start a run and
    /// to compact a resumed one.
    pub fn begin(&self, saved: &SavedRun, journal: &str) -> Result<JournalWriter, String> {
        self.remove_lines(&saved.id);
        self.save(saved)?;
        let mut w = JournalWriter {
            id: saved.id.clone(),
            next: 0,
        };
        for line in journal.lines().filter(|l| !l.trim().is_empty()) {
            self.append(&mut w, line)?;
        }
        Ok(w)
    }

    /// Appends one journal line (with or without its newline).
    pub fn append(&self, w: &mut JournalWriter, line: &str) -> Result<(), String> {
        self.kv
            .set(&line_key(&w.id, w.next), line.trim_end_matches('\n'))?;
        w.next += 1;
        Ok(())
    }

    /// Rewrites the header line (run metadata learnt after the start).
    pub fn rewrite_header(&self, w: &JournalWriter, header: &str) -> Result<(), String> {
        self.kv
            .set(&line_key(&w.id, 0), header.trim_end_matches('\n'))
    }

    pub fn save(&self, saved: &SavedRun) -> Result<(), String> {
        let text = serde_json::to_string(saved)
            .map_err(|e| format!("cannot encode the run's settings: {e}"))?;
        self.kv.set(&meta_key(&saved.id), &text)
    }

    /// Reads a run back: its settings and its journal replayed by core.
    pub fn load(&self, id: &str) -> Result<StoredRun, String> {
        let meta = self
            .kv
            .get(&meta_key(id))
            .ok_or_else(|| format!("run {id} is not in browser storage"))?;
        let saved: SavedRun = serde_json::from_str(&meta)
            .map_err(|e| format!("run {id}: its saved settings are unreadable ({e})"))?;
        let prefix = line_prefix(id);
        let mut keys: Vec<String> = self
            .kv
            .keys()
            .into_iter()
            .filter(|k| k.starts_with(&prefix))
            .collect();
        keys.sort();
        let mut text = String::new();
        for k in keys {
            if let Some(line) = self.kv.get(&k) {
                text.push_str(&line);
                text.push('\n');
            }
        }
        let replayed =
            replay(&text, &format!("browser storage (run {id})")).map_err(|e| e.to_string())?;
        Ok(StoredRun { saved, replayed })
    }

    /// Forgets a run entirely.
    pub fn remove(&self, id: &str) {
        self.remove_lines(id);
        self.kv.remove(&meta_key(id));
    }

    fn remove_lines(&self, id: &str) {
        let prefix = line_prefix(id);
        for k in self.kv.keys() {
            if k.starts_with(&prefix) {
                self.kv.remove(&k);
            }
        }
    }
}

/// A store in memory (tests; a browser without storage).
#[derive(Default)]
pub struct MemoryStore {
    items: RefCell<BTreeMap<String, String>>,
    /// Refuse writes once this many items exist (simulates a full store).
    pub capacity: Option<usize>,
}

impl KeyValue for MemoryStore {
    fn get(&self, key: &str) -> Option<String> {
        self.items.borrow().get(key).cloned()
    }
    fn set(&self, key: &str, value: &str) -> Result<(), String> {
        let mut items = self.items.borrow_mut();
        if let Some(cap) = self.capacity {
            if !items.contains_key(key) && items.len() >= cap {
                return Err(full_message());
            }
        }
        items.insert(key.to_string(), value.to_string());
        Ok(())
    }
    fn remove(&self, key: &str) {
        self.items.borrow_mut().remove(key);
    }
    fn keys(&self) -> Vec<String> {
        self.items.borrow().keys().cloned().collect()
    }
}

fn full_message() -> String {
    "browser storage is full: later traces are kept in this page but would be lost on a reload \
     (export the run, or remove old runs)"
        .to_string()
}

/// True when this browser holds runs (or a run's traces) from an earlier visit:
/// the shell then starts the run session at once, so they join the library.
pub fn has_stored_runs() -> bool {
    WebStorage::open().is_some_and(|s| s.keys().iter().any(|k| k.starts_with(PREFIX)))
}

/// The page's `localStorage`.
pub struct WebStorage(pub web_sys::Storage);

impl WebStorage {
    /// `None` when the browser gives no storage (disabled, sandboxed frame).
    pub fn open() -> Option<WebStorage> {
        web_sys::window()?
            .local_storage()
            .ok()
            .flatten()
            .map(WebStorage)
    }
}

impl KeyValue for WebStorage {
    fn get(&self, key: &str) -> Option<String> {
        self.0.get_item(key).ok().flatten()
    }
    fn set(&self, key: &str, value: &str) -> Result<(), String> {
        self.0.set_item(key, value).map_err(|e| {
            let name = js_sys::Reflect::get(&e, &"name".into())
                .ok()
                .and_then(|n| n.as_string())
                .unwrap_or_default();
            if name == "QuotaExceededError" {
                full_message()
            } else {
                format!("browser storage refused the write ({name})")
            }
        })
    }
    fn remove(&self, key: &str) {
        let _ = self.0.remove_item(key);
    }
    fn keys(&self) -> Vec<String> {
        let n = self.0.length().unwrap_or(0);
        (0..n)
            .filter_map(|i| self.0.key(i).ok().flatten())
            .filter(|k| k.starts_with(PREFIX))
            .collect()
    }
}

/// The id of a run started at `unix_ms`: sorts by start time.
pub fn run_id(unix_ms: f64) -> String {
    format!("run-{:013}", unix_ms.max(0.0).round() as u64)
}

/// `sqlsweep-your-run-one-shot-on-127-0-0-1-9-14-05-09.json`
pub fn export_file_name(label: &str) -> String {
    let mut slug = String::new();
    for c in label.chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c.to_ascii_lowercase());
        } else if !slug.ends_with('-') && !slug.is_empty() {
            slug.push('-');
        }
    }
    let slug = slug.trim_end_matches('-');
    if slug.is_empty() {
        "sqlsweep-run.json".to_string()
    } else {
        format!("sqlsweep-{slug}.json")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sqlsweep_core::engine::checkpoint::{header_line, journal, trace_line};
    use sqlsweep_core::sweep::{ModelRun, RunMeta, Source, Trace, SCHEMA_ID, SCHEMA_VERSION};

    fn sweep(traces: &[&str]) -> SweepFile {
        SweepFile {
            schema: SCHEMA_ID.into(),
            version: SCHEMA_VERSION,
            run: RunMeta {
                label: "your run".into(),
                source: Some(Source::Own),
                ..RunMeta::default()
            },
            models: vec![ModelRun {
                model: "m".into(),
                platform: None,
                pricing: None,
                traces: traces
                    .iter()
                    .map(|q| Trace {
                        qid: q.to_string(),
                        correct: true,
                        ..Trace::default()
                    })
                    .collect(),
                recorded: None,
            }],
        }
    }

    fn saved(id: &str) -> SavedRun {
        SavedRun {
            id: id.into(),
            form: RunForm {
                models: "m".into(),
                ..RunForm::default()
            },
            provider: "custom".into(),
            custom_base: "http://127.0.0.1:9/v1".into(),
            rates: None,
            label: "your run".into(),
            state: RunState::Running,
            http_protocol: None,
        }
    }

    /// Starts run `id` with `done` traces, appends `more`; expected trace ids read back.
    fn check(
        done: &[&str],
        more: &[&str],
        capacity: Option<usize>,
        expected: Result<&[&str], &str>,
    ) {
        let store = RunStore::new(MemoryStore {
            capacity,
            ..MemoryStore::default()
        });
        let s = sweep(done);
        let result = store
            .begin(&saved("run-1"), &journal(&s))
            .and_then(|mut w| {
                for q in more {
                    let t = Trace {
                        qid: q.to_string(),
                        ..Trace::default()
                    };
                    store.append(&mut w, &trace_line("m", &t))?;
                }
                Ok(())
            });
        let got = result.and_then(|_| store.load("run-1")).map(|r| {
            r.replayed.sweep.models[0]
                .traces
                .iter()
                .map(|t| t.qid.clone())
                .collect::<Vec<_>>()
        });
        match (got, expected) {
            (Ok(ids), Ok(want)) => assert_eq!(ids, want),
            (Err(e), Err(part)) => assert!(e.contains(part), "{e} should mention {part:?}"),
            (got, want) => panic!("got {got:?}, want {want:?}"),
        }
    }

    #[test]
    fn journals_round_trip_line_by_line() {
        check(&[], &[], None, Ok(&[]));
        check(
            &["q_001"],
            &["q_002", "q_003"],
            None,
            Ok(&["q_001", "q_002", "q_003"]),
        );
        // 12 lines sort by number, not as text of different widths.
        let many: Vec<String> = (1..=12).map(|i| format!("q_{i:03}")).collect();
        let refs: Vec<&str> = many.iter().map(String::as_str).collect();
        check(&[], &refs, None, Ok(&refs));
        // The meta item plus the header plus one trace fit in 3 items; the 4th is refused.
        check(
            &[],
            &["q_001", "q_002"],
            Some(3),
            Err("browser storage is full"),
        );
    }

    #[test]
    fn runs_are_listed_resaved_rewritten_and_removed() {
        let store = RunStore::new(MemoryStore::default());
        assert!(store.ids().is_empty());
        let s = sweep(&["q_001"]);
        let mut w = store
            .begin(&saved("run-0000000000002"), &journal(&s))
            .unwrap();
        store
            .begin(&saved("run-0000000000001"), &journal(&sweep(&[])))
            .unwrap();
        assert_eq!(store.ids(), vec!["run-0000000000001", "run-0000000000002"]);
        assert_eq!(w.lines(), 2);

        // The state and the protocol learnt later are saved; the header can change.
        let mut changed = saved("run-0000000000002");
        changed.state = RunState::Finished;
        changed.http_protocol = Some("h2".into());
        store.save(&changed).unwrap();
        let mut meta = s.clone();
        meta.run.label = "renamed".into();
        store.rewrite_header(&w, &header_line(&meta)).unwrap();
        store
            .append(
                &mut w,
                &trace_line(
                    "m",
                    &Trace {
                        qid: "q_002".into(),
                        ..Trace::default()
                    },
                ),
            )
            .unwrap();
        let back = store.load("run-0000000000002").unwrap();
        assert_eq!(back.saved, changed);
        assert_eq!(back.traces(), 2);
        assert_eq!(back.sweep().run.label, "renamed");
        assert_eq!(back.sweep().run.http_protocol.as_deref(), Some("h2"));

        // Beginning again (a resumed run, compacted) replaces the old lines.
        store.begin(&changed, &journal(&sweep(&["q_009"]))).unwrap();
        assert_eq!(store.load("run-0000000000002").unwrap().traces(), 1);

        store.remove("run-0000000000002");
        assert_eq!(store.ids(), vec!["run-0000000000001"]);
        assert!(store
            .load("run-0000000000002")
            .unwrap_err()
            .contains("not in browser storage"));
    }

    #[test]
    fn broken_items_are_named() {
        let kv = MemoryStore::default();
        kv.set(&meta_key("run-9"), "{not json").unwrap();
        let store = RunStore::new(kv);
        assert!(store
            .load("run-9")
            .unwrap_err()
            .contains("saved settings are unreadable"));
        let kv = MemoryStore::default();
        kv.set(
            &meta_key("run-8"),
            &serde_json::to_string(&saved("run-8")).unwrap(),
        )
        .unwrap();
        kv.set(&line_key("run-8", 0), "{\"oops\": 1}").unwrap();
        let store = RunStore::new(kv);
        let e = store.load("run-8").unwrap_err();
        assert!(e.contains("browser storage (run run-8), line 1"), "{e}");
    }

    #[test]
    fn names() {
        assert_eq!(run_id(1_732_767_125_000.4), "run-1732767125000");
        assert_eq!(run_id(5.0), "run-0000000000005");
        for (label, want) in [
            (
                "your run · one-shot on 127.0.0.1:9 · 14:05:09",
                "sqlsweep-your-run-one-shot-on-127-0-0-1-9-14-05-09.json",
            ),
            ("  ", "sqlsweep-run.json"),
            ("Mine!", "sqlsweep-mine.json"),
        ] {
            assert_eq!(export_file_name(label), want);
        }
    }
}
