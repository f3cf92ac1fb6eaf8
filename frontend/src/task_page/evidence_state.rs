//! The evidence list's state on the task page: the path being typed, the call running, the
//! last problem, the file opened last and each file's upload state as the app answered it.
//! One [`Reducible`] value changed only through [`EvidenceAction`]s; the component runs the
//! backend calls (`n_state_loads` asks for the upload states again).

use std::collections::BTreeMap;
use std::rc::Rc;

use yew::Reducible;

use crate::backend::{BackendError, OpenedEvidence, UploadState};

/// The call running, if any (one at a time).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Busy {
    Picking,
    Attaching,
    Detaching(String),
    Opening(String),
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct EvidenceState {
    /// The path in the text field.
    pub path: String,
    pub busy: Option<Busy>,
    pub error: Option<BackendError>,
    /// The file opened last (its hash) and where it is.
    pub opened: Option<(String, OpenedEvidence)>,
    /// Upload states the app answered, by hash.
    pub states: BTreeMap<String, UploadState>,
    /// Bumped when the upload states must be asked again.
    pub n_state_loads: u32,
}

#[derive(Debug, Clone, PartialEq)]
pub enum EvidenceAction {
    /// The user typed a path.
    Path(String),
    PickStarted,
    /// The dialog closed: the chosen file, `None` when cancelled.
    Picked(Option<String>),
    AttachStarted,
    /// The file was attached (the record must be read again).
    Attached,
    DetachStarted(String),
    Detached,
    OpenStarted(String),
    Opened(String, OpenedEvidence),
    /// The running call failed.
    Failed(BackendError),
    StatesLoaded(BTreeMap<String, UploadState>),
}

impl EvidenceState {
    /// Whether "Đính kèm" can be pressed.
    pub fn can_attach(&self) -> bool {
        self.busy.is_none() && !self.path.trim().is_empty()
    }

    /// The new state after `action`; a pure function, so tests call it directly.
    pub fn apply(&self, action: EvidenceAction) -> EvidenceState {
        let mut next = self.clone();
        match action {
            EvidenceAction::Path(path) => {
                next.path = path;
                next.error = None;
            }
            EvidenceAction::PickStarted => {
                next.busy = Some(Busy::Picking);
                next.error = None;
            }
            EvidenceAction::Picked(path) => {
                next.busy = None;
                if let Some(path) = path {
                    next.path = path;
                }
            }
            EvidenceAction::AttachStarted => {
                next.busy = Some(Busy::Attaching);
                next.error = None;
            }
            EvidenceAction::Attached => {
                next.busy = None;
                next.path.clear();
                next.n_state_loads += 1;
            }
            EvidenceAction::DetachStarted(sha256) => {
                next.busy = Some(Busy::Detaching(sha256));
                next.error = None;
            }
            EvidenceAction::Detached => next.busy = None,
            EvidenceAction::OpenStarted(sha256) => {
                next.busy = Some(Busy::Opening(sha256));
                next.error = None;
                next.opened = None;
            }
            EvidenceAction::Opened(sha256, opened) => {
                next.busy = None;
                // A file downloaded to open is on the server.
                next.states.insert(sha256.clone(), UploadState::Uploaded);
                next.opened = Some((sha256, opened));
            }
            EvidenceAction::Failed(err) => {
                next.busy = None;
                next.error = Some(err);
            }
            EvidenceAction::StatesLoaded(states) => next.states.extend(states),
        }
        next
    }
}

impl Reducible for EvidenceState {
    type Action = EvidenceAction;

    fn reduce(self: Rc<Self>, action: EvidenceAction) -> Rc<Self> {
        Rc::new(self.apply(action))
    }
}

#[cfg(test)]
mod tests {
    use expect_test::{expect, Expect};

    use super::*;
    use crate::backend::ErrorCode;

    fn check(actions: Vec<EvidenceAction>, expect: Expect) {
        let mut state = EvidenceState::default();
        let mut out = Vec::new();
        for action in actions {
            let name = format!("{action:?}");
            let name: String = name.chars().take(40).collect();
            state = state.apply(action);
            out.push(format!(
                "{name}: path={:?} busy={:?} error={:?} opened={:?} states={:?} loads={} can_attach={}",
                state.path,
                state.busy,
                state.error.as_ref().map(|e| e.code),
                state.opened.as_ref().map(|(_, o)| &o.path),
                state.states.values().collect::<Vec<_>>(),
                state.n_state_loads,
                state.can_attach(),
            ));
        }
        expect.assert_eq(&out.join("\n"));
    }

    #[test]
    fn attaching_clears_the_path_and_asks_the_states_again() {
        check(
            vec![
                EvidenceAction::Path("  ".into()),
                EvidenceAction::PickStarted,
                EvidenceAction::Picked(Some("/home/lan/Báo cáo.pdf".into())),
                EvidenceAction::AttachStarted,
                EvidenceAction::Failed(BackendError::new(ErrorCode::PeriodLocked, "locked")),
                EvidenceAction::Path("/home/lan/Báo cáo 2.pdf".into()),
                EvidenceAction::AttachStarted,
                EvidenceAction::Attached,
                EvidenceAction::PickStarted,
                EvidenceAction::Picked(None),
            ],
            expect![[r#"
                Path("  "): path="  " busy=None error=None opened=None states=[] loads=0 can_attach=false
                PickStarted: path="  " busy=Some(Picking) error=None opened=None states=[] loads=0 can_attach=false
                Picked(Some("/home/lan/Báo cáo.pdf")): path="/home/lan/Báo cáo.pdf" busy=None error=None opened=None states=[] loads=0 can_attach=true
                AttachStarted: path="/home/lan/Báo cáo.pdf" busy=Some(Attaching) error=None opened=None states=[] loads=0 can_attach=false
                Failed(IpcError { code: PeriodLocked, me: path="/home/lan/Báo cáo.pdf" busy=None error=Some(PeriodLocked) opened=None states=[] loads=0 can_attach=true
                Path("/home/lan/Báo cáo 2.pdf"): path="/home/lan/Báo cáo 2.pdf" busy=None error=None opened=None states=[] loads=0 can_attach=true
                AttachStarted: path="/home/lan/Báo cáo 2.pdf" busy=Some(Attaching) error=None opened=None states=[] loads=0 can_attach=false
                Attached: path="" busy=None error=None opened=None states=[] loads=1 can_attach=false
                PickStarted: path="" busy=Some(Picking) error=None opened=None states=[] loads=1 can_attach=false
                Picked(None): path="" busy=None error=None opened=None states=[] loads=1 can_attach=false"#]],
        );
    }

    #[test]
    fn opening_shows_the_path_and_counts_the_file_as_uploaded() {
        let sha = "b".repeat(64);
        check(
            vec![
                EvidenceAction::StatesLoaded(BTreeMap::from([(
                    sha.clone(),
                    UploadState::NotOnServer,
                )])),
                EvidenceAction::OpenStarted(sha.clone()),
                EvidenceAction::Failed(BackendError::new(ErrorCode::NotUploaded, "404")),
                EvidenceAction::OpenStarted(sha.clone()),
                EvidenceAction::Opened(
                    sha.clone(),
                    OpenedEvidence {
                        path: "/data/opened/b/Kế hoạch.docx".into(),
                        launched: false,
                        launch_error: Some("no xdg-open".into()),
                        refused: None,
                        revealed: false,
                    },
                ),
            ],
            expect![[r#"
                StatesLoaded({"bbbbbbbbbbbbbbbbbbbbbbbbb: path="" busy=None error=None opened=None states=[NotOnServer] loads=0 can_attach=false
                OpenStarted("bbbbbbbbbbbbbbbbbbbbbbbbbbb: path="" busy=Some(Opening("bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb")) error=None opened=None states=[NotOnServer] loads=0 can_attach=false
                Failed(IpcError { code: NotUploaded, mes: path="" busy=None error=Some(NotUploaded) opened=None states=[NotOnServer] loads=0 can_attach=false
                OpenStarted("bbbbbbbbbbbbbbbbbbbbbbbbbbb: path="" busy=Some(Opening("bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb")) error=None opened=None states=[NotOnServer] loads=0 can_attach=false
                Opened("bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb: path="" busy=None error=None opened=Some("/data/opened/b/Kế hoạch.docx") states=[Uploaded] loads=0 can_attach=false"#]],
        );
    }
}
