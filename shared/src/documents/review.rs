//! The office's appraisal of one unit's records for one year: per task and period a verdict
//! (pending, accepted, returned), a comment, who gave it and when.
//!
//! Layout: `{schema, unit, year, tasks: {TASK_ID: {periods: {PERIOD: {verdict, comment: Text,
//! by, at}}}}}`.

use automerge::transaction::Transactable;
use automerge::{Automerge, ObjId, ReadDoc, ROOT};

use super::{
    change, check_header, check_schema, checked_map, checked_text, checked_versions,
    ensure_period_maps, ensure_text, int_at, map_at, str_at, text_at, versions, HeaderError, MapAt,
    Versions,
};
use super::{ChangeAuthor, DocumentError, Result};
use crate::calendar::PeriodId;
use crate::plan::TaskId;
use crate::unreadable::RecordPart;

pub const SCHEMA: &str = "plansync/review@1";

pub use crate::record::{ReviewEntry, Verdict};

/// Creates the review document's structure (idempotent).
pub fn ensure_structure(
    doc: &mut Automerge,
    author: &ChangeAuthor,
    time_ms: i64,
    unit: &str,
    year: i32,
    tasks: &[TaskId],
) -> Result<()> {
    change(doc, author, time_ms, |tx| {
        ensure_period_maps(tx, SCHEMA, unit, year, tasks.iter(), |tx, period_obj| {
            ensure_text(tx, period_obj, "comment")?;
            Ok(())
        })
    })
}

fn period_obj(doc: &Automerge, task_id: &TaskId, period: PeriodId) -> Result<ObjId> {
    check_schema(doc, SCHEMA)?;
    let tasks = map_at(doc, &ROOT, "tasks")?;
    let task = map_at(doc, &tasks, &task_id.0)
        .map_err(|_| DocumentError::Missing(format!("task {task_id}")))?;
    let periods = map_at(doc, &task, "periods")?;
    map_at(doc, &periods, &period.to_string())
        .map_err(|_| DocumentError::Missing(format!("period {period}")))
}

/// Records a verdict with its comment.
pub fn set_verdict(
    doc: &mut Automerge,
    author: &ChangeAuthor,
    time_ms: i64,
    task_id: &TaskId,
    period: PeriodId,
    verdict: Verdict,
    comment: &str,
) -> Result<()> {
    let obj = period_obj(doc, task_id, period)?;
    let author = ChangeAuthor {
        what: format!("verdict={} {period}", verdict.as_str()),
        ..author.clone()
    };
    let by = author.user.clone();
    change(doc, &author, time_ms, |tx| {
        tx.put(&obj, "verdict", verdict.as_str())?;
        tx.put(&obj, "by", by.as_str())?;
        tx.put(&obj, "at", time_ms)?;
        let text = ensure_text(tx, &obj, "comment")?;
        tx.update_text(&text, comment)?;
        Ok(())
    })
}

pub fn read(doc: &Automerge, task_id: &TaskId, period: PeriodId) -> Result<ReviewEntry> {
    let obj = period_obj(doc, task_id, period)?;
    Ok(ReviewEntry {
        verdict: versions(doc, &obj, "verdict", |s| {
            s.as_str().and_then(Verdict::parse)
        })?,
        comment: text_at(doc, &obj, "comment")?,
        by: str_at(doc, &obj, "by")?,
        at: int_at(doc, &obj, "at")?,
    })
}

/// Checks what must hold before any task of the document can be read: the header names the
/// review of `unit` for `year`, and the map of tasks is there.
pub fn check(doc: &Automerge, unit: &str, year: i32) -> std::result::Result<(), HeaderError> {
    check_header(doc, SCHEMA, unit, year)
}

/// A task's appraisal for a period with what of it could not be read.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckedReview {
    pub entry: ReviewEntry,
    /// [`RecordPart::Review`] when a map on the way to the period is missing or replaced by a
    /// value; [`RecordPart::Verdict`] or [`RecordPart::Comment`] for a value of the wrong type.
    pub unreadable: Vec<RecordPart>,
}

/// Like [`read`], naming the parts that could not be read instead of failing on them. Fails
/// when the document is not a review document, or with [`DocumentError::Missing`] when it has
/// no entry for the task (not appraised).
pub fn read_checked(doc: &Automerge, task_id: &TaskId, period: PeriodId) -> Result<CheckedReview> {
    check_schema(doc, SCHEMA)?;
    let tasks = map_at(doc, &ROOT, "tasks")?;
    let mut checked = CheckedReview {
        entry: ReviewEntry {
            verdict: Versions::none(),
            comment: String::new(),
            by: None,
            at: None,
        },
        unreadable: Vec::new(),
    };
    let task = match checked_map(doc, &tasks, &task_id.0)? {
        MapAt::Map(task) => task,
        MapAt::Absent => return Err(DocumentError::Missing(format!("task {task_id}"))),
        MapAt::NotAMap => {
            checked.unreadable.push(RecordPart::Review);
            return Ok(checked);
        }
    };
    let obj = match checked_map(doc, &task, "periods")? {
        MapAt::Map(periods) => checked_map(doc, &periods, &period.to_string())?,
        other => other,
    };
    let MapAt::Map(obj) = obj else {
        checked.unreadable.push(RecordPart::Review);
        return Ok(checked);
    };
    let unreadable = &mut checked.unreadable;
    checked.entry = ReviewEntry {
        verdict: checked_versions(
            doc,
            &obj,
            "verdict",
            |s| s.as_str().and_then(Verdict::parse),
            RecordPart::Verdict,
            unreadable,
        )?,
        comment: checked_text(doc, &obj, "comment", RecordPart::Comment, unreadable)?,
        by: str_at(doc, &obj, "by")?,
        at: int_at(doc, &obj, "at")?,
    };
    Ok(checked)
}

/// Whether the office accepted `period` of `task_id` (an accepted period is locked for the unit).
pub fn is_accepted(doc: &Automerge, task_id: &TaskId, period: PeriodId) -> bool {
    read(doc, task_id, period).is_ok_and(|e| e.verdict.current() == Some(&Verdict::Accepted))
}

/// The tasks this review document covers.
pub fn task_ids(doc: &Automerge) -> Result<Vec<TaskId>> {
    check_schema(doc, SCHEMA)?;
    let tasks = map_at(doc, &ROOT, "tasks")?;
    Ok(doc.keys(&tasks).map(TaskId).collect())
}
