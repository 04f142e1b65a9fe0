//! What a hash that names no view shows: which path was asked for and where to go.

use leptos::prelude::*;

use crate::router::{HashLocation, Route};

#[component]
pub fn NotFound(path: String) -> impl IntoView {
    view! {
        <section class="view not-found" data-testid="not-found">
            <h1>"No such view"</h1>
            <p>"There is no view at " <code>{format!("#/{path}")}</code> ". The views are:"</p>
            <ul>
                {Route::ALL
                    .into_iter()
                    .map(|r| view! { <li><a href=HashLocation::href(r)>{r.title()}</a></li> })
                    .collect_view()}
            </ul>
        </section>
    }
}
