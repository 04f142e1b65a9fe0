//! Getting SQL out of a model's reply.
//!
//! Why a module: models do not always honour the contract. The agent asks for a
//! JSON object `{"sql", "rationale"}`, but replies come wrapped in ```json fences,
//! as a bare query, with `<think>` reasoning inline, as JSON `null`, or empty. The
//! original gave up on most of these (or crashed on `null`). Here every reply is
//! turned into data — the SQL if any, and a diagnostic saying how it was found or
//! why not — and nothing panics.
//!
//! Two entry points: [`extract_json_answer`] for the agent (JSON mode, with careful
//! fallbacks) and [`extract_naive`], the customer baseline's extraction exactly as
//! the original did it (a fenced block, else the text minus a `SQL:`-style prefix).

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::json_rows::kind_of;

/// How the SQL was found (or why there is none).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Extraction {
    /// The whole reply was the JSON object asked for.
    Json,
    /// A JSON object inside other text (a ```json fence, or braces amid prose), or
    /// failing that a `"sql": "…"` pair in broken JSON.
    EmbeddedJson,
    /// The body of a fenced code block (untagged, `sql` or `sqlite`).
    Fenced,
    /// The reply minus a leading `SQL:`, `Query:` or `Answer:`.
    Prefixed,
    /// The whole reply taken as SQL.
    WholeText,
    /// The reply was empty (after removing `<think>` reasoning).
    Empty,
    /// Non-empty, but nothing usable was found.
    Nothing,
}

/// What a reply yielded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Extracted {
    /// Trimmed, without a trailing `;`; never empty.
    pub sql: Option<String>,
    pub rationale: Option<String>,
    /// The reply (minus `<think>` blocks and surrounding space) parsed as a JSON object.
    pub json_ok: bool,
    pub how: Extraction,
    /// What was wrong with the reply, for the error text and the repair turn
    /// (e.g. "the reply is not valid JSON (…)"); None when nothing was.
    pub problem: Option<String>,
    /// The reply contained `<think>` reasoning that was removed.
    pub had_think: bool,
}

/// Removes `<think>…</think>` blocks. An unclosed `<think>` hides the rest of the
/// text (the model was still reasoning); a `</think>` with no opening tag before it
/// hides everything before it (some providers drop the opening tag).
pub fn strip_think(text: &str) -> String {
    const OPEN: &str = "<think>";
    const CLOSE: &str = "</think>";
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    loop {
        let open = rest.find(OPEN);
        let close = rest.find(CLOSE);
        match (open, close) {
            (o, Some(c)) if o.is_none_or(|o| c < o) => rest = &rest[c + CLOSE.len()..],
            (Some(o), _) => {
                out.push_str(&rest[..o]);
                let inner = &rest[o + OPEN.len()..];
                match inner.find(CLOSE) {
                    Some(c) => rest = &inner[c + CLOSE.len()..],
                    None => break,
                }
            }
            _ => {
                out.push_str(rest);
                break;
            }
        }
    }
    out
}

/// Trims, removes one trailing `;`, trims again.
pub fn clean_sql(sql: &str) -> String {
    let t = sql.trim();
    t.strip_suffix(';').unwrap_or(t).trim().to_string()
}

/// The agent's extraction. A JSON object is read for `sql` and `rationale`. When the
/// reply is not a JSON object, the fallbacks are, in order: a JSON object embedded in
/// the text, a `"sql": "…"` pair, a fenced SQL block, a `SQL:`-prefixed or bare
/// query — the last two only when they start like a query (`SELECT`/`WITH`), so
/// prose is never executed.
pub fn extract_json_answer(content: &str) -> Extracted {
    let had_think = content.contains("<think>") || content.contains("</think>");
    let stripped = strip_think(content);
    let text = stripped.trim();
    if text.is_empty() {
        return nothing(Extraction::Empty, "the reply is empty", false, had_think);
    }
    match serde_json::from_str::<Value>(text) {
        Ok(Value::Object(obj)) => from_object(&obj, Extraction::Json, true, None, had_think),
        Ok(Value::String(s)) => {
            let problem = "the reply is a JSON string, not an object".to_string();
            fallback(&s, problem, had_think)
        }
        Ok(other) => {
            let problem = format!("the reply is JSON {}, not an object", kind_of(&other));
            nothing(Extraction::Nothing, &problem, false, had_think)
        }
        Err(e) => {
            let problem = format!("the reply is not valid JSON ({e})");
            if let Some(obj) = embedded_object(text) {
                let found = from_object(
                    &obj,
                    Extraction::EmbeddedJson,
                    false,
                    Some(problem.clone()),
                    had_think,
                );
                if found.sql.is_some() {
                    return found;
                }
            }
            if let Some(sql) = string_field(text, "sql")
                .map(|s| clean_sql(&s))
                .filter(|s| !s.is_empty())
            {
                let rationale = string_field(text, "rationale")
                    .map(|r| r.trim().to_string())
                    .filter(|r| !r.is_empty());
                return Extracted {
                    sql: Some(sql),
                    rationale,
                    json_ok: false,
                    how: Extraction::EmbeddedJson,
                    problem: Some(problem),
                    had_think,
                };
            }
            fallback(text, problem, had_think)
        }
    }
}

/// The customer baseline's extraction, as the original: the first fenced block
/// (untagged, `sql` or `sqlite`), else the whole reply minus a leading `SQL:`,
/// `Query:` or `Answer:` — even when that is prose (which then fails in SQLite).
pub fn extract_naive(content: &str) -> Extracted {
    let had_think = content.contains("<think>") || content.contains("</think>");
    let stripped = strip_think(content);
    let text = stripped.trim();
    if text.is_empty() {
        return nothing(Extraction::Empty, "the reply is empty", false, had_think);
    }
    let (raw, how) = match fenced_block(text, is_sql_fence) {
        Some(body) => (body.to_string(), Extraction::Fenced),
        None => match strip_answer_prefix(text) {
            Some(rest) => (rest.to_string(), Extraction::Prefixed),
            None => (text.to_string(), Extraction::WholeText),
        },
    };
    let sql = clean_sql(&raw);
    if sql.is_empty() {
        return nothing(Extraction::Nothing, "no extractable SQL", false, had_think);
    }
    Extracted {
        sql: Some(sql),
        rationale: None,
        json_ok: false,
        how,
        problem: None,
        had_think,
    }
}

fn nothing(how: Extraction, problem: &str, json_ok: bool, had_think: bool) -> Extracted {
    Extracted {
        sql: None,
        rationale: None,
        json_ok,
        how,
        problem: Some(problem.to_string()),
        had_think,
    }
}

fn from_object(
    obj: &Map<String, Value>,
    how: Extraction,
    json_ok: bool,
    problem: Option<String>,
    had_think: bool,
) -> Extracted {
    let rationale = match obj.get("rationale") {
        Some(Value::String(r)) if !r.trim().is_empty() => Some(r.trim().to_string()),
        _ => None,
    };
    let (sql, sql_problem) = match obj.get("sql") {
        Some(Value::String(s)) => {
            let s = clean_sql(s);
            if s.is_empty() {
                (None, Some("the \"sql\" field is empty".to_string()))
            } else {
                (Some(s), None)
            }
        }
        Some(other) => (
            None,
            Some(format!(
                "the \"sql\" field is {}, not a string",
                kind_of(other)
            )),
        ),
        None => (
            None,
            Some("the JSON object has no \"sql\" field".to_string()),
        ),
    };
    let how = if sql.is_some() {
        how
    } else {
        Extraction::Nothing
    };
    Extracted {
        sql,
        rationale,
        json_ok,
        how,
        problem: problem.or(sql_problem),
        had_think,
    }
}

/// The agent's non-JSON fallbacks (see [`extract_json_answer`]).
fn fallback(text: &str, problem: String, had_think: bool) -> Extracted {
    let text = text.trim();
    let found = match fenced_block(text, is_sql_fence) {
        Some(body) => Some((clean_sql(body), Extraction::Fenced)),
        None => match strip_answer_prefix(text) {
            Some(rest) => Some((clean_sql(rest), Extraction::Prefixed)),
            None => Some((clean_sql(text), Extraction::WholeText)),
        },
    };
    match found {
        Some((sql, how))
            if !sql.is_empty() && (how == Extraction::Fenced || looks_like_query(&sql)) =>
        {
            Extracted {
                sql: Some(sql),
                rationale: None,
                json_ok: false,
                how,
                problem: Some(problem),
                had_think,
            }
        }
        _ => nothing(Extraction::Nothing, &problem, false, had_think),
    }
}

/// Starts with `SELECT` or `WITH` (any case), possibly after `(`.
fn looks_like_query(sql: &str) -> bool {
    let s = sql.trim_start_matches(|c: char| c == '(' || c.is_whitespace());
    let word: String = s.chars().take_while(|c| c.is_ascii_alphabetic()).collect();
    let word = word.to_ascii_lowercase();
    word == "select" || word == "with"
}

fn is_sql_fence(info: &str) -> bool {
    matches!(info, "" | "sql" | "sqlite")
}

/// `SQL:`, `Query:`, `Answer:` (any case, optional space before the colon) removed.
fn strip_answer_prefix(text: &str) -> Option<&str> {
    for prefix in ["sql", "query", "answer"] {
        let Some(head) = text.get(..prefix.len()) else {
            continue;
        };
        if head.eq_ignore_ascii_case(prefix) {
            let rest = text[prefix.len()..].trim_start();
            if let Some(rest) = rest.strip_prefix(':') {
                return Some(rest.trim_start());
            }
        }
    }
    None
}

/// The body of the first fenced block whose info string (lower-cased, trimmed)
/// `accept`s. An unclosed fence runs to the end of the text; a fence closed on its
/// own line (```` ```SELECT 1``` ````) has an empty info string.
fn fenced_block(text: &str, accept: impl Fn(&str) -> bool) -> Option<&str> {
    const FENCE: &str = "```";
    let mut rest = text;
    while let Some(open) = rest.find(FENCE) {
        let after = &rest[open + FENCE.len()..];
        let line_end = after.find('\n').unwrap_or(after.len());
        let first_line = &after[..line_end];
        if let Some(close) = first_line.find(FENCE) {
            if accept("") {
                return Some(&first_line[..close]);
            }
            rest = &after[close + FENCE.len()..];
            continue;
        }
        let info = first_line.trim().to_lowercase();
        let body = after.get(line_end + 1..).unwrap_or("");
        let close = body.find(FENCE);
        if accept(&info) {
            return Some(close.map_or(body, |c| &body[..c]));
        }
        match close {
            Some(c) => rest = &body[c + FENCE.len()..],
            None => return None,
        }
    }
    None
}

/// The JSON string value of the first `"key": "…"` pair in text that is not valid
/// JSON as a whole (e.g. a YAML-like `- "sql": "SELECT …",` list).
fn string_field(text: &str, key: &str) -> Option<String> {
    let quoted = format!("\"{key}\"");
    let mut from = 0;
    while let Some(pos) = text[from..].find(&quoted) {
        let after = text[from + pos + quoted.len()..].trim_start();
        if let Some(value) = after.strip_prefix(':').map(str::trim_start) {
            if value.starts_with('"') {
                let mut values = serde_json::Deserializer::from_str(value).into_iter::<String>();
                if let Some(Ok(s)) = values.next() {
                    return Some(s);
                }
            }
        }
        from += pos + quoted.len();
    }
    None
}

/// A JSON object inside text: the body of a ```json fence, else the span from the
/// first `{` to the last `}`.
fn embedded_object(text: &str) -> Option<Map<String, Value>> {
    let parse = |s: &str| match serde_json::from_str::<Value>(s.trim()) {
        Ok(Value::Object(o)) => Some(o),
        _ => None,
    };
    if let Some(obj) = fenced_block(text, |info| info == "json").and_then(parse) {
        return Some(obj);
    }
    let start = text.find('{')?;
    let end = text.rfind('}')?;
    (start < end).then(|| parse(&text[start..=end])).flatten()
}

#[cfg(test)]
mod tests {
    use super::*;
    use Extraction::*;

    fn check_think(input: &str, expected: &str) {
        assert_eq!(strip_think(input), expected, "strip_think({input:?})");
    }

    #[test]
    fn think_removal() {
        let cases = [
            ("SELECT 1", "SELECT 1"),
            ("<think>hmm</think>SELECT 1", "SELECT 1"),
            ("a<think>x</think>b<think>y</think>c", "abc"),
            ("<think>never closed SELECT 1", ""),
            ("before <think>still thinking", "before "),
            (
                "orphan reasoning</think>{\"sql\":\"SELECT 1\"}",
                "{\"sql\":\"SELECT 1\"}",
            ),
            ("", ""),
            ("<think></think>", ""),
        ];
        for (i, e) in cases {
            check_think(i, e);
        }
    }

    /// (reply, sql, rationale, json_ok, how, problem contains)
    type Case<'a> = (
        &'a str,
        Option<&'a str>,
        Option<&'a str>,
        bool,
        Extraction,
        Option<&'a str>,
    );

    fn check(f: fn(&str) -> Extracted, cases: &[Case]) {
        for &(reply, sql, rationale, json_ok, how, problem) in cases {
            let got = f(reply);
            assert_eq!(got.sql.as_deref(), sql, "sql of {reply:?}");
            assert_eq!(
                got.rationale.as_deref(),
                rationale,
                "rationale of {reply:?}"
            );
            assert_eq!(got.json_ok, json_ok, "json_ok of {reply:?}");
            assert_eq!(got.how, how, "how of {reply:?}");
            match problem {
                Some(p) => assert!(
                    got.problem.as_deref().is_some_and(|g| g.contains(p)),
                    "problem of {reply:?}: {:?} lacks {p:?}",
                    got.problem
                ),
                None => assert_eq!(got.problem, None, "problem of {reply:?}"),
            }
        }
    }

    const BAD: Option<&str> = Some("not valid JSON");

    #[rustfmt::skip]
    #[test]
    fn json_answers() {
        check(extract_json_answer, &[
            (r#"{"sql": "SELECT 1;", "rationale": "one"}"#, Some("SELECT 1"), Some("one"), true, Json, None),
            ("  {\"sql\": \"  SELECT 1 ; \"}  ", Some("SELECT 1"), None, true, Json, None),
            (r#"<think>plan</think>{"sql":"SELECT 2"}"#, Some("SELECT 2"), None, true, Json, None),
            (r#"{"sql": "", "rationale": "r"}"#, None, Some("r"), true, Nothing, Some("\"sql\" field is empty")),
            (r#"{"sql": " ; "}"#, None, None, true, Nothing, Some("empty")),
            (r#"{"query": "SELECT 1"}"#, None, None, true, Nothing, Some("no \"sql\" field")),
            (r#"{"sql": null}"#, None, None, true, Nothing, Some("is null, not a string")),
            (r#"{"sql": ["SELECT 1"]}"#, None, None, true, Nothing, Some("an array")),
            (r#"{"sql": "SELECT 1", "rationale": 5}"#, Some("SELECT 1"), None, true, Json, None),
            ("null", None, None, false, Nothing, Some("JSON null, not an object")),
            ("[1,2]", None, None, false, Nothing, Some("an array")),
            ("42", None, None, false, Nothing, Some("a number")),
            ("true", None, None, false, Nothing, Some("a boolean")),
            (r#""SELECT 3""#, Some("SELECT 3"), None, false, WholeText, Some("JSON string")),
            (r#""hello""#, None, None, false, Nothing, Some("JSON string")),
            ("", None, None, false, Empty, Some("empty")),
            ("  \n ", None, None, false, Empty, Some("empty")),
            ("<think>ran out of tokens", None, None, false, Empty, Some("empty")),
            // Fallbacks when the reply is not JSON.
            ("```json\n{\"sql\": \"SELECT 4\", \"rationale\": \"r\"}\n```", Some("SELECT 4"), Some("r"), false, EmbeddedJson, BAD),
            ("Here you go: {\"sql\": \"SELECT 5\"} Hope it helps.", Some("SELECT 5"), None, false, EmbeddedJson, BAD),
            ("reasoning {\"sql\": \"SELECT 0\"}</think>\n{\"sql\": \"SELECT 11\"}\n</s>", Some("SELECT 11"), None, false, EmbeddedJson, BAD),
            ("<|reserved|>{\"sql\": \"SELECT 12\"}", Some("SELECT 12"), None, false, EmbeddedJson, BAD),
            ("- \"sql\": \"SELECT 'a' || 'b';\",\n- \"rationale\": \"concat\"", Some("SELECT 'a' || 'b'"), Some("concat"), false, EmbeddedJson, BAD),
            ("\"sql\" is the key; \"sql\": \"SELECT 10\"", Some("SELECT 10"), None, false, EmbeddedJson, BAD),
            ("\"sql\": 5, more", None, None, false, Nothing, BAD),
            ("\"sql\": \"unterminated", None, None, false, Nothing, BAD),
            ("```sql\nSELECT 6;\n```", Some("SELECT 6"), None, false, Fenced, BAD),
            ("SQL: select 7;", Some("select 7"), None, false, Prefixed, BAD),
            ("WITH x AS (SELECT 1) SELECT * FROM x", Some("WITH x AS (SELECT 1) SELECT * FROM x"), None, false, WholeText, BAD),
            ("Assuming a sales table, you could write a query.", None, None, false, Nothing, BAD),
            ("Answer: I cannot help", None, None, false, Nothing, BAD),
            ("{\"sql\": \"SELECT 8 FROM t WHERE", None, None, false, Nothing, BAD),
            ("{\"rationale\": \"x\"} and more", None, None, false, Nothing, BAD),
            ("```json\n{\"sql\": \"\"}\n```\n```sql\nSELECT 9\n```", Some("SELECT 9"), None, false, Fenced, BAD),
        ]);
    }

    #[rustfmt::skip]
    #[test]
    fn naive_answers() {
        check(extract_naive, &[
            ("```sql\nSELECT * FROM Album;\n```", Some("SELECT * FROM Album"), None, false, Fenced, None),
            ("Sure:\n```SQLite\nSELECT 1\n```\nand ```sql\nSELECT 2\n```", Some("SELECT 1"), None, false, Fenced, None),
            ("```\nSELECT 3\n```", Some("SELECT 3"), None, false, Fenced, None),
            ("```python\nprint(1)\n```\n```sql\nSELECT 4\n```", Some("SELECT 4"), None, false, Fenced, None),
            ("```SELECT 5;```", Some("SELECT 5"), None, false, Fenced, None),
            ("```sql\nSELECT 6", Some("SELECT 6"), None, false, Fenced, None),
            ("SQL: SELECT 7;", Some("SELECT 7"), None, false, Prefixed, None),
            ("query : SELECT 8", Some("SELECT 8"), None, false, Prefixed, None),
            ("Answer:SELECT 9", Some("SELECT 9"), None, false, Prefixed, None),
            ("SELECT 10;", Some("SELECT 10"), None, false, WholeText, None),
            // Faithful to the original: prose is taken as SQL (and then fails in SQLite).
            ("Assuming a schema, use SELECT.", Some("Assuming a schema, use SELECT."), None, false, WholeText, None),
            ("SQL: ;", None, None, false, Nothing, Some("no extractable SQL")),
            ("```sql\n```", None, None, false, Nothing, Some("no extractable SQL")),
            ("", None, None, false, Empty, Some("empty")),
            ("<think>x</think>```sql\nSELECT 11\n```", Some("SELECT 11"), None, false, Fenced, None),
            ("{\"sql\": \"SELECT 12\"}", Some("{\"sql\": \"SELECT 12\"}"), None, false, WholeText, None),
            ("ñandú: ü", Some("ñandú: ü"), None, false, WholeText, None),
        ]);
    }

    #[test]
    fn clean_sql_cases() {
        let cases = [
            ("SELECT 1;", "SELECT 1"),
            (" SELECT 1 ; ", "SELECT 1"),
            ("SELECT 1;;", "SELECT 1;"),
            (";", ""),
            ("", ""),
        ];
        for (i, e) in cases {
            assert_eq!(clean_sql(i), e, "clean_sql({i:?})");
        }
    }

    #[test]
    fn think_flag() {
        assert!(extract_json_answer("<think>a</think>{}").had_think);
        assert!(!extract_naive("SELECT 1").had_think);
    }
}
