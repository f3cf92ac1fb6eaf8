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

use std::collections::{HashSet, VecDeque};

use automerge::ChangeHash;
use axum::extract::ws::{Message, WebSocket};
use futures::future::BoxFuture;
use futures::stream::FuturesUnordered;
use futures::{future, FutureExt, Sink, SinkExt, StreamExt};
use samod::{PeerId, Transport};
use storage::SqliteStorage;
use tokio_util::sync::CancellationToken;

#[derive(Debug)]
struct ConnectionClosed(&'static str);

impl std::fmt::Display for ConnectionClosed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.0)
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
    kill: CancellationToken,
) -> Transport {
    let (ws_tx, ws_rx) = socket.split();
    let incoming = ws_rx
        .take_until(kill.clone().cancelled_owned())
        .filter_map(|message| {
            future::ready(match message {
                Ok(Message::Binary(bytes)) => Some(Ok(bytes.to_vec())),
                Ok(Message::Close(_) | Message::Ping(_) | Message::Pong(_)) => None,
                Ok(Message::Text(_)) => Some(Err(axum::Error::new(ConnectionClosed(
                    "text frames are not part of the protocol",
                )))),
                Err(err) => Some(Err(err)),
            })
        })
        .boxed();
    let outgoing = durable_outgoing(ws_tx.sink_map_err(axum::Error::new), storage, kill);
    Transport::new(incoming, outgoing).with_expected_peer_id(peer)
}

/// Messages samod may hand over before the earlier ones went out (then it waits).
const OUTGOING_QUEUE: usize = 64;

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
    queue.sink_map_err(|_| axum::Error::new(ConnectionClosed("connection closed")))
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
                    if let (Some((doc, heads)), false) = (&doc, durable) {
                        let (storage, doc, heads) = (storage.clone(), doc.clone(), heads.clone());
                        waits.push(
                            async move {
                                storage.durable().wait(&doc, &heads).await;
                                id
                            }
                            .boxed(),
                        );
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
                return Err(axum::Error::new(ConnectionClosed("connection revoked")));
            }
        }
    }
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
