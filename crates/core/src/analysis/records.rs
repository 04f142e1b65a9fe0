//! The normalised "record": one model on one platform from one sweep, with its
//! summary recomputed from traces. Every dashboard view reads records, so they are
//! built in one place, in one order.
//!
//! Order: sweeps in the order given, models in file order. The published data is
//! loaded Baseten sweep first, then Fireworks (as the original did), and every
//! "first wins" tie-break in the views relies on that order.

use serde::{Deserialize, Serialize};

use super::intervals::{median_interval, wilson, MedianInterval, ProportionInterval};
use crate::summary::{summarize, ModelSummary};
use crate::sweep::{Platform, PriceSource, Pricing, Source, SweepFile};

/// One model's results, normalised for display.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Record {
    /// Stable, URL-safe key: platform slug + model id, suffixed `#2`, `#3`… when the
    /// same model appears again (e.g. an imported sweep of a published model).
    pub key: String,
    /// Full model id as sent to the provider.
    pub model: String,
    /// The part of the id after its last `/`.
    pub label: String,
    pub platform: Platform,
    pub summary: ModelSummary,
    pub pricing: Option<Pricing>,
    /// Where the sweep came from (published file, import, own run).
    pub source: Option<Source>,
    /// Short label of the sweep, shown beside the model ("Baseten sweep (published)").
    pub source_label: String,
    /// The free-text notes the file stated (published files only).
    pub notes: Option<String>,
    /// Per question: (qid, correct), in trace order — the input of paired tests.
    pub results: Vec<(String, bool)>,
    /// Distribution-free 95 % interval of the latency median (same calls as
    /// `summary.median_latency_ms`: latency > 0, failed calls included).
    pub latency_p50_interval: Option<MedianInterval>,
    /// The same for the TTFT median.
    pub ttft_p50_interval: Option<MedianInterval>,
    /// Why the run stopped asking this model early (its fail-fast limit), as the
    /// sentence `StoppedModel::message` gives; `summary.n` counts only what was asked.
    pub stopped: Option<String>,
    /// Index of the sweep in the input slice, and of the model run inside it.
    pub sweep_index: usize,
    pub run_index: usize,
}

impl Record {
    /// True when every call errored: the model did not run at all, so its zeros are
    /// not measurements.
    pub fn is_fatal(&self) -> bool {
        self.summary.fatal_error.is_some()
    }

    /// Accuracy with its 95 % Wilson interval.
    pub fn accuracy_interval(&self) -> Option<ProportionInterval> {
        wilson(self.summary.correct, self.summary.n)
    }

    pub fn cost_per_query(&self) -> Option<f64> {
        self.summary.cost_per_query_usd
    }

    /// Where the per-token rate comes from; `None` when the model is unpriced.
    pub fn price_source(&self) -> Option<PriceSource> {
        self.pricing.map(|p| p.source)
    }
}

/// A platform as a short lowercase slug for keys and URLs ("baseten", "fireworks",
/// or the custom name lower-cased with non-alphanumerics replaced by `-`).
pub fn platform_slug(p: &Platform) -> String {
    match p {
        Platform::Fireworks => "fireworks".into(),
        Platform::Baseten => "baseten".into(),
        // Non-ASCII letters become `-` either way, so ASCII lower-casing suffices.
        Platform::Custom(name) => name
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() {
                    c.to_ascii_lowercase()
                } else {
                    '-'
                }
            })
            .collect(),
    }
}

/// The label of a sweep: its own label, else its file name, else "sweep N".
pub fn sweep_label(sweep: &SweepFile, index: usize) -> String {
    if !sweep.run.label.trim().is_empty() {
        return sweep.run.label.clone();
    }
    match &sweep.run.source {
        Some(Source::Published { file }) => format!("{file} (published)"),
        Some(Source::Imported { file }) => format!("{file} (imported)"),
        Some(Source::Own) => format!("your run {}", index + 1),
        None => format!("sweep {}", index + 1),
    }
}

/// Builds every record of every sweep, in order (see the module doc).
///
/// A model's platform is its own, else its sweep's, else detected from the sweep's
/// base URL, else `Custom("unknown")`.
pub fn records(sweeps: &[SweepFile]) -> Vec<Record> {
    let mut out: Vec<Record> = Vec::new();
    for (si, sweep) in sweeps.iter().enumerate() {
        let source_label = sweep_label(sweep, si);
        for (ri, run) in sweep.models.iter().enumerate() {
            let platform = run
                .platform
                .clone()
                .or_else(|| sweep.run.platform.clone())
                .or_else(|| sweep.run.base_url.as_deref().map(Platform::detect))
                .unwrap_or_else(|| Platform::Custom("unknown".into()));
            let base_key = format!("{}/{}", platform_slug(&platform), run.model);
            let repeats = out
                .iter()
                .filter(|r| r.key == base_key || r.key.starts_with(&format!("{base_key}#")))
                .count();
            let key = if repeats == 0 {
                base_key
            } else {
                format!("{base_key}#{}", repeats + 1)
            };
            out.push(Record {
                key,
                model: run.model.clone(),
                label: run.label().to_string(),
                platform,
                summary: summarize(run),
                pricing: run.pricing,
                source: sweep.run.source.clone(),
                source_label: source_label.clone(),
                notes: run.recorded.as_ref().and_then(|r| r.notes.clone()),
                results: run
                    .traces
                    .iter()
                    .map(|t| (t.qid.clone(), t.correct))
                    .collect(),
                latency_p50_interval: median_interval(
                    &run.traces
                        .iter()
                        .filter_map(|t| t.timing.latency_ms)
                        .filter(|l| *l > 0.0)
                        .collect::<Vec<_>>(),
                ),
                ttft_p50_interval: median_interval(
                    &run.traces
                        .iter()
                        .filter_map(|t| t.timing.ttft_ms)
                        .collect::<Vec<_>>(),
                ),
                stopped: sweep
                    .run
                    .stopped_models
                    .iter()
                    .find(|m| m.model == run.model)
                    .map(|m| m.message()),
                sweep_index: si,
                run_index: ri,
            });
        }
    }
    out
}

/// Records whose platform passes `filter`, as indices into `records`, in order.
pub fn filtered(records: &[Record], filter: &PlatformFilter) -> Vec<usize> {
    (0..records.len())
        .filter(|&i| filter.accepts(&records[i].platform))
        .collect()
}

/// The platform filter of the sweep matrix, the frontier and the cost views.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PlatformFilter {
    #[default]
    All,
    Only(Platform),
}

impl PlatformFilter {
    pub fn accepts(&self, p: &Platform) -> bool {
        match self {
            PlatformFilter::All => true,
            PlatformFilter::Only(want) => want == p,
        }
    }

    /// The URL form: `all`, `baseten`, `fireworks`, or a custom platform's slug.
    pub fn to_param(&self) -> String {
        match self {
            PlatformFilter::All => "all".into(),
            PlatformFilter::Only(p) => platform_slug(p),
        }
    }

    /// Parses the URL form against the platforms present in `records` (custom
    /// platforms are matched by slug). Unknown values are an error naming the value.
    pub fn from_param(value: &str, records: &[Record]) -> Result<PlatformFilter, String> {
        match value.trim().to_ascii_lowercase().as_str() {
            "" | "all" => Ok(PlatformFilter::All),
            "baseten" => Ok(PlatformFilter::Only(Platform::Baseten)),
            "fireworks" => Ok(PlatformFilter::Only(Platform::Fireworks)),
            other => records
                .iter()
                .map(|r| &r.platform)
                .find(|p| platform_slug(p) == other)
                .map(|p| PlatformFilter::Only(p.clone()))
                .ok_or_else(|| format!("unknown platform filter {value:?} (expected all, baseten, fireworks or a loaded platform)")),
        }
    }
}

#[cfg(test)]
pub(crate) mod testing {
    //! Hand-built records for the views' unit tests.
    use super::*;
    use crate::sweep::{ModelRun, RunMeta, Timing, Trace};

    /// A model run with `correct` of `n` right, fixed tokens per call, and latencies.
    pub fn run(
        model: &str,
        platform: Platform,
        correct: u32,
        n: u32,
        tokens: (u64, u64),
        pricing: Option<(f64, f64, PriceSource)>,
    ) -> ModelRun {
        let traces = (0..n)
            .map(|i| Trace {
                qid: format!("q_{i:03}"),
                correct: i < correct,
                json_ok: Some(true),
                sql: Some("SELECT 1".into()),
                result: Some(crate::value::ResultSet::default()),
                prompt_tokens: Some(tokens.0),
                completion_tokens: Some(tokens.1),
                timing: Timing {
                    ttft_ms: Some(100.0 + i as f64),
                    latency_ms: Some(1000.0 + 10.0 * i as f64),
                    ..Timing::default()
                },
                ..Trace::default()
            })
            .collect();
        ModelRun {
            model: model.into(),
            platform: Some(platform),
            pricing: pricing.map(|(input, output, source)| Pricing {
                input,
                output,
                source,
            }),
            traces,
            recorded: None,
        }
    }

    /// A run where every call failed with `error`.
    pub fn fatal_run(model: &str, platform: Platform, n: u32, error: &str) -> ModelRun {
        let mut r = run(model, platform, 0, n, (0, 0), None);
        for t in &mut r.traces {
            t.error = Some(error.into());
            t.json_ok = Some(false);
            t.sql = None;
            t.result = None;
        }
        r
    }

    pub fn sweep(label: &str, platform: Platform, models: Vec<ModelRun>) -> SweepFile {
        SweepFile {
            schema: crate::sweep::SCHEMA_ID.into(),
            version: crate::sweep::SCHEMA_VERSION,
            run: RunMeta {
                label: label.into(),
                platform: Some(platform),
                ..RunMeta::default()
            },
            models,
        }
    }

    pub const PUB: PriceSource = PriceSource::Published;
    pub const PROXY: PriceSource = PriceSource::Proxy;

    /// How a model did, as [`run`] takes it: its platform, `correct` of `n`, tokens
    /// per call and rates. The constants below are shaped after the published
    /// sweeps and shared by the views' tests; [`model`] gives one any id.
    pub struct Profile {
        pub platform: Platform,
        pub correct: u32,
        pub n: u32,
        pub tokens: (u64, u64),
        pub pricing: Option<(f64, f64, PriceSource)>,
    }

    /// Baseten's best: 24/25 at published $0.10 / $0.50 per million tokens.
    pub const GPT_OSS: Profile = baseten(24, (763, 222), Some((0.1, 0.5, PUB)));
    /// 23/25 at published $0.50 / $1.50.
    pub const DEEPSEEK: Profile = baseten(23, (735, 87), Some((0.5, 1.5, PUB)));
    /// The lowest non-zero rates and the lowest accuracy: 11/25 at $0.06 / $0.75.
    pub const NEMOTRON: Profile = baseten(11, (711, 104), Some((0.06, 0.75, PUB)));
    /// 20/25 priced at $0 (a promotion, not a plannable cost).
    pub const PROMO_FREE: Profile = baseten(20, (670, 79), Some((0.0, 0.0, PUB)));
    /// Fireworks: 23/25 at published $0.95 / $4.00.
    pub const KIMI_K2P6: Profile = fireworks((692, 76), Some((0.95, 4.0, PUB)));
    /// Fireworks: 23/25 at the same rates, proxied (an estimate).
    pub const KIMI_K2P5: Profile = fireworks((692, 73), Some((0.95, 4.0, PROXY)));

    const fn baseten(
        correct: u32,
        tokens: (u64, u64),
        pricing: Option<(f64, f64, PriceSource)>,
    ) -> Profile {
        Profile {
            platform: Platform::Baseten,
            correct,
            n: 25,
            tokens,
            pricing,
        }
    }

    const fn fireworks(tokens: (u64, u64), pricing: Option<(f64, f64, PriceSource)>) -> Profile {
        Profile {
            platform: Platform::Fireworks,
            correct: 23,
            n: 25,
            tokens,
            pricing,
        }
    }

    /// A run of `id` that did as `profile` says.
    pub fn model(id: &str, profile: Profile) -> ModelRun {
        let Profile {
            platform,
            correct,
            n,
            tokens,
            pricing,
        } = profile;
        run(id, platform, correct, n, tokens, pricing)
    }
}

#[cfg(test)]
mod tests {
    use super::testing::*;
    use super::*;

    #[test]
    fn a_model_stopped_early_says_why_and_others_do_not() {
        let mut s = sweep(
            "run",
            Platform::Fireworks,
            vec![
                run("refused", Platform::Fireworks, 0, 3, (10, 1), None),
                model("accounts/fireworks/models/kimi-k2p6", KIMI_K2P6),
            ],
        );
        s.run.stopped_models = vec![crate::sweep::StoppedModel {
            model: "refused".into(),
            outcome: crate::outcome::Outcome::Unauthorized,
            failures: 3,
            error: Some("HTTP 401".into()),
            skipped_calls: 22,
            skipped: vec!["q_004".into(), "q_005".into()],
        }];
        let recs = records(&[s]);
        let stopped: Vec<Option<&str>> = recs.iter().map(|r| r.stopped.as_deref()).collect();
        assert_eq!(
            stopped,
            [
                Some(
                    "stopped refused after 3 consecutive failures (key refused (401/403)): HTTP 401; \
                     skipped 22 calls (q_004, q_005), not counted as answers"
                ),
                None
            ]
        );
        assert_eq!(recs[0].summary.n, 3, "n counts only the questions asked");
    }

    #[test]
    fn records_keep_file_order_and_unique_keys() {
        let bt = sweep(
            "bt",
            Platform::Baseten,
            vec![
                model("openai/gpt-oss-120b", GPT_OSS),
                fatal_run("zai-org/GLM-5", Platform::Baseten, 25, "503"),
            ],
        );
        let mut fw = sweep(
            "fw",
            Platform::Fireworks,
            vec![model("accounts/fireworks/models/kimi-k2p6", KIMI_K2P6)],
        );
        fw.models[0].platform = None; // falls back to the sweep's platform
        let again = sweep(
            "",
            Platform::Baseten,
            vec![run(
                "openai/gpt-oss-120b",
                Platform::Baseten,
                20,
                25,
                (700, 200),
                None,
            )],
        );
        let recs = records(&[bt, fw, again]);
        let keys: Vec<&str> = recs.iter().map(|r| r.key.as_str()).collect();
        assert_eq!(
            keys,
            [
                "baseten/openai/gpt-oss-120b",
                "baseten/zai-org/GLM-5",
                "fireworks/accounts/fireworks/models/kimi-k2p6",
                "baseten/openai/gpt-oss-120b#2"
            ]
        );
        assert_eq!(recs[0].label, "gpt-oss-120b");
        assert_eq!(recs[2].platform, Platform::Fireworks);
        assert_eq!(recs[3].source_label, "sweep 3");
        assert!(recs[1].is_fatal() && !recs[0].is_fatal());
        assert_eq!(recs[0].results.len(), 25);
        assert_eq!((recs[2].sweep_index, recs[2].run_index), (1, 0));
        // Latencies 1000..1240 ms: the median interval is the 8th and 18th of 25.
        let lat = recs[0].latency_p50_interval.as_ref().unwrap();
        assert_eq!((lat.median, lat.lo, lat.hi), (1120.0, 1070.0, 1170.0));
        assert!(recs[0].ttft_p50_interval.as_ref().unwrap().reaches_95);
        let ci = recs[0].accuracy_interval().unwrap();
        assert!((ci.lo - 0.804559).abs() < 1e-5);
    }

    fn check_filter(param: &str, expected: Result<PlatformFilter, ()>) {
        let recs = records(&[sweep(
            "x",
            Platform::Custom("My Host:8000".into()),
            vec![run(
                "m",
                Platform::Custom("My Host:8000".into()),
                1,
                1,
                (1, 1),
                None,
            )],
        )]);
        let got = PlatformFilter::from_param(param, &recs);
        match expected {
            Ok(f) => {
                assert_eq!(got.as_ref().unwrap(), &f, "{param}");
                assert_eq!(PlatformFilter::from_param(&f.to_param(), &recs).unwrap(), f);
            }
            Err(()) => assert!(got.unwrap_err().contains(param), "{param}"),
        }
    }

    #[test]
    fn platform_filter_params() {
        check_filter("all", Ok(PlatformFilter::All));
        check_filter("", Ok(PlatformFilter::All));
        check_filter("Baseten", Ok(PlatformFilter::Only(Platform::Baseten)));
        check_filter("fireworks", Ok(PlatformFilter::Only(Platform::Fireworks)));
        check_filter(
            "my-host-8000",
            Ok(PlatformFilter::Only(Platform::Custom(
                "My Host:8000".into(),
            ))),
        );
        check_filter("together", Err(()));
    }
}
