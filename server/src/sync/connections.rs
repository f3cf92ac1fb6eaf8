//! Open websocket connections per user, so a disabled user's connections can be cut.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use tokio_util::sync::CancellationToken;

use super::ServerState;

#[derive(Default)]
pub struct Connections {
    by_user: Mutex<HashMap<String, Vec<CancellationToken>>>,
}

impl Connections {
    /// Registers a connection of `username`; cancelling the token closes it.
    pub fn add(&self, username: &str) -> CancellationToken {
        let token = CancellationToken::new();
        let mut by_user = self.by_user.lock().unwrap_or_else(|p| p.into_inner());
        let tokens = by_user.entry(username.to_string()).or_default();
        tokens.retain(|t| !t.is_cancelled());
        tokens.push(token.clone());
        token
    }

    pub fn cut(&self, username: &str) -> usize {
        let mut by_user = self.by_user.lock().unwrap_or_else(|p| p.into_inner());
        let tokens = by_user.remove(username).unwrap_or_default();
        tokens.iter().for_each(CancellationToken::cancel);
        tokens.len()
    }

    pub fn users(&self) -> Vec<String> {
        let by_user = self.by_user.lock().unwrap_or_else(|p| p.into_inner());
        by_user
            .iter()
            .filter(|(_, t)| t.iter().any(|t| !t.is_cancelled()))
            .map(|(u, _)| u.clone())
            .collect()
    }
}

/// Every second, cuts the connections of users who were disabled (by the admin CLI, which is
/// another process writing the same registry).
pub async fn cut_disabled_users(state: ServerState) {
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    loop {
        tick.tick().await;
        for username in state.connections.users() {
            let registry = state.registry.clone();
            let name = username.clone();
            let disabled = tokio::task::spawn_blocking(move || {
                registry.user(&name).map(|u| u.is_none_or(|u| u.disabled))
            })
            .await;
            if let Ok(Ok(true)) = disabled {
                let n = state.connections.cut(&username);
                tracing::info!(user = %username, "user is disabled: closed {n} connection(s)");
            }
        }
    }
}
