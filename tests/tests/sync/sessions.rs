//! Sessions that end: logging out revokes the token on the server (at once, or as soon as the
//! server can be reached), an administrator can log a user out of every device, and a laptop
//! keeps its session and evidence copies readable by its user only and deletes them on log out.

use std::time::Duration;

use shared::calendar::PeriodId;
use shared::plan::TaskId;
use tests::laptop::{eventually, Laptop};
use tests::server::TestServer;

const WAIT: Duration = Duration::from_secs(40);

/// The bearer token the laptop's session database holds.
fn stored_token(laptop: &Laptop) -> String {
    let db = rusqlite::Connection::open(laptop.data_dir().join("client.sqlite3")).unwrap();
    db.query_row("SELECT token FROM session", [], |r| r.get(0))
        .unwrap()
}

/// The HTTP status `GET /api/docs` gets with `token`.
async fn docs_status(url: &str, token: &str) -> u16 {
    tests::http_client()
        .get(format!("{url}/api/docs"))
        .bearer_auth(token)
        .send()
        .await
        .map_or(0, |r| r.status().as_u16())
}

#[cfg(unix)]
fn mode(path: &std::path::Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[tokio::test(flavor = "multi_thread")]
async fn a_logged_out_token_no_longer_opens_anything() {
    let mut server = TestServer::with_accounts(&[("lan", "QLHT", "staff")]);
    server.start();
    let url = server.url();
    let lan = Laptop::login(&url, "lan").await;
    lan.wait_up_to_date(WAIT).await;
    let token = stored_token(&lan);
    assert_eq!(docs_status(&url, &token).await, 200);

    // An evidence file, and a copy opened from it.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("Biên bản kiểm tra.pdf");
    std::fs::write(&path, b"%PDF-1.4 bien ban").unwrap();
    let doc = lan.doc("records", "QLHT");
    let q3: PeriodId = "2026-Q3".parse().unwrap();
    lan.client
        .attach_evidence(&doc, &TaskId("PAR_INDEX/I/4".into()), q3, &path)
        .await
        .unwrap();
    let opened = lan.data_dir().join("opened/abc");
    std::fs::create_dir_all(&opened).unwrap();
    std::fs::write(opened.join("Biên bản kiểm tra.pdf"), b"copy").unwrap();
    lan.wait_up_to_date(WAIT).await;
    #[cfg(unix)]
    {
        assert_eq!(
            mode(lan.data_dir()),
            0o700,
            "the data directory is the user's alone"
        );
        assert_eq!(
            mode(&lan.data_dir().join("client.sqlite3")),
            0o600,
            "the session database"
        );
        assert_eq!(
            mode(&lan.data_dir().join("files")),
            0o700,
            "the evidence copies"
        );
    }

    lan.client.logout(false).await.unwrap();
    assert_eq!(
        docs_status(&url, &token).await,
        401,
        "the server revoked the token at log out"
    );
    let upgrade = tests::http_client()
        .get(format!("{url}/sync"))
        .bearer_auth(&token)
        .header("connection", "upgrade")
        .header("upgrade", "websocket")
        .header("sec-websocket-version", "13")
        .header("sec-websocket-key", "dGhlIHNhbXBsZSBub25jZQ==")
        .send()
        .await
        .unwrap();
    assert_eq!(
        upgrade.status().as_u16(),
        401,
        "nor opens a sync connection"
    );
    assert!(!lan.data_dir().join("files").join(".uploaded").exists());
    let left: Vec<_> = std::fs::read_dir(lan.data_dir().join("files"))
        .map(|d| d.filter_map(Result::ok).map(|e| e.file_name()).collect())
        .unwrap_or_default();
    assert!(left.is_empty(), "no evidence copy is left: {left:?}");
    assert!(
        !lan.data_dir().join("opened").exists(),
        "nor any opened copy"
    );
    lan.client.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_logout_while_offline_is_revoked_once_the_server_is_back() {
    let mut server = TestServer::with_accounts(&[("lan", "QLHT", "staff")]);
    server.start();
    let url = server.url();
    let lan = Laptop::login(&url, "lan").await;
    lan.wait_up_to_date(WAIT).await;
    let token = stored_token(&lan);
    server.kill();
    lan.client
        .logout(false)
        .await
        .expect("log out works offline");
    server.start();
    eventually(WAIT, "the laptop to have the token revoked", || async {
        (docs_status(&url, &token).await == 401).then_some(())
    })
    .await;
    lan.client.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_administrator_logs_a_user_out_of_every_device() {
    let mut server =
        TestServer::with_accounts(&[("lan", "QLHT", "staff"), ("minh", "KHTC", "staff")]);
    server.start();
    let url = server.url();
    let laptop = Laptop::login(&url, "lan").await;
    let phone = Laptop::login(&url, "lan").await;
    let minh = Laptop::login(&url, "minh").await;
    for device in [&laptop, &phone, &minh] {
        device.wait_up_to_date(WAIT).await;
    }
    let out = server.cli(&["user", "logout", "lan"], None);
    assert!(out.contains("ended 2 session(s) of lan"), "{out}");
    for device in [&laptop, &phone] {
        eventually(WAIT, "lan's device to learn its session ended", || async {
            let status = device.status();
            (status.last_error.as_ref().map(|e| e.code)
                == Some(shared::ipc::ErrorCode::SessionExpired))
            .then_some(())
        })
        .await;
        assert_eq!(docs_status(&url, &stored_token(device)).await, 401);
    }
    assert_eq!(
        docs_status(&url, &stored_token(&minh)).await,
        200,
        "minh stays logged in"
    );
    minh.wait_up_to_date(WAIT).await;
    // Lan is not disabled: she logs in again.
    let again = Laptop::login(&url, "lan").await;
    again.wait_up_to_date(WAIT).await;
    let refused = server.try_cli(&["user", "logout", "nobody"], None);
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("no user nobody"));
    for device in [laptop, phone, minh, again] {
        device.client.shutdown().await;
    }
}
