//! The Automerge documents PlanSync syncs, and the only code that reads or writes them.
//!
//! Documents are partitioned by who may write them, so the server authorises per document:
//! - the plan document ([`plan_doc`]), written by the office's plan editors;
//! - one records document per unit and year ([`records`]), written by that unit's staff;
//! - one review document per unit and year ([`review`]), written by the office's reviewers.
//!
//! Every structure a client may edit is created up front by the server (maps keyed by stable
//! ids: task id, then period id), so two offline clients never create competing objects at the
//! same key. Long text is Automerge text (merged character by character); a scalar edited on two
//! laptops at once keeps both values, which [`Versions`] exposes until a person picks one.
//! Each change's commit message records who made it ([`ChangeAuthor`]).

pub mod history;
pub mod period_lock;
pub mod plan_doc;
pub mod records;
pub mod review;
pub mod write_rules;

use automerge::transaction::{CommitOptions, Transactable, Transaction};
use automerge::{ActorId, Automerge, ObjId, ObjType, ReadDoc, ScalarValue, Value};
use serde::{Deserialize, Serialize};

use crate::unreadable::{RecordPart, UnreadableReason};

/// Which of the three document kinds a document is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DocumentKind {
    Plan,
    Records,
    Review,
}

impl DocumentKind {
    pub fn as_str(self) -> &'static str {
        match self {
            DocumentKind::Plan => "plan",
            DocumentKind::Records => "records",
            DocumentKind::Review => "review",
        }
    }

    pub fn parse(text: &str) -> Option<DocumentKind> {
        match text {
            "plan" => Some(DocumentKind::Plan),
            "records" => Some(DocumentKind::Records),
            "review" => Some(DocumentKind::Review),
            _ => None,
        }
    }
}

/// Who made a change: stored as the change's commit message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChangeAuthor {
    pub user: String,
    pub device: String,
    /// A short description of the edit, for history ("status", "result 2026-Q1").
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub what: String,
}

impl ChangeAuthor {
    /// The actor id a device writes with: stable per device, so history can name it.
    pub fn actor(&self) -> ActorId {
        ActorId::from(self.device.as_bytes())
    }

    pub fn decode(message: &str) -> Option<ChangeAuthor> {
        serde_json::from_str(message).ok()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DocumentError {
    #[error("document is not a PlanSync {expected} document")]
    WrongSchema { expected: &'static str },
    #[error("{0} is not in this document")]
    Missing(String),
    #[error("value out of range: {0}")]
    OutOfRange(String),
    #[error("automerge: {0}")]
    Automerge(String),
    #[error(transparent)]
    PlanEdit(#[from] crate::plan_edit::PlanEditError),
}

impl From<automerge::AutomergeError> for DocumentError {
    fn from(err: automerge::AutomergeError) -> DocumentError {
        DocumentError::Automerge(err.to_string())
    }
}

pub type Result<T, E = DocumentError> = std::result::Result<T, E>;

/// Runs `f` in one transaction whose commit records `author` and `time_ms` (Unix milliseconds).
pub fn change<T>(
    doc: &mut Automerge,
    author: &ChangeAuthor,
    time_ms: i64,
    f: impl FnOnce(&mut Transaction<'_>) -> Result<T>,
) -> Result<T> {
    doc.set_actor(author.actor());
    let message = serde_json::to_string(author).expect("an author always serialises");
    doc.transact_with(
        |_| {
            CommitOptions::default()
                .with_message(message)
                .with_time(time_ms / 1000)
        },
        f,
    )
    .map(|ok| ok.result)
    .map_err(|failure| failure.error)
}

pub use crate::record::{Version, Versions};

/// Reads every competing value of `obj[prop]`, converted by `convert` (values that do not
/// convert are skipped). The value `get` would return comes first.
pub(crate) fn versions<T>(
    doc: &Automerge,
    obj: &ObjId,
    prop: &str,
    convert: impl Fn(&ScalarValue) -> Option<T>,
) -> Result<Versions<T>> {
    let winner = doc.get(obj, prop)?.map(|(_, id)| id);
    let mut values: Vec<(bool, Version<T>)> = doc
        .get_all(obj, prop)?
        .into_iter()
        .filter_map(|(value, id)| {
            let Value::Scalar(scalar) = value else {
                return None;
            };
            let device = match &id {
                ObjId::Id(_, actor, _) => String::from_utf8(actor.to_bytes().to_vec())
                    .unwrap_or_else(|_| actor.to_hex_string()),
                ObjId::Root => String::new(),
            };
            let is_winner = winner.as_ref() == Some(&id);
            convert(&scalar).map(|value| (is_winner, Version { value, device }))
        })
        .collect();
    values.sort_by_key(|(is_winner, _)| !is_winner);
    Ok(Versions {
        values: values.into_iter().map(|(_, v)| v).collect(),
    })
}

/// Like [`versions`], and notes `part` in `unreadable` when `obj[prop]` holds something but no
/// value of it converts (the field then reads as empty).
pub(crate) fn checked_versions<T>(
    doc: &Automerge,
    obj: &ObjId,
    prop: &str,
    convert: impl Fn(&ScalarValue) -> Option<T>,
    part: RecordPart,
    unreadable: &mut Vec<RecordPart>,
) -> Result<Versions<T>> {
    let read = versions(doc, obj, prop, convert)?;
    if read.values.is_empty() && doc.get(obj, prop)?.is_some() {
        unreadable.push(part);
    }
    Ok(read)
}

/// The text at `obj[key]` (a plain string reads too); anything else there reads as empty and is
/// noted as `part` in `unreadable`.
pub(crate) fn checked_text(
    doc: &Automerge,
    obj: &ObjId,
    key: &str,
    part: RecordPart,
    unreadable: &mut Vec<RecordPart>,
) -> Result<String> {
    match doc.get(obj, key)? {
        Some((Value::Object(ObjType::Text), id)) => Ok(doc.text(&id)?),
        Some((Value::Scalar(s), _)) if s.as_str().is_some() => {
            Ok(s.as_str().unwrap_or_default().to_string())
        }
        None => Ok(String::new()),
        Some(_) => {
            unreadable.push(part);
            Ok(String::new())
        }
    }
}

/// What is at `obj[key]`: a map, nothing, or something else.
pub(crate) enum MapAt {
    Map(ObjId),
    Absent,
    NotAMap,
}

pub(crate) fn checked_map(doc: &Automerge, obj: &ObjId, key: &str) -> Result<MapAt> {
    Ok(match doc.get(obj, key)? {
        Some((Value::Object(ObjType::Map), id)) => MapAt::Map(id),
        Some(_) => MapAt::NotAMap,
        None => MapAt::Absent,
    })
}

pub(crate) fn map_at(doc: &Automerge, obj: &ObjId, key: &str) -> Result<ObjId> {
    match doc.get(obj, key)? {
        Some((Value::Object(ObjType::Map), id)) => Ok(id),
        _ => Err(DocumentError::Missing(key.to_string())),
    }
}

/// The objects held in the map `obj`, with their keys and types, in one pass over the map
/// (the value `get` would return for each key; scalar values are left out). Walking a document
/// this way costs one scan per map instead of one lookup per key.
pub(crate) fn child_objects(doc: &Automerge, obj: &ObjId) -> Vec<(String, ObjType, ObjId)> {
    doc.map_range(obj, ..)
        .filter_map(|item| match item.value {
            automerge::ValueRef::Object(obj_type) => {
                let id = item.id();
                Some((item.key.into_owned(), obj_type, id))
            }
            automerge::ValueRef::Scalar(_) => None,
        })
        .collect()
}

/// The maps held in the map `obj`, with their keys (see [`child_objects`]).
pub(crate) fn child_maps(doc: &Automerge, obj: &ObjId) -> Vec<(String, ObjId)> {
    child_objects(doc, obj)
        .into_iter()
        .filter(|(_, obj_type, _)| *obj_type == ObjType::Map)
        .map(|(key, _, id)| (key, id))
        .collect()
}

pub(crate) fn text_at(doc: &Automerge, obj: &ObjId, key: &str) -> Result<String> {
    match doc.get(obj, key)? {
        Some((Value::Object(ObjType::Text), id)) => Ok(doc.text(&id)?),
        Some((Value::Scalar(s), _)) => Ok(s.as_str().unwrap_or_default().to_string()),
        _ => Ok(String::new()),
    }
}

pub(crate) fn str_at(doc: &Automerge, obj: &ObjId, key: &str) -> Result<Option<String>> {
    Ok(doc
        .get(obj, key)?
        .and_then(|(v, _)| v.as_str().map(str::to_string)))
}

pub(crate) fn int_at(doc: &Automerge, obj: &ObjId, key: &str) -> Result<Option<i64>> {
    Ok(doc.get(obj, key)?.and_then(|(v, _)| v.as_i64()))
}

/// Creates `obj[key]` as a map unless it exists; returns it.
pub(crate) fn ensure_map(tx: &mut Transaction<'_>, obj: &ObjId, key: &str) -> Result<ObjId> {
    match tx.get(obj, key)? {
        Some((Value::Object(ObjType::Map), id)) => Ok(id),
        _ => Ok(tx.put_object(obj, key, ObjType::Map)?),
    }
}

/// Creates `obj[key]` as empty text unless it exists.
pub(crate) fn ensure_text(tx: &mut Transaction<'_>, obj: &ObjId, key: &str) -> Result<ObjId> {
    match tx.get(obj, key)? {
        Some((Value::Object(ObjType::Text), id)) => Ok(id),
        _ => Ok(tx.put_object(obj, key, ObjType::Text)?),
    }
}

/// Writes the header of a per-unit, per-year document (`schema`, `unit`, `year`) if it is new,
/// and makes sure `tasks.TASK.periods.PERIOD` exists for every task and period of the year;
/// `fill` adds what each period map holds.
pub(crate) fn ensure_period_maps<'t>(
    tx: &mut Transaction<'_>,
    schema: &str,
    unit: &str,
    year: i32,
    task_ids: impl Iterator<Item = &'t crate::plan::TaskId>,
    mut fill: impl FnMut(&mut Transaction<'_>, &ObjId) -> Result<()>,
) -> Result<()> {
    if tx.get(automerge::ROOT, "schema")?.is_none() {
        tx.put(automerge::ROOT, "schema", schema)?;
        tx.put(automerge::ROOT, "unit", unit)?;
        tx.put(automerge::ROOT, "year", i64::from(year))?;
    }
    let tasks = ensure_map(tx, &automerge::ROOT, "tasks")?;
    for task_id in task_ids {
        let task = ensure_map(tx, &tasks, &task_id.0)?;
        let periods = ensure_map(tx, &task, "periods")?;
        for period in crate::calendar::PeriodId::of_year(year) {
            let period_obj = ensure_map(tx, &periods, &period.to_string())?;
            fill(tx, &period_obj)?;
        }
    }
    Ok(())
}

/// Why a per-unit, per-year document cannot be read at all, with the technical cause.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{cause}")]
pub struct HeaderError {
    pub reason: UnreadableReason,
    /// What was found, for whoever repairs the document.
    pub cause: String,
}

/// Checks the header (`schema`, `unit`, `year`) and the map of tasks of a per-unit, per-year
/// document: what must hold before any task of it can be read.
pub(crate) fn check_header(
    doc: &Automerge,
    schema: &'static str,
    unit: &str,
    year: i32,
) -> std::result::Result<(), HeaderError> {
    let fail = |reason, cause: String| Err(HeaderError { reason, cause });
    // Reading never fails on a loaded document; if it did, nothing of it could be read.
    fn broken(err: impl std::fmt::Display) -> HeaderError {
        HeaderError {
            reason: UnreadableReason::Empty,
            cause: err.to_string(),
        }
    }
    if doc.keys(automerge::ROOT).next().is_none() {
        return fail(UnreadableReason::Empty, "the document is empty".into());
    }
    let root_value = |key: &str| -> std::result::Result<Option<String>, HeaderError> {
        Ok(doc
            .get(automerge::ROOT, key)
            .map_err(broken)?
            .map(|(value, _)| describe(&value)))
    };
    match str_at(doc, &automerge::ROOT, "schema").map_err(broken)? {
        Some(found) if found == schema => {}
        Some(found) => {
            return fail(
                UnreadableReason::WrongSchema {
                    found: Some(found.clone()),
                },
                format!("schema is \"{found}\", expected \"{schema}\""),
            )
        }
        None => {
            let found = root_value("schema")?;
            return fail(
                UnreadableReason::WrongSchema { found: None },
                match found {
                    Some(found) => format!("schema is {found}, expected \"{schema}\""),
                    None => format!("no schema (expected \"{schema}\")"),
                },
            );
        }
    }
    let found_unit = str_at(doc, &automerge::ROOT, "unit").map_err(broken)?;
    if found_unit.as_deref() != Some(unit) {
        let shown = root_value("unit")?.unwrap_or_else(|| "missing".into());
        return fail(
            UnreadableReason::WrongUnit { found: found_unit },
            format!("unit is {shown}, expected \"{unit}\""),
        );
    }
    let found_year = int_at(doc, &automerge::ROOT, "year").map_err(broken)?;
    if found_year != Some(i64::from(year)) {
        let shown = root_value("year")?.unwrap_or_else(|| "missing".into());
        return fail(
            UnreadableReason::WrongYear {
                found: found_year,
                expected: year,
            },
            format!("year is {shown}, expected {year}"),
        );
    }
    match checked_map(doc, &automerge::ROOT, "tasks").map_err(broken)? {
        MapAt::Map(_) => Ok(()),
        MapAt::Absent => fail(UnreadableReason::NoTasks, "no tasks map".to_string()),
        MapAt::NotAMap => {
            let shown = root_value("tasks")?.unwrap_or_default();
            fail(
                UnreadableReason::NoTasks,
                format!("tasks is {shown}, not a map"),
            )
        }
    }
}

/// A value as a repair note shows it: `"text"`, `3`, `86.5`, `a map`.
fn describe(value: &Value<'_>) -> String {
    match value {
        Value::Scalar(s) => match s.as_ref() {
            ScalarValue::Str(text) => format!("\"{text}\""),
            ScalarValue::F64(f) => format!("{f}"),
            other => other.to_string(),
        },
        Value::Object(kind) => format!("a {kind}"),
    }
}

/// Checks the document's schema marker.
pub(crate) fn check_schema(doc: &Automerge, expected: &'static str) -> Result<()> {
    match str_at(doc, &automerge::ROOT, "schema")? {
        Some(s) if s == expected => Ok(()),
        _ => Err(DocumentError::WrongSchema { expected }),
    }
}

#[cfg(test)]
mod tests;
