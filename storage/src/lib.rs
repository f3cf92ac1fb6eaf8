//! The samod [`Storage`](samod::Storage) over SQLite, shared by the desktop app and the server.
//!
//! - One table of chunks keyed by the storage key's components joined with "/" (components never
//!   contain "/"), so a prefix matches whole components only: "abc" never matches "abcd".
//! - WAL journal with `synchronous=FULL`: a write that returned is on disk.
//! - Group commit: one writer thread owns the write connection and drains a queue; every write
//!   and delete waiting when it is free goes into one transaction (one fsync). A write's future
//!   resolves only after its transaction committed, and its changes enter the [`DurableIndex`]
//!   only then.
//! - A failed transaction is retried; if it still fails the storage turns *failed*: every write
//!   of that transaction and every later write and delete is refused (so compaction cannot delete
//!   chunks a lost snapshot replaced) and [`SqliteStorage::failure`] says why, for the app to
//!   show and the server to stop on.
//! - [`DurableIndex`] records which changes of each document are committed; the server holds
//!   outgoing sync messages on it, so it never passes on or confirms a change it has not stored,
//!   and the app reports an edit saved only once it is in the index.

mod durable;
pub mod metrics;
mod read_only;
mod schema;
mod writer;

pub use durable::DurableIndex;
pub use read_only::{ReadDocumentError, ReadOnlyDocuments};
/// The schema version of the document store this program writes (`PRAGMA user_version`).
pub use schema::VERSION as SCHEMA_VERSION;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};

use rusqlite::{Connection, OpenFlags, OptionalExtension};
use samod::storage::StorageKey;
use tokio::sync::watch;

use writer::{Op, Writer};

#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    #[error("cannot open the database {path}: {source}")]
    Open {
        path: PathBuf,
        source: rusqlite::Error,
    },
    #[error("database {path} has schema version {found}, newer than this program's {supported}; update PlanSync")]
    TooNew {
        path: PathBuf,
        found: i64,
        supported: i64,
    },
    #[error("storage has failed and refuses writes: {0}")]
    Failed(String),
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
}

#[derive(Clone)]
pub struct SqliteStorage {
    inner: Arc<Inner>,
}

struct Inner {
    shared: Arc<Shared>,
    /// The connection reads use (WAL: they never wait for the writer's transaction).
    read: Mutex<Connection>,
    /// Async reads take a permit before going to the blocking pool: they share one connection
    /// anyway, and a server loading hundreds of documents at start would otherwise park one
    /// blocking-pool thread per document on its lock.
    read_permits: tokio::sync::Semaphore,
    writer: Writer,
    /// A read connection of its own for [`SqliteStorage::stored_heads`], opened when first
    /// needed, so that reading heads never waits behind samod's document loads.
    heads_read: Mutex<Option<Connection>>,
}

/// What the writer thread shares with the storage handles.
pub(crate) struct Shared {
    path: PathBuf,
    failure: watch::Sender<Option<String>>,
    durable: DurableIndex,
}

impl Shared {
    pub(crate) fn failure(&self) -> Option<String> {
        self.failure.borrow().clone()
    }

    pub(crate) fn fail(&self, why: &str) {
        tracing::error!(path = %self.path.display(), "storage failed: {why}");
        self.failure.send_if_modified(|f| {
            if f.is_none() {
                *f = Some(why.to_string());
                true
            } else {
                false
            }
        });
    }
}

impl SqliteStorage {
    /// Opens (creating if needed) the chunk store in the SQLite database at `path`, and starts
    /// its writer thread.
    pub fn open(path: &Path) -> Result<SqliteStorage, StorageError> {
        let open = |path: &Path| {
            Connection::open(path).map_err(|source| StorageError::Open {
                path: path.into(),
                source,
            })
        };
        let read = open(path)?;
        schema::prepare(&read, path)?;
        let write = open(path)?;
        schema::configure(&write)?;
        let shared = Arc::new(Shared {
            path: path.into(),
            failure: watch::channel(None).0,
            durable: DurableIndex::default(),
        });
        let writer = Writer::start(write, shared.clone())
            .map_err(|err| StorageError::Failed(format!("cannot start the writer: {err}")))?;
        Ok(SqliteStorage {
            inner: Arc::new(Inner {
                shared,
                read: Mutex::new(read),
                read_permits: tokio::sync::Semaphore::new(1),
                heads_read: Mutex::new(None),
                writer,
            }),
        })
    }

    pub fn path(&self) -> &Path {
        &self.inner.shared.path
    }

    /// Which changes of each document are on disk (see [`DurableIndex`]).
    pub fn durable(&self) -> &DurableIndex {
        &self.inner.shared.durable
    }

    /// Why the storage failed, if it did.
    pub fn failure(&self) -> Option<String> {
        self.inner.shared.failure()
    }

    /// A receiver that changes when the storage fails.
    pub fn watch_failure(&self) -> watch::Receiver<Option<String>> {
        self.inner.shared.failure.subscribe()
    }

    /// Writes a chunk and returns once it is committed (or the storage failed). Blocks the
    /// calling thread; from async code use samod's [`Storage::put`](samod::storage::Storage).
    pub fn put_now(&self, key: &StorageKey, data: &[u8]) -> Result<(), StorageError> {
        self.inner.writer.submit_blocking(Op::Put {
            key: key.clone(),
            data: data.to_vec(),
        })
    }

    /// Writes a chunk; resolves once it is committed (or the storage failed).
    pub async fn put_async(&self, key: StorageKey, data: Vec<u8>) -> Result<(), StorageError> {
        self.inner.writer.submit(Op::Put { key, data }).await
    }

    /// Deletes a chunk; resolves once that is committed (or the storage failed).
    pub async fn delete_async(&self, key: StorageKey) -> Result<(), StorageError> {
        self.inner.writer.submit(Op::Delete { key }).await
    }

    pub fn load_now(&self, key: &StorageKey) -> Result<Option<Vec<u8>>, StorageError> {
        let conn = lock(&self.inner.read);
        let data = conn
            .prepare_cached("SELECT data FROM chunks WHERE key = ?1")?
            .query_row([key_text(key)], |row| row.get(0))
            .optional()?;
        Ok(data)
    }

    /// Every chunk whose key is `prefix` or lies under it, component-wise.
    pub fn load_range_now(
        &self,
        prefix: &StorageKey,
    ) -> Result<HashMap<StorageKey, Vec<u8>>, StorageError> {
        load_range_on(&lock(&self.inner.read), prefix)
    }

    /// Deletes a chunk and returns once that is committed (or the storage failed). Blocks the
    /// calling thread.
    pub fn delete_now(&self, key: &StorageKey) -> Result<(), StorageError> {
        self.inner
            .writer
            .submit_blocking(Op::Delete { key: key.clone() })
    }

    /// Marks the storage failed (used by tests that simulate a full disk, and by write errors).
    pub fn fail(&self, why: &str) {
        self.inner.shared.fail(why);
    }

    /// How many transactions the writer committed, and how many writes and deletes they held
    /// (for tests and benchmarks: many writes per transaction is group commit working).
    pub fn commit_stats(&self) -> (u64, u64) {
        self.inner.writer.stats()
    }

    /// The heads of what is stored of each of `docs` (document ids as in storage keys), read
    /// from the chunks' headers without loading the documents ([`durable::stored_heads`]): the
    /// heads of a document not loaded in this process, for whoever keeps values derived from
    /// it by heads. Absent for a document with nothing stored, or whose chunks do not read so.
    pub async fn stored_heads(
        &self,
        docs: Vec<String>,
    ) -> Result<HashMap<String, Vec<automerge::ChangeHash>>, StorageError> {
        let this = self.clone();
        tokio::task::spawn_blocking(move || {
            let mut side = lock(&this.inner.heads_read);
            let conn = match &mut *side {
                Some(conn) => conn,
                empty => {
                    let path = &this.inner.shared.path;
                    let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY)
                        .map_err(|source| StorageError::Open {
                            path: path.clone(),
                            source,
                        })?;
                    conn.busy_timeout(std::time::Duration::from_secs(5))?;
                    empty.insert(conn)
                }
            };
            let mut heads = HashMap::new();
            for doc in docs {
                let Ok(prefix) = StorageKey::from_parts([doc.as_str()]) else {
                    continue;
                };
                let chunks = load_range_on(conn, &prefix)?;
                if chunks.is_empty() {
                    continue;
                }
                let kinds = chunks.iter().map(|(key, data)| {
                    let kind = key.into_iter().nth(1).map_or("", String::as_str);
                    (kind, data.as_slice())
                });
                if let Some(found) = durable::stored_heads(kinds) {
                    heads.insert(doc, found);
                }
            }
            Ok(heads)
        })
        .await
        .unwrap_or_else(|err| {
            Err(StorageError::Failed(format!(
                "a read of stored heads did not finish: {err}"
            )))
        })
    }

    /// Runs a blocking storage read off the async runtime, one at a time. A read that does not
    /// finish (the runtime is shutting down and dropped it, or it panicked) answers `T`'s
    /// default and fails the storage, as a failed read does: samod must not go on from an
    /// answer that may be wrong, and nothing is written after it.
    async fn blocking<T: Default + Send + 'static>(
        &self,
        work: impl FnOnce(SqliteStorage) -> T + Send + 'static,
    ) -> T {
        let _permit = self
            .inner
            .read_permits
            .acquire()
            .await
            .expect("the semaphore is never closed");
        let this = self.clone();
        match tokio::task::spawn_blocking(move || work(this)).await {
            Ok(value) => value,
            Err(err) => {
                self.fail(&format!("a read did not finish: {err}"));
                T::default()
            }
        }
    }
}

impl samod::storage::Storage for SqliteStorage {
    async fn load(&self, key: StorageKey) -> Option<Vec<u8>> {
        self.blocking(move |s| match s.load_now(&key) {
            Ok(data) => data,
            Err(err) => {
                // Answering "absent" for a chunk that exists could mislead samod; stop instead.
                s.fail(&format!("read of {key} failed: {err}"));
                None
            }
        })
        .await
    }

    async fn load_range(&self, prefix: StorageKey) -> HashMap<StorageKey, Vec<u8>> {
        self.blocking(move |s| match s.load_range_now(&prefix) {
            Ok(found) => {
                // What is already on disk is durable.
                s.durable()
                    .record_all(found.iter().map(|(key, data)| (key, data.as_slice())));
                found
            }
            Err(err) => {
                s.fail(&format!("read of {prefix} failed: {err}"));
                HashMap::new()
            }
        })
        .await
    }

    fn put(&self, key: StorageKey, data: Vec<u8>) -> impl std::future::Future<Output = ()> + Send {
        let this = self.clone();
        async move {
            // A failure is recorded by the writer (the storage turns failed and the server
            // stops); samod's `put` has no way to hear it.
            let _ = this.put_async(key, data).await;
        }
    }

    fn delete(&self, key: StorageKey) -> impl std::future::Future<Output = ()> + Send {
        let this = self.clone();
        async move {
            let _ = this.delete_async(key).await;
        }
    }
}

/// Every chunk whose key is `prefix` or lies under it, component-wise, read on `conn`.
fn load_range_on(
    conn: &Connection,
    prefix: &StorageKey,
) -> Result<HashMap<StorageKey, Vec<u8>>, StorageError> {
    let prefix_text = key_text(prefix);
    let mut found = HashMap::new();
    let mut push = |key: String, data: Vec<u8>| {
        let parts: Vec<&str> = key.split('/').collect();
        if let Ok(key) = StorageKey::from_parts(parts) {
            found.insert(key, data);
        }
    };
    if prefix_text.is_empty() {
        let mut stmt = conn.prepare_cached("SELECT key, data FROM chunks")?;
        for row in stmt.query_map([], |row| Ok((row.get(0)?, row.get(1)?)))? {
            let (key, data) = row?;
            push(key, data);
        }
    } else {
        // Keys under "a/b" lie in ["a/b/", "a/b0"): '0' is the character after '/'.
        let mut stmt = conn.prepare_cached(
            "SELECT key, data FROM chunks WHERE key = ?1 OR (key >= ?1 || '/' AND key < ?1 || '0')",
        )?;
        for row in stmt.query_map([&prefix_text], |row| Ok((row.get(0)?, row.get(1)?)))? {
            let (key, data) = row?;
            push(key, data);
        }
    }
    Ok(found)
}

pub(crate) fn key_text(key: &StorageKey) -> String {
    key.into_iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .join("/")
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic while holding the lock leaves plain data behind; keep going with it.
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}
