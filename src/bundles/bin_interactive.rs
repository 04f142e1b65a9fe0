//! The interactive bundle: the live demo and browser runs, with the run session
//! (which restores stored runs into the library and keeps a run going while other
//! views are shown). Fetched the first time `#/live` or `#/run` is shown, or at
//! start when the browser holds stored runs (see `sqlsweep_web::bundles`).

use leptos::prelude::*;
use sqlsweep_web::router::Route;
use sqlsweep_web::views::{
    live::LiveView,
    run::{provide_run_session, RunView},
};

fn views(route: Route) -> Option<AnyView> {
    Some(match route {
        Route::Live => view! { <LiveView /> }.into_any(),
        Route::Run => view! { <RunView /> }.into_any(),
        _ => return None,
    })
}

fn setup() {
    provide_run_session();
}

sqlsweep_web::bundle_entry!(setup: setup, views: views);
