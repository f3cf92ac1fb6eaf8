//! The `task_rows` table: the read model. One plain row per (records document, task), rebuilt
//! from the plan and records documents, for fast lists and diacritic-insensitive search:
//! `folded` holds the task's searchable text folded by `shared::vietnamese::fold` (so "dao tao"
//! finds "Đào tạo", which SQLite's own `remove_diacritics` would not, since đ is a letter).

use rusqlite::params;

use super::LocalDb;
use crate::error::Result;
use crate::read_model::TaskRow;

pub(super) const MIGRATION: &str = "CREATE TABLE task_rows (
    doc_id TEXT NOT NULL,
    task_id TEXT NOT NULL,
    position INTEGER NOT NULL,
    unit TEXT NOT NULL,
    index_code TEXT NOT NULL,
    code TEXT NOT NULL,
    title TEXT NOT NULL,
    lead TEXT NOT NULL,
    status TEXT,
    progress INTEGER,
    conflict INTEGER NOT NULL,
    folded TEXT NOT NULL,
    PRIMARY KEY (doc_id, task_id)
) WITHOUT ROWID;
CREATE TABLE task_rows_heads (doc_id TEXT PRIMARY KEY NOT NULL, heads TEXT NOT NULL) WITHOUT ROWID;";

impl LocalDb {
    /// The heads a document's rows were built from (empty when never built).
    pub fn task_rows_heads(&self, doc_id: &str) -> Result<String> {
        let conn = self.conn();
        let heads = conn
            .query_row(
                "SELECT heads FROM task_rows_heads WHERE doc_id = ?1",
                [doc_id],
                |r| r.get(0),
            )
            .unwrap_or_default();
        Ok(heads)
    }

    /// Replaces a document's rows, recording the heads they were built from, in one transaction.
    pub fn replace_task_rows(
        &self,
        doc_id: &str,
        heads: &str,
        rows: &[(TaskRow, String)],
    ) -> Result<()> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        tx.execute("DELETE FROM task_rows WHERE doc_id = ?1", [doc_id])?;
        for (position, (row, folded)) in rows.iter().enumerate() {
            tx.execute(
                "INSERT INTO task_rows (doc_id, task_id, position, unit, index_code, code, title, lead, status,
                                        progress, conflict, folded)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
                params![
                    doc_id,
                    row.task_id,
                    position as i64,
                    row.unit,
                    row.index,
                    row.code,
                    row.title,
                    row.lead,
                    row.status,
                    row.progress,
                    row.conflict,
                    folded
                ],
            )?;
        }
        tx.execute(
            "INSERT INTO task_rows_heads (doc_id, heads) VALUES (?1, ?2)
             ON CONFLICT(doc_id) DO UPDATE SET heads = excluded.heads",
            params![doc_id, heads],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Rows whose folded text contains every one of `words` (already folded), in plan order.
    pub fn search_task_rows(&self, words: &[String]) -> Result<Vec<TaskRow>> {
        let mut sql = String::from(
            "SELECT task_id, unit, index_code, code, title, lead, status, progress, conflict FROM task_rows WHERE 1",
        );
        for idx in 0..words.len() {
            sql.push_str(&format!(" AND instr(folded, ?{}) > 0", idx + 1));
        }
        sql.push_str(" ORDER BY unit, position");
        let conn = self.conn();
        let mut stmt = conn.prepare(&sql)?;
        let rows = stmt
            .query_map(rusqlite::params_from_iter(words.iter()), |r| {
                Ok(TaskRow {
                    task_id: r.get(0)?,
                    unit: r.get(1)?,
                    index: r.get(2)?,
                    code: r.get(3)?,
                    title: r.get(4)?,
                    lead: r.get(5)?,
                    status: r.get(6)?,
                    progress: r.get(7)?,
                    conflict: r.get(8)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }
}
