//! Open websocket connections: who opened them, with which session, and when, so that a
//! logged-out session, a user logged out by the administrator or a disabled user is cut, and so
//! that one user cannot hold more than a bounded number of connections. An entry lives exactly
//! as long as its connection ([`ConnectionGuard`]), so the table does not grow with the number
//! of connections made over time.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use tokio_util::sync::CancellationToken;

use super::ServerState;

/// Open connections one user may hold at once (an office user with several devices and
/// windows; a runaway or hostile client cannot take more).
pub const DEFAULT_MAX_PER_USER: usize = 20;

struct Entry {
    username: String,
    session_hash: String,
    started_ms: i64,
    kill: CancellationToken,
}

pub struct Connections {
    entries: Mutex<HashMap<u64, Entry>>,
    next_id: AtomicU64,
    max_per_user: usize,
}

impl Default for Connections {
    fn default() -> Connections {
        Connections::with_limit(DEFAULT_MAX_PER_USER)
    }
}

/// The user already holds the most connections allowed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("this user already has {0} open connections, the most allowed")]
pub struct TooManyConnections(pub usize);

/// Keeps a connection's entry; dropping it (when the connection ends) removes the entry.
pub struct ConnectionGuard {
    id: u64,
    connections: Arc<Connections>,
    kill: CancellationToken,
}

impl ConnectionGuard {
    /// Cancelled when the connection must close.
    pub fn kill(&self) -> CancellationToken {
        self.kill.clone()
    }
}

impl Drop for ConnectionGuard {
    fn drop(&mut self) {
        let mut entries = self.connections.entries();
        entries.remove(&self.id);
        metrics::gauge!(crate::metrics::CONNECTED_CLIENTS).set(entries.len() as f64);
    }
}

impl Connections {
    pub fn with_limit(max_per_user: usize) -> Connections {
        Connections {
            entries: Mutex::new(HashMap::new()),
            next_id: AtomicU64::new(0),
            max_per_user,
        }
    }

    fn entries(&self) -> MutexGuard<'_, HashMap<u64, Entry>> {
        self.entries.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Registers a connection of `username` made with the session `session_hash`.
    pub fn open(
        self: &Arc<Self>,
        username: &str,
        session_hash: &str,
        now_ms: i64,
    ) -> Result<ConnectionGuard, TooManyConnections> {
        let mut entries = self.entries();
        let n_open = entries.values().filter(|e| e.username == username).count();
        if n_open >= self.max_per_user {
            return Err(TooManyConnections(self.max_per_user));
        }
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let kill = CancellationToken::new();
        entries.insert(
            id,
            Entry {
                username: username.to_string(),
                session_hash: session_hash.to_string(),
                started_ms: now_ms,
                kill: kill.clone(),
            },
        );
        metrics::gauge!(crate::metrics::CONNECTED_CLIENTS).set(entries.len() as f64);
        Ok(ConnectionGuard {
            id,
            connections: self.clone(),
            kill,
        })
    }

    /// Closes the connections of `username` opened at or before `revoked_at_ms`.
    pub fn cut_user(&self, username: &str, revoked_at_ms: i64) -> usize {
        self.cut(|e| e.username == username && e.started_ms <= revoked_at_ms)
    }

    /// Closes the connections made with a session.
    pub fn cut_session(&self, session_hash: &str) -> usize {
        self.cut(|e| !session_hash.is_empty() && e.session_hash == session_hash)
    }

    fn cut(&self, which: impl Fn(&Entry) -> bool) -> usize {
        let entries = self.entries();
        let mut n = 0;
        for entry in entries
            .values()
            .filter(|e| which(e) && !e.kill.is_cancelled())
        {
            entry.kill.cancel();
            n += 1;
        }
        n
    }

    /// Connections open now.
    pub fn n_open(&self) -> usize {
        self.entries().len()
    }
}

/// Every second, closes the connections of users who were disabled or logged out by an
/// administrator (the admin CLI is another process writing the same registry).
pub async fn cut_revoked_users(state: ServerState) {
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    // Revocations at or after this time are looked at (a little overlap is harmless: cutting
    // only touches connections opened before the revocation).
    let mut since_ms = crate::data::now_ms() - 60_000;
    loop {
        tick.tick().await;
        let registry = state.registry.clone();
        let asked_at = crate::data::now_ms();
        let found = tokio::task::spawn_blocking(move || registry.users_to_cut(since_ms)).await;
        let users = match found {
            Ok(Ok(users)) => users,
            Ok(Err(err)) => {
                tracing::warn!("cannot read revoked users: {err:#}");
                continue;
            }
            Err(err) => {
                tracing::warn!("reading revoked users failed: {err}");
                continue;
            }
        };
        for (username, revoked_at) in users {
            let n = state.connections.cut_user(&username, revoked_at);
            if n > 0 {
                tracing::info!(user = %username, "sessions revoked or user disabled: closed {n} connection(s)");
            }
        }
        since_ms = asked_at - 5_000;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_live_as_long_as_their_connections_and_users_are_bounded() {
        let connections = Arc::new(Connections::with_limit(3));
        let mut held = Vec::new();
        for _ in 0..3 {
            held.push(connections.open("lan", "s1", 10).unwrap());
        }
        assert_eq!(
            connections.open("lan", "s2", 11).err(),
            Some(TooManyConnections(3))
        );
        assert!(
            connections.open("minh", "s3", 11).is_ok(),
            "other users are not limited by lan"
        );
        assert_eq!(connections.n_open(), 3, "minh's guard was dropped at once");
        held.pop();
        assert!(connections.open("lan", "s2", 12).is_ok());
        drop(held);
        assert_eq!(
            connections.n_open(),
            0,
            "nothing stays behind a closed connection"
        );
        for n in 0..10_000 {
            drop(connections.open("lan", "s", n).unwrap());
        }
        assert_eq!(connections.n_open(), 0);
    }

    #[test]
    fn cutting_a_session_or_a_user_cancels_only_theirs() {
        let connections = Arc::new(Connections::with_limit(10));
        let a = connections.open("lan", "phone", 100).unwrap();
        let b = connections.open("lan", "laptop", 200).unwrap();
        let c = connections.open("minh", "laptop2", 100).unwrap();
        assert_eq!(connections.cut_session("phone"), 1);
        assert!(a.kill().is_cancelled() && !b.kill().is_cancelled());
        // A revocation at 150 closes what was open then, not a later login's connection.
        assert_eq!(connections.cut_user("lan", 150), 0);
        assert_eq!(connections.cut_user("lan", 250), 1);
        assert!(b.kill().is_cancelled() && !c.kill().is_cancelled());
    }
}
