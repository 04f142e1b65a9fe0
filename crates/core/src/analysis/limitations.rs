//! Limitations that are facts about the loaded data — errored, stopped-early, unpriced,
//! promotional or proxy-priced models, unavailable models, the sample size,
//! failed calls — generated from the data for the Roadmap view, so the list
//! changes when the data does.

use serde::{Deserialize, Serialize};

use super::intervals::min_discordant_for_significance;
use super::latency::{LoadReport, SequentialReport, P99_MIN_SAMPLES};
use super::platforms::probed_unavailable;
use super::records::Record;
use crate::agent::classify_published;
use crate::outcome::Outcome;
use crate::sweep::SweepFile;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LimitationKind {
    FatalModels,
    /// Models a run stopped asking (its fail-fast limit): fewer questions than the rest.
    StoppedModels,
    UnpricedModels,
    PromotionalPrices,
    EstimatedPrices,
    UnavailableModels,
    SampleSize,
    FailedCalls,
    SmallLatencySamples,
    LoadFailures,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Limitation {
    pub kind: LimitationKind,
    pub text: String,
    /// Records concerned (indices), when the limitation is about models.
    pub records: Vec<usize>,
}

fn names(records: &[Record], idx: &[usize]) -> String {
    let labels: Vec<&str> = idx.iter().map(|&i| records[i].label.as_str()).collect();
    match labels.as_slice() {
        [] => String::new(),
        [one] => one.to_string(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// Every limitation the data shows, in a fixed order of kinds.
pub fn limitations(
    records: &[Record],
    sweeps: &[SweepFile],
    load: Option<&LoadReport>,
    sequential: Option<&SequentialReport>,
) -> Vec<Limitation> {
    let mut out = Vec::new();
    let pick = |f: &dyn Fn(&Record) -> bool| {
        (0..records.len())
            .filter(|&i| f(&records[i]))
            .collect::<Vec<usize>>()
    };

    let fatal = pick(&|r| r.is_fatal());
    if !fatal.is_empty() {
        out.push(Limitation {
            kind: LimitationKind::FatalModels,
            text: format!(
                "{} never answered (every call failed), so {} out of rankings, costs and the frontier.",
                names(records, &fatal),
                if fatal.len() == 1 { "it is left" } else { "they are left" }
            ),
            records: fatal,
        });
    }
    let stopped = pick(&|r| r.stopped.is_some());
    if !stopped.is_empty() {
        let asked: Vec<String> = stopped
            .iter()
            .map(|&i| records[i].summary.n.to_string())
            .collect();
        let text = match stopped.as_slice() {
            [one] => format!(
                "{} was stopped early after refused calls in a row: its figures cover only the {} it was asked; the skipped questions are not counted as wrong.",
                records[*one].label,
                plural(records[*one].summary.n as usize, "question", "questions"),
            ),
            _ => format!(
                "{} were stopped early after refused calls in a row: their figures cover only the questions each was asked ({}); the skipped questions are not counted as wrong.",
                names(records, &stopped),
                asked.join(", "),
            ),
        };
        out.push(Limitation {
            kind: LimitationKind::StoppedModels,
            text,
            records: stopped,
        });
    }
    let unpriced = pick(&|r| !r.is_fatal() && r.pricing.is_none());
    if !unpriced.is_empty() {
        out.push(Limitation {
            kind: LimitationKind::UnpricedModels,
            text: format!(
                "{}: no published or estimated price, so no cost figures.",
                names(records, &unpriced)
            ),
            records: unpriced,
        });
    }
    let free = pick(&|r| !r.is_fatal() && r.cost_per_query() == Some(0.0));
    if !free.is_empty() {
        out.push(Limitation {
            kind: LimitationKind::PromotionalPrices,
            text: format!(
                "{} priced at $0 (promotional): left out of cost comparisons.",
                names(records, &free)
            ),
            records: free,
        });
    }
    let estimated = pick(&|r| !r.is_fatal() && r.summary.cost_is_estimate);
    if !estimated.is_empty() {
        out.push(Limitation {
            kind: LimitationKind::EstimatedPrices,
            text: format!(
                "{} priced with a proxied or estimated rate ({}): their costs are estimates.",
                plural(estimated.len(), "model is", "models are"),
                names(records, &estimated)
            ),
            records: estimated,
        });
    }
    let unavailable = probed_unavailable(sweeps);
    if !unavailable.is_empty() {
        let list: Vec<String> = unavailable
            .iter()
            .map(|u| match u.status {
                Some(s) => format!("{} ({s})", u.label),
                None => u.label.clone(),
            })
            .collect();
        out.push(Limitation {
            kind: LimitationKind::UnavailableModels,
            text: format!(
                "Probed but unavailable, so not benchmarked: {}.",
                list.join(", ")
            ),
            records: vec![],
        });
    }
    // Sample size: the widest accuracy interval among models that ran.
    let widest = records
        .iter()
        .filter(|r| !r.is_fatal())
        .filter_map(|r| r.accuracy_interval())
        .max_by(|a, b| a.half_width().total_cmp(&b.half_width()));
    if let Some(w) = widest {
        let smallest_n = records
            .iter()
            .filter(|r| !r.is_fatal())
            .map(|r| r.summary.n)
            .min()
            .unwrap_or(w.n);
        out.push(Limitation {
            kind: LimitationKind::SampleSize,
            text: format!(
                "{} per model: a 95 % accuracy interval is up to ±{} points wide, and the paired test needs at \
                 least {} questions that only one of two models got right, all in its favour, to call a \
                 difference real.",
                plural(smallest_n as usize, "question", "questions"),
                (w.half_width() * 100.0).round() as i64,
                min_discordant_for_significance()
            ),
            records: vec![],
        });
    }
    // Failed calls inside the sweeps (models that otherwise ran).
    let mut rate_limited = 0usize;
    let mut server = 0usize;
    for r in records.iter().filter(|r| !r.is_fatal()) {
        let Some(run) = sweeps
            .get(r.sweep_index)
            .and_then(|s| s.models.get(r.run_index))
        else {
            continue;
        };
        for t in &run.traces {
            match classify_published(t, None) {
                Outcome::RateLimited => rate_limited += 1,
                o if o.is_transport_failure() => server += 1,
                _ => {}
            }
        }
    }
    if rate_limited + server > 0 {
        out.push(Limitation {
            kind: LimitationKind::FailedCalls,
            text: format!(
                "{} failed in transport ({} rate-limited) in models that otherwise ran; they count as wrong answers.",
                plural(rate_limited + server, "call", "calls"),
                rate_limited
            ),
            records: vec![],
        });
    }
    if let Some(l) = load {
        let failed: usize = l
            .models
            .iter()
            .flat_map(|m| &m.levels)
            .map(|x| x.errors)
            .sum();
        let smallest = l
            .models
            .iter()
            .flat_map(|m| &m.levels)
            .map(|x| x.ok_latency.samples)
            .min();
        if let Some(n) = smallest.filter(|n| *n < P99_MIN_SAMPLES) {
            out.push(Limitation {
                kind: LimitationKind::SmallLatencySamples,
                text: format!(
                    "Latency percentiles under load rest on as few as {} successful calls per level; p99 needs {} or more and is indicative only.",
                    n, P99_MIN_SAMPLES
                ),
                records: vec![],
            });
        }
        if failed > 0 {
            out.push(Limitation {
                kind: LimitationKind::LoadFailures,
                text: format!(
                    "{} failed under load; they are counted as errors and wrong answers, not as latency.",
                    plural(failed, "call", "calls")
                ),
                records: vec![],
            });
        }
    }
    if let Some(s) = sequential.filter(|s| s.failed > 0) {
        out.push(Limitation {
            kind: LimitationKind::FailedCalls,
            text: format!(
                "{} of {} sequential latency calls failed; the latency figures exclude them.",
                s.failed, s.as_published.calls
            ),
            records: vec![],
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::records::records;
    use super::super::records::testing::*;
    use super::*;
    use crate::sweep::{Platform, ProbedModel};

    fn stopped(model: &str) -> crate::sweep::StoppedModel {
        crate::sweep::StoppedModel {
            model: model.into(),
            outcome: Outcome::Unauthorized,
            failures: 3,
            error: None,
            skipped_calls: 22,
            skipped: vec!["q_004".into()],
        }
    }

    #[test]
    fn models_stopped_early_are_named_with_what_they_were_asked() {
        let check = |names: &[&str], expected: &str| {
            let runs = names
                .iter()
                .enumerate()
                .map(|(i, m)| run(m, Platform::Fireworks, 0, i as u32 + 1, (10, 1), None))
                .chain([model("f/ok", KIMI_K2P6)])
                .collect();
            let mut s = sweep("run", Platform::Fireworks, runs);
            s.run.stopped_models = names.iter().map(|m| stopped(m)).collect();
            let sweeps = [s];
            let recs = records(&sweeps);
            let l: Vec<Limitation> = limitations(&recs, &sweeps, None, None)
                .into_iter()
                .filter(|l| l.kind == LimitationKind::StoppedModels)
                .collect();
            assert_eq!(l.len(), 1);
            assert_eq!(l[0].text, expected);
            assert_eq!(l[0].records, (0..names.len()).collect::<Vec<_>>());
        };
        check(&["f/refused"], "refused was stopped early after refused calls in a row: its figures cover only the 1 question it was asked; the skipped questions are not counted as wrong.");
        check(&["f/a", "f/b"], "a and b were stopped early after refused calls in a row: their figures cover only the questions each was asked (1, 2); the skipped questions are not counted as wrong.");
    }

    #[test]
    fn generated_from_data() {
        let mut rl = run(
            "b/limited",
            Platform::Baseten,
            20,
            25,
            (700, 80),
            Some((0.1, 0.5, PUB)),
        );
        rl.traces[24].error = Some("RateLimitError: Error code: 429".into());
        let mut fw = sweep(
            "fw",
            Platform::Fireworks,
            vec![model("f/proxied", KIMI_K2P5)],
        );
        fw.run.probed_unavailable = vec![ProbedModel {
            model: "a/glm-5".into(),
            error: "NotFoundError: Error code: 404".into(),
        }];
        let sweeps = vec![
            sweep(
                "bt",
                Platform::Baseten,
                vec![
                    fatal_run("b/dead1", Platform::Baseten, 25, "503"),
                    fatal_run("b/dead2", Platform::Baseten, 25, "no SQL extractable"),
                    model("b/free", PROMO_FREE),
                    run("b/unpriced", Platform::Baseten, 11, 25, (670, 79), None),
                    rl,
                ],
            ),
            fw,
        ];
        let recs = records(&sweeps);
        let l = limitations(&recs, &sweeps, None, None);
        let kinds: Vec<LimitationKind> = l.iter().map(|x| x.kind).collect();
        use LimitationKind::*;
        assert_eq!(
            kinds,
            [
                FatalModels,
                UnpricedModels,
                PromotionalPrices,
                EstimatedPrices,
                UnavailableModels,
                SampleSize,
                FailedCalls
            ]
        );
        assert_eq!(l[0].text, "dead1 and dead2 never answered (every call failed), so they are left out of rankings, costs and the frontier.");
        assert_eq!(l[3].text, "1 model is priced with a proxied or estimated rate (proxied): their costs are estimates.");
        assert_eq!(
            l[4].text,
            "Probed but unavailable, so not benchmarked: glm-5 (404)."
        );
        // 11/25 has the widest Wilson interval: 26.7 %–62.9 %, ±18 points.
        assert!(
            l[5].text.starts_with(
                "25 questions per model: a 95 % accuracy interval is up to ±18 points wide"
            ),
            "{}",
            l[5].text
        );
        assert!(l[5]
            .text
            .contains("needs at least 6 questions that only one of two models got right"));
        assert_eq!(l[6].text, "1 call failed in transport (1 rate-limited) in models that otherwise ran; they count as wrong answers.");
        assert!(limitations(&[], &[], None, None).is_empty());
    }
}
