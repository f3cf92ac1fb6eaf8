//! A unit attaches "Báo cáo quý III.pdf" offline; the file goes up when the laptop reconnects;
//! the office downloads it byte-identical; another unit's staff get nothing.

use std::time::Duration;

use shared::calendar::PeriodId;
use shared::documents::records;
use tests::laptop::{eventually, Laptop};
use tests::server::TestServer;

use crate::{file_bytes, sha256_hex, Raw};

const WAIT: Duration = Duration::from_secs(40);
const NAME: &str = "Báo cáo quý III.pdf";

#[tokio::test(flavor = "multi_thread")]
async fn attached_offline_uploaded_on_reconnect_and_fetched_by_the_office() {
    let mut server = TestServer::with_accounts(&[
        ("lan", "QLHT", "staff"),
        ("hoa", "KHTC", "staff"),
        ("thamdinh", "VP", "reviewer"),
    ]);
    server.start();
    let url = server.url();
    let lan = Laptop::login(&url, "lan").await;
    lan.wait_up_to_date(WAIT).await;
    let doc = lan.doc("records", "QLHT");
    let task = lan
        .client
        .with_doc(&doc, records::task_ids)
        .await
        .unwrap()
        .unwrap()[0]
        .clone();
    let q3: PeriodId = "2026-Q3".parse().unwrap();

    // Offline: attach a 2.5 MiB file (several upload chunks) with a Vietnamese name.
    lan.client.stop_sync();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(NAME);
    let bytes = file_bytes(2_500_000, 7);
    std::fs::write(&path, &bytes).unwrap();
    let sha = sha256_hex(&bytes);
    let evidence = lan
        .client
        .attach_evidence(&doc, &task, q3, &path)
        .await
        .unwrap();
    assert_eq!(
        (
            evidence.name.as_str(),
            evidence.size,
            evidence.sha256.as_str()
        ),
        (NAME, bytes.len() as u64, sha.as_str())
    );
    assert_eq!(evidence.by, "lan");
    assert_eq!(evidence.mime.as_deref(), Some("application/pdf"));
    let record = lan.client.read_record(&doc, &task).await.unwrap();
    let period = record.periods.iter().find(|p| p.period == q3).unwrap();
    assert_eq!(
        period.evidence,
        std::slice::from_ref(&evidence),
        "the metadata is in the document"
    );
    let local = lan.client.local_evidence(&sha).expect("stored locally");
    assert_eq!(std::fs::read(&local).unwrap(), bytes);

    let doc_text = doc.to_string();
    let lan_raw = Raw::login(&url, "lan").await;
    let (code, body) = lan_raw.status(&doc_text, &sha).await;
    assert_eq!(
        (code, &body["error"]["code"]),
        (409, &"not_listed_yet".into()),
        "nothing reached the server while offline, not even the file's entry"
    );

    // Back online: the engine uploads by itself.
    lan.client.start_sync();
    lan.wait_up_to_date(WAIT).await;
    eventually(WAIT, "the upload to complete", || async {
        let (code, body) = lan_raw.status(&doc_text, &sha).await;
        (code == 200 && body["complete"] == true).then_some(())
    })
    .await;
    let (_, body) = lan_raw.status(&doc_text, &sha).await;
    assert_eq!(body["received"], bytes.len() as u64);
    let stored = server.data_dir().join("files/sha256").join(&sha);
    assert_eq!(
        std::fs::read(&stored).unwrap(),
        bytes,
        "stored byte-identical"
    );

    // The office fetches it on demand.
    let office = Laptop::login(&url, "thamdinh").await;
    office.wait_up_to_date(WAIT).await;
    let record = office.client.read_record(&doc, &task).await.unwrap();
    let seen = &record
        .periods
        .iter()
        .find(|p| p.period == q3)
        .unwrap()
        .evidence;
    assert_eq!(
        seen,
        std::slice::from_ref(&evidence),
        "the office sees the metadata"
    );
    assert!(office.client.local_evidence(&sha).is_none());
    let fetched = office.client.fetch_evidence(&doc, &sha).await.unwrap();
    assert_eq!(std::fs::read(&fetched).unwrap(), bytes, "byte-identical");
    let office_raw = Raw::login(&url, "thamdinh").await;
    let (code, _) = office_raw
        .put(&doc_text, &sha, 0, bytes.len(), &bytes)
        .await;
    assert_eq!(
        code, 403,
        "the office may read the records, not upload to them"
    );

    // Another unit's staff: nothing, whichever document they name.
    let hoa = Raw::login(&url, "hoa").await;
    let (code, body) = hoa.download(&doc_text, &sha).await;
    assert_eq!(
        code,
        404,
        "another unit's document: {}",
        String::from_utf8_lossy(&body)
    );
    assert_eq!(hoa.status(&doc_text, &sha).await.0, 404);
    assert_eq!(hoa.put(&doc_text, &sha, 0, 4, b"evil").await.0, 404);
    let own = server.doc("records", "KHTC");
    let (code, _) = hoa.download(&own, &sha).await;
    assert_eq!(code, 404, "their own document does not list the file");
    let review = server.doc("review", "KHTC");
    assert_eq!(
        hoa.download(&review, &sha).await.0,
        404,
        "not a records document"
    );

    for laptop in [&lan, &office] {
        laptop.client.shutdown().await;
    }
}
