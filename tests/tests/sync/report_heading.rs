//! The office's report particulars (issue #12 item 2) are plan data: a plan editor's edit
//! reaches every laptop and the server's CLI; a staff member's write to them is refused by the
//! server like any other plan write, and so is an editor's write of something they do not hold;
//! an admin sets them with `plansync plan heading set` (with the server stopped) and the
//! consolidated report is issued with them.

use std::io::Read;
use std::time::Duration;

use automerge::transaction::Transactable;
use automerge::{ObjType, ReadDoc, Value, ROOT};
use shared::documents::plan_doc::HEADING;
use shared::report::HeadingParticulars;
use tests::laptop::{eventually, Laptop};
use tests::rogue::RoguePeer;
use tests::server::{TestServer, PASSWORD};

const WAIT: Duration = Duration::from_secs(40);

/// The value under `key` of the plan document's `report_heading` map, as the server gives the
/// document to an admin who fetches it afresh.
async fn stored_on_server(
    server: &TestServer,
    plan: &str,
    key: &str,
    device: &str,
) -> Option<String> {
    let observer = RoguePeer::connect(&server.url(), "quantri", PASSWORD, device).await;
    let handle = observer.fetch(plan).await.expect("an admin reads the plan");
    let value = handle.with_document(|doc| {
        let Ok(Some((Value::Object(ObjType::Map), obj))) = doc.get(ROOT, HEADING) else {
            panic!("the server created the report heading's map");
        };
        doc.get(&obj, key)
            .ok()
            .flatten()
            .and_then(|(v, _)| v.into_string().ok())
    });
    observer.stop().await;
    value
}

fn heading_map(tx: &automerge::transaction::Transaction<'_>) -> automerge::ObjId {
    match tx.get(ROOT, HEADING).unwrap() {
        Some((Value::Object(ObjType::Map), obj)) => obj,
        other => panic!("no report heading map: {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn an_editor_s_particulars_reach_every_laptop_and_a_staff_write_is_refused() {
    let mut server = TestServer::with_accounts(&[
        ("kehoach", "VP", "plan-editor"),
        ("lan", "QLHT", "staff"),
        ("quantri", "VP", "admin"),
    ]);
    server.start();
    let plan = server.doc("plan", "-");

    // A staff member's peer that ignores the app's rules writes the signer's name.
    let rogue = RoguePeer::connect(&server.url(), "lan", PASSWORD, "rogue").await;
    let handle = rogue.fetch(&plan).await.expect("staff read the plan");
    rogue
        .write_raw(&handle, |tx| {
            let obj = heading_map(tx);
            tx.put(&obj, "signer_name", "Kẻ mạo danh").unwrap();
        })
        .await;
    rogue.stop().await;
    assert_eq!(
        stored_on_server(&server, &plan, "signer_name", "obs-1").await,
        None,
        "a staff member's write of the particulars is refused"
    );
    // A plan editor's peer may write the particulars' fields, and nothing else in them.
    let rogue = RoguePeer::connect(&server.url(), "kehoach", PASSWORD, "rogue").await;
    let handle = rogue.fetch(&plan).await.expect("editors read the plan");
    rogue
        .write_raw(&handle, |tx| {
            let obj = heading_map(tx);
            tx.put(&obj, "seal", "con dấu").unwrap();
        })
        .await;
    rogue.stop().await;
    assert_eq!(
        stored_on_server(&server, &plan, "seal", "obs-2").await,
        None,
        "a field the particulars do not hold is refused"
    );

    // The editor's app stores them; the staff member's laptop and the server's CLI read them.
    let editor = Laptop::login(&server.url(), "kehoach").await;
    let lan = Laptop::login(&server.url(), "lan").await;
    editor.wait_up_to_date(WAIT).await;
    lan.wait_up_to_date(WAIT).await;
    assert_eq!(
        lan.client.report_heading().await.unwrap(),
        Some(HeadingParticulars::default()),
        "nothing stored: everything derived from the plan"
    );
    let particulars = HeadingParticulars {
        parent_agency: "UBND tỉnh Tuyên Quang".into(),
        recipients: vec!["Như trên".into(), "Bộ Xây dựng".into()],
        signer_authority: "KT. GIÁM ĐỐC".into(),
        signer_title: "PHÓ GIÁM ĐỐC".into(),
        signer_name: "Nguyễn Văn Đức".into(),
        ..Default::default()
    };
    assert!(
        lan.client
            .set_report_heading(particulars.clone())
            .await
            .is_err(),
        "the app refuses a staff member's edit of the plan"
    );
    editor
        .client
        .set_report_heading(particulars.clone())
        .await
        .unwrap();
    eventually(WAIT, "the particulars reach the staff laptop", || async {
        (lan.client.report_heading().await.ok().flatten() == Some(particulars.clone()))
            .then_some(())
    })
    .await;
    editor.wait_up_to_date(WAIT).await;
    let shown = server.cli(&["plan", "heading", "show"], None);
    assert!(
        shown.contains("signer_name\tNguyễn Văn Đức\tstored\n"),
        "{shown}"
    );
    assert!(
        shown.contains("recipients\tBộ Xây dựng\tstored\n"),
        "{shown}"
    );
    assert!(shown.contains("agency\tSở Xây dựng\tderived\n"), "{shown}");
    assert!(shown.contains("number\t\tderived\n"), "{shown}");

    // Setting them from the CLI needs the server stopped.
    let refused = server.try_cli(&["plan", "heading", "set", "--number", "25"], None);
    assert!(!refused.status.success());
    let why = String::from_utf8_lossy(&refused.stderr);
    assert!(why.lines().count() <= 2 && !why.is_empty(), "{why}");
    drop((editor, lan));
    server.stop();
    let nothing = server.try_cli(&["plan", "heading", "set"], None);
    assert!(!nothing.status.success());
    assert!(
        String::from_utf8_lossy(&nothing.stderr).contains("nothing to set"),
        "{}",
        String::from_utf8_lossy(&nothing.stderr)
    );
    let set = server.cli(
        &[
            "plan",
            "heading",
            "set",
            "--number",
            "25",
            "--signer-name",
            "Trần Thị Hà",
            "--addressee",
            "Ủy ban nhân dân tỉnh Tuyên Quang",
            "--addressee",
            "Sở Nội vụ",
            "--parent-agency",
            "",
        ],
        None,
    );
    assert!(set.contains("signer_name\tTrần Thị Hà\tstored\n"), "{set}");
    assert!(set.contains("number\t25\tstored\n"), "{set}");
    assert!(set.contains("addressees\tSở Nội vụ\tstored\n"), "{set}");
    assert!(
        set.contains("parent_agency\tUBND tỉnh Tuyên Quang\tderived\n"),
        "{set}"
    );
    assert!(set.contains("recipients\tBộ Xây dựng\tstored\n"), "{set}");

    // The consolidated report is issued with them.
    let out = server.data_dir().join("q1.docx");
    server.cli(
        &[
            "report",
            "export",
            "--period",
            "2026-Q1",
            "--date",
            "20/03/2026",
            "--out",
            out.to_str().unwrap(),
        ],
        None,
    );
    let mut zip = zip::ZipArchive::new(std::fs::File::open(&out).unwrap()).unwrap();
    let mut xml = String::new();
    zip.by_name("word/document.xml")
        .unwrap()
        .read_to_string(&mut xml)
        .unwrap();
    for text in ["Trần Thị Hà", "25/BC-", "Bộ Xây dựng", "Sở Nội vụ"] {
        assert!(xml.contains(text), "the report holds {text}");
    }
    assert!(!xml.contains("Nguyễn Văn Đức"));
}
