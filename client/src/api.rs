//! The server's HTTP API: login, the document list and the people.

use reqwest::StatusCode;

use crate::config::ClientConfig;
use crate::doc_info::DocInfo;
use crate::error::{ClientError, Result};
use crate::server_url::ServerUrl;
use crate::wire::{self, DocEntry, ErrorReply, LoginReply, LoginRequest, SessionReply, UserReply};

#[derive(Clone)]
pub(crate) struct ServerApi {
    pub(crate) http: reqwest::Client,
}

impl ServerApi {
    pub fn new(tls: rustls::ClientConfig, config: &ClientConfig) -> Result<ServerApi> {
        let http = reqwest::Client::builder()
            .tls_backend_preconfigured(tls)
            .connect_timeout(config.connect_timeout)
            .timeout(config.request_timeout)
            .user_agent(concat!("plansync-client/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| ClientError::Internal(format!("HTTP client setup: {}", chain(&e))))?;
        Ok(ServerApi { http })
    }

    /// `POST /api/login`.
    pub async fn login(
        &self,
        server: &ServerUrl,
        username: &str,
        password: &str,
        device: &str,
    ) -> Result<LoginReply> {
        let response = self
            .http
            .post(server.endpoint("api/login"))
            .json(&LoginRequest {
                username,
                password,
                device,
            })
            .send()
            .await
            .map_err(unreachable)?;
        match response.status() {
            status if status.is_success() => response.json().await.map_err(bad_reply),
            StatusCode::UNAUTHORIZED => Err(ClientError::BadCredentials),
            _ => Err(error_reply(response).await),
        }
    }

    /// `POST /api/logout`: ends the session of `token` on the server. A 401 means the server
    /// has no such session any more (already revoked or expired): done as well.
    pub async fn logout(&self, server: &ServerUrl, token: &str) -> Result<()> {
        let response = self
            .http
            .post(server.endpoint("api/logout"))
            .bearer_auth(token)
            .send()
            .await
            .map_err(unreachable)?;
        match response.status() {
            status if status.is_success() => Ok(()),
            StatusCode::UNAUTHORIZED => Ok(()),
            _ => Err(error_reply(response).await),
        }
    }

    /// `GET /api/receipts?doc=`: the server's record of who sent each change of a document.
    pub async fn receipts(
        &self,
        server: &ServerUrl,
        token: &str,
        doc_id: &str,
    ) -> Result<Vec<shared::record::ChangeReceipt>> {
        let mut url = server.endpoint("api/receipts");
        url.query_pairs_mut().append_pair("doc", doc_id);
        let response = self
            .http
            .get(url)
            .bearer_auth(token)
            .send()
            .await
            .map_err(unreachable)?;
        match response.status() {
            status if status.is_success() => response.json().await.map_err(bad_reply),
            StatusCode::UNAUTHORIZED => Err(ClientError::SessionExpired),
            _ => Err(error_reply(response).await),
        }
    }

    /// `GET /api/people`: the people whose names this user may see.
    pub async fn people(
        &self,
        server: &ServerUrl,
        token: &str,
    ) -> Result<Vec<shared::person::Person>> {
        self.get_json(server, token, "api/people").await
    }

    /// `GET /api/session`: the logged-in user as the server knows them now (a full name or head
    /// flag given after the login).
    pub async fn session_user(&self, server: &ServerUrl, token: &str) -> Result<UserReply> {
        let reply: SessionReply = self.get_json(server, token, "api/session").await?;
        Ok(reply.user)
    }

    /// `GET /api/docs`: the documents this user may read, with their access.
    pub async fn documents(&self, server: &ServerUrl, token: &str) -> Result<Vec<DocInfo>> {
        let entries: Vec<DocEntry> = self.get_json(server, token, "api/docs").await?;
        Ok(wire::doc_list(entries))
    }

    /// An authenticated `GET` of `path`, its JSON reply read as `T`; a refused token is
    /// [`ClientError::SessionExpired`].
    async fn get_json<T: serde::de::DeserializeOwned>(
        &self,
        server: &ServerUrl,
        token: &str,
        path: &str,
    ) -> Result<T> {
        let response = self
            .http
            .get(server.endpoint(path))
            .bearer_auth(token)
            .send()
            .await
            .map_err(unreachable)?;
        match response.status() {
            status if status.is_success() => response.json().await.map_err(bad_reply),
            StatusCode::UNAUTHORIZED => Err(ClientError::SessionExpired),
            _ => Err(error_reply(response).await),
        }
    }
}

/// An error before any HTTP status arrived: the server could not be reached (or did not answer
/// in time).
pub(crate) fn unreachable(err: reqwest::Error) -> ClientError {
    match crate::tls::certificate_problem(&err) {
        Some(problem) => ClientError::UntrustedCertificate(problem),
        None => ClientError::Unreachable(chain(&err)),
    }
}

fn bad_reply(err: reqwest::Error) -> ClientError {
    ClientError::Server {
        status: err.status().map_or(0, |s| s.as_u16()),
        code: "bad_reply".into(),
        message: chain(&err),
    }
}

pub(crate) async fn error_reply(response: reqwest::Response) -> ClientError {
    let status = response.status().as_u16();
    let body = response.text().await.unwrap_or_default();
    match serde_json::from_str::<ErrorReply>(&body) {
        Ok(reply) => ClientError::Server {
            status,
            code: reply.error.code,
            message: reply.error.message,
        },
        Err(_) => ClientError::Server {
            status,
            code: "unexpected_reply".into(),
            message: body.chars().take(200).collect(),
        },
    }
}

/// An error with its causes, "a: b: c" (reqwest's own message hides the cause).
pub(crate) fn chain(err: &dyn std::error::Error) -> String {
    let mut text = err.to_string();
    let mut source = err.source();
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        if !text.contains(&cause_text) {
            text.push_str(": ");
            text.push_str(&cause_text);
        }
        source = cause.source();
    }
    text
}
