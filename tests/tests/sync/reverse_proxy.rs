//! Debian's nginx terminating TLS in front of a plain `plansync serve`, configured with the
//! very file docs/OPERATIONS.md gives (docs/nginx/plansync.conf, with its listen address,
//! certificate and upstream rewritten for the test): laptops log in, sync over the websocket
//! through it, and a multi-chunk evidence upload and its download pass through.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use shared::calendar::PeriodId;
use shared::documents::records::{self, RecordEdit};
use tests::app_driver::free_port;
use tests::laptop::{eventually, Laptop};
use tests::server::TestServer;

use crate::tls::{tls_setup, trusting};

const WAIT: Duration = Duration::from_secs(60);

struct Nginx(Child);

impl Drop for Nginx {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// nginx in the foreground with its own prefix in `dir`, serving the documented site
/// configuration on 127.0.0.1:`port` in front of `upstream`.
fn start_nginx(dir: &Path, port: u16, cert: &Path, key: &Path, upstream: &str) -> Nginx {
    let nginx = ["/usr/sbin/nginx", "/usr/bin/nginx"]
        .into_iter()
        .find(|p| Path::new(p).exists())
        .expect("nginx is missing: run scripts/setup.sh (apt package nginx)");
    let site = std::fs::read_to_string(tests::repo::root().join("docs/nginx/plansync.conf"))
        .expect("docs/nginx/plansync.conf");
    let rewrites = [
        (
            "listen 443 ssl http2;",
            format!("listen 127.0.0.1:{port} ssl http2;"),
        ),
        ("listen [::]:443 ssl http2;", String::new()),
        (
            "/etc/letsencrypt/live/plansync.example.gov.vn/fullchain.pem",
            cert.display().to_string(),
        ),
        (
            "/etc/letsencrypt/live/plansync.example.gov.vn/privkey.pem",
            key.display().to_string(),
        ),
        (
            "proxy_pass http://127.0.0.1:8080;",
            format!("proxy_pass http://{upstream};"),
        ),
    ];
    let mut site = site;
    for (from, to) in rewrites {
        assert!(
            site.contains(from),
            "docs/nginx/plansync.conf no longer has {from:?}"
        );
        site = site.replace(from, &to);
    }
    std::fs::write(dir.join("plansync.conf"), site).unwrap();
    for temp in ["body", "proxy", "fastcgi", "uwsgi", "scgi"] {
        std::fs::create_dir_all(dir.join(temp)).unwrap();
    }
    // As root, nginx's workers run as nobody: they must reach the temp directories.
    let _ = Command::new("chmod")
        .args(["-R", "a+rwx"])
        .arg(dir)
        .status();
    let d = dir.display();
    let main = format!(
        "daemon off;\nworker_processes 1;\npid {d}/nginx.pid;\nerror_log {d}/error.log warn;\n\
         events {{ worker_connections 256; }}\n\
         http {{\n  access_log off;\n  client_body_temp_path {d}/body;\n  proxy_temp_path {d}/proxy;\n  \
         fastcgi_temp_path {d}/fastcgi;\n  uwsgi_temp_path {d}/uwsgi;\n  scgi_temp_path {d}/scgi;\n  \
         include {d}/plansync.conf;\n}}\n"
    );
    std::fs::write(dir.join("nginx.conf"), main).unwrap();
    let check = Command::new(nginx)
        .args(["-p"])
        .arg(dir)
        .arg("-c")
        .arg(dir.join("nginx.conf"))
        .arg("-t")
        .output()
        .unwrap();
    assert!(
        check.status.success(),
        "nginx -t refuses the documented configuration: {}",
        String::from_utf8_lossy(&check.stderr)
    );
    let child = Command::new(nginx)
        .arg("-p")
        .arg(dir)
        .arg("-c")
        .arg(dir.join("nginx.conf"))
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("nginx starts");
    let deadline = Instant::now() + Duration::from_secs(10);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "nginx did not listen on {port}");
        std::thread::sleep(Duration::from_millis(50));
    }
    Nginx(child)
}

#[tokio::test(flavor = "multi_thread")]
async fn laptops_sync_and_upload_through_nginx_terminating_tls() {
    let setup = tls_setup();
    let mut server =
        TestServer::with_accounts(&[("lan", "QLHT", "staff"), ("thu", "VP", "reviewer")]);
    // nginx connects from loopback; its X-Forwarded-For names the laptop.
    server.set_env("PLANSYNC_TRUSTED_PROXIES", "127.0.0.1");
    server.start();
    let upstream = server.url().replacen("http://", "", 1);
    let nginx_dir = tempfile::tempdir().unwrap();
    let port = free_port().unwrap();
    let _nginx = start_nginx(
        nginx_dir.path(),
        port,
        &setup.cert.cert,
        &setup.cert.key,
        &upstream,
    );
    let url = format!("https://127.0.0.1:{port}");

    let lan = Laptop::login_with(&url, "lan", trusting(&setup.ca_file)).await;
    let office = Laptop::login_with(&url, "thu", trusting(&setup.ca_file)).await;
    lan.wait_up_to_date(WAIT).await;
    office.wait_up_to_date(WAIT).await;

    // An edit crosses the proxied websocket both ways.
    let doc = lan.doc("records", "QLHT");
    let task = lan
        .client
        .with_doc(&doc, records::task_ids)
        .await
        .unwrap()
        .unwrap()[0]
        .clone();
    lan.client
        .edit_record(&doc, &task, RecordEdit::Progress { percent: 42 })
        .await
        .unwrap();
    eventually(
        WAIT,
        "the office to read the edit through nginx",
        || async {
            let record = office.client.read_record(&doc, &task).await.ok()?;
            (record.progress.current() == Some(&42)).then_some(())
        },
    )
    .await;

    // A 3.5 MB evidence file: four upload chunks through the proxy, then downloaded by the office.
    let files = tempfile::tempdir().unwrap();
    let path = files.path().join("Biên bản kiểm tra.pdf");
    let bytes: Vec<u8> = (0..3_500_000u32).map(|i| (i % 251) as u8).collect();
    std::fs::write(&path, &bytes).unwrap();
    let q3: PeriodId = "2026-Q3".parse().unwrap();
    let evidence = lan
        .client
        .attach_evidence(&doc, &task, q3, &path)
        .await
        .unwrap();
    let stored = server
        .data_dir()
        .join("files/sha256")
        .join(&evidence.sha256);
    eventually(WAIT, "the upload to complete through nginx", || async {
        (std::fs::read(&stored).ok()? == bytes).then_some(())
    })
    .await;
    let downloaded = eventually(WAIT, "the office to download the file", || async {
        office
            .client
            .fetch_evidence(&doc, &evidence.sha256)
            .await
            .ok()
    })
    .await;
    assert_eq!(std::fs::read(downloaded).unwrap(), bytes);

    // The throttle sees the laptops' addresses, not nginx's: one address guessing is slowed,
    // a colleague at another address behind the same nginx logs in.
    let ca_pem = std::fs::read(&setup.ca_file).unwrap();
    let from = |last: u8| {
        let _ = rustls::crypto::ring::default_provider().install_default();
        reqwest::Client::builder()
            .local_address(std::net::IpAddr::from([127, 0, 1, last]))
            .add_root_certificate(reqwest::Certificate::from_pem(&ca_pem).unwrap())
            .build()
            .unwrap()
    };
    let login = |client: reqwest::Client, user: String, password: &'static str| {
        let url = url.clone();
        async move {
            client
                .post(format!("{url}/api/login"))
                .json(&serde_json::json!({"username": user, "password": password, "device": "d"}))
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }
    };
    let guesser = from(5);
    let mut statuses = Vec::new();
    for n in 0..22 {
        statuses.push(login(guesser.clone(), format!("user{n}"), "wrong").await);
    }
    assert_eq!(statuses[21], 429, "{statuses:?}");
    assert_eq!(
        login(from(6), "lan".into(), tests::server::PASSWORD).await,
        200,
        "a colleague behind the same proxy is not slowed"
    );
    lan.client.shutdown().await;
    office.client.shutdown().await;
}
