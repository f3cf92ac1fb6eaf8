//! The background task of a session: dials the server, keeps the document list fresh, finds
//! every listed document so it syncs, and turns what samod reports into a [`SyncStatus`].
//!
//! It owns the dialer and all sync bookkeeping; the API talks to it through [`EngineCommand`]s.
//! Everything it measures is per document: our heads against the heads the server advertised
//! on the current connection (see [`crate::confirmation`]).

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures::StreamExt;
use samod::{
    ConnectionId, DialerEvent, DialerHandle, DocHandle, DocumentId, PeerDocState, Repo, SearchState,
};
use shared::documents::records;
use tokio::sync::{mpsc, oneshot, watch, Notify};
use tokio::task::JoinSet;
use tokio::time::Instant;

use crate::api::ServerApi;
use crate::config::ClientConfig;
use crate::confirmation::{progress, ServerHeads};
use crate::dialer::{BearerDialer, DialRejected, DialReport};
use crate::doc_info::DocInfo;
use crate::error::{ClientError, Result};
use crate::evidence::{upload_pass, waiting_uploads, UploadMemory, UploadPass};
use crate::local_db::LocalDb;
use crate::open_docs::OpenDocs;
use crate::session::Session;
use crate::status::{summarize, IpcError, Link, Measurement, SyncStatus};
use shared::ipc::ErrorCode;

/// Changes arrive in bursts; the status is recomputed at most this often.
const DEBOUNCE: Duration = Duration::from_millis(100);
/// How long a fresh measurement (before logout) waits for a document still being looked up.
const MEASURE_FIND_TIMEOUT: Duration = Duration::from_secs(5);
/// The first and the longest wait before retrying failed evidence uploads.
const UPLOAD_RETRY_FIRST: Duration = Duration::from_millis(500);
const UPLOAD_RETRY_MAX: Duration = Duration::from_secs(60);

pub(crate) enum EngineCommand {
    StartSync,
    StopSync,
    /// The API found a document; track it.
    Found(DocHandle),
    /// Fetch the document list now; answer with it.
    Refresh(oneshot::Sender<Result<Vec<DocInfo>>>),
    /// Measure now (finding documents not tracked yet) and answer with the number of
    /// unconfirmed changes.
    Measure(oneshot::Sender<usize>),
    /// Publish a fresh status now (after an edit, so the status counts it on return).
    Recompute(oneshot::Sender<()>),
    /// An evidence file was attached: upload now if connected.
    UploadEvidence,
    Shutdown(oneshot::Sender<()>),
}

/// What the engine needs of its session.
pub(crate) struct EngineParts {
    pub session: Session,
    pub repo: Repo,
    pub docs: Arc<OpenDocs>,
    pub db: Arc<LocalDb>,
    pub api: ServerApi,
    pub tls: Arc<rustls::ClientConfig>,
    pub config: ClientConfig,
    pub status: Arc<watch::Sender<SyncStatus>>,
    /// The local evidence file store.
    pub files_dir: std::path::PathBuf,
    /// What is known of evidence uploads (shared with the API).
    pub uploads: Arc<UploadMemory>,
    /// Bumped whenever the stored session's full name or head flag changes.
    pub profile: Arc<watch::Sender<u64>>,
}

/// Messages from the engine's own spawned tasks.
enum TaskResult {
    Found(DocHandle),
    ListFetched(
        Result<Vec<DocInfo>>,
        Option<oneshot::Sender<Result<Vec<DocInfo>>>>,
    ),
    Uploaded(UploadPass),
}

/// The evidence uploader's state: one pass at a time; after a failure worth retrying, the next
/// pass waits `delay`, doubling up to [`UPLOAD_RETRY_MAX`].
struct Uploads {
    running: bool,
    /// Something asked for a pass while one was running.
    again: bool,
    retry_at: Option<Instant>,
    delay: Duration,
}

struct Tracked {
    handle: DocHandle,
    /// The latest sync state of each connection for this document, merged from samod's
    /// stream of changed entries.
    peers: Arc<Mutex<HashMap<ConnectionId, PeerDocState>>>,
}

pub(crate) struct Engine {
    parts: EngineParts,
    commands: mpsc::UnboundedReceiver<EngineCommand>,
    results_tx: mpsc::UnboundedSender<TaskResult>,
    results: mpsc::UnboundedReceiver<TaskResult>,
    reports_tx: futures::channel::mpsc::UnboundedSender<DialReport>,
    reports: futures::channel::mpsc::UnboundedReceiver<DialReport>,
    dialer: Option<DialerHandle<DialRejected>>,
    /// The dialer's events, forwarded by a task (samod's event stream borrows the handle).
    dialer_events: Option<mpsc::UnboundedReceiver<DialerEvent>>,
    dialer_forwarder: Option<tokio::task::AbortHandle>,
    link: Link,
    /// The document list was fetched since the current connection opened.
    list_fresh: bool,
    last_error: Option<IpcError>,
    tracked: HashMap<DocumentId, Tracked>,
    /// Listed documents not here yet, each with the task searching for it.
    finding: HashMap<DocumentId, tokio::task::AbortHandle>,
    dirty: Arc<Notify>,
    /// Changes seen on any tracked document.
    n_doc_changes: Arc<AtomicU64>,
    recompute_at: Option<Instant>,
    /// Ticks while connected, to fetch the document list again.
    refresh: tokio::time::Interval,
    /// Watchers, finds and fetches; aborted when the engine ends.
    tasks: JoinSet<()>,
    uploads: Uploads,
}

impl Engine {
    pub fn spawn(
        parts: EngineParts,
    ) -> (
        mpsc::UnboundedSender<EngineCommand>,
        tokio::task::JoinHandle<()>,
    ) {
        let (commands_tx, commands) = mpsc::unbounded_channel();
        let (results_tx, results) = mpsc::unbounded_channel();
        let (reports_tx, reports) = futures::channel::mpsc::unbounded();
        let mut refresh = tokio::time::interval(parts.config.refresh_every);
        refresh.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let engine = Engine {
            parts,
            commands,
            results_tx,
            results,
            reports_tx,
            reports,
            dialer: None,
            dialer_events: None,
            dialer_forwarder: None,
            link: Link::Off,
            list_fresh: false,
            last_error: None,
            tracked: HashMap::new(),
            finding: HashMap::new(),
            dirty: Arc::new(Notify::new()),
            n_doc_changes: Arc::new(AtomicU64::new(0)),
            recompute_at: None,
            refresh,
            tasks: JoinSet::new(),
            uploads: Uploads {
                running: false,
                again: false,
                retry_at: None,
                delay: UPLOAD_RETRY_FIRST,
            },
        };
        let task = tokio::spawn(engine.run());
        (commands_tx, task)
    }

    async fn run(mut self) {
        // Open every listed document already on disk, so the app works offline.
        for info in self.parts.docs.list() {
            self.start_find(info.id);
        }
        self.schedule_recompute();
        let mut shutdown_reply = None;
        loop {
            let recompute_at = self.recompute_at;
            let upload_retry_at = self.uploads.retry_at;
            tokio::select! {
                command = self.commands.recv() => match command {
                    Some(EngineCommand::Shutdown(reply)) => {
                        shutdown_reply = Some(reply);
                        break;
                    }
                    Some(command) => self.on_command(command).await,
                    None => break,
                },
                Some(result) = self.results.recv() => self.on_task_result(result),
                event = next_event(&mut self.dialer_events) => match event {
                    Some(event) => self.on_dialer_event(event),
                    None => self.dialer_events = None,
                },
                Some(report) = self.reports.next() => self.on_dial_report(report),
                _ = self.refresh.tick(), if self.link == Link::Connected => {
                    self.fetch_list(None);
                    self.start_uploads();
                }
                () = sleep_until(upload_retry_at), if upload_retry_at.is_some() => {
                    self.uploads.retry_at = None;
                    self.start_uploads();
                }
                () = self.dirty.notified() => self.schedule_recompute(),
                () = sleep_until(recompute_at), if recompute_at.is_some() => {
                    self.recompute_at = None;
                    self.recompute().await;
                }
                Some(joined) = self.tasks.join_next(), if !self.tasks.is_empty() => {
                    if let Err(err) = joined {
                        if err.is_panic() {
                            tracing::error!("a sync task panicked: {err}");
                        }
                    }
                }
            }
        }
        self.stop_sync();
        self.tasks.shutdown().await;
        if let Some(reply) = shutdown_reply {
            let _ = reply.send(());
        }
    }

    async fn on_command(&mut self, command: EngineCommand) {
        match command {
            EngineCommand::StartSync => self.start_sync(),
            EngineCommand::StopSync => {
                self.stop_sync();
                // Going offline on purpose is not a problem to show.
                self.last_error = None;
                self.schedule_recompute();
            }
            EngineCommand::Found(handle) => self.track(handle),
            EngineCommand::Refresh(reply) => self.fetch_list(Some(reply)),
            EngineCommand::Measure(reply) => {
                self.find_untracked_now().await;
                let measured = self.recompute().await;
                let _ = reply.send(measured.n_unconfirmed);
            }
            EngineCommand::Recompute(reply) => {
                self.recompute().await;
                let _ = reply.send(());
            }
            EngineCommand::UploadEvidence => self.start_uploads(),
            EngineCommand::Shutdown(_) => unreachable!("handled by the loop"),
        }
    }

    fn start_sync(&mut self) {
        if self.dialer.is_some() {
            return;
        }
        let session = &self.parts.session;
        let dialer = BearerDialer {
            url: session.server_url.sync_url(),
            token: session.token.clone(),
            tls: self.parts.tls.clone(),
            keepalive: self.parts.config.keepalive,
            connect_timeout: self.parts.config.connect_timeout,
            reports: self.reports_tx.clone(),
        };
        let handle = match self
            .parts
            .repo
            .dial(self.parts.config.backoff.clone(), Arc::new(dialer))
        {
            Ok(handle) => handle,
            Err(samod::Stopped) => return,
        };
        let (events_tx, events) = mpsc::unbounded_channel();
        let forwarded = handle.clone();
        let forwarder = self.tasks.spawn(async move {
            let mut events = forwarded.events();
            // The connection may have opened before we subscribed.
            if let Some(peer_info) = forwarded.peer_info() {
                let _ = events_tx.send(DialerEvent::Connected { peer_info });
            }
            while let Some(event) = events.next().await {
                if events_tx.send(event).is_err() {
                    return;
                }
            }
        });
        self.dialer_events = Some(events);
        self.dialer_forwarder = Some(forwarder);
        self.link = Link::Connecting;
        self.dialer = Some(handle);
        self.schedule_recompute();
    }

    fn stop_sync(&mut self) {
        if let Some(dialer) = self.dialer.take() {
            dialer.close();
        }
        self.dialer_events = None;
        if let Some(forwarder) = self.dialer_forwarder.take() {
            forwarder.abort();
        }
        self.link = Link::Off;
        self.list_fresh = false;
    }

    fn on_connected(&mut self) {
        tracing::info!(user = %self.parts.session.username, "connected to the server");
        self.link = Link::Connected;
        self.last_error = None;
        self.list_fresh = false;
        self.fetch_list(None);
        self.refresh.reset();
        self.uploads.delay = UPLOAD_RETRY_FIRST;
        self.uploads.retry_at = None;
        self.start_uploads();
        self.schedule_recompute();
    }

    /// Starts an evidence upload pass over the writable records documents here, when connected
    /// (a pass already running is asked to run once more when it ends).
    fn start_uploads(&mut self) {
        if self.link != Link::Connected {
            return;
        }
        if self.uploads.running {
            self.uploads.again = true;
            return;
        }
        let docs: Vec<DocHandle> = self
            .parts
            .docs
            .list()
            .into_iter()
            .filter(|info| {
                info.kind == shared::documents::DocumentKind::Records && info.is_writable()
            })
            .filter_map(|info| self.tracked.get(&info.id).map(|t| t.handle.clone()))
            .collect();
        if docs.is_empty() {
            return;
        }
        self.uploads.running = true;
        self.uploads.again = false;
        let session = &self.parts.session;
        let pass = upload_pass(
            self.parts.api.clone(),
            session.server_url.clone(),
            session.token.clone(),
            self.parts.files_dir.clone(),
            docs,
            self.parts.uploads.clone(),
            self.dirty.clone(),
        );
        let results = self.results_tx.clone();
        self.tasks.spawn(async move {
            let _ = results.send(TaskResult::Uploaded(pass.await));
        });
    }

    fn on_uploaded(&mut self, pass: UploadPass) {
        self.uploads.running = false;
        // The waiting files changed.
        self.schedule_recompute();
        if pass.session_expired {
            self.expire_session();
            return;
        }
        if let Some((sha256, err)) = pass.refused.first() {
            let over_quota =
                matches!(err, ClientError::Server { code, .. } if code == "unit_quota_exceeded");
            self.last_error = Some(IpcError {
                code: if over_quota {
                    ErrorCode::UnitQuotaExceeded
                } else {
                    ErrorCode::EvidenceRefused
                },
                message: format!("the server refused evidence file {sha256}: {err}"),
            });
            self.schedule_recompute();
        }
        if let Some(why) = &pass.retry {
            if why.contains("(storage_full)") {
                self.last_error = Some(IpcError {
                    code: ErrorCode::ServerStorageFull,
                    message: why.clone(),
                });
                self.schedule_recompute();
            }
        }
        if let Some(why) = pass.retry {
            let delay = self.uploads.delay;
            tracing::debug!(?delay, "evidence uploads retry later: {why}");
            self.uploads.retry_at = Some(Instant::now() + delay);
            self.uploads.delay = (delay * 2).min(UPLOAD_RETRY_MAX);
        } else {
            self.uploads.delay = UPLOAD_RETRY_FIRST;
            if self.uploads.again {
                self.start_uploads();
            }
        }
    }

    fn on_dialer_event(&mut self, event: DialerEvent) {
        match event {
            DialerEvent::Connected { .. } => self.on_connected(),
            DialerEvent::Disconnected { reason } => {
                tracing::info!("sync connection lost: {reason}");
                self.link = Link::Connecting;
                self.list_fresh = false;
                self.last_error = Some(IpcError {
                    code: ErrorCode::ConnectionLost,
                    message: format!("connection to the server lost: {reason}"),
                });
            }
            DialerEvent::Reconnecting { attempt } => {
                tracing::debug!(attempt, "reconnecting");
                self.link = Link::Connecting;
            }
            DialerEvent::PermanentFailure => {
                // Our dialer's only permanent failure is the server refusing the token.
                self.expire_session();
            }
            DialerEvent::MaxRetriesReached => {
                self.stop_sync();
                self.last_error = Some(IpcError {
                    code: ErrorCode::ServerUnreachable,
                    message: "gave up reconnecting to the server".into(),
                });
            }
        }
        self.schedule_recompute();
    }

    fn on_dial_report(&mut self, report: DialReport) {
        match report {
            DialReport::Failed { code, message } => {
                // Late reports from a dialer already connected or stopped are stale.
                if self.link == Link::Connecting {
                    self.last_error = Some(IpcError {
                        code: ErrorCode::from_code(code),
                        message,
                    });
                    self.schedule_recompute();
                }
            }
        }
    }

    fn expire_session(&mut self) {
        tracing::warn!("the server refused the session token");
        self.stop_sync();
        self.last_error = Some(IpcError {
            code: ErrorCode::SessionExpired,
            message: ClientError::SessionExpired.to_string(),
        });
        self.schedule_recompute();
    }

    /// Fetches the document list, and with it the people's names and the user's own full name
    /// and head flag (kept in the local store; a server that cannot say them leaves what is
    /// known so far).
    fn fetch_list(&mut self, reply: Option<oneshot::Sender<Result<Vec<DocInfo>>>>) {
        let api = self.parts.api.clone();
        let server = self.parts.session.server_url.clone();
        let token = self.parts.session.token.clone();
        let results = self.results_tx.clone();
        let db = self.parts.db.clone();
        let profile = self.parts.profile.clone();
        self.tasks.spawn(async move {
            let fetched = api.documents(&server, &token).await;
            if fetched.is_ok() {
                match api.people(&server, &token).await {
                    Ok(people) => {
                        let known = db.people().unwrap_or_default();
                        if known != people {
                            if let Err(err) = db.replace_people(&people) {
                                tracing::warn!("cannot keep the people's names: {err}");
                            }
                        }
                    }
                    Err(err) => tracing::warn!("cannot fetch the people's names: {err}"),
                }
                match api.session_user(&server, &token).await {
                    Ok(user) => {
                        match db.update_profile(user.full_name.as_deref(), user.unit_head) {
                            Ok(true) => profile.send_modify(|n| *n += 1),
                            Ok(false) => {}
                            Err(err) => tracing::warn!("cannot keep the user's name: {err}"),
                        }
                    }
                    Err(err) => tracing::debug!("cannot fetch the user's name: {err}"),
                }
            }
            let _ = results.send(TaskResult::ListFetched(fetched, reply));
        });
    }

    fn on_task_result(&mut self, result: TaskResult) {
        match result {
            TaskResult::Found(handle) => {
                self.finding.remove(handle.document_id());
                self.track(handle);
            }
            TaskResult::Uploaded(pass) => self.on_uploaded(pass),
            TaskResult::ListFetched(fetched, reply) => {
                let outcome = match fetched {
                    Ok(list) => self.on_list(list),
                    Err(err) => {
                        if matches!(err, ClientError::SessionExpired) {
                            self.expire_session();
                        } else {
                            tracing::warn!("cannot fetch the document list: {err}");
                            self.last_error = Some(IpcError {
                                code: ErrorCode::from_code(err.code()),
                                message: format!("cannot fetch the document list: {err}"),
                            });
                            self.schedule_recompute();
                        }
                        Err(err)
                    }
                };
                if let Some(reply) = reply {
                    let _ = reply.send(outcome);
                }
            }
        }
    }

    fn on_list(&mut self, list: Vec<DocInfo>) -> Result<Vec<DocInfo>> {
        if self.parts.docs.list() != list {
            tracing::info!(n_docs = list.len(), "document list changed");
            self.parts.db.replace_doc_list(&list)?;
            self.parts.docs.set_list(list.clone());
            // What the screens offer (a newly opened year, a unit's records) follows the list.
            self.n_doc_changes.fetch_add(1, Ordering::Relaxed);
        }
        if self.link == Link::Connected {
            self.list_fresh = true;
        }
        let listed: HashSet<&DocumentId> = list.iter().map(|d| &d.id).collect();
        self.tracked.retain(|id, _| listed.contains(id));
        self.finding.retain(|id, search| {
            let keep = listed.contains(id);
            if !keep {
                search.abort();
            }
            keep
        });
        for info in &list {
            self.start_find(info.id.clone());
        }
        self.schedule_recompute();
        Ok(list)
    }

    /// Searches for `doc_id` in the background (on disk, else from the server) unless it is
    /// tracked or already searched for. The search does not give up: a document the server
    /// does not have yet, or that was asked for before the connection was ready, arrives
    /// whenever it becomes available (samod asks each new connection again).
    fn start_find(&mut self, doc_id: DocumentId) {
        if self.tracked.contains_key(&doc_id) || self.finding.contains_key(&doc_id) {
            return;
        }
        if let Some(handle) = self.parts.docs.handle(&doc_id) {
            self.track(handle);
            return;
        }
        let Ok((initial, updates)) = self.parts.repo.search(doc_id.clone()) else {
            return;
        };
        let results = self.results_tx.clone();
        let search = self.tasks.spawn(async move {
            let mut updates = Box::pin(updates);
            let mut state = initial;
            loop {
                if let SearchState::Found(handle) = state {
                    let _ = results.send(TaskResult::Found(handle));
                    return;
                }
                match updates.next().await {
                    Some(next) => state = next,
                    None => return,
                }
            }
        });
        self.finding.insert(doc_id, search);
    }

    /// Before a fresh measurement: looks up (briefly) listed documents not tracked yet, so a
    /// document on disk is never skipped.
    async fn find_untracked_now(&mut self) {
        for info in self.parts.docs.list() {
            if self.tracked.contains_key(&info.id) {
                continue;
            }
            let find = self.parts.repo.find(info.id.clone());
            if let Ok(Ok(Some(handle))) = tokio::time::timeout(MEASURE_FIND_TIMEOUT, find).await {
                self.track(handle);
            }
        }
    }

    fn track(&mut self, handle: DocHandle) {
        let doc_id = handle.document_id().clone();
        if let Some(search) = self.finding.remove(&doc_id) {
            search.abort();
        }
        if self.tracked.contains_key(&doc_id) {
            return;
        }
        self.parts.docs.insert_handle(handle.clone());
        let peers = Arc::new(Mutex::new(HashMap::new()));
        self.tasks.spawn(watch_doc(
            handle.clone(),
            peers.clone(),
            self.dirty.clone(),
            self.n_doc_changes.clone(),
        ));
        self.tracked.insert(doc_id, Tracked { handle, peers });
        // A document now readable here changes what the screens show, as an edit would.
        self.n_doc_changes.fetch_add(1, Ordering::Relaxed);
        self.schedule_recompute();
    }

    fn schedule_recompute(&mut self) {
        if self.recompute_at.is_none() {
            self.recompute_at = Some(Instant::now() + DEBOUNCE);
        }
    }

    /// Measures every listed document and publishes the status; persists new confirmations.
    async fn recompute(&mut self) -> Measurement {
        let connection = match (&self.dialer, self.link) {
            (Some(dialer), Link::Connected) => dialer.connection_id(),
            _ => None,
        };
        let mut measured = Measurement {
            link: self.link,
            n_unconfirmed: 0,
            all_settled: self.link == Link::Connected && self.list_fresh,
            n_doc_changes: self.n_doc_changes.load(Ordering::Relaxed),
            uploads: Default::default(),
        };
        let mut attached = Vec::new();
        for info in self.parts.docs.list() {
            let Some(tracked) = self.tracked.get(&info.id) else {
                tracing::trace!(doc = %info.id, "not here yet");
                measured.all_settled = false;
                continue;
            };
            let server = connection.and_then(|conn| {
                let peers = tracked.peers.lock().unwrap_or_else(|p| p.into_inner());
                peers.get(&conn).map(ServerHeads::from)
            });
            let doc_key = info.id.to_string();
            let persisted = self.parts.docs.confirmed(&doc_key);
            let persisted_for_doc = persisted.clone();
            let measuring = tracked
                .handle
                .with_document_async(move |doc| progress(doc, &persisted_for_doc, server.as_ref()));
            let Ok(doc_progress) = measuring.await else {
                // The repo is stopping.
                return measured;
            };
            tracing::trace!(doc = %info.id, ?doc_progress, "document progress");
            if info.is_writable() && info.kind == shared::documents::DocumentKind::Records {
                if let Ok(Ok(evidence)) = tracked
                    .handle
                    .with_document_async(|doc| records::all_evidence(doc))
                    .await
                {
                    attached.extend(evidence.into_iter().map(|a| a.evidence.sha256));
                }
            }
            if info.is_writable() {
                measured.n_unconfirmed += doc_progress.n_unconfirmed;
                measured.all_settled &= doc_progress.is_settled();
            } else {
                // The server ignores changes to a read-only document; only catching up counts.
                measured.all_settled &= doc_progress.caught_up;
            }
            if doc_progress.confirmed != persisted {
                if let Err(err) = self
                    .parts
                    .db
                    .save_confirmed_heads(&doc_key, &doc_progress.confirmed)
                {
                    tracing::error!(doc = %doc_key, "cannot save confirmed heads: {err}");
                }
                self.parts
                    .docs
                    .set_confirmed(&doc_key, doc_progress.confirmed);
            }
        }
        measured.uploads = waiting_uploads(attached, &self.parts.files_dir, &self.parts.uploads);
        let now_ms = self.parts.config.clock.now_ms();
        let last_error = self.last_error.clone();
        self.parts.status.send_if_modified(|status| {
            let next = summarize(status, &measured, last_error, now_ms);
            if *status == next {
                false
            } else {
                tracing::debug!(?next, "sync status");
                *status = next;
                true
            }
        });
        measured
    }
}

/// Forwards a document's changes and peer-state updates as "recompute" nudges.
async fn watch_doc(
    handle: DocHandle,
    peers: Arc<Mutex<HashMap<ConnectionId, PeerDocState>>>,
    dirty: Arc<Notify>,
    n_doc_changes: Arc<AtomicU64>,
) {
    let (initial, updates) = handle.peers();
    peers
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .extend(initial);
    let mut updates = Box::pin(updates);
    let mut changes = Box::pin(handle.changes());
    dirty.notify_one();
    loop {
        tokio::select! {
            update = updates.next() => match update {
                Some(update) => peers.lock().unwrap_or_else(|p| p.into_inner()).extend(update),
                None => return,
            },
            change = changes.next() => match change {
                Some(_) => {
                    n_doc_changes.fetch_add(1, Ordering::Relaxed);
                }
                None => return,
            },
        }
        dirty.notify_one();
    }
}

async fn next_event(
    events: &mut Option<mpsc::UnboundedReceiver<DialerEvent>>,
) -> Option<DialerEvent> {
    match events {
        Some(events) => events.recv().await,
        None => std::future::pending().await,
    }
}

async fn sleep_until(at: Option<Instant>) {
    match at {
        Some(at) => tokio::time::sleep_until(at).await,
        None => std::future::pending().await,
    }
}
