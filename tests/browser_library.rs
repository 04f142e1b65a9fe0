//! Browser test (headless Chromium via wasm-bindgen-test-runner): the sweep library
//! shared between the page's wasm modules (`data/registry`). Each module has its own
//! `SweepLibrary`; here two libraries under separate root owners stand for two
//! modules: what one imports, replaces or removes, the other mirrors — same ids,
//! same sweeps — and a library created later starts with what is already there.
#![cfg(target_arch = "wasm32")]

use leptos::prelude::*;
use sqlsweep_web::data::{provide_published_sweeps, provide_sweep_library, SweepLibrary};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// A library as a module creates it (the published files fail to fetch here, which
/// leaves the additions alone).
fn module_library() -> SweepLibrary {
    let _ = any_spawner::Executor::init_wasm_bindgen();
    let owner = Owner::new();
    let library = owner.with(|| {
        provide_published_sweeps();
        provide_sweep_library()
    });
    // The module lives as long as the page.
    std::mem::forget(owner);
    library
}

fn sweep_json(model: &str) -> String {
    format!(
        r#"{{"platform": "fireworks", "reports": [{{"model": "{model}", "traces": [
            {{"qid": "q_001", "sql": "SELECT 1", "rows": [{{"x": 1}}], "correct": true, "latency_ms": 5}}]}}]}}"#
    )
}

/// (id, file, models) of each addition.
fn additions(library: &SweepLibrary) -> Vec<(usize, String, Vec<String>)> {
    library
        .entries()
        .into_iter()
        .filter(|e| library.is_added(e.id))
        .map(|e| {
            (
                e.id,
                e.file.clone(),
                e.sweep.models.iter().map(|m| m.model.clone()).collect(),
            )
        })
        .collect()
}

#[wasm_bindgen_test]
fn additions_are_mirrored_between_modules() {
    let a = module_library();
    let b = module_library();
    let start = additions(&a).len();
    assert_eq!(
        additions(&a),
        additions(&b),
        "both start from the page's additions"
    );

    // An import in one module joins the other with the same id and content.
    let imported = a
        .import("one.json", sweep_json("acme/one").as_bytes())
        .expect("imports");
    let in_b = additions(&b);
    assert_eq!(in_b.len(), start + 1);
    assert_eq!(
        in_b.last().unwrap(),
        &(
            imported.id,
            "one.json".to_string(),
            vec!["acme/one".to_string()]
        )
    );
    let b_entry = b
        .entries()
        .into_iter()
        .find(|e| e.id == imported.id)
        .unwrap();
    assert_eq!(
        *b_entry.sweep, *imported.sweep,
        "the sweep crosses modules unchanged"
    );

    // Ids never collide, whichever module adds.
    let other = b
        .import("two.json", sweep_json("acme/two").as_bytes())
        .expect("imports");
    assert_ne!(other.id, imported.id);
    assert_eq!(additions(&a), additions(&b));

    // A run re-published as it grows replaces its entry in place, everywhere.
    let mut grown = (*imported.sweep).clone();
    grown.models[0].model = "acme/one-grown".into();
    let run = b.add_own("your run", (*imported.sweep).clone());
    let again = a.add_own("your run", grown);
    assert_eq!(run.id, again.id, "same label, same entry");
    let mirrored = additions(&b);
    assert_eq!(
        mirrored.iter().filter(|(_, f, _)| f == "your run").count(),
        1
    );
    assert_eq!(
        mirrored.iter().find(|(id, _, _)| *id == run.id).unwrap().2,
        vec!["acme/one-grown".to_string()]
    );

    // A refused import changes nothing anywhere.
    let before = additions(&a);
    assert!(b.import("bad.json", b"{\"reports\": [").is_err());
    assert_eq!(additions(&a), before);

    // Removal in one module removes it from the other.
    a.remove(imported.id);
    assert!(additions(&b).iter().all(|(id, _, _)| *id != imported.id));
    assert_eq!(additions(&a), additions(&b));

    // A module started later begins with what is there.
    let c = module_library();
    assert_eq!(additions(&c), additions(&a));
}
