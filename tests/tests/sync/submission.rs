//! Sending reports, through a real server: a unit's staff member writes a period's result and
//! sends it while the server is down; after sync the office reads it as sent, returns it with a
//! comment; the unit sees the return, fixes the report and sends it again (answering that
//! return); the office reads "sent again" and accepts it. A rogue client of the unit that marks
//! its own report accepted in the review document, or writes a verdict into its records, is
//! refused by the server: the office never sees it.

use std::time::Duration;

use client::DocumentId;
use shared::calendar::PeriodId;
use shared::documents::records::{RecordEdit, TextField};
use shared::documents::review::Verdict;
use shared::plan::TaskId;
use shared::record::PeriodRecord;
use shared::submission::{digest, report_state, ReportState};
use tests::laptop::{eventually, Laptop};
use tests::rogue::RoguePeer;
use tests::server::{TestServer, PASSWORD};

const WAIT: Duration = Duration::from_secs(40);

/// The report's state as `laptop` has it: the unit's period record and the office's verdict.
async fn state_at(
    laptop: &Laptop,
    records: &DocumentId,
    review: &DocumentId,
    task: &TaskId,
    period: PeriodId,
) -> Option<(ReportState, PeriodRecord)> {
    let report = laptop.period_record(records, task, period).await?;
    let verdict = laptop
        .client
        .read_review(review, task, period)
        .await
        .ok()
        .and_then(|entry| entry.given());
    Some((report_state(&report, verdict), report))
}

async fn send(
    laptop: &Laptop,
    records: &DocumentId,
    task: &TaskId,
    period: PeriodId,
    answers: i64,
) {
    let report = laptop.period_record(records, task, period).await.unwrap();
    laptop
        .client
        .edit_record(
            records,
            task,
            RecordEdit::Send {
                period,
                digest: digest(&report),
                answers,
            },
        )
        .await
        .unwrap();
}

/// Writes `verdict: accepted` into the period's map of `task`, as a rogue would.
fn mark_accepted(
    tx: &mut automerge::transaction::Transaction<'_>,
    task: &TaskId,
    period: PeriodId,
) {
    use automerge::transaction::Transactable;
    use automerge::ReadDoc;
    let map = |tx: &automerge::transaction::Transaction<'_>, obj: &automerge::ObjId, key: &str| {
        tx.get(obj, key).unwrap().map(|(_, id)| id).unwrap()
    };
    let tasks = map(tx, &automerge::ROOT, "tasks");
    let task = map(tx, &tasks, &task.0);
    let periods = map(tx, &task, "periods");
    let period = map(tx, &periods, &period.to_string());
    tx.put(&period, "verdict", "accepted").unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn a_report_is_sent_returned_fixed_resent_and_accepted() {
    let mut server =
        TestServer::with_accounts(&[("lan", "QLHT", "staff"), ("thamdinh", "VP", "reviewer")]);
    server.start();
    let url = server.url();
    let lan = Laptop::login(&url, "lan").await;
    let office = Laptop::login(&url, "thamdinh").await;
    lan.wait_up_to_date(WAIT).await;
    office.wait_up_to_date(WAIT).await;
    let records = lan.doc("records", "QLHT");
    let review = office.doc("review", "QLHT");
    let task = lan.unit_tasks("QLHT").await.unwrap()[0].id.clone();
    let period: PeriodId = "2026-Q3".parse().unwrap();

    // Written and sent while the server is down.
    server.kill();
    lan.client
        .edit_record(
            &records,
            &task,
            RecordEdit::Text {
                period,
                field: TextField::Result,
                text: "Đã rà soát hạ tầng tại 12 xã".into(),
            },
        )
        .await
        .unwrap();
    let (entering, _) = state_at(&lan, &records, &review, &task, period)
        .await
        .unwrap();
    assert_eq!(entering, ReportState::Entering);
    send(&lan, &records, &task, period, 0).await;
    let (sent, _) = state_at(&lan, &records, &review, &task, period)
        .await
        .unwrap();
    assert_eq!(sent, ReportState::Sent { changed: false });
    server.start();
    lan.wait_up_to_date(WAIT).await;
    eventually(WAIT, "the office to have the sent report", || async {
        let (state, _) = state_at(&office, &records, &review, &task, period).await?;
        (state == ReportState::Sent { changed: false }).then_some(())
    })
    .await;

    // Returned with a comment.
    office
        .client
        .set_verdict(&review, &task, period, Verdict::Returned, "Bổ sung số liệu")
        .await
        .unwrap();
    office.wait_up_to_date(WAIT).await;
    eventually(WAIT, "the unit to see the return", || async {
        let (state, _) = state_at(&lan, &records, &review, &task, period).await?;
        (state == ReportState::Returned).then_some(())
    })
    .await;
    let returned_at = lan
        .client
        .read_review(&review, &task, period)
        .await
        .unwrap()
        .at
        .expect("a verdict has a time");

    // Fixed and sent again, answering the return.
    lan.client
        .edit_record(
            &records,
            &task,
            RecordEdit::Text {
                period,
                field: TextField::Result,
                text: "Đã rà soát hạ tầng tại 12 xã, 3 phường; số liệu kèm theo".into(),
            },
        )
        .await
        .unwrap();
    send(&lan, &records, &task, period, returned_at).await;
    lan.wait_up_to_date(WAIT).await;
    eventually(WAIT, "the office to see it sent again", || async {
        let (state, _) = state_at(&office, &records, &review, &task, period).await?;
        (state == ReportState::Resent { changed: false }).then_some(())
    })
    .await;

    // A rogue client of the unit marks its own report accepted, in the review document and in
    // its records: refused by the server.
    for (doc, device) in [(&review, "rogue"), (&records, "rogue-2")] {
        let rogue = RoguePeer::connect(&url, "lan", PASSWORD, device).await;
        let handle = rogue
            .fetch(&doc.to_string())
            .await
            .expect("staff read their unit's documents");
        rogue
            .write_raw(&handle, |tx| mark_accepted(tx, &task, period))
            .await;
        rogue.stop().await;
    }
    let fresh = Laptop::login(&url, "thamdinh").await;
    fresh.wait_up_to_date(WAIT).await;
    let (state, _) = eventually(WAIT, "a fresh office laptop to read the report", || async {
        state_at(&fresh, &records, &review, &task, period).await
    })
    .await;
    assert_eq!(
        state,
        ReportState::Resent { changed: false },
        "the rogue's 'accepted' reached nobody"
    );

    // The office accepts: accepted on both sides.
    office
        .client
        .set_verdict(&review, &task, period, Verdict::Accepted, "")
        .await
        .unwrap();
    office.wait_up_to_date(WAIT).await;
    eventually(WAIT, "the unit to see it accepted", || async {
        let (state, _) = state_at(&lan, &records, &review, &task, period).await?;
        (state == ReportState::Accepted).then_some(())
    })
    .await;
}
