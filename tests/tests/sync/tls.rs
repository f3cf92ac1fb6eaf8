//! HTTPS and WSS: `plansync serve --tls-cert --tls-key` with a certificate of a test CA (a
//! province's internal CA). Laptops that trust the CA (its file in their settings) log in and
//! sync; a laptop that does not is refused with a specific error, on login and in the sync bar;
//! a renewed certificate is served without a restart, a broken renewal keeps the current one,
//! and a key that does not match stops the start with a clear message.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::Arc;
use std::time::{Duration, Instant};

use client::{Client, ClientConfig, ClientError};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName};
use shared::documents::records::RecordEdit;
use shared::plan::TaskId;
use tests::laptop::{eventually, test_config, Laptop};
use tests::server::{TestServer, PASSWORD};
use tests::test_ca::{ServerCert, TestCa};

const WAIT: Duration = Duration::from_secs(40);

pub(crate) struct TlsSetup {
    _dir: tempfile::TempDir,
    pub ca: TestCa,
    pub ca_file: std::path::PathBuf,
    pub dir: std::path::PathBuf,
    pub cert: ServerCert,
}

/// A test CA, its certificate file, and a server certificate for localhost and 127.0.0.1.
pub(crate) fn tls_setup() -> TlsSetup {
    let dir = tempfile::tempdir().unwrap();
    let ca = TestCa::new("CA nội bộ tỉnh Tuyên Quang (thử nghiệm)");
    let ca_file = ca.write_cert(&dir.path().join("ca.pem"));
    let cert = ca.server_cert(dir.path(), "server", &["localhost", "127.0.0.1"]);
    TlsSetup {
        dir: dir.path().to_path_buf(),
        _dir: dir,
        ca,
        ca_file,
        cert,
    }
}

fn tls_server(setup: &TlsSetup, accounts: &[(&str, &str, &str)]) -> TestServer {
    let mut server = TestServer::with_accounts(accounts);
    server.set_env("PLANSYNC_TLS_CERT", setup.cert.cert.to_str().unwrap());
    server.set_env("PLANSYNC_TLS_KEY", setup.cert.key.to_str().unwrap());
    server.set_env("PLANSYNC_TLS_RELOAD_SECS", "1");
    server.start();
    assert!(server.url().starts_with("https://"), "{}", server.url());
    server
}

/// Client settings trusting the CA of `ca_file` besides the system's.
pub(crate) fn trusting(ca_file: &std::path::Path) -> ClientConfig {
    ClientConfig {
        extra_ca_file: Some(ca_file.to_path_buf()),
        ..test_config()
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn laptops_that_trust_the_provinces_ca_sync_over_wss() {
    let setup = tls_setup();
    let server = tls_server(
        &setup,
        &[("lan", "QLHT", "staff"), ("thu", "VP", "reviewer")],
    );
    let url = server.url();
    let lan = Laptop::login_with(&url, "lan", trusting(&setup.ca_file)).await;
    let office = Laptop::login_with(&url, "thu", trusting(&setup.ca_file)).await;
    lan.wait_up_to_date(WAIT).await;
    office.wait_up_to_date(WAIT).await;
    let records = lan.doc("records", "QLHT");
    let task = TaskId("PAR_INDEX/I/1".into());
    lan.client
        .edit_record(&records, &task, RecordEdit::Progress { percent: 64 })
        .await
        .unwrap();
    eventually(WAIT, "the office to read the edit over WSS", || async {
        let record = office.client.read_record(&records, &task).await.ok()?;
        (record.progress.current() == Some(&64)).then_some(())
    })
    .await;
    // Nothing went in clear: the plain-HTTP port does not exist, a plain request gets no answer.
    let plain = url.replacen("https://", "http://", 1);
    let answer = tests::http_client()
        .get(format!("{plain}/livez"))
        .timeout(Duration::from_secs(5))
        .send()
        .await;
    assert!(
        answer.as_ref().map_or(true, |r| !r.status().is_success()),
        "plain HTTP must not be served: {answer:?}"
    );
    lan.client.shutdown().await;
    office.client.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_laptop_that_does_not_trust_the_certificate_is_told_why() {
    let setup = tls_setup();
    let server = tls_server(&setup, &[("lan", "QLHT", "staff")]);
    let url = server.url();

    // Logging in without the CA: refused with the reason, not "cannot reach the server".
    let dir = tempfile::tempdir().unwrap();
    let client = Client::open_with(dir.path(), test_config()).await.unwrap();
    let err = client.login(&url, "lan", PASSWORD).await.unwrap_err();
    assert_eq!(err.code(), "untrusted_certificate", "{err}");
    assert!(
        matches!(&err, ClientError::UntrustedCertificate(text) if text.contains("không tin cậy")),
        "{err}"
    );
    client.shutdown().await;

    // A laptop whose session was made while it trusted the CA, started without it (the CA
    // file removed from its settings): the sync bar says the certificate is not trusted.
    let mut lan = Laptop::login_with(&url, "lan", trusting(&setup.ca_file)).await;
    lan.wait_up_to_date(WAIT).await;
    let data_dir = lan.data_dir().to_path_buf();
    lan.client.shutdown().await;
    lan.client = Client::open_with(&data_dir, test_config()).await.unwrap();
    lan.client.start_sync();
    let shown = eventually(WAIT, "the sync bar to name the certificate", || async {
        let status = lan.status();
        status
            .last_error
            .filter(|e| e.code == shared::ipc::ErrorCode::UntrustedCertificate)
            .map(|e| e.message)
    })
    .await;
    assert!(shown.contains("chứng chỉ"), "{shown}");
    lan.client.shutdown().await;
}

/// The certificate the server presents in a TLS handshake on `addr`, trusting `ca_file`.
fn presented_certificate(addr: &str, ca_file: &std::path::Path) -> Result<Vec<u8>, String> {
    let mut roots = rustls::RootCertStore::empty();
    for cert in CertificateDer::pem_file_iter(ca_file).unwrap() {
        roots.add(cert.unwrap()).unwrap();
    }
    let config = rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_root_certificates(roots)
    .with_no_client_auth();
    let name = ServerName::try_from("localhost").unwrap();
    let mut connection =
        rustls::ClientConnection::new(Arc::new(config), name).map_err(|e| e.to_string())?;
    let mut socket = TcpStream::connect(addr).map_err(|e| e.to_string())?;
    socket
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    let mut stream = rustls::Stream::new(&mut connection, &mut socket);
    stream
        .write_all(b"GET /livez HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        .map_err(|e| e.to_string())?;
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer);
    let certs = connection
        .peer_certificates()
        .ok_or("no certificate presented")?;
    Ok(certs[0].as_ref().to_vec())
}

#[tokio::test(flavor = "multi_thread")]
async fn a_renewed_certificate_is_served_without_a_restart() {
    let setup = tls_setup();
    let server = tls_server(&setup, &[("lan", "QLHT", "staff")]);
    let addr = server.url().replacen("https://", "", 1);
    assert_eq!(
        presented_certificate(&addr, &setup.ca_file).unwrap(),
        setup.cert.der
    );

    // A half-written renewal (garbage in place of the key) is not served: the current
    // certificate stays.
    std::fs::write(&setup.cert.key, "-----BEGIN PRIVATE KEY-----\nnot a key\n").unwrap();
    std::thread::sleep(Duration::from_secs(3));
    assert_eq!(
        presented_certificate(&addr, &setup.ca_file).unwrap(),
        setup.cert.der,
        "a broken renewal keeps the current certificate"
    );

    // certbot renews: new certificate and key in place of the old files.
    let renewed = setup
        .ca
        .server_cert(&setup.dir, "renewed", &["localhost", "127.0.0.1"]);
    std::fs::copy(&renewed.key, &setup.cert.key).unwrap();
    std::fs::copy(&renewed.cert, &setup.cert.cert).unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let presented = presented_certificate(&addr, &setup.ca_file).unwrap();
        if presented == renewed.der {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the renewed certificate was not served within 20 s"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    // And sync goes on with it.
    let lan = Laptop::login_with(&server.url(), "lan", trusting(&setup.ca_file)).await;
    lan.wait_up_to_date(WAIT).await;
    lan.client.shutdown().await;
}

#[test]
fn a_key_that_does_not_belong_to_the_certificate_stops_the_start() {
    let setup = tls_setup();
    let other = setup.ca.server_cert(&setup.dir, "other", &["localhost"]);
    let server = TestServer::with_accounts(&[]);
    let output = server.try_cli(
        &[
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--tls-cert",
            setup.cert.cert.to_str().unwrap(),
            "--tls-key",
            other.key.to_str().unwrap(),
        ],
        None,
    );
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("does not belong to the certificate"),
        "{stderr}"
    );
}
