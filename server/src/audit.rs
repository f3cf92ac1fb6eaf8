//! The server's own record of every change it received: which authenticated user and device
//! sent it and when, beside what the change says of itself (its commit message, which any client
//! can write as it likes). `audit.sqlite3` in the data directory.
//!
//! Receipts are written by one thread that commits whatever has queued up in one transaction
//! (one fsync for many receipts); [`AuditLog::record`] returns once its receipts are committed,
//! so the server lets a change in only after its receipt is on disk.

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};

use anyhow::{bail, Context, Result};
use rusqlite::{params, Connection};
use serde::Serialize;

/// One change as the server received it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Receipt {
    pub doc_id: String,
    /// The change's hash, hex.
    pub change_hash: String,
    /// The user the sending connection authenticated as.
    pub username: String,
    /// The device of that session (from the peer id `USER/DEVICE`).
    pub device: String,
    /// When the server received it, Unix milliseconds.
    pub received_ms: i64,
    /// The change's own commit message (the author it claims), as sent.
    pub declared: Option<String>,
}

type Batch = (
    Vec<Receipt>,
    tokio::sync::oneshot::Sender<Result<(), String>>,
);

/// The audit database: a writer thread and a read connection.
#[derive(Clone)]
pub struct AuditLog {
    path: PathBuf,
    writer: mpsc::Sender<Batch>,
    reader: Arc<Mutex<Connection>>,
}

/// The schema version this program writes (`PRAGMA user_version`).
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

const MIGRATIONS: &[&str] = &["
CREATE TABLE receipts (
    doc_id TEXT NOT NULL,
    change_hash TEXT NOT NULL,
    username TEXT NOT NULL,
    device TEXT NOT NULL,
    received_ms INTEGER NOT NULL,
    declared TEXT,
    PRIMARY KEY (doc_id, change_hash)
) WITHOUT ROWID;
"];

/// The file of the audit log in a data directory.
pub fn audit_path(data: &Path) -> PathBuf {
    data.join("audit.sqlite3")
}

fn open_connection(path: &Path) -> Result<Connection> {
    let conn = Connection::open(path).with_context(|| format!("cannot open {}", path.display()))?;
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "FULL")?;
    let found: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    let version = MIGRATIONS.len() as i64;
    if found > version {
        bail!(
            "{} has schema version {found}, newer than this program's {version}; update PlanSync",
            path.display()
        );
    }
    for (idx, migration) in MIGRATIONS.iter().enumerate().skip(found as usize) {
        let tx = conn.unchecked_transaction()?;
        tx.execute_batch(migration)?;
        tx.pragma_update(None, "user_version", idx as i64 + 1)?;
        tx.commit()?;
    }
    Ok(conn)
}

impl AuditLog {
    /// Opens (creating) the audit log at `path` and starts its writer thread.
    pub fn open(path: &Path) -> Result<AuditLog> {
        let writer_conn = open_connection(path)?;
        let reader = open_connection(path)?;
        let (writer, batches) = mpsc::channel::<Batch>();
        std::thread::Builder::new()
            .name("audit-writer".into())
            .spawn(move || write_batches(writer_conn, batches))
            .context("cannot start the audit writer")?;
        Ok(AuditLog {
            path: path.to_path_buf(),
            writer,
            reader: Arc::new(Mutex::new(reader)),
        })
    }

    /// The receipts of a document (every document: `None`) read from an existing audit log
    /// without writing (admin commands beside a running server). No log yet: no receipts.
    pub fn read_only(path: &Path, doc_id: Option<&str>) -> Result<Vec<Receipt>> {
        if !path.exists() {
            return Ok(Vec::new());
        }
        let conn = Connection::open_with_flags(path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .with_context(|| format!("cannot open {}", path.display()))?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        all_receipts(&conn, doc_id)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Records receipts; returns once they are committed. A receipt for a change already
    /// recorded keeps the first one.
    pub async fn record(&self, receipts: Vec<Receipt>) -> Result<()> {
        if receipts.is_empty() {
            return Ok(());
        }
        let (done, committed) = tokio::sync::oneshot::channel();
        self.writer
            .send((receipts, done))
            .map_err(|_| anyhow::anyhow!("the audit writer stopped"))?;
        committed
            .await
            .map_err(|_| anyhow::anyhow!("the audit writer stopped"))?
            .map_err(|why| anyhow::anyhow!("cannot record receipts: {why}"))
    }

    /// The receipts of a document, oldest first.
    pub fn receipts(&self, doc_id: &str) -> Result<Vec<Receipt>> {
        let conn = self.reader.lock().unwrap_or_else(|p| p.into_inner());
        all_receipts(&conn, Some(doc_id))
    }
}

fn all_receipts(conn: &Connection, doc_id: Option<&str>) -> Result<Vec<Receipt>> {
    let mut stmt = conn.prepare(
        "SELECT doc_id, change_hash, username, device, received_ms, declared FROM receipts
         WHERE ?1 IS NULL OR doc_id = ?1 ORDER BY received_ms, change_hash",
    )?;
    let rows = stmt
        .query_map([doc_id], |r| {
            Ok(Receipt {
                doc_id: r.get(0)?,
                change_hash: r.get(1)?,
                username: r.get(2)?,
                device: r.get(3)?,
                received_ms: r.get(4)?,
                declared: r.get(5)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// The writer thread: takes a batch, adds every batch already waiting, commits them in one
/// transaction and answers each.
fn write_batches(mut conn: Connection, batches: mpsc::Receiver<Batch>) {
    while let Ok(first) = batches.recv() {
        let mut group = vec![first];
        while let Ok(more) = batches.try_recv() {
            group.push(more);
            if group.len() >= 256 {
                break;
            }
        }
        let result = insert_all(&mut conn, group.iter().flat_map(|(r, _)| r.iter()));
        if let Err(err) = &result {
            tracing::error!("audit log write failed: {err}");
        }
        for (_, done) in group {
            let _ = done.send(result.clone().map_err(|e| e.to_string()));
        }
    }
}

fn insert_all<'a>(
    conn: &mut Connection,
    receipts: impl Iterator<Item = &'a Receipt>,
) -> Result<(), String> {
    let tx = conn.transaction().map_err(|e| e.to_string())?;
    {
        let mut stmt = tx
            .prepare_cached(
                "INSERT OR IGNORE INTO receipts (doc_id, change_hash, username, device, received_ms, declared)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )
            .map_err(|e| e.to_string())?;
        for r in receipts {
            stmt.execute(params![
                r.doc_id,
                r.change_hash,
                r.username,
                r.device,
                r.received_ms,
                r.declared
            ])
            .map_err(|e| e.to_string())?;
        }
    }
    tx.commit().map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn receipt(hash: &str, user: &str, at: i64) -> Receipt {
        Receipt {
            doc_id: "doc".into(),
            change_hash: hash.into(),
            username: user.into(),
            device: "laptop".into(),
            received_ms: at,
            declared: Some("{\"user\":\"someone\"}".into()),
        }
    }

    #[tokio::test]
    async fn the_first_receipt_of_a_change_is_kept() {
        let dir = tempfile::tempdir().unwrap();
        let log = AuditLog::open(&audit_path(dir.path())).unwrap();
        log.record(vec![receipt("aa", "lan", 1), receipt("bb", "lan", 2)])
            .await
            .unwrap();
        log.record(vec![receipt("aa", "mallory", 3)]).await.unwrap();
        let found = log.receipts("doc").unwrap();
        assert_eq!(
            found
                .iter()
                .map(|r| (r.change_hash.as_str(), r.username.as_str()))
                .collect::<Vec<_>>(),
            [("aa", "lan"), ("bb", "lan")],
            "a change sent again by another user keeps the receipt of who sent it first"
        );
        assert_eq!(
            AuditLog::read_only(&audit_path(dir.path()), Some("doc"))
                .unwrap()
                .len(),
            2
        );
    }
}
