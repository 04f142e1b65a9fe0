//! Running the `sqlsweep` binary in tests, with key-hygiene checks on every run.

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
