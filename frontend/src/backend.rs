//! The one door from the user interface to the application: the [`Backend`] trait.
//!
//! Views never call Tauri directly. The app hands them a [`BackendHandle`] through a Yew context;
//! in the desktop app it wraps [`TauriBackend`], in tests a [`FakeBackend`]. Futures are boxed so
//! the trait stays object safe and one context type holds either implementation. Events from the
//! application (sync status, session) arrive through `watch_*` subscriptions.

mod ca_wire;
mod error;
#[cfg(test)]
mod fake_backend;
mod record_wire;
mod subscription;
mod sync_wire;
#[cfg(target_arch = "wasm32")]
mod tauri_backend;

use std::collections::BTreeMap;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;

use serde::{Deserialize, Serialize};
use shared::calendar::PeriodId;
use shared::overview::Overview;
use shared::plan_edit::PlanEdit;
use shared::{Plan, TaskId};
use yew::Callback;

pub use ca_wire::{CaCertificate, CaFileView, CaSettings};
pub use error::{error_from_wire, BackendError, ErrorCode};
#[cfg(test)]
pub use fake_backend::FakeBackend;
pub use record_wire::{
    Evidence, HistoryEntry, PeriodRecord, PeriodReview, RecordEdit, RecordUnits, RecordView,
    TaskRecord, TaskStatus, TextField, Verdict, Version, Versions,
};
pub use subscription::Subscription;

pub use sync_wire::{
    LoginRequest, SessionInfo, SessionView, SyncState, SyncStatus, UploadState, UploadSummary,
};
#[cfg(target_arch = "wasm32")]
pub use tauri_backend::TauriBackend;

/// What a backend call returns: a future that runs on the browser's event loop (not `Send`).
pub type BackendFuture<T> = Pin<Box<dyn Future<Output = Result<T, BackendError>>>>;

/// Everything the user interface asks of the application.
pub trait Backend {
    /// The plan: the synced one when logged in and downloaded, else the one stored on this
    /// machine.
    fn load_plan(&self) -> BackendFuture<Plan>;
    /// Who is logged in now.
    fn session(&self) -> BackendFuture<SessionView>;
    /// The sync status now.
    fn sync_status(&self) -> BackendFuture<SyncStatus>;
    /// Logs in and starts syncing.
    fn login(&self, request: LoginRequest) -> BackendFuture<SessionView>;
    /// Logs out; fails with [`ErrorCode::UnsyncedChanges`] while the server lacks local changes,
    /// unless `discard_unsynced`.
    fn logout(&self, discard_unsynced: bool) -> BackendFuture<SessionView>;
    /// The units whose record of `task_id` this user may see (own unit first).
    fn record_units(&self, task_id: TaskId) -> BackendFuture<RecordUnits>;
    /// `unit`'s record of `task_id` for `year` (`None`: the reporting year), with the office's
    /// verdicts and the history.
    fn read_record(
        &self,
        task_id: TaskId,
        unit: String,
        year: Option<i32>,
    ) -> BackendFuture<RecordView>;
    /// One edit of the own unit's record of `year` (`None`: the reporting year); resolves once
    /// it is saved on this machine.
    fn edit_record(
        &self,
        task_id: TaskId,
        year: Option<i32>,
        edit: RecordEdit,
    ) -> BackendFuture<()>;
    /// Sends the own unit's report of `task_id` for `period` to the office; resolves with its
    /// new state once saved on this machine.
    fn send_report(&self, task_id: TaskId, period: PeriodId) -> BackendFuture<ReportState>;
    /// Sends every report of the own unit for `period` that is complete and changed since it
    /// was last sent.
    fn send_ready_reports(&self, period: PeriodId) -> BackendFuture<SentReports>;
    /// The period's overview (`None`: the next period due): the own unit's tasks for staff,
    /// every unit's for the office.
    fn overview(&self, period: Option<PeriodId>) -> BackendFuture<Overview>;
    /// Accepts or returns a unit's report on a task for a period (office reviewers).
    fn set_verdict(&self, request: VerdictRequest) -> BackendFuture<()>;
    /// A plan editor's change of the plan; resolves with the task's id once saved here.
    fn edit_plan(&self, edit: PlanEdit) -> BackendFuture<TaskId>;
    /// The office's report particulars as stored (empty fields derived from the plan).
    fn report_heading(&self) -> BackendFuture<HeadingParticulars>;
    /// A plan editor's report particulars; resolves once saved here.
    fn set_report_heading(&self, particulars: HeadingParticulars) -> BackendFuture<()>;
    /// Writes a period's report as DOCX or XLSX into a folder.
    fn export_report(&self, request: ReportExportRequest) -> BackendFuture<ExportDone>;
    /// The formats this computer can export: "docx", "xlsx", and "pdf" when LibreOffice is
    /// installed.
    fn report_formats(&self) -> BackendFuture<Vec<String>>;
    /// The folder chosen in the system's dialog for saving reports; `None` when cancelled.
    fn pick_export_folder(&self) -> BackendFuture<Option<String>>;
    /// Opens a report [`Backend::export_report`] wrote with its default application, or with
    /// `reveal` shows it in its folder.
    fn open_export(&self, path: String, reveal: bool) -> BackendFuture<()>;
    /// A file chosen in the system's file dialog; `None` when cancelled.
    fn pick_file(&self) -> BackendFuture<Option<String>>;
    /// Attaches the file at `path` to the own unit's record of `task_id` for `period`; works
    /// offline (the file is uploaded whenever connected).
    fn attach_evidence(
        &self,
        task_id: TaskId,
        period: PeriodId,
        path: String,
    ) -> BackendFuture<Evidence>;
    /// Removes evidence file `sha256` from the own unit's record of `task_id` for `period`.
    fn detach_evidence(
        &self,
        task_id: TaskId,
        period: PeriodId,
        sha256: String,
    ) -> BackendFuture<()>;
    /// Whether the server has each evidence file of `unit`'s records of `year`.
    fn evidence_states(
        &self,
        unit: String,
        year: i32,
        sha256s: Vec<String>,
    ) -> BackendFuture<BTreeMap<String, UploadState>>;
    /// Makes an evidence file local (downloading it if needed) and, with `launch`, opens it
    /// with the system's default application when it is a document or image, else shows it in
    /// its folder.
    fn open_evidence(&self, request: OpenEvidenceRequest) -> BackendFuture<OpenedEvidence>;
    /// The CA certificate files trusted besides the operating system's.
    fn ca_settings(&self) -> BackendFuture<CaSettings>;
    /// Checks the CA file at `path`, keeps a copy and trusts it from the next connection on;
    /// fails with [`ErrorCode::BadCaFile`] (nothing saved) when it is no usable CA file.
    fn set_ca_file(&self, path: String) -> BackendFuture<CaSettings>;
    /// Stops trusting the CA file chosen in the settings.
    fn remove_ca_file(&self) -> BackendFuture<CaSettings>;
    /// A CA certificate file chosen in the system's file dialog; `None` when cancelled.
    fn pick_ca_file(&self) -> BackendFuture<Option<String>>;
    /// Calls `on_change` with every later sync status, until the subscription is dropped. The
    /// future resolves once the subscription is in place.
    fn watch_sync_status(&self, on_change: Callback<SyncStatus>) -> BackendFuture<Subscription>;
    /// Calls `on_change` whenever who is logged in changes, until the subscription is dropped.
    fn watch_session(&self, on_change: Callback<SessionView>) -> BackendFuture<Subscription>;
}

/// The office's verdict on one unit's report of one task for one period.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct VerdictRequest {
    pub task_id: TaskId,
    pub unit: String,
    pub period: PeriodId,
    pub verdict: Verdict,
    /// Why a report is returned (required then); optional when accepting.
    pub comment: String,
}

/// A report to write.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReportExportRequest {
    pub period: PeriodId,
    /// "docx", "xlsx" or "pdf".
    pub format: String,
    /// One unit's report; `None` for the consolidated report.
    pub unit: Option<String>,
    /// Where to save; `None` for the Downloads folder.
    pub folder: Option<String>,
}

/// An evidence file to open.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OpenEvidenceRequest {
    pub unit: String,
    pub task_id: TaskId,
    pub year: i32,
    pub sha256: String,
    /// Start the system's default application on it.
    pub launch: bool,
}

/// An evidence file made local, and opened or only shown in its folder.
pub use shared::evidence_open::OpenedEvidence;
pub use shared::report::HeadingParticulars;
pub use shared::submission::{ReportState, SentReports};

/// A report written.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct ExportDone {
    pub path: String,
    pub summary: String,
}

/// A shared reference to the backend, passed down through a Yew context.
#[derive(Clone)]
pub struct BackendHandle(Rc<dyn Backend>);

impl BackendHandle {
    pub fn new(backend: impl Backend + 'static) -> BackendHandle {
        BackendHandle(Rc::new(backend))
    }

    pub fn backend(&self) -> &dyn Backend {
        &*self.0
    }
}

impl PartialEq for BackendHandle {
    /// Two handles are equal when they share one backend; Yew uses this to skip re-rendering.
    fn eq(&self, other: &BackendHandle) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}
