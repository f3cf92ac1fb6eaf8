//! `plansync plan publish`: imports a plan, registers the units it names, and creates (or
//! brings up to date) the plan document and each unit's records and review documents for a year.

use std::path::Path;
use std::sync::Arc;

use anyhow::{Context, Result};
use automerge::Automerge;
use samod::{DocumentId, Repo};
use shared::documents::{plan_doc, records, review, ChangeAuthor, DocumentKind};
use shared::plan::{Plan, TaskId};
use shared::unit::{classify, unit_key, Assignee, CollectiveKind, UnitKind};

use crate::registry::{DocumentEntry, Registry, Unit};

/// What a publish created or updated.
#[derive(Debug, Default)]
pub struct PublishReport {
    pub units_added: Vec<Unit>,
    pub documents: Vec<PublishedDocument>,
}

#[derive(Debug)]
pub struct PublishedDocument {
    pub entry: DocumentEntry,
    /// False when the document existed and was brought up to date.
    pub created: bool,
}

pub(crate) fn author() -> ChangeAuthor {
    crate::data::server_author()
}

/// The registry units that report on each task: a named unit, or every unit a collective covers.
pub fn reporting_units(plan: &Plan, units: &[Unit]) -> Vec<(TaskId, Vec<String>)> {
    plan.tasks()
        .into_iter()
        .map(|(_, task)| {
            let mut codes: Vec<String> = Vec::new();
            for name in task.lead.iter().chain(&task.support) {
                let covered: Vec<&Unit> = match classify(name) {
                    Assignee::Unit(_) => units
                        .iter()
                        .filter(|u| unit_key(&u.name) == unit_key(name))
                        .collect(),
                    Assignee::Collective(
                        CollectiveKind::AllUnits | CollectiveKind::AllUnitsAndStaff,
                    ) => units.iter().collect(),
                    Assignee::Collective(CollectiveKind::PublicServiceUnits) => units
                        .iter()
                        .filter(|u| u.kind == "public-service")
                        .collect(),
                    Assignee::Collective(CollectiveKind::Unexpandable) | Assignee::External => {
                        Vec::new()
                    }
                };
                for unit in covered {
                    if !codes.contains(&unit.code) {
                        codes.push(unit.code.clone());
                    }
                }
            }
            (task.id.clone(), codes)
        })
        .collect()
}

/// A short code for a unit name: the initials of its words after the type word
/// ("Phòng Kế hoạch – Tài chính" → "KHTC"), made unique with a number.
pub fn suggest_code(name: &str, taken: &[String]) -> String {
    let folded = shared::vietnamese::fold(name);
    let words: Vec<&str> = folded
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    let skip = usize::from(words.first() == Some(&"phong"));
    let base: String = words[skip..]
        .iter()
        .filter(|w| !matches!(**w, "va" | "cua"))
        .filter_map(|w| w.chars().next())
        .take(8)
        .collect::<String>()
        .to_uppercase();
    let base = if base.is_empty() {
        "DV".to_string()
    } else {
        base
    };
    let mut code = base.clone();
    let mut n = 2;
    while taken.contains(&code) {
        code = format!("{base}{n}");
        n += 1;
    }
    code
}

fn kind_name(kind: UnitKind) -> &'static str {
    match kind {
        UnitKind::Office => "office",
        UnitKind::Division => "division",
        UnitKind::PublicService => "public-service",
        UnitKind::OneStopDesk => "one-stop-desk",
        UnitKind::Other => "other",
    }
}

/// Publishes `plan` for `year` into the registry and the repo's storage.
pub async fn publish(
    registry: Arc<Registry>,
    repo: &Repo,
    plan: &Plan,
    year: i32,
    now_ms: i64,
) -> Result<PublishReport> {
    let mut report = PublishReport::default();
    let mut units = registry.units()?;
    for entry in plan.units.units() {
        if units
            .iter()
            .any(|u| unit_key(&u.name) == unit_key(&entry.name))
        {
            continue;
        }
        let Assignee::Unit(kind) = entry.assignee else {
            continue;
        };
        let taken: Vec<String> = units.iter().map(|u| u.code.clone()).collect();
        let unit = Unit {
            code: suggest_code(&entry.name, &taken),
            name: entry.name.clone(),
            kind: kind_name(kind).into(),
        };
        registry.add_unit(&unit.code, &unit.name, &unit.kind)?;
        report.units_added.push(unit.clone());
        units.push(unit);
    }

    // The plan document.
    let existing = registry.find_document(DocumentKind::Plan, None, None)?;
    let (id, created) = upsert(repo, existing.as_ref().map(|d| d.id.as_str()), |doc| {
        // A plan published again without its own calendar keeps the one it had.
        let kept_calendar = match (&plan.calendar, plan_doc::read(doc)) {
            (None, Ok(previous)) => previous.calendar,
            _ => None,
        };
        match kept_calendar {
            Some(calendar) => {
                let mut plan = plan.clone();
                plan.calendar = Some(calendar);
                plan_doc::write(doc, &author(), now_ms, &plan)
            }
            None => plan_doc::write(doc, &author(), now_ms, plan),
        }
        .context("writing the plan document")
    })
    .await?;
    let entry = DocumentEntry {
        id,
        kind: DocumentKind::Plan,
        unit: None,
        year: None,
    };
    if created {
        registry.register_document(&entry)?;
    }
    report.documents.push(PublishedDocument { entry, created });

    // Each unit's records and review documents.
    let assignments = reporting_units(plan, &units);
    for unit in &units {
        let tasks = tasks_of(&assignments, &unit.code);
        let documents =
            ensure_unit_documents(&registry, repo, plan, &unit.code, &tasks, year, now_ms).await?;
        report.documents.extend(documents);
    }
    Ok(report)
}

/// The tasks `unit` reports on, from [`reporting_units`].
pub fn tasks_of(assignments: &[(TaskId, Vec<String>)], unit: &str) -> Vec<TaskId> {
    assignments
        .iter()
        .filter(|(_, codes)| codes.iter().any(|c| c == unit))
        .map(|(t, _)| t.clone())
        .collect()
}

/// The tasks `unit` reports on in `year`, the plan being first published for `first`: those
/// of [`tasks_of`] whose time frames reach that year ([`shared::plan::Task::reported_in`]).
pub fn tasks_in_year(
    plan: &Plan,
    assignments: &[(TaskId, Vec<String>)],
    unit: &str,
    year: i32,
    first: i32,
) -> Vec<TaskId> {
    tasks_of(assignments, unit)
        .into_iter()
        .filter(|id| plan.task(id).is_some_and(|t| t.reported_in(year, first)))
        .collect()
}

/// The first year the plan was published for: the earliest year any unit has records of.
pub fn first_published_year(registry: &Registry) -> Result<Option<i32>> {
    Ok(registry
        .documents()?
        .into_iter()
        .filter(|d| d.kind == DocumentKind::Records)
        .filter_map(|d| d.year)
        .min())
}

/// The plan document as the registry names it, read from the repo's storage.
pub async fn registered_plan(registry: &Registry, repo: &Repo) -> Result<Option<Plan>> {
    let Some(entry) = registry.find_document(DocumentKind::Plan, None, None)? else {
        return Ok(None);
    };
    let handle = find_registered(repo, &entry.id).await?;
    let plan = handle
        .with_document_async(|doc| plan_doc::read(doc))
        .await
        .map_err(repo_stopped)?
        .context("reading the plan document")?;
    Ok(Some(plan))
}

/// Opens reporting `year` by hand (`plansync year open`): every unit that reports on a task in
/// that year gets its records and review documents with those tasks (idempotent: existing
/// documents are only brought up to date).
pub async fn open_year(
    registry: &Registry,
    repo: &Repo,
    year: i32,
    now_ms: i64,
) -> Result<Vec<PublishedDocument>> {
    let plan = registered_plan(registry, repo)
        .await?
        .context("no plan is published yet: publish one first (`plansync plan publish FILE`)")?;
    if let Some(period) = plan.period {
        anyhow::ensure!(
            (period.from..=period.to).contains(&year),
            "the plan covers {}-{}: {year} is not one of its years",
            period.from,
            period.to
        );
    }
    let first = first_published_year(registry)?.map_or(year, |first| first.min(year));
    let units = registry.units()?;
    let assignments = reporting_units(&plan, &units);
    let mut documents = Vec::new();
    for unit in &units {
        let tasks = tasks_in_year(&plan, &assignments, &unit.code, year, first);
        documents.extend(
            ensure_unit_documents(registry, repo, &plan, &unit.code, &tasks, year, now_ms).await?,
        );
    }
    Ok(documents)
}

/// Makes sure `unit` has its records and review documents for `year`, each with the maps of
/// every task in `tasks`: creates and registers a missing document, brings an existing one up
/// to date (idempotent). Writes nothing when `tasks` is empty.
pub async fn ensure_unit_documents(
    registry: &Registry,
    repo: &Repo,
    plan: &Plan,
    unit: &str,
    tasks: &[TaskId],
    year: i32,
    now_ms: i64,
) -> Result<Vec<PublishedDocument>> {
    let mut documents = Vec::new();
    if tasks.is_empty() {
        return Ok(documents);
    }
    let skeleton: Vec<records::TaskSkeleton> = tasks
        .iter()
        .map(|t| records::TaskSkeleton {
            task_id: t.clone(),
            n_targets: plan.task(t).map_or(0, |task| task.targets.len()),
        })
        .collect();
    for kind in [DocumentKind::Records, DocumentKind::Review] {
        let existing = registry.find_document(kind, Some(unit), Some(year))?;
        let (id, created) = upsert(repo, existing.as_ref().map(|d| d.id.as_str()), |doc| {
            match kind {
                DocumentKind::Records => {
                    records::ensure_structure(doc, &author(), now_ms, unit, year, &skeleton)
                }
                _ => review::ensure_structure(doc, &author(), now_ms, unit, year, tasks),
            }
            .with_context(|| format!("writing the {} document of {unit}", kind.as_str()))
        })
        .await?;
        let entry = DocumentEntry {
            id,
            kind,
            unit: Some(unit.to_string()),
            year: Some(year),
        };
        if created {
            registry.register_document(&entry)?;
        }
        documents.push(PublishedDocument { entry, created });
    }
    Ok(documents)
}

/// Applies `write` to the existing document `id`, or to a new document; returns its id and
/// whether it was created.
async fn upsert(
    repo: &Repo,
    id: Option<&str>,
    write: impl FnOnce(&mut Automerge) -> Result<()>,
) -> Result<(String, bool)> {
    match id {
        Some(id) => {
            let handle = find_registered(repo, id).await?;
            handle.with_document(write)?;
            Ok((id.to_string(), false))
        }
        None => {
            let mut doc = Automerge::new();
            write(&mut doc)?;
            let handle = repo.create(doc).await.map_err(repo_stopped)?;
            Ok((handle.document_id().to_string(), true))
        }
    }
}

/// Reads and imports the plan file for publishing.
pub fn load_plan(file: &Path) -> Result<Plan> {
    Ok(crate::cli::import_file(file)?.plan)
}

/// The error for a repo that stopped under a caller, kept as `samod::Stopped` in the chain:
/// the period-lock watchers tell a stopping server from a failure by it.
pub fn repo_stopped(stopped: samod::Stopped) -> anyhow::Error {
    anyhow::Error::new(stopped).context("the repository stopped")
}

/// The document a registry entry names, from the repo's storage.
pub async fn find_registered(repo: &Repo, id: &str) -> Result<samod::DocHandle> {
    let doc_id: DocumentId = id
        .parse()
        .map_err(|_| anyhow::anyhow!("registry holds a bad document id {id}"))?;
    repo.find(doc_id)
        .await
        .map_err(repo_stopped)?
        .with_context(|| format!("document {id} is in the registry but not in storage"))
}

#[cfg(test)]
mod tests {
    use super::suggest_code;

    #[test]
    fn codes_are_initials_and_unique() {
        assert_eq!(suggest_code("Phòng Kế hoạch – Tài chính", &[]), "KHTC");
        assert_eq!(suggest_code("Văn phòng Sở", &[]), "VPS");
        assert_eq!(
            suggest_code("Phòng Phát triển đô thị và nhà ở", &[]),
            "PTDTNO"
        );
        assert_eq!(
            suggest_code("Phòng Quản lý hạ tầng", &["QLHT".into()]),
            "QLHT2"
        );
    }
}
