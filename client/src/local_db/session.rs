//! The `session` table: at most one logged-in session.

use rusqlite::{params, OptionalExtension};

use super::LocalDb;
use crate::error::Result;
use crate::server_url::ServerUrl;
use crate::session::{DeviceId, Session};

pub(super) const MIGRATION: &str = "CREATE TABLE session (
    only INTEGER PRIMARY KEY CHECK (only = 1),
    server_url TEXT NOT NULL,
    username TEXT NOT NULL,
    unit TEXT NOT NULL,
    role TEXT NOT NULL,
    token TEXT NOT NULL,
    peer_id TEXT NOT NULL
);";

pub(super) const MIGRATION_PROFILE: &str = "ALTER TABLE session ADD COLUMN full_name TEXT;
ALTER TABLE session ADD COLUMN unit_head INTEGER NOT NULL DEFAULT 0;";

impl LocalDb {
    /// The stored session; `device` is this installation's id.
    pub fn session(&self, device: &DeviceId) -> Result<Option<Session>> {
        let conn = self.conn();
        let row = conn
            .query_row(
                "SELECT server_url, username, unit, role, token, peer_id, full_name, unit_head
                 FROM session WHERE only = 1",
                [],
                |row| {
                    Ok((
                        (
                            row.get::<_, String>(0)?,
                            row.get(1)?,
                            row.get(2)?,
                            row.get(3)?,
                        ),
                        (row.get(4)?, row.get(5)?, row.get(6)?, row.get(7)?),
                    ))
                },
            )
            .optional()?;
        let Some(((server_url, username, unit, role), (token, peer_id, full_name, unit_head))) =
            row
        else {
            return Ok(None);
        };
        let server_url = match ServerUrl::parse(&server_url) {
            Ok(url) => url,
            Err(err) => {
                tracing::warn!("ignoring the stored session: {err}");
                return Ok(None);
            }
        };
        Ok(Some(Session {
            server_url,
            username,
            unit,
            role,
            full_name,
            unit_head,
            token,
            peer_id,
            device: device.clone(),
        }))
    }

    pub fn save_session(&self, session: &Session) -> Result<()> {
        self.conn().execute(
            "INSERT OR REPLACE INTO session
                 (only, server_url, username, unit, role, token, peer_id, full_name, unit_head)
             VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![
                session.server_url.as_str(),
                session.username,
                session.unit,
                session.role,
                session.token,
                session.peer_id,
                session.full_name,
                session.unit_head
            ],
        )?;
        Ok(())
    }

    /// Updates the stored session's full name and head flag; returns whether they changed.
    pub fn update_profile(&self, full_name: Option<&str>, unit_head: bool) -> Result<bool> {
        let changed = self.conn().execute(
            "UPDATE session SET full_name = ?1, unit_head = ?2
             WHERE only = 1 AND (full_name IS NOT ?1 OR unit_head IS NOT ?2)",
            params![full_name, unit_head],
        )?;
        Ok(changed > 0)
    }

    pub fn clear_session(&self) -> Result<()> {
        self.conn().execute("DELETE FROM session", [])?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_session_round_trips_and_clears() {
        let db = LocalDb::in_memory();
        let device = db.device_id().unwrap();
        assert_eq!(
            db.session(&device).unwrap(),
            None,
            "a new database has no session"
        );
        let session = Session {
            server_url: ServerUrl::parse("http://127.0.0.1:9000").unwrap(),
            username: "lan".into(),
            unit: "VP".into(),
            role: "staff".into(),
            full_name: Some("Nguyễn Thị Lan".into()),
            unit_head: true,
            token: "t0k3n".into(),
            peer_id: "lan/dev-1".into(),
            device: device.clone(),
        };
        db.save_session(&session).unwrap();
        assert_eq!(db.session(&device).unwrap(), Some(session.clone()));
        let renewed = Session {
            token: "new".into(),
            ..session
        };
        db.save_session(&renewed).unwrap();
        assert_eq!(
            db.session(&device).unwrap(),
            Some(renewed),
            "saving replaces"
        );
        assert!(!db.update_profile(Some("Nguyễn Thị Lan"), true).unwrap());
        assert!(db.update_profile(None, false).unwrap(), "changed");
        let stored = db.session(&device).unwrap().unwrap();
        assert_eq!((stored.full_name, stored.unit_head), (None, false));
        db.clear_session().unwrap();
        assert_eq!(db.session(&device).unwrap(), None);
        assert!(!db.update_profile(Some("Ai"), true).unwrap(), "no session");
    }
}
