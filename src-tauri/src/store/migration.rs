//! Schema migrations: numbered, applied once each in order, recorded in `schema_migration`.
//!
//! Migrations only add. A database whose highest version is above the app's is refused, so an
//! older app never writes to a schema it does not understand.

use std::time::{SystemTime, UNIX_EPOCH};

use anyhow::{bail, Context};
use rusqlite::{params, Connection};

#[derive(Debug, Clone, Copy)]
pub struct Migration {
    pub version: i64,
    pub name: &'static str,
    pub sql: &'static str,
}

/// Brings `conn` up to the last of `migrations` (which must be in increasing version order).
pub fn migrate(conn: &mut Connection, migrations: &[Migration]) -> anyhow::Result<()> {
    conn.execute_batch(
        "CREATE TABLE IF NOT EXISTS schema_migration (
            version    INTEGER PRIMARY KEY,
            name       TEXT NOT NULL,
            applied_at INTEGER NOT NULL
        )",
    )
    .context("creating the migration table")?;
    let current = current_version(conn)?;
    let known = migrations.last().map_or(0, |m| m.version);
    if current > known {
        bail!("the database has schema version {current}, newer than this app knows ({known}); update PlanSync");
    }
    for migration in migrations.iter().filter(|m| m.version > current) {
        let tx = conn.transaction()?;
        tx.execute_batch(migration.sql).with_context(|| {
            format!(
                "applying migration {} ({})",
                migration.version, migration.name
            )
        })?;
        tx.execute(
            "INSERT INTO schema_migration (version, name, applied_at) VALUES (?1, ?2, ?3)",
            params![
                migration.version,
                migration.name,
                unix_seconds(SystemTime::now())
            ],
        )?;
        tx.commit()
            .with_context(|| format!("committing migration {}", migration.version))?;
    }
    Ok(())
}

/// The highest applied version; 0 for a new database.
pub fn current_version(conn: &Connection) -> anyhow::Result<i64> {
    Ok(conn.query_row(
        "SELECT COALESCE(MAX(version), 0) FROM schema_migration",
        [],
        |row| row.get(0),
    )?)
}

/// Seconds since the Unix epoch; times before it (a badly set clock) count as 0.
pub fn unix_seconds(time: SystemTime) -> i64 {
    time.duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

#[cfg(test)]
mod tests {
    use super::*;

    const FIRST: Migration = Migration {
        version: 1,
        name: "first",
        sql: "CREATE TABLE a (x INTEGER)",
    };
    const SECOND: Migration = Migration {
        version: 2,
        name: "second",
        sql: "CREATE TABLE b (y INTEGER)",
    };

    #[test]
    fn migrations_apply_once_in_order() {
        let mut conn = Connection::open_in_memory().unwrap();
        migrate(&mut conn, &[FIRST]).unwrap();
        migrate(&mut conn, &[FIRST, SECOND]).unwrap();
        migrate(&mut conn, &[FIRST, SECOND]).unwrap();
        assert_eq!(current_version(&conn).unwrap(), 2);
        let n_rows: i64 = conn
            .query_row("SELECT COUNT(*) FROM schema_migration", [], |r| r.get(0))
            .unwrap();
        assert_eq!(n_rows, 2, "re-running migrate applies nothing twice");
    }

    #[test]
    fn a_newer_schema_is_refused() {
        let mut conn = Connection::open_in_memory().unwrap();
        migrate(&mut conn, &[FIRST, SECOND]).unwrap();
        let err = migrate(&mut conn, &[FIRST]).unwrap_err();
        assert!(
            err.to_string().contains("newer than this app"),
            "an older app must not write a newer schema: {err}"
        );
    }

    #[test]
    fn a_failing_migration_leaves_nothing_behind() {
        let mut conn = Connection::open_in_memory().unwrap();
        let broken = Migration {
            version: 1,
            name: "broken",
            sql: "CREATE TABLE c (z); SELEC oops",
        };
        assert!(migrate(&mut conn, &[broken]).is_err());
        assert_eq!(
            current_version(&conn).unwrap(),
            0,
            "the failed migration is not recorded"
        );
        let n_tables: i64 = conn
            .query_row(
                "SELECT COUNT(*) FROM sqlite_master WHERE name = 'c'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(n_tables, 0, "the migration's transaction rolled back");
    }
}
