//! A backend that answers from memory, for tests that run without a window or Tauri.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::future::ready;
use std::rc::Rc;

use shared::calendar::PeriodId;
use shared::overview::Overview;
use shared::plan_edit::PlanEdit;
use shared::report::HeadingParticulars;
use shared::{Plan, TaskId};
use yew::Callback;

use super::{
    Backend, BackendError, BackendFuture, CaCertificate, CaFileView, CaSettings, ErrorCode,
    Evidence, LoginRequest, OpenEvidenceRequest, OpenedEvidence, RecordEdit, RecordUnits,
    RecordView, ReportExportRequest, SessionInfo, SessionView, Subscription, SyncStatus, TextField,
    UploadState, VerdictRequest, Version,
};
use super::{ExportDone, ReportState, SentReports};

/// Answers every call with the values it holds; [`FakeBackend::emit_sync_status`] plays an event.
#[derive(Clone)]
pub struct FakeBackend {
    pub plan: Rc<RefCell<Result<Plan, BackendError>>>,
    /// The one password [`Backend::login`] accepts.
    pub password: String,
    session: Rc<RefCell<SessionView>>,
    sync: Rc<RefCell<SyncStatus>>,
    sync_watchers: Rc<RefCell<Vec<Callback<SyncStatus>>>>,
    session_watchers: Rc<RefCell<Vec<Callback<SessionView>>>>,
    /// Every unit's records; edits change those of [`FAKE_UNIT`].
    pub records: Rc<RefCell<Vec<RecordView>>>,
    /// What [`Backend::overview`] answers, whatever the period.
    pub overview: Rc<RefCell<Result<Overview, BackendError>>>,
    /// Every verdict given, in order.
    pub verdicts: Rc<RefCell<Vec<VerdictRequest>>>,
    /// The CA settings; [`Backend::set_ca_file`] takes a path ending in `.pem`.
    pub ca: Rc<RefCell<CaSettings>>,
    /// What [`Backend::report_formats`] answers (no LibreOffice: DOCX and XLSX).
    pub report_formats: Rc<RefCell<Vec<String>>>,
    /// The stored report particulars.
    pub report_heading: Rc<RefCell<HeadingParticulars>>,
}

/// The unit of the user the fake logs in.
pub const FAKE_UNIT: &str = "QLHT";

impl FakeBackend {
    pub fn new(plan: Result<Plan, BackendError>) -> FakeBackend {
        FakeBackend {
            plan: Rc::new(RefCell::new(plan)),
            password: "đúng".into(),
            session: Rc::default(),
            sync: Rc::default(),
            sync_watchers: Rc::default(),
            session_watchers: Rc::default(),
            records: Rc::default(),
            overview: Rc::new(RefCell::new(Err(BackendError::new(
                ErrorCode::NoRecords,
                "no overview",
            )))),
            verdicts: Rc::default(),
            ca: Rc::default(),
            report_formats: Rc::new(RefCell::new(vec!["docx".into(), "xlsx".into()])),
            report_heading: Rc::default(),
        }
    }

    /// Sets the status and tells every watcher.
    pub fn emit_sync_status(&self, status: SyncStatus) {
        *self.sync.borrow_mut() = status.clone();
        for watcher in self.sync_watchers.borrow().iter() {
            watcher.emit(status.clone());
        }
    }

    /// Sets the session as the app would start with it (the server address, whether it is the
    /// administrator's, the settings file's problem), without telling watchers.
    pub fn start_with_session(&self, view: SessionView) {
        *self.session.borrow_mut() = view;
    }

    fn set_session(&self, view: SessionView) -> SessionView {
        *self.session.borrow_mut() = view.clone();
        for watcher in self.session_watchers.borrow().iter() {
            watcher.emit(view.clone());
        }
        view
    }
}

impl Backend for FakeBackend {
    fn load_plan(&self) -> BackendFuture<Plan> {
        Box::pin(ready(self.plan.borrow().clone()))
    }

    fn session(&self) -> BackendFuture<SessionView> {
        Box::pin(ready(Ok(self.session.borrow().clone())))
    }

    fn sync_status(&self) -> BackendFuture<SyncStatus> {
        Box::pin(ready(Ok(self.sync.borrow().clone())))
    }

    fn login(&self, request: LoginRequest) -> BackendFuture<SessionView> {
        let answer = if request.password == self.password {
            let view = SessionView {
                user: Some(SessionInfo {
                    server_url: request.server_url,
                    username: request.username,
                    unit: FAKE_UNIT.into(),
                    role: "staff".into(),
                    device: "dev-test".into(),
                    full_name: None,
                    unit_head: true,
                }),
                ..self.session.borrow().clone()
            };
            Ok(self.set_session(view))
        } else {
            Err(BackendError::new(
                ErrorCode::BadCredentials,
                "wrong user name or password",
            ))
        };
        Box::pin(ready(answer))
    }

    fn logout(&self, discard_unsynced: bool) -> BackendFuture<SessionView> {
        let n_unconfirmed = self.sync.borrow().n_unconfirmed;
        let answer = if n_unconfirmed > 0 && !discard_unsynced {
            Err(BackendError::new(
                ErrorCode::UnsyncedChanges,
                format!("{n_unconfirmed} local changes have not reached the server yet"),
            ))
        } else {
            let before = self.session.borrow().clone();
            Ok(self.set_session(SessionView {
                user: None,
                ..before
            }))
        };
        Box::pin(ready(answer))
    }

    fn record_units(&self, task_id: TaskId) -> BackendFuture<RecordUnits> {
        let units = self
            .records
            .borrow()
            .iter()
            .filter(|r| r.record.task_id == task_id)
            .map(|r| r.unit.clone())
            .collect();
        Box::pin(ready(Ok(RecordUnits {
            own_unit: FAKE_UNIT.into(),
            role: "staff".into(),
            units,
            unit_names: Default::default(),
        })))
    }

    fn read_record(
        &self,
        task_id: TaskId,
        unit: String,
        _year: Option<i32>,
    ) -> BackendFuture<RecordView> {
        let found = self
            .records
            .borrow()
            .iter()
            .find(|r| r.record.task_id == task_id && r.unit == unit)
            .cloned()
            .ok_or_else(|| BackendError::new(ErrorCode::NotAssigned, "not assigned"));
        Box::pin(ready(found))
    }

    fn edit_record(
        &self,
        task_id: TaskId,
        _year: Option<i32>,
        edit: RecordEdit,
    ) -> BackendFuture<()> {
        let mut records = self.records.borrow_mut();
        let Some(view) = records
            .iter_mut()
            .find(|r| r.record.task_id == task_id && r.unit == FAKE_UNIT)
        else {
            return Box::pin(ready(Err(BackendError::new(
                ErrorCode::NotAssigned,
                "not assigned",
            ))));
        };
        let device = "dev-test".to_string();
        match edit {
            RecordEdit::Status { status } => {
                view.record.status.values = vec![Version {
                    value: status,
                    device,
                }];
            }
            RecordEdit::Progress { percent } => {
                view.record.progress.values = vec![Version {
                    value: percent,
                    device,
                }];
            }
            RecordEdit::Text {
                period,
                field,
                text,
            } => {
                if let Some(p) = view.record.periods.iter_mut().find(|p| p.period == period) {
                    *match field {
                        TextField::Result => &mut p.result,
                        TextField::Difficulties => &mut p.difficulties,
                        TextField::Proposals => &mut p.proposals,
                        TextField::Notes => &mut p.notes,
                    } = text;
                }
            }
            RecordEdit::Send {
                period,
                digest,
                answers,
            } => {
                if let Some(p) = view.record.periods.iter_mut().find(|p| p.period == period) {
                    p.sent = Some(shared::submission::Sending {
                        at: 0,
                        by: "lan".into(),
                        digest,
                        answers,
                    });
                }
            }
            RecordEdit::Actual { .. }
            | RecordEdit::AttachEvidence { .. }
            | RecordEdit::DetachEvidence { .. } => {}
        }
        Box::pin(ready(Ok(())))
    }

    fn send_report(&self, task_id: TaskId, period: PeriodId) -> BackendFuture<ReportState> {
        let digest = self
            .records
            .borrow()
            .iter()
            .find(|r| r.record.task_id == task_id && r.unit == FAKE_UNIT)
            .and_then(|r| r.period(period))
            .map(shared::submission::digest)
            .unwrap_or_default();
        let sent = self.edit_record(
            task_id,
            Some(period.year),
            RecordEdit::Send {
                period,
                digest,
                answers: 0,
            },
        );
        Box::pin(async move {
            sent.await?;
            Ok(ReportState::Sent { changed: false })
        })
    }

    fn send_ready_reports(&self, _period: PeriodId) -> BackendFuture<SentReports> {
        Box::pin(ready(Ok(SentReports::default())))
    }

    fn overview(&self, _period: Option<PeriodId>) -> BackendFuture<Overview> {
        Box::pin(ready(self.overview.borrow().clone()))
    }

    fn set_verdict(&self, request: VerdictRequest) -> BackendFuture<()> {
        self.verdicts.borrow_mut().push(request);
        Box::pin(ready(Ok(())))
    }

    fn edit_plan(&self, edit: PlanEdit) -> BackendFuture<TaskId> {
        let answer = match &mut *self.plan.borrow_mut() {
            Ok(plan) => shared::plan_edit::apply(plan, &edit)
                .map_err(|err| BackendError::new(ErrorCode::Unknown, err.to_string())),
            Err(err) => Err(err.clone()),
        };
        Box::pin(ready(answer))
    }

    fn export_report(&self, request: ReportExportRequest) -> BackendFuture<ExportDone> {
        let scope = request.unit.unwrap_or_else(|| "tong-hop".into());
        Box::pin(ready(Ok(ExportDone {
            path: format!("/tmp/bao-cao-{}-{scope}.{}", request.period, request.format),
            summary: String::new(),
        })))
    }

    fn report_heading(&self) -> BackendFuture<HeadingParticulars> {
        Box::pin(ready(Ok(self.report_heading.borrow().clone())))
    }

    fn set_report_heading(&self, particulars: HeadingParticulars) -> BackendFuture<()> {
        *self.report_heading.borrow_mut() = particulars.cleaned();
        Box::pin(ready(Ok(())))
    }

    fn report_formats(&self) -> BackendFuture<Vec<String>> {
        Box::pin(ready(Ok(self.report_formats.borrow().clone())))
    }

    fn pick_export_folder(&self) -> BackendFuture<Option<String>> {
        Box::pin(ready(Ok(Some("/home/lan/Tài liệu/Báo cáo".into()))))
    }

    fn open_export(&self, _path: String, _reveal: bool) -> BackendFuture<()> {
        Box::pin(ready(Ok(())))
    }

    fn pick_file(&self) -> BackendFuture<Option<String>> {
        Box::pin(ready(Ok(None)))
    }

    fn attach_evidence(
        &self,
        task_id: TaskId,
        period: PeriodId,
        path: String,
    ) -> BackendFuture<Evidence> {
        let name = path.rsplit('/').next().unwrap_or_default().to_string();
        if name.is_empty() {
            return Box::pin(ready(Err(BackendError::new(
                ErrorCode::FileMissing,
                "no file",
            ))));
        }
        let evidence = Evidence {
            name,
            size: path.len() as u64,
            sha256: format!("{:0>64}", path.len()),
            mime: None,
            by: "lan".into(),
            at: 0,
        };
        let mut records = self.records.borrow_mut();
        if let Some(p) = records
            .iter_mut()
            .filter(|r| r.record.task_id == task_id && r.unit == FAKE_UNIT)
            .flat_map(|r| r.record.periods.iter_mut())
            .find(|p| p.period == period)
        {
            p.evidence.push(evidence.clone());
        }
        Box::pin(ready(Ok(evidence)))
    }

    fn detach_evidence(
        &self,
        task_id: TaskId,
        period: PeriodId,
        sha256: String,
    ) -> BackendFuture<()> {
        let mut records = self.records.borrow_mut();
        for p in records
            .iter_mut()
            .filter(|r| r.record.task_id == task_id && r.unit == FAKE_UNIT)
            .flat_map(|r| r.record.periods.iter_mut())
            .filter(|p| p.period == period)
        {
            p.evidence.retain(|e| e.sha256 != sha256);
        }
        Box::pin(ready(Ok(())))
    }

    fn evidence_states(
        &self,
        _unit: String,
        _year: i32,
        sha256s: Vec<String>,
    ) -> BackendFuture<BTreeMap<String, UploadState>> {
        let states = sha256s
            .into_iter()
            .map(|sha| (sha, UploadState::Uploaded))
            .collect();
        Box::pin(ready(Ok(states)))
    }

    fn open_evidence(&self, request: OpenEvidenceRequest) -> BackendFuture<OpenedEvidence> {
        Box::pin(ready(Ok(OpenedEvidence {
            path: format!("/tmp/opened/{}", request.sha256),
            launched: false,
            launch_error: None,
            refused: None,
            revealed: false,
        })))
    }

    fn ca_settings(&self) -> BackendFuture<CaSettings> {
        Box::pin(ready(Ok(self.ca.borrow().clone())))
    }

    fn set_ca_file(&self, path: String) -> BackendFuture<CaSettings> {
        let answer = if path.ends_with(".pem") {
            self.ca.borrow_mut().chosen = Some(CaFileView {
                path: "/data/ca-certificates.pem".into(),
                certificates: vec![CaCertificate {
                    subject: "CA nội bộ tỉnh".into(),
                    issuer: "CA nội bộ tỉnh".into(),
                    not_before_ms: 0,
                    not_after_ms: 2_051_222_400_000,
                    is_ca: true,
                }],
                problem: None,
            });
            Ok(self.ca.borrow().clone())
        } else {
            Err(BackendError::new(
                ErrorCode::BadCaFile,
                format!("Tệp {path} không chứa chứng chỉ nào"),
            ))
        };
        Box::pin(ready(answer))
    }

    fn remove_ca_file(&self) -> BackendFuture<CaSettings> {
        self.ca.borrow_mut().chosen = None;
        Box::pin(ready(Ok(self.ca.borrow().clone())))
    }

    fn pick_ca_file(&self) -> BackendFuture<Option<String>> {
        Box::pin(ready(Ok(None)))
    }

    fn watch_sync_status(&self, on_change: Callback<SyncStatus>) -> BackendFuture<Subscription> {
        self.sync_watchers.borrow_mut().push(on_change);
        Box::pin(ready(Ok(Subscription::default())))
    }

    fn watch_session(&self, on_change: Callback<SessionView>) -> BackendFuture<Subscription> {
        self.session_watchers.borrow_mut().push(on_change);
        Box::pin(ready(Ok(Subscription::default())))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now<T>(future: BackendFuture<T>) -> Result<T, BackendError> {
        // Every fake answer is ready at once.
        let waker = std::task::Waker::noop();
        let mut cx = std::task::Context::from_waker(waker);
        let mut future = future;
        match future.as_mut().poll(&mut cx) {
            std::task::Poll::Ready(answer) => answer,
            std::task::Poll::Pending => panic!("fake answers are ready at once"),
        }
    }

    #[test]
    fn the_fake_logs_in_with_its_password_and_refuses_to_lose_changes() {
        let fake = FakeBackend::new(Err(BackendError::new(ErrorCode::NoPlan, "none")));
        let seen = Rc::new(RefCell::new(Vec::new()));
        let _subscription = now(fake.watch_session({
            let seen = seen.clone();
            Callback::from(move |view: SessionView| seen.borrow_mut().push(view))
        }))
        .unwrap();
        let request = |password: &str| LoginRequest {
            server_url: "http://x".into(),
            username: "lan".into(),
            password: password.into(),
        };
        assert_eq!(
            now(fake.login(request("sai"))).unwrap_err().code,
            ErrorCode::BadCredentials
        );
        let view = now(fake.login(request("đúng"))).unwrap();
        assert_eq!(view.user.map(|u| u.username).as_deref(), Some("lan"));
        fake.emit_sync_status(SyncStatus {
            n_unconfirmed: 2,
            ..SyncStatus::default()
        });
        assert_eq!(
            now(fake.logout(false)).unwrap_err().code,
            ErrorCode::UnsyncedChanges
        );
        assert_eq!(now(fake.logout(true)).unwrap().user, None);
        assert_eq!(
            seen.borrow().len(),
            2,
            "the watcher saw the log in and the log out"
        );
    }

    #[test]
    fn the_administrator_s_address_stays_through_log_in_and_out() {
        let fake = FakeBackend::new(Err(BackendError::new(ErrorCode::NoPlan, "none")));
        let start = SessionView {
            user: None,
            default_server_url: Some("https://may-chu.example.vn".into()),
            server_from_admin: true,
            settings_problem: None,
        };
        fake.start_with_session(start.clone());
        let view = now(fake.login(LoginRequest {
            server_url: "https://may-chu.example.vn".into(),
            username: "lan".into(),
            password: "đúng".into(),
        }))
        .unwrap();
        assert!(view.server_from_admin);
        assert_eq!(view.default_server_url, start.default_server_url);
        assert_eq!(now(fake.logout(true)).unwrap(), start);
    }
}
