//! [`Client`]: opening a data directory, logging in and out, starting and stopping sync.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, RwLock};

use tokio::sync::watch;

use crate::api::ServerApi;
use crate::config::ClientConfig;
use crate::doc_info::DocInfo;
use crate::engine::EngineCommand;
use crate::error::{ClientError, Result};
use crate::local_db::{LocalDb, PendingLogout};
use crate::server_url::ServerUrl;
use crate::session::{DeviceId, Session, SessionInfo};
use crate::status::SyncStatus;
use crate::tls;
use crate::workspace::{Setup, Workspace};

pub(crate) const CLIENT_DB: &str = "client.sqlite3";

/// The sync engine of one laptop. Cheap to clone; all clones share one state.
///
/// Lifecycle: [`Client::open`] (works offline with a stored session), [`Client::login`],
/// [`Client::start_sync`], edits and reads, [`Client::logout`] or [`Client::shutdown`].
/// Call `shutdown` before the process exits so every write is flushed.
#[derive(Clone)]
pub struct Client {
    pub(crate) inner: Arc<Inner>,
}

pub(crate) struct Inner {
    pub(crate) setup: Setup,
    device: DeviceId,
    /// Whether the user wants to sync; survives a re-login.
    sync_wanted: AtomicBool,
    shut_down: AtomicBool,
    /// The running session. Replaced only under `lifecycle`.
    workspace: RwLock<Option<Arc<Workspace>>>,
    lifecycle: tokio::sync::Mutex<()>,
    /// The units' report parts, kept between reports (see [`Client::report`]).
    pub(crate) report_parts: tokio::sync::Mutex<shared::report::PartCache>,
}

impl Client {
    /// Opens (creating if needed) the data directory with the default configuration.
    pub async fn open(data_dir: &Path) -> Result<Client> {
        Client::open_with(data_dir, ClientConfig::default()).await
    }

    pub async fn open_with(data_dir: &Path, config: ClientConfig) -> Result<Client> {
        // Sessions and evidence copies live here: the user's alone.
        crate::private_files::private_dir(data_dir)?;
        crate::private_files::private_dir(&data_dir.join(crate::evidence::FILES_DIR))?;
        let db = Arc::new(LocalDb::open(&data_dir.join(CLIENT_DB))?);
        let device = db.device_id()?;
        let extra_roots = match &config.extra_ca_file {
            Some(path) => crate::ca_file::read(path)?.roots,
            None => Vec::new(),
        };
        let (tls, trust) = tls::client_config(extra_roots)?;
        let api = ServerApi::new(tls.clone(), &config)?;
        let setup = Setup {
            data_dir: PathBuf::from(data_dir),
            db: db.clone(),
            api,
            tls: Arc::new(tls),
            trust,
            config,
            status: Arc::new(watch::channel(SyncStatus::default()).0),
            uploads: Arc::new(crate::evidence::UploadMemory::load(
                &data_dir.join(crate::evidence::FILES_DIR),
            )),
            profile: Arc::new(watch::channel(0).0),
        };
        let workspace = match db.session(&device)? {
            Some(session) => Some(Workspace::start(&setup, session).await?),
            None => None,
        };
        let client = Client {
            inner: Arc::new(Inner {
                setup,
                device,
                sync_wanted: AtomicBool::new(false),
                shut_down: AtomicBool::new(false),
                workspace: RwLock::new(workspace),
                lifecycle: tokio::sync::Mutex::new(()),
                report_parts: tokio::sync::Mutex::default(),
            }),
        };
        tokio::spawn(retry_pending_logouts(Arc::downgrade(&client.inner)));
        Ok(client)
    }

    pub fn device(&self) -> &DeviceId {
        &self.inner.device
    }

    /// The logged-in user, if any (also offline). The full name and head flag are the ones
    /// stored last: from the login, then from the server whenever the document list is
    /// fetched (so a name or head flag given after the login shows; see
    /// [`Client::profile_changes`]).
    pub fn session(&self) -> Option<SessionInfo> {
        let mut info = self.inner.current()?.session.info();
        match self.inner.setup.db.session(&self.inner.device) {
            Ok(Some(stored)) => {
                info.full_name = stored.full_name;
                info.unit_head = stored.unit_head;
            }
            Ok(None) => {}
            Err(err) => tracing::warn!("cannot read the stored session: {err}"),
        }
        Some(info)
    }

    /// Moves whenever the logged-in user's full name or head flag changed on the server (and
    /// so in [`Client::session`]).
    pub fn profile_changes(&self) -> watch::Receiver<u64> {
        self.inner.setup.profile.subscribe()
    }

    /// The full names of the people this user may see, by login name, as last fetched from
    /// the server (kept on disk, so offline too); empty when nobody is logged in.
    pub fn people(&self) -> Result<std::collections::BTreeMap<String, String>> {
        if self.inner.current().is_none() {
            return Ok(std::collections::BTreeMap::new());
        }
        Ok(shared::person::names_by_login(
            &self.inner.setup.db.people()?,
        ))
    }

    /// The sync status; the receiver sees every change.
    pub fn status(&self) -> watch::Receiver<SyncStatus> {
        self.inner.setup.status.subscribe()
    }

    /// Logs in and opens the session (replacing a stored one of the same user, e.g. after it
    /// expired). Another user must log out first. Syncing starts if [`Client::start_sync`] was
    /// called before.
    pub async fn login(
        &self,
        server_url: &str,
        username: &str,
        password: &str,
    ) -> Result<SessionInfo> {
        let _lifecycle = self.inner.lifecycle.lock().await;
        self.inner.check_running()?;
        let server = ServerUrl::parse(server_url)?;
        let previous = self.inner.current();
        if let Some(previous) = &previous {
            let same =
                previous.session.username == username && previous.session.server_url == server;
            if !same {
                return Err(ClientError::OtherUserLoggedIn {
                    username: previous.session.username.clone(),
                });
            }
        }
        let setup = &self.inner.setup;
        let reply = setup
            .api
            .login(&server, username, password, self.inner.device.as_str())
            .await?;
        let session = Session {
            server_url: server,
            username: reply.user.username,
            unit: reply.user.unit,
            role: reply.user.role,
            full_name: reply.user.full_name,
            unit_head: reply.user.unit_head,
            token: reply.token,
            peer_id: reply.peer_id,
            device: self.inner.device.clone(),
        };
        // Online now: take the document list with us, so it is there even if sync never
        // connects.
        match setup
            .api
            .documents(&session.server_url, &session.token)
            .await
        {
            Ok(list) => setup.db.replace_doc_list(&list)?,
            Err(err) => tracing::warn!("logged in, but cannot fetch the document list: {err}"),
        }
        // Another user's people must not stay (a stored session of the same user is kept).
        if previous.is_none() {
            setup.db.clear_people()?;
        }
        match setup.api.people(&session.server_url, &session.token).await {
            Ok(people) => setup.db.replace_people(&people)?,
            Err(err) => tracing::warn!("logged in, but cannot fetch the people's names: {err}"),
        }
        if let Some(previous) = previous {
            previous.stop().await;
            self.inner.set_current(None);
        }
        setup.db.save_session(&session)?;
        setup.status.send_modify(|s| s.last_error = None);
        let workspace = Workspace::start(setup, session).await?;
        let info = workspace.session.info();
        if self.inner.sync_wanted.load(Ordering::SeqCst) {
            workspace.command(EngineCommand::StartSync);
        }
        self.inner.set_current(Some(workspace));
        Ok(info)
    }

    /// Logs out: stops syncing, deletes the session, the local documents and the evidence
    /// copies (`files/`, `opened/`: they are all on the server, and the next user of this laptop
    /// must not read them), and has the server revoke the session's token (now if it answers,
    /// else later, whenever it can be reached). Refuses with
    /// [`ClientError::UnsyncedChanges`] while the server has not confirmed every local change,
    /// unless `discard_unsynced`, which loses those changes. The device id is kept.
    pub async fn logout(&self, discard_unsynced: bool) -> Result<()> {
        let _lifecycle = self.inner.lifecycle.lock().await;
        self.inner.check_running()?;
        let Some(workspace) = self.inner.current() else {
            return Ok(());
        };
        let n_unconfirmed = workspace.measure_unconfirmed().await?;
        if n_unconfirmed > 0 {
            if !discard_unsynced {
                return Err(ClientError::UnsyncedChanges { n_unconfirmed });
            }
            tracing::warn!(n_unconfirmed, "logging out, discarding unsynced changes");
        }
        workspace.stop().await;
        self.inner.set_current(None);
        let db = &self.inner.setup.db;
        // The token is kept (apart from the session) only until the server has revoked it.
        let pending = PendingLogout {
            server_url: workspace.session.server_url.as_str().to_string(),
            token: workspace.session.token.clone(),
        };
        db.add_pending_logout(&pending, self.inner.setup.config.clock.now_ms())?;
        workspace.wipe_documents()?;
        db.clear_documents()?;
        db.clear_receipts()?;
        db.clear_people()?;
        db.clear_session()?;
        let data_dir = &self.inner.setup.data_dir;
        crate::private_files::remove_dir(&data_dir.join(crate::evidence::FILES_DIR))?;
        crate::private_files::remove_dir(&data_dir.join(OPENED_DIR))?;
        crate::private_files::private_dir(&data_dir.join(crate::evidence::FILES_DIR))?;
        self.inner.setup.uploads.forget_all();
        self.inner.setup.status.send_replace(SyncStatus::default());
        // Tell the server now; what fails is tried again later.
        revoke_pending(&self.inner.setup).await;
        Ok(())
    }

    /// Starts syncing (now if logged in, else after the next login). The dialer then keeps
    /// reconnecting by itself until [`Client::stop_sync`], logout or shutdown.
    pub fn start_sync(&self) {
        self.inner.sync_wanted.store(true, Ordering::SeqCst);
        if let Some(workspace) = self.inner.current() {
            workspace.command(EngineCommand::StartSync);
        }
    }

    /// Stops syncing; the client keeps working offline.
    pub fn stop_sync(&self) {
        self.inner.sync_wanted.store(false, Ordering::SeqCst);
        if let Some(workspace) = self.inner.current() {
            workspace.command(EngineCommand::StopSync);
        }
    }

    /// Trusts the CA certificates of `files` (PEM, see [`crate::ca_file`]) besides the operating
    /// system's, replacing the files trusted so far (at first [`ClientConfig::extra_ca_file`]);
    /// an empty list trusts the operating system's alone. Every later connection is verified
    /// so, and a running sync reconnects at once (a connection refused for its certificate is
    /// tried again now, one open under the old trust is verified again). A file that cannot be
    /// used is refused with [`ClientError::BadCaFile`] and nothing changes.
    pub async fn set_extra_ca_files(&self, files: &[PathBuf]) -> Result<()> {
        let _lifecycle = self.inner.lifecycle.lock().await;
        self.inner.check_running()?;
        let mut roots = Vec::new();
        for file in files {
            roots.extend(crate::ca_file::read(file)?.roots);
        }
        self.inner
            .setup
            .trust
            .set_extra_roots(&roots)
            .map_err(|e| ClientError::BadCaFile(format!("Không dùng được tệp chứng chỉ: {e}")))?;
        tracing::info!(files = ?files, "trusting the operating system's CAs and these files");
        if self.inner.sync_wanted.load(Ordering::SeqCst) {
            if let Some(workspace) = self.inner.current() {
                workspace.command(EngineCommand::StopSync);
                workspace.command(EngineCommand::StartSync);
            }
        }
        Ok(())
    }

    /// The cached document list (from the last successful fetch).
    pub fn documents(&self) -> Vec<DocInfo> {
        self.inner
            .current()
            .map(|ws| ws.docs.list())
            .unwrap_or_default()
    }

    /// Fetches the document list from the server now, and starts syncing documents new in it.
    pub async fn refresh_documents(&self) -> Result<Vec<DocInfo>> {
        self.inner.workspace()?.refresh().await
    }

    /// Stops syncing and the repo, flushing every pending write. The session stays stored;
    /// the client refuses further work.
    pub async fn shutdown(&self) {
        let _lifecycle = self.inner.lifecycle.lock().await;
        if self.inner.shut_down.swap(true, Ordering::SeqCst) {
            return;
        }
        if let Some(workspace) = self.inner.current() {
            workspace.stop().await;
        }
        self.inner.set_current(None);
        self.inner
            .setup
            .status
            .send_modify(|s| s.state = crate::status::SyncState::Offline);
    }
}

/// Where the app puts the copies of evidence files it opens, beside the engine's store.
pub(crate) const OPENED_DIR: &str = "opened";

/// Asks the server to revoke every session logged out here that it has not revoked yet.
async fn revoke_pending(setup: &Setup) {
    let pending = match setup.db.pending_logouts() {
        Ok(pending) => pending,
        Err(err) => {
            tracing::warn!("cannot read pending logouts: {err}");
            return;
        }
    };
    for logout in pending {
        let Ok(server) = ServerUrl::parse(&logout.server_url) else {
            let _ = setup.db.remove_pending_logout(&logout.token);
            continue;
        };
        match setup.api.logout(&server, &logout.token).await {
            Ok(()) => {
                tracing::info!("the server revoked a session logged out on this laptop");
                if let Err(err) = setup.db.remove_pending_logout(&logout.token) {
                    tracing::warn!("cannot forget a revoked session: {err}");
                }
            }
            Err(err) => tracing::info!("the server cannot revoke a logged-out session yet: {err}"),
        }
    }
}

/// Tries pending logouts now and then, for as long as the client lives.
async fn retry_pending_logouts(client: std::sync::Weak<Inner>) {
    loop {
        let every = {
            let Some(inner) = client.upgrade() else {
                return;
            };
            if inner.shut_down.load(Ordering::SeqCst) {
                return;
            }
            let has_pending = inner
                .setup
                .db
                .pending_logouts()
                .is_ok_and(|p| !p.is_empty());
            if has_pending {
                revoke_pending(&inner.setup).await;
            }
            inner.setup.config.logout_retry_every
        };
        tokio::time::sleep(every).await;
    }
}

impl Inner {
    pub(crate) fn current(&self) -> Option<Arc<Workspace>> {
        self.workspace
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// The running session, or why there is none.
    pub(crate) fn workspace(&self) -> Result<Arc<Workspace>> {
        self.check_running()?;
        self.current().ok_or(ClientError::NotLoggedIn)
    }

    fn set_current(&self, workspace: Option<Arc<Workspace>>) {
        *self.workspace.write().unwrap_or_else(|p| p.into_inner()) = workspace;
    }

    fn check_running(&self) -> Result<()> {
        if self.shut_down.load(Ordering::SeqCst) {
            Err(ClientError::Stopped)
        } else {
            Ok(())
        }
    }
}
