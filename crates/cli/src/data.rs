//! Getting the external data files the manifest lists onto this machine: from the
//! cache folder when already there, else from a mirror directory, else by download —
//! always checked against the manifest's size and sha256 before use.
//!
//! Shared by `fetch-data` (all files) and `verify` (just Chinook and the gold set), so
//! both work on a fresh clone. `fetch-data` also writes the copies the web page serves
//! ([`DataPlan::write_web_copies`]): JSON without its whitespace, other files as they are.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

use sqlsweep_core::json_minify::minify;
use sqlsweep_core::manifest::{Manifest, ManifestEntry, Role};
use sqlsweep_core::sweep::lean::lean_copy;

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
    /// Where the copies the web page serves are written (`data/web/` by default,
    /// git-ignored; Trunk copies it into the site as `data/`). Only `fetch-data` writes it.
    pub web: PathBuf,
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
    /// from the current directory), the destination (`--dest`, else `data/cache/`), the web
    /// copies' folder (`data/web/` beside it; callers may override [`DataPlan::web`]) and the
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
        let web = root.join("data/web");
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
            web,
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

    /// Writes the copy of every manifest file that the web page serves into [`DataPlan::web`],
    /// from the verified files in [`DataPlan::dest`]: each `.json` file without the
    /// whitespace between its tokens ([`minify`]: strings and numbers byte-identical, so it
    /// parses to exactly the same values), every other file as it is. Rewritten on every
    /// call (each atomically), so the copies never lag behind the cache. Call it only once
    /// every file has been verified.
    ///
    /// A `.json` file that does not parse as JSON is copied unchanged (minifying invalid
    /// JSON could change what a parser sees) and named in [`WebCopies::not_json`].
    pub fn write_web_copies(&self) -> Result<WebCopies, String> {
        let mut copies = WebCopies::default();
        for entry in &self.manifest.files {
            let source = self.dest.join(&entry.name);
            let bytes = fs::read(&source)
                .map_err(|e| format!("{}: cannot read {}: {e}", entry.name, source.display()))?;
            let is_json = Path::new(&entry.name)
                .extension()
                .is_some_and(|x| x.eq_ignore_ascii_case("json"));
            let out = if !is_json {
                bytes
            } else if serde_json::from_slice::<serde::de::IgnoredAny>(&bytes).is_err() {
                copies.not_json.push(entry.name.clone());
                bytes
            } else {
                let minified = minify(&bytes);
                copies.json_files += 1;
                copies.json_bytes_before += bytes.len() as u64;
                copies.json_bytes_after += minified.len() as u64;
                minified
            };
            let target = self.web.join(&entry.name);
            write_atomically(&target, &out)
                .map_err(|e| format!("{}: cannot write {}: {e}", entry.name, target.display()))?;
            copies.files += 1;
            // The dashboard's first screen reads a sweep's lean copy (core `sweep::lean`).
            if entry.role == Role::Sweep {
                let lean = lean_copy(&out)
                    .map_err(|e| format!("{}: cannot write its lean copy: {e}", entry.name))?;
                let target = self.web.join(LEAN_DIR).join(&entry.name);
                write_atomically(&target, &lean).map_err(|e| {
                    format!("{}: cannot write {}: {e}", entry.name, target.display())
                })?;
                copies.lean_files += 1;
            }
        }
        Ok(copies)
    }
}

/// What [`DataPlan::write_web_copies`] wrote.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WebCopies {
    /// Files written (all of the manifest's).
    pub files: usize,
    /// JSON files written without whitespace, and their total sizes before and after.
    pub json_files: usize,
    pub json_bytes_before: u64,
    pub json_bytes_after: u64,
    /// `.json` files that did not parse, copied unchanged.
    pub not_json: Vec<String>,
    /// Lean copies of the sweeps written under `lean/` (see core `sweep::lean`).
    pub lean_files: usize,
}

/// The folder of the web copies holding the sweeps' lean copies (the page's
/// `data::published::LEAN_DIR` is the same name).
pub const LEAN_DIR: &str = "lean";

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
