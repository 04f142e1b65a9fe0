//! `#/latency`: how fast the agent answers — under load (three models at several
//! concurrency levels, from the concurrency file) and one call at a time (the
//! paced sequential runs), against the customer's latency target.
//!
//! Figures come from `analysis::latency` (`load_report`, `sequential_report`):
//! failed calls are counted apart from latency, a p99 from fewer than 100 samples
//! is flagged, and accuracy under load sits beside speed.

pub mod load;
pub mod sequential;

use leptos::prelude::*;
use sqlsweep_core::analysis::format;
use sqlsweep_core::analysis::latency::{load_report, sequential_report, P99_MIN_SAMPLES};
use sqlsweep_core::published::concurrency::ConcurrencyFile;
use sqlsweep_core::published::sequential::SequentialFile;

use crate::components::load_errors::LoadErrors;
use crate::data::{
    use_published_file, CONCURRENCY_FILE, SEPARATE_SEQUENTIAL_FILE, SEQUENTIAL_FILES,
};
use crate::views::assumptions::{use_view_assumptions, AssumptionsPanel};
use load::LoadSection;
use sequential::SequentialSection;

/// Width of a latency bar as a percentage of the scale (0–100; 0 without a scale).
pub fn bar_percent(value_ms: f64, scale_ms: Option<f64>) -> f64 {
    match scale_ms {
        Some(s) if s > 0.0 && value_ms.is_finite() => (value_ms / s * 100.0).clamp(0.0, 100.0),
        _ => 0.0,
    }
}

#[component]
pub fn LatencyView() -> impl IntoView {
    let state = use_view_assumptions();
    let concurrency = use_published_file(CONCURRENCY_FILE, ConcurrencyFile::from_json);
    let runs: Vec<_> = SEQUENTIAL_FILES
        .iter()
        .map(|f| (*f, use_published_file(f, SequentialFile::from_json)))
        .collect();
    let separate = use_published_file(SEPARATE_SEQUENTIAL_FILE, SequentialFile::from_json);

    let load = Memo::new(move |_| {
        concurrency
            .get()
            .map(|r| r.map(|file| load_report(&file, &state.current.get())))
    });
    let runs_for_report = runs.clone();
    // `None` while any run loads; then the runs that loaded and the errors of the others.
    let seq = Memo::new(move |_| {
        let a = state.current.get();
        let mut loaded = Vec::new();
        let mut errors = Vec::new();
        for (file, s) in &runs_for_report {
            match s.get()? {
                Ok(f) => loaded.push((file.to_string(), f)),
                Err(e) => errors.push(e),
            }
        }
        let refs: Vec<(String, &SequentialFile)> = loaded
            .iter()
            .map(|(n, f)| (n.clone(), f.as_ref()))
            .collect();
        let report = (!refs.is_empty()).then(|| sequential_report(&refs, &a));
        Some((report, errors))
    });
    let separate_report = Memo::new(move |_| {
        separate.get().map(|r| {
            r.map(|f| {
                sequential_report(
                    &[(SEPARATE_SEQUENTIAL_FILE.to_string(), f.as_ref())],
                    &state.current.get(),
                )
            })
        })
    });
    let target = move || format::ms(Some(state.current.get().latency_target_ms));

    view! {
        <section class="view latency" data-testid="latency-view">
            <h1>"Latency"</h1>
            <p class="lede">
                "How long the full agent takes to answer, under concurrent load and one call at a time, against the "
                "customer's target of " <strong data-testid="target">{target}</strong> " per answer. Failed calls "
                "(rate limits, server errors) are counted separately: the time a call spends backing off before it "
                "gives up says nothing about how fast the model is."
            </p>
            <LoadErrors errors=Signal::derive(move || load.get().and_then(|r| r.err()).into_iter().collect()) />
            <LoadErrors errors=Signal::derive(move || seq.get().map(|(_, errors)| errors).unwrap_or_default()) />
            <LoadErrors errors=Signal::derive(move || separate_report.get().and_then(|r| r.err()).into_iter().collect()) />
            <LoadSection report=load />
            <SequentialSection report=seq separate=separate_report files=SEQUENTIAL_FILES.len() />
            <section class="method" aria-labelledby="latency-method">
                <h2 id="latency-method">"How these figures are made"</h2>
                <ul class="note">
                    <li>"Percentiles interpolate linearly between the sorted latencies of successful calls (the same definition everywhere in sqlsweep)."</li>
                    <li>{format!(
                        "A p99 needs at least {P99_MIN_SAMPLES} samples to say much; from fewer it is close to the single slowest call and is marked “indicative only”."
                    )}</li>
                    <li>"Accuracy under load counts every call made: a call that failed is a question not answered."</li>
                    <li>"Throughput is calls per second of wall-clock time, failures included, as published; goodput counts correct answers only."</li>
                    <li>"The degradation ratio divides the median at the highest concurrency by the median at the lowest. When calls failed at the highest level the ratio only covers those that got through, and the page says so."</li>
                </ul>
            </section>
            <AssumptionsPanel state=state primary=&["target_ms"] title="Assumption" />
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(value: f64, scale: Option<f64>, expected: f64) {
        assert!(
            (bar_percent(value, scale) - expected).abs() < 1e-9,
            "{value} / {scale:?}"
        );
    }

    #[test]
    fn bar_widths() {
        check(500.0, Some(1000.0), 50.0);
        check(1000.0, Some(1000.0), 100.0);
        check(2000.0, Some(1000.0), 100.0);
        check(0.0, Some(1000.0), 0.0);
        check(500.0, None, 0.0);
        check(500.0, Some(0.0), 0.0);
        check(f64::NAN, Some(1000.0), 0.0);
    }
}
