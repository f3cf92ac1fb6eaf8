//! Sync benchmarks (figures, not pass/fail). Build and run in release mode:
//!
//! ```sh
//! cargo build --release -p tests --bins
//! target/release/sync-bench [--units 30] [--edits 200] [--samples 200]
//! ```
//!
//! 1. Convergence: N units each make M edits offline, then all reconnect at once; the time
//!    until the office's replica holds every one of those changes.
//! 2. Bytes on the wire for one small edit after reconnecting: the Automerge sync messages
//!    both ways between a replica and the server's copy of a records document, with fresh sync
//!    states (as before samod patch 7); then the frames both ways through real samod repos
//!    that resume from the heads they last had in common (`tests::reconnect_wire`).
//! 3. Time from a local edit to its SQLite commit (the client's `edit_record`, which returns
//!    once the change is durable), beside a bare SQLite insert of the same bytes.

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use automerge::sync::SyncDoc;
use automerge::{Automerge, ChangeHash, ReadDoc};
use shared::calendar::PeriodId;
use shared::documents::records::{self, RecordEdit};
use shared::documents::ChangeAuthor;
use shared::plan::TaskId;
use tests::bench::arg_or;
use tests::laptop::Laptop;
use tests::server::TestServer;

fn main() {
    tests::bench::use_sibling_server();
    let n_units = arg_or("--units", 30);
    let n_edits = arg_or("--edits", 200);
    let n_samples = arg_or("--samples", 200);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    println!(
        "# PlanSync sync benchmarks ({} build)",
        if cfg!(debug_assertions) {
            "debug"
        } else {
            "release"
        }
    );
    runtime.block_on(convergence(n_units, n_edits));
    wire_bytes();
    runtime.block_on(reconnect_wire());
    runtime.block_on(edit_to_commit(n_samples));
}

async fn convergence(n_units: usize, n_edits: usize) {
    let codes: Vec<String> = (1..=n_units).map(|i| format!("U{i:02}")).collect();
    let users: Vec<String> = (1..=n_units).map(|i| format!("u{i:02}")).collect();
    let mut accounts: Vec<(&str, &str, &str)> = users
        .iter()
        .zip(&codes)
        .map(|(u, c)| (u.as_str(), c.as_str(), "staff"))
        .collect();
    accounts.push(("thamdinh", "VP", "reviewer"));
    let mut server = TestServer::with_units_and_accounts(
        &codes
            .iter()
            .map(|c| (c.as_str(), format!("Phòng Thử nghiệm {c}"), "division"))
            .collect::<Vec<_>>(),
        &accounts,
    );
    server.start();
    let url = server.url();
    let mut laptops = Vec::new();
    for user in &users {
        laptops.push(Laptop::login(&url, user).await);
    }
    for laptop in &laptops {
        laptop.wait_up_to_date(Duration::from_secs(120)).await;
        laptop.client.stop_sync();
    }
    let office = Laptop::login(&url, "thamdinh").await;
    office.wait_up_to_date(Duration::from_secs(120)).await;
    // Every laptop edits offline.
    let task_ids = [
        "PAR_INDEX/I/4",
        "PAR_INDEX/I/6",
        "PAR_INDEX/III/6",
        "PAR_INDEX/III/7",
    ];
    let periods: Vec<PeriodId> = PeriodId::of_year(2026).to_vec();
    let mut made: Vec<(client::DocumentId, BTreeSet<ChangeHash>)> = Vec::new();
    for (laptop, code) in laptops.iter().zip(&codes) {
        let doc = laptop.doc("records", code);
        let before: BTreeSet<ChangeHash> = laptop
            .client
            .doc_heads(&doc)
            .await
            .unwrap()
            .into_iter()
            .collect();
        for n in 0..n_edits {
            let task = TaskId(task_ids[n % task_ids.len()].into());
            let period = periods[(n / task_ids.len()) % periods.len()];
            let edit = RecordEdit::Actual {
                period,
                target: n % 3,
                value: Some(n as f64),
            };
            laptop.client.edit_record(&doc, &task, edit).await.unwrap();
        }
        let hashes = laptop
            .client
            .with_doc(&doc, move |d| {
                d.get_changes(&before.iter().copied().collect::<Vec<_>>())
                    .iter()
                    .map(|c| c.hash())
                    .collect()
            })
            .await
            .unwrap();
        made.push((doc, hashes));
    }
    let start = Instant::now();
    for laptop in &laptops {
        laptop.client.start_sync();
    }
    for (doc, hashes) in &made {
        loop {
            let hashes = hashes.clone();
            let done = office
                .client
                .with_doc(doc, move |d| {
                    hashes.iter().all(|h| d.get_change_by_hash(h).is_some())
                })
                .await
                .unwrap_or(false);
            if done {
                break;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
    let elapsed = start.elapsed();
    println!(
        "convergence: {n_units} units x {n_edits} offline edits reconnect at once -> office has all {} changes after {:.2} s",
        n_units * n_edits,
        elapsed.as_secs_f64()
    );
    for laptop in laptops {
        laptop.client.shutdown().await;
    }
    office.client.shutdown().await;
}

/// Runs the Automerge sync protocol between two replicas until quiet; returns (messages, bytes).
fn sync_bytes(a: &mut Automerge, b: &mut Automerge) -> (usize, usize) {
    let (mut state_a, mut state_b) = (automerge::sync::State::new(), automerge::sync::State::new());
    let (mut n_messages, mut n_bytes) = (0, 0);
    loop {
        let mut quiet = true;
        if let Some(message) = a.generate_sync_message(&mut state_a) {
            let bytes = message.encode();
            n_messages += 1;
            n_bytes += bytes.len();
            b.receive_sync_message(
                &mut state_b,
                automerge::sync::Message::decode(&bytes).unwrap(),
            )
            .unwrap();
            quiet = false;
        }
        if let Some(message) = b.generate_sync_message(&mut state_b) {
            let bytes = message.encode();
            n_messages += 1;
            n_bytes += bytes.len();
            a.receive_sync_message(
                &mut state_a,
                automerge::sync::Message::decode(&bytes).unwrap(),
            )
            .unwrap();
            quiet = false;
        }
        if quiet {
            return (n_messages, n_bytes);
        }
    }
}

fn wire_bytes() {
    // A records document as a unit has it after a year of work: every task of the seed with
    // 500 edits of history.
    let mut server_copy = tests::reconnect_wire::records_with_history(500);
    let author = ChangeAuthor {
        user: "lan".into(),
        device: "lan-laptop".into(),
        what: String::new(),
    };
    let mut laptop = server_copy.fork();
    let size = server_copy.save().len();
    records::apply(
        &mut laptop,
        &author,
        1_000,
        &TaskId("T/3".into()),
        &RecordEdit::Progress { percent: 60 },
    )
    .unwrap();
    let (n_messages, n_bytes) = sync_bytes(&mut laptop, &mut server_copy);
    println!(
        "wire: one small edit after reconnect on a {size}-byte records document (57 tasks, 500 changes): {n_messages} sync messages, {n_bytes} bytes both ways (plus ~60 bytes of framing each)"
    );
}

async fn reconnect_wire() {
    let wire = tests::reconnect_wire::measure(500).await;
    println!(
        "wire through samod, resuming from the heads in common: one small edit ({} bytes) after reconnect on a {}-byte records document: {} Automerge sync messages, {} bytes both ways (bound 2 x change + 1 KiB = {}); on the line, handshake and samod's framing included: laptop to server {} frames, {} bytes; server to laptop {} frames, {} bytes",
        wire.change_bytes,
        wire.document_bytes,
        wire.sync_messages(),
        wire.sync_bytes(),
        wire.bound(),
        wire.up.frames,
        wire.up.bytes,
        wire.down.frames,
        wire.down.bytes,
    );
}

fn percentile(samples: &mut [Duration], p: f64) -> Duration {
    samples.sort();
    samples[((samples.len() - 1) as f64 * p).round() as usize]
}

async fn edit_to_commit(n_samples: usize) {
    let mut server = TestServer::with_accounts(&[("lan", "QLHT", "staff")]);
    server.start();
    let laptop = Laptop::login(&server.url(), "lan").await;
    laptop.wait_up_to_date(Duration::from_secs(60)).await;
    laptop.client.stop_sync();
    let doc = laptop.doc("records", "QLHT");
    let task = TaskId("PAR_INDEX/I/4".into());
    let mut edit_times = Vec::new();
    let mut change_bytes = Vec::new();
    for n in 0..n_samples {
        let before = laptop.client.doc_heads(&doc).await.unwrap();
        let start = Instant::now();
        laptop
            .client
            .edit_record(
                &doc,
                &task,
                RecordEdit::Progress {
                    percent: (n % 101) as u8,
                },
            )
            .await
            .unwrap();
        edit_times.push(start.elapsed());
        let bytes = laptop
            .client
            .with_doc(&doc, move |d| d.save_after(&before))
            .await
            .unwrap();
        change_bytes.push(bytes);
    }
    let dir = tempfile::tempdir().unwrap();
    let conn = rusqlite_connection(&dir.path().join("bare.sqlite3"));
    let mut insert_times = Vec::new();
    for (n, bytes) in change_bytes.iter().enumerate() {
        let start = Instant::now();
        conn.execute(
            "INSERT INTO chunks (key, data) VALUES (?1, ?2)",
            (format!("doc/incremental/{n}"), bytes),
        )
        .unwrap();
        insert_times.push(start.elapsed());
    }
    let avg_bytes = change_bytes.iter().map(Vec::len).sum::<usize>() / change_bytes.len().max(1);
    println!(
        "edit to SQLite commit ({n_samples} edits, ~{avg_bytes} bytes each): median {:?}, p95 {:?}; bare SQLite insert of the same bytes (WAL, synchronous=FULL): median {:?}, p95 {:?}",
        percentile(&mut edit_times, 0.5),
        percentile(&mut edit_times, 0.95),
        percentile(&mut insert_times, 0.5),
        percentile(&mut insert_times, 0.95),
    );
    laptop.client.shutdown().await;
}

fn rusqlite_connection(path: &std::path::Path) -> storage_bench::Connection {
    storage_bench::open(path)
}

/// The bare SQLite baseline, configured like the app's storage.
mod storage_bench {
    pub use rusqlite::Connection;

    pub fn open(path: &std::path::Path) -> Connection {
        let conn = Connection::open(path).unwrap();
        conn.pragma_update(None, "journal_mode", "WAL").unwrap();
        conn.pragma_update(None, "synchronous", "FULL").unwrap();
        conn.execute_batch("CREATE TABLE chunks (key TEXT PRIMARY KEY NOT NULL, data BLOB NOT NULL) WITHOUT ROWID;").unwrap();
        conn
    }
}
