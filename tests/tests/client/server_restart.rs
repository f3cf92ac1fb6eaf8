//! The server crashes and comes back: the client notices, keeps working, and reconnects by
//! itself.

use std::time::Duration;

use client::{BackoffConfig, Client, ClientConfig, SyncState};
use shared::documents::records::{self, RecordEdit, TaskStatus};

use crate::server::TestServer;
use crate::smoke::{up_to_date, wait_for_status};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_client_reconnects_after_a_server_crash() {
    crate::init_tracing();

    let mut server = TestServer::start();
    server.add_user("lan", "VP", "staff", "pw-lan-2026");
    let dirs = tempfile::tempdir().unwrap();
    let config = ClientConfig {
        backoff: BackoffConfig {
            initial_delay: Duration::from_millis(100),
            max_delay: Duration::from_millis(500),
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
    let doc = lan.records_doc_for("VP", 2026).unwrap();
    let task = lan
        .with_doc(&doc.id, records::task_ids)
        .await
        .unwrap()
        .unwrap()[0]
        .clone();

    server.kill();
    wait_for_status(&lan, "the lost connection noticed", |s| {
        s.state == SyncState::Connecting && s.last_error.is_some()
    })
    .await;
    lan.edit_record(
        &doc.id,
        &task,
        RecordEdit::Status {
            status: TaskStatus::InProgress,
        },
    )
    .await
    .expect("edits work while the server is down");
    wait_for_status(&lan, "the edit counted", |s| s.n_unconfirmed == 1).await;

    server.restart();
    wait_for_status(&lan, "reconnected and confirmed", up_to_date).await;
    assert_eq!(
        lan.status().borrow().last_error,
        None,
        "a connection clears the error"
    );
    lan.shutdown().await;
}
