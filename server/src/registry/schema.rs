//! The registry's tables. Migrations only add; a newer schema is refused.

use std::path::Path;

use anyhow::{bail, Result};
use rusqlite::Connection;

pub(super) const MIGRATIONS: &[&str] = &[
    "
CREATE TABLE units (code TEXT PRIMARY KEY, name TEXT NOT NULL, kind TEXT NOT NULL);
CREATE TABLE users (
    username TEXT PRIMARY KEY,
    unit TEXT NOT NULL REFERENCES units(code),
    role TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    disabled INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL
);
CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    username TEXT NOT NULL REFERENCES users(username),
    device TEXT NOT NULL,
    peer_id TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
);
CREATE TABLE tickets (
    ticket_hash TEXT PRIMARY KEY,
    username TEXT NOT NULL REFERENCES users(username),
    peer_id TEXT NOT NULL,
    expires_at INTEGER NOT NULL
);
CREATE TABLE documents (
    doc_id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    unit TEXT REFERENCES units(code),
    year INTEGER
);
",
    "
CREATE TABLE judged_heads (
    doc_id TEXT PRIMARY KEY,
    heads TEXT NOT NULL,
    judged_at INTEGER NOT NULL
);
ALTER TABLE users ADD COLUMN sessions_revoked_at INTEGER NOT NULL DEFAULT 0;
ALTER TABLE tickets ADD COLUMN session_hash TEXT;
CREATE INDEX sessions_by_user ON sessions(username);
CREATE INDEX sessions_by_expiry ON sessions(expires_at);
CREATE INDEX tickets_by_expiry ON tickets(expires_at);
",
    "
CREATE TABLE evidence_owners (
    unit TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    size INTEGER NOT NULL,
    since_ms INTEGER NOT NULL,
    unlisted_since_ms INTEGER,
    PRIMARY KEY (unit, sha256)
) WITHOUT ROWID;
CREATE INDEX evidence_owners_by_hash ON evidence_owners(sha256);
",
    // Work an upgrade leaves for the server's next start (it needs the documents, which SQL
    // cannot read). A registry from before `evidence_owners` (schema 3) has none: the units'
    // evidence files already on the server must be given to the units listing them, or the
    // evidence sweep would delete them as held by nobody.
    "
CREATE TABLE upgrade_steps (step TEXT PRIMARY KEY NOT NULL) WITHOUT ROWID;
INSERT INTO upgrade_steps (step)
    SELECT 'adopt_listed_evidence'
    WHERE NOT EXISTS (SELECT 1 FROM evidence_owners) AND EXISTS (SELECT 1 FROM documents);
",
    // People by their names: a user's full name (NFC, checked by `shared::person::full_name`;
    // none until the administrator gives one) and whether they head their unit.
    "
ALTER TABLE users ADD COLUMN full_name TEXT;
ALTER TABLE users ADD COLUMN unit_head INTEGER NOT NULL DEFAULT 0;
",
];

/// The schema version this program writes (`PRAGMA user_version`).
pub const VERSION: i64 = MIGRATIONS.len() as i64;

pub(crate) fn prepare(conn: &Connection, path: &Path) -> Result<()> {
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    let found: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    if found > VERSION {
        bail!(
            "{} has schema version {found}, newer than this program's {VERSION}; update PlanSync",
            path.display()
        );
    }
    for (idx, migration) in MIGRATIONS.iter().enumerate().skip(found as usize) {
        let tx = conn.unchecked_transaction()?;
        tx.execute_batch(migration)?;
        tx.pragma_update(None, "user_version", idx as i64 + 1)?;
        tx.commit()?;
    }
    Ok(())
}
