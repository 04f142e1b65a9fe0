//! The app shell: header with the nav (only views that exist), the current view
//! chosen by the hash router, and the footer with the data's provenance. The shell
//! itself renders `#/` and `#/sweep`; every other view comes from a bundle fetched
//! when first shown (see [`crate::bundles`]).

use leptos::prelude::*;

use crate::bundles::host::{prefetch, start_bundle, BundledView};
use crate::bundles::Bundle;
use crate::components::import::LibraryPanel;
use crate::data::{
    provide_published_files, provide_published_sweeps_lean_first, provide_sweep_library,
};
use crate::router::{use_hash_location, HashLocation, Route, Target};
use crate::sql_worker::use_sql_worker;
use crate::views::not_found::NotFound;
use crate::views::overview::OverviewView;
use crate::views::sweep::reproduce::use_reproducing;
use crate::views::sweep::SweepView;

/// Public source of the published data (the original benchmark, pinned commit).
const DATA_SOURCE: &str =
    "https://github.com/rjsmith87/inference-benchmarks/tree/f0e31d008756e9097369cdeba35b1df6a68a3888";

/// The skip link moves focus to `<main>` without touching the hash (which is the
/// router's: `#main` would be read as a route).
fn skip_to_main(ev: leptos::ev::MouseEvent) {
    ev.prevent_default();
    if let Some(main) = document().get_element_by_id("main") {
        use wasm_bindgen::JsCast;
        if let Ok(main) = main.dyn_into::<web_sys::HtmlElement>() {
            let _ = main.focus();
        }
    }
}

#[component]
pub fn App() -> impl IntoView {
    let router = use_hash_location();
    // The first screen from the sweeps' lean copies; the full files follow.
    provide_published_sweeps_lean_first();
    provide_sweep_library();
    provide_published_files();
    use_sql_worker();
    use_reproducing();
    // Stored runs join the library at start-up: the run session that restores them
    // lives in the interactive bundle, fetched only when there are any, and only once
    // the first screen has its data (it never competes with it).
    if crate::views::run::store::has_stored_runs() {
        let library = crate::data::use_sweep_library();
        Effect::new(move |started: Option<bool>| {
            if started == Some(true) || library.loading() {
                return started.unwrap_or(false);
            }
            start_bundle(Bundle::Interactive);
            true
        });
    }

    // Only the target decides which view is mounted; query changes stay inside the view.
    let target = Memo::new(move |_| router.location.get().target);
    Effect::new(move |_| {
        let title = match target.get() {
            Target::View(r) | Target::Redirect(r) => format!("{} · sqlsweep", r.title()),
            Target::NotFound(_) => "Not found · sqlsweep".to_string(),
        };
        document().set_title(&title);
    });

    let nav = Route::ALL
        .into_iter()
        .map(|route| {
            let current = move || match target.get() {
                Target::View(r) | Target::Redirect(r) if r == route => Some("page"),
                _ => None,
            };
            // Pointing at a link starts fetching its view's bundle.
            let warm = move || {
                if let Some(bundle) = Bundle::of(route) {
                    prefetch(bundle);
                }
            };
            view! {
                <a href=HashLocation::href(route) aria-current=current on:pointerenter=move |_| warm() on:focus=move |_| warm()>
                    {route.title()}
                </a>
            }
        })
        .collect_view();

    view! {
        <a class="skip-link" href="#main" on:click=skip_to_main>"Skip to content"</a>
        <header class="app-header">
            <a class="brand" href=HashLocation::href(Route::HOME)>
                <span class="logo" aria-hidden="true">"◆"</span>
                "sqlsweep"
            </a>
            <span class="tagline">"Which LLM, on which platform, is accurate, fast and cheap enough for text-to-SQL?"</span>
            <nav aria-label="Views">{nav}</nav>
        </header>
        <LibraryPanel />
        <main id="main" tabindex="-1">
            {move || match target.get() {
                Target::View(route) | Target::Redirect(route) => match Bundle::of(route) {
                    Some(bundle) => view! { <BundledView route=route bundle=bundle /> }.into_any(),
                    None if route == Route::Sweep => view! { <SweepView /> }.into_any(),
                    None => view! { <OverviewView /> }.into_any(),
                },
                Target::NotFound(path) => view! { <NotFound path=path /> }.into_any(),
            }}
        </main>
        <footer class="app-footer">
            <p>
                "Data: the published results of "
                <a href=DATA_SOURCE rel="noopener" target="_blank">"rjsmith87/inference-benchmarks"</a>
                " (commit f0e31d0) and the Chinook sample database, fetched by checksum from the data manifest. "
                "Every figure is recomputed from per-question traces; SQLite runs in your browser."
            </p>
        </footer>
    }
}
