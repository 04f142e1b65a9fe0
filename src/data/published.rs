//! The published sweeps (both platforms' files), loaded once per page and shared by
//! every view through context. Each file loads on its own, so a broken file shows
//! its own error while the other still renders.

use std::sync::Arc;

use leptos::prelude::*;
use sqlsweep_core::sweep::SweepFile;

use super::fetch::{fetch_data_file, FetchError};

/// The published sweep files, in load order (Baseten first, as the original, so ties
/// between models keep that order).
pub const SWEEP_FILES: [&str; 2] = ["baseten_sweep.json", "fireworks_sweep_v2.json"];
/// The database the worker opens.
pub const DATABASE_FILE: &str = "Chinook.db";
/// The gold questions the worker re-scores against.
pub const GOLD_FILES: [&str; 2] = [
    "dev_questions_with_answers.json",
    "synthetic_questions.json",
];

/// A loaded sweep file, shared cheaply between views.
pub type Loaded = Result<Arc<SweepFile>, FetchError>;

/// One sweep file and its loading state.
#[derive(Clone, Copy)]
pub struct SweepSlot {
    pub file: &'static str,
    /// `None` while loading.
    pub load: LocalResource<Loaded>,
}

/// Every published sweep file.
#[derive(Clone, Copy)]
pub struct PublishedSweeps {
    pub slots: [SweepSlot; 2],
}

impl PublishedSweeps {
    /// The files loaded so far, with their sweeps; `None` while any is still loading.
    pub fn settled(&self) -> Option<Vec<(&'static str, Loaded)>> {
        self.slots
            .iter()
            .map(|s| s.load.get().map(|l| (s.file, l)))
            .collect()
    }
}

/// Fetches and parses one sweep file (the fetch is aborted when its owner is
/// cleaned up).
async fn load_sweep(file: &'static str) -> Loaded {
    let bytes = fetch_data_file(file).await?;
    parse_sweep(&bytes, file).map(Arc::new)
}

/// Parses sweep bytes with the core loader (our schema or the published format).
pub fn parse_sweep(bytes: &[u8], file: &str) -> Result<SweepFile, FetchError> {
    sqlsweep_core::sweep::load(bytes, file).map_err(|e| FetchError::new(file, e.to_string()))
}

/// Starts loading the published sweeps and makes them available to every view.
pub fn provide_published_sweeps() -> PublishedSweeps {
    let slots = SWEEP_FILES.map(|file| SweepSlot {
        file,
        load: LocalResource::new(move || load_sweep(file)),
    });
    let sweeps = PublishedSweeps { slots };
    provide_context(sweeps);
    sweeps
}

/// The published sweeps provided by the app shell.
pub fn use_published_sweeps() -> PublishedSweeps {
    use_context::<PublishedSweeps>().unwrap_or_else(provide_published_sweeps)
}
