//! A bundle's side: the contexts its views read, created once per module and kept
//! for the page's life (a run on `#/run` goes on while another view is shown), and
//! the mount of one view into the element the shell gives it.
//!
//! Each bundle binary calls [`bundle_entry!`] with its views; that defines the
//! module's exports (`start`, `mount`), so no export ever lands in the shell.

use std::cell::RefCell;

use leptos::mount::{mount_to, UnmountHandle};
use leptos::prelude::*;
use leptos::tachys::view::any_view::AnyViewState;

use crate::data::{provide_published_files, provide_published_sweeps, provide_sweep_library};
use crate::router::{use_hash_location, Route};
use crate::sql_worker::use_sql_worker;

thread_local! {
    /// The module's root owner, holding the shared contexts.
    static ROOT: RefCell<Option<Owner>> = const { RefCell::new(None) };
}

/// The module's root owner; the first call creates it with the contexts every view
/// reads (the router, the library, published files, the SQLite worker) and then
/// the bundle's own (`setup`).
pub fn start(setup: fn()) -> Owner {
    ROOT.with(|root| {
        root.borrow_mut()
            .get_or_insert_with(|| {
                console_error_panic_hook::set_once();
                // Resources need the executor before any view is mounted.
                let _ = any_spawner::Executor::init_wasm_bindgen();
                let owner = Owner::new();
                owner.with(|| {
                    use_hash_location();
                    provide_published_sweeps();
                    provide_sweep_library();
                    provide_published_files();
                    use_sql_worker();
                    setup();
                });
                owner
            })
            .clone()
    })
}

/// A view mounted by the shell; dropping it unmounts the view and cleans up what
/// the view owned (the module's contexts stay).
pub struct Mounted(#[allow(dead_code)] UnmountHandle<AnyViewState>);

/// Mounts the view at `path` (a route `view` knows) into `element`.
pub fn mount(
    element: web_sys::HtmlElement,
    path: &str,
    setup: fn(),
    view: fn(Route) -> Option<AnyView>,
) -> Result<Mounted, String> {
    let route = Route::from_path(path).ok_or_else(|| format!("no view at #/{path}"))?;
    let owner = start(setup);
    owner.with(|| {
        use_hash_location().refresh();
        let shown = view(route).ok_or_else(|| format!("this bundle has no view at #/{path}"))?;
        Ok(Mounted(mount_to(element, move || shown)))
    })
}

/// Defines a bundle binary's exports: `start()` (create the module's contexts
/// without showing a view, e.g. to restore stored runs) and
/// `mount(element, path)` returning a handle whose `unmount()` removes the view.
#[macro_export]
macro_rules! bundle_entry {
    (setup: $setup:expr, views: $views:expr) => {
        use wasm_bindgen::prelude::*;

        /// A view shown by the shell; `unmount()` removes it.
        #[wasm_bindgen]
        pub struct MountedView(#[allow(dead_code)] $crate::bundles::guest::Mounted);

        #[wasm_bindgen]
        impl MountedView {
            /// Removes the view (dropping the handle cleans it up).
            pub fn unmount(self) {}
        }

        /// Creates the module's contexts.
        #[wasm_bindgen]
        pub fn start() {
            let _ = $crate::bundles::guest::start($setup);
        }

        /// Shows the view at `path` inside `element`.
        #[wasm_bindgen]
        pub fn mount(element: web_sys::HtmlElement, path: &str) -> Result<MountedView, JsValue> {
            $crate::bundles::guest::mount(element, path, $setup, $views)
                .map(MountedView)
                .map_err(|e| JsValue::from_str(&e))
        }

        fn main() {}
    };
}
