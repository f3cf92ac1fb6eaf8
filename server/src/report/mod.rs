//! `plansync report export`: loads the plan and the period's records and review documents from
//! a data directory, builds the report (`shared::report`) and writes it as DOCX ([`docx`]) or
//! XLSX ([`xlsx`]), atomically (a temporary file beside the output, then a rename).

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use automerge::Automerge;
use shared::calendar::{Date, PeriodId};
use shared::documents::{plan_doc, DocumentKind};
use shared::report::{self, Report, ReportRequest, Scope, UnitDocuments};

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

/// Builds the report from the data directory `data` and writes it to `request.out`.
pub async fn export(data: &Path, request: &ExportRequest) -> Result<Report> {
    let report = load(data, request).await?;
    let bytes = export::render(&report, request.format)?;
    export::write_atomically(&request.out, &bytes)?;
    Ok(report)
}

/// Reads the plan and the period's documents and builds the report.
pub async fn load(data: &Path, request: &ExportRequest) -> Result<Report> {
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
    let mut docs = Vec::new();
    for (unit, records_id, review_id) in &entries {
        let records = load(records_id)?;
        let review = review_id.as_deref().map(load).transpose()?;
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
    let report = report::build(&ReportRequest {
        plan: &plan,
        period: request.period,
        calendar: &plan.calendar(),
        today: request.today,
        units: &units,
        scope,
    })?;
    Ok(report)
}
