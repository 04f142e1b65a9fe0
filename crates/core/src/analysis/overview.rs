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
//!
//! Also [`pipeline_evidence`]: where in the pipeline (transport, answer, SQL,
//! score) the loaded traces ended, the "evidence" lines of the architecture
//! diagram.

use serde::{Deserialize, Serialize};

use super::assumptions::Assumptions;
use super::insights::cheapest_that_ships;
use super::intervals::ProportionInterval;
use super::records::Record;
use crate::agent::classify::classify_published;
use crate::outcome::Outcome;
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

/// How the loaded traces ended, stage by stage (every call, every model, fatal
/// ones included: the stages are about the pipeline, not a model's quality).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PipelineEvidence {
    /// Records that have traces.
    pub models: usize,
    /// Traces (one per question asked).
    pub calls: u32,
    /// Calls that failed before an answer arrived (HTTP status, network, timeout,
    /// cut stream).
    pub transport_failures: u32,
    /// Calls made in JSON mode, and how many of their replies parsed as the
    /// expected object.
    pub json_mode_calls: u32,
    pub json_ok: u32,
    /// An answer arrived but held no usable SQL (invalid JSON or no query).
    pub no_sql: u32,
    /// The SQL was refused or failed to run.
    pub sql_errors: u32,
    /// The SQL ran and returned rows.
    pub executed: u32,
    /// The rows matched the gold answer.
    pub correct: u32,
    /// Traces that record a repair count, and how many of those needed a repair.
    pub repair_recorded: u32,
    pub repaired: u32,
}

/// Classifies every trace behind `records` (built from `sweeps`) by the stage it
/// ended at. The recorded `correct` flag decides correctness (no gold needed).
pub fn pipeline_evidence(records: &[Record], sweeps: &[SweepFile]) -> PipelineEvidence {
    let mut e = PipelineEvidence::default();
    for r in records {
        let Some(run) = sweeps
            .get(r.sweep_index)
            .and_then(|s| s.models.get(r.run_index))
        else {
            continue;
        };
        if !run.traces.is_empty() {
            e.models += 1;
        }
        for t in &run.traces {
            e.calls += 1;
            if let Some(ok) = t.json_ok {
                e.json_mode_calls += 1;
                e.json_ok += u32::from(ok);
            }
            if let Some(n) = t.repairs {
                e.repair_recorded += 1;
                e.repaired += u32::from(n > 0);
            }
            match classify_published(t, None) {
                o if o.is_transport_failure() => e.transport_failures += 1,
                Outcome::InvalidJson | Outcome::NoSql => e.no_sql += 1,
                Outcome::SqlError => e.sql_errors += 1,
                Outcome::Correct => {
                    e.executed += 1;
                    e.correct += 1;
                }
                _ => e.executed += 1,
            }
        }
    }
    e
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

    #[test]
    fn pipeline_stages() {
        let mut dead = fatal_run(
            "b/dead",
            Platform::Baseten,
            3,
            "Error code: 503 - overloaded",
        );
        dead.traces[2].error = Some("RateLimitError: Error code: 429".into());
        let mut mixed = run("b/mixed", Platform::Baseten, 2, 6, (700, 80), None);
        // q3: SQL that failed; q4: a reply that was not JSON; q5: wrong rows.
        mixed.traces[3].result = None;
        mixed.traces[3].error = Some("sqlite: no such table: Foo".into());
        mixed.traces[4].result = None;
        mixed.traces[4].sql = None;
        mixed.traces[4].json_ok = Some(false);
        mixed.traces[4].raw_content = Some("SELECT maybe".into());
        mixed.traces[0].repairs = Some(1);
        mixed.traces[1].repairs = Some(0);
        let sweeps = vec![sweep("bt", Platform::Baseten, vec![dead, mixed])];
        let recs = records(&sweeps);
        let e = pipeline_evidence(&recs, &sweeps);
        assert_eq!(
            e,
            PipelineEvidence {
                models: 2,
                calls: 9,
                transport_failures: 3,
                json_mode_calls: 9,
                json_ok: 5,
                no_sql: 1,
                sql_errors: 1,
                executed: 4,
                correct: 2,
                repair_recorded: 2,
                repaired: 1,
            }
        );
        assert_eq!(pipeline_evidence(&[], &[]), PipelineEvidence::default());
    }
}
