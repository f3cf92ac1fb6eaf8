//! The session's state: who is logged in, the sync status, the login form and the log out
//! confirmation. One [`Reducible`] value changed only through [`SessionAction`]s.

use std::rc::Rc;

use yew::Reducible;

use crate::backend::{BackendError, ErrorCode, SessionView, SyncState, SyncStatus};

#[derive(Debug, Clone, Default, PartialEq)]
pub struct SessionState {
    /// `None` until the application first answered.
    pub view: Option<SessionView>,
    pub sync: SyncStatus,
    pub login: LoginForm,
    pub logout: Logout,
    /// The settings dialog is open.
    pub settings_open: bool,
    /// Bumped whenever the plan may have changed under the screen: another user logged in or
    /// out, or syncing just finished. The plan is loaded again when it changes.
    pub n_plan_changes: u32,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct LoginForm {
    pub open: bool,
    /// A log in is on its way.
    pub busy: bool,
    pub error: Option<BackendError>,
}

/// Where logging out stands.
#[derive(Debug, Clone, Default, PartialEq)]
pub enum Logout {
    #[default]
    Idle,
    /// Asking whether to lose the changes the server has not confirmed.
    Confirming {
        n_unconfirmed: usize,
    },
    /// Logging out now (the effect that calls the application runs on entering this step).
    Running {
        discard_unsynced: bool,
    },
    Failed(BackendError),
}

#[derive(Debug, Clone, PartialEq)]
pub enum SessionAction {
    SessionChanged(SessionView),
    SyncStatusChanged(SyncStatus),
    OpenLogin,
    CloseLogin,
    LoginSubmitted,
    LoginFailed(BackendError),
    /// The user asked to log out.
    LogoutRequested,
    /// The user confirmed losing the unconfirmed changes.
    LogoutConfirmed,
    LogoutCancelled,
    LogoutFailed(BackendError),
    OpenSettings,
    CloseSettings,
}

impl SessionState {
    /// The logged-in user's name.
    pub fn username(&self) -> Option<&str> {
        let user = self.view.as_ref()?.user.as_ref()?;
        Some(&user.username)
    }

    /// Whether the server refused the stored session, so the user must log in again.
    pub fn session_expired(&self) -> bool {
        self.username().is_some()
            && self
                .sync
                .last_error
                .as_ref()
                .is_some_and(|err| err.code == ErrorCode::SessionExpired)
    }

    /// The server address the login form starts with: the administrator's when set, else the
    /// last one used, else the default (`PLANSYNC_SERVER`).
    pub fn proposed_server_url(&self) -> String {
        let Some(view) = &self.view else {
            return String::new();
        };
        if view.server_from_admin {
            if let Some(url) = &view.default_server_url {
                return url.clone();
            }
        }
        view.user
            .as_ref()
            .map(|user| user.server_url.clone())
            .or_else(|| view.default_server_url.clone())
            .unwrap_or_default()
    }

    /// The new state after `action`; a pure function, so tests call it directly.
    pub fn apply(&self, action: SessionAction) -> SessionState {
        let mut next = self.clone();
        match action {
            SessionAction::SessionChanged(view) => {
                let user_before = self
                    .view
                    .as_ref()
                    .map(|v| v.user.as_ref().map(|u| &u.username));
                let user_after = view.user.as_ref().map(|u| &u.username);
                if user_before.is_some_and(|before| before != user_after) {
                    next.n_plan_changes += 1;
                }
                if view.user.is_some() {
                    next.login = LoginForm::default();
                } else {
                    next.login.busy = false;
                }
                next.logout = Logout::Idle;
                next.view = Some(view);
            }
            SessionAction::SyncStatusChanged(status) => {
                let was_up_to_date = matches!(self.sync.state, SyncState::UpToDate { .. });
                let is_up_to_date = matches!(status.state, SyncState::UpToDate { .. });
                if is_up_to_date && !was_up_to_date {
                    next.n_plan_changes += 1;
                }
                next.sync = status;
            }
            SessionAction::OpenLogin => {
                if self.username().is_none() || self.session_expired() {
                    next.login = LoginForm {
                        open: true,
                        ..LoginForm::default()
                    };
                }
            }
            SessionAction::CloseLogin => {
                if !self.login.busy {
                    next.login = LoginForm::default();
                }
            }
            SessionAction::LoginSubmitted => {
                next.login.busy = true;
                next.login.error = None;
            }
            SessionAction::LoginFailed(err) => {
                next.login.busy = false;
                next.login.error = Some(err);
            }
            SessionAction::LogoutRequested => {
                if self.username().is_some()
                    && matches!(self.logout, Logout::Idle | Logout::Failed(_))
                {
                    next.logout = match self.sync.n_unconfirmed {
                        0 => Logout::Running {
                            discard_unsynced: false,
                        },
                        n_unconfirmed => Logout::Confirming { n_unconfirmed },
                    };
                }
            }
            SessionAction::LogoutConfirmed => {
                if matches!(self.logout, Logout::Confirming { .. }) {
                    next.logout = Logout::Running {
                        discard_unsynced: true,
                    };
                }
            }
            SessionAction::LogoutCancelled => {
                if matches!(self.logout, Logout::Confirming { .. } | Logout::Failed(_)) {
                    next.logout = Logout::Idle;
                }
            }
            SessionAction::OpenSettings => next.settings_open = true,
            SessionAction::CloseSettings => next.settings_open = false,
            SessionAction::LogoutFailed(err) => {
                next.logout = if err.code == ErrorCode::UnsyncedChanges {
                    // Changes the status had not counted yet: ask, as for counted ones.
                    Logout::Confirming {
                        n_unconfirmed: self.sync.n_unconfirmed.max(1),
                    }
                } else {
                    Logout::Failed(err)
                };
            }
        }
        next
    }
}

impl Reducible for SessionState {
    type Action = SessionAction;

    fn reduce(self: Rc<Self>, action: SessionAction) -> Rc<Self> {
        Rc::new(self.apply(action))
    }
}

#[cfg(test)]
mod tests {
    use expect_test::{expect, Expect};

    use super::*;
    use crate::backend::SessionInfo;

    fn logged_in(username: &str) -> SessionView {
        SessionView {
            user: Some(SessionInfo {
                server_url: "http://may-chu:8080/".into(),
                username: username.into(),
                unit: "QLHT".into(),
                role: "staff".into(),
                device: "dev-1".into(),
                full_name: None,
                unit_head: false,
            }),
            default_server_url: Some("http://mac-dinh:8080".into()),
            ..SessionView::default()
        }
    }

    fn logged_out() -> SessionView {
        SessionView {
            user: None,
            default_server_url: Some("http://mac-dinh:8080".into()),
            ..SessionView::default()
        }
    }

    fn status(state: SyncState, n_unconfirmed: usize) -> SyncStatus {
        SyncStatus {
            state,
            n_unconfirmed,
            last_error: None,
            n_doc_changes: 0,
            uploads: Default::default(),
        }
    }

    /// Applies `actions` from the default state and prints the state after each.
    fn check(actions: Vec<SessionAction>, expect: Expect) {
        let mut state = SessionState::default();
        let mut lines = Vec::new();
        for action in actions {
            let name = format!("{action:?}");
            let name = name
                .split(['(', ' '])
                .next()
                .unwrap_or_default()
                .to_string();
            state = state.apply(action);
            let login = &state.login;
            lines.push(format!(
                "{name}: user={} sync={:?}/{} login(open={} busy={} error={:?}) logout={:?} n_plan_changes={}",
                state.username().unwrap_or("-"),
                state.sync.state,
                state.sync.n_unconfirmed,
                login.open,
                login.busy,
                login.error.as_ref().map(|e| e.code),
                state.logout,
                state.n_plan_changes,
            ));
        }
        expect.assert_eq(&lines.join("\n"));
    }

    #[test]
    fn logging_in_through_the_form() {
        check(
            vec![
                SessionAction::SessionChanged(logged_out()),
                SessionAction::OpenLogin,
                SessionAction::LoginSubmitted,
                SessionAction::LoginFailed(BackendError::new(ErrorCode::BadCredentials, "x")),
                SessionAction::LoginSubmitted,
                SessionAction::SessionChanged(logged_in("lan")),
                SessionAction::OpenLogin,
            ],
            expect![[r#"
                SessionChanged: user=- sync=Offline/0 login(open=false busy=false error=None) logout=Idle n_plan_changes=0
                OpenLogin: user=- sync=Offline/0 login(open=true busy=false error=None) logout=Idle n_plan_changes=0
                LoginSubmitted: user=- sync=Offline/0 login(open=true busy=true error=None) logout=Idle n_plan_changes=0
                LoginFailed: user=- sync=Offline/0 login(open=true busy=false error=Some(BadCredentials)) logout=Idle n_plan_changes=0
                LoginSubmitted: user=- sync=Offline/0 login(open=true busy=true error=None) logout=Idle n_plan_changes=0
                SessionChanged: user=lan sync=Offline/0 login(open=false busy=false error=None) logout=Idle n_plan_changes=1
                OpenLogin: user=lan sync=Offline/0 login(open=false busy=false error=None) logout=Idle n_plan_changes=1"#]],
        );
    }

    #[test]
    fn the_plan_reloads_when_the_user_changes_or_sync_finishes() {
        check(
            vec![
                SessionAction::SessionChanged(logged_in("lan")),
                SessionAction::SyncStatusChanged(status(SyncState::Connecting, 0)),
                SessionAction::SyncStatusChanged(status(SyncState::Syncing, 0)),
                SessionAction::SyncStatusChanged(status(SyncState::UpToDate { since_ms: 5 }, 0)),
                SessionAction::SyncStatusChanged(status(SyncState::UpToDate { since_ms: 5 }, 0)),
                SessionAction::SyncStatusChanged(status(SyncState::Connecting, 0)),
                SessionAction::SessionChanged(logged_in("lan")),
            ],
            expect![[r#"
                SessionChanged: user=lan sync=Offline/0 login(open=false busy=false error=None) logout=Idle n_plan_changes=0
                SyncStatusChanged: user=lan sync=Connecting/0 login(open=false busy=false error=None) logout=Idle n_plan_changes=0
                SyncStatusChanged: user=lan sync=Syncing/0 login(open=false busy=false error=None) logout=Idle n_plan_changes=0
                SyncStatusChanged: user=lan sync=UpToDate { since_ms: 5 }/0 login(open=false busy=false error=None) logout=Idle n_plan_changes=1
                SyncStatusChanged: user=lan sync=UpToDate { since_ms: 5 }/0 login(open=false busy=false error=None) logout=Idle n_plan_changes=1
                SyncStatusChanged: user=lan sync=Connecting/0 login(open=false busy=false error=None) logout=Idle n_plan_changes=1
                SessionChanged: user=lan sync=Connecting/0 login(open=false busy=false error=None) logout=Idle n_plan_changes=1"#]],
        );
    }

    #[test]
    fn logging_out_with_nothing_pending_goes_straight_ahead() {
        check(
            vec![
                SessionAction::SessionChanged(logged_in("lan")),
                SessionAction::LogoutRequested,
                SessionAction::SessionChanged(logged_out()),
            ],
            expect![[r#"
                SessionChanged: user=lan sync=Offline/0 login(open=false busy=false error=None) logout=Idle n_plan_changes=0
                LogoutRequested: user=lan sync=Offline/0 login(open=false busy=false error=None) logout=Running { discard_unsynced: false } n_plan_changes=0
                SessionChanged: user=- sync=Offline/0 login(open=false busy=false error=None) logout=Idle n_plan_changes=1"#]],
        );
    }

    #[test]
    fn logging_out_with_unconfirmed_changes_asks_first() {
        check(
            vec![
                SessionAction::SessionChanged(logged_in("lan")),
                SessionAction::SyncStatusChanged(status(SyncState::Connecting, 2)),
                SessionAction::LogoutRequested,
                SessionAction::LogoutCancelled,
                SessionAction::LogoutRequested,
                SessionAction::LogoutConfirmed,
            ],
            expect![[r#"
                SessionChanged: user=lan sync=Offline/0 login(open=false busy=false error=None) logout=Idle n_plan_changes=0
                SyncStatusChanged: user=lan sync=Connecting/2 login(open=false busy=false error=None) logout=Idle n_plan_changes=0
                LogoutRequested: user=lan sync=Connecting/2 login(open=false busy=false error=None) logout=Confirming { n_unconfirmed: 2 } n_plan_changes=0
                LogoutCancelled: user=lan sync=Connecting/2 login(open=false busy=false error=None) logout=Idle n_plan_changes=0
                LogoutRequested: user=lan sync=Connecting/2 login(open=false busy=false error=None) logout=Confirming { n_unconfirmed: 2 } n_plan_changes=0
                LogoutConfirmed: user=lan sync=Connecting/2 login(open=false busy=false error=None) logout=Running { discard_unsynced: true } n_plan_changes=0"#]],
        );
    }

    #[test]
    fn a_refusal_for_changes_not_yet_counted_also_asks() {
        check(
            vec![
                SessionAction::SessionChanged(logged_in("lan")),
                SessionAction::LogoutRequested,
                SessionAction::LogoutFailed(BackendError::new(ErrorCode::UnsyncedChanges, "1")),
                SessionAction::LogoutConfirmed,
                SessionAction::LogoutFailed(BackendError::new(ErrorCode::Storage, "disk")),
            ],
            expect![[r#"
                SessionChanged: user=lan sync=Offline/0 login(open=false busy=false error=None) logout=Idle n_plan_changes=0
                LogoutRequested: user=lan sync=Offline/0 login(open=false busy=false error=None) logout=Running { discard_unsynced: false } n_plan_changes=0
                LogoutFailed: user=lan sync=Offline/0 login(open=false busy=false error=None) logout=Confirming { n_unconfirmed: 1 } n_plan_changes=0
                LogoutConfirmed: user=lan sync=Offline/0 login(open=false busy=false error=None) logout=Running { discard_unsynced: true } n_plan_changes=0
                LogoutFailed: user=lan sync=Offline/0 login(open=false busy=false error=None) logout=Failed(IpcError { code: Storage, message: "disk" }) n_plan_changes=0"#]],
        );
    }

    #[test]
    fn the_settings_open_and_close_whoever_is_logged_in() {
        let state = SessionState::default().apply(SessionAction::OpenSettings);
        assert!(state.settings_open);
        let state = state.apply(SessionAction::SessionChanged(logged_in("lan")));
        assert!(
            state.settings_open,
            "logging in does not close the settings"
        );
        assert!(!state.apply(SessionAction::CloseSettings).settings_open);
    }

    #[test]
    fn an_expired_session_can_log_in_again() {
        let expired = SyncStatus {
            last_error: Some(BackendError::new(ErrorCode::SessionExpired, "expired")),
            ..SyncStatus::default()
        };
        check(
            vec![
                SessionAction::SessionChanged(logged_in("lan")),
                SessionAction::OpenLogin,
                SessionAction::SyncStatusChanged(expired),
                SessionAction::OpenLogin,
                SessionAction::SessionChanged(logged_in("lan")),
            ],
            expect![[r#"
                SessionChanged: user=lan sync=Offline/0 login(open=false busy=false error=None) logout=Idle n_plan_changes=0
                OpenLogin: user=lan sync=Offline/0 login(open=false busy=false error=None) logout=Idle n_plan_changes=0
                SyncStatusChanged: user=lan sync=Offline/0 login(open=false busy=false error=None) logout=Idle n_plan_changes=0
                OpenLogin: user=lan sync=Offline/0 login(open=true busy=false error=None) logout=Idle n_plan_changes=0
                SessionChanged: user=lan sync=Offline/0 login(open=false busy=false error=None) logout=Idle n_plan_changes=0"#]],
        );
    }

    #[test]
    fn the_form_proposes_the_last_server_else_the_default() {
        let state = SessionState::default();
        assert_eq!(state.proposed_server_url(), "");
        let state = state.apply(SessionAction::SessionChanged(logged_out()));
        assert_eq!(state.proposed_server_url(), "http://mac-dinh:8080");
        let state = state.apply(SessionAction::SessionChanged(logged_in("lan")));
        assert_eq!(
            state.proposed_server_url(),
            "http://may-chu:8080/",
            "the server the user logged in to wins over the launch default"
        );
        let admin = SessionView {
            server_from_admin: true,
            ..logged_in("lan")
        };
        let state = state.apply(SessionAction::SessionChanged(admin));
        assert_eq!(
            state.proposed_server_url(),
            "http://mac-dinh:8080",
            "the administrator's address wins: logging in again goes where the administrator says"
        );
    }
}
