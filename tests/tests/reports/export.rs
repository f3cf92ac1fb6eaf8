//! Two units report on the third quarter from their laptops (status, result text with
//! diacritics, difficulties, actuals) and the office appraises them; after the server stops,
//! `plansync report export` writes the consolidated report as XLSX and DOCX and one unit's
//! report as DOCX, and every claim below is read back from the files.

use std::time::Duration;

use calamine::Data;
use shared::calendar::PeriodId;
use shared::documents::records::{RecordEdit, TaskStatus, TextField};
use shared::documents::review::Verdict;
use shared::plan::TaskId;
use tests::laptop::Laptop;
use tests::server::TestServer;

use crate::read::{docx_text, text, Workbook};

const WAIT: Duration = Duration::from_secs(40);
const QLHT: &str = "Phòng Quản lý hạ tầng";
const KHTC: &str = "Phòng Kế hoạch – Tài chính";
const QLHT_RESULT: &str = "Đã tiếp nhận 1.245 hồ sơ trực tuyến, đạt 86,5% (vượt chỉ tiêu đề ra).";
const KHTC_DIFFICULTIES: &str = "Giải ngân chậm do thủ tục đấu thầu kéo dài.";
const QLHT_COMMENT: &str = "Số liệu khớp với Cổng dịch vụ công.";
const KHTC_COMMENT: &str = "Bổ sung tài liệu kiểm chứng giải ngân.";

#[tokio::test(flavor = "multi_thread")]
async fn third_quarter_report_as_xlsx_and_docx() {
    let mut server = TestServer::with_accounts(&[
        ("lan", "QLHT", "staff"),
        ("hoa", "KHTC", "staff"),
        ("thamdinh", "VP", "reviewer"),
    ]);
    server.start();
    let url = server.url();
    let lan = Laptop::login(&url, "lan").await;
    let hoa = Laptop::login(&url, "hoa").await;
    let office = Laptop::login(&url, "thamdinh").await;
    for laptop in [&lan, &hoa, &office] {
        laptop.wait_up_to_date(WAIT).await;
    }
    let q3: PeriodId = "2026-Q3".parse().unwrap();
    // Online processing, "từ 80% trở lên" (QLHT reports, as every unit does).
    let online = TaskId("PAR_INDEX/VII/1".into());
    // Disbursement, "từ 90% trở lên" (KHTC leads).
    let disbursement = TaskId("PAR_INDEX/VI/1".into());

    let qlht = lan.doc("records", "QLHT");
    for edit in [
        RecordEdit::Status {
            status: TaskStatus::Done,
        },
        RecordEdit::Text {
            period: q3,
            field: TextField::Result,
            text: QLHT_RESULT.into(),
        },
        RecordEdit::Actual {
            period: q3,
            target: 0,
            value: Some(86.5),
        },
    ] {
        lan.client.edit_record(&qlht, &online, edit).await.unwrap();
    }
    let khtc = hoa.doc("records", "KHTC");
    for edit in [
        RecordEdit::Status {
            status: TaskStatus::InProgress,
        },
        RecordEdit::Text {
            period: q3,
            field: TextField::Difficulties,
            text: KHTC_DIFFICULTIES.into(),
        },
        RecordEdit::Actual {
            period: q3,
            target: 0,
            value: Some(72.25),
        },
    ] {
        hoa.client
            .edit_record(&khtc, &disbursement, edit)
            .await
            .unwrap();
    }
    let qlht_review = office.doc("review", "QLHT");
    office
        .client
        .set_verdict(&qlht_review, &online, q3, Verdict::Accepted, QLHT_COMMENT)
        .await
        .unwrap();
    let khtc_review = office.doc("review", "KHTC");
    office
        .client
        .set_verdict(
            &khtc_review,
            &disbursement,
            q3,
            Verdict::Returned,
            KHTC_COMMENT,
        )
        .await
        .unwrap();
    // Up to date means the server confirmed (stored) every edit.
    for laptop in [&lan, &hoa, &office] {
        laptop.wait_up_to_date(WAIT).await;
    }
    server.stop();

    let dir = tempfile::tempdir().unwrap();
    let path = |name: &str| dir.path().join(name).to_str().unwrap().to_string();
    // 20/09 is after the quarter's deadline (14/09): unfinished work is overdue.
    let export = |format: &str, out: &str, unit: Option<&str>| {
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
        server.cli(&args, None)
    };

    // XLSX: a sheet per index plus the indicators.
    let summary = export("xlsx", &path("bao-cao.xlsx"), None);
    assert!(
        summary.starts_with("wrote ") && summary.contains("Quý III/2026, all units"),
        "a one-line summary: {summary}"
    );
    let workbook = Workbook::open(dir.path().join("bao-cao.xlsx").as_path());
    assert_eq!(workbook.names(), ["PAR INDEX", "PAPI", "SIPAS", "Chỉ tiêu"]);
    let title = text(&workbook.rows("PAR INDEX")[0][0]);
    assert!(title.contains("Quý III/2026"), "{title}");
    let header: Vec<&str> = workbook.rows("PAR INDEX")[3].iter().map(text).collect();
    assert_eq!(
        header[..6],
        [
            "STT",
            "Nhiệm vụ",
            "Đơn vị chủ trì",
            "Đơn vị báo cáo",
            "Tình trạng",
            "Kết quả thực hiện"
        ]
    );
    let row: Vec<&str> = workbook
        .row_with("PAR INDEX", &[QLHT, QLHT_RESULT])
        .iter()
        .map(text)
        .collect();
    assert_eq!(row[4], "Hoàn thành");
    assert_eq!(row[8], "≥ 80%: thực hiện 86,5% – Đạt");
    assert_eq!(row[9..11], ["Chấp nhận", QLHT_COMMENT]);
    let row: Vec<&str> = workbook
        .row_with("PAR INDEX", &[KHTC, KHTC_DIFFICULTIES])
        .iter()
        .map(text)
        .collect();
    assert_eq!(row[4], "Quá hạn", "in progress after the deadline");
    assert!(
        row[8].starts_with("≥ 90%: thực hiện 72,25% – Không đạt"),
        "{}",
        row[8]
    );
    assert_eq!(row[9..11], ["Trả lại", KHTC_COMMENT]);
    assert!(
        workbook
            .rows("PAPI")
            .iter()
            .any(|r| text(&r[0]) == "1. Tham gia của người dân ở cấp cơ sở"),
        "PAPI's sections are on its own sheet"
    );
    assert!(
        workbook
            .rows("SIPAS")
            .iter()
            .any(|r| text(&r[0]) == "A. BAN HÀNH, TỔ CHỨC THỰC HIỆN CÁC CHÍNH SÁCH"),
        "SIPAS's sections are on its own sheet"
    );
    let indicator = workbook.row_with("Chỉ tiêu", &[QLHT, "80% trở"]);
    assert_eq!(
        indicator[6],
        Data::Float(80.0),
        "the target value is a number"
    );
    assert_eq!(indicator[8], Data::Float(86.5), "the actual is a number");
    assert_eq!(text(&indicator[9]), "Đạt");
    let indicator = workbook.row_with("Chỉ tiêu", &[KHTC, "từ 90% trở lên"]);
    assert_eq!(indicator[8], Data::Float(72.25));
    assert_eq!(text(&indicator[9]), "Không đạt");
    let untouched = workbook.row_with("Chỉ tiêu", &[KHTC, "80% trở"]);
    assert_eq!(
        untouched[8],
        Data::Empty,
        "KHTC entered no online-processing actual"
    );
    assert_eq!(text(&untouched[9]), "Chưa có số liệu");

    // DOCX: the heading block, the date line, the title, and the rows.
    export("docx", &path("bao-cao.docx"), None);
    let docx = docx_text(dir.path().join("bao-cao.docx").as_path());
    let lines: Vec<&str> = docx.lines().collect();
    assert_eq!(
        lines[..3],
        [
            "UBND TỈNH TUYÊN QUANG / SỞ XÂY DỰNG / Số:      /BC-SXD | CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM / Độc lập - Tự do - Hạnh phúc / Tuyên Quang, ngày 20 tháng 9 năm 2026",
            "BÁO CÁO",
            lines[2],
        ],
        "{docx}"
    );
    assert!(
        lines[2].starts_with("Kết quả thực hiện Kế hoạch duy trì, cải thiện")
            && lines[2].ends_with("– Quý III/2026"),
        "{}",
        lines[2]
    );
    assert_eq!(
        lines[4], "Kính gửi: Ủy ban nhân dân tỉnh Tuyên Quang.",
        "the consolidated report goes to the province"
    );
    assert!(
        lines.contains(&"Số liệu tính từ ngày 15/6/2026 đến ngày 14/9/2026."),
        "{docx}"
    );
    assert!(
        lines.contains(&format!("- {QLHT}: {QLHT_RESULT} (≥ 80%: thực hiện 86,5% – Đạt)").as_str()),
        "the body names the unit of each result: {docx}"
    );
    let header = "STT | Nhiệm vụ | Đơn vị chủ trì | Đơn vị báo cáo | Tình trạng | Kết quả | Chỉ tiêu / thực hiện | Thẩm định";
    assert_eq!(
        lines.iter().filter(|l| **l == header).count(),
        3,
        "a table per index"
    );
    let qlht_row = lines
        .iter()
        .find(|l| l.contains(QLHT_RESULT) && l.contains(" | "))
        .expect("QLHT's result is in the appendix");
    assert!(
        qlht_row.contains(&format!(
            "| {QLHT} | Hoàn thành | {QLHT_RESULT} | ≥ 80%: thực hiện 86,5% – Đạt | Chấp nhận / {QLHT_COMMENT}"
        )),
        "{qlht_row}"
    );
    let khtc_row = lines
        .iter()
        .find(|l| l.contains(KHTC_DIFFICULTIES) && l.contains(" | "))
        .expect("KHTC's difficulties are in the appendix");
    assert!(
        khtc_row.contains(&format!("| {KHTC} | Quá hạn | Khó khăn: {KHTC_DIFFICULTIES} | ≥ 90%: thực hiện 72,25% – Không đạt")),
        "{khtc_row}"
    );
    assert!(
        khtc_row.ends_with(&format!("Trả lại / {KHTC_COMMENT}")),
        "{khtc_row}"
    );

    // One unit's DOCX: issued in its name to the office, none of the other unit's work.
    let summary = export("docx", &path("khtc.docx"), Some("KHTC"));
    assert!(summary.contains("unit KHTC"), "{summary}");
    let docx = docx_text(dir.path().join("khtc.docx").as_path());
    assert!(
        docx.starts_with(
            "SỞ XÂY DỰNG / PHÒNG KẾ HOẠCH – TÀI CHÍNH / Số:      /BC-KHTC | CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
        ),
        "{docx}"
    );
    assert!(docx.contains("\nKính gửi: Văn phòng Sở.\n"), "{docx}");
    assert!(docx.contains(KHTC_COMMENT) && !docx.contains(QLHT_RESULT));
    let reporting_units: Vec<&str> = docx
        .lines()
        .map(|l| l.split(" | ").collect::<Vec<_>>())
        .filter(|cells| cells.len() == 8 && cells[0] != "STT")
        .map(|cells| cells[3])
        .collect();
    assert!(
        !reporting_units.is_empty() && reporting_units.iter().all(|u| *u == KHTC || u.is_empty()),
        "only KHTC reports in its own report: {reporting_units:?}"
    );

    // The same data exported again gives the same bytes, DOCX and XLSX (a second later, so a
    // clock read anywhere would show).
    std::thread::sleep(std::time::Duration::from_millis(1100));
    for (name, format) in [("bao-cao.docx", "docx"), ("bao-cao.xlsx", "xlsx")] {
        let again = format!("lai-{name}");
        export(format, &path(&again), None);
        assert!(
            std::fs::read(dir.path().join(name)).unwrap()
                == std::fs::read(dir.path().join(&again)).unwrap(),
            "{name} exported twice is byte-identical"
        );
    }

    // Each file records the documents it was built from at their heads: after a unit edits its
    // record again, `--at` builds the very same files from those heads, while a plain export
    // shows the edit.
    // (KHTC's report was returned, so its period is open again; QLHT's is accepted, locked.)
    server.start();
    hoa.client
        .edit_record(
            &khtc,
            &disbursement,
            RecordEdit::Text {
                period: q3,
                field: TextField::Difficulties,
                text: "Khó khăn đã sửa sau khi xuất báo cáo.".into(),
            },
        )
        .await
        .unwrap();
    hoa.wait_up_to_date(WAIT).await;
    server.stop();
    for (name, format) in [("bao-cao.docx", "docx"), ("bao-cao.xlsx", "xlsx")] {
        let rebuilt = format!("at-{name}");
        let summary = server.cli(
            &[
                "report",
                "export",
                "--at",
                &path(name),
                "--out",
                &path(&rebuilt),
            ],
            None,
        );
        assert!(summary.contains("Quý III/2026, all units"), "{summary}");
        assert!(
            std::fs::read(dir.path().join(name)).unwrap()
                == std::fs::read(dir.path().join(&rebuilt)).unwrap(),
            "{name} built again --at itself is byte-identical after a later edit ({format})"
        );
    }
    server.cli(
        &[
            "report",
            "export",
            "--period",
            "2026-Q3",
            "--date",
            "20/09/2026",
            "--out",
            &path("now.docx"),
        ],
        None,
    );
    let now = docx_text(dir.path().join("now.docx").as_path());
    assert!(
        now.contains("Khó khăn đã sửa sau khi xuất báo cáo.") && !now.contains(KHTC_DIFFICULTIES),
        "a plain export reads the data as it is now"
    );
    let out = server.try_cli(
        &[
            "report",
            "export",
            "--at",
            &path("now.docx"),
            "--out",
            &path("x.pdf"),
        ],
        None,
    );
    assert!(
        out.status.success() || String::from_utf8_lossy(&out.stderr).contains("LibreOffice"),
        "--at may write another format: {}",
        String::from_utf8_lossy(&out.stderr)
    );

    // Clear one-line errors.
    for (args, message) in [
        (
            vec!["--period", "2026-Q2", "--format", "docx"],
            "error: \"2026-Q2\" is not a reporting period",
        ),
        (
            vec!["--period", "2026-Q3", "--format", "odt"],
            "error: unknown report format \"odt\"",
        ),
        (
            vec!["--period", "2026-Q3", "--format", "docx", "--unit", "NOPE"],
            "error: unknown unit NOPE",
        ),
        (
            vec!["--period", "2025", "--format", "docx"],
            "error: no records documents for 2025",
        ),
    ] {
        let out_path = path("x.docx");
        let mut full = vec!["report", "export", "--out", out_path.as_str()];
        full.extend(args);
        let out = server.try_cli(&full, None);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{full:?} fails");
        assert!(
            stderr.starts_with(message) && stderr.trim_end().lines().count() == 1,
            "{full:?}: {stderr}"
        );
    }
    let out = server.try_cli(
        &[
            "report",
            "export",
            "--period",
            "2026-Q3",
            "--format",
            "xlsx",
            "--out",
            "/nonexistent/dir/x.xlsx",
        ],
        None,
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.starts_with("error: cannot write /nonexistent/dir/x.xlsx"),
        "{stderr}"
    );
    assert!(
        !dir.path().join("x.docx").exists(),
        "failed exports write nothing"
    );
}

/// A plan published with its own reporting calendar (reports due before the 10th) has its
/// reports judged and dated by it; a calendar that cannot be is refused, naming the problem.
#[test]
fn a_plan_s_own_calendar_sets_the_deadline() {
    let server = TestServer::with_accounts(&[]);
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, text: &str| {
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        path.to_str().unwrap().to_string()
    };
    let windows = r#"[[{"day":15,"month":12,"previous_year":true},{"day":9,"month":3}],[{"day":15,"month":12,"previous_year":true},{"day":9,"month":6}],[{"day":15,"month":6},{"day":9,"month":9}],[{"day":15,"month":12,"previous_year":true},{"day":9,"month":12}]]"#;
    let good = write(
        "calendar.json",
        &format!(r#"{{"deadline_day": 10, "windows": {windows}}}"#),
    );
    let bad = write(
        "bad.json",
        &format!(r#"{{"deadline_day": 40, "windows": {windows}}}"#),
    );
    let seed = tests::repo::root().join("fixtures/plans/tuyen-quang-sxd-2026.txt");
    let seed = seed.to_str().unwrap();

    let refused = server.try_cli(
        &[
            "plan",
            "publish",
            seed,
            "--year",
            "2026",
            "--calendar",
            &bad,
        ],
        None,
    );
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(!refused.status.success());
    assert!(
        stderr.contains("deadline_day 40 is not a day of the month"),
        "{stderr}"
    );

    server.cli(
        &[
            "plan",
            "publish",
            seed,
            "--year",
            "2026",
            "--calendar",
            &good,
        ],
        None,
    );
    let out = dir.path().join("q3.docx");
    server.cli(
        &[
            "report",
            "export",
            "--period",
            "2026-Q3",
            "--format",
            "docx",
            "--date",
            "09/09/2026",
            "--out",
            out.to_str().unwrap(),
        ],
        None,
    );
    let text = docx_text(&out);
    assert!(
        text.contains("(hạn báo cáo 10/09/2026)"),
        "the plan's own deadline: {text}"
    );
    assert!(
        text.contains("quá hạn 0 nhiệm vụ"),
        "nothing is late on 09/09: {text}"
    );
}
