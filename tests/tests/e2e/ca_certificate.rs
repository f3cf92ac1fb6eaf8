//! Scenarios: the server serves HTTPS with a certificate of a province's internal CA that the
//! laptop does not trust.
//!
//! - Setting up a laptop: logging in through the form is refused with the untrusted-certificate
//!   error, which unfolds the form's "Chứng chỉ của máy chủ (CA nội bộ)" section; a text file
//!   given as the CA file is refused in words and nothing is saved; the CA's file is accepted
//!   (its subject shown), copied into the data directory (the original is then deleted), and
//!   the same log in goes through and syncs.
//! - A laptop with a stored session that does not trust the certificate: the sync bar says so
//!   and offers "Chọn chứng chỉ CA…", which opens the settings; once the CA's file is set there
//!   the app syncs without a restart; "Bỏ" takes the trust away again at once.
//!
//! The file dialog cannot be driven through WebDriver, so the CA file's path is typed into the
//! section's path field: "Chọn tệp…" and "Dùng tệp này" call the same `set_ca_file` command.

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{ensure, Context};
use fantoccini::{Client, Locator};
use tests::laptop::test_config;
use tests::server::{TestServer, PASSWORD};
use tests::test_ca::TestCa;

use crate::sync_bar::{sync_state, with_app};
use crate::{click_when_ready, save_screenshot, texts, wait_for, wait_up_to_date, UP_TO_DATE};

const CA_NAME: &str = "CA nội bộ tỉnh Tuyên Quang (thử nghiệm)";
/// Where the sync bar's and the form's messages send the user.
const SECTION: &str = "Chứng chỉ của máy chủ (CA nội bộ)";

struct TlsFixture {
    dir: tempfile::TempDir,
    server: TestServer,
    ca_file: PathBuf,
}

/// A server on https://127.0.0.1 with a certificate of a test CA, and the CA's file.
fn tls_fixture() -> TlsFixture {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let ca = TestCa::new(CA_NAME);
    let ca_file = ca.write_cert(&dir.path().join("ca-tinh.pem"));
    let cert = ca.server_cert(dir.path(), "server", &["localhost", "127.0.0.1"]);
    let mut server = TestServer::with_accounts(&[("lan", "QLHT", "staff")]);
    server.set_env("PLANSYNC_TLS_CERT", cert.cert.to_str().expect("UTF-8 path"));
    server.set_env("PLANSYNC_TLS_KEY", cert.key.to_str().expect("UTF-8 path"));
    server.start();
    assert!(server.url().starts_with("https://"), "{}", server.url());
    TlsFixture {
        dir,
        server,
        ca_file,
    }
}

/// Types `path` into the CA section's path field and presses "Dùng tệp này".
async fn use_ca_file(client: &Client, path: &Path) -> anyhow::Result<()> {
    let input = wait_for("the CA path field", Duration::from_secs(10), || async {
        Ok(client
            .find_all(Locator::Css("#ca-path"))
            .await?
            .into_iter()
            .next())
    })
    .await?;
    input.clear().await?;
    input
        .send_keys(path.to_str().context("UTF-8 path")?)
        .await?;
    click_when_ready(client, "#ca-use").await
}

/// Waits until the section shows the chosen file, and returns what it says.
async fn wait_chosen(client: &Client) -> anyhow::Result<String> {
    wait_for("the chosen CA file", Duration::from_secs(15), || async {
        let shown = texts(client, "#ca-chosen").await?.join(" ");
        Ok((!shown.is_empty()).then_some(shown))
    })
    .await
}

#[test]
fn a_new_laptop_trusts_the_provinces_ca_from_the_login_form() {
    let Some(app) = crate::e2e_app("a_new_laptop_trusts_the_provinces_ca_from_the_login_form")
    else {
        return;
    };
    let fixture = tls_fixture();
    let data_dir = tempfile::tempdir().expect("a temporary data directory");
    let not_a_ca = fixture.dir.path().join("ghi-chu.txt");
    std::fs::write(&not_a_ca, "Gửi kèm chứng chỉ của tỉnh").expect("written");
    let env = [
        ("PLANSYNC_DATA_DIR", data_dir.path().as_os_str().to_owned()),
        ("PLANSYNC_SEED", tests::repo::seed_plan().into_os_string()),
        ("PLANSYNC_SERVER", fixture.server.url().into()),
    ];
    let ca_file = fixture.ca_file.clone();
    let copy = data_dir.path().join("ca-certificates.pem");
    with_app(
        &app,
        &env,
        "e2e-ca-login-failure.png",
        |client| async move {
            click_when_ready(&client, "#login-open").await?;
            let form = wait_for("the login form", Duration::from_secs(10), || async {
                Ok(client
                    .find_all(Locator::Css("#login-form"))
                    .await?
                    .into_iter()
                    .next())
            })
            .await?;
            form.find(Locator::Css("#login-username"))
                .await?
                .send_keys("lan")
                .await?;
            form.find(Locator::Css("#login-password"))
                .await?
                .send_keys(PASSWORD)
                .await?;
            click_when_ready(&client, "#login-submit").await?;
            let error = wait_for("the login error", Duration::from_secs(20), || async {
                let error = texts(&client, "#login-error").await?.join(" ");
                Ok((!error.is_empty()).then_some(error))
            })
            .await?;
            let code = client
                .find(Locator::Css("#login-error"))
                .await?
                .attr("data-error-code")
                .await?;
            ensure!(
                code.as_deref() == Some("UntrustedCertificate"),
                "refused for its certificate, not as unreachable: {code:?} {error:?}"
            );
            ensure!(
                error.contains(SECTION) && !error.contains("Chi tiết kỹ thuật"),
                "the message names the setting (the technical detail is in the tooltip): {error:?}"
            );
            let open = client
                .find(Locator::Css("#login-ca"))
                .await?
                .prop("open")
                .await?;
            ensure!(
                open.as_deref() == Some("true"),
                "the CA section unfolds by itself: {open:?}"
            );
            let none = texts(&client, "#ca-none").await?.join(" ");
            ensure!(none.starts_with("Chưa chọn tệp nào"), "{none:?}");

            // A file that is no CA file: refused in words, nothing saved.
            use_ca_file(&client, &not_a_ca).await?;
            let refused = wait_for("the CA file's refusal", Duration::from_secs(10), || async {
                let refused = texts(&client, "#ca-error").await?.join(" ");
                Ok((!refused.is_empty()).then_some(refused))
            })
            .await?;
            ensure!(
                refused.starts_with("Tệp ghi-chu.txt không chứa chứng chỉ nào"),
                "{refused:?}"
            );
            ensure!(!copy.exists(), "a refused file is not saved");

            use_ca_file(&client, &ca_file).await?;
            let chosen = wait_chosen(&client).await?;
            ensure!(
                chosen.contains("Tệp có 1 chứng chỉ") && chosen.contains(CA_NAME),
                "the CA's subject is shown: {chosen:?}"
            );
            ensure!(
                chosen.contains("hiệu lực đến"),
                "and until when: {chosen:?}"
            );
            std::fs::remove_file(&ca_file)?;
            ensure!(copy.is_file(), "the app keeps its own copy");
            save_screenshot(&client, "e2e-ca-chosen-in-login.png").await?;

            click_when_ready(&client, "#login-submit").await?;
            let user = wait_for("the logged-in user", Duration::from_secs(20), || async {
                Ok(texts(&client, "#session-user").await?.into_iter().next())
            })
            .await?;
            ensure!(user == "lan", "{user:?}");
            wait_up_to_date(&client, Duration::from_secs(40)).await?;
            Ok(())
        },
    );
}

#[test]
fn the_sync_bar_leads_to_the_ca_setting_and_sync_follows_it() {
    let Some(app) = crate::e2e_app("the_sync_bar_leads_to_the_ca_setting_and_sync_follows_it")
    else {
        return;
    };
    let fixture = tls_fixture();
    let data_dir = tempfile::tempdir().expect("a temporary data directory");
    // The laptop logged in once while it trusted the CA (PLANSYNC_CA_FILE at the time); the app
    // now starts without it.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime");
    runtime.block_on(async {
        let config = client::ClientConfig {
            extra_ca_file: Some(fixture.ca_file.clone()),
            ..test_config()
        };
        let laptop = client::Client::open_with(&data_dir.path().join("sync"), config)
            .await
            .expect("the sync engine opens");
        laptop
            .login(&fixture.server.url(), "lan", PASSWORD)
            .await
            .expect("logged in while trusting the CA");
        laptop.shutdown().await;
    });
    let env = [("PLANSYNC_DATA_DIR", data_dir.path().as_os_str().to_owned())];
    let ca_file = fixture.ca_file.clone();
    with_app(
        &app,
        &env,
        "e2e-ca-sync-bar-failure.png",
        |client| async move {
            let error = wait_untrusted(&client).await?;
            ensure!(
                error.contains(SECTION),
                "the sync bar names the setting: {error:?}"
            );
            let state = sync_state(&client).await?;
            ensure!(!state.starts_with(UP_TO_DATE), "{state:?}");
            save_screenshot(&client, "e2e-ca-untrusted-sync-bar.png").await?;

            click_when_ready(&client, "#sync-ca-settings").await?;
            use_ca_file(&client, &ca_file).await?;
            let chosen = wait_chosen(&client).await?;
            ensure!(chosen.contains(CA_NAME), "{chosen:?}");
            let done = texts(&client, "#ca-done").await?.join(" ");
            ensure!(done.starts_with("Đã lưu tệp chứng chỉ"), "{done:?}");
            save_screenshot(&client, "e2e-ca-settings.png").await?;
            click_when_ready(&client, "#settings-close").await?;
            // No restart: the engine reconnects with the new trust at once (its backoff after the
            // refusals would otherwise be up to 30 s).
            wait_up_to_date(&client, Duration::from_secs(20))
                .await
                .context("syncing once the CA file is set")?;
            ensure!(
                texts(&client, "#sync-error").await?.is_empty(),
                "the error is gone"
            );
            ensure!(
                texts(&client, "#sync-ca-settings").await?.is_empty(),
                "and with it the way to the setting"
            );

            // "Bỏ": the next connection (at once) is refused again, even to the same server.
            click_when_ready(&client, "#settings-open").await?;
            wait_chosen(&client).await?;
            click_when_ready(&client, "#ca-remove").await?;
            wait_for(
                "the file to be removed",
                Duration::from_secs(10),
                || async { Ok((!texts(&client, "#ca-none").await?.is_empty()).then_some(())) },
            )
            .await?;
            click_when_ready(&client, "#settings-close").await?;
            wait_untrusted(&client).await?;
            Ok(())
        },
    );
    assert!(
        !data_dir.path().join("ca-certificates.pem").exists(),
        "\"Bỏ\" deletes the copy"
    );
}

/// Waits until the sync bar says the server's certificate is not trusted, and returns it.
async fn wait_untrusted(client: &Client) -> anyhow::Result<String> {
    wait_for(
        "the sync bar to say the certificate is not trusted",
        // Fifteen windows start at once on two cores: the first dial can take a while.
        Duration::from_secs(60),
        || async {
            let error = texts(client, "#sync-error").await?.join(" ");
            let offered = !texts(client, "#sync-ca-settings").await?.is_empty();
            Ok((offered && error.contains("chứng chỉ")).then_some(error))
        },
    )
    .await
}
