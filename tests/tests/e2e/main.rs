//! End-to-end tests of the desktop app, driven through tauri-driver and WebDriver.
//!
//! They are slow and need a built app, Xvfb, tauri-driver and WebKitWebDriver, so they run only
//! when `PLANSYNC_E2E=1`; otherwise each prints that it was skipped. `scripts/e2e.sh` builds the
//! app and runs them.

mod appraisal;
mod ca_certificate;
mod evidence;
mod plan_edit;
mod plan_view;
mod readme_screenshots;
mod submission;
mod sync_bar;
mod task_record;
mod unreadable_unit;
mod year_rollover;

use std::future::Future;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use fantoccini::{Client, Locator};
use tests::repo;

/// The app binary to test, or `None` (with a note) when end-to-end tests are not enabled.
/// Panics when they are enabled but the app has not been built.
fn e2e_app(test: &str) -> Option<PathBuf> {
    if std::env::var_os("PLANSYNC_E2E").is_none_or(|v| v != "1") {
        eprintln!(
            "skipped {test}: set PLANSYNC_E2E=1 to run end-to-end tests (scripts/e2e.sh does)"
        );
        return None;
    }
    let app = tests::repo::app_binary();
    assert!(
        app.is_file(),
        "PLANSYNC_E2E=1 but the app is not built at {}: run scripts/e2e.sh, or `TRUNK_OFFLINE=true trunk build` \
         in frontend/ then `cargo build -p plansync-app --features tauri/custom-protocol`",
        app.display()
    );
    Some(app)
}

/// The trimmed text of every element matching `css`.
async fn texts(client: &Client, css: &str) -> anyhow::Result<Vec<String>> {
    let mut out = Vec::new();
    for element in client.find_all(Locator::Css(css)).await? {
        out.push(element.text().await?.trim().to_string());
    }
    Ok(out)
}

/// Polls `probe` every 200 ms until it returns `Some`, for at most `timeout`.
async fn wait_for<T, F, Fut>(what: &str, timeout: Duration, mut probe: F) -> anyhow::Result<T>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = anyhow::Result<Option<T>>>,
{
    let start = Instant::now();
    let mut last_error = None;
    while start.elapsed() < timeout {
        match probe().await {
            Ok(Some(value)) => return Ok(value),
            Ok(None) => {}
            Err(err) => last_error = Some(err),
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    match last_error {
        Some(err) => Err(err.context(format!("waiting {timeout:?} for {what}"))),
        None => bail!("waited {timeout:?} for {what}"),
    }
}

/// Clicks the first element `css` selects once it is there and takes the click: right after an
/// action the page may still be redrawing, and an element found in the old page (stale) or not
/// yet interactable is looked up and clicked again.
async fn click_when_ready(client: &Client, css: &str) -> anyhow::Result<()> {
    act_when_ready(client, css, |element| async move {
        element.click().await.map(|_| ())
    })
    .await
}

/// Does `act` on the first element `css` selects once it is there (typing, choosing an
/// option): an element the page redrew between finding and acting (stale) is looked up again
/// and `act` done on the new one. A stale element refuses the whole command, so nothing is
/// done twice.
async fn act_when_ready<F, Fut>(client: &Client, css: &str, act: F) -> anyhow::Result<()>
where
    F: Fn(fantoccini::elements::Element) -> Fut,
    Fut: Future<Output = Result<(), fantoccini::error::CmdError>>,
{
    wait_for(
        &format!("{css} to take the action"),
        Duration::from_secs(30),
        || async {
            let Some(element) = client.find_all(Locator::Css(css)).await?.into_iter().next() else {
                return Ok(None);
            };
            match act(element).await {
                Ok(()) => Ok(Some(())),
                Err(err) if is_stale(&err) => Ok(None),
                Err(err) => Err(err.into()),
            }
        },
    )
    .await
}

/// Whether WebDriver refused an action because the element left the page (re-rendered).
fn is_stale(err: &fantoccini::error::CmdError) -> bool {
    let text = err.to_string();
    text.contains("stale element") || text.contains("was not found")
}

/// What the sync bar says once every change is through ("Đã đồng bộ lúc HH:MM").
const UP_TO_DATE: &str = "Đã đồng bộ lúc ";

/// Waits until the sync bar says the app is up to date.
async fn wait_up_to_date(client: &Client, within: Duration) -> anyhow::Result<()> {
    wait_for("the app to be up to date", within, || async {
        Ok(sync_bar::sync_state(client)
            .await?
            .starts_with(UP_TO_DATE)
            .then_some(()))
    })
    .await
}

/// Waits until the sync bar no longer says up to date (the server went away).
async fn wait_server_gone(client: &Client) -> anyhow::Result<()> {
    wait_for(
        "the app to notice the server is gone",
        Duration::from_secs(60),
        || async {
            Ok((!sync_bar::sync_state(client).await?.starts_with(UP_TO_DATE)).then_some(()))
        },
    )
    .await
}

/// Waits until the task page's save indicator reads `label` ("Đã lưu trên máy, chờ gửi",
/// "Đã đồng bộ").
async fn wait_save_label(client: &Client, label: &str, within: Duration) -> anyhow::Result<()> {
    wait_for(&format!("the page to say \"{label}\""), within, || async {
        Ok(texts(client, "#record-save")
            .await?
            .into_iter()
            .any(|t| t == label)
            .then_some(()))
    })
    .await
}

/// Waits until the task page shows `unit`'s record with `result` in its result field.
async fn wait_result_of(client: &Client, unit: &str, result: &str) -> anyhow::Result<()> {
    let css = format!("#task-record[data-unit=\"{unit}\"] #record-result");
    wait_for(
        &format!("{unit}'s result \"{result}\""),
        Duration::from_secs(30),
        || async {
            let fields = client.find_all(Locator::Css(&css)).await?;
            match fields.first() {
                Some(field) => Ok(field
                    .prop("value")
                    .await?
                    .filter(|v| v == result)
                    .map(|_| ())),
                None => Ok(None),
            }
        },
    )
    .await
}

/// Waits until the task page shows the unit's record (its result field).
async fn wait_record(client: &Client) -> anyhow::Result<()> {
    wait_for("the task's record", Duration::from_secs(30), || async {
        Ok((!client
            .find_all(Locator::Css("#record-result"))
            .await?
            .is_empty())
        .then_some(()))
    })
    .await
}

/// The reporting period the task page shows.
async fn shown_period(client: &Client) -> anyhow::Result<shared::calendar::PeriodId> {
    let value = client
        .find(Locator::Css("#record-period"))
        .await?
        .prop("value")
        .await?
        .context("the period selector has a value")?;
    Ok(value.parse()?)
}

/// Scrolls the element with `id` into view (`block`: "center", "end", ...).
async fn scroll_to(client: &Client, id: &str, block: &str) -> anyhow::Result<()> {
    client
        .execute(
            &format!("document.getElementById('{id}').scrollIntoView({{block: '{block}'}})"),
            vec![],
        )
        .await?;
    Ok(())
}

/// The launch environment of an app logging in as `user` on `server`, keeping its data in
/// `data_dir`.
fn app_env(
    data_dir: &std::path::Path,
    server: &str,
    user: &str,
) -> [(&'static str, std::ffi::OsString); 4] {
    [
        ("PLANSYNC_DATA_DIR", data_dir.as_os_str().to_owned()),
        ("PLANSYNC_SERVER", server.into()),
        ("PLANSYNC_USER", user.into()),
        ("PLANSYNC_PASSWORD", tests::server::PASSWORD.into()),
    ]
}

/// Shows the plan (the "Kế hoạch" tab) when the logged-in user opened on another screen.
async fn show_plan(client: &Client) -> anyhow::Result<()> {
    if let Some(tab) = client
        .find_all(Locator::Css("#tab-plan"))
        .await?
        .into_iter()
        .next()
    {
        if tab.attr("aria-selected").await?.as_deref() != Some("true") {
            tab.click().await?;
        }
    }
    Ok(())
}

async fn save_screenshot(client: &Client, name: &str) -> anyhow::Result<()> {
    let png = client.screenshot().await.context("taking a screenshot")?;
    let dir = repo::screenshots_dir();
    std::fs::create_dir_all(&dir)?;
    let path = dir.join(name);
    std::fs::write(&path, png).with_context(|| format!("writing {}", path.display()))?;
    eprintln!("screenshot: {}", path.display());
    Ok(())
}
