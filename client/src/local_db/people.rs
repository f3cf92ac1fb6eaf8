//! The `people` table: the people whose names this user may see, as last fetched from
//! `GET /api/people`, so the app shows full names offline and after a restart too.

use rusqlite::params;
use shared::person::Person;

use super::LocalDb;
use crate::error::Result;

pub(super) const MIGRATION: &str = "CREATE TABLE people (
    username TEXT PRIMARY KEY NOT NULL,
    full_name TEXT,
    unit TEXT NOT NULL
) WITHOUT ROWID;";

impl LocalDb {
    /// The people last fetched, by user name.
    pub fn people(&self) -> Result<Vec<Person>> {
        let conn = self.conn();
        let mut stmt =
            conn.prepare_cached("SELECT username, full_name, unit FROM people ORDER BY username")?;
        let rows = stmt
            .query_map([], |row| {
                Ok(Person {
                    username: row.get(0)?,
                    full_name: row.get(1)?,
                    unit: row.get(2)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    /// Replaces the whole list.
    pub fn replace_people(&self, people: &[Person]) -> Result<()> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        tx.execute("DELETE FROM people", [])?;
        {
            let mut stmt = tx.prepare_cached(
                "INSERT OR REPLACE INTO people (username, full_name, unit) VALUES (?1, ?2, ?3)",
            )?;
            for person in people {
                stmt.execute(params![person.username, person.full_name, person.unit])?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// Forgets everyone (at logout: the next user of this laptop may see other people).
    pub fn clear_people(&self) -> Result<()> {
        self.conn().execute("DELETE FROM people", [])?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn person(username: &str, full_name: Option<&str>) -> Person {
        Person {
            username: username.into(),
            full_name: full_name.map(str::to_string),
            unit: "QLHT".into(),
        }
    }

    #[test]
    fn the_people_are_replaced_whole_and_cleared() {
        let db = LocalDb::in_memory();
        assert_eq!(
            db.people().unwrap(),
            vec![],
            "nobody before the first fetch"
        );
        let lan = person("lan", Some("Nguyễn Thị Lan"));
        let minh = person("minh", None);
        db.replace_people(&[minh.clone(), lan.clone()]).unwrap();
        assert_eq!(db.people().unwrap(), vec![lan.clone(), minh]);
        db.replace_people(std::slice::from_ref(&lan)).unwrap();
        assert_eq!(
            db.people().unwrap(),
            vec![lan],
            "someone no longer listed is dropped"
        );
        db.clear_people().unwrap();
        assert_eq!(db.people().unwrap(), vec![]);
    }
}
