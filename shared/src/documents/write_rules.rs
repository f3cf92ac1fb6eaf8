//! What a client may write into each kind of document, judged op by op before the server lets a
//! change in.
//!
//! The server creates every structure of a document up front (the header `schema`, `unit`,
//! `year`; the maps of tasks and periods; the text objects; the `actuals` and `evidence` maps).
//! Clients only fill them in. A change from a client is therefore allowed only when every one of
//! its operations is one a PlanSync client makes:
//!
//! - records: a task's `status` (a known status) and `progress` (0 to 100); editing the text of a
//!   period's `result`, `difficulties`, `proposals` and `notes`; an actual (a number keyed by the
//!   target's index); an evidence entry (a map keyed by the file's SHA-256, with `name`, `size`,
//!   `sha256`, `mime`, `by`, `at`) added or removed;
//! - review: a period's `verdict`, `by` and `at`, and the text of its `comment`;
//! - plan: an entry of the `edits` map (a JSON string per task).
//!
//! Anything else (a write at the root, replacing or deleting a map or a text the server created,
//! a value of the wrong type, a counter, a list, a mark) is refused with the reason. Roles of the
//! server's objects are found by walking the document by path ([`Roles::read`]); since no client
//! can replace them, the roles never change once created.
//!
//! A change may reach the server before a change it depends on (Automerge queues it until the
//! dependency arrives). An operation on an object the server does not know yet can then only be
//! on an evidence entry that the missing change creates (nothing else may be created by a
//! client), so it is judged by the evidence entry's rules; if the missing change turns out to be
//! refused, the dependent one can never apply.

use std::collections::HashMap;

use automerge::legacy::{Key, ObjectId, OpType};
use automerge::{
    ActorId, Automerge, Change, ChangeHash, ObjId, ObjType, ReadDoc, ScalarValue, Value, ROOT,
};

use super::records::{TaskStatus, TextField};
use super::review::Verdict;
use super::{child_maps, child_objects, DocumentKind};

/// What a server-created object is, by where it sits in its document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Root,
    /// `tasks`, of a records or review document.
    Tasks,
    /// `tasks.TASK` of a records document (status, progress).
    RecordsTask,
    /// `tasks.TASK` of a review document.
    ReviewTask,
    /// `tasks.TASK.periods`.
    Periods,
    /// `tasks.TASK.periods.PERIOD` of a records document.
    RecordsPeriod,
    /// `tasks.TASK.periods.PERIOD` of a review document (verdict, by, at).
    ReviewPeriod,
    /// A text a client edits: a period's result, difficulties, proposals, notes or comment.
    Text,
    /// `actuals` of a records period.
    Actuals,
    /// `evidence` of a records period.
    Evidence,
    /// An entry of an `evidence` map (created by a client).
    EvidenceEntry,
    /// `edits` of the plan document.
    PlanEdits,
}

/// An object id as operations name it: (counter, actor).
type ObjKey = (u64, ActorId);

/// The roles of a document's objects, read by path.
#[derive(Debug, Clone, Default)]
pub struct Roles {
    by_object: HashMap<ObjKey, Role>,
}

/// Why a change was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("change {change} refused: {reason}")]
pub struct Refusal {
    pub change: ChangeHash,
    pub reason: String,
}

/// Why the changes of a sync message could not even be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unreadable changes: {0}")]
pub struct UnreadableChanges(pub String);

fn obj_key(id: &ObjId) -> Option<ObjKey> {
    match id {
        ObjId::Id(counter, actor, _) => Some((*counter, actor.clone())),
        ObjId::Root => None,
    }
}

impl Roles {
    /// Walks `doc` (a document of `kind`) and names the role of every object PlanSync created,
    /// reading each map in one pass ([`child_objects`]): the server does this for every
    /// document the first time a client sends it changes, so for all of them at once when
    /// every laptop reconnects.
    pub fn read(doc: &Automerge, kind: DocumentKind) -> Roles {
        let mut roles = Roles::default();
        let map_at = |obj: &ObjId, key: &str| match doc.get(obj, key) {
            Ok(Some((Value::Object(ObjType::Map), id))) => Some(id),
            _ => None,
        };
        match kind {
            DocumentKind::Plan => {
                if let Some(edits) = map_at(&ROOT, "edits") {
                    roles.insert(&edits, Role::PlanEdits);
                }
            }
            DocumentKind::Records | DocumentKind::Review => {
                let Some(tasks) = map_at(&ROOT, "tasks") else {
                    return roles;
                };
                roles.insert(&tasks, Role::Tasks);
                let is_records = kind == DocumentKind::Records;
                for (_, task) in child_maps(doc, &tasks) {
                    roles.insert(
                        &task,
                        if is_records {
                            Role::RecordsTask
                        } else {
                            Role::ReviewTask
                        },
                    );
                    let Some(periods) = map_at(&task, "periods") else {
                        continue;
                    };
                    roles.insert(&periods, Role::Periods);
                    for (_, period) in child_maps(doc, &periods) {
                        if is_records {
                            roles.read_records_period(doc, &period);
                        } else {
                            roles.insert(&period, Role::ReviewPeriod);
                            for (key, obj_type, id) in child_objects(doc, &period) {
                                if key == "comment" && obj_type == ObjType::Text {
                                    roles.insert(&id, Role::Text);
                                }
                            }
                        }
                    }
                }
            }
        }
        roles
    }

    fn read_records_period(&mut self, doc: &Automerge, period: &ObjId) {
        self.insert(period, Role::RecordsPeriod);
        for (key, obj_type, id) in child_objects(doc, period) {
            match obj_type {
                ObjType::Text if TextField::ALL.iter().any(|field| field.key() == key) => {
                    self.insert(&id, Role::Text);
                }
                ObjType::Map if key == "actuals" => self.insert(&id, Role::Actuals),
                ObjType::Map if key == "evidence" => {
                    self.insert(&id, Role::Evidence);
                    for (_, entry) in child_maps(doc, &id) {
                        self.insert(&entry, Role::EvidenceEntry);
                    }
                }
                _ => {}
            }
        }
    }

    fn insert(&mut self, id: &ObjId, role: Role) {
        if let Some(key) = obj_key(id) {
            self.by_object.insert(key, role);
        }
    }

    fn role(&self, obj: &ObjectId) -> Option<Role> {
        match obj {
            ObjectId::Root => Some(Role::Root),
            ObjectId::Id(id) => self
                .by_object
                .get(&(id.counter(), id.actor().clone()))
                .copied(),
        }
    }

    /// Whether some operation of `change` is on an object these roles do not know (so the
    /// caller may read the roles afresh before judging).
    pub fn misses_objects_of(&self, change: &Change) -> bool {
        let expanded = change.decode();
        let created = created_objects(&expanded);
        expanded.operations.iter().any(|op| {
            self.role(&op.obj).is_none()
                && !matches!(&op.obj, ObjectId::Id(id) if created.contains(&(id.counter(), id.actor().clone())))
        })
    }
}

/// The objects a change creates itself.
fn created_objects(change: &automerge::ExpandedChange) -> Vec<ObjKey> {
    change
        .operations
        .iter()
        .enumerate()
        .filter(|(_, op)| matches!(op.action, OpType::Make(_)))
        .map(|(idx, _)| (change.start_op.get() + idx as u64, change.actor_id.clone()))
        .collect()
}

/// Judges one change from a client for a document of `kind` whose objects have `roles`.
pub fn judge(kind: DocumentKind, roles: &Roles, change: &Change) -> Result<(), Refusal> {
    let refuse = |reason: String| Refusal {
        change: change.hash(),
        reason,
    };
    let expanded = change.decode();
    for op in &expanded.operations {
        // An object this change (or a change the server has not seen yet) creates can only be
        // an evidence entry: it is the one thing a client may create.
        let role = roles.role(&op.obj).unwrap_or(Role::EvidenceEntry);
        judge_op(kind, role, op).map_err(|why| refuse(why.to_string()))?;
    }
    Ok(())
}

fn map_key(op: &automerge::legacy::Op) -> Result<&str, &'static str> {
    match (&op.key, op.insert) {
        (Key::Map(key), false) => Ok(key.as_str()),
        _ => Err("a list operation on a map"),
    }
}

fn is_number(value: &ScalarValue) -> bool {
    matches!(
        value,
        ScalarValue::F64(_) | ScalarValue::Int(_) | ScalarValue::Uint(_)
    )
}

fn judge_op(kind: DocumentKind, role: Role, op: &automerge::legacy::Op) -> Result<(), String> {
    use OpType::{Delete, Make, Put};
    let refused = |what: &str| -> Result<(), String> { Err(what.to_string()) };
    match role {
        Role::Root => refused("writes the document's header or root, which only the server writes"),
        Role::Tasks | Role::Periods | Role::ReviewTask => {
            refused("changes the document's structure, which only the server writes")
        }
        Role::RecordsPeriod => refused("replaces or deletes a period's texts, actuals or evidence"),
        Role::RecordsTask => {
            let key = map_key(op)?;
            match (key, &op.action) {
                ("status", Put(ScalarValue::Str(s))) if TaskStatus::parse(s).is_some() => Ok(()),
                // Choosing the value shown among competing ones deletes the others.
                ("status" | "progress", Delete) => Ok(()),
                ("status", _) => refused("a task's status must be one of the known statuses"),
                ("progress", Put(ScalarValue::Int(n))) if (0..=100).contains(n) => Ok(()),
                ("progress", Put(ScalarValue::Uint(n))) if *n <= 100 => Ok(()),
                ("progress", _) => {
                    refused("a task's progress must be a whole number from 0 to 100")
                }
                _ => Err(format!(
                    "writes \"{key}\" in a task, which holds only status and progress"
                )),
            }
        }
        Role::ReviewPeriod => {
            let key = map_key(op)?;
            match (key, &op.action) {
                ("verdict", Put(ScalarValue::Str(s))) if Verdict::parse(s).is_some() => Ok(()),
                // As for a task's status: choosing among competing values deletes the others.
                ("verdict" | "by" | "at", Delete) => Ok(()),
                ("verdict", _) => refused("a verdict must be pending, accepted or returned"),
                ("by", Put(ScalarValue::Str(_))) => Ok(()),
                ("at", Put(v)) if is_number(v) || matches!(v, ScalarValue::Timestamp(_)) => Ok(()),
                ("by" | "at", _) => refused("a verdict's author and time must be a name and a time"),
                _ => Err(format!("writes \"{key}\" in a review period, which holds only verdict, comment, by and at")),
            }
        }
        Role::Text => match (&op.key, &op.action) {
            (Key::Seq(_), Put(ScalarValue::Str(_))) => Ok(()),
            (Key::Seq(_), Delete) if !op.insert => Ok(()),
            _ => refused("only characters may be inserted into or deleted from a text"),
        },
        Role::Actuals => {
            let key = map_key(op)?;
            if key.is_empty() || !key.bytes().all(|b| b.is_ascii_digit()) {
                return Err(format!(
                    "an actual must be keyed by its target's number, not \"{key}\""
                ));
            }
            match &op.action {
                Put(v) if is_number(v) => match v {
                    ScalarValue::F64(f) if !f.is_finite() => {
                        refused("an actual must be a finite number")
                    }
                    _ => Ok(()),
                },
                Delete => Ok(()),
                _ => refused("an actual must be a number"),
            }
        }
        Role::Evidence => {
            let key = map_key(op)?;
            if !crate::record::is_sha256_hex(key) {
                return Err(format!(
                    "an evidence entry must be keyed by its file's SHA-256, not \"{key}\""
                ));
            }
            match &op.action {
                Make(ObjType::Map) | Delete => Ok(()),
                _ => refused("an evidence entry must be a map"),
            }
        }
        Role::EvidenceEntry => {
            let key = map_key(op)?;
            if !matches!(key, "name" | "size" | "sha256" | "mime" | "by" | "at") {
                return Err(format!(
                    "writes \"{key}\" in an evidence entry (name, size, sha256, mime, by, at)"
                ));
            }
            match &op.action {
                Put(ScalarValue::Str(_)) if matches!(key, "name" | "sha256" | "mime" | "by") => {
                    Ok(())
                }
                Put(v)
                    if matches!(key, "size" | "at")
                        && (is_number(v) || matches!(v, ScalarValue::Timestamp(_))) =>
                {
                    Ok(())
                }
                Delete => Ok(()),
                _ => Err(format!("an evidence entry's \"{key}\" has the wrong type")),
            }
        }
        Role::PlanEdits => {
            debug_assert_eq!(kind, DocumentKind::Plan);
            map_key(op)?;
            match &op.action {
                Put(ScalarValue::Str(_)) | Delete => Ok(()),
                _ => refused("a plan edit must be a JSON text"),
            }
        }
    }
}

/// Every change carried by `bytes`, the `changes` of a sync message (what
/// `Automerge::load_incremental` would apply): a sequence of chunks, each a change (plain or
/// compressed), a bundle of changes or a whole document.
pub fn changes_in(bytes: &[u8]) -> Result<Vec<Change>, UnreadableChanges> {
    const MAGIC: [u8; 4] = [0x85, 0x6f, 0x4a, 0x83];
    let bad = |why: &str| UnreadableChanges(why.to_string());
    let mut changes = Vec::new();
    let mut rest = bytes;
    while !rest.is_empty() {
        if rest.len() < 9 || rest[..4] != MAGIC {
            return Err(bad("a chunk does not start with Automerge's magic bytes"));
        }
        let chunk_type = rest[8];
        let (len, n_len_bytes) = uleb128(&rest[9..]).ok_or_else(|| bad("bad chunk length"))?;
        let header_len = 9 + n_len_bytes;
        let end = usize::try_from(len)
            .ok()
            .and_then(|len| header_len.checked_add(len))
            .filter(|end| *end <= rest.len())
            .ok_or_else(|| bad("a chunk is longer than the message"))?;
        let chunk = &rest[..end];
        match chunk_type {
            // A whole document: every change it holds.
            0 => {
                let doc =
                    Automerge::load(chunk).map_err(|e| bad(&format!("document chunk: {e}")))?;
                changes.extend(doc.get_changes(&[]));
            }
            // A change, plain or compressed.
            1 | 2 => changes
                .push(Change::try_from(chunk).map_err(|e| bad(&format!("change chunk: {e}")))?),
            3 => {
                let bundle = automerge::Bundle::try_from(chunk)
                    .map_err(|e| bad(&format!("bundle chunk: {e}")))?;
                changes.extend(
                    bundle
                        .to_changes()
                        .map_err(|e| bad(&format!("bundle chunk: {e}")))?,
                );
            }
            other => return Err(bad(&format!("unknown chunk type {other}"))),
        }
        rest = &rest[end..];
    }
    Ok(changes)
}

/// An unsigned LEB128 number and how many bytes it took.
fn uleb128(bytes: &[u8]) -> Option<(u64, usize)> {
    let mut value: u64 = 0;
    for (idx, byte) in bytes.iter().enumerate().take(10) {
        let low = u64::from(byte & 0x7f);
        value |= low.checked_shl(7 * idx as u32)?;
        if byte & 0x80 == 0 {
            return Some((value, idx + 1));
        }
    }
    None
}

#[cfg(test)]
mod tests;
