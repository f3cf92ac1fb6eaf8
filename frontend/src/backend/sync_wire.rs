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
    /// Evidence files stored here that the server does not have yet. Absent from older apps.
    #[serde(default)]
    pub uploads: UploadSummary,
}

/// Evidence files waiting for upload (mirrors `client::UploadSummary`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UploadSummary {
    #[serde(default)]
    pub n_files: usize,
    #[serde(default)]
    pub total_bytes: u64,
    /// How many of those bytes the server already has.
    #[serde(default)]
    pub sent_bytes: u64,
    /// The file being uploaded now.
    #[serde(default)]
    pub uploading: Option<String>,
    /// The waiting files' hashes.
    #[serde(default)]
    pub waiting: Vec<String>,
}

/// Where an evidence file's bytes stand (mirrors `client::UploadState`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum UploadState {
    /// The server has the whole file.
    Uploaded,
    /// Stored on this machine, waiting to be uploaded.
    Waiting,
    /// Being uploaded: the server has `sent` of `total` bytes.
    Uploading { sent: u64, total: u64 },
    /// The server refused it for good.
    Refused,
    /// Not on this machine and not on the server yet (attached on another machine).
    NotOnServer,
    /// Not known (the server could not be asked), or a state this UI does not know.
    #[serde(other)]
    Unknown,
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
            uploads: UploadSummary::default(),
        }
    }
}

/// Who is logged in, and the server address the login form proposes.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionView {
    pub user: Option<SessionInfo>,
    pub default_server_url: Option<String>,
    /// `default_server_url` is the administrator's (the settings file): the login form shows it
    /// as text. Absent from older apps.
    #[serde(default)]
    pub server_from_admin: bool,
    /// Why the administrator's settings file could not be used, in Vietnamese (naming the
    /// file). Absent from older apps.
    #[serde(default)]
    pub settings_problem: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionInfo {
    pub server_url: String,
    pub username: String,
    pub unit: String,
    pub role: String,
    pub device: String,
    /// The user's full name; absent from older apps.
    #[serde(default)]
    pub full_name: Option<String>,
    /// Whether the user heads their unit; absent from older apps.
    #[serde(default)]
    pub unit_head: bool,
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
        let json = r#"{"state":{"state":"up_to_date","since_ms":42},"n_unconfirmed":0,"last_error":{"code":"session_expired","message":"session expired, log in again"},"n_doc_changes":7,"uploads":{"n_files":2,"total_bytes":12000000,"sent_bytes":3100000,"uploading":"abababababababababababababababababababababababababababababababab","waiting":["abababababababababababababababababababababababababababababababab","cdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcd"]}}"#;
        let status: SyncStatus = serde_json::from_str(json).unwrap();
        assert_eq!(status.state, SyncState::UpToDate { since_ms: 42 });
        assert_eq!(
            status.last_error.map(|e| e.code),
            Some(ErrorCode::SessionExpired)
        );
        assert_eq!(status.uploads.n_files, 2);
        assert_eq!(status.uploads.sent_bytes, 3_100_000);
        assert_eq!(status.uploads.waiting.len(), 2);
        let offline: SyncStatus = serde_json::from_str(
            r#"{"state":{"state":"offline"},"n_unconfirmed":3,"last_error":null}"#,
        )
        .unwrap();
        assert_eq!(offline.state, SyncState::Offline);
        assert_eq!(offline.n_unconfirmed, 3);
        assert_eq!(offline.uploads, UploadSummary::default());
    }

    #[test]
    fn reads_a_session_with_a_full_name_and_one_from_an_older_app() {
        let user: SessionInfo = serde_json::from_str(
            r#"{"server_url":"http://may-chu:8080/","username":"lan","unit":"QLHT","role":"staff","device":"dev-1","full_name":"Nguyễn Thị Lan","unit_head":true}"#,
        )
        .unwrap();
        assert_eq!(user.full_name.as_deref(), Some("Nguyễn Thị Lan"));
        assert!(user.unit_head);
        let older: SessionInfo = serde_json::from_str(
            r#"{"server_url":"http://may-chu:8080/","username":"lan","unit":"QLHT","role":"staff","device":"dev-1"}"#,
        )
        .unwrap();
        assert_eq!(older.full_name, None);
        assert!(!older.unit_head, "an older app's user is no head");
    }

    #[test]
    fn reads_the_administrator_s_address_and_a_session_from_an_older_app() {
        let view: SessionView = serde_json::from_str(
            r#"{"user":null,"default_server_url":"https://may-chu.example.vn","server_from_admin":true,"settings_problem":null}"#,
        )
        .unwrap();
        assert!(view.server_from_admin);
        let older: SessionView =
            serde_json::from_str(r#"{"user":null,"default_server_url":"http://127.0.0.1:8080"}"#)
                .unwrap();
        assert!(
            !older.server_from_admin && older.settings_problem.is_none(),
            "an older app has no administrator's settings: the field is typed as before"
        );
    }

    #[test]
    fn reads_upload_states() {
        let states: Vec<UploadState> = serde_json::from_str(
            r#"[{"state":"uploaded"},{"state":"uploading","sent":5,"total":9},{"state":"not_on_server"},{"state":"newer"}]"#,
        )
        .unwrap();
        assert_eq!(
            states,
            vec![
                UploadState::Uploaded,
                UploadState::Uploading { sent: 5, total: 9 },
                UploadState::NotOnServer,
                UploadState::Unknown
            ]
        );
    }
}
