//! Enforces locked periods on the server: every records document is watched together with the
//! review document of the same unit and year, and a change that alters a period the review has
//! accepted is answered with a compensating change (`shared::documents::period_lock`).
//!
//! Guarantees:
//! - The judged baseline (the records heads last judged) is persisted in the registry, and only
//!   once those heads are durably stored; after a restart, or a crash right after a change was
//!   stored, judging resumes from the persisted baseline, so no change escapes judgment.
//! - [`start`] returns only once every registered pair has been judged from its baseline; the
//!   server starts accepting connections after that.
//! - Each pair's watcher runs under a supervisor: a watcher that fails (an error or a panic) is
//!   reported and restarted with a back-off; [`LockHealth`] says how many run and what failed.
//! - The lock set is read from the review document each time a change is judged, so a change
//!   that reaches the server after the acceptance is always undone, however close behind it
//!   arrives. The header (`schema`, `unit`, `year`) is put back as the registry has it if it ever
//!   differs (clients cannot change it: the change gate refuses that).

use std::collections::{BTreeSet, HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::{Context, Result};
use automerge::ChangeHash;
use futures::{FutureExt, StreamExt};
use samod::{DocHandle, Repo};
use shared::calendar::PeriodId;
use shared::documents::period_lock::{locked_periods, restore_header, restore_locked};
use shared::documents::{records, DocumentKind};
use shared::plan::TaskId;
use storage::SqliteStorage;
use tokio::sync::oneshot;

use crate::data::{now_ms, server_author as author};
use crate::publish::find_registered;
use crate::registry::{DocumentEntry, Registry};

/// How often the registry is looked at for documents registered since.
const RESCAN_EVERY: Duration = Duration::from_secs(2);
/// The longest pause before a failed watcher is started again.
const MAX_RESTART_PAUSE: Duration = Duration::from_secs(30);

/// How lock enforcement is doing, for the readiness check.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct LockHealth {
    /// Pairs (records, review) whose watcher is running.
    pub n_watching: usize,
    /// Pairs known to the registry.
    pub n_pairs: usize,
    /// Watchers restarted after a failure since the server started.
    pub n_restarts: u64,
    /// The latest failure, for the operator.
    pub last_failure: Option<String>,
    /// Compensating changes written since the server started.
    pub n_restores: u64,
}

impl LockHealth {
    pub fn all_running(&self) -> bool {
        self.n_watching == self.n_pairs
    }
}

/// Everything the watchers share.
#[derive(Clone)]
struct Enforcer {
    repo: Repo,
    registry: Arc<Registry>,
    storage: SqliteStorage,
    health: Arc<Mutex<LockHealth>>,
    judged: Arc<JudgedHeadsQueue>,
    /// Every document's persisted judged heads, read in one query at the start; each watcher
    /// takes its own once (a thousand watchers starting would otherwise each take a
    /// blocking-pool thread for the same read).
    judged_at_start: Arc<Mutex<HashMap<String, Vec<String>>>>,
}

/// The judged heads not yet written to the registry, newest per document, written by one task
/// ([`persist_judged_heads`]) in one transaction each time: a wave of units' edits costs one
/// registry commit per write it overlaps, not a commit (and a blocking-pool thread) per edit.
/// The queue holds at most one entry per document, however fast they change.
#[derive(Default)]
struct JudgedHeadsQueue {
    pending: Mutex<HashMap<String, Vec<String>>>,
    wake: tokio::sync::Notify,
}

impl JudgedHeadsQueue {
    fn push(&self, doc_id: String, heads: Vec<String>) {
        self.pending
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(doc_id, heads);
        self.wake.notify_one();
    }

    /// The newest judgment of `doc_id` not yet written, if any.
    fn newest(&self, doc_id: &str) -> Option<Vec<String>> {
        self.pending
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(doc_id)
            .cloned()
    }

    fn take(&self) -> HashMap<String, Vec<String>> {
        std::mem::take(&mut *self.pending.lock().unwrap_or_else(|p| p.into_inner()))
    }

    /// Puts back what a failed write took, unless a newer judgment replaced it meanwhile.
    fn put_back(&self, failed: HashMap<String, Vec<String>>) {
        let mut pending = self.pending.lock().unwrap_or_else(|p| p.into_inner());
        for (doc_id, heads) in failed {
            pending.entry(doc_id).or_insert(heads);
        }
    }
}

/// Writes the queued judgments as they come: right away when idle, else everything queued
/// while the previous write ran, in one transaction (group commit). A failed write is retried.
async fn persist_judged_heads(queue: Arc<JudgedHeadsQueue>, registry: Arc<Registry>) {
    loop {
        queue.wake.notified().await;
        let batch = queue.take();
        if batch.is_empty() {
            continue;
        }
        let registry = registry.clone();
        let written = tokio::task::spawn_blocking(move || {
            let rows = batch
                .iter()
                .map(|(id, heads)| (id.as_str(), heads.as_slice()));
            match registry.set_judged_heads(rows, now_ms()) {
                Ok(()) => Ok(batch.len()),
                Err(err) => Err((err, batch)),
            }
        })
        .await;
        match written {
            Ok(Ok(n)) => tracing::trace!(n_documents = n, "judged heads persisted"),
            Ok(Err((err, batch))) => {
                tracing::warn!(
                    "period locks: cannot record the judged heads of {} document(s), retrying: {err:#}",
                    batch.len()
                );
                queue.put_back(batch);
                queue.wake.notify_one();
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
            Err(err) => tracing::error!("period locks: recording judged heads failed: {err}"),
        }
    }
}

/// A records document and the review document of the same unit and year.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Pair {
    records: DocumentEntry,
    review_id: String,
}

/// Starts enforcing locks on every registered pair and returns once each has been judged from
/// its persisted baseline (or has failed, which is reported). Keeps watching for new pairs.
pub async fn start(
    repo: Repo,
    registry: Arc<Registry>,
    storage: SqliteStorage,
) -> Result<Arc<Mutex<LockHealth>>> {
    let enforcer = Enforcer {
        repo,
        registry: registry.clone(),
        storage,
        health: Arc::new(Mutex::new(LockHealth::default())),
        judged: Arc::default(),
        judged_at_start: Arc::default(),
    };
    tokio::spawn(persist_judged_heads(
        enforcer.judged.clone(),
        registry.clone(),
    ));
    let listing = registry.clone();
    let (found, judged_at_start) = tokio::task::spawn_blocking(move || -> Result<_> {
        Ok((pairs(&listing)?, listing.all_judged_heads()?))
    })
    .await
    .context("listing documents")??;
    *enforcer
        .judged_at_start
        .lock()
        .unwrap_or_else(|p| p.into_inner()) = judged_at_start;
    let mut watched: HashSet<Pair> = HashSet::new();
    let mut judged = Vec::new();
    for pair in found {
        let (ready, judged_once) = oneshot::channel();
        judged.push(judged_once);
        enforcer.health_mut().n_pairs += 1;
        tokio::spawn(enforcer.clone().supervise(pair.clone(), Some(ready)));
        watched.insert(pair);
    }
    for judged_once in judged {
        let _ = judged_once.await;
    }
    tokio::spawn(enforcer.clone().follow_registry(watched));
    Ok(enforcer.health)
}

impl Enforcer {
    fn health_mut(&self) -> std::sync::MutexGuard<'_, LockHealth> {
        self.health.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Starts watchers for pairs registered after the start.
    async fn follow_registry(self, mut watched: HashSet<Pair>) {
        loop {
            tokio::time::sleep(RESCAN_EVERY).await;
            let registry = self.registry.clone();
            match tokio::task::spawn_blocking(move || pairs(&registry)).await {
                Ok(Ok(found)) => {
                    for pair in found {
                        if watched.insert(pair.clone()) {
                            self.health_mut().n_pairs += 1;
                            tokio::spawn(self.clone().supervise(pair, None));
                        }
                    }
                }
                Ok(Err(err)) => tracing::warn!("period locks: cannot list documents: {err:#}"),
                Err(err) => tracing::warn!("period locks: listing documents failed: {err}"),
            }
        }
    }

    /// Runs the watcher of `pair`, restarting it after a failure, until the repo stops.
    async fn supervise(self, pair: Pair, mut ready: Option<oneshot::Sender<()>>) {
        let mut pause = Duration::from_millis(500);
        let mut n_failures_injected = injected_failures();
        loop {
            self.health_mut().n_watching += 1;
            let run = std::panic::AssertUnwindSafe(self.watch(
                &pair,
                &mut ready,
                &mut n_failures_injected,
            ))
            .catch_unwind()
            .await;
            self.health_mut().n_watching -= 1;
            let failure = match run {
                // The document's change streams ended: the repo is stopping.
                Ok(Ok(())) => return,
                // The repo stopped under the watcher (the server is stopping): not a failure.
                Ok(Err(err)) if err.chain().any(|e| e.is::<samod::Stopped>()) => return,
                Ok(Err(err)) => format!("{err:#}"),
                Err(panic) => panic
                    .downcast_ref::<&str>()
                    .map(|s| s.to_string())
                    .or_else(|| panic.downcast_ref::<String>().cloned())
                    .unwrap_or_else(|| "a panic".into()),
            };
            let what = format!(
                "lock enforcement of {} (unit {}) failed, restarting in {} ms: {failure}",
                pair.records.id,
                pair.records.unit.as_deref().unwrap_or("?"),
                pause.as_millis()
            );
            tracing::error!("{what}");
            {
                let mut health = self.health_mut();
                health.n_restarts += 1;
                health.last_failure = Some(what);
            }
            // Starting does not wait for a watcher that cannot judge; readiness reports it.
            if let Some(ready) = ready.take() {
                let _ = ready.send(());
            }
            tokio::time::sleep(pause).await;
            pause = (pause * 2).min(MAX_RESTART_PAUSE);
        }
    }

    /// Judges `pair` from its persisted baseline, says so on `ready`, then judges every change.
    async fn watch(
        &self,
        pair: &Pair,
        ready: &mut Option<oneshot::Sender<()>>,
        n_failures_injected: &mut u32,
    ) -> Result<()> {
        let records = find_registered(&self.repo, &pair.records.id).await?;
        let review = find_registered(&self.repo, &pair.review_id).await?;
        // Subscribe before reading, so nothing between the two is missed.
        let mut records_changes = records.changes();
        let mut review_changes = review.changes();
        let baseline = self.baseline(&records, &pair.records.id).await?;
        let mut locked = LockedPeriods::default();
        let mut judged = self
            .judge(pair, &records, &review, &mut locked, baseline)
            .await?;
        if let Some(ready) = ready.take() {
            let _ = ready.send(());
        }
        if *n_failures_injected > 0 {
            *n_failures_injected -= 1;
            anyhow::bail!("a failure injected by PLANSYNC_TEST_LOCK_WATCHER_FAILURES");
        }
        loop {
            tokio::select! {
                Some(_) = records_changes.next() => {}
                Some(_) = review_changes.next() => {}
                else => return Ok(()),
            }
            // Notifications that queued up meanwhile are covered by one pass.
            while records_changes.next().now_or_never().flatten().is_some() {}
            while review_changes.next().now_or_never().flatten().is_some() {}
            judged = self
                .judge(pair, &records, &review, &mut locked, judged)
                .await?;
        }
    }

    /// The heads judged last, as persisted; on the first start, the document as it is.
    async fn baseline(&self, records: &DocHandle, doc_id: &str) -> Result<Vec<ChangeHash>> {
        // The newest judgment: one not written yet (a watcher restarted after a failure), else
        // the one read at the start (first watch), else the registry's.
        let at_start = self
            .judged_at_start
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(doc_id);
        let persisted = match self.judged.newest(doc_id).or(at_start) {
            Some(heads) => Some(heads),
            None => {
                let registry = self.registry.clone();
                let id = doc_id.to_string();
                tokio::task::spawn_blocking(move || registry.judged_heads(&id)).await??
            }
        };
        let doc_id = doc_id.to_string();
        records
            .with_document_async(move |doc| match persisted {
                None => doc.get_heads(),
                Some(hex) => {
                    let known: Vec<ChangeHash> = hex
                        .iter()
                        .filter_map(|h| h.parse().ok())
                        .filter(|h| doc.get_change_meta_by_hash(h).is_some())
                        .collect();
                    if known.len() < hex.len() {
                        tracing::warn!(
                            "{doc_id} lacks {} of its judged heads; judging from the rest",
                            hex.len() - known.len()
                        );
                    }
                    known
                }
            })
            .await
            .map_err(crate::publish::repo_stopped)
    }

    /// Restores what changed since `judged`, waits until the new heads are durable, persists
    /// them as the baseline and returns them.
    async fn judge(
        &self,
        pair: &Pair,
        records: &DocHandle,
        review: &DocHandle,
        locked: &mut LockedPeriods,
        judged: Vec<ChangeHash>,
    ) -> Result<Vec<ChangeHash>> {
        let stopped = crate::publish::repo_stopped;
        if let Some(delay) = judge_delay() {
            tokio::time::sleep(delay).await;
        }
        let known = locked.review_heads.clone();
        let fresh = review
            .with_document_async(move |doc| {
                let heads = doc.get_heads();
                (heads != known).then(|| (heads, locked_periods(doc)))
            })
            .await
            .map_err(stopped)?;
        if let Some((review_heads, periods)) = fresh {
            *locked = LockedPeriods {
                review_heads,
                periods: Arc::new(periods),
            };
        }
        let locked = locked.periods.clone();
        let doc_id = pair.records.id.clone();
        let unit = pair.records.unit.clone().unwrap_or_default();
        let year = pair.records.year.unwrap_or_default();
        let time_ms = now_ms();
        let (heads, n_restored) = records
            .with_document_async(move |doc| -> Result<_> {
                let mut n_restored = 0;
                if restore_header(doc, &author(), time_ms, records::SCHEMA, &unit, year)? {
                    tracing::warn!("{doc_id}: header differed from the registry's; restored");
                    n_restored += 1;
                }
                if !locked.is_empty() && doc.get_heads() != judged {
                    for (task, period) in restore_locked(doc, &author(), time_ms, &judged, &locked)?
                    {
                        tracing::info!("{doc_id}: {task} {period} is accepted; edit undone");
                        n_restored += 1;
                    }
                }
                Ok((doc.get_heads(), n_restored))
            })
            .await
            .map_err(stopped)??;
        self.health_mut().n_restores += n_restored;
        metrics::counter!(crate::metrics::LOCK_RESTORES).increment(n_restored);
        self.storage.durable().wait(&pair.records.id, &heads).await;
        let hex: Vec<String> = heads.iter().map(ToString::to_string).collect();
        self.judged.push(pair.records.id.clone(), hex);
        Ok(heads)
    }
}

/// The locked periods of a pair's review document as of its `review_heads`: read again only
/// when the review document changed, not on every change of the records document.
#[derive(Default)]
struct LockedPeriods {
    review_heads: Vec<ChangeHash>,
    periods: Arc<BTreeSet<(TaskId, PeriodId)>>,
}

/// `PLANSYNC_TEST_LOCK_JUDGE_DELAY_MS`: tests hold judging back to play a crash between a
/// change being stored and being judged.
fn judge_delay() -> Option<Duration> {
    std::env::var("PLANSYNC_TEST_LOCK_JUDGE_DELAY_MS")
        .ok()
        .and_then(|v| v.parse().ok())
        .map(Duration::from_millis)
}

/// `PLANSYNC_TEST_LOCK_WATCHER_FAILURES`: each watcher fails this many times after its first
/// judgment (tests of the supervisor).
fn injected_failures() -> u32 {
    std::env::var("PLANSYNC_TEST_LOCK_WATCHER_FAILURES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

/// Every records document with a review document of the same unit and year.
fn pairs(registry: &Registry) -> Result<Vec<Pair>> {
    let documents = registry.documents()?;
    Ok(documents
        .iter()
        .filter(|d| d.kind == DocumentKind::Records && d.unit.is_some())
        .filter_map(|records| {
            documents
                .iter()
                .find(|d| {
                    d.kind == DocumentKind::Review
                        && d.unit == records.unit
                        && d.year == records.year
                })
                .map(|review| Pair {
                    records: records.clone(),
                    review_id: review.id.clone(),
                })
        })
        .collect())
}
