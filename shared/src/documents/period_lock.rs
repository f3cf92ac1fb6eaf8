//! Accepted periods are locked: once the office accepted a task's period in the review
//! document, the unit's records of that period (texts, actuals, evidence) must keep the contents
//! that were accepted. Clients refuse such edits themselves; the server enforces the lock on
//! every change it receives by writing a compensating change with [`restore_locked`].
//!
//! Why a compensating change rather than refusing the change: later changes of the records
//! document depend on it, so dropping it would wedge the unit's document. The compensation is an
//! ordinary Automerge change (conflict-free), the attempt stays in history, and every replica
//! converges to the accepted contents.
//!
//! Status and progress belong to the task, not to a period, and are never locked.

use std::collections::{BTreeMap, BTreeSet};

use automerge::transaction::{Transactable, Transaction};
use automerge::{Automerge, ChangeHash, ObjId, ObjType, ReadDoc, ScalarValue, Value, ROOT};

use super::records::TextField;
use super::review::Verdict;
use super::{
    change, check_schema, child_maps, ensure_map, map_at, review, versions, ChangeAuthor, Result,
};
use crate::calendar::PeriodId;
use crate::plan::TaskId;

/// The (task, period) pairs a review document has accepted, i.e. the locked ones: those of the
/// document's year whose current verdict is [`Verdict::Accepted`] (what [`review::is_accepted`]
/// says of each). Read in one pass over each map, since the server asks on every change.
pub fn locked_periods(review_doc: &Automerge) -> BTreeSet<(TaskId, PeriodId)> {
    let mut locked = BTreeSet::new();
    if check_schema(review_doc, review::SCHEMA).is_err() {
        return locked;
    }
    let Ok(tasks) = map_at(review_doc, &ROOT, "tasks") else {
        return locked;
    };
    let year = review_doc
        .get(ROOT, "year")
        .ok()
        .flatten()
        .and_then(|(v, _)| v.as_i64())
        .and_then(|y| i32::try_from(y).ok());
    let Some(year) = year else {
        return locked;
    };
    let of_year: BTreeMap<String, PeriodId> = PeriodId::of_year(year)
        .into_iter()
        .map(|p| (p.to_string(), p))
        .collect();
    for (task_key, task) in child_maps(review_doc, &tasks) {
        let Ok(periods) = map_at(review_doc, &task, "periods") else {
            continue;
        };
        for (period_key, period_obj) in child_maps(review_doc, &periods) {
            let Some(period) = of_year.get(&period_key) else {
                continue;
            };
            let verdict = versions(review_doc, &period_obj, "verdict", |s| {
                s.as_str().and_then(Verdict::parse)
            });
            if verdict.is_ok_and(|v| v.current() == Some(&Verdict::Accepted)) {
                locked.insert((TaskId(task_key.clone()), *period));
            }
        }
    }
    locked
}

/// Restores every locked period of the records document `doc` whose contents differ from what
/// they were at `before` (heads the caller has already judged), one change per period, authored
/// by `author` with `what` naming the task and period. Returns the periods restored.
///
/// A period that did not exist at `before` has nothing accepted to restore and is left alone.
/// Running it again right after changes nothing, so the restore changes themselves never cause
/// more work.
pub fn restore_locked(
    doc: &mut Automerge,
    author: &ChangeAuthor,
    time_ms: i64,
    before: &[ChangeHash],
    locked: &BTreeSet<(TaskId, PeriodId)>,
) -> Result<Vec<(TaskId, PeriodId)>> {
    // Deliberately not gated on the header: periods are found by path whatever the header
    // says, so a broken header cannot hide an edit from the lock.
    let mut restored = Vec::new();
    for (task, period) in locked {
        let Some(accepted) = PeriodContents::read(doc, Some(before), task, *period)? else {
            continue;
        };
        let now = PeriodContents::read(doc, None, task, *period)?;
        if now.as_ref() == Some(&accepted) {
            continue;
        }
        let author = ChangeAuthor {
            what: format!("{task} {period} locked: accepted"),
            ..author.clone()
        };
        change(doc, &author, time_ms, |tx| {
            accepted.write(tx, task, *period)
        })?;
        restored.push((task.clone(), *period));
    }
    Ok(restored)
}

/// Puts a per-unit document's header (`schema`, `unit`, `year`) back to what the server wrote,
/// in one change, if anything differs; returns whether it did.
pub fn restore_header(
    doc: &mut Automerge,
    author: &ChangeAuthor,
    time_ms: i64,
    schema: &str,
    unit: &str,
    year: i32,
) -> Result<bool> {
    let scalar_at = |key: &str| -> Option<ScalarValue> {
        match doc.get(ROOT, key).ok().flatten() {
            Some((Value::Scalar(s), _)) => Some(s.into_owned()),
            _ => None,
        }
    };
    let conflicted = |key: &str| doc.get_all(ROOT, key).map_or(true, |all| all.len() > 1);
    let intact = scalar_at("schema") == Some(ScalarValue::Str(schema.into()))
        && scalar_at("unit") == Some(ScalarValue::Str(unit.into()))
        && scalar_at("year") == Some(ScalarValue::Int(i64::from(year)))
        && !["schema", "unit", "year"].into_iter().any(conflicted);
    if intact {
        return Ok(false);
    }
    let author = ChangeAuthor {
        what: "header restored".into(),
        ..author.clone()
    };
    change(doc, &author, time_ms, |tx| {
        tx.put(ROOT, "schema", schema)?;
        tx.put(ROOT, "unit", unit)?;
        tx.put(ROOT, "year", i64::from(year))?;
        Ok(())
    })?;
    Ok(true)
}

/// What a period of a records document holds, as raw values, so two states compare exactly.
#[derive(Debug, PartialEq)]
struct PeriodContents {
    /// Per text field: its text, and whether it is an Automerge text object.
    texts: Vec<(TextField, String, bool)>,
    /// Per target key: the winning value and every competing one.
    actuals: BTreeMap<String, (Option<ScalarValue>, Vec<ScalarValue>)>,
    /// Per file hash: its fields (`None` when the entry is not a map).
    evidence: BTreeMap<String, Option<BTreeMap<String, ScalarValue>>>,
}

/// Reads a document either now (`heads` is `None`) or as it was at `heads`.
struct At<'a> {
    doc: &'a Automerge,
    heads: Option<&'a [ChangeHash]>,
}

impl At<'_> {
    fn get(&self, obj: &ObjId, key: &str) -> Result<Option<(Value<'_>, ObjId)>> {
        Ok(match self.heads {
            Some(h) => self.doc.get_at(obj, key, h)?,
            None => self.doc.get(obj, key)?,
        })
    }

    fn get_all(&self, obj: &ObjId, key: &str) -> Result<Vec<(Value<'_>, ObjId)>> {
        Ok(match self.heads {
            Some(h) => self.doc.get_all_at(obj, key, h)?,
            None => self.doc.get_all(obj, key)?,
        })
    }

    fn keys(&self, obj: &ObjId) -> Vec<String> {
        match self.heads {
            Some(h) => self.doc.keys_at(obj, h).collect(),
            None => self.doc.keys(obj).collect(),
        }
    }

    fn text(&self, obj: &ObjId) -> Result<String> {
        Ok(match self.heads {
            Some(h) => self.doc.text_at(obj, h)?,
            None => self.doc.text(obj)?,
        })
    }

    fn map(&self, obj: &ObjId, key: &str) -> Result<Option<ObjId>> {
        Ok(match self.get(obj, key)? {
            Some((Value::Object(ObjType::Map), id)) => Some(id),
            _ => None,
        })
    }
}

fn scalar(value: Value<'_>) -> Option<ScalarValue> {
    match value {
        Value::Scalar(s) => Some(s.into_owned()),
        Value::Object(_) => None,
    }
}

impl PeriodContents {
    fn read(
        doc: &Automerge,
        heads: Option<&[ChangeHash]>,
        task: &TaskId,
        period: PeriodId,
    ) -> Result<Option<PeriodContents>> {
        let at = At { doc, heads };
        let Some(tasks) = at.map(&ROOT, "tasks")? else {
            return Ok(None);
        };
        let Some(task_obj) = at.map(&tasks, &task.0)? else {
            return Ok(None);
        };
        let Some(periods) = at.map(&task_obj, "periods")? else {
            return Ok(None);
        };
        let Some(obj) = at.map(&periods, &period.to_string())? else {
            return Ok(None);
        };
        let mut texts = Vec::new();
        for field in TextField::ALL {
            let entry = match at.get(&obj, field.key())? {
                Some((Value::Object(ObjType::Text), id)) => (field, at.text(&id)?, true),
                Some((Value::Scalar(s), _)) => {
                    (field, s.as_str().unwrap_or_default().to_string(), false)
                }
                _ => (field, String::new(), false),
            };
            texts.push(entry);
        }
        let mut actuals = BTreeMap::new();
        if let Some(actuals_obj) = at.map(&obj, "actuals")? {
            for key in at.keys(&actuals_obj) {
                let winner = at.get(&actuals_obj, &key)?.and_then(|(v, _)| scalar(v));
                let all = at
                    .get_all(&actuals_obj, &key)?
                    .into_iter()
                    .filter_map(|(v, _)| scalar(v))
                    .collect();
                actuals.insert(key, (winner, all));
            }
        }
        let mut evidence = BTreeMap::new();
        if let Some(evidence_obj) = at.map(&obj, "evidence")? {
            for key in at.keys(&evidence_obj) {
                let fields = match at.map(&evidence_obj, &key)? {
                    Some(entry) => {
                        let mut fields = BTreeMap::new();
                        for field in at.keys(&entry) {
                            if let Some(value) =
                                at.get(&entry, &field)?.and_then(|(v, _)| scalar(v))
                            {
                                fields.insert(field, value);
                            }
                        }
                        Some(fields)
                    }
                    None => None,
                };
                evidence.insert(key, fields);
            }
        }
        Ok(Some(PeriodContents {
            texts,
            actuals,
            evidence,
        }))
    }

    /// Makes the period's current contents equal to `self`, touching only what differs.
    fn write(&self, tx: &mut Transaction<'_>, task: &TaskId, period: PeriodId) -> Result<()> {
        let tasks = ensure_map(tx, &ROOT, "tasks")?;
        let task_obj = ensure_map(tx, &tasks, &task.0)?;
        let periods = ensure_map(tx, &task_obj, "periods")?;
        let obj = ensure_map(tx, &periods, &period.to_string())?;
        for (field, text, is_text) in &self.texts {
            let current = match tx.get(&obj, field.key())? {
                Some((Value::Object(ObjType::Text), id)) => Some(id),
                _ => None,
            };
            match current {
                Some(id) if *is_text => {
                    if tx.text(&id)? != *text {
                        tx.update_text(&id, text)?;
                    }
                }
                _ if *is_text => {
                    let id = tx.put_object(&obj, field.key(), ObjType::Text)?;
                    tx.update_text(&id, text)?;
                }
                // Accepted as a plain string (never written so by PlanSync, kept as found).
                _ => tx.put(&obj, field.key(), text.as_str())?,
            }
        }

        let actuals = ensure_map(tx, &obj, "actuals")?;
        let current: Vec<String> = tx.keys(&actuals).collect();
        for key in current {
            if !self.actuals.contains_key(&key) {
                tx.delete(&actuals, key.as_str())?;
            }
        }
        for (key, (winner, all)) in &self.actuals {
            let now: Vec<ScalarValue> = tx
                .get_all(&actuals, key.as_str())?
                .into_iter()
                .filter_map(|(v, _)| scalar(v))
                .collect();
            if &now == all {
                continue;
            }
            match winner {
                Some(value) => tx.put(&actuals, key.as_str(), value.clone())?,
                None => tx.delete(&actuals, key.as_str())?,
            }
        }

        let evidence = ensure_map(tx, &obj, "evidence")?;
        let current: Vec<String> = tx.keys(&evidence).collect();
        for key in current {
            if !self.evidence.contains_key(&key) {
                tx.delete(&evidence, key.as_str())?;
            }
        }
        for (key, fields) in &self.evidence {
            let Some(fields) = fields else {
                continue;
            };
            let now = match tx.get(&evidence, key.as_str())? {
                Some((Value::Object(ObjType::Map), id)) => {
                    let mut now = BTreeMap::new();
                    for field in tx.keys(&id).collect::<Vec<_>>() {
                        if let Some(value) =
                            tx.get(&id, field.as_str())?.and_then(|(v, _)| scalar(v))
                        {
                            now.insert(field, value);
                        }
                    }
                    Some(now)
                }
                _ => None,
            };
            if now.as_ref() == Some(fields) {
                continue;
            }
            let entry = tx.put_object(&evidence, key.as_str(), ObjType::Map)?;
            for (field, value) in fields {
                tx.put(&entry, field.as_str(), value.clone())?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests;
