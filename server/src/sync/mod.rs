//! The sync server: HTTP API (login, document list, websocket tickets, evidence files) and the
//! samod websocket endpoint, over the registry and the SQLite document storage in one data directory.

pub mod api;
pub mod change_gate;
pub mod connections;
pub mod evidence_gc;
pub mod listener;
pub mod period_lock;
pub mod plan_reach;
pub mod policy;
pub mod tls;
pub mod transport;

use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;

use anyhow::{Context, Result};
use samod::{AcceptorHandle, PeerId, Repo};
use storage::SqliteStorage;

use crate::files::FileStore;
use crate::registry::Registry;
use connections::Connections;

/// The samod peer id of the server.
pub const SERVER_PEER_ID: &str = "plansync-server";

/// Everything a request handler needs.
#[derive(Clone)]
pub struct ServerState {
    pub registry: Arc<Registry>,
    pub storage: SqliteStorage,
    pub repo: Repo,
    pub acceptor: AcceptorHandle,
    pub connections: Arc<Connections>,
    /// Evidence files (`DATA/files`).
    pub files: Arc<FileStore>,
    /// The evidence bytes each unit may hold.
    pub files_quota_bytes: u64,
    /// Judges and records every incoming change.
    pub gate: Arc<change_gate::ChangeGate>,
    /// The server's receipts of changes.
    pub audit: crate::audit::AuditLog,
    /// Failed logins per account and address.
    pub throttle: Arc<std::sync::Mutex<crate::login_throttle::LoginThrottle>>,
    /// Where passwords are checked.
    pub passwords: crate::password_pool::PasswordPool,
    /// Pings on sync connections.
    pub keepalive: transport::ServerKeepalive,
    /// How the enforcement of locked periods is doing.
    pub lock_health: Arc<std::sync::Mutex<period_lock::LockHealth>>,
}

/// How the server runs, beyond where it listens.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// The largest evidence file accepted, in bytes.
    pub max_file_bytes: u64,
    /// The evidence bytes each unit may hold.
    pub unit_quota_bytes: u64,
    /// The disk space evidence uploads must leave free (for the documents and the system).
    pub reserve_bytes: u64,
    /// How long a unit's file that none of its documents lists any more is kept.
    pub evidence_grace: std::time::Duration,
    /// Header read timeout and drain time of HTTP connections.
    pub http_limits: listener::HttpLimits,
    /// Pings on sync connections, and when a silent one is closed.
    pub keepalive: transport::ServerKeepalive,
    /// The certificate and key to serve HTTPS and WSS with; plain HTTP without.
    pub tls: Option<tls::TlsFiles>,
    /// How often the certificate files are looked at for a renewal.
    pub tls_reload_every: std::time::Duration,
    /// Where Prometheus metrics are served (`GET /metrics`); none when `None`.
    pub metrics_listen: Option<SocketAddr>,
    /// Reverse proxies whose `X-Forwarded-For` names the client (for the login throttle and
    /// logs).
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// The date taken as today for opening reporting years.
    pub today: crate::data::Today,
}

impl Default for ServeOptions {
    fn default() -> ServeOptions {
        ServeOptions {
            max_file_bytes: crate::files::DEFAULT_MAX_FILE_MB * 1024 * 1024,
            unit_quota_bytes: crate::files::DEFAULT_UNIT_QUOTA_MB * 1024 * 1024,
            reserve_bytes: crate::files::DEFAULT_RESERVE_MB * 1024 * 1024,
            evidence_grace: crate::files::DEFAULT_EVIDENCE_GRACE,
            http_limits: listener::HttpLimits::default(),
            keepalive: transport::ServerKeepalive::default(),
            tls: None,
            tls_reload_every: tls::RELOAD_EVERY,
            trusted_proxies: Vec::new(),
            metrics_listen: None,
            today: crate::data::Today::default(),
        }
    }
}

pub use crate::data::{documents_path, registry_path};

/// Opens the registry and document storage of `data`, creating the directory if needed.
pub fn open_data(data: &Path) -> Result<(Arc<Registry>, SqliteStorage)> {
    std::fs::create_dir_all(data)
        .with_context(|| format!("cannot create data directory {}", data.display()))?;
    let registry = Arc::new(Registry::open(&registry_path(data))?);
    let storage = SqliteStorage::open(&documents_path(data))?;
    Ok((registry, storage))
}

/// Builds the server's samod repo: SQLite storage, the registry's share policy, no announcing,
/// a connection introduced only to the documents it syncs (samod's default introduces every
/// connection to every loaded document, which made each connection cost work in all of them),
/// and laptops sending the changes the server lacks rather than their whole documents (a whole
/// document costs the server a full load and a walk for the new changes, per reconnect; see
/// vendor/PATCHES.md, patches 6 and 10).
pub async fn open_repo(registry: Arc<Registry>, storage: SqliteStorage) -> Repo {
    Repo::build_tokio()
        .with_storage(storage)
        .with_peer_id(PeerId::from(SERVER_PEER_ID))
        .with_share_policy(policy::RegistryPolicy::new(registry))
        .with_peers_introduced_on_demand()
        .with_whole_documents_declined()
        .load()
        .await
}

/// Runs the server on `listen` until Ctrl-C or SIGTERM, then stops the repo (which waits for
/// pending storage writes).
pub async fn serve(data: &Path, listen: SocketAddr, options: ServeOptions) -> Result<()> {
    // One writer per data directory, for as long as the server runs.
    let _lock = crate::data::DataDirLock::take(data, &format!("plansync serve on {listen}"))?;
    // A certificate that does not load stops the start, before anything else is opened.
    let tls = match &options.tls {
        Some(files) => Some(tls::acceptor(files.clone())?),
        None => None,
    };
    // One socket per connected laptop: the soft limit of open files (often 1024) up to the
    // hard limit (the package's unit sets 65536).
    match rlimit::increase_nofile_limit(u64::MAX) {
        Ok(limit) => tracing::info!(limit, "open files limit"),
        Err(err) => tracing::warn!("cannot raise the open files limit: {err}"),
    }
    // Older databases are migrated as they open; a backup of them as they were comes first.
    if let Some((backup, older)) = crate::backup::before_upgrade(data)? {
        tracing::info!(
            backup = %backup.display(),
            databases = %older.join(", "),
            "data written by an older PlanSync: backed up before migrating"
        );
    }
    let (registry, storage) = open_data(data)?;
    let files = FileStore::open(data, options.max_file_bytes, options.reserve_bytes)
        .with_context(|| format!("cannot create the file store in {}", data.display()))?;
    let repo = open_repo(registry.clone(), storage.clone()).await;
    let acceptor = repo
        .make_acceptor(
            samod::Url::parse(&format!("ws://{listen}/sync"))
                .expect("a socket address makes a URL"),
        )
        .map_err(|_| anyhow::anyhow!("the document repository stopped while starting"))?;
    // Every registered document is judged before the first connection is accepted.
    let lock_health = period_lock::start(repo.clone(), registry.clone(), storage.clone())
        .await
        .context("cannot start enforcing locked periods")?;
    let connections = Arc::new(Connections::default());
    let audit = crate::audit::AuditLog::open(&crate::audit::audit_path(data))?;
    let gate = Arc::new(change_gate::ChangeGate::new(
        repo.clone(),
        registry.clone(),
        audit.clone(),
    ));
    let state = ServerState {
        registry,
        storage: storage.clone(),
        repo: repo.clone(),
        acceptor,
        connections,
        files,
        files_quota_bytes: options.unit_quota_bytes,
        gate,
        audit,
        lock_health,
        throttle: Arc::default(),
        keepalive: options.keepalive,
        passwords: crate::password_pool::PasswordPool::for_this_machine(),
    };
    let listener = listener::bind(listen).with_context(|| format!("cannot listen on {listen}"))?;
    let local = listener.local_addr()?;
    let scheme = if tls.is_some() { "https" } else { "http" };
    println!(
        "PlanSync server listening on {scheme}://{local} (data: {})",
        data.display()
    );
    if let Some(address) = options.metrics_listen {
        let handle = crate::metrics::install()?;
        let metrics_listener = tokio::net::TcpListener::bind(address)
            .await
            .with_context(|| format!("cannot listen for metrics on {address}"))?;
        // stderr: stdout carries only the "listening on" line (a reader may stop after it).
        tracing::info!(
            "metrics on http://{}/metrics",
            metrics_listener.local_addr()?
        );
        tokio::spawn(crate::metrics::serve(metrics_listener, handle));
        tokio::spawn(count_documents(state.registry.clone()));
    }
    let tls = tls.map(|(acceptor, cert)| {
        tokio::spawn(tls::follow_renewals(cert, options.tls_reload_every));
        acceptor
    });
    tokio::spawn(connections::cut_revoked_users(state.clone()));
    tokio::spawn(prune_expired_sessions(state.registry.clone()));
    tokio::spawn(sweep_abandoned_uploads(state.files.clone()));
    // Before the first sweep, which would delete files nobody holds.
    evidence_gc::adopt_listed_evidence_after_upgrade(&state)
        .await
        .context("cannot finish upgrading the evidence files' owners")?;
    tokio::spawn(evidence_gc::sweep_unlisted_evidence(
        state.clone(),
        options.evidence_grace,
    ));
    tokio::spawn(plan_reach::follow_plan(
        state.repo.clone(),
        state.registry.clone(),
        options.today,
    ));
    let mut failure = storage.watch_failure();
    tokio::spawn(prune_login_failures(state.throttle.clone()));
    let app = api::router(state);
    let stop = async move {
        tokio::select! {
            _ = shutdown_signal() => tracing::info!("stopping on signal"),
            _ = failure.wait_for(Option::is_some) => tracing::error!("stopping: the document storage failed"),
        }
    };
    let trusted_proxies = options.trusted_proxies.clone().into();
    listener::serve(
        listener,
        app,
        options.http_limits,
        tls,
        trusted_proxies,
        stop,
    )
    .await;
    repo.stop().await;
    if let Some(why) = storage.failure() {
        anyhow::bail!("document storage failed: {why}");
    }
    Ok(())
}

/// Partial uploads untouched this long are deleted (at start, then hourly).
pub const ABANDONED_UPLOAD_AGE: std::time::Duration = std::time::Duration::from_secs(7 * 24 * 3600);

async fn sweep_abandoned_uploads(files: Arc<FileStore>) {
    let mut every_hour = tokio::time::interval(std::time::Duration::from_secs(3600));
    loop {
        every_hour.tick().await;
        let files = files.clone();
        let swept = tokio::task::spawn_blocking(move || {
            files.sweep_abandoned(ABANDONED_UPLOAD_AGE, std::time::SystemTime::now())
        })
        .await;
        match swept {
            Ok(Ok(0)) => {}
            Ok(Ok(n)) => tracing::info!("{n} abandoned partial uploads removed"),
            Ok(Err(err)) => tracing::warn!("cannot sweep abandoned partial uploads: {err}"),
            Err(err) => tracing::warn!("sweeping abandoned partial uploads failed: {err}"),
        }
    }
}

/// Deletes expired sessions and tickets, at start and then hourly.
async fn prune_expired_sessions(registry: Arc<Registry>) {
    let mut every_hour = tokio::time::interval(std::time::Duration::from_secs(3600));
    loop {
        every_hour.tick().await;
        let registry = registry.clone();
        match tokio::task::spawn_blocking(move || registry.prune_expired(crate::data::now_ms()))
            .await
        {
            Ok(Ok((0, 0))) => {}
            Ok(Ok((n_sessions, n_tickets))) => {
                tracing::info!("pruned {n_sessions} expired sessions and {n_tickets} tickets")
            }
            Ok(Err(err)) => tracing::warn!("cannot prune expired sessions: {err:#}"),
            Err(err) => tracing::warn!("pruning expired sessions failed: {err}"),
        }
    }
}

/// Keeps the registered-documents gauge up to date (every 30 s).
async fn count_documents(registry: Arc<Registry>) {
    let mut every = tokio::time::interval(std::time::Duration::from_secs(30));
    loop {
        every.tick().await;
        let registry = registry.clone();
        if let Ok(Ok(documents)) = tokio::task::spawn_blocking(move || registry.documents()).await {
            metrics::gauge!(crate::metrics::DOCUMENTS_REGISTERED).set(documents.len() as f64);
        }
    }
}

/// Forgets old login failures every ten minutes.
async fn prune_login_failures(
    throttle: Arc<std::sync::Mutex<crate::login_throttle::LoginThrottle>>,
) {
    let mut every = tokio::time::interval(std::time::Duration::from_secs(600));
    loop {
        every.tick().await;
        throttle
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .prune(crate::data::now_ms());
    }
}

async fn shutdown_signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
            .expect("SIGTERM handler installs");
        tokio::select! {
            _ = ctrl_c => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    let _ = ctrl_c.await;
}
