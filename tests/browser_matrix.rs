//! Browser test (headless Chromium via wasm-bindgen-test-runner): the sweep matrix
//! mounted with the published sweeps renders the core's matrix — one row per
//! model, in the default order, the best model marked, accuracy with its Wilson
//! interval — and skeleton rows while loading.
#![cfg(target_arch = "wasm32")]

use std::sync::Arc;

use leptos::prelude::*;
use sqlsweep_core::analysis::matrix::{matrix, Sort, SortKey};
use sqlsweep_core::analysis::records::{records, PlatformFilter, Record};
use sqlsweep_core::sweep::Platform;
use sqlsweep_web::views::sweep::matrix::SweepMatrix;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

static BASETEN: &[u8] = include_bytes!("../data/cache/baseten_sweep.json");
static FIREWORKS: &[u8] = include_bytes!("../data/cache/fireworks_sweep_v2.json");

fn published() -> Arc<Vec<Record>> {
    let b = sqlsweep_core::sweep::load(BASETEN, "baseten_sweep.json").expect("baseten sweep loads");
    let f = sqlsweep_core::sweep::load(FIREWORKS, "fireworks_sweep_v2.json")
        .expect("fireworks sweep loads");
    let recs = records(&[b, f]);
    assert_eq!(recs.len(), 15, "the published sweeps hold 15 models");
    Arc::new(recs)
}

/// Mounts the matrix in a fresh container and returns the container.
fn mount(
    recs: Option<Arc<Vec<Record>>>,
    sort: Sort,
    filter: PlatformFilter,
) -> web_sys::HtmlElement {
    let document = web_sys::window().unwrap().document().unwrap();
    let container: web_sys::HtmlElement = document.create_element("div").unwrap().unchecked_into();
    document.body().unwrap().append_child(&container).unwrap();
    let handle = leptos::mount::mount_to(container.clone(), move || {
        view! {
            <SweepMatrix
                records=Signal::stored(recs.clone())
                sort=Signal::stored(sort)
                filter=Signal::stored(filter.clone())
                reproduction=Signal::stored(Vec::new())
                on_sort=Callback::new(|_: SortKey| {})
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

fn attrs(container: &web_sys::HtmlElement, selector: &str, name: &str) -> Vec<String> {
    let list = container.query_selector_all(selector).unwrap();
    (0..list.length())
        .map(|i| {
            list.item(i)
                .unwrap()
                .unchecked_into::<web_sys::Element>()
                .get_attribute(name)
                .unwrap_or_default()
        })
        .collect()
}

#[wasm_bindgen_test]
fn matrix_renders_the_cores_order_and_winner() {
    let recs = published();
    let container = mount(Some(recs.clone()), Sort::default(), PlatformFilter::All);
    // The rows are the core's rows, in the core's order.
    let want = matrix(&recs, &PlatformFilter::All, Sort::default());
    let keys: Vec<String> = want.rows.iter().map(|&i| recs[i].key.clone()).collect();
    assert_eq!(attrs(&container, "tbody tr[data-model]", "data-key"), keys);
    let best = texts(&container, "tbody tr.best .label");
    assert_eq!(
        best,
        vec![format!("★ {}", recs[want.winner.unwrap()].label)]
    );
    assert_eq!(best, vec!["★ gpt-oss-120b".to_string()]);
    // Accuracy, best first, with its interval; the two models whose every call
    // failed come last, shown as failed.
    let accuracy = texts(&container, "tbody tr [data-testid=accuracy]");
    assert_eq!(accuracy.first().map(String::as_str), Some("96% (24/25)"));
    assert_eq!(accuracy.len(), 13);
    let ci = texts(&container, "tbody tr [data-testid=accuracy-ci]");
    assert_eq!(ci.first().map(String::as_str), Some("80–99%"));
    assert_eq!(texts(&container, "tbody tr [data-testid=fatal]").len(), 2);
    let last_two = texts(
        &container,
        "tbody tr:nth-last-child(-n+2) [data-testid=fatal]",
    );
    assert_eq!(last_two.len(), 2, "failed models sort last");
    // Proxy-priced costs are marked.
    let estimates = texts(&container, "tbody [data-testid=cost] .estimate");
    assert_eq!(estimates.len(), 4);
    // Every row waits for the worker.
    assert!(texts(&container, "tbody [data-testid=reproduced]")
        .iter()
        .all(|t| t == "…"));
}

#[wasm_bindgen_test]
fn matrix_sorts_filters_and_shows_skeleton_while_loading() {
    let fireworks = mount(
        Some(published()),
        Sort {
            key: SortKey::CostPerQuery,
            dir: sqlsweep_core::analysis::matrix::Direction::Asc,
        },
        PlatformFilter::Only(Platform::Fireworks),
    );
    let labels = texts(&fireworks, "tbody tr[data-model] .label");
    assert_eq!(labels.len(), 5);
    assert_eq!(
        labels[0], "★ kimi-k2p5",
        "the cheapest of the 92 % ties wins"
    );
    assert_eq!(
        attrs(&fireworks, "th[aria-sort=ascending] button", "data-sort"),
        vec!["cost_per_query".to_string()]
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
