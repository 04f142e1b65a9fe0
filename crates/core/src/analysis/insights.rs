//! Inference insights: the seven auto-derived answers (Q1–Q7, spec §1.5) with
//! their display conditions, and the figures behind the fine-tune,
//! serverless-vs-dedicated and quantization sections — every number from the
//! records, the model metadata file or a visible assumption.
//!
//! "Ranked" records are those without a fatal error. A question's answer is
//! `None` when its display condition fails (no data, nothing to report).
//! Deliberate changes: monthly figures follow the volume assumption (the slider)
//! and the one calendar (month = 365/12 days), not a fixed 30k × 30; Q3 takes the
//! lowest TTFT over every platform (the original looked at Baseten only) and lists
//! the lowest per platform beside it; $0 (promotional) prices never "ship".

use serde::{Deserialize, Serialize};

use super::assumptions::{Assumptions, DAYS_PER_MONTH, HOURS_PER_DAY};
use super::cost::gpus_needed;
use super::frontier::first_line;
use super::intervals::{mcnemar, PairedComparison, ProportionInterval, Verdict};
use super::records::Record;
use super::taxonomy::outcome_from_error;
use crate::outcome::Outcome;
use crate::published::models_meta::{ModelsMeta, Quantization};
use crate::sweep::Platform;

/// Q1: the most accurate model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AccuracyWinner {
    pub record: usize,
    pub accuracy: ProportionInterval,
    /// Other ranked models whose difference from the winner the paired exact test
    /// cannot tell from chance (same questions, 5 % level).
    pub indistinguishable: Vec<(usize, PairedComparison)>,
}

/// Q2: the cheapest model at or above the accuracy bar.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CheapestThatShips {
    pub record: usize,
    pub ship_accuracy: f64,
    pub cost_per_query: f64,
    pub volume_per_day: u64,
    pub monthly: f64,
    pub is_estimate: bool,
}

/// Q3: the lowest median TTFT.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FastestFirstToken {
    pub record: usize,
    pub ttft_ms: f64,
    pub mean_prompt_tokens: Option<f64>,
    /// The lowest per platform, in order of first appearance.
    pub per_platform: Vec<(Platform, usize, f64)>,
}

/// Q4 and the serverless-vs-dedicated section, for the Q2 model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ServerlessVsDedicated {
    pub record: usize,
    pub volume_per_day: u64,
    pub serverless_monthly: f64,
    pub gpus: u64,
    pub dedicated_monthly: f64,
    /// dedicated ÷ serverless.
    pub ratio: f64,
    /// Tokens per hour the workload sends at this volume.
    pub workload_tokens_per_hour: f64,
    /// Tokens per hour at which one dedicated GPU costs the same as serverless
    /// tokens of this model (GPU $/h ÷ blended $/token).
    pub breakeven_tokens_per_hour: Option<f64>,
    pub is_estimate: bool,
}

/// Q5: models that dropped at least one JSON output.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JsonDrop {
    pub record: usize,
    pub json_ok_rate: f64,
}

/// Q6: best minus worst accuracy among ranked models.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Spread {
    pub best: usize,
    pub worst: usize,
    pub points: f64,
}

/// Q7: a model that did not finish.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DidNotFinish {
    pub record: usize,
    /// The file's notes up to the first `;` (the original's text), if any.
    pub note: Option<String>,
    /// The fatal error, first line, shortened.
    pub error: String,
    pub outcome: Outcome,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FineTuneAdvice {
    /// The accuracy gap is large and the cost gap small: pay for the better model.
    PickBetterModel,
    /// The cost gap is large: fine-tuning the cheaper model may pay, given a verifiable signal.
    ConsiderFineTuning,
    /// Neither rule fires: a judgement call.
    JudgementCall,
}

/// The fine-tune-or-pay-more section: the best model vs the cheapest ranked one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FineTune {
    pub better: usize,
    pub cheaper: usize,
    pub accuracy_gap_points: f64,
    /// better $/query ÷ cheaper $/query.
    pub cost_ratio: f64,
    pub extra_per_query: f64,
    pub extra_per_day: f64,
    pub extra_per_month: f64,
    /// Engineer cost of fine-tuning, low and high.
    pub effort_usd: (f64, f64),
    /// Months until fine-tuning the cheaper model pays back (if it reached parity).
    pub payback_months: Option<(f64, f64)>,
    pub advice: FineTuneAdvice,
    pub is_estimate: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QuantRow {
    pub record: Option<usize>,
    pub model: String,
    pub name: Option<String>,
    pub quantization: Quantization,
    pub context_length: Option<u64>,
}

/// Weights memory of one model at each precision.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WeightsMemory {
    pub model: String,
    pub params_billions: f64,
    /// (format, GB) for FP16, FP8, FP4.
    pub gigabytes: Vec<(Quantization, f64)>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QuantizationSection {
    /// Count per format in the metadata file, most common first.
    pub counts: Vec<(Quantization, usize)>,
    pub total: usize,
    pub rows: Vec<QuantRow>,
    /// The most accurate ranked model of each format (record index).
    pub best_per_format: Vec<(Quantization, usize)>,
    pub weights_example: Option<WeightsMemory>,
    pub fp8_regression_points: (f64, f64),
    pub fp4_regression_points: (f64, f64),
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Insights {
    /// False when no record is loaded ("insights load once sweep data is available").
    pub has_data: bool,
    pub q1_accuracy: Option<AccuracyWinner>,
    pub q2_cheapest: Option<CheapestThatShips>,
    pub q3_ttft: Option<FastestFirstToken>,
    pub q4_serverless: Option<ServerlessVsDedicated>,
    /// Shown only when non-empty.
    pub q5_json_drops: Vec<JsonDrop>,
    pub q6_spread: Option<Spread>,
    /// Shown only when non-empty.
    pub q7_did_not_finish: Vec<DidNotFinish>,
    pub fine_tune: Option<FineTune>,
    pub quantization: Option<QuantizationSection>,
}

fn ranked(records: &[Record]) -> Vec<usize> {
    (0..records.len())
        .filter(|&i| !records[i].is_fatal() && records[i].summary.accuracy.is_some())
        .collect()
}

fn acc(r: &Record) -> f64 {
    r.summary.accuracy.unwrap_or(0.0)
}

/// First index with the maximum (or minimum) of `f` among `idx` (stable).
fn first_best(idx: &[usize], f: impl Fn(usize) -> Option<f64>, max: bool) -> Option<usize> {
    let mut best: Option<(usize, f64)> = None;
    for &i in idx {
        if let Some(v) = f(i) {
            if best.is_none_or(|(_, b)| if max { v > b } else { v < b }) {
                best = Some((i, v));
            }
        }
    }
    best.map(|b| b.0)
}

/// A parameter count in billions read from a model id (`gpt-oss-120b` → 120,
/// `Nemotron-120B-A12B` → 120); `None` when the id names none.
pub fn params_billions_from_id(id: &str) -> Option<f64> {
    let label = id.rsplit('/').next().unwrap_or(id);
    label.split(['-', '_']).find_map(|part| {
        let p = part.to_ascii_lowercase();
        let num = p.strip_suffix('b')?;
        let v: f64 = num.parse().ok()?;
        (v > 0.0 && num.chars().next()?.is_ascii_digit()).then_some(v)
    })
}

/// The cheapest priced (> $0) model at or above the accuracy bar among ranked records.
pub fn cheapest_that_ships(records: &[Record], a: &Assumptions) -> Option<usize> {
    let idx: Vec<usize> = ranked(records)
        .into_iter()
        .filter(|&i| acc(&records[i]) >= a.ship_accuracy)
        .collect();
    first_best(
        &idx,
        |i| records[i].cost_per_query().filter(|c| *c > 0.0),
        false,
    )
}

/// All insights.
pub fn insights(records: &[Record], a: &Assumptions, meta: Option<&ModelsMeta>) -> Insights {
    let ranked = ranked(records);
    let v = a.volume_per_day;

    let q1_accuracy = first_best(&ranked, |i| records[i].summary.accuracy, true).and_then(|w| {
        let indistinguishable = ranked
            .iter()
            .filter(|&&i| i != w)
            .map(|&i| (i, mcnemar(&records[w].results, &records[i].results)))
            .filter(|(_, c)| matches!(c.verdict, Verdict::NotSignificant | Verdict::NoDisagreement))
            .collect();
        Some(AccuracyWinner {
            record: w,
            accuracy: records[w].accuracy_interval()?,
            indistinguishable,
        })
    });

    let q2 = cheapest_that_ships(records, a);
    let q2_cheapest = q2.map(|i| {
        let cpq = records[i].cost_per_query().unwrap_or(0.0);
        CheapestThatShips {
            record: i,
            ship_accuracy: a.ship_accuracy,
            cost_per_query: cpq,
            volume_per_day: v,
            monthly: cpq * v as f64 * DAYS_PER_MONTH,
            is_estimate: records[i].summary.cost_is_estimate,
        }
    });

    let q3_ttft = first_best(&ranked, |i| records[i].summary.median_ttft_ms, false).map(|best| {
        let mut per_platform: Vec<(Platform, usize, f64)> = Vec::new();
        for &i in &ranked {
            let Some(t) = records[i].summary.median_ttft_ms else {
                continue;
            };
            match per_platform
                .iter_mut()
                .find(|(p, _, _)| *p == records[i].platform)
            {
                Some(e) if t < e.2 => *e = (e.0.clone(), i, t),
                Some(_) => {}
                None => per_platform.push((records[i].platform.clone(), i, t)),
            }
        }
        FastestFirstToken {
            record: best,
            ttft_ms: records[best].summary.median_ttft_ms.unwrap_or(0.0),
            mean_prompt_tokens: records[best].summary.mean_prompt_tokens,
            per_platform,
        }
    });

    let q4_serverless = q2.map(|i| {
        let r = &records[i];
        let cpq = r.cost_per_query().unwrap_or(0.0);
        let tokens = r.summary.mean_prompt_tokens.unwrap_or(0.0)
            + r.summary.mean_completion_tokens.unwrap_or(0.0);
        let serverless_monthly = cpq * v as f64 * DAYS_PER_MONTH;
        let gpus = gpus_needed(v, a);
        let dedicated_monthly = gpus as f64 * a.gpu_hourly_usd * HOURS_PER_DAY * DAYS_PER_MONTH;
        ServerlessVsDedicated {
            record: i,
            volume_per_day: v,
            serverless_monthly,
            gpus,
            dedicated_monthly,
            ratio: dedicated_monthly / serverless_monthly,
            workload_tokens_per_hour: v as f64 * tokens / HOURS_PER_DAY,
            breakeven_tokens_per_hour: (tokens > 0.0 && cpq > 0.0)
                .then(|| a.gpu_hourly_usd / (cpq / tokens)),
            is_estimate: true,
        }
    });

    let q5_json_drops = ranked
        .iter()
        .filter_map(|&i| {
            records[i]
                .summary
                .json_ok_rate
                .filter(|r| *r < 1.0)
                .map(|rate| JsonDrop {
                    record: i,
                    json_ok_rate: rate,
                })
        })
        .collect();

    let q6_spread = match (
        first_best(&ranked, |i| records[i].summary.accuracy, true),
        first_best(&ranked, |i| records[i].summary.accuracy, false),
    ) {
        (Some(b), Some(w)) => Some(Spread {
            best: b,
            worst: w,
            points: (acc(&records[b]) - acc(&records[w])) * 100.0,
        }),
        _ => None,
    };

    let q7_did_not_finish = (0..records.len())
        .filter(|&i| records[i].is_fatal())
        .map(|i| {
            let err = records[i].summary.fatal_error.clone().unwrap_or_default();
            DidNotFinish {
                record: i,
                note: records[i]
                    .notes
                    .as_deref()
                    .map(|n| n.split(';').next().unwrap_or("").trim().to_string())
                    .filter(|n| !n.is_empty() && n != "—"),
                error: clean_error(&err),
                outcome: outcome_from_error(&err, false),
            }
        })
        .collect();

    let fine_tune = fine_tune(records, &ranked, a);
    let quantization = meta.map(|m| quantization(records, &ranked, m, a));

    Insights {
        has_data: !records.is_empty(),
        q1_accuracy,
        q2_cheapest,
        q3_ttft,
        q4_serverless,
        q5_json_drops,
        q6_spread,
        q7_did_not_finish,
        fine_tune,
        quantization,
    }
}

/// An error's first meaningful line, with HTML tags stripped (a 503 page becomes
/// "503 Service Temporarily Unavailable").
pub fn clean_error(e: &str) -> String {
    let mut text = String::with_capacity(e.len());
    let mut in_tag = false;
    for c in e.chars() {
        match c {
            '<' => {
                in_tag = true;
                text.push('\n');
            }
            '>' => in_tag = false,
            _ if !in_tag => text.push(c),
            _ => {}
        }
    }
    let lines: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    // "InternalServerError:" alone says less than the page title after it.
    let pick = match lines.as_slice() {
        [first, second, ..] if first.ends_with(':') => format!("{first} {second}"),
        [first, ..] => first.to_string(),
        [] => String::new(),
    };
    first_line(&pick, 120)
}

fn fine_tune(records: &[Record], ranked: &[usize], a: &Assumptions) -> Option<FineTune> {
    let priced: Vec<usize> = ranked
        .iter()
        .copied()
        .filter(|&i| records[i].cost_per_query().is_some_and(|c| c > 0.0))
        .collect();
    // The better model: most accurate priced model, cheapest among equals.
    let better = super::matrix::winner(records, &priced)?;
    let cheaper = first_best(&priced, |i| records[i].cost_per_query(), false)?;
    if better == cheaper {
        return None;
    }
    let (cb, cc) = (
        records[better].cost_per_query()?,
        records[cheaper].cost_per_query()?,
    );
    let extra = cb - cc;
    let gap = (acc(&records[better]) - acc(&records[cheaper])) * 100.0;
    let ratio = cb / cc;
    let extra_per_month = extra * a.volume_per_day as f64 * DAYS_PER_MONTH;
    let effort = (
        a.finetune_hours_low * a.engineer_hourly_usd(),
        a.finetune_hours_high * a.engineer_hourly_usd(),
    );
    let advice = if gap > a.pick_better_min_gap_points && ratio < a.pick_better_max_cost_ratio {
        FineTuneAdvice::PickBetterModel
    } else if ratio > a.finetune_min_cost_ratio {
        FineTuneAdvice::ConsiderFineTuning
    } else {
        FineTuneAdvice::JudgementCall
    };
    Some(FineTune {
        better,
        cheaper,
        accuracy_gap_points: gap,
        cost_ratio: ratio,
        extra_per_query: extra,
        extra_per_day: extra * a.volume_per_day as f64,
        extra_per_month,
        effort_usd: effort,
        payback_months: (extra_per_month > 0.0)
            .then(|| (effort.0 / extra_per_month, effort.1 / extra_per_month)),
        advice,
        is_estimate: records[better].summary.cost_is_estimate
            || records[cheaper].summary.cost_is_estimate,
    })
}

fn quantization(
    records: &[Record],
    ranked: &[usize],
    meta: &ModelsMeta,
    a: &Assumptions,
) -> QuantizationSection {
    let mut counts: Vec<(Quantization, usize)> = Vec::new();
    for m in &meta.models {
        match counts.iter_mut().find(|(q, _)| *q == m.quantization) {
            Some(c) => c.1 += 1,
            None => counts.push((m.quantization.clone(), 1)),
        }
    }
    counts.sort_by_key(|c| std::cmp::Reverse(c.1));
    let rows: Vec<QuantRow> = meta
        .models
        .iter()
        .map(|m| QuantRow {
            record: records.iter().position(|r| r.model == m.id),
            model: m.id.clone(),
            name: m.name.clone(),
            quantization: m.quantization.clone(),
            context_length: m.context_length,
        })
        .collect();
    let mut best_per_format: Vec<(Quantization, usize)> = Vec::new();
    for (q, _) in &counts {
        let idx: Vec<usize> = rows
            .iter()
            .filter(|r| r.quantization == *q)
            .filter_map(|r| r.record)
            .filter(|i| ranked.contains(i))
            .collect();
        if let Some(b) = first_best(&idx, |i| records[i].summary.accuracy, true) {
            best_per_format.push((q.clone(), b));
        }
    }
    let weights_example = meta.models.iter().find_map(|m| {
        let p = params_billions_from_id(&m.id)?;
        let gb = [Quantization::Fp16, Quantization::Fp8, Quantization::Fp4]
            .into_iter()
            .map(|q| {
                let bytes = q.bytes_per_weight().unwrap_or(0.0);
                (q, p * bytes)
            });
        Some(WeightsMemory {
            model: m.id.clone(),
            params_billions: p,
            gigabytes: gb.collect(),
        })
    });
    QuantizationSection {
        total: meta.models.len(),
        counts,
        rows,
        best_per_format,
        weights_example,
        fp8_regression_points: a.fp8_regression_points,
        fp4_regression_points: a.fp4_regression_points,
    }
}

#[cfg(test)]
mod tests {
    use super::super::records::records;
    use super::super::records::testing::*;
    use super::*;
    use crate::published::models_meta::ModelMeta;

    fn sample() -> Vec<Record> {
        let mut best = run(
            "openai/gpt-oss-120b",
            Platform::Baseten,
            24,
            25,
            (763, 222),
            Some((0.1, 0.5, PUB)),
        );
        for t in &mut best.traces {
            t.timing.ttft_ms = Some(50.0);
        }
        let mut ds = run(
            "deepseek-ai/DeepSeek-V3.1",
            Platform::Baseten,
            23,
            25,
            (735, 87),
            Some((0.5, 1.5, PUB)),
        );
        ds.traces[0].json_ok = Some(false);
        let mut dead = fatal_run("zai-org/GLM-5", Platform::Baseten, 25, "InternalServerError: <html>\r\n<head><title>503 Service Temporarily Unavailable</title></head>");
        dead.recorded = Some(crate::sweep::RecordedSummary {
            notes: Some(
                "every call failed identically — see error; JSON-mode parsed on 0/25 calls".into(),
            ),
            ..Default::default()
        });
        records(&[
            sweep(
                "bt",
                Platform::Baseten,
                vec![
                    best,
                    ds,
                    run(
                        "nvidia/Nemotron-120B-A12B",
                        Platform::Baseten,
                        11,
                        25,
                        (711, 104),
                        Some((0.06, 0.75, PUB)),
                    ),
                    dead,
                ],
            ),
            sweep(
                "fw",
                Platform::Fireworks,
                vec![run(
                    "f/k6",
                    Platform::Fireworks,
                    23,
                    25,
                    (692, 76),
                    Some((0.95, 4.0, PUB)),
                )],
            ),
        ])
    }

    fn close(a: f64, b: f64, tol: f64) -> bool {
        (a - b).abs() <= tol
    }

    #[test]
    fn seven_questions() {
        let recs = sample();
        let a = Assumptions::default();
        let i = insights(&recs, &a, None);
        let label = |x: usize| recs[x].label.as_str();
        let q1 = i.q1_accuracy.as_ref().unwrap();
        assert_eq!(label(q1.record), "gpt-oss-120b");
        // 96 % vs 92 % on 25: not distinguishable; vs 44 %: it is (13 one-sided disagreements).
        assert_eq!(
            q1.indistinguishable
                .iter()
                .map(|(x, _)| label(*x))
                .collect::<Vec<_>>(),
            ["DeepSeek-V3.1", "k6"]
        );
        let q2 = i.q2_cheapest.as_ref().unwrap();
        assert_eq!(label(q2.record), "gpt-oss-120b");
        assert!(close(q2.monthly, 0.0001873 * 30_000.0 * 365.0 / 12.0, 1e-9));
        let q3 = i.q3_ttft.as_ref().unwrap();
        assert_eq!(
            (label(q3.record), q3.ttft_ms, q3.mean_prompt_tokens),
            ("gpt-oss-120b", 50.0, Some(763.0))
        );
        assert_eq!(
            q3.per_platform
                .iter()
                .map(|(p, x, _)| (p.clone(), label(*x)))
                .collect::<Vec<_>>(),
            [
                (Platform::Baseten, "gpt-oss-120b"),
                (Platform::Fireworks, "k6")
            ]
        );
        let q4 = i.q4_serverless.as_ref().unwrap();
        assert_eq!(q4.gpus, 1);
        assert!(close(q4.dedicated_monthly, 1825.0, 1e-9));
        assert!(close(q4.ratio, 1825.0 / q4.serverless_monthly, 1e-12));
        assert!(close(
            q4.workload_tokens_per_hour,
            30_000.0 * 985.0 / 24.0,
            1e-6
        ));
        assert!(close(
            q4.breakeven_tokens_per_hour.unwrap(),
            2.5 / (0.0001873 / 985.0),
            1e-3
        ));
        assert_eq!(
            i.q5_json_drops
                .iter()
                .map(|d| (label(d.record), d.json_ok_rate))
                .collect::<Vec<_>>(),
            [("DeepSeek-V3.1", 0.96)]
        );
        let q6 = i.q6_spread.as_ref().unwrap();
        assert_eq!(
            (label(q6.best), label(q6.worst)),
            ("gpt-oss-120b", "Nemotron-120B-A12B")
        );
        assert!(close(q6.points, 52.0, 1e-9));
        let q7 = &i.q7_did_not_finish;
        assert_eq!(q7.len(), 1);
        assert_eq!(
            q7[0].note.as_deref(),
            Some("every call failed identically — see error")
        );
        assert_eq!(
            q7[0].error,
            "InternalServerError: 503 Service Temporarily Unavailable"
        );
        assert_eq!(q7[0].outcome, Outcome::ServerError);
        assert!(i.has_data && i.quantization.is_none());
    }

    #[test]
    fn display_conditions_on_empty_and_clean_data() {
        let a = Assumptions::default();
        let none = insights(&[], &a, None);
        assert!(
            !none.has_data
                && none.q1_accuracy.is_none()
                && none.q2_cheapest.is_none()
                && none.q5_json_drops.is_empty()
                && none.q7_did_not_finish.is_empty()
        );
        // Nothing reaches the bar: no Q2/Q4, the rest still shows.
        let low = records(&[sweep(
            "x",
            Platform::Baseten,
            vec![run(
                "a/m",
                Platform::Baseten,
                10,
                25,
                (1, 1),
                Some((1.0, 1.0, PUB)),
            )],
        )]);
        let i = insights(&low, &a, None);
        assert!(
            i.q1_accuracy.is_some()
                && i.q2_cheapest.is_none()
                && i.q4_serverless.is_none()
                && i.fine_tune.is_none()
        );
    }

    #[test]
    fn fine_tune_figures_and_advice() {
        let recs = sample();
        let a = Assumptions::default();
        let f = insights(&recs, &a, None).fine_tune.unwrap();
        assert_eq!(
            (
                recs[f.better].label.as_str(),
                recs[f.cheaper].label.as_str()
            ),
            ("gpt-oss-120b", "Nemotron-120B-A12B")
        );
        let (cb, cc) = (0.0001873, (711.0 * 0.06 + 104.0 * 0.75) / 1e6);
        assert!(close(f.extra_per_query, cb - cc, 1e-15));
        assert!(close(f.extra_per_day, (cb - cc) * 30_000.0, 1e-12));
        assert!(close(f.cost_ratio, cb / cc, 1e-12));
        assert_eq!(f.effort_usd, (3_125.0, 6_250.0));
        let months = f.payback_months.unwrap();
        assert!(close(months.0, 3_125.0 / f.extra_per_month, 1e-9));
        assert_eq!(f.advice, FineTuneAdvice::PickBetterModel);
        let mut strict = a.clone();
        strict.pick_better_max_cost_ratio = 1.2;
        assert_eq!(
            insights(&recs, &strict, None).fine_tune.unwrap().advice,
            FineTuneAdvice::JudgementCall
        );
        strict.finetune_min_cost_ratio = 1.1;
        assert_eq!(
            insights(&recs, &strict, None).fine_tune.unwrap().advice,
            FineTuneAdvice::ConsiderFineTuning
        );
    }

    fn check_params(id: &str, want: Option<f64>) {
        assert_eq!(params_billions_from_id(id), want, "{id}");
    }

    #[test]
    fn parameter_counts_from_ids() {
        check_params("openai/gpt-oss-120b", Some(120.0));
        check_params("nvidia/Nemotron-120B-A12B", Some(120.0));
        check_params("accounts/fireworks/models/qwen3-8b", Some(8.0));
        check_params("moonshotai/Kimi-K2.6", None);
        check_params("zai-org/GLM-4.7", None);
        check_params("x/model-b", None);
    }

    #[test]
    fn quantization_from_metadata() {
        let recs = sample();
        let meta = ModelsMeta {
            models: vec![
                ModelMeta {
                    id: "openai/gpt-oss-120b".into(),
                    quantization: Quantization::Fp4,
                    context_length: Some(128_072),
                    name: None,
                },
                ModelMeta {
                    id: "deepseek-ai/DeepSeek-V3.1".into(),
                    quantization: Quantization::Fp8,
                    context_length: None,
                    name: None,
                },
                ModelMeta {
                    id: "zai-org/GLM-5".into(),
                    quantization: Quantization::Fp8,
                    context_length: None,
                    name: None,
                },
                ModelMeta {
                    id: "nvidia/Nemotron-120B-A12B".into(),
                    quantization: Quantization::Fp4,
                    context_length: None,
                    name: None,
                },
                ModelMeta {
                    id: "not/loaded".into(),
                    quantization: Quantization::Fp4,
                    context_length: None,
                    name: None,
                },
            ],
        };
        let q = insights(&recs, &Assumptions::default(), Some(&meta))
            .quantization
            .unwrap();
        assert_eq!(q.counts, [(Quantization::Fp4, 3), (Quantization::Fp8, 2)]);
        assert_eq!(q.total, 5);
        assert_eq!(
            q.best_per_format
                .iter()
                .map(|(f, i)| (f.clone(), recs[*i].label.as_str()))
                .collect::<Vec<_>>(),
            [
                (Quantization::Fp4, "gpt-oss-120b"),
                (Quantization::Fp8, "DeepSeek-V3.1")
            ]
        );
        assert_eq!(q.rows[4].record, None);
        let w = q.weights_example.unwrap();
        assert_eq!(
            w.gigabytes,
            [
                (Quantization::Fp16, 240.0),
                (Quantization::Fp8, 120.0),
                (Quantization::Fp4, 60.0)
            ]
        );
        assert_eq!(clean_error("no SQL extractable"), "no SQL extractable");
    }
}
