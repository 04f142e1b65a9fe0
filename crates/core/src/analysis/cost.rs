//! Cost explorer: every priced model at a daily volume, cost per correct answer,
//! and build-vs-buy four ways (GPT-5.4, direct model APIs, self-hosting, a managed
//! platform).
//!
//! Fixes of the original's defects (spec §1.4, §6.2.4, §6.2.9):
//! - every figure resting on a proxied or estimated rate, or on an assumption,
//!   carries `is_estimate` (and its [`Basis`]);
//! - Baseten runs are priced with the rates their sweep published;
//! - one calendar: year = 365 days, month = year / 12 (see `assumptions`), for
//!   every option including self-hosting;
//! - self-hosting is priced in whole GPUs, so the ranking of the four options
//!   changes with volume, and the volumes where self-hosting starts to win are
//!   computed, not asserted;
//! - the managed option prices a session's token profile with the *reference
//!   model's own* rates (the original always used Kimi K2.6 Fireworks rates).

use serde::{Deserialize, Serialize};

use super::assumptions::{Assumptions, DAYS_PER_MONTH, DAYS_PER_YEAR, HOURS_PER_DAY};
use super::frontier::{exclusion, Exclusion};
use super::intervals::ProportionInterval;
use super::records::{filtered, PlatformFilter, Record};
use crate::summary::cost_usd;
use crate::sweep::{Platform, PriceSource, Source};

/// What a cost figure rests on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Basis {
    /// Measured tokens × the provider's published (or user-entered) rate.
    Measured,
    /// Measured tokens × a proxied or estimated rate.
    EstimatedRate,
    /// Rests on an editable assumption (GPU price, discount, GPT-5.4 list price…).
    Assumption,
}

impl Basis {
    pub fn is_estimate(self) -> bool {
        self != Basis::Measured
    }
}

/// A cost per query at a daily volume, over a day, a month and a year.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct AtVolume {
    pub per_query: f64,
    pub per_day: f64,
    pub per_month: f64,
    pub per_year: f64,
}

impl AtVolume {
    /// A linear (pay-per-token) cost: `per_query × volume` per day.
    pub fn linear(per_query: f64, volume_per_day: u64) -> AtVolume {
        let per_day = per_query * volume_per_day as f64;
        AtVolume {
            per_query,
            per_day,
            per_month: per_day * DAYS_PER_MONTH,
            per_year: per_day * DAYS_PER_YEAR,
        }
    }
}

/// One row of the cost matrix.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CostRow {
    pub record: usize,
    pub accuracy: ProportionInterval,
    pub cost: AtVolume,
    /// The same model's token profile priced at GPT-5.4 rates.
    pub gpt_cost_per_query: f64,
    /// `cost / gpt_cost − 1`: −0.96 means 96 % cheaper than GPT-5.4; `None` when the
    /// GPT-5.4 cost is 0 (both rates set to 0).
    pub vs_gpt: Option<f64>,
    /// `$/query ÷ accuracy`: what one correct answer costs; `None` at 0 % accuracy.
    pub cost_per_correct: Option<f64>,
    pub price_source: Option<PriceSource>,
    pub basis: Basis,
    pub is_estimate: bool,
    /// The most accurate model, cheapest among equals (the ★ row).
    pub highlighted: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CostMatrix {
    pub volume_per_day: u64,
    /// By $/query ascending (stable: ties keep record order).
    pub rows: Vec<CostRow>,
    pub highlighted: Option<usize>,
    /// Records passing the filter that are not priced (fatal, unpriced, $0).
    pub excluded: Vec<(usize, Exclusion)>,
    /// Any row's cost rests on an estimated rate.
    pub any_estimate: bool,
}

fn basis_of(r: &Record) -> Basis {
    if r.summary.cost_is_estimate {
        Basis::EstimatedRate
    } else {
        Basis::Measured
    }
}

/// The cost matrix at `a.volume_per_day` for the records passing `filter`.
pub fn cost_matrix(records: &[Record], filter: &PlatformFilter, a: &Assumptions) -> CostMatrix {
    let mut rows = Vec::new();
    let mut excluded = Vec::new();
    for i in filtered(records, filter) {
        let r = &records[i];
        if let Some(why) = exclusion(r) {
            excluded.push((i, why));
            continue;
        }
        let (Some(cpq), Some(acc)) = (r.cost_per_query(), r.accuracy_interval()) else {
            excluded.push((i, Exclusion::NoData));
            continue;
        };
        let gpt = a.gpt_cost_per_query(
            r.summary.mean_prompt_tokens.unwrap_or(0.0),
            r.summary.mean_completion_tokens.unwrap_or(0.0),
        );
        let basis = basis_of(r);
        rows.push(CostRow {
            record: i,
            accuracy: acc,
            cost: AtVolume::linear(cpq, a.volume_per_day),
            gpt_cost_per_query: gpt,
            vs_gpt: (gpt > 0.0).then(|| cpq / gpt - 1.0),
            cost_per_correct: (acc.estimate > 0.0).then(|| cpq / acc.estimate),
            price_source: r.price_source(),
            basis,
            is_estimate: basis.is_estimate(),
            highlighted: false,
        });
    }
    rows.sort_by(|x, y| x.cost.per_query.total_cmp(&y.cost.per_query));
    let top = rows
        .iter()
        .map(|r| r.accuracy.estimate)
        .fold(f64::NEG_INFINITY, f64::max);
    let highlighted = rows.iter().position(|r| r.accuracy.estimate == top);
    if let Some(h) = highlighted {
        rows[h].highlighted = true;
    }
    CostMatrix {
        volume_per_day: a.volume_per_day,
        any_estimate: rows.iter().any(|r| r.is_estimate),
        highlighted: highlighted.map(|h| rows[h].record),
        rows,
        excluded,
    }
}

/// The four ways to serve the workload.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BuildOption {
    /// Stay on GPT-5.4 (the customer's current model).
    Gpt54,
    /// Call each open model's own vendor directly.
    DirectApi,
    /// Run an open model on rented GPUs.
    SelfHost,
    /// Serverless on a managed inference platform (the reference model's platform).
    Managed,
}

impl BuildOption {
    pub const ALL: [BuildOption; 4] = [
        BuildOption::Gpt54,
        BuildOption::DirectApi,
        BuildOption::SelfHost,
        BuildOption::Managed,
    ];

    pub fn title(self) -> &'static str {
        match self {
            BuildOption::Gpt54 => "GPT-5.4 (current)",
            BuildOption::DirectApi => "Direct model APIs",
            BuildOption::SelfHost => "Self-host",
            BuildOption::Managed => "Managed platform",
        }
    }
}

/// Tokens per query used to price the options.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TokenProfile {
    pub prompt_tokens: f64,
    pub completion_tokens: f64,
    /// Where the profile comes from ("benchmark: kimi-k2p6 on Fireworks", "your 4 runs").
    pub source: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OptionCost {
    pub option: BuildOption,
    pub cost: AtVolume,
    pub basis: Basis,
    pub is_estimate: bool,
    /// Position in the ranking by annual cost at this volume, 1 = cheapest.
    pub rank: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SelfHostDetail {
    /// `max(1, ceil(volume / queries_per_gpu_day))`.
    pub gpus: u64,
    pub gpu_monthly: f64,
    pub staff_monthly: f64,
    /// Queries per day the GPUs can serve, and the share of it the volume uses.
    pub capacity_per_day: u64,
    pub utilisation: f64,
    /// The next volume at which one more GPU is needed.
    pub next_gpu_at: u64,
}

/// The smallest daily volume from which self-hosting is cheaper per year than an
/// option (`None` when it never is up to [`BREAKEVEN_SEARCH_MAX`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Breakeven {
    pub versus: BuildOption,
    pub volume_per_day: Option<u64>,
}

/// Largest daily volume searched for break-evens (a billion queries a day).
pub const BREAKEVEN_SEARCH_MAX: u64 = 1_000_000_000;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BuildVsBuy {
    pub volume_per_day: u64,
    /// The record priced as "managed platform"; `None` when nothing is priced.
    pub reference: Option<usize>,
    /// The assumed reference model was not found (or not priced), so the best
    /// priced model (highest accuracy, then cheapest) stands in.
    pub reference_fallback: bool,
    pub profile: TokenProfile,
    /// In [`BuildOption::ALL`] order; empty when there is no reference.
    pub options: Vec<OptionCost>,
    /// Options by annual cost, cheapest first (ties: `ALL` order).
    pub ranking: Vec<BuildOption>,
    pub self_host: SelfHostDetail,
    /// Where self-hosting overtakes each other option.
    pub breakevens: Vec<Breakeven>,
}

/// GPUs needed for a daily volume (at least one).
pub fn gpus_needed(volume_per_day: u64, a: &Assumptions) -> u64 {
    volume_per_day.div_ceil(a.queries_per_gpu_day.max(1)).max(1)
}

/// Self-host cost at a volume: whole GPUs around the clock plus staffing.
pub fn self_host_cost(volume_per_day: u64, a: &Assumptions) -> (AtVolume, SelfHostDetail) {
    let gpus = gpus_needed(volume_per_day, a);
    let gpu_year = gpus as f64 * a.gpu_hourly_usd * HOURS_PER_DAY * DAYS_PER_YEAR;
    let staff_monthly = a.self_host_staff_monthly_usd();
    let per_year = gpu_year + staff_monthly * 12.0;
    let per_day = per_year / DAYS_PER_YEAR;
    let capacity = gpus * a.queries_per_gpu_day;
    let cost = AtVolume {
        per_query: if volume_per_day > 0 {
            per_day / volume_per_day as f64
        } else {
            0.0
        },
        per_day,
        per_month: per_year / 12.0,
        per_year,
    };
    let detail = SelfHostDetail {
        gpus,
        gpu_monthly: gpu_year / 12.0,
        staff_monthly,
        capacity_per_day: capacity,
        utilisation: volume_per_day as f64 / capacity as f64,
        next_gpu_at: capacity + 1,
    };
    (cost, detail)
}

/// Smallest volume at which self-hosting costs less per year than paying
/// `per_query` for every query (see [`Breakeven`]).
pub fn self_host_breakeven(per_query: f64, a: &Assumptions) -> Option<u64> {
    if per_query <= 0.0 || !per_query.is_finite() {
        return None;
    }
    let q = a.queries_per_gpu_day.max(1);
    let gpu_year = a.gpu_hourly_usd * HOURS_PER_DAY * DAYS_PER_YEAR;
    let staff_year = a.self_host_staff_monthly_usd() * 12.0;
    let per_query_year = per_query * DAYS_PER_YEAR;
    let mut k: u64 = 1;
    while (k - 1) * q < BREAKEVEN_SEARCH_MAX {
        let fixed = k as f64 * gpu_year + staff_year;
        // Self-host wins for V with per_query_year × V > fixed, i.e. V > fixed / per_query_year.
        let threshold = (fixed / per_query_year).floor() as u64 + 1;
        let v = threshold.max((k - 1) * q + 1);
        if v <= k * q {
            return Some(v);
        }
        // If each extra GPU adds more cost than the queries it serves save, the gap
        // only widens from here on.
        if gpu_year >= per_query_year * q as f64 && threshold > k * q {
            return None;
        }
        k += 1;
    }
    None
}

/// The record the managed option prices: the assumed reference model if it is
/// loaded and priced, else the best priced model.
pub fn reference_record(records: &[Record], a: &Assumptions) -> (Option<usize>, bool) {
    let priced = |r: &Record| exclusion(r).is_none();
    let wanted = a.reference_model.trim();
    if let Some(i) = records
        .iter()
        .position(|r| (r.model == wanted || r.label == wanted || r.key == wanted) && priced(r))
    {
        return (Some(i), false);
    }
    let candidates: Vec<usize> = (0..records.len())
        .filter(|&i| priced(&records[i]))
        .collect();
    (super::matrix::winner(records, &candidates), true)
}

/// The benchmark token profile of a record (its mean tokens per query).
pub fn record_profile(r: &Record) -> TokenProfile {
    TokenProfile {
        prompt_tokens: r.summary.mean_prompt_tokens.unwrap_or(0.0),
        completion_tokens: r.summary.mean_completion_tokens.unwrap_or(0.0),
        source: format!(
            "benchmark: {} on {} ({})",
            r.label,
            r.platform.label(),
            r.source_label
        ),
    }
}

/// The token profile of the user's own runs (sweeps with [`Source::Own`]): mean
/// tokens per call over every call of every own run that did not fail outright, so
/// a longer run weighs more. `None` when there is no such run. Imported and
/// published sweeps never count: they are not "yours".
pub fn own_runs_profile(records: &[Record]) -> Option<TokenProfile> {
    let own: Vec<&Record> = records
        .iter()
        .filter(|r| matches!(r.source, Some(Source::Own)) && !r.is_fatal() && r.summary.n > 0)
        .collect();
    let calls: u32 = own.iter().map(|r| r.summary.n).sum();
    if calls == 0 {
        return None;
    }
    let pooled = |f: fn(&Record) -> Option<f64>| {
        own.iter()
            .map(|r| f(r).unwrap_or(0.0) * r.summary.n as f64)
            .sum::<f64>()
            / calls as f64
    };
    let runs = own.len();
    Some(TokenProfile {
        prompt_tokens: pooled(|r| r.summary.mean_prompt_tokens),
        completion_tokens: pooled(|r| r.summary.mean_completion_tokens),
        source: format!(
            "your runs: {runs} model run{} in this browser, {calls} calls",
            if runs == 1 { "" } else { "s" }
        ),
    })
}

/// Build vs buy at `a.volume_per_day`. `session` replaces the benchmark token
/// profile (e.g. the average of the user's own agent runs).
pub fn build_vs_buy(
    records: &[Record],
    a: &Assumptions,
    session: Option<TokenProfile>,
) -> BuildVsBuy {
    let v = a.volume_per_day;
    let (reference, reference_fallback) = reference_record(records, a);
    let (self_cost, self_host) = self_host_cost(v, a);
    let empty_profile = TokenProfile {
        prompt_tokens: 0.0,
        completion_tokens: 0.0,
        source: "no priced model loaded".into(),
    };
    let Some(ri) = reference else {
        return BuildVsBuy {
            volume_per_day: v,
            reference,
            reference_fallback,
            profile: session.unwrap_or(empty_profile),
            options: vec![],
            ranking: vec![],
            self_host,
            breakevens: vec![],
        };
    };
    let r = &records[ri];
    let (profile, managed_per_query) = match (session, r.pricing) {
        (Some(p), Some(pricing)) => {
            let c = cost_usd(p.prompt_tokens, p.completion_tokens, &pricing);
            (p, c)
        }
        _ => (record_profile(r), r.cost_per_query().unwrap_or(0.0)),
    };
    let managed_basis = basis_of(r);
    let per_query = |o: BuildOption| match o {
        BuildOption::Gpt54 => {
            a.gpt_cost_per_query(profile.prompt_tokens, profile.completion_tokens)
        }
        BuildOption::DirectApi => managed_per_query * (1.0 - a.direct_api_discount),
        BuildOption::SelfHost => self_cost.per_query,
        BuildOption::Managed => managed_per_query,
    };
    let mut options: Vec<OptionCost> = BuildOption::ALL
        .iter()
        .map(|&o| {
            let basis = if o == BuildOption::Managed {
                managed_basis
            } else {
                Basis::Assumption
            };
            let cost = if o == BuildOption::SelfHost {
                self_cost
            } else {
                AtVolume::linear(per_query(o), v)
            };
            OptionCost {
                option: o,
                cost,
                basis,
                is_estimate: basis.is_estimate(),
                rank: 0,
            }
        })
        .collect();
    let mut order: Vec<usize> = (0..options.len()).collect();
    order.sort_by(|&x, &y| {
        options[x]
            .cost
            .per_year
            .total_cmp(&options[y].cost.per_year)
    });
    for (rank, &i) in order.iter().enumerate() {
        options[i].rank = rank + 1;
    }
    let ranking = order.iter().map(|&i| options[i].option).collect();
    let breakevens = [
        BuildOption::Gpt54,
        BuildOption::DirectApi,
        BuildOption::Managed,
    ]
    .into_iter()
    .map(|o| Breakeven {
        versus: o,
        volume_per_day: self_host_breakeven(per_query(o), a),
    })
    .collect();
    BuildVsBuy {
        volume_per_day: v,
        reference,
        reference_fallback,
        profile,
        options,
        ranking,
        self_host,
        breakevens,
    }
}

/// Platform of the managed option, for its title ("Managed platform · Fireworks").
pub fn managed_platform(b: &BuildVsBuy, records: &[Record]) -> Option<Platform> {
    b.reference.map(|i| records[i].platform.clone())
}

#[cfg(test)]
mod tests {
    use super::super::records::records;
    use super::super::records::testing::*;
    use super::*;

    fn close(a: f64, b: f64, tol: f64) -> bool {
        (a - b).abs() <= tol
    }

    fn sample() -> Vec<Record> {
        records(&[
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
            ),
            sweep(
                "fw",
                Platform::Fireworks,
                vec![
                    run(
                        "accounts/fireworks/models/kimi-k2p6",
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
                ],
            ),
        ])
    }

    #[test]
    fn matrix_rows_flags_and_calendar() {
        let recs = sample();
        let m = cost_matrix(&recs, &PlatformFilter::All, &Assumptions::default());
        let labels: Vec<&str> = m
            .rows
            .iter()
            .map(|r| recs[r.record].label.as_str())
            .collect();
        assert_eq!(labels, ["cheap", "best", "k5", "kimi-k2p6"]);
        assert_eq!(m.excluded.len(), 2);
        assert_eq!(m.highlighted.map(|i| recs[i].label.as_str()), Some("best"));
        assert!(m.rows[1].highlighted && !m.rows[0].highlighted);
        assert!(
            m.rows[2].is_estimate
                && m.rows[2].basis == Basis::EstimatedRate
                && !m.rows[3].is_estimate
        );
        assert!(m.any_estimate);
        let best = &m.rows[1];
        // cpq = (763·0.1 + 222·0.5)/1e6 = 0.0001873
        assert!(close(best.cost.per_query, 0.0001873, 1e-12));
        assert!(close(best.cost.per_day, 5.619, 1e-9));
        assert!(close(best.cost.per_year, 5.619 * 365.0, 1e-9));
        assert!(close(best.cost.per_month * 12.0, best.cost.per_year, 1e-9));
        // GPT-5.4 at the same tokens: (763·2.5 + 222·15)/1e6 = 0.0052375.
        assert!(close(best.gpt_cost_per_query, 0.0052375, 1e-12));
        assert!(close(
            best.vs_gpt.unwrap(),
            0.0001873 / 0.0052375 - 1.0,
            1e-12
        ));
        assert!(close(
            best.cost_per_correct.unwrap(),
            0.0001873 / 0.96,
            1e-12
        ));
        let fw_only = cost_matrix(
            &recs,
            &PlatformFilter::Only(Platform::Fireworks),
            &Assumptions::default(),
        );
        assert_eq!(fw_only.rows.len(), 2);
        assert_eq!(
            fw_only.highlighted.map(|i| recs[i].label.as_str()),
            Some("k5")
        );
    }

    #[test]
    fn own_runs_profile_pools_own_calls_only() {
        let mut mine = sweep(
            "mine",
            Platform::Baseten,
            vec![
                run("m/a", Platform::Baseten, 5, 10, (100, 10), None),
                run("m/b", Platform::Baseten, 20, 30, (200, 30), None),
                fatal_run("m/dead", Platform::Baseten, 5, "429"),
            ],
        );
        mine.run.source = Some(Source::Own);
        let mut imported = sweep(
            "theirs",
            Platform::Baseten,
            vec![run("t/x", Platform::Baseten, 1, 4, (9_999, 999), None)],
        );
        imported.run.source = Some(Source::Imported {
            file: "x.json".into(),
        });
        let recs = records(&[mine, imported.clone()]);
        let p = own_runs_profile(&recs).unwrap();
        // (10 × 100 + 30 × 200) / 40 and (10 × 10 + 30 × 30) / 40; the failed run and
        // the imported sweep do not count.
        assert!(close(p.prompt_tokens, 175.0, 1e-12));
        assert!(close(p.completion_tokens, 25.0, 1e-12));
        assert_eq!(
            p.source,
            "your runs: 2 model runs in this browser, 40 calls"
        );
        assert_eq!(own_runs_profile(&records(&[imported])), None);
        assert_eq!(own_runs_profile(&sample()), None);
    }

    fn check_gpus(volume: u64, gpus: u64) {
        assert_eq!(
            gpus_needed(volume, &Assumptions::default()),
            gpus,
            "{volume}"
        );
    }

    #[test]
    fn gpu_steps() {
        check_gpus(0, 1);
        check_gpus(1_000, 1);
        check_gpus(72_000, 1);
        check_gpus(73_000, 2);
        check_gpus(300_000, 5);
        let (c, d) = self_host_cost(30_000, &Assumptions::default());
        // 1 GPU × $2.50 × 24 × 365 + $6,250 × 12.
        assert!(close(c.per_year, 21_900.0 + 75_000.0, 1e-9));
        assert!(close(d.gpu_monthly, 1_825.0, 1e-9));
        assert_eq!((d.capacity_per_day, d.next_gpu_at), (72_000, 72_001));
        assert!(close(d.utilisation, 30_000.0 / 72_000.0, 1e-12));
    }

    fn check_breakeven(per_query: f64, expected: Option<u64>) {
        let a = Assumptions::default();
        let got = self_host_breakeven(per_query, &a);
        assert_eq!(got, expected, "{per_query}");
        if let Some(v) = got {
            let pay = |v: u64| per_query * v as f64 * DAYS_PER_YEAR;
            assert!(self_host_cost(v, &a).0.per_year < pay(v));
            assert!(self_host_cost(v - 1, &a).0.per_year >= pay(v - 1));
        }
    }

    #[test]
    fn breakevens() {
        // GPT-5.4 at 692/76 tokens: $0.00287/q → 1 GPU never suffices (96,900/1.04755 = 92,502 > 72,000),
        // 2 GPUs from ceil(118,800/1.04755) = 113,408.
        check_breakeven(0.00287, Some(113_408));
        // Kimi K2.6 at $0.000961552: about 1.65 M/day (23 GPUs).
        check_breakeven(0.000961552, Some(1_648_876));
        // Cheaper per query than a GPU can ever be: never.
        check_breakeven(0.0001, None);
        check_breakeven(0.0, None);
    }

    #[test]
    fn build_vs_buy_ranking_changes_with_volume() {
        let recs = sample();
        let mut a = Assumptions::default();
        let b = build_vs_buy(&recs, &a, None);
        assert_eq!(
            b.reference.map(|i| recs[i].label.as_str()),
            Some("kimi-k2p6")
        );
        assert!(!b.reference_fallback);
        assert_eq!(
            b.ranking,
            [
                BuildOption::DirectApi,
                BuildOption::Managed,
                BuildOption::Gpt54,
                BuildOption::SelfHost
            ]
        );
        let managed = &b.options[3];
        assert!(close(
            managed.cost.per_query,
            (692.0 * 0.95 + 76.0 * 4.0) / 1e6,
            1e-12
        ));
        assert!(
            !managed.is_estimate
                && b.options[0].is_estimate
                && b.options[1].is_estimate
                && b.options[2].is_estimate
        );
        a.volume_per_day = 300_000;
        let b300 = build_vs_buy(&recs, &a, None);
        assert_eq!(
            b300.ranking,
            [
                BuildOption::DirectApi,
                BuildOption::Managed,
                BuildOption::SelfHost,
                BuildOption::Gpt54
            ]
        );
        assert_eq!(b300.self_host.gpus, 5);
        // A session profile is priced at the reference model's own rates.
        let s = build_vs_buy(
            &recs,
            &a,
            Some(TokenProfile {
                prompt_tokens: 100.0,
                completion_tokens: 10.0,
                source: "your 2 runs".into(),
            }),
        );
        assert!(close(
            s.options[3].cost.per_query,
            (100.0 * 0.95 + 10.0 * 4.0) / 1e6,
            1e-15
        ));
        assert_eq!(s.profile.source, "your 2 runs");
        // Reference not loaded: the best priced model stands in, and says so.
        a.reference_model = "nope".into();
        let f = build_vs_buy(&recs, &a, None);
        assert!(f.reference_fallback);
        assert_eq!(f.reference.map(|i| recs[i].label.as_str()), Some("best"));
        assert_eq!(managed_platform(&f, &recs), Some(Platform::Baseten));
        // Nothing priced at all: no options, no panic.
        let none = build_vs_buy(&[], &a, None);
        assert!(none.options.is_empty() && none.reference.is_none());
    }
}
