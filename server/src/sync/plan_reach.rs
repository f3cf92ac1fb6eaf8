//! Plan edits reach every unit: when the plan document changes (a plan editor's edit arrives
//! through sync), every unit that reports on a task gets that task's maps in its records and
//! review documents, for every year the server has records documents for; a unit with no
//! documents for such a year gets them created and registered. The work is `publish`'s own
//! ([`crate::publish::ensure_unit_documents`]); this module only decides when to run it.
//!
//! The structure is only ever added, never removed: a unit that no longer reports on a task
//! keeps what it recorded.

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, Result};
use futures::{FutureExt, StreamExt};
use samod::{DocHandle, Repo};
use shared::documents::{plan_doc, records, review, DocumentKind};
use shared::plan::TaskId;

use crate::publish::{author, ensure_unit_documents, find_registered, reporting_units, tasks_of};
use crate::registry::Registry;

/// How often to look for a plan document while none is registered.
const WAIT_FOR_PLAN: Duration = Duration::from_secs(2);

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

/// Follows the plan document until the repo stops.
pub async fn follow_plan(repo: Repo, registry: Arc<Registry>) {
    let handle = loop {
        match registry.find_document(DocumentKind::Plan, None, None) {
            Ok(Some(entry)) => match find_registered(&repo, &entry.id).await {
                Ok(handle) => break handle,
                Err(err) => tracing::warn!("plan edits: {err:#}"),
            },
            Ok(None) => {}
            Err(err) => tracing::warn!("plan edits: cannot read the registry: {err:#}"),
        }
        tokio::time::sleep(WAIT_FOR_PLAN).await;
    };
    // Documents published before plan editing get their edits map from the server, up front,
    // so two editors never create competing maps.
    let time_ms = now_ms();
    match handle
        .with_document_async(move |doc| plan_doc::upgrade(doc, &author(), time_ms))
        .await
    {
        Ok(Err(err)) => tracing::warn!("plan edits: cannot upgrade the plan document: {err}"),
        Err(_) => return,
        Ok(Ok(())) => {}
    }
    let mut changes = handle.changes();
    let mut reached: Option<Vec<(TaskId, Vec<String>)>> = None;
    loop {
        if let Err(err) = reach_units(&repo, &registry, &handle, &mut reached).await {
            tracing::warn!("plan edits: cannot bring units' documents up to date: {err:#}");
        }
        if changes.next().await.is_none() {
            return;
        }
        while changes.next().now_or_never().flatten().is_some() {}
    }
}

/// Brings every unit's documents up to the plan's assignments, unless they are the ones
/// `reached` last time.
async fn reach_units(
    repo: &Repo,
    registry: &Registry,
    plan_handle: &DocHandle,
    reached: &mut Option<Vec<(TaskId, Vec<String>)>>,
) -> Result<()> {
    let plan = plan_handle
        .with_document_async(|doc| plan_doc::read(doc))
        .await
        .map_err(|_| anyhow::anyhow!("the repository stopped"))?
        .context("reading the plan document")?;
    let units = registry.units()?;
    let assignments = reporting_units(&plan, &units);
    if reached.as_ref() == Some(&assignments) {
        return Ok(());
    }
    let years: BTreeSet<i32> = registry
        .documents()?
        .into_iter()
        .filter(|d| d.kind == DocumentKind::Records)
        .filter_map(|d| d.year)
        .collect();
    for year in years {
        for unit in &units {
            let tasks = tasks_of(&assignments, &unit.code);
            if tasks.is_empty() || has_tasks(repo, registry, &unit.code, year, &tasks).await? {
                continue;
            }
            for document in
                ensure_unit_documents(registry, repo, &plan, &unit.code, &tasks, year, now_ms())
                    .await?
            {
                tracing::info!(
                    "plan edits: {} document of {} for {year} {}",
                    document.entry.kind.as_str(),
                    unit.code,
                    if document.created {
                        "created"
                    } else {
                        "brought up to date"
                    }
                );
            }
        }
    }
    *reached = Some(assignments);
    Ok(())
}

/// Whether the unit's records and review documents of `year` both exist and hold every task.
async fn has_tasks(
    repo: &Repo,
    registry: &Registry,
    unit: &str,
    year: i32,
    tasks: &[TaskId],
) -> Result<bool> {
    for kind in [DocumentKind::Records, DocumentKind::Review] {
        let Some(entry) = registry.find_document(kind, Some(unit), Some(year))? else {
            return Ok(false);
        };
        let handle = find_registered(repo, &entry.id).await?;
        let present = handle
            .with_document_async(move |doc| match kind {
                DocumentKind::Records => records::task_ids(doc),
                _ => review::task_ids(doc),
            })
            .await
            .map_err(|_| anyhow::anyhow!("the repository stopped"))?
            .unwrap_or_default();
        if tasks.iter().any(|t| !present.contains(t)) {
            return Ok(false);
        }
    }
    Ok(true)
}
