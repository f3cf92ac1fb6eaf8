//! The authorisation matrix over real websockets: each role × plan / own records / another
//! unit's records / own review / another unit's review × read / write, every cell asserted, with
//! peers that ignore client-side rules; then an expired ticket and a disabled user.

use std::time::Duration;

use tests::rogue::{marker, RoguePeer};
use tests::server::{TestServer, PASSWORD};

const ACCOUNTS: [(&str, &str, &str); 5] = [
    ("lan", "QLHT", "staff"),
    ("thamdinh", "VP", "reviewer"),
    ("kehoach", "VP", "plan-editor"),
    ("quantri", "VP", "admin"),
    ("kiemtra", "VP", "admin"),
];

/// What a peer could do with a document: "-" nothing, "R" read, "W" read and write.
async fn probe(server: &TestServer, user: &str, doc: &str, marker_text: &str) -> &'static str {
    let peer = RoguePeer::connect(&server.url(), user, PASSWORD, "probe").await;
    let Some(handle) = peer.fetch(doc).await else {
        peer.stop().await;
        return "-";
    };
    peer.scribble(&handle, marker_text).await;
    peer.stop().await;
    // A separate admin (who reads everything) fetches the document afresh from the server.
    let observer = RoguePeer::connect(
        &server.url(),
        "kiemtra",
        PASSWORD,
        &format!("obs-{marker_text}"),
    )
    .await;
    let seen = observer
        .fetch(doc)
        .await
        .expect("an admin reads every document");
    let written = marker(&seen).as_deref() == Some(marker_text);
    observer.stop().await;
    if written {
        "W"
    } else {
        "R"
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn every_role_gets_exactly_its_access() {
    let mut server = TestServer::with_accounts(&ACCOUNTS);
    server.start();
    let docs = [
        ("plan", server.doc("plan", "-")),
        ("records(own)", server.doc("records", "QLHT")),
        ("records(other)", server.doc("records", "KHTC")),
        ("review(own)", server.doc("review", "QLHT")),
        ("review(other)", server.doc("review", "KHTC")),
    ];
    let mut table =
        String::from("user     plan records(own) records(other) review(own) review(other)\n");
    for (user, _, _) in &ACCOUNTS[..4] {
        let mut cells = Vec::new();
        for (label, doc) in &docs {
            cells.push(probe(&server, user, doc, &format!("{user}:{label}")).await);
        }
        table.push_str(&format!("{user:<9}{}\n", cells.join(" ")));
    }
    // "Own" is QLHT for the staff member; the office users belong to VP, so for them both
    // columns are other units' documents.
    expect_test::expect![[r#"
        user     plan records(own) records(other) review(own) review(other)
        lan      R W - R -
        thamdinh R R R W W
        kehoach  W R R R R
        quantri  R R R R R
    "#]]
    .assert_eq(&table);
}

#[tokio::test(flavor = "multi_thread")]
async fn expired_ticket_and_disabled_user() {
    let mut server =
        TestServer::with_accounts(&[("lan", "QLHT", "staff"), ("quantri", "VP", "admin")]);
    server.set_env("PLANSYNC_TICKET_TTL_MS", "300");
    server.start();
    let http = tests::http_client();
    let base = server.url();

    // A ticket used after its lifetime is refused.
    let peer = RoguePeer::connect(&base, "lan", PASSWORD, "laptop").await;
    let ticket: serde_json::Value = http
        .post(format!("{base}/api/ws-ticket"))
        .bearer_auth(&peer.token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(600)).await;
    let late = http
        .get(format!(
            "{base}/sync?ticket={}",
            ticket["ticket"].as_str().unwrap()
        ))
        .header("connection", "upgrade")
        .header("upgrade", "websocket")
        .header("sec-websocket-version", "13")
        .header("sec-websocket-key", "dGhlIHNhbXBsZSBub25jZQ==")
        .send()
        .await
        .unwrap();
    assert_eq!(
        late.status().as_u16(),
        401,
        "an expired ticket does not upgrade"
    );

    // Disabling a user cuts their open connection and keeps them out.
    assert!(peer.dialer.is_connected());
    server.cli(&["user", "disable", "lan"], None);
    let mut cut = false;
    for _ in 0..50 {
        if !peer.dialer.is_connected() {
            cut = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(cut, "the disabled user's connection is closed within 5 s");
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(!peer.dialer.is_connected(), "and the reconnect is refused");
    let records = server.doc("records", "QLHT");
    assert!(peer.fetch(&records).await.is_none() || !peer.dialer.is_connected());
    peer.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_peer_claiming_another_id_is_disconnected() {
    let mut server =
        TestServer::with_accounts(&[("lan", "QLHT", "staff"), ("thamdinh", "VP", "reviewer")]);
    server.start();
    let records = server.doc("records", "KHTC");
    // Lan's session is bound to "lan/laptop"; her peer announces the reviewer's identity.
    let outcome = RoguePeer::connect_claiming(
        &server.url(),
        "lan",
        PASSWORD,
        "laptop",
        Some("thamdinh/office-pc"),
    )
    .await;
    match outcome {
        Err(why) => eprintln!("impostor refused: {why}"),
        Ok(peer) => {
            let got = peer.fetch(&records).await;
            assert!(
                got.is_none(),
                "an impostor must not read what the claimed user may read"
            );
            tokio::time::sleep(Duration::from_millis(500)).await;
            assert!(
                !peer.dialer.is_connected(),
                "the mismatched connection is closed"
            );
            peer.stop().await;
        }
    }
    // The same login with the bound peer id works.
    let honest = RoguePeer::connect(&server.url(), "lan", PASSWORD, "laptop").await;
    assert!(honest.fetch(&server.doc("records", "QLHT")).await.is_some());
    honest.stop().await;
}
