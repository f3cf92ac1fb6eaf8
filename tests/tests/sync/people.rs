//! People by their names: the login reply carries the user's own full name and head flag,
//! `GET /api/people` lists exactly the people each role may see (and nothing but their user
//! name, full name and unit), an unauthenticated call is refused, and a laptop keeps the names
//! so they show offline after a restart.

use std::time::Duration;

use serde_json::{json, Value};
use tests::laptop::{eventually, Laptop};
use tests::server::{TestServer, PASSWORD};

const WAIT: Duration = Duration::from_secs(30);

/// A logged-in user's token and the login reply's `user`.
async fn login(client: &reqwest::Client, base: &str, user: &str) -> (String, Value) {
    let response = client
        .post(format!("{base}/api/login"))
        .json(&json!({"username": user, "password": PASSWORD, "device": "test"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200, "{user} logs in");
    let body: Value = response.json().await.unwrap();
    (
        body["token"].as_str().unwrap().to_string(),
        body["user"].clone(),
    )
}

/// `GET /api/people` as one line per person: "username unit full name".
async fn people(client: &reqwest::Client, base: &str, token: &str) -> String {
    let response = client
        .get(format!("{base}/api/people"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let people: Vec<Value> = response.json().await.unwrap();
    for person in &people {
        let mut keys: Vec<&str> = person
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        keys.sort_unstable();
        assert_eq!(
            keys,
            ["full_name", "unit", "username"],
            "a person is their user name, full name and unit, nothing else: {person}"
        );
    }
    people
        .iter()
        .map(|p| {
            format!(
                "{} {} {}",
                p["username"].as_str().unwrap(),
                p["unit"].as_str().unwrap(),
                p["full_name"].as_str().unwrap_or("-")
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[tokio::test(flavor = "multi_thread")]
async fn each_role_sees_the_names_it_may_and_nobody_else_does() {
    let mut server = TestServer::with_accounts(&[
        ("lan", "QLHT", "staff"),
        ("minh", "QLHT", "staff"),
        ("an", "KHTC", "staff"),
        ("thamdinh", "VP", "reviewer"),
        ("kehoach", "VP", "plan-editor"),
    ]);
    server.cli(&["user", "set-name", "lan", "Nguyễn Thị Lan"], None);
    server.cli(&["user", "set-head", "lan", "--yes"], None);
    server.cli(&["user", "set-name", "an", "Trần Văn An"], None);
    server.cli(&["user", "set-name", "thamdinh", "Lê Thu Thẩm"], None);
    server.start();
    let base = server.url();
    let client = tests::http_client();

    let (lan, lan_user) = login(&client, &base, "lan").await;
    assert_eq!(lan_user["full_name"], "Nguyễn Thị Lan");
    assert_eq!(lan_user["unit_head"], true);
    let (minh, minh_user) = login(&client, &base, "minh").await;
    assert_eq!(minh_user["full_name"], Value::Null, "no name given");
    assert_eq!(minh_user["unit_head"], false);
    let (reviewer, _) = login(&client, &base, "thamdinh").await;
    let (editor, _) = login(&client, &base, "kehoach").await;

    let staff_sees = "lan QLHT Nguyễn Thị Lan\nminh QLHT -\nthamdinh VP Lê Thu Thẩm";
    assert_eq!(
        people(&client, &base, &lan).await,
        staff_sees,
        "staff see their own unit and the reviewers, not another unit's staff (an) nor the office's plan editor"
    );
    assert_eq!(people(&client, &base, &minh).await, staff_sees);
    let office_sees = "an KHTC Trần Văn An\nkehoach VP -\nlan QLHT Nguyễn Thị Lan\nminh QLHT -\nthamdinh VP Lê Thu Thẩm";
    assert_eq!(
        people(&client, &base, &reviewer).await,
        office_sees,
        "a reviewer reads every unit's records"
    );
    assert_eq!(people(&client, &base, &editor).await, office_sees);

    // Unauthenticated, or with a token that is no session: refused.
    for token in [None, Some("not-a-token")] {
        let mut request = client.get(format!("{base}/api/people"));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        let response = request.send().await.unwrap();
        assert_eq!(response.status(), 401, "token {token:?}");
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["error"]["code"], "unauthorized");
    }

    // A name given while the server runs is in the next answer.
    server.cli(&["user", "set-name", "minh", "Phạm Văn Minh"], None);
    assert!(people(&client, &base, &lan)
        .await
        .contains("minh QLHT Phạm Văn Minh"));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_laptop_keeps_the_names_and_shows_them_offline_after_a_restart() {
    let mut server =
        TestServer::with_accounts(&[("lan", "QLHT", "staff"), ("thamdinh", "VP", "reviewer")]);
    server.cli(&["user", "set-name", "lan", "Nguyễn Thị Lan"], None);
    server.cli(&["user", "set-head", "lan", "--yes"], None);
    server.start();
    let url = server.url();
    let mut laptop = Laptop::login(&url, "lan").await;
    let session = laptop.client.session().unwrap();
    assert_eq!(session.full_name.as_deref(), Some("Nguyễn Thị Lan"));
    assert!(session.unit_head);
    let names = laptop.client.people().unwrap();
    assert_eq!(names.get("lan").map(String::as_str), Some("Nguyễn Thị Lan"));
    assert_eq!(
        names.get("thamdinh"),
        None,
        "the reviewer has no full name yet"
    );

    // A name given later, and the head flag taken away, arrive with the next refresh of the
    // document list, without logging in again.
    let mut profile_changes = laptop.client.profile_changes();
    server.cli(&["user", "set-name", "thamdinh", "Lê Thu Thẩm"], None);
    server.cli(&["user", "set-head", "lan", "--no"], None);
    eventually(WAIT, "the reviewer's name to arrive", || async {
        let names = laptop.client.people().ok()?;
        (names.get("thamdinh").map(String::as_str) == Some("Lê Thu Thẩm")).then_some(())
    })
    .await;
    tokio::time::timeout(WAIT, profile_changes.changed())
        .await
        .expect("the app is told that the user's own profile changed")
        .unwrap();
    assert!(
        !laptop.client.session().unwrap().unit_head,
        "no head any more"
    );

    // Offline, after a restart: the names are still there.
    server.kill();
    laptop.restart().await;
    let names = laptop.client.people().unwrap();
    assert_eq!(
        names.get("thamdinh").map(String::as_str),
        Some("Lê Thu Thẩm")
    );
    let session = laptop.client.session().unwrap();
    assert_eq!(session.full_name.as_deref(), Some("Nguyễn Thị Lan"));
    assert!(
        !session.unit_head,
        "the head flag as last heard from the server is kept with the session"
    );

    // Logging out forgets them: the next user of the laptop may see other people.
    laptop.client.logout(true).await.unwrap();
    assert!(laptop.client.people().unwrap().is_empty());
}
