//! HTTP handlers. Each pulls what it needs from the request and calls the registry; errors are
//! JSON `{"error": {"code", "message"}}` with a status, and never say which part of a login
//! was wrong.

use std::collections::HashMap;

use axum::body::Body;
use axum::extract::rejection::QueryRejection;
use std::net::SocketAddr;

use axum::extract::{ConnectInfo, Path, Query, State, WebSocketUpgrade};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use samod::PeerId;
use serde::{Deserialize, Serialize};

use super::transport::durable_transport;
use super::ServerState;
use crate::access::Access;
use crate::files::{ContentRange, UploadError, UploadStatus};
use crate::login_throttle::Throttled;
use crate::registry::{check_password, Session};
use shared::documents::records;
use shared::documents::DocumentKind;

/// The largest websocket message accepted from a client.
const MAX_MESSAGE_BYTES: usize = 32 * 1024 * 1024;

pub fn router(state: ServerState) -> Router {
    Router::new()
        .route(
            "/api/health",
            get(|| async { Json(serde_json::json!({"ok": true})) }),
        )
        .route(
            "/livez",
            get(|| async { Json(serde_json::json!({"status": "ok"})) }),
        )
        .route("/readyz", get(readyz))
        .route("/api/login", post(login))
        .route("/api/logout", post(logout))
        .route("/api/docs", get(docs))
        .route("/api/people", get(people))
        .route("/api/session", get(session_user))
        .route("/api/ws-ticket", post(ws_ticket))
        .route("/sync", get(sync))
        .route("/api/files/{sha256}", get(download_file).put(upload_file))
        .route("/api/files/{sha256}/status", get(file_status))
        .route("/api/receipts", get(receipts))
        .with_state(state)
}

/// An error answer: a status, a stable code for programs, and a message for people.
#[derive(Debug)]
pub struct AppError {
    status: StatusCode,
    code: &'static str,
    message: String,
    /// Seconds to wait before trying again (`Retry-After`), for 429 and 503 answers.
    retry_after: Option<u64>,
}

impl AppError {
    fn unauthorized() -> AppError {
        AppError {
            status: StatusCode::UNAUTHORIZED,
            code: "unauthorized",
            message: "missing, expired or revoked session; log in again".into(),
            retry_after: None,
        }
    }

    fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> AppError {
        AppError {
            status,
            code,
            message: message.into(),
            retry_after: None,
        }
    }

    fn bad_request(message: impl Into<String>) -> AppError {
        AppError::new(StatusCode::BAD_REQUEST, "bad_request", message)
    }

    /// The one answer for a file or document that does not exist or that the user may not see.
    fn file_not_found() -> AppError {
        AppError::new(
            StatusCode::NOT_FOUND,
            "not_found",
            "no such file for this document",
        )
    }

    fn internal(err: impl std::fmt::Display) -> AppError {
        tracing::error!("internal error: {err}");
        AppError {
            status: StatusCode::INTERNAL_SERVER_ERROR,
            code: "internal",
            message: "internal server error".into(),
            retry_after: None,
        }
    }
}

impl AppError {
    fn with_retry_after(mut self, wait: std::time::Duration) -> AppError {
        // Whole seconds, rounded up, at least one.
        self.retry_after = Some(wait.as_millis().div_ceil(1000).max(1) as u64);
        self
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let mut error = serde_json::json!({"code": self.code, "message": self.message});
        if let Some(seconds) = self.retry_after {
            error["retry_after"] = seconds.into();
        }
        let mut response = (self.status, Json(serde_json::json!({"error": error}))).into_response();
        if let Some(seconds) = self.retry_after {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, header::HeaderValue::from(seconds));
        }
        response
    }
}

/// `GET /readyz`: 200 when the server can take work (document storage has not failed, the
/// registry answers, every pair of documents is under lock enforcement), else 503 naming what
/// is wrong.
async fn readyz(State(state): State<ServerState>) -> Response {
    let storage = match state.storage.failure() {
        None => "ok".to_string(),
        Some(why) => format!("document storage failed: {why}"),
    };
    let registry = state.registry.clone();
    let registry = match tokio::task::spawn_blocking(move || registry.ping()).await {
        Ok(Ok(())) => "ok".to_string(),
        Ok(Err(err)) => format!("registry does not answer: {err:#}"),
        Err(err) => format!("registry check failed: {err}"),
    };
    let locks = state
        .lock_health
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .clone();
    let locks_check = if locks.all_running() {
        "ok".to_string()
    } else {
        format!(
            "lock enforcement runs for {} of {} document pairs; last failure: {}",
            locks.n_watching,
            locks.n_pairs,
            locks.last_failure.as_deref().unwrap_or("none")
        )
    };
    let ready = [&storage, &registry, &locks_check]
        .iter()
        .all(|c| c.as_str() == "ok");
    let status = if ready {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (
        status,
        Json(serde_json::json!({
            "ready": ready,
            "checks": {"storage": storage, "registry": registry, "locks": locks_check},
            "locks": locks,
            "connections_open": state.connections.n_open(),
        })),
    )
        .into_response()
}

/// How long a websocket ticket stays valid: `PLANSYNC_TICKET_TTL_MS`, by default
/// [`crate::registry::TICKET_MILLIS`].
fn ticket_ttl_ms() -> i64 {
    std::env::var("PLANSYNC_TICKET_TTL_MS")
        .ok()
        .and_then(|v| v.parse().ok())
        .filter(|ms| *ms > 0)
        .unwrap_or(crate::registry::TICKET_MILLIS)
}

use crate::data::now_ms;

/// Runs blocking registry work (SQLite, argon2) off the async threads.
async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> anyhow::Result<T> + Send + 'static,
) -> Result<T, AppError> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(AppError::internal)?
        .map_err(AppError::internal)
}

/// The bearer token of a request, if it carries one.
fn bearer(headers: &HeaderMap) -> Option<String> {
    headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_string)
}

async fn session_from(state: &ServerState, headers: &HeaderMap) -> Result<Session, AppError> {
    let token = bearer(headers).ok_or_else(AppError::unauthorized)?;
    let registry = state.registry.clone();
    blocking(move || registry.session(&token, now_ms()))
        .await?
        .ok_or_else(AppError::unauthorized)
}

#[derive(Deserialize)]
struct LoginRequest {
    username: String,
    password: String,
    #[serde(default)]
    device: String,
}

#[derive(Serialize)]
struct UserInfo {
    username: String,
    unit: String,
    role: &'static str,
    /// The user's full name, `null` when the administrator gave none.
    full_name: Option<String>,
    /// Whether the user heads their unit.
    unit_head: bool,
}

/// The longest user name and password a login may carry.
const MAX_USERNAME_CHARS: usize = 200;
const MAX_PASSWORD_BYTES: usize = 1024;

async fn login(
    State(state): State<ServerState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    body: Result<Json<LoginRequest>, axum::extract::rejection::JsonRejection>,
) -> Result<Response, AppError> {
    let Json(request) = body.map_err(|e| {
        AppError::bad_request(format!(
            "expected JSON {{\"username\", \"password\"}}: {}",
            e.body_text()
        ))
    })?;
    if request.username.chars().count() > MAX_USERNAME_CHARS
        || request.password.len() > MAX_PASSWORD_BYTES
    {
        return Err(AppError::bad_request("user name or password too long"));
    }
    let address = peer.ip();
    let now = now_ms();
    // Throttled attempts are answered before any hashing; an attempt counts from now on.
    let throttled = lock(&state.throttle).begin(&request.username, address, now);
    if let Err(throttled) = throttled {
        metrics::counter!(crate::metrics::LOGINS, "outcome" => "throttled").increment(1);
        // Debug: a flood would otherwise write a line per attempt (the failures that led here
        // were each logged). The name is quoted (`?`): it is whatever the client sent.
        tracing::debug!(user = ?request.username, %address, "login throttled: {throttled:?}");
        return Err(AppError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "too_many_attempts",
            match throttled {
                Throttled::Account(_) => {
                    "too many failed logins for this account; wait and try again"
                }
                Throttled::Address(_) => {
                    "too many failed logins from this address; wait and try again"
                }
            },
        )
        .with_retry_after(throttled.wait()));
    }
    // Ends the attempt as abandoned unless it is decided below (busy, or an error on the way).
    let mut attempt = BegunAttempt {
        throttle: state.throttle.clone(),
        username: request.username.clone(),
        address,
        decided: false,
    };
    let registry = state.registry.clone();
    let name = request.username.clone();
    let candidate = blocking(move || registry.login_candidate(&name)).await?;
    let password = request.password;
    let user = state
        .passwords
        .run(move || check_password(candidate, &password))
        .await
        .map_err(|busy| {
            metrics::counter!(crate::metrics::LOGINS, "outcome" => "busy").increment(1);
            AppError::new(StatusCode::SERVICE_UNAVAILABLE, "busy", busy.to_string())
                .with_retry_after(std::time::Duration::from_secs(1))
        })?;
    attempt.decided = true;
    let Some(user) = user else {
        lock(&state.throttle).failed_attempt(address, now_ms());
        metrics::counter!(crate::metrics::LOGINS, "outcome" => "bad_credentials").increment(1);
        tracing::warn!(user = ?request.username, %address, "failed login");
        return Err(AppError::new(
            StatusCode::UNAUTHORIZED,
            "bad_credentials",
            "wrong user name or password",
        ));
    };
    lock(&state.throttle).succeeded(&request.username, address);
    metrics::counter!(crate::metrics::LOGINS, "outcome" => "ok").increment(1);
    let registry = state.registry.clone();
    let device = request.device;
    let (token, session) =
        blocking(move || registry.create_session(&user, &device, now_ms())).await?;
    tracing::info!(user = %session.user.username, device = %session.device, %address, "login");
    Ok(Json(serde_json::json!({
        "token": token,
        "peer_id": session.peer_id,
        "user": UserInfo::of(&session.user),
    }))
    .into_response())
}

impl UserInfo {
    fn of(user: &crate::registry::User) -> UserInfo {
        UserInfo {
            username: user.username.clone(),
            unit: user.unit.clone(),
            role: user.role.as_str(),
            full_name: user.full_name.clone(),
            unit_head: user.unit_head,
        }
    }
}

/// `GET /api/session` (Bearer): `{"user": ...}` as the login answered it, read afresh (so an
/// app learns a full name or head flag given after its login).
async fn session_user(
    State(state): State<ServerState>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let session = session_from(&state, &headers).await?;
    Ok(Json(serde_json::json!({"user": UserInfo::of(&session.user)})).into_response())
}

/// A login attempt begun in the throttle; dropped undecided, it is ended as abandoned.
struct BegunAttempt {
    throttle: std::sync::Arc<std::sync::Mutex<crate::login_throttle::LoginThrottle>>,
    username: String,
    address: std::net::IpAddr,
    decided: bool,
}

impl Drop for BegunAttempt {
    fn drop(&mut self) {
        if !self.decided {
            lock(&self.throttle).abandoned(&self.username, self.address);
        }
    }
}

fn lock<T>(mutex: &std::sync::Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|p| p.into_inner())
}

#[derive(Serialize)]
struct DocInfo {
    id: String,
    kind: &'static str,
    unit: Option<String>,
    /// The unit's name ("Phòng Quản lý hạ tầng"), for a unit's document.
    unit_name: Option<String>,
    year: Option<i32>,
    access: &'static str,
}

async fn docs(
    State(state): State<ServerState>,
    headers: HeaderMap,
) -> Result<Json<Vec<DocInfo>>, AppError> {
    let session = session_from(&state, &headers).await?;
    let registry = state.registry.clone();
    let (visible, units) = blocking(move || {
        Ok::<_, anyhow::Error>((
            registry.visible_documents(&session.user)?,
            registry.units()?,
        ))
    })
    .await?;
    let name_of = |code: &Option<String>| {
        let code = code.as_deref()?;
        units
            .iter()
            .find(|u| u.code == code)
            .map(|u| u.name.clone())
    };
    Ok(Json(
        visible
            .into_iter()
            .map(|(d, a)| DocInfo {
                id: d.id,
                kind: d.kind.as_str(),
                unit_name: name_of(&d.unit),
                unit: d.unit,
                year: d.year,
                access: if a == Access::Write { "write" } else { "read" },
            })
            .collect(),
    ))
}

/// `GET /api/people` (Bearer): `[{"username", "full_name", "unit"}]`, the people whose names
/// the user may see (see [`crate::registry::Registry::people_visible_to`]), by user name.
async fn people(
    State(state): State<ServerState>,
    headers: HeaderMap,
) -> Result<Json<Vec<shared::person::Person>>, AppError> {
    let session = session_from(&state, &headers).await?;
    let registry = state.registry.clone();
    let people = blocking(move || registry.people_visible_to(&session.user)).await?;
    Ok(Json(people))
}

async fn ws_ticket(
    State(state): State<ServerState>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let session = session_from(&state, &headers).await?;
    let registry = state.registry.clone();
    let ttl = ticket_ttl_ms();
    let (ticket, peer_id) =
        blocking(move || registry.create_ticket(&session, now_ms(), ttl)).await?;
    Ok(Json(serde_json::json!({"ticket": ticket, "peer_id": peer_id})).into_response())
}

/// The samod websocket. Authenticated before upgrading, by bearer header or one-time ticket
/// (`?ticket=`, for clients that cannot set headers); the ticket is never logged.
async fn sync(
    State(state): State<ServerState>,
    headers: HeaderMap,
    Query(query): Query<HashMap<String, String>>,
    upgrade: WebSocketUpgrade,
) -> Result<Response, AppError> {
    let session = match query.get("ticket") {
        Some(ticket) => {
            let registry = state.registry.clone();
            let ticket = ticket.clone();
            blocking(move || registry.redeem_ticket(&ticket, now_ms()))
                .await?
                .ok_or_else(AppError::unauthorized)?
        }
        None => session_from(&state, &headers).await?,
    };
    let username = session.user.username.clone();
    let peer = PeerId::from(session.peer_id.as_str());
    let sender = super::change_gate::Sender {
        username: username.clone(),
        device: session.device.clone(),
    };
    let guard = state
        .connections
        .open(&username, &session.session_hash, now_ms())
        .map_err(|too_many| {
            AppError::new(
                StatusCode::TOO_MANY_REQUESTS,
                "too_many_connections",
                too_many.to_string(),
            )
            .with_retry_after(std::time::Duration::from_secs(30))
        })?;
    tracing::info!(user = %username, peer = %session.peer_id, "sync connection");
    Ok(upgrade
        .max_message_size(MAX_MESSAGE_BYTES)
        .on_upgrade(move |socket| async move {
            let transport = durable_transport(
                socket,
                peer,
                state.storage.clone(),
                guard,
                state.gate.clone(),
                sender,
                state.keepalive,
            );
            match state.acceptor.accept(transport) {
                Ok(_connection) => {}
                Err(_) => tracing::warn!("connection refused: the repository is stopping"),
            }
        }))
}

/// `POST /api/logout` (Bearer): ends the session of the token, and closes the connections it
/// opened. 401 when the token stands for no session (already logged out, expired or unknown).
async fn logout(
    State(state): State<ServerState>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let token = bearer(&headers).ok_or_else(AppError::unauthorized)?;
    let registry = state.registry.clone();
    let revoked = blocking(move || registry.revoke_session(&token))
        .await?
        .ok_or_else(AppError::unauthorized)?;
    let n_cut = state.connections.cut_session(&revoked);
    tracing::info!("session ended by logout; closed {n_cut} connection(s)");
    Ok(Json(serde_json::json!({"ok": true})).into_response())
}

/// `GET /api/receipts?doc=ID`: the server's record of every change of a document it received
/// from a client: `[{"change_hash", "username", "device", "received_ms"}]`, oldest first. Needs
/// read access to the document (others get the same 404 as for a document that does not exist).
async fn receipts(
    State(state): State<ServerState>,
    headers: HeaderMap,
    query: Result<Query<FileQuery>, QueryRejection>,
) -> Result<Response, AppError> {
    let session = session_from(&state, &headers).await?;
    let doc = query
        .ok()
        .and_then(|Query(q)| q.doc)
        .filter(|d| !d.is_empty())
        .ok_or_else(|| AppError::bad_request("name the document: ?doc=<id>"))?;
    let registry = state.registry.clone();
    let username = session.user.username.clone();
    let doc_id = doc.clone();
    let access = blocking(move || registry.access_for_peer(&username, &doc_id)).await?;
    if access == Access::None {
        return Err(AppError::new(
            StatusCode::NOT_FOUND,
            "not_found",
            "no such document",
        ));
    }
    let audit = state.audit.clone();
    let found = blocking(move || audit.receipts(&doc)).await?;
    let rows: Vec<serde_json::Value> = found
        .into_iter()
        .map(|r| {
            serde_json::json!({
                "change_hash": r.change_hash,
                "username": r.username,
                "device": r.device,
                "received_ms": r.received_ms,
            })
        })
        .collect();
    Ok(Json(rows).into_response())
}

/// Which records document a file request is for: `?doc=<records document id>`.
#[derive(Deserialize)]
struct FileQuery {
    doc: Option<String>,
}

/// A file request, checked: the hash, the records document it names, the unit that document
/// belongs to, and who asks.
struct FileRequest {
    sha256: String,
    doc_id: String,
    unit: String,
    username: String,
}

/// Checks the hash and the caller's access to the records document the request names. Access
/// is the document's: writing it lets a user upload (and ask an upload's status), reading it
/// lets them download. A document that does not exist, is not a records document, or that the
/// user may not read gets the same 404 as a missing file.
async fn file_request(
    state: &ServerState,
    headers: &HeaderMap,
    sha256: &str,
    query: Result<Query<FileQuery>, QueryRejection>,
    need: Access,
) -> Result<FileRequest, AppError> {
    let session = session_from(state, headers).await?;
    if !records::is_sha256_hex(sha256) {
        return Err(AppError::bad_request(
            "the file address must be its SHA-256 as 64 lower-case hex digits",
        ));
    }
    let doc = query
        .ok()
        .and_then(|Query(q)| q.doc)
        .filter(|d| !d.is_empty())
        .ok_or_else(|| {
            AppError::bad_request("name the records document the file belongs to: ?doc=<id>")
        })?;
    let registry = state.registry.clone();
    let username = session.user.username.clone();
    let doc_id = doc.clone();
    let (entry, access) = blocking(move || {
        let entry = registry.document(&doc_id)?;
        let access = registry.access_for_peer(&username, &doc_id)?;
        Ok((entry, access))
    })
    .await?;
    let Some(entry) = entry.filter(|e| e.kind == DocumentKind::Records) else {
        return Err(AppError::file_not_found());
    };
    if access == Access::None {
        return Err(AppError::file_not_found());
    }
    if access < need {
        return Err(AppError::new(
            StatusCode::FORBIDDEN,
            "forbidden",
            "this document is read-only for you",
        ));
    }
    Ok(FileRequest {
        sha256: sha256.to_string(),
        doc_id: doc,
        unit: entry.unit.unwrap_or_default(),
        username: session.user.username,
    })
}

/// Whether the server's copy of the records document lists `sha256` as evidence.
async fn document_lists(state: &ServerState, doc_id: &str, sha256: &str) -> Result<bool, AppError> {
    let handle = crate::publish::find_registered(&state.repo, doc_id)
        .await
        .map_err(AppError::internal)?;
    let wanted = sha256.to_string();
    Ok(handle
        .with_document_async(move |d| records::references_evidence(d, &wanted))
        .await
        .map_err(|_| AppError::internal("the repository stopped"))?
        .unwrap_or(false))
}

/// The answer for a file the document does not list (yet): the client saves a file's entry
/// before uploading it, so this is usually the entry still on its way; it waits and tries again.
fn not_listed_yet() -> AppError {
    AppError::new(
        StatusCode::CONFLICT,
        "not_listed_yet",
        "the records document does not list this file (yet); upload it once its entry has reached the server",
    )
    .with_retry_after(std::time::Duration::from_secs(5))
}

/// Whether the unit holds the file (uploaded its bytes itself), and its size if so.
async fn unit_copy(state: &ServerState, request: &FileRequest) -> Result<Option<u64>, AppError> {
    let registry = state.registry.clone();
    let (unit, sha256) = (request.unit.clone(), request.sha256.clone());
    if !blocking(move || registry.unit_holds_file(&unit, &sha256)).await? {
        return Ok(None);
    }
    state
        .files
        .complete_len(&request.sha256)
        .await
        .map_err(AppError::internal)
}

/// `GET /api/files/{sha256}/status?doc=`: `{"received", "complete"}` of the unit's copy or of
/// the caller's own upload, or 404 when there is neither (whether another unit holds the file
/// is never told). 409 `not_listed_yet` when the document does not list the file. Needs write
/// access to the document.
async fn file_status(
    State(state): State<ServerState>,
    headers: HeaderMap,
    Path(sha256): Path<String>,
    query: Result<Query<FileQuery>, QueryRejection>,
) -> Result<Response, AppError> {
    let request = file_request(&state, &headers, &sha256, query, Access::Write).await?;
    if !document_lists(&state, &request.doc_id, &request.sha256).await? {
        return Err(not_listed_yet());
    }
    if let Some(size) = unit_copy(&state, &request).await? {
        return Ok(Json(UploadStatus {
            received: size,
            complete: true,
        })
        .into_response());
    }
    match state
        .files
        .partial_status(&request.username, &request.sha256)
        .await
    {
        Ok(Some(received)) => Ok(Json(UploadStatus {
            received,
            complete: false,
        })
        .into_response()),
        Ok(None) => Err(AppError::file_not_found()),
        Err(err) => Err(AppError::internal(err)),
    }
}

/// `PUT /api/files/{sha256}?doc=` with `Content-Range: bytes START-END/TOTAL` (or `bytes
/// */TOTAL` with no body): appends the body to the caller's upload; answers the new
/// `{"received", "complete"}`. 409 `not_listed_yet` when the document does not list the file,
/// 409 when START is not what the server has (or another request of the caller appends to the
/// same file), 413 over the size limit or the unit's quota, 422 when the complete file does not
/// hash to its address (the upload is discarded), 507 when the server's disk is full. Needs
/// write access to the document.
async fn upload_file(
    State(state): State<ServerState>,
    headers: HeaderMap,
    Path(sha256): Path<String>,
    query: Result<Query<FileQuery>, QueryRejection>,
    body: Body,
) -> Result<Response, AppError> {
    let request = file_request(&state, &headers, &sha256, query, Access::Write).await?;
    let range = headers
        .get(header::CONTENT_RANGE)
        .and_then(|v| v.to_str().ok())
        .and_then(ContentRange::parse)
        .ok_or_else(|| {
            AppError::bad_request("expected a header Content-Range: bytes START-END/TOTAL")
        })?;
    if !document_lists(&state, &request.doc_id, &request.sha256).await? {
        return Err(not_listed_yet());
    }
    if let Some(size) = unit_copy(&state, &request).await? {
        return Ok(Json(UploadStatus {
            received: size,
            complete: true,
        })
        .into_response());
    }
    let registry = state.registry.clone();
    let unit = request.unit.clone();
    let used = blocking(move || registry.unit_file_bytes(&unit)).await?;
    let quota = state.files_quota_bytes;
    if used.saturating_add(range.total) > quota {
        return Err(AppError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "unit_quota_exceeded",
            format!(
                "the unit's evidence files take {} MiB of its {} MiB; this file ({} MiB) does not fit",
                used / (1024 * 1024),
                quota / (1024 * 1024),
                range.total.div_ceil(1024 * 1024)
            ),
        ));
    }
    let uploaded = state
        .files
        .upload(
            &request.username,
            &request.sha256,
            range,
            body.into_data_stream(),
        )
        .await;
    match uploaded {
        Ok(status) => {
            let outcome = if status.complete { "complete" } else { "chunk" };
            metrics::counter!(crate::metrics::UPLOADS, "outcome" => outcome).increment(1);
            if status.complete {
                metrics::counter!(crate::metrics::EVIDENCE_BYTES_STORED).increment(status.received);
                let registry = state.registry.clone();
                let (unit, sha256) = (request.unit.clone(), request.sha256.clone());
                let size = status.received;
                blocking(move || registry.add_unit_file(&unit, &sha256, size, now_ms())).await?;
            }
            Ok(Json(status).into_response())
        }
        Err(err) => {
            let message = err.to_string();
            metrics::counter!(crate::metrics::UPLOADS, "outcome" => upload_error_code(&err))
                .increment(1);
            let (status, code) = match err {
                UploadError::TooLarge { .. } => (StatusCode::PAYLOAD_TOO_LARGE, "file_too_large"),
                UploadError::Busy => (StatusCode::CONFLICT, "upload_in_progress"),
                UploadError::OffsetMismatch { .. } => (StatusCode::CONFLICT, "offset_mismatch"),
                UploadError::BadRange(_) => (StatusCode::BAD_REQUEST, "bad_request"),
                UploadError::HashMismatch => (StatusCode::UNPROCESSABLE_ENTITY, "hash_mismatch"),
                UploadError::BodyBroken { .. } => (StatusCode::BAD_REQUEST, "upload_broken"),
                UploadError::StorageFull => {
                    return Err(AppError::new(
                        StatusCode::INSUFFICIENT_STORAGE,
                        "storage_full",
                        message,
                    )
                    .with_retry_after(std::time::Duration::from_secs(300)))
                }
                UploadError::Io(err) => return Err(AppError::internal(err)),
            };
            Err(AppError::new(status, code, message))
        }
    }
}

/// The code an upload refusal is answered with (also its metrics outcome).
fn upload_error_code(err: &UploadError) -> &'static str {
    match err {
        UploadError::TooLarge { .. } => "file_too_large",
        UploadError::Busy => "upload_in_progress",
        UploadError::OffsetMismatch { .. } => "offset_mismatch",
        UploadError::BadRange(_) => "bad_request",
        UploadError::HashMismatch => "hash_mismatch",
        UploadError::BodyBroken { .. } => "upload_broken",
        UploadError::StorageFull => "storage_full",
        UploadError::Io(_) => "internal",
    }
}

/// `GET /api/files/{sha256}?doc=`: the file's bytes, for a user who may read the records
/// document and only if that document lists the file as evidence.
async fn download_file(
    State(state): State<ServerState>,
    headers: HeaderMap,
    Path(sha256): Path<String>,
    query: Result<Query<FileQuery>, QueryRejection>,
) -> Result<Response, AppError> {
    let request = file_request(&state, &headers, &sha256, query, Access::Read).await?;
    if !document_lists(&state, &request.doc_id, &request.sha256).await? {
        return Err(AppError::file_not_found());
    }
    // The bytes the document's unit uploaded itself, never another unit's copy.
    if unit_copy(&state, &request).await?.is_none() {
        return Err(AppError::new(
            StatusCode::NOT_FOUND,
            "not_uploaded",
            "the file has not reached the server yet",
        ));
    }
    let sha256 = request.sha256;
    let path = state.files.path(&sha256);
    let file = match tokio::fs::File::open(&path).await {
        Ok(file) => file,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
            return Err(AppError::new(
                StatusCode::NOT_FOUND,
                "not_uploaded",
                "the file has not reached the server yet",
            ))
        }
        Err(err) => return Err(AppError::internal(err)),
    };
    let len = file.metadata().await.map_err(AppError::internal)?.len();
    let stream = futures::stream::unfold(file, |mut file| async move {
        use tokio::io::AsyncReadExt;
        let mut buf = vec![0u8; 256 * 1024];
        match file.read(&mut buf).await {
            Ok(0) => None,
            Ok(n) => {
                buf.truncate(n);
                Some((Ok::<_, std::io::Error>(bytes::Bytes::from(buf)), file))
            }
            Err(err) => Some((Err(err), file)),
        }
    });
    Ok((
        [
            (header::CONTENT_TYPE, "application/octet-stream".to_string()),
            (header::CONTENT_LENGTH, len.to_string()),
            (header::ETAG, format!("\"{sha256}\"")),
            (
                header::CACHE_CONTROL,
                "private, max-age=31536000, immutable".to_string(),
            ),
        ],
        Body::from_stream(stream),
    )
        .into_response())
}
