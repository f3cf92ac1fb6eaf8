//! PlanSync's offline-first sync engine: what runs on a laptop. The desktop app (Tauri) wraps a
//! [`Client`]; the integration tests drive several of them as "laptops" against a real server.
//!
//! A [`Client`] owns a data directory with two SQLite databases:
//! - `client.sqlite3`: the device id, the session (server, user, bearer token, samod peer id),
//!   the cached document list from `GET /api/docs`, and per document the heads the server has
//!   confirmed (so "unsynced changes" is known offline too);
//! - `documents.sqlite3`: the Automerge documents, through [`storage::SqliteStorage`].
//!
//! Once logged in, the client opens and edits documents without a network. Syncing is samod's
//! automerge-repo protocol over one websocket to the server (`/sync`), dialled with a bearer
//! token, reconnecting with jittered exponential backoff and detecting dead links with pings.
//! An edit returns only once its change is committed to SQLite; "confirmed" means the server
//! advertised heads covering the change, and the server only advertises what it has stored.
//!
//! Evidence files attached to a task's period are copied into `files/<sha256>` under the data
//! directory (content-addressed) and uploaded by the engine whenever connected, resuming a
//! broken upload from the server's offset; see [`Client::attach_evidence`].
//!
//! This crate does IO (tokio, reqwest, SQLite); the document schema itself lives in
//! [`shared::documents`], which stays sans-IO.

mod api;
pub mod ca_file;
mod client;
mod clock;
mod config;
mod confirmation;
mod dialer;
mod doc_info;
mod editing;
mod engine;
mod error;
mod evidence;
mod keepalive;
mod local_db;
mod open_docs;
mod private_files;
mod read_model;
mod report;
mod server_url;
mod session;
mod status;
mod tls;
mod wire;
mod workspace;

pub use ca_file::CaCertificate;
pub use client::Client;
pub use clock::{Clock, SystemClock};
pub use config::{ClientConfig, Keepalive};
pub use doc_info::{Access, DocInfo};
pub use error::{ClientError, Result};
pub use evidence::UploadState;
pub use read_model::TaskRow;
pub use report::{ReportFailure, UnitReadAt};
pub use server_url::ServerUrl;
pub use session::{DeviceId, SessionInfo};
pub use status::{IpcError, SyncState, SyncStatus, UploadSummary};

/// Re-exported so callers name documents and heads without depending on samod and automerge.
pub use automerge::ChangeHash;
pub use samod::{BackoffConfig, DocumentId};
