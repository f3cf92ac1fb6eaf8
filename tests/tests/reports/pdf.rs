//! The consolidated report of a realistic province department as the office sends it: 30 units
//! (the office among them),
//! every task of each reported for the third quarter (most done, some still in progress and so
//! overdue on 20/09, some with difficulties and proposals), each report sent, the office's
//! appraisal (some accepted, some returned with a comment). The server's data directory is
//! written through the server's own repo (as `plan publish` writes it), then the real CLI
//! exports the DOCX and converts it to PDF with LibreOffice; poppler's `pdftotext` reads the
//! pages back: the heading on page 1 with no page number, page numbers from page 2 on, "Nơi
//! nhận" beside the signer, the appendices on landscape pages. The first two pages and the
//! first appendix page are drawn as PNG (`pdftoppm`) into `target/report-pages/`, and into
//! `docs/report/` with `PLANSYNC_UPDATE_DOCS=1`.

use std::path::{Path, PathBuf};
use std::process::Command;

use shared::calendar::PeriodId;
use shared::documents::records::{self, RecordEdit, TaskStatus, TextField};
use shared::documents::{review, ChangeAuthor, DocumentKind};
use shared::record::Verdict;
use shared::report::ReportHeading;
use tests::server::TestServer;

const UNITS: [(&str, &str); 30] = [
    ("KHTC", "Phòng Kế hoạch – Tài chính"),
    ("QLHT", "Phòng Quản lý hạ tầng"),
    ("PTDT", "Phòng Phát triển đô thị và nhà ở"),
    (
        "MOTCUA",
        "Bộ phận tiếp nhận và trả kết quả giải quyết TTHC tại Trung tâm PVHCC",
    ),
    ("TTRA", "Thanh tra Sở"),
    ("QLCL", "Phòng Quản lý chất lượng công trình xây dựng"),
    ("KTVL", "Phòng Kinh tế và Vật liệu xây dựng"),
    ("QHKT", "Phòng Quy hoạch – Kiến trúc"),
    ("QLN", "Phòng Quản lý nhà và thị trường bất động sản"),
    ("GTVT", "Phòng Quản lý giao thông"),
    ("VTPT", "Phòng Quản lý vận tải, phương tiện và người lái"),
    ("TTKD", "Trung tâm Kiểm định chất lượng xây dựng"),
    ("TTQH", "Trung tâm Quy hoạch xây dựng"),
    ("DK01", "Trung tâm Đăng kiểm xe cơ giới 22-01S"),
    ("DK02", "Trung tâm Đăng kiểm xe cơ giới 22-02S"),
    ("BTDB", "Ban Quản lý bảo trì đường bộ"),
    ("CVDT", "Cảng vụ đường thủy nội địa"),
    ("SHLX", "Trung tâm Đào tạo, sát hạch lái xe"),
    ("HAT1", "Hạt Quản lý đường bộ số 1"),
    ("HAT2", "Hạt Quản lý đường bộ số 2"),
    ("HAT3", "Hạt Quản lý đường bộ số 3"),
    ("HAT4", "Hạt Quản lý đường bộ số 4"),
    ("HAT5", "Hạt Quản lý đường bộ số 5"),
    ("HAT6", "Hạt Quản lý đường bộ số 6"),
    (
        "BQLDA",
        "Ban Quản lý dự án đầu tư xây dựng công trình giao thông",
    ),
    (
        "BQLDD",
        "Ban Quản lý dự án đầu tư xây dựng công trình dân dụng",
    ),
    ("TTTT", "Trung tâm Thông tin và Dữ liệu xây dựng"),
    ("DTGT1", "Đội Thanh tra giao thông số 1"),
    ("DTGT2", "Đội Thanh tra giao thông số 2"),
    // The office reports on its own tasks too.
    ("VP", "Văn phòng Sở"),
];

const RETURN_COMMENT: &str = "Đề nghị bổ sung số liệu kiểm chứng và nêu rõ tiến độ còn lại.";

fn q3() -> PeriodId {
    "2026-Q3".parse().unwrap()
}

/// Every unit reports on each of its tasks and sends; the office appraises. Written through
/// the server's repo while it is stopped; stopping the repo waits for the writes.
async fn report_and_appraise(server: &TestServer) {
    let (registry, storage) = server::sync::open_data(server.data_dir()).unwrap();
    let repo = server::sync::open_repo(registry.clone(), storage).await;
    let time = 1_789_000_000_000; // September 2026
    for (i, (code, name)) in UNITS.iter().enumerate() {
        let records_id = registry
            .find_document(DocumentKind::Records, Some(code), Some(2026))
            .unwrap()
            .unwrap_or_else(|| panic!("{code} has records"))
            .id;
        let review_id = registry
            .find_document(DocumentKind::Review, Some(code), Some(2026))
            .unwrap()
            .unwrap()
            .id;
        let staff = ChangeAuthor {
            user: format!("canbo{}", i + 1),
            device: format!("laptop-{code}"),
            what: String::new(),
        };
        let handle = server::publish::find_registered(&repo, &records_id)
            .await
            .unwrap();
        let sent: Vec<(shared::plan::TaskId, bool)> = handle.with_document(|doc| {
            let tasks = records::task_ids(doc).unwrap();
            let mut sent = Vec::new();
            for (j, task) in tasks.iter().enumerate() {
                let late = (i + j) % 6 == 0;
                let mut edits = vec![
                    RecordEdit::Status {
                        status: if late {
                            TaskStatus::InProgress
                        } else {
                            TaskStatus::Done
                        },
                    },
                    RecordEdit::Text {
                        period: q3(),
                        field: TextField::Result,
                        // Most units write a line; some say more.
                        text: match (late, (i + j) % 5) {
                            (true, _) => "Đang triển khai, đạt khoảng 60% khối lượng.".into(),
                            (false, 0) => format!("{name} đã ban hành văn bản triển khai, tổ chức thực hiện và báo cáo kết quả đúng hạn."),
                            (false, _) => "Đã hoàn thành.".into(),
                        },
                    },
                ];
                if late {
                    edits.push(RecordEdit::Text {
                        period: q3(),
                        field: TextField::Difficulties,
                        text: "Khối lượng công việc lớn, biên chế còn thiếu.".into(),
                    });
                    edits.push(RecordEdit::Text {
                        period: q3(),
                        field: TextField::Proposals,
                        text: "Đề nghị Sở bố trí thêm kinh phí và nhân lực.".into(),
                    });
                }
                for (k, edit) in edits.iter().enumerate() {
                    let author = ChangeAuthor {
                        what: format!("edit {k}"),
                        ..staff.clone()
                    };
                    records::apply(doc, &author, time + (j * 10 + k) as i64, task, edit).unwrap();
                }
                let record = records::read_period(doc, task, q3()).unwrap();
                let period = record.periods.iter().find(|p| p.period == q3()).unwrap();
                let digest = shared::submission::digest(period);
                let send = RecordEdit::Send {
                    period: q3(),
                    digest,
                    answers: 0,
                };
                records::apply(doc, &staff, time + (j * 10 + 9) as i64, task, &send).unwrap();
                sent.push((task.clone(), late));
            }
            sent
        });
        assert!(!sent.is_empty(), "{code} reports on some task");
        let handle = server::publish::find_registered(&repo, &review_id)
            .await
            .unwrap();
        let office = ChangeAuthor {
            user: "thamdinh".into(),
            device: "laptop-VP".into(),
            what: String::new(),
        };
        handle.with_document(|doc| {
            for (j, (task, late)) in sent.iter().enumerate() {
                let (verdict, comment) = if *late && i % 3 == 0 {
                    (Verdict::Returned, RETURN_COMMENT)
                } else if (i + j) % 2 == 0 {
                    (Verdict::Accepted, "Đạt yêu cầu.")
                } else {
                    continue;
                };
                review::set_verdict(doc, &office, time + 100_000, task, q3(), verdict, comment)
                    .unwrap();
            }
        });
    }
    repo.stop().await;
}

/// `pdftotext -layout` of one page.
fn page_text(pdf: &Path, page: usize) -> String {
    let n = page.to_string();
    let out = Command::new("pdftotext")
        .args(["-layout", "-f", &n, "-l", &n])
        .arg(pdf)
        .arg("-")
        .output()
        .expect("pdftotext runs (poppler-utils; scripts/setup.sh installs it)");
    assert!(out.status.success(), "pdftotext page {page}");
    String::from_utf8(out.stdout).unwrap()
}

/// `pdfinfo` of the file or of one page: "Pages", "Page size" (or "Page N size").
fn pdf_info(pdf: &Path, page: Option<usize>) -> String {
    let mut command = Command::new("pdfinfo");
    if let Some(page) = page {
        let n = page.to_string();
        command.args(["-f", &n, "-l", &n]);
    }
    let out = command.arg(pdf).output().expect("pdfinfo runs");
    assert!(out.status.success(), "pdfinfo");
    String::from_utf8(out.stdout).unwrap()
}

fn first_line(text: &str) -> &str {
    text.lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or("")
}

/// Draws one page as a PNG at 60 dpi into `dir/name.png`.
fn draw_page(pdf: &Path, page: usize, dir: &Path, name: &str) -> PathBuf {
    let n = page.to_string();
    let prefix = dir.join(name);
    let status = Command::new("pdftoppm")
        .args(["-png", "-r", "60", "-f", &n, "-l", &n, "-singlefile"])
        .arg(pdf)
        .arg(&prefix)
        .status()
        .expect("pdftoppm runs");
    assert!(status.success(), "pdftoppm page {page}");
    prefix.with_extension("png")
}

#[tokio::test(flavor = "multi_thread")]
async fn a_thirty_unit_report_converts_to_pdf_ready_to_sign() {
    let units: Vec<(String, String, &str)> = UNITS
        .iter()
        .map(|(code, name)| {
            let kind = if *code == "VP" { "office" } else { "division" };
            (code.to_string(), name.to_string(), kind)
        })
        .collect();
    let server = tests::bench::server_with_units(&units, &[], 2);
    report_and_appraise(&server).await;

    let dir = tempfile::tempdir().unwrap();
    let docx = dir.path().join("bao-cao-2026-Q3-tong-hop.docx");
    let pdf = dir.path().join("bao-cao-2026-Q3-tong-hop.pdf");
    let summary = server.cli(
        &[
            "report",
            "export",
            "--period",
            "2026-Q3",
            "--date",
            "20/09/2026",
            "--out",
            docx.to_str().unwrap(),
        ],
        None,
    );
    assert!(summary.contains("overdue"), "{summary}");
    // The PDF of exactly that DOCX's data: built again from the heads it records.
    let started = std::time::Instant::now();
    let out = server.try_cli(
        &[
            "report",
            "export",
            "--at",
            docx.to_str().unwrap(),
            "--out",
            pdf.to_str().unwrap(),
        ],
        None,
    );
    assert!(
        out.status.success(),
        "LibreOffice converts the report (scripts/setup.sh installs libreoffice-writer-nogui): {}",
        String::from_utf8_lossy(&out.stderr)
    );
    eprintln!("PDF in {:.1} s", started.elapsed().as_secs_f64());

    let info = pdf_info(&pdf, None);
    let n_pages: usize = info
        .lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|n| n.trim().parse().ok())
        .expect("a page count");
    assert!(n_pages >= 4, "{info}");
    let pages: Vec<String> = (1..=n_pages).map(|p| page_text(&pdf, p)).collect();

    // Page 1: the heading block, no page number above it.
    let page1 = &pages[0];
    for words in [
        "UBND TỈNH TUYÊN QUANG",
        "SỞ XÂY DỰNG",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Tuyên Quang, ngày 20 tháng 9 năm 2026",
        "BÁO CÁO",
        "Kính gửi: Ủy ban nhân dân tỉnh Tuyên Quang.",
    ] {
        assert!(page1.contains(words), "page 1 has {words}:\n{page1}");
    }
    assert!(
        first_line(page1).starts_with("UBND TỈNH TUYÊN QUANG"),
        "page 1 starts with the heading, no page number: {}",
        first_line(page1)
    );
    // Page numbers from page 2 on, at the top of each page.
    assert_eq!(first_line(&pages[1]), "2", "page 2:\n{}", pages[1]);
    assert_eq!(first_line(&pages[2]), "3", "page 3:\n{}", pages[2]);

    // The foot: "Nơi nhận" on the same page as the signer's authority and title.
    let plan = server::publish::load_plan(&tests::repo::seed_plan()).unwrap();
    let heading = ReportHeading::for_report(&plan, None);
    let foot = pages
        .iter()
        .position(|p| p.contains("Nơi nhận:"))
        .expect("a page with \"Nơi nhận\"");
    for words in [
        heading.signer.authority.as_str(),
        heading.signer.title.as_str(),
        "- Lưu: VT, VP.",
    ] {
        assert!(
            pages[foot].contains(words),
            "the signature block ({words}) stands beside \"Nơi nhận\" on page {}:\n{}",
            foot + 1,
            pages[foot]
        );
    }

    let keep = tests::repo::target_dir().join("report-pages");
    std::fs::create_dir_all(&keep).unwrap();
    std::fs::copy(&pdf, keep.join("bao-cao-2026-Q3-tong-hop.pdf")).unwrap();
    std::fs::copy(&docx, keep.join("bao-cao-2026-Q3-tong-hop.docx")).unwrap();

    // The appendices: landscape pages, the first headed "Phụ lục I".
    let appendix = pages
        .iter()
        .position(|p| p.lines().any(|l| l.trim() == "Phụ lục I"))
        .expect("an appendix page");
    assert!(appendix > foot, "the appendices follow the signature");
    let size = pdf_info(&pdf, Some(appendix + 1));
    let (w, h) = size
        .lines()
        .find(|l| l.starts_with("Page") && l.contains("size:"))
        .and_then(|l| {
            let dims = l.split("size:").nth(1)?.trim();
            let mut it = dims.split_whitespace();
            let w: f64 = it.next()?.parse().ok()?;
            it.next();
            let h: f64 = it.next()?.parse().ok()?;
            Some((w, h))
        })
        .expect("a page size");
    assert!(w > h, "the appendix is landscape: {w} x {h}");
    let all = pages.concat();
    for (_, name) in UNITS {
        // Long names wrap in the table's cells; their first words are on one line.
        let start: String = name.split(' ').take(3).collect::<Vec<_>>().join(" ");
        assert!(all.contains(&start), "{name} is in the report");
    }
    assert!(all.contains("Trả lại"), "returned reports are shown");
    assert!(all.contains("Quá hạn"), "overdue tasks are shown");

    // Page images for people to see.
    let drawn = [
        draw_page(&pdf, 1, &keep, "bao-cao-trang-1"),
        draw_page(&pdf, 2, &keep, "bao-cao-trang-2"),
        draw_page(&pdf, appendix + 1, &keep, "bao-cao-phu-luc-1"),
    ];
    if std::env::var_os("PLANSYNC_UPDATE_DOCS").is_some() {
        let docs = tests::repo::root().join("docs/report");
        std::fs::create_dir_all(&docs).unwrap();
        for png in &drawn {
            std::fs::copy(png, docs.join(png.file_name().unwrap())).unwrap();
        }
    }
}
