//! The HTTP side of authorisation: login, the document list per role, tickets, bad tokens.

use serde_json::{json, Value};
use tests::server::{TestServer, PASSWORD};

async fn login(
    client: &reqwest::Client,
    base: &str,
    user: &str,
    password: &str,
) -> reqwest::Response {
    client
        .post(format!("{base}/api/login"))
        .json(&json!({"username": user, "password": password, "device": "test"}))
        .send()
        .await
        .unwrap()
}

async fn token(client: &reqwest::Client, base: &str, user: &str) -> String {
    let response = login(client, base, user, PASSWORD).await;
    assert_eq!(response.status(), 200, "{user} logs in");
    let body: Value = response.json().await.unwrap();
    assert_eq!(
        body["peer_id"],
        format!("{user}/test"),
        "the peer id is bound to user and device"
    );
    body["token"].as_str().unwrap().to_string()
}

/// (kind, unit, access) of every document the user sees, sorted.
async fn visible(client: &reqwest::Client, base: &str, token: &str) -> Vec<String> {
    let docs: Vec<Value> = client
        .get(format!("{base}/api/docs"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let mut rows: Vec<String> = docs
        .iter()
        .map(|d| {
            format!(
                "{} {} {}",
                d["kind"].as_str().unwrap(),
                d["unit"].as_str().unwrap_or("-"),
                d["access"].as_str().unwrap()
            )
        })
        .collect();
    rows.sort();
    rows
}

#[tokio::test(flavor = "multi_thread")]
async fn document_lists_follow_roles() {
    let mut server = TestServer::with_accounts(&[
        ("lan", "QLHT", "staff"),
        ("thamdinh", "VP", "reviewer"),
        ("kehoach", "VP", "plan-editor"),
    ]);
    server.start();
    let base = server.url();
    let client = tests::http_client();

    let staff = visible(&client, &base, &token(&client, &base, "lan").await).await;
    assert_eq!(
        staff,
        ["plan - read", "records QLHT write", "review QLHT read"],
        "staff see their own unit only"
    );

    let reviewer = visible(&client, &base, &token(&client, &base, "thamdinh").await).await;
    assert!(
        reviewer.contains(&"records QLHT read".to_string())
            && reviewer.contains(&"review QLHT write".to_string())
    );
    assert!(reviewer.contains(&"plan - read".to_string()));
    assert!(reviewer
        .iter()
        .filter(|r| r.starts_with("records"))
        .all(|r| r.ends_with("read")));

    let editor = visible(&client, &base, &token(&client, &base, "kehoach").await).await;
    assert!(editor.contains(&"plan - write".to_string()));
    assert!(editor
        .iter()
        .filter(|r| !r.starts_with("plan"))
        .all(|r| r.ends_with("read")));
}

#[tokio::test(flavor = "multi_thread")]
async fn bad_credentials_and_tokens_are_refused_alike() {
    let mut server = TestServer::with_accounts(&[("lan", "QLHT", "staff")]);
    server.start();
    let base = server.url();
    let client = tests::http_client();
    let wrong_password = login(&client, &base, "lan", "sai mật khẩu").await;
    let unknown_user = login(&client, &base, "nobody", PASSWORD).await;
    assert_eq!(
        (
            wrong_password.status().as_u16(),
            unknown_user.status().as_u16()
        ),
        (401, 401)
    );
    let a: Value = wrong_password.json().await.unwrap();
    let b: Value = unknown_user.json().await.unwrap();
    assert_eq!(a, b, "no hint which part was wrong");

    let malformed = client
        .post(format!("{base}/api/login"))
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(malformed.status(), 400);

    for path in ["/api/docs"] {
        let anonymous = client.get(format!("{base}{path}")).send().await.unwrap();
        assert_eq!(anonymous.status(), 401, "{path} without a token");
        let wrong = client
            .get(format!("{base}{path}"))
            .bearer_auth("0".repeat(64))
            .send()
            .await
            .unwrap();
        assert_eq!(wrong.status(), 401, "{path} with a wrong token");
    }
    let ticket = client
        .post(format!("{base}/api/ws-ticket"))
        .send()
        .await
        .unwrap();
    assert_eq!(ticket.status(), 401, "tickets need a session");

    // A disabled user's token stops working.
    let token = token(&client, &base, "lan").await;
    server.cli(&["user", "disable", "lan"], None);
    let after = client
        .get(format!("{base}/api/docs"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(after.status(), 401);
    assert_eq!(login(&client, &base, "lan", PASSWORD).await.status(), 401);
}

#[tokio::test(flavor = "multi_thread")]
async fn websocket_upgrade_needs_a_valid_ticket_or_token() {
    let mut server = TestServer::with_accounts(&[("lan", "QLHT", "staff")]);
    server.start();
    let base = server.url();
    let client = tests::http_client();
    let upgrade = |url: String| {
        let client = client.clone();
        async move {
            client
                .get(url)
                .header("connection", "upgrade")
                .header("upgrade", "websocket")
                .header("sec-websocket-version", "13")
                .header("sec-websocket-key", "dGhlIHNhbXBsZSBub25jZQ==")
                .send()
                .await
                .unwrap()
                .status()
        }
    };
    assert_eq!(upgrade(format!("{base}/sync")).await, 401, "anonymous");
    assert_eq!(
        upgrade(format!("{base}/sync?ticket=nope")).await,
        401,
        "unknown ticket"
    );
    let token = token(&client, &base, "lan").await;
    let ticket: Value = client
        .post(format!("{base}/api/ws-ticket"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let ticket = ticket["ticket"].as_str().unwrap().to_string();
    assert_eq!(
        upgrade(format!("{base}/sync?ticket={ticket}")).await,
        101,
        "a fresh ticket upgrades"
    );
    assert_eq!(
        upgrade(format!("{base}/sync?ticket={ticket}")).await,
        401,
        "a ticket works once"
    );
}
