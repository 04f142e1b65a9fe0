//! What `#/run` asks of the browser itself: its user agent and the HTTP protocol of
//! a response (run metadata), a file download (export) and reading a picked file
//! (import). Thin wrappers; each failure comes back as text naming what failed.

use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// `navigator.userAgent`.
pub fn user_agent() -> Option<String> {
    web_sys::window()?
        .navigator()
        .user_agent()
        .ok()
        .filter(|s| !s.is_empty())
}

/// The protocol the browser used for `url` (`http/1.1`, `h2`, `h3`), from the
/// newest Resource Timing entry's `nextHopProtocol`. `None` when the browser does
/// not say (no entry, or an empty string — some browsers hide it cross-origin).
pub fn next_hop_protocol(url: &str) -> Option<String> {
    let performance = web_sys::window()?.performance()?;
    let entries = performance.get_entries_by_name(url);
    let last = entries.get(entries.length().checked_sub(1)?);
    js_sys::Reflect::get(&last, &JsValue::from_str("nextHopProtocol"))
        .ok()?
        .as_string()
        .filter(|p| !p.trim().is_empty())
}

/// Empties the Resource Timing buffer, which holds only 250 entries by default: a
/// run started after earlier runs filled it would otherwise never see its responses.
pub fn forget_resource_timings() {
    if let Some(p) = web_sys::window().and_then(|w| w.performance()) {
        p.clear_resource_timings();
    }
}

/// Offers `text` as a file download named `name` (a Blob URL on a temporary link).
pub fn download(name: &str, text: &str, mime: &str) -> Result<(), String> {
    let fail = |what: &str, e: JsValue| format!("could not {what}: {e:?}");
    let parts = js_sys::Array::of1(&JsValue::from_str(text));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options)
        .map_err(|e| fail("build the file", e))?;
    let url = web_sys::Url::create_object_url_with_blob(&blob)
        .map_err(|e| fail("create a download URL", e))?;
    let document = web_sys::window()
        .and_then(|w| w.document())
        .ok_or("no document to download from")?;
    let a: web_sys::HtmlAnchorElement = document
        .create_element("a")
        .map_err(|e| fail("create a link", e))?
        .unchecked_into();
    a.set_href(&url);
    a.set_download(name);
    a.set_attribute("hidden", "").ok();
    if let Some(body) = document.body() {
        body.append_child(&a).ok();
        a.click();
        body.remove_child(&a).ok();
    } else {
        a.click();
    }
    // The click has started the download; the URL can go once the event loop turns.
    let revoke = url.clone();
    wasm_bindgen_futures::spawn_local(async move {
        crate::live::clock::sleep(1000.0).await;
        let _ = web_sys::Url::revoke_object_url(&revoke);
    });
    Ok(())
}

/// The first file picked in `input`: its name and bytes.
pub async fn read_picked(
    input: &web_sys::HtmlInputElement,
) -> Result<Option<(String, Vec<u8>)>, String> {
    let Some(file) = input.files().and_then(|f| f.get(0)) else {
        return Ok(None);
    };
    let name = file.name();
    let buffer = JsFuture::from(file.array_buffer())
        .await
        .map_err(|e| format!("{name}: the browser could not read the file ({e:?})"))?;
    Ok(Some((name, js_sys::Uint8Array::new(&buffer).to_vec())))
}
