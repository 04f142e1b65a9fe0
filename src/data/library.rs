//! The sweep library: every sweep the dashboard knows about — the published files,
//! files the user imported, and runs made in this browser — behind one context, so
//! an import or a finished run joins every view at once, labelled with its source.
//!
//! Additions (imports, own runs) are shared with the page's other wasm modules
//! through [`super::registry`]: this module's `added` is a parsed mirror of it.
//!
//! Views never read the published files directly: they read [`SweepLibrary::sweeps`]
//! or, once the published files have loaded, [`use_loaded`] (the sweeps with the
//! core's normalised records, recomputed only when the library changes). A broken
//! import can never remove what is already loaded: it is parsed first and only
//! added when it parsed.

use std::sync::Arc;

use leptos::prelude::*;
use sqlsweep_core::analysis::records::{records, Record};
use sqlsweep_core::sweep::SweepFile;

use super::fetch::FetchError;
use super::published::{use_published_sweeps, PublishedSweeps};
use super::registry;

/// One sweep in the library.
#[derive(Clone, Debug, PartialEq)]
pub struct LibraryEntry {
    /// Stable within the page: published files first (in load order), then additions.
    pub id: usize,
    /// File name it came from (or the run's label for own runs).
    pub file: String,
    pub sweep: Arc<SweepFile>,
}

/// The library's sweeps and their records, shared cheaply between closures.
#[derive(Debug, Clone, PartialEq)]
pub struct Loaded {
    /// In library order (published files first, then imports and own runs).
    pub entries: Arc<Vec<LibraryEntry>>,
    /// The sweeps of `entries`, in the same order (`Record::sweep_index` indexes it).
    pub sweeps: Arc<Vec<SweepFile>>,
    pub records: Arc<Vec<Record>>,
}

impl Loaded {
    /// The sweeps of `entries` and the records computed from them.
    pub fn from_entries(entries: Vec<LibraryEntry>) -> Loaded {
        let sweeps: Vec<SweepFile> = entries.iter().map(|e| (*e.sweep).clone()).collect();
        let recs = records(&sweeps);
        Loaded {
            entries: Arc::new(entries),
            sweeps: Arc::new(sweeps),
            records: Arc::new(recs),
        }
    }

    /// The library entry a record comes from.
    pub fn entry_of(&self, record: &Record) -> Option<&LibraryEntry> {
        self.entries.get(record.sweep_index)
    }
}

/// The library handle (cheap to copy into closures).
#[derive(Clone, Copy)]
pub struct SweepLibrary {
    published: PublishedSweeps,
    /// Imported files and own runs, in the order they were added: this module's
    /// parsed mirror of the page's shared additions.
    added: RwSignal<Vec<LibraryEntry>>,
    /// The shared revision each mirrored entry was parsed from.
    revs: StoredValue<Vec<(usize, u64)>>,
}

impl SweepLibrary {
    /// True while any published file is still loading.
    pub fn loading(&self) -> bool {
        self.published.settled().is_none()
    }

    /// True once the published files have loaded in full (the first screen may
    /// have been shown from their lean copies, which carry no result rows).
    pub fn complete(&self) -> bool {
        self.published.complete()
    }

    /// Errors of published files that failed to load (each names its file).
    pub fn errors(&self) -> Vec<FetchError> {
        self.published
            .slots
            .iter()
            .filter_map(|s| s.current())
            .filter_map(|l| l.err())
            .collect()
    }

    /// Every loaded sweep: published ones first, then imports and own runs.
    pub fn entries(&self) -> Vec<LibraryEntry> {
        let mut out: Vec<LibraryEntry> = self
            .published
            .slots
            .iter()
            .enumerate()
            .filter_map(|(i, s)| {
                s.current().and_then(|l| l.ok()).map(|sweep| LibraryEntry {
                    id: i,
                    file: s.file.to_string(),
                    sweep,
                })
            })
            .collect();
        out.extend(self.added.get());
        out
    }

    /// The sweeps themselves, in library order.
    pub fn sweeps(&self) -> Vec<SweepFile> {
        self.entries()
            .into_iter()
            .map(|e| (*e.sweep).clone())
            .collect()
    }

    /// Every loaded sweep with its records; `None` while a published file is still
    /// loading.
    pub fn loaded(&self) -> Option<Loaded> {
        (!self.loading()).then(|| Loaded::from_entries(self.entries()))
    }

    /// Parses `bytes` as a sweep (our schema or a published format) and adds it,
    /// labelled as imported (core's `exchange::import` checks and labels it). On
    /// error nothing changes and the error names the file.
    pub fn import(&self, file: &str, bytes: &[u8]) -> Result<LibraryEntry, FetchError> {
        let sweep = sqlsweep_core::exchange::import::import(file, bytes)
            .map_err(|e| FetchError::new(file, import_problem(&e)))?;
        Ok(self.add(file, sweep))
    }

    /// True for an imported file or own run (which [`SweepLibrary::remove`] can
    /// remove); false for a published file.
    pub fn is_added(&self, id: usize) -> bool {
        self.added.with(|a| a.iter().any(|e| e.id == id))
    }

    /// Adds a run made in this browser (or replaces the entry with the same `file`,
    /// so a run in progress can be re-published as it grows).
    pub fn add_own(&self, label: &str, sweep: SweepFile) -> LibraryEntry {
        let existing = self
            .added
            .with_untracked(|a| a.iter().find(|e| e.file == label).map(|e| e.id));
        self.publish(existing, label, sweep)
    }

    /// Removes an imported file or own run (published files stay), in every module.
    pub fn remove(&self, id: usize) {
        registry::remove(self.first_id(), id);
        self.revs.update_value(|r| r.retain(|(i, _)| *i != id));
        self.added.update(|a| a.retain(|e| e.id != id));
        registry::announce();
    }

    fn add(&self, file: &str, sweep: SweepFile) -> LibraryEntry {
        self.publish(None, file, sweep)
    }

    /// Writes an addition to the shared library (a new id unless `id` replaces one),
    /// mirrors it here at once and tells the other modules.
    fn publish(&self, id: Option<usize>, file: &str, sweep: SweepFile) -> LibraryEntry {
        let first = self.first_id();
        let id = id.unwrap_or_else(|| registry::allocate_id(first));
        let rev = registry::put(first, id, file, &sqlsweep_core::sweep::to_json(&sweep));
        let entry = LibraryEntry {
            id,
            file: file.to_string(),
            sweep: Arc::new(sweep),
        };
        self.revs.update_value(|r| {
            r.retain(|(i, _)| *i != id);
            r.push((id, rev));
        });
        self.added
            .update(|a| match a.iter_mut().find(|e| e.id == id) {
                Some(slot) => *slot = entry.clone(),
                None => a.push(entry.clone()),
            });
        registry::announce();
        entry
    }

    /// Ids of additions start after the published files'.
    fn first_id(&self) -> usize {
        self.published.slots.len()
    }

    /// Brings the mirror up to date with the shared additions: entries written by
    /// another module are parsed (ours are already here), removed ones dropped.
    fn sync(&self) {
        let first = self.first_id();
        let heads = registry::heads(first);
        let revs = self.revs.get_value();
        let current = self.added.get_untracked();
        let unchanged = heads.len() == current.len()
            && heads
                .iter()
                .zip(&current)
                .all(|(h, e)| h.id == e.id && revs.contains(&(h.id, h.rev)));
        if unchanged {
            return;
        }
        let mut next = Vec::with_capacity(heads.len());
        let mut next_revs = Vec::with_capacity(heads.len());
        for head in heads {
            let kept = revs
                .contains(&(head.id, head.rev))
                .then(|| current.iter().find(|e| e.id == head.id).cloned())
                .flatten();
            let entry = kept.or_else(|| {
                let json = registry::json_of(first, head.id)?;
                match sqlsweep_core::sweep::load(json.as_bytes(), &head.file) {
                    Ok(sweep) => Some(LibraryEntry {
                        id: head.id,
                        file: head.file.clone(),
                        sweep: Arc::new(sweep),
                    }),
                    // Written by this page in our own schema: failing to read it back is a bug.
                    Err(e) => {
                        leptos::logging::error!("shared library entry {}: {e}", head.file);
                        None
                    }
                }
            });
            if let Some(entry) = entry {
                next_revs.push((head.id, head.rev));
                next.push(entry);
            }
        }
        self.revs.set_value(next_revs);
        self.added.set(next);
    }
}

/// The problem part of an import error: the JSON path when it is not the whole file.
fn import_problem(e: &sqlsweep_core::sweep::LoadError) -> String {
    if e.path == "$" {
        e.message.clone()
    } else {
        format!("at {}: {}", e.path, e.message)
    }
}

/// Creates the library (published sweeps start loading) and provides it to every view.
pub fn provide_sweep_library() -> SweepLibrary {
    let published = use_published_sweeps();
    let library = SweepLibrary {
        published,
        added: RwSignal::new(Vec::new()),
        revs: StoredValue::new(Vec::new()),
    };
    // What other modules added before this one started, then whatever they add later.
    library.sync();
    let listener = window_event_listener_untyped(registry::CHANGED, move |_| library.sync());
    on_cleanup(move || listener.remove());
    provide_context(library);
    library
}

/// The library provided by the app shell.
pub fn use_sweep_library() -> SweepLibrary {
    use_context::<SweepLibrary>().unwrap_or_else(provide_sweep_library)
}

/// The library as the analytical views follow it.
#[derive(Clone, Copy)]
pub struct LoadedData {
    /// `None` while a published file is still loading.
    pub loaded: Memo<Option<Loaded>>,
    /// Errors of published files that failed to load (each names its file).
    pub errors: Memo<Vec<FetchError>>,
    /// True once the published files are in full (see [`SweepLibrary::complete`]).
    pub complete: Memo<bool>,
}

/// Follows the sweep library: the records are recomputed only when its entries
/// change (a file finishes loading, an import, an own run).
pub fn use_loaded() -> LoadedData {
    let library = use_sweep_library();
    let entries = Memo::new(move |_| (!library.loading()).then(|| library.entries()));
    let loaded = Memo::new(move |_| entries.get().map(Loaded::from_entries));
    let errors = Memo::new(move |_| library.errors());
    let complete = Memo::new(move |_| library.complete());
    LoadedData {
        loaded,
        errors,
        complete,
    }
}
