//! `plansync report export`: loads the plan and the period's records and review documents from
//! a data directory, builds the report (`shared::report`) and writes it as DOCX, XLSX or PDF
//! (the DOCX converted by LibreOffice, when installed) with the `export` crate, atomically (a
//! temporary file beside the output, then a rename).
//!
//! Every DOCX and XLSX records what it was built from ([`ReportSources`]: each document read
//! with its heads, the period, the scope and the report's day). `--at FILE` builds the report
//! again from exactly those documents at those heads (each forked at its heads), so it gives
//! the same bytes however the data were edited since.
//!
//! A unit's document that cannot be read (its stored bytes do not load, or it does not read as
//! that unit's records or review for the year) does not stop the consolidated report: the report
//! names it ([`Report::read_notices`]) and the CLI warns. A per-unit report of such a unit fails
//! naming it.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use automerge::{Automerge, ChangeHash, ReadDoc};
use export::sources::{ReportSources, SourceDocument, UnitSources};
use shared::calendar::{Date, PeriodId};
use shared::documents::{plan_doc, DocumentKind};
use shared::plan::Plan;
use shared::report::{
    self, HeadingParticulars, Report, ReportError, ReportHeading, ReportRequest, Scope,
    UnitDocuments, UnreadableDocument, UnreadableRole,
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
    /// Build from these documents at these heads (`--at FILE`) instead of the data as it is:
    /// `period`, `unit` and `today` are then the sources' own.
    pub at: Option<ReportSources>,
}

impl ExportRequest {
    /// The request that builds again the report `sources` describe.
    pub fn at(sources: ReportSources, format: ReportFormat, out: PathBuf) -> ExportRequest {
        ExportRequest {
            period: sources.period,
            format,
            out,
            unit: sources.unit.clone(),
            today: sources.today,
            at: Some(sources),
        }
    }
}

/// Builds the report from the data directory `data` and writes it to `request.out`, issued with
/// the office's particulars stored in the plan document over those derived from the plan (one
/// unit's report in the unit's name; [`ReportHeading::issued`]).
pub async fn export(data: &Path, request: &ExportRequest) -> Result<Report> {
    let (report, plan, particulars, sources) = load(data, request).await?;
    let heading = ReportHeading::issued(&plan, &particulars, report.unit.as_ref());
    let bytes = export::render(&report, &heading, request.format, Some(&sources))?;
    export::write_atomically(&request.out, &bytes)?;
    Ok(report)
}

/// The document `id` as it was at `heads`.
fn at_heads(doc: Automerge, id: &str, heads: &[String]) -> Result<Automerge> {
    let heads = heads
        .iter()
        .map(|h| h.parse::<ChangeHash>())
        .collect::<Result<Vec<_>, _>>()
        .with_context(|| format!("document {id}: a recorded head is not a change hash"))?;
    if heads.is_empty() {
        return Ok(Automerge::new());
    }
    if let Some(missing) = heads.iter().find(|h| doc.get_change_by_hash(h).is_none()) {
        bail!("document {id} does not hold the change {missing} the report was built from (is this the data directory it was exported from, or one restored from an older backup?)");
    }
    doc.fork_at(&heads)
        .with_context(|| format!("cannot read document {id} at its recorded heads"))
}

fn source(id: &str, doc: &Automerge) -> SourceDocument {
    let mut heads: Vec<String> = doc.get_heads().iter().map(|h| h.to_string()).collect();
    heads.sort();
    SourceDocument {
        id: id.to_string(),
        heads,
    }
}

/// Reads the plan and the period's documents and builds the report; with the plan it follows
/// and its stored report particulars (read at the same heads), and what it was built from.
pub async fn load(
    data: &Path,
    request: &ExportRequest,
) -> Result<(Report, Plan, HeadingParticulars, ReportSources)> {
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
    let plan_id = match &request.at {
        Some(at) => at.plan.id.clone(),
        None => {
            registry
                .find_document(DocumentKind::Plan, None, None)?
                .context("no plan document: publish a plan first (plansync plan publish FILE)")?
                .id
        }
    };
    // (unit code, unit name, records id, review id) for every unit with records for the year,
    // or those the report was built from.
    let mut entries: Vec<(String, String, String, Option<String>)> = Vec::new();
    match &request.at {
        Some(at) => {
            for unit in &at.units {
                entries.push((
                    unit.code.clone(),
                    unit.name.clone(),
                    unit.records.id.clone(),
                    unit.review.as_ref().map(|r| r.id.clone()),
                ));
            }
        }
        None => {
            for unit in &units {
                let Some(records) =
                    registry.find_document(DocumentKind::Records, Some(&unit.code), Some(year))?
                else {
                    continue;
                };
                let review =
                    registry.find_document(DocumentKind::Review, Some(&unit.code), Some(year))?;
                entries.push((
                    unit.code.clone(),
                    unit.name.clone(),
                    records.id,
                    review.map(|r| r.id),
                ));
            }
        }
    }
    if entries.is_empty() {
        bail!("no records documents for {year}: publish the plan for {year} first (plansync plan publish FILE --year {year})");
    }
    if let Some(code) = &request.unit {
        if !entries.iter().any(|(unit, _, _, _)| unit == code) {
            bail!("unit {code} has no records document for {year} (it reports on no task of the plan)");
        }
    }

    // Read-only: the server may be running on this data directory and owns its documents.
    let documents = storage::ReadOnlyDocuments::open(&crate::data::documents_path(data))?;
    let where_from = if request.at.is_some() {
        "the report was built from it, but it is not in this data directory"
    } else {
        "it is in the registry but not in storage"
    };
    let load = |id: &str| -> Result<Automerge> {
        documents
            .load(id)?
            .with_context(|| format!("document {id}: {where_from}"))
    };
    // The heads each document is read at: those recorded (`--at`), else its own.
    let recorded = |id: &str| -> Option<&[String]> {
        let at = request.at.as_ref()?;
        std::iter::once(&at.plan)
            .chain(
                at.units
                    .iter()
                    .flat_map(|u| std::iter::once(&u.records).chain(&u.review)),
            )
            .find(|d| d.id == id)
            .map(|d| d.heads.as_slice())
    };
    let pinned = |id: &str, doc: Automerge| -> Result<Automerge> {
        match recorded(id) {
            Some(heads) => at_heads(doc, id, heads),
            None => Ok(doc),
        }
    };
    let plan_doc = pinned(&plan_id, load(&plan_id)?)?;
    // A unit's document that does not load reads as an empty one, which the report names as
    // unreadable; why it did not load is put back into the report's cause below.
    let mut not_loaded: Vec<(String, UnreadableRole, String)> = Vec::new();
    let mut load_unit_doc = |unit: &str, role, id: &str| -> Result<Automerge> {
        match load(id) {
            Ok(doc) => pinned(id, doc),
            // Read when the report was made: it must be read again, or the report would differ.
            Err(err) if recorded(id).is_some_and(|heads| !heads.is_empty()) => Err(err),
            Err(err) if is_unit_fault(&err) => {
                not_loaded.push((unit.to_string(), role, format!("{err:#}")));
                Ok(Automerge::new())
            }
            Err(err) => Err(err),
        }
    };
    let mut docs = Vec::new();
    for (code, name, records_id, review_id) in &entries {
        let records = load_unit_doc(code, UnreadableRole::Records, records_id)?;
        let review = match review_id.as_deref() {
            Some(id) => Some(load_unit_doc(code, UnreadableRole::Review, id)?),
            None => None,
        };
        docs.push((code, name, records, review));
    }
    let plan = plan_doc::read(&plan_doc).context("cannot read the plan document")?;
    let particulars = plan_doc::read_heading(&plan_doc)
        .context("cannot read the report heading of the plan document")?;
    let units: Vec<UnitDocuments<'_>> = docs
        .iter()
        .map(|(code, name, records, review)| UnitDocuments {
            code,
            name,
            records,
            review: review.as_ref(),
        })
        .collect();
    let sources = ReportSources {
        period: request.period,
        today: request.today,
        unit: request.unit.clone(),
        plan: source(&plan_id, &plan_doc),
        units: entries
            .iter()
            .zip(&docs)
            .map(
                |((code, name, records_id, review_id), (_, _, records, review))| UnitSources {
                    code: code.clone(),
                    name: name.clone(),
                    records: source(records_id, records),
                    review: review_id
                        .as_deref()
                        .zip(review.as_ref())
                        .map(|(id, doc)| source(id, doc)),
                },
            )
            .collect(),
    };
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
            Ok((report, plan, particulars, sources))
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
