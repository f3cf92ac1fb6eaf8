//! Scenario: a unit's staff member opens a task, and while the server is down types the period's
//! result and sets the status on the task page; the page says it is saved on the laptop and
//! waiting. A colleague of the same unit (another laptop) sets another status offline too. The
//! server comes back, the page says it is synced, and the office (a reviewer's laptop) reads the
//! result. The page shows both statuses side by side and the staff member chooses one. The office
//! then returns the period with a comment, and the staff member's task page shows it.

use std::time::Duration;

use anyhow::{bail, Context};
use fantoccini::{Client, Locator};
use shared::documents::records::{self, RecordEdit, TaskStatus};
use shared::documents::review::Verdict;
use shared::TaskId;
use tests::laptop::{eventually, Laptop};
use tests::server::TestServer;

use crate::sync_bar::with_app;
use crate::{save_screenshot, texts, wait_for};

const RESULT: &str = "Đã rà soát hạ tầng kỹ thuật tại 12 xã, phường";
const COMMENT: &str = "Bổ sung số liệu và tài liệu minh chứng";

#[test]
fn staff_edit_offline_reaches_the_office() {
    let Some(app) = crate::e2e_app("staff_edit_offline_reaches_the_office") else {
        return;
    };
    let mut server = TestServer::with_accounts(&[
        ("lan", "QLHT", "staff"),
        ("minh", "QLHT", "staff"),
        ("thu", "VP", "reviewer"),
    ]);
    server.start();
    let url = server.url();
    let data_dir = tempfile::tempdir().expect("a temporary data directory");
    let env = crate::app_env(data_dir.path(), &url, "lan");
    let live = &mut server;
    with_app(
        &app,
        &env,
        "e2e-task-record-failure.png",
        |client| async move {
            let office = Laptop::login(&url, "thu").await;
            office.wait_up_to_date(Duration::from_secs(30)).await;
            let colleague = Laptop::login(&url, "minh").await;
            colleague.wait_up_to_date(Duration::from_secs(30)).await;
            let records_doc = office.doc("records", "QLHT");
            let review_doc = office.doc("review", "QLHT");
            let task = office.unit_tasks("QLHT").await?.into_iter().next();
            let task = task.context("QLHT reports on at least one task")?;
            let task_id: TaskId = task.id.clone();
            eprintln!("task of QLHT: {task_id} {}", task.title);

            crate::wait_up_to_date(&client, Duration::from_secs(30)).await?;
            open_task(&client, &task_id).await?;
            let period = crate::shown_period(&client).await?;
            let unit = texts(&client, "#record-unit-name").await?;
            assert_eq!(
                unit,
                ["Đơn vị: Phòng Quản lý hạ tầng"],
                "staff see their own unit's record, by its name"
            );
            save_screenshot(&client, "e2e-task-record.png").await?;

            live.kill();
            crate::wait_server_gone(&client).await?;
            crate::scroll_to(&client, "record-result", "center").await?;
            let result = client.find(Locator::Css("#record-result")).await?;
            result.send_keys(RESULT).await?;
            crate::wait_save_label(&client, "Đã lưu trên máy, chờ gửi", Duration::from_secs(15))
                .await?;
            crate::act_when_ready(&client, "#record-status", |e| async move {
                e.select_by_value("in_progress").await
            })
            .await?;
            colleague
                .client
                .edit_record(
                    &records_doc,
                    &task_id,
                    RecordEdit::Status {
                        status: TaskStatus::Done,
                    },
                )
                .await?;
            save_screenshot(&client, "e2e-task-record-offline-saved.png").await?;

            live.start();
            colleague.wait_up_to_date(Duration::from_secs(60)).await;
            eprintln!(
                "colleague reads status {:?}; app says {:?}",
                colleague
                    .client
                    .read_record(&records_doc, &task_id)
                    .await?
                    .status,
                texts(&client, "#record-save").await?
            );
            crate::wait_save_label(&client, "Đã đồng bộ", Duration::from_secs(60)).await?;
            save_screenshot(&client, "e2e-task-record-synced.png").await?;

            let office_sees = eventually(
                Duration::from_secs(30),
                "the office to read the edit",
                || {
                    let office = &office;
                    let records_doc = records_doc.clone();
                    let task_id = task_id.clone();
                    async move {
                        let p = office.period_record(&records_doc, &task_id, period).await?;
                        (p.result == RESULT).then(|| p.result.clone())
                    }
                },
            )
            .await;
            assert_eq!(office_sees, RESULT);

            // Both statuses are shown side by side; choosing one settles it.
            let versions = wait_for(
                "both statuses side by side",
                Duration::from_secs(60),
                || async {
                    reopen_task(&client, &task_id).await?;
                    let values = texts(&client, "#record-status-versions .version-value").await?;
                    Ok((values.len() == 2).then_some(values))
                },
            )
            .await?;
            let mut sorted = versions.clone();
            sorted.sort();
            assert_eq!(sorted, ["Hoàn thành", "Đang thực hiện"], "{versions:?}");
            let by = texts(&client, "#record-status-versions .version-by").await?;
            assert!(
                by.iter().any(|b| b.starts_with("minh")) && by.iter().any(|b| b.starts_with("lan")),
                "each version names who wrote it: {by:?}"
            );
            crate::scroll_to(&client, "record-status-versions", "center").await?;
            save_screenshot(&client, "e2e-task-record-versions.png").await?;
            let done = versions
                .iter()
                .position(|v| v == "Hoàn thành")
                .context("the colleague's version")?;
            client
                .find_all(Locator::Css("#record-status-versions .version-choose"))
                .await?
                .get(done)
                .context("a Chọn button per version")?
                .clone()
                .click()
                .await?;
            wait_for(
                "the status to be settled",
                Duration::from_secs(15),
                || async {
                    let gone = client
                        .find_all(Locator::Css("#record-status-versions"))
                        .await?
                        .is_empty();
                    let value = client
                        .find(Locator::Css("#record-status"))
                        .await?
                        .prop("value")
                        .await?;
                    Ok((gone && value.as_deref() == Some("done")).then_some(()))
                },
            )
            .await?;
            let office_status = eventually(
                Duration::from_secs(30),
                "the office to see one status",
                || {
                    let office = &office;
                    let records_doc = records_doc.clone();
                    let task_id = task_id.clone();
                    async move {
                        let record = office
                            .client
                            .read_record(&records_doc, &task_id)
                            .await
                            .ok()?;
                        (!record.status.is_conflict())
                            .then_some(record.status.current().copied())
                            .flatten()
                    }
                },
            )
            .await;
            assert_eq!(
                office_status,
                TaskStatus::Done,
                "the choice settles it for everyone"
            );

            office
                .client
                .set_verdict(&review_doc, &task_id, period, Verdict::Returned, COMMENT)
                .await?;
            office.wait_up_to_date(Duration::from_secs(30)).await;
            // Open the task again, as the staff member would after the sync bar said "up to date".
            wait_for(
                "the verdict on the task page",
                Duration::from_secs(60),
                || async {
                    crate::click_when_ready(&client, "#task-detail .close").await?;
                    open_task(&client, &task_id).await?;
                    let verdict = texts(&client, "#record-verdict").await?.join(" ");
                    Ok(verdict.contains(COMMENT).then_some(verdict))
                },
            )
            .await
            .map(|verdict| {
                assert!(
                    verdict.contains("Trả lại"),
                    "the verdict is named: {verdict:?}"
                );
                assert!(
                    verdict.contains("thu"),
                    "the reviewer is named: {verdict:?}"
                );
            })?;
            let history = texts(&client, "#record-history summary").await?;
            if history.is_empty() {
                bail!("the history is on the task page");
            }
            save_screenshot(&client, "e2e-task-record-returned.png").await?;
            crate::click_when_ready(&client, "#record-history summary").await?;
            crate::scroll_to(&client, "record-history", "end").await?;
            let whats = texts(&client, "#record-history .history-what").await?;
            assert!(
                whats.iter().any(|w| w == "Trạng thái: Hoàn thành")
                    && whats.iter().any(|w| w.starts_with("Kết quả thực hiện (")),
                "the history says what was changed: {whats:?}"
            );
            let times = texts(&client, "#record-history .history-time").await?;
            assert!(
                times
                    .iter()
                    .all(|t| t.len() == 16 && &t[2..3] == "/" && &t[13..14] == ":"),
                "times read dd/mm/yyyy HH:MM: {times:?}"
            );
            save_screenshot(&client, "e2e-task-record-history.png").await?;
            colleague.client.shutdown().await;
            office.client.shutdown().await;
            Ok(())
        },
    );
}

/// Clicks the task's row in the plan and waits for its record to load (logged-in users open on
/// their task list or the dashboard: the "Kế hoạch" tab shows the plan).
pub(crate) async fn open_task(client: &Client, task_id: &TaskId) -> anyhow::Result<()> {
    let row = format!(".task-row[data-task-id=\"{}\"]", task_id.0);
    // The plan tab renders its rows after the click: wait for the row, not just look once.
    let found = wait_for(
        "the task's row in the plan",
        Duration::from_secs(30),
        || async {
            crate::show_plan(client).await?;
            Ok(client
                .find_all(Locator::Css(&row))
                .await?
                .into_iter()
                .next())
        },
    )
    .await?;
    found.click().await?;
    crate::wait_record(client).await
}

/// Closes the task page and opens it again (it reads the record afresh).
async fn reopen_task(client: &Client, task_id: &TaskId) -> anyhow::Result<()> {
    crate::click_when_ready(client, "#task-detail .close").await?;
    open_task(client, task_id).await
}

#[test]
fn the_office_reads_any_unit_s_record() {
    let Some(app) = crate::e2e_app("the_office_reads_any_unit_s_record") else {
        return;
    };
    let mut server =
        TestServer::with_accounts(&[("lan", "QLHT", "staff"), ("thu", "VP", "reviewer")]);
    server.start();
    let url = server.url();
    let data_dir = tempfile::tempdir().expect("a temporary data directory");
    let env = crate::app_env(data_dir.path(), &url, "thu");
    with_app(
        &app,
        &env,
        "e2e-office-record-failure.png",
        |client| async move {
            let staff = Laptop::login(&url, "lan").await;
            staff.wait_up_to_date(Duration::from_secs(30)).await;
            let records_doc = staff.doc("records", "QLHT");
            let task_ids = staff
                .client
                .with_doc(&records_doc, records::task_ids)
                .await??;
            let task_id = task_ids.first().context("QLHT has tasks")?.clone();
            staff
                .client
                .edit_record(&records_doc, &task_id, RecordEdit::Progress { percent: 40 })
                .await?;
            staff.wait_up_to_date(Duration::from_secs(30)).await;
            crate::wait_up_to_date(&client, Duration::from_secs(30)).await?;
            open_task(&client, &task_id).await?;
            crate::act_when_ready(&client, "#record-unit", |e| async move {
                e.select_by_value("QLHT").await
            })
            .await
            .context("office roles choose the unit")?;
            let progress = wait_for("QLHT's record", Duration::from_secs(30), || async {
                let shown = client
                    .find_all(Locator::Css(
                        "#task-record[data-unit=\"QLHT\"] #record-progress",
                    ))
                    .await?;
                match shown.first() {
                    Some(input) => Ok(input.prop("value").await?.filter(|v| !v.is_empty())),
                    None => Ok(None),
                }
            })
            .await?;
            assert_eq!(progress, "40", "the office reads the unit's progress");
            // The open page follows the unit's next edit without being reopened.
            staff
                .client
                .edit_record(&records_doc, &task_id, RecordEdit::Progress { percent: 65 })
                .await?;
            let live = wait_for(
                "the page to follow a remote edit",
                Duration::from_secs(30),
                || async {
                    let shown = client
                        .find(Locator::Css(
                            "#task-record[data-unit=\"QLHT\"] #record-progress",
                        ))
                        .await?
                        .prop("value")
                        .await?;
                    Ok(shown.filter(|v| v == "65"))
                },
            )
            .await?;
            assert_eq!(live, "65");
            let note = texts(&client, "#record-readonly").await?;
            assert_eq!(note, ["Chỉ xem: sổ theo dõi của đơn vị QLHT."]);
            let readonly = client
                .find(Locator::Css("#record-result"))
                .await?
                .attr("readonly")
                .await?;
            assert!(readonly.is_some(), "another unit's record cannot be edited");
            save_screenshot(&client, "e2e-task-record-office.png").await?;
            staff.client.shutdown().await;
            Ok(())
        },
    );
}
