//! What the application says about syncing and the session, as it crosses IPC (the answers of
//! `sync_status` and `session`, and the `sync-status` and `session-changed` events).
//!
//! These mirror `client::SyncStatus`, `client::SessionInfo` and `plansync-app`'s `SessionView`;
//! changing either side is a protocol change.

use serde::{Deserialize, Serialize};

use super::BackendError;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncStatus {
    pub state: SyncState,
    /// Local changes the server has not confirmed yet.
    pub n_unconfirmed: usize,
    /// The last problem, kept until the next successful connection or log in.
    pub last_error: Option<BackendError>,
    /// Document changes the app has seen (local or remote); screens read their data again
    /// when it moves. Absent from older apps.
    #[serde(default)]
    pub n_doc_changes: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum SyncState {
    Offline,
    Connecting,
    Syncing,
    UpToDate {
        /// Since when (Unix milliseconds).
        since_ms: i64,
    },
}

impl Default for SyncStatus {
    fn default() -> SyncStatus {
        SyncStatus {
            state: SyncState::Offline,
            n_unconfirmed: 0,
            last_error: None,
            n_doc_changes: 0,
        }
    }
}

/// Who is logged in, and the server address the login form proposes.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionView {
    pub user: Option<SessionInfo>,
    pub default_server_url: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionInfo {
    pub server_url: String,
    pub username: String,
    pub unit: String,
    pub role: String,
    pub device: String,
}

/// What the login form sends.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LoginRequest {
    pub server_url: String,
    pub username: String,
    pub password: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::backend::ErrorCode;

    #[test]
    fn reads_the_status_the_client_serialises() {
        // The text `client`'s own snapshot test pins for `SyncStatus`.
        let json = r#"{"state":{"state":"up_to_date","since_ms":42},"n_unconfirmed":0,"last_error":{"code":"session_expired","message":"session expired, log in again"},"n_doc_changes":7}"#;
        let status: SyncStatus = serde_json::from_str(json).unwrap();
        assert_eq!(status.state, SyncState::UpToDate { since_ms: 42 });
        assert_eq!(
            status.last_error.map(|e| e.code),
            Some(ErrorCode::SessionExpired)
        );
        let offline: SyncStatus = serde_json::from_str(
            r#"{"state":{"state":"offline"},"n_unconfirmed":3,"last_error":null}"#,
        )
        .unwrap();
        assert_eq!(offline.state, SyncState::Offline);
        assert_eq!(offline.n_unconfirmed, 3);
    }
}
