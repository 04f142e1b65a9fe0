//! The sweep library: every sweep the dashboard knows about — the published files,
//! files the user imported, and runs made in this browser — behind one context, so
//! an import or a finished run joins every view at once, labelled with its source.
//!
//! Views never read the published files directly: they read [`SweepLibrary::sweeps`]
//! (or the derived [`SweepLibrary::records`]), and a broken import can never remove
//! what is already loaded: it is parsed first and only added when it parsed.

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

    /// The normalised per-model records every analytical view starts from.
    pub fn records(&self) -> Vec<Record> {
        records(&self.sweeps())
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
