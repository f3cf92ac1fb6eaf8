//! Two laptops of one unit: one records a result, the other sees it.

use std::time::Duration;

use client::{Client, ClientError, SyncState, SyncStatus};
use shared::calendar::PeriodId;
use shared::documents::records::{self, RecordEdit, TaskStatus, TextField};
use shared::documents::review::Verdict;

use crate::server::TestServer;

const WAIT: Duration = Duration::from_secs(30);

pub async fn wait_for_status(client: &Client, what: &str, ok: impl Fn(&SyncStatus) -> bool) {
    let mut status = client.status();
    let waited = tokio::time::timeout(WAIT, status.wait_for(|s| ok(s)))
        .await
        .map(|r| r.is_ok());
    assert!(
        matches!(waited, Ok(true)),
        "timed out waiting for {what}; status: {:?}",
        *status.borrow()
    );
}

pub fn up_to_date(status: &SyncStatus) -> bool {
    matches!(status.state, SyncState::UpToDate { .. }) && status.n_unconfirmed == 0
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_result_recorded_on_one_laptop_reaches_another() {
    crate::init_tracing();

    let server = TestServer::start();
    server.add_user("lan", "VP", "staff", "mật khẩu của Lan");
    server.add_user("minh", "VP", "staff", "minh-pass");
    server.add_user("thu", "VP", "reviewer", "thu-reviewer");
    let dirs = tempfile::tempdir().unwrap();

    let lan = Client::open(&dirs.path().join("lan")).await.unwrap();
    let nobody_there = lan
        .login("http://127.0.0.1:1", "lan", "mật khẩu của Lan")
        .await
        .unwrap_err();
    assert_eq!(nobody_there.code(), "server_unreachable", "{nobody_there}");
    let refused = lan.login(&server.url, "lan", "wrong").await.unwrap_err();
    assert_eq!(refused.code(), "bad_credentials", "{refused}");
    let session = lan
        .login(&server.url, "lan", "mật khẩu của Lan")
        .await
        .unwrap();
    assert_eq!(
        (session.unit.as_str(), session.role.as_str()),
        ("VP", "staff")
    );
    lan.start_sync();
    wait_for_status(&lan, "lan up to date", up_to_date).await;

    let plan = lan.plan().await.unwrap().expect("the plan syncs");
    assert!(!plan.tasks().is_empty(), "the plan has tasks");
    let records_doc = lan
        .records_doc_for("VP", 2026)
        .expect("VP's records are listed for VP staff");
    assert!(
        records_doc.is_writable(),
        "staff write their unit's records"
    );
    let task_ids = lan
        .with_doc(&records_doc.id, records::task_ids)
        .await
        .unwrap()
        .unwrap();
    let task = task_ids.first().expect("VP reports on some task").clone();
    let q1: PeriodId = "2026-Q1".parse().unwrap();

    lan.edit_record(
        &records_doc.id,
        &task,
        RecordEdit::Text {
            period: q1,
            field: TextField::Result,
            text: "Đã ban hành kế hoạch, đạt 100%".into(),
        },
    )
    .await
    .unwrap();
    lan.edit_record(
        &records_doc.id,
        &task,
        RecordEdit::Status {
            status: TaskStatus::Done,
        },
    )
    .await
    .unwrap();
    wait_for_status(&lan, "lan's edits confirmed", up_to_date).await;

    let review_doc = lan.review_doc_for("VP", 2026).expect("VP reads its review");
    let read_only = lan
        .set_verdict(&review_doc.id, &task, q1, Verdict::Accepted, "tốt")
        .await
        .unwrap_err();
    assert!(
        matches!(read_only, ClientError::ReadOnly { .. }),
        "staff cannot write reviews: {read_only}"
    );

    let minh = Client::open(&dirs.path().join("minh")).await.unwrap();
    minh.login(&server.url, "minh", "minh-pass").await.unwrap();
    minh.start_sync();
    wait_for_status(&minh, "minh up to date", up_to_date).await;
    let record = minh.read_record(&records_doc.id, &task).await.unwrap();
    let result_q1 = record
        .periods
        .iter()
        .find(|p| p.period == q1)
        .map(|p| p.result.as_str());
    assert_eq!(result_q1, Some("Đã ban hành kế hoạch, đạt 100%"));
    assert_eq!(record.status.current(), Some(&TaskStatus::Done));
    let history = minh.history(&records_doc.id).await.unwrap();
    assert!(
        history.iter().any(|h| h.user == "lan"),
        "history names lan: {history:?}"
    );

    // The office accepts Q1; the unit's laptops then refuse to change it.
    let thu = Client::open(&dirs.path().join("thu")).await.unwrap();
    thu.login(&server.url, "thu", "thu-reviewer").await.unwrap();
    thu.start_sync();
    wait_for_status(&thu, "thu up to date", up_to_date).await;
    assert!(
        thu.records_doc_for("VP", 2026)
            .is_some_and(|d| !d.is_writable()),
        "reviewers read records"
    );
    thu.set_verdict(&review_doc.id, &task, q1, Verdict::Accepted, "Đạt yêu cầu")
        .await
        .unwrap();
    wait_for_status(&thu, "the verdict confirmed", up_to_date).await;
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let entry = lan.read_review(&review_doc.id, &task, q1).await.unwrap();
        if entry.verdict.current() == Some(&Verdict::Accepted) {
            assert_eq!(entry.comment, "Đạt yêu cầu");
            assert_eq!(entry.by.as_deref(), Some("thu"));
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "the verdict reaches lan"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let locked = lan
        .edit_record(
            &records_doc.id,
            &task,
            RecordEdit::Text {
                period: q1,
                field: TextField::Result,
                text: "sửa sau khi duyệt".into(),
            },
        )
        .await
        .unwrap_err();
    assert_eq!(locked.code(), "period_locked", "{locked}");
    let h1: PeriodId = "2026-H1".parse().unwrap();
    lan.edit_record(
        &records_doc.id,
        &task,
        RecordEdit::Actual {
            period: h1,
            target: 0,
            value: Some(3.0),
        },
    )
    .await
    .expect("other periods stay open");
    wait_for_status(&lan, "lan's last edit confirmed", up_to_date).await;

    lan.logout(false).await.unwrap();
    assert_eq!(lan.session(), None);
    assert!(lan.documents().is_empty(), "logout forgets the documents");
    thu.shutdown().await;
    minh.shutdown().await;
    lan.shutdown().await;
}
