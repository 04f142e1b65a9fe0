//! CSV as RFC 4180 describes it — comma-separated, CRLF line ends, a field quoted
//! when it holds a comma, a double quote, CR or LF, inner quotes doubled — plus one
//! defence RFC 4180 does not know about: spreadsheet formula injection.
//!
//! A cell that starts with `=`, `+`, `-` or `@` (or a tab or CR, which some
//! spreadsheets skip before reading a formula) is evaluated as a formula when the
//! file is opened in Excel, LibreOffice or Sheets. Model output and imported files
//! reach our tables, so such a cell is prefixed with `'`, which spreadsheets show
//! as text. Plain numbers (`-0.5`, `+3`, `-1e-3`) are left alone: they cannot
//! be formulas, and a spreadsheet should still read them as numbers.
//!
//! The output starts with a UTF-8 byte-order mark so spreadsheets read "—", "±"
//! and model names in non-Latin scripts correctly.

use std::borrow::Cow;

use super::table::RaggedRow;

/// The byte-order mark the file starts with.
pub const BOM: &str = "\u{FEFF}";

/// First characters that make a spreadsheet evaluate a cell.
const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// True for a plain decimal number: optional sign, digits with at most one point,
/// optional exponent. Nothing else (no spaces, thousands separators or units).
fn is_plain_number(s: &str) -> bool {
    let s = s.strip_prefix(['+', '-']).unwrap_or(s);
    let (mantissa, exponent) = match s.split_once(['e', 'E']) {
        Some((m, e)) => (m, Some(e)),
        None => (s, None),
    };
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let digits = |t: &str| t.bytes().all(|b| b.is_ascii_digit());
    let mantissa_ok = digits(int) && digits(frac) && !(int.is_empty() && frac.is_empty());
    let exponent_ok = match exponent {
        None => true,
        Some(e) => {
            let e = e.strip_prefix(['+', '-']).unwrap_or(e);
            !e.is_empty() && digits(e)
        }
    };
    mantissa_ok && exponent_ok
}

/// The cell with a formula defused: `'` in front of a cell a spreadsheet would
/// evaluate; everything else unchanged.
pub fn neutralise(cell: &str) -> Cow<'_, str> {
    if cell.starts_with(FORMULA_STARTS) && !is_plain_number(cell) {
        Cow::Owned(format!("'{cell}"))
    } else {
        Cow::Borrowed(cell)
    }
}

/// One field, defused and quoted if needed.
pub fn field(cell: &str) -> Cow<'_, str> {
    let cell = neutralise(cell);
    if cell.contains([',', '"', '\r', '\n']) {
        Cow::Owned(format!("\"{}\"", cell.replace('"', "\"\"")))
    } else {
        cell
    }
}

fn line(out: &mut String, cells: &[String]) {
    for (i, c) in cells.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&field(c));
    }
    out.push_str("\r\n");
}

/// The whole file: BOM, header line, one line per row. Every row must have as
/// many cells as there are headers.
pub fn write(headers: &[String], rows: &[Vec<String>]) -> Result<String, RaggedRow> {
    if let Some(i) = rows.iter().position(|r| r.len() != headers.len()) {
        return Err(RaggedRow {
            row: i,
            found: rows[i].len(),
            expected: headers.len(),
        });
    }
    let mut out = String::from(BOM);
    line(&mut out, headers);
    for r in rows {
        line(&mut out, r);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(cell: &str, expected: &str) {
        assert_eq!(field(cell), expected, "field for {cell:?}");
    }

    #[rustfmt::skip]
    #[test]
    fn fields() {
        // Plain text passes through.
        check("gpt-oss-120b", "gpt-oss-120b");
        check("", "");
        check("96% (80–99%)", "96% (80–99%)");
        check("—", "—");
        // RFC 4180 quoting.
        check("a,b", "\"a,b\"");
        check("say \"hi\"", "\"say \"\"hi\"\"\"");
        check("SELECT 1\nFROM t", "\"SELECT 1\nFROM t\"");
        check("a\r\nb", "\"a\r\nb\"");
        // Formula injection, defused.
        check("=1+1", "'=1+1");
        check("=HYPERLINK(\"http://x\",\"y\")", "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"");
        check("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0");
        check("-2+3", "'-2+3");
        check("@SUM(A1:A2)", "'@SUM(A1:A2)");
        check("\t=1", "'\t=1");
        check("\r=1", "\"'\r=1\"");
        check("-", "'-");
        check("-$6", "'-$6");
        check("- wrong rows", "'- wrong rows");
        // Plain numbers stay numbers.
        check("-0.5", "-0.5");
        check("+3", "+3");
        check("-1e-3", "-1e-3");
        check("-.5", "-.5");
        check("-5.", "-5.");
        check("0.000187", "0.000187");
        // Not plain numbers.
        check("-1e", "'-1e");
        check("-.", "'-.");
        check("-1,234", "\"'-1,234\"");
        check("-1 ", "'-1 ");
        // A formula character later in the cell is harmless.
        check("a=b", "a=b");
        check("x@y.z", "x@y.z");
        // U+2212 (minus sign) is not a formula start.
        check("−96%", "−96%");
    }

    #[test]
    fn files() {
        let headers = vec!["model".to_string(), "note".to_string()];
        let rows = vec![
            vec!["a/b".to_string(), "=evil()".to_string()],
            vec!["c".to_string(), "two\nlines, quoted \"x\"".to_string()],
        ];
        assert_eq!(
            write(&headers, &rows).unwrap(),
            "\u{FEFF}model,note\r\na/b,'=evil()\r\nc,\"two\nlines, quoted \"\"x\"\"\"\r\n"
        );
        assert_eq!(write(&headers, &[]).unwrap(), "\u{FEFF}model,note\r\n");
        let e = write(&headers, &[vec!["only one".to_string()]]).unwrap_err();
        assert_eq!((e.row, e.found, e.expected), (0, 1, 2));
    }

    /// Every file we write parses back (RFC 4180 reading) to the defused cells.
    #[test]
    fn round_trips_through_a_reader() {
        let cells = [
            "plain", "a,b", "\"q\"", "x\ny", "=f()", "-0.5", "", "\r\n", " lead", "end ",
        ];
        let headers: Vec<String> = (0..cells.len()).map(|i| format!("h{i}")).collect();
        let rows = vec![cells.iter().map(|c| c.to_string()).collect::<Vec<_>>()];
        let text = write(&headers, &rows).unwrap();
        let parsed = read(text.strip_prefix(BOM).unwrap());
        assert_eq!(parsed[0], headers);
        let want: Vec<String> = cells.iter().map(|c| neutralise(c).into_owned()).collect();
        assert_eq!(parsed[1], want);
        assert_eq!(parsed.len(), 2);
    }

    /// A minimal RFC 4180 reader for the round-trip test.
    fn read(text: &str) -> Vec<Vec<String>> {
        let mut records = Vec::new();
        let mut record = Vec::new();
        let mut field = String::new();
        let mut chars = text.chars().peekable();
        let mut quoted = false;
        while let Some(c) = chars.next() {
            match (quoted, c) {
                (true, '"') if chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                }
                (true, '"') => quoted = false,
                (true, c) => field.push(c),
                (false, '"') => quoted = true,
                (false, ',') => record.push(std::mem::take(&mut field)),
                (false, '\r') if chars.peek() == Some(&'\n') => {
                    chars.next();
                    record.push(std::mem::take(&mut field));
                    records.push(std::mem::take(&mut record));
                }
                (false, c) => field.push(c),
            }
        }
        records
    }
}
