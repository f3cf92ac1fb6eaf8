//! The `device` table: this installation's id, generated on first use and kept forever.

use rusqlite::OptionalExtension;

use super::LocalDb;
use crate::error::Result;
use crate::session::DeviceId;

pub(super) const MIGRATION: &str =
    "CREATE TABLE device (only INTEGER PRIMARY KEY CHECK (only = 1), id TEXT NOT NULL);";

impl LocalDb {
    /// The device id, generated and stored the first time.
    pub fn device_id(&self) -> Result<DeviceId> {
        let conn = self.conn();
        let found: Option<String> = conn
            .query_row("SELECT id FROM device WHERE only = 1", [], |row| row.get(0))
            .optional()?;
        if let Some(id) = found {
            return Ok(DeviceId::from_stored(id));
        }
        let id = DeviceId::generate(&mut rand::rng());
        conn.execute(
            "INSERT INTO device (only, id) VALUES (1, ?1)",
            [id.as_str()],
        )?;
        Ok(id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_device_id_is_generated_once() {
        let db = LocalDb::in_memory();
        let first = db.device_id().unwrap();
        assert!(first.as_str().starts_with("dev-"), "{first}");
        assert_eq!(db.device_id().unwrap(), first, "a stored id is reused");
    }
}
