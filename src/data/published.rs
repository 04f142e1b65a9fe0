//! The published sweeps (both platforms' files), loaded once per page and shared by
//! every view through context. Each file loads on its own, so a broken file shows
//! its own error while the other still renders.
//!
//! The shell first fetches each file's lean copy (`data/lean/`, core's
//! `sweep::lean`: no result rows, no raw output — a third of the bytes, the same
//! figures), shows the first screen from it, and then fetches the full files, which
//! replace the lean ones (re-verification waits for them). A missing lean copy just
//! means the full file is waited for.

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
    /// The lean copy (`None` inside while loading or when there is none); only
    /// when the page loads lean copies first.
    lean: Option<LocalResource<Option<Arc<SweepFile>>>>,
    /// The full file; `None` while loading.
    pub load: LocalResource<Loaded>,
}

impl SweepSlot {
    /// The file as far as it has loaded: the full file once it has (or its error),
    /// before that its lean copy, else `None`.
    pub fn current(&self) -> Option<Loaded> {
        self.load
            .get()
            .or_else(|| self.lean.and_then(|l| l.get().flatten()).map(Ok))
    }
}

/// Every published sweep file.
#[derive(Clone, Copy)]
pub struct PublishedSweeps {
    pub slots: [SweepSlot; 2],
}

impl PublishedSweeps {
    /// The files loaded so far (lean copies count), with their sweeps; `None` while
    /// any is still loading.
    pub fn settled(&self) -> Option<Vec<(&'static str, Loaded)>> {
        self.slots
            .iter()
            .map(|s| s.current().map(|l| (s.file, l)))
            .collect()
    }

    /// True once every full file has loaded or failed (what re-verification needs).
    pub fn complete(&self) -> bool {
        self.slots.iter().all(|s| s.load.get().is_some())
    }
}

/// Fetches and parses one sweep file (the fetch is aborted when its owner is
/// cleaned up).
async fn load_sweep(file: &'static str) -> Loaded {
    let bytes = fetch_data_file(file).await?;
    parse_sweep(&bytes, file).map(Arc::new)
}

/// The lean copy of `file`, or `None` if it is missing or unreadable (the full
/// file then decides what is shown, errors included).
async fn load_lean(file: &'static str) -> Option<Arc<SweepFile>> {
    let bytes = fetch_data_file(&format!("{LEAN_DIR}/{file}")).await.ok()?;
    parse_sweep(&bytes, file).ok().map(Arc::new)
}

/// Where the lean copies are, under the data directory.
pub const LEAN_DIR: &str = "lean";

/// Parses sweep bytes with the core loader (our schema or the published format).
pub fn parse_sweep(bytes: &[u8], file: &str) -> Result<SweepFile, FetchError> {
    sqlsweep_core::sweep::load(bytes, file).map_err(|e| FetchError::new(file, e.to_string()))
}

/// Starts loading the published sweeps — with `lean_first`, each lean copy before
/// any full file, the full files only after the first screen has rendered — and
/// makes them available to every view.
fn provide(lean_first: bool) -> PublishedSweeps {
    let lean =
        SWEEP_FILES.map(|file| lean_first.then(|| LocalResource::new(move || load_lean(file))));
    let slots = std::array::from_fn(|i| {
        let file = SWEEP_FILES[i];
        SweepSlot {
            file,
            lean: lean[i],
            load: LocalResource::new(move || async move {
                if lean_first {
                    for l in lean.into_iter().flatten() {
                        let _ = l.await;
                    }
                    // Let the first screen render before the full files compete with it.
                    crate::live::clock::sleep(0.0).await;
                }
                load_sweep(file).await
            }),
        }
    });
    let sweeps = PublishedSweeps { slots };
    provide_context(sweeps);
    sweeps
}

/// The published sweeps, full files only (a bundle's views, tests).
pub fn provide_published_sweeps() -> PublishedSweeps {
    provide(false)
}

/// The published sweeps for the first screen: lean copies first, then the full files.
pub fn provide_published_sweeps_lean_first() -> PublishedSweeps {
    provide(true)
}

/// The published sweeps provided by the app shell.
pub fn use_published_sweeps() -> PublishedSweeps {
    use_context::<PublishedSweeps>().unwrap_or_else(provide_published_sweeps)
}
