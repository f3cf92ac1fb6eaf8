//! The plan document: the imported plan, stored whole as JSON text under `plan` (the *base*),
//! and the plan editors' edits since, under `edits`. Only plan editors write it; everyone reads
//! it.
//!
//! Layout (`plansync/plan@2`): `{schema, plan: JSON Plan, edits: {TASK_ID: JSON PlanEdit}}`.
//! Each task id holds the latest edit of that task (an added task is keyed by its new id), so
//! two editors who change different tasks at once both keep their edit; two who change the same
//! task at once get Automerge's deterministic winner. [`read`] applies the edits to the base:
//! added tasks first (in key order, so ids come out as when they were recorded), then task edits
//! in key order. An edit that no longer applies (its task left a newly published base) is
//! skipped. Documents of schema `plansync/plan@1` (base only) are read as having no edits.
//!
//! `report_heading` holds the office's particulars for its consolidated report
//! ([`HeadingParticulars`]): one string per field (a list one entry per line), a field absent
//! or empty derived from the plan. The server creates the map (with `edits`) when it writes or
//! upgrades the document; a document without it reads as all derived.

use automerge::transaction::Transactable;
use automerge::{Automerge, ObjType, ReadDoc, Value, ROOT};

use super::{change, ensure_map, str_at, ChangeAuthor, DocumentError, Result};
use crate::plan::{Plan, TaskId};
use crate::plan_edit::{self, PlanEdit};
use crate::report::{HeadingField, HeadingParticulars};

pub const SCHEMA: &str = "plansync/plan@2";
/// The first schema: the base plan only.
pub const SCHEMA_V1: &str = "plansync/plan@1";
const EDITS: &str = "edits";
/// The office's report particulars.
pub const HEADING: &str = "report_heading";

/// Writes `plan` as the new base (creating the document, or replacing a previous base). Edits
/// recorded since are kept and applied on top of it.
pub fn write(doc: &mut Automerge, author: &ChangeAuthor, time_ms: i64, plan: &Plan) -> Result<()> {
    let json = serde_json::to_string(plan).expect("a plan always serialises");
    let author = ChangeAuthor {
        what: "plan".into(),
        ..author.clone()
    };
    change(doc, &author, time_ms, |tx| {
        tx.put(ROOT, "schema", SCHEMA)?;
        tx.put(ROOT, "plan", json.as_str())?;
        ensure_map(tx, &ROOT, EDITS)?;
        ensure_map(tx, &ROOT, HEADING)?;
        Ok(())
    })
}

/// Whether the document lacks the current schema's structure (an `plansync/plan@1` document);
/// [`upgrade`] adds it. The server does this up front so editors never create competing maps.
pub fn needs_upgrade(doc: &Automerge) -> bool {
    let has_map = |key: &str| {
        matches!(
            doc.get(ROOT, key),
            Ok(Some((Value::Object(ObjType::Map), _)))
        )
    };
    schema(doc).as_deref() == Some(SCHEMA_V1) || !has_map(EDITS) || !has_map(HEADING)
}

/// Brings an older plan document to the current schema (the edits map), if needed.
pub fn upgrade(doc: &mut Automerge, author: &ChangeAuthor, time_ms: i64) -> Result<()> {
    check_schema(doc)?;
    if !needs_upgrade(doc) {
        return Ok(());
    }
    let author = ChangeAuthor {
        what: "plan schema".into(),
        ..author.clone()
    };
    change(doc, &author, time_ms, |tx| {
        tx.put(ROOT, "schema", SCHEMA)?;
        ensure_map(tx, &ROOT, EDITS)?;
        ensure_map(tx, &ROOT, HEADING)?;
        Ok(())
    })
}

/// The office's report particulars as stored; all empty (derived) when the document has none.
pub fn read_heading(doc: &Automerge) -> Result<HeadingParticulars> {
    check_schema(doc)?;
    let mut particulars = HeadingParticulars::default();
    let Some((Value::Object(ObjType::Map), obj)) = doc.get(ROOT, HEADING)? else {
        return Ok(particulars);
    };
    for field in HeadingField::ALL {
        // A value of another type (which the server never lets in) reads as derived.
        if let Some(value) = str_at(doc, &obj, field.key())? {
            particulars.set(field, &value);
        }
    }
    Ok(particulars)
}

/// Stores `particulars` (cleaned) in one change: each field that differs from what is stored
/// is written, an emptied one deleted. Nothing is written when nothing differs. The map must
/// exist: the server creates it, so editors never create competing maps.
pub fn write_heading(
    doc: &mut Automerge,
    author: &ChangeAuthor,
    time_ms: i64,
    particulars: &HeadingParticulars,
) -> Result<()> {
    check_schema(doc)?;
    let Some((Value::Object(ObjType::Map), obj)) = doc.get(ROOT, HEADING)? else {
        return Err(DocumentError::Missing(format!(
            "{HEADING} (the server adds it to the plan document when it starts)"
        )));
    };
    let wanted = particulars.cleaned();
    let changed: Vec<HeadingField> = HeadingField::ALL
        .into_iter()
        .filter(|f| {
            // A value stored in another form (not cleaned, another type) is rewritten.
            str_at(doc, &obj, f.key())
                .ok()
                .flatten()
                .unwrap_or_default()
                != wanted.get(*f)
        })
        .collect();
    if changed.is_empty() {
        return Ok(());
    }
    let author = ChangeAuthor {
        what: "report heading".into(),
        ..author.clone()
    };
    change(doc, &author, time_ms, |tx| {
        for field in changed {
            let value = wanted.get(field);
            if value.is_empty() {
                if tx.get(&obj, field.key())?.is_some() {
                    tx.delete(&obj, field.key())?;
                }
            } else {
                tx.put(&obj, field.key(), value.as_str())?;
            }
        }
        Ok(())
    })
}

fn schema(doc: &Automerge) -> Option<String> {
    str_at(doc, &ROOT, "schema").ok().flatten()
}

fn check_schema(doc: &Automerge) -> Result<()> {
    match schema(doc).as_deref() {
        Some(SCHEMA | SCHEMA_V1) => Ok(()),
        _ => Err(DocumentError::WrongSchema { expected: SCHEMA }),
    }
}

/// The base plan as published, without edits.
pub fn read_base(doc: &Automerge) -> Result<Plan> {
    check_schema(doc)?;
    let json = str_at(doc, &ROOT, "plan")?.ok_or_else(|| DocumentError::Missing("plan".into()))?;
    serde_json::from_str(&json).map_err(|e| DocumentError::Automerge(format!("plan JSON: {e}")))
}

/// The recorded edits, in the order [`read`] applies them.
pub fn edits(doc: &Automerge) -> Result<Vec<PlanEdit>> {
    check_schema(doc)?;
    let Some((Value::Object(ObjType::Map), edits_obj)) = doc.get(ROOT, EDITS)? else {
        return Ok(Vec::new());
    };
    let mut adds = Vec::new();
    let mut task_edits = Vec::new();
    for key in doc.keys(&edits_obj) {
        let winner = doc.get(&edits_obj, &key)?.map(|(_, id)| id);
        let mut values: Vec<(bool, PlanEdit)> = doc
            .get_all(&edits_obj, &key)?
            .into_iter()
            .filter_map(|(value, id)| {
                let edit = serde_json::from_str(value.as_str()?).ok()?;
                Some((winner.as_ref() == Some(&id), edit))
            })
            .collect();
        values.sort_by_key(|(is_winner, _)| !is_winner);
        for (is_winner, edit) in values {
            match edit {
                // Two editors who added a task with the same code at once both keep it (the
                // second becomes "#2").
                PlanEdit::AddTask { .. } => adds.push(edit),
                PlanEdit::EditTask { .. } if is_winner => task_edits.push(edit),
                PlanEdit::EditTask { .. } => {}
            }
        }
    }
    adds.extend(task_edits);
    Ok(adds)
}

/// The plan: the base with every edit applied.
pub fn read(doc: &Automerge) -> Result<Plan> {
    let mut plan = read_base(doc)?;
    for edit in edits(doc)? {
        // An edit that no longer applies is skipped; the base it was made on is gone.
        let _ = plan_edit::apply(&mut plan, &edit);
    }
    Ok(plan)
}

/// Records a plan editor's edit in its own change; returns the task's id. The edit is checked
/// against the plan as this document has it, and refused when it does not apply.
pub fn record_edit(
    doc: &mut Automerge,
    author: &ChangeAuthor,
    time_ms: i64,
    edit: &PlanEdit,
) -> Result<TaskId> {
    let mut plan = read(doc)?;
    let task_id = plan_edit::apply(&mut plan, edit)?;
    // Editing a task that was itself added by an edit keeps it an addition.
    let stored = match edit {
        PlanEdit::EditTask { draft, .. } => match stored_edit(doc, &task_id)? {
            Some(PlanEdit::AddTask {
                index,
                section_path,
                ..
            }) => PlanEdit::AddTask {
                index,
                section_path,
                draft: draft.clone(),
            },
            _ => edit.clone(),
        },
        PlanEdit::AddTask { .. } => edit.clone(),
    };
    let json = serde_json::to_string(&stored).expect("an edit always serialises");
    let author = ChangeAuthor {
        what: match edit {
            PlanEdit::EditTask { .. } => format!("task {task_id}"),
            PlanEdit::AddTask { .. } => format!("task+ {task_id}"),
        },
        ..author.clone()
    };
    let upgrade = schema(doc).as_deref() == Some(SCHEMA_V1);
    change(doc, &author, time_ms, |tx| {
        if upgrade {
            tx.put(ROOT, "schema", SCHEMA)?;
        }
        let edits = ensure_map(tx, &ROOT, EDITS)?;
        tx.put(&edits, task_id.0.as_str(), json.as_str())?;
        Ok(())
    })?;
    Ok(task_id)
}

fn stored_edit(doc: &Automerge, task_id: &TaskId) -> Result<Option<PlanEdit>> {
    let Some((Value::Object(ObjType::Map), edits_obj)) = doc.get(ROOT, EDITS)? else {
        return Ok(None);
    };
    Ok(str_at(doc, &edits_obj, &task_id.0)?.and_then(|json| serde_json::from_str(&json).ok()))
}

#[cfg(test)]
mod tests;
