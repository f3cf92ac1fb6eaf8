//! Bytes on the wire when a replica reconnects after one small edit (issue #13 item 4), through
//! real samod repos (the vendored, patched samod the server and the app run) joined by an
//! in-process channel that counts every frame both ways, samod's framing included.
//!
//! The "server" repo holds a records document with a year of history; the "laptop" repo gets
//! it over a first connection, which then closes. The laptop makes one small edit offline and
//! connects again (a new connection, as after an outage: new connection id, same storage).
//! Counted: the frames of that second connection until both repos hold the edit and the line is
//! quiet.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use automerge::{Automerge, ChangeHash};
use futures::{SinkExt, StreamExt};
use samod::{AcceptorHandle, BackoffConfig, DialError, Dialer, DocHandle, Repo, Transport};
use shared::calendar::PeriodId;
use shared::documents::records::{self, RecordEdit, TaskSkeleton};
use shared::documents::ChangeAuthor;
use shared::plan::TaskId;

/// What went one way: samod's frames (handshake and framing included), and the Automerge sync
/// messages they carried.
#[derive(Default)]
pub struct Tally {
    pub frames: AtomicU64,
    pub bytes: AtomicU64,
    pub sync_messages: AtomicU64,
    pub sync_bytes: AtomicU64,
    /// Sync messages that carried a whole document (an Automerge document chunk) rather than
    /// changes.
    pub whole_documents: AtomicU64,
}

/// One way's figures, taken.
#[derive(Debug, Clone, Copy, Default)]
pub struct OneWay {
    pub frames: u64,
    pub bytes: u64,
    pub sync_messages: u64,
    pub sync_bytes: u64,
    pub whole_documents: u64,
}

impl Tally {
    fn count(&self, frame: &[u8]) {
        self.frames.fetch_add(1, Ordering::Relaxed);
        self.bytes.fetch_add(frame.len() as u64, Ordering::Relaxed);
        if let Some(data) = sync_data(frame) {
            self.sync_messages.fetch_add(1, Ordering::Relaxed);
            self.sync_bytes
                .fetch_add(data.len() as u64, Ordering::Relaxed);
            if carries_whole_document(data) {
                self.whole_documents.fetch_add(1, Ordering::Relaxed);
            }
        }
    }

    fn take(&self) -> OneWay {
        OneWay {
            frames: self.frames.swap(0, Ordering::Relaxed),
            bytes: self.bytes.swap(0, Ordering::Relaxed),
            sync_messages: self.sync_messages.swap(0, Ordering::Relaxed),
            sync_bytes: self.sync_bytes.swap(0, Ordering::Relaxed),
            whole_documents: self.whole_documents.swap(0, Ordering::Relaxed),
        }
    }
}

/// The Automerge sync message a samod frame carries (`type` "sync" or "request", its `data`),
/// or `None` for any other frame.
fn sync_data(frame: &[u8]) -> Option<&[u8]> {
    let mut decoder = minicbor::Decoder::new(frame);
    let n_fields = decoder.map().ok()??;
    let (mut is_sync, mut data) = (false, None);
    for _ in 0..n_fields {
        match decoder.str().ok()? {
            "type" => is_sync = matches!(decoder.str().ok()?, "sync" | "request"),
            "data" => data = Some(decoder.bytes().ok()?),
            _ => decoder.skip().ok()?,
        }
    }
    if is_sync {
        data
    } else {
        None
    }
}

/// Whether the sync message `data` carries a whole document: a chunk whose type (the byte after
/// the 4-byte magic and 4-byte checksum) is 0, a document, rather than 1 or 2, a change.
fn carries_whole_document(data: &[u8]) -> bool {
    automerge::sync::Message::decode(data)
        .is_ok_and(|message| message.changes.iter().any(|chunk| chunk.get(8) == Some(&0)))
}

/// A dialer that joins the dialing repo to `acceptor` through in-process channels, counting
/// what goes each way.
struct CountingDialer {
    acceptor: AcceptorHandle,
    up: Arc<Tally>,
    down: Arc<Tally>,
}

#[derive(Debug)]
pub struct Closed;

impl std::fmt::Display for Closed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the other repo stopped")
    }
}

impl std::error::Error for Closed {}

impl Dialer for CountingDialer {
    type Error = Closed;

    fn url(&self) -> url::Url {
        url::Url::parse("channel://reconnect-wire").unwrap()
    }

    fn connect(
        &self,
    ) -> futures::future::BoxFuture<'static, Result<Transport, DialError<Self::Error>>> {
        let (acceptor, up, down) = (self.acceptor.clone(), self.up.clone(), self.down.clone());
        Box::pin(async move {
            let (to_server, from_laptop) = futures::channel::mpsc::unbounded::<Vec<u8>>();
            let (to_laptop, from_server) = futures::channel::mpsc::unbounded::<Vec<u8>>();
            let server_side = Transport::new(
                from_laptop.map(Ok::<_, Closed>),
                to_laptop
                    .sink_map_err(|_| Closed)
                    .with(move |frame: Vec<u8>| {
                        down.count(&frame);
                        futures::future::ready(Ok::<_, Closed>(frame))
                    }),
            );
            acceptor
                .accept(server_side)
                .map_err(|_| DialError::PermanentFailure(Closed))?;
            Ok(Transport::new(
                from_server.map(Ok::<_, Closed>),
                to_server
                    .sink_map_err(|_| Closed)
                    .with(move |frame: Vec<u8>| {
                        up.count(&frame);
                        futures::future::ready(Ok::<_, Closed>(frame))
                    }),
            ))
        })
    }
}

/// What one reconnect cost.
#[derive(Debug, Clone, Copy)]
pub struct ReconnectWire {
    /// The saved size of the records document (bytes).
    pub document_bytes: usize,
    /// The edit's own change, encoded (bytes).
    pub change_bytes: usize,
    /// Laptop to server.
    pub up: OneWay,
    /// Server to laptop.
    pub down: OneWay,
}

impl ReconnectWire {
    /// Every frame both ways: the handshake, samod's framing and the sync messages.
    pub fn total_bytes(&self) -> u64 {
        self.up.bytes + self.down.bytes
    }

    /// The Automerge sync messages both ways (what issue #13 measured: 1,694 bytes before).
    pub fn sync_bytes(&self) -> u64 {
        self.up.sync_bytes + self.down.sync_bytes
    }

    pub fn sync_messages(&self) -> u64 {
        self.up.sync_messages + self.down.sync_messages
    }

    /// Issue #13's bound on the sync messages: twice the change's own bytes plus 1 KiB.
    pub fn bound(&self) -> u64 {
        2 * self.change_bytes as u64 + 1024
    }
}

/// A records document as a unit has it after a year of work: every task of a 57-task plan
/// (two targets each) and `n_changes` edits of history.
pub fn records_with_history(n_changes: u64) -> Automerge {
    let author = ChangeAuthor {
        user: "lan".into(),
        device: "lan-laptop".into(),
        what: String::new(),
    };
    let tasks: Vec<TaskSkeleton> = (0..57)
        .map(|i| TaskSkeleton {
            task_id: TaskId(format!("T/{i}")),
            n_targets: 2,
        })
        .collect();
    let mut doc = Automerge::new();
    records::ensure_structure(&mut doc, &author, 0, "QLHT", 2026, &tasks).unwrap();
    let period: PeriodId = "2026-Q3".parse().unwrap();
    for n in 0..n_changes {
        let edit = RecordEdit::Text {
            period,
            field: records::TextField::Result,
            text: format!("Kết quả lần {n}"),
        };
        let task = TaskId(format!("T/{}", n % 57));
        records::apply(&mut doc, &author, n as i64, &task, &edit).unwrap();
    }
    doc
}

async fn heads(handle: &DocHandle) -> Vec<ChangeHash> {
    handle.with_document(|d| d.get_heads())
}

/// Waits until `a` and `b` hold the same heads, then until no frame moved for 300 ms.
async fn settle(a: &DocHandle, b: &DocHandle, up: &Tally, down: &Tally) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    while heads(a).await != heads(b).await {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the replicas converge within 30 s"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let moved = || up.frames.load(Ordering::Relaxed) + down.frames.load(Ordering::Relaxed);
    let mut last = moved();
    loop {
        tokio::time::sleep(Duration::from_millis(300)).await;
        let now = moved();
        if now == last {
            return;
        }
        last = now;
    }
}

/// Runs the scenario of this module's header with a document of `n_changes` changes of history.
pub async fn measure(n_changes: u64) -> ReconnectWire {
    reconnect(
        Repo::build_tokio().load().await,
        n_changes,
        1,
        EditsOn::Laptop,
    )
    .await
}

/// Which replica makes the edits while the laptop is offline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EditsOn {
    Laptop,
    /// The server's replica (as when other devices wrote while this laptop was away).
    Server,
}

/// The same scenario with `n_edits` small edits (each its own change) instead of one, made on
/// `edits_on` while the laptop is offline, against `server`, a samod repo configured as the
/// test needs.
pub async fn reconnect(
    server: Repo,
    n_changes: u64,
    n_edits: u64,
    edits_on: EditsOn,
) -> ReconnectWire {
    let laptop = Repo::build_tokio().load().await;
    let doc = records_with_history(n_changes);
    let document_bytes = doc.save().len();
    let on_server = server.create(doc).await.expect("the server repo runs");
    let acceptor = server
        .make_acceptor(url::Url::parse("channel://server").unwrap())
        .expect("the server repo runs");
    let (up, down) = (Arc::new(Tally::default()), Arc::new(Tally::default()));
    let dialer = || {
        Arc::new(CountingDialer {
            acceptor: acceptor.clone(),
            up: up.clone(),
            down: down.clone(),
        })
    };

    // The first connection: the laptop gets the document.
    let first = laptop
        .dial(BackoffConfig::default(), dialer())
        .expect("the laptop repo runs");
    first.established().await.expect("the first connection");
    let on_laptop = laptop
        .find(on_server.document_id().clone())
        .await
        .expect("the laptop repo runs")
        .expect("the server has the document");
    settle(&on_server, &on_laptop, &up, &down).await;
    first.close();
    // Until the server repo has seen the connection end.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while acceptor.connection_count() > 0 {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the first connection ends"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }

    // Small edits offline (one, in the module's scenario), then a new connection.
    let edited = match edits_on {
        EditsOn::Laptop => &on_laptop,
        EditsOn::Server => &on_server,
    };
    let change_bytes = edited.with_document(|d| {
        let author = ChangeAuthor {
            user: "lan".into(),
            device: "lan-laptop".into(),
            what: String::new(),
        };
        let before = d.get_heads();
        for n in 0..n_edits {
            records::apply(
                d,
                &author,
                1_000_000 + n as i64,
                &TaskId(format!("T/{}", (3 + n) % 57)),
                &RecordEdit::Progress {
                    percent: (60 + n % 40) as u8,
                },
            )
            .unwrap();
        }
        d.get_changes(&before)
            .iter()
            .map(|c| c.raw_bytes().len())
            .sum()
    });
    up.take();
    down.take();
    let second = laptop
        .dial(BackoffConfig::default(), dialer())
        .expect("the laptop repo runs");
    second.established().await.expect("the second connection");
    settle(&on_server, &on_laptop, &up, &down).await;
    let wire = ReconnectWire {
        document_bytes,
        change_bytes,
        up: up.take(),
        down: down.take(),
    };
    second.close();
    laptop.stop().await;
    server.stop().await;
    wire
}
