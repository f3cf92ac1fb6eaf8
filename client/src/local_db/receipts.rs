//! The `receipts` table: the server's record of who sent each change of a document and when
//! (`GET /api/receipts`), kept so the history shows it offline too.

use rusqlite::params;
use shared::record::ChangeReceipt;

use super::LocalDb;
use crate::error::Result;

pub(super) const MIGRATION: &str = "CREATE TABLE receipts (
    doc_id TEXT NOT NULL,
    change_hash TEXT NOT NULL,
    username TEXT NOT NULL,
    device TEXT NOT NULL,
    received_ms INTEGER NOT NULL,
    PRIMARY KEY (doc_id, change_hash)
) WITHOUT ROWID;";

impl LocalDb {
    pub fn save_receipts(&self, doc_id: &str, receipts: &[ChangeReceipt]) -> Result<()> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        {
            let mut stmt = tx.prepare_cached(
                "INSERT OR REPLACE INTO receipts (doc_id, change_hash, username, device, received_ms)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
            )?;
            for r in receipts {
                stmt.execute(params![
                    doc_id,
                    r.change_hash,
                    r.username,
                    r.device,
                    r.received_ms
                ])?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    pub fn receipts(&self, doc_id: &str) -> Result<Vec<ChangeReceipt>> {
        let conn = self.conn();
        let mut stmt = conn.prepare_cached(
            "SELECT change_hash, username, device, received_ms FROM receipts WHERE doc_id = ?1",
        )?;
        let rows = stmt
            .query_map([doc_id], |r| {
                Ok(ChangeReceipt {
                    change_hash: r.get(0)?,
                    username: r.get(1)?,
                    device: r.get(2)?,
                    received_ms: r.get(3)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    pub fn clear_receipts(&self) -> Result<()> {
        self.conn().execute("DELETE FROM receipts", [])?;
        Ok(())
    }
}
