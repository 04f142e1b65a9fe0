//! The sweep library: every sweep the dashboard knows about — the published files,
//! files the user imported, and runs made in this browser — behind one context, so
//! an import or a finished run joins every view at once, labelled with its source.
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
    /// Imported files and own runs, in the order they were added.
    added: RwSignal<Vec<LibraryEntry>>,
    next_id: StoredValue<usize>,
}

impl SweepLibrary {
    /// True while any published file is still loading.
    pub fn loading(&self) -> bool {
        self.published.settled().is_none()
    }

    /// Errors of published files that failed to load (each names its file).
    pub fn errors(&self) -> Vec<FetchError> {
        self.published
            .slots
            .iter()
            .filter_map(|s| s.load.get())
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
                s.load.get().and_then(|l| l.ok()).map(|sweep| LibraryEntry {
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
        if let Some(existing) = self
            .added
            .with_untracked(|a| a.iter().find(|e| e.file == label).map(|e| e.id))
        {
            let entry = LibraryEntry {
                id: existing,
                file: label.to_string(),
                sweep: Arc::new(sweep),
            };
            self.added.update(|a| {
                if let Some(slot) = a.iter_mut().find(|e| e.id == existing) {
                    *slot = entry.clone();
                }
            });
            return entry;
        }
        self.add(label, sweep)
    }

    /// Removes an imported file or own run (published files stay).
    pub fn remove(&self, id: usize) {
        self.added.update(|a| a.retain(|e| e.id != id));
    }

    fn add(&self, file: &str, sweep: SweepFile) -> LibraryEntry {
        let id = self.next_id.get_value();
        self.next_id.set_value(id + 1);
        let entry = LibraryEntry {
            id,
            file: file.to_string(),
            sweep: Arc::new(sweep),
        };
        self.added.update(|a| a.push(entry.clone()));
        entry
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
        next_id: StoredValue::new(published.slots.len()),
    };
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
}

/// Follows the sweep library: the records are recomputed only when its entries
/// change (a file finishes loading, an import, an own run).
pub fn use_loaded() -> LoadedData {
    let library = use_sweep_library();
    let entries = Memo::new(move |_| (!library.loading()).then(|| library.entries()));
    let loaded = Memo::new(move |_| entries.get().map(Loaded::from_entries));
    let errors = Memo::new(move |_| library.errors());
    LoadedData { loaded, errors }
}
