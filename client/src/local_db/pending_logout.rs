//! The `pending_logout` table: sessions logged out on this laptop while the server could not be
//! told. Their tokens are kept only until the server has revoked them, and are tried again
//! whenever the server may be reachable.

use rusqlite::params;

use super::LocalDb;
use crate::error::Result;

pub(super) const MIGRATION: &str = "CREATE TABLE pending_logout (
    token TEXT PRIMARY KEY NOT NULL,
    server_url TEXT NOT NULL,
    since_ms INTEGER NOT NULL
);";

/// A session to revoke on the server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PendingLogout {
    pub server_url: String,
    pub token: String,
}

impl LocalDb {
    pub fn add_pending_logout(&self, pending: &PendingLogout, now_ms: i64) -> Result<()> {
        self.conn().execute(
            "INSERT OR IGNORE INTO pending_logout (token, server_url, since_ms) VALUES (?1, ?2, ?3)",
            params![pending.token, pending.server_url, now_ms],
        )?;
        Ok(())
    }

    pub fn pending_logouts(&self) -> Result<Vec<PendingLogout>> {
        let conn = self.conn();
        let mut stmt =
            conn.prepare("SELECT server_url, token FROM pending_logout ORDER BY since_ms")?;
        let rows = stmt
            .query_map([], |r| {
                Ok(PendingLogout {
                    server_url: r.get(0)?,
                    token: r.get(1)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    pub fn remove_pending_logout(&self, token: &str) -> Result<()> {
        self.conn()
            .execute("DELETE FROM pending_logout WHERE token = ?1", [token])?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pending_logout_stays_until_removed() {
        let db = LocalDb::in_memory();
        let pending = PendingLogout {
            server_url: "https://sxd.example.vn".into(),
            token: "t1".into(),
        };
        db.add_pending_logout(&pending, 1).unwrap();
        db.add_pending_logout(&pending, 2).unwrap();
        assert_eq!(
            db.pending_logouts().unwrap(),
            std::slice::from_ref(&pending)
        );
        db.remove_pending_logout("t1").unwrap();
        assert!(db.pending_logouts().unwrap().is_empty());
    }
}
