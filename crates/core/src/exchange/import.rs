//! What a file the user picks (or drops) must pass before it joins the sweep
//! library, and how it is labelled once it does. The browser checks the size
//! before reading the file ([`check_size`]), then hands the bytes to [`import`].
//!
//! Every refusal is a [`LoadError`] naming the file and the problem in words a
//! user can act on ("the file is empty", "this is a SQLite database, not a sweep
//! file"), never a panic; the library is left as it was.

use crate::sweep::{load, LoadError, Source, SweepFile};

/// The largest file accepted: 64 MiB. The published sweeps are under 0.4 MB for
/// 10 models × 25 questions, so this leaves room for runs a hundred times larger
/// while keeping a stray video or disk image from freezing the tab.
pub const MAX_IMPORT_BYTES: u64 = 64 * 1024 * 1024;

fn error(file: &str, message: impl Into<String>) -> LoadError {
    LoadError {
        file: file.to_string(),
        path: "$".into(),
        message: message.into(),
    }
}

/// `1536` → "1.5 KB", `70_000_000` → "70.0 MB".
pub fn human_size(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["bytes", "KB", "MB", "GB"];
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit < UNITS.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{bytes} bytes")
    } else {
        format!("{value:.1} {}", UNITS[unit])
    }
}

/// Refuses an empty file and one over [`MAX_IMPORT_BYTES`], before it is read.
pub fn check_size(file: &str, size: u64) -> Result<(), LoadError> {
    if size == 0 {
        return Err(error(
            file,
            "the file is empty (0 bytes); expected a sweep file (JSON)",
        ));
    }
    if size > MAX_IMPORT_BYTES {
        return Err(error(
            file,
            format!(
                "the file is {}; sweep files over {} are not imported",
                human_size(size),
                human_size(MAX_IMPORT_BYTES)
            ),
        ));
    }
    Ok(())
}

/// A few well-known binary formats, named so the message says what the file is.
fn binary_kind(bytes: &[u8]) -> Option<&'static str> {
    const MAGIC: [(&[u8], &str); 6] = [
        (b"SQLite format 3\0", "a SQLite database"),
        (b"PK\x03\x04", "a ZIP archive (or an Office document)"),
        (b"%PDF", "a PDF document"),
        (b"\x89PNG", "a PNG image"),
        (b"\xFF\xD8\xFF", "a JPEG image"),
        (b"\x1F\x8B", "a gzip archive"),
    ];
    if let Some((_, kind)) = MAGIC.iter().find(|(m, _)| bytes.starts_with(m)) {
        return Some(kind);
    }
    let head = &bytes[..bytes.len().min(1024)];
    if head.starts_with(b"\xFF\xFE") || head.starts_with(b"\xFE\xFF") {
        return Some("UTF-16 text (save it as UTF-8)");
    }
    head.contains(&0).then_some("a binary file")
}

/// Parses an imported file as a sweep (this tool's schema or the original's
/// format) and labels it as imported from `file`. Runs made with this tool keep
/// their own label and source, so an exported run re-imports unchanged.
pub fn import(file: &str, bytes: &[u8]) -> Result<SweepFile, LoadError> {
    check_size(file, bytes.len() as u64)?;
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(error(
            file,
            "the file holds only whitespace; expected a sweep file (JSON)",
        ));
    }
    if let Some(kind) = binary_kind(bytes) {
        return Err(error(
            file,
            format!("this is {kind}, not a sweep file (JSON)"),
        ));
    }
    let mut sweep = load(bytes, file)?;
    if sweep.models.is_empty() {
        return Err(LoadError {
            file: file.to_string(),
            path: "$.models".into(),
            message: "the file holds no models".into(),
        });
    }
    if sweep.models.iter().all(|m| m.traces.is_empty()) {
        return Err(LoadError {
            file: file.to_string(),
            path: "$.models".into(),
            message: "no model in the file has any traces (per-question results)".into(),
        });
    }
    if !matches!(sweep.run.source, Some(Source::Own)) {
        let base = file.rsplit(['/', '\\']).next().unwrap_or(file);
        let label = sweep.run.label.trim();
        let stem = base.strip_suffix(".json").unwrap_or(base);
        sweep.run.label = if label.is_empty() || label == stem {
            format!("{base} (imported)")
        } else {
            format!("{label} (imported from {base})")
        };
        sweep.run.source = Some(Source::Imported {
            file: base.to_string(),
        });
    }
    Ok(sweep)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sweep::{ModelRun, RunMeta, Trace, SCHEMA_ID};

    fn ours(source: Option<Source>, label: &str, traces: usize) -> String {
        let sweep = SweepFile {
            schema: SCHEMA_ID.into(),
            version: 1,
            run: RunMeta {
                label: label.into(),
                source,
                ..RunMeta::default()
            },
            models: vec![ModelRun {
                model: "x/m".into(),
                platform: None,
                pricing: None,
                traces: (0..traces)
                    .map(|i| Trace {
                        qid: format!("q_{i:03}"),
                        ..Trace::default()
                    })
                    .collect(),
                recorded: None,
            }],
        };
        crate::sweep::to_json(&sweep)
    }

    /// `expected`: Ok((label, source)) or Err((path, part of the message)).
    fn check(file: &str, bytes: &[u8], expected: Result<(&str, Source), (&str, &str)>) {
        match (import(file, bytes), expected) {
            (Ok(s), Ok((label, source))) => {
                assert_eq!(s.run.label, label, "{file}");
                assert_eq!(s.run.source, Some(source), "{file}");
            }
            (Err(e), Err((path, msg))) => {
                assert_eq!(e.file, file);
                assert_eq!(e.path, path, "{e}");
                assert!(e.message.contains(msg), "{file}: {e}");
            }
            (got, want) => panic!("{file}: got {got:?}, want {want:?}"),
        }
    }

    #[rustfmt::skip]
    #[test]
    fn imports_and_refusals() {
        let imported = |f: &str| Source::Imported { file: f.into() };
        // Our schema: labelled as imported, the original label kept.
        check("run.json", ours(None, "Fireworks run", 2).as_bytes(), Ok(("Fireworks run (imported from run.json)", imported("run.json"))));
        check("dir/run.json", ours(None, "", 2).as_bytes(), Ok(("run.json (imported)", imported("run.json"))));
        // A published file picked by the user is an import too.
        check("x.json", ours(Some(Source::Published { file: "baseten_sweep.json".into() }), "baseten_sweep", 1).as_bytes(), Ok(("baseten_sweep (imported from x.json)", imported("x.json"))));
        // A run of ours keeps its label and source.
        check("mine.json", ours(Some(Source::Own), "your run", 1).as_bytes(), Ok(("your run", Source::Own)));
        // Original format.
        let legacy = br#"{"platform":"baseten","reports":[{"model":"a/b","traces":[{"qid":"q_001","sql":"SELECT 1","rows":[{"x":1}],"correct":true,"latency_ms":5}]}]}"#;
        check("my_sweep.json", legacy, Ok(("my_sweep.json (imported)", imported("my_sweep.json"))));
        // Refusals, each naming the problem.
        check("e.json", b"", Err(("$", "the file is empty")));
        check("w.json", b" \n\t ", Err(("$", "only whitespace")));
        check("c.db", b"SQLite format 3\0\x10\0", Err(("$", "this is a SQLite database, not a sweep file")));
        check("z.zip", b"PK\x03\x04rest", Err(("$", "ZIP archive")));
        check("u.json", b"\xFF\xFE{\0}\0", Err(("$", "UTF-16")));
        check("b.bin", b"{\"a\":\0}", Err(("$", "a binary file")));
        check("t.json", b"{\"reports\": [", Err(("$", "not valid JSON")));
        check("a.json", b"[1, 2]", Err(("$", "expected a JSON object")));
        check("k.json", b"{\"runs\": []}", Err(("$", "not a sweep file")));
        check("n.json", ours(None, "r", 0).as_bytes(), Err(("$.models", "no model in the file has any traces")));
        let no_models = ours(None, "r", 1);
        let v: serde_json::Value = serde_json::from_str(&no_models).unwrap();
        let mut v = v;
        v["models"] = serde_json::json!([]);
        check("m.json", v.to_string().as_bytes(), Err(("$.models", "holds no models")));
        check("r.json", br#"{"reports": []}"#, Err(("$.models", "holds no models")));
    }

    #[test]
    fn sizes() {
        let cases: [(u64, Result<(), &str>); 5] = [
            (0, Err("the file is empty (0 bytes)")),
            (1, Ok(())),
            (MAX_IMPORT_BYTES, Ok(())),
            (
                MAX_IMPORT_BYTES + 1,
                Err("the file is 64.0 MB; sweep files over 64.0 MB are not imported"),
            ),
            (5 * 1024 * 1024 * 1024, Err("the file is 5.0 GB")),
        ];
        for (size, want) in cases {
            match (check_size("f.json", size), want) {
                (Ok(()), Ok(())) => {}
                (Err(e), Err(msg)) => assert!(e.message.contains(msg), "{size}: {e}"),
                (got, want) => panic!("{size}: got {got:?}, want {want:?}"),
            }
        }
        assert_eq!(human_size(512), "512 bytes");
        assert_eq!(human_size(1536), "1.5 KB");
        assert_eq!(human_size(377_840), "369.0 KB");
    }
}
