//! The sweep matrix as data: one row per model, its columns, and the rules for
//! sorting (per-column default direction, nulls last, stable), filtering by
//! platform and picking the best model. No DOM here, so it is tested natively.

use sqlsweep_core::summary::{summarize, ModelSummary};
use sqlsweep_core::sweep::{Platform, SweepFile};
use sqlsweep_core::verify::{Disagreement, ModelVerify};

use crate::router::Query;

/// One model of one sweep file, with its recomputed summary.
#[derive(Debug, Clone, PartialEq)]
pub struct MatrixRow {
    /// Unique among rows: `<file>/<model>`.
    pub key: String,
    /// The sweep file the row comes from.
    pub file: String,
    /// Full model id.
    pub model: String,
    /// The id after its last `/`.
    pub label: String,
    pub platform: Option<Platform>,
    pub summary: ModelSummary,
    pub reproduction: Reproduction,
}

impl MatrixRow {
    /// Every call failed: the figures describe failures, so the row shows the error instead.
    pub fn is_fatal(&self) -> bool {
        self.summary.fatal_error.is_some()
    }

    pub fn platform_key(&self) -> Option<String> {
        self.platform.as_ref().map(platform_key)
    }
}

/// The URL key of a platform (`baseten`).
pub fn platform_key(p: &Platform) -> String {
    p.label().to_ascii_lowercase()
}

/// Where the in-browser re-verification of a row stands.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Reproduction {
    /// Waiting for the worker.
    #[default]
    Pending,
    /// The core's per-model counts and what disagreed.
    Done(ModelVerify, Vec<Disagreement>),
    Failed(String),
}

/// The matrix columns, in display order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Column {
    Model,
    Platform,
    Accuracy,
    JsonOk,
    TtftP50,
    LatencyP50,
    LatencyP90,
    InputTokens,
    OutputTokens,
    Cost,
    Reproduced,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dir {
    Asc,
    Desc,
}

impl Dir {
    pub fn flip(self) -> Dir {
        match self {
            Dir::Asc => Dir::Desc,
            Dir::Desc => Dir::Asc,
        }
    }
    pub fn key(self) -> &'static str {
        match self {
            Dir::Asc => "asc",
            Dir::Desc => "desc",
        }
    }
    pub fn arrow(self) -> &'static str {
        match self {
            Dir::Asc => "▲",
            Dir::Desc => "▼",
        }
    }
}

/// A sort value: text, a number, or nothing (always sorted last).
#[derive(Debug, Clone, PartialEq)]
enum Key {
    Text(String),
    Num(f64),
    Null,
}

impl Column {
    pub const ALL: [Column; 11] = [
        Column::Model,
        Column::Platform,
        Column::Accuracy,
        Column::JsonOk,
        Column::TtftP50,
        Column::LatencyP50,
        Column::LatencyP90,
        Column::InputTokens,
        Column::OutputTokens,
        Column::Cost,
        Column::Reproduced,
    ];

    /// The name in the URL (`sort=latency_p50`).
    pub fn key(self) -> &'static str {
        match self {
            Column::Model => "model",
            Column::Platform => "platform",
            Column::Accuracy => "accuracy",
            Column::JsonOk => "json_ok",
            Column::TtftP50 => "ttft_p50",
            Column::LatencyP50 => "latency_p50",
            Column::LatencyP90 => "latency_p90",
            Column::InputTokens => "input_tokens",
            Column::OutputTokens => "output_tokens",
            Column::Cost => "cost",
            Column::Reproduced => "reproduced",
        }
    }

    pub fn from_key(key: &str) -> Option<Column> {
        Column::ALL.into_iter().find(|c| c.key() == key)
    }

    pub fn title(self) -> &'static str {
        match self {
            Column::Model => "Model",
            Column::Platform => "Platform",
            Column::Accuracy => "Accuracy",
            Column::JsonOk => "JSON OK",
            Column::TtftP50 => "TTFT p50",
            Column::LatencyP50 => "Latency p50",
            Column::LatencyP90 => "Latency p90",
            Column::InputTokens => "In tok",
            Column::OutputTokens => "Out tok",
            Column::Cost => "$/query",
            Column::Reproduced => "Reproduced in your browser",
        }
    }

    /// Direction of the first click: names A→Z, "more is better" figures high first,
    /// times and cost best (lowest) first.
    pub fn default_dir(self) -> Dir {
        match self {
            Column::Model | Column::Platform => Dir::Asc,
            Column::Accuracy
            | Column::JsonOk
            | Column::InputTokens
            | Column::OutputTokens
            | Column::Reproduced => Dir::Desc,
            Column::TtftP50 | Column::LatencyP50 | Column::LatencyP90 | Column::Cost => Dir::Asc,
        }
    }

    /// Numeric columns are right-aligned.
    pub fn is_numeric(self) -> bool {
        !matches!(self, Column::Model | Column::Platform | Column::Reproduced)
    }

    fn sort_key(self, row: &MatrixRow) -> Key {
        let s = &row.summary;
        let num = |v: Option<f64>| match v {
            // A fatal row's figures describe failed calls: they sort with the missing.
            Some(v) if !row.is_fatal() && !v.is_nan() => Key::Num(v),
            _ => Key::Null,
        };
        match self {
            Column::Model => Key::Text(row.model.to_lowercase()),
            Column::Platform => row
                .platform
                .as_ref()
                .map_or(Key::Null, |p| Key::Text(p.label().to_lowercase())),
            Column::Accuracy => num(s.accuracy),
            Column::JsonOk => num(s.json_ok_rate),
            Column::TtftP50 => num(s.median_ttft_ms),
            Column::LatencyP50 => num(s.median_latency_ms),
            Column::LatencyP90 => num(s.p90_latency_ms),
            Column::InputTokens => num(s.mean_prompt_tokens),
            Column::OutputTokens => num(s.mean_completion_tokens),
            Column::Cost => num(s.cost_per_query_usd),
            Column::Reproduced => match &row.reproduction {
                // Share of all checks (scores and row sets) that came back.
                Reproduction::Done(c, _) if c.traces + c.rows_checked > 0 => Key::Num(
                    (c.scores_agree + c.rows_reproduced) as f64
                        / (c.traces + c.rows_checked) as f64,
                ),
                _ => Key::Null,
            },
        }
    }
}

/// The matrix's sort: a column and a direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sort {
    pub column: Column,
    pub dir: Dir,
}

impl Default for Sort {
    /// Accuracy, best first.
    fn default() -> Sort {
        Sort {
            column: Column::Accuracy,
            dir: Dir::Desc,
        }
    }
}

impl Sort {
    /// Reads `sort` and `dir` from the URL; unknown values fall back to the defaults.
    pub fn from_query(q: &Query) -> Sort {
        match q.get("sort").and_then(Column::from_key) {
            Some(column) => {
                let dir = match q.get("dir") {
                    Some("asc") => Dir::Asc,
                    Some("desc") => Dir::Desc,
                    _ => column.default_dir(),
                };
                Sort { column, dir }
            }
            None => Sort::default(),
        }
    }

    /// Writes the sort into the URL query (the default sort leaves no trace).
    pub fn to_query(self, q: Query) -> Query {
        if self == Sort::default() {
            q.with("sort", None).with("dir", None)
        } else {
            let dir = (self.dir != self.column.default_dir()).then(|| self.dir.key());
            q.with("sort", Some(self.column.key())).with("dir", dir)
        }
    }

    /// The sort after a click on `column`: the active column flips, another starts
    /// at its default direction.
    pub fn clicked(self, column: Column) -> Sort {
        if column == self.column {
            Sort {
                column,
                dir: self.dir.flip(),
            }
        } else {
            Sort {
                column,
                dir: column.default_dir(),
            }
        }
    }
}

/// Which platform's rows are shown.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum PlatformFilter {
    #[default]
    All,
    /// A [`platform_key`].
    Only(String),
}

impl PlatformFilter {
    pub fn from_query(q: &Query) -> PlatformFilter {
        match q.get("platform") {
            None | Some("") | Some("all") => PlatformFilter::All,
            Some(p) => PlatformFilter::Only(p.to_ascii_lowercase()),
        }
    }

    pub fn to_query(&self, q: Query) -> Query {
        match self {
            PlatformFilter::All => q.with("platform", None),
            PlatformFilter::Only(p) => q.with("platform", Some(p)),
        }
    }

    pub fn admits(&self, row: &MatrixRow) -> bool {
        match self {
            PlatformFilter::All => true,
            PlatformFilter::Only(p) => row.platform_key().as_deref() == Some(p.as_str()),
        }
    }

    pub fn key(&self) -> String {
        match self {
            PlatformFilter::All => "all".into(),
            PlatformFilter::Only(p) => p.clone(),
        }
    }
}

/// The rows to show, in order: filtered, then stably sorted with nulls last in
/// both directions (ties keep load order).
pub fn arrange<'a>(
    rows: &'a [MatrixRow],
    filter: &PlatformFilter,
    sort: Sort,
) -> Vec<&'a MatrixRow> {
    let mut shown: Vec<&MatrixRow> = rows.iter().filter(|r| filter.admits(r)).collect();
    shown.sort_by(|a, b| {
        use std::cmp::Ordering;
        match (sort.column.sort_key(a), sort.column.sort_key(b)) {
            (Key::Null, Key::Null) => Ordering::Equal,
            (Key::Null, _) => Ordering::Greater,
            (_, Key::Null) => Ordering::Less,
            (x, y) => {
                let ord = match (x, y) {
                    (Key::Num(x), Key::Num(y)) => x.total_cmp(&y),
                    (Key::Text(x), Key::Text(y)) => x.cmp(&y),
                    // A column holds one kind of key; mixed kinds cannot occur.
                    _ => Ordering::Equal,
                };
                if sort.dir == Dir::Desc {
                    ord.reverse()
                } else {
                    ord
                }
            }
        }
    });
    shown
}

/// The best model among `rows` (in their shown order): highest accuracy, then lowest
/// cost per query (unpriced counts as most expensive), then the first. Models whose
/// every call failed are never best.
pub fn best(rows: &[&MatrixRow]) -> Option<usize> {
    let cost = |r: &MatrixRow| r.summary.cost_per_query_usd.unwrap_or(f64::INFINITY);
    let mut best: Option<usize> = None;
    for (i, row) in rows.iter().enumerate() {
        let Some(acc) = row.summary.accuracy.filter(|_| !row.is_fatal()) else {
            continue;
        };
        let better = match best {
            None => true,
            Some(b) => {
                let b_acc = rows[b].summary.accuracy.unwrap_or(f64::NEG_INFINITY);
                acc > b_acc || (acc == b_acc && cost(row) < cost(rows[b]))
            }
        };
        if better {
            best = Some(i);
        }
    }
    best
}

/// One row per model of every sweep, in file order, summaries recomputed from the
/// traces. A model's platform is its own, else its sweep's.
pub fn rows_from_sweeps<'a>(
    sweeps: impl IntoIterator<Item = (&'a str, &'a SweepFile)>,
    reproduction: &std::collections::HashMap<String, Reproduction>,
) -> Vec<MatrixRow> {
    let mut rows = Vec::new();
    for (file, sweep) in sweeps {
        for run in &sweep.models {
            let key = row_key(file, &run.model);
            rows.push(MatrixRow {
                reproduction: reproduction.get(&key).cloned().unwrap_or_default(),
                key,
                file: file.to_string(),
                model: run.model.clone(),
                label: run.label().to_string(),
                platform: run.platform.clone().or_else(|| sweep.run.platform.clone()),
                summary: summarize(run),
            });
        }
    }
    rows
}

/// The key of a model's row.
pub fn row_key(file: &str, model: &str) -> String {
    format!("{file}/{model}")
}

/// Distinct platforms among `rows`, in first-seen order (for the filter's options).
pub fn platforms(rows: &[MatrixRow]) -> Vec<Platform> {
    let mut out: Vec<Platform> = Vec::new();
    for p in rows.iter().filter_map(|r| r.platform.clone()) {
        if !out.contains(&p) {
            out.push(p);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A row with the given figures; `None` accuracy with `fatal` marks every call failed.
    fn row(
        model: &str,
        platform: Platform,
        acc: Option<f64>,
        cost: Option<f64>,
        lat: Option<f64>,
        fatal: bool,
    ) -> MatrixRow {
        MatrixRow {
            key: format!("f/{model}"),
            file: "f".into(),
            model: model.into(),
            label: model.rsplit('/').next().unwrap().into(),
            platform: Some(platform),
            summary: ModelSummary {
                n: 25,
                correct: acc.map_or(0, |a| (a * 25.0).round() as u32),
                accuracy: acc,
                json_ok_count: 0,
                json_ok_rate: None,
                median_ttft_ms: None,
                median_latency_ms: lat,
                p90_latency_ms: None,
                median_latency_ok_ms: None,
                mean_prompt_tokens: None,
                mean_completion_tokens: None,
                cost_per_query_usd: cost,
                cost_is_estimate: false,
                errors: if fatal { 25 } else { 0 },
                fatal_error: fatal.then(|| "HTTP 503".to_string()),
            },
            reproduction: Reproduction::Pending,
        }
    }

    fn fixture() -> Vec<MatrixRow> {
        use Platform::*;
        vec![
            row(
                "bt/A",
                Baseten,
                Some(0.96),
                Some(0.000187),
                Some(1226.0),
                false,
            ),
            row(
                "bt/B",
                Baseten,
                Some(0.92),
                Some(0.000497),
                Some(982.0),
                false,
            ),
            row(
                "bt/Dead",
                Baseten,
                Some(0.0),
                Some(0.0001),
                Some(1643.0),
                true,
            ),
            row("bt/C", Baseten, Some(0.92), None, None, false),
            row(
                "fw/d",
                Fireworks,
                Some(0.92),
                Some(0.000961),
                Some(2713.0),
                false,
            ),
            row(
                "fw/e",
                Fireworks,
                Some(0.92),
                Some(0.000950),
                Some(1788.0),
                false,
            ),
        ]
    }

    fn check(
        filter: PlatformFilter,
        sort: Sort,
        expected_order: &[&str],
        expected_best: Option<&str>,
    ) {
        let rows = fixture();
        let shown = arrange(&rows, &filter, sort);
        let order: Vec<&str> = shown.iter().map(|r| r.label.as_str()).collect();
        assert_eq!(order, expected_order, "order for {filter:?} {sort:?}");
        let b = best(&shown).map(|i| shown[i].label.as_str());
        assert_eq!(b, expected_best, "best for {filter:?} {sort:?}");
    }

    #[test]
    fn arranges_rows() {
        use Column::*;
        use Dir::*;
        let all = PlatformFilter::All;
        let s = |column, dir| Sort { column, dir };
        // Default: accuracy descending, stable ties, the fatal row last (its 0% is not a figure).
        check(
            all.clone(),
            Sort::default(),
            &["A", "B", "C", "d", "e", "Dead"],
            Some("A"),
        );
        check(
            all.clone(),
            s(Accuracy, Asc),
            &["B", "C", "d", "e", "A", "Dead"],
            Some("A"),
        );
        // Nulls (unpriced C, failed Dead) last in both directions, in load order.
        check(
            all.clone(),
            s(Cost, Asc),
            &["A", "B", "e", "d", "Dead", "C"],
            Some("A"),
        );
        check(
            all.clone(),
            s(Cost, Desc),
            &["d", "e", "B", "A", "Dead", "C"],
            Some("A"),
        );
        check(
            all.clone(),
            s(LatencyP50, Asc),
            &["B", "A", "e", "d", "Dead", "C"],
            Some("A"),
        );
        // Model sorts by the full id, case-insensitively.
        check(
            all.clone(),
            s(Model, Asc),
            &["A", "B", "C", "Dead", "d", "e"],
            Some("A"),
        );
        check(
            all.clone(),
            s(Platform, Desc),
            &["d", "e", "A", "B", "Dead", "C"],
            Some("A"),
        );
        // Filter, and the best among the shown rows: accuracy tie broken by cost.
        check(
            PlatformFilter::Only("fireworks".into()),
            Sort::default(),
            &["d", "e"],
            Some("e"),
        );
        check(
            PlatformFilter::Only("baseten".into()),
            s(Accuracy, Asc),
            &["B", "C", "A", "Dead"],
            Some("A"),
        );
        check(
            PlatformFilter::Only("nowhere".into()),
            Sort::default(),
            &[],
            None,
        );
    }

    #[test]
    fn best_breaks_ties_by_cost_then_order() {
        let rows = fixture();
        // Without A, three rows have 92%: B is cheapest.
        let shown: Vec<&MatrixRow> = rows.iter().filter(|r| r.label != "A").collect();
        assert_eq!(best(&shown).map(|i| shown[i].label.as_str()), Some("B"));
        // Unpriced C loses to priced rows; alone with another unpriced it wins by order.
        let c_only: Vec<&MatrixRow> = rows
            .iter()
            .filter(|r| r.label == "C" || r.label == "Dead")
            .collect();
        assert_eq!(best(&c_only).map(|i| c_only[i].label.as_str()), Some("C"));
    }

    fn check_sort_query(query: &str, expected: Sort, canonical: &str) {
        let sort = Sort::from_query(&Query::parse(query));
        assert_eq!(sort, expected, "{query}");
        assert_eq!(
            sort.to_query(Query::default()).to_string(),
            canonical,
            "{query}"
        );
    }

    #[test]
    fn sort_in_url() {
        use Column::*;
        use Dir::*;
        check_sort_query("", Sort::default(), "");
        check_sort_query("sort=accuracy&dir=desc", Sort::default(), "");
        check_sort_query(
            "sort=latency_p50",
            Sort {
                column: LatencyP50,
                dir: Asc,
            },
            "sort=latency_p50",
        );
        check_sort_query(
            "sort=latency_p50&dir=desc",
            Sort {
                column: LatencyP50,
                dir: Desc,
            },
            "sort=latency_p50&dir=desc",
        );
        check_sort_query(
            "sort=model&dir=sideways",
            Sort {
                column: Model,
                dir: Asc,
            },
            "sort=model",
        );
        check_sort_query("sort=nonsense&dir=asc", Sort::default(), "");
    }

    #[test]
    fn clicks() {
        use Column::*;
        use Dir::*;
        let cases = [
            (
                Sort::default(),
                Accuracy,
                Sort {
                    column: Accuracy,
                    dir: Asc,
                },
            ),
            (
                Sort::default(),
                Cost,
                Sort {
                    column: Cost,
                    dir: Asc,
                },
            ),
            (
                Sort::default(),
                InputTokens,
                Sort {
                    column: InputTokens,
                    dir: Desc,
                },
            ),
            (
                Sort {
                    column: Cost,
                    dir: Asc,
                },
                Cost,
                Sort {
                    column: Cost,
                    dir: Desc,
                },
            ),
            (
                Sort {
                    column: Cost,
                    dir: Desc,
                },
                Model,
                Sort {
                    column: Model,
                    dir: Asc,
                },
            ),
            (
                Sort::default(),
                Reproduced,
                Sort {
                    column: Reproduced,
                    dir: Desc,
                },
            ),
        ];
        for (from, click, to) in cases {
            assert_eq!(from.clicked(click), to, "{from:?} + click {click:?}");
        }
        for c in Column::ALL {
            assert_eq!(Column::from_key(c.key()), Some(c));
        }
    }

    #[test]
    fn platform_filter_in_url() {
        let cases = [
            ("", PlatformFilter::All, ""),
            ("platform=all", PlatformFilter::All, ""),
            (
                "platform=Baseten",
                PlatformFilter::Only("baseten".into()),
                "platform=baseten",
            ),
        ];
        for (q, expected, canonical) in cases {
            let f = PlatformFilter::from_query(&Query::parse(q));
            assert_eq!(f, expected, "{q}");
            assert_eq!(f.to_query(Query::default()).to_string(), canonical);
        }
        assert_eq!(
            platforms(&fixture()),
            vec![Platform::Baseten, Platform::Fireworks]
        );
    }
}
