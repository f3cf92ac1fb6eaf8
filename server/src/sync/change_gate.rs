//! The gate every incoming sync message passes before samod applies it: the changes it carries
//! are read, judged against what a client may write into that document
//! (`shared::documents::write_rules`), and their receipts (who sent them, when) are committed to
//! the audit log. A message carrying a change a PlanSync client never makes closes the
//! connection: the change never reaches the document, so there is nothing to undo.
//!
//! The message is read exactly as samod reads it (a CBOR map whose `type`, `documentId` and
//! `data` are taken from the last occurrence of each key), so what is judged is what samod
//! applies.

use std::collections::HashMap;
use std::str::FromStr;
use std::sync::{Arc, Mutex};

use automerge::{Change, ChangeHash};
use samod::{DocHandle, DocumentId, Repo};
use shared::documents::write_rules::{self, Roles};
use shared::documents::DocumentKind;

use crate::audit::{AuditLog, Receipt};
use crate::registry::Registry;

/// Who sent a message: the connection's authenticated user and device.
#[derive(Debug, Clone)]
pub struct Sender {
    pub username: String,
    pub device: String,
}

/// Why a message was not let in; the connection closes with it.
#[derive(Debug, thiserror::Error)]
pub enum Refused {
    #[error("{0}")]
    Change(#[from] write_rules::Refusal),
    #[error("{0}")]
    Unreadable(#[from] write_rules::UnreadableChanges),
    #[error("malformed message: {0}")]
    Malformed(&'static str),
    #[error("the server cannot take changes now: {0}")]
    Unavailable(String),
}

/// A document message's parts, as samod reads them.
#[derive(Debug, PartialEq)]
struct DocMessage {
    document_id: String,
    data: Vec<u8>,
}

/// Reads the `type`, `documentId` and `data` of a wire message the way samod 0.16 does. `None`
/// for messages that carry no document changes (anything but "sync" and "request").
fn decode_doc_message(bytes: &[u8]) -> Result<Option<DocMessage>, &'static str> {
    let mut decoder = minicbor::Decoder::new(bytes);
    let n_fields = decoder
        .map()
        .map_err(|_| "not a CBOR map")?
        .ok_or("a map of indefinite length")?;
    let mut kind: Option<String> = None;
    let mut document_id: Option<String> = None;
    let mut data: Option<Vec<u8>> = None;
    for _ in 0..n_fields {
        let key = decoder.str().map_err(|_| "a key that is not text")?;
        match key {
            "type" => kind = Some(decoder.str().map_err(|_| "bad type")?.to_string()),
            "documentId" => {
                let id = if decoder.probe().str().is_ok() {
                    let text = decoder.str().map_err(|_| "bad documentId")?;
                    DocumentId::from_str(text).map_err(|_| "bad documentId")?
                } else {
                    let raw = decoder.bytes().map_err(|_| "bad documentId")?;
                    DocumentId::try_from(raw.to_vec()).map_err(|_| "bad documentId")?
                };
                document_id = Some(id.to_string());
            }
            "data" => data = Some(decoder.bytes().map_err(|_| "bad data")?.to_vec()),
            _ => decoder.skip().map_err(|_| "bad field")?,
        }
    }
    match kind.as_deref() {
        Some("sync" | "request") => Ok(Some(DocMessage {
            document_id: document_id.ok_or("no documentId")?,
            data: data.ok_or("no data")?,
        })),
        Some(_) => Ok(None),
        None => Err("no type"),
    }
}

/// The server's gate: caches of document kinds, handles and roles.
pub struct ChangeGate {
    repo: Repo,
    registry: Arc<Registry>,
    audit: AuditLog,
    documents: Mutex<HashMap<String, (DocumentKind, DocHandle)>>,
    roles: Mutex<HashMap<String, Roles>>,
}

use crate::data::now_ms;

impl ChangeGate {
    pub fn new(repo: Repo, registry: Arc<Registry>, audit: AuditLog) -> ChangeGate {
        ChangeGate {
            repo,
            registry,
            audit,
            documents: Mutex::new(HashMap::new()),
            roles: Mutex::new(HashMap::new()),
        }
    }

    /// The kind and handle of a registered document, `None` for any other id.
    async fn document(&self, id: &str) -> Result<Option<(DocumentKind, DocHandle)>, Refused> {
        if let Some(found) = lock(&self.documents).get(id) {
            return Ok(Some(found.clone()));
        }
        let registry = self.registry.clone();
        let lookup = id.to_string();
        let entry = tokio::task::spawn_blocking(move || registry.document(&lookup))
            .await
            .map_err(|e| Refused::Unavailable(e.to_string()))?
            .map_err(|e| Refused::Unavailable(format!("{e:#}")))?;
        let Some(entry) = entry else {
            return Ok(None);
        };
        let handle = crate::publish::find_registered(&self.repo, id)
            .await
            .map_err(|e| Refused::Unavailable(format!("{e:#}")))?;
        lock(&self.documents).insert(id.to_string(), (entry.kind, handle.clone()));
        Ok(Some((entry.kind, handle)))
    }

    /// Lets a message in (`Ok`) or says why not. Messages that carry no changes of a
    /// registered document pass untouched; samod itself refuses what the sender may not read
    /// or write.
    pub async fn admit(&self, sender: &Sender, bytes: &[u8]) -> Result<(), Refused> {
        let Some(message) = decode_doc_message(bytes).map_err(Refused::Malformed)? else {
            return Ok(());
        };
        let Ok(sync) = automerge::sync::Message::decode(&message.data) else {
            // samod refuses it as well.
            return Ok(());
        };
        if sync.changes.is_empty() {
            return Ok(());
        }
        let Some((kind, handle)) = self.document(&message.document_id).await? else {
            return Ok(());
        };
        let joined: Vec<u8> = sync.changes.iter().flatten().copied().collect();
        // The server's heads, so that of a whole document sent again only what is new to the
        // server is decoded into changes.
        let heads = handle
            .with_document_async(|doc| doc.get_heads())
            .await
            .map_err(|_| Refused::Unavailable("the repository stopped".into()))?;
        let changes = read_changes(&joined, &heads)?;
        let doc_id = message.document_id.clone();
        let known_roles = lock(&self.roles).get(&doc_id).cloned();
        // The changes the server does not have yet, and the roles of the objects they write to
        // (those not named before are named by their paths in the document).
        let (new, roles) = handle
            .with_document_async(move |doc| {
                let new: Vec<Change> = changes
                    .into_iter()
                    .filter(|c| doc.get_change_meta_by_hash(&c.hash()).is_none())
                    .collect();
                let mut roles = known_roles.unwrap_or_default();
                for change in &new {
                    roles.name_objects_of(doc, kind, change);
                }
                (new, roles)
            })
            .await
            .map_err(|_| Refused::Unavailable("the repository stopped".into()))?;
        lock(&self.roles).insert(doc_id.clone(), roles.clone());
        if new.is_empty() {
            return Ok(());
        }
        for change in &new {
            judge(kind, &roles, change)?;
        }
        let received_ms = now_ms();
        let receipts = new
            .iter()
            .map(|change| Receipt {
                doc_id: doc_id.clone(),
                change_hash: change.hash().to_string(),
                username: sender.username.clone(),
                device: sender.device.clone(),
                received_ms,
                declared: change.message().map(str::to_string),
            })
            .collect();
        self.audit
            .record(receipts)
            .await
            .map_err(|e| Refused::Unavailable(format!("{e:#}")))?;
        Ok(())
    }
}

/// Reads the changes of a message; a panic inside automerge on hostile bytes is a refusal, not a
/// crash.
fn read_changes(joined: &[u8], known: &[ChangeHash]) -> Result<Vec<Change>, Refused> {
    std::panic::catch_unwind(|| write_rules::changes_in(joined, known))
        .map_err(|_| Refused::Malformed("changes that cannot be decoded"))?
        .map_err(Refused::from)
}

fn judge(kind: DocumentKind, roles: &Roles, change: &Change) -> Result<(), Refused> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        write_rules::judge(kind, roles, change)
    }))
    .map_err(|_| Refused::Malformed("a change that cannot be decoded"))?
    .map_err(Refused::from)
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|p| p.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn encode(fields: &[(&str, Field)]) -> Vec<u8> {
        let mut buf = Vec::new();
        let mut encoder = minicbor::Encoder::new(&mut buf);
        encoder.map(fields.len() as u64).unwrap();
        for (key, value) in fields {
            encoder.str(key).unwrap();
            match value {
                Field::Text(t) => encoder.str(t).unwrap(),
                Field::Bytes(b) => encoder.bytes(b).unwrap(),
            };
        }
        buf
    }

    enum Field {
        Text(&'static str),
        Bytes(Vec<u8>),
    }

    const DOC: &str = "3KCT2ZckdHD8qUq3XTb1kkjagmup";

    #[test]
    fn the_last_data_field_is_the_one_judged_as_samod_applies_it() {
        let bytes = encode(&[
            ("type", Field::Text("sync")),
            ("documentId", Field::Text(DOC)),
            ("data", Field::Bytes(vec![1])),
            ("senderId", Field::Text("a/b")),
            ("data", Field::Bytes(vec![2, 3])),
        ]);
        assert_eq!(
            decode_doc_message(&bytes).unwrap(),
            Some(DocMessage {
                document_id: DOC.into(),
                data: vec![2, 3]
            })
        );
    }

    #[test]
    fn other_messages_pass_and_broken_ones_are_named() {
        let join = encode(&[
            ("type", Field::Text("join")),
            ("senderId", Field::Text("a/b")),
        ]);
        assert_eq!(decode_doc_message(&join).unwrap(), None);
        assert_eq!(decode_doc_message(b"\x01\x02"), Err("not a CBOR map"));
        let no_doc = encode(&[
            ("type", Field::Text("sync")),
            ("data", Field::Bytes(vec![])),
        ]);
        assert_eq!(decode_doc_message(&no_doc), Err("no documentId"));
        let bad_doc = encode(&[
            ("type", Field::Text("request")),
            ("documentId", Field::Text("not a document id")),
            ("data", Field::Bytes(vec![])),
        ]);
        assert_eq!(decode_doc_message(&bad_doc), Err("bad documentId"));
    }
}
