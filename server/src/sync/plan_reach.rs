//! Plan edits and new reporting years reach every unit: every unit that reports on a task gets
//! that task's maps in its records and review documents, for every year the server has records
//! documents for and every reporting year that has opened (its first data window has started:
//! 2027 on 15/12/2026 by default, up to the plan's last year); a unit with no documents for such
//! a year gets them created and registered. This runs when the plan document changes (a plan
//! editor's edit arrives through sync) and every [`CHECK_EVERY`] (a new year, a unit registered
//! later). The work is `publish`'s own ([`crate::publish::ensure_unit_documents`]); this module
//! only decides when to run it.
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

use crate::data::Today;
use crate::publish::{
    author, ensure_unit_documents, find_registered, first_published_year, reporting_units,
    tasks_in_year,
};
use crate::registry::Registry;

/// How often to look for a plan document while none is registered.
const WAIT_FOR_PLAN: Duration = Duration::from_secs(2);

/// How often to look for a year that has opened or a unit registered since.
const CHECK_EVERY: Duration = Duration::from_secs(15);

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

/// What units' documents were last brought up to: each task's reporting units, and the years.
type Reached = (Vec<(TaskId, Vec<String>)>, Vec<i32>);

/// Follows the plan document, the calendar and the registry's units until the repo stops.
pub async fn follow_plan(repo: Repo, registry: Arc<Registry>, today: Today) {
    let handle = loop {
        match registry.find_document(DocumentKind::Plan, None, None) {
            Ok(Some(entry)) => match find_registered(&repo, &entry.id).await {
                Ok(handle) => break handle,
                Err(err) if err.chain().any(|e| e.is::<samod::Stopped>()) => return,
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
    let mut check = tokio::time::interval(CHECK_EVERY);
    check.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut reached: Option<Reached> = None;
    loop {
        match reach_units(&repo, &registry, &handle, today, &mut reached).await {
            Ok(()) => {}
            // The server is stopping: nothing is wrong, and nothing more to follow.
            Err(err) if err.chain().any(|e| e.is::<samod::Stopped>()) => return,
            Err(err) => {
                tracing::warn!("plan edits: cannot bring units' documents up to date: {err:#}")
            }
        }
        tokio::select! {
            change = changes.next() => {
                if change.is_none() {
                    return;
                }
                while changes.next().now_or_never().flatten().is_some() {}
            }
            _ = check.tick() => {}
        }
    }
}

/// Brings every unit's documents up to the plan's assignments and the open years, unless they
/// are the ones `reached` last time.
async fn reach_units(
    repo: &Repo,
    registry: &Registry,
    plan_handle: &DocHandle,
    today: Today,
    reached: &mut Option<Reached>,
) -> Result<()> {
    let plan = plan_handle
        .with_document_async(|doc| plan_doc::read(doc))
        .await
        .map_err(crate::publish::repo_stopped)?
        .context("reading the plan document")?;
    let units = registry.units()?;
    let assignments = reporting_units(&plan, &units);
    // Nothing published for any unit yet: `plan publish` decides the first year.
    let Some(first) = first_published_year(registry)? else {
        return Ok(());
    };
    let mut years: BTreeSet<i32> = registry
        .documents()?
        .into_iter()
        .filter(|d| d.kind == DocumentKind::Records)
        .filter_map(|d| d.year)
        .collect();
    let published = years.clone();
    years.extend(plan.open_years(first, today.date()));
    let key = (assignments, years.iter().copied().collect::<Vec<i32>>());
    if reached.as_ref() == Some(&key) {
        return Ok(());
    }
    let (assignments, _) = &key;
    for year in years {
        let opening = !published.contains(&year);
        for unit in &units {
            let tasks = tasks_in_year(&plan, assignments, &unit.code, year, first);
            if tasks.is_empty() || has_tasks(repo, registry, &unit.code, year, &tasks).await? {
                continue;
            }
            for document in
                ensure_unit_documents(registry, repo, &plan, &unit.code, &tasks, year, now_ms())
                    .await?
            {
                tracing::info!(
                    "{}: {} document of {} for {year} {}",
                    if opening {
                        "reporting year opened"
                    } else {
                        "plan edits"
                    },
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
    *reached = Some(key);
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
            .map_err(crate::publish::repo_stopped)?
            .unwrap_or_default();
        if tasks.iter().any(|t| !present.contains(t)) {
            return Ok(false);
        }
    }
    Ok(true)
}
