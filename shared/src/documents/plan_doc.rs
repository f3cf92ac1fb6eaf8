//! The plan document: the imported plan, stored whole as JSON text under `plan`. Only plan
//! editors write it; everyone reads it.

use automerge::transaction::Transactable;
use automerge::{Automerge, ROOT};

use super::{change, check_schema, str_at, ChangeAuthor, DocumentError, Result};
use crate::plan::Plan;

pub const SCHEMA: &str = "plansync/plan@1";

/// Writes `plan` into the document (creating it, or replacing a previous version).
pub fn write(doc: &mut Automerge, author: &ChangeAuthor, time_ms: i64, plan: &Plan) -> Result<()> {
    let json = serde_json::to_string(plan).expect("a plan always serialises");
    let author = ChangeAuthor {
        what: "plan".into(),
        ..author.clone()
    };
    change(doc, &author, time_ms, |tx| {
        tx.put(ROOT, "schema", SCHEMA)?;
        tx.put(ROOT, "plan", json.as_str())?;
        Ok(())
    })
}

pub fn read(doc: &Automerge) -> Result<Plan> {
    check_schema(doc, SCHEMA)?;
    let json = str_at(doc, &ROOT, "plan")?.ok_or_else(|| DocumentError::Missing("plan".into()))?;
    serde_json::from_str(&json).map_err(|e| DocumentError::Automerge(format!("plan JSON: {e}")))
}
