//! Order statistics used by every summary: median and linear-interpolated
//! quantiles. One definition, so the matrix, the latency view and the CLI agree.

/// Quantile `p` (0..=1) of `values` by linear interpolation between order statistics
/// (rank `(n−1)·p`, as numpy's default and the original harness). `None` when empty
/// or when any value is NaN.
pub fn quantile(values: &[f64], p: f64) -> Option<f64> {
    if values.is_empty() || values.iter().any(|v| v.is_nan()) || !(0.0..=1.0).contains(&p) {
        return None;
    }
    let mut sorted = values.to_vec();
    sorted.sort_by(|a, b| a.total_cmp(b));
    Some(quantile_sorted(&sorted, p))
}

/// [`quantile`] on values already sorted ascending (non-empty, no NaN).
pub fn quantile_sorted(sorted: &[f64], p: f64) -> f64 {
    let rank = (sorted.len() - 1) as f64 * p;
    let lo = rank.floor() as usize;
    let hi = (lo + 1).min(sorted.len() - 1);
    sorted[lo] + (sorted[hi] - sorted[lo]) * (rank - lo as f64)
}

/// The median (mean of the two middle values for an even count).
pub fn median(values: &[f64]) -> Option<f64> {
    quantile(values, 0.5)
}

/// Arithmetic mean; `None` when empty.
pub fn mean(values: &[f64]) -> Option<f64> {
    if values.is_empty() {
        None
    } else {
        Some(values.iter().sum::<f64>() / values.len() as f64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(values: &[f64], p: f64, expected: Option<f64>) {
        let got = quantile(values, p);
        match (got, expected) {
            (Some(g), Some(e)) => {
                assert!((g - e).abs() < 1e-9, "q({values:?}, {p}) = {g}, want {e}")
            }
            _ => assert_eq!(got, expected, "q({values:?}, {p})"),
        }
    }

    #[test]
    fn quantiles() {
        check(&[], 0.5, None);
        check(&[f64::NAN, 1.0], 0.5, None);
        check(&[1.0, 2.0], 1.5, None);
        check(&[7.0], 0.9, Some(7.0));
        check(&[3.0, 1.0, 2.0], 0.5, Some(2.0));
        check(&[4.0, 1.0, 3.0, 2.0], 0.5, Some(2.5));
        check(
            &[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0],
            0.9,
            Some(9.1),
        );
        check(&[10.0, 20.0], 0.0, Some(10.0));
        check(&[10.0, 20.0], 1.0, Some(20.0));
        assert_eq!(mean(&[]), None);
        assert_eq!(mean(&[1.0, 2.0]), Some(1.5));
        assert_eq!(median(&[5.0, 1.0]), Some(3.0));
    }
}
