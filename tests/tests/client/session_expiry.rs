//! The administrator disables a user: the laptop learns its session is over, stops dialling,
//! and keeps the user's unsynced work.

use client::{BackoffConfig, Client, ClientConfig, SyncState};
use shared::documents::records::{self, RecordEdit};

use crate::server::TestServer;
use crate::smoke::{up_to_date, wait_for_status};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_disabled_user_sees_session_expired() {
    crate::init_tracing();

    let server = TestServer::start();
    server.add_user("lan", "VP", "staff", "pw-lan-2026");
    let dirs = tempfile::tempdir().unwrap();
    let config = ClientConfig {
        backoff: BackoffConfig {
            initial_delay: std::time::Duration::from_millis(100),
            max_delay: std::time::Duration::from_millis(500),
            max_retries: None,
        },
        ..ClientConfig::default()
    };
    let lan = Client::open_with(&dirs.path().join("lan"), config)
        .await
        .unwrap();
    lan.login(&server.url, "lan", "pw-lan-2026").await.unwrap();
    lan.start_sync();
    wait_for_status(&lan, "first sync", up_to_date).await;

    server.cli(&["user", "disable", "lan"]);
    wait_for_status(&lan, "session expired", |s| {
        s.state == SyncState::Offline
            && s.last_error.as_ref().map(|e| e.code) == Some(shared::ipc::ErrorCode::SessionExpired)
    })
    .await;

    let doc = lan.records_doc_for("VP", 2026).unwrap();
    let task = lan
        .with_doc(&doc.id, records::task_ids)
        .await
        .unwrap()
        .unwrap()[0]
        .clone();
    lan.edit_record(&doc.id, &task, RecordEdit::Progress { percent: 40 })
        .await
        .expect("the laptop keeps working after its session expired");
    let refused = lan
        .login(&server.url, "lan", "pw-lan-2026")
        .await
        .unwrap_err();
    assert_eq!(
        refused.code(),
        "bad_credentials",
        "a disabled user cannot log in"
    );
    assert_eq!(
        lan.logout(false).await.unwrap_err().code(),
        "unsynced_changes",
        "the offline edit is not thrown away silently"
    );
    lan.shutdown().await;
}
