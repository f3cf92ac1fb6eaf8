//! Scenario: the server's clock is at 15/12/2026, so it has opened 2027 for every unit. A
//! unit's staff member opens a task: the period choice spans 2026 and 2027; choosing "Quý
//! I/2027" reads the 2027 record, where they write a result that reaches the server's 2027
//! document; choosing "Năm 2026" again shows the 2026 record, still readable.

use std::time::Duration;

use anyhow::Context;
use fantoccini::{Client, Locator};
use shared::calendar::PeriodId;
use tests::laptop::{eventually, Laptop};
use tests::server::TestServer;

use crate::sync_bar::with_app;
use crate::{save_screenshot, texts, wait_for};

const RESULT_2027: &str = "Quý I/2027: đã ban hành kế hoạch năm";

/// Chooses `period` in the task page's period selector and waits until its record is shown.
async fn choose_period(client: &Client, period: PeriodId) -> anyhow::Result<()> {
    let value = period.to_string();
    crate::act_when_ready(client, "#record-period", |e| {
        let value = value.clone();
        async move { e.select_by_value(&value).await }
    })
    .await?;
    wait_for(
        &format!("the record of {period}"),
        Duration::from_secs(30),
        || async {
            let shown = crate::shown_period(client).await.ok();
            let ready = !client
                .find_all(Locator::Css("#record-result"))
                .await?
                .is_empty();
            Ok((shown == Some(period) && ready).then_some(()))
        },
    )
    .await
}

#[test]
fn the_task_page_moves_between_2026_and_the_opened_2027() {
    let Some(app) = crate::e2e_app("the_task_page_moves_between_2026_and_the_opened_2027") else {
        return;
    };
    let mut server = TestServer::with_accounts(&[("lan", "QLHT", "staff")]);
    server.set_env("PLANSYNC_TODAY", "15/12/2026");
    server.start();
    let url = server.url();
    let data_dir = tempfile::tempdir().expect("a temporary data directory");
    let url_ref = &url;
    with_app(
        &app,
        &crate::app_env(data_dir.path(), &url, "lan"),
        "e2e-year-rollover-failure.png",
        |client| async move {
            let laptop = Laptop::login(url_ref, "lan").await;
            let records_2027 =
                eventually(Duration::from_secs(60), "QLHT's 2027 records", || async {
                    laptop.client.refresh_documents().await.ok()?;
                    laptop.client.records_doc_for("QLHT", 2027)
                })
                .await
                .id;
            let tasks = eventually(Duration::from_secs(60), "the 2027 records", || async {
                laptop
                    .client
                    .with_doc(&records_2027, shared::documents::records::task_ids)
                    .await
                    .ok()?
                    .ok()
            })
            .await;
            let task_id = tasks.first().context("QLHT reports in 2027")?.clone();
            crate::wait_up_to_date(&client, Duration::from_secs(60)).await?;
            crate::task_record::open_task(&client, &task_id).await?;
            // The app learns of 2027 when it next lists the documents (at most one refresh
            // interval after the server opened the year), and the open page follows.
            let wanted = ["2026-Q1", "2026", "2027-Q1", "2027"];
            let offered = wait_for(
                "the period choice to span 2026 and 2027",
                Duration::from_secs(90),
                || async {
                    let mut values = Vec::new();
                    for option in client
                        .find_all(Locator::Css("#record-period option"))
                        .await?
                    {
                        values.push(option.attr("value").await?.unwrap_or_default());
                    }
                    Ok(wanted
                        .iter()
                        .all(|period| values.iter().any(|o| o == period))
                        .then_some(values))
                },
            )
            .await;
            offered.context("2026 and 2027 both offered")?;
            let q1_2027: PeriodId = "2027-Q1".parse()?;
            choose_period(&client, q1_2027).await?;
            let title = texts(&client, "#record-submission .record-submission-label").await?;
            assert_eq!(title, ["Báo cáo Quý I/2027:"]);
            crate::scroll_to(&client, "record-result", "center").await?;
            crate::act_when_ready(&client, "#record-result", |e| async move {
                e.send_keys(RESULT_2027).await
            })
            .await?;
            crate::wait_save_label(&client, "Đã đồng bộ", Duration::from_secs(60)).await?;
            save_screenshot(&client, "e2e-year-2027.png").await?;
            let on_server = eventually(
                Duration::from_secs(60),
                "the 2027 result on the server",
                || async {
                    let report = laptop
                        .period_record(&records_2027, &task_id, q1_2027)
                        .await?;
                    (report.result == RESULT_2027).then_some(report.result)
                },
            )
            .await;
            assert_eq!(on_server, RESULT_2027);
            // 2026 stays readable, and untouched by the 2027 edit.
            choose_period(&client, "2026".parse()?).await?;
            let value = client
                .find(Locator::Css("#record-result"))
                .await?
                .prop("value")
                .await?
                .unwrap_or_default();
            assert_eq!(value, "", "the 2026 record has no 2027 text");
            Ok(())
        },
    );
}
