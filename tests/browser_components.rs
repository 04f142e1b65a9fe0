//! Browser test (headless Chromium via wasm-bindgen-test-runner): the shared
//! table and export components. A table renders core's `exchange::Table` as text
//! (markup in a cell stays text), right-aligns figure columns, keeps its space
//! while loading, and its CSV button is disabled until there is data.
#![cfg(target_arch = "wasm32")]

use leptos::prelude::*;
use sqlsweep_core::exchange::Table;
use sqlsweep_web::components::data_table::DataTable;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn mount(table: Option<Table>, skeleton_rows: usize) -> web_sys::HtmlElement {
    let document = web_sys::window().unwrap().document().unwrap();
    let container: web_sys::HtmlElement = document.create_element("div").unwrap().unchecked_into();
    document.body().unwrap().append_child(&container).unwrap();
    let handle = leptos::mount::mount_to(container.clone(), move || {
        view! { <DataTable table=Signal::stored(table.clone()) caption="Test table" name="test" skeleton_rows=skeleton_rows /> }
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

fn button(container: &web_sys::HtmlElement) -> web_sys::HtmlButtonElement {
    container
        .query_selector("[data-testid=export-csv-test]")
        .unwrap()
        .unwrap()
        .unchecked_into()
}

#[wasm_bindgen_test]
fn renders_cells_as_text_with_figures_aligned() {
    let mut t = Table::new(["Model", "Questions", "Note"]);
    t.push(["<b>bold</b>", "25", "=1+1"]).unwrap();
    t.push(["b", "—", "plain"]).unwrap();
    let c = mount(Some(t), 3);
    assert_eq!(texts(&c, "thead th"), ["Model", "Questions", "Note"]);
    assert_eq!(
        texts(&c, "tbody th"),
        ["<b>bold</b>", "b"],
        "markup stays text"
    );
    assert_eq!(c.query_selector_all("tbody b").unwrap().length(), 0);
    assert_eq!(texts(&c, "tbody td.num"), ["25", "—"]);
    assert_eq!(texts(&c, "tbody td:not(.num)"), ["=1+1", "plain"]);
    assert!(!button(&c).disabled(), "CSV available");
    assert_eq!(
        c.query_selector("table")
            .unwrap()
            .unwrap()
            .get_attribute("aria-busy")
            .as_deref(),
        Some("false")
    );
}

#[wasm_bindgen_test]
fn keeps_its_space_while_loading_and_says_when_empty() {
    let loading = mount(None, 4);
    assert_eq!(
        loading
            .query_selector_all("tbody tr.skeleton")
            .unwrap()
            .length(),
        4
    );
    assert!(button(&loading).disabled(), "no CSV before the data");
    assert_eq!(
        loading
            .query_selector("table")
            .unwrap()
            .unwrap()
            .get_attribute("aria-busy")
            .as_deref(),
        Some("true")
    );
    let empty = mount(Some(Table::new(["A", "B"])), 2);
    assert_eq!(texts(&empty, "tbody td.empty"), ["Nothing to show."]);
    assert!(button(&empty).disabled(), "no CSV of an empty table");
}
