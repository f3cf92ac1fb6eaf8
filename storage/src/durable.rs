//! Which changes of each document are durably stored, so that a sync message may be sent (the
//! server) or an edit reported saved (the app) only once the changes it stands for are on disk.
//!
//! samod sends sync messages without waiting for its storage writes (it may even send before it
//! calls `put`), so counting writes is not enough: a change counts as durable once its chunk has
//! committed *and* all its dependencies are durable. Snapshots are self-contained.

use std::collections::{HashMap, HashSet};
use std::sync::Mutex;

use automerge::{Automerge, Change, ChangeHash};
use tokio::sync::watch;

#[derive(Default)]
struct DocChanges {
    durable: HashSet<ChangeHash>,
    /// Stored changes whose dependencies are not all durable yet, with those dependencies.
    waiting: HashMap<ChangeHash, Vec<ChangeHash>>,
}

pub struct DurableIndex {
    docs: Mutex<HashMap<String, DocChanges>>,
    version: watch::Sender<u64>,
}

impl Default for DurableIndex {
    fn default() -> DurableIndex {
        DurableIndex {
            docs: Mutex::new(HashMap::new()),
            version: watch::channel(0).0,
        }
    }
}

impl DurableIndex {
    /// Records a committed chunk: `[doc, "incremental", hash]` or `[doc, "snapshot", id]`.
    pub fn record(&self, parts: &[&str], data: &[u8]) {
        let [doc, kind, name] = parts else { return };
        let mut docs = self.docs.lock().unwrap_or_else(|p| p.into_inner());
        let entry = docs.entry((*doc).to_string()).or_default();
        match *kind {
            "snapshot" => match Automerge::load(data) {
                Ok(snapshot) => entry
                    .durable
                    .extend(snapshot.get_changes(&[]).iter().map(|c| c.hash())),
                Err(err) => tracing::error!(doc, "stored snapshot does not load: {err}"),
            },
            "incremental" => match Change::try_from(data) {
                Ok(change) => {
                    entry.waiting.insert(change.hash(), change.deps().to_vec());
                }
                Err(_) => {
                    // Not a single change: load it as a chunk of changes.
                    let mut doc = Automerge::new();
                    match doc.load_incremental(data) {
                        Ok(_) => {
                            for change in doc.get_changes(&[]) {
                                entry.waiting.insert(change.hash(), change.deps().to_vec());
                            }
                        }
                        Err(err) => {
                            tracing::error!(
                                doc = parts[0],
                                chunk = name,
                                "stored chunk does not load: {err}"
                            )
                        }
                    }
                }
            },
            _ => return,
        }
        promote(entry);
        drop(docs);
        self.version.send_modify(|v| *v += 1);
    }

    /// Whether every hash in `heads` of `doc` is durable.
    pub fn covers(&self, doc: &str, heads: &[ChangeHash]) -> bool {
        if heads.is_empty() {
            return true;
        }
        let docs = self.docs.lock().unwrap_or_else(|p| p.into_inner());
        docs.get(doc)
            .is_some_and(|d| heads.iter().all(|h| d.durable.contains(h)))
    }

    /// Resolves once every hash in `heads` of `doc` is durable.
    pub async fn wait(&self, doc: &str, heads: &[ChangeHash]) {
        let mut version = self.version.subscribe();
        while !self.covers(doc, heads) {
            if version.changed().await.is_err() {
                return;
            }
        }
    }
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
        assert!(index.covers("d", &[first.hash(), second.hash()]));
    }
}
