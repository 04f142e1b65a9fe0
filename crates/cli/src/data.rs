//! Getting the external data files the manifest lists onto this machine: from the
//! cache folder when already there, else from a mirror directory, else by download —
//! always checked against the manifest's size and sha256 before use.
//!
//! Shared by `fetch-data` (all files) and `verify` (just Chinook and the gold set), so
//! both work on a fresh clone.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

use sqlsweep_core::manifest::{Manifest, ManifestEntry};

/// Environment variable naming a mirror directory of the data files.
pub const MIRROR_ENV: &str = "SQLSWEEP_MIRROR";
/// The manifest's path inside the repository.
pub const MANIFEST_IN_REPO: &str = "data/manifest.toml";

/// Where the data comes from and goes to.
#[derive(Debug, Clone)]
pub struct DataPlan {
    pub manifest_path: PathBuf,
    pub manifest: Manifest,
    /// Where fetched files are kept (`data/cache/` by default, git-ignored).
    pub dest: PathBuf,
    /// A directory holding copies of the files, if any.
    pub mirror: Option<PathBuf>,
}

/// How a file was obtained.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Obtained {
    AlreadyPresent,
    CopiedFrom(PathBuf),
    Downloaded(String),
}

impl DataPlan {
    /// Resolves the manifest (`--manifest`, else `data/manifest.toml` found by walking up
    /// from the current directory), the destination (`--dest`, else `data/cache/`) and the
    /// mirror (`--mirror`, else `$SQLSWEEP_MIRROR`, else `../shared/reference` beside the
    /// repository when it exists).
    pub fn resolve(
        manifest: Option<&Path>,
        dest: Option<&Path>,
        mirror: Option<&Path>,
    ) -> Result<DataPlan, String> {
        let manifest_path = match manifest {
            Some(p) => p.to_path_buf(),
            None => find_manifest()?,
        };
        let text = fs::read_to_string(&manifest_path).map_err(|e| {
            format!(
                "cannot read the data manifest {}: {e}",
                manifest_path.display()
            )
        })?;
        let manifest =
            Manifest::parse(&text).map_err(|e| format!("{}: {e}", manifest_path.display()))?;
        let manifest_dir = manifest_path
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_else(|| PathBuf::from("."));
        let root = if manifest_dir.file_name().is_some_and(|n| n == "data") {
            manifest_dir
                .parent()
                .map(Path::to_path_buf)
                .unwrap_or_else(|| PathBuf::from("."))
        } else {
            manifest_dir.clone()
        };
        let dest = dest
            .map(Path::to_path_buf)
            .unwrap_or_else(|| root.join("data/cache"));
        let mirror = match mirror {
            Some(m) => Some(existing_dir(m, "--mirror")?),
            None => match std::env::var_os(MIRROR_ENV).filter(|v| !v.is_empty()) {
                Some(m) => Some(existing_dir(Path::new(&m), MIRROR_ENV)?),
                None => {
                    let beside = root.join("../shared/reference");
                    beside
                        .is_dir()
                        .then(|| fs::canonicalize(&beside).unwrap_or(beside))
                }
            },
        };
        Ok(DataPlan {
            manifest_path,
            manifest,
            dest,
            mirror,
        })
    }

    /// The local path of `entry`, obtaining and verifying it first if needed.
    pub fn ensure(&self, entry: &ManifestEntry) -> Result<(PathBuf, Obtained), String> {
        let target = self.dest.join(&entry.name);
        if let Ok(bytes) = fs::read(&target) {
            if entry.verify(&bytes).is_ok() {
                return Ok((target, Obtained::AlreadyPresent));
            }
        }
        let (bytes, how) = match self
            .mirror
            .as_ref()
            .map(|m| m.join(&entry.name))
            .filter(|p| p.is_file())
        {
            Some(path) => {
                let bytes = fs::read(&path)
                    .map_err(|e| format!("{}: cannot read {}: {e}", entry.name, path.display()))?;
                entry
                    .verify(&bytes)
                    .map_err(|e| format!("{e} [mirror copy {}]", path.display()))?;
                (bytes, Obtained::CopiedFrom(path))
            }
            None => {
                let bytes = download(entry)?;
                entry
                    .verify(&bytes)
                    .map_err(|e| format!("{e} [downloaded from {}]", entry.url))?;
                (bytes, Obtained::Downloaded(entry.url.clone()))
            }
        };
        write_atomically(&target, &bytes)
            .map_err(|e| format!("{}: cannot write {}: {e}", entry.name, target.display()))?;
        Ok((target, how))
    }
}

fn existing_dir(path: &Path, what: &str) -> Result<PathBuf, String> {
    if path.is_dir() {
        Ok(fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf()))
    } else {
        Err(format!("{what}: {} is not a directory", path.display()))
    }
}

fn find_manifest() -> Result<PathBuf, String> {
    let cwd =
        std::env::current_dir().map_err(|e| format!("cannot read the current directory: {e}"))?;
    cwd.ancestors()
        .map(|dir| dir.join(MANIFEST_IN_REPO))
        .find(|p| p.is_file())
        .ok_or_else(|| {
            format!(
                "cannot find {MANIFEST_IN_REPO} in {} or any parent directory; run inside the sqlsweep repository or pass --manifest PATH",
                cwd.display()
            )
        })
}

/// Downloads `entry.url`, reading at most one byte more than the manifest's size.
fn download(entry: &ManifestEntry) -> Result<Vec<u8>, String> {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(Duration::from_secs(300)))
        .build()
        .into();
    let mut response = agent.get(&entry.url).call().map_err(|e| {
        format!(
            "{}: download from {} failed: {e} (no mirror had it either; set {MIRROR_ENV} to a folder holding the data files)",
            entry.name, entry.url
        )
    })?;
    response
        .body_mut()
        .with_config()
        .limit(entry.bytes + 1)
        .read_to_vec()
        .map_err(|e| {
            format!(
                "{}: reading the download from {} failed: {e}",
                entry.name, entry.url
            )
        })
}

/// Writes `bytes` to `target` via a temporary file and a rename, so a reader never sees
/// a half-written file.
fn write_atomically(target: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = target.parent().unwrap_or(Path::new("."));
    fs::create_dir_all(dir)?;
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let part = dir.join(format!(".{name}.{}.part", std::process::id()));
    let result = (|| {
        let mut f = fs::File::create(&part)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        fs::rename(&part, target)
    })();
    if result.is_err() {
        let _ = fs::remove_file(&part);
    }
    result
}
