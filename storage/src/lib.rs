//! The samod [`Storage`](samod::Storage) over SQLite, shared by the desktop app and the server.
//!
//! - One table of chunks keyed by the storage key's components joined with "/" (components never
//!   contain "/"), so a prefix matches whole components only: "abc" never matches "abcd".
//! - WAL journal with `synchronous=FULL`: a write that returned is on disk.
//! - A failed write is retried; if it still fails the storage turns *failed*: every later write
//!   and delete is refused (so compaction cannot delete chunks a lost snapshot replaced) and
//!   [`SqliteStorage::failure`] says why, for the app to show and the server to stop on.
//! - [`DurableIndex`] records which changes of each document are committed; the server holds
//!   outgoing sync messages on it, so it never passes on or confirms a change it has not stored,
//!   and the app reports an edit saved only once it is in the index.

mod durable;
mod read_only;
mod schema;

pub use durable::DurableIndex;
pub use read_only::{ReadDocumentError, ReadOnlyDocuments};

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use rusqlite::{params, Connection, OptionalExtension};
use samod::storage::StorageKey;
use tokio::sync::watch;

/// How often a failed write is tried again before the storage gives up, and the pauses between.
const RETRY_PAUSES: [Duration; 3] = [
    Duration::from_millis(50),
    Duration::from_millis(250),
    Duration::from_secs(1),
];

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
    path: PathBuf,
    conn: Mutex<Connection>,
    failure: watch::Sender<Option<String>>,
    durable: DurableIndex,
}

impl SqliteStorage {
    /// Opens (creating if needed) the chunk store in the SQLite database at `path`.
    pub fn open(path: &Path) -> Result<SqliteStorage, StorageError> {
        let conn = Connection::open(path).map_err(|source| StorageError::Open {
            path: path.into(),
            source,
        })?;
        schema::prepare(&conn, path)?;
        Ok(SqliteStorage {
            inner: Arc::new(Inner {
                path: path.into(),
                conn: Mutex::new(conn),
                failure: watch::channel(None).0,
                durable: DurableIndex::default(),
            }),
        })
    }

    pub fn path(&self) -> &Path {
        &self.inner.path
    }

    /// Which changes of each document are on disk (see [`DurableIndex`]).
    pub fn durable(&self) -> &DurableIndex {
        &self.inner.durable
    }

    /// Why the storage failed, if it did.
    pub fn failure(&self) -> Option<String> {
        self.inner.failure.borrow().clone()
    }

    /// A receiver that changes when the storage fails.
    pub fn watch_failure(&self) -> watch::Receiver<Option<String>> {
        self.inner.failure.subscribe()
    }

    /// Writes a chunk now, on the calling thread, and returns once it is committed (or the
    /// storage failed).
    pub fn put_now(&self, key: &StorageKey, data: &[u8]) -> Result<(), StorageError> {
        let result = self.write_with_retries(|conn| put_chunk(conn, key, data), "write");
        if result.is_ok() {
            self.record_durable(key, data);
        }
        result
    }

    fn record_durable(&self, key: &StorageKey, data: &[u8]) {
        let parts: Vec<&str> = key.into_iter().map(String::as_str).collect();
        self.inner.durable.record(&parts, data);
    }

    pub fn load_now(&self, key: &StorageKey) -> Result<Option<Vec<u8>>, StorageError> {
        let conn = lock(&self.inner.conn);
        let data = conn
            .query_row(
                "SELECT data FROM chunks WHERE key = ?1",
                [key_text(key)],
                |row| row.get(0),
            )
            .optional()?;
        Ok(data)
    }

    /// Every chunk whose key is `prefix` or lies under it, component-wise.
    pub fn load_range_now(
        &self,
        prefix: &StorageKey,
    ) -> Result<HashMap<StorageKey, Vec<u8>>, StorageError> {
        let conn = lock(&self.inner.conn);
        let prefix_text = key_text(prefix);
        let mut found = HashMap::new();
        let mut push = |key: String, data: Vec<u8>| {
            let parts: Vec<&str> = key.split('/').collect();
            if let Ok(key) = StorageKey::from_parts(parts) {
                found.insert(key, data);
            }
        };
        if prefix_text.is_empty() {
            let mut stmt = conn.prepare("SELECT key, data FROM chunks")?;
            for row in stmt.query_map([], |row| Ok((row.get(0)?, row.get(1)?)))? {
                let (key, data) = row?;
                push(key, data);
            }
        } else {
            // Keys under "a/b" lie in ["a/b/", "a/b0"): '0' is the character after '/'.
            let mut stmt = conn.prepare(
                "SELECT key, data FROM chunks WHERE key = ?1 OR (key >= ?1 || '/' AND key < ?1 || '0')",
            )?;
            for row in stmt.query_map([&prefix_text], |row| Ok((row.get(0)?, row.get(1)?)))? {
                let (key, data) = row?;
                push(key, data);
            }
        }
        Ok(found)
    }

    pub fn delete_now(&self, key: &StorageKey) -> Result<(), StorageError> {
        self.write_with_retries(|conn| delete_chunk(conn, key), "delete")
    }

    /// Marks the storage failed (used by tests that simulate a full disk, and by write errors).
    pub fn fail(&self, why: &str) {
        tracing::error!(path = %self.inner.path.display(), "storage failed: {why}");
        self.inner.failure.send_if_modified(|f| {
            if f.is_none() {
                *f = Some(why.to_string());
                true
            } else {
                false
            }
        });
    }

    fn write_with_retries(
        &self,
        write: impl Fn(&Connection) -> rusqlite::Result<()>,
        what: &str,
    ) -> Result<(), StorageError> {
        if let Some(why) = self.failure() {
            return Err(StorageError::Failed(why));
        }
        let mut last_error = None;
        for pause in std::iter::once(Duration::ZERO).chain(RETRY_PAUSES) {
            std::thread::sleep(pause);
            let conn = lock(&self.inner.conn);
            match write(&conn) {
                Ok(()) => return Ok(()),
                Err(err) => {
                    tracing::warn!(path = %self.inner.path.display(), "storage {what} failed, will retry: {err}");
                    last_error = Some(err);
                }
            }
        }
        let why = format!(
            "{what} failed after {} tries: {}",
            RETRY_PAUSES.len() + 1,
            last_error.expect("tried")
        );
        self.fail(&why);
        Err(StorageError::Failed(why))
    }

    /// Runs blocking storage work off the async runtime.
    async fn blocking<T: Send + 'static>(
        &self,
        work: impl FnOnce(SqliteStorage) -> T + Send + 'static,
    ) -> T {
        let this = self.clone();
        tokio::task::spawn_blocking(move || work(this))
            .await
            .expect("storage work does not panic")
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
                for (key, data) in &found {
                    s.record_durable(key, data);
                }
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
            this.blocking(move |s| {
                if s.write_with_retries(|conn| put_chunk(conn, &key, &data), "write")
                    .is_ok()
                {
                    s.record_durable(&key, &data);
                }
            })
            .await
        }
    }

    fn delete(&self, key: StorageKey) -> impl std::future::Future<Output = ()> + Send {
        let this = self.clone();
        async move {
            this.blocking(move |s| {
                let _ = s.write_with_retries(|conn| delete_chunk(conn, &key), "delete");
            })
            .await
        }
    }
}

fn key_text(key: &StorageKey) -> String {
    key.into_iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .join("/")
}

fn put_chunk(conn: &Connection, key: &StorageKey, data: &[u8]) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO chunks (key, data) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET data = excluded.data",
        params![key_text(key), data],
    )?;
    Ok(())
}

fn delete_chunk(conn: &Connection, key: &StorageKey) -> rusqlite::Result<()> {
    conn.execute("DELETE FROM chunks WHERE key = ?1", [key_text(key)])?;
    Ok(())
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic while holding the lock leaves plain data behind; keep going with it.
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}
