//! The published files other than sweeps — the gold set, the agent run, the
//! baseline run, the latency runs — each fetched on its own and parsed by its core
//! loader, so one broken file shows its own error (naming the file) while the
//! sections that do not need it still render.

use std::sync::Arc;

use leptos::prelude::*;
use send_wrapper::SendWrapper;
use sqlsweep_core::gold::GoldSet;

use super::data_url;
use super::fetch::{fetch_bytes, FetchError};
use super::published::GOLD_FILES;

/// A loaded file, shared cheaply.
pub type FileResult<T> = Result<Arc<T>, FetchError>;

/// Fetches `file` (aborted when its owner is cleaned up) and returns its bytes.
async fn fetch_file(file: &'static str) -> Result<Vec<u8>, FetchError> {
    let controller = web_sys::AbortController::new().ok();
    let signal = controller.as_ref().map(|c| c.signal());
    let controller = SendWrapper::new(controller);
    on_cleanup(move || {
        if let Some(c) = controller.take() {
            c.abort();
        }
    });
    fetch_bytes(&data_url(file), file, signal.as_ref()).await
}

/// Starts loading `file` and parsing it with `parse` (a core loader whose error
/// already names the file; it is kept as the problem text).
pub fn load_file<T, E>(
    file: &'static str,
    parse: fn(&[u8], &str) -> Result<T, E>,
) -> LocalResource<FileResult<T>>
where
    T: 'static,
    E: std::fmt::Display + 'static,
{
    LocalResource::new(move || async move {
        let bytes = fetch_file(file).await?;
        parse(&bytes, file)
            .map(Arc::new)
            .map_err(|e| FetchError::new(file, strip_file_prefix(&e.to_string(), file)))
    })
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

/// The gold set: both published question files, dev then synthetic.
pub fn load_gold() -> LocalResource<FileResult<GoldSet>> {
    LocalResource::new(|| async {
        let mut sets = Vec::new();
        for file in GOLD_FILES {
            let bytes = fetch_file(file).await?;
            let set = GoldSet::from_json(&bytes, file)
                .map_err(|e| FetchError::new(file, strip_file_prefix(&e.to_string(), file)))?;
            sets.push(set);
        }
        GoldSet::merge(sets)
            .map(Arc::new)
            .map_err(|e| FetchError::new(&e.file, strip_file_prefix(&e.to_string(), &e.file)))
    })
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
