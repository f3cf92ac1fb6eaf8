//! The state of the setting "Chứng chỉ của máy chủ (CA nội bộ)": the CA files the app trusts,
//! the path being typed, the call running, the last problem and what the last change did. One
//! [`Reducible`] value changed only through [`CaAction`]s; the component runs the backend calls.

use std::rc::Rc;

use yew::Reducible;

use crate::backend::{BackendError, CaSettings};

/// The call running, if any (one at a time).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CaBusy {
    Loading,
    Picking,
    Saving,
    Removing,
}

/// What the last change did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CaDone {
    Saved,
    Removed,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct CaState {
    /// `None` until the application answered.
    pub settings: Option<CaSettings>,
    /// The path in the text field.
    pub path: String,
    pub busy: Option<CaBusy>,
    pub error: Option<BackendError>,
    pub done: Option<CaDone>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum CaAction {
    LoadStarted,
    Loaded(CaSettings),
    /// The user typed a path.
    Path(String),
    PickStarted,
    /// The dialog closed: the chosen file (saved at once), `None` when cancelled.
    Picked(Option<String>),
    SaveStarted,
    Saved(CaSettings),
    RemoveStarted,
    Removed(CaSettings),
    /// The running call failed.
    Failed(BackendError),
}

impl CaState {
    /// Whether "Dùng tệp này" can be pressed.
    pub fn can_use_path(&self) -> bool {
        self.busy.is_none() && !self.path.trim().is_empty()
    }

    /// Whether a file chosen in the settings is in use (so "Bỏ" has something to remove).
    pub fn has_chosen(&self) -> bool {
        self.settings.as_ref().is_some_and(|s| s.chosen.is_some())
    }

    /// The new state after `action`; a pure function, so tests call it directly.
    pub fn apply(&self, action: CaAction) -> CaState {
        let mut next = self.clone();
        match action {
            CaAction::LoadStarted => next.busy = Some(CaBusy::Loading),
            CaAction::Loaded(settings) => {
                next.busy = None;
                next.settings = Some(settings);
            }
            CaAction::Path(path) => {
                next.path = path;
                next.error = None;
                next.done = None;
            }
            CaAction::PickStarted => {
                next.busy = Some(CaBusy::Picking);
                next.error = None;
                next.done = None;
            }
            CaAction::Picked(path) => {
                next.busy = None;
                if let Some(path) = path {
                    next.path = path;
                }
            }
            CaAction::SaveStarted => {
                next.busy = Some(CaBusy::Saving);
                next.error = None;
                next.done = None;
            }
            CaAction::Saved(settings) => {
                next.busy = None;
                next.settings = Some(settings);
                next.path.clear();
                next.done = Some(CaDone::Saved);
            }
            CaAction::RemoveStarted => {
                next.busy = Some(CaBusy::Removing);
                next.error = None;
                next.done = None;
            }
            CaAction::Removed(settings) => {
                next.busy = None;
                next.settings = Some(settings);
                next.done = Some(CaDone::Removed);
            }
            CaAction::Failed(err) => {
                next.busy = None;
                next.error = Some(err);
            }
        }
        next
    }
}

impl Reducible for CaState {
    type Action = CaAction;

    fn reduce(self: Rc<Self>, action: CaAction) -> Rc<Self> {
        Rc::new(self.apply(action))
    }
}

#[cfg(test)]
mod tests {
    use expect_test::{expect, Expect};

    use super::*;
    use crate::backend::{CaCertificate, CaFileView, ErrorCode};

    fn chosen() -> CaSettings {
        CaSettings {
            chosen: Some(CaFileView {
                path: "/data/ca-certificates.pem".into(),
                certificates: vec![CaCertificate {
                    subject: "CA nội bộ".into(),
                    issuer: "CA nội bộ".into(),
                    not_before_ms: 0,
                    not_after_ms: 1,
                    is_ca: true,
                }],
                problem: None,
            }),
            from_env: None,
        }
    }

    /// Applies `actions` from the default state and prints the state after each.
    fn check(actions: Vec<CaAction>, expect: Expect) {
        let mut state = CaState::default();
        let mut lines = Vec::new();
        for action in actions {
            let name = format!("{action:?}");
            let name = name
                .split(['(', ' '])
                .next()
                .unwrap_or_default()
                .to_string();
            state = state.apply(action);
            lines.push(format!(
                "{name}: chosen={} path={:?} busy={:?} error={:?} done={:?} can_use_path={}",
                state.has_chosen(),
                state.path,
                state.busy,
                state.error.as_ref().map(|e| e.code),
                state.done,
                state.can_use_path(),
            ));
        }
        expect.assert_eq(&lines.join("\n"));
    }

    #[test]
    fn a_typed_path_is_refused_then_a_picked_file_is_saved_then_removed() {
        check(
            vec![
                CaAction::LoadStarted,
                CaAction::Loaded(CaSettings::default()),
                CaAction::Path("/home/lan/ghi-chu.txt".into()),
                CaAction::SaveStarted,
                CaAction::Failed(BackendError::new(ErrorCode::BadCaFile, "không chứa")),
                CaAction::PickStarted,
                CaAction::Picked(Some("/home/lan/ca.pem".into())),
                CaAction::SaveStarted,
                CaAction::Saved(chosen()),
                CaAction::RemoveStarted,
                CaAction::Removed(CaSettings::default()),
                CaAction::PickStarted,
                CaAction::Picked(None),
            ],
            expect![[r#"
                LoadStarted: chosen=false path="" busy=Some(Loading) error=None done=None can_use_path=false
                Loaded: chosen=false path="" busy=None error=None done=None can_use_path=false
                Path: chosen=false path="/home/lan/ghi-chu.txt" busy=None error=None done=None can_use_path=true
                SaveStarted: chosen=false path="/home/lan/ghi-chu.txt" busy=Some(Saving) error=None done=None can_use_path=false
                Failed: chosen=false path="/home/lan/ghi-chu.txt" busy=None error=Some(BadCaFile) done=None can_use_path=true
                PickStarted: chosen=false path="/home/lan/ghi-chu.txt" busy=Some(Picking) error=None done=None can_use_path=false
                Picked: chosen=false path="/home/lan/ca.pem" busy=None error=None done=None can_use_path=true
                SaveStarted: chosen=false path="/home/lan/ca.pem" busy=Some(Saving) error=None done=None can_use_path=false
                Saved: chosen=true path="" busy=None error=None done=Some(Saved) can_use_path=false
                RemoveStarted: chosen=true path="" busy=Some(Removing) error=None done=None can_use_path=false
                Removed: chosen=false path="" busy=None error=None done=Some(Removed) can_use_path=false
                PickStarted: chosen=false path="" busy=Some(Picking) error=None done=None can_use_path=false
                Picked: chosen=false path="" busy=None error=None done=None can_use_path=false"#]],
        );
    }
}
