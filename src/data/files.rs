//! The published files other than sweeps — the gold set, the agent and baseline
//! runs, the concurrency run, the sequential latency runs, the model metadata —
//! fetched once per page and parsed by the core's loaders.
//!
//! Any view asks for a file by name with the loader to use; the first request
//! starts the fetch, later ones (from any view, after navigating away and back)
//! share the same result. Each file loads on its own, so one broken file shows its
//! own error (naming the file) while the sections that do not need it still render.

use std::any::Any;
use std::collections::HashMap;
use std::fmt::Display;
use std::sync::Arc;

use leptos::prelude::*;
use sqlsweep_core::gold::GoldSet;

use super::fetch::{fetch_data_file, FetchError};
use super::published::GOLD_FILES;

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

/// A loaded file, shared cheaply.
pub type FileResult<T> = Result<Arc<T>, FetchError>;
/// A loaded file, or why it could not be loaded; `None` while it loads.
pub type FileState<T> = Option<FileResult<T>>;

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
/// `ConcurrencyFile::from_json`, whose error already names the file; the rest of
/// it is kept as the problem text). Reactive: `None` until it has loaded or failed.
///
/// Each file must always be requested with the same loader; a mismatch is
/// reported as an error naming the file rather than a panic.
pub fn use_published_file<T, E>(
    file: &'static str,
    parse: fn(&[u8], &str) -> Result<T, E>,
) -> Signal<FileState<T>>
where
    T: Send + Sync + 'static,
    E: Display + 'static,
{
    let files = use_published_files();
    let existing = files.loads.with_value(|m| m.get(file).copied());
    let resource = existing.unwrap_or_else(|| {
        let r = files.owner.with(|| {
            LocalResource::new(move || async move {
                let bytes = fetch_data_file(file).await?;
                parse(&bytes, file)
                    .map(|v| Arc::new(v) as Arc<dyn Any + Send + Sync>)
                    .map_err(|e| parse_error(file, &e))
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

/// The gold set: both published question files, dev then synthetic, merged.
/// The first file that failed (in that order) is the error.
pub fn use_gold() -> Signal<FileState<GoldSet>> {
    let files = GOLD_FILES.map(|file| use_published_file(file, GoldSet::from_json));
    let merged = Memo::new(move |_| {
        let mut sets = Vec::new();
        for file in &files {
            match file.get()? {
                Ok(set) => sets.push((*set).clone()),
                Err(e) => return Some(Err(e)),
            }
        }
        Some(
            GoldSet::merge(sets)
                .map(Arc::new)
                .map_err(|e| parse_error(&e.file.clone(), &e)),
        )
    });
    merged.into()
}

/// A core loader's error as a [`FetchError`] for `file`.
fn parse_error(file: &str, e: &impl Display) -> FetchError {
    FetchError::new(file, strip_file_prefix(&e.to_string(), file))
}

/// Core errors start with the file name ("agent_eval.json: at $…"); a
/// [`FetchError`] adds it again when shown, so it is removed here once.
fn strip_file_prefix(text: &str, file: &str) -> String {
    for prefix in [format!("{file}: "), format!("gold set {file}: ")] {
        if let Some(rest) = text.strip_prefix(&prefix) {
            return rest.to_string();
        }
    }
    text.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_are_not_repeated() {
        let cases = [
            ("a.json: at $: bad", "a.json", "at $: bad"),
            ("gold set a.json: at $[0]: x", "a.json", "at $[0]: x"),
            ("something else", "a.json", "something else"),
        ];
        for (text, file, want) in cases {
            assert_eq!(strip_file_prefix(text, file), want, "{text}");
        }
    }
}
