//! The group-commit writer: one thread owns the write connection and drains a queue of writes
//! and deletes. Every job waiting when it is free goes into one `BEGIN IMMEDIATE … COMMIT`
//! (one fsync with `synchronous=FULL`); each job is answered only after that transaction
//! committed, and the committed chunks enter the [`DurableIndex`](crate::DurableIndex) before
//! any job is answered.
//!
//! A failing transaction is retried whole (writes are upserts and deletes are idempotent, and a
//! failed transaction leaves nothing behind); if it still fails, the storage turns failed, every
//! job of that transaction is answered with the error, and every later job is refused.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{self, Receiver, Sender, SyncSender};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

use rusqlite::{params, Connection, TransactionBehavior};
use samod::storage::StorageKey;
use tokio::sync::oneshot;

use crate::{key_text, Shared, StorageError};

/// How often a failed transaction is tried again before the storage gives up, and the pauses
/// between.
const RETRY_PAUSES: [Duration; 3] = [
    Duration::from_millis(50),
    Duration::from_millis(250),
    Duration::from_secs(1),
];

/// At most this many jobs, or about this many bytes, go into one transaction.
const MAX_BATCH_JOBS: usize = 1024;
const MAX_BATCH_BYTES: usize = 16 * 1024 * 1024;

pub(crate) enum Op {
    Put { key: StorageKey, data: Vec<u8> },
    Delete { key: StorageKey },
}

impl Op {
    fn size(&self) -> usize {
        match self {
            Op::Put { data, .. } => data.len(),
            Op::Delete { .. } => 0,
        }
    }
}

enum Reply {
    Async(oneshot::Sender<Result<(), StorageError>>),
    Blocking(SyncSender<Result<(), StorageError>>),
}

impl Reply {
    fn send(self, result: Result<(), StorageError>) {
        // The caller may have gone away (a dropped future); the outcome is recorded anyway.
        match self {
            Reply::Async(tx) => {
                let _ = tx.send(result);
            }
            Reply::Blocking(tx) => {
                let _ = tx.send(result);
            }
        }
    }
}

struct Job {
    op: Op,
    reply: Reply,
}

#[derive(Default)]
struct Stats {
    transactions: AtomicU64,
    jobs: AtomicU64,
}

pub(crate) struct Writer {
    queue: Option<Sender<Job>>,
    thread: Option<JoinHandle<()>>,
    stats: Arc<Stats>,
}

impl Writer {
    pub(crate) fn start(conn: Connection, shared: Arc<Shared>) -> std::io::Result<Writer> {
        let (queue, jobs) = mpsc::channel();
        let stats = Arc::new(Stats::default());
        let thread = std::thread::Builder::new()
            .name("storage-writer".into())
            .spawn({
                let stats = stats.clone();
                move || run(conn, jobs, &shared, &stats)
            })?;
        Ok(Writer {
            queue: Some(queue),
            thread: Some(thread),
            stats,
        })
    }

    fn enqueue(&self, op: Op, reply: Reply) -> Result<(), StorageError> {
        self.queue
            .as_ref()
            .and_then(|q| q.send(Job { op, reply }).ok())
            .ok_or_else(writer_gone)
    }

    /// Queues `op`; resolves once its transaction committed, or with the failure.
    pub(crate) async fn submit(&self, op: Op) -> Result<(), StorageError> {
        let (tx, rx) = oneshot::channel();
        self.enqueue(op, Reply::Async(tx))?;
        rx.await.unwrap_or_else(|_| Err(writer_gone()))
    }

    /// Queues `op` and blocks the calling thread until its transaction committed or failed.
    pub(crate) fn submit_blocking(&self, op: Op) -> Result<(), StorageError> {
        let (tx, rx) = mpsc::sync_channel(1);
        self.enqueue(op, Reply::Blocking(tx))?;
        rx.recv().unwrap_or_else(|_| Err(writer_gone()))
    }

    /// (transactions committed, jobs they held).
    pub(crate) fn stats(&self) -> (u64, u64) {
        (
            self.stats.transactions.load(Ordering::Relaxed),
            self.stats.jobs.load(Ordering::Relaxed),
        )
    }
}

impl Drop for Writer {
    fn drop(&mut self) {
        // Closing the queue ends the thread once it has committed what was queued.
        drop(self.queue.take());
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn writer_gone() -> StorageError {
    StorageError::Failed("the storage writer stopped".into())
}

/// Marks the storage failed if the writer thread unwinds, so nothing waits on it in vain.
struct FailOnPanic<'a>(&'a Shared);

impl Drop for FailOnPanic<'_> {
    fn drop(&mut self) {
        if std::thread::panicking() {
            self.0.fail("the storage writer panicked");
        }
    }
}

fn run(mut conn: Connection, jobs: Receiver<Job>, shared: &Shared, stats: &Stats) {
    let _guard = FailOnPanic(shared);
    while let Ok(first) = jobs.recv() {
        let mut bytes = first.op.size();
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH_JOBS && bytes < MAX_BATCH_BYTES {
            match jobs.try_recv() {
                Ok(job) => {
                    bytes += job.op.size();
                    batch.push(job);
                }
                Err(_) => break,
            }
        }
        let started = std::time::Instant::now();
        match commit_with_retries(&mut conn, shared, &batch) {
            Ok(()) => {
                metrics::histogram!(crate::metrics::COMMIT_SECONDS)
                    .record(started.elapsed().as_secs_f64());
                metrics::counter!(crate::metrics::COMMITTED_WRITES).increment(batch.len() as u64);
                shared
                    .durable
                    .record_all(batch.iter().filter_map(|job| match &job.op {
                        Op::Put { key, data } => Some((key, data.as_slice())),
                        Op::Delete { .. } => None,
                    }));
                stats.transactions.fetch_add(1, Ordering::Relaxed);
                stats.jobs.fetch_add(batch.len() as u64, Ordering::Relaxed);
                for job in batch {
                    job.reply.send(Ok(()));
                }
            }
            Err(why) => {
                for job in batch {
                    job.reply.send(Err(StorageError::Failed(why.clone())));
                }
            }
        }
    }
}

/// Commits `batch` in one transaction, retrying; on a final failure the storage turns failed.
/// Refuses at once (writing nothing) when the storage has already failed.
fn commit_with_retries(
    conn: &mut Connection,
    shared: &Shared,
    batch: &[Job],
) -> Result<(), String> {
    let what = if batch.iter().any(|j| matches!(j.op, Op::Put { .. })) {
        "write"
    } else {
        "delete"
    };
    let mut last_error = None;
    for pause in std::iter::once(Duration::ZERO).chain(RETRY_PAUSES) {
        std::thread::sleep(pause);
        if let Some(why) = shared.failure() {
            return Err(why);
        }
        match commit(conn, batch) {
            Ok(()) => return Ok(()),
            Err(err) => {
                tracing::warn!(path = %shared.path.display(), jobs = batch.len(), "storage {what} failed, will retry: {err}");
                last_error = Some(err);
            }
        }
    }
    let why = format!(
        "{what} failed after {} tries: {}",
        RETRY_PAUSES.len() + 1,
        last_error.expect("tried")
    );
    shared.fail(&why);
    Err(why)
}

fn commit(conn: &mut Connection, batch: &[Job]) -> rusqlite::Result<()> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    {
        let mut put = tx.prepare_cached(
            "INSERT INTO chunks (key, data) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET data = excluded.data",
        )?;
        let mut delete = tx.prepare_cached("DELETE FROM chunks WHERE key = ?1")?;
        for job in batch {
            match &job.op {
                Op::Put { key, data } => put.execute(params![key_text(key), data])?,
                Op::Delete { key } => delete.execute([key_text(key)])?,
            };
        }
    }
    tx.commit()
}
