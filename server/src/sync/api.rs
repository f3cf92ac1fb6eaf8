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
use crate::files::{ContentRange, UploadError};
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
        .route("/api/docs", get(docs))
        .route("/api/ws-ticket", post(ws_ticket))
        .route("/sync", get(sync))
        .route("/api/files/{sha256}", get(download_file).put(upload_file))
        .route("/api/files/{sha256}/status", get(file_status))
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

async fn session_from(state: &ServerState, headers: &HeaderMap) -> Result<Session, AppError> {
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .ok_or_else(AppError::unauthorized)?
        .to_string();
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
        tracing::warn!(user = %request.username, %address, "login throttled: {throttled:?}");
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
    let registry = state.registry.clone();
    let name = request.username.clone();
    let candidate = blocking(move || registry.login_candidate(&name)).await?;
    let password = request.password;
    let user = state
        .passwords
        .run(move || check_password(candidate, &password))
        .await
        .map_err(|busy| {
            AppError::new(StatusCode::SERVICE_UNAVAILABLE, "busy", busy.to_string())
                .with_retry_after(std::time::Duration::from_secs(1))
        })?;
    let Some(user) = user else {
        tracing::warn!(user = %request.username, %address, "failed login");
        return Err(AppError::new(
            StatusCode::UNAUTHORIZED,
            "bad_credentials",
            "wrong user name or password",
        ));
    };
    lock(&state.throttle).succeeded(&request.username, address);
    let registry = state.registry.clone();
    let device = request.device;
    let (token, session) =
        blocking(move || registry.create_session(&user, &device, now_ms())).await?;
    tracing::info!(user = %session.user.username, device = %session.device, %address, "login");
    Ok(Json(serde_json::json!({
        "token": token,
        "peer_id": session.peer_id,
        "user": UserInfo {
            username: session.user.username.clone(),
            unit: session.user.unit.clone(),
            role: session.user.role.as_str(),
        },
    }))
    .into_response())
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
    tracing::info!(user = %username, peer = %session.peer_id, "sync connection");
    Ok(upgrade
        .max_message_size(MAX_MESSAGE_BYTES)
        .on_upgrade(move |socket| async move {
            let kill = state.connections.add(&username);
            let transport = durable_transport(
                socket,
                peer,
                state.storage.clone(),
                kill,
                state.gate.clone(),
                sender,
            );
            match state.acceptor.accept(transport) {
                Ok(_connection) => {}
                Err(_) => tracing::warn!("connection refused: the repository is stopping"),
            }
        }))
}

/// Which records document a file request is for: `?doc=<records document id>`.
#[derive(Deserialize)]
struct FileQuery {
    doc: Option<String>,
}

/// Checks the hash and the caller's access to the records document the request names, and
/// returns the hash (canonical) and the document id. Access is the document's: writing it lets
/// a user upload (and ask an upload's status), reading it lets them download. A document that
/// does not exist, is not a records document, or that the user may not read gets the same 404
/// as a missing file.
async fn file_request(
    state: &ServerState,
    headers: &HeaderMap,
    sha256: &str,
    query: Result<Query<FileQuery>, QueryRejection>,
    need: Access,
) -> Result<(String, String), AppError> {
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
    let is_records = entry.is_some_and(|e| e.kind == DocumentKind::Records);
    if !is_records || access == Access::None {
        return Err(AppError::file_not_found());
    }
    if access < need {
        return Err(AppError::new(
            StatusCode::FORBIDDEN,
            "forbidden",
            "this document is read-only for you",
        ));
    }
    Ok((sha256.to_string(), doc))
}

/// `GET /api/files/{sha256}/status?doc=`: `{"received", "complete"}`, or 404 when the server has
/// none of the file. Needs write access to the document.
async fn file_status(
    State(state): State<ServerState>,
    headers: HeaderMap,
    Path(sha256): Path<String>,
    query: Result<Query<FileQuery>, QueryRejection>,
) -> Result<Response, AppError> {
    let (sha256, _) = file_request(&state, &headers, &sha256, query, Access::Write).await?;
    match state.files.status(&sha256).await {
        Ok(Some(status)) => Ok(Json(status).into_response()),
        Ok(None) => Err(AppError::file_not_found()),
        Err(err) => Err(AppError::internal(err)),
    }
}

/// `PUT /api/files/{sha256}?doc=` with `Content-Range: bytes START-END/TOTAL` (or `bytes
/// */TOTAL` with no body): appends the body to what the server has; answers the new
/// `{"received", "complete"}`. 409 when START is not what the server has (or another upload
/// of the file is running), 413 over the size limit, 422 when the complete file does not
/// hash to its address (the upload is discarded). Needs write access to the document.
async fn upload_file(
    State(state): State<ServerState>,
    headers: HeaderMap,
    Path(sha256): Path<String>,
    query: Result<Query<FileQuery>, QueryRejection>,
    body: Body,
) -> Result<Response, AppError> {
    let (sha256, _) = file_request(&state, &headers, &sha256, query, Access::Write).await?;
    let range = headers
        .get(header::CONTENT_RANGE)
        .and_then(|v| v.to_str().ok())
        .and_then(ContentRange::parse)
        .ok_or_else(|| {
            AppError::bad_request("expected a header Content-Range: bytes START-END/TOTAL")
        })?;
    match state
        .files
        .upload(&sha256, range, body.into_data_stream())
        .await
    {
        Ok(status) => Ok(Json(status).into_response()),
        Err(err) => {
            let message = err.to_string();
            let (status, code) = match err {
                UploadError::TooLarge { .. } => (StatusCode::PAYLOAD_TOO_LARGE, "file_too_large"),
                UploadError::Busy => (StatusCode::CONFLICT, "upload_in_progress"),
                UploadError::OffsetMismatch { .. } => (StatusCode::CONFLICT, "offset_mismatch"),
                UploadError::BadRange(_) => (StatusCode::BAD_REQUEST, "bad_request"),
                UploadError::HashMismatch => (StatusCode::UNPROCESSABLE_ENTITY, "hash_mismatch"),
                UploadError::BodyBroken { .. } => (StatusCode::BAD_REQUEST, "upload_broken"),
                UploadError::Io(err) => return Err(AppError::internal(err)),
            };
            Err(AppError::new(status, code, message))
        }
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
    let (sha256, doc) = file_request(&state, &headers, &sha256, query, Access::Read).await?;
    let handle = crate::publish::find_registered(&state.repo, &doc)
        .await
        .map_err(AppError::internal)?;
    let wanted = sha256.clone();
    let listed = handle
        .with_document_async(move |d| records::references_evidence(d, &wanted))
        .await
        .map_err(|_| AppError::internal("the repository stopped"))?
        .unwrap_or(false);
    if !listed {
        return Err(AppError::file_not_found());
    }
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
