//! Harness self-calibration: run against the fixture server with a known delay
//! before the first token, and report how much later than that delay our harness
//! saw the token. The error (network stack, HTTP client, scheduling under load,
//! parsing) is stored in the run metadata and shown beside the results, so a TTFT
//! difference smaller than the harness's own error is never read as a finding.

use crate::live::request::Endpoint;
use crate::stats::quantile;
use crate::sweep::{Calibration, LoadStep, Schedule, Trace};

use super::spec::{QuestionSelection, RunContext, RunSpec};

/// The fixture model whose first token comes `ttft_ms` after the request.
pub fn fixture_model(ttft_ms: u64) -> String {
    format!("ttft-{ttft_ms}")
}

/// A calibration run: at least `calls` measured calls (whole rounds of every
/// question) to the fixture model with a `ttft_ms` first-token delay, `concurrency`
/// at a time after `warmup` excluded calls. `questions` is the gold set's size.
pub fn calibration_spec(
    endpoint: Endpoint,
    ttft_ms: u64,
    concurrency: u32,
    calls: usize,
    warmup: u32,
    questions: usize,
    context: RunContext,
) -> RunSpec {
    let model = fixture_model(ttft_ms);
    let mut spec = RunSpec::new(endpoint, &[model.as_str()]);
    spec.questions = QuestionSelection::All;
    spec.schedule = Schedule::Load {
        steps: vec![LoadStep {
            concurrency: concurrency.max(1),
            rounds: calls.max(1).div_ceil(questions.max(1)) as u32,
        }],
        warmup,
    };
    spec.limits.call_timeout_ms = ttft_ms + 60_000;
    spec.context = RunContext {
        label: Some(format!(
            "harness calibration (TTFT {ttft_ms} ms, c={})",
            concurrency.max(1)
        )),
        calibration: None,
        ..context
    };
    spec
}

/// Measured − configured TTFT of every answered, measured trace, in dispatch order
/// (session by session: offsets of different sessions do not compare).
pub fn ttft_errors(configured_ttft_ms: f64, traces: &[Trace]) -> Vec<f64> {
    let mut timed: Vec<(u32, f64, f64)> = traces
        .iter()
        .filter(|t| !t.is_warmup())
        .filter(|t| !t.outcome.is_some_and(|o| o.is_transport_failure()))
        .filter_map(|t| {
            Some((
                t.timing.session,
                t.timing.dispatch_ms.unwrap_or(0.0),
                t.timing.ttft_ms? - configured_ttft_ms,
            ))
        })
        .collect();
    timed.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.total_cmp(&b.1)));
    timed.into_iter().map(|(_, _, e)| e).collect()
}

/// The calibration figure of `traces` made against a configured first-token delay;
/// None when no trace has a TTFT.
pub fn calibration(configured_ttft_ms: f64, traces: &[Trace]) -> Option<Calibration> {
    let errors = ttft_errors(configured_ttft_ms, traces);
    Some(Calibration {
        configured_ttft_ms,
        error_p50_ms: quantile(&errors, 0.5)?,
        error_p99_ms: quantile(&errors, 0.99)?,
        samples: errors.len() as u32,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::outcome::Outcome;
    use crate::sweep::{LoadSlot, Timing};

    fn t(dispatch: f64, ttft: Option<f64>, outcome: Outcome, warmup: bool) -> Trace {
        Trace {
            qid: "q".into(),
            timing: Timing {
                dispatch_ms: Some(dispatch),
                ttft_ms: ttft,
                ..Timing::default()
            },
            outcome: Some(outcome),
            load: warmup.then_some(LoadSlot {
                concurrency: 4,
                round: 0,
                warmup: true,
            }),
            ..Trace::default()
        }
    }

    #[test]
    fn calibration_runs_whole_rounds_at_the_fixture() {
        let ep = Endpoint::custom("http://127.0.0.1:9/v1").unwrap();
        for (calls, questions, concurrency, rounds) in [
            (25, 25, 1, 1),
            (26, 25, 6, 2),
            (0, 25, 0, 1),
            (100, 0, 3, 100),
        ] {
            let spec = calibration_spec(
                ep.clone(),
                200,
                concurrency,
                calls,
                2,
                questions,
                RunContext::default(),
            );
            assert_eq!(spec.models[0].id, "ttft-200");
            assert_eq!(
                spec.schedule,
                Schedule::Load {
                    steps: vec![LoadStep {
                        concurrency: concurrency.max(1),
                        rounds
                    }],
                    warmup: 2
                },
                "{calls} calls over {questions} questions"
            );
            assert_eq!(spec.limits.call_timeout_ms, 60_200);
            assert!(spec.validate().is_ok());
        }
    }

    #[test]
    fn errors_against_the_configured_delay() {
        use Outcome::*;
        let traces = vec![
            t(2.0, Some(203.0), Correct, false),
            t(1.0, Some(201.0), WrongRows, false),
            t(3.0, Some(260.0), Correct, false),
            t(0.0, Some(900.0), Correct, true), // warm-up: excluded
            t(4.0, Some(5.0), RateLimited, false), // failed: excluded
            t(5.0, None, Correct, false),       // no TTFT: excluded
        ];
        assert_eq!(ttft_errors(200.0, &traces), vec![1.0, 3.0, 60.0]);
        let c = calibration(200.0, &traces).unwrap();
        assert_eq!(c.samples, 3);
        assert_eq!(c.error_p50_ms, 3.0);
        assert!((c.error_p99_ms - 58.86).abs() < 1e-9, "{}", c.error_p99_ms);
        assert_eq!(calibration(200.0, &[]), None);
    }
}
