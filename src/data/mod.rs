//! The data-loading adapter: fetches the data files the build copied into
//! `dist/data/` and turns them into core types, with a loading state and an error
//! that names the file and what was wrong. Views read data only through here.

pub mod fetch;
pub mod files;
pub mod library;
pub mod page_files;
pub mod published;

pub use fetch::FetchError;
pub use files::{load_file, load_gold, FileResult};
pub use library::{provide_sweep_library, use_sweep_library, LibraryEntry, SweepLibrary};
pub use page_files::{provide_published_files, use_published_file, FileState};
pub use published::{provide_published_sweeps, use_published_sweeps, PublishedSweeps, SweepSlot};

/// URL of a data file, relative to the page (works under any static-host path).
pub fn data_url(file: &str) -> String {
    format!("data/{file}")
}
