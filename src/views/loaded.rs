//! What the analytical views start from, taken from the sweep library once per
//! view: the loaded sweeps and the core's normalised records, recomputed only
//! when the library changes (a file finishes loading, an import, an own run).
//!
//! Why here: every view reads the same pair, and reading it through one hook
//! keeps imports and own runs joining every view at once.

use std::sync::Arc;

use leptos::prelude::*;
use sqlsweep_core::analysis::records::{records, Record};
use sqlsweep_core::sweep::SweepFile;

use crate::data::{use_sweep_library, LibraryEntry};

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
    /// The library entry a record comes from.
    pub fn entry_of(&self, record: &Record) -> Option<&LibraryEntry> {
        self.entries.get(record.sweep_index)
    }
}

/// The loaded data and the load errors (each names its file).
#[derive(Clone, Copy)]
pub struct LoadedData {
    /// `None` while a published file is still loading.
    pub loaded: Memo<Option<Loaded>>,
    pub errors: Memo<Vec<String>>,
}

/// Follows the sweep library.
pub fn use_loaded() -> LoadedData {
    let library = use_sweep_library();
    let entries = Memo::new(move |_| (!library.loading()).then(|| library.entries()));
    let loaded = Memo::new(move |_| {
        let entries = entries.get()?;
        let sweeps: Vec<SweepFile> = entries.iter().map(|e| (*e.sweep).clone()).collect();
        let recs = records(&sweeps);
        Some(Loaded {
            entries: Arc::new(entries),
            sweeps: Arc::new(sweeps),
            records: Arc::new(recs),
        })
    });
    let errors = Memo::new(move |_| {
        library
            .errors()
            .into_iter()
            .map(|e| e.to_string())
            .collect()
    });
    LoadedData { loaded, errors }
}

/// The load errors, one alert per file.
#[component]
pub fn LoadErrors(errors: Memo<Vec<String>>) -> impl IntoView {
    move || {
        errors
            .get()
            .into_iter()
            .map(|e| {
                view! { <p class="error" role="alert" data-testid="load-error">"Could not load " {e}</p> }
            })
            .collect_view()
    }
}
