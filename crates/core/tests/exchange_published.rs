//! Import, export and the Quality view's data, on the published files: every
//! reference file either imports as a sweep or is refused with a message naming
//! it and the problem; the combined export of the published sweeps re-imports to
//! the same records; the Quality page's texts and tables match the figures the
//! golden tests pin.

mod analysis_support;

use analysis_support::*;
use sqlsweep_core::analysis::quality_page::{quality_page, taxonomy_table, tier_table, Grouping};
use sqlsweep_core::analysis::records::{records, sweep_label};
use sqlsweep_core::exchange::combine::combine;
use sqlsweep_core::exchange::import::import;
use sqlsweep_core::published::agent_eval::AgentEval;
use sqlsweep_core::published::baseline::BaselineResults;
use sqlsweep_core::sweep::{to_json, Source};

/// `Ok(models)` or `Err((JSON path, part of the message))`.
type Expected = Result<usize, (&'static str, &'static str)>;

/// Every reference file imports or is refused clearly.
#[rustfmt::skip]
#[test]
fn every_reference_file_imports_or_is_refused_clearly() {
    let not_sweep = "not a sweep file";
    let cases: [(&str, Expected); 15] = [
        ("baseten_sweep.json", Ok(10)),
        ("fireworks_sweep_v2.json", Ok(5)),
        ("model_sweep.json", Ok(6)),
        ("agent_eval.json", Err(("$", not_sweep))),
        ("baseline_results.json", Err(("$", not_sweep))),
        ("baseten_perf.json", Err(("$", not_sweep))),
        ("baseten_models_meta.json", Err(("$", not_sweep))),
        ("dev_answers.json", Err(("$", not_sweep))),
        ("dev_questions_with_answers.json", Err(("$", "expected a JSON object (a sweep file), found an array"))),
        ("synthetic_questions.json", Err(("$", "found an array"))),
        ("perf_compact_1.json", Err(("$.models", "no model in the file has any traces"))),
        ("perf_compact_2.json", Err(("$.models", "no model in the file has any traces"))),
        ("perf_compact_3.json", Err(("$.models", "no model in the file has any traces"))),
        ("perf_kimi.json", Err(("$.models", "no model in the file has any traces"))),
        ("Chinook.db", Err(("$", "this is a SQLite database, not a sweep file"))),
    ];
    for (file, want) in cases {
        match (import(file, &bytes(file)), want) {
            (Ok(s), Ok(n)) => {
                assert_eq!(s.models.len(), n, "{file}");
                assert_eq!(s.run.source, Some(Source::Imported { file: file.into() }));
                assert_eq!(s.run.label, format!("{file} (imported)"));
            }
            (Err(e), Err((path, msg))) => {
                assert_eq!((e.file.as_str(), e.path.as_str()), (file, path), "{e}");
                assert!(e.message.contains(msg), "{e}");
                assert!(e.to_string().contains(file), "{e}");
            }
            (got, want) => panic!("{file}: got {got:?}, want {want:?}"),
        }
    }
    // A truncated download names the file and says it is not valid JSON.
    let cut = &bytes("baseten_sweep.json")[..10_000];
    let e = import("baseten_sweep.json", cut).unwrap_err();
    assert!(e.message.contains("not valid JSON"), "{e}");
}

#[test]
fn the_combined_export_reimports_to_the_same_records() {
    let (sweeps, recs) = published_records();
    let labels: Vec<String> = sweeps
        .iter()
        .enumerate()
        .map(|(i, s)| sweep_label(s, i))
        .collect();
    let combined = combine(&sweeps, &labels, |_, _| true);
    let text = to_json(&combined);
    let back = import("sqlsweep-sweep.json", text.as_bytes()).unwrap();
    let again = records(std::slice::from_ref(&back));
    assert_eq!(again.len(), 15);
    for (a, b) in recs.iter().zip(&again) {
        assert_eq!(
            (&a.model, &a.platform, &a.summary, &a.results, &a.pricing),
            (&b.model, &b.platform, &b.summary, &b.results, &b.pricing),
            "{}",
            a.label
        );
    }
    assert_eq!(back.run.probed_unavailable.len(), 2, "glm-5 and qwen3-8b");
    // Only the Fireworks models shown: a filter's export holds just those.
    let fw = combine(&sweeps, &labels, |s, _| s == 1);
    assert_eq!(fw.models.len(), 5);
}

#[rustfmt::skip]
#[test]
fn quality_page_on_the_published_files() {
    let (sweeps, recs) = published_records();
    let gold = gold_set();
    let eval = AgentEval::from_json(&bytes("agent_eval.json"), "agent_eval.json").unwrap();
    let base = BaselineResults::from_json(&bytes("baseline_results.json"), "baseline_results.json").unwrap();
    let page = quality_page(Some(&gold), Some(&eval), Some(&base), &recs, &sweeps);
    assert_eq!(page.headline().as_deref(), Some("2/10 → 24/25"));
    assert_eq!(page.lede().as_deref(), Some("10/10 dev + 14/15 synthetic = 24/25 (96%)"));
    assert_eq!(page.agent_accuracy().as_deref(), Some("96% (80–99%)"));
    assert_eq!(page.baseline_accuracy().as_deref(), Some("20% (6–51%)"));
    assert_eq!(page.missed_in("synth").as_deref(), Some("missed: s_014"));
    assert_eq!(page.cards.len(), 25);
    assert!(page.sample_note().unwrap().starts_with("25 questions give wide intervals: one question more or less moves accuracy by 4 points"));
    let tiers = tier_table(&page);
    let agent_col: Vec<&str> = tiers.rows.iter().map(|r| r[2].as_str()).collect();
    let base_col: Vec<&str> = tiers.rows.iter().map(|r| r[4].as_str()).collect();
    assert_eq!((agent_col, base_col), (vec!["8/8", "12/12", "4/5"], vec!["2/4", "0/4", "0/2"]));

    let t = page.taxonomy.as_ref().unwrap();
    let by_platform = taxonomy_table(t, &recs, Grouping::Platform);
    assert_eq!(by_platform.headers, ["Platform", "Questions", "no SQL", "invalid JSON", "SQL error", "wrong shape", "wrong rows", "rate limited (429)", "server error (5xx)", "correct", "Failed", "Failed share"]);
    // The counts the golden taxonomy test pins, as the table (and its CSV) shows them.
    assert_eq!(by_platform.rows, [
        ["Baseten", "250", "27", "11", "3", "20", "1", "19", "9", "160", "90", "36%"],
        ["Fireworks", "125", "3", "0", "2", "11", "0", "0", "0", "109", "16", "13%"],
    ]);
    let by_model = taxonomy_table(t, &recs, Grouping::Model);
    assert_eq!(by_model.rows.len(), 15);
    let csv = by_model.to_csv().unwrap();
    assert_eq!(csv.matches("\r\n").count(), 16, "header and 15 rows");
    assert!(csv.contains("\r\nMiniMaxAI/MiniMax-M2.5,Baseten,baseten_sweep,25,25,0,0,0,0,0,0,0,25,100%\r\n"), "{csv}");
}
