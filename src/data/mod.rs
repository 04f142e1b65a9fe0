//! The data-loading adapter: fetches the data files the build copied into
//! `dist/data/` and turns them into core types, with a loading state and an error
//! that names the file and what was wrong. Views read data only through here.

pub mod fetch;
pub mod files;
pub mod library;
pub mod published;
pub mod registry;

pub use fetch::FetchError;
pub use files::{
    provide_published_files, use_gold, use_published_file, FileResult, FileState, CONCURRENCY_FILE,
    MODELS_META_FILE, SEPARATE_SEQUENTIAL_FILE, SEQUENTIAL_FILES,
};
pub use library::{
    provide_sweep_library, use_loaded, use_sweep_library, LibraryEntry, Loaded, LoadedData,
    SweepLibrary,
};
pub use published::{
    provide_published_sweeps, provide_published_sweeps_lean_first, use_published_sweeps,
    PublishedSweeps, SweepSlot,
};

/// URL of a data file, relative to the page (works under any static-host path).
pub fn data_url(file: &str) -> String {
    format!("data/{file}")
}
