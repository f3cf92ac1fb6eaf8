//! Scenarios: the app logs in from its launch options, syncs the plan from a real server and says
//! so in the sync bar, and notices when the server goes away; a user logs in through the form
//! (a wrong password first), then logs out.

use std::ffi::OsString;
use std::future::Future;
use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use fantoccini::{Client, Locator};
use tests::app_driver::{TauriDriver, Xvfb};
use tests::repo;
use tests::server::{TestServer, PASSWORD};

use crate::{save_screenshot, texts, wait_for};

const UP_TO_DATE: &str = "Đã đồng bộ lúc ";

#[test]
fn sync_bar_follows_the_server() {
    let Some(app) = crate::e2e_app("sync_bar_follows_the_server") else {
        return;
    };
    let mut server = TestServer::with_accounts(&[("lan", "QLHT", "staff")]);
    server.start();
    let data_dir = tempfile::tempdir().expect("a temporary data directory");
    // No seed plan: what the window shows comes from the server.
    let env = crate::app_env(data_dir.path(), &server.url(), "lan");
    let live = &mut server;
    with_app(&app, &env, "e2e-sync-failure.png", |client| async move {
        let started = Instant::now();
        let state = wait_for(
            "the sync bar to say the app is up to date",
            Duration::from_secs(30),
            || async {
                let state = sync_state(&client).await?;
                Ok(state.starts_with(UP_TO_DATE).then_some(state))
            },
        )
        .await?;
        eprintln!("up to date after {:?}: {state:?}", started.elapsed());
        let hh_mm = &state[UP_TO_DATE.len()..];
        if !(hh_mm.len() == 5 && hh_mm.as_bytes()[2] == b':') {
            bail!("the time is shown as HH:MM: {state:?}");
        }
        let user = texts(&client, "#session-user").await?;
        assert_eq!(user, ["lan"], "the header names the logged-in user");
        let titles = wait_for(
            "the synced plan's sections",
            Duration::from_secs(10),
            || async {
                crate::show_plan(&client).await?;
                let titles = texts(&client, ".section-title").await?;
                Ok((!titles.is_empty()).then_some(titles))
            },
        )
        .await
        .context("the plan was synced, so the window shows it without any seed file")?;
        assert!(
            titles.iter().any(|t| t == "CẢI CÁCH THỂ CHẾ"),
            "the published fixture's sections are listed: {titles:?}"
        );
        assert!(
            texts(&client, "#sync-unconfirmed").await?.is_empty(),
            "nothing was edited, so nothing waits for the server"
        );
        save_screenshot(&client, "e2e-sync-up-to-date.png").await?;

        live.kill();
        let killed = Instant::now();
        let state = wait_for(
            "the sync bar to leave 'up to date' once the server is gone",
            Duration::from_secs(60),
            || async {
                let state = sync_state(&client).await?;
                Ok((!state.starts_with(UP_TO_DATE)).then_some(state))
            },
        )
        .await?;
        eprintln!(
            "left up to date {:?} after the kill: {state:?}",
            killed.elapsed()
        );
        assert!(
            state == "Đang kết nối…" || state == "Ngoại tuyến",
            "without a server the app is connecting (retrying) or offline: {state:?}"
        );
        let error = wait_for(
            "the reason in the sync bar",
            Duration::from_secs(10),
            || async {
                let error = texts(&client, "#sync-error").await?.join(" ");
                Ok((!error.is_empty()).then_some(error))
            },
        )
        .await?;
        eprintln!("sync bar error: {error:?}");
        let offline = texts(&client, "#sync-offline").await?.join(" ");
        assert!(
            offline.starts_with("Không có mạng – thay đổi vẫn lưu trên máy này. Đồng bộ lần cuối "),
            "the bar says changes stay here and when it last synced: {offline:?}"
        );
        assert!(
            texts(&client, ".section-title").await?.len() == titles.len(),
            "the plan stays on screen offline"
        );
        save_screenshot(&client, "e2e-sync-server-gone.png").await?;
        Ok(())
    });

    // Restarted without credentials and without a server, the app is still logged in and shows
    // the synced plan; once the server is back (same address) it syncs again by itself.
    let env = [
        ("PLANSYNC_DATA_DIR", data_dir.path().as_os_str().to_owned()),
        ("PLANSYNC_SERVER", server.url().into()),
    ];
    let live = &mut server;
    with_app(
        &app,
        &env,
        "e2e-sync-restart-failure.png",
        |client| async move {
            let user = wait_for("the stored session", Duration::from_secs(30), || async {
                Ok(texts(&client, "#session-user").await?.into_iter().next())
            })
            .await?;
            assert_eq!(user, "lan", "the session survives an app restart");
            wait_for("the plan, offline", Duration::from_secs(10), || async {
                crate::show_plan(&client).await?;
                Ok((!texts(&client, ".section-title").await?.is_empty()).then_some(()))
            })
            .await
            .context("the synced plan is on disk, so it shows without the server")?;
            let state = sync_state(&client).await?;
            assert!(
                !state.starts_with(UP_TO_DATE),
                "the server is down, so the app cannot be up to date: {state:?}"
            );
            save_screenshot(&client, "e2e-sync-restarted-offline.png").await?;
            live.start();
            let back = Instant::now();
            wait_for(
                "up to date again once the server is back",
                Duration::from_secs(45),
                || async {
                    Ok(sync_state(&client)
                        .await?
                        .starts_with(UP_TO_DATE)
                        .then_some(()))
                },
            )
            .await?;
            eprintln!("up to date {:?} after the server came back", back.elapsed());
            Ok(())
        },
    );
}

#[test]
fn login_form_refuses_a_wrong_password_then_logs_in() {
    let Some(app) = crate::e2e_app("login_form_refuses_a_wrong_password_then_logs_in") else {
        return;
    };
    let mut server = TestServer::with_accounts(&[("lan", "QLHT", "staff")]);
    server.start();
    let data_dir = tempfile::tempdir().expect("a temporary data directory");
    let env = [
        ("PLANSYNC_DATA_DIR", data_dir.path().as_os_str().to_owned()),
        ("PLANSYNC_SEED", repo::seed_plan().into_os_string()),
        ("PLANSYNC_SERVER", server.url().into()),
    ];
    let url = server.url();
    with_app(&app, &env, "e2e-login-failure.png", |client| async move {
        let state = wait_for("the sync bar", Duration::from_secs(30), || async {
            let state = sync_state(&client).await?;
            Ok((!state.is_empty()).then_some(state))
        })
        .await?;
        assert_eq!(state, "Ngoại tuyến", "nobody is logged in yet");
        let open = wait_for("the login button", Duration::from_secs(10), || async {
            Ok(client
                .find_all(Locator::Css("#login-open"))
                .await?
                .into_iter()
                .next())
        })
        .await?;
        open.click().await?;
        let form = wait_for("the login form", Duration::from_secs(5), || async {
            Ok(client
                .find_all(Locator::Css("#login-form"))
                .await?
                .into_iter()
                .next())
        })
        .await?;
        let server_field = form.find(Locator::Css("#login-server")).await?;
        assert_eq!(
            server_field.prop("value").await?.as_deref(),
            Some(url.as_str()),
            "the form proposes PLANSYNC_SERVER"
        );
        let username = form.find(Locator::Css("#login-username")).await?;
        let password = form.find(Locator::Css("#login-password")).await?;
        username.send_keys("lan").await?;
        password.send_keys("sai mật khẩu").await?;
        form.find(Locator::Css("#login-submit"))
            .await?
            .click()
            .await?;
        let error = wait_for("the login error", Duration::from_secs(15), || async {
            // The error line is hidden (empty to WebDriver) until there is an error.
            let error = texts(&client, "#login-error").await?.join(" ");
            Ok((!error.is_empty()).then_some(error))
        })
        .await?;
        assert_eq!(error, "Sai tên đăng nhập hoặc mật khẩu");
        save_screenshot(&client, "e2e-login-wrong-password.png").await?;

        password.clear().await?;
        password.send_keys(PASSWORD).await?;
        assert_eq!(
            password.prop("value").await?.as_deref(),
            Some(PASSWORD),
            "WebDriver typed the Vietnamese password as is"
        );
        form.find(Locator::Css("#login-submit"))
            .await?
            .click()
            .await?;
        let user = wait_for("the logged-in user", Duration::from_secs(15), || async {
            Ok(texts(&client, "#session-user").await?.into_iter().next())
        })
        .await?;
        assert_eq!(user, "lan");
        assert!(
            client
                .find_all(Locator::Css("#login-form"))
                .await?
                .is_empty(),
            "the form closes once logged in"
        );
        wait_for("syncing to finish", Duration::from_secs(30), || async {
            Ok(sync_state(&client)
                .await?
                .starts_with(UP_TO_DATE)
                .then_some(()))
        })
        .await?;
        save_screenshot(&client, "e2e-login-done.png").await?;

        // Nothing is waiting for the server, so logging out asks nothing.
        crate::click_when_ready(&client, "#logout").await?;
        wait_for(
            "the login button after logging out",
            Duration::from_secs(15),
            || async {
                let back = !client
                    .find_all(Locator::Css("#login-open"))
                    .await?
                    .is_empty();
                Ok(back.then_some(()))
            },
        )
        .await?;
        assert_eq!(sync_state(&client).await?, "Ngoại tuyến");
        assert!(
            !texts(&client, ".section-title").await?.is_empty(),
            "logged out, the seeded plan is still shown"
        );
        Ok(())
    });
}

/// The sync bar's state text ("" while the bar is not there yet).
pub(crate) async fn sync_state(client: &Client) -> anyhow::Result<String> {
    Ok(texts(client, "#sync-state")
        .await?
        .into_iter()
        .next()
        .unwrap_or_default())
}

/// Launches `app` with `env` under a private X server, runs `scenario` on its window (saving a
/// screenshot named `failure_shot` if it fails) and panics with the scenario's error.
pub(crate) fn with_app<F, Fut>(
    app: &Path,
    env: &[(&str, OsString)],
    failure_shot: &str,
    scenario: F,
) where
    F: FnOnce(Client) -> Fut,
    Fut: Future<Output = anyhow::Result<()>>,
{
    let xvfb = Xvfb::start(1280, 800).expect("Xvfb starts");
    let mut driver_env = vec![("DISPLAY", OsString::from(xvfb.display()))];
    driver_env.extend(env.iter().cloned());
    let driver = TauriDriver::start(&driver_env).expect("tauri-driver starts");
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime");
    let result = runtime.block_on(async {
        let client = drawn_session(&driver, app).await?;
        let outcome = scenario(client.clone()).await;
        if outcome.is_err() {
            let _ = save_screenshot(&client, failure_shot).await;
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
}

/// Opens the app's window and waits until its page is drawn. WebKit's web process has been seen
/// to abort as it starts ("GLib-ERROR: getauxval() failed: Interrupted system call", an
/// environment fault of the headless machine, not the app's), leaving a window with no page: such
/// a window is closed and opened once more. A page that is never drawn twice fails the test.
pub(crate) async fn drawn_session(driver: &TauriDriver, app: &Path) -> anyhow::Result<Client> {
    const DRAWN_WITHIN: Duration = Duration::from_secs(30);
    let client = driver.session(app).await?;
    if page_drawn(&client, DRAWN_WITHIN).await {
        return Ok(client);
    }
    eprintln!("the app's page was not drawn within {DRAWN_WITHIN:?}: opening the window again");
    let _ = client.close().await;
    let client = driver.session(app).await?;
    if page_drawn(&client, DRAWN_WITHIN).await {
        return Ok(client);
    }
    let _ = client.close().await;
    bail!("the app's page was not drawn within {DRAWN_WITHIN:?}, twice")
}

/// Whether the app has put its page into the window's body (Yew renders into `<body>`).
async fn page_drawn(client: &Client, within: Duration) -> bool {
    wait_for("the app's page", within, || async {
        let drawn = !client
            .find_all(Locator::Css("body > div"))
            .await?
            .is_empty();
        Ok(drawn.then_some(()))
    })
    .await
    .is_ok()
}
