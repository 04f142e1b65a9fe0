//! Browser test (headless Chromium via wasm-bindgen-test-runner): the sweep matrix
//! mounted with the published sweeps renders one row per model, in the default
//! order, with the best model marked and accuracy's Wilson interval — and skeleton
//! rows while loading.
#![cfg(target_arch = "wasm32")]

use leptos::prelude::*;
use sqlsweep_core::analysis::records::{records, PlatformFilter, Record};
use sqlsweep_core::sweep::Platform;
use sqlsweep_web::views::sweep::matrix::SweepMatrix;
use sqlsweep_web::views::sweep::table::{Column, MatrixSort, ReproductionMap};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

static BASETEN: &[u8] = include_bytes!("../data/cache/baseten_sweep.json");
static FIREWORKS: &[u8] = include_bytes!("../data/cache/fireworks_sweep_v2.json");

fn published_records() -> Vec<Record> {
    let b = sqlsweep_core::sweep::load(BASETEN, "baseten_sweep.json").expect("baseten sweep loads");
    let f = sqlsweep_core::sweep::load(FIREWORKS, "fireworks_sweep_v2.json")
        .expect("fireworks sweep loads");
    assert_eq!(
        b.models.len() + f.models.len(),
        15,
        "the published sweeps hold 15 models"
    );
    records(&[b, f])
}

/// Mounts the matrix in a fresh container and returns the container.
fn mount(recs: Option<Vec<Record>>, filter: PlatformFilter) -> web_sys::HtmlElement {
    let document = web_sys::window().unwrap().document().unwrap();
    let container: web_sys::HtmlElement = document.create_element("div").unwrap().unchecked_into();
    document.body().unwrap().append_child(&container).unwrap();
    let handle = leptos::mount::mount_to(container.clone(), move || {
        view! {
            <SweepMatrix
                records=Signal::stored(recs.clone())
                reproduction=Signal::stored(ReproductionMap::new())
                sort=Signal::stored(MatrixSort::Default)
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

fn count(container: &web_sys::HtmlElement, selector: &str) -> u32 {
    container.query_selector_all(selector).unwrap().length()
}

#[wasm_bindgen_test]
fn matrix_renders_15_rows_best_first() {
    let container = mount(Some(published_records()), PlatformFilter::All);
    assert_eq!(count(&container, "tbody tr[data-model]"), 15);
    assert_eq!(
        texts(&container, "tbody tr.best .label"),
        vec!["★ gpt-oss-120b".to_string()]
    );
    // Accuracy, best first; the two models whose every call failed are shown as failed, last.
    let accuracy = texts(&container, "tbody tr [data-testid=accuracy]");
    assert_eq!(accuracy.first().map(String::as_str), Some("96% (24/25)"));
    assert_eq!(accuracy.len(), 13);
    // With its 95 % Wilson interval (24/25: 80.5–99.3 %).
    let ci = texts(&container, "tbody tr [data-testid=accuracy-ci]");
    assert_eq!(ci.first().map(String::as_str), Some("80–99%"));
    assert_eq!(ci.len(), 13);
    assert_eq!(
        count(
            &container,
            "tbody tr:nth-last-child(-n+2) [data-testid=fatal]"
        ),
        2
    );
    // Proxy-priced costs are marked as estimates.
    assert!(count(&container, "tbody [data-testid=cost] .estimate") > 0);
    // Every row waits for the worker.
    assert!(texts(&container, "tbody [data-testid=reproduced]")
        .iter()
        .all(|t| t == "…"));
}

#[wasm_bindgen_test]
fn matrix_filters_and_shows_skeleton_while_loading() {
    let fireworks = mount(
        Some(published_records()),
        PlatformFilter::Only(Platform::Fireworks),
    );
    assert_eq!(count(&fireworks, "tbody tr[data-model]"), 5);

    let loading = mount(None, PlatformFilter::All);
    assert_eq!(count(&loading, "tbody tr.skeleton"), 15);
    let table = loading.query_selector("table").unwrap().unwrap();
    assert_eq!(table.get_attribute("aria-busy").as_deref(), Some("true"));
}
