//! Several sweeps — or the models of them a view shows — written as one sweep
//! file in our schema, for the "JSON" export of a view whose data is sweeps.
//!
//! Nothing a record needs is lost: each model keeps its traces, pricing and
//! recorded figures, and takes its sweep's platform when it had none of its own,
//! so the combined file re-imports to the same records. What only the run level
//! held (label, methodology, probed-unavailable models) is merged; fields that
//! differ between the sweeps (protocol, schedule, gold-set hash…) are left empty
//! rather than stated wrongly.

use crate::sweep::{ModelRun, RunMeta, SweepFile, SCHEMA_ID, SCHEMA_VERSION};

use super::json::tool_version;

/// The value shared by every item, or `None` when they differ (or there are none).
fn common<T: Clone + PartialEq>(mut items: impl Iterator<Item = Option<T>>) -> Option<T> {
    let first = items.next()??;
    items.all(|x| x.as_ref() == Some(&first)).then_some(first)
}

/// One sweep holding the models of `sweeps` that `keep(sweep_index, run_index)`
/// accepts, in order. `labels` name the sweeps (the labels the dashboard shows).
pub fn combine(
    sweeps: &[SweepFile],
    labels: &[String],
    keep: impl Fn(usize, usize) -> bool,
) -> SweepFile {
    let mut models: Vec<ModelRun> = Vec::new();
    let mut used: Vec<usize> = Vec::new();
    for (si, sweep) in sweeps.iter().enumerate() {
        for (ri, run) in sweep.models.iter().enumerate() {
            if !keep(si, ri) {
                continue;
            }
            let mut run = run.clone();
            if run.platform.is_none() {
                run.platform = sweep.run.platform.clone().or_else(|| {
                    sweep
                        .run
                        .base_url
                        .as_deref()
                        .map(crate::sweep::Platform::detect)
                });
            }
            models.push(run);
            if used.last() != Some(&si) {
                used.push(si);
            }
        }
    }
    let label_of = |si: usize| {
        labels
            .get(si)
            .cloned()
            .unwrap_or_else(|| crate::analysis::records::sweep_label(&sweeps[si], si))
    };
    let runs = || used.iter().map(|&si| &sweeps[si].run);
    let methodology: Vec<String> = used
        .iter()
        .filter_map(|&si| {
            sweeps[si]
                .run
                .methodology
                .as_ref()
                .map(|m| format!("{}: {m}", label_of(si)))
        })
        .collect();
    let mut probed = Vec::new();
    for r in runs() {
        for p in &r.probed_unavailable {
            if !probed.contains(p) {
                probed.push(p.clone());
            }
        }
    }
    let mut stopped = Vec::new();
    for r in runs() {
        for s in &r.stopped_models {
            if models.iter().any(|m| m.model == s.model) && !stopped.contains(s) {
                stopped.push(s.clone());
            }
        }
    }
    let run = if used.is_empty() {
        RunMeta {
            label: "no models".into(),
            tool_version: Some(tool_version()),
            ..RunMeta::default()
        }
    } else if used.len() == 1 {
        let mut run = sweeps[used[0]].run.clone();
        run.label = label_of(used[0]);
        run.stopped_models = stopped;
        run
    } else {
        RunMeta {
            label: format!(
                "{} models from {}",
                models.len(),
                used.iter()
                    .map(|&si| label_of(si))
                    .collect::<Vec<_>>()
                    .join(" + ")
            ),
            source: common(runs().map(|r| r.source.clone())),
            platform: common(runs().map(|r| r.platform.clone())),
            base_url: common(runs().map(|r| r.base_url.clone())),
            protocol: common(runs().map(|r| r.protocol.clone())),
            schedule: common(runs().map(|r| r.schedule.clone())),
            methodology: (!methodology.is_empty()).then(|| methodology.join("\n")),
            tool_version: Some(tool_version()),
            gold_set_hash: common(runs().map(|r| r.gold_set_hash.clone())),
            started_at: None,
            user_agent: common(runs().map(|r| r.user_agent.clone())),
            http_protocol: common(runs().map(|r| r.http_protocol.clone())),
            calibration: common(runs().map(|r| r.calibration.clone())),
            probed_unavailable: probed,
            stopped_models: stopped,
        }
    };
    SweepFile {
        schema: SCHEMA_ID.into(),
        version: SCHEMA_VERSION,
        run,
        models,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::records::testing::{fatal_run, run, sweep};
    use crate::analysis::records::{records, Record};
    use crate::sweep::{Platform, ProbedModel, Protocol, Source};

    fn fixture() -> Vec<SweepFile> {
        let mut bt = sweep(
            "bt",
            Platform::Baseten,
            vec![
                run("b/one", Platform::Baseten, 3, 4, (700, 80), None),
                fatal_run("b/dead", Platform::Baseten, 4, "503"),
            ],
        );
        bt.run.protocol = Some(Protocol::OneShot);
        bt.run.methodology = Some("paced 1.5 s".into());
        bt.run.source = Some(Source::Published {
            file: "bt.json".into(),
        });
        let mut fw = sweep(
            "fw",
            Platform::Fireworks,
            vec![run("f/two", Platform::Fireworks, 2, 4, (690, 70), None)],
        );
        fw.run.protocol = Some(Protocol::OneShot);
        fw.run.probed_unavailable = vec![ProbedModel {
            model: "f/gone".into(),
            error: "404".into(),
        }];
        // The model's platform only at run level: the combined file must carry it.
        fw.models[0].platform = None;
        vec![bt, fw]
    }

    /// What a record shows, without the indices that depend on the file layout.
    fn shown(
        r: &Record,
    ) -> (
        String,
        Platform,
        crate::summary::ModelSummary,
        Vec<(String, bool)>,
    ) {
        (
            r.model.clone(),
            r.platform.clone(),
            r.summary.clone(),
            r.results.clone(),
        )
    }

    fn check(keep: &dyn Fn(usize, usize) -> bool, models: &[&str], label: &str) {
        let sweeps = fixture();
        let labels = vec!["Baseten sweep".to_string(), "Fireworks sweep".to_string()];
        let c = combine(&sweeps, &labels, keep);
        assert_eq!(
            c.models
                .iter()
                .map(|m| m.model.as_str())
                .collect::<Vec<_>>(),
            models
        );
        assert_eq!(c.run.label, label);
        // Written and read back, the combined file gives the same records.
        let back = crate::sweep::load(crate::sweep::to_json(&c).as_bytes(), "c.json").unwrap();
        assert_eq!(back, c);
        let want: Vec<_> = records(&sweeps)
            .iter()
            .filter(|r| keep(r.sweep_index, r.run_index))
            .map(shown)
            .collect();
        let got: Vec<_> = records(&[back]).iter().map(shown).collect();
        assert_eq!(got, want);
    }

    #[test]
    fn combined_files_keep_every_record() {
        check(
            &|_, _| true,
            &["b/one", "b/dead", "f/two"],
            "3 models from Baseten sweep + Fireworks sweep",
        );
        check(&|s, _| s == 1, &["f/two"], "Fireworks sweep");
        check(&|s, r| s == 0 && r == 0, &["b/one"], "Baseten sweep");
        check(
            &|_, r| r == 0,
            &["b/one", "f/two"],
            "2 models from Baseten sweep + Fireworks sweep",
        );
        check(&|_, _| false, &[], "no models");
    }

    #[test]
    fn run_fields_merge_or_stay_empty() {
        let sweeps = fixture();
        let c = combine(&sweeps, &[], |_, _| true);
        assert_eq!(c.run.protocol, Some(Protocol::OneShot), "shared by both");
        assert_eq!(c.run.platform, None, "differs");
        assert_eq!(c.run.source, None, "differs");
        assert_eq!(c.run.methodology.as_deref(), Some("bt: paced 1.5 s"));
        assert_eq!(c.run.probed_unavailable.len(), 1);
        assert_eq!(c.models[2].platform, Some(Platform::Fireworks));
        assert!(c.run.tool_version.unwrap().starts_with("sqlsweep "));
    }
}
