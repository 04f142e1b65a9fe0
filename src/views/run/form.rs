//! The `#/run` form's state: one signal per field, read from and written to the
//! URL (never the key), and assembled into core's [`RunForm`] — which decides what
//! the fields mean. The URL mapping is plain functions, tested natively.

use leptos::prelude::*;
use sqlsweep_core::engine::form::{parse_models, CalibrationForm};
use sqlsweep_core::engine::{RunForm, ScheduleForm};
use sqlsweep_core::sweep::Protocol;

use crate::router::Query;

/// Which schedule the form shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScheduleKind {
    Sequential,
    Concurrent,
    Load,
}

impl ScheduleKind {
    pub const ALL: [ScheduleKind; 3] = [
        ScheduleKind::Sequential,
        ScheduleKind::Concurrent,
        ScheduleKind::Load,
    ];

    pub fn key(self) -> &'static str {
        match self {
            ScheduleKind::Sequential => "sequential",
            ScheduleKind::Concurrent => "concurrent",
            ScheduleKind::Load => "load",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ScheduleKind::Sequential => "Sequential",
            ScheduleKind::Concurrent => "Concurrent",
            ScheduleKind::Load => "Load test",
        }
    }

    fn from_key(s: &str) -> Option<ScheduleKind> {
        ScheduleKind::ALL.into_iter().find(|k| k.key() == s)
    }
}

/// The protocols in the form's order, with their URL keys and labels.
pub const PROTOCOLS: [(Protocol, &str, &str); 3] = [
    (Protocol::OneShot, "one-shot", "One-shot (as published)"),
    (Protocol::Agent, "agent", "Agent (repair + retries)"),
    (Protocol::Baseline, "baseline", "Customer baseline"),
];

pub fn protocol_key(p: &Protocol) -> &'static str {
    PROTOCOLS
        .iter()
        .find(|(q, _, _)| q == p)
        .map_or("one-shot", |(_, k, _)| k)
}

fn protocol_from_key(s: &str) -> Option<Protocol> {
    PROTOCOLS
        .iter()
        .find(|(_, k, _)| *k == s)
        .map(|(p, _, _)| p.clone())
}

/// The default first-token delay of the calibration fixture model.
pub const CALIBRATION_TTFT_MS: u64 = 200;
/// Measured calibration calls by default (one round of the gold set).
pub const CALIBRATION_CALLS: usize = 25;

/// The form as plain values (what the URL holds).
#[derive(Debug, Clone, PartialEq)]
pub struct FormValues {
    pub models: String,
    pub questions: String,
    pub protocol: Protocol,
    pub kind: ScheduleKind,
    pub pace_ms: u64,
    pub concurrency: u32,
    pub warmup: u32,
    pub levels: String,
    /// Empty: enough rounds for `min_samples`.
    pub rounds: String,
    pub min_samples: usize,
    pub label: String,
    pub calibrate: bool,
    pub calibration_base: String,
    pub calibration_ttft_ms: u64,
    pub calibration_calls: usize,
    /// Stop asking a model after this many consecutive refused calls (0 = never).
    pub stop_after_failures: u32,
}

impl Default for FormValues {
    fn default() -> Self {
        FormValues {
            models: String::new(),
            questions: "all".into(),
            protocol: Protocol::OneShot,
            kind: ScheduleKind::Sequential,
            pace_ms: 0,
            concurrency: 4,
            warmup: 0,
            levels: "1, 3, 6".into(),
            rounds: String::new(),
            min_samples: 100,
            label: String::new(),
            calibrate: false,
            calibration_base: String::new(),
            calibration_ttft_ms: CALIBRATION_TTFT_MS,
            calibration_calls: CALIBRATION_CALLS,
            stop_after_failures: RunForm::default().stop_after_failures,
        }
    }
}

fn num<T: std::str::FromStr>(q: &Query, key: &str, default: T) -> T {
    q.get(key)
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(default)
}

impl FormValues {
    /// Reads the URL; missing or unreadable values keep their defaults.
    pub fn from_query(q: &Query) -> FormValues {
        let d = FormValues::default();
        FormValues {
            models: q
                .get("models")
                .map_or(d.models, |m| parse_models(m).join("\n")),
            questions: q.get("questions").map_or(d.questions, str::to_string),
            protocol: q
                .get("protocol")
                .and_then(protocol_from_key)
                .unwrap_or(d.protocol),
            kind: q
                .get("schedule")
                .and_then(ScheduleKind::from_key)
                .unwrap_or(d.kind),
            pace_ms: num(q, "pace", d.pace_ms),
            concurrency: num(q, "c", d.concurrency),
            warmup: num(q, "warmup", d.warmup),
            levels: q.get("levels").map_or(d.levels, str::to_string),
            rounds: q.get("rounds").map_or(d.rounds, str::to_string),
            min_samples: num(q, "min", d.min_samples),
            label: q.get("label").map_or(d.label, str::to_string),
            calibrate: q.get("calibrate") == Some("1"),
            calibration_base: q.get("cal").map_or(d.calibration_base, str::to_string),
            calibration_ttft_ms: num(q, "cal_ttft", d.calibration_ttft_ms),
            calibration_calls: num(q, "cal_calls", d.calibration_calls),
            stop_after_failures: num(q, "stop", d.stop_after_failures),
        }
    }

    /// Writes into `q` what differs from the defaults (and removes the rest).
    pub fn to_query(&self, q: Query) -> Query {
        let d = FormValues::default();
        let pick = |differs: bool, v: String| differs.then_some(v);
        let models = parse_models(&self.models).join(",");
        let entries: [(&str, Option<String>); 16] = [
            ("models", pick(!models.is_empty(), models)),
            (
                "questions",
                pick(
                    self.questions.trim() != d.questions,
                    self.questions.trim().to_string(),
                ),
            ),
            (
                "protocol",
                pick(
                    self.protocol != d.protocol,
                    protocol_key(&self.protocol).to_string(),
                ),
            ),
            (
                "schedule",
                pick(self.kind != d.kind, self.kind.key().to_string()),
            ),
            (
                "pace",
                pick(self.pace_ms != d.pace_ms, self.pace_ms.to_string()),
            ),
            (
                "c",
                pick(
                    self.concurrency != d.concurrency,
                    self.concurrency.to_string(),
                ),
            ),
            (
                "warmup",
                pick(self.warmup != d.warmup, self.warmup.to_string()),
            ),
            (
                "levels",
                pick(
                    self.levels.trim() != d.levels,
                    self.levels.trim().to_string(),
                ),
            ),
            (
                "rounds",
                pick(
                    !self.rounds.trim().is_empty(),
                    self.rounds.trim().to_string(),
                ),
            ),
            (
                "min",
                pick(
                    self.min_samples != d.min_samples,
                    self.min_samples.to_string(),
                ),
            ),
            (
                "label",
                pick(!self.label.trim().is_empty(), self.label.trim().to_string()),
            ),
            ("calibrate", pick(self.calibrate, "1".to_string())),
            (
                "cal",
                pick(
                    !self.calibration_base.trim().is_empty(),
                    self.calibration_base.trim().to_string(),
                ),
            ),
            (
                "cal_ttft",
                pick(
                    self.calibration_ttft_ms != d.calibration_ttft_ms,
                    self.calibration_ttft_ms.to_string(),
                ),
            ),
            (
                "cal_calls",
                pick(
                    self.calibration_calls != d.calibration_calls,
                    self.calibration_calls.to_string(),
                ),
            ),
            (
                "stop",
                pick(
                    self.stop_after_failures != d.stop_after_failures,
                    self.stop_after_failures.to_string(),
                ),
            ),
        ];
        entries
            .into_iter()
            .fold(q, |q, (k, v)| q.with(k, v.as_deref()))
    }

    /// The run form; `fallback_base` is the fixture URL when the form names none
    /// (the custom endpoint), `timeout_s` the key bar's per-call limit.
    pub fn to_form(&self, fallback_base: &str, timeout_s: f64) -> RunForm {
        let schedule = match self.kind {
            ScheduleKind::Sequential => ScheduleForm::Sequential {
                pace_ms: self.pace_ms,
            },
            ScheduleKind::Concurrent => ScheduleForm::Concurrent {
                concurrency: self.concurrency,
                warmup: self.warmup,
            },
            ScheduleKind::Load => ScheduleForm::Load {
                levels: self.levels.clone(),
                // An unreadable number is 0 rounds, which the form refuses by name.
                rounds: (!self.rounds.trim().is_empty())
                    .then(|| self.rounds.trim().parse().unwrap_or(0)),
                min_samples: self.min_samples,
                warmup: self.warmup,
            },
        };
        let base = if self.calibration_base.trim().is_empty() {
            fallback_base.trim()
        } else {
            self.calibration_base.trim()
        };
        RunForm {
            models: self.models.clone(),
            questions: self.questions.clone(),
            protocol: self.protocol.clone(),
            schedule,
            timeout_s,
            retries: RunForm::default().retries,
            stop_after_failures: self.stop_after_failures,
            label: self.label.clone(),
            calibration: self.calibrate.then(|| CalibrationForm {
                base_url: base.to_string(),
                ttft_ms: self.calibration_ttft_ms,
                calls: self.calibration_calls,
            }),
        }
    }
}

/// The form's fields as signals (cheap to copy).
#[derive(Clone, Copy)]
pub struct FormState(pub RwSignal<FormValues>);

impl FormState {
    pub fn new(values: FormValues) -> FormState {
        FormState(RwSignal::new(values))
    }

    /// A field's value (tracked).
    pub fn get<T>(&self, f: impl Fn(&FormValues) -> T) -> T {
        self.0.with(|v| f(v))
    }

    /// Changes one field.
    pub fn set(&self, f: impl FnOnce(&mut FormValues)) {
        self.0.update(f);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(hash_query: &str, expected: FormValues) {
        let got = FormValues::from_query(&Query::parse(hash_query));
        assert_eq!(got, expected, "{hash_query}");
        // Writing it back and reading again gives the same values.
        let again = FormValues::from_query(&got.to_query(Query::default()));
        assert_eq!(again, expected, "round trip of {hash_query}");
    }

    #[test]
    fn url_state() {
        let d = FormValues::default;
        check("", d());
        check("provider=custom&base=http://x/v1", d());
        check(
            "models=a,b&protocol=agent&schedule=concurrent&c=6&warmup=2",
            FormValues {
                models: "a\nb".into(),
                protocol: Protocol::Agent,
                kind: ScheduleKind::Concurrent,
                concurrency: 6,
                warmup: 2,
                ..d()
            },
        );
        check(
            "schedule=load&levels=1,8&rounds=1&questions=q_001..q_016&calibrate=1&cal=http://127.0.0.1:9/v1&cal_ttft=150",
            FormValues {
                kind: ScheduleKind::Load,
                levels: "1,8".into(),
                rounds: "1".into(),
                questions: "q_001..q_016".into(),
                calibrate: true,
                calibration_base: "http://127.0.0.1:9/v1".into(),
                calibration_ttft_ms: 150,
                ..d()
            },
        );
        check(
            "stop=0",
            FormValues {
                stop_after_failures: 0,
                ..d()
            },
        );
        // Unreadable numbers and unknown names keep the defaults.
        check(
            "c=lots&schedule=weekly&protocol=psychic&pace=-1&stop=-2",
            d(),
        );
        // Defaults are not written, other keys of the view are kept.
        let q = d().to_query(Query::parse("provider=custom"));
        assert_eq!(q.to_string(), "provider=custom");
    }

    #[test]
    fn forms() {
        let v = FormValues {
            models: "a".into(),
            kind: ScheduleKind::Load,
            levels: "1,6".into(),
            rounds: "x".into(),
            warmup: 1,
            calibrate: true,
            ..FormValues::default()
        };
        let f = v.to_form("http://127.0.0.1:9/v1", 30.0);
        assert_eq!(
            f.schedule,
            ScheduleForm::Load {
                levels: "1,6".into(),
                rounds: Some(0),
                min_samples: 100,
                warmup: 1
            }
        );
        assert_eq!(f.timeout_s, 30.0);
        let cal = f.calibration.unwrap();
        assert_eq!(
            (cal.base_url.as_str(), cal.ttft_ms, cal.calls),
            ("http://127.0.0.1:9/v1", 200, 25)
        );
        let seq = FormValues {
            pace_ms: 1500,
            ..FormValues::default()
        }
        .to_form("", 30.0);
        assert_eq!(seq.schedule, ScheduleForm::Sequential { pace_ms: 1500 });
        assert_eq!(seq.calibration, None);
    }
}
