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
