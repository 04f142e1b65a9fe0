//! Platform comparison: one card per platform and a best-vs-best table
//! (original-dashboard.md §1.3), in two variants:
//! - [`Variant::AsPublished`] reproduces the original's rules exactly, fatal-error
//!   models included (which drags Baseten's median accuracy down to 82 %);
//! - [`Variant::ExcludingFatal`] leaves out models whose every call failed, since
//!   their 0 % and their failed-call latencies are not measurements of the model.
//!
//! Card rules: best and median accuracy (true median); median of the models'
//! latency p50 counting only values > 0; median of the non-null TTFT medians
//! ("not captured" when none); cheapest $/query excluding unpriced and $0
//! (promotional) models; the same among models at or above the accuracy bar;
//! "best" = highest accuracy, then lower $/query (unpriced = ∞), then file order.

use serde::{Deserialize, Serialize};

use super::assumptions::Assumptions;
use super::intervals::{mcnemar, PairedComparison};
use super::records::Record;
use super::taxonomy::outcome_from_error;
use crate::outcome::Outcome;
use crate::stats::median;
use crate::sweep::{Platform, SweepFile};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Variant {
    AsPublished,
    ExcludingFatal,
}

/// A price figure with the record it belongs to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CostPick {
    pub record: usize,
    pub cost_per_query: f64,
    pub is_estimate: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlatformCard {
    pub platform: Platform,
    /// Models counted on this card.
    pub models: usize,
    /// Fatal-error models left out (ExcludingFatal) or included (AsPublished).
    pub fatal_models: usize,
    /// Distinct questions across the platform's traces ("25-question gold set").
    pub questions: usize,
    pub best_accuracy: Option<f64>,
    pub median_accuracy: Option<f64>,
    pub median_latency_p50_ms: Option<f64>,
    /// `None` shows as "not captured".
    pub median_ttft_ms: Option<f64>,
    pub cheapest: Option<CostPick>,
    /// Cheapest among models with accuracy ≥ the ship bar.
    pub cheapest_shipping: Option<CostPick>,
    /// The platform's best model (record index).
    pub best: Option<usize>,
    /// The best was picked over an equally accurate model only by a cost that rests
    /// on an estimated or proxied rate (the original's Fireworks kimi-k2p5 vs k2p6).
    pub best_decided_by_estimate: bool,
}

/// Which side of the best-vs-best table wins a row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Side {
    Left,
    Right,
}

/// What a best-vs-best row measures, so a view can format it without matching
/// on the metric's name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MetricUnit {
    /// A proportion in [0, 1] (accuracy, JSON OK rate).
    Share,
    /// Milliseconds.
    Millis,
    /// A mean token count.
    Tokens,
    /// USD per query.
    UsdPerQuery,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MetricRow {
    pub metric: String,
    pub unit: MetricUnit,
    pub higher_is_better: bool,
    pub left: Option<f64>,
    pub right: Option<f64>,
    /// `None` on equal values or when both are missing.
    pub winner: Option<Side>,
    /// The row's value rests on an estimated rate (only $/query can).
    pub left_is_estimate: bool,
    pub right_is_estimate: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BestVsBest {
    pub left_platform: Platform,
    pub right_platform: Platform,
    /// Record indices of each side's best; `None` shows "(no data)".
    pub left: Option<usize>,
    pub right: Option<usize>,
    pub rows: Vec<MetricRow>,
    /// Paired exact test of the two bests on the questions both answered.
    pub paired: Option<PairedComparison>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlatformComparison {
    pub variant: Variant,
    /// Fireworks, Baseten (always, possibly with 0 models), then other platforms in
    /// order of appearance.
    pub cards: Vec<PlatformCard>,
    /// Fireworks (left) vs Baseten (right), as the original.
    pub best_vs_best: BestVsBest,
}

fn best_of(records: &[Record], idx: &[usize]) -> Option<usize> {
    let mut best: Option<usize> = None;
    for &i in idx {
        let (acc, cost) = (
            records[i].summary.accuracy.unwrap_or(f64::NEG_INFINITY),
            records[i].cost_per_query().unwrap_or(f64::INFINITY),
        );
        match best {
            None => best = Some(i),
            Some(b) => {
                let (bacc, bcost) = (
                    records[b].summary.accuracy.unwrap_or(f64::NEG_INFINITY),
                    records[b].cost_per_query().unwrap_or(f64::INFINITY),
                );
                if acc > bacc || (acc == bacc && cost < bcost) {
                    best = Some(i);
                }
            }
        }
    }
    best
}

fn cheapest(records: &[Record], idx: impl Iterator<Item = usize>) -> Option<CostPick> {
    let mut out: Option<CostPick> = None;
    for i in idx {
        if let Some(c) = records[i].cost_per_query().filter(|c| *c > 0.0) {
            if out.as_ref().is_none_or(|o| c < o.cost_per_query) {
                out = Some(CostPick {
                    record: i,
                    cost_per_query: c,
                    is_estimate: records[i].summary.cost_is_estimate,
                });
            }
        }
    }
    out
}

/// The card of `platform` over `records`.
pub fn platform_card(
    records: &[Record],
    platform: &Platform,
    variant: Variant,
    a: &Assumptions,
) -> PlatformCard {
    let all: Vec<usize> = (0..records.len())
        .filter(|&i| &records[i].platform == platform)
        .collect();
    let fatal_models = all.iter().filter(|&&i| records[i].is_fatal()).count();
    let idx: Vec<usize> = match variant {
        Variant::AsPublished => all.clone(),
        Variant::ExcludingFatal => all
            .iter()
            .copied()
            .filter(|&i| !records[i].is_fatal())
            .collect(),
    };
    let vals = |f: &dyn Fn(&Record) -> Option<f64>| {
        idx.iter()
            .filter_map(|&i| f(&records[i]))
            .collect::<Vec<f64>>()
    };
    let accs = vals(&|r| r.summary.accuracy);
    let best = best_of(records, &idx);
    let best_decided_by_estimate = best.is_some_and(|b| {
        let acc = records[b].summary.accuracy;
        let tied: Vec<usize> = idx
            .iter()
            .copied()
            .filter(|&i| i != b && records[i].summary.accuracy == acc)
            .collect();
        !tied.is_empty()
            && (records[b].summary.cost_is_estimate
                || tied.iter().any(|&i| records[i].summary.cost_is_estimate))
    });
    let mut qids: Vec<&str> = idx
        .iter()
        .flat_map(|&i| records[i].results.iter().map(|(q, _)| q.as_str()))
        .collect();
    qids.sort_unstable();
    qids.dedup();
    PlatformCard {
        platform: platform.clone(),
        models: idx.len(),
        fatal_models,
        questions: qids.len(),
        best_accuracy: accs
            .iter()
            .copied()
            .fold(None, |m: Option<f64>, x| Some(m.map_or(x, |m| m.max(x)))),
        median_accuracy: median(&accs),
        median_latency_p50_ms: median(&vals(&|r| r.summary.median_latency_ms.filter(|l| *l > 0.0))),
        median_ttft_ms: median(&vals(&|r| r.summary.median_ttft_ms)),
        cheapest: cheapest(records, idx.iter().copied()),
        cheapest_shipping: cheapest(
            records,
            idx.iter().copied().filter(|&i| {
                records[i]
                    .summary
                    .accuracy
                    .is_some_and(|x| x >= a.ship_accuracy)
            }),
        ),
        best,
        best_decided_by_estimate,
    }
}

/// A best-vs-best row: name, unit, higher is better, how to read it from a record.
type Metric<'a> = (
    &'static str,
    MetricUnit,
    bool,
    &'a dyn Fn(&Record) -> Option<f64>,
);

/// The best-vs-best table between the bests of two cards.
pub fn best_vs_best(records: &[Record], left: &PlatformCard, right: &PlatformCard) -> BestVsBest {
    let get = |i: Option<usize>, f: &dyn Fn(&Record) -> Option<f64>| i.and_then(|i| f(&records[i]));
    let est = |i: Option<usize>| i.is_some_and(|i| records[i].summary.cost_is_estimate);
    use MetricUnit::*;
    let metrics: [Metric; 8] = [
        ("Accuracy", Share, true, &|r| r.summary.accuracy),
        ("JSON OK rate", Share, true, &|r| r.summary.json_ok_rate),
        ("Median latency", Millis, false, &|r| {
            r.summary.median_latency_ms
        }),
        ("P90 latency", Millis, false, &|r| r.summary.p90_latency_ms),
        ("Median TTFT", Millis, false, &|r| r.summary.median_ttft_ms),
        ("In tokens (mean)", Tokens, false, &|r| {
            r.summary.mean_prompt_tokens
        }),
        ("Out tokens (mean)", Tokens, false, &|r| {
            r.summary.mean_completion_tokens
        }),
        ("$ per query", UsdPerQuery, false, &|r| r.cost_per_query()),
    ];
    let rows = metrics
        .iter()
        .map(|(metric, unit, higher, f)| {
            let (l, r) = (get(left.best, *f), get(right.best, *f));
            let winner = match (l, r) {
                (Some(a), Some(b)) if a == b => None,
                (Some(a), Some(b)) => Some(if (a > b) == *higher {
                    Side::Left
                } else {
                    Side::Right
                }),
                (Some(_), None) => Some(Side::Left),
                (None, Some(_)) => Some(Side::Right),
                (None, None) => None,
            };
            let is_cost = *unit == UsdPerQuery;
            MetricRow {
                metric: metric.to_string(),
                unit: *unit,
                higher_is_better: *higher,
                left: l,
                right: r,
                winner,
                left_is_estimate: is_cost && l.is_some() && est(left.best),
                right_is_estimate: is_cost && r.is_some() && est(right.best),
            }
        })
        .collect();
    let paired = match (left.best, right.best) {
        (Some(l), Some(r)) => Some(mcnemar(&records[l].results, &records[r].results)),
        _ => None,
    };
    BestVsBest {
        left_platform: left.platform.clone(),
        right_platform: right.platform.clone(),
        left: left.best,
        right: right.best,
        rows,
        paired,
    }
}

/// Cards for every platform and the Fireworks-vs-Baseten table.
pub fn platform_comparison(
    records: &[Record],
    variant: Variant,
    a: &Assumptions,
) -> PlatformComparison {
    let mut platforms = vec![Platform::Fireworks, Platform::Baseten];
    for r in records {
        if !platforms.contains(&r.platform) {
            platforms.push(r.platform.clone());
        }
    }
    let cards: Vec<PlatformCard> = platforms
        .iter()
        .map(|p| platform_card(records, p, variant, a))
        .collect();
    let best_vs_best = best_vs_best(records, &cards[0], &cards[1]);
    PlatformComparison {
        variant,
        cards,
        best_vs_best,
    }
}

/// A model a sweep probed and found unavailable (not run).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Unavailable {
    pub platform: Option<Platform>,
    pub model: String,
    pub label: String,
    pub status: Option<u16>,
    pub outcome: Outcome,
    /// The provider's message, first line, shortened.
    pub reason: String,
}

/// Every probed-unavailable model of every sweep, in order.
pub fn probed_unavailable(sweeps: &[SweepFile]) -> Vec<Unavailable> {
    sweeps
        .iter()
        .flat_map(|s| {
            s.run.probed_unavailable.iter().map(move |p| Unavailable {
                platform: s.run.platform.clone(),
                model: p.model.clone(),
                label: p.model.rsplit('/').next().unwrap_or(&p.model).to_string(),
                status: super::taxonomy::http_status_in(&p.error),
                outcome: outcome_from_error(&p.error, false),
                reason: super::frontier::first_line(&p.error, 120),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::super::records::records;
    use super::super::records::testing::*;
    use super::*;
    use crate::sweep::ProbedModel;

    fn sample() -> (Vec<SweepFile>, Vec<Record>) {
        let mut fw = sweep(
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
                    "f/ds",
                    Platform::Fireworks,
                    22,
                    25,
                    (755, 407),
                    Some((0.95, 4.0, PROXY)),
                ),
            ],
        );
        fw.run.probed_unavailable = vec![ProbedModel {
            model: "accounts/fireworks/models/glm-5".into(),
            error: "NotFoundError: Error code: 404 - {'error': 'Model not found'}".into(),
        }];
        let bt = sweep(
            "bt",
            Platform::Baseten,
            vec![
                run(
                    "b/best",
                    Platform::Baseten,
                    24,
                    25,
                    (763, 222),
                    Some((0.1, 0.5, PUB)),
                ),
                run(
                    "b/cheap",
                    Platform::Baseten,
                    11,
                    25,
                    (711, 104),
                    Some((0.06, 0.75, PUB)),
                ),
                run(
                    "b/free",
                    Platform::Baseten,
                    20,
                    25,
                    (670, 79),
                    Some((0.0, 0.0, PUB)),
                ),
                fatal_run("b/dead", Platform::Baseten, 25, "503"),
            ],
        );
        let sweeps = vec![bt, fw];
        let recs = records(&sweeps);
        (sweeps, recs)
    }

    #[test]
    fn cards_as_published_and_excluding_fatal() {
        let (_, recs) = sample();
        let a = Assumptions::default();
        let label = |i: Option<usize>| i.map(|i| recs[i].label.clone());
        let pc = platform_comparison(&recs, Variant::AsPublished, &a);
        let (fw, bt) = (&pc.cards[0], &pc.cards[1]);
        assert_eq!((fw.models, bt.models, bt.fatal_models), (3, 4, 1));
        assert_eq!(fw.best_accuracy, Some(0.92));
        assert_eq!(fw.median_accuracy, Some(0.92));
        assert_eq!(label(fw.best).as_deref(), Some("k5"));
        assert!(fw.best_decided_by_estimate, "k5 beat k6 on a proxied cost");
        assert_eq!(
            fw.cheapest
                .as_ref()
                .map(|c| (label(Some(c.record)).unwrap(), c.is_estimate)),
            Some(("k5".into(), true))
        );
        // Baseten median over 96, 44, 80, 0 = 62 %; the $0 model is not "cheapest".
        assert!((bt.median_accuracy.unwrap() - 0.62).abs() < 1e-12);
        assert_eq!(
            label(bt.cheapest.as_ref().map(|c| c.record)).as_deref(),
            Some("cheap")
        );
        assert_eq!(
            label(bt.cheapest_shipping.as_ref().map(|c| c.record)).as_deref(),
            Some("best")
        );
        assert_eq!(bt.questions, 25);
        assert!(!bt.best_decided_by_estimate);
        let honest = platform_comparison(&recs, Variant::ExcludingFatal, &a);
        assert_eq!(honest.cards[1].models, 3);
        assert_eq!(honest.cards[1].median_accuracy, Some(0.8));
        assert_eq!(honest.cards.len(), 2);
    }

    #[test]
    fn best_vs_best_rows() {
        let (_, recs) = sample();
        let pc = platform_comparison(&recs, Variant::AsPublished, &Assumptions::default());
        let t = &pc.best_vs_best;
        let winners: Vec<(&str, Option<Side>)> = t
            .rows
            .iter()
            .map(|r| (r.metric.as_str(), r.winner))
            .collect();
        assert_eq!(
            winners,
            [
                ("Accuracy", Some(Side::Right)),
                ("JSON OK rate", None),
                ("Median latency", None), // the fixtures give both the same latencies
                ("P90 latency", None),
                ("Median TTFT", None),
                ("In tokens (mean)", Some(Side::Left)),
                ("Out tokens (mean)", Some(Side::Left)),
                ("$ per query", Some(Side::Right)),
            ]
        );
        assert!(t.rows[7].left_is_estimate && !t.rows[7].right_is_estimate);
        use MetricUnit::*;
        assert_eq!(
            t.rows.iter().map(|r| r.unit).collect::<Vec<_>>(),
            [
                Share,
                Share,
                Millis,
                Millis,
                Millis,
                Tokens,
                Tokens,
                UsdPerQuery
            ]
        );
        let p = t.paired.as_ref().unwrap();
        assert_eq!((p.only_a, p.only_b), (0, 1));
        // A side with no data: the other wins every row it has.
        let empty = platform_card(
            &recs,
            &Platform::Custom("x".into()),
            Variant::AsPublished,
            &Assumptions::default(),
        );
        let one = best_vs_best(&recs, &empty, &pc.cards[1]);
        assert!(one.left.is_none() && one.paired.is_none());
        assert!(one.rows.iter().all(|r| r.winner == Some(Side::Right)));
    }

    #[test]
    fn unavailable_models_from_data() {
        let (sweeps, _) = sample();
        let u = probed_unavailable(&sweeps);
        assert_eq!(u.len(), 1);
        assert_eq!(
            (u[0].label.as_str(), u[0].status, u[0].outcome),
            ("glm-5", Some(404), Outcome::NotFound)
        );
        assert_eq!(u[0].platform, Some(Platform::Fireworks));
    }
}
