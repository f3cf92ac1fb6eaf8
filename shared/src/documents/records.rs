//! A unit's records for one year: per task its status and progress, and per reporting period
//! its result, difficulties, proposals, notes and the actual values of its targets.
//!
//! Layout: `{schema, unit, year, tasks: {TASK_ID: {status, progress, periods: {PERIOD:
//! {result, difficulties, proposals, notes: Text, actuals: {TARGET_IDX: f64},
//! evidence: {SHA256: {name, size, sha256, mime?, by, at}}}}}}}`.
//!
//! Evidence files (tài liệu kiểm chứng) are stored outside the documents, content-addressed by
//! their SHA-256; a document holds only their metadata, keyed by the hash (so attaching the same
//! file twice, or on two laptops, is one entry).

use automerge::transaction::Transactable;
use automerge::{Automerge, ObjId, ObjType, ReadDoc, ScalarValue, ROOT};

use super::{
    change, check_header, check_schema, checked_map, checked_text, checked_versions, ensure_map,
    ensure_period_maps, ensure_text, int_at, map_at, str_at, ChangeAuthor, DocumentError,
    HeaderError, MapAt, Result, Versions,
};
use crate::calendar::PeriodId;
use crate::plan::TaskId;
use crate::unreadable::RecordPart;

pub const SCHEMA: &str = "plansync/records@1";

pub use crate::submission::Sending;

pub use crate::record::{
    is_sha256_hex, AttachedEvidence, Evidence, PeriodRecord, RecordEdit, TaskRecord, TaskSkeleton,
    TaskStatus, TextField,
};

/// Creates the records document's structure (idempotent: adds only what is missing).
pub fn ensure_structure(
    doc: &mut Automerge,
    author: &ChangeAuthor,
    time_ms: i64,
    unit: &str,
    year: i32,
    tasks: &[TaskSkeleton],
) -> Result<()> {
    change(doc, author, time_ms, |tx| {
        ensure_period_maps(
            tx,
            SCHEMA,
            unit,
            year,
            tasks.iter().map(|t| &t.task_id),
            |tx, period_obj| {
                for field in TextField::ALL {
                    ensure_text(tx, period_obj, field.key())?;
                }
                ensure_map(tx, period_obj, "actuals")?;
                ensure_map(tx, period_obj, EVIDENCE)?;
                Ok(())
            },
        )
    })
}

/// The unit code and year the document is for.
pub fn owner(doc: &Automerge) -> Result<(String, i32)> {
    check_schema(doc, SCHEMA)?;
    let unit = str_at(doc, &ROOT, "unit")?.unwrap_or_default();
    let year = int_at(doc, &ROOT, "year")?
        .and_then(|y| i32::try_from(y).ok())
        .unwrap_or_default();
    Ok((unit, year))
}

/// The tasks this document has records for.
pub fn task_ids(doc: &Automerge) -> Result<Vec<TaskId>> {
    check_schema(doc, SCHEMA)?;
    let tasks = map_at(doc, &ROOT, "tasks")?;
    Ok(doc.keys(&tasks).map(TaskId).collect())
}

fn task_obj(doc: &Automerge, task_id: &TaskId) -> Result<ObjId> {
    check_schema(doc, SCHEMA)?;
    let tasks = map_at(doc, &ROOT, "tasks")?;
    map_at(doc, &tasks, &task_id.0).map_err(|_| DocumentError::Missing(format!("task {task_id}")))
}

/// Applies one edit in its own change.
pub fn apply(
    doc: &mut Automerge,
    author: &ChangeAuthor,
    time_ms: i64,
    task_id: &TaskId,
    edit: &RecordEdit,
) -> Result<()> {
    let task = task_obj(doc, task_id)?;
    let period_obj = |doc: &Automerge, period: &PeriodId| -> Result<ObjId> {
        let periods = map_at(doc, &task, "periods")?;
        map_at(doc, &periods, &period.to_string())
            .map_err(|_| DocumentError::Missing(format!("period {period}")))
    };
    let period = match edit.period() {
        Some(period) => Some(period_obj(doc, &period)?),
        None => None,
    };
    let author = ChangeAuthor {
        what: edit.describe(),
        ..author.clone()
    };
    change(doc, &author, time_ms, |tx| {
        match edit {
            RecordEdit::Status { status } => {
                tx.put(&task, "status", status.as_str())?;
            }
            RecordEdit::Progress { percent } => {
                if *percent > 100 {
                    return Err(DocumentError::OutOfRange(format!(
                        "progress {percent}% is above 100%"
                    )));
                }
                tx.put(&task, "progress", i64::from(*percent))?;
            }
            RecordEdit::Text { field, text, .. } => {
                let period = period.as_ref().expect("looked up above");
                let obj = ensure_text(tx, period, field.key())?;
                tx.update_text(&obj, text)?;
            }
            RecordEdit::Actual { target, value, .. } => {
                let period = period.as_ref().expect("looked up above");
                let actuals = ensure_map(tx, period, "actuals")?;
                match value {
                    Some(v) if v.is_finite() => tx.put(&actuals, target.to_string(), *v)?,
                    Some(v) => {
                        return Err(DocumentError::OutOfRange(format!(
                            "actual {v} is not a number"
                        )))
                    }
                    None => tx.delete(&actuals, target.to_string())?,
                }
            }
            RecordEdit::AttachEvidence {
                name,
                size,
                sha256,
                mime,
                ..
            } => {
                if !is_sha256_hex(sha256) {
                    return Err(DocumentError::OutOfRange(format!(
                        "\"{sha256}\" is not a lower-case hex SHA-256"
                    )));
                }
                if name.trim().is_empty() {
                    return Err(DocumentError::OutOfRange(
                        "an evidence file needs a name".into(),
                    ));
                }
                let size = i64::try_from(*size).map_err(|_| {
                    DocumentError::OutOfRange(format!("file size {size} is too large"))
                })?;
                let period = period.as_ref().expect("looked up above");
                // Created by the server up front; documents published before evidence existed
                // get it here.
                let evidence = ensure_map(tx, period, EVIDENCE)?;
                let entry = tx.put_object(&evidence, sha256.as_str(), ObjType::Map)?;
                tx.put(&entry, "name", name.as_str())?;
                tx.put(&entry, "size", size)?;
                tx.put(&entry, "sha256", sha256.as_str())?;
                if let Some(mime) = mime {
                    tx.put(&entry, "mime", mime.as_str())?;
                }
                tx.put(&entry, "by", author.user.as_str())?;
                tx.put(&entry, "at", time_ms)?;
            }
            RecordEdit::Send {
                digest, answers, ..
            } => {
                let period = period.as_ref().expect("looked up above");
                tx.put(period, SENT_AT, time_ms)?;
                tx.put(period, SENT_BY, author.user.as_str())?;
                tx.put(period, SENT_DIGEST, digest.as_str())?;
                tx.put(period, SENT_ANSWERS, *answers)?;
            }
            RecordEdit::DetachEvidence { sha256, .. } => {
                let period = period.as_ref().expect("looked up above");
                if let Some((_, evidence)) = tx.get(period, EVIDENCE)? {
                    if tx.get(&evidence, sha256.as_str())?.is_some() {
                        tx.delete(&evidence, sha256.as_str())?;
                    }
                }
            }
        }
        Ok(())
    })
}

const EVIDENCE: &str = "evidence";

/// The keys of a period's sending (see [`crate::submission`]).
pub const SENT_AT: &str = "sent_at";
pub const SENT_BY: &str = "sent_by";
pub const SENT_DIGEST: &str = "sent_digest";
pub const SENT_ANSWERS: &str = "sent_answers";

/// The period's sending, when the unit sent it (a sending without its time or digest reads as
/// none).
fn read_sending(doc: &Automerge, period: &ObjId) -> Result<Option<Sending>> {
    let (Some(at), Some(digest)) = (
        int_at(doc, period, SENT_AT)?,
        str_at(doc, period, SENT_DIGEST)?,
    ) else {
        return Ok(None);
    };
    Ok(Some(Sending {
        at,
        by: str_at(doc, period, SENT_BY)?.unwrap_or_default(),
        digest,
        answers: int_at(doc, period, SENT_ANSWERS)?.unwrap_or_default(),
    }))
}

fn read_evidence(doc: &Automerge, period: &ObjId) -> Result<Vec<Evidence>> {
    let Ok(evidence_obj) = map_at(doc, period, EVIDENCE) else {
        return Ok(Vec::new());
    };
    let mut found = Vec::new();
    for key in doc.keys(&evidence_obj) {
        let Ok(entry) = map_at(doc, &evidence_obj, &key) else {
            continue;
        };
        let sha256 = str_at(doc, &entry, "sha256")?.unwrap_or_default();
        // The key is the address; an entry whose fields disagree with it is ignored.
        if sha256 != key || !is_sha256_hex(&sha256) {
            continue;
        }
        found.push(Evidence {
            name: str_at(doc, &entry, "name")?.unwrap_or_default(),
            size: int_at(doc, &entry, "size")?
                .and_then(|s| u64::try_from(s).ok())
                .unwrap_or_default(),
            sha256,
            mime: str_at(doc, &entry, "mime")?,
            by: str_at(doc, &entry, "by")?.unwrap_or_default(),
            at: int_at(doc, &entry, "at")?.unwrap_or_default(),
        });
    }
    found.sort_by(|a, b| (a.at, &a.name, &a.sha256).cmp(&(b.at, &b.name, &b.sha256)));
    Ok(found)
}

/// Every evidence file attached anywhere in the document, by task and period.
pub fn all_evidence(doc: &Automerge) -> Result<Vec<AttachedEvidence>> {
    let mut all = Vec::new();
    for task_id in task_ids(doc)? {
        for period in read(doc, &task_id)?.periods {
            for evidence in period.evidence {
                all.push(AttachedEvidence {
                    task_id: task_id.clone(),
                    period: period.period,
                    evidence,
                });
            }
        }
    }
    Ok(all)
}

/// Whether some task's period of the document lists the file `sha256` as evidence.
pub fn references_evidence(doc: &Automerge, sha256: &str) -> Result<bool> {
    Ok(all_evidence(doc)?
        .iter()
        .any(|a| a.evidence.sha256 == sha256))
}

/// Reads a task's record, with competing versions of scalar fields. Parts that cannot be read
/// (see [`read_period_checked`]) read as empty.
pub fn read(doc: &Automerge, task_id: &TaskId) -> Result<TaskRecord> {
    read_parts(doc, task_id, None, &mut Vec::new())
}

/// The task's record with only `period`'s contents (what a period's report needs; reading the
/// other periods' texts would cost several times more).
pub fn read_period(doc: &Automerge, task_id: &TaskId, period: PeriodId) -> Result<TaskRecord> {
    read_parts(doc, task_id, Some(period), &mut Vec::new())
}

/// Checks what must hold before any task of the document can be read: the header names the
/// records of `unit` for `year`, and the map of tasks is there.
pub fn check(doc: &Automerge, unit: &str, year: i32) -> std::result::Result<(), HeaderError> {
    check_header(doc, SCHEMA, unit, year)
}

/// A task's record with what of it could not be read.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckedRecord {
    pub record: TaskRecord,
    /// The parts that hold something PlanSync does not write there (a map replaced by a value,
    /// a value of the wrong type, the period's map missing); each reads as empty.
    pub unreadable: Vec<RecordPart>,
}

/// Like [`read_period`], naming the parts that could not be read instead of failing on them.
/// Fails only when the document is not a records document or has no entry for the task.
pub fn read_period_checked(
    doc: &Automerge,
    task_id: &TaskId,
    period: PeriodId,
) -> Result<CheckedRecord> {
    let mut unreadable = Vec::new();
    let record = read_parts(doc, task_id, Some(period), &mut unreadable)?;
    unreadable.sort();
    unreadable.dedup();
    Ok(CheckedRecord { record, unreadable })
}

fn read_parts(
    doc: &Automerge,
    task_id: &TaskId,
    only: Option<PeriodId>,
    unreadable: &mut Vec<RecordPart>,
) -> Result<TaskRecord> {
    check_schema(doc, SCHEMA)?;
    let tasks = map_at(doc, &ROOT, "tasks")?;
    let mut record = TaskRecord {
        task_id: task_id.clone(),
        status: Versions::none(),
        progress: Versions::none(),
        periods: Vec::new(),
    };
    let task = match checked_map(doc, &tasks, &task_id.0)? {
        MapAt::Map(task) => task,
        MapAt::Absent => return Err(DocumentError::Missing(format!("task {task_id}"))),
        MapAt::NotAMap => {
            unreadable.push(RecordPart::Task);
            return Ok(record);
        }
    };
    record.status = checked_versions(
        doc,
        &task,
        "status",
        |s| s.as_str().and_then(TaskStatus::parse),
        RecordPart::Status,
        unreadable,
    )?;
    record.progress = checked_versions(
        doc,
        &task,
        "progress",
        |s| {
            s.as_i64()
                .and_then(|p| u8::try_from(p).ok())
                .filter(|p| *p <= 100)
        },
        RecordPart::Progress,
        unreadable,
    )?;
    let periods_obj = match checked_map(doc, &task, "periods")? {
        MapAt::Map(obj) => obj,
        MapAt::Absent | MapAt::NotAMap => {
            unreadable.push(RecordPart::Period);
            return Ok(record);
        }
    };
    for key in doc.keys(&periods_obj) {
        let Ok(period) = key.parse::<PeriodId>() else {
            continue;
        };
        if only.is_some_and(|only| only != period) {
            continue;
        }
        let obj = match checked_map(doc, &periods_obj, &key)? {
            MapAt::Map(obj) => obj,
            MapAt::Absent | MapAt::NotAMap => {
                unreadable.push(RecordPart::Period);
                continue;
            }
        };
        let mut actuals = Vec::new();
        match checked_map(doc, &obj, "actuals")? {
            MapAt::Map(actuals_obj) => {
                for target in doc.keys(&actuals_obj) {
                    let Ok(idx) = target.parse::<usize>() else {
                        continue;
                    };
                    let versions = checked_versions(
                        doc,
                        &actuals_obj,
                        &target,
                        scalar_f64,
                        RecordPart::Actual(idx),
                        unreadable,
                    )?;
                    if !versions.values.is_empty() {
                        actuals.push((idx, versions));
                    }
                }
            }
            MapAt::Absent => {}
            MapAt::NotAMap => unreadable.push(RecordPart::Actuals),
        }
        actuals.sort_by_key(|(idx, _)| *idx);
        let mut text = |field: TextField| {
            checked_text(doc, &obj, field.key(), RecordPart::Text(field), unreadable)
        };
        record.periods.push(PeriodRecord {
            period,
            result: text(TextField::Result)?,
            difficulties: text(TextField::Difficulties)?,
            proposals: text(TextField::Proposals)?,
            notes: text(TextField::Notes)?,
            actuals,
            evidence: read_evidence(doc, &obj)?,
            sent: read_sending(doc, &obj).unwrap_or_default(),
        });
    }
    if let Some(only) = only {
        // The server creates every period's map up front: a missing one was lost.
        if !record.periods.iter().any(|p| p.period == only) {
            unreadable.push(RecordPart::Period);
        }
    }
    record.periods.sort_by_key(|p| p.period);
    Ok(record)
}

fn scalar_f64(value: &ScalarValue) -> Option<f64> {
    match value {
        ScalarValue::F64(f) => Some(*f),
        ScalarValue::Int(i) => Some(*i as f64),
        ScalarValue::Uint(u) => Some(*u as f64),
        _ => None,
    }
}
