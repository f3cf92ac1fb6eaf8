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
use std::sync::Arc;

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

pub fn durable_transport(
    socket: WebSocket,
    peer: PeerId,
    storage: SqliteStorage,
    guard: ConnectionGuard,
    gate: Arc<ChangeGate>,
    sender: Sender,
) -> Transport {
    let kill = guard.kill();
    let (ws_tx, ws_rx) = socket.split();
    let incoming = ws_rx
        .take_until(kill.clone().cancelled_owned())
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
    let outgoing = ws_tx.sink_map_err(axum::Error::new).with(move |bytes: Vec<u8>| {
        let storage = storage.clone();
        let kill = kill.clone();
        Box::pin(async move {
            if let Some((doc, heads)) = sync_heads(&bytes) {
                tokio::select! {
                    _ = storage.durable().wait(&doc, &heads) => {}
                    _ = kill.cancelled() => return Err(axum::Error::new(ConnectionClosed("connection revoked".into()))),
                }
            }
            Ok::<_, axum::Error>(Message::Binary(bytes.into()))
        })
    });
    Transport::new(incoming, outgoing).with_expected_peer_id(peer)
}
