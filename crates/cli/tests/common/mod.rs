//! What the CLI's end-to-end tests share: running `sqlsweep probe` with key-hygiene
//! checks on every run, where the reference data is, scratch directories.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

/// What one probe run printed.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    pub fn json(&self) -> Value {
        serde_json::from_str(self.stdout.trim()).unwrap_or_else(|e| {
            panic!(
                "stdout is not one JSON object ({e}): {}\nstderr: {}",
                self.stdout, self.stderr
            )
        })
    }
}

/// Runs `sqlsweep probe ARGS` with only the given key variables set, and asserts that
/// no value of them (the keys) appears in stdout or stderr.
pub fn probe(env: &[(&str, &str)], args: &[&str]) -> Run {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_sqlsweep"));
    cmd.arg("probe").args(args);
    for var in ["SQLSWEEP_API_KEY", "FIREWORKS_API_KEY", "BASETEN_API_KEY"] {
        cmd.env_remove(var);
    }
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().expect("sqlsweep runs");
    let run = Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    };
    // Key hygiene, for every run whatever its outcome.
    for (_, v) in env {
        if v.len() >= 8 {
            assert!(!run.stdout.contains(v), "key in stdout: {}", run.stdout);
            assert!(!run.stderr.contains(v), "key in stderr: {}", run.stderr);
        }
    }
    run
}

/// The repository root (two levels above this crate).
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The reference data folder (`$SQLSWEEP_MIRROR`, else `../shared/reference`), or
/// `None` after saying the test skips.
pub fn reference() -> Option<PathBuf> {
    let found = [
        std::env::var_os("SQLSWEEP_MIRROR").map(PathBuf::from),
        Some(repo_root().join("../shared/reference")),
    ]
    .into_iter()
    .flatten()
    .find(|d| d.join("Chinook.db").is_file());
    if found.is_none() {
        eprintln!("SKIPPED: reference data not found (set SQLSWEEP_MIRROR)");
    }
    found
}

/// A fresh, empty directory under the system temp dir; `suite` keeps test files
/// running at once apart.
pub fn temp_dir(suite: &str, name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "sqlsweep-{suite}-test-{}-{name}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Process output as text.
pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}
