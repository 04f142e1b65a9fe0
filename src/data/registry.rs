//! The library's additions (imported files, runs made in this browser), shared by
//! every wasm module of the page.
//!
//! The page is split into modules (see [`crate::bundles`]), each with its own
//! memory: a file imported while `#/sweep` is shown must also be in `#/cost`, which
//! another module renders, and a run made on `#/run` must join `#/sweep`. So the
//! additions live once, outside any module, on `globalThis` — each as our sweep
//! schema's JSON with an id and a revision — and every module keeps a parsed mirror
//! ([`crate::data::SweepLibrary`]), re-synchronised when [`CHANGED`] is announced.
//! Published files are not in here: each module fetches those itself.

use js_sys::{Array, Object, Reflect};
use wasm_bindgen::{JsCast, JsValue};

/// The window event announcing that the shared additions changed.
pub const CHANGED: &str = "sqlsweep-library";
/// The property of `globalThis` holding the shared additions.
const KEY: &str = "__sqlsweepLibrary";

/// One shared addition without its JSON (which is read only when it changed).
#[derive(Debug, Clone, PartialEq)]
pub struct Head {
    pub id: usize,
    /// Increases on every write to the page's additions.
    pub rev: u64,
    pub file: String,
}

fn get(target: &JsValue, key: &str) -> JsValue {
    Reflect::get(target, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

fn set(target: &JsValue, key: &str, value: &JsValue) {
    let _ = Reflect::set(target, &JsValue::from_str(key), value);
}

fn number(target: &JsValue, key: &str) -> f64 {
    get(target, key).as_f64().unwrap_or(0.0)
}

/// The shared object (`{next, rev, entries: [{id, rev, file, json}]}`), created by
/// the first module that asks, with ids starting at `first_id`.
fn shared(first_id: usize) -> JsValue {
    let global: JsValue = js_sys::global().into();
    let existing = get(&global, KEY);
    if existing.is_object() {
        return existing;
    }
    let fresh: JsValue = Object::new().into();
    set(&fresh, "next", &JsValue::from_f64(first_id as f64));
    set(&fresh, "rev", &JsValue::from_f64(0.0));
    set(&fresh, "entries", &Array::new().into());
    set(&global, KEY, &fresh);
    fresh
}

fn entries(first_id: usize) -> Array {
    get(&shared(first_id), "entries").unchecked_into()
}

fn position(list: &Array, id: usize) -> Option<u32> {
    (0..list.length()).find(|&i| number(&list.get(i), "id") as usize == id)
}

/// A new id, never handed out before in this page by any module.
pub fn allocate_id(first_id: usize) -> usize {
    let s = shared(first_id);
    let id = number(&s, "next") as usize;
    set(&s, "next", &JsValue::from_f64((id + 1) as f64));
    id
}

/// Adds or replaces addition `id`; returns its new revision. Call [`announce`] after.
pub fn put(first_id: usize, id: usize, file: &str, json: &str) -> u64 {
    let s = shared(first_id);
    let rev = number(&s, "rev") as u64 + 1;
    set(&s, "rev", &JsValue::from_f64(rev as f64));
    let entry: JsValue = Object::new().into();
    set(&entry, "id", &JsValue::from_f64(id as f64));
    set(&entry, "rev", &JsValue::from_f64(rev as f64));
    set(&entry, "file", &JsValue::from_str(file));
    set(&entry, "json", &JsValue::from_str(json));
    let list = entries(first_id);
    match position(&list, id) {
        Some(i) => list.set(i, entry),
        None => {
            list.push(&entry);
        }
    }
    rev
}

/// Removes addition `id` (nothing if there is none). Call [`announce`] after.
pub fn remove(first_id: usize, id: usize) {
    let list = entries(first_id);
    let kept = Array::new();
    for i in 0..list.length() {
        let e = list.get(i);
        if number(&e, "id") as usize != id {
            kept.push(&e);
        }
    }
    set(&shared(first_id), "entries", &kept);
}

/// The additions in the order they were added.
pub fn heads(first_id: usize) -> Vec<Head> {
    let list = entries(first_id);
    (0..list.length())
        .map(|i| {
            let e = list.get(i);
            Head {
                id: number(&e, "id") as usize,
                rev: number(&e, "rev") as u64,
                file: get(&e, "file").as_string().unwrap_or_default(),
            }
        })
        .collect()
}

/// The JSON of addition `id`, if it is still there.
pub fn json_of(first_id: usize, id: usize) -> Option<String> {
    let list = entries(first_id);
    position(&list, id).and_then(|i| get(&list.get(i), "json").as_string())
}

/// Tells every module (this one included) that the additions changed.
pub fn announce() {
    if let Some(window) = web_sys::window() {
        if let Ok(event) = web_sys::Event::new(CHANGED) {
            let _ = window.dispatch_event(&event);
        }
    }
}
