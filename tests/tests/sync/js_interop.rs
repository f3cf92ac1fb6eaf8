//! A stock JS automerge-repo client (npm @automerge/automerge-repo with the websocket network
//! adapter, on this machine's Node) logs in, takes a ticket, syncs a document it may read and is
//! refused one it may not.

use std::process::Command;

use serde_json::Value;
use tests::repo;
use tests::server::{TestServer, PASSWORD};

#[test]
fn stock_js_client_syncs_allowed_and_is_refused_denied() {
    let script = repo::root().join("tests/js-interop/client.mjs");
    let modules = repo::root().join("tests/js-interop/node_modules/@automerge/automerge-repo");
    assert!(
        modules.exists(),
        "npm packages missing: run scripts/setup.sh (npm ci in tests/js-interop)"
    );
    let mut server = TestServer::with_accounts(&[("lan", "QLHT", "staff")]);
    server.start();
    let allowed = server.doc("plan", "-");
    let denied = server.doc("records", "KHTC");
    let out = Command::new("node")
        .arg(&script)
        .args([&server.url(), "lan", PASSWORD, &allowed, &denied])
        .output()
        .expect("node runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "node failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let result: Value =
        serde_json::from_str(stdout.lines().last().unwrap_or("")).expect("one JSON line");
    assert_eq!(
        result["allowed"]["schema"], "plansync/plan@2",
        "the readable plan document synced: {result}"
    );
    assert_eq!(
        result["denied"],
        format!("Document {denied} is unavailable"),
        "another unit's records are refused as if they did not exist: {result}"
    );
    // The same answer for a document id that exists nowhere.
    let out = Command::new("node")
        .arg(&script)
        .args([
            &server.url(),
            "lan",
            PASSWORD,
            &allowed,
            "3KCT2ZckdHD8qUq3XTb1kkjagmup",
        ])
        .output()
        .unwrap();
    let result: Value =
        serde_json::from_str(String::from_utf8_lossy(&out.stdout).lines().last().unwrap()).unwrap();
    assert_eq!(
        result["denied"],
        "Document 3KCT2ZckdHD8qUq3XTb1kkjagmup is unavailable"
    );
}
