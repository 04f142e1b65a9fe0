//! Text forms of the figures, one definition for the web views, CSV export and
//! the CLI, so "$0.000187" or "1,232 ms" read the same everywhere. Missing values
//! are "—". Rounding is half away from zero (the original's `Math.round` for the
//! positive figures it showed); thousands are separated with commas (en-US).

use super::intervals::ProportionInterval;

/// The placeholder for a missing figure.
pub const MISSING: &str = "—";

/// Rounds half away from zero to an integer.
pub fn round_half_up(x: f64) -> f64 {
    x.round()
}

/// An integer with thousands separators: 31427 → "31,427".
pub fn thousands(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if n < 0 {
        format!("-{out}")
    } else {
        out
    }
}

fn finite(x: Option<f64>) -> Option<f64> {
    x.filter(|v| v.is_finite())
}

/// A share as a whole percentage: 0.96 → "96%".
pub fn pct(x: Option<f64>) -> String {
    finite(x).map_or(MISSING.into(), |v| {
        format!("{}%", round_half_up(v * 100.0) as i64)
    })
}

/// A proportion with its interval: "96% (80–99%)".
pub fn pct_interval(p: &ProportionInterval) -> String {
    format!(
        "{} ({}–{}%)",
        pct(Some(p.estimate)),
        round_half_up(p.lo * 100.0) as i64,
        round_half_up(p.hi * 100.0) as i64
    )
}

/// Correct of total: "24/25".
pub fn fraction(correct: u32, total: u32) -> String {
    format!("{correct}/{total}")
}

/// Milliseconds: 1231.6 → "1,232 ms".
pub fn ms(x: Option<f64>) -> String {
    finite(x).map_or(MISSING.into(), |v| {
        format!("{} ms", thousands(round_half_up(v) as i64))
    })
}

/// A cost per query, 6 decimals: "$0.000187".
pub fn usd_per_query(x: Option<f64>) -> String {
    finite(x).map_or(MISSING.into(), |v| format!("${v:.6}"))
}

/// Whole dollars: "$31,431".
pub fn usd(x: Option<f64>) -> String {
    finite(x).map_or(MISSING.into(), |v| {
        let n = round_half_up(v) as i64;
        if n < 0 {
            format!("-${}", thousands(-n))
        } else {
            format!("${}", thousands(n))
        }
    })
}

/// Dollars and cents: "$5.62".
pub fn usd_cents(x: Option<f64>) -> String {
    finite(x).map_or(MISSING.into(), |v| format!("${v:.2}"))
}

/// A relative difference: −0.96 → "−96%", 0.12 → "+12%", 0 → "±0%".
pub fn signed_pct(x: Option<f64>) -> String {
    finite(x).map_or(MISSING.into(), |v| {
        let n = round_half_up(v * 100.0) as i64;
        match n {
            0 => "±0%".into(),
            n if n < 0 => format!("−{}%", -n),
            n => format!("+{n}%"),
        }
    })
}

/// A token count: 763.44 → "763".
pub fn tokens(x: Option<f64>) -> String {
    finite(x).map_or(MISSING.into(), |v| thousands(round_half_up(v) as i64))
}

/// A ratio: 5.1634 → "5.16×".
pub fn ratio(x: Option<f64>) -> String {
    finite(x).map_or(MISSING.into(), |v| format!("{v:.2}×"))
}

/// A daily volume: "30,000 queries/day".
pub fn volume(per_day: u64) -> String {
    format!("{} queries/day", thousands(per_day as i64))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(got: String, want: &str) {
        assert_eq!(got, want);
    }

    #[rustfmt::skip]
    #[test]
    fn text_forms() {
        check(thousands(0), "0");
        check(thousands(999), "999");
        check(thousands(1000), "1,000");
        check(thousands(314_309), "314,309");
        check(thousands(-1_648_876), "-1,648,876");
        check(pct(Some(0.96)), "96%");
        check(pct(Some(0.825)), "83%");
        check(pct(None), "—");
        check(pct(Some(f64::NAN)), "—");
        check(pct_interval(&ProportionInterval { successes: 24, n: 25, estimate: 0.96, lo: 0.8046, hi: 0.9929 }), "96% (80–99%)");
        check(fraction(24, 25), "24/25");
        check(ms(Some(1231.6)), "1,232 ms");
        check(ms(Some(227.5)), "228 ms");
        check(ms(None), "—");
        check(usd_per_query(Some(0.000187304)), "$0.000187");
        check(usd_per_query(Some(0.0)), "$0.000000");
        check(usd(Some(31_430.88)), "$31,431");
        check(usd(Some(-5.5)), "-$6");
        check(usd(Some(f64::INFINITY)), "—");
        check(usd_cents(Some(5.619)), "$5.62");
        check(signed_pct(Some(-0.9642)), "−96%");
        check(signed_pct(Some(0.124)), "+12%");
        check(signed_pct(Some(0.001)), "±0%");
        check(tokens(Some(763.44)), "763");
        check(tokens(Some(1042.5)), "1,043");
        check(ratio(Some(5.1634)), "5.16×");
        check(volume(30_000), "30,000 queries/day");
    }
}
