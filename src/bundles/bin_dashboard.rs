//! The dashboard bundle: the analytical views after the first screen, fetched the
//! first time one of them is shown (see `sqlsweep_web::bundles`).

use leptos::prelude::*;
use sqlsweep_web::router::Route;
use sqlsweep_web::views::{
    cost::CostView, insights::InsightsView, latency::LatencyView, platforms::PlatformsView,
    quality::QualityView, roadmap::RoadmapView,
};

fn views(route: Route) -> Option<AnyView> {
    Some(match route {
        Route::Platforms => view! { <PlatformsView /> }.into_any(),
        Route::Cost => view! { <CostView /> }.into_any(),
        Route::Insights => view! { <InsightsView /> }.into_any(),
        Route::Latency => view! { <LatencyView /> }.into_any(),
        Route::Quality => view! { <QualityView /> }.into_any(),
        Route::Roadmap => view! { <RoadmapView /> }.into_any(),
        _ => return None,
    })
}

sqlsweep_web::bundle_entry!(setup: || {}, views: views);
