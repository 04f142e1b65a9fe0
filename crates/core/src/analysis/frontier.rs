//! The cost-vs-accuracy Pareto frontier (the original only scattered points).
//!
//! Points: the records that pass the platform filter, minus those that cannot be
//! placed honestly — fatal-error models (no measurement), unpriced models (no
//! cost) and $0 models (a promotional price is not a cost one can plan on). Each
//! exclusion is listed with its reason.
//!
//! Two notions of dominance, both on (cost per query ↓, accuracy ↑):
//! - **plain**: q dominates p when q costs no more *and* is at least as accurate,
//!   and is strictly better on one of the two. The frontier is the set of points
//!   no other point dominates.
//! - **clear** ("worse on both axes beyond the intervals"): q clearly dominates p
//!   when q costs strictly less *and* their 95 % Wilson accuracy intervals do not
//!   overlap with q above (p's upper bound < q's lower bound). Cost is computed
//!   from measured tokens and rates and carries no sampling interval here; the
//!   accuracy condition is conservative (two disjoint 95 % intervals mean a
//!   difference at well beyond 95 % confidence). With 25 questions, only gaps of
//!   roughly 30 points or more qualify — which is the honest message.

use serde::{Deserialize, Serialize};

use super::intervals::ProportionInterval;
use super::records::{filtered, PlatformFilter, Record};

/// One placed model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FrontierPoint {
    /// Index into the records.
    pub record: usize,
    pub cost_per_query: f64,
    pub accuracy: ProportionInterval,
    /// The cost rests on a proxied or estimated rate.
    pub cost_is_estimate: bool,
    pub on_frontier: bool,
    /// Records that plainly dominate this one.
    pub dominated_by: Vec<usize>,
    /// Records that dominate it beyond the accuracy intervals.
    pub clearly_dominated_by: Vec<usize>,
}

/// Why a record is not on the chart.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "reason", content = "detail")]
pub enum Exclusion {
    /// Every call failed; the error is given.
    FatalError(String),
    /// No per-token rate is known for this model.
    Unpriced,
    /// Priced at $0 (promotional/free tier): not a plannable cost.
    ZeroPrice,
    /// No traces, so no accuracy.
    NoData,
}

impl Exclusion {
    pub fn text(&self) -> String {
        match self {
            Exclusion::FatalError(e) => format!("every call failed ({})", first_line(e, 80)),
            Exclusion::Unpriced => "no published or estimated price".into(),
            Exclusion::ZeroPrice => "priced at $0 (promotional), not a cost one can plan on".into(),
            Exclusion::NoData => "no traces".into(),
        }
    }
}

/// The first line of `s`, cut to `max` characters with "…".
pub fn first_line(s: &str, max: usize) -> String {
    let line = s
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or("");
    if line.chars().count() > max {
        format!("{}…", line.chars().take(max).collect::<String>())
    } else {
        line.to_string()
    }
}

/// Why a record cannot be placed on a cost chart, or `None` when it can.
pub fn exclusion(r: &Record) -> Option<Exclusion> {
    if let Some(e) = &r.summary.fatal_error {
        return Some(Exclusion::FatalError(e.clone()));
    }
    if r.summary.n == 0 {
        return Some(Exclusion::NoData);
    }
    match r.cost_per_query() {
        None => Some(Exclusion::Unpriced),
        Some(c) if c <= 0.0 => Some(Exclusion::ZeroPrice),
        Some(_) => None,
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Frontier {
    /// Placed points, by cost ascending then accuracy descending (stable).
    pub points: Vec<FrontierPoint>,
    /// Record indices on the frontier, by cost ascending: the line to draw.
    pub frontier: Vec<usize>,
    /// Filtered records not placed, with the reason.
    pub excluded: Vec<(usize, Exclusion)>,
}

/// The frontier of the records passing `filter`.
pub fn frontier(records: &[Record], filter: &PlatformFilter) -> Frontier {
    let mut excluded = Vec::new();
    let mut placed: Vec<(usize, f64, ProportionInterval)> = Vec::new();
    for i in filtered(records, filter) {
        let r = &records[i];
        match (exclusion(r), r.accuracy_interval(), r.cost_per_query()) {
            (None, Some(acc), Some(cost)) => placed.push((i, cost, acc)),
            (Some(why), _, _) => excluded.push((i, why)),
            (None, _, _) => excluded.push((i, Exclusion::NoData)),
        }
    }
    placed.sort_by(|a, b| {
        a.1.total_cmp(&b.1)
            .then(b.2.estimate.total_cmp(&a.2.estimate))
    });
    let points: Vec<FrontierPoint> = placed
        .iter()
        .map(|&(i, cost, acc)| {
            let dominated_by = placed
                .iter()
                .filter(|&&(j, c, a)| {
                    j != i
                        && c <= cost
                        && a.estimate >= acc.estimate
                        && (c < cost || a.estimate > acc.estimate)
                })
                .map(|&(j, _, _)| j)
                .collect::<Vec<_>>();
            let clearly_dominated_by = placed
                .iter()
                .filter(|&&(j, c, a)| j != i && c < cost && acc.hi < a.lo)
                .map(|&(j, _, _)| j)
                .collect();
            FrontierPoint {
                record: i,
                cost_per_query: cost,
                accuracy: acc,
                cost_is_estimate: records[i].summary.cost_is_estimate,
                on_frontier: dominated_by.is_empty(),
                dominated_by,
                clearly_dominated_by,
            }
        })
        .collect();
    let frontier = points
        .iter()
        .filter(|p| p.on_frontier)
        .map(|p| p.record)
        .collect();
    Frontier {
        points,
        frontier,
        excluded,
    }
}

#[cfg(test)]
mod tests {
    use super::super::records::records;
    use super::super::records::testing::*;
    use super::*;
    use crate::sweep::Platform;

    fn sample() -> Vec<Record> {
        records(&[
            sweep(
                "bt",
                Platform::Baseten,
                vec![
                    run(
                        "a/cheap-bad",
                        Platform::Baseten,
                        11,
                        25,
                        (700, 100),
                        Some((0.06, 0.75, PUB)),
                    ), // 0.000117
                    run(
                        "a/best",
                        Platform::Baseten,
                        24,
                        25,
                        (763, 222),
                        Some((0.1, 0.5, PUB)),
                    ), // 0.000187
                    run(
                        "a/mid",
                        Platform::Baseten,
                        16,
                        25,
                        (617, 69),
                        Some((0.12, 2.2, PUB)),
                    ), // 0.000226, 64 %
                    run(
                        "a/free",
                        Platform::Baseten,
                        20,
                        25,
                        (670, 79),
                        Some((0.0, 0.0, PUB)),
                    ),
                    run("a/none", Platform::Baseten, 20, 25, (670, 79), None),
                    fatal_run(
                        "a/dead",
                        Platform::Baseten,
                        25,
                        "InternalServerError: <html>\n503",
                    ),
                ],
            ),
            sweep(
                "fw",
                Platform::Fireworks,
                vec![
                    run(
                        "f/k6",
                        Platform::Fireworks,
                        23,
                        25,
                        (692, 76),
                        Some((0.95, 4.0, PUB)),
                    ),
                    run(
                        "f/k5",
                        Platform::Fireworks,
                        23,
                        25,
                        (692, 73),
                        Some((0.95, 4.0, PROXY)),
                    ),
                    run(
                        "f/same",
                        Platform::Fireworks,
                        23,
                        25,
                        (692, 73),
                        Some((0.95, 4.0, PROXY)),
                    ),
                ],
            ),
        ])
    }

    fn labels(recs: &[Record], ix: &[usize]) -> Vec<String> {
        ix.iter().map(|&i| recs[i].label.clone()).collect()
    }

    fn check(filter: PlatformFilter, on: &[&str], clearly: &[(&str, &[&str])], excluded: &[&str]) {
        let recs = sample();
        let f = frontier(&recs, &filter);
        assert_eq!(labels(&recs, &f.frontier), on, "frontier {filter:?}");
        for (label, by) in clearly {
            let p = f
                .points
                .iter()
                .find(|p| recs[p.record].label == *label)
                .unwrap();
            assert_eq!(
                labels(&recs, &p.clearly_dominated_by),
                *by,
                "clearly dominating {label}"
            );
        }
        assert_eq!(
            f.excluded
                .iter()
                .map(|(i, _)| recs[*i].label.as_str())
                .collect::<Vec<_>>(),
            excluded
        );
    }

    #[test]
    fn frontier_and_dominance() {
        // best (96 %) dominates everything above it in cost; ties (k5/same) are on the
        // frontier together only when neither is dominated — here best dominates both.
        check(
            PlatformFilter::All,
            &["cheap-bad", "best"],
            &[("mid", &["best"]), ("k6", &[]), ("cheap-bad", &[])],
            &["free", "none", "dead"],
        );
        // Fireworks only: k5 and same tie exactly (neither dominates), k6 costs more.
        check(
            PlatformFilter::Only(Platform::Fireworks),
            &["k5", "same"],
            &[("k6", &[])],
            &[],
        );
    }

    #[test]
    fn exclusion_reasons_and_estimates() {
        let recs = sample();
        let f = frontier(&recs, &PlatformFilter::All);
        let reasons: Vec<String> = f.excluded.iter().map(|(_, e)| e.text()).collect();
        assert_eq!(
            reasons,
            [
                "priced at $0 (promotional), not a cost one can plan on",
                "no published or estimated price",
                "every call failed (InternalServerError: <html>)",
            ]
        );
        let k5 = f
            .points
            .iter()
            .find(|p| recs[p.record].label == "k5")
            .unwrap();
        assert!(k5.cost_is_estimate);
        assert_eq!(labels(&recs, &k5.dominated_by), ["best"]);
        // Points come sorted by cost.
        assert!(f
            .points
            .windows(2)
            .all(|w| w[0].cost_per_query <= w[1].cost_per_query));
        assert_eq!(first_line("\n  abc\ndef", 2), "ab…");
    }
}
