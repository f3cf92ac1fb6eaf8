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

pub(crate) fn map_at(doc: &Automerge, obj: &ObjId, key: &str) -> Result<ObjId> {
    match doc.get(obj, key)? {
        Some((Value::Object(ObjType::Map), id)) => Ok(id),
        _ => Err(DocumentError::Missing(key.to_string())),
    }
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

/// Checks the document's schema marker.
pub(crate) fn check_schema(doc: &Automerge, expected: &'static str) -> Result<()> {
    match str_at(doc, &automerge::ROOT, "schema")? {
        Some(s) if s == expected => Ok(()),
        _ => Err(DocumentError::WrongSchema { expected }),
    }
}

#[cfg(test)]
mod tests;
