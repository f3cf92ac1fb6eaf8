//! The evidence file store: content-addressed by SHA-256 under `DATA/files/`.
//!
//! - `files/sha256/<hash>`: complete files whose bytes hash to `<hash>` (each stored once, however
//!   many tasks, periods or units attach it);
//! - `files/partial/<uploader>/<hash>`: an upload in progress, one per uploader (a user never
//!   appends to, or learns the progress of, another user's upload); its length is how many bytes
//!   the server has.
//!
//! An upload sends bytes `START..=END` of a file of `TOTAL` bytes (`Content-Range: bytes
//! START-END/TOTAL`). `START` must equal what the server has, so a broken upload resumes from the
//! server's offset (`status`). Each chunk is appended and synced to disk as it streams in; when
//! the partial file reaches `TOTAL` its hash is checked and it is moved into place, or discarded
//! on a mismatch. Only one request at a time may append to a hash's partial file.
//!
//! Who may upload or download, which unit holds which file and its quota are the caller's
//! business (see `sync::api`); this module keeps bytes honest and the disk from filling: an
//! upload that would leave less than the reserve free, or that meets a full disk, is refused
//! with [`UploadError::StorageFull`], never a crash.

use std::collections::HashSet;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use futures::{Stream, StreamExt};
use sha2::{Digest, Sha256};
use tokio::io::AsyncWriteExt;

/// The default upload limit, in megabytes (MiB).
pub const DEFAULT_MAX_FILE_MB: u64 = 50;
/// The evidence each unit may hold by default, in MiB.
pub const DEFAULT_UNIT_QUOTA_MB: u64 = 2048;
/// The disk space uploads leave free by default, in MiB.
pub const DEFAULT_RESERVE_MB: u64 = 1024;
/// How long a file no document lists any more is kept by default.
pub const DEFAULT_EVIDENCE_GRACE: std::time::Duration =
    std::time::Duration::from_secs(7 * 24 * 3600);

/// What the server has of a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct UploadStatus {
    pub received: u64,
    pub complete: bool,
}

/// A parsed `Content-Range` of an upload request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ContentRange {
    /// The first byte the body carries; `None` for `bytes */TOTAL` (no bytes: used for an empty
    /// file, or to ask the server to finish an upload it has every byte of).
    pub start: Option<u64>,
    /// The number of bytes the body carries.
    pub len: u64,
    pub total: u64,
}

impl ContentRange {
    /// Parses `bytes START-END/TOTAL` (END inclusive) or `bytes */TOTAL`.
    pub fn parse(text: &str) -> Option<ContentRange> {
        let rest = text.trim().strip_prefix("bytes ")?.trim();
        let (range, total) = rest.split_once('/')?;
        let total: u64 = total.trim().parse().ok()?;
        if range.trim() == "*" {
            return Some(ContentRange {
                start: None,
                len: 0,
                total,
            });
        }
        let (start, end) = range.split_once('-')?;
        let start: u64 = start.trim().parse().ok()?;
        let end: u64 = end.trim().parse().ok()?;
        if end < start || end >= total {
            return None;
        }
        Some(ContentRange {
            start: Some(start),
            len: end - start + 1,
            total,
        })
    }
}

#[derive(Debug, thiserror::Error)]
pub enum UploadError {
    #[error("the file is {size} bytes; the limit is {limit} bytes")]
    TooLarge { size: u64, limit: u64 },
    #[error("another upload of this file is in progress")]
    Busy,
    #[error("the server has {received} bytes of this file; resume from there")]
    OffsetMismatch { received: u64 },
    #[error("{0}")]
    BadRange(String),
    #[error("the uploaded bytes do not match their SHA-256; the upload was discarded")]
    HashMismatch,
    #[error("the upload broke off after {received} bytes")]
    BodyBroken { received: u64 },
    #[error("the server's disk is full; the upload will be tried again later")]
    StorageFull,
    #[error("file store: {0}")]
    Io(std::io::Error),
}

impl From<std::io::Error> for UploadError {
    fn from(err: std::io::Error) -> UploadError {
        if is_disk_full(&err) {
            UploadError::StorageFull
        } else {
            UploadError::Io(err)
        }
    }
}

/// ENOSPC (28) or EDQUOT (122) on Unix; ERROR_DISK_FULL (112) or ERROR_HANDLE_DISK_FULL (39) on
/// Windows.
fn is_disk_full(err: &std::io::Error) -> bool {
    err.kind() == std::io::ErrorKind::StorageFull
        || err.kind() == std::io::ErrorKind::QuotaExceeded
        || matches!(
            (cfg!(windows), err.raw_os_error()),
            (false, Some(28 | 122)) | (true, Some(112 | 39))
        )
}

pub struct FileStore {
    root: PathBuf,
    max_bytes: u64,
    /// Bytes the disk must keep free after an upload.
    reserve_bytes: u64,
    /// (uploader folder, hash) of the upload requests running.
    busy: Mutex<HashSet<(String, String)>>,
}

/// Frees an upload for the next request when dropped (also when the request is cancelled).
struct Busy<'a> {
    store: &'a FileStore,
    key: (String, String),
}

impl Drop for Busy<'_> {
    fn drop(&mut self) {
        self.store
            .busy
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(&self.key);
    }
}

/// The folder of an uploader's partial uploads: a hash of the user name, so any name is a safe
/// folder name.
fn uploader_dir(uploader: &str) -> String {
    Sha256::digest(uploader.as_bytes())
        .iter()
        .take(12)
        .map(|b| format!("{b:02x}"))
        .collect()
}

impl FileStore {
    /// Opens (creating) `data/files`; uploads are refused when they would leave less than
    /// `reserve_bytes` free on its disk.
    pub fn open(
        data: &Path,
        max_bytes: u64,
        reserve_bytes: u64,
    ) -> std::io::Result<Arc<FileStore>> {
        let root = data.join("files");
        std::fs::create_dir_all(root.join("partial"))?;
        std::fs::create_dir_all(root.join("sha256"))?;
        Ok(Arc::new(FileStore {
            root,
            max_bytes,
            reserve_bytes,
            busy: Mutex::new(HashSet::new()),
        }))
    }

    /// Every complete file: its hash and when it was stored.
    pub fn complete_files(&self) -> std::io::Result<Vec<(String, std::time::SystemTime)>> {
        let mut found = Vec::new();
        for entry in std::fs::read_dir(self.root.join("sha256"))? {
            let entry = entry?;
            let name = entry.file_name().to_string_lossy().into_owned();
            if shared::record::is_sha256_hex(&name) {
                found.push((name, entry.metadata()?.modified()?));
            }
        }
        Ok(found)
    }

    /// Deletes a complete file (no unit holds it any more).
    pub fn remove_complete(&self, sha256: &str) -> std::io::Result<()> {
        match std::fs::remove_file(self.path(sha256)) {
            Err(err) if err.kind() != std::io::ErrorKind::NotFound => Err(err),
            _ => Ok(()),
        }
    }

    /// The size of the complete file of `sha256`, if the store has it.
    pub async fn complete_len(&self, sha256: &str) -> std::io::Result<Option<u64>> {
        file_len(&self.path(sha256)).await
    }

    pub fn max_bytes(&self) -> u64 {
        self.max_bytes
    }

    /// Where the complete file of `sha256` lives. `sha256` must be canonical
    /// (`shared::documents::records::is_sha256_hex`), which also keeps it a plain file name.
    pub fn path(&self, sha256: &str) -> PathBuf {
        self.root.join("sha256").join(sha256)
    }

    fn partial_path(&self, uploader: &str, sha256: &str) -> PathBuf {
        self.root
            .join("partial")
            .join(uploader_dir(uploader))
            .join(sha256)
    }

    /// Deletes partial uploads untouched for `max_age` (a laptop that never came back, or a
    /// file detached before it finished), except those with a request running; returns how many
    /// went. A laptop that comes back later simply uploads from the start.
    pub fn sweep_abandoned(
        &self,
        max_age: std::time::Duration,
        now: std::time::SystemTime,
    ) -> std::io::Result<usize> {
        let mut removed = 0;
        for folder in std::fs::read_dir(self.root.join("partial"))? {
            let folder = folder?;
            if !folder.file_type()?.is_dir() {
                continue;
            }
            let uploader = folder.file_name().to_string_lossy().into_owned();
            for entry in std::fs::read_dir(folder.path())? {
                let entry = entry?;
                let name = entry.file_name().to_string_lossy().into_owned();
                let busy = self
                    .busy
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .contains(&(uploader.clone(), name.clone()));
                let modified = entry.metadata()?.modified()?;
                let stale = now.duration_since(modified).is_ok_and(|age| age > max_age);
                if stale && !busy {
                    std::fs::remove_file(entry.path())?;
                    tracing::info!(file = %name, "abandoned partial upload removed");
                    removed += 1;
                }
            }
        }
        Ok(removed)
    }

    /// How much of `sha256` the uploader has sent so far: `None` when nothing.
    pub async fn partial_status(
        &self,
        uploader: &str,
        sha256: &str,
    ) -> std::io::Result<Option<u64>> {
        file_len(&self.partial_path(uploader, sha256)).await
    }

    /// Whether the disk keeps the reserve free after `more` bytes.
    fn has_room_for(&self, more: u64) -> bool {
        match fs4::available_space(&self.root) {
            Ok(free) => free >= more.saturating_add(self.reserve_bytes),
            // Unknown: let the write itself say whether the disk is full.
            Err(_) => true,
        }
    }

    /// Appends one upload request's body to the uploader's partial file of `sha256`, and
    /// completes the file when it has every byte (its bytes are checked against the hash; when
    /// the store already has the file, the verified upload is dropped and the stored copy kept).
    pub async fn upload<E: std::fmt::Display>(
        &self,
        uploader: &str,
        sha256: &str,
        range: ContentRange,
        body: impl Stream<Item = Result<bytes::Bytes, E>>,
    ) -> Result<UploadStatus, UploadError> {
        if range.total > self.max_bytes {
            return Err(UploadError::TooLarge {
                size: range.total,
                limit: self.max_bytes,
            });
        }
        let _busy = self.claim(uploader, sha256)?;
        let partial = self.partial_path(uploader, sha256);
        let mut received = file_len(&partial).await?.unwrap_or(0);
        if received > range.total {
            // A stale partial from an upload that declared another size: start over.
            tokio::fs::remove_file(&partial).await?;
            return Err(UploadError::OffsetMismatch { received: 0 });
        }
        if let Some(start) = range.start {
            if start != received {
                return Err(UploadError::OffsetMismatch { received });
            }
        }
        if !self.has_room_for(range.total - received) {
            tracing::error!(
                sha256,
                "evidence upload refused: the disk would keep less than the reserve free"
            );
            return Err(UploadError::StorageFull);
        }
        if let Some(dir) = partial.parent() {
            tokio::fs::create_dir_all(dir).await?;
        }
        let mut file = tokio::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&partial)
            .await?;
        let mut written = 0u64;
        let mut body = std::pin::pin!(body);
        while let Some(chunk) = body.next().await {
            let chunk = match chunk {
                Ok(chunk) => chunk,
                Err(err) => {
                    // Keep what arrived: the client resumes from here.
                    file.flush().await?;
                    file.sync_data().await?;
                    tracing::info!(
                        sha256,
                        received = received + written,
                        "upload broke off: {err}"
                    );
                    return Err(UploadError::BodyBroken {
                        received: received + written,
                    });
                }
            };
            if written + chunk.len() as u64 > range.len {
                file.set_len(received).await?;
                return Err(UploadError::BadRange(
                    "the body is longer than its Content-Range".into(),
                ));
            }
            if let Err(err) = file.write_all(&chunk).await {
                // Keep what was whole before this request; a full disk is the uploader's
                // answer, not the server's end.
                let _ = file.set_len(received).await;
                return Err(err.into());
            }
            written += chunk.len() as u64;
        }
        file.flush().await?;
        file.sync_data().await?;
        drop(file);
        received += written;
        if received < range.total {
            return Ok(UploadStatus {
                received,
                complete: false,
            });
        }
        let actual = {
            let partial = partial.clone();
            tokio::task::spawn_blocking(move || hash_file(&partial))
                .await
                .map_err(std::io::Error::other)??
        };
        if actual != sha256 {
            tokio::fs::remove_file(&partial).await?;
            return Err(UploadError::HashMismatch);
        }
        if file_len(&self.path(sha256)).await?.is_some() {
            // Another unit's verified copy of the same bytes: keep one.
            tokio::fs::remove_file(&partial).await?;
        } else {
            tokio::fs::rename(&partial, self.path(sha256)).await?;
            sync_dir(&self.root.join("sha256")).await;
        }
        tracing::info!(sha256, size = received, "file stored");
        Ok(UploadStatus {
            received,
            complete: true,
        })
    }

    fn claim(&self, uploader: &str, sha256: &str) -> Result<Busy<'_>, UploadError> {
        let key = (uploader_dir(uploader), sha256.to_string());
        let mut busy = self.busy.lock().unwrap_or_else(|p| p.into_inner());
        if !busy.insert(key.clone()) {
            return Err(UploadError::Busy);
        }
        Ok(Busy { store: self, key })
    }
}

async fn file_len(path: &Path) -> std::io::Result<Option<u64>> {
    match tokio::fs::metadata(path).await {
        Ok(meta) => Ok(Some(meta.len())),
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(err) => Err(err),
    }
}

/// Makes a rename durable (best effort: not every platform can sync a directory).
async fn sync_dir(dir: &Path) {
    if let Ok(dir) = tokio::fs::File::open(dir).await {
        let _ = dir.sync_all().await;
    }
}

/// The lower-case hex SHA-256 of a file, read in chunks.
pub fn hash_file(path: &Path) -> std::io::Result<String> {
    let mut file = std::fs::File::open(path)?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 256 * 1024];
    loop {
        let n = file.read(&mut buf)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
    }
    Ok(hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sha(bytes: &[u8]) -> String {
        Sha256::digest(bytes)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }

    fn body(parts: &[&[u8]]) -> impl Stream<Item = Result<bytes::Bytes, std::io::Error>> {
        let parts: Vec<_> = parts
            .iter()
            .map(|p| Ok(bytes::Bytes::copy_from_slice(p)))
            .collect();
        futures::stream::iter(parts)
    }

    fn range(start: u64, end: u64, total: u64) -> ContentRange {
        ContentRange::parse(&format!("bytes {start}-{end}/{total}")).unwrap()
    }

    #[tokio::test]
    async fn abandoned_partial_uploads_are_swept_and_recent_ones_kept() {
        let dir = tempfile::tempdir().unwrap();
        let store = FileStore::open(dir.path(), 1 << 20, 0).unwrap();
        let (old, new) = (sha(b"old upload"), sha(b"new upload"));
        store
            .upload("lan", &old, range(0, 2, 10), body(&[b"old"]))
            .await
            .unwrap();
        store
            .upload("lan", &new, range(0, 2, 10), body(&[b"new"]))
            .await
            .unwrap();
        let day = std::time::Duration::from_secs(24 * 3600);
        let now = std::time::SystemTime::now();
        std::fs::File::options()
            .write(true)
            .open(store.partial_path("lan", &old))
            .unwrap()
            .set_modified(now - 8 * day)
            .unwrap();
        assert_eq!(store.sweep_abandoned(7 * day, now).unwrap(), 1);
        assert_eq!(
            store.partial_status("lan", &old).await.unwrap(),
            None,
            "the old one went"
        );
        assert_eq!(store.partial_status("lan", &new).await.unwrap(), Some(3));
        assert_eq!(store.sweep_abandoned(7 * day, now).unwrap(), 0);
    }

    #[test]
    fn content_ranges() {
        assert_eq!(
            ContentRange::parse("bytes 0-9/10"),
            Some(ContentRange {
                start: Some(0),
                len: 10,
                total: 10
            })
        );
        assert_eq!(
            ContentRange::parse("bytes */0"),
            Some(ContentRange {
                start: None,
                len: 0,
                total: 0
            })
        );
        for bad in [
            "bytes 5-4/10",
            "bytes 0-10/10",
            "0-9/10",
            "bytes 0-9",
            "bytes -1-9/10",
            "bytes 0-9/x",
            "",
        ] {
            assert_eq!(ContentRange::parse(bad), None, "{bad}");
        }
    }

    #[tokio::test]
    async fn resumed_verified_and_deduplicated() {
        let dir = tempfile::tempdir().unwrap();
        let store = FileStore::open(dir.path(), 100, 0).unwrap();
        let bytes = b"Bao cao quy III: 1.245 ho so".to_vec();
        let hash = sha(&bytes);
        let total = bytes.len() as u64;
        assert_eq!(store.partial_status("lan", &hash).await.unwrap(), None);

        let first = store
            .upload(
                "lan",
                &hash,
                range(0, 9, total),
                body(&[&bytes[..4], &bytes[4..10]]),
            )
            .await
            .unwrap();
        assert_eq!(
            first,
            UploadStatus {
                received: 10,
                complete: false
            }
        );
        let wrong_offset = store
            .upload("lan", &hash, range(0, total - 1, total), body(&[&bytes]))
            .await
            .unwrap_err();
        assert!(matches!(
            wrong_offset,
            UploadError::OffsetMismatch { received: 10 }
        ));
        let done = store
            .upload(
                "lan",
                &hash,
                range(10, total - 1, total),
                body(&[&bytes[10..]]),
            )
            .await
            .unwrap();
        assert!(done.complete);
        assert_eq!(std::fs::read(store.path(&hash)).unwrap(), bytes);
        // Another uploader sends the same bytes: verified, and one copy is kept.
        assert_eq!(
            store.partial_status("minh", &hash).await.unwrap(),
            None,
            "minh does not see lan's upload"
        );
        let again = store
            .upload("minh", &hash, range(0, total - 1, total), body(&[&bytes]))
            .await
            .unwrap();
        assert_eq!(
            again,
            UploadStatus {
                received: total,
                complete: true
            }
        );
        assert_eq!(std::fs::read(store.path(&hash)).unwrap(), bytes);
        assert_eq!(store.complete_files().unwrap().len(), 1);
    }

    #[tokio::test]
    async fn mismatches_overlong_bodies_and_oversize_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let store = FileStore::open(dir.path(), 16, 0).unwrap();
        let hash = sha(b"the real bytes");
        let err = store
            .upload("lan", &hash, range(0, 13, 14), body(&[b"other bytes!!!"]))
            .await
            .unwrap_err();
        assert!(matches!(err, UploadError::HashMismatch));
        assert_eq!(
            store.partial_status("lan", &hash).await.unwrap(),
            None,
            "nothing kept"
        );

        let err = store
            .upload("lan", &hash, range(0, 3, 14), body(&[b"the real"]))
            .await
            .unwrap_err();
        assert!(matches!(err, UploadError::BadRange(_)));
        assert_eq!(store.partial_status("lan", &hash).await.unwrap(), Some(0));

        let err = store
            .upload("lan", &hash, range(0, 16, 17), body(&[&[0u8; 17]]))
            .await
            .unwrap_err();
        assert!(matches!(
            err,
            UploadError::TooLarge {
                size: 17,
                limit: 16
            }
        ));

        let broken = futures::stream::iter(vec![
            Ok(bytes::Bytes::from_static(b"the ")),
            Err(std::io::Error::other("link down")),
        ]);
        let err = store
            .upload("lan", &hash, range(0, 13, 14), broken)
            .await
            .unwrap_err();
        assert!(matches!(err, UploadError::BodyBroken { received: 4 }));
        let done = store
            .upload("lan", &hash, range(4, 13, 14), body(&[b"real bytes"]))
            .await
            .unwrap();
        assert!(done.complete, "resumed after the break");
    }

    #[tokio::test]
    async fn an_upload_that_would_fill_the_disk_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        // A reserve no disk has: every upload would eat into it.
        let store = FileStore::open(dir.path(), 1 << 20, u64::MAX / 2).unwrap();
        let hash = sha(b"bytes");
        let err = store
            .upload("lan", &hash, range(0, 4, 5), body(&[b"bytes"]))
            .await
            .unwrap_err();
        assert!(matches!(err, UploadError::StorageFull), "{err}");
        assert_eq!(store.partial_status("lan", &hash).await.unwrap(), None);
        let full = std::io::Error::from_raw_os_error(if cfg!(windows) { 112 } else { 28 });
        assert!(matches!(UploadError::from(full), UploadError::StorageFull));
    }
}
