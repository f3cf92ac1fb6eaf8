//! The server's registry: units, users, sessions, websocket tickets and documents, in SQLite
//! (`registry.sqlite3` in the data directory). Passwords are argon2id hashes; tokens and tickets
//! are random and stored only as SHA-256 hashes. Every function takes the current time.

mod schema;
pub use schema::VERSION as SCHEMA_VERSION;

use std::path::Path;
use std::sync::{Mutex, MutexGuard};

use anyhow::{bail, Context, Result};
use argon2::password_hash::{PasswordHash, PasswordHasher, SaltString};
use argon2::Argon2;
use rand::RngCore;
use rusqlite::{params, Connection, OptionalExtension};
use sha2::{Digest, Sha256};
use shared::documents::DocumentKind;

use crate::access::{access, Access, Role};

/// Sessions last this long: the app logs in once and then works offline for months.
pub const SESSION_MILLIS: i64 = 180 * 24 * 3600 * 1000;
/// A websocket ticket must be used within this long (by default).
pub const TICKET_MILLIS: i64 = 60 * 1000;

pub struct Registry {
    conn: Mutex<Connection>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unit {
    pub code: String,
    pub name: String,
    pub kind: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub username: String,
    pub unit: String,
    pub role: Role,
    pub disabled: bool,
    /// The user's full name ("Nguyễn Văn An"), when the administrator gave one.
    pub full_name: Option<String>,
    /// Whether the user heads their unit (sends the unit's reports all at once).
    pub unit_head: bool,
}

/// What the administrator says of a person besides their account: a full name (checked by
/// [`shared::person::full_name`] when stored) and whether they head their unit.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Profile {
    pub full_name: Option<String>,
    pub unit_head: bool,
}

/// The columns [`user_from_row`] reads, in its order, of `users` named `u`.
const USER_COLUMNS: &str = "u.username, u.unit, u.role, u.disabled, u.full_name, u.unit_head";

/// An authenticated session (one per device login, or one per websocket ticket).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    pub user: User,
    /// The samod peer id this session must connect as.
    pub peer_id: String,
    pub device: String,
    /// The SHA-256 of the session's bearer token: its identity (a ticket carries the one of the
    /// session that asked for it; empty for tickets issued before tickets recorded it).
    pub session_hash: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct DocumentEntry {
    pub id: String,
    pub kind: DocumentKind,
    pub unit: Option<String>,
    pub year: Option<i32>,
}

impl Registry {
    pub fn open(path: &Path) -> Result<Registry> {
        let conn =
            Connection::open(path).with_context(|| format!("cannot open {}", path.display()))?;
        schema::prepare(&conn, path)?;
        Ok(Registry {
            conn: Mutex::new(conn),
        })
    }

    fn conn(&self) -> MutexGuard<'_, Connection> {
        self.conn.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub fn add_unit(&self, code: &str, name: &str, kind: &str) -> Result<()> {
        if code.is_empty()
            || !code
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        {
            bail!("unit code \"{code}\" must be letters, digits, '-' or '_'");
        }
        let name = shared::vietnamese::tidy(name);
        if name.is_empty() {
            bail!("unit {code} needs a name");
        }
        let inserted = self.conn().execute(
            "INSERT OR IGNORE INTO units (code, name, kind) VALUES (?1, ?2, ?3)",
            params![code, name, kind],
        )?;
        if inserted == 0 {
            bail!("unit {code} already exists");
        }
        Ok(())
    }

    pub fn units(&self) -> Result<Vec<Unit>> {
        let conn = self.conn();
        let mut stmt = conn.prepare("SELECT code, name, kind FROM units ORDER BY code")?;
        let units = stmt
            .query_map([], |r| {
                Ok(Unit {
                    code: r.get(0)?,
                    name: r.get(1)?,
                    kind: r.get(2)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(units)
    }

    pub fn add_user(
        &self,
        username: &str,
        unit: &str,
        role: Role,
        password: &str,
        now_ms: i64,
    ) -> Result<()> {
        self.add_user_with(username, unit, role, password, &Profile::default(), now_ms)
    }

    /// Adds a user with a full name and head flag (the name is checked and tidied first, so a
    /// refused name adds nobody).
    pub fn add_user_with(
        &self,
        username: &str,
        unit: &str,
        role: Role,
        password: &str,
        profile: &Profile,
        now_ms: i64,
    ) -> Result<()> {
        let full_name = profile
            .full_name
            .as_deref()
            .map(checked_full_name)
            .transpose()?;
        if username.is_empty() || username.chars().any(|c| c.is_whitespace() || c == '/') {
            bail!("user name \"{username}\" must not be empty or contain spaces or '/'");
        }
        if password.chars().count() < 8 {
            bail!("the password must have at least 8 characters");
        }
        let unit_exists: bool = self.conn().query_row(
            "SELECT EXISTS(SELECT 1 FROM units WHERE code = ?1)",
            [unit],
            |r| r.get(0),
        )?;
        if !unit_exists {
            bail!("no unit {unit}: add it first with `plansync unit add {unit} --name ...`");
        }
        let hash = hash_password(password)?;
        let inserted = self.conn().execute(
            "INSERT OR IGNORE INTO users
                 (username, unit, role, password_hash, disabled, created_at, full_name, unit_head)
             VALUES (?1, ?2, ?3, ?4, 0, ?5, ?6, ?7)",
            params![
                username,
                unit,
                role.as_str(),
                hash,
                now_ms,
                full_name,
                profile.unit_head
            ],
        )?;
        if inserted == 0 {
            bail!("user {username} already exists");
        }
        Ok(())
    }

    pub fn users(&self) -> Result<Vec<User>> {
        let conn = self.conn();
        let mut stmt = conn.prepare(&format!(
            "SELECT {USER_COLUMNS} FROM users u ORDER BY u.username"
        ))?;
        let users = stmt
            .query_map([], user_from_row)?
            .collect::<rusqlite::Result<_>>()?;
        Ok(users)
    }

    pub fn user(&self, username: &str) -> Result<Option<User>> {
        let user = self
            .conn()
            .query_row(
                &format!("SELECT {USER_COLUMNS} FROM users u WHERE u.username = ?1"),
                [username],
                user_from_row,
            )
            .optional()?;
        Ok(user)
    }

    /// Sets (or with `None` removes) a user's full name, checked and tidied first. Returns
    /// false when there is no such user.
    pub fn set_full_name(&self, username: &str, full_name: Option<&str>) -> Result<bool> {
        let full_name = full_name.map(checked_full_name).transpose()?;
        let changed = self.conn().execute(
            "UPDATE users SET full_name = ?2 WHERE username = ?1",
            params![username, full_name],
        )?;
        Ok(changed > 0)
    }

    /// Makes a user their unit's head or not. Returns false when there is no such user.
    pub fn set_unit_head(&self, username: &str, unit_head: bool) -> Result<bool> {
        let changed = self.conn().execute(
            "UPDATE users SET unit_head = ?2 WHERE username = ?1",
            params![username, unit_head],
        )?;
        Ok(changed > 0)
    }

    /// The people whose names `user` may see: everyone of the units whose records or review
    /// documents `user` may read (their own unit always), and the reviewers, whose names are
    /// on the verdicts every unit reads. Disabled users are included: their names stay on
    /// what they did. By user name.
    pub fn people_visible_to(&self, user: &User) -> Result<Vec<shared::person::Person>> {
        let mut units: std::collections::BTreeSet<String> = self
            .visible_documents(user)?
            .into_iter()
            .filter_map(|(doc, _)| doc.unit)
            .collect();
        units.insert(user.unit.clone());
        Ok(self
            .users()?
            .into_iter()
            .filter(|u| u.role == Role::Reviewer || units.contains(&u.unit))
            .map(|u| shared::person::Person {
                username: u.username,
                full_name: u.full_name,
                unit: u.unit,
            })
            .collect())
    }

    /// Disables a user and ends their sessions. Returns false when there is no such user.
    pub fn disable_user(&self, username: &str) -> Result<bool> {
        let conn = self.conn();
        let changed = conn.execute(
            "UPDATE users SET disabled = 1 WHERE username = ?1",
            [username],
        )?;
        conn.execute("DELETE FROM sessions WHERE username = ?1", [username])?;
        conn.execute("DELETE FROM tickets WHERE username = ?1", [username])?;
        Ok(changed > 0)
    }

    /// Checks a user name and password; `None` for any failure (unknown user, wrong password,
    /// disabled), so callers cannot tell which. Hashes on the calling thread: the server runs
    /// [`Registry::login_candidate`] and [`check_password`] apart, the hash on its own pool.
    pub fn verify_login(&self, username: &str, password: &str) -> Result<Option<User>> {
        let candidate = self.login_candidate(username)?;
        Ok(check_password(candidate, password))
    }

    /// What a login for `username` is checked against: the stored hash and the user, or `None`
    /// for an unknown name (which is then checked against a dummy hash, so that the answer
    /// takes as long either way).
    pub fn login_candidate(&self, username: &str) -> Result<Option<(String, User)>> {
        let row = self
            .conn()
            .query_row(
                &format!(
                    "SELECT {USER_COLUMNS}, u.password_hash FROM users u WHERE u.username = ?1"
                ),
                [username],
                |r| {
                    let user = user_from_row(r)?;
                    let hash: String = r.get(N_USER_COLUMNS)?;
                    Ok((hash, user))
                },
            )
            .optional()?;
        Ok(row)
    }

    /// Starts a session for a device; returns the bearer token (shown once) and the session.
    pub fn create_session(
        &self,
        user: &User,
        device: &str,
        now_ms: i64,
    ) -> Result<(String, Session)> {
        let token = random_token();
        let device = if device.is_empty() {
            random_token()[..12].to_string()
        } else {
            sanitize_device(device)
        };
        let peer_id = format!("{}/{}", user.username, device);
        self.conn().execute(
            "INSERT INTO sessions (token_hash, username, device, peer_id, created_at, expires_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![
                token_hash(&token),
                user.username,
                device,
                peer_id,
                now_ms,
                now_ms + SESSION_MILLIS
            ],
        )?;
        let session_hash = token_hash(&token);
        Ok((
            token,
            Session {
                user: user.clone(),
                peer_id,
                device,
                session_hash,
            },
        ))
    }

    /// The live session a bearer token stands for (not expired, user not disabled).
    pub fn session(&self, token: &str, now_ms: i64) -> Result<Option<Session>> {
        let session = self
            .conn()
            .query_row(
                &format!(
                    "SELECT {USER_COLUMNS}, s.peer_id, s.device, s.token_hash
                     FROM sessions s JOIN users u ON u.username = s.username
                     WHERE s.token_hash = ?1 AND s.expires_at > ?2 AND u.disabled = 0"
                ),
                params![token_hash(token), now_ms],
                session_from_row,
            )
            .optional()?;
        Ok(session)
    }

    /// Issues a one-time websocket ticket for a session's user; the ticket connects as a fresh
    /// peer id of that user.
    pub fn create_ticket(
        &self,
        session: &Session,
        now_ms: i64,
        ttl_ms: i64,
    ) -> Result<(String, String)> {
        let ticket = random_token();
        let peer_id = format!("{}/web-{}", session.user.username, &random_token()[..12]);
        self.conn().execute(
            "INSERT INTO tickets (ticket_hash, username, peer_id, expires_at, session_hash)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![
                token_hash(&ticket),
                session.user.username,
                peer_id,
                now_ms + ttl_ms,
                session.session_hash
            ],
        )?;
        Ok((ticket, peer_id))
    }

    /// Uses up a ticket: its session if it is known, unused and not expired.
    pub fn redeem_ticket(&self, ticket: &str, now_ms: i64) -> Result<Option<Session>> {
        let conn = self.conn();
        let hash = token_hash(ticket);
        let session = conn
            .query_row(
                &format!(
                    "SELECT {USER_COLUMNS}, t.peer_id, 'web', coalesce(t.session_hash, '')
                     FROM tickets t JOIN users u ON u.username = t.username
                     WHERE t.ticket_hash = ?1 AND t.expires_at > ?2 AND u.disabled = 0"
                ),
                params![hash, now_ms],
                session_from_row,
            )
            .optional()?;
        conn.execute(
            "DELETE FROM tickets WHERE ticket_hash = ?1 OR expires_at <= ?2",
            params![hash, now_ms],
        )?;
        Ok(session)
    }

    pub fn register_document(&self, entry: &DocumentEntry) -> Result<()> {
        self.conn().execute(
            "INSERT INTO documents (doc_id, kind, unit, year) VALUES (?1, ?2, ?3, ?4)",
            params![entry.id, entry.kind.as_str(), entry.unit, entry.year],
        )?;
        Ok(())
    }

    pub fn documents(&self) -> Result<Vec<DocumentEntry>> {
        let conn = self.conn();
        let mut stmt = conn
            .prepare("SELECT doc_id, kind, unit, year FROM documents ORDER BY kind, unit, year")?;
        let docs = stmt
            .query_map([], document_from_row)?
            .collect::<rusqlite::Result<_>>()?;
        Ok(docs)
    }

    pub fn document(&self, doc_id: &str) -> Result<Option<DocumentEntry>> {
        let entry = self
            .conn()
            .query_row(
                "SELECT doc_id, kind, unit, year FROM documents WHERE doc_id = ?1",
                [doc_id],
                document_from_row,
            )
            .optional()?;
        Ok(entry)
    }

    /// The document of `kind` for `unit` and `year` (the plan has neither).
    pub fn find_document(
        &self,
        kind: DocumentKind,
        unit: Option<&str>,
        year: Option<i32>,
    ) -> Result<Option<DocumentEntry>> {
        Ok(self
            .documents()?
            .into_iter()
            .find(|d| d.kind == kind && d.unit.as_deref() == unit && d.year == year))
    }

    /// The documents `user` may see, with their access; documents they may not see are absent.
    pub fn visible_documents(&self, user: &User) -> Result<Vec<(DocumentEntry, Access)>> {
        Ok(self
            .documents()?
            .into_iter()
            .map(|d| {
                let a = access(user.role, &user.unit, d.kind, d.unit.as_deref());
                (d, a)
            })
            .filter(|(_, a)| *a != Access::None)
            .collect())
    }

    /// The access the user of `peer_id` has to `doc_id`, looked up fresh (so a disabled user or
    /// an unknown document gets none).
    pub fn access_for_peer(&self, username: &str, doc_id: &str) -> Result<Access> {
        let (Some(user), Some(doc)) = (self.user(username)?, self.document(doc_id)?) else {
            return Ok(Access::None);
        };
        if user.disabled {
            return Ok(Access::None);
        }
        Ok(access(user.role, &user.unit, doc.kind, doc.unit.as_deref()))
    }
}

impl Registry {
    /// Ends the session of a bearer token (and the tickets it asked for); returns its hash, or
    /// `None` when no such session exists.
    pub fn revoke_session(&self, token: &str) -> Result<Option<String>> {
        let hash = token_hash(token);
        let conn = self.conn();
        let n = conn.execute("DELETE FROM sessions WHERE token_hash = ?1", [&hash])?;
        conn.execute("DELETE FROM tickets WHERE session_hash = ?1", [&hash])?;
        Ok((n > 0).then_some(hash))
    }

    /// Ends every session and ticket of `username` and records when, so that a running server
    /// closes the user's open connections. Returns how many sessions ended, or `None` when there
    /// is no such user.
    pub fn logout_user(&self, username: &str, now_ms: i64) -> Result<Option<usize>> {
        let conn = self.conn();
        let found = conn.execute(
            "UPDATE users SET sessions_revoked_at = ?2 WHERE username = ?1",
            params![username, now_ms],
        )?;
        if found == 0 {
            return Ok(None);
        }
        let n = conn.execute("DELETE FROM sessions WHERE username = ?1", [username])?;
        conn.execute("DELETE FROM tickets WHERE username = ?1", [username])?;
        Ok(Some(n))
    }

    /// Deletes expired sessions and tickets; returns how many of each.
    pub fn prune_expired(&self, now_ms: i64) -> Result<(usize, usize)> {
        let conn = self.conn();
        let n_sessions = conn.execute("DELETE FROM sessions WHERE expires_at <= ?1", [now_ms])?;
        let n_tickets = conn.execute("DELETE FROM tickets WHERE expires_at <= ?1", [now_ms])?;
        Ok((n_sessions, n_tickets))
    }

    /// Users who are disabled, or whose sessions were all revoked at or after `since_ms`, with
    /// that time (0 for disabled users: every connection of theirs must close).
    pub fn users_to_cut(&self, since_ms: i64) -> Result<Vec<(String, i64)>> {
        let conn = self.conn();
        let mut stmt = conn.prepare_cached(
            "SELECT username, CASE WHEN disabled = 1 THEN 9223372036854775807 ELSE sessions_revoked_at END
             FROM users WHERE disabled = 1 OR sessions_revoked_at >= ?1",
        )?;
        let rows = stmt
            .query_map([since_ms], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    /// The number of sessions stored (the pruning test).
    pub fn n_sessions(&self) -> Result<i64> {
        Ok(self
            .conn()
            .query_row("SELECT count(*) FROM sessions", [], |r| r.get(0))?)
    }

    /// Whether `unit` holds the evidence file `sha256` (it uploaded the bytes itself).
    pub fn unit_holds_file(&self, unit: &str, sha256: &str) -> Result<bool> {
        Ok(self.conn().query_row(
            "SELECT EXISTS(SELECT 1 FROM evidence_owners WHERE unit = ?1 AND sha256 = ?2)",
            params![unit, sha256],
            |r| r.get(0),
        )?)
    }

    /// The bytes of evidence `unit` holds (its quota's use).
    pub fn unit_file_bytes(&self, unit: &str) -> Result<u64> {
        let bytes: i64 = self.conn().query_row(
            "SELECT coalesce(sum(size), 0) FROM evidence_owners WHERE unit = ?1",
            [unit],
            |r| r.get(0),
        )?;
        Ok(u64::try_from(bytes).unwrap_or(0))
    }

    /// Records that `unit` uploaded the file `sha256` of `size` bytes.
    pub fn add_unit_file(&self, unit: &str, sha256: &str, size: u64, now_ms: i64) -> Result<()> {
        self.conn().execute(
            "INSERT INTO evidence_owners (unit, sha256, size, since_ms) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT(unit, sha256) DO UPDATE SET unlisted_since_ms = NULL",
            params![
                unit,
                sha256,
                i64::try_from(size).unwrap_or(i64::MAX),
                now_ms
            ],
        )?;
        Ok(())
    }

    /// Whether an upgrade left the step `step` for the server's start (see the schema).
    pub fn upgrade_step_pending(&self, step: &str) -> Result<bool> {
        Ok(self.conn().query_row(
            "SELECT EXISTS(SELECT 1 FROM upgrade_steps WHERE step = ?1)",
            [step],
            |r| r.get(0),
        )?)
    }

    /// Records that the upgrade step `step` is done.
    pub fn finish_upgrade_step(&self, step: &str) -> Result<()> {
        self.conn()
            .execute("DELETE FROM upgrade_steps WHERE step = ?1", [step])?;
        Ok(())
    }

    /// Every (unit, file) held, with when it stopped being listed by the unit's documents.
    pub fn unit_files(&self) -> Result<Vec<(String, String, Option<i64>)>> {
        let conn = self.conn();
        let mut stmt = conn.prepare(
            "SELECT unit, sha256, unlisted_since_ms FROM evidence_owners ORDER BY unit, sha256",
        )?;
        let rows = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    /// Marks a unit's file listed again (`None`) or unlisted since a time.
    pub fn set_unit_file_unlisted(
        &self,
        unit: &str,
        sha256: &str,
        since_ms: Option<i64>,
    ) -> Result<()> {
        self.conn().execute(
            "UPDATE evidence_owners SET unlisted_since_ms = ?3 WHERE unit = ?1 AND sha256 = ?2",
            params![unit, sha256, since_ms],
        )?;
        Ok(())
    }

    /// Forgets that `unit` holds `sha256`; returns whether any unit still holds it.
    pub fn remove_unit_file(&self, unit: &str, sha256: &str) -> Result<bool> {
        let conn = self.conn();
        conn.execute(
            "DELETE FROM evidence_owners WHERE unit = ?1 AND sha256 = ?2",
            params![unit, sha256],
        )?;
        Ok(conn.query_row(
            "SELECT EXISTS(SELECT 1 FROM evidence_owners WHERE sha256 = ?1)",
            [sha256],
            |r| r.get(0),
        )?)
    }

    /// Whether the registry answers (the readiness check).
    pub fn ping(&self) -> Result<()> {
        self.conn()
            .query_row("SELECT count(*) FROM units", [], |r| r.get::<_, i64>(0))?;
        Ok(())
    }

    /// The heads of `doc_id` the lock enforcement last judged (hex hashes), if any.
    pub fn judged_heads(&self, doc_id: &str) -> Result<Option<Vec<String>>> {
        let heads: Option<String> = self
            .conn()
            .query_row(
                "SELECT heads FROM judged_heads WHERE doc_id = ?1",
                [doc_id],
                |r| r.get(0),
            )
            .optional()?;
        Ok(heads.as_deref().map(split_heads))
    }

    /// Every document's judged heads (hex hashes).
    pub fn all_judged_heads(&self) -> Result<std::collections::HashMap<String, Vec<String>>> {
        let conn = self.conn();
        let mut query = conn.prepare("SELECT doc_id, heads FROM judged_heads")?;
        let rows = query.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
        let mut judged = std::collections::HashMap::new();
        for row in rows {
            let (doc_id, heads) = row?;
            judged.insert(doc_id, split_heads(&heads));
        }
        Ok(judged)
    }

    /// Records the heads of each document judged so far (only heads that are durably stored),
    /// all in one transaction: one commit for every document judged since the last.
    pub fn set_judged_heads<'a>(
        &self,
        judged: impl IntoIterator<Item = (&'a str, &'a [String])>,
        now_ms: i64,
    ) -> Result<()> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        {
            let mut upsert = tx.prepare_cached(
                "INSERT INTO judged_heads (doc_id, heads, judged_at) VALUES (?1, ?2, ?3)
                 ON CONFLICT(doc_id) DO UPDATE SET heads = excluded.heads, judged_at = excluded.judged_at",
            )?;
            for (doc_id, heads) in judged {
                upsert.execute(params![doc_id, heads.join(","), now_ms])?;
            }
        }
        tx.commit()?;
        Ok(())
    }
}

/// The hex hashes of a `judged_heads.heads` column (comma-separated).
fn split_heads(column: &str) -> Vec<String> {
    column
        .split(',')
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

/// How many columns [`USER_COLUMNS`] names.
const N_USER_COLUMNS: usize = 6;

/// A user from the first [`N_USER_COLUMNS`] columns of a row ([`USER_COLUMNS`]).
fn user_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<User> {
    let role: String = r.get(2)?;
    Ok(User {
        username: r.get(0)?,
        unit: r.get(1)?,
        role: Role::parse(&role).unwrap_or(Role::Staff),
        disabled: r.get(3)?,
        full_name: r.get(4)?,
        unit_head: r.get(5)?,
    })
}

/// A session from [`USER_COLUMNS`] followed by the peer id, device and session hash.
fn session_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Session> {
    Ok(Session {
        user: user_from_row(r)?,
        peer_id: r.get(N_USER_COLUMNS)?,
        device: r.get(N_USER_COLUMNS + 1)?,
        session_hash: r.get(N_USER_COLUMNS + 2)?,
    })
}

/// A full name as stored, or why it is refused.
fn checked_full_name(text: &str) -> Result<String> {
    shared::person::full_name(text).map_err(|why| anyhow::anyhow!("{why}: \"{text}\""))
}

fn document_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<DocumentEntry> {
    let kind: String = r.get(1)?;
    Ok(DocumentEntry {
        id: r.get(0)?,
        kind: DocumentKind::parse(&kind).unwrap_or(DocumentKind::Records),
        unit: r.get(2)?,
        year: r.get(3)?,
    })
}

/// An argon2id hash of a fixed password, verified against when the user does not exist.
const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$0wHs8hu2FUZkW7j0VwsS0ZsXnZQ6w2dZ4Z8nZwZ4ZVE";

fn hash_password(password: &str) -> Result<String> {
    let mut salt = [0u8; 16];
    rand::rng().fill_bytes(&mut salt);
    let salt = SaltString::encode_b64(&salt).map_err(|e| anyhow::anyhow!("salt: {e}"))?;
    let hash = Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map_err(|e| anyhow::anyhow!("hashing: {e}"))?;
    Ok(hash.to_string())
}

/// The user `candidate` stands for if `password` is theirs and they are not disabled; hashes
/// (slow, on purpose) even for an unknown user.
pub fn check_password(candidate: Option<(String, User)>, password: &str) -> Option<User> {
    let hash = candidate.as_ref().map_or(DUMMY_HASH, |(h, _)| h.as_str());
    let ok = verify_password(password, hash);
    candidate.filter(|(_, u)| ok && !u.disabled).map(|(_, u)| u)
}

fn verify_password(password: &str, hash: &str) -> bool {
    thread_local! {
        // One argon2 work area per thread, reused by every check on it: the memory a check
        // needs (19 MiB) is taken once per thread instead of once per login, so a flood of
        // logins cannot fragment the heap into hundreds of megabytes.
        static BLOCKS: std::cell::RefCell<Vec<argon2::Block>> = const { std::cell::RefCell::new(Vec::new()) };
    }
    BLOCKS.with(|blocks| verify_with_memory(password, hash, &mut blocks.borrow_mut()))
}

/// The argon2 work area a stored hash may ask for at most (64 MiB).
const MAX_HASH_BLOCKS: usize = 64 * 1024;

fn verify_with_memory(password: &str, hash: &str, blocks: &mut Vec<argon2::Block>) -> bool {
    use argon2::password_hash::Output;
    use argon2::{Algorithm, Params, Version};
    let Ok(parsed) = PasswordHash::new(hash) else {
        return false;
    };
    let Ok(algorithm) = Algorithm::try_from(parsed.algorithm) else {
        return false;
    };
    let Ok(version) = parsed
        .version
        .map_or(Ok(Version::default()), Version::try_from)
    else {
        return false;
    };
    let Ok(params) = Params::try_from(&parsed) else {
        return false;
    };
    let (Some(salt), Some(expected)) = (parsed.salt, parsed.hash) else {
        return false;
    };
    let mut salt_buf = [0u8; 64];
    let Ok(salt) = salt.decode_b64(&mut salt_buf) else {
        return false;
    };
    let n_blocks = params.block_count();
    if n_blocks > MAX_HASH_BLOCKS {
        return false;
    }
    if blocks.len() < n_blocks {
        blocks.resize(n_blocks, argon2::Block::default());
    }
    let mut out = vec![0u8; expected.len()];
    let hashed = Argon2::new(algorithm, version, params).hash_password_into_with_memory(
        password.as_bytes(),
        salt,
        &mut out,
        &mut blocks[..n_blocks],
    );
    // `Output`'s comparison takes the same time whatever differs.
    hashed.is_ok() && Output::new(&out).is_ok_and(|out| out == expected)
}

/// 32 random bytes as hex.
fn random_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

pub fn token_hash(token: &str) -> String {
    Sha256::digest(token.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn sanitize_device(device: &str) -> String {
    device
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .take(40)
        .collect()
}

#[cfg(test)]
mod tests;
