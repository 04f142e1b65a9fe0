//! The sweep matrix: which rows, in which order, and which one is the winner.
//!
//! Rules (original-dashboard.md §1.2, with one deliberate change):
//! - each column has a default direction: text ascending; accuracy, JSON OK and token
//!   means descending; TTFT, latencies and $/query ascending ("best first");
//! - nulls sort last in both directions; the sort is stable, so ties keep record
//!   order (Baseten first, then Fireworks for the published data);
//! - "Model" sorts by the full id, case-insensitively;
//! - **change:** a model whose every call failed has no measurements, so its figures
//!   sort as nulls (last) instead of as 0 % / 0 tokens;
//! - the winner is the highest accuracy, then the lowest $/query (unpriced = +∞),
//!   then the first in the shown order; fatal-error models never win.

use std::cmp::Ordering;

use serde::{Deserialize, Serialize};

use super::records::{filtered, PlatformFilter, Record};

/// A sortable column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SortKey {
    Model,
    Platform,
    Accuracy,
    JsonOk,
    TtftP50,
    LatencyP50,
    LatencyP90,
    InTokens,
    OutTokens,
    CostPerQuery,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    Asc,
    Desc,
}

impl Direction {
    pub fn flipped(self) -> Direction {
        match self {
            Direction::Asc => Direction::Desc,
            Direction::Desc => Direction::Asc,
        }
    }
}

impl SortKey {
    pub const ALL: [SortKey; 10] = [
        SortKey::Model,
        SortKey::Platform,
        SortKey::Accuracy,
        SortKey::JsonOk,
        SortKey::TtftP50,
        SortKey::LatencyP50,
        SortKey::LatencyP90,
        SortKey::InTokens,
        SortKey::OutTokens,
        SortKey::CostPerQuery,
    ];

    /// The direction a first click on this column sorts in.
    pub fn default_direction(self) -> Direction {
        match self {
            SortKey::Model | SortKey::Platform => Direction::Asc,
            SortKey::Accuracy | SortKey::JsonOk | SortKey::InTokens | SortKey::OutTokens => {
                Direction::Desc
            }
            SortKey::TtftP50
            | SortKey::LatencyP50
            | SortKey::LatencyP90
            | SortKey::CostPerQuery => Direction::Asc,
        }
    }

    /// URL / serde name (`latency_p50`, …).
    pub fn as_param(self) -> &'static str {
        match self {
            SortKey::Model => "model",
            SortKey::Platform => "platform",
            SortKey::Accuracy => "accuracy",
            SortKey::JsonOk => "json_ok",
            SortKey::TtftP50 => "ttft_p50",
            SortKey::LatencyP50 => "latency_p50",
            SortKey::LatencyP90 => "latency_p90",
            SortKey::InTokens => "in_tokens",
            SortKey::OutTokens => "out_tokens",
            SortKey::CostPerQuery => "cost_per_query",
        }
    }

    pub fn from_param(s: &str) -> Option<SortKey> {
        SortKey::ALL.into_iter().find(|k| k.as_param() == s)
    }

    /// Column header.
    pub fn title(self) -> &'static str {
        match self {
            SortKey::Model => "Model",
            SortKey::Platform => "Platform",
            SortKey::Accuracy => "Accuracy",
            SortKey::JsonOk => "JSON OK",
            SortKey::TtftP50 => "TTFT p50",
            SortKey::LatencyP50 => "Latency p50",
            SortKey::LatencyP90 => "Latency p90",
            SortKey::InTokens => "In tok",
            SortKey::OutTokens => "Out tok",
            SortKey::CostPerQuery => "$/query",
        }
    }
}

/// The current sort: a column and a direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sort {
    pub key: SortKey,
    pub dir: Direction,
}

impl Default for Sort {
    /// Accuracy, descending — the original's initial order.
    fn default() -> Self {
        Sort {
            key: SortKey::Accuracy,
            dir: Direction::Desc,
        }
    }
}

impl Sort {
    /// The sort after a click on `key`: the same column flips, a new column takes its
    /// default direction.
    pub fn clicked(self, key: SortKey) -> Sort {
        if key == self.key {
            Sort {
                key,
                dir: self.dir.flipped(),
            }
        } else {
            Sort {
                key,
                dir: key.default_direction(),
            }
        }
    }

    /// URL form `key` or `key:asc` / `key:desc` (the direction is omitted when default).
    pub fn to_param(self) -> String {
        if self.dir == self.key.default_direction() {
            self.key.as_param().to_string()
        } else {
            format!(
                "{}:{}",
                self.key.as_param(),
                if self.dir == Direction::Asc {
                    "asc"
                } else {
                    "desc"
                }
            )
        }
    }

    pub fn from_param(s: &str) -> Result<Sort, String> {
        let (k, d) = s.split_once(':').map_or((s, None), |(k, d)| (k, Some(d)));
        let key = SortKey::from_param(k).ok_or_else(|| format!("unknown sort column {k:?}"))?;
        let dir = match d {
            None => key.default_direction(),
            Some("asc") => Direction::Asc,
            Some("desc") => Direction::Desc,
            Some(other) => {
                return Err(format!(
                    "unknown sort direction {other:?} (expected asc or desc)"
                ))
            }
        };
        Ok(Sort { key, dir })
    }
}

enum SortValue<'a> {
    Text(&'a str),
    Num(Option<f64>),
}

fn sort_value(r: &Record, key: SortKey) -> SortValue<'_> {
    let s = &r.summary;
    let measured = |v: Option<f64>| {
        if r.is_fatal() {
            None
        } else {
            v.filter(|x| !x.is_nan())
        }
    };
    match key {
        SortKey::Model => SortValue::Text(&r.model),
        SortKey::Platform => SortValue::Text(r.platform.label()),
        SortKey::Accuracy => SortValue::Num(measured(s.accuracy)),
        SortKey::JsonOk => SortValue::Num(measured(s.json_ok_rate)),
        SortKey::TtftP50 => SortValue::Num(measured(s.median_ttft_ms)),
        SortKey::LatencyP50 => SortValue::Num(measured(s.median_latency_ms)),
        SortKey::LatencyP90 => SortValue::Num(measured(s.p90_latency_ms)),
        SortKey::InTokens => SortValue::Num(measured(s.mean_prompt_tokens)),
        SortKey::OutTokens => SortValue::Num(measured(s.mean_completion_tokens)),
        SortKey::CostPerQuery => SortValue::Num(measured(s.cost_per_query_usd)),
    }
}

/// Case-insensitive for ASCII (model and platform ids are ASCII), then exact; no
/// Unicode case tables, which would weigh on the page's first load.
fn compare_text(a: &str, b: &str) -> Ordering {
    let folded = |s: &str| {
        s.bytes()
            .map(|b| b.to_ascii_lowercase())
            .collect::<Vec<u8>>()
    };
    folded(a).cmp(&folded(b)).then_with(|| a.cmp(b))
}

/// Sorts `indices` (into `records`) by `sort`, stably, nulls last in both directions.
pub fn sort_indices(records: &[Record], indices: &mut [usize], sort: Sort) {
    indices.sort_by(|&a, &b| {
        match (
            sort_value(&records[a], sort.key),
            sort_value(&records[b], sort.key),
        ) {
            (SortValue::Text(x), SortValue::Text(y)) => {
                let o = compare_text(x, y);
                if sort.dir == Direction::Asc {
                    o
                } else {
                    o.reverse()
                }
            }
            (SortValue::Num(x), SortValue::Num(y)) => match (x, y) {
                (Some(x), Some(y)) => {
                    let o = x.total_cmp(&y);
                    if sort.dir == Direction::Asc {
                        o
                    } else {
                        o.reverse()
                    }
                }
                (Some(_), None) => Ordering::Less,
                (None, Some(_)) => Ordering::Greater,
                (None, None) => Ordering::Equal,
            },
            _ => Ordering::Equal,
        }
    });
}

/// The winner among `indices`: highest accuracy, then lowest $/query (unpriced
/// counts as +∞), then the first in `indices` order. Fatal-error records never win.
pub fn winner(records: &[Record], indices: &[usize]) -> Option<usize> {
    let mut best: Option<usize> = None;
    for &i in indices {
        let r = &records[i];
        let Some(acc) = r.summary.accuracy.filter(|_| !r.is_fatal()) else {
            continue;
        };
        let cost = r.cost_per_query().unwrap_or(f64::INFINITY);
        match best {
            None => best = Some(i),
            Some(b) => {
                let (bacc, bcost) = (
                    records[b].summary.accuracy.unwrap_or(0.0),
                    records[b].cost_per_query().unwrap_or(f64::INFINITY),
                );
                if acc > bacc || (acc == bacc && cost < bcost) {
                    best = Some(i);
                }
            }
        }
    }
    best
}

/// The matrix as shown: filtered, sorted, winner marked.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MatrixView {
    /// Record indices in display order.
    pub rows: Vec<usize>,
    /// The winner's record index (also present in `rows`).
    pub winner: Option<usize>,
    pub sort: Sort,
    /// Rows shown / records loaded ("Showing 5 of 15 models").
    pub shown: usize,
    pub total: usize,
}

/// Filters, sorts and picks the winner of the matrix.
pub fn matrix(records: &[Record], filter: &PlatformFilter, sort: Sort) -> MatrixView {
    let mut rows = filtered(records, filter);
    sort_indices(records, &mut rows, sort);
    let winner = winner(records, &rows);
    MatrixView {
        shown: rows.len(),
        total: records.len(),
        rows,
        winner,
        sort,
    }
}

#[cfg(test)]
mod tests {
    use super::super::records::records;
    use super::super::records::testing::*;
    use super::*;
    use crate::sweep::Platform;

    fn sample() -> Vec<Record> {
        let bt = sweep(
            "bt",
            Platform::Baseten,
            vec![
                model("openai/gpt-oss-120b", GPT_OSS),
                model("deepseek-ai/DeepSeek-V3.1", DEEPSEEK),
                fatal_run("zai-org/GLM-5", Platform::Baseten, 25, "503"),
                run("x/unpriced", Platform::Baseten, 23, 25, (700, 80), None),
            ],
        );
        let fw = sweep(
            "fw",
            Platform::Fireworks,
            vec![
                model("accounts/fireworks/models/kimi-k2p6", KIMI_K2P6),
                model("accounts/fireworks/models/kimi-k2p5", KIMI_K2P5),
            ],
        );
        records(&[bt, fw])
    }

    fn labels(recs: &[Record], rows: &[usize]) -> Vec<String> {
        rows.iter().map(|&i| recs[i].label.clone()).collect()
    }

    fn check(filter: PlatformFilter, sort: Sort, expected: &[&str], winner: Option<&str>) {
        let recs = sample();
        let view = matrix(&recs, &filter, sort);
        assert_eq!(labels(&recs, &view.rows), expected, "{filter:?} {sort:?}");
        assert_eq!(
            view.winner.map(|w| recs[w].label.as_str()),
            winner,
            "{filter:?} {sort:?}"
        );
        assert_eq!((view.shown, view.total), (expected.len(), recs.len()));
    }

    #[test]
    fn sorting_and_winner() {
        use SortKey::*;
        let s = |key, dir| Sort { key, dir };
        // Default: accuracy desc; ties keep file order; the fatal model sorts last (null).
        check(
            PlatformFilter::All,
            Sort::default(),
            &[
                "gpt-oss-120b",
                "DeepSeek-V3.1",
                "unpriced",
                "kimi-k2p6",
                "kimi-k2p5",
                "GLM-5",
            ],
            Some("gpt-oss-120b"),
        );
        // Ascending accuracy: still nulls (the fatal model) last.
        check(
            PlatformFilter::All,
            s(Accuracy, Direction::Asc),
            &[
                "DeepSeek-V3.1",
                "unpriced",
                "kimi-k2p6",
                "kimi-k2p5",
                "gpt-oss-120b",
                "GLM-5",
            ],
            Some("gpt-oss-120b"),
        );
        // Cost ascending: unpriced and fatal last, in record order.
        check(
            PlatformFilter::All,
            s(CostPerQuery, Direction::Asc),
            &[
                "gpt-oss-120b",
                "DeepSeek-V3.1",
                "kimi-k2p5",
                "kimi-k2p6",
                "GLM-5",
                "unpriced",
            ],
            Some("gpt-oss-120b"),
        );
        check(
            PlatformFilter::All,
            s(CostPerQuery, Direction::Desc),
            &[
                "kimi-k2p6",
                "kimi-k2p5",
                "DeepSeek-V3.1",
                "gpt-oss-120b",
                "GLM-5",
                "unpriced",
            ],
            Some("gpt-oss-120b"),
        );
        // Model sorts by full id, case-insensitively.
        check(
            PlatformFilter::All,
            s(Model, Direction::Asc),
            &[
                "kimi-k2p5",
                "kimi-k2p6",
                "DeepSeek-V3.1",
                "gpt-oss-120b",
                "unpriced",
                "GLM-5",
            ],
            Some("gpt-oss-120b"),
        );
        // Fireworks only: the tie at 92 % is broken by the lower (proxied) cost.
        check(
            PlatformFilter::Only(crate::sweep::Platform::Fireworks),
            Sort::default(),
            &["kimi-k2p6", "kimi-k2p5"],
            Some("kimi-k2p5"),
        );
        // A platform with no records: an empty matrix and no winner.
        check(
            PlatformFilter::Only(crate::sweep::Platform::Custom("none".into())),
            Sort::default(),
            &[],
            None,
        );
    }

    #[test]
    fn winner_tie_breaks() {
        let recs = sample();
        // Among the three 92 % models: DeepSeek (cheaper) over unpriced (∞) and kimi-k2p6.
        assert_eq!(
            winner(&recs, &[3, 4, 1]).map(|i| recs[i].label.as_str()),
            Some("DeepSeek-V3.1")
        );
        // Equal cost and accuracy: the first in the given order.
        assert_eq!(
            winner(&recs, &[3]).map(|i| recs[i].label.as_str()),
            Some("unpriced")
        );
        assert_eq!(winner(&recs, &[2]), None, "a fatal-error model never wins");
    }

    fn check_click(from: Sort, key: SortKey, expected: Sort) {
        assert_eq!(from.clicked(key), expected);
        assert_eq!(Sort::from_param(&expected.to_param()), Ok(expected));
    }

    #[test]
    fn clicks_and_params() {
        use SortKey::*;
        for key in SortKey::ALL {
            assert_eq!(SortKey::from_param(key.as_param()), Some(key));
        }
        check_click(
            Sort::default(),
            Accuracy,
            Sort {
                key: Accuracy,
                dir: Direction::Asc,
            },
        );
        check_click(
            Sort::default(),
            LatencyP50,
            Sort {
                key: LatencyP50,
                dir: Direction::Asc,
            },
        );
        check_click(
            Sort::default(),
            InTokens,
            Sort {
                key: InTokens,
                dir: Direction::Desc,
            },
        );
        check_click(
            Sort::default(),
            Model,
            Sort {
                key: Model,
                dir: Direction::Asc,
            },
        );
        assert_eq!(
            Sort {
                key: Accuracy,
                dir: Direction::Asc
            }
            .to_param(),
            "accuracy:asc"
        );
        assert!(Sort::from_param("speed").unwrap_err().contains("speed"));
        assert!(Sort::from_param("accuracy:up").unwrap_err().contains("up"));
    }
}
