//! The identity of a trace inside a sweep: model, question, and its place in a
//! closed loop. Resume skips work whose key is already in the file; merge refuses
//! two traces with the same key.

use std::fmt;

use crate::sweep::{LoadSlot, Trace};

/// Which trace this is. Two traces with equal keys are the same work done twice.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TraceKey {
    pub model: String,
    pub slot: Option<LoadSlot>,
    pub qid: String,
}

impl TraceKey {
    pub fn new(model: &str, qid: &str, slot: Option<LoadSlot>) -> TraceKey {
        TraceKey {
            model: model.to_string(),
            slot,
            qid: qid.to_string(),
        }
    }

    /// The key of `trace` under `model`.
    pub fn of(model: &str, trace: &Trace) -> TraceKey {
        TraceKey::new(model, &trace.qid, trace.load)
    }
}

impl fmt::Display for TraceKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.model, self.qid)?;
        if let Some(s) = self.slot {
            write!(f, " (concurrency {}, round {}", s.concurrency, s.round + 1)?;
            if s.warmup {
                write!(f, ", warm-up")?;
            }
            write!(f, ")")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(key: TraceKey, expected: &str) {
        assert_eq!(key.to_string(), expected);
    }

    #[test]
    fn display() {
        check(TraceKey::new("m", "q_001", None), "m q_001");
        let slot = |round, warmup| {
            Some(LoadSlot {
                concurrency: 8,
                round,
                warmup,
            })
        };
        check(
            TraceKey::new("m", "q_001", slot(0, false)),
            "m q_001 (concurrency 8, round 1)",
        );
        check(
            TraceKey::new("m", "s_002", slot(2, true)),
            "m s_002 (concurrency 8, round 3, warm-up)",
        );
        // Order: unslotted first, then by slot, then question.
        let mut keys = [
            TraceKey::new("m", "q_002", slot(0, false)),
            TraceKey::new("m", "q_001", slot(0, false)),
            TraceKey::new("m", "q_009", None),
        ];
        keys.sort();
        assert_eq!(keys[0].qid, "q_009");
        assert_eq!(keys[1].qid, "q_001");
    }
}
