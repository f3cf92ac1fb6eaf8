//! One writer per data directory: a second server, or a command that writes documents, beside a
//! running server is refused with a clear message; read-only commands work beside it; and every
//! process writes with its own Automerge actor.

use std::collections::BTreeMap;
use std::time::Duration;

use tests::laptop::Laptop;
use tests::server::{plansync_binary, TestServer};

#[tokio::test(flavor = "multi_thread")]
async fn a_second_writer_beside_a_running_server_is_refused() {
    let mut server = TestServer::with_accounts(&[("lan", "QLHT", "staff")]);
    server.start();
    let url = server.url();
    let lan = Laptop::login(&url, "lan").await;
    lan.wait_up_to_date(Duration::from_secs(40)).await;

    let second = std::process::Command::new(plansync_binary())
        .args(["serve", "--listen", "127.0.0.1:0", "--data"])
        .arg(server.data_dir())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&second.stderr);
    assert!(!second.status.success(), "a second server does not start");
    assert!(
        stderr.contains("in use by another PlanSync process") && stderr.contains("plansync serve"),
        "and says who holds the directory: {stderr}"
    );

    let seed = tests::repo::root().join("fixtures/plans/tuyen-quang-sxd-2026.txt");
    let publish = server.try_cli(
        &["plan", "publish", seed.to_str().unwrap(), "--year", "2027"],
        None,
    );
    let stderr = String::from_utf8_lossy(&publish.stderr);
    assert!(
        !publish.status.success(),
        "publishing beside the server is refused"
    );
    assert!(stderr.contains("stop the server first"), "{stderr}");

    // Read-only commands work beside it.
    let users = server.cli(&["user", "list"], None);
    assert!(users.contains("lan"), "{users}");
    let out = tempfile::tempdir().unwrap();
    let report = out.path().join("bao-cao.xlsx");
    server.cli(
        &[
            "report",
            "export",
            "--period",
            "2026-Q3",
            "--format",
            "xlsx",
            "--out",
            report.to_str().unwrap(),
        ],
        None,
    );
    assert!(report.exists());
    lan.wait_up_to_date(Duration::from_secs(40)).await;
    lan.client.shutdown().await;

    // Once the server stopped, publishing works. Each process writes with its own actor: the
    // 2026 documents (the first publish) and the 2027 ones (this one) were created by
    // different actors, and no (actor, sequence number) pair is used twice.
    server.stop();
    let out = server.cli(
        &["plan", "publish", seed.to_str().unwrap(), "--year", "2027"],
        None,
    );
    let records_2027 = out
        .lines()
        .find(|l| l.starts_with("records\tQLHT\t2027"))
        .and_then(|l| l.split('\t').nth(3))
        .expect("a 2027 records document for QLHT")
        .to_string();
    let (registry, storage) = server::sync::open_data(server.data_dir()).unwrap();
    let repo = server::sync::open_repo(registry, storage).await;
    let mut creators = Vec::new();
    for id in [server.doc("records", "QLHT"), records_2027] {
        let handle = server::publish::find_registered(&repo, &id).await.unwrap();
        creators.push(handle.with_document(|doc| {
            let changes = doc.get_changes(&[]);
            let mut seqs: BTreeMap<(String, u64), usize> = BTreeMap::new();
            for change in &changes {
                *seqs
                    .entry((change.actor_id().to_hex_string(), change.seq()))
                    .or_default() += 1;
            }
            assert!(seqs.values().all(|n| *n == 1), "{seqs:?}");
            changes[0].actor_id().to_hex_string()
        }));
    }
    assert_ne!(creators[0], creators[1], "two processes, two actors");
    repo.stop().await;
}
