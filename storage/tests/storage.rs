//! The SQLite storage on real database files.

use samod::storage::Storage;
use samod::storage::StorageKey;
use storage::{SqliteStorage, StorageError};

fn key(parts: &[&str]) -> StorageKey {
    StorageKey::from_parts(parts).unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn round_trip_and_component_prefixes() {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStorage::open(&dir.path().join("data.sqlite3")).unwrap();
    store
        .put(key(&["abc", "incremental", "h1"]), b"one".to_vec())
        .await;
    store
        .put(key(&["abc", "snapshot", "s1"]), b"two".to_vec())
        .await;
    store
        .put(key(&["abcd", "incremental", "h2"]), b"other doc".to_vec())
        .await;
    store.put(key(&["abc"]), b"exact".to_vec()).await;
    assert_eq!(
        store.load(key(&["abc", "snapshot", "s1"])).await.as_deref(),
        Some(&b"two"[..])
    );
    assert_eq!(store.load(key(&["missing"])).await, None);
    let under_abc = store.load_range(key(&["abc"])).await;
    let mut keys: Vec<String> = under_abc.keys().map(ToString::to_string).collect();
    keys.sort();
    assert_eq!(keys.len(), 3, "\"abc\" must not match \"abcd\": {keys:?}");
    assert!(!under_abc.contains_key(&key(&["abcd", "incremental", "h2"])));
    store.delete(key(&["abc", "incremental", "h1"])).await;
    assert_eq!(
        store.load_range(key(&["abc", "incremental"])).await.len(),
        0
    );
    // Writes survive reopening the file.
    drop(store);
    let reopened = SqliteStorage::open(&dir.path().join("data.sqlite3")).unwrap();
    assert_eq!(
        reopened
            .load(key(&["abcd", "incremental", "h2"]))
            .await
            .as_deref(),
        Some(&b"other doc"[..])
    );
    assert_eq!(
        reopened
            .load_range(StorageKey::from_parts(Vec::<&str>::new()).unwrap())
            .await
            .len(),
        3
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_failed_storage_refuses_writes_and_deletes() {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStorage::open(&dir.path().join("data.sqlite3")).unwrap();
    store
        .put(key(&["doc", "incremental", "h1"]), b"kept".to_vec())
        .await;
    store.fail("disk full (simulated)");
    store.delete(key(&["doc", "incremental", "h1"])).await;
    store
        .put(key(&["doc", "snapshot", "s"]), b"lost".to_vec())
        .await;
    assert_eq!(
        store
            .load(key(&["doc", "incremental", "h1"]))
            .await
            .as_deref(),
        Some(&b"kept"[..]),
        "no delete after a failure"
    );
    assert!(matches!(
        store.put_now(&key(&["x"]), b"y"),
        Err(StorageError::Failed(_))
    ));
    assert_eq!(store.failure().as_deref(), Some("disk full (simulated)"));
}

#[test]
fn a_failing_write_is_retried_then_fails_loudly() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("data.sqlite3");
    let store = SqliteStorage::open(&path).unwrap();
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        // Every insert now fails, as on a full disk.
        conn.execute_batch("CREATE TRIGGER refuse BEFORE INSERT ON chunks BEGIN SELECT RAISE(FAIL, 'disk is full'); END;").unwrap();
    }
    let err = store
        .put_now(&key(&["doc", "incremental", "h"]), b"data")
        .unwrap_err();
    assert!(err.to_string().contains("disk is full"), "{err}");
    assert!(store
        .failure()
        .unwrap()
        .contains("write failed after 4 tries"));
}

#[test]
fn a_newer_schema_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("data.sqlite3");
    drop(SqliteStorage::open(&path).unwrap());
    rusqlite::Connection::open(&path)
        .unwrap()
        .pragma_update(None, "user_version", 99)
        .unwrap();
    let err = SqliteStorage::open(&path).err().expect("refused");
    assert!(
        matches!(err, StorageError::TooNew { found: 99, .. }),
        "{err}"
    );
}

/// `n` real changes of one document (each depends on the one before), as a laptop sends them.
fn changes(n: usize) -> Vec<automerge::Change> {
    use automerge::transaction::Transactable;
    let mut doc = automerge::Automerge::new();
    for i in 0..n {
        let mut tx = doc.transaction();
        tx.put(automerge::ROOT, format!("k{}", i % 7), i as i64)
            .unwrap();
        tx.commit();
    }
    doc.get_changes(&[])
}

/// `n` changes that depend on nothing (each the first change of its own actor), so that each is
/// durable as soon as it is committed, whatever else was.
fn independent_changes(n: usize) -> Vec<automerge::Change> {
    use automerge::transaction::Transactable;
    (0..n)
        .map(|i| {
            let mut doc = automerge::Automerge::new();
            let mut tx = doc.transaction();
            tx.put(automerge::ROOT, "k", i as i64).unwrap();
            tx.commit();
            doc.get_changes(&[]).remove(0)
        })
        .collect()
}

fn incremental_key(doc: &str, change: &automerge::Change) -> StorageKey {
    key(&[doc, "incremental", &change.hash().to_string()])
}

fn rows(path: &std::path::Path) -> i64 {
    rusqlite::Connection::open(path)
        .unwrap()
        .query_row("SELECT count(*) FROM chunks", [], |r| r.get(0))
        .unwrap()
}

/// Group commit never confirms a write before its transaction is on disk: while another
/// connection holds the database's write lock, 200 concurrent writes queue up; none of their
/// futures resolves, none of their changes enters the durable index and no other reader sees
/// them. Once the lock is gone they commit together (at most two transactions: the one that
/// was waiting for the lock and the rest), and every change is durable when its future resolves.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn group_commit_confirms_nothing_before_its_transaction_commits() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("data.sqlite3");
    let store = SqliteStorage::open(&path).unwrap();
    let changes = changes(200);
    let hashes: Vec<_> = changes.iter().map(|c| c.hash()).collect();
    let blocker = rusqlite::Connection::open(&path).unwrap();
    blocker.execute_batch("BEGIN IMMEDIATE").unwrap();
    let puts: Vec<_> = changes
        .iter()
        .map(|change| {
            let store = store.clone();
            let (key, bytes) = (incremental_key("d", change), change.raw_bytes().to_vec());
            tokio::spawn(async move { store.put_async(key, bytes).await })
        })
        .collect();
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    assert!(
        puts.iter().all(|p| !p.is_finished()),
        "no write is confirmed while its transaction cannot commit"
    );
    assert!(!store.durable().covers("d", &hashes[..1]));
    assert!(!store.durable().covers("d", &hashes[199..]));
    assert_eq!(rows(&path), 0, "nothing committed");
    assert_eq!(store.commit_stats(), (0, 0));
    blocker.execute_batch("COMMIT").unwrap();
    for put in puts {
        put.await.unwrap().expect("committed");
        // Resolved: its change is already in the index (checked as each resolves).
    }
    assert!(store.durable().covers("d", &hashes));
    assert_eq!(rows(&path), 200);
    let (transactions, jobs) = store.commit_stats();
    assert_eq!(jobs, 200);
    assert!(
        transactions <= 2,
        "writes queued behind one commit share the next: {transactions} transactions"
    );
}

/// One failing write fails its whole transaction: every write in it is answered with the
/// failure after the retries, none of their changes is counted durable, the storage turns
/// failed, and later writes and deletes are refused.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_transaction_confirms_none_of_its_writes() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("data.sqlite3");
    let store = SqliteStorage::open(&path).unwrap();
    // Independent changes: the puts are spawned and may queue in any order; a confirmed change
    // must be durable whether or not the failing one was queued before it (in a chain, a
    // change after the failing one could never be durable).
    let changes = independent_changes(50);
    let bad = incremental_key("d", &changes[25]).to_string();
    let blocker = rusqlite::Connection::open(&path).unwrap();
    // Only one key fails, as a disk error on one page would.
    blocker
        .execute_batch(&format!(
            "CREATE TRIGGER refuse BEFORE INSERT ON chunks WHEN NEW.key = '{bad}' \
             BEGIN SELECT RAISE(FAIL, 'disk I/O error (simulated)'); END;"
        ))
        .unwrap();
    // Hold the lock while all 50 queue up, so they share transactions with the bad one.
    blocker.execute_batch("BEGIN IMMEDIATE").unwrap();
    let puts: Vec<_> = changes
        .iter()
        .map(|change| {
            let store = store.clone();
            let (key, bytes) = (incremental_key("d", change), change.raw_bytes().to_vec());
            tokio::spawn(async move { store.put_async(key, bytes).await })
        })
        .collect();
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    blocker.execute_batch("COMMIT").unwrap();
    let on_disk = |key: &StorageKey| {
        rusqlite::Connection::open(&path)
            .unwrap()
            .query_row(
                "SELECT count(*) FROM chunks WHERE key = ?1",
                [key.to_string()],
                |r| r.get::<_, i64>(0),
            )
            .unwrap()
            == 1
    };
    let mut refused = 0;
    for (put, change) in puts.into_iter().zip(&changes) {
        let key = incremental_key("d", change);
        match put.await.unwrap() {
            Ok(()) => {
                assert!(on_disk(&key), "a confirmed write is on disk");
                assert!(store.durable().covers("d", &[change.hash()]));
            }
            Err(StorageError::Failed(_)) => {
                refused += 1;
                assert!(!on_disk(&key), "a refused write left nothing");
                assert!(!store.durable().covers("d", &[change.hash()]));
            }
            Err(other) => panic!("unexpected error {other}"),
        }
    }
    // The bad write, and with it everything of its transaction and after it.
    assert!(refused >= 1, "{refused} refused");
    assert!(!on_disk(&incremental_key("d", &changes[25])));
    let why = store.failure().expect("failed");
    assert!(why.contains("write failed after 4 tries"), "{why}");
    assert!(why.contains("disk I/O error (simulated)"), "{why}");
    assert!(matches!(
        store
            .put_async(key(&["x", "incremental", "y"]), b"z".to_vec())
            .await,
        Err(StorageError::Failed(_))
    ));
    assert!(matches!(
        store.delete_async(incremental_key("d", &changes[0])).await,
        Err(StorageError::Failed(_))
    ));
}
