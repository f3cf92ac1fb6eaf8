//! Scenario through the real app windows against one real server: the workflow of a report.
//! 1. A unit's staff member (QLHT) opens a task: the page says what is missing before it can
//!    be sent. With the server down they write the result and press "Gửi Văn phòng thẩm
//!    định": the report reads "Đã gửi" on the laptop and reaches the server when it is back.
//! 2. A colleague's laptop sends another report later. The office's reviewer opens the app: the
//!    dashboard leads with the two reports awaiting appraisal, oldest first; a row opens the
//!    unit's report, which the reviewer returns with a comment; the page then offers the next
//!    report to appraise, which opens.
//! 3. The staff member finds the returned report pinned on the unit's list with the office's
//!    comment, which also leads the task page; fixes the report and sends it again with "Gửi
//!    tất cả báo cáo đã đủ" ("Đã sửa, gửi lại"); the office accepts it and the page
//!    says "Chấp nhận".

use std::sync::Mutex;
use std::time::Duration;

use anyhow::Context;
use fantoccini::{Client, Locator};
use shared::calendar::PeriodId;
use shared::documents::records::{RecordEdit, TextField};
use shared::documents::review::Verdict;
use shared::submission::{digest, report_state, ReportState};
use shared::TaskId;
use tests::laptop::{eventually, Laptop};
use tests::server::TestServer;

use crate::sync_bar::with_app;
use crate::{save_screenshot, texts, wait_for};

const RESULT: &str = "Đã rà soát, cập nhật quy trình nội bộ giải quyết thủ tục hành chính";
const FIXED: &str = "; kèm danh sách 14 quy trình đã cập nhật";
const COMMENT: &str = "Bổ sung danh sách quy trình đã cập nhật";
const OTHER_RESULT: &str = "Đã tổ chức 2 hội nghị đối thoại với doanh nghiệp";

/// The report's state label on the task page, once it reads `label`.
async fn wait_state(client: &Client, label: &str) -> anyhow::Result<()> {
    wait_for(
        &format!("the report to read \"{label}\""),
        Duration::from_secs(60),
        || async {
            Ok(texts(client, "#record-state")
                .await?
                .into_iter()
                .any(|t| t == label)
                .then_some(()))
        },
    )
    .await
}

#[test]
fn a_report_is_sent_offline_returned_fixed_and_accepted() {
    let Some(app) = crate::e2e_app("a_report_is_sent_offline_returned_fixed_and_accepted") else {
        return;
    };
    let mut server =
        TestServer::with_accounts(&[("lan", "QLHT", "staff"), ("thu", "VP", "reviewer")]);
    // Lan heads her unit: she gets "send all ready reports". Names are shown instead of logins.
    server.cli(&["user", "set-head", "lan", "--yes"], None);
    server.cli(&["user", "set-name", "thu", "Lê Thị Thu"], None);
    server.start();
    let url = server.url();
    let staff_dir = tempfile::tempdir().expect("a temporary data directory");
    let office_dir = tempfile::tempdir().expect("a temporary data directory");
    let chosen: Mutex<Option<(TaskId, PeriodId)>> = Mutex::new(None);

    // 1. Staff: the missing result is named; written and sent offline.
    let live = &mut server;
    let url_ref = &url;
    let chosen_ref = &chosen;
    with_app(
        &app,
        &crate::app_env(staff_dir.path(), &url, "lan"),
        "e2e-submission-staff-failure.png",
        |client| async move {
            let office = Laptop::login(url_ref, "thu").await;
            office.wait_up_to_date(Duration::from_secs(30)).await;
            // A task of QLHT that asks for a result and no figure.
            let task = office
                .unit_tasks("QLHT")
                .await?
                .into_iter()
                .find(|t| t.targets.iter().all(|target| target.value.is_none()))
                .context("QLHT reports on a task without a figure")?;
            crate::wait_up_to_date(&client, Duration::from_secs(30)).await?;
            crate::task_record::open_task(&client, &task.id).await?;
            let period = crate::shown_period(&client).await?;
            wait_state(&client, "Chưa nhập").await?;
            let missing = texts(&client, "#record-missing li").await?;
            assert_eq!(missing, ["Chưa ghi kết quả thực hiện"]);
            let send = client.find(Locator::Css("#record-send")).await?;
            assert!(
                send.attr("disabled").await?.is_some(),
                "nothing to send yet"
            );

            live.kill();
            crate::wait_server_gone(&client).await?;
            crate::scroll_to(&client, "record-result", "center").await?;
            crate::act_when_ready(&client, "#record-result", |e| async move {
                e.send_keys(RESULT).await
            })
            .await?;
            crate::wait_save_label(&client, "Đã lưu trên máy, chờ gửi", Duration::from_secs(15))
                .await?;
            wait_state(&client, "Đang nhập").await?;
            crate::scroll_to(&client, "record-submission", "center").await?;
            let label = texts(&client, "#record-send").await?;
            assert_eq!(label, ["Gửi Văn phòng thẩm định"]);
            crate::click_when_ready(&client, "#record-send").await?;
            wait_state(&client, "Đã gửi").await?;
            save_screenshot(&client, "e2e-submission-sent-offline.png").await?;
            live.start();
            crate::wait_save_label(&client, "Đã đồng bộ", Duration::from_secs(60)).await?;
            // A colleague's laptop sends another task's report of the period, later.
            let colleague = Laptop::login(url_ref, "lan").await;
            colleague.wait_up_to_date(Duration::from_secs(60)).await;
            let records = colleague.doc("records", "QLHT");
            let other = colleague
                .unit_tasks("QLHT")
                .await?
                .into_iter()
                .find(|t| t.id != task.id && t.targets.iter().all(|target| target.value.is_none()))
                .context("QLHT has a second task without a figure")?;
            colleague
                .client
                .edit_record(
                    &records,
                    &other.id,
                    RecordEdit::Text {
                        period,
                        field: TextField::Result,
                        text: OTHER_RESULT.into(),
                    },
                )
                .await?;
            let report = colleague
                .period_record(&records, &other.id, period)
                .await
                .context("the colleague's report")?;
            colleague
                .client
                .edit_record(
                    &records,
                    &other.id,
                    RecordEdit::Send {
                        period,
                        digest: digest(&report),
                        answers: 0,
                    },
                )
                .await?;
            colleague.wait_up_to_date(Duration::from_secs(60)).await;
            *chosen_ref.lock().unwrap() = Some((task.id.clone(), period));
            Ok(())
        },
    );
    let (task_id, period) = chosen.lock().unwrap().clone().expect("step 1 chose a task");
    let task_ref = &task_id;

    // 2. Office: the queue leads the dashboard; its row opens the report, returned.
    with_app(
        &app,
        &crate::app_env(office_dir.path(), &url, "thu"),
        "e2e-submission-office-failure.png",
        |client| async move {
            crate::wait_up_to_date(&client, Duration::from_secs(60)).await?;
            let awaiting = wait_for(
                "two reports awaiting appraisal",
                Duration::from_secs(60),
                || async {
                    let value = texts(&client, "#card-awaiting .card-value").await?;
                    Ok((value == ["2"]).then_some(value))
                },
            )
            .await?;
            let first = client
                .find(Locator::Css("#table-awaiting tbody tr"))
                .await?
                .attr("data-task-id")
                .await?;
            assert_eq!(
                first.as_deref(),
                Some(task_ref.0.as_str()),
                "the oldest sending first"
            );
            eprintln!("awaiting: {awaiting:?}");
            let cards = texts(&client, ".cards .card-label").await?;
            assert_eq!(
                cards.first().map(String::as_str),
                Some("báo cáo chờ thẩm định"),
                "the queue leads: {cards:?}"
            );
            let row = format!(
                "#table-awaiting tr[data-task-id=\"{}\"][data-unit=\"QLHT\"]",
                task_ref.0
            );
            // The units table's count opens the task list on exactly those reports.
            let count = "#table-units tr[data-unit=\"QLHT\"] button[data-filter=\"awaiting\"]";
            assert_eq!(texts(&client, count).await?, ["2"]);
            crate::click_when_ready(&client, count).await?;
            let listed = wait_for(
                "the task list filtered on QLHT's awaiting reports",
                Duration::from_secs(30),
                || async {
                    let chip = texts(&client, "#filter-unit").await?;
                    let rows = texts(&client, "#unit-tasks .task-rows li").await?;
                    Ok((!chip.is_empty() && rows.len() == 2).then_some((chip, rows)))
                },
            )
            .await?;
            assert!(listed.0[0].contains("Phòng Quản lý hạ tầng"), "{listed:?}");
            assert!(listed.1.iter().all(|r| r.contains("Đã gửi")), "{listed:?}");
            crate::click_when_ready(&client, "#tab-dashboard").await?;
            crate::scroll_to(&client, "queue", "start").await?;
            save_screenshot(&client, "e2e-office-queue.png").await?;
            crate::click_when_ready(&client, &format!("{row} td.wrap")).await?;
            crate::wait_result_of(&client, "QLHT", RESULT).await?;
            wait_state(&client, "Đã gửi").await?;
            assert_eq!(crate::shown_period(&client).await?, period);
            crate::scroll_to(&client, "record-verdict", "center").await?;
            crate::act_when_ready(&client, "#verdict-comment", |e| async move {
                e.send_keys(COMMENT).await
            })
            .await?;
            crate::click_when_ready(&client, "#verdict-return").await?;
            wait_state(&client, "Trả lại").await?;
            // The next report to appraise is offered, and opens.
            let next = wait_for(
                "the next report to appraise",
                Duration::from_secs(30),
                || async { Ok(texts(&client, "#next-in-queue").await?.into_iter().next()) },
            )
            .await?;
            assert!(
                next.starts_with("Báo cáo tiếp theo cần thẩm định"),
                "{next}"
            );
            save_screenshot(&client, "e2e-appraisal-next.png").await?;
            crate::click_when_ready(&client, "#next-in-queue").await?;
            crate::wait_result_of(&client, "QLHT", OTHER_RESULT).await?;
            crate::wait_up_to_date(&client, Duration::from_secs(60)).await?;
            Ok(())
        },
    );

    // 3. Staff: the comment leads the page; fixed, sent again; accepted by the office.
    with_app(
        &app,
        &crate::app_env(staff_dir.path(), &url, "lan"),
        "e2e-submission-staff-again-failure.png",
        |client| async move {
            crate::wait_up_to_date(&client, Duration::from_secs(60)).await?;
            // The unit's list pins the returned report with the office's comment; it opens
            // the task page.
            let pinned = format!("#returned-reports li[data-task-id=\"{}\"]", task_ref.0);
            let pinned_text = wait_for(
                "the returned report pinned on the unit's list",
                Duration::from_secs(60),
                || async { Ok(texts(&client, &pinned).await?.into_iter().next()) },
            )
            .await?;
            assert!(pinned_text.contains(COMMENT), "{pinned_text}");
            let summary = texts(&client, "#unit-work-summary").await?.join(" ");
            assert!(summary.contains("1 bị trả lại"), "{summary}");
            save_screenshot(&client, "e2e-unit-list-returned.png").await?;
            // The summary's item filters the list to the returned report, and back.
            let all = texts(&client, "#unit-tasks .task-rows li").await?.len();
            crate::click_when_ready(&client, "#summary-returned").await?;
            let only = wait_for(
                "the list of returned reports",
                Duration::from_secs(30),
                || async {
                    let rows = client
                        .find_all(Locator::Css("#unit-tasks .task-rows li button"))
                        .await?;
                    let mut ids = Vec::new();
                    for row in rows {
                        ids.push(row.attr("data-task-id").await?.unwrap_or_default());
                    }
                    Ok((ids.len() == 1).then_some(ids))
                },
            )
            .await?;
            assert_eq!(only, [task_ref.0.as_str()]);
            crate::click_when_ready(&client, "#summary-returned").await?;
            wait_for("the whole list again", Duration::from_secs(30), || async {
                let n = texts(&client, "#unit-tasks .task-rows li").await?.len();
                Ok((n == all).then_some(()))
            })
            .await?;
            crate::click_when_ready(&client, &pinned).await?;
            crate::wait_record(&client).await?;
            let banner = wait_for(
                "the office's comment at the top",
                Duration::from_secs(60),
                || async { Ok(texts(&client, "#record-returned").await?.into_iter().next()) },
            )
            .await?;
            assert!(banner.contains(COMMENT), "{banner}");
            wait_state(&client, "Trả lại").await?;
            let by = texts(&client, "#record-verdict .verdict-by")
                .await?
                .join(" ");
            assert!(
                by.contains("Lê Thị Thu"),
                "the verdict names the reviewer by her full name, not her login: {by:?}"
            );
            save_screenshot(&client, "e2e-submission-returned.png").await?;
            crate::scroll_to(&client, "record-result", "center").await?;
            crate::act_when_ready(&client, "#record-result", |e| async move {
                e.send_keys(FIXED).await
            })
            .await?;
            crate::wait_save_label(&client, "Đã đồng bộ", Duration::from_secs(60)).await?;
            crate::scroll_to(&client, "record-submission", "center").await?;
            wait_for("the resend button", Duration::from_secs(30), || async {
                Ok(texts(&client, "#record-send")
                    .await?
                    .into_iter()
                    .find(|t| t == "Gửi lại Văn phòng"))
            })
            .await?;
            // Sent from the list with "send all ready reports": only the fixed one goes (the
            // colleague's is unchanged since sent, the rest are empty).
            crate::scroll_to(&client, "send-ready", "center").await?;
            crate::click_when_ready(&client, "#send-ready").await?;
            let outcome = wait_for("what was sent", Duration::from_secs(30), || async {
                Ok(texts(&client, "#send-ready-outcome")
                    .await?
                    .into_iter()
                    .next())
            })
            .await?;
            assert_eq!(outcome, "Đã gửi 1 báo cáo (sẽ đến Văn phòng khi có mạng).");
            wait_state(&client, "Đã sửa, gửi lại").await?;
            crate::wait_save_label(&client, "Đã đồng bộ", Duration::from_secs(60)).await?;

            // The office sees it sent again, and accepts it.
            let office = Laptop::login(url_ref, "thu").await;
            office.wait_up_to_date(Duration::from_secs(30)).await;
            let records = office.doc("records", "QLHT");
            let review = office.doc("review", "QLHT");
            eventually(
                Duration::from_secs(60),
                "the office to read the report sent again",
                || async {
                    let office = &office;
                    let report = office.period_record(&records, task_ref, period).await?;
                    let verdict = office
                        .client
                        .read_review(&review, task_ref, period)
                        .await
                        .ok()?
                        .given();
                    (report_state(&report, verdict) == ReportState::Resent { changed: false })
                        .then_some(())
                },
            )
            .await;
            office
                .client
                .set_verdict(&review, task_ref, period, Verdict::Accepted, "")
                .await?;
            office.wait_up_to_date(Duration::from_secs(30)).await;
            wait_state(&client, "Chấp nhận").await?;
            let buttons = client.find_all(Locator::Css("#record-send")).await?;
            assert!(buttons.is_empty(), "an accepted report is not sent again");
            save_screenshot(&client, "e2e-submission-accepted.png").await?;
            Ok(())
        },
    );
}
