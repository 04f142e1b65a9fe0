//! Load-test reporting for our own runs: per model and concurrency level, latency
//! percentiles, throughput, accuracy under load and errors by class — and whether a
//! browser's connection limit, not the provider, shaped the figures.
//!
//! Honesty rules (as the published-data analysis):
//! - percentiles are over calls that got an answer; calls that failed in transport
//!   (429, 5xx, timeout, cut stream…) are counted apart with their own median, since
//!   the time a 429 took says nothing about model latency;
//! - fewer than [`MIN_SAMPLES`] answered calls make the level *indicative* (a p99 of
//!   25 calls is the maximum);
//! - warm-up calls are excluded from everything and counted;
//! - latency is what the user waited: dispatch → end of the last attempt;
//! - a level run in several sessions (interrupted, then resumed later) is measured
//!   per session, never across one: dispatch offsets of different sessions have
//!   different origins and the pause between them is nobody's latency (see
//!   `live::timing`). Wall time is the sum of each session's span, so throughput is
//!   calls per second *while the level ran*, the same as an uninterrupted run of the
//!   same calls; each session's closed loop starts with its own burst, and the
//!   connection staircase is looked for in each burst.
//!
//! Browsers open about [`BROWSER_CONNECTIONS_PER_HOST`] HTTP/1.1 connections per host
//! and queue the rest inside the browser, so above that concurrency a browser run
//! measures its own queue. [`browser_limited`] looks for the tell-tale staircase in
//! dispatch → headers times; a level above the limit is flagged unless the connection
//! was HTTP/2 (or the staircase is visibly absent when the protocol is unknown).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::agent::classify_published;
use crate::outcome::Outcome;
use crate::stats::{mean, quantile};
use crate::sweep::{Schedule, SweepFile, Trace};

/// HTTP/1.1 connections a browser opens per host (Chromium, Firefox and Safari: 6).
pub const BROWSER_CONNECTIONS_PER_HOST: u32 = 6;
/// Below this many answered calls a level's percentiles are indicative only.
pub const MIN_SAMPLES: usize = 100;

/// What dispatch → headers times say about connection queueing at one level.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum ConnectionVerdict {
    /// Concurrency within the per-host connection limit: nothing to queue.
    WithinLimit,
    /// HTTP/2 or HTTP/3: one connection carries every stream.
    Multiplexed,
    /// The staircase: `queued` of the first `burst` calls waited for a connection.
    Queued { queued: usize, burst: usize },
    /// Above the limit, yet the first `burst` calls got headers without queueing.
    NotQueued { burst: usize },
    /// Too few calls with timings to tell.
    NoData,
}

/// Looks for browser connection queueing among `traces` run at `concurrency`.
///
/// The first `concurrency` dispatches of a closed loop leave together. With a cap of
/// six connections, the seventh and later get their response headers only after an
/// earlier call finished: sorted by headers time they form steps one service time
/// apart. A call counts as queued when its headers came later than the sixth
/// fastest's plus half the shortest service time among the six; a burst is queued
/// when at least three quarters of the calls beyond six were.
///
/// Each session of the run (a resume starts the level's loop again) has its own
/// burst, judged on its own; the level is queued when any burst was, and the counts
/// are summed over the bursts that had enough calls to judge.
pub fn browser_limited(
    traces: &[Trace],
    concurrency: u32,
    http_protocol: Option<&str>,
) -> ConnectionVerdict {
    if concurrency <= BROWSER_CONNECTIONS_PER_HOST {
        return ConnectionVerdict::WithinLimit;
    }
    if http_protocol.is_some_and(is_multiplexed) {
        return ConnectionVerdict::Multiplexed;
    }
    let mut sessions: BTreeMap<u32, Vec<(f64, f64, f64)>> = BTreeMap::new();
    for t in traces {
        let timed = (|| {
            Some((
                t.timing.dispatch_ms?,
                t.timing.headers_ms?,
                user_latency(t)?,
            ))
        })();
        if let Some(x) = timed {
            sessions.entry(t.timing.session).or_default().push(x);
        }
    }
    let (mut queued, mut burst, mut any_queued) = (0, 0, false);
    for timed in sessions.into_values() {
        if let Some((q, b, is_queued)) = burst_queueing(timed, concurrency) {
            queued += q;
            burst += b;
            any_queued |= is_queued;
        }
    }
    match (burst, any_queued) {
        (0, _) => ConnectionVerdict::NoData,
        (_, true) => ConnectionVerdict::Queued { queued, burst },
        (_, false) => ConnectionVerdict::NotQueued { burst },
    }
}

/// One session's burst: (calls queued, burst size, queued?) from (dispatch,
/// headers, latency) triples; `None` with too few calls to judge.
fn burst_queueing(
    mut timed: Vec<(f64, f64, f64)>,
    concurrency: u32,
) -> Option<(usize, usize, bool)> {
    timed.sort_by(|a, b| a.0.total_cmp(&b.0));
    timed.truncate(concurrency as usize);
    let limit = BROWSER_CONNECTIONS_PER_HOST as usize;
    if timed.len() <= limit {
        return None;
    }
    timed.sort_by(|a, b| a.1.total_cmp(&b.1));
    let base = timed[limit - 1].1;
    let service = timed[..limit]
        .iter()
        .map(|x| x.2)
        .fold(f64::INFINITY, f64::min);
    let threshold = base + 0.5 * service.max(0.0);
    let beyond = timed.len() - limit;
    let queued = timed[limit..].iter().filter(|x| x.1 >= threshold).count();
    Some((queued, timed.len(), queued * 4 >= beyond * 3))
}

/// Wall time of `traces`: per session, first dispatch → last end, summed over the
/// sessions (the pauses between sessions excluded). `None` without a timed trace.
pub fn wall_ms(traces: &[&Trace]) -> Option<f64> {
    let mut spans: BTreeMap<u32, (f64, f64)> = BTreeMap::new();
    for t in traces {
        let Some(d) = t.timing.dispatch_ms else {
            continue;
        };
        let end = user_latency(t).map_or(d, |l| d + l);
        let span = spans.entry(t.timing.session).or_insert((d, end));
        span.0 = span.0.min(d);
        span.1 = span.1.max(end);
    }
    let total: f64 = spans.values().map(|(s, e)| (e - s).max(0.0)).sum();
    (total > 0.0).then_some(total)
}

fn is_multiplexed(protocol: &str) -> bool {
    let p = protocol.trim().to_ascii_lowercase();
    p == "h2"
        || p == "h3"
        || p.starts_with("http/2")
        || p.starts_with("http/3")
        || p.starts_with("h2")
}

/// One concurrency level of one model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LevelReport {
    pub concurrency: u32,
    /// Measured calls (warm-ups excluded).
    pub calls: usize,
    pub warmup_excluded: usize,
    /// Calls that got an answer (whatever its quality).
    pub answered: usize,
    /// Calls that failed in transport.
    pub failed: usize,
    /// Percentiles of answered calls' latency (dispatch → end of last attempt).
    pub p50_ms: Option<f64>,
    pub p90_ms: Option<f64>,
    pub p99_ms: Option<f64>,
    pub mean_ms: Option<f64>,
    pub ttft_p50_ms: Option<f64>,
    /// Median time until a failed call gave up, shown apart.
    pub failed_p50_ms: Option<f64>,
    /// Fewer than [`MIN_SAMPLES`] answered calls.
    pub indicative: bool,
    /// First dispatch → last end of the measured calls, per session, summed over
    /// the sessions the level ran in (pauses between sessions excluded).
    pub wall_ms: Option<f64>,
    /// Measured calls per second of wall time (failed ones included).
    pub throughput_qps: Option<f64>,
    /// Correct answers per second.
    pub goodput_qps: Option<f64>,
    pub correct: usize,
    /// Correct over measured calls (a failed call is a wrong answer).
    pub accuracy: Option<f64>,
    /// Every non-answer: transport failures and answers without usable SQL.
    pub errors_by_class: BTreeMap<Outcome, usize>,
    pub connection: ConnectionVerdict,
    /// The figures reflect the browser's connection queue, not the provider.
    pub browser_limited: bool,
}

/// One model's levels, by concurrency ascending.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelLoadReport {
    pub model: String,
    pub levels: Vec<LevelReport>,
}

/// A sweep's load figures.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LoadReport {
    /// The run came from a browser (its user agent), where connection limits apply.
    pub browser: bool,
    pub http_protocol: Option<String>,
    pub models: Vec<ModelLoadReport>,
}

/// Load figures of `sweep`, per model and concurrency level.
pub fn load_report(sweep: &SweepFile) -> LoadReport {
    let browser = sweep
        .run
        .user_agent
        .as_deref()
        .is_some_and(|ua| ua.contains("Mozilla/"));
    let protocol = sweep.run.http_protocol.as_deref();
    let default_level = match &sweep.run.schedule {
        Some(Schedule::Concurrent { concurrency, .. }) => *concurrency,
        _ => 1,
    };
    let models = sweep
        .models
        .iter()
        .map(|run| {
            let mut by_level: BTreeMap<u32, Vec<&Trace>> = BTreeMap::new();
            for t in &run.traces {
                let level = t.load.map_or(default_level, |s| s.concurrency);
                by_level.entry(level).or_default().push(t);
            }
            ModelLoadReport {
                model: run.model.clone(),
                levels: by_level
                    .into_iter()
                    .map(|(c, traces)| level_report(c, &traces, browser, protocol))
                    .collect(),
            }
        })
        .collect();
    LoadReport {
        browser,
        http_protocol: protocol.map(str::to_string),
        models,
    }
}

/// Dispatch → end of the last attempt; the answering attempt's latency when retries
/// were not recorded.
fn user_latency(t: &Trace) -> Option<f64> {
    t.timing.latency_with_retries_ms.or(t.timing.latency_ms)
}

fn outcome_of(t: &Trace) -> Outcome {
    t.outcome.unwrap_or_else(|| classify_published(t, None))
}

fn level_report(
    concurrency: u32,
    traces: &[&Trace],
    browser: bool,
    protocol: Option<&str>,
) -> LevelReport {
    let warmup_excluded = traces.iter().filter(|t| t.is_warmup()).count();
    let measured: Vec<&Trace> = traces.iter().copied().filter(|t| !t.is_warmup()).collect();
    let (failed, answered): (Vec<&Trace>, Vec<&Trace>) = measured
        .iter()
        .copied()
        .partition(|t| outcome_of(t).is_transport_failure());
    let ok_latency: Vec<f64> = answered.iter().filter_map(|t| user_latency(t)).collect();
    let failed_latency: Vec<f64> = failed.iter().filter_map(|t| user_latency(t)).collect();
    let ttfts: Vec<f64> = answered.iter().filter_map(|t| t.timing.ttft_ms).collect();
    let wall_ms = wall_ms(&measured);
    let correct = measured.iter().filter(|t| t.correct).count();
    let per_s = |k: usize| wall_ms.map(|w| k as f64 / (w / 1000.0));
    let mut errors_by_class = BTreeMap::new();
    for t in &measured {
        let o = outcome_of(t);
        let is_error = o.is_transport_failure()
            || matches!(o, Outcome::InvalidJson | Outcome::NoSql | Outcome::SqlError);
        if is_error {
            *errors_by_class.entry(o).or_insert(0) += 1;
        }
    }
    let all: Vec<Trace> = traces.iter().map(|t| (*t).clone()).collect();
    let connection = browser_limited(&all, concurrency, protocol);
    let browser_limited = browser
        && concurrency > BROWSER_CONNECTIONS_PER_HOST
        && match connection {
            ConnectionVerdict::Multiplexed | ConnectionVerdict::WithinLimit => false,
            ConnectionVerdict::NotQueued { .. } => protocol.is_some(),
            ConnectionVerdict::Queued { .. } | ConnectionVerdict::NoData => true,
        };
    LevelReport {
        concurrency,
        calls: measured.len(),
        warmup_excluded,
        answered: answered.len(),
        failed: failed.len(),
        p50_ms: quantile(&ok_latency, 0.5),
        p90_ms: quantile(&ok_latency, 0.9),
        p99_ms: quantile(&ok_latency, 0.99),
        mean_ms: mean(&ok_latency),
        ttft_p50_ms: quantile(&ttfts, 0.5),
        failed_p50_ms: quantile(&failed_latency, 0.5),
        indicative: ok_latency.len() < MIN_SAMPLES,
        wall_ms,
        throughput_qps: per_s(measured.len()),
        goodput_qps: per_s(correct),
        correct,
        accuracy: (!measured.is_empty()).then(|| correct as f64 / measured.len() as f64),
        errors_by_class,
        connection,
        browser_limited,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sweep::{LoadSlot, ModelRun, RunMeta, Timing, SCHEMA_ID, SCHEMA_VERSION};

    /// A trace dispatched at `d`, headers at `h`, total latency `l` (ms).
    fn t(d: f64, h: f64, l: f64) -> Trace {
        Trace {
            qid: "q".into(),
            timing: Timing {
                dispatch_ms: Some(d),
                headers_ms: Some(h),
                ttft_ms: Some(h + 10.0),
                latency_ms: Some(l),
                latency_with_retries_ms: Some(l),
                ..Timing::default()
            },
            outcome: Some(Outcome::Correct),
            correct: true,
            ..Trace::default()
        }
    }

    /// `n` calls leaving at 0 through a pool of `pool` connections, each 400 ms with
    /// headers 20 ms after the connection is free.
    fn pooled(n: usize, pool: usize) -> Vec<Trace> {
        (0..n)
            .map(|i| {
                let wait = (i / pool) as f64 * 400.0;
                t(0.0, wait + 20.0, wait + 400.0)
            })
            .collect()
    }

    fn check(traces: Vec<Trace>, c: u32, protocol: Option<&str>, expected: ConnectionVerdict) {
        assert_eq!(
            browser_limited(&traces, c, protocol),
            expected,
            "c={c} {protocol:?}"
        );
    }

    #[test]
    fn staircase_detection() {
        use ConnectionVerdict::*;
        check(pooled(6, 6), 6, None, WithinLimit);
        check(pooled(16, 6), 16, Some("h2"), Multiplexed);
        check(pooled(16, 6), 16, Some("HTTP/2.0"), Multiplexed);
        check(
            pooled(16, 6),
            16,
            Some("http/1.1"),
            Queued {
                queued: 10,
                burst: 16,
            },
        );
        check(
            pooled(16, 6),
            16,
            None,
            Queued {
                queued: 10,
                burst: 16,
            },
        );
        check(pooled(16, 16), 16, None, NotQueued { burst: 16 });
        check(
            pooled(64, 6),
            64,
            None,
            Queued {
                queued: 58,
                burst: 64,
            },
        );
        // Only the first `concurrency` dispatches form the burst.
        let mut later = pooled(8, 8);
        later.extend((0..20).map(|i| t(1000.0 + i as f64, 5000.0, 6000.0)));
        check(later, 8, None, NotQueued { burst: 8 });
        check(pooled(6, 6), 8, None, NoData);
        check(vec![Trace::default(); 10], 8, None, NoData);
    }

    fn sweep(traces: Vec<Trace>, user_agent: &str, protocol: Option<&str>) -> SweepFile {
        SweepFile {
            schema: SCHEMA_ID.into(),
            version: SCHEMA_VERSION,
            run: RunMeta {
                user_agent: Some(user_agent.into()),
                http_protocol: protocol.map(str::to_string),
                ..RunMeta::default()
            },
            models: vec![ModelRun {
                model: "m".into(),
                platform: None,
                pricing: None,
                traces,
                recorded: None,
            }],
        }
    }

    fn slot(c: u32, warmup: bool) -> Option<LoadSlot> {
        Some(LoadSlot {
            concurrency: c,
            round: 0,
            warmup,
        })
    }

    #[test]
    fn levels_separate_failures_and_warmups() {
        let mut traces = Vec::new();
        for i in 0..10 {
            let mut x = t(i as f64 * 100.0, 10.0, 100.0 + i as f64);
            x.load = slot(1, false);
            traces.push(x);
        }
        let mut warm = t(0.0, 10.0, 99_999.0);
        warm.load = slot(1, true);
        traces.push(warm);
        let mut failed = t(1000.0, 5.0, 30_000.0);
        failed.load = slot(1, false);
        failed.outcome = Some(Outcome::RateLimited);
        failed.correct = false;
        traces.push(failed);
        let mut no_sql = t(1100.0, 5.0, 200.0);
        no_sql.load = slot(1, false);
        no_sql.outcome = Some(Outcome::InvalidJson);
        no_sql.correct = false;
        traces.push(no_sql);
        let r = load_report(&sweep(traces, "sqlsweep-cli/0.1.0 (linux)", None));
        assert!(!r.browser);
        let l = &r.models[0].levels[0];
        assert_eq!(
            (
                l.concurrency,
                l.calls,
                l.warmup_excluded,
                l.answered,
                l.failed
            ),
            (1, 12, 1, 11, 1)
        );
        assert_eq!(l.p50_ms, Some(105.0));
        assert_eq!(l.failed_p50_ms, Some(30_000.0));
        assert!(l.indicative);
        assert_eq!(l.correct, 10);
        assert_eq!(l.accuracy, Some(10.0 / 12.0));
        assert_eq!(l.wall_ms, Some(31_000.0));
        assert_eq!(l.throughput_qps, Some(12.0 / 31.0));
        let classes: Vec<(Outcome, usize)> = l.errors_by_class.clone().into_iter().collect();
        assert_eq!(
            classes,
            vec![(Outcome::RateLimited, 1), (Outcome::InvalidJson, 1)]
        );
        assert!(!l.browser_limited);
    }

    #[test]
    fn browser_runs_above_six_are_flagged_unless_multiplexed() {
        let with_slots = |c: u32, traces: Vec<Trace>| {
            traces
                .into_iter()
                .map(|mut x| {
                    x.load = slot(c, false);
                    x
                })
                .collect::<Vec<_>>()
        };
        let ua = "Mozilla/5.0 (X11; Linux x86_64) Chrome/156";
        let flagged = |traces: Vec<Trace>, ua: &str, p: Option<&str>| {
            load_report(&sweep(traces, ua, p)).models[0].levels[0].browser_limited
        };
        assert!(flagged(with_slots(16, pooled(16, 6)), ua, None));
        assert!(flagged(with_slots(16, pooled(16, 6)), ua, Some("http/1.1")));
        assert!(flagged(
            with_slots(16, pooled(16, 16)),
            ua,
            Some("http/1.1")
        ));
        assert!(!flagged(with_slots(16, pooled(16, 16)), ua, None));
        assert!(!flagged(with_slots(16, pooled(16, 6)), ua, Some("h2")));
        assert!(!flagged(with_slots(6, pooled(6, 6)), ua, None));
        assert!(!flagged(
            with_slots(16, pooled(16, 6)),
            "sqlsweep-cli/0.1.0",
            None
        ));
    }

    /// `traces` moved to `session`.
    fn in_session(session: u32, traces: Vec<Trace>) -> Vec<Trace> {
        traces
            .into_iter()
            .map(|mut x| {
                x.timing.session = session;
                x
            })
            .collect()
    }

    #[test]
    fn each_session_is_measured_on_its_own() {
        // (session 0's traces, session 1's traces, expected wall time).
        let span = |d: f64, l: f64| t(d, 10.0, l);
        let cases: Vec<(Vec<Trace>, Vec<Trace>, Option<f64>)> = vec![
            // One session: first dispatch → last end.
            (
                vec![span(0.0, 400.0), span(500.0, 500.0)],
                vec![],
                Some(1000.0),
            ),
            // Two sessions, both starting at offset 0: spans add up (1000 + 300),
            // they neither overlap (1000) nor count the pause between them.
            (
                vec![span(0.0, 400.0), span(500.0, 500.0)],
                vec![span(0.0, 100.0), span(100.0, 200.0)],
                Some(1300.0),
            ),
            // A later session's offsets may be anything; only its own span counts.
            (
                vec![span(0.0, 400.0)],
                vec![span(7_200_000.0, 400.0)],
                Some(800.0),
            ),
            // No timing at all.
            (vec![Trace::default()], vec![Trace::default()], None),
        ];
        for (a, b, expected) in cases {
            let all: Vec<Trace> = in_session(0, a)
                .into_iter()
                .chain(in_session(1, b))
                .collect();
            let refs: Vec<&Trace> = all.iter().collect();
            assert_eq!(wall_ms(&refs), expected, "{all:?}");
        }
    }

    #[test]
    fn each_sessions_burst_is_judged_on_its_own() {
        use ConnectionVerdict::*;
        let two = |a: Vec<Trace>, b: Vec<Trace>| -> Vec<Trace> {
            in_session(0, a)
                .into_iter()
                .chain(in_session(1, b))
                .collect()
        };
        // Two clean bursts of 16: not queued, both counted.
        check(
            two(pooled(16, 16), pooled(16, 16)),
            16,
            None,
            NotQueued { burst: 32 },
        );
        // A clean burst and a queued one: the level was queued.
        check(
            two(pooled(16, 16), pooled(16, 6)),
            16,
            None,
            Queued {
                queued: 10,
                burst: 32,
            },
        );
        // A resumed session with too few calls to judge adds nothing.
        check(
            two(pooled(16, 6), pooled(4, 6)),
            16,
            None,
            Queued {
                queued: 10,
                burst: 16,
            },
        );
        check(two(pooled(5, 6), pooled(4, 6)), 16, None, NoData);
        // Two clean bursts of 8, the resumed one (an hour later) against a provider
        // slower to send headers. Judged apart: no staircase.
        let burst = |n: usize, headers: f64, latency: f64| -> Vec<Trace> {
            (0..n).map(|_| t(0.0, headers, latency)).collect()
        };
        let level = two(burst(8, 20.0, 100.0), burst(8, 300.0, 400.0));
        check(level.clone(), 16, None, NotQueued { burst: 16 });
        // Read as one session they interleave into one burst of 16 whose slower half
        // looks queued behind the faster: the false staircase sessions prevent.
        let one_origin = in_session(0, level);
        check(
            one_origin,
            16,
            None,
            Queued {
                queued: 8,
                burst: 16,
            },
        );
    }
}
