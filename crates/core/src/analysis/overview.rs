//! Overview: derived counts and the four hero tiles (spec §1.1).
//!
//! Tile rules, as the original unless noted:
//! 1. best accuracy across *all* records (fatal included), first in record order
//!    among equals;
//! 2. cheapest $/query among records at or above the accuracy bar — change: $0
//!    (promotional) prices are left out here too, as on the platform cards and the
//!    cost views, so one rule holds everywhere;
//! 3. how much cheaper tile 2's model is than GPT-5.4 on its own token profile;
//! 4. the number of records.

use serde::{Deserialize, Serialize};

use super::assumptions::Assumptions;
use super::insights::cheapest_that_ships;
use super::intervals::ProportionInterval;
use super::records::Record;
use crate::sweep::{Platform, SweepFile};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BestAccuracyTile {
    pub record: usize,
    pub accuracy: ProportionInterval,
    /// Other records with exactly the same accuracy.
    pub ties: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CheapestTile {
    pub record: usize,
    pub cost_per_query: f64,
    pub ship_accuracy: f64,
    pub is_estimate: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SavingsTile {
    pub record: usize,
    /// The same tokens at GPT-5.4 rates.
    pub gpt_cost_per_query: f64,
    /// `1 − cost/gpt` (0.96 = 96 % cheaper).
    pub savings: f64,
    /// Rests on the GPT-5.4 rate assumption (and on the model's rate if estimated).
    pub is_estimate: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Overview {
    pub models: usize,
    /// Records per platform, in order of first appearance.
    pub per_platform: Vec<(Platform, usize)>,
    pub fireworks: usize,
    pub baseten: usize,
    pub sweeps: usize,
    /// Distinct question ids across all records.
    pub questions: usize,
    pub fatal_models: usize,
    pub unpriced_models: usize,
    pub probed_unavailable: usize,
    pub best_accuracy: Option<BestAccuracyTile>,
    pub cheapest_shipping: Option<CheapestTile>,
    pub savings_vs_gpt: Option<SavingsTile>,
}

pub fn overview(records: &[Record], sweeps: &[SweepFile], a: &Assumptions) -> Overview {
    let mut per_platform: Vec<(Platform, usize)> = Vec::new();
    for r in records {
        match per_platform.iter_mut().find(|(p, _)| *p == r.platform) {
            Some(e) => e.1 += 1,
            None => per_platform.push((r.platform.clone(), 1)),
        }
    }
    let count = |p: Platform| {
        per_platform
            .iter()
            .find(|(x, _)| *x == p)
            .map_or(0, |e| e.1)
    };
    let mut qids: Vec<&str> = records
        .iter()
        .flat_map(|r| r.results.iter().map(|(q, _)| q.as_str()))
        .collect();
    qids.sort_unstable();
    qids.dedup();

    let mut best: Option<usize> = None;
    for (i, r) in records.iter().enumerate() {
        if let Some(acc) = r.summary.accuracy {
            if best.is_none_or(|b| acc > records[b].summary.accuracy.unwrap_or(f64::NEG_INFINITY)) {
                best = Some(i);
            }
        }
    }
    let best_accuracy = best.and_then(|b| {
        Some(BestAccuracyTile {
            record: b,
            accuracy: records[b].accuracy_interval()?,
            ties: records
                .iter()
                .enumerate()
                .filter(|(i, r)| *i != b && r.summary.accuracy == records[b].summary.accuracy)
                .count(),
        })
    });
    let cheap = cheapest_that_ships(records, a);
    let cheapest_shipping = cheap.map(|i| CheapestTile {
        record: i,
        cost_per_query: records[i].cost_per_query().unwrap_or(0.0),
        ship_accuracy: a.ship_accuracy,
        is_estimate: records[i].summary.cost_is_estimate,
    });
    let savings_vs_gpt = cheap.and_then(|i| {
        let r = &records[i];
        let gpt = a.gpt_cost_per_query(
            r.summary.mean_prompt_tokens?,
            r.summary.mean_completion_tokens?,
        );
        (gpt > 0.0).then(|| SavingsTile {
            record: i,
            gpt_cost_per_query: gpt,
            savings: 1.0 - r.cost_per_query().unwrap_or(0.0) / gpt,
            is_estimate: true,
        })
    });
    Overview {
        models: records.len(),
        fireworks: count(Platform::Fireworks),
        baseten: count(Platform::Baseten),
        per_platform,
        sweeps: sweeps.len(),
        questions: qids.len(),
        fatal_models: records.iter().filter(|r| r.is_fatal()).count(),
        unpriced_models: records
            .iter()
            .filter(|r| !r.is_fatal() && r.cost_per_query().is_none())
            .count(),
        probed_unavailable: sweeps.iter().map(|s| s.run.probed_unavailable.len()).sum(),
        best_accuracy,
        cheapest_shipping,
        savings_vs_gpt,
    }
}

#[cfg(test)]
mod tests {
    use super::super::records::records;
    use super::super::records::testing::*;
    use super::*;

    #[test]
    fn counts_and_tiles() {
        let sweeps = vec![
            sweep(
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
                        "b/free",
                        Platform::Baseten,
                        24,
                        25,
                        (670, 79),
                        Some((0.0, 0.0, PUB)),
                    ),
                    fatal_run("b/dead", Platform::Baseten, 25, "503"),
                ],
            ),
            sweep(
                "fw",
                Platform::Fireworks,
                vec![run("f/none", Platform::Fireworks, 23, 25, (692, 76), None)],
            ),
        ];
        let recs = records(&sweeps);
        let o = overview(&recs, &sweeps, &Assumptions::default());
        assert_eq!(
            (o.models, o.baseten, o.fireworks, o.sweeps, o.questions),
            (4, 3, 1, 2, 25)
        );
        assert_eq!(
            (o.fatal_models, o.unpriced_models, o.probed_unavailable),
            (1, 1, 0)
        );
        let b = o.best_accuracy.unwrap();
        assert_eq!((recs[b.record].label.as_str(), b.ties), ("best", 1));
        let c = o.cheapest_shipping.unwrap();
        assert_eq!(
            recs[c.record].label, "best",
            "the $0 model is not the cheapest that ships"
        );
        assert!((c.cost_per_query - 0.0001873).abs() < 1e-15);
        let s = o.savings_vs_gpt.unwrap();
        assert!((s.gpt_cost_per_query - 0.0052375).abs() < 1e-15);
        assert!((s.savings - (1.0 - 0.0001873 / 0.0052375)).abs() < 1e-12);
        let empty = overview(&[], &[], &Assumptions::default());
        assert!(
            empty.best_accuracy.is_none() && empty.cheapest_shipping.is_none() && empty.models == 0
        );
    }
}
