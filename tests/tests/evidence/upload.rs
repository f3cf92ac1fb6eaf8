//! The upload protocol over raw HTTP: a broken upload resumes from the server's offset (finished
//! by a client or by a second request), a wrong hash is refused and nothing kept, and a file
//! over the server's limit is refused.

use std::time::Duration;

use shared::calendar::PeriodId;
use shared::documents::records;
use tests::laptop::{eventually, Laptop};
use tests::server::TestServer;

use crate::{file_bytes, list, partial_files, sha256_hex, Raw};

const WAIT: Duration = Duration::from_secs(40);

#[tokio::test(flavor = "multi_thread")]
async fn broken_uploads_resume_wrong_hashes_and_oversized_files_are_refused() {
    let mut server = TestServer::with_accounts(&[("lan", "QLHT", "staff")]);
    server.set_env("PLANSYNC_MAX_FILE_MB", "1");
    server.start();
    let url = server.url();
    let doc = server.doc("records", "QLHT");
    let raw = Raw::login(&url, "lan").await;
    let files = server.data_dir().join("files");
    let lan = Laptop::login(&url, "lan").await;
    lan.wait_up_to_date(WAIT).await;

    // A link that broke after 300 000 bytes, then a second request with the rest.
    let bytes = file_bytes(700_000, 1);
    let sha = sha256_hex(&bytes);
    list(&lan, "QLHT", &sha, bytes.len() as u64).await;
    let (code, body) = raw.put(&doc, &sha, 0, bytes.len(), &bytes[..300_000]).await;
    assert_eq!(
        (code, &body["received"], &body["complete"]),
        (200, &300_000.into(), &false.into())
    );
    let (code, body) = raw.status(&doc, &sha).await;
    assert_eq!(
        (code, &body["received"]),
        (200, &300_000.into()),
        "the server reports its offset"
    );
    // Early answers (refusals, "already complete") come before the body is read and close the
    // connection, so these requests send only a few bytes of it (a client still writing a large
    // body could see a broken pipe instead of the answer).
    let (code, body) = raw.put(&doc, &sha, 0, bytes.len(), &bytes[..10]).await;
    assert_eq!(code, 409, "starting over is refused: {body}");
    assert_eq!(body["error"]["code"], "offset_mismatch");
    let (code, body) = raw
        .put(&doc, &sha, 300_000, bytes.len(), &bytes[300_000..])
        .await;
    assert_eq!((code, &body["complete"]), (200, &true.into()), "{body}");
    assert_eq!(
        std::fs::read(files.join("sha256").join(&sha)).unwrap(),
        bytes
    );
    let (code, body) = raw.put(&doc, &sha, 0, bytes.len(), &bytes[..10]).await;
    assert_eq!(
        (code, &body["complete"]),
        (200, &true.into()),
        "deduplicated: complete at once"
    );

    // Another broken upload, finished by the client: it asks for the offset and resumes.
    let bytes = file_bytes(900_000, 2);
    let sha = sha256_hex(&bytes);
    list(&lan, "QLHT", &sha, bytes.len() as u64).await;
    assert_eq!(
        raw.put(&doc, &sha, 0, bytes.len(), &bytes[..123_457])
            .await
            .0,
        200
    );
    let doc_id = lan.doc("records", "QLHT");
    let task = lan
        .client
        .with_doc(&doc_id, records::task_ids)
        .await
        .unwrap()
        .unwrap()[1]
        .clone();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("Số liệu giải ngân.xlsx");
    std::fs::write(&path, &bytes).unwrap();
    let q3: PeriodId = "2026-Q3".parse().unwrap();
    lan.client
        .attach_evidence(&doc_id, &task, q3, &path)
        .await
        .unwrap();
    eventually(WAIT, "the client to finish the upload", || async {
        let (code, body) = raw.status(&doc, &sha).await;
        (code == 200 && body["complete"] == true).then_some(())
    })
    .await;
    assert_eq!(
        std::fs::read(files.join("sha256").join(&sha)).unwrap(),
        bytes,
        "byte-identical"
    );
    assert!(partial_files(&files).is_empty(), "no partial files left");

    // Bytes that do not hash to their address: refused, nothing kept.
    let claimed = sha256_hex(b"the file the client claims to send");
    list(&lan, "QLHT", &claimed, 1000).await;
    let (code, body) = raw.put(&doc, &claimed, 0, 1000, &file_bytes(1000, 3)).await;
    assert_eq!(code, 422, "{body}");
    assert_eq!(body["error"]["code"], "hash_mismatch");
    assert_eq!(raw.status(&doc, &claimed).await.0, 404, "nothing kept");
    assert!(!files.join("sha256").join(&claimed).exists());
    assert!(partial_files(&files).is_empty());

    // Over the 1 MiB limit the server was started with.
    let big = file_bytes(1024 * 1024 + 1, 4);
    let big_sha = sha256_hex(&big);
    list(&lan, "QLHT", &big_sha, big.len() as u64).await;
    // Refused on the declared total (only the first bytes are sent, as above).
    let (code, body) = raw.put(&doc, &big_sha, 0, big.len(), &big[..10]).await;
    assert_eq!(code, 413, "{body}");
    assert_eq!(body["error"]["code"], "file_too_large");
    assert_eq!(raw.status(&doc, &big_sha).await.0, 404);

    // Malformed requests are answered, not crashed on.
    let http = tests::http_client();
    let response = http
        .put(format!("{url}/api/files/{sha}?doc={doc}"))
        .bearer_auth(raw.token())
        .header("content-range", "bytes 9-3/2")
        .body("x")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    let response = http
        .get(format!("{url}/api/files/not-a-hash?doc={doc}"))
        .bearer_auth(raw.token())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    let response = http
        .get(format!("{url}/api/files/{sha}?doc={doc}"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 401, "no token");

    lan.client.shutdown().await;
}
