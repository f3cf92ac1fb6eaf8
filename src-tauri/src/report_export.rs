//! Exporting a period's report from the app, as DOCX, XLSX or PDF (the DOCX converted by
//! LibreOffice, offered only when it is installed: [`formats`]), with the same writers as the
//! server's `plansync report export` (the `export` crate), over the documents on this laptop.
//!
//! Staff export their own unit's report; the office exports the consolidated report or any
//! unit's. The file goes to the chosen folder (default: the user's Documents folder) under a
//! name like "bao-cao-2026-Q3-tong-hop.docx", written atomically.

use std::path::{Path, PathBuf};

use client::Client;
use export::ReportFormat;
use serde::{Deserialize, Serialize};
use shared::calendar::PeriodId;
use shared::report::{ReportHeading, Scope};
use shared::Plan;

use crate::error::{CommandError, ErrorCode};

/// What the export screen asks for.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct ExportRequest {
    pub period: PeriodId,
    /// "docx", "xlsx" or "pdf".
    pub format: String,
    /// A unit code for one unit's report; `None` for the consolidated report (the office).
    pub unit: Option<String>,
    /// Where to save; `None` or empty for the default folder.
    pub folder: Option<String>,
}

/// What was written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExportDone {
    pub path: String,
    /// "57 nhiệm vụ, hoàn thành 12 (21,05%), 3 quá hạn".
    pub summary: String,
}

/// The formats this computer can export: DOCX and XLSX always, PDF when LibreOffice is found
/// ([`export::pdf::LibreOffice::find`]).
pub fn formats() -> Vec<String> {
    let mut formats = vec![
        ReportFormat::Docx.as_str().to_string(),
        ReportFormat::Xlsx.as_str().to_string(),
    ];
    if export::pdf::LibreOffice::find().is_some() {
        formats.push(ReportFormat::Pdf.as_str().to_string());
    }
    formats
}

/// Why a report could not be laid out or written, in Vietnamese.
fn not_written(err: &anyhow::Error) -> CommandError {
    use export::pdf::PdfError;
    let message = match err.downcast_ref::<PdfError>() {
        Some(PdfError::NotInstalled) => {
            "Máy này chưa cài LibreOffice nên không xuất được PDF; hãy cài LibreOffice hoặc xuất Word (.docx).".to_string()
        }
        Some(PdfError::TimedOut { timeout, .. }) => format!(
            "LibreOffice không chuyển được báo cáo sang PDF trong {} giây; hãy xuất Word (.docx) rồi mở bằng Word hoặc LibreOffice để lưu PDF.",
            timeout.as_secs()
        ),
        Some(other) => format!(
            "LibreOffice không chuyển được báo cáo sang PDF ({other}); hãy xuất Word (.docx)."
        ),
        None => format!("Không ghi được báo cáo: {err:#}"),
    };
    failed(message)
}

/// The reports this app wrote since it started: the export screen's "Mở tệp" and "Mở thư mục"
/// open only these, never a path the page names otherwise.
#[derive(Debug, Default)]
pub struct WrittenReports(std::sync::Mutex<Vec<PathBuf>>);

impl WrittenReports {
    pub fn add(&self, path: PathBuf) {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).push(path);
    }

    fn contains(&self, path: &Path) -> bool {
        self.0
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .iter()
            .any(|p| p == path)
    }
}

/// Opens a report this app wrote with its default application (Word, Excel), or with
/// `reveal` shows it in its folder.
pub fn open_written(
    desktop: &impl crate::desktop::Desktop,
    written: &WrittenReports,
    path: &str,
    reveal: bool,
) -> Result<(), CommandError> {
    let path = Path::new(path);
    if !written.contains(path) {
        return Err(failed("Chỉ mở được báo cáo vừa xuất từ màn hình này."));
    }
    if !path.is_file() {
        return Err(failed(format!(
            "Không còn tệp {}; có thể tệp đã bị chuyển hoặc xoá.",
            path.display()
        )));
    }
    let opened = if reveal {
        desktop.reveal(path)
    } else {
        desktop.launch(path)
    };
    opened.map_err(|why| {
        failed(format!(
            "Không mở được {}: {why}. Hãy mở tệp từ thư mục {}.",
            path.display(),
            path.parent()
                .map(Path::display)
                .map_or_else(String::new, |d| d.to_string())
        ))
    })
}

/// Asks for the folder to save reports in, in the system's dialog, off the main thread; `None`
/// when cancelled.
pub async fn pick_folder(app: tauri::AppHandle) -> Result<Option<String>, CommandError> {
    use tauri_plugin_dialog::DialogExt;
    let picked = tauri::async_runtime::spawn_blocking(move || {
        app.dialog()
            .file()
            .set_title("Chọn thư mục lưu báo cáo")
            .blocking_pick_folder()
    })
    .await
    .map_err(|e| failed(e.to_string()))?;
    Ok(picked
        .and_then(|p| p.into_path().ok())
        .map(|p| p.display().to_string()))
}

fn failed(message: impl Into<String>) -> CommandError {
    CommandError::new(ErrorCode::ExportFailed, message)
}

/// The folder a report goes to: the one asked for, else `default_folder`; it must exist.
pub fn target_folder(
    asked: Option<&str>,
    default_folder: Option<&Path>,
) -> Result<PathBuf, CommandError> {
    let folder = match asked.map(str::trim).filter(|f| !f.is_empty()) {
        Some(folder) => PathBuf::from(folder),
        None => default_folder.map(Path::to_path_buf).ok_or_else(|| {
            failed("Không tìm thấy thư mục Tải về; hãy nhập thư mục lưu báo cáo.")
        })?,
    };
    if !folder.is_dir() {
        return Err(failed(format!(
            "Không có thư mục {}; hãy chọn thư mục khác.",
            folder.display()
        )));
    }
    Ok(folder)
}

/// Builds the report `request` describes and writes it into its folder.
pub async fn export_report(
    client: &Client,
    plan: &Plan,
    request: ExportRequest,
    default_folder: Option<PathBuf>,
) -> Result<ExportDone, CommandError> {
    let session = client
        .session()
        .ok_or_else(|| CommandError::from(client::ClientError::NotLoggedIn))?;
    let format: ReportFormat = request.format.parse().map_err(|_| {
        failed(format!(
            "Không biết định dạng \"{}\" (docx, xlsx hoặc pdf).",
            request.format
        ))
    })?;
    let scope = match (&request.unit, session.role.as_str()) {
        (Some(unit), "staff") if *unit != session.unit => {
            return Err(failed(
                "Cán bộ đơn vị chỉ xuất được báo cáo của đơn vị mình.",
            ))
        }
        (None, "staff") => Scope::Unit(session.unit.clone()),
        (Some(unit), _) => Scope::Unit(unit.clone()),
        (None, _) => Scope::AllUnits,
    };
    let folder = target_folder(request.folder.as_deref(), default_folder.as_deref())?;
    // The synced plan read with its heads, so the file records what it was built from; the
    // seeded plan (never synced) records nothing.
    let synced = client.plan_and_heading_read_at().await.ok().flatten();
    let plan = synced.as_ref().map_or(plan, |(plan, _, _, _)| plan);
    let particulars = synced
        .as_ref()
        .map(|(_, particulars, _, _)| particulars.clone())
        .unwrap_or_default();
    let (report, read_at) =
        crate::overview::build_report_read_at(client, plan, request.period, scope).await?;
    let sources = synced
        .as_ref()
        .map(|(_, _, id, heads)| sources(&report, id, heads, &read_at));
    let plan = plan.clone();
    let path = folder.join(export::file_name(&report, format));
    let mut summary = format!(
        "{}, {} quá hạn",
        report.completion.text(),
        report.completion.n_overdue
    );
    let notices = report.read_notices();
    if !notices.is_empty() {
        let mut names: Vec<&str> = notices.iter().map(|n| n.unit.name.as_str()).collect();
        names.dedup();
        summary.push_str(&format!(
            ". Lưu ý: không đọc được dữ liệu của {} (xem đầu báo cáo)",
            names.join(", ")
        ));
    }
    // Issued with the office's stored particulars over those the plan gives, or for one
    // unit's report as the unit.
    let heading = ReportHeading::issued(&plan, &particulars, report.unit.as_ref());
    let written = path.clone();
    tauri::async_runtime::spawn_blocking(move || {
        let bytes = export::render(&report, &heading, format, sources.as_ref())?;
        export::write_atomically(&written, &bytes)
    })
    .await
    .map_err(|err| failed(format!("Không tạo được báo cáo: {err}")))?
    .map_err(|err| not_written(&err))?;
    tracing::info!(path = %path.display(), "report exported");
    Ok(ExportDone {
        path: path.display().to_string(),
        summary,
    })
}

/// What the report was built from, as the file records it (`plansync report export --at`).
fn sources(
    report: &shared::report::Report,
    plan_id: &dyn std::fmt::Display,
    plan_heads: &[automerge::ChangeHash],
    read_at: &[client::UnitReadAt],
) -> export::ReportSources {
    use export::sources::{SourceDocument, UnitSources};
    let doc = |id: &dyn std::fmt::Display, heads: &[automerge::ChangeHash]| SourceDocument {
        id: id.to_string(),
        heads: heads.iter().map(ToString::to_string).collect(),
    };
    export::ReportSources {
        period: report.period,
        today: report.today,
        unit: report.unit.as_ref().map(|u| u.code.clone()),
        plan: doc(plan_id, plan_heads),
        units: read_at
            .iter()
            .map(|unit| UnitSources {
                code: unit.code.clone(),
                name: unit.name.clone(),
                records: doc(&unit.records.0, &unit.records.1),
                review: unit.review.as_ref().map(|(id, heads)| doc(id, heads)),
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_folder_asked_for_else_the_default_and_it_must_exist() {
        let dir = tempfile::tempdir().unwrap();
        let downloads = dir.path().join("Tải về");
        std::fs::create_dir(&downloads).unwrap();
        assert_eq!(
            target_folder(None, Some(&downloads)).unwrap(),
            downloads,
            "no folder asked: the default"
        );
        assert_eq!(
            target_folder(Some("  "), Some(&downloads)).unwrap(),
            downloads
        );
        let asked = dir.path().display().to_string();
        assert_eq!(target_folder(Some(&asked), None).unwrap(), dir.path());
        let missing = target_folder(Some("/không/có"), Some(&downloads)).unwrap_err();
        assert_eq!(missing.code, ErrorCode::ExportFailed);
        assert!(missing.message.contains("/không/có"), "{}", missing.message);
        assert!(target_folder(None, None).is_err());
    }

    #[derive(Default)]
    struct Recorder(std::cell::RefCell<Vec<String>>);

    impl crate::desktop::Desktop for Recorder {
        fn launch(&self, path: &Path) -> Result<(), String> {
            self.0
                .borrow_mut()
                .push(format!("launch {}", path.display()));
            Ok(())
        }

        fn reveal(&self, path: &Path) -> Result<(), String> {
            self.0
                .borrow_mut()
                .push(format!("reveal {}", path.display()));
            Ok(())
        }
    }

    #[test]
    fn only_a_report_this_app_wrote_is_opened_or_shown() {
        let dir = tempfile::tempdir().unwrap();
        let report = dir.path().join("bao-cao-2026-Q4-tong-hop.docx");
        std::fs::write(&report, b"PK").unwrap();
        let other = dir.path().join("khac.exe");
        std::fs::write(&other, b"MZ").unwrap();
        let written = WrittenReports::default();
        written.add(report.clone());
        let desktop = Recorder::default();
        let path = report.display().to_string();
        open_written(&desktop, &written, &path, false).unwrap();
        open_written(&desktop, &written, &path, true).unwrap();
        let refused =
            open_written(&desktop, &written, &other.display().to_string(), false).unwrap_err();
        assert_eq!(refused.code, ErrorCode::ExportFailed);
        std::fs::remove_file(&report).unwrap();
        let gone = open_written(&desktop, &written, &path, false).unwrap_err();
        assert!(gone.message.contains("Không còn tệp"), "{}", gone.message);
        assert_eq!(
            *desktop.0.borrow(),
            [format!("launch {path}"), format!("reveal {path}")],
            "nothing else was started"
        );
    }
}
