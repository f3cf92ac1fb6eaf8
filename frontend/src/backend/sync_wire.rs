//! What the application says about syncing and the session, as it crosses IPC (the answers of
//! `sync_status` and `session`, and the `sync-status` and `session-changed` events).
//!
//! The types are `shared::ipc`'s, the application's own; only the login request is the user
//! interface's.

use serde::Serialize;

pub use shared::ipc::{
    SessionInfo, SessionView, SyncState, SyncStatus, UploadState, UploadSummary,
};

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
