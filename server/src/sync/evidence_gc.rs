//! Evidence files no document lists any more are deleted after a grace period: hourly, each
//! file a unit holds is looked up in the unit's records documents; a file none of them lists is
//! marked, and once it has stayed unlisted for the grace period the unit no longer holds it. A
//! stored file no unit holds is deleted (files left without any holder, e.g. by an interrupted
//! upload, once they are an hour old).

use std::collections::{BTreeSet, HashMap};
use std::time::Duration;

use anyhow::Result;
use shared::documents::{records, DocumentKind};

use super::ServerState;
use crate::data::now_ms;

/// What one sweep did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Swept {
    pub n_newly_unlisted: usize,
    pub n_released: usize,
    pub n_files_deleted: usize,
}

/// How often the sweep runs: `PLANSYNC_SWEEP_EVERY_SECS`, by default hourly.
fn sweep_every() -> Duration {
    std::env::var("PLANSYNC_SWEEP_EVERY_SECS")
        .ok()
        .and_then(|v| v.parse().ok())
        .map_or(Duration::from_secs(3600), Duration::from_secs)
}

pub async fn sweep_unlisted_evidence(state: ServerState, grace: Duration) {
    let mut every = tokio::time::interval(sweep_every());
    loop {
        every.tick().await;
        match sweep_once(&state, grace).await {
            Ok(swept) if swept == Swept::default() => {}
            Ok(swept) => tracing::info!("evidence sweep: {swept:?}"),
            Err(err) => tracing::warn!("evidence sweep failed: {err:#}"),
        }
    }
}

/// The upgrade step of a registry from before units held evidence files (schema 3): each file
/// already stored is given to the units whose records documents list it, before the first
/// sweep could take it for a file nobody holds. Runs once; an interrupted run runs again.
pub async fn adopt_listed_evidence_after_upgrade(state: &ServerState) -> Result<usize> {
    const STEP: &str = "adopt_listed_evidence";
    let registry = state.registry.clone();
    let (pending, documents) = tokio::task::spawn_blocking(move || {
        anyhow::Ok((registry.upgrade_step_pending(STEP)?, registry.documents()?))
    })
    .await??;
    if !pending {
        return Ok(0);
    }
    let mut adopted = 0;
    for doc in documents.iter().filter(|d| d.kind == DocumentKind::Records) {
        let Some(unit) = doc.unit.clone() else {
            continue;
        };
        let handle = crate::publish::find_registered(&state.repo, &doc.id).await?;
        let listed = handle
            .with_document_async(|d| records::all_evidence(d))
            .await
            .map_err(crate::publish::repo_stopped)?
            .unwrap_or_default();
        for attached in listed {
            let sha256 = attached.evidence.sha256;
            if let Some(size) = state.files.complete_len(&sha256).await? {
                let registry = state.registry.clone();
                let unit = unit.clone();
                tokio::task::spawn_blocking(move || {
                    registry.add_unit_file(&unit, &sha256, size, now_ms())
                })
                .await??;
                adopted += 1;
            }
        }
    }
    let registry = state.registry.clone();
    tokio::task::spawn_blocking(move || registry.finish_upgrade_step(STEP)).await??;
    tracing::info!(
        adopted,
        "upgrade: each evidence file stored before units held files is now held by the units listing it"
    );
    Ok(adopted)
}

/// One sweep, now.
pub async fn sweep_once(state: &ServerState, grace: Duration) -> Result<Swept> {
    let registry = state.registry.clone();
    let (held, documents) = tokio::task::spawn_blocking(move || {
        anyhow::Ok((registry.unit_files()?, registry.documents()?))
    })
    .await??;
    // The hashes each unit's records documents list, every year.
    let mut listed: HashMap<String, BTreeSet<String>> = HashMap::new();
    let units: BTreeSet<&str> = held.iter().map(|(unit, _, _)| unit.as_str()).collect();
    for doc in documents
        .iter()
        .filter(|d| d.kind == DocumentKind::Records)
        .filter(|d| d.unit.as_deref().is_some_and(|u| units.contains(u)))
    {
        let handle = crate::publish::find_registered(&state.repo, &doc.id).await?;
        let hashes = handle
            .with_document_async(|d| records::all_evidence(d))
            .await
            .map_err(crate::publish::repo_stopped)?
            .unwrap_or_default();
        listed
            .entry(doc.unit.clone().unwrap_or_default())
            .or_default()
            .extend(hashes.into_iter().map(|a| a.evidence.sha256));
    }
    let now = now_ms();
    let grace_ms = i64::try_from(grace.as_millis()).unwrap_or(i64::MAX);
    let mut swept = Swept::default();
    for (unit, sha256, unlisted_since) in held {
        let is_listed = listed.get(&unit).is_some_and(|l| l.contains(&sha256));
        let registry = state.registry.clone();
        let files = state.files.clone();
        let step = tokio::task::spawn_blocking(move || -> Result<(usize, usize, usize)> {
            match (is_listed, unlisted_since) {
                (true, Some(_)) => {
                    registry.set_unit_file_unlisted(&unit, &sha256, None)?;
                    Ok((0, 0, 0))
                }
                (true, None) => Ok((0, 0, 0)),
                (false, None) => {
                    registry.set_unit_file_unlisted(&unit, &sha256, Some(now))?;
                    Ok((1, 0, 0))
                }
                (false, Some(since)) if now - since >= grace_ms => {
                    let still_held = registry.remove_unit_file(&unit, &sha256)?;
                    tracing::info!(unit, sha256, "evidence file no longer listed: released");
                    if !still_held {
                        files.remove_complete(&sha256)?;
                        return Ok((0, 1, 1));
                    }
                    Ok((0, 1, 0))
                }
                (false, Some(_)) => Ok((0, 0, 0)),
            }
        })
        .await??;
        swept.n_newly_unlisted += step.0;
        swept.n_released += step.1;
        swept.n_files_deleted += step.2;
    }
    // Stored files no unit holds at all.
    let registry = state.registry.clone();
    let files = state.files.clone();
    swept.n_files_deleted += tokio::task::spawn_blocking(move || -> Result<usize> {
        let held: BTreeSet<String> = registry
            .unit_files()?
            .into_iter()
            .map(|(_, sha256, _)| sha256)
            .collect();
        let mut n = 0;
        let an_hour_ago = std::time::SystemTime::now() - Duration::from_secs(3600);
        for (sha256, stored_at) in files.complete_files()? {
            if !held.contains(&sha256) && stored_at < an_hour_ago {
                files.remove_complete(&sha256)?;
                n += 1;
            }
        }
        Ok(n)
    })
    .await??;
    Ok(swept)
}
