//! The order of work: a run is a list of phases (one per model, and per concurrency
//! level in a load test), each a queue of jobs — one job per trace to produce.
//!
//! Phases run one after another with a barrier between them, so every trace of a
//! phase ran at exactly that phase's concurrency, and models never share a closed
//! loop. Within a phase, warm-up jobs come first, then every question once per
//! round, in gold order.

use std::collections::VecDeque;

use crate::sweep::{LoadSlot, Schedule};

/// One trace to produce: which model, which question, where in a closed loop.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct JobPlan {
    /// Index into the spec's models.
    pub model: usize,
    /// Index into the selected questions.
    pub question: usize,
    pub slot: Option<LoadSlot>,
}

/// Jobs that share a closed loop.
#[derive(Debug, Clone, PartialEq)]
pub struct Phase {
    /// Most jobs in flight at once.
    pub concurrency: u32,
    /// Gap between the end of one job and the start of the next (sequential runs).
    pub pace_ms: u64,
    pub jobs: VecDeque<JobPlan>,
}

/// The phases of `schedule` for `models` models and `questions` selected questions.
pub fn plan(schedule: &Schedule, models: usize, questions: usize) -> Vec<Phase> {
    let mut phases = Vec::new();
    let phase = |model: usize, concurrency: u32, rounds: u32, warmup: u32, slotted: bool| {
        let mut jobs = VecDeque::new();
        let slot = |round: u32, warmup: bool| {
            slotted.then_some(LoadSlot {
                concurrency,
                round,
                warmup,
            })
        };
        if questions > 0 {
            for i in 0..warmup as usize {
                jobs.push_back(JobPlan {
                    model,
                    question: i % questions,
                    slot: slot((i / questions) as u32, true),
                });
            }
        }
        for round in 0..rounds {
            for question in 0..questions {
                jobs.push_back(JobPlan {
                    model,
                    question,
                    slot: slot(round, false),
                });
            }
        }
        jobs
    };
    match schedule {
        Schedule::Sequential { pace_ms } => {
            for m in 0..models {
                phases.push(Phase {
                    concurrency: 1,
                    pace_ms: *pace_ms,
                    jobs: phase(m, 1, 1, 0, false),
                });
            }
        }
        Schedule::Concurrent {
            concurrency,
            warmup,
        } => {
            for m in 0..models {
                phases.push(Phase {
                    concurrency: *concurrency,
                    pace_ms: 0,
                    jobs: phase(m, *concurrency, 1, *warmup, true),
                });
            }
        }
        Schedule::Load { steps, warmup } => {
            for step in steps {
                for m in 0..models {
                    phases.push(Phase {
                        concurrency: step.concurrency,
                        pace_ms: 0,
                        jobs: phase(m, step.concurrency, step.rounds, *warmup, true),
                    });
                }
            }
        }
    }
    phases
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sweep::LoadStep;

    /// Each phase as (concurrency, pace, jobs as "m<model>q<question>[c<c>r<round>[w]]").
    fn check(schedule: Schedule, models: usize, questions: usize, expected: &[(u32, u64, &str)]) {
        let got: Vec<(u32, u64, String)> = plan(&schedule, models, questions)
            .into_iter()
            .map(|p| {
                let jobs: Vec<String> = p
                    .jobs
                    .iter()
                    .map(|j| {
                        let slot = j.slot.map_or(String::new(), |s| {
                            format!(
                                "c{}r{}{}",
                                s.concurrency,
                                s.round,
                                if s.warmup { "w" } else { "" }
                            )
                        });
                        format!("m{}q{}{slot}", j.model, j.question)
                    })
                    .collect();
                (p.concurrency, p.pace_ms, jobs.join(" "))
            })
            .collect();
        let want: Vec<(u32, u64, String)> = expected
            .iter()
            .map(|(c, p, j)| (*c, *p, j.to_string()))
            .collect();
        assert_eq!(got, want, "{schedule:?}");
    }

    #[test]
    fn phases() {
        check(
            Schedule::Sequential { pace_ms: 1500 },
            2,
            2,
            &[(1, 1500, "m0q0 m0q1"), (1, 1500, "m1q0 m1q1")],
        );
        check(
            Schedule::Concurrent {
                concurrency: 4,
                warmup: 3,
            },
            1,
            2,
            &[(4, 0, "m0q0c4r0w m0q1c4r0w m0q0c4r1w m0q0c4r0 m0q1c4r0")],
        );
        check(
            Schedule::Load {
                steps: vec![
                    LoadStep {
                        concurrency: 1,
                        rounds: 1,
                    },
                    LoadStep {
                        concurrency: 8,
                        rounds: 2,
                    },
                ],
                warmup: 1,
            },
            2,
            2,
            &[
                (1, 0, "m0q0c1r0w m0q0c1r0 m0q1c1r0"),
                (1, 0, "m1q0c1r0w m1q0c1r0 m1q1c1r0"),
                (8, 0, "m0q0c8r0w m0q0c8r0 m0q1c8r0 m0q0c8r1 m0q1c8r1"),
                (8, 0, "m1q0c8r0w m1q0c8r0 m1q1c8r0 m1q0c8r1 m1q1c8r1"),
            ],
        );
        // No questions: empty phases, no warm-ups invented.
        check(
            Schedule::Concurrent {
                concurrency: 2,
                warmup: 2,
            },
            1,
            0,
            &[(2, 0, "")],
        );
    }
}
