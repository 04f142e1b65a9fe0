//! End-to-end tests of the built `sqlsweep` binary: `verify` on the published sweeps
//! (explicit inputs, and through the data manifest as on a fresh clone), its failure
//! modes, and `fetch-data` from a mirror with sha256 checks and the web copies it writes.
//!
//! The published data is read from `$SQLSWEEP_MIRROR` or `../shared/reference`; when
//! absent the tests say so and skip.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

mod common;
use common::{reference, repo_root, text};

/// A fresh, empty directory for this file's tests.
fn temp_dir(name: &str) -> PathBuf {
    common::temp_dir("cli", name)
}

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_sqlsweep"))
}

/// Parses `--json` output: one object per line.
fn json_lines(out: &Output) -> Vec<Value> {
    text(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect()
}

#[test]
fn verify_json_reproduces_both_published_sweeps() {
    let Some(r) = reference() else { return };
    let out = bin()
        .arg("verify")
        .arg("--json")
        .arg("--db")
        .arg(r.join("Chinook.db"))
        .arg("--gold")
        .arg(r.join("dev_questions_with_answers.json"))
        .arg("--gold")
        .arg(r.join("synthetic_questions.json"))
        .arg(r.join("baseten_sweep.json"))
        .arg(r.join("fireworks_sweep_v2.json"))
        .output()
        .unwrap();
    assert!(out.status.success(), "stderr: {}", text(&out.stderr));
    let lines = json_lines(&out);
    assert_eq!(lines.len(), 2);
    let mut total = 0;
    for (line, (name, traces)) in lines.iter().zip([
        ("baseten_sweep.json", 250),
        ("fireworks_sweep_v2.json", 125),
    ]) {
        for key in [
            "file",
            "traces",
            "scores_agree",
            "rows_checked",
            "rows_reproduced",
            "disagreements",
        ] {
            assert!(line.get(key).is_some(), "missing key {key} in {line}");
        }
        assert!(line["file"].as_str().unwrap().ends_with(name));
        assert_eq!(line["traces"], traces);
        assert_eq!(line["scores_agree"], traces);
        assert_eq!(line["rows_checked"], line["rows_reproduced"]);
        assert!(line["rows_checked"].as_u64().unwrap() > 100);
        assert_eq!(line["disagreements"], Value::Array(vec![]));
        total += line["scores_agree"].as_u64().unwrap();
    }
    assert_eq!(total, 375);
}

#[test]
fn verify_obtains_chinook_and_gold_through_the_manifest() {
    let Some(r) = reference() else { return };
    // A fresh "clone": only the manifest, no data.
    let clone = temp_dir("clone");
    std::fs::create_dir_all(clone.join("data")).unwrap();
    std::fs::copy(
        repo_root().join("data/manifest.toml"),
        clone.join("data/manifest.toml"),
    )
    .unwrap();
    let out = bin()
        .current_dir(&clone)
        .env("SQLSWEEP_MIRROR", &r)
        .arg("verify")
        .arg(r.join("fireworks_sweep_v2.json"))
        .output()
        .unwrap();
    let stdout = text(&out.stdout);
    assert!(
        out.status.success(),
        "stdout: {stdout}\nstderr: {}",
        text(&out.stderr)
    );
    assert!(stdout.contains("scores agree 125/125"), "{stdout}");
    assert!(stdout.contains("rows reproduced 120/120"), "{stdout}");
    assert!(stdout.contains("all checks agree"), "{stdout}");
    for name in [
        "Chinook.db",
        "dev_questions_with_answers.json",
        "synthetic_questions.json",
    ] {
        assert!(
            clone.join("data/cache").join(name).is_file(),
            "{name} fetched into data/cache"
        );
    }
    assert!(
        !clone.join("data/web").exists(),
        "only fetch-data writes the web copies"
    );
    let _ = std::fs::remove_dir_all(&clone);
}

#[test]
fn verify_fails_on_disagreement_and_bad_files() {
    let Some(r) = reference() else { return };
    let dir = temp_dir("disagree");
    // q_002's gold is two AC/DC albums; this trace claims a one-row answer was correct.
    let lying = r#"{"reports": [{"model": "m", "traces": [
        {"qid": "q_002", "sql": "SELECT 1 AS one", "rows": [{"one": 1}], "correct": true}]}]}"#;
    std::fs::write(dir.join("lying.json"), lying).unwrap();
    std::fs::write(dir.join("garbage.json"), "{\"reports\": [{\"model\": 5}]}").unwrap();
    let base = |cmd: &mut Command| {
        cmd.arg("verify")
            .arg("--db")
            .arg(r.join("Chinook.db"))
            .arg("--gold")
            .arg(r.join("dev_questions_with_answers.json"));
    };

    let mut cmd = bin();
    base(&mut cmd);
    let out = cmd
        .arg("--json")
        .arg(dir.join("lying.json"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let line = &json_lines(&out)[0];
    assert_eq!(line["scores_agree"], 0);
    assert_eq!(
        line["rows_reproduced"], 1,
        "the rows themselves are reproduced"
    );
    assert_eq!(line["disagreements"][0]["kind"], "score");
    assert_eq!(line["disagreements"][0]["qid"], "q_002");

    let mut cmd = bin();
    base(&mut cmd);
    let out = cmd.arg(dir.join("lying.json")).output().unwrap();
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stdout.contains(
            "m q_002 [score]: recorded correct, recomputed wrong (returned 1 row(s); gold has 2)"
        ),
        "{stdout}"
    );

    let mut cmd = bin();
    base(&mut cmd);
    let out = cmd
        .arg(dir.join("garbage.json"))
        .arg(dir.join("missing.json"))
        .output()
        .unwrap();
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr.contains(
            "garbage.json: at $.reports[0].model: invalid type: integer `5`, expected a string"
        ),
        "{stderr}"
    );
    assert!(stderr.contains("missing.json: cannot read"), "{stderr}");

    // An expensive query (within the step budget, not within the time limit) is stopped.
    let slow = r#"{"reports": [{"model": "m", "traces": [{"qid": "q_002", "correct": false, "rows": [{"n": 1}],
        "sql": "SELECT count(DISTINCT a.Name || b.Name || a.Composer) AS n FROM Track a, Track b"}]}]}"#;
    std::fs::write(dir.join("slow.json"), slow).unwrap();
    let mut cmd = bin();
    base(&mut cmd);
    let started = std::time::Instant::now();
    let out = cmd
        .arg("--json")
        .arg("--timeout")
        .arg("0.3")
        .arg(dir.join("slow.json"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let line = &json_lines(&out)[0];
    let detail = line["disagreements"][0]["detail"].as_str().unwrap();
    assert!(
        detail.contains("the SQL now fails: query stopped: it ran past its time limit"),
        "{detail}"
    );
    assert!(started.elapsed().as_secs() < 8, "stopped promptly");

    // A database that is not one.
    let out = bin()
        .arg("verify")
        .arg("--db")
        .arg(dir.join("lying.json"))
        .arg("--gold")
        .arg(r.join("dev_questions_with_answers.json"))
        .arg(dir.join("lying.json"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("cannot open the database"),
        "{}",
        text(&out.stderr)
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn fetch_data_copies_verifies_and_names_corrupt_files() {
    let Some(r) = reference() else { return };
    let dir = temp_dir("fetch");
    // A one-file manifest taken from the real one.
    let real = std::fs::read_to_string(repo_root().join("data/manifest.toml")).unwrap();
    let start = real
        .find("name = \"baseten_models_meta.json\"")
        .expect("entry in manifest");
    let end = real[start..].find("\n\n").map_or(real.len(), |e| start + e);
    let manifest = dir.join("manifest.toml");
    std::fs::write(&manifest, format!("[[file]]\n{}\n", &real[start..end])).unwrap();
    let good_mirror = dir.join("good");
    std::fs::create_dir_all(&good_mirror).unwrap();
    std::fs::copy(
        r.join("baseten_models_meta.json"),
        good_mirror.join("baseten_models_meta.json"),
    )
    .unwrap();
    let bad_mirror = dir.join("bad");
    std::fs::create_dir_all(&bad_mirror).unwrap();
    let mut corrupt = std::fs::read(r.join("baseten_models_meta.json")).unwrap();
    corrupt[10] ^= 0x20;
    std::fs::write(bad_mirror.join("baseten_models_meta.json"), corrupt).unwrap();
    let dest = dir.join("cache");

    let fetch = |mirror: &Path| {
        bin()
            .arg("fetch-data")
            .arg("--manifest")
            .arg(&manifest)
            .arg("--dest")
            .arg(&dest)
            .arg("--mirror")
            .arg(mirror)
            .output()
            .unwrap()
    };
    let out = fetch(&bad_mirror);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr.contains("baseten_models_meta.json: sha256 mismatch: expected c2d10463"),
        "{stderr}"
    );
    assert!(
        !dest.join("baseten_models_meta.json").exists(),
        "a corrupt file is never written"
    );
    assert!(
        !dir.join("data/web").exists(),
        "no web copies unless every file verified"
    );

    let out = fetch(&good_mirror);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("copied from"),
        "{}",
        text(&out.stdout)
    );
    assert_eq!(
        std::fs::read(dest.join("baseten_models_meta.json")).unwrap(),
        std::fs::read(r.join("baseten_models_meta.json")).unwrap()
    );

    // Present with the right hash: skipped, even when the mirror is now corrupt.
    let out = fetch(&bad_mirror);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("already present"));

    // Not in any mirror: downloaded; an unreachable URL is a clear error naming the file.
    std::fs::write(&manifest, format!("[[file]]\n{}\n", &real[start..end]).replace(
        "https://raw.githubusercontent.com/rjsmith87/inference-benchmarks/f0e31d008756e9097369cdeba35b1df6a68a3888/data/baseten_models_meta.json",
        "https://127.0.0.1:9/baseten_models_meta.json",
    ))
    .unwrap();
    let empty = dir.join("empty");
    std::fs::create_dir_all(&empty).unwrap();
    let out = bin()
        .arg("fetch-data")
        .arg("--manifest")
        .arg(&manifest)
        .arg("--dest")
        .arg(dir.join("cache2"))
        .arg("--mirror")
        .arg(&empty)
        .output()
        .unwrap();
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr.contains("baseten_models_meta.json: download from https://127.0.0.1:9/baseten_models_meta.json failed"), "{stderr}");

    // A mirror that does not exist is refused up front.
    let out = fetch(&dir.join("nope"));
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("is not a directory"));
    let _ = std::fs::remove_dir_all(&dir);
}

/// A manifest holding the real manifest's entries for `names`.
fn manifest_with(names: &[&str]) -> String {
    let real = std::fs::read_to_string(repo_root().join("data/manifest.toml")).unwrap();
    let mut out = String::new();
    for name in names {
        let start = real
            .find(&format!("name = \"{name}\""))
            .unwrap_or_else(|| panic!("{name} in the manifest"));
        let end = real[start..].find("\n\n").map_or(real.len(), |e| start + e);
        out.push_str(&format!("[[file]]\n{}\n\n", &real[start..end]));
    }
    out
}

#[test]
fn fetch_data_writes_web_copies_json_without_whitespace_others_as_is() {
    let Some(r) = reference() else { return };
    let dir = temp_dir("web");
    let json = [
        "baseten_models_meta.json",
        "dev_questions_with_answers.json",
        "fireworks_sweep_v2.json",
    ];
    let names = [json[0], "Chinook.db", json[1], json[2]];
    std::fs::create_dir_all(dir.join("data")).unwrap();
    let manifest = dir.join("data/manifest.toml");
    std::fs::write(&manifest, manifest_with(&names)).unwrap();
    let fetch = |extra: &[&Path]| {
        let out = bin()
            .arg("fetch-data")
            .arg("--manifest")
            .arg(&manifest)
            .arg("--mirror")
            .arg(&r)
            .args(extra)
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", text(&out.stderr));
        text(&out.stdout)
    };
    let listing = |d: &Path| {
        let mut names: Vec<String> = std::fs::read_dir(d)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    };
    let mut sorted = names.map(String::from).to_vec();
    sorted.sort();

    // Defaults: data/cache and data/web beside the manifest's data/ folder.
    let stdout = fetch(&[]);
    let (cache, web) = (dir.join("data/cache"), dir.join("data/web"));
    sorted.push("lean".into());
    sorted.sort();
    assert_eq!(
        listing(&web),
        sorted,
        "exactly the manifest's files and the lean folder, no temporary files"
    );
    // The sweep's lean copy: the same reports without rows and raw output.
    assert_eq!(listing(&web.join("lean")), ["fireworks_sweep_v2.json"]);
    let lean: Value =
        serde_json::from_slice(&std::fs::read(web.join("lean/fireworks_sweep_v2.json")).unwrap())
            .unwrap();
    let full: Value =
        serde_json::from_slice(&std::fs::read(r.join("fireworks_sweep_v2.json")).unwrap()).unwrap();
    assert_eq!(
        lean["reports"].as_array().unwrap().len(),
        full["reports"].as_array().unwrap().len()
    );
    for (l, f) in lean["reports"]
        .as_array()
        .unwrap()
        .iter()
        .zip(full["reports"].as_array().unwrap())
    {
        for (lt, ft) in l["traces"]
            .as_array()
            .unwrap()
            .iter()
            .zip(f["traces"].as_array().unwrap())
        {
            let mut ft = ft.as_object().unwrap().clone();
            ft.shift_remove("rows");
            ft.shift_remove("raw_content");
            assert_eq!(lt.as_object().unwrap(), &ft);
        }
    }
    assert!(stdout.contains("lean copies of 1 sweeps in"), "{stdout}");
    for name in names {
        assert_eq!(
            std::fs::read(cache.join(name)).unwrap(),
            std::fs::read(r.join(name)).unwrap(),
            "{name}: the cached original is byte-identical"
        );
    }
    assert_eq!(
        std::fs::read(web.join("Chinook.db")).unwrap(),
        std::fs::read(r.join("Chinook.db")).unwrap(),
        "a binary file is copied as is"
    );
    let (mut before, mut after) = (0, 0);
    for name in json {
        let original = std::fs::read(r.join(name)).unwrap();
        let copy = std::fs::read(web.join(name)).unwrap();
        assert!(!copy.contains(&b'\n'), "{name}: no newline in the web copy");
        assert!(copy.len() < original.len(), "{name}: smaller");
        assert_eq!(
            serde_json::from_slice::<Value>(&copy).unwrap(),
            serde_json::from_slice::<Value>(&original).unwrap(),
            "{name}: the web copy holds the same JSON"
        );
        before += original.len() as i64;
        after += copy.len() as i64;
    }
    let thousands = sqlsweep_core::analysis::format::thousands;
    let summary = format!(
        "web copies: 4 files in {} (JSON without whitespace: {} → {} bytes)",
        web.display(),
        thousands(before),
        thousands(after)
    );
    assert!(stdout.contains(&summary), "{summary:?} in {stdout}");

    // Rewritten on every run, even when the cache is already complete: never stale.
    std::fs::write(web.join(json[0]), b"stale").unwrap();
    std::fs::remove_file(web.join("Chinook.db")).unwrap();
    let stdout = fetch(&[]);
    assert!(stdout.contains("already present"), "{stdout}");
    assert!(stdout.contains(&summary), "{summary:?} in {stdout}");
    assert_eq!(listing(&web), sorted);
    assert!(std::fs::read(web.join(json[0]))
        .unwrap()
        .starts_with(b"{\""));

    // --web chooses another folder.
    let elsewhere = dir.join("site-data");
    let stdout = fetch(&[Path::new("--web"), &elsewhere]);
    assert!(
        stdout.contains(&format!("web copies: 4 files in {}", elsewhere.display())),
        "{stdout}"
    );
    assert_eq!(listing(&elsewhere), sorted);
    for name in names {
        assert_eq!(
            std::fs::read(elsewhere.join(name)).unwrap(),
            std::fs::read(web.join(name)).unwrap(),
            "{name}: same copy in either folder"
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}
