//! A samod [`Dialer`](samod::Dialer) for raw test peers: opens `/sync` with a bearer token, as
//! no PlanSync client does (ours use a ticket), so tests can play peers that ignore our client.

use futures::future::BoxFuture;
use futures::{SinkExt, StreamExt, TryStreamExt};
use samod::DialError;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::http::{header::AUTHORIZATION, HeaderValue};
use tokio_tungstenite::tungstenite::Message;

pub struct BearerDialer {
    /// `ws://HOST/sync`.
    pub url: url::Url,
    pub token: String,
    /// Whether a failed connection attempt is retried (samod's back-off) or ends the dialer.
    pub retry: bool,
}

impl BearerDialer {
    /// The dialer for the server at `base` (`http://HOST`).
    pub fn new(base: &str, token: &str, retry: bool) -> BearerDialer {
        BearerDialer {
            url: url::Url::parse(&format!("{}/sync", base.replacen("http", "ws", 1))).unwrap(),
            token: token.to_string(),
            retry,
        }
    }
}

#[derive(Debug)]
pub struct Refused(String);

impl std::fmt::Display for Refused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Refused {}

impl samod::Dialer for BearerDialer {
    type Error = Refused;

    fn url(&self) -> url::Url {
        self.url.clone()
    }

    fn connect(&self) -> BoxFuture<'static, Result<samod::Transport, DialError<Refused>>> {
        let url = self.url.clone();
        let token = self.token.clone();
        let retry = self.retry;
        Box::pin(async move {
            let mut request = url
                .as_str()
                .into_client_request()
                .map_err(|e| DialError::PermanentFailure(Refused(e.to_string())))?;
            request.headers_mut().insert(
                AUTHORIZATION,
                HeaderValue::from_str(&format!("Bearer {token}")).unwrap(),
            );
            let (socket, _) = tokio_tungstenite::connect_async(request)
                .await
                .map_err(|e| {
                    let refused = Refused(e.to_string());
                    if retry {
                        DialError::transient(refused)
                    } else {
                        DialError::PermanentFailure(refused)
                    }
                })?;
            let (tx, rx) = socket.split();
            let stream = rx.try_filter_map(|m| {
                futures::future::ready(Ok(match m {
                    Message::Binary(b) => Some(b.to_vec()),
                    _ => None,
                }))
            });
            let sink = tx.with(|bytes: Vec<u8>| {
                futures::future::ready(Ok::<_, tokio_tungstenite::tungstenite::Error>(
                    Message::Binary(bytes.into()),
                ))
            });
            Ok(samod::Transport::new(stream, sink))
        })
    }
}
