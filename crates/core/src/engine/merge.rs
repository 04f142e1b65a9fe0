//! Merging shards: a large sweep split by model or by question range, run as
//! parallel jobs anywhere, and put back together as one sweep file.
//!
//! Shards merge only when they are parts of the same experiment: the same protocol
//! and the same gold set (by hash). The same trace in two shards (same model,
//! question and closed-loop slot) is an error naming both shards, never a silent
//! double count. Run-level facts that differ between shards (schedule, base URL,
//! client) are dropped from the merged metadata rather than misreported, and the
//! methodology says so.

use std::collections::HashMap;

use crate::sweep::{
    ModelRun, ProbedModel, RunMeta, StoppedModel, SweepFile, SCHEMA_ID, SCHEMA_VERSION,
};

use super::key::TraceKey;
use super::run::sort_traces;

/// Why shards cannot be merged. Shards are numbered from 1 in the order given.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MergeError {
    #[error("nothing to merge: give at least one sweep file")]
    Empty,
    #[error("shard {shard} records no {what}; only runs of this tool can be merged")]
    Missing { shard: usize, what: &'static str },
    #[error("shard {shard}'s {what} is {found}, shard 1's is {expected}: these are different experiments")]
    Mismatch {
        shard: usize,
        what: &'static str,
        expected: String,
        found: String,
    },
    #[error("{key} is in shard {first} and again in shard {second}")]
    Duplicate {
        key: String,
        first: usize,
        second: usize,
    },
    #[error(
        "model {model} ran on {first_platform} in one shard and {second_platform} in shard {shard}"
    )]
    Platform {
        model: String,
        first_platform: String,
        second_platform: String,
        shard: usize,
    },
}

/// Merges `shards` into one sweep (see the module documentation).
pub fn merge(shards: &[SweepFile]) -> Result<SweepFile, MergeError> {
    let first = shards.first().ok_or(MergeError::Empty)?;
    let protocol = first.run.protocol.clone().ok_or(MergeError::Missing {
        shard: 1,
        what: "protocol",
    })?;
    let hash = first.run.gold_set_hash.clone().ok_or(MergeError::Missing {
        shard: 1,
        what: "gold-set hash",
    })?;
    for (i, s) in shards.iter().enumerate().skip(1) {
        let shard = i + 1;
        match &s.run.protocol {
            None => {
                return Err(MergeError::Missing {
                    shard,
                    what: "protocol",
                })
            }
            Some(p) if *p != protocol => {
                return Err(MergeError::Mismatch {
                    shard,
                    what: "protocol",
                    expected: format!("{protocol:?}"),
                    found: format!("{p:?}"),
                })
            }
            Some(_) => {}
        }
        match &s.run.gold_set_hash {
            None => {
                return Err(MergeError::Missing {
                    shard,
                    what: "gold-set hash",
                })
            }
            Some(h) if *h != hash => {
                return Err(MergeError::Mismatch {
                    shard,
                    what: "gold-set hash",
                    expected: hash.clone(),
                    found: h.clone(),
                })
            }
            Some(_) => {}
        }
    }

    let mut models: Vec<ModelRun> = Vec::new();
    let mut seen: HashMap<TraceKey, usize> = HashMap::new();
    // Each shard's sessions keep their own time origin: number them after the
    // previous shards' so no two origins share a session number.
    let mut session_base = 0u32;
    for (i, s) in shards.iter().enumerate() {
        let shard = i + 1;
        let base = session_base;
        session_base = session_base.saturating_add(sessions_in(s));
        for run in &s.models {
            let at = match models.iter().position(|m| m.model == run.model) {
                Some(at) => at,
                None => {
                    models.push(ModelRun {
                        traces: Vec::new(),
                        recorded: None,
                        ..run.clone()
                    });
                    models.len() - 1
                }
            };
            let merged = &mut models[at];
            match (&merged.platform, &run.platform) {
                (Some(a), Some(b)) if a != b => {
                    return Err(MergeError::Platform {
                        model: run.model.clone(),
                        first_platform: a.label().to_string(),
                        second_platform: b.label().to_string(),
                        shard,
                    })
                }
                (None, Some(b)) => merged.platform = Some(b.clone()),
                _ => {}
            }
            if merged.pricing.is_none() {
                merged.pricing = run.pricing;
            }
            for t in &run.traces {
                let key = TraceKey::of(&run.model, t);
                if let Some(&earlier) = seen.get(&key) {
                    return Err(MergeError::Duplicate {
                        key: key.to_string(),
                        first: earlier,
                        second: shard,
                    });
                }
                seen.insert(key, shard);
                let mut t = t.clone();
                if t.timing.dispatch_ms.is_some() {
                    t.timing.session = t.timing.session.saturating_add(base);
                }
                merged.traces.push(t);
            }
        }
    }
    let no_gold_order = HashMap::new();
    for m in &mut models {
        sort_traces(&mut m.traces, &no_gold_order);
    }
    Ok(SweepFile {
        schema: SCHEMA_ID.to_string(),
        version: SCHEMA_VERSION,
        run: merged_meta(shards),
        models,
    })
}

/// How many session numbers `sweep` uses (its highest timed session plus one).
fn sessions_in(sweep: &SweepFile) -> u32 {
    sweep
        .models
        .iter()
        .flat_map(|m| &m.traces)
        .filter(|t| t.timing.dispatch_ms.is_some())
        .map(|t| t.timing.session.saturating_add(1))
        .max()
        .unwrap_or(0)
}

/// The first shard's metadata, with what the shards disagree on dropped.
fn merged_meta(shards: &[SweepFile]) -> RunMeta {
    let first = &shards[0].run;
    let metas: Vec<&RunMeta> = shards.iter().map(|s| &s.run).collect();
    fn common<T: Clone + PartialEq>(
        metas: &[&RunMeta],
        f: impl Fn(&RunMeta) -> &Option<T>,
    ) -> Option<T> {
        let v = f(metas[0]);
        metas.iter().all(|m| f(m) == v).then(|| v.clone()).flatten()
    }
    let mut dropped = Vec::new();
    let mut keep = |name: &'static str, same: bool| {
        if !same {
            dropped.push(name);
        }
    };
    let schedule = common(&metas, |m| &m.schedule);
    keep("schedule", schedule.is_some() || first.schedule.is_none());
    let base_url = common(&metas, |m| &m.base_url);
    keep("base URL", base_url.is_some() || first.base_url.is_none());
    let platform = common(&metas, |m| &m.platform);
    let user_agent = common(&metas, |m| &m.user_agent);
    keep("client", user_agent.is_some() || first.user_agent.is_none());
    let http_protocol = common(&metas, |m| &m.http_protocol);
    let started_at = metas.iter().filter_map(|m| m.started_at.clone()).min();
    let mut probed: Vec<ProbedModel> = Vec::new();
    for m in &metas {
        for p in &m.probed_unavailable {
            if !probed.iter().any(|q| q.model == p.model) {
                probed.push(p.clone());
            }
        }
    }
    let mut stopped: Vec<StoppedModel> = Vec::new();
    for m in &metas {
        for s in &m.stopped_models {
            if !stopped.contains(s) {
                stopped.push(s.clone());
            }
        }
    }
    let n = shards.len();
    let mut methodology = first.methodology.clone().unwrap_or_default();
    if n > 1 {
        if !methodology.is_empty() {
            methodology.push_str(" · ");
        }
        methodology.push_str(&format!("merged from {n} shards"));
        if !dropped.is_empty() {
            methodology.push_str(&format!(
                " (shards differ in {}; not recorded)",
                dropped.join(", ")
            ));
        }
    }
    RunMeta {
        label: if n > 1 {
            format!("{} (merged, {n} shards)", first.label)
        } else {
            first.label.clone()
        },
        source: first.source.clone(),
        platform,
        base_url,
        protocol: first.protocol.clone(),
        schedule,
        methodology: (!methodology.is_empty()).then_some(methodology),
        tool_version: first.tool_version.clone(),
        gold_set_hash: first.gold_set_hash.clone(),
        started_at,
        user_agent,
        http_protocol,
        calibration: metas.iter().find_map(|m| m.calibration.clone()),
        probed_unavailable: probed,
        stopped_models: stopped,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sweep::{LoadSlot, Platform, Protocol, Schedule, Source, Trace};

    fn shard(models: &[(&str, &[&str])], tweak: impl Fn(&mut RunMeta)) -> SweepFile {
        let mut run = RunMeta {
            label: "one-shot".into(),
            source: Some(Source::Own),
            platform: Some(Platform::Fireworks),
            base_url: Some("https://api.fireworks.ai/inference/v1".into()),
            protocol: Some(Protocol::OneShot),
            schedule: Some(Schedule::Sequential { pace_ms: 5000 }),
            gold_set_hash: Some("h1".into()),
            started_at: Some("2026-11-28T10:00:00.000Z".into()),
            ..RunMeta::default()
        };
        tweak(&mut run);
        SweepFile {
            schema: SCHEMA_ID.into(),
            version: SCHEMA_VERSION,
            run,
            models: models
                .iter()
                .map(|(m, qids)| ModelRun {
                    model: m.to_string(),
                    platform: Some(Platform::Fireworks),
                    pricing: None,
                    traces: qids
                        .iter()
                        .map(|q| Trace {
                            qid: q.to_string(),
                            ..Trace::default()
                        })
                        .collect(),
                    recorded: None,
                })
                .collect(),
        }
    }

    /// Merged as "model: qids; model: qids".
    fn check(shards: &[SweepFile], expected: Result<&str, MergeError>) {
        let got = merge(shards).map(|s| {
            s.models
                .iter()
                .map(|m| {
                    let q: Vec<&str> = m.traces.iter().map(|t| t.qid.as_str()).collect();
                    format!("{}: {}", m.model, q.join(","))
                })
                .collect::<Vec<_>>()
                .join("; ")
        });
        assert_eq!(got, expected.map(str::to_string));
    }

    #[test]
    fn merges_and_refuses() {
        let same = |_: &mut RunMeta| {};
        // By question range, and by model.
        check(
            &[
                shard(&[("a", &["q_003", "q_004"])], same),
                shard(&[("a", &["q_001", "q_002"]), ("b", &["q_001"])], same),
            ],
            Ok("a: q_001,q_002,q_003,q_004; b: q_001"),
        );
        check(&[shard(&[("a", &["q_001"])], same)], Ok("a: q_001"));
        check(&[], Err(MergeError::Empty));
        check(
            &[
                shard(&[("a", &["q_001", "q_002"])], same),
                shard(&[("b", &["q_001"])], same),
                shard(&[("a", &["q_002"])], same),
            ],
            Err(MergeError::Duplicate {
                key: "a q_002".into(),
                first: 1,
                second: 3,
            }),
        );
        check(
            &[
                shard(&[("a", &["q_001"])], same),
                shard(&[("a", &["q_002"])], |r| r.protocol = Some(Protocol::Agent)),
            ],
            Err(MergeError::Mismatch {
                shard: 2,
                what: "protocol",
                expected: "OneShot".into(),
                found: "Agent".into(),
            }),
        );
        check(
            &[
                shard(&[("a", &["q_001"])], same),
                shard(&[("a", &["q_002"])], |r| {
                    r.gold_set_hash = Some("h2".into())
                }),
            ],
            Err(MergeError::Mismatch {
                shard: 2,
                what: "gold-set hash",
                expected: "h1".into(),
                found: "h2".into(),
            }),
        );
        check(
            &[shard(&[("a", &["q_001"])], |r| r.gold_set_hash = None)],
            Err(MergeError::Missing {
                shard: 1,
                what: "gold-set hash",
            }),
        );
        let mut other_platform = shard(&[("a", &["q_002"])], same);
        other_platform.models[0].platform = Some(Platform::Baseten);
        check(
            &[shard(&[("a", &["q_001"])], same), other_platform],
            Err(MergeError::Platform {
                model: "a".into(),
                first_platform: "Fireworks".into(),
                second_platform: "Baseten".into(),
                shard: 2,
            }),
        );
        // The same question at two load levels is not a duplicate.
        let mut a = shard(&[("a", &["q_001"])], same);
        let mut b = shard(&[("a", &["q_001"])], same);
        a.models[0].traces[0].load = Some(LoadSlot {
            concurrency: 1,
            round: 0,
            warmup: false,
        });
        b.models[0].traces[0].load = Some(LoadSlot {
            concurrency: 8,
            round: 0,
            warmup: false,
        });
        check(&[b, a], Ok("a: q_001,q_001"));
    }

    #[test]
    fn metadata_keeps_only_what_shards_share() {
        let a = shard(&[("a", &["q_001"])], |r| {
            r.started_at = Some("2026-11-28T11:00:00.000Z".into());
            r.methodology = Some("one-shot".into());
        });
        let b = shard(&[("b", &["q_001"])], |r| {
            r.schedule = Some(Schedule::Sequential { pace_ms: 1500 });
        });
        let m = merge(&[a, b]).unwrap();
        assert_eq!(m.run.schedule, None);
        assert_eq!(
            m.run.base_url.as_deref(),
            Some("https://api.fireworks.ai/inference/v1")
        );
        assert_eq!(
            m.run.started_at.as_deref(),
            Some("2026-11-28T10:00:00.000Z")
        );
        assert_eq!(
            m.run.methodology.as_deref(),
            Some("one-shot · merged from 2 shards (shards differ in schedule; not recorded)")
        );
        assert_eq!(m.run.label, "one-shot (merged, 2 shards)");
    }

    #[test]
    fn each_shards_sessions_keep_their_own_number() {
        // (shard, trace) → (dispatch, session) before; session after the merge.
        let timed = |d: Option<f64>, session: u32| Trace {
            qid: String::new(),
            timing: crate::sweep::Timing {
                dispatch_ms: d,
                session,
                ..Default::default()
            },
            ..Trace::default()
        };
        let mut a = shard(&[("m", &["q_001", "q_002", "q_003"])], |_| {});
        let mut b = shard(&[("m", &["q_004", "q_005"])], |_| {});
        let mut c = shard(&[("m", &["q_006"])], |_| {});
        let cases = [
            // Shard 1 was resumed once: sessions 0 and 1.
            (
                &mut a,
                vec![(Some(0.0), 0, 0), (Some(5.0), 1, 1), (None, 0, 0)],
            ),
            // Shard 2 ran uninterrupted: its session 0 becomes 2.
            (&mut b, vec![(Some(0.0), 0, 2), (Some(9.0), 0, 2)]),
            // Shard 3 has no timed trace: nothing to renumber.
            (&mut c, vec![(None, 0, 0)]),
        ];
        let mut expected = Vec::new();
        for (s, traces) in cases {
            for (t, (d, before, after)) in s.models[0].traces.iter_mut().zip(traces) {
                let qid = std::mem::take(&mut t.qid);
                *t = Trace {
                    qid: qid.clone(),
                    ..timed(d, before)
                };
                expected.push((qid, after));
            }
        }
        let m = merge(&[a, b, c]).unwrap();
        let got: Vec<(String, u32)> = m.models[0]
            .traces
            .iter()
            .map(|t| (t.qid.clone(), t.timing.session))
            .collect();
        expected.sort();
        assert_eq!(got, expected);
    }
}
