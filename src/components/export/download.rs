//! Saving text as a file the browser downloads: a Blob, an object URL, and a
//! temporary `<a download>` clicked once. Nothing leaves the page.

use crate::js_text::js_text;
use wasm_bindgen::{JsCast, JsValue};

/// Offers `text` for download as `file_name` with MIME type `mime`.
pub fn download(file_name: &str, mime: &str, text: &str) -> Result<(), String> {
    let fail =
        |what: &str, e: JsValue| format!("could not save {file_name}: {what} ({})", js_text(&e));
    let window =
        web_sys::window().ok_or_else(|| format!("could not save {file_name}: no window"))?;
    let document = window
        .document()
        .ok_or_else(|| format!("could not save {file_name}: no document"))?;
    let parts = js_sys::Array::of1(&JsValue::from_str(text));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options)
        .map_err(|e| fail("the file could not be built", e))?;
    let url =
        web_sys::Url::create_object_url_with_blob(&blob).map_err(|e| fail("no object URL", e))?;
    let anchor: web_sys::HtmlAnchorElement = document
        .create_element("a")
        .map_err(|e| fail("no link element", e))?
        .unchecked_into();
    anchor.set_href(&url);
    anchor.set_download(file_name);
    anchor.set_hidden(true);
    let body = document
        .body()
        .ok_or_else(|| format!("could not save {file_name}: no document body"))?;
    let _ = body.append_child(&anchor);
    anchor.click();
    anchor.remove();
    // The click has started the download; the URL can go once the event loop turns.
    let revoke = wasm_bindgen::closure::Closure::once_into_js(move || {
        let _ = web_sys::Url::revoke_object_url(&url);
    });
    let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(revoke.unchecked_ref(), 0);
    Ok(())
}
