//! Every number the analysis uses that is *not* in a data file: GPT-5.4 rates, GPU
//! price and capacity, staffing cost, the direct-API discount, the volume, the
//! accuracy bar, the latency target… One struct with the original's values as
//! defaults, shown on screen beside the figures that rest on it, editable, and
//! carried in the URL (only the values that differ from the defaults).
//!
//! Calendar convention (one, used everywhere): a year is 365 days and a month is
//! a twelfth of it, 365/12 ≈ 30.42 days, so 12 × monthly = annual for every
//! option, self-hosting included. (The original used 30-day months and 365-day
//! years, but 12 × 30 days for self-hosting only; see §6.2.9 of the spec.)

use serde::{Deserialize, Serialize};

/// Days in a year.
pub const DAYS_PER_YEAR: f64 = 365.0;
/// Days in a month: a twelfth of [`DAYS_PER_YEAR`].
pub const DAYS_PER_MONTH: f64 = DAYS_PER_YEAR / 12.0;
/// Hours in a day.
pub const HOURS_PER_DAY: f64 = 24.0;

/// The volume slider's range and step (queries per day).
pub const VOLUME_MIN: u64 = 1_000;
pub const VOLUME_MAX: u64 = 300_000;
pub const VOLUME_STEP: u64 = 1_000;

/// The editable assumptions. Defaults are the original dashboard's constants
/// (original-dashboard.md §1.11) unless documented otherwise.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Assumptions {
    /// Queries per day (the volume slider). Default 30,000 = 1,000 users × 30 queries.
    pub volume_per_day: u64,
    /// GPT-5.4 input rate, USD per million tokens (the customer's current model).
    pub gpt_input_rate: f64,
    /// GPT-5.4 output rate, USD per million tokens.
    pub gpt_output_rate: f64,
    /// Self-host: price of one H100-class GPU, USD per hour.
    pub gpu_hourly_usd: f64,
    /// Self-host: queries one GPU serves per day (~50 q/min).
    pub queries_per_gpu_day: u64,
    /// Cost of one full-time ML/infra engineer, USD per month.
    pub fte_monthly_usd: f64,
    /// Self-host: share of an engineer needed to run the deployment (0.5 FTE).
    pub self_host_fte: f64,
    /// Working hours in an engineer's month (turns FTE cost into an hourly rate).
    pub fte_hours_per_month: f64,
    /// Direct model APIs: discount against the managed platform's price (0.30 = 30 %
    /// cheaper, the midpoint of the original's "20–40 % cheaper").
    pub direct_api_discount: f64,
    /// Model id priced as the "managed platform" option of build-vs-buy. The
    /// original used Kimi K2.6 on Fireworks (the model the agent evaluation ran).
    pub reference_model: String,
    /// The accuracy a model needs to "ship" (cheapest-that-ships, ≥90 % tiles).
    pub ship_accuracy: f64,
    /// The customer's latency target in milliseconds.
    pub latency_target_ms: f64,
    /// Fine-tuning effort, engineer-hours, low and high estimate.
    pub finetune_hours_low: f64,
    pub finetune_hours_high: f64,
    /// Decision rule: prefer the better model when it is more accurate by more than
    /// this many points…
    pub pick_better_min_gap_points: f64,
    /// …and costs less than this many times as much.
    pub pick_better_max_cost_ratio: f64,
    /// Fine-tuning the cheaper model is worth a look only above this cost ratio.
    pub finetune_min_cost_ratio: f64,
    /// Typical accuracy loss from FP16 → FP8, in points (low, high).
    pub fp8_regression_points: (f64, f64),
    /// Typical accuracy loss from FP16 → FP4, in points (low, high).
    pub fp4_regression_points: (f64, f64),
}

impl Default for Assumptions {
    fn default() -> Self {
        Assumptions {
            volume_per_day: 30_000,
            gpt_input_rate: 2.50,
            gpt_output_rate: 15.00,
            gpu_hourly_usd: 2.50,
            queries_per_gpu_day: 72_000,
            fte_monthly_usd: 12_500.0,
            self_host_fte: 0.5,
            fte_hours_per_month: 160.0,
            direct_api_discount: 0.30,
            reference_model: "accounts/fireworks/models/kimi-k2p6".into(),
            ship_accuracy: 0.90,
            latency_target_ms: 3_000.0,
            finetune_hours_low: 40.0,
            finetune_hours_high: 80.0,
            pick_better_min_gap_points: 5.0,
            pick_better_max_cost_ratio: 3.0,
            finetune_min_cost_ratio: 10.0,
            fp8_regression_points: (0.0, 1.5),
            fp4_regression_points: (1.0, 5.0),
        }
    }
}

/// One assumption, for the "assumptions" panel: its URL key, a label, its value as
/// text and whether it differs from the default.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AssumptionRow {
    pub key: &'static str,
    pub label: &'static str,
    pub value: String,
    pub is_default: bool,
}

impl Assumptions {
    /// Self-host staffing cost per month (`fte_monthly_usd × self_host_fte`; $6,250 by default).
    pub fn self_host_staff_monthly_usd(&self) -> f64 {
        self.fte_monthly_usd * self.self_host_fte
    }

    /// An engineer-hour in USD (`fte_monthly_usd / fte_hours_per_month`).
    pub fn engineer_hourly_usd(&self) -> f64 {
        self.fte_monthly_usd / self.fte_hours_per_month
    }

    /// GPT-5.4 cost of one query with this token profile.
    pub fn gpt_cost_per_query(&self, prompt_tokens: f64, completion_tokens: f64) -> f64 {
        (prompt_tokens * self.gpt_input_rate + completion_tokens * self.gpt_output_rate) / 1e6
    }

    /// `(key, value)` pairs for every assumption that differs from its default — the
    /// URL form. `from_pairs(to_pairs())` gives back an equal struct.
    pub fn to_pairs(&self) -> Vec<(&'static str, String)> {
        self.rows()
            .into_iter()
            .filter(|r| !r.is_default)
            .map(|r| (r.key, r.value))
            .collect()
    }

    /// Every assumption with its label and current value.
    pub fn rows(&self) -> Vec<AssumptionRow> {
        let d = Assumptions::default();
        let num = |v: f64| format_num(v);
        let pair = |v: (f64, f64)| format!("{}-{}", format_num(v.0), format_num(v.1));
        let row = |key, label, value: String, default: String| AssumptionRow {
            key,
            label,
            is_default: value == default,
            value,
        };
        vec![
            row(
                "volume",
                "Queries per day",
                self.volume_per_day.to_string(),
                d.volume_per_day.to_string(),
            ),
            row(
                "gpt_in",
                "GPT-5.4 input, $/M tokens",
                num(self.gpt_input_rate),
                num(d.gpt_input_rate),
            ),
            row(
                "gpt_out",
                "GPT-5.4 output, $/M tokens",
                num(self.gpt_output_rate),
                num(d.gpt_output_rate),
            ),
            row(
                "gpu_hour",
                "GPU (H100) $/hour",
                num(self.gpu_hourly_usd),
                num(d.gpu_hourly_usd),
            ),
            row(
                "gpu_qpd",
                "Queries per GPU-day",
                self.queries_per_gpu_day.to_string(),
                d.queries_per_gpu_day.to_string(),
            ),
            row(
                "fte_month",
                "Engineer (1 FTE) $/month",
                num(self.fte_monthly_usd),
                num(d.fte_monthly_usd),
            ),
            row(
                "self_host_fte",
                "Self-host staffing, FTE",
                num(self.self_host_fte),
                num(d.self_host_fte),
            ),
            row(
                "fte_hours",
                "Engineer hours per month",
                num(self.fte_hours_per_month),
                num(d.fte_hours_per_month),
            ),
            row(
                "direct_discount",
                "Direct-API discount vs managed",
                num(self.direct_api_discount),
                num(d.direct_api_discount),
            ),
            row(
                "reference",
                "Managed-platform reference model",
                self.reference_model.clone(),
                d.reference_model.clone(),
            ),
            row(
                "ship_acc",
                "Accuracy needed to ship",
                num(self.ship_accuracy),
                num(d.ship_accuracy),
            ),
            row(
                "target_ms",
                "Latency target, ms",
                num(self.latency_target_ms),
                num(d.latency_target_ms),
            ),
            row(
                "ft_hours",
                "Fine-tuning effort, engineer-hours",
                pair((self.finetune_hours_low, self.finetune_hours_high)),
                pair((d.finetune_hours_low, d.finetune_hours_high)),
            ),
            row(
                "better_gap",
                "Pick the better model above, points",
                num(self.pick_better_min_gap_points),
                num(d.pick_better_min_gap_points),
            ),
            row(
                "better_ratio",
                "…and below cost ratio",
                num(self.pick_better_max_cost_ratio),
                num(d.pick_better_max_cost_ratio),
            ),
            row(
                "ft_ratio",
                "Fine-tune only above cost ratio",
                num(self.finetune_min_cost_ratio),
                num(d.finetune_min_cost_ratio),
            ),
            row(
                "fp8_loss",
                "FP8 accuracy loss, points",
                pair(self.fp8_regression_points),
                pair(d.fp8_regression_points),
            ),
            row(
                "fp4_loss",
                "FP4 accuracy loss, points",
                pair(self.fp4_regression_points),
                pair(d.fp4_regression_points),
            ),
        ]
    }

    /// Reads URL pairs over the defaults. Unknown keys and invalid values are
    /// reported (naming key and value) and skipped; the rest still apply.
    pub fn from_pairs<'a>(
        pairs: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> (Assumptions, Vec<String>) {
        let mut a = Assumptions::default();
        let mut problems = Vec::new();
        for (key, value) in pairs {
            if let Err(e) = a.set(key, value) {
                problems.push(e);
            }
        }
        (a, problems)
    }

    /// Sets one assumption from its URL key and text value, validating it.
    pub fn set(&mut self, key: &str, value: &str) -> Result<(), String> {
        let v = value.trim();
        let bad = |what: &str| format!("assumption {key}={value:?}: {what}");
        let pos = |min: f64| -> Result<f64, String> {
            let x: f64 = v.parse().map_err(|_| bad("not a number"))?;
            if !x.is_finite() || x < min {
                return Err(bad(&format!(
                    "must be a finite number ≥ {}",
                    format_num(min)
                )));
            }
            Ok(x)
        };
        let fraction = || -> Result<f64, String> {
            let x = pos(0.0)?;
            if x > 1.0 {
                return Err(bad("must be between 0 and 1"));
            }
            Ok(x)
        };
        let range = || -> Result<(f64, f64), String> {
            let (lo, hi) = v.split_once('-').ok_or_else(|| bad("expected LOW-HIGH"))?;
            let lo: f64 = lo.trim().parse().map_err(|_| bad("LOW is not a number"))?;
            let hi: f64 = hi.trim().parse().map_err(|_| bad("HIGH is not a number"))?;
            if !(lo.is_finite() && hi.is_finite() && 0.0 <= lo && lo <= hi) {
                return Err(bad("expected 0 ≤ LOW ≤ HIGH"));
            }
            Ok((lo, hi))
        };
        let count = |min: u64| -> Result<u64, String> {
            let x: u64 = v.parse().map_err(|_| bad("not a whole number"))?;
            if x < min {
                return Err(bad(&format!("must be at least {min}")));
            }
            Ok(x)
        };
        match key {
            "volume" => self.volume_per_day = count(1)?,
            "gpt_in" => self.gpt_input_rate = pos(0.0)?,
            "gpt_out" => self.gpt_output_rate = pos(0.0)?,
            "gpu_hour" => self.gpu_hourly_usd = pos(0.0)?,
            "gpu_qpd" => self.queries_per_gpu_day = count(1)?,
            "fte_month" => self.fte_monthly_usd = pos(0.0)?,
            "self_host_fte" => self.self_host_fte = pos(0.0)?,
            "fte_hours" => {
                let h = pos(0.0)?;
                if h == 0.0 {
                    return Err(bad("must be more than 0"));
                }
                self.fte_hours_per_month = h;
            }
            "direct_discount" => self.direct_api_discount = fraction()?,
            "reference" => {
                if v.is_empty() {
                    return Err(bad("empty model id"));
                }
                self.reference_model = v.to_string();
            }
            "ship_acc" => self.ship_accuracy = fraction()?,
            "target_ms" => self.latency_target_ms = pos(0.0)?,
            "ft_hours" => (self.finetune_hours_low, self.finetune_hours_high) = range()?,
            "better_gap" => self.pick_better_min_gap_points = pos(0.0)?,
            "better_ratio" => self.pick_better_max_cost_ratio = pos(1.0)?,
            "ft_ratio" => self.finetune_min_cost_ratio = pos(1.0)?,
            "fp8_loss" => self.fp8_regression_points = range()?,
            "fp4_loss" => self.fp4_regression_points = range()?,
            _ => return Err(format!("unknown assumption {key:?}")),
        }
        Ok(())
    }
}

/// A number without trailing zeros (`2.5`, `30000`, `0.3`).
fn format_num(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        format!("{v}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(pairs: &[(&str, &str)], expected_changes: &[(&str, &str)], problems: &[&str]) {
        let (a, errs) = Assumptions::from_pairs(pairs.iter().copied());
        let got: Vec<(&str, String)> = a.to_pairs();
        let want: Vec<(&str, String)> = expected_changes
            .iter()
            .map(|(k, v)| (*k, v.to_string()))
            .collect();
        assert_eq!(got, want, "{pairs:?}");
        assert_eq!(errs.len(), problems.len(), "{errs:?}");
        for (e, p) in errs.iter().zip(problems) {
            assert!(e.contains(p), "{e} should mention {p}");
        }
        // Round trip through the URL form.
        let (back, none) = Assumptions::from_pairs(got.iter().map(|(k, v)| (*k, v.as_str())));
        assert!(none.is_empty());
        assert_eq!(back, a);
    }

    #[test]
    fn url_pairs() {
        check(&[], &[], &[]);
        check(
            &[("volume", "300000"), ("gpu_hour", "3.1")],
            &[("volume", "300000"), ("gpu_hour", "3.1")],
            &[],
        );
        check(&[("gpu_hour", "2.50")], &[], &[]); // equal to the default: not carried
        check(
            &[("ft_hours", "20-60"), ("fp4_loss", "0-3")],
            &[("ft_hours", "20-60"), ("fp4_loss", "0-3")],
            &[],
        );
        check(
            &[("reference", "openai/gpt-oss-120b")],
            &[("reference", "openai/gpt-oss-120b")],
            &[],
        );
        check(
            &[
                ("volume", "-5"),
                ("direct_discount", "1.5"),
                ("gpu_hour", "NaN"),
                ("colour", "red"),
                ("ft_hours", "80-40"),
            ],
            &[],
            &[
                "volume",
                "between 0 and 1",
                "finite",
                "unknown assumption \"colour\"",
                "LOW ≤ HIGH",
            ],
        );
        check(
            &[
                ("fte_hours", "0"),
                ("gpu_qpd", "0"),
                ("better_ratio", "0.5"),
            ],
            &[],
            &["more than 0", "at least 1", "≥ 1"],
        );
    }

    #[test]
    fn derived_defaults() {
        let a = Assumptions::default();
        assert_eq!(a.self_host_staff_monthly_usd(), 6_250.0);
        assert_eq!(a.engineer_hourly_usd(), 78.125);
        assert!((a.gpt_cost_per_query(692.0, 76.0) - 0.00287).abs() < 1e-12);
        assert!((DAYS_PER_MONTH * 12.0 - DAYS_PER_YEAR).abs() < 1e-12);
        assert_eq!(a.rows().len(), 18);
        assert!(a.rows().iter().all(|r| r.is_default));
        // The serde form (for JSON export) also round-trips, and missing fields default.
        let json = serde_json::to_string(&a).unwrap();
        assert_eq!(serde_json::from_str::<Assumptions>(&json).unwrap(), a);
        let partial: Assumptions = serde_json::from_str(r#"{"volume_per_day": 5000}"#).unwrap();
        assert_eq!(partial.volume_per_day, 5000);
        assert_eq!(partial.gpu_hourly_usd, 2.5);
    }
}
