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
//!   `sha256`, `mime`, `by`, `at`) added or removed; a period's sending (`sent_at`, `sent_by`,
//!   `sent_digest`, `sent_answers`);
//! - review: a period's `verdict`, `by` and `at`, and the text of its `comment`;
//! - plan: an entry of the `edits` map (a JSON string per task); a field of the
//!   `report_heading` map (a string under one of [`HeadingField`]'s keys, or its deletion).
//!
//! Anything else (a write at the root, replacing or deleting a map or a text the server created,
//! a value of the wrong type, a counter, a list, a mark) is refused with the reason. An object's
//! role follows from its path in the document: the server names the objects a change writes to
//! by their paths ([`Roles::name_objects_of`], what walking the whole document with
//! [`Roles::read`] would give them); since no client can replace them, the roles never change
//! once created.
//!
//! A change may reach the server before a change it depends on (Automerge queues it until the
//! dependency arrives). An operation on an object the server does not know yet can then only be
//! on an evidence entry that the missing change creates (nothing else may be created by a
//! client), so it is judged by the evidence entry's rules; if the missing change turns out to be
//! refused, the dependent one can never apply.

use std::collections::HashMap;

use automerge::legacy::{Key, ObjectId, OpType};
use automerge::{
    ActorId, Automerge, Change, ChangeHash, ObjId, ObjType, Prop, ReadDoc, ScalarValue, Value, ROOT,
};

use super::records::{TaskStatus, TextField, SENT_ANSWERS, SENT_AT, SENT_BY, SENT_DIGEST};
use super::review::Verdict;
use super::{child_maps, child_objects, DocumentKind};
use crate::report::HeadingField;

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
    /// `report_heading` of the plan document.
    PlanHeading,
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
                if let Some(heading) = map_at(&ROOT, super::plan_doc::HEADING) {
                    roles.insert(&heading, Role::PlanHeading);
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

    /// Names the objects `change` writes to that these roles do not know yet, each by its path
    /// in `doc` (the role [`Roles::read`] would give it; none when it has none there): the
    /// cost is that of the change, not of the document, so a laptop's first change after the
    /// server started does not make the server walk the whole document.
    pub fn name_objects_of(&mut self, doc: &Automerge, kind: DocumentKind, change: &Change) {
        let expanded = change.decode();
        for op in &expanded.operations {
            let ObjectId::Id(id) = &op.obj else {
                continue;
            };
            let key = (id.counter(), id.actor().clone());
            if self.by_object.contains_key(&key) {
                continue;
            }
            if let Some(role) = role_by_path(doc, kind, id.counter(), id.actor()) {
                self.by_object.insert(key, role);
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
}

/// The role of the object `counter@actor` from its path in `doc`: the same as [`Roles::read`]
/// gives it (every step of the path the visible value of its key, every map a map), or none.
fn role_by_path(
    doc: &Automerge,
    kind: DocumentKind,
    counter: u64,
    actor: &ActorId,
) -> Option<Role> {
    let (obj, obj_type) = doc
        .import(&format!("{counter}@{}", actor.to_hex_string()))
        .ok()?;
    // The path from the root: each key with the type of the object under it.
    let mut steps: Vec<(String, ObjType)> = Vec::new();
    let mut child_type = obj_type;
    for parent in doc.parents(&obj).ok()? {
        let (true, Prop::Map(key)) = (parent.visible, parent.prop) else {
            return None;
        };
        steps.push((key, child_type));
        child_type = parent.typ;
    }
    steps.reverse();
    let steps: Vec<(&str, ObjType)> = steps.iter().map(|(k, t)| (k.as_str(), *t)).collect();
    const MAP: ObjType = ObjType::Map;
    const TEXT: ObjType = ObjType::Text;
    let is_records = kind == DocumentKind::Records;
    match (kind, steps.as_slice()) {
        (DocumentKind::Plan, [("edits", MAP)]) => Some(Role::PlanEdits),
        (DocumentKind::Plan, [(super::plan_doc::HEADING, MAP)]) => Some(Role::PlanHeading),
        (DocumentKind::Plan, _) => None,
        (_, [("tasks", MAP)]) => Some(Role::Tasks),
        (_, [("tasks", MAP), (_, MAP)]) if is_records => Some(Role::RecordsTask),
        (_, [("tasks", MAP), (_, MAP)]) => Some(Role::ReviewTask),
        (_, [("tasks", MAP), (_, MAP), ("periods", MAP)]) => Some(Role::Periods),
        (_, [("tasks", MAP), (_, MAP), ("periods", MAP), (_, MAP), rest @ ..]) => {
            match (is_records, rest) {
                (true, []) => Some(Role::RecordsPeriod),
                (false, []) => Some(Role::ReviewPeriod),
                (true, [(key, TEXT)]) if TextField::ALL.iter().any(|f| f.key() == *key) => {
                    Some(Role::Text)
                }
                (true, [("actuals", MAP)]) => Some(Role::Actuals),
                (true, [("evidence", MAP)]) => Some(Role::Evidence),
                (true, [("evidence", MAP), (_, MAP)]) => Some(Role::EvidenceEntry),
                (false, [("comment", TEXT)]) => Some(Role::Text),
                _ => None,
            }
        }
        _ => None,
    }
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
        // The unit's sending of the period's report (see `crate::submission`).
        Role::RecordsPeriod => {
            let key = map_key(op)?;
            match (key, &op.action) {
                (SENT_AT | SENT_ANSWERS, Put(v)) if is_number(v) => Ok(()),
                (SENT_BY, Put(ScalarValue::Str(_))) => Ok(()),
                (SENT_DIGEST, Put(ScalarValue::Str(s)))
                    if s.len() == 16 && s.chars().all(|c| c.is_ascii_hexdigit()) =>
                {
                    Ok(())
                }
                (SENT_AT | SENT_ANSWERS | SENT_BY | SENT_DIGEST, _) => refused(
                    "a sending is a time, a name, a 16-digit fingerprint and the time it answers",
                ),
                _ => refused("replaces or deletes a period's texts, actuals or evidence"),
            }
        }
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
        Role::PlanHeading => {
            debug_assert_eq!(kind, DocumentKind::Plan);
            let key = map_key(op)?;
            if HeadingField::parse(key).is_none() {
                return Err(format!(
                    "writes \"{key}\" in the report heading, which holds only its known fields"
                ));
            }
            match &op.action {
                Put(ScalarValue::Str(_)) | Delete => Ok(()),
                _ => refused("a report heading's field must be a text"),
            }
        }
    }
}

/// Every change carried by `bytes`, the `changes` of a sync message (what
/// `Automerge::load_incremental` would apply): a sequence of chunks, each a change (plain or
/// compressed), a bundle of changes or a whole document.
///
/// `known`: heads of the reader's copy of the document. Of a whole-document chunk (which a
/// client may send with its entire history), the changes that are ancestors of those of
/// `known` it holds are left out: the reader has them. Every change the reader lacks is still
/// returned; `&[]` returns them all.
pub fn changes_in(bytes: &[u8], known: &[ChangeHash]) -> Result<Vec<Change>, UnreadableChanges> {
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
                let common: Vec<ChangeHash> = known
                    .iter()
                    .filter(|h| doc.get_change_meta_by_hash(h).is_some())
                    .copied()
                    .collect();
                changes.extend(doc.get_changes(&common));
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
