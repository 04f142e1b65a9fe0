//! The data manifest (`data/manifest.toml`): every external file the app and the tests
//! use — Chinook and the original benchmark's published results — with its public URL,
//! size and sha256. Those files are third-party data and are never committed; they are
//! fetched (or copied from a mirror) and always checked against this list.

use std::collections::HashSet;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::digest::{is_sha256_hex, sha256_hex};

/// What a data file is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// The SQLite database the questions are about (Chinook).
    Database,
    /// A gold question file.
    Gold,
    /// A per-question sweep of models (`reports[].traces[]`).
    Sweep,
    /// The concurrency (load) benchmark.
    Concurrency,
    /// Per-model metadata (quantisation, context length).
    ModelMeta,
    /// One full-agent evaluation run.
    AgentRun,
    /// The customer's naive-prompt baseline run.
    BaselineRun,
    /// The agent's answers to the dev questions.
    AgentAnswers,
    /// A sequential latency run.
    LatencyRun,
}

/// One external file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManifestEntry {
    /// Plain file name (no directories), also its name in the cache folder.
    pub name: String,
    pub url: String,
    /// Lower-case hex sha256 of the exact bytes.
    pub sha256: String,
    /// Size in bytes.
    pub bytes: u64,
    pub role: Role,
    pub description: String,
}

/// Where the files come from, as a whole.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManifestSource {
    pub repository: String,
    pub commit: String,
}

/// The parsed manifest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    #[serde(default)]
    pub source: Option<ManifestSource>,
    #[serde(rename = "file", default)]
    pub files: Vec<ManifestEntry>,
}

/// A manifest that cannot be read, or a file that does not match it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ManifestError {
    /// The TOML is malformed or an entry is invalid.
    Invalid { message: String },
    /// The name is not listed in the manifest.
    UnknownFile { name: String },
    /// The bytes have the wrong size (checked before hashing).
    SizeMismatch {
        name: String,
        expected: u64,
        actual: u64,
    },
    /// The bytes have the wrong sha256.
    HashMismatch {
        name: String,
        expected: String,
        actual: String,
    },
}

impl fmt::Display for ManifestError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ManifestError::Invalid { message } => write!(f, "data manifest: {message}"),
            ManifestError::UnknownFile { name } => write!(f, "{name}: not listed in the data manifest"),
            ManifestError::SizeMismatch { name, expected, actual } => write!(
                f,
                "{name}: wrong size: expected {expected} bytes, got {actual} (the file is corrupt, truncated or another version)"
            ),
            ManifestError::HashMismatch { name, expected, actual } => write!(
                f,
                "{name}: sha256 mismatch: expected {expected}, got {actual} (the file is corrupt or another version)"
            ),
        }
    }
}

impl std::error::Error for ManifestError {}

impl Manifest {
    /// Parses and validates `manifest.toml`: names are unique plain file names, every
    /// sha256 is 64 lower-case hex digits, every URL is https.
    pub fn parse(text: &str) -> Result<Manifest, ManifestError> {
        let manifest: Manifest = toml::from_str(text).map_err(|e| ManifestError::Invalid {
            message: e.to_string().trim_end().to_string(),
        })?;
        let invalid = |message: String| Err(ManifestError::Invalid { message });
        let mut names = HashSet::new();
        for (i, f) in manifest.files.iter().enumerate() {
            let plain = !f.name.is_empty()
                && !f.name.starts_with('.')
                && f.name
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
            if !plain {
                return invalid(format!(
                    "file #{}: name {:?} must be a plain file name",
                    i + 1,
                    f.name
                ));
            }
            if !names.insert(f.name.as_str()) {
                return invalid(format!("file {:?} is listed twice", f.name));
            }
            if !is_sha256_hex(&f.sha256) {
                return invalid(format!(
                    "{}: sha256 {:?} is not 64 lower-case hex digits",
                    f.name, f.sha256
                ));
            }
            if !f.url.starts_with("https://") {
                return invalid(format!("{}: url {:?} must be https", f.name, f.url));
            }
        }
        Ok(manifest)
    }

    /// The entry called `name`.
    pub fn get(&self, name: &str) -> Option<&ManifestEntry> {
        self.files.iter().find(|f| f.name == name)
    }

    /// Entries with this role, in manifest order.
    pub fn with_role(&self, role: Role) -> impl Iterator<Item = &ManifestEntry> {
        self.files.iter().filter(move |f| f.role == role)
    }

    /// Checks `bytes` against the entry called `name`.
    pub fn verify(&self, name: &str, bytes: &[u8]) -> Result<(), ManifestError> {
        let entry = self.get(name).ok_or_else(|| ManifestError::UnknownFile {
            name: name.to_string(),
        })?;
        entry.verify(bytes)
    }
}

impl ManifestEntry {
    /// Checks size, then sha256.
    pub fn verify(&self, bytes: &[u8]) -> Result<(), ManifestError> {
        let actual = bytes.len() as u64;
        if actual != self.bytes {
            return Err(ManifestError::SizeMismatch {
                name: self.name.clone(),
                expected: self.bytes,
                actual,
            });
        }
        let actual = sha256_hex(bytes);
        if actual != self.sha256 {
            return Err(ManifestError::HashMismatch {
                name: self.name.clone(),
                expected: self.sha256.clone(),
                actual,
            });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ABC: &str = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

    fn entry(name: &str, sha: &str, url: &str) -> String {
        format!(
            "[[file]]\nname = \"{name}\"\nurl = \"{url}\"\nsha256 = \"{sha}\"\nbytes = 3\nrole = \"gold\"\ndescription = \"d\"\n"
        )
    }

    fn check(text: &str, expected: Result<usize, &str>) {
        match (Manifest::parse(text), expected) {
            (Ok(m), Ok(n)) => assert_eq!(m.files.len(), n),
            (Err(e), Err(needle)) => assert!(
                e.to_string().contains(needle),
                "{e} should mention {needle:?}"
            ),
            (got, want) => panic!("{text}: got {got:?}, want {want:?}"),
        }
    }

    #[test]
    fn parse_and_validate() {
        let ok = entry("a.json", ABC, "https://x/a.json");
        check("", Ok(0));
        check(&ok, Ok(1));
        check(
            &format!("[source]\nrepository = \"r\"\ncommit = \"c\"\n{ok}"),
            Ok(1),
        );
        check(&format!("{ok}{ok}"), Err("listed twice"));
        check(
            &entry("../a.json", ABC, "https://x"),
            Err("plain file name"),
        );
        check(&entry("a/b.json", ABC, "https://x"), Err("plain file name"));
        check(&entry(".hidden", ABC, "https://x"), Err("plain file name"));
        check(
            &entry("a.json", "abc", "https://x"),
            Err("not 64 lower-case hex"),
        );
        check(
            &entry("a.json", &ABC.to_uppercase(), "https://x"),
            Err("not 64 lower-case hex"),
        );
        check(&entry("a.json", ABC, "http://x"), Err("must be https"));
        check(
            &ok.replace("\"gold\"", "\"poetry\""),
            Err("unknown variant `poetry`"),
        );
        check(
            &ok.replace("bytes = 3", "bytes = \"3\""),
            Err("data manifest"),
        );
        check("[[file]\n", Err("data manifest"));
    }

    #[test]
    fn verify_names_file_and_hashes() {
        let m = Manifest::parse(&entry("a.json", ABC, "https://x/a.json")).unwrap();
        assert_eq!(m.verify("a.json", b"abc"), Ok(()));
        assert_eq!(m.with_role(Role::Gold).count(), 1);
        assert_eq!(m.with_role(Role::Sweep).count(), 0);
        let cases: [(&str, &[u8], &str); 3] = [
            ("b.json", b"abc", "b.json: not listed"),
            ("a.json", b"abcd", "a.json: wrong size: expected 3 bytes, got 4"),
            (
                "a.json",
                b"abd",
                "a.json: sha256 mismatch: expected ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad, got ",
            ),
        ];
        for (name, bytes, needle) in cases {
            let e = m.verify(name, bytes).unwrap_err().to_string();
            assert!(e.contains(needle), "{e} should contain {needle:?}");
        }
    }

    #[test]
    fn the_project_manifest_is_valid() {
        let text = include_str!("../../../data/manifest.toml");
        let m = Manifest::parse(text).expect("data/manifest.toml parses");
        assert_eq!(m.with_role(Role::Database).count(), 1);
        assert_eq!(m.with_role(Role::Gold).count(), 2);
        assert_eq!(m.with_role(Role::Sweep).count(), 3);
        for f in &m.files {
            assert!(
                f.url.ends_with(&f.name),
                "{} url should end with its name",
                f.name
            );
        }
    }
}
