//! The local SQLite store (WAL), in the app's data directory.
//!
//! Each table lives in its own module beside its migration; [`migration`] applies them in order
//! and refuses a database written by a newer app. For now the one table is [`plan_table`]: every
//! imported plan as JSON, with its import time.

pub mod migration;
pub mod plan_table;

use std::path::Path;
use std::sync::{Mutex, MutexGuard};
use std::time::SystemTime;

use anyhow::{anyhow, Context};
use rusqlite::Connection;
use shared::Plan;

use crate::store::migration::Migration;
pub use crate::store::plan_table::StoredPlan;

/// Every migration the app knows, in order; versions only ever grow.
pub const MIGRATIONS: &[Migration] = &[plan_table::MIGRATION];

pub struct Store {
    conn: Mutex<Connection>,
}

impl Store {
    /// Opens (creating if needed) the database at `path`, in WAL mode, and migrates it.
    pub fn open(path: &Path) -> anyhow::Result<Store> {
        let conn = Connection::open(path).context("opening the SQLite file")?;
        let mode: String = conn
            .query_row("PRAGMA journal_mode = WAL", [], |row| row.get(0))
            .context("switching to WAL")?;
        anyhow::ensure!(
            mode.eq_ignore_ascii_case("wal"),
            "SQLite refused WAL mode (journal mode is {mode})"
        );
        Store::setup(conn)
    }

    /// A database that lives in memory only, for tests.
    pub fn open_in_memory() -> anyhow::Result<Store> {
        Store::setup(Connection::open_in_memory().context("opening an in-memory database")?)
    }

    fn setup(mut conn: Connection) -> anyhow::Result<Store> {
        conn.pragma_update(None, "foreign_keys", "ON")
            .context("enabling foreign keys")?;
        // NORMAL is durable in WAL mode except for the last transactions before a power cut.
        conn.pragma_update(None, "synchronous", "NORMAL")
            .context("setting synchronous")?;
        conn.busy_timeout(std::time::Duration::from_secs(5))
            .context("setting the busy timeout")?;
        migration::migrate(&mut conn, MIGRATIONS)?;
        Ok(Store {
            conn: Mutex::new(conn),
        })
    }

    fn conn(&self) -> anyhow::Result<MutexGuard<'_, Connection>> {
        self.conn
            .lock()
            .map_err(|_| anyhow!("the database lock was poisoned by a panic"))
    }

    /// The most recently imported plan.
    pub fn latest_plan(&self) -> anyhow::Result<Option<StoredPlan>> {
        plan_table::latest(&*self.conn()?).context("reading the stored plan")
    }

    /// Stores `plan` as imported from `source` at `imported_at`; returns its row id.
    pub fn insert_plan(
        &self,
        plan: &Plan,
        source: &str,
        imported_at: SystemTime,
    ) -> anyhow::Result<i64> {
        plan_table::insert(&*self.conn()?, plan, source, imported_at).context("storing the plan")
    }

    /// The journal mode in force ("wal" for a file database).
    pub fn journal_mode(&self) -> anyhow::Result<String> {
        Ok(self
            .conn()?
            .query_row("PRAGMA journal_mode", [], |row| row.get(0))?)
    }
}
