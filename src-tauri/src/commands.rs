//! Tauri commands: each pulls the state out and calls one function.
//!
//! Arguments keep their Rust (snake_case) names on the wire: `login {server_url, username,
//! password}`, `logout {discard_unsynced}`, `record_units {task_id}`, `read_record {task_id,
//! unit}`, `edit_record {task_id, edit}`, `pick_file`, `attach_evidence {task_id, period,
//! path}`, `detach_evidence {task_id, period, sha256}`, `evidence_states {unit, year,
//! sha256s}`, `open_evidence {unit, task_id, year, sha256, launch}`, `ca_settings`,
//! `set_ca_file {path}`, `remove_ca_file`, `pick_ca_file`, `report_formats`,
//! `pick_export_folder`, `open_export {path, reveal}`.

use std::collections::BTreeMap;

use client::{SyncStatus, UploadState};
use shared::calendar::PeriodId;
use shared::documents::records::{Evidence, RecordEdit};
use shared::overview::Overview;
use shared::plan_edit::PlanEdit;
use shared::record::Verdict;
use shared::{Plan, TaskId};
use tauri::State;

use crate::app_state::{AppState, Credentials, SessionView};
use crate::ca_settings::CaSettings;
use crate::error::CommandError;
use crate::evidence::OpenedEvidence;
use crate::records::{RecordUnits, RecordView};
use crate::report_export::{ExportDone, ExportRequest};

/// The synced plan when logged in and downloaded, else the plan stored on this machine.
#[tauri::command]
pub async fn load_plan(state: State<'_, AppState>) -> Result<Plan, CommandError> {
    state.load_plan().await
}

/// Logs in and starts syncing.
#[tauri::command(rename_all = "snake_case")]
pub async fn login(
    state: State<'_, AppState>,
    server_url: String,
    username: String,
    password: String,
) -> Result<SessionView, CommandError> {
    state
        .login(Credentials {
            server_url: &server_url,
            username: &username,
            password: &password,
        })
        .await
}

/// Logs out; with `discard_unsynced` even while the server lacks some local changes.
#[tauri::command(rename_all = "snake_case")]
pub async fn logout(
    state: State<'_, AppState>,
    discard_unsynced: bool,
) -> Result<SessionView, CommandError> {
    state.logout(discard_unsynced).await
}

/// The sync status now (the `sync-status` event brings every later change).
#[tauri::command]
pub fn sync_status(state: State<'_, AppState>) -> SyncStatus {
    state.sync_status()
}

/// Who is logged in now (the `session-changed` event brings every later change).
#[tauri::command]
pub fn session(state: State<'_, AppState>) -> SessionView {
    state.session()
}

/// The units whose record of the task this user may see (own unit first).
#[tauri::command(rename_all = "snake_case")]
pub async fn record_units(
    state: State<'_, AppState>,
    task_id: TaskId,
) -> Result<RecordUnits, CommandError> {
    crate::records::units_for(state.client(), &task_id).await
}

/// `unit`'s record of the task for `year` (default: the reporting year), with the office's
/// verdicts and the history.
#[tauri::command(rename_all = "snake_case")]
pub async fn read_record(
    state: State<'_, AppState>,
    task_id: TaskId,
    unit: String,
    year: Option<i32>,
) -> Result<RecordView, CommandError> {
    let calendar = state.calendar().await;
    crate::records::read(state.client(), &calendar, &task_id, &unit, year).await
}

/// The period's overview (the own unit's tasks for staff, every unit's for the office);
/// `period` ("2026-Q3") defaults to the next one due.
#[tauri::command]
pub async fn overview(
    state: State<'_, AppState>,
    period: Option<PeriodId>,
) -> Result<Overview, CommandError> {
    let plan = state.load_plan().await?;
    crate::overview::build(state.client(), &plan, period).await
}

/// Writes a period's report (DOCX or XLSX) into a folder (default: the user's Documents
/// folder, else Downloads).
#[tauri::command]
pub async fn export_report(
    app: tauri::AppHandle,
    state: State<'_, AppState>,
    request: ExportRequest,
) -> Result<ExportDone, CommandError> {
    use tauri::Manager;
    let plan = state.load_plan().await?;
    let default_folder = app
        .path()
        .document_dir()
        .ok()
        .filter(|d| d.is_dir())
        .or_else(|| app.path().download_dir().ok());
    let done =
        crate::report_export::export_report(state.client(), &plan, request, default_folder).await?;
    app.state::<crate::report_export::WrittenReports>()
        .add(done.path.clone().into());
    Ok(done)
}

/// The formats the export screen may offer: "docx", "xlsx", and "pdf" when LibreOffice is
/// installed on this computer.
#[tauri::command]
pub async fn report_formats() -> Vec<String> {
    // Looking through the PATH touches the disk: off the main thread.
    tauri::async_runtime::spawn_blocking(crate::report_export::formats)
        .await
        .unwrap_or_else(|_| vec!["docx".into(), "xlsx".into()])
}

/// The folder chosen in the system's dialog for saving reports (`None` when cancelled).
#[tauri::command]
pub async fn pick_export_folder(app: tauri::AppHandle) -> Result<Option<String>, CommandError> {
    crate::report_export::pick_folder(app).await
}

/// Opens a report this app exported (`reveal`: shows it in its folder instead).
#[tauri::command]
pub fn open_export(
    written: State<'_, crate::report_export::WrittenReports>,
    path: String,
    reveal: bool,
) -> Result<(), CommandError> {
    crate::report_export::open_written(&crate::desktop::SystemDesktop, &written, &path, reveal)
}

/// A plan editor's change of the plan (a task edited or added); returns the task's id once
/// saved on this laptop.
#[tauri::command]
pub async fn edit_plan(state: State<'_, AppState>, edit: PlanEdit) -> Result<TaskId, CommandError> {
    Ok(state.client().edit_plan(edit).await?)
}

/// The office's report particulars as stored in the plan document (empty fields are derived
/// from the plan); all empty while the plan has not been downloaded.
#[tauri::command]
pub async fn report_heading(
    state: State<'_, AppState>,
) -> Result<shared::report::HeadingParticulars, CommandError> {
    Ok(state.client().report_heading().await?.unwrap_or_default())
}

/// A plan editor's report particulars, stored in the plan document; resolves once saved on
/// this laptop (offline too).
#[tauri::command]
pub async fn set_report_heading(
    state: State<'_, AppState>,
    particulars: shared::report::HeadingParticulars,
) -> Result<(), CommandError> {
    Ok(state.client().set_report_heading(particulars).await?)
}

/// Accepts or returns `unit`'s report of the task for `period`, with a comment.
#[tauri::command(rename_all = "snake_case")]
pub async fn set_verdict(
    state: State<'_, AppState>,
    task_id: TaskId,
    unit: String,
    period: PeriodId,
    verdict: Verdict,
    comment: String,
) -> Result<(), CommandError> {
    crate::records::review(state.client(), &task_id, &unit, period, verdict, &comment).await
}

/// One edit of the logged-in user's own unit's record of `year` (default: the reporting
/// year); returns once saved on this laptop.
#[tauri::command(rename_all = "snake_case")]
pub async fn edit_record(
    state: State<'_, AppState>,
    task_id: TaskId,
    year: Option<i32>,
    edit: RecordEdit,
) -> Result<(), CommandError> {
    state.edit_record(&task_id, year, edit).await
}

/// Sends the own unit's report of the task for `period` to the office (on this laptop first);
/// returns its new state.
#[tauri::command(rename_all = "snake_case")]
pub async fn send_report(
    state: State<'_, AppState>,
    task_id: TaskId,
    period: PeriodId,
) -> Result<shared::submission::ReportState, CommandError> {
    state.send_report(&task_id, period).await
}

/// Sends every report of the own unit for `period` that is complete and changed since it was
/// last sent.
#[tauri::command]
pub async fn send_ready_reports(
    state: State<'_, AppState>,
    period: PeriodId,
) -> Result<shared::submission::SentReports, CommandError> {
    state.send_ready_reports(period).await
}

/// A file chosen in the system's file dialog (`None` when cancelled).
#[tauri::command]
pub async fn pick_file(app: tauri::AppHandle) -> Result<Option<String>, CommandError> {
    crate::evidence::pick_file(app).await
}

/// Attaches a local file to the own unit's record of the task for `period`; works offline
/// (the file is uploaded whenever connected).
#[tauri::command(rename_all = "snake_case")]
pub async fn attach_evidence(
    state: State<'_, AppState>,
    task_id: TaskId,
    period: PeriodId,
    path: String,
) -> Result<Evidence, CommandError> {
    let _one_at_a_time = state.edit_turn().await;
    crate::evidence::attach(state.client(), &task_id, period, &path).await
}

/// Removes an evidence file from the own unit's record of the task for `period`.
#[tauri::command(rename_all = "snake_case")]
pub async fn detach_evidence(
    state: State<'_, AppState>,
    task_id: TaskId,
    period: PeriodId,
    sha256: String,
) -> Result<(), CommandError> {
    let _one_at_a_time = state.edit_turn().await;
    crate::evidence::detach(state.client(), &task_id, period, &sha256).await
}

/// Whether the server has each evidence file of `unit`'s records of `year`.
#[tauri::command(rename_all = "snake_case")]
pub async fn evidence_states(
    state: State<'_, AppState>,
    unit: String,
    year: i32,
    sha256s: Vec<String>,
) -> Result<BTreeMap<String, UploadState>, CommandError> {
    crate::evidence::states(state.client(), &unit, year, &sha256s).await
}

/// Makes an evidence file local (downloading it if needed) and, with `launch`, opens it with
/// the system's default application; returns its local path.
#[tauri::command(rename_all = "snake_case")]
pub async fn open_evidence(
    state: State<'_, AppState>,
    unit: String,
    task_id: TaskId,
    year: i32,
    sha256: String,
    launch: bool,
) -> Result<OpenedEvidence, CommandError> {
    crate::evidence::open(state.client(), &unit, &task_id, year, &sha256, launch).await
}

/// The CA certificate files trusted besides the system's, and what they hold.
#[tauri::command]
pub fn ca_settings(state: State<'_, AppState>) -> CaSettings {
    state.ca_files().settings()
}

/// Checks the CA file at `path`, keeps a copy of it in the data directory and trusts it from
/// the next connection on (the sync reconnects at once). A file that cannot be used is refused
/// (`bad_ca_file`, a Vietnamese message) and nothing is saved.
#[tauri::command]
pub async fn set_ca_file(
    state: State<'_, AppState>,
    path: String,
) -> Result<CaSettings, CommandError> {
    state
        .ca_files()
        .choose(state.client(), std::path::Path::new(path.trim()))
        .await
}

/// Stops trusting the CA file chosen in the settings (its copy is deleted).
#[tauri::command]
pub async fn remove_ca_file(state: State<'_, AppState>) -> Result<CaSettings, CommandError> {
    state.ca_files().clear(state.client()).await
}

/// A CA certificate file chosen in the system's file dialog (`None` when cancelled).
#[tauri::command]
pub async fn pick_ca_file(app: tauri::AppHandle) -> Result<Option<String>, CommandError> {
    crate::ca_settings::pick(app).await
}
