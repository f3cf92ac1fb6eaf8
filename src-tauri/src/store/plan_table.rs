//! The `plan` table: each imported plan as JSON, with where and when it was imported.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use anyhow::Context;
use rusqlite::{params, Connection, OptionalExtension};
use shared::Plan;

use crate::store::migration::{unix_seconds, Migration};

pub const MIGRATION: Migration = Migration {
    version: 1,
    name: "plan",
    sql: "CREATE TABLE plan (
        id          INTEGER PRIMARY KEY AUTOINCREMENT,
        imported_at INTEGER NOT NULL,
        source      TEXT NOT NULL,
        plan_json   TEXT NOT NULL
    )",
};

/// A plan as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredPlan {
    pub id: i64,
    pub imported_at: SystemTime,
    /// Where the plan was imported from (a file path).
    pub source: String,
    pub plan: Plan,
}

pub fn insert(
    conn: &Connection,
    plan: &Plan,
    source: &str,
    imported_at: SystemTime,
) -> anyhow::Result<i64> {
    let json = serde_json::to_string(plan).context("serialising the plan")?;
    conn.execute(
        "INSERT INTO plan (imported_at, source, plan_json) VALUES (?1, ?2, ?3)",
        params![unix_seconds(imported_at), source, json],
    )?;
    Ok(conn.last_insert_rowid())
}

/// The plan imported last.
pub fn latest(conn: &Connection) -> anyhow::Result<Option<StoredPlan>> {
    let row = conn
        .query_row(
            "SELECT id, imported_at, source, plan_json FROM plan ORDER BY id DESC LIMIT 1",
            [],
            |row| {
                Ok((
                    row.get::<_, i64>(0)?,
                    row.get::<_, i64>(1)?,
                    row.get::<_, String>(2)?,
                    row.get::<_, String>(3)?,
                ))
            },
        )
        .optional()?;
    let Some((id, seconds, source, json)) = row else {
        return Ok(None);
    };
    let plan =
        serde_json::from_str(&json).with_context(|| format!("reading plan {id} from its JSON"))?;
    let imported_at = UNIX_EPOCH + Duration::from_secs(u64::try_from(seconds).unwrap_or(0));
    Ok(Some(StoredPlan {
        id,
        imported_at,
        source,
        plan,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Store;

    fn plan(title: &str) -> Plan {
        Plan {
            number: "/KH-SXD".into(),
            date: String::new(),
            date_parts: Default::default(),
            place: "Tuyên Quang".into(),
            issuer: "Sở Xây dựng".into(),
            kind: "KẾ HOẠCH".into(),
            title: title.into(),
            period: None,
            appendices: Vec::new(),
            units: Default::default(),
            calendar: None,
        }
    }

    #[test]
    fn a_file_store_keeps_plans_across_reopening_in_wal_mode() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("plansync.sqlite3");
        let at = UNIX_EPOCH + Duration::from_secs(1_767_225_600);
        {
            let store = Store::open(&path).unwrap();
            assert_eq!(store.journal_mode().unwrap(), "wal");
            assert_eq!(
                store.latest_plan().unwrap(),
                None,
                "a new database holds no plan"
            );
            store
                .insert_plan(&plan("Kế hoạch cũ"), "/seeds/old.txt", at)
                .unwrap();
            store
                .insert_plan(&plan("Kế hoạch mới"), "/seeds/new.txt", at)
                .unwrap();
        }
        let store = Store::open(&path).unwrap();
        let latest = store
            .latest_plan()
            .unwrap()
            .expect("the plans survive closing the database");
        assert_eq!(latest.plan, plan("Kế hoạch mới"), "the latest import wins");
        assert_eq!(latest.source, "/seeds/new.txt");
        assert_eq!(latest.imported_at, at);
    }

    #[test]
    fn unreadable_json_is_an_error_not_an_empty_store() {
        let store = Store::open_in_memory().unwrap();
        store
            .conn()
            .unwrap()
            .execute(
                "INSERT INTO plan (imported_at, source, plan_json) VALUES (0, 'x', '{')",
                [],
            )
            .unwrap();
        let err = store.latest_plan().unwrap_err();
        assert!(
            format!("{err:#}").contains("reading plan 1"),
            "the error names the row: {err:#}"
        );
    }
}
