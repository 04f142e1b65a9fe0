//! `fetch` for data files, with abort and errors that say which file failed and how.

use std::fmt;

use leptos::prelude::on_cleanup;
use send_wrapper::SendWrapper;

use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortSignal, RequestInit, Response};

use super::data_url;
use crate::js_text::js_text;

/// A data file could not be obtained or understood.
#[derive(Debug, Clone, PartialEq)]
pub struct FetchError {
    /// The file's name (`baseten_sweep.json`).
    pub file: String,
    /// What went wrong, in words.
    pub problem: String,
}

impl fmt::Display for FetchError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.file, self.problem)
    }
}

impl std::error::Error for FetchError {}

impl FetchError {
    pub fn new(file: &str, problem: impl Into<String>) -> FetchError {
        FetchError {
            file: file.to_string(),
            problem: problem.into(),
        }
    }
}

/// Fetches `url` as bytes. `file` names it in errors; `signal` aborts it.
pub async fn fetch_bytes(
    url: &str,
    file: &str,
    signal: Option<&AbortSignal>,
) -> Result<Vec<u8>, FetchError> {
    let window =
        web_sys::window().ok_or_else(|| FetchError::new(file, "no window to fetch from"))?;
    let init = RequestInit::new();
    init.set_signal(signal);
    let response = JsFuture::from(window.fetch_with_str_and_init(url, &init))
        .await
        .map_err(|e| {
            if signal.is_some_and(|s| s.aborted()) {
                FetchError::new(file, "request cancelled")
            } else {
                FetchError::new(
                    file,
                    format!("could not be fetched from {url} ({})", js_text(&e)),
                )
            }
        })?;
    let response: Response = response
        .dyn_into()
        .map_err(|_| FetchError::new(file, "fetch returned something that is not a response"))?;
    if !response.ok() {
        let status = response.status();
        let hint = if status == 404 {
            " — run `scripts/setup` to fetch the data files"
        } else {
            ""
        };
        return Err(FetchError::new(
            file,
            format!("HTTP {status} {} from {url}{hint}", response.status_text()).replace("  ", " "),
        ));
    }
    let buffer = response
        .array_buffer()
        .map_err(|e| FetchError::new(file, format!("body unreadable ({})", js_text(&e))))?;
    let buffer = JsFuture::from(buffer)
        .await
        .map_err(|e| FetchError::new(file, format!("body could not be read ({})", js_text(&e))))?;
    Ok(js_sys::Uint8Array::new(&buffer).to_vec())
}

/// Fetches the data file `file` (from [`data_url`]) as bytes; the fetch is aborted
/// when its owner is cleaned up (the page navigates away or the resource re-runs).
pub async fn fetch_data_file(file: &str) -> Result<Vec<u8>, FetchError> {
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
