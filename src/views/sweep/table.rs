//! The matrix's UI state on top of core's `analysis::matrix`: the columns shown (the
//! core's sortable figures plus "Reproduced in your browser", which only the page
//! knows), the sort and platform filter as read from and written to the URL, the
//! order when sorting by reproduction, and the two models of the paired test
//! (`a=…&b=…`). No DOM here, so it is tested natively.

use sqlsweep_core::exchange::table::Table;
use std::collections::HashMap;

use sqlsweep_core::analysis::matrix::{matrix, winner, Direction, Sort, SortKey};
use sqlsweep_core::analysis::records::{filtered, PlatformFilter, Record};
use sqlsweep_core::sweep::Platform;
use sqlsweep_core::verify::{Disagreement, ModelVerify};

use crate::router::Query;

/// Where the in-browser re-verification of a record stands.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Reproduction {
    /// Waiting for the worker.
    #[default]
    Pending,
    /// The core's per-model counts and what disagreed.
    Done(ModelVerify, Vec<Disagreement>),
    Failed(String),
    /// A run made in this browser: its SQL already ran in the worker.
    RanHere,
}

impl Reproduction {
    /// Share of all checks (scores and row sets) that came back; `None` until done.
    fn share(&self) -> Option<f64> {
        match self {
            Reproduction::Done(c, _) if c.traces + c.rows_checked > 0 => Some(
                (c.scores_agree + c.rows_reproduced) as f64 / (c.traces + c.rows_checked) as f64,
            ),
            _ => None,
        }
    }
}

/// Reproduction results by [`Record::key`].
pub type ReproductionMap = HashMap<String, Reproduction>;

/// A matrix column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Column {
    /// One of the core's figures.
    Figure(SortKey),
    /// "Reproduced in your browser".
    Reproduced,
}

const REPRODUCED_PARAM: &str = "reproduced";

impl Column {
    pub const ALL: [Column; 11] = [
        Column::Figure(SortKey::Model),
        Column::Figure(SortKey::Platform),
        Column::Figure(SortKey::Accuracy),
        Column::Figure(SortKey::JsonOk),
        Column::Figure(SortKey::TtftP50),
        Column::Figure(SortKey::LatencyP50),
        Column::Figure(SortKey::LatencyP90),
        Column::Figure(SortKey::InTokens),
        Column::Figure(SortKey::OutTokens),
        Column::Figure(SortKey::CostPerQuery),
        Column::Reproduced,
    ];

    /// The column's name in the URL and in `data-sort` / CSS classes.
    pub fn key(self) -> &'static str {
        match self {
            Column::Figure(k) => k.as_param(),
            Column::Reproduced => REPRODUCED_PARAM,
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            Column::Figure(k) => k.title(),
            Column::Reproduced => "Reproduced in your browser",
        }
    }

    /// Numbers are right-aligned.
    pub fn is_numeric(self) -> bool {
        !matches!(
            self,
            Column::Figure(SortKey::Model | SortKey::Platform) | Column::Reproduced
        )
    }

    fn default_direction(self) -> Direction {
        match self {
            Column::Figure(k) => k.default_direction(),
            // Most reproduced first.
            Column::Reproduced => Direction::Desc,
        }
    }
}

/// The matrix's sort: a core sort, or by reproduction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum MatrixSort {
    Figure(Sort),
    Reproduced(Direction),
    /// Accuracy, best first (the core's default).
    #[default]
    Default,
}

impl MatrixSort {
    pub fn column(self) -> Column {
        match self {
            MatrixSort::Figure(s) => Column::Figure(s.key),
            MatrixSort::Default => Column::Figure(Sort::default().key),
            MatrixSort::Reproduced(_) => Column::Reproduced,
        }
    }

    pub fn direction(self) -> Direction {
        match self {
            MatrixSort::Figure(s) => s.dir,
            MatrixSort::Default => Sort::default().dir,
            MatrixSort::Reproduced(d) => d,
        }
    }

    fn normalised(self) -> MatrixSort {
        match self {
            MatrixSort::Figure(s) if s == Sort::default() => MatrixSort::Default,
            other => other,
        }
    }

    /// Reads `sort` from the URL (`latency_p50`, `cost_per_query:desc`, `reproduced`).
    /// An unreadable value falls back to the default and says why.
    pub fn from_query(q: &Query) -> (MatrixSort, Option<String>) {
        let Some(value) = q.get("sort").filter(|v| !v.is_empty()) else {
            return (MatrixSort::Default, None);
        };
        let (key, dir) = value
            .split_once(':')
            .map_or((value, None), |(k, d)| (k, Some(d)));
        if key == REPRODUCED_PARAM {
            return match dir {
                None | Some("desc") => (MatrixSort::Reproduced(Direction::Desc), None),
                Some("asc") => (MatrixSort::Reproduced(Direction::Asc), None),
                Some(d) => (
                    MatrixSort::Default,
                    Some(format!(
                        "unknown sort direction {d:?} (expected asc or desc)"
                    )),
                ),
            };
        }
        match Sort::from_param(value) {
            Ok(s) => (MatrixSort::Figure(s).normalised(), None),
            Err(e) => (MatrixSort::Default, Some(e)),
        }
    }

    /// Writes the sort into the URL query (the default sort leaves no trace).
    pub fn to_query(self, q: Query) -> Query {
        let value = match self.normalised() {
            MatrixSort::Default => None,
            MatrixSort::Figure(s) => Some(s.to_param()),
            MatrixSort::Reproduced(Direction::Desc) => Some(REPRODUCED_PARAM.to_string()),
            MatrixSort::Reproduced(Direction::Asc) => Some(format!("{REPRODUCED_PARAM}:asc")),
        };
        q.with("sort", value.as_deref())
    }

    /// The sort after a click on `column`: the active column flips, another starts at
    /// its default direction.
    pub fn clicked(self, column: Column) -> MatrixSort {
        let dir = if column == self.column() {
            match self.direction() {
                Direction::Asc => Direction::Desc,
                Direction::Desc => Direction::Asc,
            }
        } else {
            column.default_direction()
        };
        match column {
            Column::Figure(key) => MatrixSort::Figure(Sort { key, dir }).normalised(),
            Column::Reproduced => MatrixSort::Reproduced(dir),
        }
    }
}

/// Reads `platform` from the URL against the loaded records; an unknown platform
/// falls back to all and says why.
pub fn filter_from_query(q: &Query, records: &[Record]) -> (PlatformFilter, Option<String>) {
    match PlatformFilter::from_param(q.get("platform").unwrap_or(""), records) {
        Ok(f) => (f, None),
        Err(e) => (PlatformFilter::All, Some(e)),
    }
}

/// Writes the platform filter into the URL query (all platforms leaves no trace).
pub fn filter_to_query(filter: &PlatformFilter, q: Query) -> Query {
    match filter {
        PlatformFilter::All => q.with("platform", None),
        f => q.with("platform", Some(&f.to_param())),
    }
}

/// The rows to show (record indices in order) and the winner among them.
#[derive(Debug, Clone, PartialEq)]
pub struct Arranged {
    pub rows: Vec<usize>,
    pub winner: Option<usize>,
}

/// Filters and sorts the records; figure sorts are the core's, the reproduction sort
/// is stable with pending rows last in both directions. The winner is always the
/// core's rule over the shown rows.
pub fn arrange(
    records: &[Record],
    filter: &PlatformFilter,
    sort: MatrixSort,
    reproduction: &ReproductionMap,
) -> Arranged {
    match sort {
        MatrixSort::Figure(s) => {
            let view = matrix(records, filter, s);
            Arranged {
                rows: view.rows,
                winner: view.winner,
            }
        }
        MatrixSort::Default => {
            let view = matrix(records, filter, Sort::default());
            Arranged {
                rows: view.rows,
                winner: view.winner,
            }
        }
        MatrixSort::Reproduced(dir) => {
            let mut rows = filtered(records, filter);
            let share = |i: usize| {
                reproduction
                    .get(&records[i].key)
                    .and_then(Reproduction::share)
            };
            rows.sort_by(|&a, &b| match (share(a), share(b)) {
                (Some(x), Some(y)) => match dir {
                    Direction::Asc => x.total_cmp(&y),
                    Direction::Desc => y.total_cmp(&x),
                },
                (Some(_), None) => std::cmp::Ordering::Less,
                (None, Some(_)) => std::cmp::Ordering::Greater,
                (None, None) => std::cmp::Ordering::Equal,
            });
            let winner = winner(records, &rows);
            Arranged { rows, winner }
        }
    }
}

/// The rows shown (record indices, in order) as a CSV table: figures unrounded
/// (ratios as fractions, times in milliseconds, cost in USD), so a spreadsheet can
/// compute with them; accuracy with its 95 % Wilson bounds. A model whose every
/// call failed has its error and no figures.
pub fn csv_table(records: &[Record], rows: &[usize], reproduction: &ReproductionMap) -> Table {
    let mut t = Table::new([
        "model",
        "platform",
        "sweep",
        "questions",
        "correct",
        "accuracy",
        "accuracy_wilson_lo",
        "accuracy_wilson_hi",
        "json_ok_rate",
        "ttft_p50_ms",
        "latency_p50_ms",
        "latency_p90_ms",
        "mean_prompt_tokens",
        "mean_completion_tokens",
        "cost_per_query_usd",
        "cost_is_estimate",
        "reproduced_scores",
        "error",
    ]);
    let num = |v: Option<f64>| {
        v.filter(|x| x.is_finite())
            .map(|x| format!("{x}"))
            .unwrap_or_default()
    };
    for r in rows.iter().filter_map(|&i| records.get(i)) {
        let s = &r.summary;
        let fatal = r.is_fatal();
        let fig = |v: Option<f64>| if fatal { String::new() } else { num(v) };
        let wilson = r.accuracy_interval().filter(|_| !fatal);
        let reproduced = match reproduction.get(&r.key) {
            Some(Reproduction::Done(c, _)) => format!("{}/{}", c.scores_agree, c.traces),
            Some(Reproduction::Failed(e)) => format!("not run: {e}"),
            Some(Reproduction::RanHere) => "ran in this browser".to_string(),
            Some(Reproduction::Pending) | None => String::new(),
        };
        let estimate = match (fatal, s.cost_per_query_usd) {
            (false, Some(_)) if s.cost_is_estimate => "yes",
            (false, Some(_)) => "no",
            _ => "",
        };
        // As many cells as headers: cannot be ragged.
        let _ = t.push([
            r.model.clone(),
            r.platform.label().to_string(),
            r.source_label.clone(),
            s.n.to_string(),
            if fatal {
                String::new()
            } else {
                s.correct.to_string()
            },
            fig(s.accuracy),
            num(wilson.map(|w| w.lo)),
            num(wilson.map(|w| w.hi)),
            fig(s.json_ok_rate),
            fig(s.median_ttft_ms),
            fig(s.median_latency_ms),
            fig(s.p90_latency_ms),
            fig(s.mean_prompt_tokens),
            fig(s.mean_completion_tokens),
            fig(s.cost_per_query_usd),
            estimate.to_string(),
            reproduced,
            s.fatal_error.clone().unwrap_or_default(),
        ]);
    }
    t
}

/// URL keys of the paired test's two models.
pub const MODEL_A_KEY: &str = "a";
pub const MODEL_B_KEY: &str = "b";

/// Distinct platforms among `records`, in first-seen order (the filter's options).
pub fn platforms(records: &[Record]) -> Vec<Platform> {
    let mut out: Vec<Platform> = Vec::new();
    for r in records {
        if !out.contains(&r.platform) {
            out.push(r.platform.clone());
        }
    }
    out
}

/// The record a URL key (`a=baseten/openai/gpt-oss-120b`) names.
pub fn record_by_key(records: &[Record], key: &str) -> Option<usize> {
    records.iter().position(|r| r.key == key)
}

/// The two models of the paired test: those the URL names, else the winner of
/// the whole matrix and the next model in its default order that did not fail
/// every call ("is the best really better than the runner-up?").
pub fn paired_selection(q: &Query, records: &[Record]) -> (Option<usize>, Option<usize>) {
    let named = |key: &str| q.get(key).and_then(|k| record_by_key(records, k));
    let view = matrix(records, &PlatformFilter::All, Sort::default());
    let a = named(MODEL_A_KEY).or(view.winner);
    let b = named(MODEL_B_KEY).or_else(|| {
        view.rows
            .iter()
            .copied()
            .find(|&i| Some(i) != a && !records[i].is_fatal())
    });
    (a, b)
}

#[cfg(test)]
mod tests {
    use super::*;
    use sqlsweep_core::analysis::records::records;
    use sqlsweep_core::sweep::{ModelRun, Platform, RunMeta, SweepFile, Trace};

    fn run(model: &str, correct: usize) -> ModelRun {
        ModelRun {
            model: model.into(),
            platform: None,
            pricing: None,
            traces: (0..4)
                .map(|i| Trace {
                    qid: format!("q{i}"),
                    correct: i < correct,
                    ..Default::default()
                })
                .collect(),
            recorded: None,
        }
    }

    fn fixture() -> Vec<Record> {
        let sweep = |platform: Platform, models: Vec<ModelRun>| SweepFile {
            schema: "sqlsweep.sweep".into(),
            version: 1,
            run: RunMeta {
                platform: Some(platform),
                ..Default::default()
            },
            models,
        };
        records(&[
            sweep(Platform::Baseten, vec![run("bt/a", 4), run("bt/b", 3)]),
            sweep(Platform::Fireworks, vec![run("fw/c", 2), run("fw/d", 1)]),
        ])
    }

    fn done(scores: u32, rows: u32) -> Reproduction {
        Reproduction::Done(
            ModelVerify {
                model: "m".into(),
                traces: 4,
                scores_agree: scores,
                rows_checked: 4,
                rows_reproduced: rows,
                ..Default::default()
            },
            vec![],
        )
    }

    fn check_sort_query(query: &str, expected: MatrixSort, error: bool, canonical: &str) {
        let (sort, err) = MatrixSort::from_query(&Query::parse(query));
        assert_eq!(sort, expected, "{query}");
        assert_eq!(err.is_some(), error, "{query}: {err:?}");
        assert_eq!(
            sort.to_query(Query::default()).to_string(),
            canonical,
            "{query}"
        );
    }

    #[test]
    fn sort_in_url() {
        use Direction::*;
        let fig = |key, dir| MatrixSort::Figure(Sort { key, dir });
        check_sort_query("", MatrixSort::Default, false, "");
        check_sort_query("sort=accuracy", MatrixSort::Default, false, "");
        check_sort_query(
            "sort=latency_p50",
            fig(SortKey::LatencyP50, Asc),
            false,
            "sort=latency_p50",
        );
        check_sort_query(
            "sort=cost_per_query%3Adesc",
            fig(SortKey::CostPerQuery, Desc),
            false,
            "sort=cost_per_query:desc",
        );
        check_sort_query(
            "sort=reproduced",
            MatrixSort::Reproduced(Desc),
            false,
            "sort=reproduced",
        );
        check_sort_query(
            "sort=reproduced:asc",
            MatrixSort::Reproduced(Asc),
            false,
            "sort=reproduced:asc",
        );
        check_sort_query("sort=reproduced:up", MatrixSort::Default, true, "");
        check_sort_query("sort=nonsense", MatrixSort::Default, true, "");
    }

    #[test]
    fn clicks() {
        use Direction::*;
        let fig = |key, dir| MatrixSort::Figure(Sort { key, dir });
        let cases = [
            (
                MatrixSort::Default,
                Column::Figure(SortKey::Accuracy),
                fig(SortKey::Accuracy, Asc),
            ),
            (
                fig(SortKey::Accuracy, Asc),
                Column::Figure(SortKey::Accuracy),
                MatrixSort::Default,
            ),
            (
                MatrixSort::Default,
                Column::Figure(SortKey::CostPerQuery),
                fig(SortKey::CostPerQuery, Asc),
            ),
            (
                MatrixSort::Default,
                Column::Reproduced,
                MatrixSort::Reproduced(Desc),
            ),
            (
                MatrixSort::Reproduced(Desc),
                Column::Reproduced,
                MatrixSort::Reproduced(Asc),
            ),
            (
                MatrixSort::Reproduced(Asc),
                Column::Figure(SortKey::Model),
                fig(SortKey::Model, Asc),
            ),
        ];
        for (from, click, to) in cases {
            assert_eq!(from.clicked(click), to, "{from:?} + click {click:?}");
        }
    }

    fn check_arrange(
        filter: PlatformFilter,
        sort: MatrixSort,
        repro: &ReproductionMap,
        order: &[&str],
        best: Option<&str>,
    ) {
        let recs = fixture();
        let a = arrange(&recs, &filter, sort, repro);
        let got: Vec<&str> = a.rows.iter().map(|&i| recs[i].label.as_str()).collect();
        assert_eq!(got, order, "{filter:?} {sort:?}");
        assert_eq!(
            a.winner.map(|i| recs[i].label.as_str()),
            best,
            "{filter:?} {sort:?}"
        );
    }

    #[test]
    fn arranges_rows() {
        let recs = fixture();
        let key = |label: &str| recs.iter().find(|r| r.label == label).unwrap().key.clone();
        let repro: ReproductionMap = [
            (key("a"), done(4, 3)),
            (key("b"), done(4, 4)),
            (key("c"), Reproduction::Failed("worker failed".into())),
        ]
        .into_iter()
        .collect();
        let none = ReproductionMap::new();
        let fw = PlatformFilter::Only(Platform::Fireworks);
        check_arrange(
            PlatformFilter::All,
            MatrixSort::Default,
            &none,
            &["a", "b", "c", "d"],
            Some("a"),
        );
        check_arrange(
            fw.clone(),
            MatrixSort::Default,
            &none,
            &["c", "d"],
            Some("c"),
        );
        // By reproduction: most reproduced first, unchecked and failed last, stable.
        check_arrange(
            PlatformFilter::All,
            MatrixSort::Reproduced(Direction::Desc),
            &repro,
            &["b", "a", "c", "d"],
            Some("a"),
        );
        check_arrange(
            PlatformFilter::All,
            MatrixSort::Reproduced(Direction::Asc),
            &repro,
            &["a", "b", "c", "d"],
            Some("a"),
        );
        check_arrange(
            fw,
            MatrixSort::Reproduced(Direction::Desc),
            &none,
            &["c", "d"],
            Some("c"),
        );
    }

    #[test]
    fn platform_filter_in_url() {
        let recs = fixture();
        let cases = [
            ("", PlatformFilter::All, false, ""),
            ("platform=all", PlatformFilter::All, false, ""),
            (
                "platform=Fireworks",
                PlatformFilter::Only(Platform::Fireworks),
                false,
                "platform=fireworks",
            ),
            ("platform=nowhere", PlatformFilter::All, true, ""),
        ];
        for (q, expected, error, canonical) in cases {
            let (f, err) = filter_from_query(&Query::parse(q), &recs);
            assert_eq!(f, expected, "{q}");
            assert_eq!(err.is_some(), error, "{q}: {err:?}");
            assert_eq!(
                filter_to_query(&f, Query::default()).to_string(),
                canonical,
                "{q}"
            );
        }
    }

    fn check_pair(query: &str, expected: (Option<&str>, Option<&str>)) {
        let recs = paired_fixture();
        let (a, b) = paired_selection(&Query::parse(query), &recs);
        let label = |i: Option<usize>| i.map(|i| recs[i].label.as_str());
        assert_eq!((label(a), label(b)), expected, "{query}");
    }

    /// Three models: 2/2, 0/2 (every call failed), 1/2.
    fn paired_fixture() -> Vec<Record> {
        let trace = |q: &str, correct: bool, error: Option<&str>| Trace {
            qid: q.into(),
            correct,
            error: error.map(Into::into),
            ..Trace::default()
        };
        let run = |model: &str, traces: Vec<Trace>| ModelRun {
            model: model.into(),
            platform: Some(Platform::Baseten),
            pricing: None,
            traces,
            recorded: None,
        };
        records(&[SweepFile {
            schema: "sqlsweep.sweep".into(),
            version: 1,
            run: RunMeta::default(),
            models: vec![
                run(
                    "x/best",
                    vec![trace("q1", true, None), trace("q2", true, None)],
                ),
                run(
                    "x/dead",
                    vec![
                        trace("q1", false, Some("503")),
                        trace("q2", false, Some("503")),
                    ],
                ),
                run(
                    "x/half",
                    vec![trace("q1", true, None), trace("q2", false, None)],
                ),
            ],
        }])
    }

    #[test]
    fn paired_defaults_and_url() {
        check_pair("", (Some("best"), Some("half")));
        check_pair("a=baseten/x/half", (Some("half"), Some("best")));
        check_pair(
            "a=baseten/x/half&b=baseten/x/dead",
            (Some("half"), Some("dead")),
        );
        check_pair("b=unknown", (Some("best"), Some("half")));
        assert_eq!(paired_selection(&Query::default(), &[]), (None, None));
        let recs = fixture();
        assert_eq!(
            platforms(&recs),
            vec![Platform::Baseten, Platform::Fireworks]
        );
        assert_eq!(record_by_key(&recs, "fireworks/fw/c"), Some(2));
        assert_eq!(record_by_key(&recs, "nope"), None);
    }
}
