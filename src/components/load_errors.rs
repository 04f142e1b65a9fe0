//! The "Could not load <file>: <problem>" alerts, one per failed data file, that
//! every view shows above its figures: one markup, so every view reports a broken
//! file the same way (and the tests find it by one test id).

use leptos::prelude::*;

use crate::data::FetchError;

/// One alert per failed file, in the order given.
#[component]
pub fn LoadErrors(#[prop(into)] errors: Signal<Vec<FetchError>>) -> impl IntoView {
    move || {
        errors
            .get()
            .into_iter()
            .map(|e| {
                view! { <p class="error" role="alert" data-testid="load-error">"Could not load " {e.to_string()}</p> }
            })
            .collect_view()
    }
}
