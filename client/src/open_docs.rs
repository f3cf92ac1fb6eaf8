//! The documents of the running session: the cached list (what exists and what the user may do)
//! and the samod handles found so far. Shared by the API and the engine.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard};

use automerge::ChangeHash;
use samod::{DocHandle, DocumentId};
use shared::documents::DocumentKind;

use crate::doc_info::DocInfo;

#[derive(Default)]
pub(crate) struct OpenDocs {
    list: Mutex<Vec<DocInfo>>,
    handles: Mutex<HashMap<DocumentId, DocHandle>>,
    /// Per document id (as text), the heads the server confirmed, as persisted.
    confirmed: Mutex<HashMap<String, Vec<ChangeHash>>>,
}

impl OpenDocs {
    pub fn new(list: Vec<DocInfo>, confirmed: HashMap<String, Vec<ChangeHash>>) -> OpenDocs {
        OpenDocs {
            list: Mutex::new(list),
            handles: Mutex::default(),
            confirmed: Mutex::new(confirmed),
        }
    }

    pub fn list(&self) -> Vec<DocInfo> {
        lock(&self.list).clone()
    }

    pub fn set_list(&self, list: Vec<DocInfo>) {
        *lock(&self.list) = list;
    }

    pub fn info(&self, doc_id: &DocumentId) -> Option<DocInfo> {
        lock(&self.list).iter().find(|d| &d.id == doc_id).cloned()
    }

    pub fn find_info(&self, kind: DocumentKind, unit: &str, year: i32) -> Option<DocInfo> {
        lock(&self.list)
            .iter()
            .find(|d| d.is_for(kind, unit, year))
            .cloned()
    }

    pub fn handle(&self, doc_id: &DocumentId) -> Option<DocHandle> {
        lock(&self.handles).get(doc_id).cloned()
    }

    pub fn insert_handle(&self, handle: DocHandle) {
        lock(&self.handles).insert(handle.document_id().clone(), handle);
    }

    pub fn confirmed(&self, doc_id: &str) -> Vec<ChangeHash> {
        lock(&self.confirmed)
            .get(doc_id)
            .cloned()
            .unwrap_or_default()
    }

    pub fn set_confirmed(&self, doc_id: &str, heads: Vec<ChangeHash>) {
        lock(&self.confirmed).insert(doc_id.to_string(), heads);
    }
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|p| p.into_inner())
}
