//! Where a CLI run keeps its work: the `--out` file, written once at the end
//! (atomically: a temporary file renamed over it), and beside it a checkpoint
//! journal `<out>.checkpoint.jsonl` that gets one line per finished trace as it
//! finishes. A kill loses nothing; running the same command again resumes from the
//! journal (or from a finished `--out`, in which case nothing is redone).

use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

use sqlsweep_core::engine::checkpoint::{journal, replay, trace_line};
use sqlsweep_core::sweep::{self, SweepFile, Trace};

/// The journal's path for an output file.
pub fn journal_path(out: &Path) -> PathBuf {
    let mut name = out.as_os_str().to_owned();
    name.push(".checkpoint.jsonl");
    PathBuf::from(name)
}

/// What an earlier run of the same command left, if anything.
pub struct Previous {
    pub sweep: SweepFile,
    /// Where it came from, for the user.
    pub from: PathBuf,
    pub notes: Vec<String>,
}

/// Reads the journal (newest) or else the finished output.
pub fn previous(out: &Path) -> Result<Option<Previous>, String> {
    let jp = journal_path(out);
    if jp.exists() {
        let text = fs::read_to_string(&jp)
            .map_err(|e| format!("cannot read the checkpoint {}: {e}", jp.display()))?;
        let r = replay(&text, &jp.display().to_string())
            .map_err(|e| format!("{e} (move the checkpoint away to start over)"))?;
        return Ok(Some(Previous {
            sweep: r.sweep,
            from: jp,
            notes: r.diagnostics,
        }));
    }
    if out.exists() {
        let bytes = fs::read(out).map_err(|e| format!("cannot read {}: {e}", out.display()))?;
        let sweep = sweep::load(&bytes, &out.display().to_string()).map_err(|e| e.to_string())?;
        return Ok(Some(Previous {
            sweep,
            from: out.to_path_buf(),
            notes: Vec::new(),
        }));
    }
    Ok(None)
}

/// The open journal of a running run.
pub struct Journal {
    path: PathBuf,
    file: File,
}

impl Journal {
    /// Starts the journal afresh with `sweep` (header and every trace so far), written
    /// to a temporary file and renamed into place, then opened for appending.
    pub fn create(out: &Path, sweep: &SweepFile) -> Result<Journal, String> {
        let path = journal_path(out);
        write_atomically(&path, journal(sweep).as_bytes())?;
        let file = OpenOptions::new()
            .append(true)
            .open(&path)
            .map_err(|e| format!("cannot open the checkpoint {}: {e}", path.display()))?;
        Ok(Journal { path, file })
    }

    /// Appends one finished trace (one `write` of one line, then flushed to the OS).
    pub fn append(&mut self, model: &str, trace: &Trace) -> Result<(), String> {
        self.file
            .write_all(trace_line(model, trace).as_bytes())
            .and_then(|_| self.file.flush())
            .map_err(|e| format!("cannot write the checkpoint {}: {e}", self.path.display()))
    }

    /// Writes the final output and removes the journal.
    pub fn finish(self, out: &Path, sweep: &SweepFile) -> Result<(), String> {
        write_atomically(out, sweep::to_json(sweep).as_bytes())?;
        drop(self.file);
        fs::remove_file(&self.path)
            .map_err(|e| format!("cannot remove the checkpoint {}: {e}", self.path.display()))
    }
}

/// Writes `bytes` to a temporary file beside `path` and renames it over `path`.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), String> {
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(format!(".tmp{}", std::process::id()));
    let tmp = PathBuf::from(tmp);
    let result = (|| {
        let mut f = File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        fs::rename(&tmp, path)
    })();
    result.map_err(|e| {
        let _ = fs::remove_file(&tmp);
        format!("cannot write {}: {e}", path.display())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use sqlsweep_core::sweep::{ModelRun, RunMeta, Source, SCHEMA_ID, SCHEMA_VERSION};

    fn sweep(traces: &[&str]) -> SweepFile {
        SweepFile {
            schema: SCHEMA_ID.into(),
            version: SCHEMA_VERSION,
            run: RunMeta {
                label: "t".into(),
                source: Some(Source::Own),
                ..RunMeta::default()
            },
            models: vec![ModelRun {
                model: "m".into(),
                platform: None,
                pricing: None,
                traces: traces
                    .iter()
                    .map(|q| Trace {
                        qid: q.to_string(),
                        ..Trace::default()
                    })
                    .collect(),
                recorded: None,
            }],
        }
    }

    fn check(steps: &dyn Fn(&Path), expected: Option<(&str, usize)>) {
        let dir = std::env::temp_dir().join(format!(
            "sqlsweep-journal-{}-{:?}",
            std::process::id(),
            std::thread::current().id()
        ));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        let out = dir.join("out.json");
        steps(&out);
        let got = previous(&out).unwrap().map(|p| {
            let from = if p.from == out { "out" } else { "journal" };
            (from, p.sweep.models[0].traces.len())
        });
        let want = expected;
        let _ = fs::remove_dir_all(&dir);
        assert_eq!(got, want);
    }

    #[test]
    fn resume_sources() {
        check(&|_| {}, None);
        // A killed run: the journal has what finished.
        check(
            &|out| {
                let mut j = Journal::create(out, &sweep(&["q_001"])).unwrap();
                j.append(
                    "m",
                    &Trace {
                        qid: "q_002".into(),
                        ..Trace::default()
                    },
                )
                .unwrap();
            },
            Some(("journal", 2)),
        );
        // A finished run: the output, and no journal.
        check(
            &|out| {
                let j = Journal::create(out, &sweep(&["q_001"])).unwrap();
                j.finish(out, &sweep(&["q_001", "q_002", "q_003"])).unwrap();
                assert!(!journal_path(out).exists());
            },
            Some(("out", 3)),
        );
        // A torn last line is ignored, not fatal.
        check(
            &|out| {
                let j = Journal::create(out, &sweep(&["q_001"])).unwrap();
                drop(j);
                let mut f = OpenOptions::new()
                    .append(true)
                    .open(journal_path(out))
                    .unwrap();
                f.write_all(b"{\"model\":\"m\",\"tra").unwrap();
            },
            Some(("journal", 1)),
        );
    }
}
