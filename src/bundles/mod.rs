//! The page is several wasm modules, so a first visit downloads only what `#/`
//! and `#/sweep` need.
//!
//! Trunk cannot split one wasm binary, so the split is by binary: the shell
//! (`sqlsweep-web`: header, nav, library panel, `#/` and `#/sweep`) loads at
//! start; each [`Bundle`] is a binary of its own (`src/bundles/bin_*.rs`) holding
//! other views, fetched the first time one of its views is shown ([`host`]) and
//! mounted into the shell's `<main>` ([`guest`]). Every module keeps its own
//! reactive runtime; what they share — the library's additions — goes through
//! [`crate::data::registry`], and the view state through the URL, as before.
//!
//! A binary contains only the code its entry point reaches, so the shell never
//! names a bundled view and a bundle's binary names only its own.

pub mod guest;
pub mod host;

use crate::router::Route;

/// A wasm module holding some of the views, loaded on demand.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Bundle {
    /// The analytical views that are not on the first screen.
    Dashboard,
    /// The views that call providers: the live demo and browser runs (with the
    /// run session, which outlives its view).
    Interactive,
}

impl Bundle {
    /// Every bundle.
    pub const ALL: [Bundle; 2] = [Bundle::Dashboard, Bundle::Interactive];

    /// The bundle showing `route`, or `None` when the shell shows it itself.
    pub fn of(route: Route) -> Option<Bundle> {
        match route {
            Route::Overview | Route::Sweep => None,
            Route::Platforms
            | Route::Cost
            | Route::Insights
            | Route::Latency
            | Route::Quality
            | Route::Roadmap => Some(Bundle::Dashboard),
            Route::Live | Route::Run => Some(Bundle::Interactive),
        }
    }

    /// Its views' style sheets (`style/bundled/`, copied to `dist/style/`), linked
    /// by the shell with the bundle, in cascade order.
    pub fn styles(self) -> &'static [&'static str] {
        match self {
            Bundle::Dashboard => &[
                "platforms",
                "cost",
                "insights",
                "latency",
                "quality",
                "roadmap",
            ],
            // controls.css holds what #/live and #/run share; their own files refine it.
            Bundle::Interactive => &["controls", "live", "run"],
        }
    }

    /// The name of its binary, which is also its files' stem in `dist/`
    /// (`sqlsweep-dashboard.js` and `sqlsweep-dashboard_bg.wasm`).
    pub fn binary(self) -> &'static str {
        match self {
            Bundle::Dashboard => "sqlsweep-dashboard",
            Bundle::Interactive => "sqlsweep-interactive",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(route: Route, expected: Option<Bundle>) {
        assert_eq!(Bundle::of(route), expected, "{route:?}");
    }

    #[test]
    fn the_first_screen_is_in_the_shell_and_every_other_view_in_one_bundle() {
        check(Route::Overview, None);
        check(Route::Sweep, None);
        for route in [
            Route::Platforms,
            Route::Cost,
            Route::Insights,
            Route::Latency,
            Route::Quality,
            Route::Roadmap,
        ] {
            check(route, Some(Bundle::Dashboard));
        }
        check(Route::Live, Some(Bundle::Interactive));
        check(Route::Run, Some(Bundle::Interactive));
    }

    #[test]
    fn every_bundled_style_sheet_exists_and_is_linked_once() {
        let mut linked: Vec<&str> = Bundle::ALL
            .iter()
            .flat_map(|b| b.styles().iter().copied())
            .collect();
        for name in &linked {
            let path = format!("{}/style/bundled/{name}.css", env!("CARGO_MANIFEST_DIR"));
            assert!(std::path::Path::new(&path).is_file(), "{path} missing");
        }
        let on_disk = std::fs::read_dir(format!("{}/style/bundled", env!("CARGO_MANIFEST_DIR")))
            .unwrap()
            .count();
        linked.sort();
        linked.dedup();
        assert_eq!(
            linked.len(),
            on_disk,
            "each file in style/bundled belongs to exactly one bundle"
        );
    }

    #[test]
    fn binaries_match_the_cargo_manifest_and_index_html() {
        let manifest = include_str!("../../Cargo.toml");
        let index = include_str!("../../index.html");
        for bundle in Bundle::ALL {
            let name = bundle.binary();
            assert!(
                manifest.contains(&format!("name = \"{name}\"")),
                "{name} missing from Cargo.toml"
            );
            assert!(
                index.contains(&format!("data-bin=\"{name}\"")),
                "{name} missing from index.html"
            );
        }
    }
}
