//! Reading documents out of a chunk store without writing anything: for admin commands that
//! run beside a server which owns the store (report exports, audits, backups' checks).
//!
//! A document is its snapshots and incremental changes (`DOC/snapshot/*`, `DOC/incremental/*`),
//! loaded together as samod loads them.

use std::path::{Path, PathBuf};

use automerge::Automerge;
use rusqlite::{Connection, OpenFlags};

use crate::StorageError;

/// A read-only view of a chunk store.
pub struct ReadOnlyDocuments {
    conn: Connection,
    path: PathBuf,
}

#[derive(Debug, thiserror::Error)]
pub enum ReadDocumentError {
    #[error(transparent)]
    Storage(#[from] StorageError),
    #[error("document {doc} in {path} does not load: {why}")]
    Corrupt {
        doc: String,
        path: PathBuf,
        why: String,
    },
}

impl ReadOnlyDocuments {
    pub fn open(path: &Path) -> Result<ReadOnlyDocuments, StorageError> {
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(|source| StorageError::Open {
            path: path.into(),
            source,
        })?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        Ok(ReadOnlyDocuments {
            conn,
            path: path.into(),
        })
    }

    /// The document `doc_id`, or `None` when the store has no chunk of it.
    pub fn load(&self, doc_id: &str) -> Result<Option<Automerge>, ReadDocumentError> {
        // Keys under "DOC" lie in ["DOC/", "DOC0"): '0' is the character after '/'.
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT key, data FROM chunks WHERE key >= ?1 || '/' AND key < ?1 || '0' ORDER BY key",
            )
            .map_err(StorageError::from)?;
        let chunks: Vec<(String, Vec<u8>)> = stmt
            .query_map([doc_id], |row| Ok((row.get(0)?, row.get(1)?)))
            .map_err(StorageError::from)?
            .collect::<rusqlite::Result<_>>()
            .map_err(StorageError::from)?;
        if chunks.is_empty() {
            return Ok(None);
        }
        let corrupt = |why: String| ReadDocumentError::Corrupt {
            doc: doc_id.to_string(),
            path: self.path.clone(),
            why,
        };
        // Snapshots first, then the incremental changes on top.
        let mut doc = Automerge::new();
        for kind in ["snapshot", "incremental"] {
            for (key, data) in &chunks {
                if key.split('/').nth(1) == Some(kind) {
                    doc.load_incremental(data)
                        .map_err(|e| corrupt(format!("{key}: {e}")))?;
                }
            }
        }
        Ok(Some(doc))
    }
}
