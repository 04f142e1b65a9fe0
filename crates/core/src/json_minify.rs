//! JSON with its insignificant whitespace removed, byte for byte otherwise.
//!
//! Why it exists: the published data files are pretty-printed, and on the dashboard's
//! first load that indentation alone costs about a third of their gzip bytes.
//! `sqlsweep fetch-data` therefore writes a copy without it (`data/web/`) for the site to
//! serve, while the sha256-pinned originals in `data/cache/` stay untouched.
//!
//! This is a byte-level pass, not a parse and re-serialisation: every byte that is not
//! JSON whitespace (space, tab, LF, CR) outside a string is kept exactly as it is.
//! Numbers are never re-formatted — Python-written floats stay textually identical and
//! so parse to the very same `f64` — and strings (escapes included) are never touched.
//!
//! Scope and caveats:
//! - **The caller validates.** Invalid input is passed through with only the whitespace
//!   outside strings removed; it is not reported. On invalid input this can even change
//!   what a parser sees (`1 2` becomes `12`), so minify only what parses as JSON. For
//!   valid JSON the result is valid and parses to the same value, because whitespace can
//!   only stand between tokens and two tokens that could merge (literals, numbers) are
//!   never adjacent without a `,` or `:` between them.
//! - **A UTF-8 byte-order mark is kept.** It is not JSON whitespace, so it passes through
//!   like any other byte; the output is as acceptable to a parser as the input was.

/// `json` without the whitespace (space, tab, LF, CR) found outside strings; every other
/// byte is kept, in order. See the module documentation for invalid input.
pub fn minify(json: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(json.len());
    let mut in_string = false;
    // Inside a string: the previous byte was a backslash that starts an escape.
    let mut escaped = false;
    for &b in json {
        if in_string {
            out.push(b);
            if escaped {
                escaped = false;
            } else if b == b'\\' {
                escaped = true;
            } else if b == b'"' {
                in_string = false;
            }
        } else {
            match b {
                b' ' | b'\t' | b'\n' | b'\r' => {}
                b'"' => {
                    in_string = true;
                    out.push(b);
                }
                _ => out.push(b),
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::minify;

    fn check(input: &[u8], expected: &[u8]) {
        let got = minify(input);
        assert_eq!(
            got,
            expected,
            "minify({:?}) = {:?}, expected {:?}",
            String::from_utf8_lossy(input),
            String::from_utf8_lossy(&got),
            String::from_utf8_lossy(expected)
        );
        // Minifying twice changes nothing.
        assert_eq!(
            minify(&got),
            got,
            "idempotent on {:?}",
            String::from_utf8_lossy(input)
        );
    }

    #[test]
    fn drops_whitespace_between_tokens() {
        let cases: &[(&[u8], &[u8])] = &[
            (b"", b""),
            (b" \t\r\n", b""),
            (b"{}", b"{}"),
            (b"{ }", b"{}"),
            (b"[ 1 , 2 ,\n\t3 ]", b"[1,2,3]"),
            (b"true", b"true"),
            (b" null ", b"null"),
            (
                b"{\n  \"a\": {\n    \"b\": [\n      1,\n      {\"c\": [ ]}\n    ]\n  },\r\n  \"d\": false\n}\n",
                b"{\"a\":{\"b\":[1,{\"c\":[]}]},\"d\":false}",
            ),
        ];
        for (input, expected) in cases {
            check(input, expected);
        }
    }

    #[test]
    fn numbers_are_kept_textually() {
        let cases: &[(&[u8], &[u8])] = &[
            (b"[ 0.1 , 1.0 , 1e-7 ]", b"[0.1,1.0,1e-7]"),
            (b"[ -0.0, 1E+300, 2.5000 ]", b"[-0.0,1E+300,2.5000]"),
            (
                b"{ \"cost\": 0.00018700000000000002 }",
                b"{\"cost\":0.00018700000000000002}",
            ),
            (b"[ 12345678901234567890 ]", b"[12345678901234567890]"),
        ];
        for (input, expected) in cases {
            check(input, expected);
        }
    }

    #[test]
    fn strings_are_untouched() {
        let cases: &[(&[u8], &[u8])] = &[
            (b"\"a b\"", b"\"a b\""),
            (b"[ \" spaced \\t out \" ]", b"[\" spaced \\t out \"]"),
            (
                b"{ \"sql\": \"SELECT  *\\nFROM t\" }",
                b"{\"sql\":\"SELECT  *\\nFROM t\"}",
            ),
            // Raw whitespace inside a string (invalid for tabs/newlines, but kept).
            (b"[ \"x\ty\" ]", b"[\"x\ty\"]"),
            // An escaped quote does not end the string.
            (
                b"[ \"say \\\" hi \\\" \" , 1 ]",
                b"[\"say \\\" hi \\\" \",1]",
            ),
            // An escaped backslash before a quote: the quote ends the string.
            (b"[ \"a\\\\\" , \" b \" ]", b"[\"a\\\\\",\" b \"]"),
            (b"[ \"\\\\\\\" \" ]", b"[\"\\\\\\\" \"]"),
            (b"{ \"k y\" : \"v\" }", b"{\"k y\":\"v\"}"),
            (b"[ \"\" , \"\" ]", b"[\"\",\"\"]"),
            (b"[ \"\\u0020 \\/\" ]", b"[\"\\u0020 \\/\"]"),
        ];
        for (input, expected) in cases {
            check(input, expected);
        }
    }

    #[test]
    fn unicode_is_kept() {
        check(
            "{ \"name\": \"Ação é ü — 日本 😀\" , \"n\" : 1 }".as_bytes(),
            "{\"name\":\"Ação é ü — 日本 😀\",\"n\":1}".as_bytes(),
        );
        // Non-ASCII whitespace (no-break space) is not JSON whitespace: kept.
        check("[1,\u{a0}2]".as_bytes(), "[1,\u{a0}2]".as_bytes());
    }

    #[test]
    fn a_byte_order_mark_is_kept() {
        check(b"\xEF\xBB\xBF { \"a\" : 1 }\n", b"\xEF\xBB\xBF{\"a\":1}");
    }

    #[test]
    fn invalid_input_only_loses_whitespace_outside_strings() {
        let cases: &[(&[u8], &[u8])] = &[
            // Unterminated string: the rest is inside it.
            (b"[ \"open , 1 ]", b"[\"open , 1 ]"),
            (b"{ \"a\" : }", b"{\"a\":}"),
            (b"1 2", b"12"),
            (b"not json at all", b"notjsonatall"),
            (b"\xff \xfe", b"\xff\xfe"),
            // A trailing backslash inside an unterminated string.
            (b"\"ab\\", b"\"ab\\"),
        ];
        for (input, expected) in cases {
            check(input, expected);
        }
    }
}
