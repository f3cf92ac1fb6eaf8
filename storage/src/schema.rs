//! The database's schema and its migrations. Migrations only add; a database written by a newer
//! PlanSync (a higher `user_version`) is refused rather than misread.

use std::path::Path;

use rusqlite::Connection;

use crate::StorageError;

/// Each entry migrates from version `index` to `index + 1`.
const MIGRATIONS: &[&str] =
    &["CREATE TABLE chunks (key TEXT PRIMARY KEY NOT NULL, data BLOB NOT NULL) WITHOUT ROWID;"];

pub const VERSION: i64 = MIGRATIONS.len() as i64;

/// The settings every connection to the store uses: WAL, `synchronous=FULL` (a commit that
/// returned is on disk), and waiting up to 5 s for another writer.
pub(crate) fn configure(conn: &Connection) -> Result<(), StorageError> {
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "FULL")?;
    Ok(())
}

/// Configures `conn` and brings the schema up to date.
pub(crate) fn prepare(conn: &Connection, path: &Path) -> Result<(), StorageError> {
    configure(conn)?;
    let found: i64 = conn.pragma_query_value(None, "user_version", |row| row.get(0))?;
    if found > VERSION {
        return Err(StorageError::TooNew {
            path: path.into(),
            found,
            supported: VERSION,
        });
    }
    for (idx, migration) in MIGRATIONS.iter().enumerate().skip(found as usize) {
        let tx = conn.unchecked_transaction()?;
        tx.execute_batch(migration)?;
        tx.pragma_update(None, "user_version", idx as i64 + 1)?;
        tx.commit()?;
    }
    Ok(())
}
