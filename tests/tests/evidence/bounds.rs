//! Evidence storage with bounds: a file is taken only for a document that lists it, uploads
//! belong to their uploader, a unit never learns or borrows another unit's file, each unit has a
//! quota, a full disk is a clear error, and files no document lists any more go after a grace
//! period.

use std::time::Duration;

use shared::documents::records::RecordEdit;
use tests::laptop::{eventually, Laptop};
use tests::server::TestServer;

use crate::{file_bytes, list, partial_files, sha256_hex, Raw};

const WAIT: Duration = Duration::from_secs(40);

#[tokio::test(flavor = "multi_thread")]
async fn an_unlisted_hash_is_refused_until_its_entry_arrives() {
    let mut server = TestServer::with_accounts(&[("lan", "QLHT", "staff")]);
    server.start();
    let url = server.url();
    let doc = server.doc("records", "QLHT");
    let raw = Raw::login(&url, "lan").await;
    let bytes = file_bytes(5_000, 11);
    let sha = sha256_hex(&bytes);
    let (code, body) = raw.put(&doc, &sha, 0, bytes.len(), &bytes).await;
    assert_eq!(code, 409, "{body}");
    assert_eq!(body["error"]["code"], "not_listed_yet");
    assert!(
        body["error"]["retry_after"].as_u64().is_some(),
        "retryable: {body}"
    );
    assert!(
        partial_files(&server.data_dir().join("files")).is_empty(),
        "no byte of an unlisted file is kept"
    );
    let lan = Laptop::login(&url, "lan").await;
    lan.wait_up_to_date(WAIT).await;
    list(&lan, "QLHT", &sha, bytes.len() as u64).await;
    let (code, body) = raw.put(&doc, &sha, 0, bytes.len(), &bytes).await;
    assert_eq!((code, &body["complete"]), (200, &true.into()), "{body}");
    lan.client.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn another_unit_neither_learns_of_nor_borrows_a_file() {
    let mut server = TestServer::with_accounts(&[
        ("lan", "QLHT", "staff"),
        ("hung", "QLHT", "staff"),
        ("hoa", "KHTC", "staff"),
    ]);
    server.start();
    let url = server.url();
    let (qlht, khtc) = (server.doc("records", "QLHT"), server.doc("records", "KHTC"));
    let lan = Laptop::login(&url, "lan").await;
    let hoa = Laptop::login(&url, "hoa").await;
    lan.wait_up_to_date(WAIT).await;
    hoa.wait_up_to_date(WAIT).await;
    let bytes = file_bytes(400_000, 12);
    let sha = sha256_hex(&bytes);
    list(&lan, "QLHT", &sha, bytes.len() as u64).await;
    list(&hoa, "KHTC", &sha, bytes.len() as u64).await;

    // A partial upload belongs to its uploader, even within the unit.
    let lan_raw = Raw::login(&url, "lan").await;
    let hung_raw = Raw::login(&url, "hung").await;
    assert_eq!(
        lan_raw
            .put(&qlht, &sha, 0, bytes.len(), &bytes[..100_000])
            .await
            .0,
        200
    );
    assert_eq!(
        hung_raw.status(&qlht, &sha).await.0,
        404,
        "hung sees nothing of lan's upload"
    );
    let (code, body) = hung_raw
        .put(&qlht, &sha, 100_000, bytes.len(), &bytes[100_000..100_010])
        .await;
    assert_eq!(
        (code, &body["error"]["code"]),
        (409, &"offset_mismatch".into())
    );
    let (code, body) = lan_raw
        .put(&qlht, &sha, 100_000, bytes.len(), &bytes[100_000..])
        .await;
    assert_eq!((code, &body["complete"]), (200, &true.into()), "{body}");

    // KHTC lists the same file: the server does not say it has it, nor hand it over.
    let hoa_raw = Raw::login(&url, "hoa").await;
    assert_eq!(
        hoa_raw.status(&khtc, &sha).await.0,
        404,
        "status reveals nothing"
    );
    let (code, body) = hoa_raw.download(&khtc, &sha).await;
    assert_eq!(code, 404, "{}", String::from_utf8_lossy(&body));
    // Once KHTC sends the bytes itself it has its copy (stored once on disk).
    let (code, body) = hoa_raw.put(&khtc, &sha, 0, bytes.len(), &bytes).await;
    assert_eq!((code, &body["complete"]), (200, &true.into()), "{body}");
    let (code, downloaded) = hoa_raw.download(&khtc, &sha).await;
    assert_eq!((code, downloaded == bytes), (200, true));
    let stored: Vec<_> = std::fs::read_dir(server.data_dir().join("files/sha256"))
        .unwrap()
        .collect();
    assert_eq!(stored.len(), 1, "one copy on disk");
    for laptop in [lan, hoa] {
        laptop.client.shutdown().await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_unit_over_its_quota_and_a_full_disk_get_clear_errors() {
    let mut server = TestServer::with_accounts(&[("lan", "QLHT", "staff")]);
    server.set_env("PLANSYNC_UNIT_QUOTA_MB", "1");
    server.start();
    let url = server.url();
    let doc = server.doc("records", "QLHT");
    let lan = Laptop::login(&url, "lan").await;
    lan.wait_up_to_date(WAIT).await;
    let raw = Raw::login(&url, "lan").await;
    let first = file_bytes(700_000, 13);
    let second = file_bytes(700_000, 14);
    for bytes in [&first, &second] {
        list(&lan, "QLHT", &sha256_hex(bytes), bytes.len() as u64).await;
    }
    let (code, _) = raw
        .put(&doc, &sha256_hex(&first), 0, first.len(), &first)
        .await;
    assert_eq!(code, 200);
    let (code, body) = raw
        .put(&doc, &sha256_hex(&second), 0, second.len(), &second[..10])
        .await;
    assert_eq!(code, 413, "{body}");
    assert_eq!(body["error"]["code"], "unit_quota_exceeded");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("of its 1 MiB"),
        "{body}"
    );
    lan.client.shutdown().await;

    // A disk that cannot keep the reserve free: the uploader is told, the server goes on.
    server.stop();
    server.set_env("PLANSYNC_MIN_FREE_MB", "999999999");
    server.set_env("PLANSYNC_UNIT_QUOTA_MB", "100");
    server.start();
    let raw = Raw::login(&url, "lan").await;
    let (code, body) = raw
        .put(&doc, &sha256_hex(&second), 0, second.len(), &second[..10])
        .await;
    assert_eq!(code, 507, "{body}");
    assert_eq!(body["error"]["code"], "storage_full");
    let live = tests::http_client()
        .get(format!("{url}/livez"))
        .send()
        .await
        .unwrap();
    assert_eq!(live.status(), 200, "the server is still up");
    let lan = Laptop::login(&url, "lan").await;
    lan.wait_up_to_date(WAIT).await;
    lan.client.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_file_no_document_lists_is_deleted_after_the_grace_period() {
    let mut server = TestServer::with_accounts(&[("lan", "QLHT", "staff")]);
    server.set_env("PLANSYNC_EVIDENCE_GRACE_HOURS", "0");
    server.set_env("PLANSYNC_SWEEP_EVERY_SECS", "1");
    server.start();
    let url = server.url();
    let doc = server.doc("records", "QLHT");
    let lan = Laptop::login(&url, "lan").await;
    lan.wait_up_to_date(WAIT).await;
    let (kept, dropped) = (file_bytes(3_000, 15), file_bytes(3_000, 16));
    let raw = Raw::login(&url, "lan").await;
    for bytes in [&kept, &dropped] {
        let sha = sha256_hex(bytes);
        list(&lan, "QLHT", &sha, bytes.len() as u64).await;
        assert_eq!(raw.put(&doc, &sha, 0, bytes.len(), bytes).await.0, 200);
    }
    let stored = server.data_dir().join("files/sha256");
    let dropped_sha = sha256_hex(&dropped);
    // The staff member removes one file from the record.
    let doc_id = lan.doc("records", "QLHT");
    let task = lan
        .client
        .with_doc(&doc_id, shared::documents::records::task_ids)
        .await
        .unwrap()
        .unwrap()[0]
        .clone();
    lan.client
        .edit_record(
            &doc_id,
            &task,
            RecordEdit::DetachEvidence {
                period: "2026-Q3".parse().unwrap(),
                sha256: dropped_sha.clone(),
            },
        )
        .await
        .unwrap();
    lan.wait_up_to_date(WAIT).await;
    eventually(WAIT, "the unlisted file to be deleted", || async {
        (!stored.join(&dropped_sha).exists()).then_some(())
    })
    .await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert!(
        stored.join(sha256_hex(&kept)).exists(),
        "a listed file stays"
    );
    lan.client.shutdown().await;
}
