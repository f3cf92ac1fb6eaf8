//! Plan editing reaches every unit: a plan editor adds a task for one unit and moves another
//! task's lead to it; the server gives every unit reporting on those tasks their maps (creating
//! the documents of a unit that had none), the unit's staff see the tasks and record them, and
//! the other units' documents keep what they held. Staff may not edit the plan.

use std::time::Duration;

use shared::calendar::PeriodId;
use shared::documents::records::{RecordEdit, TextField};
use shared::plan::{IndexKind, TaskId};
use shared::plan_edit::{PlanEdit, TaskDraft};
use tests::laptop::{eventually, Laptop};
use tests::server::TestServer;

const WAIT: Duration = Duration::from_secs(40);
const KHTC: &str = "Phòng Kế hoạch – Tài chính";
const QLHT: &str = "Phòng Quản lý hạ tầng";
/// A unit registered after the plan was published: publishing made no documents for it.
const GDXD: (&str, &str) = ("GDXD", "Phòng Giám định xây dựng");

fn result(text: &str) -> RecordEdit {
    RecordEdit::Text {
        period: "2026-Q1".parse::<PeriodId>().unwrap(),
        field: TextField::Result,
        text: text.into(),
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn an_added_task_and_a_moved_lead_reach_the_units() {
    let mut server = TestServer::with_accounts(&[
        ("kehoach", "VP", "plan-editor"),
        ("hoa", "KHTC", "staff"),
        ("lan", "QLHT", "staff"),
    ]);
    server.cli(
        &[
            "unit", "add", GDXD.0, "--name", GDXD.1, "--kind", "division",
        ],
        None,
    );
    server.cli(
        &[
            "user",
            "add",
            "dung",
            "--unit",
            GDXD.0,
            "--role",
            "staff",
            "--password-stdin",
        ],
        Some(tests::server::PASSWORD),
    );
    server.start();
    let url = server.url();
    let editor = Laptop::login(&url, "kehoach").await;
    let hoa = Laptop::login(&url, "hoa").await;
    let lan = Laptop::login(&url, "lan").await;
    let dung = Laptop::login(&url, "dung").await;
    for laptop in [&editor, &hoa, &lan] {
        laptop.wait_up_to_date(WAIT).await;
    }
    // Publishing made no documents for the unit registered after it; the server makes them
    // (the unit reports on the tasks of "all units").
    assert!(
        server.documents.iter().all(|(_, unit, _)| unit != GDXD.0),
        "{:?}",
        server.documents
    );
    let plan = editor
        .client
        .plan()
        .await
        .unwrap()
        .expect("plan downloaded");
    // A task neither QLHT nor KHTC reports on; the editor first gives its lead to QLHT.
    let task = plan
        .tasks()
        .into_iter()
        .map(|(_, t)| t)
        .find(|t| {
            let units = plan.reporting_units(t);
            !units.contains(&KHTC) && !units.contains(&QLHT)
        })
        .expect("the fixture has a task neither unit reports on")
        .clone();
    editor
        .client
        .edit_plan(PlanEdit::EditTask {
            task_id: task.id.clone(),
            draft: TaskDraft {
                lead_text: QLHT.into(),
                support_text: String::new(),
                ..TaskDraft::from_task(&task)
            },
        })
        .await
        .unwrap();
    let qlht_doc = lan.doc("records", "QLHT");
    eventually(
        WAIT,
        "QLHT's records to hold the task it now leads",
        || async { lan.client.read_record(&qlht_doc, &task.id).await.ok() },
    )
    .await;
    let plan = editor.client.plan().await.unwrap().unwrap();
    let moved = plan.task(&task.id).unwrap().clone();
    assert_eq!(moved.lead, [QLHT]);
    lan.client
        .edit_record(&qlht_doc, &moved.id, result("Kết quả của QLHT"))
        .await
        .unwrap();
    lan.wait_up_to_date(WAIT).await;
    let qlht_tasks_before = lan.client.read_record(&qlht_doc, &moved.id).await.unwrap();

    // Staff may not edit the plan.
    let refused = lan
        .client
        .edit_plan(PlanEdit::EditTask {
            task_id: moved.id.clone(),
            draft: TaskDraft::from_task(&moved),
        })
        .await
        .unwrap_err();
    assert_eq!(refused.code(), "plan_read_only", "{refused}");

    // The editor adds a task for KHTC (supported by the new unit) and moves the lead.
    let section = plan.appendix(IndexKind::ParIndex).unwrap().sections[0]
        .code
        .clone();
    let added = editor
        .client
        .edit_plan(PlanEdit::AddTask {
            index: IndexKind::ParIndex,
            section_path: vec![section.clone()],
            draft: TaskDraft {
                code: "99".into(),
                title: "Số hoá hồ sơ lưu trữ".into(),
                content: "Số hoá tối thiểu 80% hồ sơ".into(),
                lead_text: KHTC.into(),
                support_text: GDXD.1.into(),
                timeframe_text: "Hàng năm".into(),
                products_text: "Báo cáo".into(),
                evidence_required: false,
            },
        })
        .await
        .unwrap();
    assert_eq!(added, TaskId(format!("PAR_INDEX/{section}/99")));
    let moved_id = editor
        .client
        .edit_plan(PlanEdit::EditTask {
            task_id: moved.id.clone(),
            draft: TaskDraft {
                lead_text: KHTC.into(),
                ..TaskDraft::from_task(&moved)
            },
        })
        .await
        .unwrap();
    assert_eq!(moved_id, moved.id);
    editor.wait_up_to_date(WAIT).await;

    // KHTC's staff see both tasks in the plan and can record them.
    let khtc_doc = hoa.doc("records", "KHTC");
    eventually(WAIT, "KHTC to see the edited plan", || async {
        let plan = hoa.client.plan().await.ok()??;
        let new_task = plan.task(&added)?;
        (new_task.lead == [KHTC] && plan.task(&moved.id)?.lead == [KHTC]).then_some(())
    })
    .await;
    for task in [&added, &moved.id] {
        eventually(WAIT, "KHTC's records to hold the task's maps", || async {
            hoa.client.read_record(&khtc_doc, task).await.ok()
        })
        .await;
        hoa.client
            .edit_record(&khtc_doc, task, result("Kết quả của KHTC"))
            .await
            .unwrap_or_else(|e| panic!("KHTC records {task}: {e}"));
    }
    hoa.wait_up_to_date(WAIT).await;
    assert!(hoa.client.review_doc_for("KHTC", 2026).is_some());

    // The new unit has documents, registered and listed for its staff, with the added task.
    let gdxd_doc = eventually(
        WAIT,
        "the new unit's records document to be listed",
        || async { dung.client.records_doc_for(GDXD.0, 2026).map(|d| d.id) },
    )
    .await;
    eventually(
        WAIT,
        "the new unit's records to hold the added task",
        || async { dung.client.read_record(&gdxd_doc, &added).await.ok() },
    )
    .await;
    dung.client
        .edit_record(&gdxd_doc, &added, result("Đã phối hợp"))
        .await
        .unwrap();
    dung.wait_up_to_date(WAIT).await;

    // QLHT's document is intact: the moved task's maps and what it recorded stay.
    lan.wait_up_to_date(WAIT).await;
    assert_eq!(
        lan.client.read_record(&qlht_doc, &moved.id).await.unwrap(),
        qlht_tasks_before
    );
    for laptop in [editor, hoa, lan, dung] {
        laptop.client.shutdown().await;
    }
}
