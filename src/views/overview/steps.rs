//! The seven steps of sqlsweep's pipeline, as the overview's architecture diagram
//! shows them: what each step does, why it is built that way, where it lives in
//! the code, and what the loaded traces say about it.
//!
//! Why a module without DOM: the words are content, tested natively. Every number
//! in them is a constant of the code that does the step (temperature, output
//! budget, repair budget) or a count from [`PipelineEvidence`] — none is typed in.

use sqlsweep_core::agent::machine::Strategy;
use sqlsweep_core::analysis::format::thousands;
use sqlsweep_core::analysis::overview::PipelineEvidence;
use sqlsweep_core::live::request::{MAX_TOKENS, TEMPERATURE};

/// One step of the pipeline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Step {
    Question,
    Schema,
    Inference,
    Parse,
    Execute,
    Repair,
    Result,
}

impl Step {
    /// In pipeline order (repair is the loop between execute and inference).
    pub const ALL: [Step; 7] = [
        Step::Question,
        Step::Schema,
        Step::Inference,
        Step::Parse,
        Step::Execute,
        Step::Repair,
        Step::Result,
    ];

    /// The step open when the page loads: the one with the most design in it.
    pub const DEFAULT: Step = Step::Schema;

    /// "01"…"07".
    pub fn number(self) -> String {
        let i = Step::ALL.iter().position(|s| *s == self).unwrap_or(0);
        format!("{:02}", i + 1)
    }

    /// The URL value (`?step=schema`).
    pub fn key(self) -> &'static str {
        match self {
            Step::Question => "question",
            Step::Schema => "schema",
            Step::Inference => "inference",
            Step::Parse => "parse",
            Step::Execute => "execute",
            Step::Repair => "repair",
            Step::Result => "result",
        }
    }

    pub fn from_key(key: &str) -> Option<Step> {
        Step::ALL.into_iter().find(|s| s.key() == key)
    }

    pub fn title(self) -> &'static str {
        match self {
            Step::Question => "Question",
            Step::Schema => "Schema trim",
            Step::Inference => "Inference API",
            Step::Parse => "Parse",
            Step::Execute => "Guarded execute",
            Step::Repair => "Repair",
            Step::Result => "Scored result",
        }
    }

    /// The second line of the node in the diagram.
    pub fn subtitle(self) -> &'static str {
        match self {
            Step::Question => "gold or your own",
            Step::Schema => "keywords + FK paths",
            Step::Inference => "streamed, any host",
            Step::Parse => "JSON, with fallbacks",
            Step::Execute => "SQLite in a worker",
            Step::Repair => "the error, once more",
            Step::Result => "rows vs gold",
        }
    }

    /// What sqlsweep does at this step.
    pub fn what(self) -> String {
        match self {
            Step::Question => "A question in plain English: one of the gold questions, each stored with the SQL \
                 that answers it and the rows that SQL returns, or any question you type in the live view \
                 (scored only when it has gold rows)."
                .into(),
            Step::Schema => "The schema is read from the database itself and written compactly, one line per \
                 table. The tables the question names are kept, plus every table on a shortest foreign-key \
                 path between two of them (junction tables included) and the lookup tables they point to. \
                 When fewer than two tables match, the model sees the whole schema."
                .into(),
            Step::Inference => format!(
                "One OpenAI-compatible chat completion per attempt, streamed as server-sent events, at \
                 temperature {TEMPERATURE} with at most {} output tokens and JSON mode on. Time to first \
                 token is taken at the first delta that carries content or reasoning. Rate limits, server \
                 errors and dropped connections are retried after the server's Retry-After or an \
                 exponential back-off; a stream that has started is never retried. The API key travels in a \
                 header, never in a URL or a log.",
                thousands(MAX_TOKENS as i64)
            ),
            Step::Parse => "The model is asked for a JSON object with the SQL and a one-line rationale. Replies \
                 that wrap it in a code fence, answer with bare SQL, think aloud in <think> tags, or return \
                 null or nothing are each recognised and diagnosed; none of them crashes the run."
                .into(),
            Step::Execute => "The SQL runs in SQLite compiled to WebAssembly, inside a Web Worker so the page \
                 never freezes (the CLI runs the same code natively). The database is a read-only copy; \
                 exactly one statement is allowed; an authorizer refuses writes, schema changes, ATTACH and \
                 most pragmas; a budget of virtual-machine steps stops runaway queries; rows and memory are \
                 capped."
                .into(),
            Step::Repair => format!(
                "When the SQL fails, or the reply holds no usable SQL, the error goes back to the model in \
                 the same conversation for another try: at most {} repairs, so {} calls per question. The \
                 first repair shows the full schema if the trim had cut it.",
                Strategy::DEFAULT_MAX_REPAIRS,
                Strategy::DEFAULT_MAX_REPAIRS + 1
            ),
            Step::Result => "The rows are compared with the gold rows by the original benchmark's tolerant \
                 multiset matcher, kept exactly (weaknesses included) so every published verdict can be \
                 reproduced. Each question ends in one outcome class: correct, wrong rows, wrong shape, SQL \
                 error, no SQL, invalid JSON, or a transport failure such as a rate limit."
                .into(),
        }
    }

    /// Why it is built this way, and what it costs.
    pub fn why(self) -> &'static str {
        match self {
            Step::Question => "A fixed gold set makes models comparable: same questions, same expected rows, \
                 the same scorer. Its size is also its limit: with a few dozen questions, accuracy carries a \
                 wide interval, which every view shows.",
            Step::Schema => "A shorter prompt is a cheaper and faster call. Keyword matching is transparent and \
                 needs no embedding model, but it is not retrieval: it would not scale to a schema of \
                 hundreds of tables. Following real FK paths fixes the original's one-hop trim, which lost \
                 junction and child tables.",
            Step::Inference => "Streaming is what makes time to first token measurable, and one wire format \
                 covers Fireworks, Baseten and any compatible endpoint. Timings come from the caller's clock \
                 and are defined once, so the browser and the CLI report the same quantities.",
            Step::Parse => "JSON mode makes the answer machine-readable, but providers honour it unevenly. \
                 Recovering SQL from near-misses, with the reason recorded, measures the model instead of \
                 the parser.",
            Step::Execute => "Model output is untrusted. A read-only, single-statement, budgeted executor \
                 means a DROP or a runaway join cannot damage the data or hang the tab. The step budget is \
                 counted in SQLite operations, not seconds, so the same query stops at the same point in \
                 the browser and natively.",
            Step::Repair => "Feeding the error back fixes typos and wrong column names cheaply. The cost is \
                 one more call (latency and tokens), so the budget is small, and the sweeps can be run \
                 one-shot to measure the model alone.",
            Step::Result => "One scorer and one outcome vocabulary across the sweeps, the live view and the \
                 failure taxonomy, so \"SQL error\" means the same thing on every screen.",
        }
    }

    /// Where the step lives in the code.
    pub fn code(self) -> &'static str {
        match self {
            Step::Question => "sqlsweep-core: gold",
            Step::Schema => "sqlsweep-core: agent::schema, agent::trim",
            Step::Inference => {
                "sqlsweep-core: live::request, live::stream, live::retry, live::timing"
            }
            Step::Parse => "sqlsweep-core: agent::extract",
            Step::Execute => "sqlsweep-core: exec (run by the worker crate and the CLI)",
            Step::Repair => "sqlsweep-core: agent::machine, agent::prompt",
            Step::Result => "sqlsweep-core: scoring, agent::classify, outcome",
        }
    }

    /// What the loaded traces say about this step; `None` when they say nothing
    /// (no traces loaded).
    pub fn evidence(self, e: &PipelineEvidence, questions: usize) -> Option<String> {
        if e.calls == 0 {
            return None;
        }
        let n = |x: u32| thousands(x as i64);
        Some(match self {
            Step::Question => format!(
                "The loaded sweeps asked {} distinct questions, {} calls in all across {} models.",
                questions,
                n(e.calls),
                e.models
            ),
            Step::Schema => {
                return None;
            }
            Step::Inference => format!(
                "{} of {} calls in the loaded sweeps failed before an answer arrived (HTTP error, \
                 network, timeout or a cut stream).",
                n(e.transport_failures),
                n(e.calls)
            ),
            Step::Parse => format!(
                "{} of {} JSON-mode replies parsed as the expected object; {} answers held no usable SQL.",
                n(e.json_ok),
                n(e.json_mode_calls),
                n(e.no_sql)
            ),
            Step::Execute => format!(
                "{} answers ran and returned rows; {} failed to run. The Model sweep view re-runs every \
                 one of them in your browser.",
                n(e.executed),
                n(e.sql_errors)
            ),
            Step::Repair => {
                if e.repair_recorded > 0 {
                    format!(
                        "{} of {} traces that record repairs needed at least one.",
                        n(e.repaired),
                        n(e.repair_recorded)
                    )
                } else {
                    format!(
                        "The loaded sweeps were run one-shot (no repair recorded): {} answers with an SQL \
                         error or no usable SQL are the ones a repair turn would have retried.",
                        n(e.sql_errors + e.no_sql)
                    )
                }
            }
            Step::Result => format!(
                "{} of {} answers matched the gold rows.",
                n(e.correct),
                n(e.calls)
            ),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn evidence() -> PipelineEvidence {
        PipelineEvidence {
            models: 15,
            calls: 375,
            transport_failures: 50,
            json_mode_calls: 375,
            json_ok: 300,
            no_sql: 20,
            sql_errors: 5,
            executed: 300,
            correct: 280,
            repair_recorded: 0,
            repaired: 0,
        }
    }

    fn check(step: Step, expected: Option<&str>) {
        let got = step.evidence(&evidence(), 25);
        assert_eq!(got.as_deref(), expected, "{step:?}");
    }

    #[test]
    fn evidence_lines() {
        check(
            Step::Question,
            Some(
                "The loaded sweeps asked 25 distinct questions, 375 calls in all across 15 models.",
            ),
        );
        check(Step::Schema, None);
        check(
            Step::Parse,
            Some("300 of 375 JSON-mode replies parsed as the expected object; 20 answers held no usable SQL."),
        );
        check(
            Step::Result,
            Some("280 of 375 answers matched the gold rows."),
        );
        let repair = Step::Repair.evidence(&evidence(), 25).unwrap();
        assert!(
            repair.contains("one-shot") && repair.contains("25 answers"),
            "{repair}"
        );
        let recorded = PipelineEvidence {
            repair_recorded: 25,
            repaired: 0,
            ..evidence()
        };
        assert_eq!(
            Step::Repair.evidence(&recorded, 25).as_deref(),
            Some("0 of 25 traces that record repairs needed at least one.")
        );
        assert_eq!(
            Step::Result.evidence(&PipelineEvidence::default(), 0),
            None,
            "nothing loaded, nothing claimed"
        );
    }

    #[test]
    fn steps_have_keys_numbers_and_constants() {
        for (i, s) in Step::ALL.into_iter().enumerate() {
            assert_eq!(Step::from_key(s.key()), Some(s));
            assert_eq!(s.number(), format!("0{}", i + 1));
            assert!(!s.what().is_empty() && !s.why().is_empty() && !s.code().is_empty());
        }
        assert_eq!(Step::from_key("nope"), None);
        assert!(Step::Inference.what().contains("1,024 output tokens"));
        assert!(Step::Repair
            .what()
            .contains("at most 2 repairs, so 3 calls"));
    }
}
