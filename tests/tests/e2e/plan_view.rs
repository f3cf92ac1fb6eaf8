//! Scenario: a fresh install seeded with the plan shows its appendices and sections, a clicked
//! task's detail, and a diacritic-insensitive search.

use std::time::Duration;

use anyhow::{bail, Context};
use fantoccini::{Client, Locator};
use tests::app_driver::{TauriDriver, Xvfb};
use tests::repo;

use crate::{save_screenshot, texts, wait_for};

const TASK_TITLE: &str = "Thực hiện chế độ báo cáo CCHC định kỳ";
/// The start of a SIPAS task's title (B.I.5), which lists two expected products.
const SIPAS_TASK_TITLE: &str = "Cung cấp thông tin về việc giải quyết TTHC";

#[test]
fn plan_view_shows_sections_and_task_detail() {
    let Some(app) = crate::e2e_app("plan_view_shows_sections_and_task_detail") else {
        return;
    };
    let seed = repo::seed_plan();
    assert!(
        seed.is_file(),
        "the seed plan is expected beside the repository at {}",
        seed.display()
    );
    let data_dir = tempfile::tempdir().expect("a temporary data directory");

    let xvfb = Xvfb::start(1280, 800).expect("Xvfb starts");
    let driver = TauriDriver::start(&[
        ("DISPLAY", xvfb.display().into()),
        ("PLANSYNC_SEED", seed.clone().into_os_string()),
        ("PLANSYNC_DATA_DIR", data_dir.path().as_os_str().to_owned()),
    ])
    .expect("tauri-driver starts");

    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime");
    let result = runtime.block_on(async {
        let client = crate::sync_bar::drawn_session(&driver, &app).await?;
        let outcome = scenario(&client).await;
        if outcome.is_err() {
            // Keep what the window showed for whoever reads the failure.
            let _ = save_screenshot(&client, "e2e-plan-view-failure.png").await;
        }
        client
            .close()
            .await
            .context("closing the WebDriver session")?;
        outcome
    });
    drop(driver);
    drop(xvfb);
    result.unwrap_or_else(|err| panic!("{err:#}"));
    assert!(
        data_dir.path().join("plansync.sqlite3").is_file(),
        "the app used PLANSYNC_DATA_DIR, so tauri-driver passed the environment on to it"
    );
}

async fn scenario(client: &Client) -> anyhow::Result<()> {
    // The navigation lists every appendix and its sections once the plan is loaded.
    let titles = wait_for(
        "the plan's sections to render",
        Duration::from_secs(30),
        || async {
            let titles = texts(client, ".section-title").await?;
            Ok((!titles.is_empty()).then_some(titles))
        },
    )
    .await
    .with_context(|| {
        "the plan never rendered (a build without tauri/custom-protocol loads devUrl instead)"
    })?;
    for expected in [
        "CÔNG TÁC CHỈ ĐẠO ĐIỀU HÀNH",
        "CẢI CÁCH THỂ CHẾ",
        "Tham gia của người dân ở cấp cơ sở",
    ] {
        if !titles.iter().any(|t| t == expected) {
            bail!("section {expected:?} is missing from the navigation: {titles:?}");
        }
    }
    let appendices = texts(client, ".appendix .appendix-index").await?;
    assert_eq!(
        appendices,
        ["PAR INDEX", "PAPI", "SIPAS"],
        "the plan has one appendix per index"
    );
    let n_rows = client.find_all(Locator::Css(".task-row")).await?.len();
    assert_eq!(
        n_rows, 57,
        "'all tasks' lists every task of the seed plan (37 + 10 + 10)"
    );

    // Clicking a task shows its detail.
    let row = find_task_row(client, TASK_TITLE).await?;
    row.click().await.context("clicking the task row")?;
    let detail_title = wait_for("the task detail", Duration::from_secs(5), || async {
        let title = texts(client, "#task-detail .detail-title-text").await?;
        Ok(title.into_iter().next().filter(|t| t == TASK_TITLE))
    })
    .await?;
    assert_eq!(detail_title, TASK_TITLE);
    let lead = texts(client, "#task-detail .detail-lead dd")
        .await?
        .join(" ");
    assert!(
        lead.contains("Văn phòng Sở"),
        "the task's lead unit is shown: {lead:?}"
    );
    save_screenshot(client, "e2e-plan-view.png").await?;

    // Searching without diacritics narrows the list and keeps the match.
    let query = "bao cao dinh ky";
    client
        .find(Locator::Css("#search"))
        .await?
        .send_keys(query)
        .await?;
    let n_found = wait_for(
        "the search to narrow the list",
        Duration::from_secs(5),
        || async {
            let summary = texts(client, ".list-summary").await?.join(" ");
            if !summary.contains(&format!("“{query}”")) {
                return Ok(None);
            }
            Ok(Some(
                client.find_all(Locator::Css(".task-row")).await?.len(),
            ))
        },
    )
    .await?;
    assert!(
        0 < n_found && n_found < n_rows,
        "the search keeps some tasks and drops others: {n_found}"
    );
    find_task_row(client, TASK_TITLE)
        .await
        .context("the task searched for is still listed")?;
    save_screenshot(client, "e2e-search.png").await?;

    // Clearing the search and choosing SIPAS lists that index's tasks; a SIPAS task lists its
    // expected products.
    crate::click_when_ready(client, ".search-clear").await?;
    crate::click_when_ready(client, ".appendix[data-index='SIPAS'] .appendix-title").await?;
    wait_for("the SIPAS tasks", Duration::from_secs(5), || async {
        let title = texts(client, ".scope-title").await?.join(" ");
        let n = client.find_all(Locator::Css(".task-row")).await?.len();
        Ok((title.contains("SIPAS") && n == 10).then_some(()))
    })
    .await?;
    find_task_row(client, SIPAS_TASK_TITLE)
        .await?
        .click()
        .await?;
    let n_products = wait_for(
        "the SIPAS task's products",
        Duration::from_secs(5),
        || async {
            let title = texts(client, "#task-detail .detail-title-text")
                .await?
                .join(" ");
            let n = client
                .find_all(Locator::Css("#task-detail .detail-products li"))
                .await?
                .len();
            Ok((title.starts_with(SIPAS_TASK_TITLE) && n > 0).then_some(n))
        },
    )
    .await?;
    assert!(
        n_products >= 2,
        "the task prints 'Văn bản triển khai' and 'Báo cáo' as products: {n_products}"
    );
    save_screenshot(client, "e2e-sipas.png").await?;
    Ok(())
}

async fn find_task_row(
    client: &Client,
    title: &str,
) -> anyhow::Result<fantoccini::elements::Element> {
    for row in client.find_all(Locator::Css(".task-row")).await? {
        let row_title = row.find(Locator::Css(".task-title")).await?.text().await?;
        // Long titles are matched by their start.
        if row_title.trim().starts_with(title) {
            return Ok(row);
        }
    }
    bail!("no task row titled {title:?}")
}
