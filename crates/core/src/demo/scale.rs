//! "What this means at scale": the two sides' per-query costs projected to a daily
//! volume, the annual difference, and a GPT-5.4 reference at the same token profile.
//!
//! Fixes over the original: any provider is priced (Baseten's rates are known, a
//! custom endpoint's are entered), so "cannot compare" only appears for a real
//! reason, and that reason is named per side; the volume is an input, not a
//! constant; months are a twelfth of a 365-day year, so 12 × monthly = annual.

use super::side::{Cost, SideReport};
use crate::analysis::assumptions::Assumptions;
use crate::analysis::format::thousands;

pub use crate::analysis::assumptions::{DAYS_PER_MONTH, DAYS_PER_YEAR};

/// The assumptions of the projection, shown beside it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ScaleAssumptions {
    /// Queries per day (the original's fixed 30,000 = 1,000 users × 30 queries).
    pub volume_per_day: f64,
    /// GPT-5.4 rates, USD per million tokens (the customer's current model).
    pub gpt_input_rate: f64,
    pub gpt_output_rate: f64,
}

impl Default for ScaleAssumptions {
    /// The analysis views' defaults (30,000 queries a day; GPT-5.4 at $2.50 / $15.00).
    fn default() -> Self {
        let a = Assumptions::default();
        ScaleAssumptions {
            volume_per_day: a.volume_per_day as f64,
            gpt_input_rate: a.gpt_input_rate,
            gpt_output_rate: a.gpt_output_rate,
        }
    }
}

/// One side as the projection sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct SideInput {
    /// "Side A · Kimi-K2.6 · agent".
    pub label: String,
    /// The run's cost, or why it has none.
    pub cost: Result<Cost, String>,
    pub prompt_tokens: Option<u64>,
    pub completion_tokens: Option<u64>,
}

impl SideInput {
    /// A finished side: its cost, unless the run failed at the transport (its cost
    /// would cover a broken run) or has no cost (the reason is kept).
    pub fn from_report(label: &str, report: &SideReport) -> SideInput {
        let cost = if report.outcome.is_transport_failure() {
            Err(format!("the run failed ({})", report.outcome.label()))
        } else {
            report.cost.ok_or_else(|| {
                report
                    .cost_missing
                    .clone()
                    .unwrap_or_else(|| "no cost".to_string())
            })
        };
        SideInput {
            label: label.to_string(),
            cost,
            prompt_tokens: report.prompt_tokens,
            completion_tokens: report.completion_tokens,
        }
    }
}

/// A per-query cost projected over time.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Projection {
    pub per_query: f64,
    pub daily: f64,
    pub monthly: f64,
    pub annual: f64,
    /// Annual at ten times the volume.
    pub annual_10x: f64,
    pub estimate: bool,
}

impl Projection {
    pub fn new(per_query: f64, volume_per_day: f64, estimate: bool) -> Projection {
        let daily = per_query * volume_per_day;
        Projection {
            per_query,
            daily,
            monthly: daily * DAYS_PER_MONTH,
            annual: daily * DAYS_PER_YEAR,
            annual_10x: daily * 10.0 * DAYS_PER_YEAR,
            estimate,
        }
    }
}

/// The comparison's headline.
#[derive(Debug, Clone, PartialEq)]
pub enum Headline {
    /// Side `cheaper` (0 = A, 1 = B) saves `annual_usd` a year.
    Savings {
        cheaper: usize,
        annual_usd: f64,
    },
    Equal,
    /// At least one side has no cost; the reasons are per side.
    CannotCompare,
}

/// The whole card.
#[derive(Debug, Clone, PartialEq)]
pub struct Comparison {
    /// Per side: the projection or why there is none.
    pub sides: [Result<Projection, String>; 2],
    pub headline: Headline,
    /// GPT-5.4 at the sides' mean token profile (sides with both counts).
    pub gpt: Option<Projection>,
    /// Per side: how much cheaper than GPT-5.4 (fraction; negative = dearer).
    pub vs_gpt: [Option<f64>; 2],
    /// Some figure rests on a proxy or guessed rate.
    pub any_estimate: bool,
}

/// Projects both sides at `a`.
pub fn compare(sides: [&SideInput; 2], a: &ScaleAssumptions) -> Comparison {
    let projections = sides.map(|s| {
        s.cost
            .clone()
            .map(|c| Projection::new(c.usd, a.volume_per_day, c.is_estimate()))
    });
    let headline = match (&projections[0], &projections[1]) {
        (Ok(pa), Ok(pb)) => {
            let diff = pa.annual - pb.annual;
            if diff.abs() < 0.005 {
                Headline::Equal
            } else {
                Headline::Savings {
                    cheaper: if diff > 0.0 { 1 } else { 0 },
                    annual_usd: diff.abs(),
                }
            }
        }
        _ => Headline::CannotCompare,
    };
    let profiles: Vec<(f64, f64)> = sides
        .iter()
        .filter_map(|s| Some((s.prompt_tokens? as f64, s.completion_tokens? as f64)))
        .collect();
    let gpt = (!profiles.is_empty()).then(|| {
        let n = profiles.len() as f64;
        let pt = profiles.iter().map(|p| p.0).sum::<f64>() / n;
        let ct = profiles.iter().map(|p| p.1).sum::<f64>() / n;
        let per_query = (pt * a.gpt_input_rate + ct * a.gpt_output_rate) / 1e6;
        Projection::new(per_query, a.volume_per_day, false)
    });
    let vs_gpt = [0, 1].map(|i| {
        let side = projections[i].as_ref().ok()?;
        let g = gpt.as_ref()?;
        (g.per_query > 0.0).then(|| 1.0 - side.per_query / g.per_query)
    });
    let any_estimate = projections.iter().flatten().any(|p| p.estimate);
    Comparison {
        sides: projections,
        headline,
        gpt,
        vs_gpt,
        any_estimate,
    }
}

/// `$1,234.56` (two decimals, thousands separators); sub-cent amounts keep six decimals.
pub fn usd(v: f64) -> String {
    let minus = if v < 0.0 { "-" } else { "" };
    if v != 0.0 && v.abs() < 0.01 {
        return format!("{minus}${:.6}", v.abs());
    }
    let cents = (v.abs() * 100.0).round() as i64;
    let (whole, frac) = (cents / 100, cents % 100);
    format!("{minus}${}.{frac:02}", thousands(whole))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sweep::PriceSource;

    fn side(cost: Option<(f64, PriceSource)>, tokens: Option<(u64, u64)>) -> SideInput {
        SideInput {
            label: "s".into(),
            cost: cost
                .map(|(usd, source)| Cost { usd, source })
                .ok_or_else(|| "no rate known".to_string()),
            prompt_tokens: tokens.map(|t| t.0),
            completion_tokens: tokens.map(|t| t.1),
        }
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-9 * b.abs().max(1.0)
    }

    #[test]
    fn defaults_are_the_analysis_assumptions() {
        let d = ScaleAssumptions::default();
        assert_eq!(
            (d.volume_per_day, d.gpt_input_rate, d.gpt_output_rate),
            (30_000.0, 2.50, 15.00)
        );
    }

    #[test]
    fn projections_use_one_calendar() {
        let p = Projection::new(0.001, 30_000.0, false);
        assert!(close(p.daily, 30.0));
        assert!(close(p.annual, 10_950.0));
        assert!(close(p.monthly * 12.0, p.annual), "12 months make a year");
        assert!(close(p.annual_10x, 109_500.0));
    }

    #[test]
    fn comparisons() {
        let a = ScaleAssumptions::default();
        let pub_ = PriceSource::Published;
        // A: $0.001/query, B: $0.0004/query → B saves (0.0006 × 30k × 365) = $6,570/yr.
        let c = compare(
            [
                &side(Some((0.001, pub_)), Some((800, 60))),
                &side(Some((0.0004, PriceSource::Proxy)), Some((1200, 100))),
            ],
            &a,
        );
        match c.headline {
            Headline::Savings {
                cheaper,
                annual_usd,
            } => {
                assert_eq!(cheaper, 1);
                assert!(close(annual_usd, 6_570.0), "{annual_usd}");
            }
            other => panic!("{other:?}"),
        }
        assert!(c.any_estimate);
        // GPT-5.4 at the mean profile (1000 in, 80 out): (1000×2.5 + 80×15)/1e6 = $0.0037.
        let g = c.gpt.unwrap();
        assert!(close(g.per_query, 0.0037), "{}", g.per_query);
        assert!(close(c.vs_gpt[0].unwrap(), 1.0 - 0.001 / 0.0037));

        let equal = compare(
            [
                &side(Some((0.001, pub_)), None),
                &side(Some((0.001, pub_)), None),
            ],
            &a,
        );
        assert_eq!(equal.headline, Headline::Equal);
        assert_eq!(equal.gpt, None, "no token profile, no reference");
        assert_eq!(equal.vs_gpt, [None, None]);
        assert!(!equal.any_estimate);

        let one = compare(
            [
                &side(None, Some((100, 10))),
                &side(Some((0.002, pub_)), Some((100, 10))),
            ],
            &a,
        );
        assert_eq!(one.headline, Headline::CannotCompare);
        assert_eq!(one.sides[0], Err("no rate known".to_string()));
        assert!(one.sides[1].is_ok());
        assert!(
            one.vs_gpt[1].is_some(),
            "the working side still gets its reference"
        );
        assert_eq!(one.vs_gpt[0], None);
    }

    #[test]
    fn inputs_from_reports() {
        use crate::demo::advice::Advice;
        use crate::demo::Level;
        use crate::outcome::Outcome;
        let report = |outcome, cost: Option<f64>, missing: Option<&str>| SideReport {
            outcome,
            ttft_ms: None,
            latency_ms: None,
            latency_with_retries_ms: None,
            prompt_tokens: Some(10),
            completion_tokens: Some(2),
            cost: cost.map(|usd| Cost {
                usd,
                source: PriceSource::Published,
            }),
            cost_missing: missing.map(str::to_string),
            calls: 1,
            repairs: 0,
            http_attempts: 1,
            verdict: None,
            advice: Advice {
                level: Level::Ok,
                headline: String::new(),
                detail: String::new(),
            },
        };
        let cases = [
            (report(Outcome::Correct, Some(0.5), None), Ok(0.5)),
            (report(Outcome::WrongRows, Some(0.5), None), Ok(0.5)),
            (
                report(Outcome::Answered, None, Some("no rate known")),
                Err("no rate known".to_string()),
            ),
            (
                report(Outcome::RateLimited, Some(0.5), None),
                Err("the run failed (rate limited (429))".to_string()),
            ),
        ];
        for (r, want) in cases {
            let got = SideInput::from_report("A", &r).cost.map(|c| c.usd);
            assert_eq!(got, want, "{:?}", r.outcome);
        }
    }

    #[test]
    fn dollars() {
        let cases = [
            (0.0, "$0.00"),
            (0.004, "$0.004000"),
            (-0.004, "-$0.004000"),
            (0.01, "$0.01"),
            (1234.567, "$1,234.57"),
            (6570.0, "$6,570.00"),
            (1_000_000.0, "$1,000,000.00"),
            (-42.5, "-$42.50"),
        ];
        for (v, want) in cases {
            assert_eq!(usd(v), want, "{v}");
        }
    }
}
