//! Number formatting for every view, in one place so a figure looks the same
//! wherever it appears. Missing values render as an em dash, never as zero.

/// Placeholder for a value that does not exist (not measured, not priced).
pub const MISSING: &str = "—";

/// `0.96` → `96%`.
pub fn percent(v: Option<f64>) -> String {
    v.map_or_else(|| MISSING.to_string(), |v| format!("{:.0}%", v * 100.0))
}

/// `1226.4` → `1,226 ms`.
pub fn millis(v: Option<f64>) -> String {
    v.map_or_else(
        || MISSING.to_string(),
        |v| format!("{} ms", thousands(v.round() as i64)),
    )
}

/// Mean token counts: `762.6` → `763`.
pub fn tokens(v: Option<f64>) -> String {
    v.map_or_else(|| MISSING.to_string(), |v| thousands(v.round() as i64))
}

/// USD per query with six decimals (the figures are fractions of a cent).
pub fn usd_per_query(v: Option<f64>) -> String {
    v.map_or_else(|| MISSING.to_string(), |v| format!("${v:.6}"))
}

/// Seconds with one decimal for durations the user waits for: `4132.0` ms → `4.1 s`.
pub fn seconds(ms: f64) -> String {
    format!("{:.1} s", ms / 1000.0)
}

/// `1234567` → `1,234,567`.
pub fn thousands(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn check(got: String, expected: &str) {
        assert_eq!(got, expected);
    }

    #[test]
    fn formats() {
        let cases: Vec<(String, &str)> = vec![
            (percent(Some(0.96)), "96%"),
            (percent(Some(0.0)), "0%"),
            (percent(Some(1.0)), "100%"),
            (percent(Some(0.875)), "88%"),
            (percent(None), "—"),
            (millis(Some(1226.4)), "1,226 ms"),
            (millis(Some(18462.5)), "18,463 ms"),
            (millis(Some(0.4)), "0 ms"),
            (millis(None), "—"),
            (tokens(Some(762.6)), "763"),
            (tokens(Some(1042.0)), "1,042"),
            (tokens(None), "—"),
            (usd_per_query(Some(0.000187)), "$0.000187"),
            (usd_per_query(Some(0.0)), "$0.000000"),
            (usd_per_query(None), "—"),
            (seconds(4132.0), "4.1 s"),
            (thousands(0), "0"),
            (thousands(999), "999"),
            (thousands(1000), "1,000"),
            (thousands(-1234567), "-1,234,567"),
        ];
        for (got, expected) in cases {
            check(got, expected);
        }
    }
}
