//! The README's screenshots (`docs/screenshots/`), taken from the real app window: not a test,
//! a generator that runs only when `PLANSYNC_README_SCREENSHOTS=DIR` is set besides
//! `PLANSYNC_E2E=1` (`scripts/screenshots.sh` does both and optimises the files).
//!
//! A server gets the project's plan and every unit's staff fill in the period the app shows by
//! default (status, progress, results; a featured task of "Phòng Quản lý hạ tầng" with its
//! difficulties, proposals, actual and an evidence file), and the office's reviewer accepts or
//! returns some reports, all through sync engines (`Laptop`s). Then the app, 1280x800:
//! the reviewer's dashboard (`dashboard.png`), and the staff member's task list
//! (`unit-tasks.png`) and the featured task's page (`task-report.png`).

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{ensure, Context};
use fantoccini::{Client, Locator};
use shared::calendar::{Date, PeriodId};
use shared::documents::review::Verdict;
use shared::record::{RecordEdit, TaskStatus, TextField};
use shared::TaskId;
use tests::laptop::Laptop;
use tests::server::TestServer;

use crate::sync_bar::with_app;
use crate::{click_when_ready, texts, wait_for};

/// Each unit's staff member, and how many of its tasks (in percent) are done.
const STAFF: [(&str, &str, u32); 5] = [
    ("hoa", "VP", 72),
    ("minh", "KHTC", 58),
    ("lan", "QLHT", 46),
    ("ha", "PTDT", 34),
    ("tuan", "MOTCUA", 64),
];
const REVIEWER: &str = "thu";
/// The task the task page shows, as "Phòng Quản lý hạ tầng" reports on it.
const FEATURED: &str = "PAR_INDEX/VII/2";

const RESULTS: [&str; 5] = [
    "Đã triển khai thực hiện theo kế hoạch; kết quả được tổng hợp trong báo cáo gửi Văn phòng Sở.",
    "Hoàn thành nhiệm vụ được giao đúng tiến độ; tài liệu kiểm chứng đã gửi kèm.",
    "Đã ban hành văn bản hướng dẫn và tổ chức thực hiện; không phát sinh hồ sơ trễ hạn trong kỳ.",
    "Đã rà soát, cập nhật và công khai đầy đủ trên Cổng thông tin điện tử của Sở.",
    "Đã phối hợp với các phòng chuyên môn thực hiện; số liệu được cập nhật trên hệ thống.",
];
const IN_PROGRESS: &str =
    "Đang tiếp tục triển khai; dự kiến hoàn thành trước thời hạn báo cáo của kỳ.";
const FEATURED_RESULT: &str = "Tiếp nhận 184 hồ sơ thủ tục hành chính lĩnh vực hạ tầng kỹ \
    thuật, 121 hồ sơ nộp trực tuyến toàn trình (65,8%), vượt chỉ tiêu 50%; 100% hồ sơ được giải \
    quyết đúng hạn.";
const FEATURED_DIFFICULTIES: &str = "Một số doanh nghiệp nhỏ chưa quen nộp hồ sơ trực tuyến và \
    chưa có chữ ký số; đường truyền ở một số xã vùng cao chưa ổn định.";
const FEATURED_PROPOSALS: &str = "Đề nghị Văn phòng Sở phối hợp Trung tâm Phục vụ hành chính \
    công tỉnh tổ chức hướng dẫn doanh nghiệp sử dụng chữ ký số và thanh toán trực tuyến.";
const EVIDENCE_NAME: &str = "Báo cáo hồ sơ trực tuyến năm 2026.pdf";

#[test]
fn readme_screenshots() {
    let Some(out) = std::env::var_os("PLANSYNC_README_SCREENSHOTS").map(PathBuf::from) else {
        eprintln!(
            "skipped readme_screenshots: set PLANSYNC_README_SCREENSHOTS=DIR (scripts/screenshots.sh does)"
        );
        return;
    };
    let Some(app) = crate::e2e_app("readme_screenshots") else {
        return;
    };
    std::fs::create_dir_all(&out).expect("the screenshots folder");
    let mut accounts: Vec<(&str, &str, &str)> = STAFF
        .iter()
        .map(|(user, unit, _)| (*user, *unit, "staff"))
        .collect();
    accounts.push((REVIEWER, "VP", "reviewer"));
    let mut server = TestServer::with_accounts(&accounts);
    // People are shown by their names; Lan heads her unit ("send all ready reports").
    for (login, name) in [
        ("lan", "Nguyễn Thị Lan"),
        ("minh", "Trần Văn Minh"),
        ("hoa", "Phạm Thị Hoa"),
        (REVIEWER, "Lê Thị Thu"),
    ] {
        server.cli(&["user", "set-name", login, name], None);
    }
    server.cli(&["user", "set-head", "lan", "--yes"], None);
    server.start();
    let url = server.url();
    let work = tempfile::tempdir().expect("a temporary directory");
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime");
    let featured = TaskId(FEATURED.into());
    let period = runtime
        .block_on(seed(&url, work.path(), &featured))
        .expect("the plan is filled in");
    drop(runtime);
    eprintln!("seeded the period {period}");

    let office_dir = tempfile::tempdir().expect("a data directory");
    let out_ref = &out;
    with_app(
        &app,
        &crate::app_env(office_dir.path(), &url, REVIEWER),
        "readme-dashboard-failure.png",
        |client| async move {
            crate::wait_up_to_date(&client, Duration::from_secs(90)).await?;
            wait_for(
                "the dashboard's figures",
                Duration::from_secs(60),
                || async {
                    let done = texts(&client, "#card-completion .card-value")
                        .await?
                        .join(" ");
                    let bars = client.find_all(Locator::Css("#chart-units .bar")).await?;
                    Ok(
                        (!bars.is_empty() && !done.is_empty() && !done.starts_with("0/"))
                            .then_some(()),
                    )
                },
            )
            .await?;
            settle().await;
            shot(&client, out_ref, "dashboard.png").await
        },
    );

    let staff_dir = tempfile::tempdir().expect("a data directory");
    let featured_ref = &featured;
    with_app(
        &app,
        &crate::app_env(staff_dir.path(), &url, "lan"),
        "readme-staff-failure.png",
        |client| async move {
            crate::wait_up_to_date(&client, Duration::from_secs(90)).await?;
            let row = format!(".unit-task[data-task-id=\"{}\"]", featured_ref.0);
            wait_for("the unit's task list", Duration::from_secs(60), || async {
                Ok((!client.find_all(Locator::Css(&row)).await?.is_empty()).then_some(()))
            })
            .await?;
            settle().await;
            shot(&client, out_ref, "unit-tasks.png").await?;

            click_when_ready(&client, &row).await?;
            wait_for("the featured report", Duration::from_secs(30), || async {
                let fields = client.find_all(Locator::Css("#record-result")).await?;
                match fields.first() {
                    Some(field) => Ok(field
                        .prop("value")
                        .await?
                        .filter(|v| v.starts_with("Tiếp nhận 184"))),
                    None => Ok(None),
                }
            })
            .await?;
            wait_for("the evidence file", Duration::from_secs(30), || async {
                let listed = texts(&client, ".evidence-item .evidence-state").await?;
                Ok(listed.iter().any(|s| s == "Đã tải lên").then_some(()))
            })
            .await?;
            let shown = crate::shown_period(&client).await?;
            ensure!(shown == period, "the page shows {shown}, seeded {period}");
            // The task's row in the list beside it, and the record from its top.
            client
                .execute(
                    &format!("document.querySelector('{row}').scrollIntoView({{block: 'center'}})"),
                    vec![],
                )
                .await?;
            crate::scroll_to(&client, "task-record", "start").await?;
            settle().await;
            shot(&client, out_ref, "task-report.png").await
        },
    );
}

/// Lets the last redraw and any transition finish before a screenshot.
async fn settle() {
    tokio::time::sleep(Duration::from_millis(800)).await;
}

async fn shot(client: &Client, dir: &Path, name: &str) -> anyhow::Result<()> {
    let png = client.screenshot().await.context("taking a screenshot")?;
    let path = dir.join(name);
    std::fs::write(&path, png).with_context(|| format!("writing {}", path.display()))?;
    eprintln!("screenshot: {}", path.display());
    Ok(())
}

/// Fills in the period the app shows by default for every unit and has the office appraise some
/// of it; returns the period once the server has everything.
async fn seed(url: &str, work: &Path, featured: &TaskId) -> anyhow::Result<PeriodId> {
    let mut period = None;
    for (n_unit, (user, unit, done_percent)) in STAFF.iter().enumerate() {
        let laptop = Laptop::login(url, user).await;
        laptop.wait_up_to_date(Duration::from_secs(60)).await;
        let plan = laptop.client.plan().await?.context("the plan")?;
        let today = Date::from_unix_millis_vietnam(now_ms());
        let due = plan.calendar().next_due(today);
        period = Some(due);
        let records = laptop.doc("records", unit);
        let tasks = laptop.unit_tasks(unit).await?;
        for (i, task) in tasks.iter().enumerate() {
            // By task more than by unit, so that a task is often done by every unit on it.
            let spread = (task_spread(&task.id) + n_unit as u32 * 3) % 100;
            let (status, progress, result) = if spread < *done_percent {
                (
                    TaskStatus::Done,
                    100,
                    Some(RESULTS[(i + n_unit) % RESULTS.len()]),
                )
            } else if spread < done_percent + 30 {
                let progress = 30 + (spread % 6) as u8 * 10;
                (
                    TaskStatus::InProgress,
                    progress,
                    (i % 2 == 0).then_some(IN_PROGRESS),
                )
            } else {
                (TaskStatus::NotStarted, 0, None)
            };
            if *unit == "QLHT" && task.id == *featured {
                continue;
            }
            let edit = |edit| laptop.client.edit_record(&records, &task.id, edit);
            edit(RecordEdit::Status { status }).await?;
            if progress > 0 {
                edit(RecordEdit::Progress { percent: progress }).await?;
            }
            if let Some(text) = result {
                let written = edit(RecordEdit::Text {
                    period: due,
                    field: TextField::Result,
                    text: text.into(),
                })
                .await;
                if let Err(err) = written {
                    eprintln!("{unit} {}: no {due} report ({err})", task.id);
                }
            }
        }
        if *unit == "QLHT" {
            feature(&laptop, work, featured, due).await?;
        }
        laptop.wait_up_to_date(Duration::from_secs(60)).await;
        laptop.client.shutdown().await;
        eprintln!("{unit}: {} tasks filled in", tasks.len());
    }
    let period = period.context("no unit")?;
    appraise(url, period, featured).await?;
    Ok(period)
}

/// The featured task's full report, with an evidence file.
async fn feature(
    laptop: &Laptop,
    work: &Path,
    task: &TaskId,
    period: PeriodId,
) -> anyhow::Result<()> {
    let records = laptop.doc("records", "QLHT");
    let client = &laptop.client;
    client
        .edit_record(
            &records,
            task,
            RecordEdit::Status {
                status: TaskStatus::Done,
            },
        )
        .await?;
    client
        .edit_record(&records, task, RecordEdit::Progress { percent: 100 })
        .await?;
    for (field, text) in [
        (TextField::Result, FEATURED_RESULT),
        (TextField::Difficulties, FEATURED_DIFFICULTIES),
        (TextField::Proposals, FEATURED_PROPOSALS),
    ] {
        client
            .edit_record(
                &records,
                task,
                RecordEdit::Text {
                    period,
                    field,
                    text: text.into(),
                },
            )
            .await?;
    }
    client
        .edit_record(
            &records,
            task,
            RecordEdit::Actual {
                period,
                target: 0,
                value: Some(65.8),
            },
        )
        .await?;
    let file = work.join(EVIDENCE_NAME);
    std::fs::write(&file, pdf_bytes())?;
    client
        .attach_evidence(&records, task, period, &file)
        .await?;
    tests::laptop::eventually(
        Duration::from_secs(60),
        "the evidence file to be uploaded",
        || async { (client.status().borrow().uploads.n_files == 0).then_some(()) },
    )
    .await;
    Ok(())
}

/// The office's reviewer accepts some reports with results and returns two.
async fn appraise(url: &str, period: PeriodId, featured: &TaskId) -> anyhow::Result<()> {
    let office = Laptop::login(url, REVIEWER).await;
    office.wait_up_to_date(Duration::from_secs(90)).await;
    let mut n_returned = 0;
    for (n_unit, (_, unit, _)) in STAFF.iter().enumerate() {
        let records = office.doc("records", unit);
        let review = office.doc("review", unit);
        let tasks = office.unit_tasks(unit).await?;
        for (i, task) in tasks.iter().enumerate() {
            let Some(report) = office.period_record(&records, &task.id, period).await else {
                continue;
            };
            let featured_here = *unit == "QLHT" && task.id == *featured;
            if report.result.is_empty() || (i + n_unit) % 3 == 2 || featured_here {
                continue;
            }
            let (verdict, comment) = if n_returned < 2 && i % 11 == 5 {
                n_returned += 1;
                (
                    Verdict::Returned,
                    "Bổ sung số liệu cụ thể và tài liệu kiểm chứng.",
                )
            } else {
                (Verdict::Accepted, "")
            };
            office
                .client
                .set_verdict(&review, &task.id, period, verdict, comment)
                .await?;
        }
    }
    office.wait_up_to_date(Duration::from_secs(60)).await;
    office.client.shutdown().await;
    Ok(())
}

/// A one-page PDF of about 240 KB (padded with comment lines, as a scanned report's size).
fn pdf_bytes() -> Vec<u8> {
    let mut pdf = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n\
2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n\
3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
        .to_vec();
    while pdf.len() < 245_000 {
        pdf.extend_from_slice(
            b"% ....................................................................\n",
        );
    }
    pdf.extend_from_slice(b"trailer<</Root 1 0 R>>\n%%EOF\n");
    pdf
}

/// A number in 0..100 that is the same for a task in every unit (FNV-1a of its id).
fn task_spread(task: &TaskId) -> u32 {
    let hash = task.0.bytes().fold(0x811c_9dc5_u32, |h, b| {
        (h ^ u32::from(b)).wrapping_mul(0x0100_0193)
    });
    hash % 100
}

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}
