//! Scenario: the office's plan editor opens the plan in the app, adds a task to a PAR INDEX
//! section with KHTC as its lead (the form previews the unit, the time frame and the target as
//! the plan will read them), saves, and the new task's page opens. A KHTC staff member's laptop
//! then finds the task in its plan and the task's entry in its unit's records, ready to report.
//! Before that the editor fills in the signer's name in "Thông tin văn bản báo cáo" (prefilled
//! from the plan), and it reaches the staff laptop's copy of the plan document too.

use std::time::Duration;

use anyhow::Context;
use fantoccini::{Client, Locator};
use shared::documents::records;
use tests::laptop::{eventually, Laptop};
use tests::server::TestServer;

use crate::sync_bar::with_app;
use crate::{click_when_ready, save_screenshot, texts, wait_for};

const TITLE: &str = "Số hoá hồ sơ lưu trữ của Sở";
const CONTENT: &str = "Tỷ lệ hồ sơ lưu trữ được số hoá đạt trên 90%";
const LEAD: &str = "Phòng Kế hoạch – Tài chính";
const SIGNER: &str = "Nguyễn Văn Đức";

async fn type_into(client: &Client, css: &str, text: &str) -> anyhow::Result<()> {
    let field = client.find(Locator::Css(css)).await?;
    field.clear().await?;
    field.send_keys(text).await?;
    Ok(())
}

#[test]
fn the_plan_editor_adds_a_task_that_reaches_the_unit() {
    let Some(app) = crate::e2e_app("the_plan_editor_adds_a_task_that_reaches_the_unit") else {
        return;
    };
    let mut server =
        TestServer::with_accounts(&[("kehoach", "VP", "plan-editor"), ("hoa", "KHTC", "staff")]);
    server.start();
    let url = server.url();
    let data_dir = tempfile::tempdir().expect("a temporary data directory");
    let env = crate::app_env(data_dir.path(), &url, "kehoach");
    let url = &url;
    with_app(
        &app,
        &env,
        "e2e-plan-edit-failure.png",
        |client| async move {
            crate::wait_up_to_date(&client, Duration::from_secs(60)).await?;
            click_when_ready(&client, "#tab-plan").await?;
            // The report particulars, prefilled from the plan; the signer's name is added.
            let agency = wait_for(
                "the report particulars' form",
                Duration::from_secs(30),
                || async {
                    let field = client.find(Locator::Css("#heading-agency")).await?;
                    let value = field.prop("value").await?.unwrap_or_default();
                    Ok((!value.is_empty()).then_some(value))
                },
            )
            .await?;
            assert_eq!(agency, "Sở Xây dựng", "prefilled from the plan");
            type_into(&client, "#heading-signer-name", SIGNER).await?;
            click_when_ready(&client, "#report-heading-save").await?;
            wait_for("the particulars saved", Duration::from_secs(30), || async {
                Ok(texts(&client, "#report-heading-saved")
                    .await?
                    .into_iter()
                    .next())
            })
            .await?;
            save_screenshot(&client, "e2e-report-heading-form.png").await?;
            click_when_ready(&client, ".appendix[data-index=\"PAR_INDEX\"] .section-item").await?;
            click_when_ready(&client, "#task-add").await?;
            // Saving an empty form says what is missing.
            click_when_ready(&client, "#edit-save").await?;
            let missing = texts(&client, "#edit-error").await?;
            assert_eq!(
                missing,
                ["Cần nhập mã (số thứ tự) của nhiệm vụ."],
                "{missing:?}"
            );
            type_into(&client, "#edit-code", "99").await?;
            type_into(&client, "#edit-title", TITLE).await?;
            type_into(&client, "#edit-content", CONTENT).await?;
            type_into(&client, "#edit-lead", LEAD).await?;
            type_into(&client, "#edit-timeframe", "Hằng quý").await?;
            // The office requires an evidence file with each report on this task.
            click_when_ready(&client, "#edit-evidence-required").await?;
            let preview = texts(&client, "#edit-preview dd").await?;
            assert_eq!(
                preview[0], LEAD,
                "the lead unit as the plan reads it: {preview:?}"
            );
            assert!(
                preview[3].contains("90"),
                "the target is found: {preview:?}"
            );
            save_screenshot(&client, "e2e-plan-edit-form.png").await?;
            crate::click_when_ready(&client, "#edit-save").await?;
            let shown = wait_for("the new task's page", Duration::from_secs(30), || async {
                Ok(texts(&client, "#task-detail .detail-title-text")
                    .await?
                    .into_iter()
                    .find(|t| t == TITLE))
            })
            .await?;
            assert_eq!(shown, TITLE);
            let rows = texts(&client, ".task-row").await?;
            assert!(
                rows.iter().any(|r| r.contains(TITLE)),
                "the section lists the new task"
            );
            save_screenshot(&client, "e2e-plan-edit-saved.png").await?;

            let staff = Laptop::login(url, "hoa").await;
            let (task_id, in_records) = eventually(
                Duration::from_secs(60),
                "the new task to reach KHTC's plan and records",
                || {
                    let staff = &staff;
                    async move {
                        staff.client.refresh_documents().await.ok()?;
                        let plan = staff.client.plan().await.ok()??;
                        let (_, task) = plan.tasks().into_iter().find(|(_, t)| t.title == TITLE)?;
                        let records_doc = staff.client.records_doc_for("KHTC", 2026)?;
                        let ids = staff
                            .client
                            .with_doc(&records_doc.id, records::task_ids)
                            .await
                            .ok()?
                            .ok()?;
                        ids.contains(&task.id).then(|| (task.id.clone(), true))
                    }
                },
            )
            .await;
            assert!(in_records, "KHTC can report on {task_id}");
            let plan = staff.client.plan().await?.context("the plan")?;
            let task = plan.task(&task_id).context("the new task")?;
            assert_eq!(task.lead, [LEAD]);
            assert_eq!(task.targets.len(), 1, "{:?}", task.targets);
            assert!(
                task.evidence_required,
                "the office's evidence requirement reaches the unit's plan"
            );
            let particulars = staff
                .client
                .report_heading()
                .await?
                .context("the plan document")?;
            assert_eq!(
                particulars,
                shared::report::HeadingParticulars {
                    signer_name: SIGNER.into(),
                    ..Default::default()
                },
                "only the signer's name is stored; the rest follows the plan"
            );
            staff.client.shutdown().await;
            Ok(())
        },
    );
}
