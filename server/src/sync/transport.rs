//! The websocket transport handed to samod for one authenticated client.
//!
//! - Outgoing sync messages wait until every change their heads name is durably stored, so the
//!   server never passes on or confirms what it could lose in a crash (samod itself sends
//!   before its storage writes complete).
//! - The connection is bound to the peer id the client authenticated as; samod disconnects a
//!   client whose handshake claims another.
//! - Cancelling `kill` (the user was disabled) ends the connection.
//! - Every incoming message passes the [`ChangeGate`] first: changes a client may not write
//!   close the connection before samod sees them.

use automerge::ChangeHash;
use axum::extract::ws::{Message, WebSocket};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures::{future, SinkExt, StreamExt, TryStreamExt};
use samod::{PeerId, Transport};
use storage::SqliteStorage;

use super::change_gate::{ChangeGate, Sender};
use super::connections::ConnectionGuard;

#[derive(Debug)]
struct ConnectionClosed(String);

impl std::fmt::Display for ConnectionClosed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ConnectionClosed {}

/// The document id and heads of an outgoing "sync" or "request" message, if it is one.
pub fn sync_heads(bytes: &[u8]) -> Option<(String, Vec<ChangeHash>)> {
    let mut decoder = minicbor::Decoder::new(bytes);
    let n_fields = decoder.map().ok()??;
    let (mut kind, mut doc, mut data) = (None, None, None);
    for _ in 0..n_fields {
        match decoder.str().ok()? {
            "type" => kind = Some(decoder.str().ok()?.to_owned()),
            "documentId" => doc = Some(decoder.str().ok()?.to_owned()),
            "data" => data = Some(decoder.bytes().ok()?.to_vec()),
            _ => decoder.skip().ok()?,
        }
    }
    if !matches!(kind.as_deref(), Some("sync" | "request")) {
        return None;
    }
    let message = automerge::sync::Message::decode(&data?).ok()?;
    Some((doc?, message.heads))
}

/// Server-side pings on sync connections: every `ping_every` a ping goes out, and a connection
/// on which nothing (not even a pong) arrived for `idle_timeout` is closed.
#[derive(Debug, Clone, Copy)]
pub struct ServerKeepalive {
    pub ping_every: Duration,
    pub idle_timeout: Duration,
}

impl Default for ServerKeepalive {
    fn default() -> ServerKeepalive {
        ServerKeepalive {
            ping_every: Duration::from_secs(30),
            idle_timeout: Duration::from_secs(90),
        }
    }
}

/// Messages waiting to be written to one connection's socket: a bound, so a slow reader makes
/// samod wait (backpressure) instead of piling messages up in memory.
const OUTGOING_QUEUE: usize = 64;

#[allow(clippy::too_many_arguments)]
pub fn durable_transport(
    socket: WebSocket,
    peer: PeerId,
    storage: SqliteStorage,
    guard: ConnectionGuard,
    gate: Arc<ChangeGate>,
    sender: Sender,
    keepalive: ServerKeepalive,
) -> Transport {
    let kill = guard.kill();
    let (ws_tx, ws_rx) = socket.split();
    let started = Instant::now();
    let last_heard_ms = Arc::new(AtomicU64::new(0));
    let heard = last_heard_ms.clone();
    let incoming = ws_rx
        .take_until(kill.clone().cancelled_owned())
        .inspect(move |_| {
            heard.store(started.elapsed().as_millis() as u64, Ordering::Relaxed);
        })
        .filter_map(|message| {
            future::ready(match message {
                Ok(Message::Binary(bytes)) => Some(Ok(bytes.to_vec())),
                Ok(Message::Close(_) | Message::Ping(_) | Message::Pong(_)) => None,
                Ok(Message::Text(_)) => Some(Err(axum::Error::new(ConnectionClosed(
                    "text frames are not part of the protocol".into(),
                )))),
                Err(err) => Some(Err(err)),
            })
        })
        // Every message passes the change gate, in order, before samod sees it.
        .and_then(move |bytes| {
            // The connection's entry lives as long as this stream, i.e. the connection.
            let _connection = &guard;
            let gate = gate.clone();
            let sender = sender.clone();
            async move {
                match gate.admit(&sender, &bytes).await {
                    Ok(()) => Ok(bytes),
                    Err(refused) => {
                        tracing::warn!(
                            user = %sender.username,
                            device = %sender.device,
                            "connection closed, message refused: {refused}"
                        );
                        Err(axum::Error::new(ConnectionClosed(refused.to_string())))
                    }
                }
            }
        })
        .boxed();
    let (queue, queued) = futures::channel::mpsc::channel::<Message>(OUTGOING_QUEUE);
    tokio::spawn(write_socket(
        ws_tx,
        queued,
        kill.clone(),
        keepalive,
        started,
        last_heard_ms,
    ));
    let outgoing = queue
        .sink_map_err(axum::Error::new)
        .with(move |bytes: Vec<u8>| {
            let storage = storage.clone();
            let kill = kill.clone();
            Box::pin(async move {
                if let Some((doc, heads)) = sync_heads(&bytes) {
                    let waited = Instant::now();
                    let mut warned = false;
                    loop {
                        tokio::select! {
                            _ = storage.durable().wait(&doc, &heads) => break,
                            _ = kill.cancelled() => return Err(axum::Error::new(ConnectionClosed("connection revoked".into()))),
                            _ = tokio::time::sleep(Duration::from_secs(5)), if !warned => {
                                warned = true;
                                tracing::warn!(
                                    doc,
                                    heads = ?heads,
                                    "a sync message has waited {:?} for its changes to be stored",
                                    waited.elapsed()
                                );
                            }
                        }
                    }
                }
                Ok::<_, axum::Error>(Message::Binary(bytes.into()))
            })
        });
    Transport::new(incoming, outgoing).with_expected_peer_id(peer)
}

/// Writes the queued messages to the socket, pings it, and closes it when it went silent for
/// too long or the connection was revoked.
async fn write_socket(
    mut socket: futures::stream::SplitSink<WebSocket, Message>,
    mut queued: futures::channel::mpsc::Receiver<Message>,
    kill: tokio_util::sync::CancellationToken,
    keepalive: ServerKeepalive,
    started: Instant,
    last_heard_ms: Arc<AtomicU64>,
) {
    let mut ping = tokio::time::interval(keepalive.ping_every);
    ping.tick().await;
    loop {
        tokio::select! {
            message = queued.next() => match message {
                Some(message) => {
                    if socket.send(message).await.is_err() {
                        break;
                    }
                }
                None => break,
            },
            _ = ping.tick() => {
                let silent_for = started.elapsed().saturating_sub(Duration::from_millis(
                    last_heard_ms.load(Ordering::Relaxed),
                ));
                if silent_for >= keepalive.idle_timeout {
                    tracing::info!("closing a sync connection silent for {silent_for:?}");
                    kill.cancel();
                    break;
                }
                if socket.send(Message::Ping(bytes::Bytes::new())).await.is_err() {
                    break;
                }
            }
            () = kill.cancelled() => break,
        }
    }
    let _ = socket.close().await;
}
