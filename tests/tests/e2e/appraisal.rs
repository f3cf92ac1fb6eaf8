//! Scenario through three app windows, one after another, against one real server:
//! 1. A unit's staff member (QLHT) opens the app on "Nhiệm vụ của đơn vị", finds a task by
//!    typing words without diacritics, and while the server is down writes the period's result
//!    on its task page; once the server is back the page says it is synced.
//! 2. The office's reviewer opens the app on the dashboard, goes to every unit's tasks, opens
//!    QLHT's record of the task, reads the result written offline, and returns the report with a
//!    comment.
//! 3. The staff member opens the app again: the task list marks the task "Trả lại" and the task
//!    page shows the comment.

use std::sync::Mutex;
use std::time::Duration;

use anyhow::Context;
use fantoccini::{Client, Locator};
use shared::calendar::PeriodId;
use shared::documents::review::Verdict;
use shared::vietnamese::fold;
use shared::TaskId;
use tests::laptop::{eventually, Laptop};
use tests::server::TestServer;

use crate::sync_bar::with_app;
use crate::{save_screenshot, texts, wait_for};

const RESULT: &str = "Đã tổ chức 3 lớp tập huấn về cải cách hành chính cho công chức";
const COMMENT: &str = "Bổ sung danh sách học viên và tài liệu kiểm chứng";

/// The row of `task_id` in the overview task list.
fn row_css(task_id: &TaskId) -> String {
    format!(".unit-task[data-task-id=\"{}\"]", task_id.0)
}

/// Types `words` in the header's search box (replacing what is there).
async fn search(client: &Client, words: &str) -> anyhow::Result<()> {
    crate::act_when_ready(client, "#search", |search| async move {
        search.clear().await?;
        search.send_keys(words).await
    })
    .await
}

/// Waits until the task list shows exactly the rows for `task_id` among its rows.
async fn wait_for_row(client: &Client, task_id: &TaskId) -> anyhow::Result<Vec<String>> {
    wait_for(
        "the task in the filtered list",
        Duration::from_secs(30),
        || async {
            let mut ids = Vec::new();
            for row in client.find_all(Locator::Css(".unit-task")).await? {
                ids.push(row.attr("data-task-id").await?.unwrap_or_default());
            }
            Ok(ids.contains(&task_id.0).then_some(ids))
        },
    )
    .await
}

/// Every non-empty cell of every sheet of the workbook at `path`, as text.
fn xlsx_cells(path: &std::path::Path) -> anyhow::Result<Vec<String>> {
    use calamine::{Data, Reader};
    let mut workbook: calamine::Xlsx<_> = calamine::open_workbook(path)?;
    let mut cells = Vec::new();
    for name in workbook.sheet_names() {
        let range = workbook.worksheet_range(&name)?;
        for row in range.rows() {
            for cell in row {
                match cell {
                    Data::Empty => {}
                    other => cells.push(other.to_string()),
                }
            }
        }
    }
    Ok(cells)
}

#[test]
fn the_office_returns_a_report_and_the_unit_sees_why() {
    let Some(app) = crate::e2e_app("the_office_returns_a_report_and_the_unit_sees_why") else {
        return;
    };
    let mut server =
        TestServer::with_accounts(&[("lan", "QLHT", "staff"), ("thu", "VP", "reviewer")]);
    server.start();
    let url = server.url();
    let staff_dir = tempfile::tempdir().expect("a temporary data directory");
    let office_dir = tempfile::tempdir().expect("a temporary data directory");
    // The task and period the scenario works on, found in the first window.
    let chosen: Mutex<Option<(TaskId, String, PeriodId)>> = Mutex::new(None);

    // 1. Staff: find the task without diacritics, write the result offline.
    let live = &mut server;
    let chosen_ref = &chosen;
    let url_ref = &url;
    with_app(
        &app,
        &crate::app_env(staff_dir.path(), &url, "lan"),
        "e2e-appraisal-staff-failure.png",
        |client| async move {
            let laptop = Laptop::login(url_ref, "lan").await;
            laptop.wait_up_to_date(Duration::from_secs(30)).await;
            let tasks = laptop.unit_tasks("QLHT").await?;
            let n_tasks = tasks.len();
            // A task of QLHT whose title has diacritics to leave out.
            let task = tasks
                .into_iter()
                .find(|t| fold(&t.title) != t.title)
                .context("QLHT reports on a task with a Vietnamese title")?;
            let task_id = task.id.clone();
            let words: String = fold(&task.title)
                .split_whitespace()
                .take(4)
                .collect::<Vec<_>>()
                .join(" ");
            laptop.client.shutdown().await;
            eprintln!("task {task_id}: {:?}, searched as {words:?}", task.title);

            crate::wait_up_to_date(&client, Duration::from_secs(60)).await?;
            let tabs = texts(&client, ".view-tab").await?;
            assert_eq!(
                tabs,
                ["Nhiệm vụ của đơn vị", "Chỉ tiêu", "Báo cáo", "Kế hoạch"],
                "staff open on their unit's tasks"
            );
            // The overview is built after the sync: wait for it rather than look once.
            let title = wait_for("the unit's task list", Duration::from_secs(30), || async {
                let title = texts(&client, "#unit-tasks .scope-title").await?;
                Ok((!title.is_empty()).then_some(title))
            })
            .await?;
            assert_eq!(
                title,
                ["Nhiệm vụ của đơn vị — Phòng Quản lý hạ tầng"],
                "{title:?}"
            );
            let n_rows = client.find_all(Locator::Css(".unit-task")).await?.len();
            assert_eq!(n_rows, n_tasks, "one row per task of the unit");
            save_screenshot(&client, "e2e-unit-tasks.png").await?;

            search(&client, &words).await?;
            let shown = wait_for_row(&client, &task_id).await?;
            assert!(
                shown.len() < n_rows,
                "the search narrows the list: {} of {n_rows}",
                shown.len()
            );
            // The overdue filter hides it (nothing is overdue before the deadline).
            crate::click_when_ready(&client, "#filter-overdue").await?;
            wait_for("the overdue filter", Duration::from_secs(10), || async {
                Ok(client
                    .find_all(Locator::Css(&row_css(&task_id)))
                    .await?
                    .is_empty()
                    .then_some(()))
            })
            .await?;
            save_screenshot(&client, "e2e-unit-tasks-filtered.png").await?;
            crate::click_when_ready(&client, "#filter-clear").await?;
            wait_for_row(&client, &task_id).await?;

            crate::click_when_ready(&client, &row_css(&task_id)).await?;
            crate::wait_record(&client).await?;
            let period = crate::shown_period(&client).await?;

            live.kill();
            crate::wait_server_gone(&client).await?;
            crate::scroll_to(&client, "record-result", "center").await?;
            crate::act_when_ready(&client, "#record-result", |e| async move {
                e.send_keys(RESULT).await
            })
            .await?;
            crate::wait_save_label(&client, "Đã lưu trên máy, chờ gửi", Duration::from_secs(15))
                .await?;
            live.start();
            crate::wait_save_label(&client, "Đã đồng bộ", Duration::from_secs(60)).await?;
            // The list follows the edit: the task now has its result.
            let line = texts(&client, &format!("{} .report-state", row_css(&task_id))).await?;
            eprintln!("row after the edit: {line:?}");
            *chosen_ref.lock().unwrap() = Some((task_id, task.title.clone(), period));
            Ok(())
        },
    );
    let (task_id, title, period) = chosen.lock().unwrap().clone().expect("step 1 chose a task");

    // 2. Office: the dashboard, then QLHT's record of the task, returned with a comment; then
    //    the consolidated report exported.
    let task_ref = &task_id;
    let export_dir = tempfile::tempdir().expect("a folder for the report");
    let export_dir = export_dir.path();
    with_app(
        &app,
        &crate::app_env(office_dir.path(), &url, "thu"),
        "e2e-appraisal-office-failure.png",
        |client| async move {
            crate::wait_up_to_date(&client, Duration::from_secs(60)).await?;
            wait_for("the dashboard", Duration::from_secs(30), || async {
                Ok((!client
                    .find_all(Locator::Css("#chart-units .bar"))
                    .await?
                    .is_empty())
                .then_some(()))
            })
            .await?;
            let tabs = texts(&client, ".view-tab").await?;
            assert_eq!(
                tabs,
                [
                    "Tổng quan",
                    "Nhiệm vụ các đơn vị",
                    "Chỉ tiêu",
                    "Báo cáo",
                    "Kế hoạch"
                ]
            );
            let units = texts(&client, "#table-units tbody tr").await?;
            assert!(
                units.iter().any(|u| u.starts_with("Phòng Quản lý hạ tầng")),
                "every unit has a row: {units:?}"
            );
            save_screenshot(&client, "e2e-dashboard.png").await?;
            crate::click_when_ready(&client, "#tab-indicators").await?;
            wait_for("the indicators", Duration::from_secs(30), || async {
                Ok(texts(&client, "#indicators-summary")
                    .await?
                    .into_iter()
                    .next())
            })
            .await?;
            save_screenshot(&client, "e2e-indicators.png").await?;

            crate::click_when_ready(&client, "#tab-unit-tasks").await?;
            search(&client, &fold(&title)).await?;
            wait_for_row(&client, task_ref).await?;
            crate::click_when_ready(&client, &row_css(task_ref)).await?;
            wait_for("the unit choice", Duration::from_secs(30), || async {
                Ok((!client
                    .find_all(Locator::Css("#record-unit"))
                    .await?
                    .is_empty())
                .then_some(()))
            })
            .await?;
            crate::act_when_ready(&client, "#record-unit", |e| async move {
                e.select_by_value("QLHT").await
            })
            .await?;
            // The office app shows the staff's edit.
            crate::wait_result_of(&client, "QLHT", RESULT).await?;
            crate::scroll_to(&client, "record-verdict", "center").await?;
            // Returning without a comment is refused in plain words.
            crate::click_when_ready(&client, "#verdict-return").await?;
            let refusal = wait_for(
                "the refusal of a return without a comment",
                Duration::from_secs(10),
                || async {
                    let shown = texts(&client, "#record-verdict .field-error").await?;
                    Ok((!shown.is_empty()).then_some(shown))
                },
            )
            .await?;
            assert_eq!(refusal, ["Ghi rõ lý do trả lại để đơn vị biết cần sửa gì."]);
            crate::act_when_ready(&client, "#verdict-comment", |e| async move {
                e.send_keys(COMMENT).await
            })
            .await?;
            crate::click_when_ready(&client, "#verdict-return").await?;
            let verdict = wait_for(
                "the verdict on the page",
                Duration::from_secs(30),
                || async {
                    let text = texts(&client, "#record-verdict").await?.join(" ");
                    Ok((text.contains(COMMENT) && text.contains("Trả lại")).then_some(text))
                },
            )
            .await?;
            eprintln!("office verdict: {verdict:?}");
            save_screenshot(&client, "e2e-appraisal-office.png").await?;
            // The server holds the verdict before this window closes.
            let staff = Laptop::login(url_ref, "lan").await;
            let review_doc = staff.doc("review", "QLHT");
            let comment = eventually(
                Duration::from_secs(60),
                "the verdict to reach the server",
                || {
                    let staff = &staff;
                    let review_doc = review_doc.clone();
                    async move {
                        let entry = staff
                            .client
                            .read_review(&review_doc, task_ref, period)
                            .await
                            .ok()?;
                        (entry.verdict.current() == Some(&Verdict::Returned))
                            .then_some(entry.comment)
                    }
                },
            )
            .await;
            assert_eq!(comment, COMMENT);
            staff.client.shutdown().await;

            // The consolidated report, exported from the app as XLSX, holds the result and the
            // verdict (read back with calamine, not our writer).
            crate::click_when_ready(&client, "#tab-export").await?;
            crate::click_when_ready(&client, "#export-xlsx").await?;
            client
                .find(Locator::Css("#export-folder"))
                .await?
                .send_keys(&export_dir.display().to_string())
                .await?;
            crate::click_when_ready(&client, "#export-run").await?;
            let path = wait_for(
                "the report to be written",
                Duration::from_secs(60),
                || async {
                    let failed = texts(&client, "#export-status.field-error").await?;
                    if let Some(why) = failed.first() {
                        anyhow::bail!("the export failed: {why}");
                    }
                    Ok(texts(&client, "#export-path").await?.into_iter().next())
                },
            )
            .await?;
            save_screenshot(&client, "e2e-export.png").await?;
            let expected = export_dir.join(format!("bao-cao-{period}-tong-hop.xlsx"));
            assert_eq!(std::path::Path::new(&path), expected);
            let cells = xlsx_cells(&expected)?;
            assert!(
                cells.iter().any(|c| c == RESULT),
                "the result is in the report"
            );
            assert!(
                cells.iter().any(|c| c.contains(COMMENT)),
                "the comment is in the report"
            );
            assert!(
                cells.iter().any(|c| c == "Trả lại"),
                "the verdict is in the report"
            );
            // "Mở tệp" goes through the app: with the file moved away it says so (nothing is
            // started on this test machine).
            assert_eq!(texts(&client, "#export-reveal").await?, ["Mở thư mục"]);
            std::fs::remove_file(&expected)?;
            crate::click_when_ready(&client, "#export-open").await?;
            let why = wait_for(
                "why the report cannot be opened",
                Duration::from_secs(30),
                || async {
                    Ok(texts(&client, "#export-open-error")
                        .await?
                        .into_iter()
                        .next())
                },
            )
            .await?;
            assert!(why.starts_with("Không còn tệp"), "{why}");

            // LibreOffice is on this machine (scripts/setup.sh): PDF is offered, and written.
            crate::click_when_ready(&client, "#export-pdf").await?;
            crate::click_when_ready(&client, "#export-run").await?;
            let pdf = export_dir.join(format!("bao-cao-{period}-tong-hop.pdf"));
            wait_for(
                "the PDF to be written",
                Duration::from_secs(180),
                || async {
                    let failed = texts(&client, "#export-status.field-error").await?;
                    if let Some(why) = failed.first() {
                        anyhow::bail!("the PDF export failed: {why}");
                    }
                    Ok(texts(&client, "#export-path")
                        .await?
                        .into_iter()
                        .find(|p| p.ends_with(".pdf")))
                },
            )
            .await?;
            let bytes = std::fs::read(&pdf)?;
            assert!(bytes.starts_with(b"%PDF-"), "{} is a PDF", pdf.display());
            save_screenshot(&client, "e2e-export-pdf.png").await?;
            Ok(())
        },
    );

    // 3. Staff again: the list marks the task returned and its page says why.
    with_app(
        &app,
        &crate::app_env(staff_dir.path(), &url, "lan"),
        "e2e-appraisal-staff-sees-failure.png",
        |client| async move {
            crate::wait_up_to_date(&client, Duration::from_secs(60)).await?;
            let badge = format!("{} .row-state.row-returned", row_css(task_ref));
            let shown = wait_for(
                "the returned badge in the task list",
                Duration::from_secs(60),
                || async { Ok(texts(&client, &badge).await?.into_iter().next()) },
            )
            .await?;
            assert_eq!(shown, "Trả lại");
            crate::click_when_ready(&client, &row_css(task_ref)).await?;
            let verdict = wait_for(
                "the comment on the task page",
                Duration::from_secs(30),
                || async {
                    let text = texts(&client, "#record-verdict").await?.join(" ");
                    Ok(text.contains(COMMENT).then_some(text))
                },
            )
            .await?;
            assert!(
                verdict.contains("Trả lại") && verdict.contains("thu"),
                "{verdict:?}"
            );
            assert!(
                client
                    .find_all(Locator::Css("#verdict-accept"))
                    .await?
                    .is_empty(),
                "staff cannot appraise"
            );
            crate::scroll_to(&client, "record-verdict", "center").await?;
            save_screenshot(&client, "e2e-appraisal-staff-sees.png").await?;
            Ok(())
        },
    );
}
