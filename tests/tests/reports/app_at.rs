//! A report exported from the app is built again on the server: the office's laptop builds the
//! Q3 report over the documents it holds, as the app's export does (`Client::plan_read_at`,
//! `Client::report_read_at`, the heads recorded in the files), a unit edits its record after
//! that, and `plansync report export --at` each file gives the same bytes. Then the CLI's own
//! errors: another data directory, a file that records no sources, and PDF without
//! LibreOffice.

use std::time::Duration;

use export::sources::{ReportSources, SourceDocument, UnitSources};
use export::ReportFormat;
use shared::calendar::{Date, PeriodId};
use shared::documents::records::{RecordEdit, TextField};
use shared::plan::TaskId;
use shared::report::{ReportHeading, Scope};
use tests::laptop::{eventually, Laptop};
use tests::server::TestServer;

const WAIT: Duration = Duration::from_secs(40);
const RESULT: &str = "Đã số hoá 95% hồ sơ thủ tục hành chính của phòng.";

fn doc(id: &dyn std::fmt::Display, heads: &[automerge::ChangeHash]) -> SourceDocument {
    SourceDocument {
        id: id.to_string(),
        heads: heads.iter().map(ToString::to_string).collect(),
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn the_server_builds_again_the_report_the_app_exported() {
    let mut server =
        TestServer::with_accounts(&[("lan", "QLHT", "staff"), ("thamdinh", "VP", "reviewer")]);
    server.start();
    let url = server.url();
    let lan = Laptop::login(&url, "lan").await;
    let office = Laptop::login(&url, "thamdinh").await;
    let q3: PeriodId = "2026-Q3".parse().unwrap();
    let online = TaskId("PAR_INDEX/VII/1".into());
    lan.wait_up_to_date(WAIT).await;
    let records = lan.doc("records", "QLHT");
    let write = |text: &'static str| {
        let records = records.clone();
        let online = online.clone();
        let lan = &lan;
        async move {
            let edit = RecordEdit::Text {
                period: q3,
                field: TextField::Result,
                text: text.into(),
            };
            lan.client
                .edit_record(&records, &online, edit)
                .await
                .unwrap();
            lan.wait_up_to_date(WAIT).await;
        }
    };
    write(RESULT).await;
    office.wait_up_to_date(WAIT).await;

    // The office's app exports, over what its laptop holds.
    let today = Date::new(2026, 9, 20).unwrap();
    let (plan, plan_id, plan_heads) = office.client.plan_read_at().await.unwrap().unwrap();
    let (report, read_at) = eventually(WAIT, "QLHT's result on the office's laptop", || {
        let (plan, client) = (&plan, &office.client);
        async move {
            let (report, read_at) = client
                .report_read_at(plan, q3, Scope::AllUnits, today)
                .await
                .unwrap();
            let has = report.indexes.iter().any(|index| {
                index.sections.iter().any(|section| {
                    section
                        .tasks
                        .iter()
                        .any(|task| task.units.iter().any(|u| u.result == RESULT))
                })
            });
            has.then_some((report, read_at))
        }
    })
    .await;
    assert!(read_at.len() >= 4, "every unit's documents: {read_at:?}");
    let sources = ReportSources {
        period: report.period,
        today: report.today,
        unit: None,
        plan: doc(&plan_id, &plan_heads),
        units: read_at
            .iter()
            .map(|unit| UnitSources {
                code: unit.code.clone(),
                name: unit.name.clone(),
                records: doc(&unit.records.0, &unit.records.1),
                review: unit.review.as_ref().map(|(id, heads)| doc(id, heads)),
            })
            .collect(),
    };
    let heading = ReportHeading::for_report(&plan, None);
    let dir = tempfile::tempdir().unwrap();
    let path = |name: &str| dir.path().join(name).to_str().unwrap().to_string();
    for (name, format) in [
        ("app.docx", ReportFormat::Docx),
        ("app.xlsx", ReportFormat::Xlsx),
    ] {
        let bytes = export::render(&report, &heading, format, Some(&sources)).unwrap();
        std::fs::write(path(name), bytes).unwrap();
    }

    // Edited after the export.
    write("Kết quả viết lại sau khi Văn phòng đã xuất báo cáo.").await;
    server.stop();
    for name in ["app.docx", "app.xlsx"] {
        let again = format!("lai-{name}");
        server.cli(
            &[
                "report",
                "export",
                "--at",
                &path(name),
                "--out",
                &path(&again),
            ],
            None,
        );
        assert!(
            std::fs::read(path(name)).unwrap() == std::fs::read(path(&again)).unwrap(),
            "{name}: the server builds the app's report again byte for byte"
        );
    }

    // Another data directory does not hold those documents: an error, not another report.
    let elsewhere = TestServer::with_accounts(&[]);
    let out = elsewhere.try_cli(
        &[
            "report",
            "export",
            "--at",
            &path("app.docx"),
            "--out",
            &path("x.docx"),
        ],
        None,
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(
        stderr.contains("the report was built from it, but it is not in this data directory"),
        "{stderr}"
    );

    // A file that records no sources.
    let plain = path("plain.docx");
    std::fs::write(
        &plain,
        export::render(&report, &heading, ReportFormat::Docx, None).unwrap(),
    )
    .unwrap();
    let out = server.try_cli(
        &["report", "export", "--at", &plain, "--out", &path("x.docx")],
        None,
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(
        stderr.starts_with("error: cannot build again from ")
            && stderr.contains("records no sources")
            && stderr.trim_end().lines().count() == 1,
        "{stderr}"
    );
    // PDF without LibreOffice: said at once, in English and Vietnamese, nothing written.
    let out = std::process::Command::new(tests::server::plansync_binary())
        .arg("--data")
        .arg(server.data_dir())
        .args([
            "report",
            "export",
            "--period",
            "2026-Q3",
            "--out",
            &path("x.pdf"),
        ])
        .env("PLANSYNC_SOFFICE", dir.path().join("no-soffice"))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(
        stderr.starts_with("error: LibreOffice is not installed")
            && stderr.contains("Chưa cài LibreOffice nên không xuất được PDF"),
        "{stderr}"
    );
    assert!(!dir.path().join("x.pdf").exists() && !dir.path().join("x.docx").exists());
}
