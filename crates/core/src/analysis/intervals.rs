//! Uncertainty for the figures a 25-question benchmark produces: a Wilson 95 %
//! interval for a proportion (accuracy, JSON-OK rate), a distribution-free
//! confidence interval for a median (latency, TTFT), and an exact McNemar test
//! for "is model A really more accurate than model B on the same questions?".
//!
//! Everything here is exact or closed-form; no sampling, no randomness.

use serde::{Deserialize, Serialize};

/// The two-sided 95 % normal quantile, z(0.975).
pub const Z_95: f64 = 1.959_963_984_540_054;
/// Confidence level used throughout the dashboard.
pub const CONFIDENCE: f64 = 0.95;
/// Significance level of the paired test (1 − [`CONFIDENCE`]).
pub const ALPHA: f64 = 0.05;

/// A proportion with its Wilson score interval.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ProportionInterval {
    pub successes: u32,
    pub n: u32,
    /// successes / n.
    pub estimate: f64,
    pub lo: f64,
    pub hi: f64,
}

impl ProportionInterval {
    /// Half the interval's width, in proportion units (0.1 = ±10 points).
    pub fn half_width(&self) -> f64 {
        (self.hi - self.lo) / 2.0
    }

    /// True when the two intervals share no point.
    pub fn disjoint_from(&self, other: &ProportionInterval) -> bool {
        self.hi < other.lo || other.hi < self.lo
    }
}

/// Wilson score interval at 95 % for `successes` out of `n`. `None` when `n` is 0
/// or `successes > n`.
///
/// Unlike the textbook "p ± 1.96·√(p(1−p)/n)", Wilson stays inside [0, 1] and is
/// not degenerate at 0 % or 100 % (25/25 still gives [86.7 %, 100 %]).
pub fn wilson(successes: u32, n: u32) -> Option<ProportionInterval> {
    if n == 0 || successes > n {
        return None;
    }
    let nf = n as f64;
    let p = successes as f64 / nf;
    let z2 = Z_95 * Z_95;
    let denom = 1.0 + z2 / nf;
    let center = (p + z2 / (2.0 * nf)) / denom;
    let half = Z_95 / denom * (p * (1.0 - p) / nf + z2 / (4.0 * nf * nf)).sqrt();
    // At p = 0 or 1 one bound is exactly the estimate; rounding must not move it.
    let lo = if successes == 0 {
        0.0
    } else {
        (center - half).max(0.0)
    };
    let hi = if successes == n {
        1.0
    } else {
        (center + half).min(1.0)
    };
    Some(ProportionInterval {
        successes,
        n,
        estimate: p,
        lo,
        hi,
    })
}

/// A distribution-free confidence interval for a median: the order statistics
/// `x(lower_rank)` and `x(upper_rank)` (1-based) of the sorted sample.
///
/// The true median lies between `x(j)` and `x(n−j+1)` with probability
/// `P(j ≤ B ≤ n−j)` for `B ~ Binomial(n, ½)`, whatever the distribution. We take
/// the narrowest such interval whose coverage is still ≥ 95 %. For n ≤ 5 even
/// [min, max] covers less than 95 % (5 samples: 93.75 %); then the interval is
/// [min, max] with `reaches_95 = false` and its real coverage stated.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MedianInterval {
    pub n: usize,
    /// The sample median (mean of the two middle values for an even count).
    pub median: f64,
    pub lo: f64,
    pub hi: f64,
    /// 1-based rank of `lo` in the sorted sample.
    pub lower_rank: usize,
    /// 1-based rank of `hi` in the sorted sample.
    pub upper_rank: usize,
    /// Exact coverage probability of [lo, hi].
    pub coverage: f64,
    /// False when the sample is too small for any interval to reach 95 %.
    pub reaches_95: bool,
}

/// [`MedianInterval`] of `values`; `None` when empty or when any value is NaN.
pub fn median_interval(values: &[f64]) -> Option<MedianInterval> {
    if values.is_empty() || values.iter().any(|v| v.is_nan()) {
        return None;
    }
    let mut sorted = values.to_vec();
    sorted.sort_by(|a, b| a.total_cmp(b));
    let n = sorted.len();
    let median = crate::stats::quantile_sorted(&sorted, 0.5);
    let coverage_of = |j: usize| 1.0 - 2.0 * binomial_half_cdf(j as u64 - 1, n as u64);
    // Largest j (narrowest interval) whose coverage is still ≥ 95 %.
    let mut j = 1;
    while j < n.div_ceil(2) && coverage_of(j + 1) >= CONFIDENCE {
        j += 1;
    }
    let coverage = if n == 1 { 0.0 } else { coverage_of(j) };
    Some(MedianInterval {
        n,
        median,
        lo: sorted[j - 1],
        hi: sorted[n - j],
        lower_rank: j,
        upper_rank: n - j + 1,
        coverage,
        reaches_95: coverage >= CONFIDENCE,
    })
}

/// `P(B ≤ k)` for `B ~ Binomial(n, ½)`, computed in log space (exact to float precision
/// for any n a benchmark can produce).
pub fn binomial_half_cdf(k: u64, n: u64) -> f64 {
    if k >= n {
        return 1.0;
    }
    let ln_half_n = n as f64 * std::f64::consts::LN_2;
    let mut ln_c = 0.0f64; // ln C(n, 0)
    let mut total = (-ln_half_n).exp();
    for i in 1..=k {
        ln_c += ((n - i + 1) as f64).ln() - (i as f64).ln();
        total += (ln_c - ln_half_n).exp();
    }
    total.min(1.0)
}

/// How two models fared on the questions both answered.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PairedComparison {
    /// Questions present in both runs.
    pub paired: u32,
    pub both_correct: u32,
    /// Right for A, wrong for B.
    pub only_a: u32,
    /// Right for B, wrong for A.
    pub only_b: u32,
    pub both_wrong: u32,
    /// Questions only one of the two runs has (not part of the test).
    pub unpaired: u32,
    /// Two-sided exact McNemar p-value (binomial test on the discordant pairs).
    pub p_value: f64,
    pub verdict: Verdict,
    /// One plain-language sentence saying what the test means.
    pub text: String,
}

/// The conclusion of a paired test at the 5 % level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// The models got exactly the same questions right: nothing to test.
    NoDisagreement,
    /// The difference could well be chance.
    NotSignificant,
    /// A is more accurate, beyond chance at the 5 % level.
    ABetter,
    /// B is more accurate, beyond chance at the 5 % level.
    BBetter,
}

/// Exact two-sided McNemar test from per-question results `(qid, correct)` of two
/// models. Questions are joined on their id; a question only one side has is left
/// out and counted in `unpaired`. Duplicate ids on one side: the first is used.
pub fn mcnemar(a: &[(String, bool)], b: &[(String, bool)]) -> PairedComparison {
    use std::collections::HashMap;
    let mut b_by_qid: HashMap<&str, bool> = HashMap::new();
    for (q, c) in b {
        b_by_qid.entry(q.as_str()).or_insert(*c);
    }
    let mut seen = std::collections::HashSet::new();
    let (mut both, mut only_a, mut only_b, mut neither, mut unpaired) =
        (0u32, 0u32, 0u32, 0u32, 0u32);
    for (q, ca) in a {
        if !seen.insert(q.as_str()) {
            continue;
        }
        match b_by_qid.get(q.as_str()) {
            None => unpaired += 1,
            Some(&cb) => match (*ca, cb) {
                (true, true) => both += 1,
                (true, false) => only_a += 1,
                (false, true) => only_b += 1,
                (false, false) => neither += 1,
            },
        }
    }
    let paired = both + only_a + only_b + neither;
    unpaired += b_by_qid.keys().filter(|q| !seen.contains(*q)).count() as u32;
    let (p_value, verdict) = mcnemar_exact(only_a, only_b);
    let text = verdict_text(paired, only_a, only_b, p_value, verdict);
    PairedComparison {
        paired,
        both_correct: both,
        only_a,
        only_b,
        both_wrong: neither,
        unpaired,
        p_value,
        verdict,
        text,
    }
}

/// The exact test on discordant counts: `p = min(1, 2·P(X ≤ min(b, c)))`, X ~ Bin(b+c, ½).
pub fn mcnemar_exact(only_a: u32, only_b: u32) -> (f64, Verdict) {
    let discordant = (only_a + only_b) as u64;
    if discordant == 0 {
        return (1.0, Verdict::NoDisagreement);
    }
    let k = only_a.min(only_b) as u64;
    let p = (2.0 * binomial_half_cdf(k, discordant)).min(1.0);
    let verdict = if p >= ALPHA {
        Verdict::NotSignificant
    } else if only_a > only_b {
        Verdict::ABetter
    } else {
        Verdict::BBetter
    };
    (p, verdict)
}

/// The smallest number of one-sided disagreements (all in favour of one model) the
/// exact test needs to call a difference real at the 5 % level: 6, since 2·½⁶ < 0.05.
pub fn min_discordant_for_significance() -> u32 {
    (1..64)
        .find(|&d| 2.0 * 0.5f64.powi(d as i32) < ALPHA)
        .unwrap_or(64)
}

fn verdict_text(paired: u32, only_a: u32, only_b: u32, p: f64, verdict: Verdict) -> String {
    let q = |k: u32| {
        if k == 1 {
            "question".to_string()
        } else {
            "questions".to_string()
        }
    };
    match verdict {
        Verdict::NoDisagreement => format!(
            "No difference to test: both models got the same {paired} {} right or wrong.",
            q(paired)
        ),
        Verdict::NotSignificant => format!(
            "Not a real difference at {paired} {}: A alone was right on {only_a}, B alone on {only_b} \
             (exact McNemar p = {p:.2}); a gap this size is easily chance.",
            q(paired)
        ),
        Verdict::ABetter | Verdict::BBetter => {
            let (winner, w, l) = if verdict == Verdict::ABetter { ("A", only_a, only_b) } else { ("B", only_b, only_a) };
            format!(
                "A real difference at {paired} {}: {winner} alone was right on {w}, the other alone on {l} \
                 (exact McNemar p = {p:.3} < 0.05).",
                q(paired)
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64, tol: f64) -> bool {
        (a - b).abs() <= tol
    }

    fn check_wilson(k: u32, n: u32, expected: Option<(f64, f64)>) {
        let got = wilson(k, n);
        match (got, expected) {
            (None, None) => {}
            (Some(g), Some((lo, hi))) => {
                assert!(
                    close(g.lo, lo, 1e-6) && close(g.hi, hi, 1e-6),
                    "wilson({k},{n}) = [{}, {}], want [{lo}, {hi}]",
                    g.lo,
                    g.hi
                );
                assert!(close(g.estimate, k as f64 / n as f64, 1e-12));
            }
            _ => panic!("wilson({k},{n}) = {got:?}, want {expected:?}"),
        }
    }

    #[test]
    fn wilson_hand_computed() {
        // Hand-computed from the closed form with z = 1.959964.
        check_wilson(24, 25, Some((0.804559, 0.992904)));
        check_wilson(23, 25, Some((0.750339, 0.977780)));
        check_wilson(16, 25, Some((0.445185, 0.797521)));
        check_wilson(11, 25, Some((0.266656, 0.629327)));
        check_wilson(0, 25, Some((0.0, 0.133192)));
        check_wilson(25, 25, Some((0.866808, 1.0)));
        check_wilson(5, 10, Some((0.236593, 0.763407)));
        check_wilson(1, 2, Some((0.094531, 0.905469)));
        check_wilson(0, 0, None);
        check_wilson(3, 2, None);
    }

    fn check_median(values: &[f64], expected: Option<(f64, f64, usize, usize, f64, bool)>) {
        let got = median_interval(values);
        match (&got, expected) {
            (None, None) => {}
            (Some(g), Some((lo, hi, lr, ur, cov, ok))) => {
                assert_eq!(
                    (g.lo, g.hi, g.lower_rank, g.upper_rank, g.reaches_95),
                    (lo, hi, lr, ur, ok),
                    "{values:?}"
                );
                assert!(
                    close(g.coverage, cov, 1e-9),
                    "coverage {} want {cov}",
                    g.coverage
                );
            }
            _ => panic!("median_interval({values:?}) = {got:?}, want {expected:?}"),
        }
    }

    #[test]
    fn median_interval_order_statistics() {
        let seq = |n: usize| (1..=n).map(|i| i as f64 * 10.0).collect::<Vec<_>>();
        // n = 10: P(B ≤ 1) = 11/1024 → ranks 2 and 9, coverage 1 − 22/1024.
        check_median(
            &seq(10),
            Some((20.0, 90.0, 2, 9, 1.0 - 22.0 / 1024.0, true)),
        );
        // n = 25: ranks 8 and 18 (the classic table value), coverage 1 − 2·P(B ≤ 7).
        check_median(
            &seq(25),
            Some((80.0, 180.0, 8, 18, 0.956_714_749_336_242_7, true)),
        );
        // n = 6: [min, max] covers 1 − 2/64.
        check_median(&seq(6), Some((10.0, 60.0, 1, 6, 0.968_75, true)));
        // n = 5: even [min, max] only covers 93.75 % — said, not hidden.
        check_median(
            &[5.0, 1.0, 4.0, 2.0, 3.0],
            Some((1.0, 5.0, 1, 5, 0.9375, false)),
        );
        check_median(&[7.0], Some((7.0, 7.0, 1, 1, 0.0, false)));
        check_median(&[], None);
        check_median(&[1.0, f64::NAN], None);
        assert_eq!(median_interval(&seq(10)).unwrap().median, 55.0);
    }

    #[test]
    fn binomial_cdf_values() {
        let cases: &[(u64, u64, f64)] = &[
            (0, 1, 0.5),
            (1, 3, 0.5),
            (2, 12, 79.0 / 4096.0),
            (7, 25, 0.021_642_625_331_878_66),
            (5, 5, 1.0),
            (0, 10, 1.0 / 1024.0),
        ];
        for &(k, n, want) in cases {
            let got = binomial_half_cdf(k, n);
            assert!(close(got, want, 1e-12), "cdf({k},{n}) = {got}, want {want}");
        }
        // Large n stays finite and sane (no underflow to 0 / overflow).
        let big = binomial_half_cdf(5000, 10000);
        assert!(big > 0.5 && big < 0.51, "{big}");
    }

    fn results(bits: &str) -> Vec<(String, bool)> {
        bits.chars()
            .enumerate()
            .map(|(i, c)| (format!("q{i}"), c == '1'))
            .collect()
    }

    fn check_mcnemar(a: &str, b: &str, expected: (u32, u32, u32, u32, f64, Verdict)) {
        let got = mcnemar(&results(a), &results(b));
        let (both, oa, ob, neither, p, v) = expected;
        assert_eq!(
            (
                got.both_correct,
                got.only_a,
                got.only_b,
                got.both_wrong,
                got.verdict
            ),
            (both, oa, ob, neither, v),
            "{a} vs {b}"
        );
        assert!(
            close(got.p_value, p, 1e-12),
            "p = {}, want {p}",
            got.p_value
        );
    }

    #[test]
    fn mcnemar_hand_computed() {
        // 96 % vs 92 % on 25 questions, as in the published sweeps: 2 vs 1 discordant → p = 2·(1+3)/8 = 1.
        check_mcnemar(
            "1111111111111111111111110",
            "1111111111111111111111001",
            (22, 2, 1, 0, 1.0, Verdict::NotSignificant),
        );
        // Six one-sided disagreements: p = 2/64.
        check_mcnemar(
            "1111110000",
            "0000000000",
            (0, 6, 0, 4, 0.031_25, Verdict::ABetter),
        );
        // Five are not enough: p = 2/32.
        check_mcnemar(
            "0000000000",
            "1111100000",
            (0, 0, 5, 5, 0.0625, Verdict::NotSignificant),
        );
        // 10 vs 2 discordant: p = 2·(1+12+66)/4096.
        check_mcnemar(
            "111111111100",
            "000000000011",
            (0, 10, 2, 0, 158.0 / 4096.0, Verdict::ABetter),
        );
        check_mcnemar("1010", "1010", (2, 0, 0, 2, 1.0, Verdict::NoDisagreement));
        assert_eq!(min_discordant_for_significance(), 6);
    }

    #[test]
    fn mcnemar_pairs_on_question_ids() {
        let a = vec![
            ("q1".to_string(), true),
            ("q2".to_string(), true),
            ("q3".to_string(), false),
        ];
        let b = vec![
            ("q2".to_string(), false),
            ("q1".to_string(), true),
            ("q9".to_string(), true),
        ];
        let got = mcnemar(&a, &b);
        assert_eq!(
            (got.paired, got.both_correct, got.only_a, got.unpaired),
            (2, 1, 1, 2)
        );
        assert!(
            got.text.contains("Not a real difference at 2 questions"),
            "{}",
            got.text
        );
        let same = mcnemar(&results("11"), &results("11"));
        assert!(
            same.text.starts_with("No difference to test"),
            "{}",
            same.text
        );
        let sig = mcnemar(&results("1111110000"), &results("0000000000"));
        assert!(
            sig.text
                .starts_with("A real difference at 10 questions: A alone"),
            "{}",
            sig.text
        );
    }
}
