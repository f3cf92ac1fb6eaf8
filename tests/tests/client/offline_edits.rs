//! A laptop edits while offline, is restarted offline, and syncs when back online; logout
//! refuses while changes are unsynced.

use client::{Client, ClientError, SyncState};
use shared::calendar::PeriodId;
use shared::documents::records::{self, RecordEdit};

use crate::server::TestServer;
use crate::smoke::{up_to_date, wait_for_status};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn offline_edits_are_counted_kept_across_a_restart_and_synced_later() {
    crate::init_tracing();

    let server = TestServer::start();
    server.add_user("lan", "VP", "staff", "pw-lan-2026");
    let dirs = tempfile::tempdir().unwrap();
    let dir = dirs.path().join("lan");

    let lan = Client::open(&dir).await.unwrap();
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
    let q2: PeriodId = "2026-H1".parse().unwrap();

    lan.stop_sync();
    wait_for_status(&lan, "offline", |s| s.state == SyncState::Offline).await;
    for text in ["Bản nháp", "Bản nháp, đã sửa"] {
        lan.edit_record(
            &doc.id,
            &task,
            RecordEdit::Text {
                period: q2,
                field: records::TextField::Notes,
                text: text.into(),
            },
        )
        .await
        .unwrap();
    }
    wait_for_status(&lan, "two unconfirmed changes", |s| s.n_unconfirmed == 2).await;
    let refused = lan.logout(false).await.unwrap_err();
    assert!(
        matches!(refused, ClientError::UnsyncedChanges { n_unconfirmed: 2 }),
        "logout must not lose offline work: {refused}"
    );
    lan.shutdown().await;

    // Restarted without the network: the session, the documents and the count are all there.
    let lan = Client::open(&dir).await.unwrap();
    assert_eq!(lan.session().map(|s| s.username), Some("lan".into()));
    wait_for_status(&lan, "the count survives a restart", |s| {
        s.state == SyncState::Offline && s.n_unconfirmed == 2
    })
    .await;
    let record = lan.read_record(&doc.id, &task).await.unwrap();
    let notes = record.periods.iter().find(|p| p.period == q2).unwrap();
    assert_eq!(notes.notes, "Bản nháp, đã sửa");

    lan.start_sync();
    wait_for_status(&lan, "offline edits confirmed", up_to_date).await;
    lan.logout(false).await.unwrap();
    lan.shutdown().await;
}
