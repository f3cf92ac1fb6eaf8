//! Automatic sync: opening the sync engine on the data directory, telling the webview about every
//! change of sync status and session, and the scripted log in at start.
//!
//! The engine itself ([`client::Client`]) dials the server whenever it is reachable, retries with
//! backoff, notices dead links after sleep, and keeps its session across restarts; this module
//! only wires it to the app.

use std::path::Path;
use std::time::Duration;

use anyhow::Context;
use client::{Client, ClientConfig};
use serde::Serialize;
use tauri::{AppHandle, Emitter, Manager, Runtime};
use tokio::sync::watch;

use crate::app_state::{AppState, Credentials};
use crate::ca_settings::CaFiles;
use crate::launch::AutoLogin;

/// The sync engine's directory inside the app's data directory.
pub const SYNC_DIR: &str = "sync";
/// The event carrying every new `client::SyncStatus`.
pub const SYNC_STATUS_EVENT: &str = "sync-status";
/// The event carrying every new [`crate::app_state::SessionView`].
pub const SESSION_EVENT: &str = "session-changed";

/// The longest wait between two scripted log in attempts while the server is unreachable.
const AUTO_LOGIN_MAX_DELAY: Duration = Duration::from_secs(30);

/// Opens the sync engine in `data_dir`/[`SYNC_DIR`], trusting the CA files of `ca_files` that
/// can be used besides the system's, and asks it to sync: at once when a session is stored,
/// else after the next log in.
pub async fn open_client(data_dir: &Path, ca_files: &CaFiles) -> anyhow::Result<Client> {
    let dir = data_dir.join(SYNC_DIR);
    let client = Client::open_with(&dir, ClientConfig::default())
        .await
        .with_context(|| format!("opening the sync engine in {}", dir.display()))?;
    if let Err(err) = client.set_extra_ca_files(&ca_files.usable()).await {
        // Each file was read just now; only a file changed since can fail here.
        tracing::error!("the CA certificate files are not used: {err}");
    }
    match client.session() {
        Some(session) => {
            tracing::info!(user = %session.username, server = %session.server_url, "stored session, syncing")
        }
        None => tracing::info!("no stored session; syncing starts after log in"),
    }
    client.start_sync();
    Ok(client)
}

/// Emits `event` to the webview with the current value of `values` and again after every change,
/// until the sender goes away.
pub fn forward<R, T>(app: AppHandle<R>, event: &'static str, mut values: watch::Receiver<T>)
where
    R: Runtime,
    T: Serialize + Clone + Send + Sync + 'static,
{
    tauri::async_runtime::spawn(async move {
        loop {
            let value = values.borrow_and_update().clone();
            if let Err(err) = app.emit(event, &value) {
                tracing::warn!("cannot emit {event}: {err}");
            }
            if values.changed().await.is_err() {
                break;
            }
        }
    });
}

/// Republishes the session whenever the server changed the user's full name or head flag.
pub fn follow_profile<R: Runtime>(app: AppHandle<R>) {
    tauri::async_runtime::spawn(async move {
        let state = app.state::<AppState>();
        let mut changes = state.client().profile_changes();
        while changes.changed().await.is_ok() {
            state.republish_session();
        }
    });
}

/// Logs in with `auto` in the background when no session is stored; while the server is
/// unreachable it tries again with backoff. Any other refusal (such as a wrong password) is
/// logged and ends the attempts: the user can still log in through the form.
pub fn spawn_auto_login<R: Runtime>(app: AppHandle<R>, auto: AutoLogin) {
    tauri::async_runtime::spawn(async move {
        let state = app.state::<AppState>();
        if state.client().session().is_some() {
            return;
        }
        let mut delay = Duration::from_millis(500);
        loop {
            let credentials = Credentials {
                server_url: &auto.server_url,
                username: &auto.username,
                password: auto.password.as_str(),
            };
            match state.login(credentials).await {
                Ok(_) => {
                    tracing::info!(user = %auto.username, "logged in from the launch options");
                    return;
                }
                Err(err) if err.code == crate::error::ErrorCode::ServerUnreachable => {
                    tracing::info!("log in from the launch options: {err}; again in {delay:?}");
                    tokio::time::sleep(delay).await;
                    delay = (delay * 2).min(AUTO_LOGIN_MAX_DELAY);
                }
                Err(err) => {
                    tracing::error!("log in from the launch options failed: {err}");
                    return;
                }
            }
        }
    });
}
