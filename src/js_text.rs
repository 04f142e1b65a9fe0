//! What a JavaScript exception or rejection says, as text for an error line: a
//! thrown `Error`'s message, a thrown string as it is, anything else "unknown
//! error". One helper for every adapter that turns a `JsValue` error into words
//! (the live transport keeps its own, which also names the exception's type).

use wasm_bindgen::{JsCast, JsValue};

/// The text of a JavaScript error value.
pub fn js_text(v: &JsValue) -> String {
    v.dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| v.as_string())
        .unwrap_or_else(|| "unknown error".into())
}
