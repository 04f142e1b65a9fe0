//! The published files other than sweeps (the concurrency run, the sequential
//! latency runs, the model metadata, …), fetched once per page and parsed by the
//! core's loaders. Any view asks for a file by name with the loader to use; the
//! first request starts the fetch, later ones (from any view, after navigating
//! away and back) share the same result. Errors name the file and the problem.

use std::any::Any;
use std::collections::HashMap;
use std::sync::Arc;

use leptos::prelude::*;
use sqlsweep_core::published::PublishedError;

use super::data_url;
use super::fetch::{fetch_bytes, FetchError};

/// The concurrency benchmark (three models at c = 1, 5, 10).
pub const CONCURRENCY_FILE: &str = "baseten_perf.json";
/// Quantization and context length of the Baseten models.
pub const MODELS_META_FILE: &str = "baseten_models_meta.json";
/// The three paced sequential latency runs the original pooled.
pub const SEQUENTIAL_FILES: [&str; 3] = [
    "perf_compact_1.json",
    "perf_compact_2.json",
    "perf_compact_3.json",
];
/// A fourth sequential run, published beside the three but not pooled with them.
pub const SEPARATE_SEQUENTIAL_FILE: &str = "perf_kimi.json";

/// A loaded file, or why it could not be loaded; `None` while it loads.
pub type FileState<T> = Option<Result<Arc<T>, FetchError>>;

type Erased = Result<Arc<dyn Any + Send + Sync>, FetchError>;

/// The page-wide cache of published files.
#[derive(Clone)]
pub struct PublishedFiles {
    /// The app's owner: resources live as long as the page, not as the view that
    /// asked first.
    owner: Owner,
    loads: StoredValue<HashMap<&'static str, LocalResource<Erased>>, LocalStorage>,
}

/// Provides the cache (call once, in the app shell).
pub fn provide_published_files() -> PublishedFiles {
    let files = PublishedFiles {
        owner: Owner::current().unwrap_or_default(),
        loads: StoredValue::new_local(HashMap::new()),
    };
    provide_context(files.clone());
    files
}

fn use_published_files() -> PublishedFiles {
    use_context::<PublishedFiles>().unwrap_or_else(provide_published_files)
}

/// The file `file`, parsed by `parse` (a core loader such as
/// `ConcurrencyFile::from_json`). Reactive: `None` until it has loaded or failed.
///
/// Each file must always be requested with the same loader; a mismatch is
/// reported as an error naming the file rather than a panic.
pub fn use_published_file<T>(
    file: &'static str,
    parse: fn(&[u8], &str) -> Result<T, PublishedError>,
) -> Signal<FileState<T>>
where
    T: Send + Sync + 'static,
{
    let files = use_published_files();
    let existing = files.loads.with_value(|m| m.get(file).copied());
    let resource = existing.unwrap_or_else(|| {
        let r = files.owner.with(|| {
            LocalResource::new(move || async move {
                let bytes = fetch_bytes(&data_url(file), file, None).await?;
                parse(&bytes, file)
                    .map(|v| Arc::new(v) as Arc<dyn Any + Send + Sync>)
                    .map_err(|e| FetchError::new(file, format!("at {}: {}", e.path, e.message)))
            })
        });
        files.loads.update_value(|m| {
            m.insert(file, r);
        });
        r
    });
    Signal::derive(move || {
        resource.get().map(|loaded| {
            loaded.and_then(|any| {
                any.downcast::<T>().map_err(|_| {
                    FetchError::new(file, "requested with two different loaders (a bug)")
                })
            })
        })
    })
}
