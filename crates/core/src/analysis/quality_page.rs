//! Everything the Quality view shows, composed in one call from the files it
//! rests on — the gold set, the agent run, the baseline run and the sweeps in
//! the library — plus the tables it renders and exports as CSV. Each input is
//! optional: a file that failed to load leaves its sections empty (the view says
//! which file and why) while the others still render.
//!
//! The view renders [`QualityPage`]; its JSON export serialises the same struct.

use serde::{Deserialize, Serialize};

use super::format::{fraction, ms, pct, pct_interval};
use super::intervals::PairedComparison;
use super::quality::{
    agent_board, baseline_score, baseline_vs_agent, gold_cards, AgentBoard, BaselineScore,
    QuestionCard,
};
use super::records::Record;
use super::taxonomy::{taxonomy, Taxonomy, TaxonomyRow};
use crate::exchange::Table;
use crate::gold::GoldSet;
use crate::outcome::Outcome;
use crate::published::agent_eval::AgentEval;
use crate::published::baseline::BaselineResults;
use crate::sweep::SweepFile;

/// The Quality view's data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QualityPage {
    /// One card per gold question, in gold order (empty without the gold set).
    pub cards: Vec<QuestionCard>,
    pub agent: Option<AgentBoard>,
    pub baseline: Option<BaselineScore>,
    /// Agent (A) vs baseline (B) on the questions both ran.
    pub paired: Option<PairedComparison>,
    /// Failure classes across every sweep in the library (needs the gold set).
    pub taxonomy: Option<Taxonomy>,
}

/// Composes the page from whatever loaded.
pub fn quality_page(
    gold: Option<&GoldSet>,
    eval: Option<&AgentEval>,
    baseline: Option<&BaselineResults>,
    records: &[Record],
    sweeps: &[SweepFile],
) -> QualityPage {
    QualityPage {
        cards: gold.map(|g| gold_cards(g, eval)).unwrap_or_default(),
        agent: eval.map(agent_board),
        baseline: baseline.map(baseline_score),
        paired: eval.zip(baseline).map(|(e, b)| baseline_vs_agent(e, b)),
        taxonomy: gold.map(|g| taxonomy(records, sweeps, |q| g.get(q).map(|x| &x.expected))),
    }
}

impl QualityPage {
    /// "2/10 → 24/25": the baseline's score, then the agent's, each read from its file.
    pub fn headline(&self) -> Option<String> {
        let agent = self.agent.as_ref()?;
        let after = fraction(agent.combined.correct, agent.combined.total);
        Some(match &self.baseline {
            Some(b) => format!("{} → {after}", fraction(b.score.correct, b.score.total)),
            None => after,
        })
    }

    /// "10/10 dev + 14/15 synthetic = 24/25 (96%)".
    pub fn lede(&self) -> Option<String> {
        let agent = self.agent.as_ref()?;
        let sets: Vec<String> = agent
            .sets
            .iter()
            .map(|(name, s)| {
                let word = if name == "synth" {
                    "synthetic"
                } else {
                    name.as_str()
                };
                format!("{} {word}", fraction(s.correct, s.total))
            })
            .collect();
        Some(format!(
            "{} = {} ({})",
            sets.join(" + "),
            fraction(agent.combined.correct, agent.combined.total),
            pct(agent.combined.interval.map(|i| i.estimate))
        ))
    }

    /// The agent's combined accuracy with its 95 % interval: "96% (80–99%)".
    pub fn agent_accuracy(&self) -> Option<String> {
        self.agent
            .as_ref()
            .and_then(|a| a.combined.interval)
            .map(|i| pct_interval(&i))
    }

    /// The baseline's accuracy with its interval.
    pub fn baseline_accuracy(&self) -> Option<String> {
        self.baseline
            .as_ref()
            .and_then(|b| b.score.interval)
            .map(|i| pct_interval(&i))
    }

    /// Synthetic-set misses as "missed: s_014", or `None` when there were none.
    pub fn missed_in(&self, set: &str) -> Option<String> {
        let misses: Vec<&str> = self
            .agent
            .as_ref()?
            .misses
            .iter()
            .filter(|m| m.set == set)
            .map(|m| m.qid.as_str())
            .collect();
        (!misses.is_empty()).then(|| format!("missed: {}", misses.join(", ")))
    }

    /// What the sample size means for the accuracy figures, from the agent run's
    /// question count: "25 questions give wide intervals: one question more or
    /// less moves accuracy by 4 points, …".
    pub fn sample_note(&self) -> Option<String> {
        let n = self.agent.as_ref()?.combined.total;
        if n == 0 {
            return None;
        }
        let step = 100.0 / n as f64;
        let step = if step.fract() == 0.0 {
            format!("{step:.0}")
        } else {
            format!("{step:.1}")
        };
        Some(format!(
            "{n} questions give wide intervals: one question more or less moves accuracy by {step} points, so models a few \
             questions apart are usually not distinguishable. The paired test compares two runs question by question."
        ))
    }

    /// The question card of `qid` (for a miss's pattern and text).
    pub fn card(&self, qid: &str) -> Option<&QuestionCard> {
        self.cards.iter().find(|c| c.id == qid)
    }
}

/// Per tier: the agent's and the baseline's score (tiers either run has).
pub fn tier_table(page: &QualityPage) -> Table {
    let mut tiers: Vec<u8> = Vec::new();
    let agent = page.agent.as_ref().map(|a| &a.by_tier[..]).unwrap_or(&[]);
    let base = page
        .baseline
        .as_ref()
        .map(|b| &b.by_tier[..])
        .unwrap_or(&[]);
    for (t, _) in agent.iter().chain(base) {
        if !tiers.contains(t) {
            tiers.push(*t);
        }
    }
    tiers.sort_unstable();
    let mut table = Table::new([
        "Tier",
        "Difficulty",
        "Agent",
        "Agent accuracy (95% interval)",
        "Baseline",
        "Baseline accuracy (95% interval)",
    ]);
    let cell = |scores: &[(u8, super::quality::Score)], t: u8| match scores
        .iter()
        .find(|(x, _)| *x == t)
    {
        Some((_, s)) => (
            fraction(s.correct, s.total),
            s.interval
                .map_or(super::format::MISSING.into(), |i| pct_interval(&i)),
        ),
        None => (super::format::MISSING.into(), super::format::MISSING.into()),
    };
    for t in tiers {
        let (a, ai) = cell(agent, t);
        let (b, bi) = cell(base, t);
        push(
            &mut table,
            [t.to_string(), super::quality::tier_word(t), a, ai, b, bi],
        );
    }
    table
}

/// Pushes a row built with the table's own width (cannot be ragged).
fn push<const N: usize>(table: &mut Table, row: [String; N]) {
    debug_assert_eq!(N, table.headers.len());
    // Width is fixed by construction; a mismatch would be a bug in this module,
    // caught by its tests (`check` in every builder's test).
    let _ = table.push(row);
}

/// The gold questions with the agent's verdicts.
pub fn cards_table(page: &QualityPage) -> Table {
    let mut t = Table::new([
        "Question id",
        "Set",
        "Tier",
        "Pattern",
        "Question",
        "Agent verdict",
    ]);
    for c in &page.cards {
        let verdict = match c.agent_correct {
            Some(true) => "correct",
            Some(false) => "wrong",
            None => "not run",
        };
        push(
            &mut t,
            [
                c.id.clone(),
                c.set.clone(),
                c.tier.to_string(),
                c.kind.clone(),
                c.question.clone(),
                verdict.into(),
            ],
        );
    }
    t
}

/// The agent run, one row per question, with the SQL of every answer.
pub fn agent_results_table(eval: &AgentEval) -> Table {
    let mut t = Table::new([
        "Question id",
        "Set",
        "Tier",
        "Correct",
        "Latency ms",
        "Repairs",
        "SQL",
        "Error",
    ]);
    for r in &eval.results {
        push(
            &mut t,
            [
                r.qid.clone(),
                r.set.clone(),
                r.tier.map(|x| x.to_string()).unwrap_or_default(),
                if r.correct { "yes" } else { "no" }.into(),
                r.latency_ms.map(|l| format!("{l}")).unwrap_or_default(),
                r.repairs.map(|x| x.to_string()).unwrap_or_default(),
                r.sql.clone().unwrap_or_default(),
                r.error.clone().unwrap_or_default(),
            ],
        );
    }
    t
}

/// How the baseline's misses failed, by class.
pub fn baseline_failures_table(b: &BaselineScore) -> Table {
    let mut t = Table::new(["Failure class", "Questions"]);
    for (o, n) in &b.failures_by_class {
        push(&mut t, [o.label().to_string(), n.to_string()]);
    }
    t
}

/// How the failure taxonomy is grouped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Grouping {
    #[default]
    Model,
    Platform,
}

impl Grouping {
    /// The URL form (`by=platform`); `model` is the default.
    pub fn key(self) -> &'static str {
        match self {
            Grouping::Model => "model",
            Grouping::Platform => "platform",
        }
    }

    /// Reads the URL form; anything else is an error naming the value.
    pub fn from_key(s: &str) -> Result<Grouping, String> {
        match s {
            "" | "model" => Ok(Grouping::Model),
            "platform" => Ok(Grouping::Platform),
            other => Err(format!(
                "unknown grouping {other:?} (expected model or platform)"
            )),
        }
    }
}

/// The failure taxonomy as a table: one row per model (with its platform and
/// sweep) or per platform; one column per class in `taxonomy.columns`, then the
/// failures and the failure share.
pub fn taxonomy_table(t: &Taxonomy, records: &[Record], by: Grouping) -> Table {
    let classes = t.columns.iter().map(|o: &Outcome| o.label().to_string());
    let tail = ["Failed".to_string(), "Failed share".to_string()];
    let mut headers: Vec<String> = match by {
        Grouping::Model => vec![
            "Model".into(),
            "Platform".into(),
            "Sweep".into(),
            "Questions".into(),
        ],
        Grouping::Platform => vec!["Platform".into(), "Questions".into()],
    };
    headers.extend(classes);
    headers.extend(tail);
    let mut table = Table {
        headers,
        rows: Vec::new(),
    };
    let rows: &[TaxonomyRow] = match by {
        Grouping::Model => &t.by_model,
        Grouping::Platform => &t.by_platform,
    };
    for row in rows {
        let mut cells: Vec<String> = match by {
            Grouping::Model => {
                let r = row.record.and_then(|i| records.get(i));
                vec![
                    r.map_or(row.label.clone(), |r| r.model.clone()),
                    row.platform.label().to_string(),
                    r.map_or(String::new(), |r| r.source_label.clone()),
                    row.questions.to_string(),
                ]
            }
            Grouping::Platform => vec![row.label.clone(), row.questions.to_string()],
        };
        cells.extend(t.columns.iter().map(|o| row.count(*o).to_string()));
        cells.push(row.failures().to_string());
        cells.push(pct(
            (row.questions > 0).then(|| row.failures() as f64 / row.questions as f64)
        ));
        let _ = table.push(cells);
    }
    table
}

/// The agent's median latency as text, for the score board.
pub fn agent_median_latency(page: &QualityPage) -> String {
    ms(page.agent.as_ref().and_then(|a| a.median_latency_ms))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::records::records;
    use crate::analysis::records::testing::{run, sweep};
    use crate::gold::{GoldQuestion, GoldSet};
    use crate::published::agent_eval::AgentResult;
    use crate::published::baseline::BaselineEntry;
    use crate::sweep::Platform;
    use crate::value::ResultSet;

    fn gold() -> GoldSet {
        let q = |id: &str, tier: u8, pattern: Option<&str>| GoldQuestion {
            id: id.into(),
            question: format!("question {id}"),
            tier,
            pattern: pattern.map(Into::into),
            gold_sql: "SELECT 1".into(),
            gold_answer: None,
            expected: ResultSet::default(),
            source_file: String::new(),
        };
        GoldSet {
            questions: vec![
                q("q_000", 1, None),
                q("q_001", 2, None),
                q("s_002", 3, Some("self_join")),
            ],
        }
    }

    fn eval() -> AgentEval {
        let r = |qid: &str, set: &str, tier: u8, correct: bool| AgentResult {
            qid: qid.into(),
            set: set.into(),
            tier: Some(tier),
            question: None,
            correct,
            repairs: Some(0),
            latency_ms: Some(1000.5),
            sql: Some("SELECT a,\n b".into()),
            error: None,
        };
        AgentEval {
            model: "k".into(),
            harness: None,
            n_questions: None,
            dev: None,
            synth: None,
            combined: None,
            by_tier: Default::default(),
            median_latency_ms: None,
            total_repairs: None,
            results: vec![
                r("q_000", "dev", 1, true),
                r("q_001", "dev", 2, true),
                r("s_002", "synth", 3, false),
            ],
        }
    }

    fn baseline() -> BaselineResults {
        let e = |qid: &str, tier: u8, correct: bool, error: Option<&str>| BaselineEntry {
            qid: qid.into(),
            tier: Some(tier),
            question: None,
            sql: Some("SELECT".into()),
            answer: None,
            correct,
            error: error.map(Into::into),
        };
        BaselineResults {
            entries: vec![
                e("q_000", 1, true, None),
                e(
                    "q_001",
                    2,
                    false,
                    Some("Error executing query: no such table: x"),
                ),
            ],
            summary: None,
        }
    }

    fn page(with_baseline: bool) -> QualityPage {
        let sweeps = vec![sweep(
            "bt",
            Platform::Baseten,
            vec![run("p/a", Platform::Baseten, 2, 3, (1, 1), None)],
        )];
        let recs = records(&sweeps);
        let b = baseline();
        quality_page(
            Some(&gold()),
            Some(&eval()),
            with_baseline.then_some(&b),
            &recs,
            &sweeps,
        )
    }

    fn check(table: Table, headers: &[&str], rows: &[&[&str]]) {
        table.check().expect("rectangular");
        assert_eq!(table.headers, headers);
        let got: Vec<Vec<&str>> = table
            .rows
            .iter()
            .map(|r| r.iter().map(String::as_str).collect())
            .collect();
        let want: Vec<Vec<&str>> = rows.iter().map(|r| r.to_vec()).collect();
        assert_eq!(got, want);
    }

    #[rustfmt::skip]
    #[test]
    fn texts_from_the_files() {
        let p = page(true);
        assert_eq!(p.headline().as_deref(), Some("1/2 → 2/3"));
        assert_eq!(page(false).headline().as_deref(), Some("2/3"));
        assert_eq!(p.lede().as_deref(), Some("2/2 dev + 0/1 synthetic = 2/3 (67%)"));
        assert_eq!(p.agent_accuracy().as_deref(), Some("67% (21–94%)"));
        assert_eq!(p.missed_in("synth").as_deref(), Some("missed: s_002"));
        assert_eq!(p.missed_in("dev"), None);
        assert_eq!(p.card("s_002").map(|c| c.kind.as_str()), Some("self join"));
        assert_eq!(agent_median_latency(&p), "1,001 ms");
        assert!(p.sample_note().unwrap().starts_with("3 questions give wide intervals: one question more or less moves accuracy by 33.3 points"));
        let empty = quality_page(None, None, None, &[], &[]);
        assert_eq!((empty.headline(), empty.lede(), empty.cards.len(), empty.taxonomy.is_none()), (None, None, 0, true));
    }

    #[rustfmt::skip]
    #[test]
    fn tables() {
        let p = page(true);
        check(tier_table(&p), &["Tier", "Difficulty", "Agent", "Agent accuracy (95% interval)", "Baseline", "Baseline accuracy (95% interval)"], &[
            &["1", "easy", "1/1", "100% (21–100%)", "1/1", "100% (21–100%)"],
            &["2", "intermediate", "1/1", "100% (21–100%)", "0/1", "0% (0–79%)"],
            &["3", "advanced", "0/1", "0% (0–79%)", "—", "—"],
        ]);
        check(cards_table(&p), &["Question id", "Set", "Tier", "Pattern", "Question", "Agent verdict"], &[
            &["q_000", "dev", "1", "easy", "question q_000", "correct"],
            &["q_001", "dev", "2", "intermediate", "question q_001", "correct"],
            &["s_002", "synth", "3", "self join", "question s_002", "wrong"],
        ]);
        check(agent_results_table(&eval()), &["Question id", "Set", "Tier", "Correct", "Latency ms", "Repairs", "SQL", "Error"], &[
            &["q_000", "dev", "1", "yes", "1000.5", "0", "SELECT a,\n b", ""],
            &["q_001", "dev", "2", "yes", "1000.5", "0", "SELECT a,\n b", ""],
            &["s_002", "synth", "3", "no", "1000.5", "0", "SELECT a,\n b", ""],
        ]);
        check(baseline_failures_table(p.baseline.as_ref().unwrap()), &["Failure class", "Questions"], &[&["SQL error", "1"]]);
        let recs = records(&[sweep("bt", Platform::Baseten, vec![run("p/a", Platform::Baseten, 2, 3, (1, 1), None)])]);
        let t = p.taxonomy.as_ref().unwrap();
        // The fixture's traces are q_000..q_002: two correct, and q_002 has no gold
        // question, so its miss is "answered" (not a failure it could be blamed for).
        check(taxonomy_table(t, &recs, Grouping::Model),
            &["Model", "Platform", "Sweep", "Questions", "no SQL", "invalid JSON", "SQL error", "wrong shape", "wrong rows", "correct", "answered", "Failed", "Failed share"],
            &[&["p/a", "Baseten", "bt", "3", "0", "0", "0", "0", "0", "2", "1", "0", "0%"]]);
        check(taxonomy_table(t, &recs, Grouping::Platform),
            &["Platform", "Questions", "no SQL", "invalid JSON", "SQL error", "wrong shape", "wrong rows", "correct", "answered", "Failed", "Failed share"],
            &[&["Baseten", "3", "0", "0", "0", "0", "0", "2", "1", "0", "0%"]]);
    }

    #[test]
    fn grouping_in_the_url() {
        for (input, want) in [
            ("", Ok(Grouping::Model)),
            ("model", Ok(Grouping::Model)),
            ("platform", Ok(Grouping::Platform)),
            ("x", Err("unknown grouping \"x\"")),
        ] {
            match (Grouping::from_key(input), want) {
                (Ok(g), Ok(w)) => {
                    assert_eq!(g, w);
                    assert_eq!(Grouping::from_key(g.key()), Ok(g));
                }
                (Err(e), Err(msg)) => assert!(e.contains(msg), "{e}"),
                (got, want) => panic!("{input}: got {got:?}, want {want:?}"),
            }
        }
    }

    #[test]
    fn the_page_serialises_for_export() {
        let text = crate::exchange::json::view_json("quality", &page(true)).unwrap();
        let v: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(v["data"]["cards"].as_array().unwrap().len(), 3);
        assert_eq!(v["data"]["agent"]["combined"]["correct"], 2);
        assert_eq!(v["data"]["baseline"]["failures_by_class"]["sql_error"], 1);
        let back: QualityPage = serde_json::from_value(v["data"].clone()).unwrap();
        assert_eq!(back, page(true));
    }
}
