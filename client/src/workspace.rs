//! One logged-in session's running parts: the samod repo over `documents.sqlite3`, the open
//! documents and the engine task. Login builds one, logout and shutdown stop it.

use std::path::PathBuf;
use std::sync::Arc;

use automerge::ChangeHash;
use samod::storage::StorageKey;
use samod::{DocHandle, DocumentId, PeerId, Repo};
use storage::SqliteStorage;
use tokio::sync::{mpsc, oneshot, watch};

use crate::api::ServerApi;
use crate::config::ClientConfig;
use crate::doc_info::DocInfo;
use crate::engine::{Engine, EngineCommand, EngineParts};
use crate::error::{ClientError, Result};
use crate::local_db::LocalDb;
use crate::open_docs::OpenDocs;
use crate::session::Session;
use crate::status::SyncStatus;

pub(crate) const DOCUMENTS_DB: &str = "documents.sqlite3";

/// What every workspace of a client shares.
#[derive(Clone)]
pub(crate) struct Setup {
    pub data_dir: PathBuf,
    pub db: Arc<LocalDb>,
    pub api: ServerApi,
    pub tls: Arc<rustls::ClientConfig>,
    /// Which servers `tls` trusts; changed by [`crate::Client::set_extra_ca_files`].
    pub trust: Arc<crate::tls::Trust>,
    pub config: ClientConfig,
    pub status: Arc<watch::Sender<SyncStatus>>,
    /// What is known of evidence uploads; outlives sessions (markers on disk).
    pub uploads: Arc<crate::evidence::UploadMemory>,
    /// Bumped whenever the stored session's full name or head flag changes.
    pub profile: Arc<watch::Sender<u64>>,
}

pub(crate) struct Workspace {
    pub session: Session,
    pub repo: Repo,
    pub storage: SqliteStorage,
    pub docs: Arc<OpenDocs>,
    pub config: ClientConfig,
    engine: mpsc::UnboundedSender<EngineCommand>,
    engine_task: tokio::sync::Mutex<Option<tokio::task::JoinHandle<()>>>,
    /// When each document's receipts were last asked of the server.
    receipts_asked: std::sync::Mutex<std::collections::HashMap<String, std::time::Instant>>,
}

impl Workspace {
    /// Opens the documents database, loads the repo as `session.peer_id` and starts the engine
    /// (not syncing yet).
    pub async fn start(setup: &Setup, session: Session) -> Result<Arc<Workspace>> {
        let storage = SqliteStorage::open(&setup.data_dir.join(DOCUMENTS_DB))?;
        let repo = Repo::build_tokio()
            .with_storage(storage.clone())
            .with_peer_id(PeerId::from(session.peer_id.clone()))
            .load()
            .await;
        let docs = Arc::new(OpenDocs::new(
            setup.db.doc_list()?,
            setup.db.confirmed_heads()?,
        ));
        let (engine, engine_task) = Engine::spawn(EngineParts {
            session: session.clone(),
            repo: repo.clone(),
            docs: docs.clone(),
            db: setup.db.clone(),
            api: setup.api.clone(),
            tls: setup.tls.clone(),
            config: setup.config.clone(),
            status: setup.status.clone(),
            files_dir: setup.data_dir.join(crate::evidence::FILES_DIR),
            uploads: setup.uploads.clone(),
            profile: setup.profile.clone(),
        });
        tracing::info!(user = %session.username, peer = %session.peer_id, "session opened");
        Ok(Arc::new(Workspace {
            session,
            repo,
            storage,
            docs,
            config: setup.config.clone(),
            engine,
            engine_task: tokio::sync::Mutex::new(Some(engine_task)),
            receipts_asked: std::sync::Mutex::new(std::collections::HashMap::new()),
        }))
    }

    /// Whether a document's receipts may be asked of the server again (and notes that they
    /// are being asked now).
    pub fn receipts_due(&self, doc_id: &str) -> bool {
        let mut asked = self
            .receipts_asked
            .lock()
            .unwrap_or_else(|p| p.into_inner());
        let now = std::time::Instant::now();
        let due = asked
            .get(doc_id)
            .is_none_or(|at| now.duration_since(*at) >= crate::editing::RECEIPTS_EVERY);
        if due {
            asked.insert(doc_id.to_string(), now);
        }
        due
    }

    pub fn command(&self, command: EngineCommand) {
        // A closed channel means the workspace is stopping; the command no longer matters.
        let _ = self.engine.send(command);
    }

    /// Stops the engine (and with it the dialer), then the repo, which flushes every pending
    /// storage write before it returns.
    pub async fn stop(&self) {
        let Some(task) = self.engine_task.lock().await.take() else {
            return;
        };
        let (reply, stopped) = oneshot::channel();
        self.command(EngineCommand::Shutdown(reply));
        let _ = stopped.await;
        let _ = task.await;
        self.repo.stop().await;
        tracing::info!(user = %self.session.username, "session closed");
    }

    /// A listed document and its handle: from memory, else from disk, else from the server.
    pub async fn document(&self, doc_id: &DocumentId) -> Result<(DocInfo, DocHandle)> {
        let info = self
            .docs
            .info(doc_id)
            .ok_or_else(|| ClientError::UnknownDocument {
                doc_id: doc_id.to_string(),
            })?;
        if let Some(handle) = self.docs.handle(doc_id) {
            return Ok((info, handle));
        }
        match self.repo.find(doc_id.clone()).await? {
            Some(handle) => {
                self.docs.insert_handle(handle.clone());
                self.command(EngineCommand::Found(handle.clone()));
                Ok((info, handle))
            }
            None => Err(ClientError::NotDownloaded {
                doc_id: doc_id.to_string(),
            }),
        }
    }

    /// Fetches the document list now (and caches it).
    pub async fn refresh(&self) -> Result<Vec<DocInfo>> {
        let (reply, answer) = oneshot::channel();
        self.command(EngineCommand::Refresh(reply));
        answer.await.map_err(|_| ClientError::Stopped)?
    }

    /// The number of local changes the server has not confirmed, measured now.
    pub async fn measure_unconfirmed(&self) -> Result<usize> {
        let (reply, answer) = oneshot::channel();
        self.command(EngineCommand::Measure(reply));
        answer.await.map_err(|_| ClientError::Stopped)
    }

    /// Publishes a fresh status (so it reflects an edit just made).
    pub async fn recompute(&self) {
        let (reply, done) = oneshot::channel();
        self.command(EngineCommand::Recompute(reply));
        let _ = done.await;
    }

    /// Resolves once `heads` of `doc_id` are committed to SQLite; fails if the storage failed.
    pub async fn wait_durable(&self, doc_id: &DocumentId, heads: &[ChangeHash]) -> Result<()> {
        let doc_key = doc_id.to_string();
        let mut failure = self.storage.watch_failure();
        tokio::select! {
            () = self.storage.durable().wait(&doc_key, heads) => Ok(()),
            failed = failure.wait_for(Option::is_some) => {
                let why = failed
                    .map(|f| f.clone().unwrap_or_default())
                    .unwrap_or_else(|_| "storage closed".into());
                Err(ClientError::Storage(storage::StorageError::Failed(why)))
            }
        }
    }

    /// Deletes every stored document chunk (after [`Workspace::stop`]).
    pub fn wipe_documents(&self) -> Result<()> {
        let everything =
            StorageKey::from_parts(Vec::<&str>::new()).expect("an empty key has no bad components");
        let chunks = self.storage.load_range_now(&everything)?;
        for key in chunks.keys() {
            self.storage.delete_now(key)?;
        }
        tracing::info!(n_chunks = chunks.len(), "local documents deleted");
        Ok(())
    }
}
