//! Backups of a data directory: made while the server runs, checked, and restored.
//!
//! A backup is one tar file holding
//! - `registry.sqlite3`, `documents.sqlite3` and `audit.sqlite3`: copies taken with SQLite's
//!   online backup API, each a consistent snapshot taken while the server keeps writing. They
//!   are taken in that order, so every document the registry copy lists has its data in the
//!   later documents copy; a change the server confirmed before the backup began is on disk in
//!   `documents.sqlite3` (it is confirmed only once written) and so in its copy;
//! - `files/sha256/<hash>`: every complete evidence file (content-addressed, never rewritten);
//! - `manifest.json`, last: the format, when and by which PlanSync it was made, each database's
//!   schema version, and the size and SHA-256 of every other entry.
//!
//! [`verify`] reads a backup through and names every problem it finds; [`restore`] verifies
//! into a staging folder inside the new data directory and moves the files into place only when
//! nothing is wrong, so a bad backup never leaves a half-restored directory.

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use rusqlite::{Connection, OpenFlags};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// What a backup file says it is.
pub const FORMAT: &str = "plansync-backup";
/// The layout of the archive; a newer one is refused.
pub const FORMAT_VERSION: u32 = 1;
const MANIFEST: &str = "manifest.json";
const EVIDENCE_DIR: &str = "files/sha256/";
/// The name of the backups `backup --out-dir` writes and `--keep` rotates.
pub const ROTATED_PREFIX: &str = "plansync-backup-";

/// A database of the data directory: its file name (in the directory and in the archive),
/// whether every data directory has it, and the schema version this program writes.
struct Database {
    name: &'static str,
    required: bool,
    supported_version: i64,
}

fn databases() -> [Database; 3] {
    [
        Database {
            name: "registry.sqlite3",
            required: true,
            supported_version: crate::registry::SCHEMA_VERSION,
        },
        Database {
            name: "documents.sqlite3",
            required: true,
            supported_version: storage::SCHEMA_VERSION,
        },
        // Written from the server's first start on; a directory only set up by the CLI has none.
        Database {
            name: "audit.sqlite3",
            required: false,
            supported_version: crate::audit::SCHEMA_VERSION,
        },
    ]
}

/// The last entry of a backup.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Manifest {
    pub format: String,
    pub format_version: u32,
    /// UTC, e.g. `2026-11-30T16:05:09Z`.
    pub created_at: String,
    pub created_unix_ms: i64,
    pub plansync_version: String,
    /// The data directory it was taken from.
    pub source: String,
    pub databases: Vec<ManifestDatabase>,
    pub evidence: Vec<ManifestFile>,
    pub units: usize,
    pub users: usize,
    pub documents: usize,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct ManifestDatabase {
    pub path: String,
    pub schema_version: i64,
    pub size: u64,
    pub sha256: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct ManifestFile {
    pub path: String,
    pub size: u64,
    pub sha256: String,
}

impl Manifest {
    pub fn evidence_bytes(&self) -> u64 {
        self.evidence.iter().map(|f| f.size).sum()
    }
}

/// Makes a backup of `data` into `out` while a server may be running on it. The file appears
/// under its name only once complete (it is written beside it, synced, then renamed).
pub fn create(data: &Path, out: &Path) -> Result<Manifest> {
    let registry_path = crate::data::registry_path(data);
    if !registry_path.exists() {
        bail!(
            "{} holds no PlanSync data (no {}): check --data",
            data.display(),
            registry_path.display()
        );
    }
    if out.exists() {
        bail!(
            "{} already exists: choose another name (a backup never overwrites a file)",
            out.display()
        );
    }
    let parent = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&parent)
        .with_context(|| format!("cannot create {}", parent.display()))?;
    let staging = tempfile::Builder::new()
        .prefix(".plansync-backup-")
        .tempdir_in(&parent)
        .with_context(|| format!("cannot write in {}", parent.display()))?;
    let created_unix_ms = crate::data::now_ms();

    // The databases, registry first (see the module's documentation).
    let mut copies = Vec::new();
    for db in databases() {
        let source = data.join(db.name);
        if !source.exists() {
            if db.required {
                bail!("{} is missing", source.display());
            }
            continue;
        }
        let copy = staging.path().join(db.name);
        copy_database(&source, &copy)?;
        let schema_version = user_version(&copy)?;
        let sha256 = crate::files::hash_file(&copy)
            .with_context(|| format!("cannot read {}", copy.display()))?;
        let size = std::fs::metadata(&copy)?.len();
        copies.push((
            copy,
            ManifestDatabase {
                path: db.name.into(),
                schema_version,
                size,
                sha256,
            },
        ));
    }
    let (units, users, documents) = registry_counts(&staging.path().join("registry.sqlite3"))?;

    let partial = partial_path(out);
    let result = (|| -> Result<Manifest> {
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        // It holds password hashes and session token hashes: for its owner only.
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let file = options
            .open(&partial)
            .with_context(|| format!("cannot create {}", partial.display()))?;
        let mut archive = tar::Builder::new(std::io::BufWriter::with_capacity(1 << 20, file));
        archive.mode(tar::HeaderMode::Deterministic);
        for (copy, entry) in &copies {
            archive
                .append_path_with_name(copy, &entry.path)
                .with_context(|| format!("cannot write {}", partial.display()))?;
        }
        let evidence = append_evidence(&mut archive, data)
            .with_context(|| format!("cannot write {}", partial.display()))?;
        let manifest = Manifest {
            format: FORMAT.into(),
            format_version: FORMAT_VERSION,
            created_at: utc_timestamp(created_unix_ms, true),
            created_unix_ms,
            plansync_version: env!("CARGO_PKG_VERSION").into(),
            source: data.display().to_string(),
            databases: copies.iter().map(|(_, entry)| entry.clone()).collect(),
            evidence,
            units,
            users,
            documents,
        };
        let json = serde_json::to_vec_pretty(&manifest)?;
        let mut header = tar::Header::new_gnu();
        header.set_size(json.len() as u64);
        header.set_mode(0o640);
        header.set_mtime(u64::try_from(created_unix_ms / 1000).unwrap_or(0));
        archive.append_data(&mut header, MANIFEST, json.as_slice())?;
        let writer = archive.into_inner()?;
        let file = writer.into_inner().map_err(|e| e.into_error())?;
        file.sync_all()?;
        Ok(manifest)
    })();
    let manifest = match result {
        Ok(manifest) => manifest,
        Err(err) => {
            let _ = std::fs::remove_file(&partial);
            return Err(err.context(format!("the backup {} was not made", out.display())));
        }
    };
    std::fs::rename(&partial, out)
        .with_context(|| format!("cannot rename {} to {}", partial.display(), out.display()))?;
    sync_dir(&parent);
    Ok(manifest)
}

/// Makes a backup named `plansync-backup-<UTC time>.tar` in `dir` (created if needed), then deletes the oldest
/// such backups beyond the newest `keep` (never the one just made, never another file).
pub fn create_rotated(
    data: &Path,
    dir: &Path,
    keep: usize,
) -> Result<(PathBuf, Manifest, Vec<PathBuf>)> {
    let stamp = utc_timestamp(crate::data::now_ms(), false);
    // Two backups in one second (a timer and a manual run) get -2, -3… rather than failing.
    let out = (1..)
        .map(|n| match n {
            1 => dir.join(format!("{ROTATED_PREFIX}{stamp}.tar")),
            n => dir.join(format!("{ROTATED_PREFIX}{stamp}-{n}.tar")),
        })
        .find(|path| !path.exists() && !partial_path(path).exists())
        .expect("an unused name");
    let manifest = create(data, &out)?;
    let mut rotated: Vec<PathBuf> = std::fs::read_dir(dir)
        .with_context(|| format!("cannot list {}", dir.display()))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| {
            path.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with(ROTATED_PREFIX) && n.ends_with(".tar"))
        })
        .collect();
    // Oldest first: by when each was written, then by name (its UTC time).
    rotated.sort_by_key(|path| {
        let written = std::fs::metadata(path).and_then(|m| m.modified()).ok();
        (written, path.clone())
    });
    let mut removed = Vec::new();
    let excess = rotated.len().saturating_sub(keep.max(1));
    for old in rotated.into_iter().take(excess) {
        if old != out {
            std::fs::remove_file(&old)
                .with_context(|| format!("cannot delete the old backup {}", old.display()))?;
            removed.push(old);
        }
    }
    Ok((out, manifest, removed))
}

/// What [`verify`] found.
#[derive(Debug, Default)]
pub struct Verification {
    pub manifest: Option<Manifest>,
    /// Each problem, naming the entry it concerns; empty when the backup is sound.
    pub problems: Vec<String>,
    pub documents_loaded: usize,
    pub evidence_checked: usize,
}

impl Verification {
    pub fn is_sound(&self) -> bool {
        self.problems.is_empty()
    }
}

/// Reads the backup `file` through: every entry matches the manifest, nothing the manifest
/// lists is missing, every evidence file matches its hash, every database passes SQLite's
/// integrity check and is not newer than this program, and every document the registry lists
/// loads. An error only when the file cannot be read at all; problems are in the result.
pub fn verify(file: &Path) -> Result<Verification> {
    let parent = match file.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let staging = tempfile::Builder::new()
        .prefix(".plansync-verify-")
        .tempdir_in(&parent)
        .or_else(|_| tempfile::tempdir())
        .context("cannot create a folder to check the databases in")?;
    unpack_and_check(file, staging.path(), false)
}

/// Restores the backup `file` into `data`, which must hold no PlanSync data yet. The backup is
/// verified first, in a staging folder inside `data`; nothing is put in place unless it is sound.
pub fn restore(data: &Path, file: &Path) -> Result<Verification> {
    let _lock = crate::data::DataDirLock::take(data, "plansync restore")?;
    for db in databases() {
        if data.join(db.name).exists() {
            bail!(
                "{} already holds PlanSync data ({}): restore into a new, empty directory (or move this one away first)",
                data.display(),
                db.name
            );
        }
    }
    let evidence_dir = data.join(EVIDENCE_DIR);
    if std::fs::read_dir(&evidence_dir).is_ok_and(|mut entries| entries.next().is_some()) {
        bail!(
            "{} already holds evidence files: restore into a new, empty directory",
            data.display()
        );
    }
    let staging = tempfile::Builder::new()
        .prefix(".plansync-restore-")
        .tempdir_in(data)
        .with_context(|| format!("cannot write in {}", data.display()))?;
    let verification = unpack_and_check(file, staging.path(), true)?;
    if !verification.is_sound() {
        bail!(
            "{} cannot be restored, nothing was changed in {}:\n  {}",
            file.display(),
            data.display(),
            verification.problems.join("\n  ")
        );
    }
    std::fs::create_dir_all(&evidence_dir)
        .with_context(|| format!("cannot create {}", evidence_dir.display()))?;
    let staged_evidence = staging.path().join(EVIDENCE_DIR);
    if staged_evidence.exists() {
        for entry in std::fs::read_dir(&staged_evidence)? {
            let entry = entry?;
            std::fs::rename(entry.path(), evidence_dir.join(entry.file_name()))?;
        }
    }
    sync_dir(&evidence_dir);
    // The databases last: a directory without them is still "empty" if this stops half-way.
    for db in databases() {
        let staged = staging.path().join(db.name);
        if staged.exists() {
            std::fs::rename(&staged, data.join(db.name))
                .with_context(|| format!("cannot move {} into {}", db.name, data.display()))?;
        }
    }
    sync_dir(data);
    Ok(verification)
}

/// Before `serve` migrates older databases, a backup of them as they are, in
/// `DATA/backups/before-upgrade-<UTC time>.tar`. `None` when nothing needs migrating.
/// A database newer than this program is left for the opening to refuse.
pub fn before_upgrade(data: &Path) -> Result<Option<(PathBuf, Vec<String>)>> {
    let mut older = Vec::new();
    for db in databases() {
        let path = data.join(db.name);
        if !path.exists() {
            continue;
        }
        let found = user_version(&path)?;
        if found > 0 && found < db.supported_version {
            older.push(format!(
                "{} (schema {found} → {})",
                db.name, db.supported_version
            ));
        }
    }
    if older.is_empty() {
        return Ok(None);
    }
    let out = data.join("backups").join(format!(
        "before-upgrade-{}.tar",
        utc_timestamp(crate::data::now_ms(), false)
    ));
    create(data, &out).context(
        "the data is in an older format and must be migrated, but the backup taken first failed; nothing was changed",
    )?;
    Ok(Some((out, older)))
}

fn partial_path(out: &Path) -> PathBuf {
    let mut name = out.file_name().unwrap_or_default().to_os_string();
    name.push(".partial");
    out.with_file_name(name)
}

/// A consistent copy of the SQLite database `source` at `copy`, with SQLite's backup API, while
/// other processes may write to it (in WAL mode the copy is one read transaction: writers go on).
fn copy_database(source: &Path, copy: &Path) -> Result<()> {
    let src = Connection::open_with_flags(
        source,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .with_context(|| format!("cannot open {}", source.display()))?;
    src.busy_timeout(std::time::Duration::from_secs(30))?;
    let mut dst =
        Connection::open(copy).with_context(|| format!("cannot create {}", copy.display()))?;
    {
        let backup = rusqlite::backup::Backup::new(&src, &mut dst)?;
        // All pages in one step: one snapshot, never restarted by the server's writes. Busy or
        // locked (a checkpoint in progress): try again shortly, for up to a minute.
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
        loop {
            use rusqlite::backup::StepResult;
            match backup
                .step(-1)
                .with_context(|| format!("cannot copy {}", source.display()))?
            {
                StepResult::Done => break,
                StepResult::More | StepResult::Busy | StepResult::Locked
                    if std::time::Instant::now() < deadline =>
                {
                    std::thread::sleep(std::time::Duration::from_millis(50));
                }
                other => bail!("cannot copy {}: SQLite said {other:?}", source.display()),
            }
        }
    }
    // The copy stands alone: no write-ahead log beside it.
    dst.pragma_update(None, "journal_mode", "DELETE")?;
    Ok(())
}

fn user_version(path: &Path) -> Result<i64> {
    let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY)
        .with_context(|| format!("cannot open {}", path.display()))?;
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    conn.pragma_query_value(None, "user_version", |row| row.get(0))
        .with_context(|| format!("{} is not a database PlanSync can read", path.display()))
}

/// Units, users and documents in a registry file.
fn registry_counts(path: &Path) -> Result<(usize, usize, usize)> {
    let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY)?;
    let count = |table: &str| -> Result<usize> {
        let n: i64 = conn.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))?;
        Ok(usize::try_from(n).unwrap_or(0))
    };
    Ok((count("units")?, count("users")?, count("documents")?))
}

/// Appends every complete evidence file, hashing it as it is read.
fn append_evidence<W: Write>(
    archive: &mut tar::Builder<W>,
    data: &Path,
) -> Result<Vec<ManifestFile>> {
    let dir = data.join(EVIDENCE_DIR);
    let mut names: Vec<String> = match std::fs::read_dir(&dir) {
        Ok(entries) => entries
            .filter_map(|e| e.ok())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|name| shared::record::is_sha256_hex(name))
            .collect(),
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => Vec::new(),
        Err(err) => return Err(err).with_context(|| format!("cannot list {}", dir.display())),
    };
    names.sort();
    let mut listed = Vec::new();
    for name in names {
        let path = dir.join(&name);
        let file = match std::fs::File::open(&path) {
            Ok(file) => file,
            // Deleted since listed: no document has listed it for the grace period.
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => continue,
            Err(err) => return Err(err).with_context(|| format!("cannot read {}", path.display())),
        };
        let size = file.metadata()?.len();
        let mut reader = HashingReader::new(file.take(size));
        let mut header = tar::Header::new_gnu();
        header.set_size(size);
        header.set_mode(0o640);
        let entry_path = format!("{EVIDENCE_DIR}{name}");
        archive
            .append_data(&mut header, &entry_path, &mut reader)
            .with_context(|| format!("cannot add {}", path.display()))?;
        let (sha256, read) = reader.finish();
        if read != size {
            bail!("{} changed while it was copied", path.display());
        }
        if sha256 != name {
            tracing::warn!(
                file = %path.display(),
                "an evidence file does not match its name (damaged on disk); backed up as it is, and `verify` will name it"
            );
        }
        listed.push(ManifestFile {
            path: entry_path,
            size,
            sha256,
        });
    }
    Ok(listed)
}

/// Reads the archive into `staging` (the databases, and the evidence when `keep_evidence`),
/// checking everything [`verify`] promises.
fn unpack_and_check(file: &Path, staging: &Path, keep_evidence: bool) -> Result<Verification> {
    let archive_file =
        std::fs::File::open(file).with_context(|| format!("cannot open {}", file.display()))?;
    let mut archive = tar::Archive::new(std::io::BufReader::with_capacity(1 << 20, archive_file));
    let mut verification = Verification::default();
    let problems = &mut verification.problems;
    let known_databases: Vec<&str> = databases().iter().map(|db| db.name).collect();
    // What the archive holds: path → (size, sha256).
    let mut found: BTreeMap<String, (u64, String)> = BTreeMap::new();
    let mut manifest_text = None;
    let entries = match archive.entries() {
        Ok(entries) => entries,
        Err(err) => {
            problems.push(format!("{} is not a tar archive: {err}", file.display()));
            return Ok(verification);
        }
    };
    for (index, entry) in entries.enumerate() {
        let mut entry = match entry {
            Ok(entry) => entry,
            Err(err) => {
                problems.push(format!(
                    "the archive is damaged or cut short after {index} entries: {err}"
                ));
                break;
            }
        };
        let path = match entry.path() {
            Ok(path) => path.to_string_lossy().into_owned(),
            Err(err) => {
                problems.push(format!("entry {index} has an unreadable name: {err}"));
                continue;
            }
        };
        if found.contains_key(&path) || (path == MANIFEST && manifest_text.is_some()) {
            problems.push(format!("{path} is in the archive twice"));
            continue;
        }
        let read: std::io::Result<(u64, String)> = if path == MANIFEST {
            let mut text = String::new();
            match (&mut entry).take(64 << 20).read_to_string(&mut text) {
                Ok(_) => {
                    manifest_text = Some(text);
                    continue;
                }
                Err(err) => Err(err),
            }
        } else if known_databases.contains(&path.as_str()) {
            copy_hashing(&mut entry, Some(&staging.join(&path)))
        } else if let Some(name) = path.strip_prefix(EVIDENCE_DIR) {
            if !shared::record::is_sha256_hex(name) {
                problems.push(format!("{path}: not an evidence file's name"));
                continue;
            }
            let target = keep_evidence.then(|| staging.join(&path));
            copy_hashing(&mut entry, target.as_deref())
        } else {
            problems.push(format!("{path}: not part of a PlanSync backup"));
            continue;
        };
        match read {
            Ok((size, sha256)) => {
                if let Some(name) = path.strip_prefix(EVIDENCE_DIR) {
                    verification.evidence_checked += 1;
                    if sha256 != name {
                        problems.push(format!(
                            "{path}: the evidence file is damaged (its content hashes to {sha256})"
                        ));
                    }
                }
                found.insert(path, (size, sha256));
            }
            Err(err) => {
                problems.push(format!(
                    "{path}: cannot be read ({err}); the archive is damaged or cut short"
                ));
                break;
            }
        }
    }

    let Some(manifest_text) = manifest_text else {
        problems.push(format!(
            "{MANIFEST} is missing: not a PlanSync backup, or cut short before its end"
        ));
        return Ok(verification);
    };
    let manifest: Manifest = match serde_json::from_str(&manifest_text) {
        Ok(manifest) => manifest,
        Err(err) => {
            problems.push(format!("{MANIFEST} cannot be read: {err}"));
            return Ok(verification);
        }
    };
    if manifest.format != FORMAT || manifest.format_version > FORMAT_VERSION {
        problems.push(format!(
            "{MANIFEST}: format {} version {}, this program reads {FORMAT} up to version {FORMAT_VERSION}",
            manifest.format, manifest.format_version
        ));
        verification.manifest = Some(manifest);
        return Ok(verification);
    }
    let mut listed: BTreeMap<&str, (u64, &str)> = BTreeMap::new();
    for db in &manifest.databases {
        listed.insert(&db.path, (db.size, &db.sha256));
    }
    for file in &manifest.evidence {
        listed.insert(&file.path, (file.size, &file.sha256));
    }
    for (path, (size, sha256)) in &listed {
        match found.get(*path) {
            None => problems.push(format!("{path}: listed in the manifest, missing from the archive")),
            Some((found_size, found_sha)) if found_size != size || found_sha != sha256 => {
                problems.push(format!(
                    "{path}: does not match the manifest (size {found_size}, expected {size}; the content has changed)"
                ))
            }
            Some(_) => {}
        }
    }
    for path in found.keys() {
        if !listed.contains_key(path.as_str()) {
            problems.push(format!("{path}: in the archive but not in the manifest"));
        }
    }

    // The databases themselves.
    for db in databases() {
        let path = staging.join(db.name);
        let in_manifest = manifest.databases.iter().find(|d| d.path == db.name);
        if in_manifest.is_none() {
            if db.required {
                problems.push(format!("{}: missing from the backup", db.name));
            }
            continue;
        }
        if !path.exists() {
            continue;
        }
        match check_database(&path, db.supported_version) {
            Ok(()) => {}
            Err(err) => problems.push(format!("{}: {err:#}", db.name)),
        }
    }
    let registry = staging.join("registry.sqlite3");
    let documents = staging.join("documents.sqlite3");
    if problems.is_empty() && registry.exists() && documents.exists() {
        match load_every_document(&registry, &documents) {
            Ok((loaded, failures)) => {
                verification.documents_loaded = loaded;
                problems.extend(failures);
            }
            Err(err) => problems.push(format!("the documents cannot be checked: {err:#}")),
        }
    }
    verification.manifest = Some(manifest);
    Ok(verification)
}

fn check_database(path: &Path, supported_version: i64) -> Result<()> {
    let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY)?;
    let check: String = conn
        .query_row("PRAGMA integrity_check", [], |row| row.get(0))
        .context("not a database SQLite can read")?;
    if check != "ok" {
        bail!("SQLite's integrity check fails: {check}");
    }
    let version: i64 = conn.pragma_query_value(None, "user_version", |row| row.get(0))?;
    if version > supported_version {
        bail!(
            "written by a newer PlanSync (schema version {version}, this program knows up to {supported_version}); verify it with that version"
        );
    }
    Ok(())
}

/// Loads every document the registry lists: how many loaded, and a problem for each that did not.
fn load_every_document(registry: &Path, documents: &Path) -> Result<(usize, Vec<String>)> {
    let conn = Connection::open_with_flags(registry, OpenFlags::SQLITE_OPEN_READ_ONLY)?;
    let mut stmt =
        conn.prepare("SELECT doc_id, kind, unit, year FROM documents ORDER BY doc_id")?;
    let listed: Vec<(String, String, Option<String>, Option<i64>)> = stmt
        .query_map([], |row| {
            Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?))
        })?
        .collect::<rusqlite::Result<_>>()?;
    let store = storage::ReadOnlyDocuments::open(documents)?;
    let mut loaded = 0;
    let mut failures = Vec::new();
    for (doc_id, kind, unit, year) in listed {
        let what = match (unit, year) {
            (Some(unit), Some(year)) => format!("{kind} of {unit} {year}"),
            (Some(unit), None) => format!("{kind} of {unit}"),
            _ => kind,
        };
        match store.load(&doc_id) {
            Ok(Some(_)) => loaded += 1,
            Ok(None) => failures.push(format!(
                "document {doc_id} ({what}) is listed in registry.sqlite3 but has no data in documents.sqlite3"
            )),
            Err(err) => failures.push(format!("document {doc_id} ({what}) does not load: {err}")),
        }
    }
    Ok((loaded, failures))
}

/// Copies `reader` to `target` (or nowhere), returning its size and SHA-256.
fn copy_hashing(reader: &mut dyn Read, target: Option<&Path>) -> std::io::Result<(u64, String)> {
    let mut hashing = HashingReader::new(reader);
    match target {
        Some(path) => {
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent)?;
            }
            let mut file = std::fs::File::create(path)?;
            std::io::copy(&mut hashing, &mut file)?;
            file.sync_all()?;
        }
        None => {
            std::io::copy(&mut hashing, &mut std::io::sink())?;
        }
    }
    let (sha256, size) = hashing.finish();
    Ok((size, sha256))
}

struct HashingReader<R> {
    inner: R,
    hasher: Sha256,
    read: u64,
}

impl<R: Read> HashingReader<R> {
    fn new(inner: R) -> Self {
        HashingReader {
            inner,
            hasher: Sha256::new(),
            read: 0,
        }
    }

    /// The hex SHA-256 of what was read, and how many bytes.
    fn finish(self) -> (String, u64) {
        let digest = self.hasher.finalize();
        let hex = digest.iter().map(|b| format!("{b:02x}")).collect();
        (hex, self.read)
    }
}

impl<R: Read> Read for HashingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.hasher.update(&buf[..n]);
        self.read += n as u64;
        Ok(n)
    }
}

fn sync_dir(dir: &Path) {
    if let Ok(handle) = std::fs::File::open(dir) {
        let _ = handle.sync_all();
    }
}

/// `2026-11-30T16:05:09Z` (`readable`) or `20261130T160509Z` (for file names).
pub fn utc_timestamp(unix_ms: i64, readable: bool) -> String {
    let secs = unix_ms.div_euclid(1000);
    let date = shared::calendar::Date::from_days_since_epoch(secs.div_euclid(86_400));
    let in_day = secs.rem_euclid(86_400);
    let (h, m, s) = (in_day / 3600, in_day / 60 % 60, in_day % 60);
    if readable {
        format!(
            "{:04}-{:02}-{:02}T{h:02}:{m:02}:{s:02}Z",
            date.year, date.month, date.day
        )
    } else {
        format!(
            "{:04}{:02}{:02}T{h:02}{m:02}{s:02}Z",
            date.year, date.month, date.day
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A data directory with empty databases.
    fn data_dir() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        crate::registry::Registry::open(&crate::data::registry_path(dir.path())).unwrap();
        storage::SqliteStorage::open(&crate::data::documents_path(dir.path())).unwrap();
        dir
    }

    #[test]
    fn rotation_keeps_the_newest_and_never_collides_within_a_second() {
        let data = data_dir();
        let backups = tempfile::tempdir().unwrap();
        let folder = backups.path().join("backups");
        std::fs::write(backups.path().join("unrelated.tar"), b"x").unwrap();
        let mut made = Vec::new();
        for _ in 0..4 {
            let (path, _, _) = create_rotated(data.path(), &folder, 2).unwrap();
            made.push(path);
        }
        let mut left: Vec<_> = std::fs::read_dir(&folder)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        left.sort();
        let mut newest = made[2..].to_vec();
        newest.sort();
        assert_eq!(left, newest, "the two newest are kept, the others deleted");
        assert!(backups.path().join("unrelated.tar").exists());
        for path in &left {
            assert!(verify(path).unwrap().is_sound());
        }
    }

    #[test]
    fn a_backup_never_overwrites_and_leaves_nothing_when_it_fails() {
        let data = data_dir();
        let out_dir = tempfile::tempdir().unwrap();
        let out = out_dir.path().join("b.tar");
        create(data.path(), &out).unwrap();
        let again = create(data.path(), &out).unwrap_err();
        assert!(format!("{again:#}").contains("already exists"), "{again:#}");
        let missing = create(
            &out_dir.path().join("nothing-here"),
            &out_dir.path().join("c.tar"),
        )
        .unwrap_err();
        assert!(
            format!("{missing:#}").contains("holds no PlanSync data"),
            "{missing:#}"
        );
        let names: Vec<_> = std::fs::read_dir(out_dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(
            names,
            vec!["b.tar".to_string()],
            "no partial or staging files left"
        );
    }

    #[test]
    fn timestamps_in_utc() {
        // 2026-11-30 16:05:09.250 UTC
        let ms = 1_796_054_709_250;
        assert_eq!(utc_timestamp(ms, true), "2026-11-30T16:05:09Z");
        assert_eq!(utc_timestamp(ms, false), "20261130T160509Z");
    }
}
