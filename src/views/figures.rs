//! Small pieces the analytical views share so a figure looks and reads the same
//! everywhere: the platform chip, the estimate badge with its reason, accuracy with
//! its interval, and the sentence about how wide intervals are at this sample size.
//! Text only: every value is set as text, never as HTML.

use leptos::prelude::*;
use sqlsweep_core::analysis::cost::Basis;
use sqlsweep_core::analysis::format;
use sqlsweep_core::analysis::intervals::ProportionInterval;
use sqlsweep_core::analysis::limitations::{limitations, LimitationKind};
use sqlsweep_core::analysis::records::{platform_slug, Record};
use sqlsweep_core::sweep::{Platform, PriceSource, SweepFile};

/// `<span class="chip chip-baseten">Baseten</span>`.
pub fn platform_chip(p: &Platform) -> impl IntoView {
    let class = format!("chip chip-{}", platform_slug(p));
    view! { <span class=class>{p.label().to_string()}</span> }
}

/// Why a cost is an estimate, in words (for the badge's tooltip and the legend).
pub fn basis_reason(basis: Basis, source: Option<PriceSource>) -> &'static str {
    match (basis, source) {
        (Basis::Measured, _) => "",
        (Basis::EstimatedRate, Some(PriceSource::Proxy)) => {
            "Estimate: no published rate for this model; priced at another model's rate (proxy)"
        }
        (Basis::EstimatedRate, _) => {
            "Estimate: the per-token rate is a guess, not a published price"
        }
        (Basis::Assumption, _) => {
            "Estimate: rests on editable assumptions, not on a measured price"
        }
    }
}

/// The "est." badge, or nothing for a measured cost.
pub fn estimate_badge(basis: Basis, source: Option<PriceSource>) -> Option<impl IntoView> {
    basis.is_estimate().then(|| {
        let kind = match basis {
            Basis::Assumption => "assumption",
            _ => "rate",
        };
        view! {
            <span class="estimate" title=basis_reason(basis, source) data-estimate=kind>"est."</span>
        }
    })
}

/// "96% (80–99%)".
pub fn accuracy_text(a: &ProportionInterval) -> String {
    format::pct_interval(a)
}

/// "24/25".
pub fn accuracy_count(a: &ProportionInterval) -> String {
    format::fraction(a.successes, a.n)
}

/// The data-derived limitations of `kinds` (core's `analysis::limitations`), as text.
pub fn limitation_texts(
    records: &[Record],
    sweeps: &[SweepFile],
    kinds: &[LimitationKind],
) -> Vec<String> {
    limitations(records, sweeps, None, None)
        .into_iter()
        .filter(|l| kinds.contains(&l.kind))
        .map(|l| l.text)
        .collect()
}

/// The plain statement that accuracy carries a 95 % interval and how wide it is at
/// this sample size (the sample-size limitation computed from the records).
pub fn interval_statement(records: &[Record], sweeps: &[SweepFile]) -> String {
    let mut text = "Accuracy is shown with its 95 % Wilson interval (in brackets).".to_string();
    for t in limitation_texts(records, sweeps, &[LimitationKind::SampleSize]) {
        text.push(' ');
        text.push_str(&t);
        text.push_str(" A few points of difference between two models is usually not a real one.");
    }
    text
}

/// A model's name cell: label, full id and where the sweep came from.
pub fn model_cell(r: &Record, starred: bool) -> impl IntoView {
    view! {
        <span class="label">{starred.then_some("★ ")}{r.label.clone()}</span>
        <span class="id" title=r.model.clone()>{r.model.clone()}</span>
        <span class="source">{r.source_label.clone()}</span>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reasons() {
        assert_eq!(
            basis_reason(Basis::Measured, Some(PriceSource::Published)),
            ""
        );
        assert!(basis_reason(Basis::EstimatedRate, Some(PriceSource::Proxy)).contains("proxy"));
        assert!(basis_reason(Basis::Assumption, None).contains("assumptions"));
    }
}
