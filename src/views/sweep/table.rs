//! The sweep view's state as plain values: the sort, the platform filter and the
//! two models of the paired test, read from and written to the URL in the core's
//! own forms (`sort=cost_per_query:desc`, `platform=fireworks`, `a=…&b=…`), and
//! where each model's in-browser re-verification stands. No DOM here, so it is
//! tested natively. Which rows show, in which order, and the winner are the
//! core's ([`sqlsweep_core::analysis::matrix`]).

use sqlsweep_core::analysis::matrix::{matrix, Sort};
use sqlsweep_core::analysis::records::{PlatformFilter, Record};
use sqlsweep_core::sweep::Platform;
use sqlsweep_core::verify::{Disagreement, ModelVerify};

use crate::router::Query;

/// URL keys of the view's state.
pub const SORT_KEY: &str = "sort";
pub const PLATFORM_KEY: &str = "platform";
pub const MODEL_A_KEY: &str = "a";
pub const MODEL_B_KEY: &str = "b";

/// Where the in-browser re-verification of one model stands.
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

/// The key of a model's re-verification: the library entry and the model's
/// position in it (stable while the page lives).
pub fn reproduction_key(entry_id: usize, run_index: usize) -> String {
    format!("{entry_id}/{run_index}")
}

/// The sort in the URL; a missing or unknown value gives the default sort and,
/// for an unknown one, a message naming it.
pub fn sort_from_query(q: &Query) -> (Sort, Option<String>) {
    match q.get(SORT_KEY) {
        None | Some("") => (Sort::default(), None),
        Some(s) => match Sort::from_param(s) {
            Ok(sort) => (sort, None),
            Err(e) => (Sort::default(), Some(e)),
        },
    }
}

/// Writes the sort into the URL (the default sort leaves no trace).
pub fn sort_to_query(sort: Sort, q: Query) -> Query {
    let value = (sort != Sort::default()).then(|| sort.to_param());
    q.with(SORT_KEY, value.as_deref())
}

/// The platform filter in the URL, matched against the loaded records; an
/// unknown platform shows every model and a message naming the value.
pub fn filter_from_query(q: &Query, records: &[Record]) -> (PlatformFilter, Option<String>) {
    match q.get(PLATFORM_KEY) {
        None => (PlatformFilter::All, None),
        Some(v) => match PlatformFilter::from_param(v, records) {
            Ok(f) => (f, None),
            Err(e) => (PlatformFilter::All, Some(e)),
        },
    }
}

pub fn filter_to_query(filter: &PlatformFilter, q: Query) -> Query {
    let value = match filter {
        PlatformFilter::All => None,
        other => Some(other.to_param()),
    };
    q.with(PLATFORM_KEY, value.as_deref())
}

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
    use sqlsweep_core::analysis::matrix::{Direction, SortKey};
    use sqlsweep_core::analysis::records::records;
    use sqlsweep_core::sweep::{ModelRun, RunMeta, SweepFile, Trace};

    fn recs() -> Vec<Record> {
        let run = |model: &str| ModelRun {
            model: model.into(),
            platform: None,
            pricing: None,
            traces: vec![Trace {
                qid: "q_001".into(),
                ..Trace::default()
            }],
            recorded: None,
        };
        let sweep = |platform: Platform, models: Vec<ModelRun>| SweepFile {
            schema: sqlsweep_core::sweep::SCHEMA_ID.into(),
            version: sqlsweep_core::sweep::SCHEMA_VERSION,
            run: RunMeta {
                platform: Some(platform),
                ..RunMeta::default()
            },
            models,
        };
        records(&[
            sweep(Platform::Baseten, vec![run("openai/gpt-oss-120b")]),
            sweep(Platform::Fireworks, vec![run("f/kimi")]),
            sweep(Platform::Custom("My Host".into()), vec![run("m")]),
        ])
    }

    fn check_sort(query: &str, expected: Sort, problem: bool, canonical: &str) {
        let (sort, err) = sort_from_query(&Query::parse(query));
        assert_eq!(sort, expected, "{query}");
        assert_eq!(err.is_some(), problem, "{query}: {err:?}");
        assert_eq!(
            sort_to_query(sort, Query::default()).to_string(),
            canonical,
            "{query}"
        );
    }

    #[test]
    fn sort_in_url() {
        let s = |key, dir| Sort { key, dir };
        check_sort("", Sort::default(), false, "");
        check_sort("sort=accuracy", Sort::default(), false, "");
        check_sort(
            "sort=latency_p50",
            s(SortKey::LatencyP50, Direction::Asc),
            false,
            "sort=latency_p50",
        );
        check_sort(
            "sort=cost_per_query:desc",
            s(SortKey::CostPerQuery, Direction::Desc),
            false,
            "sort=cost_per_query%3Adesc",
        );
        check_sort("sort=speed", Sort::default(), true, "");
        check_sort("sort=model:sideways", Sort::default(), true, "");
    }

    fn check_filter(query: &str, expected: PlatformFilter, problem: bool, canonical: &str) {
        let recs = recs();
        let (f, err) = filter_from_query(&Query::parse(query), &recs);
        assert_eq!(f, expected, "{query}");
        assert_eq!(err.is_some(), problem, "{query}");
        assert_eq!(filter_to_query(&f, Query::default()).to_string(), canonical);
    }

    #[test]
    fn filter_in_url() {
        check_filter("", PlatformFilter::All, false, "");
        check_filter("platform=all", PlatformFilter::All, false, "");
        check_filter(
            "platform=Baseten",
            PlatformFilter::Only(Platform::Baseten),
            false,
            "platform=baseten",
        );
        check_filter(
            "platform=my-host",
            PlatformFilter::Only(Platform::Custom("My Host".into())),
            false,
            "platform=my-host",
        );
        check_filter("platform=together", PlatformFilter::All, true, "");
    }

    #[test]
    fn platforms_and_keys() {
        let recs = recs();
        assert_eq!(
            platforms(&recs),
            vec![
                Platform::Baseten,
                Platform::Fireworks,
                Platform::Custom("My Host".into())
            ]
        );
        assert_eq!(record_by_key(&recs, "fireworks/f/kimi"), Some(1));
        assert_eq!(record_by_key(&recs, "nope"), None);
        assert_eq!(reproduction_key(3, 1), "3/1");
    }

    fn check_pair(query: &str, expected: (Option<&str>, Option<&str>)) {
        let recs = scored();
        let (a, b) = paired_selection(&Query::parse(query), &recs);
        let label = |i: Option<usize>| i.map(|i| recs[i].label.as_str());
        assert_eq!((label(a), label(b)), expected, "{query}");
    }

    /// Three models: 2/2, 0/2 (every call failed), 1/2.
    fn scored() -> Vec<Record> {
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
            schema: sqlsweep_core::sweep::SCHEMA_ID.into(),
            version: sqlsweep_core::sweep::SCHEMA_VERSION,
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
    }
}
