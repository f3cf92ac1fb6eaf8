//! The client's own small database, `client.sqlite3`: device id, session, the cached document
//! list and the heads the server confirmed. Each table module keeps its migration next to its
//! rows. Migrations only add; a database written by a newer PlanSync is refused.

mod confirmed_heads;
mod device;
mod doc_list;
mod pending_logout;
mod people;
mod receipts;
mod report_parts;
mod session;
mod task_rows;

use std::path::Path;
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use rusqlite::Connection;

use crate::error::{ClientError, Result};

pub(crate) use pending_logout::PendingLogout;
pub(crate) use report_parts::StoredPart;

/// Each entry migrates from version `index` to `index + 1`.
const MIGRATIONS: &[&str] = &[
    device::MIGRATION,
    session::MIGRATION,
    doc_list::MIGRATION,
    confirmed_heads::MIGRATION,
    task_rows::MIGRATION,
    doc_list::MIGRATION_UNIT_NAME,
    pending_logout::MIGRATION,
    receipts::MIGRATION,
    session::MIGRATION_PROFILE,
    people::MIGRATION,
    report_parts::MIGRATION,
];

const VERSION: i64 = MIGRATIONS.len() as i64;

pub(crate) struct LocalDb {
    conn: Mutex<Connection>,
}

impl LocalDb {
    pub fn open(path: &Path) -> Result<LocalDb> {
        let conn = Connection::open(path)?;
        // The session's token lives here: readable by the user only.
        crate::private_files::restrict_file(path)?;
        conn.busy_timeout(Duration::from_secs(5))?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        for companion in ["-wal", "-shm"] {
            let mut name = path.as_os_str().to_owned();
            name.push(companion);
            let companion = std::path::PathBuf::from(name);
            if companion.exists() {
                crate::private_files::restrict_file(&companion)?;
            }
        }
        LocalDb::prepare(conn, &path.display().to_string())
    }

    #[cfg(test)]
    pub fn in_memory() -> LocalDb {
        LocalDb::prepare(Connection::open_in_memory().unwrap(), ":memory:").unwrap()
    }

    fn prepare(conn: Connection, name: &str) -> Result<LocalDb> {
        let found: i64 = conn.pragma_query_value(None, "user_version", |row| row.get(0))?;
        if found > VERSION {
            return Err(ClientError::Internal(format!(
                "{name} has schema version {found}, newer than this program's {VERSION}; update PlanSync"
            )));
        }
        for (idx, migration) in MIGRATIONS.iter().enumerate().skip(found as usize) {
            let tx = conn.unchecked_transaction()?;
            tx.execute_batch(migration)?;
            tx.pragma_update(None, "user_version", idx as i64 + 1)?;
            tx.commit()?;
        }
        Ok(LocalDb {
            conn: Mutex::new(conn),
        })
    }

    fn conn(&self) -> MutexGuard<'_, Connection> {
        self.conn.lock().unwrap_or_else(|p| p.into_inner())
    }
}
