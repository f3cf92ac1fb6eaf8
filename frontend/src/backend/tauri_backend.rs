//! The backend of the desktop app: Tauri commands through `window.__TAURI__.core.invoke`, and
//! Tauri events through `window.__TAURI__.event.listen`.
//!
//! The global exists because `tauri.conf.json` sets `app.withGlobalTauri`. Arguments and answers
//! travel as JSON and are read with serde_json, so the frontend reads exactly what the app wrote.

use std::collections::BTreeMap;

use serde::de::DeserializeOwned;
use serde::Serialize;
use wasm_bindgen::prelude::*;
use yew::Callback;

use shared::calendar::PeriodId;
use shared::overview::Overview;
use shared::plan_edit::PlanEdit;
use shared::report::HeadingParticulars;
use shared::{Plan, TaskId};

use super::{
    Backend, BackendError, BackendFuture, CaSettings, ErrorCode, Evidence, LoginRequest,
    OpenEvidenceRequest, OpenedEvidence, RecordEdit, RecordUnits, RecordView, ReportExportRequest,
    SessionView, Subscription, SyncStatus, UploadState, VerdictRequest,
};
use super::{ExportDone, ReportState, SentReports};

#[wasm_bindgen]
extern "C" {
    /// Tauri's `invoke`; it rejects with the command's serialized error.
    #[wasm_bindgen(js_namespace = ["window", "__TAURI__", "core"], catch)]
    async fn invoke(cmd: &str, args: JsValue) -> Result<JsValue, JsValue>;

    /// Tauri's `listen`; resolves to the function that unsubscribes.
    #[wasm_bindgen(js_namespace = ["window", "__TAURI__", "event"], catch)]
    async fn listen(event: &str, handler: &Closure<dyn FnMut(JsValue)>)
        -> Result<JsValue, JsValue>;
}

/// The events the application emits (see `plansync-app`'s `sync` module).
const SYNC_STATUS_EVENT: &str = "sync-status";
const SESSION_EVENT: &str = "session-changed";

/// Calls the application's Tauri commands.
#[derive(Debug, Clone, Copy, Default)]
pub struct TauriBackend;

#[derive(Serialize)]
struct OpenExportArgs {
    path: String,
    reveal: bool,
}

#[derive(Serialize)]
struct AttachArgs {
    task_id: TaskId,
    period: PeriodId,
    path: String,
}

#[derive(Serialize)]
struct DetachArgs {
    task_id: TaskId,
    period: PeriodId,
    sha256: String,
}

#[derive(Serialize)]
struct StatesArgs {
    unit: String,
    year: i32,
    sha256s: Vec<String>,
}

#[derive(Serialize)]
struct NoArgs {}

#[derive(Serialize)]
struct PathArgs {
    path: String,
}

#[derive(Serialize)]
struct LogoutArgs {
    discard_unsynced: bool,
}

#[derive(Serialize)]
struct TaskArgs {
    task_id: TaskId,
}

#[derive(Serialize)]
struct ReadRecordArgs {
    task_id: TaskId,
    unit: String,
    year: Option<i32>,
}

#[derive(Serialize)]
struct EditPlanArgs {
    edit: PlanEdit,
}

#[derive(Serialize)]
struct ReportHeadingArgs {
    particulars: HeadingParticulars,
}

#[derive(Serialize)]
struct ExportArgs {
    request: ReportExportRequest,
}

#[derive(Serialize)]
struct OverviewArgs {
    period: Option<PeriodId>,
}

#[derive(Serialize)]
struct SendReportArgs {
    task_id: TaskId,
    period: PeriodId,
}

#[derive(Serialize)]
struct EditRecordArgs {
    task_id: TaskId,
    year: Option<i32>,
    edit: RecordEdit,
}

impl Backend for TauriBackend {
    fn load_plan(&self) -> BackendFuture<Plan> {
        Box::pin(call("load_plan", NoArgs {}))
    }

    fn session(&self) -> BackendFuture<SessionView> {
        Box::pin(call("session", NoArgs {}))
    }

    fn sync_status(&self) -> BackendFuture<SyncStatus> {
        Box::pin(call("sync_status", NoArgs {}))
    }

    fn login(&self, request: LoginRequest) -> BackendFuture<SessionView> {
        Box::pin(call("login", request))
    }

    fn logout(&self, discard_unsynced: bool) -> BackendFuture<SessionView> {
        Box::pin(call("logout", LogoutArgs { discard_unsynced }))
    }

    fn record_units(&self, task_id: TaskId) -> BackendFuture<RecordUnits> {
        Box::pin(call("record_units", TaskArgs { task_id }))
    }

    fn read_record(
        &self,
        task_id: TaskId,
        unit: String,
        year: Option<i32>,
    ) -> BackendFuture<RecordView> {
        Box::pin(call(
            "read_record",
            ReadRecordArgs {
                task_id,
                unit,
                year,
            },
        ))
    }

    fn edit_record(
        &self,
        task_id: TaskId,
        year: Option<i32>,
        edit: RecordEdit,
    ) -> BackendFuture<()> {
        Box::pin(call(
            "edit_record",
            EditRecordArgs {
                task_id,
                year,
                edit,
            },
        ))
    }

    fn send_report(&self, task_id: TaskId, period: PeriodId) -> BackendFuture<ReportState> {
        Box::pin(call("send_report", SendReportArgs { task_id, period }))
    }

    fn send_ready_reports(&self, period: PeriodId) -> BackendFuture<SentReports> {
        Box::pin(call(
            "send_ready_reports",
            OverviewArgs {
                period: Some(period),
            },
        ))
    }

    fn overview(&self, period: Option<PeriodId>) -> BackendFuture<Overview> {
        Box::pin(call("overview", OverviewArgs { period }))
    }

    fn set_verdict(&self, request: VerdictRequest) -> BackendFuture<()> {
        Box::pin(call("set_verdict", request))
    }

    fn edit_plan(&self, edit: PlanEdit) -> BackendFuture<TaskId> {
        Box::pin(call("edit_plan", EditPlanArgs { edit }))
    }

    fn report_heading(&self) -> BackendFuture<HeadingParticulars> {
        Box::pin(call("report_heading", NoArgs {}))
    }

    fn set_report_heading(&self, particulars: HeadingParticulars) -> BackendFuture<()> {
        Box::pin(call(
            "set_report_heading",
            ReportHeadingArgs { particulars },
        ))
    }

    fn export_report(&self, request: ReportExportRequest) -> BackendFuture<ExportDone> {
        Box::pin(call("export_report", ExportArgs { request }))
    }

    fn report_formats(&self) -> BackendFuture<Vec<String>> {
        Box::pin(call("report_formats", NoArgs {}))
    }

    fn pick_export_folder(&self) -> BackendFuture<Option<String>> {
        Box::pin(call("pick_export_folder", NoArgs {}))
    }

    fn open_export(&self, path: String, reveal: bool) -> BackendFuture<()> {
        Box::pin(call("open_export", OpenExportArgs { path, reveal }))
    }

    fn pick_file(&self) -> BackendFuture<Option<String>> {
        Box::pin(call("pick_file", NoArgs {}))
    }

    fn attach_evidence(
        &self,
        task_id: TaskId,
        period: PeriodId,
        path: String,
    ) -> BackendFuture<Evidence> {
        Box::pin(call(
            "attach_evidence",
            AttachArgs {
                task_id,
                period,
                path,
            },
        ))
    }

    fn detach_evidence(
        &self,
        task_id: TaskId,
        period: PeriodId,
        sha256: String,
    ) -> BackendFuture<()> {
        Box::pin(call(
            "detach_evidence",
            DetachArgs {
                task_id,
                period,
                sha256,
            },
        ))
    }

    fn evidence_states(
        &self,
        unit: String,
        year: i32,
        sha256s: Vec<String>,
    ) -> BackendFuture<BTreeMap<String, UploadState>> {
        Box::pin(call(
            "evidence_states",
            StatesArgs {
                unit,
                year,
                sha256s,
            },
        ))
    }

    fn open_evidence(&self, request: OpenEvidenceRequest) -> BackendFuture<OpenedEvidence> {
        Box::pin(call("open_evidence", request))
    }

    fn ca_settings(&self) -> BackendFuture<CaSettings> {
        Box::pin(call("ca_settings", NoArgs {}))
    }

    fn set_ca_file(&self, path: String) -> BackendFuture<CaSettings> {
        Box::pin(call("set_ca_file", PathArgs { path }))
    }

    fn remove_ca_file(&self) -> BackendFuture<CaSettings> {
        Box::pin(call("remove_ca_file", NoArgs {}))
    }

    fn pick_ca_file(&self) -> BackendFuture<Option<String>> {
        Box::pin(call("pick_ca_file", NoArgs {}))
    }

    fn watch_sync_status(&self, on_change: Callback<SyncStatus>) -> BackendFuture<Subscription> {
        Box::pin(subscribe(SYNC_STATUS_EVENT, on_change))
    }

    fn watch_session(&self, on_change: Callback<SessionView>) -> BackendFuture<Subscription> {
        Box::pin(subscribe(SESSION_EVENT, on_change))
    }
}

async fn call<T: DeserializeOwned>(
    cmd: &'static str,
    args: impl Serialize,
) -> Result<T, BackendError> {
    let args = to_js(&args)?;
    match invoke(cmd, args).await {
        Ok(value) => {
            let json = to_json(&value);
            serde_json::from_str(&json).map_err(|err| {
                BackendError::new(
                    ErrorCode::Ipc,
                    format!("answer to {cmd} is not readable: {err}"),
                )
            })
        }
        Err(value) => Err(super::error_from_wire(&to_json(&value))),
    }
}

/// Listens to `event` and hands each payload, read as `T`, to `on_change`. A payload that cannot
/// be read is logged to the console and skipped.
async fn subscribe<T: DeserializeOwned + 'static>(
    event: &'static str,
    on_change: Callback<T>,
) -> Result<Subscription, BackendError> {
    let handler = Closure::<dyn FnMut(JsValue)>::new(move |message: JsValue| {
        let payload =
            js_sys::Reflect::get(&message, &JsValue::from_str("payload")).unwrap_or(JsValue::NULL);
        match serde_json::from_str::<T>(&to_json(&payload)) {
            Ok(value) => on_change.emit(value),
            Err(err) => web_sys::console::warn_1(&JsValue::from_str(&format!(
                "unreadable {event} event: {err}"
            ))),
        }
    });
    let unlisten = listen(event, &handler)
        .await
        .map_err(|err| super::error_from_wire(&to_json(&err)))?;
    let unlisten: js_sys::Function = unlisten.dyn_into().map_err(|_| {
        BackendError::new(
            ErrorCode::Ipc,
            format!("listen({event}) did not give an unlisten function"),
        )
    })?;
    Ok(Subscription::new(move || {
        let _ = unlisten.call0(&JsValue::NULL);
        // Only now may the handler go: Tauri calls it until unlisten has run.
        drop(handler);
    }))
}

/// The arguments object `invoke` expects.
fn to_js(args: &impl Serialize) -> Result<JsValue, BackendError> {
    let json = serde_json::to_string(args)
        .map_err(|err| BackendError::new(ErrorCode::Ipc, format!("arguments: {err}")))?;
    js_sys::JSON::parse(&json)
        .map_err(|_| BackendError::new(ErrorCode::Ipc, "arguments are not JSON"))
}

/// The JSON text of a JavaScript value; an exception object (which JSON cannot express) becomes
/// its name and message, quoted.
fn to_json(value: &JsValue) -> String {
    if let Some(err) = value.dyn_ref::<js_sys::Error>() {
        let text = format!(
            "{}: {}",
            String::from(err.name()),
            String::from(err.message())
        );
        return serde_json::Value::String(text).to_string();
    }
    js_sys::JSON::stringify(value)
        .ok()
        .and_then(|json| json.as_string())
        .unwrap_or_else(|| serde_json::Value::String(format!("{value:?}")).to_string())
}
