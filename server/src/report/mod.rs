//! `plansync report export`: loads the plan and the period's records and review documents from
//! a data directory, builds the report (`shared::report`) and writes it as DOCX ([`docx`]) or
//! XLSX ([`xlsx`]), atomically (a temporary file beside the output, then a rename).
//!
//! A unit's document that cannot be read (its stored bytes do not load, or it does not read as
//! that unit's records or review for the year) does not stop the consolidated report: the report
//! names it ([`Report::read_notices`]) and the CLI warns. A per-unit report of such a unit fails
//! naming it.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use automerge::Automerge;
use shared::calendar::{Date, PeriodId};
use shared::documents::{plan_doc, DocumentKind};
use shared::plan::Plan;
use shared::report::{
    self, Report, ReportError, ReportHeading, ReportRequest, Scope, UnitDocuments,
    UnreadableDocument, UnreadableRole,
};

pub use export::{parse_date, ReportFormat};

use crate::registry::Registry;

/// What to export.
#[derive(Debug, Clone)]
pub struct ExportRequest {
    pub period: PeriodId,
    pub format: ReportFormat,
    pub out: PathBuf,
    /// A unit code for a per-unit report; `None` for the consolidated report.
    pub unit: Option<String>,
    /// The report's date (its date line, and what counts as overdue).
    pub today: Date,
}

/// Builds the report from the data directory `data` and writes it to `request.out`, issued as
/// the plan's issuer (or, for one unit's report, the unit) by default
/// ([`ReportHeading::for_report`]).
pub async fn export(data: &Path, request: &ExportRequest) -> Result<Report> {
    let (report, plan) = load(data, request).await?;
    let heading = ReportHeading::for_report(&plan, report.unit.as_ref());
    let bytes = export::render(&report, &heading, request.format)?;
    export::write_atomically(&request.out, &bytes)?;
    Ok(report)
}

/// Reads the plan and the period's documents and builds the report; with the plan it follows.
pub async fn load(data: &Path, request: &ExportRequest) -> Result<(Report, Plan)> {
    let registry_path = crate::data::registry_path(data);
    if !registry_path.exists() {
        bail!(
            "{} is not a PlanSync data directory (no {})",
            data.display(),
            registry_path.display()
        );
    }
    let registry = Registry::open(&registry_path)?;
    let year = request.period.year;
    let units = registry.units()?;
    if let Some(code) = &request.unit {
        if !units.iter().any(|u| &u.code == code) {
            let known: Vec<&str> = units.iter().map(|u| u.code.as_str()).collect();
            bail!("unknown unit {code} (units: {})", known.join(", "));
        }
    }
    let plan_entry = registry
        .find_document(DocumentKind::Plan, None, None)?
        .context("no plan document: publish a plan first (plansync plan publish FILE)")?;
    // (unit, records id, review id) for every unit with records for the year.
    let mut entries = Vec::new();
    for unit in &units {
        let Some(records) =
            registry.find_document(DocumentKind::Records, Some(&unit.code), Some(year))?
        else {
            continue;
        };
        let review = registry.find_document(DocumentKind::Review, Some(&unit.code), Some(year))?;
        entries.push((unit, records.id, review.map(|r| r.id)));
    }
    if entries.is_empty() {
        bail!("no records documents for {year}: publish the plan for {year} first (plansync plan publish FILE --year {year})");
    }
    if let Some(code) = &request.unit {
        if !entries.iter().any(|(u, _, _)| &u.code == code) {
            bail!("unit {code} has no records document for {year} (it reports on no task of the plan)");
        }
    }

    // Read-only: the server may be running on this data directory and owns its documents.
    let documents = storage::ReadOnlyDocuments::open(&crate::data::documents_path(data))?;
    let load = |id: &str| -> Result<Automerge> {
        documents
            .load(id)?
            .with_context(|| format!("document {id} is in the registry but not in storage"))
    };
    let plan_doc = load(&plan_entry.id)?;
    // A unit's document that does not load reads as an empty one, which the report names as
    // unreadable; why it did not load is put back into the report's cause below.
    let mut not_loaded: Vec<(String, UnreadableRole, String)> = Vec::new();
    let mut load_unit_doc = |unit: &str, role, id: &str| -> Result<Automerge> {
        match load(id) {
            Ok(doc) => Ok(doc),
            Err(err) if is_unit_fault(&err) => {
                not_loaded.push((unit.to_string(), role, format!("{err:#}")));
                Ok(Automerge::new())
            }
            Err(err) => Err(err),
        }
    };
    let mut docs = Vec::new();
    for (unit, records_id, review_id) in &entries {
        let records = load_unit_doc(&unit.code, UnreadableRole::Records, records_id)?;
        let review = match review_id.as_deref() {
            Some(id) => Some(load_unit_doc(&unit.code, UnreadableRole::Review, id)?),
            None => None,
        };
        docs.push((*unit, records, review));
    }
    let plan = plan_doc::read(&plan_doc).context("cannot read the plan document")?;
    let units: Vec<UnitDocuments<'_>> = docs
        .iter()
        .map(|(unit, records, review)| UnitDocuments {
            code: &unit.code,
            name: &unit.name,
            records,
            review: review.as_ref(),
        })
        .collect();
    let scope = match &request.unit {
        Some(code) => Scope::Unit(code.clone()),
        None => Scope::AllUnits,
    };
    let loaded_cause = |problem: &mut UnreadableDocument| {
        if let Some((_, _, why)) = not_loaded
            .iter()
            .find(|(unit, role, _)| *unit == problem.unit.code && *role == problem.role)
        {
            problem.cause = why.clone();
        }
    };
    let built = report::build(&ReportRequest {
        plan: &plan,
        period: request.period,
        calendar: &plan.calendar(),
        today: request.today,
        units: &units,
        scope,
    });
    match built {
        Ok(mut report) => {
            report.unreadable.iter_mut().for_each(loaded_cause);
            Ok((report, plan))
        }
        Err(ReportError::Unreadable(mut problem)) => {
            loaded_cause(&mut problem);
            Err(ReportError::Unreadable(problem).into())
        }
        Err(err) => Err(err.into()),
    }
}

/// Whether a document failed to load because of its own stored bytes (one unit's fault, left
/// out of the report) rather than the storage as a whole (which fails the export).
fn is_unit_fault(err: &anyhow::Error) -> bool {
    match err.downcast_ref::<storage::ReadDocumentError>() {
        Some(storage::ReadDocumentError::Corrupt { .. }) => true,
        Some(storage::ReadDocumentError::Storage(_)) => false,
        // In the registry but not in storage.
        None => true,
    }
}
