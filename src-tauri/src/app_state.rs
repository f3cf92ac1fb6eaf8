//! What the commands work on: the seeded local plan and the sync engine ([`client::Client`]).

use client::{Client, SyncStatus};
use shared::Plan;
use tokio::sync::watch;

use crate::admin_settings::ServerAddress;
use crate::ca_settings::CaFiles;
use crate::error::{CommandError, ErrorCode};
use crate::store::Store;

pub struct AppState {
    local: LocalPlan,
    client: Client,
    /// The CA certificates trusted besides the system's (the settings' file and
    /// `PLANSYNC_CA_FILE`).
    ca_files: CaFiles,
    /// The server address the login form proposes (`PLANSYNC_SERVER`, else the administrator's
    /// settings file) and any problem with that file.
    server: ServerAddress,
    /// Who is logged in, for the webview; changed by [`AppState::login`] and
    /// [`AppState::logout`].
    session: watch::Sender<SessionView>,
    /// Edits are applied one at a time, in the order they arrive (two quick saves of one text
    /// field must not land swapped).
    edits: tokio::sync::Mutex<()>,
}

/// The plan imported from the seed file into the app's own store.
pub struct LocalPlan {
    store: Store,
    /// Why the seed plan could not be imported at start, if it could not.
    seed_error: Option<String>,
}

pub use shared::ipc::SessionView;

/// What a login asks for.
#[derive(Clone)]
pub struct Credentials<'a> {
    pub server_url: &'a str,
    pub username: &'a str,
    pub password: &'a str,
}

impl LocalPlan {
    pub fn new(store: Store, seed_error: Option<String>) -> LocalPlan {
        LocalPlan { store, seed_error }
    }

    /// The latest stored plan; without one, why there is none.
    pub fn load(&self) -> Result<Plan, CommandError> {
        match self.store.latest_plan() {
            Ok(Some(stored)) => Ok(stored.plan),
            Ok(None) => Err(match &self.seed_error {
                Some(reason) => CommandError::new(ErrorCode::SeedFailed, reason.clone()),
                None => CommandError::new(
                    ErrorCode::NoPlan,
                    "no plan is stored on this machine and none was given to import",
                ),
            }),
            Err(err) => Err(CommandError::from_anyhow(ErrorCode::Storage, &err)),
        }
    }
}

impl AppState {
    pub fn new(
        local: LocalPlan,
        client: Client,
        ca_files: CaFiles,
        server: ServerAddress,
    ) -> AppState {
        let view = session_view(&client, &server);
        AppState {
            local,
            client,
            ca_files,
            server,
            session: watch::channel(view).0,
            edits: tokio::sync::Mutex::new(()),
        }
    }

    pub fn client(&self) -> &Client {
        &self.client
    }

    pub fn ca_files(&self) -> &CaFiles {
        &self.ca_files
    }

    /// The synced plan when logged in and downloaded; otherwise the seeded one, so the app shows
    /// a plan without any server too.
    pub async fn load_plan(&self) -> Result<Plan, CommandError> {
        if self.client.session().is_none() {
            return self.local.load();
        }
        let why_not_synced = match self.client.plan().await {
            Ok(Some(plan)) => return Ok(plan),
            Ok(None) => CommandError::new(
                ErrorCode::NotDownloaded,
                "the plan has not been downloaded from the server yet",
            ),
            Err(err) => {
                tracing::warn!("cannot read the synced plan, showing the seeded one: {err}");
                CommandError::from(err)
            }
        };
        match self.local.load() {
            Ok(plan) => Ok(plan),
            Err(err) if matches!(err.code, ErrorCode::NoPlan | ErrorCode::SeedFailed) => {
                Err(why_not_synced)
            }
            Err(err) => Err(err),
        }
    }

    /// Logs in and starts syncing.
    pub async fn login(&self, credentials: Credentials<'_>) -> Result<SessionView, CommandError> {
        self.client
            .login(
                credentials.server_url,
                credentials.username,
                credentials.password,
            )
            .await?;
        self.client.start_sync();
        Ok(self.publish_session())
    }

    /// Logs out; refuses with `unsynced_changes` while the server has not confirmed every local
    /// change, unless `discard_unsynced`.
    pub async fn logout(&self, discard_unsynced: bool) -> Result<SessionView, CommandError> {
        self.client.logout(discard_unsynced).await?;
        Ok(self.publish_session())
    }

    /// Applies one edit to the own unit's record of `task_id` in `year` (the reporting year's
    /// when `None`), after any edit still running.
    pub async fn edit_record(
        &self,
        task_id: &shared::TaskId,
        year: Option<i32>,
        edit: shared::documents::records::RecordEdit,
    ) -> Result<(), CommandError> {
        let calendar = self.calendar().await;
        let _one_at_a_time = self.edits.lock().await;
        crate::records::edit(&self.client, &calendar, task_id, year, edit).await
    }

    /// Sends the own unit's report of `task_id` for `period` to the office, after any edit
    /// still running.
    pub async fn send_report(
        &self,
        task_id: &shared::TaskId,
        period: shared::calendar::PeriodId,
    ) -> Result<shared::submission::ReportState, CommandError> {
        let plan = self.load_plan().await?;
        let _one_at_a_time = self.edits.lock().await;
        crate::records::send(&self.client, &plan, task_id, period).await
    }

    /// Sends every ready report of the own unit for `period`, after any edit still running.
    pub async fn send_ready_reports(
        &self,
        period: shared::calendar::PeriodId,
    ) -> Result<shared::submission::SentReports, CommandError> {
        let plan = self.load_plan().await?;
        let _one_at_a_time = self.edits.lock().await;
        crate::records::send_ready(&self.client, &plan, period).await
    }

    /// The plan's reporting calendar (the default one while no plan can be read).
    pub async fn calendar(&self) -> shared::calendar::CalendarConfig {
        self.load_plan()
            .await
            .map(|plan| plan.calendar())
            .unwrap_or_default()
    }

    /// Waits for the edits still running; edits (evidence included) go one at a time.
    pub async fn edit_turn(&self) -> tokio::sync::MutexGuard<'_, ()> {
        self.edits.lock().await
    }

    pub fn sync_status(&self) -> SyncStatus {
        self.client.status().borrow().clone()
    }

    pub fn session(&self) -> SessionView {
        self.session.borrow().clone()
    }

    /// Every change of who is logged in.
    pub fn watch_session(&self) -> watch::Receiver<SessionView> {
        self.session.subscribe()
    }

    /// Tells the webview the session again if it changed (the user's full name or head flag
    /// came from the server after the login).
    pub fn republish_session(&self) {
        let view = session_view(&self.client, &self.server);
        self.session.send_if_modified(|current| {
            let changed = *current != view;
            if changed {
                *current = view;
            }
            changed
        });
    }

    fn publish_session(&self) -> SessionView {
        let view = session_view(&self.client, &self.server);
        self.session.send_replace(view.clone());
        view
    }
}

fn session_view(client: &Client, server: &ServerAddress) -> SessionView {
    SessionView {
        user: client.session(),
        default_server_url: server.url.clone(),
        server_from_admin: server.from_admin,
        settings_problem: server.problem.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn without_a_plan_the_error_says_why() {
        let local = LocalPlan::new(Store::open_in_memory().unwrap(), None);
        assert_eq!(local.load().unwrap_err().code, ErrorCode::NoPlan);
        let local = LocalPlan::new(
            Store::open_in_memory().unwrap(),
            Some("reading x: no such file".into()),
        );
        let err = local.load().unwrap_err();
        assert_eq!(
            err.code,
            ErrorCode::SeedFailed,
            "a failed seed is reported as such, not as a missing plan"
        );
        assert_eq!(err.message, "reading x: no such file");
    }

    #[tokio::test]
    async fn logged_out_the_app_works_from_the_local_store_alone() {
        let dir = tempfile::tempdir().unwrap();
        let client = Client::open(dir.path()).await.unwrap();
        let state = AppState::new(
            LocalPlan::new(Store::open_in_memory().unwrap(), None),
            client.clone(),
            CaFiles::new(dir.path(), None),
            ServerAddress {
                url: Some("http://127.0.0.1:9".into()),
                from_admin: true,
                problem: None,
            },
        );
        assert_eq!(
            state.load_plan().await.unwrap_err().code,
            ErrorCode::NoPlan,
            "nobody is logged in, so the plan comes from the local store (empty here)"
        );
        assert_eq!(state.session().user, None);
        assert_eq!(
            state.session().default_server_url.as_deref(),
            Some("http://127.0.0.1:9")
        );
        assert!(state.session().server_from_admin);
        let err = state
            .login(Credentials {
                server_url: "http://127.0.0.1:9",
                username: "lan",
                password: "x",
            })
            .await
            .unwrap_err();
        assert_eq!(
            err.code,
            ErrorCode::ServerUnreachable,
            "nothing listens on the discard port: {err:?}"
        );
        assert_eq!(
            state.logout(false).await.unwrap().user,
            None,
            "logging out while logged out is harmless"
        );
        client.shutdown().await;
    }
}
