//! The `doc_list` table: the document list last fetched from `GET /api/docs`, so the app knows
//! its documents (and what it may write) offline.

use rusqlite::params;
use shared::documents::DocumentKind;

use super::LocalDb;
use crate::doc_info::{Access, DocInfo};
use crate::error::Result;

pub(super) const MIGRATION: &str = "CREATE TABLE doc_list (
    id TEXT PRIMARY KEY NOT NULL,
    kind TEXT NOT NULL,
    unit TEXT,
    year INTEGER,
    access TEXT NOT NULL
) WITHOUT ROWID;";

pub(super) const MIGRATION_UNIT_NAME: &str = "ALTER TABLE doc_list ADD COLUMN unit_name TEXT;";

impl LocalDb {
    pub fn doc_list(&self) -> Result<Vec<DocInfo>> {
        let conn = self.conn();
        let mut stmt = conn.prepare(
            "SELECT id, kind, unit, year, access, unit_name FROM doc_list
             ORDER BY kind, unit, year, id",
        )?;
        let rows = stmt
            .query_map([], |row| {
                Ok((
                    row.get::<_, String>(0)?,
                    row.get::<_, String>(1)?,
                    row.get::<_, Option<String>>(2)?,
                    row.get::<_, Option<i32>>(3)?,
                    row.get::<_, String>(4)?,
                    row.get::<_, Option<String>>(5)?,
                ))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows
            .into_iter()
            .filter_map(|(id, kind, unit, year, access, unit_name)| {
                Some(DocInfo {
                    id: id.parse().ok()?,
                    kind: DocumentKind::parse(&kind)?,
                    unit,
                    unit_name,
                    year,
                    access: Access::parse(&access)?,
                })
            })
            .collect())
    }

    /// Replaces the whole list.
    pub fn replace_doc_list(&self, docs: &[DocInfo]) -> Result<()> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        tx.execute("DELETE FROM doc_list", [])?;
        for doc in docs {
            tx.execute(
                "INSERT OR REPLACE INTO doc_list (id, kind, unit, year, access, unit_name)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![
                    doc.id.to_string(),
                    doc.kind.as_str(),
                    doc.unit,
                    doc.year,
                    doc.access.as_str(),
                    doc.unit_name
                ],
            )?;
        }
        tx.commit()?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_list_is_replaced_whole() {
        let db = LocalDb::in_memory();
        assert_eq!(db.doc_list().unwrap(), vec![]);
        let plan = DocInfo {
            id: samod::DocumentId::new(&mut rand::rng()),
            kind: DocumentKind::Plan,
            unit: None,
            unit_name: None,
            year: None,
            access: Access::Read,
        };
        let records = DocInfo {
            id: samod::DocumentId::new(&mut rand::rng()),
            kind: DocumentKind::Records,
            unit: Some("VP".into()),
            unit_name: Some("Văn phòng Sở".into()),
            year: Some(2026),
            access: Access::Write,
        };
        db.replace_doc_list(&[plan.clone(), records.clone()])
            .unwrap();
        let mut found = db.doc_list().unwrap();
        found.sort_by_key(|d| d.kind);
        assert_eq!(found, vec![plan.clone(), records]);
        db.replace_doc_list(std::slice::from_ref(&plan)).unwrap();
        assert_eq!(
            db.doc_list().unwrap(),
            vec![plan],
            "a document no longer listed is dropped"
        );
    }
}
