//! One unit's documents broken in the stopped server's storage, as a write from before the
//! server judged changes, a bug or an old backup can leave them: `plansync report export` still
//! writes the consolidated report (exit 0) with every other unit's data, names the broken unit
//! and why in the file, and warns on stderr; that unit's own report is an error naming it.

use std::time::Duration;

use automerge::transaction::Transactable;
use automerge::ReadDoc;
use calamine::Data;
use shared::calendar::PeriodId;
use shared::documents::records::{RecordEdit, TaskStatus, TextField};
use shared::plan::TaskId;
use tests::laptop::Laptop;
use tests::server::TestServer;

use crate::read::{docx_text, text, Workbook};

const WAIT: Duration = Duration::from_secs(40);
const QLHT: &str = "Phòng Quản lý hạ tầng";
const KHTC: &str = "Phòng Kế hoạch – Tài chính";
const KHTC_RESULT: &str = "Đã giải ngân 92% kế hoạch vốn quý III.";

/// KHTC reports on the disbursement task from its laptop; the server stops.
async fn khtc_reports(server: &mut TestServer) {
    server.start();
    let hoa = Laptop::login(&server.url(), "hoa").await;
    hoa.wait_up_to_date(WAIT).await;
    let q3: PeriodId = "2026-Q3".parse().unwrap();
    let disbursement = TaskId("PAR_INDEX/VI/1".into());
    let khtc = hoa.doc("records", "KHTC");
    for edit in [
        RecordEdit::Status {
            status: TaskStatus::Done,
        },
        RecordEdit::Text {
            period: q3,
            field: TextField::Result,
            text: KHTC_RESULT.into(),
        },
    ] {
        hoa.client
            .edit_record(&khtc, &disbursement, edit)
            .await
            .unwrap();
    }
    hoa.wait_up_to_date(WAIT).await;
    hoa.client.shutdown().await;
    server.stop();
}

/// Writes into the server's copy of document `id` directly, as no client may.
async fn tamper(server: &TestServer, id: &str, write: impl FnOnce(&mut automerge::Automerge)) {
    let (registry, storage) = server::sync::open_data(server.data_dir()).unwrap();
    let repo = server::sync::open_repo(registry, storage).await;
    let handle = server::publish::find_registered(&repo, id).await.unwrap();
    handle.with_document(write);
    // Stopping waits for the storage writes.
    repo.stop().await;
}

fn export(
    server: &TestServer,
    format: &str,
    out: &str,
    unit: Option<&str>,
) -> std::process::Output {
    let mut args = vec![
        "report",
        "export",
        "--period",
        "2026-Q3",
        "--format",
        format,
        "--out",
        out,
        "--date",
        "20/09/2026",
    ];
    if let Some(unit) = unit {
        args.extend(["--unit", unit]);
    }
    server.try_cli(&args, None)
}

#[tokio::test(flavor = "multi_thread")]
async fn a_broken_unit_document_does_not_stop_the_consolidated_report() {
    let mut server = TestServer::with_accounts(&[("hoa", "KHTC", "staff")]);
    khtc_reports(&mut server).await;
    // QLHT's map of tasks is replaced by a value.
    tamper(&server, &server.doc("records", "QLHT"), |doc| {
        doc.transact::<_, _, automerge::AutomergeError>(|tx| {
            tx.put(automerge::ROOT, "tasks", "hỏng")?;
            Ok(())
        })
        .unwrap();
    })
    .await;

    let dir = tempfile::tempdir().unwrap();
    let path = |name: &str| dir.path().join(name).to_str().unwrap().to_string();
    let notice = format!("Không đọc được dữ liệu của {QLHT}: dữ liệu bị mất danh sách nhiệm vụ");

    let out = export(&server, "xlsx", &path("bao-cao.xlsx"), None);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "the export succeeds: {stderr}");
    assert!(
        stderr.starts_with(&format!("warning: {notice}")) && stderr.contains("tasks is \"hỏng\""),
        "one warning names the unit, why and the cause: {stderr}"
    );
    let workbook = Workbook::open(dir.path().join("bao-cao.xlsx").as_path());
    for sheet in ["PAR INDEX", "PAPI", "SIPAS", "Chỉ tiêu"] {
        let above_header = text(&workbook.rows(sheet)[2][0]);
        assert!(
            above_header.starts_with(&format!("Lưu ý: {notice}")),
            "{sheet} says which unit is missing: {above_header:?}"
        );
    }
    let row: Vec<&str> = workbook
        .row_with("PAR INDEX", &[KHTC, KHTC_RESULT])
        .iter()
        .map(text)
        .collect();
    assert_eq!(
        row[4], "Hoàn thành",
        "the readable unit is reported in full"
    );
    let qlht_rows = workbook
        .sheets
        .iter()
        .flat_map(|(_, rows)| rows)
        .filter(|r| r.get(3) == Some(&Data::String(QLHT.into())))
        .count();
    assert_eq!(
        qlht_rows, 0,
        "no row reports for the unreadable unit (it may still lead tasks)"
    );

    let out = export(&server, "docx", &path("bao-cao.docx"), None);
    assert!(out.status.success());
    let docx = docx_text(dir.path().join("bao-cao.docx").as_path());
    let lines: Vec<&str> = docx.lines().collect();
    let addressed = lines
        .iter()
        .position(|l| l.starts_with("Kính gửi:"))
        .expect("Kính gửi");
    assert!(
        lines[addressed + 1].starts_with(&format!("Lưu ý: {notice}")),
        "the notice comes right under the title: {docx}"
    );
    let totals = lines
        .iter()
        .position(|l| l.starts_with("Kết quả chung:"))
        .expect("the totals");
    assert!(totals > addressed + 1, "then the totals: {docx}");
    assert!(
        docx.lines()
            .any(|l| l.contains(&format!("| {KHTC} | Hoàn thành | {KHTC_RESULT}"))),
        "{docx}"
    );

    let out = export(&server, "docx", &path("qlht.docx"), Some("QLHT"));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        !out.status.success(),
        "the unit's own report cannot be made"
    );
    assert!(
        stderr.starts_with(&format!(
            "error: the records of unit QLHT ({QLHT}) cannot be read: tasks is \"hỏng\", not a map"
        )),
        "{stderr}"
    );
    assert!(!dir.path().join("qlht.docx").exists(), "nothing is written");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_value_of_the_wrong_type_empties_only_that_field() {
    let mut server = TestServer::with_accounts(&[("hoa", "KHTC", "staff")]);
    khtc_reports(&mut server).await;
    // KHTC's status of the disbursement task becomes a number.
    tamper(&server, &server.doc("records", "KHTC"), |doc| {
        let tasks = doc.get(automerge::ROOT, "tasks").unwrap().unwrap().1;
        let task = doc.get(&tasks, "PAR_INDEX/VI/1").unwrap().unwrap().1;
        doc.transact::<_, _, automerge::AutomergeError>(|tx| {
            tx.put(&task, "status", 3_i64)?;
            Ok(())
        })
        .unwrap();
    })
    .await;

    let dir = tempfile::tempdir().unwrap();
    let out_path = dir.path().join("bao-cao.xlsx");
    let out = export(&server, "xlsx", out_path.to_str().unwrap(), None);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stderr.contains(&format!("warning: Một số số liệu của {KHTC}"))
            && stderr.contains("records tasks.PAR_INDEX/VI/1.status"),
        "{stderr}"
    );
    let workbook = Workbook::open(&out_path);
    let row: Vec<&str> = workbook
        .row_with("PAR INDEX", &[KHTC, KHTC_RESULT])
        .iter()
        .map(text)
        .collect();
    assert_eq!(
        row[4], "Quá hạn (không đọc được tình trạng đơn vị đã ghi)",
        "the status is worked out as if none was recorded, and says so; the result stays"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_unit_document_whose_stored_bytes_do_not_load_is_named_in_the_report() {
    let mut server = TestServer::with_accounts(&[("hoa", "KHTC", "staff")]);
    khtc_reports(&mut server).await;
    let qlht = server.doc("records", "QLHT");
    let db = rusqlite::Connection::open(server.data_dir().join("documents.sqlite3")).unwrap();
    let n_chunks = db
        .execute(
            "UPDATE chunks SET data = X'00FF00FF' WHERE key LIKE ?1 || '/%'",
            [&qlht],
        )
        .unwrap();
    assert!(n_chunks > 0, "QLHT's records are stored");
    drop(db);

    let dir = tempfile::tempdir().unwrap();
    let out_path = dir.path().join("bao-cao.docx");
    let out = export(&server, "docx", out_path.to_str().unwrap(), None);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stderr.contains(&format!(
            "warning: Không đọc được dữ liệu của {QLHT}: dữ liệu trống (tệp lưu trữ có thể bị hỏng"
        )) && stderr.contains(&format!("document {qlht} in")),
        "the warning says the stored bytes did not load: {stderr}"
    );
    let docx = docx_text(&out_path);
    assert!(docx.contains(KHTC_RESULT), "{docx}");
}
