//! The app's session ends and starts in one process (a logout and login, the settings' restart
//! of the engine): a client closed and opened again many times keeps no file of the old ones
//! open. (The soak bench, issue #13 item 6, saw two more descriptors on the documents' store
//! after a restart: the reader a client opens when it starts on stored data, for the stored
//! heads, which a first download does not need. One more reader, not one more per restart.)

use std::collections::BTreeMap;
use std::path::Path;
use std::time::{Duration, Instant};

use client::{Client, ClientConfig};
use shared::documents::records::{self, RecordEdit, TaskStatus};

use crate::server::TestServer;
use crate::smoke::{up_to_date, wait_for_status};

/// How many times the client is closed and opened again.
const RESTARTS: usize = 8;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_closed_and_opened_again_keeps_no_old_file_open() {
    crate::init_tracing();
    let server = TestServer::start();
    server.add_user("lan", "VP", "staff", "pw-lan-2026");
    let dirs = tempfile::tempdir().unwrap();
    let dir = dirs.path().join("lan");

    let mut client = Client::open_with(&dir, ClientConfig::default())
        .await
        .unwrap();
    client
        .login(&server.url, "lan", "pw-lan-2026")
        .await
        .unwrap();
    client.start_sync();
    wait_for_status(&client, "the first download", up_to_date).await;
    edit_once(&client).await;
    assert!(
        open_files_under(&dir)
            .keys()
            .any(|f| f.ends_with("documents.sqlite3")),
        "this process's open files show the client's store"
    );

    let mut after = Vec::new();
    for _ in 0..RESTARTS {
        client.shutdown().await;
        drop(client);
        // The store's writer thread closes its connections as it ends, just after the drop.
        let closing = Instant::now();
        let mut closed = open_files_under(&dir);
        while !closed.is_empty() && closing.elapsed() < Duration::from_secs(5) {
            tokio::time::sleep(Duration::from_millis(20)).await;
            closed = open_files_under(&dir);
        }
        assert!(
            closed.is_empty(),
            "a client closed and dropped keeps no file open after 5 s: {closed:?}"
        );
        client = Client::open_with(&dir, ClientConfig::default())
            .await
            .unwrap();
        client.start_sync();
        wait_for_status(&client, "up to date after a restart", up_to_date).await;
        edit_once(&client).await;
        after.push(open_files_under(&dir));
    }
    assert!(
        after.iter().all(|files| files == &after[0]),
        "every restart leaves the same files open: {after:#?}"
    );
    client.shutdown().await;
}

/// Marks the first task of the unit's records in progress and waits for the server's
/// confirmation.
async fn edit_once(client: &Client) {
    let doc = client.records_doc_for("VP", 2026).unwrap();
    let task = client
        .with_doc(&doc.id, records::task_ids)
        .await
        .unwrap()
        .unwrap()[0]
        .clone();
    client
        .edit_record(
            &doc.id,
            &task,
            RecordEdit::Status {
                status: TaskStatus::InProgress,
            },
        )
        .await
        .unwrap();
    wait_for_status(client, "the edit confirmed", up_to_date).await;
}

/// This process's open descriptors on files under `dir`, counted by file (other tests of this
/// binary run alongside, with their own folders).
fn open_files_under(dir: &Path) -> BTreeMap<String, usize> {
    let mut files = BTreeMap::new();
    for entry in std::fs::read_dir("/proc/self/fd").unwrap().flatten() {
        let Ok(target) = std::fs::read_link(entry.path()) else {
            continue;
        };
        if let Ok(inside) = target.strip_prefix(dir) {
            *files.entry(inside.display().to_string()).or_default() += 1;
        }
    }
    files
}
