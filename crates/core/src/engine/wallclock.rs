//! Wall-clock timestamps as text. The engine never reads a clock; the driver hands it
//! the Unix time at the start of a run, and this turns it into the RFC 3339 string of
//! the run metadata.

/// `unix_ms` as `YYYY-MM-DDTHH:MM:SS.mmmZ`; None for a time before 1970 or not finite.
pub fn rfc3339_utc(unix_ms: f64) -> Option<String> {
    // Up to 9999-12-31T23:59:59.999Z.
    if !(0.0..=253_402_300_799_999.0).contains(&unix_ms) {
        return None;
    }
    let total_ms = unix_ms.floor() as i64;
    let (secs, ms) = (total_ms.div_euclid(1000), total_ms.rem_euclid(1000));
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    let (y, m, d) = civil_from_days(days);
    Some(format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{ms:03}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    ))
}

/// Days since 1970-01-01 → (year, month, day) (Howard Hinnant's algorithm).
fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(unix_ms: f64, expected: Option<&str>) {
        assert_eq!(rfc3339_utc(unix_ms).as_deref(), expected, "{unix_ms}");
    }

    #[test]
    fn formats() {
        check(0.0, Some("1970-01-01T00:00:00.000Z"));
        check(784_111_777_000.0, Some("1994-11-06T08:49:37.000Z"));
        check(951_782_400_000.0, Some("2000-02-29T00:00:00.000Z"));
        check(1_795_000_000_123.9, Some("2026-11-18T11:06:40.123Z"));
        check(-1.0, None);
        check(f64::NAN, None);
        check(f64::INFINITY, None);
    }

    #[test]
    fn agrees_with_the_http_date_parser() {
        let s = crate::live::retry::parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT").unwrap();
        check(s * 1000.0, Some("1994-11-06T08:49:37.000Z"));
    }
}
