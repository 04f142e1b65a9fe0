//! What a run shows while it runs, on stderr: on a terminal, one status line
//! redrawn in place (a bar, counts, ETA, live per-model accuracy and latency) with
//! notable events printed above it; otherwise (a pipe, a CI log) one plain line per
//! finished trace, phase and retry — never a control character.

use std::io::{IsTerminal, Write};
use std::time::{Duration, Instant};

use sqlsweep_core::engine::progress::duration_text;
use sqlsweep_core::engine::{Engine, Event, Progress};
use sqlsweep_core::sweep::Trace;

/// Redraws at most this often.
const REDRAW: Duration = Duration::from_millis(100);

pub struct ProgressView {
    tty: bool,
    /// Stopped models already announced.
    stops_shown: usize,
    last_draw: Option<Instant>,
    drawn: bool,
}

impl ProgressView {
    /// A view for stderr, styled by whether stderr is a terminal.
    pub fn new() -> ProgressView {
        ProgressView {
            tty: std::io::stderr().is_terminal(),
            stops_shown: 0,
            last_draw: None,
            drawn: false,
        }
    }

    /// Shows one engine event.
    pub fn event(&mut self, engine: &Engine, event: &Event, now_ms: f64) {
        match event {
            Event::PhaseStarted {
                model,
                concurrency,
                jobs,
            } => self.say(&phase_line(model, *concurrency, *jobs)),
            Event::Retrying {
                model,
                qid,
                retry,
                wait_ms,
                reason,
            } => self.say(&format!(
                "retry {retry} of {} {qid} in {}: {reason}",
                short(model),
                duration_text(*wait_ms)
            )),
            Event::TraceFinished { model, trace } => {
                if !self.tty {
                    let p = engine.progress(now_ms);
                    self.say(&trace_text(p.done, p.total, model, trace));
                }
            }
            Event::Progress(p) => {
                if self.tty {
                    let due = self.last_draw.is_none_or(|t| t.elapsed() >= REDRAW);
                    if due || p.done == p.total {
                        self.draw(p);
                    }
                }
            }
        }
        // A model stopped after consecutive fatal failures: said once, as it happens.
        let stops = &engine.run_meta().stopped_models;
        for stop in stops.iter().skip(self.stops_shown) {
            self.say(&stop.message());
        }
        self.stops_shown = stops.len();
    }

    /// Ends the status line.
    pub fn finish(&mut self) {
        if self.tty && self.drawn {
            eprintln!();
            self.drawn = false;
        }
    }

    fn say(&mut self, line: &str) {
        let mut err = std::io::stderr().lock();
        if self.tty && self.drawn {
            let _ = write!(err, "\r\x1b[2K");
            self.drawn = false;
        }
        let _ = writeln!(err, "{line}");
    }

    fn draw(&mut self, p: &Progress) {
        let mut err = std::io::stderr().lock();
        let _ = write!(err, "\r\x1b[2K{}", status_text(p, 24));
        let _ = err.flush();
        self.drawn = true;
        self.last_draw = Some(Instant::now());
    }
}

fn short(model: &str) -> &str {
    model.rsplit('/').next().unwrap_or(model)
}

/// `m1: 25 calls at concurrency 8`.
pub fn phase_line(model: &str, concurrency: u32, jobs: usize) -> String {
    let plural = if jobs == 1 { "" } else { "s" };
    format!(
        "{}: {jobs} call{plural} at concurrency {concurrency}",
        short(model)
    )
}

/// `[ 3/75] m1 q_003 correct 1.2 s` (plain mode).
pub fn trace_text(done: usize, total: usize, model: &str, t: &Trace) -> String {
    let width = total.to_string().len();
    let outcome = t.outcome.map_or("unknown", |o| o.label());
    let latency = t
        .timing
        .latency_ms
        .map_or_else(|| "—".to_string(), duration_text);
    let mut s = format!("[{done:>width$}/{total}] {} {}", short(model), t.qid);
    if let Some(slot) = t.load {
        s.push_str(&format!(" c={} r{}", slot.concurrency, slot.round + 1));
        if slot.warmup {
            s.push_str(" warm-up");
        }
    }
    s.push_str(&format!(" {outcome} {latency}"));
    if t.attempts.len() > 1 {
        s.push_str(&format!(" ({} attempts)", t.attempts.len()));
    }
    s
}

/// The terminal status line: bar, counts, ETA, per-model figures.
pub fn status_text(p: &Progress, bar_width: usize) -> String {
    let filled = ((p.fraction() * bar_width as f64).round() as usize).min(bar_width);
    let mut s = format!(
        "[{}{}] {}",
        "#".repeat(filled),
        "-".repeat(bar_width - filled),
        p.line()
    );
    for m in &p.models {
        if m.measured > 0 {
            s.push_str(" | ");
            s.push_str(&m.line());
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use sqlsweep_core::engine::ModelProgress;
    use sqlsweep_core::outcome::Outcome;
    use sqlsweep_core::sweep::{Attempt, LoadSlot, Timing};

    fn check(got: String, expected: &str) {
        assert_eq!(got, expected);
    }

    #[test]
    fn lines() {
        let mut t = Trace {
            qid: "q_003".into(),
            outcome: Some(Outcome::Correct),
            timing: Timing {
                latency_ms: Some(1234.0),
                ..Timing::default()
            },
            ..Trace::default()
        };
        check(
            trace_text(3, 75, "acct/models/m1", &t),
            "[ 3/75] m1 q_003 correct 1.2 s",
        );
        t.load = Some(LoadSlot {
            concurrency: 8,
            round: 1,
            warmup: true,
        });
        let a = Attempt {
            status: Some(429),
            outcome: Outcome::RateLimited,
            started_ms: 0.0,
            ended_ms: 1.0,
            waited_ms: 0.0,
        };
        t.attempts = vec![a.clone(), a];
        check(
            trace_text(10, 10, "m1", &t),
            "[10/10] m1 q_003 c=8 r2 warm-up correct 1.2 s (2 attempts)",
        );
        check(phase_line("a/b", 64, 275), "b: 275 calls at concurrency 64");
        let p = Progress {
            done: 5,
            total: 10,
            resumed: 0,
            skipped: 0,
            in_flight: 0,
            elapsed_ms: 10.0,
            eta_ms: None,
            models: vec![ModelProgress {
                model: "m1".into(),
                done: 5,
                total: 10,
                measured: 5,
                correct: 4,
                accuracy: Some(0.8),
                median_latency_ms: Some(900.0),
                errors: 0,
            }],
        };
        check(
            status_text(&p, 10),
            "[#####-----] 5/10 (50%) | m1 5/10 · 80% correct · p50 900 ms",
        );
    }
}
