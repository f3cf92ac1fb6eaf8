//! The websocket transport handed to samod for one authenticated client.
//!
//! - Outgoing sync messages wait until every change their heads name is durably stored, so the
//!   server never passes on or confirms what it could lose in a crash (samod itself sends
//!   before its storage writes complete). They wait per document ([`durable_outgoing`]): a
//!   message is held only behind its own changes and the earlier messages of its document, not
//!   behind another document's commit.
//! - The connection is bound to the peer id the client authenticated as; samod disconnects a
//!   client whose handshake claims another.
//! - Cancelling `kill` (the user was disabled) ends the connection.
//! - Every incoming message passes the [`ChangeGate`] first: changes a client may not write
//!   close the connection before samod sees them.

use std::collections::{HashSet, VecDeque};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use automerge::ChangeHash;
use axum::extract::ws::{Message, WebSocket};
use futures::future::BoxFuture;
use futures::stream::FuturesUnordered;
use futures::{future, FutureExt, Sink, SinkExt, StreamExt, TryStreamExt};
use samod::{PeerId, Transport};
use storage::SqliteStorage;
use tokio_util::sync::CancellationToken;

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
                    Ok(()) => {
                        metrics::counter!(crate::metrics::SYNC_MESSAGES, "direction" => "in")
                            .increment(1);
                        metrics::counter!(crate::metrics::SYNC_BYTES, "direction" => "in")
                            .increment(bytes.len() as u64);
                        Ok(bytes)
                    }
                    Err(refused) => {
                        metrics::counter!(crate::metrics::CHANGES_REFUSED).increment(1);
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
    let outgoing = durable_outgoing(queue.sink_map_err(axum::Error::new), storage, kill);
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

/// Held messages waiting for durability at most; beyond, samod waits.
const MAX_HELD: usize = 1024;

/// The sink samod writes a connection's outgoing messages to. Each message goes to `socket` once
/// every change its heads name is in the [`DurableIndex`](storage::DurableIndex), and after every
/// earlier message of the same document; a message that is not about a document (handshake,
/// errors) goes after every earlier message. Messages of other documents pass a message that
/// waits, so one document's commit does not hold up the whole connection.
///
/// Ends (and samod sees the sink fail) when the socket fails or `kill` is cancelled; when samod
/// closes the sink, what is held is still sent as it becomes durable, then the socket closes.
pub fn durable_outgoing<S>(
    socket: S,
    storage: SqliteStorage,
    kill: CancellationToken,
) -> impl Sink<Vec<u8>, Error = axum::Error> + Send + Unpin + 'static
where
    S: Sink<Message, Error = axum::Error> + Send + Unpin + 'static,
{
    let (queue, queued) = futures::channel::mpsc::channel::<Vec<u8>>(OUTGOING_QUEUE);
    tokio::spawn(async move {
        if let Err(err) = send_when_durable(queued, socket, storage, kill).await {
            tracing::debug!("sync connection's socket closed: {err}");
        }
    });
    queue.sink_map_err(|_| axum::Error::new(ConnectionClosed("connection closed".into())))
}

/// One outgoing message in the order samod produced it.
struct Held {
    /// The document and heads of a sync or request message; `None` for other messages.
    doc: Option<(String, Vec<ChangeHash>)>,
    durable: bool,
    bytes: Vec<u8>,
}

async fn send_when_durable<S>(
    mut queued: futures::channel::mpsc::Receiver<Vec<u8>>,
    mut socket: S,
    storage: SqliteStorage,
    kill: CancellationToken,
) -> Result<(), axum::Error>
where
    S: Sink<Message, Error = axum::Error> + Unpin,
{
    let mut held: VecDeque<(u64, Held)> = VecDeque::new();
    let mut waits: FuturesUnordered<BoxFuture<'static, u64>> = FuturesUnordered::new();
    let mut next_id: u64 = 0;
    let mut open = true;
    loop {
        send_ready(&mut held, &mut socket).await?;
        if !open && held.is_empty() {
            return socket.close().await;
        }
        tokio::select! {
            message = queued.next(), if open && held.len() < MAX_HELD => match message {
                Some(bytes) => {
                    let doc = sync_heads(&bytes);
                    let durable = doc
                        .as_ref()
                        .is_none_or(|(doc, heads)| storage.durable().covers(doc, heads));
                    let id = next_id;
                    next_id += 1;
                    match (&doc, durable) {
                        (Some((doc, heads)), false) => {
                            let (storage, doc, heads) =
                                (storage.clone(), doc.clone(), heads.clone());
                            waits.push(wait_logged(storage, doc, heads).map(move |()| id).boxed());
                        }
                        // Already on disk: this message waits for nothing.
                        (Some(_), true) => {
                            metrics::histogram!(crate::metrics::DURABLE_WAIT).record(0.0);
                        }
                        (None, _) => {}
                    }
                    held.push_back((id, Held { doc, durable, bytes }));
                }
                None => open = false,
            },
            Some(id) = waits.next(), if !waits.is_empty() => {
                if let Some((_, entry)) = held.iter_mut().find(|(i, _)| *i == id) {
                    entry.durable = true;
                }
            }
            () = kill.cancelled() => {
                return Err(axum::Error::new(ConnectionClosed("connection revoked".into())));
            }
        }
    }
}

/// Waits until `heads` of `doc` are durable; a wait over 5 s is logged (the storage is slow or
/// failing).
async fn wait_logged(storage: SqliteStorage, doc: String, heads: Vec<ChangeHash>) {
    let waited = Instant::now();
    let durable = storage.durable();
    let wait = durable.wait(&doc, &heads);
    tokio::pin!(wait);
    if tokio::time::timeout(Duration::from_secs(5), &mut wait)
        .await
        .is_err()
    {
        tracing::warn!(
            doc,
            heads = ?heads,
            "a sync message has waited {:?} for its changes to be stored",
            waited.elapsed()
        );
        wait.await;
    }
    metrics::histogram!(crate::metrics::DURABLE_WAIT).record(waited.elapsed().as_secs_f64());
}

/// Sends, in order, every held message that may go now (see [`durable_outgoing`]).
async fn send_ready<S>(held: &mut VecDeque<(u64, Held)>, socket: &mut S) -> Result<(), axum::Error>
where
    S: Sink<Message, Error = axum::Error> + Unpin,
{
    let mut blocked_docs: HashSet<String> = HashSet::new();
    let mut sent_any = false;
    let mut i = 0;
    while i < held.len() {
        let (_, entry) = &held[i];
        let may_go = match &entry.doc {
            // Not about a document: only once everything before it went.
            None => i == 0,
            Some((doc, _)) => entry.durable && !blocked_docs.contains(doc),
        };
        if may_go {
            let (_, entry) = held.remove(i).expect("in range");
            metrics::counter!(crate::metrics::SYNC_MESSAGES, "direction" => "out").increment(1);
            metrics::counter!(crate::metrics::SYNC_BYTES, "direction" => "out")
                .increment(entry.bytes.len() as u64);
            socket.feed(Message::Binary(entry.bytes.into())).await?;
            sent_any = true;
            continue;
        }
        match &entry.doc {
            None => break,
            Some((doc, _)) => {
                blocked_docs.insert(doc.clone());
            }
        }
        i += 1;
    }
    if sent_any {
        socket.flush().await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use automerge::sync::SyncDoc;
    use automerge::transaction::Transactable;
    use automerge::Automerge;
    use samod::storage::StorageKey;

    use super::*;

    /// A samod wire message: a CBOR map with the type, the document and the data.
    fn wire(kind: &str, doc: &str, data: &[u8]) -> Vec<u8> {
        let mut bytes = Vec::new();
        let mut e = minicbor::Encoder::new(&mut bytes);
        e.map(3).unwrap();
        e.str("type").unwrap().str(kind).unwrap();
        e.str("documentId").unwrap().str(doc).unwrap();
        e.str("data").unwrap().bytes(data).unwrap();
        bytes
    }

    /// A document with one change, and a sync message announcing its heads.
    fn doc_with_change(key: &str) -> (Automerge, Vec<u8>) {
        let mut doc = Automerge::new();
        let mut tx = doc.transaction();
        tx.put(automerge::ROOT, key, 1).unwrap();
        tx.commit();
        let message = doc
            .generate_sync_message(&mut automerge::sync::State::new())
            .unwrap()
            .encode();
        (doc, message)
    }

    async fn store(storage: &SqliteStorage, doc_id: &str, doc: &Automerge) {
        let change = doc.get_changes(&[])[0].clone();
        storage
            .put_async(
                StorageKey::from_parts([doc_id, "incremental", &change.hash().to_string()])
                    .unwrap(),
                change.raw_bytes().to_vec(),
            )
            .await
            .unwrap();
    }

    async fn received(
        socket: &mut futures::channel::mpsc::UnboundedReceiver<Message>,
    ) -> Vec<Vec<u8>> {
        tokio::time::sleep(Duration::from_millis(100)).await;
        let mut out = Vec::new();
        while let Ok(Message::Binary(bytes)) = socket.try_recv() {
            out.push(bytes.to_vec());
        }
        out
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn messages_wait_for_their_own_document_only() {
        let dir = tempfile::tempdir().unwrap();
        let storage = SqliteStorage::open(&dir.path().join("documents.sqlite3")).unwrap();
        let (a, a_sync) = doc_with_change("a");
        let (b, b_sync) = doc_with_change("b");
        store(&storage, "B", &b).await;
        let (socket, mut sent) = futures::channel::mpsc::unbounded::<Message>();
        let mut outgoing = durable_outgoing(
            socket.sink_map_err(axum::Error::new),
            storage.clone(),
            CancellationToken::new(),
        );
        let (first_a, first_b) = (wire("sync", "A", &a_sync), wire("sync", "B", &b_sync));
        let control = wire("doc-unavailable", "C", b"");
        let (second_a, second_b) = (wire("request", "A", &a_sync), wire("sync", "B", &b_sync));
        for message in [&first_a, &first_b, &second_a, &control, &second_b] {
            outgoing.send(message.clone()).await.unwrap();
        }
        assert_eq!(
            received(&mut sent).await,
            vec![first_b.clone()],
            "B is durable and passes A, which is not; the message that is about no document \
             waits for everything before it"
        );
        store(&storage, "A", &a).await;
        assert_eq!(
            received(&mut sent).await,
            vec![first_a, second_a, control, second_b],
            "then in order"
        );
    }
}
