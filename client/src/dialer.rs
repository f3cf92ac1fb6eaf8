//! The samod [`Dialer`](samod::Dialer) for the server's `/sync` websocket: a bearer token in the
//! `Authorization` header (samod's own websocket dialer cannot add headers and forces
//! native-tls), rustls, a connect timeout, and the keepalive transport.
//!
//! samod redials by itself after a failed attempt or a lost connection, with exponential backoff
//! and jitter ([`crate::ClientConfig::backoff`]). A 401 or 403 on the upgrade is a permanent
//! failure: the token is no good, and retrying would only hammer the server; the user must log
//! in again.

use std::sync::Arc;
use std::time::Duration;

use futures::channel::mpsc;
use futures::future::BoxFuture;
use samod::DialError;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::handshake::client::Request;
use tokio_tungstenite::tungstenite::http::header::AUTHORIZATION;
use tokio_tungstenite::tungstenite::http::HeaderValue;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
use tokio_tungstenite::Connector;
use url::Url;

use crate::api::chain;
use crate::config::Keepalive;
use crate::keepalive;

/// The largest sync frame accepted from the server. A whole document travels in one frame when
/// it is first downloaded, so this is generous.
const MAX_FRAME: usize = 256 * 1024 * 1024;

/// Why the dialer stopped for good.
#[derive(Debug, thiserror::Error)]
pub(crate) enum DialRejected {
    #[error("session expired, log in again (the server answered {0})")]
    Unauthorized(u16),
    #[error("the stored token cannot be sent: {0}")]
    BadToken(String),
}

/// A failed connection attempt that will be retried, reported to the engine for the status
/// line (samod's dialer events do not carry it).
#[derive(Debug)]
pub(crate) enum DialReport {
    /// The connect failed; `code` as [`crate::StatusError::code`].
    Failed { code: &'static str, message: String },
}

pub(crate) struct BearerDialer {
    pub url: Url,
    pub token: String,
    pub tls: Arc<rustls::ClientConfig>,
    pub keepalive: Keepalive,
    pub connect_timeout: Duration,
    pub reports: mpsc::UnboundedSender<DialReport>,
}

impl samod::Dialer for BearerDialer {
    type Error = DialRejected;

    fn url(&self) -> Url {
        self.url.clone()
    }

    fn connect(&self) -> BoxFuture<'static, Result<samod::Transport, DialError<DialRejected>>> {
        let request = sync_request(&self.url, &self.token);
        let tls = self.tls.clone();
        let keepalive = self.keepalive;
        let connect_timeout = self.connect_timeout;
        let reports = self.reports.clone();
        let url = self.url.clone();
        Box::pin(async move {
            let request = request?;
            let config = WebSocketConfig::default()
                .max_message_size(Some(MAX_FRAME))
                .max_frame_size(Some(MAX_FRAME));
            let connecting = tokio_tungstenite::connect_async_tls_with_config(
                request,
                Some(config),
                true,
                Some(Connector::Rustls(tls)),
            );
            let outcome = match tokio::time::timeout(connect_timeout, connecting).await {
                Ok(Ok((ws, _response))) => {
                    tracing::info!(%url, "sync connection open");
                    return Ok(keepalive::transport(ws, keepalive));
                }
                Ok(Err(err)) => {
                    if let Some(problem) = crate::tls::certificate_problem(&err) {
                        tracing::warn!(%url, "the server's certificate is not trusted: {err}");
                        let _ = reports.unbounded_send(DialReport::Failed {
                            code: "untrusted_certificate",
                            message: problem,
                        });
                        return Err(DialError::transient(err));
                    }
                    classify(err)
                }
                Err(_) => DialError::transient(TimedOut(connect_timeout)),
            };
            match &outcome {
                DialError::PermanentFailure(err) => {
                    // samod reports this one itself, as a permanent failure event.
                    tracing::warn!(%url, "the server refused the sync connection: {err}");
                }
                DialError::TransientFailure(err) => {
                    let message = chain(err.as_ref());
                    tracing::warn!(%url, "cannot open the sync connection: {message}");
                    let _ = reports.unbounded_send(DialReport::Failed {
                        code: "server_unreachable",
                        message: format!("cannot reach the server: {message}"),
                    });
                }
            }
            Err(outcome)
        })
    }
}

#[derive(Debug, thiserror::Error)]
#[error("no answer within {0:?}")]
struct TimedOut(Duration);

/// The websocket upgrade request for `url`, carrying the bearer token.
pub(crate) fn sync_request(url: &Url, token: &str) -> Result<Request, DialError<DialRejected>> {
    let mut request = url
        .as_str()
        .into_client_request()
        .map_err(DialError::transient)?;
    let value = HeaderValue::from_str(&format!("Bearer {token}"))
        .map_err(|e| DialError::PermanentFailure(DialRejected::BadToken(e.to_string())))?;
    request.headers_mut().insert(AUTHORIZATION, value);
    Ok(request)
}

/// A failed connect: the server refusing the token is permanent, anything else is retried.
pub(crate) fn classify(err: tokio_tungstenite::tungstenite::Error) -> DialError<DialRejected> {
    if let tokio_tungstenite::tungstenite::Error::Http(response) = &err {
        let status = response.status().as_u16();
        if status == 401 || status == 403 {
            return DialError::PermanentFailure(DialRejected::Unauthorized(status));
        }
    }
    DialError::transient(err)
}

#[cfg(test)]
mod tests {
    use expect_test::expect;
    use tokio_tungstenite::tungstenite::http::Response;

    use super::*;

    #[test]
    fn the_upgrade_request_carries_the_token() {
        let url = Url::parse("wss://sxd.example.vn/plansync/sync").unwrap();
        let Ok(request) = sync_request(&url, "abc.DEF-123") else {
            panic!("a plain token makes a request");
        };
        let mut shown = vec![format!("{} {}", request.method(), request.uri())];
        for name in [
            "authorization",
            "host",
            "upgrade",
            "connection",
            "sec-websocket-version",
        ] {
            let value = request
                .headers()
                .get(name)
                .map(|v| v.to_str().unwrap().to_string());
            shown.push(format!("{name}: {value:?}"));
        }
        shown.push(format!(
            "has sec-websocket-key: {}",
            request.headers().contains_key("sec-websocket-key")
        ));
        expect![[r#"
            GET wss://sxd.example.vn/plansync/sync
            authorization: Some("Bearer abc.DEF-123")
            host: Some("sxd.example.vn")
            upgrade: Some("websocket")
            connection: Some("Upgrade")
            sec-websocket-version: Some("13")
            has sec-websocket-key: true"#]]
        .assert_eq(&shown.join("\n"));
    }

    #[test]
    fn a_token_that_cannot_be_a_header_is_permanent() {
        let url = Url::parse("ws://127.0.0.1:1/sync").unwrap();
        assert!(matches!(
            sync_request(&url, "bad\ntoken"),
            Err(DialError::PermanentFailure(DialRejected::BadToken(_)))
        ));
    }

    fn http_error(status: u16) -> tokio_tungstenite::tungstenite::Error {
        let response = Response::builder().status(status).body(None).unwrap();
        tokio_tungstenite::tungstenite::Error::Http(Box::new(response))
    }

    #[test]
    fn refused_tokens_stop_the_dialer_and_other_failures_retry() {
        let outcomes: Vec<String> = [401, 403, 404, 500, 502]
            .into_iter()
            .map(|status| match classify(http_error(status)) {
                DialError::PermanentFailure(err) => format!("{status}: permanent: {err}"),
                DialError::TransientFailure(_) => format!("{status}: retry"),
            })
            .collect();
        expect![[r#"
            401: permanent: session expired, log in again (the server answered 401)
            403: permanent: session expired, log in again (the server answered 403)
            404: retry
            500: retry
            502: retry"#]]
        .assert_eq(&outcomes.join("\n"));
        let refused = std::io::Error::from(std::io::ErrorKind::ConnectionRefused);
        assert!(matches!(
            classify(tokio_tungstenite::tungstenite::Error::Io(refused)),
            DialError::TransientFailure(_)
        ));
    }
}
