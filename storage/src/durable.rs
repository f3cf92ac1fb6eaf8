//! Which changes of each document are durably stored, so that a sync message may be sent (the
//! server) or an edit reported saved (the app) only once the changes it stands for are on disk.
//!
//! samod sends sync messages without waiting for its storage writes (it may even send before it
//! calls `put`), so counting writes is not enough: a change counts as durable once its chunk has
//! committed *and* all its dependencies are durable. Snapshots are self-contained.
//!
//! Cost: each document has its own lock-free wake-up channel, so a commit wakes only the waiters
//! of the documents it wrote. A committed snapshot (samod's compaction: the whole document) is
//! not loaded: its heads are read from the chunk header and counted durable at once, and the
//! snapshot is kept to be expanded into all its change hashes only if someone asks about a
//! change that is neither a head nor otherwise known (an older heads set, or the dependency of a
//! later change). Since a document only grows, a newer snapshot of it contains an older one, so
//! only the newest unexpanded snapshot is kept.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex, MutexGuard};

use automerge::{Automerge, Change, ChangeHash};
use samod::storage::StorageKey;
use tokio::sync::watch;

#[derive(Default)]
struct DocChanges {
    durable: HashSet<ChangeHash>,
    /// Stored changes whose dependencies are not all durable yet, with those dependencies.
    waiting: HashMap<ChangeHash, Vec<ChangeHash>>,
    /// The newest committed snapshot whose changes are not all in `durable` yet (its heads are).
    unexpanded: Option<Arc<Vec<u8>>>,
    /// Bumped after every record that touched this document.
    version: Option<watch::Sender<u64>>,
}

impl DocChanges {
    fn covers(&self, heads: &[ChangeHash]) -> bool {
        heads.iter().all(|h| self.durable.contains(h))
    }

    fn subscribe(&mut self) -> watch::Receiver<u64> {
        self.version
            .get_or_insert_with(|| watch::channel(0).0)
            .subscribe()
    }
}

#[derive(Default)]
pub struct DurableIndex {
    docs: Mutex<HashMap<String, DocChanges>>,
}

/// What a committed chunk says, worked out before taking the index's lock.
enum Parsed {
    /// One or more changes, with their dependencies.
    Changes(Vec<(ChangeHash, Vec<ChangeHash>)>),
    /// A whole document: its heads, and the bytes to expand later.
    Snapshot(Vec<ChangeHash>, Arc<Vec<u8>>),
    /// A whole document whose header could not be read: all its changes, loaded.
    Loaded(Vec<ChangeHash>),
}

impl DurableIndex {
    fn lock(&self) -> MutexGuard<'_, HashMap<String, DocChanges>> {
        self.docs.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Records a committed chunk: `[doc, "incremental", hash]` or `[doc, "snapshot", id]`.
    pub fn record(&self, parts: &[&str], data: &[u8]) {
        if let [doc, kind, name] = parts {
            if let Some(parsed) = parse(doc, kind, name, data) {
                self.apply(vec![((*doc).to_string(), parsed)]);
            }
        }
    }

    /// Records committed chunks (one transaction's worth): one lock, and each document's
    /// waiters woken once.
    pub fn record_all<'a>(&self, chunks: impl IntoIterator<Item = (&'a StorageKey, &'a [u8])>) {
        let parsed: Vec<(String, Parsed)> = chunks
            .into_iter()
            .filter_map(|(key, data)| {
                let mut parts = key.into_iter();
                let (Some(doc), Some(kind), Some(name), None) =
                    (parts.next(), parts.next(), parts.next(), parts.next())
                else {
                    return None;
                };
                parse(doc, kind, name, data).map(|p| (doc.clone(), p))
            })
            .collect();
        if !parsed.is_empty() {
            self.apply(parsed);
        }
    }

    fn apply(&self, parsed: Vec<(String, Parsed)>) {
        let mut wake = Vec::new();
        {
            let mut docs = self.lock();
            let mut touched: Vec<&String> = Vec::new();
            for (doc, chunk) in &parsed {
                let entry = docs.entry(doc.clone()).or_default();
                match chunk {
                    Parsed::Changes(changes) => {
                        for (hash, deps) in changes {
                            if !entry.durable.contains(hash) {
                                entry.waiting.insert(*hash, deps.clone());
                            }
                        }
                    }
                    Parsed::Snapshot(heads, bytes) => {
                        entry.durable.extend(heads.iter().copied());
                        entry.unexpanded = Some(bytes.clone());
                    }
                    Parsed::Loaded(hashes) => entry.durable.extend(hashes.iter().copied()),
                }
                if !touched.contains(&doc) {
                    touched.push(doc);
                }
            }
            for doc in touched {
                let entry = docs.get_mut(doc).expect("just inserted");
                promote(entry);
                if let Some(version) = &entry.version {
                    wake.push(version.clone());
                }
            }
        }
        for version in wake {
            version.send_modify(|v| *v += 1);
        }
    }

    /// Whether every hash in `heads` of `doc` is durable.
    pub fn covers(&self, doc: &str, heads: &[ChangeHash]) -> bool {
        if heads.is_empty() {
            return true;
        }
        loop {
            let snapshot = {
                let mut docs = self.lock();
                let Some(entry) = docs.get_mut(doc) else {
                    return false;
                };
                if entry.covers(heads) {
                    return true;
                }
                match entry.unexpanded.take() {
                    Some(snapshot) => snapshot,
                    None => return false,
                }
            };
            self.expand(doc, &snapshot);
        }
    }

    /// Resolves once every hash in `heads` of `doc` is durable.
    pub async fn wait(&self, doc: &str, heads: &[ChangeHash]) {
        if heads.is_empty() {
            return;
        }
        loop {
            let (snapshot, mut version) = {
                let mut docs = self.lock();
                let entry = docs.entry(doc.to_string()).or_default();
                if entry.covers(heads) {
                    return;
                }
                // Subscribed under the lock: any record after this check wakes us.
                (entry.unexpanded.take(), entry.subscribe())
            };
            match snapshot {
                Some(snapshot) => self.expand(doc, &snapshot),
                None => {
                    if version.changed().await.is_err() {
                        return;
                    }
                }
            }
        }
    }

    /// Counts every change of a committed snapshot durable (taken out of the entry already).
    fn expand(&self, doc: &str, snapshot: &[u8]) {
        match Automerge::load(snapshot) {
            Ok(loaded) => {
                let hashes = loaded.get_changes(&[]).iter().map(|c| c.hash()).collect();
                self.apply(vec![(doc.to_string(), Parsed::Loaded(hashes))]);
            }
            Err(err) => tracing::error!(doc, "stored snapshot does not load: {err}"),
        }
    }
}

/// Reads what a committed chunk holds; `None` for chunks that are not document data.
fn parse(doc: &str, kind: &str, name: &str, data: &[u8]) -> Option<Parsed> {
    match kind {
        "snapshot" => Some(match snapshot_heads(data) {
            Some(heads) => Parsed::Snapshot(heads, Arc::new(data.to_vec())),
            None => match Automerge::load(data) {
                Ok(snapshot) => {
                    Parsed::Loaded(snapshot.get_changes(&[]).iter().map(|c| c.hash()).collect())
                }
                Err(err) => {
                    tracing::error!(doc, "stored snapshot does not load: {err}");
                    return None;
                }
            },
        }),
        "incremental" => match Change::try_from(data) {
            Ok(change) => Some(Parsed::Changes(vec![(
                change.hash(),
                change.deps().to_vec(),
            )])),
            Err(_) => {
                // Not a single change: load it as a chunk of changes.
                let mut loaded = Automerge::new();
                match loaded.load_incremental(data) {
                    Ok(_) => Some(Parsed::Changes(
                        loaded
                            .get_changes(&[])
                            .iter()
                            .map(|c| (c.hash(), c.deps().to_vec()))
                            .collect(),
                    )),
                    Err(err) => {
                        tracing::error!(doc, chunk = name, "stored chunk does not load: {err}");
                        None
                    }
                }
            }
        },
        _ => None,
    }
}

/// The heads of a saved document (one Automerge document chunk), read from its header without
/// loading it: magic (4 bytes), checksum (4), chunk type (1, 0 = document), body length
/// (LEB128), then the body: actors (count, then each length-prefixed), heads (count, then 32
/// bytes each). `None` for anything else, which is then loaded in full.
fn snapshot_heads(data: &[u8]) -> Option<Vec<ChangeHash>> {
    const MAGIC: [u8; 4] = [0x85, 0x6f, 0x4a, 0x83];
    if data.get(..4)? != MAGIC || *data.get(8)? != 0 {
        return None;
    }
    let mut rest = data.get(9..)?;
    let body_len = uleb(&mut rest)?;
    // Exactly one chunk: anything after it would hold changes the heads do not describe.
    if usize::try_from(body_len).ok()? != rest.len() {
        return None;
    }
    for _ in 0..uleb(&mut rest)? {
        let len = usize::try_from(uleb(&mut rest)?).ok()?;
        rest = rest.get(len..)?;
    }
    let n_heads = usize::try_from(uleb(&mut rest)?).ok()?;
    let mut heads = Vec::with_capacity(n_heads.min(1024));
    for _ in 0..n_heads {
        heads.push(ChangeHash::try_from(rest.get(..32)?).ok()?);
        rest = &rest[32..];
    }
    Some(heads)
}

/// The heads of a document stored as `chunks` (the `"snapshot"` and `"incremental"` chunks of
/// one document, by kind), read without loading it: the snapshots' heads (from their headers)
/// and the incremental changes' hashes, less every hash an incremental change depends on.
/// `None` when a chunk is neither a snapshot with a readable header nor a single change.
///
/// Exact when the chunks are one snapshot and the changes after it (samod's layout). When an
/// older snapshot was left beside a newer one, its heads (ancestors of the newer one's) are
/// listed too: never the heads of anything but these chunks' contents.
pub fn stored_heads<'a>(
    chunks: impl IntoIterator<Item = (&'a str, &'a [u8])>,
) -> Option<Vec<ChangeHash>> {
    let mut hashes: HashSet<ChangeHash> = HashSet::new();
    let mut deps: HashSet<ChangeHash> = HashSet::new();
    for (kind, data) in chunks {
        match kind {
            "snapshot" => hashes.extend(snapshot_heads(data)?),
            "incremental" => {
                let change = Change::try_from(data).ok()?;
                hashes.insert(change.hash());
                deps.extend(change.deps().iter().copied());
            }
            _ => return None,
        }
    }
    let mut heads: Vec<ChangeHash> = hashes.difference(&deps).copied().collect();
    heads.sort_unstable();
    Some(heads)
}

fn uleb(input: &mut &[u8]) -> Option<u64> {
    let mut value: u64 = 0;
    for (i, byte) in input.iter().enumerate().take(10) {
        value |= u64::from(byte & 0x7f) << (7 * i);
        if byte & 0x80 == 0 {
            *input = &input[i + 1..];
            return Some(value);
        }
    }
    None
}

/// Moves waiting changes whose dependencies are all durable into the durable set, repeatedly.
fn promote(entry: &mut DocChanges) {
    loop {
        let ready: Vec<ChangeHash> = entry
            .waiting
            .iter()
            .filter(|(_, deps)| deps.iter().all(|d| entry.durable.contains(d)))
            .map(|(h, _)| *h)
            .collect();
        if ready.is_empty() {
            return;
        }
        for hash in ready {
            entry.waiting.remove(&hash);
            entry.durable.insert(hash);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use automerge::transaction::Transactable;

    fn two_changes() -> (Change, Change, Automerge) {
        let mut doc = Automerge::new();
        let mut tx = doc.transaction();
        tx.put(automerge::ROOT, "a", 1).unwrap();
        tx.commit();
        let mut tx = doc.transaction();
        tx.put(automerge::ROOT, "b", 2).unwrap();
        tx.commit();
        let changes = doc.get_changes(&[]);
        (changes[0].clone(), changes[1].clone(), doc)
    }

    #[test]
    fn stored_heads_are_read_from_headers_and_changes_without_loading() {
        let (mut first, _, mut doc) = two_changes();
        let snapshot = doc.save();
        // Changes after the snapshot, one of them concurrent with the other.
        let mut fork = doc.fork();
        fork.transact(|tx| tx.put(automerge::ROOT, "c", 3)).unwrap();
        doc.transact(|tx| tx.put(automerge::ROOT, "d", 4)).unwrap();
        doc.transact(|tx| tx.put(automerge::ROOT, "e", 5)).unwrap();
        doc.merge(&mut fork).unwrap();
        let heads = doc.get_heads();
        let mut after: Vec<Change> = doc.get_changes(&[]).into_iter().skip(2).collect();
        let mut chunks: Vec<(&str, Vec<u8>)> = vec![("snapshot", snapshot.clone())];
        for change in &mut after {
            chunks.push(("incremental", change.bytes().to_vec()));
        }
        let read = |chunks: &[(&str, Vec<u8>)]| {
            stored_heads(chunks.iter().map(|(kind, data)| (*kind, data.as_slice())))
        };
        let mut sorted = heads.clone();
        sorted.sort_unstable();
        assert_eq!(read(&chunks), Some(sorted.clone()));
        // samod's compaction: the whole document as one snapshot.
        assert_eq!(read(&[("snapshot", doc.save())]), Some(sorted.clone()));
        // Only changes.
        let mut all: Vec<(&str, Vec<u8>)> = vec![("incremental", first.bytes().to_vec())];
        all.extend(chunks[1..].iter().cloned());
        let second = doc.get_changes(&[])[1].clone();
        all.push(("incremental", second.clone().bytes().to_vec()));
        assert_eq!(read(&all), Some(sorted.clone()));
        // An older snapshot left beside the newer: its heads are listed too (never a match
        // for the newer document's heads), and a chunk that is not a change: unknown.
        let both = [("snapshot", snapshot), ("snapshot", doc.save())];
        assert_eq!(read(&both).map(|h| h.len()), Some(heads.len() + 1));
        assert_eq!(read(&[("incremental", b"not a change".to_vec())]), None);
        assert_eq!(read(&[]), Some(Vec::new()));
    }

    #[test]
    fn a_change_is_durable_only_with_its_dependencies() {
        let (first, mut second, _) = two_changes();
        let index = DurableIndex::default();
        let second_hash = second.hash().to_string();
        index.record(&["d", "incremental", &second_hash], second.bytes().as_ref());
        assert!(
            !index.covers("d", &[second.hash()]),
            "its dependency is not stored yet"
        );
        let mut first = first;
        index.record(
            &["d", "incremental", &first.hash().to_string()],
            first.bytes().as_ref(),
        );
        assert!(index.covers("d", &[first.hash(), second.hash()]));
        assert!(
            !index.covers("other", &[first.hash()]),
            "documents are apart"
        );
    }

    #[test]
    fn a_snapshot_covers_all_its_changes() {
        let (first, second, doc) = two_changes();
        let index = DurableIndex::default();
        index.record(&["d", "snapshot", "x"], &doc.save());
        assert!(index.covers("d", &[second.hash()]), "its heads, unloaded");
        assert!(
            index.covers("d", &[first.hash(), second.hash()]),
            "an older change: the snapshot is expanded"
        );
        assert!(!index.covers("e", &[first.hash()]));
    }

    #[test]
    fn a_change_after_a_snapshot_may_depend_on_its_interior() {
        // a; then b on the server and, concurrently, c on a laptop (both depend on a). The
        // server's snapshot holds a and b (heads: b); c arrives later as an incremental change
        // whose dependency a is inside the snapshot but not one of its heads.
        let mut server = Automerge::new();
        let mut tx = server.transaction();
        tx.put(automerge::ROOT, "a", 1).unwrap();
        tx.commit();
        let mut laptop = server.fork();
        let mut tx = server.transaction();
        tx.put(automerge::ROOT, "b", 2).unwrap();
        tx.commit();
        let mut tx = laptop.transaction();
        tx.put(automerge::ROOT, "c", 3).unwrap();
        tx.commit();
        let mut c = laptop.get_last_local_change().unwrap().clone();
        let index = DurableIndex::default();
        index.record(&["d", "snapshot", "s"], &server.save());
        index.record(
            &["d", "incremental", &c.hash().to_string()],
            c.bytes().as_ref(),
        );
        assert!(index.covers("d", &server.get_heads()));
        assert!(
            index.covers("d", &[c.hash()]),
            "a is durable inside the snapshot"
        );
    }

    #[test]
    fn snapshot_heads_are_read_from_the_header() {
        let (_, _, doc) = two_changes();
        assert_eq!(snapshot_heads(&doc.save()), Some(doc.get_heads()));
        let mut other = Automerge::new();
        other.merge(&mut doc.fork()).unwrap();
        let mut tx = other.transaction();
        tx.put(automerge::ROOT, "z", "text").unwrap();
        tx.commit();
        assert_eq!(snapshot_heads(&other.save()), Some(other.get_heads()));
        // A change chunk is not a document chunk; trailing bytes are refused.
        let change = doc.get_changes(&[])[0].clone().bytes().to_vec();
        assert_eq!(snapshot_heads(&change), None);
        let mut two = doc.save();
        two.extend(doc.save());
        assert_eq!(snapshot_heads(&two), None);
        assert_eq!(snapshot_heads(&[]), None);
    }

    #[tokio::test]
    async fn a_waiter_wakes_for_its_document() {
        let (first, _, _) = two_changes();
        let index = std::sync::Arc::new(DurableIndex::default());
        let waiter = tokio::spawn({
            let index = index.clone();
            let hash = first.hash();
            async move { index.wait("d", &[hash]).await }
        });
        tokio::task::yield_now().await;
        let mut other = first.clone();
        index.record(
            &["e", "incremental", &other.hash().to_string()],
            other.bytes().as_ref(),
        );
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        assert!(!waiter.is_finished(), "another document's write");
        let mut first = first;
        index.record(
            &["d", "incremental", &first.hash().to_string()],
            first.bytes().as_ref(),
        );
        tokio::time::timeout(std::time::Duration::from_secs(5), waiter)
            .await
            .expect("woken")
            .unwrap();
    }
}
