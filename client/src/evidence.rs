//! Evidence files (tài liệu kiểm chứng): attached offline, stored content-addressed in
//! `DATA_DIR/files/<sha256>`, uploaded by the engine whenever connected (resuming from the
//! server's offset), and fetched on demand by readers such as the office.
//!
//! The records document holds only the metadata ([`Evidence`]); the bytes travel over HTTP:
//! `GET /api/files/{sha256}/status?doc=`, `PUT /api/files/{sha256}?doc=` with a `Content-Range`
//! per chunk, `GET /api/files/{sha256}?doc=`.

use std::collections::HashSet;
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use rand::Rng;
use reqwest::StatusCode;
use samod::{DocHandle, DocumentId};
use serde::Deserialize;
use sha2::{Digest, Sha256};
use shared::calendar::PeriodId;
use shared::documents::records::{self, Evidence, RecordEdit};
use shared::documents::DocumentKind;
use shared::plan::TaskId;
use unicode_normalization::UnicodeNormalization;

use crate::api::{chain, error_reply, ServerApi};
use crate::client::Client;
use crate::engine::EngineCommand;
use crate::error::{ClientError, Result};
use crate::server_url::ServerUrl;

/// The local store's directory under the data directory.
pub(crate) const FILES_DIR: &str = "files";
/// Under the store: one empty marker file per hash known to be complete on the server, so the
/// upload state survives a restart.
const UPLOADED_DIR: &str = ".uploaded";
/// Uploads go in chunks of this size: a broken link loses at most one chunk, and no request
/// holds more than this in memory.
const UPLOAD_CHUNK: u64 = 1024 * 1024;

impl Client {
    /// Attaches the file at `path` to `task_id`'s `period` in the records document `doc_id`;
    /// works offline. The file is hashed and copied into the local store, its metadata edit is
    /// saved, and the engine uploads it whenever connected. Refuses files over
    /// [`crate::ClientConfig::max_file_bytes`] ([`ClientError::FileTooLarge`]).
    pub async fn attach_evidence(
        &self,
        doc_id: &DocumentId,
        task_id: &TaskId,
        period: PeriodId,
        path: &Path,
    ) -> Result<Evidence> {
        let workspace = self.inner.workspace()?;
        let info = workspace
            .docs
            .info(doc_id)
            .ok_or_else(|| ClientError::UnknownDocument {
                doc_id: doc_id.to_string(),
            })?;
        if info.kind != DocumentKind::Records {
            return Err(ClientError::wrong_kind(
                doc_id,
                DocumentKind::Records,
                info.kind,
            ));
        }
        if !info.is_writable() {
            return Err(ClientError::ReadOnly {
                doc_id: doc_id.to_string(),
            });
        }
        let name: String = path
            .file_name()
            .map(|n| n.to_string_lossy().nfc().collect())
            .filter(|n: &String| !n.trim().is_empty())
            .ok_or_else(|| ClientError::LocalFile {
                path: path.display().to_string(),
                why: "not a file name".into(),
            })?;
        let dir = self.files_dir();
        let limit = workspace.config.max_file_bytes;
        let source = path.to_path_buf();
        let (sha256, size) = tokio::task::spawn_blocking(move || store_file(&dir, &source, limit))
            .await
            .map_err(|e| ClientError::Internal(format!("hashing task: {e}")))??;
        self.edit_record(
            doc_id,
            task_id,
            RecordEdit::AttachEvidence {
                period,
                name,
                size,
                sha256: sha256.clone(),
                mime: mime_for(path).map(str::to_string),
            },
        )
        .await?;
        workspace.command(EngineCommand::UploadEvidence);
        let record = self.read_record(doc_id, task_id).await?;
        record
            .periods
            .into_iter()
            .filter(|p| p.period == period)
            .flat_map(|p| p.evidence)
            .find(|e| e.sha256 == sha256)
            .ok_or_else(|| {
                ClientError::Internal("the attached evidence is not in the record".into())
            })
    }

    /// The local copy of evidence file `sha256` of records document `doc_id`: from the local
    /// store, else downloaded from the server (needs a connection and read access), verified
    /// against its hash before it is kept.
    pub async fn fetch_evidence(&self, doc_id: &DocumentId, sha256: &str) -> Result<PathBuf> {
        let workspace = self.inner.workspace()?;
        if !records::is_sha256_hex(sha256) {
            return Err(ClientError::Document(
                shared::documents::DocumentError::OutOfRange(format!(
                    "\"{sha256}\" is not a lower-case hex SHA-256"
                )),
            ));
        }
        if workspace.docs.info(doc_id).is_none() {
            return Err(ClientError::UnknownDocument {
                doc_id: doc_id.to_string(),
            });
        }
        let dir = self.files_dir();
        let path = dir.join(sha256);
        if path.is_file() {
            return Ok(path);
        }
        let session = &workspace.session;
        self.inner
            .setup
            .api
            .download_file(&session.server_url, &session.token, doc_id, sha256, &dir)
            .await?;
        // The server served it, so it has it.
        self.inner.setup.uploads.mark_done(sha256);
        Ok(path)
    }

    /// Where evidence file `sha256` stands as far as this laptop knows, without asking the
    /// server: `None` when the file is not here and nothing is known of it.
    pub fn known_upload_state(&self, sha256: &str) -> Option<UploadState> {
        let memory = &self.inner.setup.uploads;
        if memory.is_done(sha256) {
            return Some(UploadState::Uploaded);
        }
        if memory.is_refused(sha256) {
            return Some(UploadState::Refused);
        }
        if let Some(current) = memory.current() {
            if current.sha256 == sha256 {
                return Some(UploadState::Uploading {
                    sent: current.sent,
                    total: current.total,
                });
            }
        }
        self.local_evidence(sha256).map(|_| UploadState::Waiting)
    }

    /// Where evidence file `sha256` of records document `doc_id` stands: what this laptop
    /// knows, else what the server says (a file attached on another laptop). Never fails: a
    /// server that cannot be asked gives [`UploadState::Unknown`].
    pub async fn upload_state(&self, doc_id: &DocumentId, sha256: &str) -> UploadState {
        if let Some(known) = self.known_upload_state(sha256) {
            return known;
        }
        let Ok(workspace) = self.inner.workspace() else {
            return UploadState::Unknown;
        };
        if !records::is_sha256_hex(sha256) {
            return UploadState::Unknown;
        }
        let session = &workspace.session;
        match self
            .inner
            .setup
            .api
            .file_status(&session.server_url, &session.token, doc_id, sha256)
            .await
        {
            Ok(Some(status)) if status.complete => {
                self.inner.setup.uploads.mark_done(sha256);
                UploadState::Uploaded
            }
            Ok(_) => UploadState::NotOnServer,
            Err(err) => {
                tracing::debug!(
                    sha256,
                    "cannot ask the server about an evidence file: {err}"
                );
                UploadState::Unknown
            }
        }
    }

    /// The local copy of evidence file `sha256`, if this laptop has it.
    pub fn local_evidence(&self, sha256: &str) -> Option<PathBuf> {
        let path = self.files_dir().join(sha256);
        (records::is_sha256_hex(sha256) && path.is_file()).then_some(path)
    }

    fn files_dir(&self) -> PathBuf {
        self.inner.setup.data_dir.join(FILES_DIR)
    }
}

/// A MIME type from the file name, for the formats units attach.
fn mime_for(path: &Path) -> Option<&'static str> {
    let ext = path.extension()?.to_str()?.to_ascii_lowercase();
    Some(match ext.as_str() {
        "pdf" => "application/pdf",
        "docx" => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "doc" => "application/msword",
        "xls" => "application/vnd.ms-excel",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "tif" | "tiff" => "image/tiff",
        "zip" => "application/zip",
        "txt" => "text/plain",
        _ => return None,
    })
}

fn local_file_error(path: &Path, err: impl std::fmt::Display) -> ClientError {
    ClientError::LocalFile {
        path: path.display().to_string(),
        why: err.to_string(),
    }
}

fn hex(digest: &[u8]) -> String {
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// A temporary file in `dir` that is removed unless kept.
struct Incoming {
    path: PathBuf,
    kept: bool,
}

impl Incoming {
    fn create(dir: &Path) -> Result<(Incoming, std::fs::File)> {
        crate::private_files::private_dir(dir)?;
        let path = dir.join(format!(".incoming-{:016x}", rand::rng().random::<u64>()));
        let file = std::fs::File::create(&path).map_err(|e| local_file_error(&path, e))?;
        Ok((Incoming { path, kept: false }, file))
    }

    /// Moves the temporary file to `dir/<sha256>` (keeping an existing copy: same bytes).
    fn keep_as(mut self, dir: &Path, sha256: &str) -> Result<()> {
        let target = dir.join(sha256);
        if !target.exists() {
            std::fs::rename(&self.path, &target).map_err(|e| local_file_error(&target, e))?;
            self.kept = true;
        }
        Ok(())
    }
}

impl Drop for Incoming {
    fn drop(&mut self) {
        if !self.kept {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

/// Copies `source` into `dir/<sha256>`, hashing it on the way; returns the hash and size.
fn store_file(dir: &Path, source: &Path, limit: u64) -> Result<(String, u64)> {
    let meta = std::fs::metadata(source).map_err(|e| local_file_error(source, e))?;
    if !meta.is_file() {
        return Err(local_file_error(source, "not a regular file"));
    }
    if meta.len() > limit {
        return Err(ClientError::FileTooLarge {
            size: meta.len(),
            limit,
        });
    }
    let mut input = std::fs::File::open(source).map_err(|e| local_file_error(source, e))?;
    let (incoming, mut output) = Incoming::create(dir)?;
    let mut hasher = Sha256::new();
    let mut size = 0u64;
    let mut buf = vec![0u8; 256 * 1024];
    loop {
        let n = input
            .read(&mut buf)
            .map_err(|e| local_file_error(source, e))?;
        if n == 0 {
            break;
        }
        size += n as u64;
        if size > limit {
            // The file grew while we read it.
            return Err(ClientError::FileTooLarge { size, limit });
        }
        hasher.update(&buf[..n]);
        output
            .write_all(&buf[..n])
            .map_err(|e| local_file_error(&incoming.path, e))?;
    }
    output
        .sync_all()
        .map_err(|e| local_file_error(&incoming.path, e))?;
    drop(output);
    let sha256 = hex(&hasher.finalize());
    incoming.keep_as(dir, &sha256)?;
    Ok((sha256, size))
}

/// The file a request is about, and whose credentials it carries.
struct FileRef<'a> {
    server: &'a ServerUrl,
    token: &'a str,
    doc_id: &'a DocumentId,
    sha256: &'a str,
}

/// What the server has of a file.
#[derive(Debug, Clone, Copy, Deserialize)]
pub(crate) struct UploadStatus {
    pub received: u64,
    pub complete: bool,
}

impl ServerApi {
    fn file_url(
        &self,
        server: &ServerUrl,
        doc_id: &DocumentId,
        sha256: &str,
        suffix: &str,
    ) -> url::Url {
        let mut url = server.endpoint(&format!("api/files/{sha256}{suffix}"));
        url.query_pairs_mut()
            .append_pair("doc", &doc_id.to_string());
        url
    }

    /// `GET /api/files/{sha256}/status`; `None` when the server has none of the file.
    pub async fn file_status(
        &self,
        server: &ServerUrl,
        token: &str,
        doc_id: &DocumentId,
        sha256: &str,
    ) -> Result<Option<UploadStatus>> {
        let response = self
            .http
            .get(self.file_url(server, doc_id, sha256, "/status"))
            .bearer_auth(token)
            .send()
            .await
            .map_err(crate::api::unreachable)?;
        match response.status() {
            status if status.is_success() => Ok(Some(response.json().await.map_err(bad_json)?)),
            StatusCode::NOT_FOUND => Ok(None),
            StatusCode::UNAUTHORIZED => Err(ClientError::SessionExpired),
            _ => Err(error_reply(response).await),
        }
    }

    /// `PUT /api/files/{sha256}` of `bytes` starting at `start` of a `total`-byte file.
    async fn upload_chunk(
        &self,
        file: &FileRef<'_>,
        start: u64,
        total: u64,
        bytes: Vec<u8>,
    ) -> Result<UploadStatus> {
        let range = if bytes.is_empty() {
            format!("bytes */{total}")
        } else {
            format!("bytes {start}-{}/{total}", start + bytes.len() as u64 - 1)
        };
        let response = self
            .http
            .put(self.file_url(file.server, file.doc_id, file.sha256, ""))
            .bearer_auth(file.token)
            .header(reqwest::header::CONTENT_RANGE, range)
            .body(bytes)
            .send()
            .await
            .map_err(crate::api::unreachable)?;
        match response.status() {
            status if status.is_success() => Ok(response.json().await.map_err(bad_json)?),
            StatusCode::UNAUTHORIZED => Err(ClientError::SessionExpired),
            _ => Err(error_reply(response).await),
        }
    }

    /// Uploads the local file `path` (whose hash is `sha256`) from wherever the server is.
    pub(crate) async fn upload_file(
        &self,
        server: &ServerUrl,
        token: &str,
        doc_id: &DocumentId,
        sha256: &str,
        path: &Path,
        progress: &(dyn Fn(u64, u64) + Send + Sync),
    ) -> Result<()> {
        let total = std::fs::metadata(path)
            .map_err(|e| local_file_error(path, e))?
            .len();
        let file = FileRef {
            server,
            token,
            doc_id,
            sha256,
        };
        let mut conflicts = 0;
        let mut status = self
            .file_status(server, token, doc_id, sha256)
            .await?
            .unwrap_or(UploadStatus {
                received: 0,
                complete: false,
            });
        while !status.complete {
            progress(status.received.min(total), total);
            let start = status.received.min(total);
            let len = UPLOAD_CHUNK.min(total - start);
            let chunk = {
                let path = path.to_path_buf();
                tokio::task::spawn_blocking(move || read_chunk(&path, start, len))
                    .await
                    .map_err(|e| ClientError::Internal(format!("reading task: {e}")))??
            };
            status = match self.upload_chunk(&file, start, total, chunk).await {
                Ok(status) => status,
                Err(ClientError::Server { status: 409, .. }) if conflicts < 3 => {
                    // Another request of ours is still appending, or the offset moved: ask.
                    conflicts += 1;
                    tokio::time::sleep(std::time::Duration::from_millis(200 * conflicts)).await;
                    self.file_status(server, token, doc_id, sha256)
                        .await?
                        .unwrap_or(UploadStatus {
                            received: 0,
                            complete: false,
                        })
                }
                Err(err) => return Err(err),
            };
            if !status.complete && status.received >= total {
                return Err(ClientError::Internal(format!(
                    "the server has all {total} bytes of {sha256} but did not complete it"
                )));
            }
        }
        tracing::info!(sha256, size = total, "evidence file uploaded");
        Ok(())
    }

    /// Downloads `sha256` into `dir/<sha256>`, verifying the bytes against the hash.
    pub(crate) async fn download_file(
        &self,
        server: &ServerUrl,
        token: &str,
        doc_id: &DocumentId,
        sha256: &str,
        dir: &Path,
    ) -> Result<()> {
        let mut response = self
            .http
            .get(self.file_url(server, doc_id, sha256, ""))
            .bearer_auth(token)
            .send()
            .await
            .map_err(crate::api::unreachable)?;
        match response.status() {
            status if status.is_success() => {}
            StatusCode::UNAUTHORIZED => return Err(ClientError::SessionExpired),
            _ => return Err(error_reply(response).await),
        }
        let (incoming, mut output) = Incoming::create(dir)?;
        let mut hasher = Sha256::new();
        while let Some(chunk) = response.chunk().await.map_err(crate::api::unreachable)? {
            hasher.update(&chunk);
            output
                .write_all(&chunk)
                .map_err(|e| local_file_error(&incoming.path, e))?;
        }
        output
            .sync_all()
            .map_err(|e| local_file_error(&incoming.path, e))?;
        drop(output);
        let actual = hex(&hasher.finalize());
        if actual != sha256 {
            return Err(ClientError::HashMismatch {
                sha256: sha256.to_string(),
            });
        }
        incoming.keep_as(dir, sha256)
    }
}

fn bad_json(err: reqwest::Error) -> ClientError {
    ClientError::Server {
        status: err.status().map_or(0, |s| s.as_u16()),
        code: "bad_reply".into(),
        message: chain(&err),
    }
}

fn read_chunk(path: &Path, start: u64, len: u64) -> Result<Vec<u8>> {
    let mut file = std::fs::File::open(path).map_err(|e| local_file_error(path, e))?;
    file.seek(SeekFrom::Start(start))
        .map_err(|e| local_file_error(path, e))?;
    let mut bytes = Vec::with_capacity(len as usize);
    file.take(len)
        .read_to_end(&mut bytes)
        .map_err(|e| local_file_error(path, e))?;
    Ok(bytes)
}

/// What one upload pass did.
#[derive(Debug, Default)]
pub(crate) struct UploadPass {
    pub n_uploaded: usize,
    /// A failure worth retrying (network, server error, a busy file).
    pub retry: Option<String>,
    /// Files the server refused for good (too large, hash mismatch, no access), with why.
    pub refused: Vec<(String, ClientError)>,
    pub session_expired: bool,
}

pub use shared::ipc::UploadState;

/// The file an upload pass is sending, and how far the server has it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CurrentUpload {
    pub sha256: String,
    pub sent: u64,
    pub total: u64,
}

/// Hashes known to be complete on the server (kept as marker files across restarts), hashes
/// it refused, and the upload in progress; shared by the engine's passes and the API.
#[derive(Default)]
pub(crate) struct UploadMemory {
    done: Mutex<HashSet<String>>,
    refused: Mutex<HashSet<String>>,
    current: Mutex<Option<CurrentUpload>>,
    /// Where the markers of `done` live; `None` keeps them in memory only.
    marks_dir: Option<PathBuf>,
}

fn locked<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl UploadMemory {
    /// The memory of the store `files_dir`, with the markers written by earlier runs.
    pub fn load(files_dir: &Path) -> UploadMemory {
        let marks_dir = files_dir.join(UPLOADED_DIR);
        let done = std::fs::read_dir(&marks_dir)
            .map(|entries| {
                entries
                    .filter_map(|e| e.ok()?.file_name().into_string().ok())
                    .filter(|name| records::is_sha256_hex(name))
                    .collect()
            })
            .unwrap_or_default();
        UploadMemory {
            done: Mutex::new(done),
            marks_dir: Some(marks_dir),
            ..UploadMemory::default()
        }
    }

    pub fn is_done(&self, sha256: &str) -> bool {
        locked(&self.done).contains(sha256)
    }

    /// Forgets every upload (log out: the files and their markers are deleted).
    pub fn forget_all(&self) {
        locked(&self.done).clear();
        locked(&self.refused).clear();
        *locked(&self.current) = None;
    }

    pub fn is_refused(&self, sha256: &str) -> bool {
        locked(&self.refused).contains(sha256)
    }

    pub fn current(&self) -> Option<CurrentUpload> {
        locked(&self.current).clone()
    }

    /// Remembers that the server has the whole file; a marker that cannot be written only
    /// costs one status request after a restart.
    pub fn mark_done(&self, sha256: &str) {
        if !records::is_sha256_hex(sha256) || !locked(&self.done).insert(sha256.to_string()) {
            return;
        }
        if let Some(dir) = &self.marks_dir {
            let written =
                std::fs::create_dir_all(dir).and_then(|()| std::fs::write(dir.join(sha256), b""));
            if let Err(err) = written {
                tracing::warn!(sha256, "cannot write the uploaded marker: {err}");
            }
        }
    }

    fn mark_refused(&self, sha256: &str) {
        locked(&self.refused).insert(sha256.to_string());
    }

    fn set_current(&self, current: Option<CurrentUpload>) {
        *locked(&self.current) = current;
    }
}

/// Evidence files stored here that the server does not have yet, as the sync bar counts them.
pub(crate) fn waiting_uploads(
    attached: impl IntoIterator<Item = String>,
    files_dir: &Path,
    memory: &UploadMemory,
) -> crate::status::UploadSummary {
    let mut summary = crate::status::UploadSummary::default();
    let current = memory.current();
    let unique: std::collections::BTreeSet<String> = attached.into_iter().collect();
    for sha256 in unique {
        if memory.is_done(&sha256) || memory.is_refused(&sha256) {
            continue;
        }
        let Ok(meta) = std::fs::metadata(files_dir.join(&sha256)) else {
            continue;
        };
        if !meta.is_file() {
            continue;
        }
        summary.n_files += 1;
        summary.total_bytes += meta.len();
        if let Some(current) = current.as_ref().filter(|c| c.sha256 == sha256) {
            summary.sent_bytes += current.sent.min(meta.len());
            summary.uploading = Some(sha256.clone());
        }
        summary.waiting.push(sha256);
    }
    summary
}

/// Uploads every evidence file of the given writable records documents that is stored here and
/// not known to be on the server.
pub(crate) async fn upload_pass(
    api: ServerApi,
    server: ServerUrl,
    token: String,
    files_dir: PathBuf,
    docs: Vec<DocHandle>,
    memory: Arc<UploadMemory>,
    dirty: Arc<tokio::sync::Notify>,
) -> UploadPass {
    let mut pass = UploadPass::default();
    for handle in docs {
        let doc_id = handle.document_id().clone();
        let Ok(Ok(attached)) = handle
            .with_document_async(|doc| records::all_evidence(doc))
            .await
        else {
            continue;
        };
        for sha256 in attached
            .into_iter()
            .map(|a| a.evidence.sha256)
            .collect::<std::collections::BTreeSet<String>>()
        {
            if memory.is_done(&sha256) || memory.is_refused(&sha256) {
                continue;
            }
            let path = files_dir.join(&sha256);
            if !path.is_file() {
                // Attached on another laptop: that one uploads it.
                continue;
            }
            let progress = {
                let memory = memory.clone();
                let dirty = dirty.clone();
                let sha256 = sha256.clone();
                move |sent: u64, total: u64| {
                    memory.set_current(Some(CurrentUpload {
                        sha256: sha256.clone(),
                        sent,
                        total,
                    }));
                    dirty.notify_one();
                }
            };
            let uploaded = api
                .upload_file(&server, &token, &doc_id, &sha256, &path, &progress)
                .await;
            memory.set_current(None);
            dirty.notify_one();
            match uploaded {
                Ok(()) => {
                    pass.n_uploaded += 1;
                    memory.mark_done(&sha256);
                }
                Err(ClientError::SessionExpired) => {
                    pass.session_expired = true;
                    return pass;
                }
                Err(
                    err @ ClientError::Server {
                        status: 400 | 403 | 404 | 413 | 422,
                        ..
                    },
                ) => {
                    tracing::warn!(sha256, "the server refused an evidence file: {err}");
                    memory.mark_refused(&sha256);
                    pass.refused.push((sha256, err));
                }
                Err(err) => {
                    tracing::info!(sha256, "evidence upload failed, will retry: {err}");
                    pass.retry = Some(err.to_string());
                }
            }
        }
    }
    pass
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn store_is_content_addressed_and_limited() {
        let dir = tempfile::tempdir().unwrap();
        let source = dir.path().join("Báo cáo quý III.pdf");
        std::fs::write(&source, b"%PDF-1.7 noi dung").unwrap();
        let store = dir.path().join("files");
        let (sha, size) = store_file(&store, &source, 100).unwrap();
        assert_eq!(size, 17);
        assert_eq!(sha, hex(&Sha256::digest(b"%PDF-1.7 noi dung")));
        assert_eq!(
            std::fs::read(store.join(&sha)).unwrap(),
            b"%PDF-1.7 noi dung"
        );
        let again = store_file(&store, &source, 100).unwrap();
        assert_eq!(again.0, sha);
        let entries: Vec<_> = std::fs::read_dir(&store).unwrap().collect();
        assert_eq!(entries.len(), 1, "stored once, no temporary files left");
        let err = store_file(&store, &source, 10).unwrap_err();
        assert!(matches!(
            err,
            ClientError::FileTooLarge {
                size: 17,
                limit: 10
            }
        ));
        assert_eq!(err.code(), "file_too_large");
        assert_eq!(mime_for(&source), Some("application/pdf"));
    }

    #[test]
    fn waiting_uploads_count_local_files_the_server_lacks() {
        let dir = tempfile::tempdir().unwrap();
        let store = dir.path().join("files");
        let write = |name: &str, bytes: &[u8]| {
            let source = dir.path().join(name);
            std::fs::write(&source, bytes).unwrap();
            store_file(&store, &source, 1000).unwrap().0
        };
        let a = write("a.pdf", &[1; 300]);
        let b = write("b.pdf", &[2; 100]);
        let elsewhere = "e".repeat(64);
        let memory = UploadMemory::load(&store);
        let attached = || vec![a.clone(), b.clone(), a.clone(), elsewhere.clone()];
        let summary = waiting_uploads(attached(), &store, &memory);
        assert_eq!(
            (summary.n_files, summary.total_bytes, summary.sent_bytes),
            (2, 400, 0),
            "each file once; a file attached elsewhere is not ours to upload"
        );
        memory.set_current(Some(CurrentUpload {
            sha256: a.clone(),
            sent: 120,
            total: 300,
        }));
        let summary = waiting_uploads(attached(), &store, &memory);
        assert_eq!(
            (summary.sent_bytes, summary.uploading),
            (120, Some(a.clone()))
        );
        memory.set_current(None);
        memory.mark_done(&a);
        let summary = waiting_uploads(attached(), &store, &memory);
        assert_eq!((summary.n_files, summary.waiting), (1, vec![b.clone()]));
        let reloaded = UploadMemory::load(&store);
        assert!(
            reloaded.is_done(&a),
            "the uploaded marker survives a restart"
        );
        assert!(!reloaded.is_done(&b));
    }
}
