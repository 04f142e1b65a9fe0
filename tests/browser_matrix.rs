//! Browser test (headless Chromium via wasm-bindgen-test-runner): the sweep matrix
//! mounted with the published sweeps renders one row per model, in the default
//! order, with the best model marked — and skeleton rows while loading.
#![cfg(target_arch = "wasm32")]

use std::collections::HashMap;

use leptos::prelude::*;
use sqlsweep_web::views::sweep::matrix::SweepMatrix;
use sqlsweep_web::views::sweep::table::{
    rows_from_sweeps, Column, MatrixRow, PlatformFilter, Sort,
};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

static BASETEN: &[u8] = include_bytes!("../data/cache/baseten_sweep.json");
static FIREWORKS: &[u8] = include_bytes!("../data/cache/fireworks_sweep_v2.json");

fn published_rows() -> Vec<MatrixRow> {
    let b = sqlsweep_core::sweep::load(BASETEN, "baseten_sweep.json").expect("baseten sweep loads");
    let f = sqlsweep_core::sweep::load(FIREWORKS, "fireworks_sweep_v2.json")
        .expect("fireworks sweep loads");
    assert_eq!(
        b.models.len() + f.models.len(),
        15,
        "the published sweeps hold 15 models"
    );
    rows_from_sweeps(
        [("baseten_sweep.json", &b), ("fireworks_sweep_v2.json", &f)],
        &HashMap::new(),
    )
}

/// Mounts the matrix in a fresh container and returns the container.
fn mount(rows: Option<Vec<MatrixRow>>, sort: Sort, filter: PlatformFilter) -> web_sys::HtmlElement {
    let document = web_sys::window().unwrap().document().unwrap();
    let container: web_sys::HtmlElement = document.create_element("div").unwrap().unchecked_into();
    document.body().unwrap().append_child(&container).unwrap();
    let handle = leptos::mount::mount_to(container.clone(), move || {
        view! {
            <SweepMatrix
                rows=Signal::stored(rows.clone())
                sort=Signal::stored(sort)
                filter=Signal::stored(filter.clone())
                on_sort=Callback::new(|_: Column| {})
            />
        }
    });
    handle.forget();
    container
}

fn texts(container: &web_sys::HtmlElement, selector: &str) -> Vec<String> {
    let list = container.query_selector_all(selector).unwrap();
    (0..list.length())
        .map(|i| list.item(i).unwrap().text_content().unwrap_or_default())
        .collect()
}

#[wasm_bindgen_test]
fn matrix_renders_15_rows_best_first() {
    let container = mount(Some(published_rows()), Sort::default(), PlatformFilter::All);
    let models = container
        .query_selector_all("tbody tr[data-model]")
        .unwrap();
    assert_eq!(models.length(), 15);
    let best = texts(&container, "tbody tr.best .label");
    assert_eq!(best, vec!["★ gpt-oss-120b".to_string()]);
    // Accuracy, best first; the two models whose every call failed come last, shown as failed.
    let accuracy = texts(&container, "tbody tr [data-testid=accuracy]");
    assert_eq!(accuracy.first().map(String::as_str), Some("96% (24/25)"));
    assert_eq!(accuracy.len(), 13);
    assert_eq!(texts(&container, "tbody tr [data-testid=fatal]").len(), 2);
    let last_two = texts(
        &container,
        "tbody tr:nth-last-child(-n+2) [data-testid=fatal]",
    );
    assert_eq!(last_two.len(), 2, "failed models sort last");
    // Every row waits for the worker.
    assert!(texts(&container, "tbody [data-testid=reproduced]")
        .iter()
        .all(|t| t == "…"));
}

#[wasm_bindgen_test]
fn matrix_filters_and_shows_skeleton_while_loading() {
    let fireworks = mount(
        Some(published_rows()),
        Sort::default(),
        PlatformFilter::Only("fireworks".into()),
    );
    assert_eq!(
        fireworks
            .query_selector_all("tbody tr[data-model]")
            .unwrap()
            .length(),
        5
    );

    let loading = mount(None, Sort::default(), PlatformFilter::All);
    assert_eq!(
        loading
            .query_selector_all("tbody tr.skeleton")
            .unwrap()
            .length(),
        15
    );
    assert_eq!(
        loading
            .query_selector("table")
            .unwrap()
            .unwrap()
            .get_attribute("aria-busy")
            .as_deref(),
        Some("true")
    );
}
