//! The `confirmed_heads` table: per document, heads whose changes (and ancestors) the server
//! has confirmed. Kept so the count of unsynced changes survives restarts and is right offline.

use std::collections::HashMap;

use automerge::ChangeHash;
use rusqlite::params;

use super::LocalDb;
use crate::error::Result;

pub(super) const MIGRATION: &str = "CREATE TABLE confirmed_heads (
    doc_id TEXT PRIMARY KEY NOT NULL,
    heads TEXT NOT NULL
) WITHOUT ROWID;";

impl LocalDb {
    pub fn confirmed_heads(&self) -> Result<HashMap<String, Vec<ChangeHash>>> {
        let conn = self.conn();
        let mut stmt = conn.prepare("SELECT doc_id, heads FROM confirmed_heads")?;
        let rows = stmt
            .query_map([], |row| {
                Ok((row.get::<_, String>(0)?, row.get::<_, String>(1)?))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows
            .into_iter()
            .map(|(doc_id, heads)| {
                let heads = heads
                    .split(',')
                    .filter(|h| !h.is_empty())
                    .filter_map(|h| h.parse().ok())
                    .collect();
                (doc_id, heads)
            })
            .collect())
    }

    pub fn save_confirmed_heads(&self, doc_id: &str, heads: &[ChangeHash]) -> Result<()> {
        let text = heads
            .iter()
            .map(ChangeHash::to_string)
            .collect::<Vec<_>>()
            .join(",");
        self.conn().execute(
            "INSERT OR REPLACE INTO confirmed_heads (doc_id, heads) VALUES (?1, ?2)",
            params![doc_id, text],
        )?;
        Ok(())
    }

    /// Forgets the document list and the confirmed heads (on logout, with the documents).
    pub fn clear_documents(&self) -> Result<()> {
        let conn = self.conn();
        conn.execute_batch(
            "DELETE FROM confirmed_heads; DELETE FROM doc_list; DELETE FROM task_rows; DELETE FROM task_rows_heads;
             DELETE FROM report_parts;",
        )?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn heads_round_trip_per_document() {
        let db = LocalDb::in_memory();
        let a = ChangeHash([1; 32]);
        let b = ChangeHash([2; 32]);
        db.save_confirmed_heads("doc1", &[a, b]).unwrap();
        db.save_confirmed_heads("doc2", &[]).unwrap();
        db.save_confirmed_heads("doc1", &[b]).unwrap();
        let all = db.confirmed_heads().unwrap();
        assert_eq!(all.get("doc1"), Some(&vec![b]), "saving replaces");
        assert_eq!(all.get("doc2"), Some(&vec![]));
        db.clear_documents().unwrap();
        assert!(db.confirmed_heads().unwrap().is_empty());
    }
}
