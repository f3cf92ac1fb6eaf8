//! Connection limits: a client that sends its headers slowly cannot hold a socket, a silent sync
//! connection is closed, one user cannot open connections without bound, the server keeps no
//! trace of connections that ended, and a local change too large to send is refused with a clear
//! error.

use std::time::{Duration, Instant};

use futures::StreamExt;
use shared::calendar::PeriodId;
use shared::documents::records::{RecordEdit, TextField};
use shared::plan::TaskId;
use tests::laptop::{eventually, Laptop};
use tests::server::{TestServer, PASSWORD};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::http::{header::AUTHORIZATION, HeaderValue};

const WAIT: Duration = Duration::from_secs(40);

async fn login_token(url: &str, user: &str) -> String {
    let body: serde_json::Value = tests::http_client()
        .post(format!("{url}/api/login"))
        .json(&serde_json::json!({"username": user, "password": PASSWORD, "device": "limits"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    body["token"].as_str().unwrap().to_string()
}

type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// A raw websocket to `/sync` with a bearer token: the socket, or the HTTP status it got.
async fn sync_socket(url: &str, token: &str) -> Result<Socket, u16> {
    let mut request = format!("{}/sync", url.replacen("http", "ws", 1))
        .into_client_request()
        .unwrap();
    request.headers_mut().insert(
        AUTHORIZATION,
        HeaderValue::from_str(&format!("Bearer {token}")).unwrap(),
    );
    match tokio_tungstenite::connect_async(request).await {
        Ok((socket, _)) => Ok(socket),
        Err(tokio_tungstenite::tungstenite::Error::Http(response)) => {
            Err(response.status().as_u16())
        }
        Err(err) => panic!("websocket: {err}"),
    }
}

async fn readyz(url: &str) -> serde_json::Value {
    tests::http_client()
        .get(format!("{url}/readyz"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_slow_or_silent_client_cannot_hold_a_socket() {
    let mut server = TestServer::with_accounts(&[("lan", "QLHT", "staff")]);
    server.set_env("PLANSYNC_HEADER_TIMEOUT_SECS", "1");
    server.set_env("PLANSYNC_PING_SECS", "1");
    server.set_env("PLANSYNC_IDLE_TIMEOUT_SECS", "3");
    server.start();
    let url = server.url();

    // Headers that never finish.
    let mut slow = tokio::net::TcpStream::connect(url.trim_start_matches("http://"))
        .await
        .unwrap();
    slow.write_all(b"GET /livez HTTP/1.1\r\nHost: plansync\r\n")
        .await
        .unwrap();
    let started = Instant::now();
    let mut buf = [0u8; 512];
    let closed = tokio::time::timeout(Duration::from_secs(10), async {
        loop {
            match slow.read(&mut buf).await {
                Ok(0) | Err(_) => return,
                Ok(_) => {}
            }
        }
    })
    .await;
    assert!(
        closed.is_ok(),
        "the server closes a socket whose headers never finish"
    );
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );

    // A sync connection that never answers the server's pings (the socket is never read).
    let token = login_token(&url, "lan").await;
    let socket = sync_socket(&url, &token).await.unwrap();
    assert_eq!(readyz(&url).await["connections_open"], 1);
    eventually(WAIT, "the silent connection to be closed", || async {
        (readyz(&url).await["connections_open"] == 0).then_some(())
    })
    .await;
    drop(socket);
    // A laptop that answers pings stays connected.
    let lan = Laptop::login(&url, "lan").await;
    lan.wait_up_to_date(WAIT).await;
    tokio::time::sleep(Duration::from_secs(5)).await;
    assert_eq!(
        readyz(&url).await["connections_open"],
        1,
        "the live laptop is kept"
    );
    lan.wait_up_to_date(WAIT).await;
    lan.client.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn one_user_cannot_open_connections_without_bound_and_ended_ones_leave_nothing() {
    let mut server =
        TestServer::with_accounts(&[("lan", "QLHT", "staff"), ("minh", "KHTC", "staff")]);
    server.start();
    let url = server.url();
    let token = login_token(&url, "lan").await;
    let mut open = Vec::new();
    for _ in 0..20 {
        open.push(sync_socket(&url, &token).await.expect("within the limit"));
    }
    assert_eq!(
        sync_socket(&url, &token).await.err(),
        Some(429),
        "the 21st connection of one user is refused"
    );
    let minh = login_token(&url, "minh").await;
    assert!(
        sync_socket(&url, &minh).await.is_ok(),
        "other users are not affected"
    );
    for socket in open.drain(..) {
        drop(socket);
    }
    eventually(WAIT, "the dropped connections to be forgotten", || async {
        (readyz(&url).await["connections_open"] == 0).then_some(())
    })
    .await;

    // Many connections made and ended over time: nothing accumulates.
    let warm_up = |n: usize| {
        let (url, token) = (url.clone(), token.clone());
        async move {
            for _ in 0..n {
                let mut socket = sync_socket(&url, &token).await.unwrap();
                socket.close(None).await.unwrap();
                while socket.next().await.is_some() {}
            }
        }
    };
    warm_up(50).await;
    let pid = server.pid().unwrap();
    let rss_before = tests::server::proc_status_kib(pid, "VmRSS:").unwrap();
    warm_up(400).await;
    eventually(WAIT, "every connection to be forgotten", || async {
        (readyz(&url).await["connections_open"] == 0).then_some(())
    })
    .await;
    let rss_after = tests::server::proc_status_kib(pid, "VmRSS:").unwrap();
    eprintln!("RSS after 50 connections {rss_before} KiB, after 450 {rss_after} KiB");
    assert!(
        rss_after < rss_before + 16 * 1024,
        "400 more connections made and closed grew the server by {} KiB",
        rss_after.saturating_sub(rss_before)
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_local_change_too_large_to_send_is_refused_clearly() {
    let mut server = TestServer::with_accounts(&[("lan", "QLHT", "staff")]);
    server.start();
    let lan = Laptop::login(&server.url(), "lan").await;
    lan.wait_up_to_date(WAIT).await;
    let doc = lan.doc("records", "QLHT");
    let task = TaskId("PAR_INDEX/I/4".into());
    let q3: PeriodId = "2026-Q3".parse().unwrap();
    let huge = "Kết quả ".repeat(200_000);
    let err = lan
        .client
        .edit_record(
            &doc,
            &task,
            RecordEdit::Text {
                period: q3,
                field: TextField::Result,
                text: huge,
            },
        )
        .await
        .unwrap_err();
    assert_eq!(err.code(), "change_too_large", "{err}");
    assert!(err.to_string().contains("at most 1048576 bytes"), "{err}");
    let record = lan.client.read_record(&doc, &task).await.unwrap();
    let period = record.periods.iter().find(|p| p.period == q3).unwrap();
    assert!(period.result.is_empty(), "nothing was written");
    lan.wait_up_to_date(WAIT).await;
    lan.client.shutdown().await;
}

/// The server raises its open-files limit (one socket per laptop) to the hard limit at start,
/// even when started with a low soft limit.
#[test]
fn the_server_raises_its_open_files_limit_to_the_hard_limit() {
    let mut server = TestServer::with_accounts(&[]);
    // Started through `prlimit` with a soft limit of 256 (the hard limit unchanged).
    server.set_wrapper(&["prlimit", "--nofile=256:"]);
    server.start();
    let pid = server.pid().unwrap();
    let limits = std::fs::read_to_string(format!("/proc/{pid}/limits")).unwrap();
    let line = limits
        .lines()
        .find(|l| l.starts_with("Max open files"))
        .unwrap();
    let numbers: Vec<&str> = line.split_whitespace().skip(3).take(2).collect();
    assert_eq!(numbers[0], numbers[1], "soft = hard: {line}");
    assert_ne!(numbers[0], "256", "raised from the wrapper's 256: {line}");
    server.stop();
}
