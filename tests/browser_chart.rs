//! Browser test (headless Chromium): the cost-vs-accuracy chart drawn with
//! plotters on a real canvas — it draws the points the core's frontier places,
//! the pixels are really there (platform colours included), pointing at a point
//! shows that model's details, and the platform filter redraws it.
#![cfg(target_arch = "wasm32")]

use std::sync::Arc;

use leptos::prelude::*;
use sqlsweep_core::analysis::frontier::frontier;
use sqlsweep_core::analysis::records::{records, PlatformFilter, Record};
use sqlsweep_core::sweep::Platform;
use sqlsweep_web::views::sweep::chart::CostAccuracyChart;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

static BASETEN: &[u8] = include_bytes!("../data/cache/baseten_sweep.json");
static FIREWORKS: &[u8] = include_bytes!("../data/cache/fireworks_sweep_v2.json");

fn published() -> Arc<Vec<Record>> {
    let b = sqlsweep_core::sweep::load(BASETEN, "baseten_sweep.json").unwrap();
    let f = sqlsweep_core::sweep::load(FIREWORKS, "fireworks_sweep_v2.json").unwrap();
    Arc::new(records(&[b, f]))
}

fn document() -> web_sys::Document {
    web_sys::window().unwrap().document().unwrap()
}

/// Lets effects run and the canvas draw.
async fn settle(ms: i32) {
    let p = js_sys::Promise::new(&mut |resolve, _| {
        web_sys::window()
            .unwrap()
            .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms)
            .unwrap();
    });
    wasm_bindgen_futures::JsFuture::from(p).await.unwrap();
}

fn mount(recs: Arc<Vec<Record>>, filter: RwSignal<PlatformFilter>) -> web_sys::HtmlElement {
    let style = document().create_element("style").unwrap();
    style.set_text_content(Some(
        ".chart-area{position:relative;width:800px;height:420px}.chart-area canvas{display:block;width:100%;height:100%}.chart-tooltip{position:absolute}",
    ));
    document().head().unwrap().append_child(&style).unwrap();
    let container: web_sys::HtmlElement =
        document().create_element("div").unwrap().unchecked_into();
    document().body().unwrap().append_child(&container).unwrap();
    let handle = leptos::mount::mount_to(container.clone(), move || {
        view! { <CostAccuracyChart records=Signal::stored(Some(recs.clone())) filter=filter /> }
    });
    handle.forget();
    container
}

fn canvas(container: &web_sys::HtmlElement) -> web_sys::HtmlCanvasElement {
    container
        .query_selector("canvas[data-testid=chart-canvas]")
        .unwrap()
        .expect("the chart has a canvas")
        .unchecked_into()
}

/// (pixels not white, pixels close to `rgb`).
fn pixels(canvas: &web_sys::HtmlCanvasElement, rgb: (u8, u8, u8)) -> (usize, usize) {
    let ctx: web_sys::CanvasRenderingContext2d =
        canvas.get_context("2d").unwrap().unwrap().unchecked_into();
    let data = ctx
        .get_image_data(0.0, 0.0, canvas.width() as f64, canvas.height() as f64)
        .unwrap()
        .data();
    let (mut ink, mut colour) = (0, 0);
    for px in data.chunks(4) {
        if px[0] < 250 || px[1] < 250 || px[2] < 250 {
            ink += 1;
        }
        let close = |a: u8, b: u8| (a as i32 - b as i32).abs() <= 6;
        if px[3] == 255 && close(px[0], rgb.0) && close(px[1], rgb.1) && close(px[2], rgb.2) {
            colour += 1;
        }
    }
    (ink, colour)
}

const BASETEN_TEAL: (u8, u8, u8) = (13, 148, 136);
const FIREWORKS_PURPLE: (u8, u8, u8) = (147, 51, 234);

fn row(container: &web_sys::HtmlElement, key: &str) -> web_sys::Element {
    container
        .query_selector(&format!(
            "[data-testid=chart-points] tr[data-key=\"{key}\"]"
        ))
        .unwrap()
        .unwrap_or_else(|| panic!("a table row for {key}"))
}

#[wasm_bindgen_test]
async fn chart_draws_hovers_and_follows_the_filter() {
    let recs = published();
    let filter = RwSignal::new(PlatformFilter::All);
    let container = mount(recs.clone(), filter);
    settle(100).await;

    let c = canvas(&container);
    let placed = frontier(&recs, &PlatformFilter::All);
    assert_eq!(
        c.get_attribute("data-drawn").as_deref(),
        Some(placed.points.len().to_string().as_str()),
        "every point the core places is drawn"
    );
    let (ink, teal) = pixels(&c, BASETEN_TEAL);
    assert!(ink > 5_000, "the chart is drawn ({ink} non-white pixels)");
    assert!(teal > 30, "Baseten points in teal ({teal} pixels)");
    assert!(
        pixels(&c, FIREWORKS_PURPLE).1 > 30,
        "Fireworks points in purple"
    );

    // Point at gpt-oss-120b: the tooltip names it, with its accuracy interval.
    let key = &recs.iter().find(|r| r.label == "gpt-oss-120b").unwrap().key;
    let r = row(&container, key);
    let x: f64 = r.get_attribute("data-x").unwrap().parse().unwrap();
    let y: f64 = r.get_attribute("data-y").unwrap().parse().unwrap();
    let rect = c.get_bounding_client_rect();
    let init = web_sys::PointerEventInit::new();
    init.set_client_x((rect.left() + x).round() as i32);
    init.set_client_y((rect.top() + y).round() as i32);
    init.set_bubbles(true);
    let ev = web_sys::PointerEvent::new_with_event_init_dict("pointermove", &init).unwrap();
    c.dispatch_event(&ev).unwrap();
    settle(50).await;
    let tip = container
        .query_selector("[data-testid=chart-tooltip]")
        .unwrap()
        .expect("a tooltip after pointing at a point");
    assert_eq!(tip.get_attribute("data-key").as_deref(), Some(key.as_str()));
    let text = tip.text_content().unwrap();
    assert!(
        text.contains("gpt-oss-120b") && text.contains("96% (80–99%)"),
        "{text}"
    );
    assert!(text.contains("On the frontier"), "{text}");

    // The keyboard steps through the points in cost order.
    let key_ev = |k: &str| {
        let init = web_sys::KeyboardEventInit::new();
        init.set_key(k);
        init.set_bubbles(true);
        web_sys::KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).unwrap()
    };
    c.dispatch_event(&key_ev("Home")).unwrap();
    settle(50).await;
    let first = &recs[placed.points[0].record];
    assert_eq!(
        container
            .query_selector("[data-testid=chart-tooltip]")
            .unwrap()
            .and_then(|t| t.get_attribute("data-key")),
        Some(first.key.clone())
    );

    // Fireworks only: fewer points, no Baseten teal left.
    filter.set(PlatformFilter::Only(Platform::Fireworks));
    settle(100).await;
    let fw = frontier(&recs, &PlatformFilter::Only(Platform::Fireworks));
    assert_eq!(
        c.get_attribute("data-drawn").as_deref(),
        Some(fw.points.len().to_string().as_str())
    );
    assert_eq!(
        pixels(&c, BASETEN_TEAL).1,
        0,
        "no Baseten point after filtering"
    );
    assert!(pixels(&c, FIREWORKS_PURPLE).1 > 30);
}

#[wasm_bindgen_test]
async fn models_that_cannot_be_placed_are_listed_with_the_reason() {
    let recs = published();
    let container = mount(recs.clone(), RwSignal::new(PlatformFilter::All));
    settle(50).await;
    let list = container
        .query_selector("[data-testid=chart-excluded]")
        .unwrap()
        .expect("the excluded list");
    let text = list.text_content().unwrap();
    for label in ["MiniMax-M2.5", "GLM-5", "GLM-5.1"] {
        assert!(text.contains(label), "{label} listed: {text}");
    }
    assert!(
        text.contains("every call failed") && text.contains("promotional"),
        "{text}"
    );
    let verdict = container
        .query_selector("[data-testid=frontier-verdict]")
        .unwrap()
        .unwrap()
        .text_content()
        .unwrap();
    assert!(
        verdict.contains("On the frontier: Nemotron-120B-A12B, gpt-oss-120b")
            && verdict.contains("GLM-4.7 (by gpt-oss-120b)"),
        "{verdict}"
    );
}
