//! Quality: the agent run's score board, its evaluation log and failure analysis,
//! and the customer baseline's score — all recomputed from the published files
//! (the original hard-coded the baseline's "2/10").

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::intervals::{mcnemar, wilson, PairedComparison, ProportionInterval};
use super::taxonomy::outcome_from_error;
use crate::outcome::Outcome;
use crate::published::agent_eval::{AgentEval, Tally};
use crate::published::baseline::BaselineResults;
use crate::stats::median;

/// Correct of total, with its interval.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Score {
    pub correct: u32,
    pub total: u32,
    pub interval: Option<ProportionInterval>,
}

impl Score {
    pub fn new(correct: u32, total: u32) -> Score {
        Score {
            correct,
            total,
            interval: wilson(correct, total),
        }
    }
    /// Rounded percentage, as the original's `round(accuracy × 100)`.
    pub fn percent(&self) -> Option<u32> {
        (self.total > 0).then(|| (self.correct as f64 * 100.0 / self.total as f64).round() as u32)
    }
}

/// One question the agent got wrong.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Miss {
    pub qid: String,
    pub set: String,
    pub tier: Option<u8>,
    pub question: Option<String>,
    pub sql: Option<String>,
    /// The error, when the run errored; `None` when the SQL ran but the rows differed.
    pub error: Option<String>,
    pub outcome: Outcome,
}

impl Miss {
    /// "Errored: …" or the did-not-match sentence.
    pub fn reason(&self) -> String {
        match &self.error {
            Some(e) => format!("Errored: {e}"),
            None => "The SQL ran, but its result set did not match the gold answer.".into(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AgentBoard {
    pub model: String,
    pub harness: Option<String>,
    /// Per set ("dev", "synth", …) in first-seen order.
    pub sets: Vec<(String, Score)>,
    pub combined: Score,
    pub by_tier: Vec<(u8, Score)>,
    pub misses: Vec<Miss>,
    pub median_latency_ms: Option<f64>,
    pub repairs: u32,
    /// Questions that needed at least one repair turn.
    pub repaired_questions: u32,
    /// Where the file's stated totals disagree with the recount (empty when they agree).
    pub stated_mismatches: Vec<String>,
}

/// The agent's verdict on one question, for the question cards.
pub fn verdict<'a>(
    eval: &'a AgentEval,
    qid: &str,
) -> Option<&'a crate::published::agent_eval::AgentResult> {
    eval.results.iter().find(|r| r.qid == qid)
}

/// Recomputes the score board from the per-question results.
pub fn agent_board(eval: &AgentEval) -> AgentBoard {
    let mut sets: Vec<(String, Score)> = Vec::new();
    let mut tiers: BTreeMap<u8, (u32, u32)> = BTreeMap::new();
    for r in &eval.results {
        match sets.iter_mut().find(|(s, _)| *s == r.set) {
            Some((_, sc)) => *sc = Score::new(sc.correct + r.correct as u32, sc.total + 1),
            None => sets.push((r.set.clone(), Score::new(r.correct as u32, 1))),
        }
        if let Some(t) = r.tier {
            let e = tiers.entry(t).or_insert((0, 0));
            e.0 += r.correct as u32;
            e.1 += 1;
        }
    }
    let correct = eval.results.iter().filter(|r| r.correct).count() as u32;
    let combined = Score::new(correct, eval.results.len() as u32);
    let latencies: Vec<f64> = eval.results.iter().filter_map(|r| r.latency_ms).collect();
    let misses = eval
        .results
        .iter()
        .filter(|r| !r.correct)
        .map(|r| Miss {
            qid: r.qid.clone(),
            set: r.set.clone(),
            tier: r.tier,
            question: r.question.clone(),
            sql: r.sql.clone(),
            error: r.error.clone(),
            outcome: match &r.error {
                Some(e) => {
                    outcome_from_error(e, r.sql.as_deref().is_some_and(|s| !s.trim().is_empty()))
                }
                None => Outcome::WrongRows,
            },
        })
        .collect();
    let mut stated_mismatches = Vec::new();
    let mut compare = |name: &str, stated: Option<Tally>, got: Option<Score>| {
        if let Some(s) = stated {
            let (c, t) = got.map_or((0, 0), |g| (g.correct, g.total));
            if (s.correct, s.total) != (c, t) {
                stated_mismatches.push(format!(
                    "{name}: file states {}/{}, results give {c}/{t}",
                    s.correct, s.total
                ));
            }
        }
    };
    let set_score = |name: &str| sets.iter().find(|(s, _)| s == name).map(|(_, sc)| *sc);
    compare("dev", eval.dev, set_score("dev"));
    compare("synth", eval.synth, set_score("synth"));
    compare("combined", eval.combined, Some(combined));
    for (k, stated) in &eval.by_tier {
        let got = k
            .parse::<u8>()
            .ok()
            .and_then(|t| tiers.get(&t))
            .map(|&(c, n)| Score::new(c, n));
        compare(&format!("tier {k}"), Some(*stated), got);
    }
    let median_latency_ms = median(&latencies);
    if let (Some(stated), Some(got)) = (eval.median_latency_ms, median_latency_ms) {
        if (stated - got).abs() > 0.5 {
            stated_mismatches.push(format!(
                "median latency: file states {stated} ms, results give {got} ms"
            ));
        }
    }
    let repairs = eval.results.iter().filter_map(|r| r.repairs).sum();
    if let Some(stated) = eval.total_repairs {
        if stated != repairs {
            stated_mismatches.push(format!(
                "repairs: file states {stated}, results give {repairs}"
            ));
        }
    }
    AgentBoard {
        model: eval.model.clone(),
        harness: eval.harness.clone(),
        sets,
        combined,
        by_tier: tiers
            .into_iter()
            .map(|(t, (c, n))| (t, Score::new(c, n)))
            .collect(),
        misses,
        median_latency_ms,
        repairs,
        repaired_questions: eval
            .results
            .iter()
            .filter(|r| r.repairs.unwrap_or(0) > 0)
            .count() as u32,
        stated_mismatches,
    }
}

/// The evaluation log as terminal-style lines (rendered as text, never HTML).
pub fn evaluation_log(eval: &AgentEval, file_name: &str) -> Vec<String> {
    let board = agent_board(eval);
    let mut lines = vec![
        "$ python scripts/agent_eval.py".to_string(),
        format!("=== {} ===", eval.model),
    ];
    if let Some(h) = &eval.harness {
        lines.push(h.clone());
    }
    lines.push(format!(
        "{:<8}{:<7}{:<6}{:<4}{:>9}{:>5}  note",
        "qid", "set", "tier", "ok", "lat ms", "rep"
    ));
    lines.push("-".repeat(78));
    for r in &eval.results {
        let ok = if r.correct {
            "Y"
        } else if r.error.is_some() {
            "E"
        } else {
            "N"
        };
        let note = match (&r.error, r.correct) {
            (Some(e), _) => truncate(&format!("ERROR: {}", e.replace('\n', " ")), 44),
            (None, false) => "result set did not match gold".to_string(),
            (None, true) => String::new(),
        };
        let lat = r
            .latency_ms
            .map_or("—".to_string(), |l| format!("{}", l.round() as i64));
        let tier = r.tier.map_or("—".to_string(), |t| t.to_string());
        let rep = r.repairs.map_or("—".to_string(), |x| x.to_string());
        lines.push(
            format!(
                "{:<8}{:<7}{:<6}{:<4}{:>9}{:>5}  {note}",
                r.qid, r.set, tier, ok, lat, rep
            )
            .trim_end()
            .to_string(),
        );
    }
    let set_text: Vec<String> = board
        .sets
        .iter()
        .map(|(s, sc)| format!("{s} {}/{}", sc.correct, sc.total))
        .collect();
    lines.push(format!(
        "{} · combined {}/{} ({}%)",
        set_text.join(" · "),
        board.combined.correct,
        board.combined.total,
        board.combined.percent().unwrap_or(0)
    ));
    lines.push(format!(
        "median latency: {} · repair turns used: {}",
        board
            .median_latency_ms
            .map_or("—".to_string(), |m| format!("{} ms", m.round() as i64)),
        board.repairs
    ));
    for (t, sc) in &board.by_tier {
        lines.push(format!("tier {t}: {}/{}", sc.correct, sc.total));
    }
    lines.push(format!("wrote {file_name}"));
    lines
}

fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() > max {
        format!("{}…", s.chars().take(max - 1).collect::<String>())
    } else {
        s.to_string()
    }
}

/// A gold question as the cards need it (borrowed from the gold set).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct QuestionRef<'a> {
    pub id: &'a str,
    pub question: &'a str,
    pub tier: u8,
    pub pattern: Option<&'a str>,
}

impl<'a> From<&'a crate::gold::GoldQuestion> for QuestionRef<'a> {
    fn from(q: &'a crate::gold::GoldQuestion) -> Self {
        QuestionRef {
            id: &q.id,
            question: &q.question,
            tier: q.tier,
            pattern: q.pattern.as_deref(),
        }
    }
}

/// Cards for every question of a gold set, in gold order.
pub fn gold_cards(gold: &crate::gold::GoldSet, eval: Option<&AgentEval>) -> Vec<QuestionCard> {
    question_cards(gold.questions.iter().map(QuestionRef::from), eval)
}

/// One question card of the Quality view.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QuestionCard {
    pub id: String,
    /// "dev" or "synth" — from the agent run when it has the question, else from the id
    /// (`q_…` dev, `s_…` synthetic).
    pub set: String,
    pub tier: u8,
    /// The SQL pattern, or for questions without one the tier's word
    /// (1 easy, 2 intermediate, 3 advanced).
    pub kind: String,
    pub question: String,
    /// The agent run's verdict; `None` when it did not run this question.
    pub agent_correct: Option<bool>,
}

/// The word for a difficulty tier.
pub fn tier_word(tier: u8) -> String {
    match tier {
        1 => "easy".into(),
        2 => "intermediate".into(),
        3 => "advanced".into(),
        t => format!("tier {t}"),
    }
}

/// Cards for the gold questions, in gold order, with the agent's verdicts.
pub fn question_cards<'a>(
    questions: impl IntoIterator<Item = QuestionRef<'a>>,
    eval: Option<&AgentEval>,
) -> Vec<QuestionCard> {
    questions
        .into_iter()
        .map(|q| {
            let result = eval.and_then(|e| verdict(e, q.id));
            let set = result.map(|r| r.set.clone()).unwrap_or_else(|| {
                if q.id.starts_with("s_") {
                    "synth".into()
                } else {
                    "dev".into()
                }
            });
            QuestionCard {
                id: q.id.to_string(),
                set,
                tier: q.tier,
                kind: q
                    .pattern
                    .map_or_else(|| tier_word(q.tier), |p| p.replace('_', " ")),
                question: q.question.to_string(),
                agent_correct: result.map(|r| r.correct),
            }
        })
        .collect()
}

/// The customer baseline's score, recounted from its per-question entries.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BaselineScore {
    pub model: Option<String>,
    pub approach: Option<String>,
    pub score: Score,
    pub by_tier: Vec<(u8, Score)>,
    /// Why the misses failed, by class (SQL error, rate limited, wrong rows…).
    pub failures_by_class: BTreeMap<Outcome, u32>,
    /// The `_summary.accuracy` string as written ("2/10"), and whether the recount agrees.
    pub stated: Option<String>,
    pub stated_agrees: Option<bool>,
    pub median_latency_ms: Option<f64>,
}

pub fn baseline_score(b: &BaselineResults) -> BaselineScore {
    let correct = b.entries.iter().filter(|e| e.correct).count() as u32;
    let score = Score::new(correct, b.entries.len() as u32);
    let mut tiers: BTreeMap<u8, (u32, u32)> = BTreeMap::new();
    let mut failures_by_class = BTreeMap::new();
    for e in &b.entries {
        if let Some(t) = e.tier {
            let x = tiers.entry(t).or_insert((0, 0));
            x.0 += e.correct as u32;
            x.1 += 1;
        }
        if !e.correct {
            let o = match &e.error {
                Some(err) => {
                    outcome_from_error(err, e.sql.as_deref().is_some_and(|s| !s.trim().is_empty()))
                }
                None if e.sql.as_deref().is_none_or(|s| s.trim().is_empty()) => Outcome::NoSql,
                None => Outcome::WrongRows,
            };
            *failures_by_class.entry(o).or_insert(0) += 1;
        }
    }
    let summary = b.summary.as_ref();
    let stated = summary.and_then(|s| s.accuracy.clone());
    let stated_agrees = stated
        .as_deref()
        .map(|s| s.replace(' ', "") == format!("{}/{}", score.correct, score.total));
    BaselineScore {
        model: summary.and_then(|s| s.model.clone()),
        approach: summary.and_then(|s| s.approach.clone()),
        score,
        by_tier: tiers
            .into_iter()
            .map(|(t, (c, n))| (t, Score::new(c, n)))
            .collect(),
        failures_by_class,
        stated,
        stated_agrees,
        median_latency_ms: summary.and_then(|s| s.median_latency_ms),
    }
}

/// Baseline vs agent on the questions both ran (A = agent, B = baseline).
pub fn baseline_vs_agent(eval: &AgentEval, b: &BaselineResults) -> PairedComparison {
    let agent: Vec<(String, bool)> = eval
        .results
        .iter()
        .map(|r| (r.qid.clone(), r.correct))
        .collect();
    let base: Vec<(String, bool)> = b
        .entries
        .iter()
        .map(|e| (e.qid.clone(), e.correct))
        .collect();
    let mut c = mcnemar(&agent, &base);
    // Questions only the agent ran are expected (the baseline covers the dev set only).
    c.unpaired = 0;
    c
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::published::agent_eval::AgentResult;
    use crate::published::baseline::{BaselineEntry, BaselineSummary};

    fn res(
        qid: &str,
        set: &str,
        tier: u8,
        correct: bool,
        lat: f64,
        error: Option<&str>,
    ) -> AgentResult {
        AgentResult {
            qid: qid.into(),
            set: set.into(),
            tier: Some(tier),
            question: Some(format!("question {qid}")),
            correct,
            repairs: Some((qid == "q_002") as u32),
            latency_ms: Some(lat),
            sql: Some("SELECT 1".into()),
            error: error.map(Into::into),
        }
    }

    fn eval() -> AgentEval {
        AgentEval {
            model: "accounts/fireworks/models/kimi-k2p6".into(),
            harness: Some("SqlAgent".into()),
            n_questions: Some(4),
            dev: Some(Tally { correct: 2, total: 2 }),
            synth: Some(Tally { correct: 1, total: 2 }),
            combined: Some(Tally { correct: 3, total: 4 }),
            by_tier: [("1".to_string(), Tally { correct: 2, total: 2 }), ("3".to_string(), Tally { correct: 1, total: 1 })].into_iter().collect(),
            median_latency_ms: Some(1500.0),
            total_repairs: Some(1),
            results: vec![
                res("q_001", "dev", 1, true, 1000.0, None),
                res("q_002", "dev", 1, true, 2000.0, None),
                res("s_001", "synth", 3, false, 5000.0, None),
                res("s_002", "synth", 2, false, 900.0, Some("model call failed: Error code: 429 - rate limited, please retry after a while")),
            ],
        }
    }

    #[test]
    fn board_recounts_and_reports_disagreements() {
        let b = agent_board(&eval());
        assert_eq!(
            b.sets
                .iter()
                .map(|(s, sc)| (s.as_str(), sc.correct, sc.total))
                .collect::<Vec<_>>(),
            [("dev", 2, 2), ("synth", 0, 2)]
        );
        assert_eq!(
            (b.combined.correct, b.combined.total, b.combined.percent()),
            (2, 4, Some(50))
        );
        assert_eq!(
            b.by_tier
                .iter()
                .map(|(t, s)| (*t, s.correct, s.total))
                .collect::<Vec<_>>(),
            [(1, 2, 2), (2, 0, 1), (3, 0, 1)]
        );
        assert_eq!(
            b.misses
                .iter()
                .map(|m| (m.qid.as_str(), m.outcome))
                .collect::<Vec<_>>(),
            [
                ("s_001", Outcome::WrongRows),
                ("s_002", Outcome::RateLimited)
            ]
        );
        assert!(b.misses[0].reason().contains("did not match"));
        assert_eq!(
            (b.median_latency_ms, b.repairs, b.repaired_questions),
            (Some(1500.0), 1, 1)
        );
        assert_eq!(
            b.stated_mismatches,
            [
                "synth: file states 1/2, results give 0/2",
                "combined: file states 3/4, results give 2/4",
                "tier 3: file states 1/1, results give 0/1",
            ]
        );
    }

    #[test]
    fn log_lines() {
        let lines = evaluation_log(&eval(), "agent_eval.json");
        assert_eq!(lines[0], "$ python scripts/agent_eval.py");
        assert_eq!(lines[1], "=== accounts/fireworks/models/kimi-k2p6 ===");
        assert_eq!(lines[3], "qid     set    tier  ok     lat ms  rep  note");
        assert_eq!(lines[4].len(), 78);
        assert_eq!(lines[5], "q_001   dev    1     Y        1000    0");
        assert_eq!(
            lines[7],
            "s_001   synth  3     N        5000    0  result set did not match gold"
        );
        assert_eq!(
            lines[8],
            "s_002   synth  2     E         900    0  ERROR: model call failed: Error code: 429 -…"
        );
        assert_eq!(lines[9], "dev 2/2 · synth 0/2 · combined 2/4 (50%)");
        assert_eq!(lines[10], "median latency: 1500 ms · repair turns used: 1");
        assert_eq!(
            &lines[11..],
            [
                "tier 1: 2/2",
                "tier 2: 0/1",
                "tier 3: 0/1",
                "wrote agent_eval.json"
            ]
        );
    }

    #[rustfmt::skip]
    #[test]
    fn cards() {
        let e = eval();
        let qs = [
            QuestionRef { id: "q_001", question: "Top genres?", tier: 1, pattern: None },
            QuestionRef { id: "s_001", question: "Longer than average?", tier: 3, pattern: Some("scalar_subquery") },
            QuestionRef { id: "s_099", question: "Not run", tier: 4, pattern: None },
        ];
        let cards = question_cards(qs, Some(&e));
        let got: Vec<(&str, &str, &str, Option<bool>)> = cards.iter().map(|c| (c.id.as_str(), c.set.as_str(), c.kind.as_str(), c.agent_correct)).collect();
        assert_eq!(got, [("q_001", "dev", "easy", Some(true)), ("s_001", "synth", "scalar subquery", Some(false)), ("s_099", "synth", "tier 4", None)]);
        assert_eq!(question_cards(qs, None)[0].agent_correct, None);
    }

    fn entry(qid: &str, tier: u8, correct: bool, error: Option<&str>, sql: &str) -> BaselineEntry {
        BaselineEntry {
            qid: qid.into(),
            tier: Some(tier),
            question: None,
            sql: Some(sql.into()),
            answer: None,
            correct,
            error: error.map(Into::into),
        }
    }

    #[test]
    fn baseline_from_data() {
        let b = BaselineResults {
            entries: vec![
                entry(
                    "q_001",
                    1,
                    false,
                    Some("Error executing query: no such table: sales"),
                    "SELECT",
                ),
                entry("q_002", 1, true, None, "SELECT"),
                entry("q_007", 2, false, Some("Error code: 429 - {}"), ""),
                entry("q_009", 3, false, None, ""),
            ],
            summary: Some(BaselineSummary {
                accuracy: Some("1/4".into()),
                ..BaselineSummary::default()
            }),
        };
        let s = baseline_score(&b);
        assert_eq!(
            (s.score.correct, s.score.total, s.stated_agrees),
            (1, 4, Some(true))
        );
        assert_eq!(
            s.failures_by_class.into_iter().collect::<Vec<_>>(),
            [
                (Outcome::RateLimited, 1),
                (Outcome::NoSql, 1),
                (Outcome::SqlError, 1)
            ]
        );
        assert_eq!(
            s.by_tier
                .iter()
                .map(|(t, x)| (*t, x.correct, x.total))
                .collect::<Vec<_>>(),
            [(1, 1, 2), (2, 0, 1), (3, 0, 1)]
        );
        let mut wrong = b.clone();
        wrong.summary = Some(BaselineSummary {
            accuracy: Some("2/10".into()),
            ..BaselineSummary::default()
        });
        assert_eq!(baseline_score(&wrong).stated_agrees, Some(false));
        let p = baseline_vs_agent(&eval(), &b);
        assert_eq!((p.paired, p.only_a, p.only_b, p.unpaired), (2, 1, 0, 0));
    }
}
