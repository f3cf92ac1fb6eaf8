//! Prometheus metrics on their own address (`--metrics-listen`), scraped while laptops log in,
//! sync and upload: the names the operations guide lists are there and move with the work, and
//! the public port does not serve them.

use std::collections::HashMap;
use std::time::Duration;

use shared::calendar::PeriodId;
use shared::documents::records::{self, RecordEdit};
use tests::app_driver::free_port;
use tests::laptop::{eventually, Laptop};
use tests::server::TestServer;

const WAIT: Duration = Duration::from_secs(40);

/// `name{labels} value` lines of a scrape, by name with labels.
async fn scrape(url: &str) -> HashMap<String, f64> {
    let text = tests::http_client()
        .get(url)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    text.lines()
        .filter(|line| !line.starts_with('#') && !line.is_empty())
        .filter_map(|line| {
            let (name, value) = line.rsplit_once(' ')?;
            Some((name.to_string(), value.parse().ok()?))
        })
        .collect()
}

fn value(metrics: &HashMap<String, f64>, name: &str) -> f64 {
    *metrics
        .get(name)
        .unwrap_or_else(|| panic!("{name} is not scraped; have: {:?}", metrics.keys()))
}

#[tokio::test(flavor = "multi_thread")]
async fn metrics_are_scraped_on_their_own_address_during_a_sync() {
    let mut server =
        TestServer::with_accounts(&[("lan", "QLHT", "staff"), ("thu", "VP", "reviewer")]);
    let port = free_port().unwrap();
    server.set_env("PLANSYNC_METRICS_LISTEN", &format!("127.0.0.1:{port}"));
    server.start();
    let metrics_url = format!("http://127.0.0.1:{port}/metrics");
    let before = scrape(&metrics_url).await;
    assert_eq!(
        value(
            &before,
            &format!(
                "plansync_build_info{{version=\"{}\"}}",
                env!("CARGO_PKG_VERSION")
            )
        ),
        1.0
    );

    let lan = Laptop::login(&server.url(), "lan").await;
    let office = Laptop::login(&server.url(), "thu").await;
    lan.wait_up_to_date(WAIT).await;
    office.wait_up_to_date(WAIT).await;
    let wrong = tests::http_client()
        .post(format!("{}/api/login", server.url()))
        .json(&serde_json::json!({"username": "lan", "password": "sai", "device": "d"}))
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), 401);
    let doc = lan.doc("records", "QLHT");
    let task = lan
        .client
        .with_doc(&doc, records::task_ids)
        .await
        .unwrap()
        .unwrap()[0]
        .clone();
    lan.client
        .edit_record(&doc, &task, RecordEdit::Progress { percent: 30 })
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("minh-chung.pdf");
    std::fs::write(&path, vec![7u8; 1_500_000]).unwrap();
    let q3: PeriodId = "2026-Q3".parse().unwrap();
    lan.client
        .attach_evidence(&doc, &task, q3, &path)
        .await
        .unwrap();
    eventually(WAIT, "the office to have the edit", || async {
        let record = office.client.read_record(&doc, &task).await.ok()?;
        (record.progress.current() == Some(&30)).then_some(())
    })
    .await;

    let after = eventually(WAIT, "the upload to be counted", || async {
        let scraped = scrape(&metrics_url).await;
        (scraped.get("plansync_uploads_total{outcome=\"complete\"}") == Some(&1.0))
            .then_some(scraped)
    })
    .await;
    assert_eq!(value(&after, "plansync_connected_clients"), 2.0);
    assert_eq!(value(&after, "plansync_logins_total{outcome=\"ok\"}"), 2.0);
    assert_eq!(
        value(&after, "plansync_logins_total{outcome=\"bad_credentials\"}"),
        1.0
    );
    for direction in ["in", "out"] {
        let messages = format!("plansync_sync_messages_total{{direction=\"{direction}\"}}");
        let bytes = format!("plansync_sync_bytes_total{{direction=\"{direction}\"}}");
        assert!(value(&after, &messages) > 0.0, "{messages}");
        assert!(value(&after, &bytes) > value(&after, &messages), "{bytes}");
    }
    assert!(value(&after, "plansync_storage_commit_seconds_count") > 0.0);
    assert!(value(&after, "plansync_storage_committed_writes_total") > 0.0);
    assert!(value(&after, "plansync_durable_wait_seconds_count") > 0.0);
    assert_eq!(
        value(&after, "plansync_evidence_bytes_stored_total"),
        1_500_000.0
    );
    assert!(
        after
            .keys()
            .any(|k| k.starts_with("plansync_durable_wait_seconds_bucket{le=")),
        "durations are histograms"
    );

    // Not on the public port.
    let public = tests::http_client()
        .get(format!("{}/metrics", server.url()))
        .send()
        .await
        .unwrap();
    assert_eq!(public.status(), 404);
    lan.client.shutdown().await;
    office.client.shutdown().await;
}
