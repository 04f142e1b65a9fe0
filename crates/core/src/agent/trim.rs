//! Schema trimming: show the model only the tables a question is about, plus the
//! tables needed to join them.
//!
//! Why: a smaller prompt is a faster, cheaper call, and on a wide schema it is the
//! only way to fit. The original matched table names as keywords and then added
//! one hop of *outgoing* foreign keys, which dropped junction tables (q_006 "tracks
//! in each playlist" lost PlaylistTrack) and child tables (genre × invoice revenue
//! lost InvoiceLine). Here the closure is real: every table on a shortest FK path
//! between two matched tables is kept, and then the matched tables' outgoing FK
//! targets (the lookup tables their rows point to).
//!
//! Matching is keyword-based, not retrieval: a table matches when its name — as
//! written, or split into words (`MediaType` → "media type"), singular or plural —
//! appears as a whole word in the lower-cased question. Fewer than two matches
//! means the question says too little, and the full schema is used.

use std::collections::{BTreeSet, VecDeque};

use serde::{Deserialize, Serialize};

use super::schema::{compact, compact_tables, SchemaInfo};

/// The schema text for one question and how it was chosen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Trimmed {
    /// Compact schema of the kept tables (the full compact schema when not fired).
    pub text: String,
    /// Kept tables, in schema order (all tables when not fired).
    pub tables: Vec<String>,
    /// Tables whose names the question mentions, in schema order.
    pub matched: Vec<String>,
    /// True when the kept tables are a strict subset of the schema.
    pub fired: bool,
}

/// Trims `schema` for `question`; see the module documentation for the rules.
pub fn trim_for_question(schema: &SchemaInfo, question: &str) -> Trimmed {
    let q = question.to_lowercase();
    let matched: Vec<usize> = schema
        .tables
        .iter()
        .enumerate()
        .filter(|(_, t)| {
            name_forms(&t.name)
                .iter()
                .any(|form| contains_word(&q, form))
        })
        .map(|(i, _)| i)
        .collect();
    let names = |idx: &mut dyn Iterator<Item = usize>| -> Vec<String> {
        idx.map(|i| schema.tables[i].name.clone()).collect()
    };
    let matched_names = names(&mut matched.iter().copied());
    if matched.len() < 2 {
        return full(schema, matched_names);
    }
    let keep = closure(schema, &matched);
    if keep.len() >= schema.tables.len() {
        return full(schema, matched_names);
    }
    let text = compact_tables(schema, |t| {
        keep.iter().any(|&i| schema.tables[i].name == t.name)
    });
    Trimmed {
        text,
        tables: names(&mut keep.iter().copied()),
        matched: matched_names,
        fired: true,
    }
}

fn full(schema: &SchemaInfo, matched: Vec<String>) -> Trimmed {
    Trimmed {
        text: compact(schema),
        tables: schema.tables.iter().map(|t| t.name.clone()).collect(),
        matched,
        fired: false,
    }
}

/// Matched tables, every table on a shortest path (undirected FK graph) between two
/// matched tables, and the matched tables' outgoing FK targets. Indices, ascending.
fn closure(schema: &SchemaInfo, matched: &[usize]) -> BTreeSet<usize> {
    let n = schema.tables.len();
    let index = |name: &str| schema.tables.iter().position(|t| t.name == name);
    let mut adjacent: Vec<BTreeSet<usize>> = vec![BTreeSet::new(); n];
    for (i, t) in schema.tables.iter().enumerate() {
        for fk in &t.foreign_keys {
            if let Some(j) = index(&fk.to_table) {
                if i != j {
                    adjacent[i].insert(j);
                    adjacent[j].insert(i);
                }
            }
        }
    }
    let distances: Vec<Vec<Option<usize>>> = matched.iter().map(|&m| bfs(&adjacent, m)).collect();
    let mut keep: BTreeSet<usize> = matched.iter().copied().collect();
    for a in 0..matched.len() {
        for b in a + 1..matched.len() {
            let Some(d) = distances[a][matched[b]] else {
                continue;
            };
            for (t, pair) in distances[a].iter().zip(&distances[b]).enumerate() {
                if let (Some(da), Some(db)) = pair {
                    if da + db == d {
                        keep.insert(t);
                    }
                }
            }
        }
    }
    for &m in matched {
        for fk in &schema.tables[m].foreign_keys {
            if let Some(j) = index(&fk.to_table) {
                keep.insert(j);
            }
        }
    }
    keep
}

/// Hop counts from `start` to every table (None when unreachable).
fn bfs(adjacent: &[BTreeSet<usize>], start: usize) -> Vec<Option<usize>> {
    let mut dist = vec![None; adjacent.len()];
    dist[start] = Some(0);
    let mut queue = VecDeque::from([start]);
    while let Some(u) = queue.pop_front() {
        let du = dist[u].unwrap_or(0);
        for &v in &adjacent[u] {
            if dist[v].is_none() {
                dist[v] = Some(du + 1);
                queue.push_back(v);
            }
        }
    }
    dist
}

/// The lower-case forms a question may use for a table: the name as one word and
/// split into words (CamelCase, `_`), each with its last word singular and plural.
fn name_forms(table: &str) -> BTreeSet<String> {
    let whole = table.to_lowercase();
    let split = split_words(table).join(" ");
    let mut forms = BTreeSet::new();
    for base in [whole, split] {
        if base.is_empty() {
            continue;
        }
        forms.insert(plural(&base));
        forms.insert(singular(&base));
        forms.insert(base);
    }
    forms
}

/// `InvoiceLine` → ["invoice", "line"]; `invoice_line` → the same; `HTTPLog` → ["http", "log"].
fn split_words(name: &str) -> Vec<String> {
    let chars: Vec<char> = name.chars().collect();
    let mut words: Vec<String> = Vec::new();
    let mut current = String::new();
    for (i, &c) in chars.iter().enumerate() {
        if !c.is_alphanumeric() {
            if !current.is_empty() {
                words.push(std::mem::take(&mut current));
            }
            continue;
        }
        let prev = i.checked_sub(1).map(|p| chars[p]);
        let next = chars.get(i + 1).copied();
        let boundary = c.is_uppercase()
            && prev.is_some_and(|p| {
                p.is_lowercase()
                    || p.is_numeric()
                    || (p.is_uppercase() && next.is_some_and(char::is_lowercase))
            });
        if boundary && !current.is_empty() {
            words.push(std::mem::take(&mut current));
        }
        current.extend(c.to_lowercase());
    }
    if !current.is_empty() {
        words.push(current);
    }
    words
}

/// English plural of the last word: `-y` after a consonant → `-ies`; `-s/-x/-z/-ch/-sh` → `+es`; else `+s`.
fn plural(word: &str) -> String {
    let consonant_y = word.ends_with('y')
        && word[..word.len() - 1]
            .chars()
            .last()
            .is_some_and(|c| c.is_alphabetic() && !"aeiou".contains(c));
    if consonant_y {
        format!("{}ies", &word[..word.len() - 1])
    } else if ["s", "x", "z", "ch", "sh"]
        .iter()
        .any(|e| word.ends_with(e))
    {
        format!("{word}es")
    } else {
        format!("{word}s")
    }
}

/// English singular of the last word (the inverse of [`plural`] for regular nouns;
/// a word not ending in `s`, or ending in `ss`, is returned unchanged).
fn singular(word: &str) -> String {
    if let Some(stem) = word.strip_suffix("ies") {
        if !stem.is_empty() {
            return format!("{stem}y");
        }
    }
    if let Some(stem) = word.strip_suffix("es") {
        if ["s", "x", "z", "ch", "sh"]
            .iter()
            .any(|e| stem.ends_with(e))
        {
            return stem.to_string();
        }
    }
    match word.strip_suffix('s') {
        Some(stem) if !stem.is_empty() && !stem.ends_with('s') => stem.to_string(),
        _ => word.to_string(),
    }
}

/// True when `needle` occurs in `haystack` with no word character (letter, digit,
/// `_`) directly before or after it — a regex `\b…\b` match.
fn contains_word(haystack: &str, needle: &str) -> bool {
    if needle.is_empty() {
        return false;
    }
    let is_word = |c: char| c.is_alphanumeric() || c == '_';
    let mut from = 0;
    while let Some(pos) = haystack[from..].find(needle) {
        let start = from + pos;
        let end = start + needle.len();
        let before_ok = !haystack[..start].chars().next_back().is_some_and(is_word);
        let after_ok = !haystack[end..].chars().next().is_some_and(is_word);
        if before_ok && after_ok {
            return true;
        }
        // Advance by one character past the match start.
        from = start + haystack[start..].chars().next().map_or(1, char::len_utf8);
    }
    false
}

#[cfg(test)]
mod tests {
    use super::super::schema::tests::table;
    use super::*;

    fn check_word(haystack: &str, needle: &str, expected: bool) {
        assert_eq!(
            contains_word(haystack, needle),
            expected,
            "{needle:?} in {haystack:?}"
        );
    }

    #[test]
    fn word_boundaries() {
        let cases = [
            ("the tracks in each playlist", "tracks", true),
            ("the tracks in each playlist", "track", false),
            ("soundtracks", "tracks", false),
            ("track_id", "track", false),
            ("track2", "track", false),
            ("a customer's city", "customer", true),
            ("(album)", "album", true),
            ("album", "album", true),
            ("media type and media types", "media types", true),
            ("mediatypes", "media type", false),
            ("ärtist artist", "artist", true),
            ("überalbum", "album", false),
            ("", "album", false),
            ("album", "", false),
        ];
        for (h, n, e) in cases {
            check_word(h, n, e);
        }
    }

    #[test]
    fn name_forms_and_folds() {
        let cases: &[(&str, &[&str])] = &[
            ("Track", &["track", "tracks"]),
            ("Tracks", &["track", "tracks", "trackses"]),
            (
                "MediaType",
                &["media type", "media types", "mediatype", "mediatypes"],
            ),
            (
                "invoice_line",
                &[
                    "invoice line",
                    "invoice lines",
                    "invoice_line",
                    "invoice_lines",
                ],
            ),
            ("Category", &["categories", "category"]),
            ("Address", &["address", "addresses"]),
            ("Box", &["box", "boxes"]),
            ("Day", &["day", "days"]),
            ("HTTPLog", &["http log", "http logs", "httplog", "httplogs"]),
        ];
        for (name, expected) in cases {
            let got: Vec<String> = name_forms(name).into_iter().collect();
            let mut want: Vec<String> = expected.iter().map(|s| s.to_string()).collect();
            want.sort();
            assert_eq!(got, want, "forms of {name}");
        }
    }

    /// A star-ish schema: A ← AB → B, B → L (lookup), C ← D → B, E (isolated).
    #[rustfmt::skip]
    fn toy() -> SchemaInfo {
        SchemaInfo {
            tables: vec![
                table("Alpha", &[("Id", "INTEGER", true)], &[]),
                table("AlphaBeta", &[("A", "INTEGER", true), ("B", "INTEGER", true)], &[("A", "Alpha", "Id"), ("B", "Beta", "Id")]),
                table("Beta", &[("Id", "INTEGER", true), ("L", "INTEGER", false)], &[("L", "Lookup", "Id")]),
                table("Cat", &[("Id", "INTEGER", true)], &[]),
                table("Dog", &[("C", "INTEGER", false), ("B", "INTEGER", false)], &[("C", "Cat", "Id"), ("B", "Beta", "Id")]),
                table("Echo", &[("Id", "INTEGER", true), ("Self", "INTEGER", false)], &[("Self", "Echo", "Id")]),
                table("Lookup", &[("Id", "INTEGER", true)], &[]),
            ],
        }
    }

    fn check_trim(question: &str, matched: &[&str], tables: Option<&[&str]>) {
        let s = toy();
        let t = trim_for_question(&s, question);
        assert_eq!(t.matched, matched, "matched for {question:?}");
        match tables {
            Some(kept) => {
                assert!(t.fired, "should fire for {question:?}");
                assert_eq!(t.tables, kept, "kept for {question:?}");
                let lines: Vec<&str> = t.text.lines().collect();
                assert_eq!(lines.len(), kept.len());
                for (line, name) in lines.iter().zip(kept) {
                    assert!(line.starts_with(&format!("{name}(")), "{line} for {name}");
                }
            }
            None => {
                assert!(!t.fired, "should not fire for {question:?}");
                assert_eq!(t.text, compact(&s));
                assert_eq!(t.tables.len(), s.tables.len());
            }
        }
    }

    #[rustfmt::skip]
    #[test]
    fn trimming_rules() {
        // Junction between two matched tables is kept; Beta's lookup comes along.
        check_trim("alphas per beta", &["Alpha", "Beta"], Some(&["Alpha", "AlphaBeta", "Beta", "Lookup"]));
        // A longer path through a child table (Dog) and the junction.
        check_trim("cats and alphas", &["Alpha", "Cat"], Some(&["Alpha", "AlphaBeta", "Beta", "Cat", "Dog"]));
        // Directly linked tables: no connectors, outgoing FK of Dog only.
        check_trim("dogs and cats", &["Cat", "Dog"], Some(&["Beta", "Cat", "Dog"]));
        // Disconnected tables: kept as they are (self-reference is no edge).
        check_trim("echo and cat", &["Cat", "Echo"], Some(&["Cat", "Echo"]));
        // The split name matches on its own.
        check_trim("each alpha beta row and its lookup", &["Alpha", "AlphaBeta", "Beta", "Lookup"], Some(&["Alpha", "AlphaBeta", "Beta", "Lookup"]));
        // Fewer than two matches: full schema.
        check_trim("how many dogs?", &["Dog"], None);
        check_trim("nothing relevant", &[], None);
        // Everything ends up kept: counts as not fired.
        check_trim("alpha, cat, echo and lookup", &["Alpha", "Cat", "Echo", "Lookup"], None);
    }
}
