//! Enforces locked periods on the server: every records document is watched together with the
//! review document of the same unit and year, and a change that alters a period the review has
//! accepted is answered with a compensating change (`shared::documents::period_lock`).
//!
//! Each unit and year has one task that handles the changes of both documents in turn. It keeps
//! the records heads it has already judged; each time either document changes it reads the lock
//! set afresh from the review document and restores every locked period that differs from the
//! judged heads, then judges the new heads (which include its own restore, so a restore never
//! causes more work). A change that reaches the server after the acceptance is always undone,
//! however close behind it arrives, because the lock set is read when the change is judged, not
//! cached.

use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Result;
use automerge::ChangeHash;
use futures::{FutureExt, StreamExt};
use samod::{DocHandle, Repo};
use shared::documents::period_lock::{locked_periods, restore_locked};
use shared::documents::DocumentKind;

use crate::publish::find_registered;
use crate::registry::Registry;

/// How often the registry is looked at for documents registered since.
const RESCAN_EVERY: Duration = Duration::from_secs(2);

use crate::data::{now_ms, server_author as author};

/// Watches every records document with a review document of the same unit and year, now and
/// as they are registered, until the repo stops.
pub async fn enforce_locks(repo: Repo, registry: Arc<Registry>) {
    let mut watched: HashSet<(String, String)> = HashSet::new();
    loop {
        match pairs(&registry) {
            Ok(found) => {
                for pair in found {
                    if watched.insert(pair.clone()) {
                        tokio::spawn(watch(repo.clone(), pair.0, pair.1));
                    }
                }
            }
            Err(err) => tracing::warn!("period locks: cannot list documents: {err:#}"),
        }
        tokio::time::sleep(RESCAN_EVERY).await;
    }
}

/// (records document id, review document id) of every unit and year that has both.
fn pairs(registry: &Registry) -> Result<Vec<(String, String)>> {
    let documents = registry.documents()?;
    Ok(documents
        .iter()
        .filter(|d| d.kind == DocumentKind::Records)
        .filter_map(|records| {
            documents
                .iter()
                .find(|d| {
                    d.kind == DocumentKind::Review
                        && d.unit == records.unit
                        && d.year == records.year
                        && records.unit.is_some()
                })
                .map(|review| (records.id.clone(), review.id.clone()))
        })
        .collect())
}

async fn watch(repo: Repo, records_id: String, review_id: String) {
    if let Err(err) = watch_pair(&repo, &records_id, &review_id).await {
        tracing::warn!("period locks: stopped watching {records_id}: {err:#}");
    }
}

async fn watch_pair(repo: &Repo, records_id: &str, review_id: &str) -> Result<()> {
    let records = find_registered(repo, records_id).await?;
    let review = find_registered(repo, review_id).await?;
    let mut records_changes = records.changes();
    let mut review_changes = review.changes();
    let mut judged = records
        .with_document_async(|doc| doc.get_heads())
        .await
        .map_err(|_| anyhow::anyhow!("the repository stopped"))?;
    // What the document holds when the watch starts counts as judged: changes are judged as
    // they arrive.
    loop {
        tokio::select! {
            Some(_) = records_changes.next() => {}
            Some(_) = review_changes.next() => {}
            else => return Ok(()),
        }
        // Notifications that queued up meanwhile are covered by one pass.
        while records_changes.next().now_or_never().flatten().is_some() {}
        while review_changes.next().now_or_never().flatten().is_some() {}
        judged = enforce(&records, &review, judged).await?;
    }
}

/// Restores the locked periods changed since `judged`; returns the heads now judged.
async fn enforce(
    records: &DocHandle,
    review: &DocHandle,
    judged: Vec<ChangeHash>,
) -> Result<Vec<ChangeHash>> {
    let stopped = |_| anyhow::anyhow!("the repository stopped");
    let locked = review
        .with_document_async(|doc| locked_periods(doc))
        .await
        .map_err(stopped)?;
    let doc_id = records.document_id().to_string();
    let time_ms = now_ms();
    records
        .with_document_async(move |doc| {
            if !locked.is_empty() && doc.get_heads() != judged {
                match restore_locked(doc, &author(), time_ms, &judged, &locked) {
                    Ok(restored) => {
                        for (task, period) in restored {
                            tracing::info!("{doc_id}: {task} {period} is accepted; edit undone");
                        }
                    }
                    Err(err) => tracing::warn!("{doc_id}: cannot enforce period locks: {err}"),
                }
            }
            doc.get_heads()
        })
        .await
        .map_err(stopped)
}
