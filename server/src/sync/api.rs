//! HTTP handlers. Each pulls what it needs from the request and calls the registry; errors are
//! JSON `{"error": {"code", "message"}}` with a status, and never say which part of a login
//! was wrong.

use std::collections::HashMap;
use std::time::{SystemTime, UNIX_EPOCH};

use axum::extract::{Query, State, WebSocketUpgrade};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use samod::PeerId;
use serde::{Deserialize, Serialize};

use super::transport::durable_transport;
use super::ServerState;
use crate::access::Access;
use crate::registry::Session;

/// The largest websocket message accepted from a client.
const MAX_MESSAGE_BYTES: usize = 32 * 1024 * 1024;

pub fn router(state: ServerState) -> Router {
    Router::new()
        .route(
            "/api/health",
            get(|| async { Json(serde_json::json!({"ok": true})) }),
        )
        .route("/api/login", post(login))
        .route("/api/docs", get(docs))
        .route("/api/ws-ticket", post(ws_ticket))
        .route("/sync", get(sync))
        .with_state(state)
}

/// An error answer: a status, a stable code for programs, and a message for people.
#[derive(Debug)]
pub struct AppError {
    status: StatusCode,
    code: &'static str,
    message: String,
}

impl AppError {
    fn unauthorized() -> AppError {
        AppError {
            status: StatusCode::UNAUTHORIZED,
            code: "unauthorized",
            message: "missing, expired or revoked session; log in again".into(),
        }
    }

    fn internal(err: impl std::fmt::Display) -> AppError {
        tracing::error!("internal error: {err}");
        AppError {
            status: StatusCode::INTERNAL_SERVER_ERROR,
            code: "internal",
            message: "internal server error".into(),
        }
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let body = serde_json::json!({"error": {"code": self.code, "message": self.message}});
        (self.status, Json(body)).into_response()
    }
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

fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}

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

async fn login(
    State(state): State<ServerState>,
    body: Result<Json<LoginRequest>, axum::extract::rejection::JsonRejection>,
) -> Result<Response, AppError> {
    let Json(request) = body.map_err(|e| AppError {
        status: StatusCode::BAD_REQUEST,
        code: "bad_request",
        message: format!(
            "expected JSON {{\"username\", \"password\"}}: {}",
            e.body_text()
        ),
    })?;
    let registry = state.registry.clone();
    let found = blocking(move || {
        let Some(user) = registry.verify_login(&request.username, &request.password)? else {
            return Ok(None);
        };
        registry
            .create_session(&user, &request.device, now_ms())
            .map(Some)
    })
    .await?;
    let Some((token, session)) = found else {
        return Err(AppError {
            status: StatusCode::UNAUTHORIZED,
            code: "bad_credentials",
            message: "wrong user name or password".into(),
        });
    };
    tracing::info!(user = %session.user.username, device = %session.device, "login");
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

#[derive(Serialize)]
struct DocInfo {
    id: String,
    kind: &'static str,
    unit: Option<String>,
    year: Option<i32>,
    access: &'static str,
}

async fn docs(
    State(state): State<ServerState>,
    headers: HeaderMap,
) -> Result<Json<Vec<DocInfo>>, AppError> {
    let session = session_from(&state, &headers).await?;
    let registry = state.registry.clone();
    let visible = blocking(move || registry.visible_documents(&session.user)).await?;
    Ok(Json(
        visible
            .into_iter()
            .map(|(d, a)| DocInfo {
                id: d.id,
                kind: d.kind.as_str(),
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
    tracing::info!(user = %username, peer = %session.peer_id, "sync connection");
    Ok(upgrade
        .max_message_size(MAX_MESSAGE_BYTES)
        .on_upgrade(move |socket| async move {
            let kill = state.connections.add(&username);
            let transport = durable_transport(socket, peer, state.storage.clone(), kill);
            match state.acceptor.accept(transport) {
                Ok(_connection) => {}
                Err(_) => tracing::warn!("connection refused: the repository is stopping"),
            }
        }))
}
