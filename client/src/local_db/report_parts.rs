//! The `report_parts` table: the units' report parts ([`shared::report::UnitPart`], as JSON)
//! kept from one start to the next, so that the first dashboard after a start reads only the
//! units whose documents changed since (see `crate::report`). A row is the part of one unit
//! read against one context (plan, period and calendar, by fingerprint) from the documents
//! whose heads it names; a few contexts are kept (the periods last looked at), the rest go.
//! Wiped at logout with the documents.

use rusqlite::params;

use super::LocalDb;
use crate::error::Result;

pub(super) const MIGRATION: &str = "CREATE TABLE report_parts (
    context TEXT NOT NULL,
    unit TEXT NOT NULL,
    name TEXT NOT NULL,
    records_heads TEXT NOT NULL,
    review_heads TEXT,
    part TEXT NOT NULL,
    used_ms INTEGER NOT NULL,
    PRIMARY KEY (context, unit)
) WITHOUT ROWID;";

/// How many contexts' parts are kept (one per period looked at, while the plan is the same).
const KEEP_CONTEXTS: i64 = 6;

/// A unit's part as kept: what it was read from, and the part as JSON.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct StoredPart {
    pub unit: String,
    pub name: String,
    /// The heads of the records and review documents (see `crate::report::heads_text`).
    pub records_heads: String,
    pub review_heads: Option<String>,
    pub part: String,
}

impl LocalDb {
    /// Every unit's part kept for `context`.
    pub fn report_parts(&self, context: &str) -> Result<Vec<StoredPart>> {
        let conn = self.conn();
        let mut stmt = conn.prepare_cached(
            "SELECT unit, name, records_heads, review_heads, part FROM report_parts WHERE context = ?1",
        )?;
        let parts = stmt
            .query_map([context], |r| {
                Ok(StoredPart {
                    unit: r.get(0)?,
                    name: r.get(1)?,
                    records_heads: r.get(2)?,
                    review_heads: r.get(3)?,
                    part: r.get(4)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(parts)
    }

    /// Keeps `parts` for `context` (each in place of the unit's last one), marks the context
    /// used at `now_ms`, and forgets the parts of all but the contexts used last.
    pub fn save_report_parts(
        &self,
        context: &str,
        parts: &[StoredPart],
        now_ms: i64,
    ) -> Result<()> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        for part in parts {
            tx.execute(
                "INSERT INTO report_parts (context, unit, name, records_heads, review_heads, part, used_ms)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
                 ON CONFLICT(context, unit) DO UPDATE SET name = excluded.name,
                     records_heads = excluded.records_heads, review_heads = excluded.review_heads,
                     part = excluded.part, used_ms = excluded.used_ms",
                params![
                    context,
                    part.unit,
                    part.name,
                    part.records_heads,
                    part.review_heads,
                    part.part,
                    now_ms
                ],
            )?;
        }
        tx.execute(
            "UPDATE report_parts SET used_ms = ?2 WHERE context = ?1",
            params![context, now_ms],
        )?;
        tx.execute(
            "DELETE FROM report_parts WHERE context NOT IN (
                 SELECT context FROM report_parts GROUP BY context ORDER BY MAX(used_ms) DESC LIMIT ?1)",
            [KEEP_CONTEXTS],
        )?;
        tx.commit()?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn part(unit: &str, heads: &str) -> StoredPart {
        StoredPart {
            unit: unit.into(),
            name: format!("Phòng {unit}"),
            records_heads: heads.into(),
            review_heads: None,
            part: format!("{{\"of\": \"{unit}\"}}"),
        }
    }

    #[test]
    fn parts_are_kept_per_context_and_unit_for_the_contexts_used_last() {
        let db = LocalDb::in_memory();
        db.save_report_parts("c0", &[part("A", "h1"), part("B", "h1")], 1)
            .unwrap();
        db.save_report_parts("c0", &[part("A", "h2")], 2).unwrap();
        let kept = db.report_parts("c0").unwrap();
        assert_eq!(kept.len(), 2);
        assert!(kept.contains(&part("A", "h2")));
        assert!(kept.contains(&part("B", "h1")));
        for n in 1..=KEEP_CONTEXTS {
            db.save_report_parts(&format!("c{n}"), &[part("A", "h")], 10 + n)
                .unwrap();
        }
        assert!(
            db.report_parts("c0").unwrap().is_empty(),
            "the oldest is gone"
        );
        assert_eq!(db.report_parts("c1").unwrap().len(), 1);
        // Using a context again keeps it.
        db.save_report_parts("c1", &[], 100).unwrap();
        db.save_report_parts("c9", &[part("A", "h")], 101).unwrap();
        assert_eq!(db.report_parts("c1").unwrap().len(), 1);
        // Logging out forgets them with the documents.
        db.clear_documents().unwrap();
        assert!(db.report_parts("c1").unwrap().is_empty());
    }
}
