//! The shell's side of a bundle: `<BundledView>` fetches the bundle's module and
//! style sheets (once per page; a failed fetch can be retried), mounts the view
//! into its own `<div>` and unmounts it when the route changes. While the module
//! loads, the view's place holds a status line; if it cannot load, the line says why.

use leptos::html::Div;
use leptos::prelude::*;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

use super::Bundle;
use crate::js_text::js_text;
use crate::router::Route;

#[wasm_bindgen(inline_js = r#"
const loads = new Map();
// Links a style sheet (once per page); settles when it has loaded, so a view is
// never shown unstyled. A sheet that fails leaves the view usable, unstyled.
function link_style(name) {
  const href = new URL(`style/${name}.css`, document.baseURI).href;
  const existing = [...document.querySelectorAll('link[rel=stylesheet]')].find((l) => l.href === href);
  if (existing) return Promise.resolve();
  return new Promise((resolve) => {
    const link = document.createElement('link');
    link.rel = 'stylesheet';
    link.href = href;
    link.onload = link.onerror = () => resolve();
    document.head.append(link);
  });
}
// Imports a bundle's wasm-bindgen module and initialises it, with its style sheets,
// once per page; a failed load is forgotten so that the next attempt fetches again.
export function load_bundle(name, styles) {
  let load = loads.get(name);
  if (!load) {
    const url = new URL(`${name}.js`, document.baseURI).href;
    const code = import(url).then(async (module) => {
      await module.default();
      return module;
    });
    load = Promise.all([code, ...styles.map(link_style)]).then(([module]) => module);
    load.catch(() => loads.delete(name));
    loads.set(name, load);
  }
  return load;
}
export function start_module(module) {
  module.start();
}
export function mount_view(module, element, path) {
  return module.mount(element, path);
}
export function unmount_view(handle) {
  handle.unmount();
}
"#)]
extern "C" {
    #[wasm_bindgen(catch)]
    fn load_bundle(name: &str, styles: Vec<JsValue>) -> Result<js_sys::Promise, JsValue>;
    #[wasm_bindgen(catch)]
    fn start_module(module: &JsValue) -> Result<(), JsValue>;
    #[wasm_bindgen(catch)]
    fn mount_view(
        module: &JsValue,
        element: &web_sys::HtmlElement,
        path: &str,
    ) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(catch)]
    fn unmount_view(handle: &JsValue) -> Result<(), JsValue>;
}

/// Starts fetching `bundle` without showing anything (a nav link was pointed at).
pub fn prefetch(bundle: Bundle) {
    // A failed fetch is already handled (forgotten) by `load_bundle`; whoever
    // mounts a view from it sees the error.
    let _ = start_load(bundle);
}

/// Fetches `bundle` and creates its contexts without showing a view (the
/// interactive bundle's run session restores stored runs into the library).
pub fn start_bundle(bundle: Bundle) {
    leptos::task::spawn_local(async move {
        match load(bundle).await {
            Ok(module) => {
                if let Err(e) = start_module(&module) {
                    leptos::logging::error!("{}: {}", bundle.binary(), js_text(&e));
                }
            }
            Err(e) => leptos::logging::error!("{} could not be loaded: {e}", bundle.binary()),
        }
    });
}

fn start_load(bundle: Bundle) -> Result<js_sys::Promise, JsValue> {
    let styles = bundle
        .styles()
        .iter()
        .map(|s| JsValue::from_str(s))
        .collect();
    load_bundle(bundle.binary(), styles)
}

async fn load(bundle: Bundle) -> Result<JsValue, String> {
    let load = start_load(bundle).map_err(|e| js_text(&e))?;
    JsFuture::from(load).await.map_err(|e| js_text(&e))
}

/// Where a bundled view stands.
#[derive(Debug, Clone, PartialEq)]
enum Status {
    Loading,
    Shown,
    Failed(String),
}

/// Shows `route`, which `bundle` renders.
#[component]
pub fn BundledView(route: Route, bundle: Bundle) -> impl IntoView {
    let host = NodeRef::<Div>::new();
    let status = RwSignal::new(Status::Loading);
    // The mounted view's handle; `None` before mounting and after cleanup.
    let handle = StoredValue::new_local(None::<JsValue>);
    let gone = StoredValue::new(false);
    let attempt = RwSignal::new(0u32);

    Effect::new(move |_| {
        attempt.track();
        let Some(element) = host.get() else { return };
        status.set(Status::Loading);
        leptos::task::spawn_local(async move {
            let module = load(bundle).await;
            // Navigated away while it loaded: the view's values are gone with it.
            if gone.try_get_value().unwrap_or(true) {
                return;
            }
            let mounted = module
                .and_then(|m| mount_view(&m, &element, route.path()).map_err(|e| js_text(&e)));
            match mounted {
                Ok(h) => {
                    handle.set_value(Some(h));
                    status.set(Status::Shown);
                }
                Err(e) => status.set(Status::Failed(e)),
            }
        });
    });
    on_cleanup(move || {
        gone.set_value(true);
        if let Some(h) = handle.try_update_value(|h| h.take()).flatten() {
            let _ = unmount_view(&h);
        }
    });

    let line = move || {
        match status.get() {
        Status::Shown => None,
        Status::Loading => Some(
            view! { <p class="bundle-status" role="status">{format!("Loading {}…", route.title())}</p> }.into_any(),
        ),
        Status::Failed(why) => Some(
            view! {
                <p class="bundle-status error" role="alert" data-testid="bundle-error">
                    {format!("The code of this view ({}) could not be loaded: {why}. ", route.title())}
                    <button type="button" on:click=move |_| attempt.update(|n| *n += 1)>"Try again"</button>
                </p>
            }
            .into_any(),
        ),
    }
    };
    // The frame holds a screen's height from the start and the status line floats
    // over it, so neither the view's arrival nor the line's departure moves anything.
    let busy = move || (status.get() == Status::Loading).to_string();
    view! {
        <div class="bundle-frame" aria-busy=busy>
            {line}
            <div class="bundled-view" node_ref=host></div>
        </div>
    }
}
