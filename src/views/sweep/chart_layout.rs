//! The cost-vs-accuracy chart's decisions that need no canvas: the axis range,
//! tick labels, platform colours, the frontier's staircase, which point the
//! pointer or the keyboard is on, and the words of the tooltip. Natively tested;
//! `chart` only draws what these return.

use sqlsweep_core::analysis::format::{fraction, ms, pct_interval, usd_per_query};
use sqlsweep_core::analysis::frontier::FrontierPoint;
use sqlsweep_core::analysis::records::Record;
use sqlsweep_core::sweep::Platform;

/// An RGB colour.
pub type Rgb = (u8, u8, u8);

/// Fireworks purple and Baseten teal (as the shell's CSS), then a palette for any
/// other platform in order of appearance.
const FIREWORKS: Rgb = (147, 51, 234);
const BASETEN: Rgb = (13, 148, 136);
const OTHERS: [Rgb; 4] = [(37, 99, 235), (234, 88, 12), (71, 85, 105), (202, 138, 4)];

/// The colour of `platform` among `platforms` (the loaded ones, in order).
pub fn platform_colour(platform: &Platform, platforms: &[Platform]) -> Rgb {
    match platform {
        Platform::Fireworks => FIREWORKS,
        Platform::Baseten => BASETEN,
        Platform::Custom(_) => {
            let i = platforms
                .iter()
                .filter(|p| matches!(p, Platform::Custom(_)))
                .position(|p| p == platform)
                .unwrap_or(0);
            OTHERS[i % OTHERS.len()]
        }
    }
}

/// `#rrggbb`, for the HTML legend.
pub fn css_colour(c: Rgb) -> String {
    format!("#{:02x}{:02x}{:02x}", c.0, c.1, c.2)
}

/// The cost axis (log scale): from a little below the cheapest to a little above
/// the dearest, so no point sits on the frame. `None` without a positive cost.
pub fn cost_range(costs: impl IntoIterator<Item = f64>) -> Option<(f64, f64)> {
    let (mut lo, mut hi) = (f64::INFINITY, 0.0f64);
    for c in costs.into_iter().filter(|c| c.is_finite() && *c > 0.0) {
        lo = lo.min(c);
        hi = hi.max(c);
    }
    if hi <= 0.0 {
        return None;
    }
    // A factor of 1.4 on each side (at least a factor of 4 overall).
    let pad = (4.0f64 / (hi / lo)).sqrt().max(1.4);
    Some((lo / pad, hi * pad))
}

/// Ticks of the cost axis inside [lo, hi]: 1, 2 and 5 times each power of ten.
pub fn cost_ticks(lo: f64, hi: f64) -> Vec<f64> {
    if !(lo.is_finite() && hi.is_finite() && 0.0 < lo && lo < hi) {
        return Vec::new();
    }
    let mut out = Vec::new();
    let mut decade = 10f64.powi(lo.log10().floor() as i32);
    while decade <= hi {
        for m in [1.0, 2.0, 5.0] {
            let v = m * decade;
            if (lo..=hi).contains(&v) {
                out.push(v);
            }
        }
        decade *= 10.0;
    }
    out
}

/// A tick of the cost axis with two significant digits: 0.0002 → "$0.00020",
/// 0.001 → "$0.0010", 0.05 → "$0.050".
pub fn cost_tick(v: f64) -> String {
    if !(v.is_finite() && v > 0.0) {
        return "$0".into();
    }
    let decimals = (1 - v.log10().floor() as i32).max(0) as usize;
    format!("${v:.decimals$}")
}

/// The frontier as a staircase through its points (sorted by cost): from each
/// point right to the next one's cost, then up to its accuracy — the edge of what
/// money buys.
pub fn staircase(points: &[(f64, f64)]) -> Vec<(f64, f64)> {
    let mut out = Vec::with_capacity(points.len() * 2);
    for (i, &(c, a)) in points.iter().enumerate() {
        if i > 0 {
            out.push((c, points[i - 1].1));
        }
        out.push((c, a));
    }
    out
}

/// A point as drawn, in CSS pixels from the canvas's top-left corner.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ScreenPoint {
    /// Index into the records.
    pub record: usize,
    pub x: f64,
    pub y: f64,
}

/// The point nearest to (x, y) within `radius` CSS pixels.
pub fn nearest(points: &[ScreenPoint], x: f64, y: f64, radius: f64) -> Option<usize> {
    points
        .iter()
        .map(|p| (p.record, (p.x - x).hypot(p.y - y)))
        .filter(|(_, d)| *d <= radius)
        .min_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(r, _)| r)
}

/// The point a key moves to, from `current`, among `order` (records by cost):
/// arrows step, Home/End jump, anything else leaves it.
pub fn step_focus(current: Option<usize>, order: &[usize], key: &str) -> Option<usize> {
    if order.is_empty() {
        return None;
    }
    let pos = current.and_then(|c| order.iter().position(|&r| r == c));
    let last = order.len() - 1;
    let next = match (key, pos) {
        ("ArrowRight" | "ArrowUp", None) | ("Home", _) => 0,
        ("ArrowLeft" | "ArrowDown", None) | ("End", _) => last,
        ("ArrowRight" | "ArrowUp", Some(p)) => (p + 1).min(last),
        ("ArrowLeft" | "ArrowDown", Some(p)) => p.saturating_sub(1),
        _ => return current,
    };
    Some(order[next])
}

fn names(records: &[Record], ix: &[usize]) -> String {
    ix.iter()
        .map(|&i| records[i].label.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// Where a point stands, in words.
pub fn standing(records: &[Record], p: &FrontierPoint) -> String {
    if p.on_frontier {
        "On the frontier: no other model is both cheaper and at least as accurate.".into()
    } else if !p.clearly_dominated_by.is_empty() {
        format!(
            "Clearly dominated by {}: cheaper, and more accurate beyond the 95 % intervals.",
            names(records, &p.clearly_dominated_by)
        )
    } else {
        format!(
            "Dominated by {}, but only within the accuracy intervals: not clearly worse.",
            names(records, &p.dominated_by)
        )
    }
}

/// The tooltip of a point: model, platform, accuracy with its interval, cost,
/// latency, and where it stands.
pub fn tooltip_lines(records: &[Record], p: &FrontierPoint) -> Vec<String> {
    let r = &records[p.record];
    vec![
        r.label.clone(),
        format!("{} · {}", r.platform.label(), r.source_label),
        format!(
            "Accuracy {} · {}",
            pct_interval(&p.accuracy),
            fraction(p.accuracy.successes, p.accuracy.n)
        ),
        format!(
            "{} per query{}",
            usd_per_query(Some(p.cost_per_query)),
            if p.cost_is_estimate {
                " (estimate: proxied rate)"
            } else {
                ""
            }
        ),
        format!("Latency p50 {}", ms(r.summary.median_latency_ms)),
        standing(records, p),
    ]
}

/// The one-line accessible summary of the chart.
pub fn summary(records: &[Record], frontier: &[usize], placed: usize) -> String {
    if placed == 0 {
        return "No model can be placed on the chart for this filter.".into();
    }
    format!(
        "{placed} models placed by cost per query and accuracy; on the frontier: {}.",
        names(records, frontier)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use sqlsweep_core::analysis::frontier::frontier;
    use sqlsweep_core::analysis::records::{records, PlatformFilter};
    use sqlsweep_core::sweep::{ModelRun, PriceSource, Pricing, RunMeta, SweepFile, Timing, Trace};

    #[test]
    fn colours() {
        let ps = [
            Platform::Baseten,
            Platform::Custom("a".into()),
            Platform::Fireworks,
            Platform::Custom("b".into()),
        ];
        assert_eq!(platform_colour(&Platform::Fireworks, &ps), FIREWORKS);
        assert_eq!(platform_colour(&Platform::Baseten, &ps), BASETEN);
        assert_eq!(platform_colour(&ps[1], &ps), OTHERS[0]);
        assert_eq!(platform_colour(&ps[3], &ps), OTHERS[1]);
        assert_eq!(css_colour(BASETEN), "#0d9488");
    }

    fn check_range(costs: &[f64], expected: Option<(f64, f64)>) {
        let got = cost_range(costs.iter().copied());
        match (got, expected) {
            (None, None) => {}
            (Some((a, b)), Some((x, y))) => {
                assert!(
                    (a - x).abs() < 1e-12 && (b - y).abs() < 1e-12,
                    "{costs:?}: {got:?}"
                )
            }
            _ => panic!("{costs:?}: {got:?}, want {expected:?}"),
        }
    }

    #[test]
    fn ranges_and_ticks() {
        // Wide spread: a factor of 1.4 each side.
        check_range(&[0.0001, 0.001], Some((0.0001 / 1.4, 0.0014)));
        // One point: widened to a factor of 4 overall.
        check_range(&[0.001], Some((0.0005, 0.002)));
        check_range(&[0.0, -1.0, f64::NAN], None);
        check_range(&[], None);
        let cases = [
            (0.0002, "$0.00020"),
            (0.001, "$0.0010"),
            (0.0015, "$0.0015"),
            (0.05, "$0.050"),
            (2.0, "$2.0"),
            (20.0, "$20"),
            (0.0, "$0"),
        ];
        for (v, want) in cases {
            assert_eq!(cost_tick(v), want, "{v}");
        }
    }

    #[test]
    fn ticks_of_the_cost_axis() {
        let labels = |lo, hi| {
            cost_ticks(lo, hi)
                .into_iter()
                .map(cost_tick)
                .collect::<Vec<_>>()
        };
        assert_eq!(
            labels(0.0000864, 0.0038),
            ["$0.00010", "$0.00020", "$0.00050", "$0.0010", "$0.0020"]
        );
        assert_eq!(labels(0.0006, 0.0015), ["$0.0010"]);
        assert!(cost_ticks(0.0, 1.0).is_empty() && cost_ticks(2.0, 1.0).is_empty());
    }

    #[test]
    fn staircase_path() {
        assert_eq!(staircase(&[]), vec![]);
        assert_eq!(staircase(&[(1.0, 0.4)]), vec![(1.0, 0.4)]);
        assert_eq!(
            staircase(&[(1.0, 0.4), (2.0, 0.9), (3.0, 0.95)]),
            vec![(1.0, 0.4), (2.0, 0.4), (2.0, 0.9), (3.0, 0.9), (3.0, 0.95)]
        );
    }

    #[test]
    fn pointer_and_keys() {
        let pts = [
            ScreenPoint {
                record: 4,
                x: 10.0,
                y: 10.0,
            },
            ScreenPoint {
                record: 7,
                x: 30.0,
                y: 10.0,
            },
        ];
        assert_eq!(nearest(&pts, 12.0, 11.0, 16.0), Some(4));
        assert_eq!(nearest(&pts, 25.0, 10.0, 16.0), Some(7));
        assert_eq!(nearest(&pts, 100.0, 100.0, 16.0), None);
        assert_eq!(nearest(&[], 0.0, 0.0, 16.0), None);
        let order = [4, 7, 2];
        let cases = [
            (None, "ArrowRight", Some(4)),
            (None, "ArrowLeft", Some(2)),
            (Some(4), "ArrowRight", Some(7)),
            (Some(2), "ArrowRight", Some(2)),
            (Some(4), "ArrowLeft", Some(4)),
            (Some(7), "End", Some(2)),
            (Some(2), "Home", Some(4)),
            (Some(7), "a", Some(7)),
            (None, "Tab", None),
        ];
        for (from, key, want) in cases {
            assert_eq!(step_focus(from, &order, key), want, "{from:?} {key}");
        }
        assert_eq!(step_focus(Some(1), &[], "ArrowRight"), None);
    }

    fn run(model: &str, correct: u32, price: (f64, f64)) -> ModelRun {
        ModelRun {
            model: model.into(),
            platform: Some(Platform::Baseten),
            pricing: Some(Pricing {
                input: price.0,
                output: price.1,
                source: PriceSource::Published,
            }),
            traces: (0..25)
                .map(|i| Trace {
                    qid: format!("q{i}"),
                    correct: i < correct,
                    prompt_tokens: Some(700),
                    completion_tokens: Some(100),
                    timing: Timing {
                        latency_ms: Some(1000.0),
                        ..Timing::default()
                    },
                    ..Trace::default()
                })
                .collect(),
            recorded: None,
        }
    }

    #[test]
    fn tooltip_and_standing() {
        let recs = records(&[SweepFile {
            schema: sqlsweep_core::sweep::SCHEMA_ID.into(),
            version: sqlsweep_core::sweep::SCHEMA_VERSION,
            run: RunMeta {
                label: "bt".into(),
                ..RunMeta::default()
            },
            models: vec![
                run("x/best", 24, (0.1, 0.5)),
                run("x/worse", 16, (0.12, 2.2)),
                run("x/close", 23, (0.5, 1.5)),
            ],
        }]);
        let f = frontier(&recs, &PlatformFilter::All);
        let point = |label: &str| {
            f.points
                .iter()
                .find(|p| recs[p.record].label == label)
                .unwrap()
        };
        let lines = tooltip_lines(&recs, point("best"));
        assert_eq!(lines[0], "best");
        assert_eq!(lines[1], "Baseten · bt");
        assert_eq!(lines[2], "Accuracy 96% (80–99%) · 24/25");
        assert_eq!(lines[3], "$0.000120 per query");
        assert_eq!(lines[4], "Latency p50 1,000 ms");
        assert!(lines[5].starts_with("On the frontier"));
        assert!(standing(&recs, point("worse")).starts_with("Clearly dominated by best"));
        assert!(standing(&recs, point("close")).starts_with("Dominated by best, but only within"));
        assert_eq!(
            summary(&recs, &f.frontier, f.points.len()),
            "3 models placed by cost per query and accuracy; on the frontier: best."
        );
        assert!(summary(&recs, &[], 0).starts_with("No model"));
    }
}
