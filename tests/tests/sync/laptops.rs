//! Two laptops of one unit and one of another, plus the office, each a real client with its own
//! database: edits while the server is down, concurrent edits of the same record, reconnect; all
//! replicas end equal, every edit present, and the conflicting field shows both versions.

use std::time::Duration;

use client::ChangeHash;
use shared::calendar::PeriodId;
use shared::documents::records::{RecordEdit, TaskStatus, TextField};
use shared::plan::TaskId;
use tests::laptop::{eventually, Laptop};
use tests::server::TestServer;

const WAIT: Duration = Duration::from_secs(40);

#[tokio::test(flavor = "multi_thread")]
async fn offline_edits_converge_and_conflicts_show_both_versions() {
    let mut server = TestServer::with_accounts(&[
        ("lan", "QLHT", "staff"),
        ("minh", "QLHT", "staff"),
        ("hoa", "KHTC", "staff"),
        ("thamdinh", "VP", "reviewer"),
    ]);
    server.start();
    let url = server.url();
    let a = Laptop::login(&url, "lan").await;
    let b = Laptop::login(&url, "minh").await;
    let c = Laptop::login(&url, "hoa").await;
    let office = Laptop::login(&url, "thamdinh").await;
    for laptop in [&a, &b, &c, &office] {
        laptop.wait_up_to_date(WAIT).await;
    }
    let qlht = a.doc("records", "QLHT");
    let khtc = c.doc("records", "KHTC");
    let task = TaskId("PAR_INDEX/I/4".into());
    let q1: PeriodId = "2026-Q1".parse().unwrap();

    // The server goes down; everyone keeps working.
    server.kill();
    let edit = |edit: RecordEdit| edit;
    a.client
        .edit_record(
            &qlht,
            &task,
            edit(RecordEdit::Status {
                status: TaskStatus::Done,
            }),
        )
        .await
        .unwrap();
    b.client
        .edit_record(
            &qlht,
            &task,
            edit(RecordEdit::Status {
                status: TaskStatus::InProgress,
            }),
        )
        .await
        .unwrap();
    let result = "Đã đề xuất 03 sáng kiến cải cách hành chính.";
    a.client
        .edit_record(
            &qlht,
            &task,
            RecordEdit::Text {
                period: q1,
                field: TextField::Result,
                text: result.into(),
            },
        )
        .await
        .unwrap();
    let difficulties = "Thiếu kinh phí triển khai phần mềm.";
    b.client
        .edit_record(
            &qlht,
            &task,
            RecordEdit::Text {
                period: q1,
                field: TextField::Difficulties,
                text: difficulties.into(),
            },
        )
        .await
        .unwrap();
    c.client
        .edit_record(&khtc, &task, RecordEdit::Progress { percent: 50 })
        .await
        .unwrap();
    for laptop in [&a, &b, &c] {
        let status = laptop.status();
        assert!(
            status.n_unconfirmed > 0,
            "{}: offline edits are pending: {status:?}",
            laptop.name
        );
        assert!(
            !matches!(status.state, client::SyncState::UpToDate { .. }),
            "{}: {status:?}",
            laptop.name
        );
    }

    server.start();
    for laptop in [&a, &b, &c, &office] {
        laptop.wait_up_to_date(WAIT).await;
    }

    // The office sees every edit, and both competing statuses with the device that set each.
    let record = eventually(WAIT, "the office to receive both statuses", || async {
        let record = office.client.read_record(&qlht, &task).await.ok()?;
        (record.status.values.len() == 2).then_some(record)
    })
    .await;
    let mut versions: Vec<(TaskStatus, String)> = record
        .status
        .values
        .iter()
        .map(|v| (v.value, v.device.clone()))
        .collect();
    versions.sort_by_key(|(s, _)| s.as_str());
    assert_eq!(
        versions,
        [
            (TaskStatus::Done, a.client.device().as_str().to_string()),
            (
                TaskStatus::InProgress,
                b.client.device().as_str().to_string()
            )
        ]
    );
    let period = record.periods.iter().find(|p| p.period == q1).unwrap();
    assert_eq!(
        (period.result.as_str(), period.difficulties.as_str()),
        (result, difficulties)
    );
    let other_unit = office.client.read_record(&khtc, &task).await.unwrap();
    assert_eq!(other_unit.progress.current(), Some(&50));

    // Every replica of the unit's records is the same document.
    let heads = |laptop: &Laptop| {
        let id = qlht.clone();
        let client = laptop.client.clone();
        async move {
            let mut heads: Vec<ChangeHash> = client.doc_heads(&id).await.unwrap();
            heads.sort();
            heads
        }
    };
    let office_heads = heads(&office).await;
    assert_eq!(heads(&a).await, office_heads);
    assert_eq!(heads(&b).await, office_heads);

    // Choosing one version resolves the conflict for everyone.
    a.client
        .resolve_status(&qlht, &task, TaskStatus::Done)
        .await
        .unwrap();
    eventually(
        WAIT,
        "the resolution to reach the office and the other laptop",
        || async {
            let at_office = office.client.read_record(&qlht, &task).await.ok()?;
            let at_b = b.client.read_record(&qlht, &task).await.ok()?;
            let resolved = |r: &shared::documents::records::TaskRecord| {
                r.status.values.len() == 1 && r.status.current() == Some(&TaskStatus::Done)
            };
            (resolved(&at_office) && resolved(&at_b)).then_some(())
        },
    )
    .await;
    let history = office.client.history(&qlht).await.unwrap();
    assert!(
        history
            .iter()
            .any(|h| h.user == "minh" && h.what == "status=in_progress"),
        "history names who changed what"
    );
    for laptop in [a, b, c, office] {
        laptop.client.shutdown().await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn search_ignores_diacritics_and_d_stroke() {
    let mut server = TestServer::with_accounts(&[("lan", "QLHT", "staff")]);
    server.start();
    let laptop = Laptop::login(&server.url(), "lan").await;
    laptop.wait_up_to_date(WAIT).await;
    let doc = laptop.doc("records", "QLHT");
    // Plan text: "Mức độ thực hiện các chỉ tiêu, nhiệm vụ đào tạo, bồi dưỡng CBCCVC" (V/6).
    let hits = laptop.client.search_tasks("dao tao").await.unwrap();
    assert_eq!(
        hits.iter().map(|h| h.task_id.as_str()).collect::<Vec<_>>(),
        ["PAR_INDEX/V/6"]
    );
    let hits = laptop.client.search_tasks("van phong so").await.unwrap();
    assert!(
        hits.len() > 20,
        "most tasks name Văn phòng Sở: {}",
        hits.len()
    );
    // The unit's own text is searchable as soon as it is saved, offline too.
    laptop.client.stop_sync();
    let task = TaskId("PAR_INDEX/I/3".into());
    let text = "Đăng 12 tin trên Cổng thông tin điện tử tỉnh";
    laptop
        .client
        .edit_record(
            &doc,
            &task,
            RecordEdit::Text {
                period: "2026-Q1".parse().unwrap(),
                field: TextField::Result,
                text: text.into(),
            },
        )
        .await
        .unwrap();
    let hits = laptop
        .client
        .search_tasks("cong thong tin dien tu TINH 12")
        .await
        .unwrap();
    assert_eq!(hits.len(), 1);
    assert_eq!(
        (hits[0].task_id.as_str(), hits[0].unit.as_str()),
        ("PAR_INDEX/I/3", "QLHT")
    );
    assert!(laptop
        .client
        .search_tasks("khong co tu nay")
        .await
        .unwrap()
        .is_empty());
    laptop.client.shutdown().await;
}
