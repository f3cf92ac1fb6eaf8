//! The export screen's state: the choices (format, scope, folder) and where the last export
//! stands. One [`Reducible`] value changed only through [`ExportAction`]s.

use std::rc::Rc;

use yew::Reducible;

use crate::backend::{BackendError, ExportDone};

/// The file formats offered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    Docx,
    Xlsx,
    /// Offered only when LibreOffice is installed ([`ExportState::offered`]).
    Pdf,
}

impl ExportFormat {
    pub fn as_str(self) -> &'static str {
        match self {
            ExportFormat::Docx => "docx",
            ExportFormat::Xlsx => "xlsx",
            ExportFormat::Pdf => "pdf",
        }
    }

    pub fn parse(text: &str) -> Option<ExportFormat> {
        [ExportFormat::Docx, ExportFormat::Xlsx, ExportFormat::Pdf]
            .into_iter()
            .find(|f| f.as_str() == text)
    }
}

/// Where the last export stands.
#[derive(Debug, Clone, PartialEq)]
pub enum Exporting {
    Idle,
    Busy,
    Done(ExportDone),
    Failed(BackendError),
}

#[derive(Debug, Clone, PartialEq)]
pub struct ExportState {
    pub format: ExportFormat,
    /// A unit's report; `None` for the consolidated one (office) or the own unit's (staff).
    pub unit: Option<String>,
    /// The folder typed; empty for the Documents folder.
    pub folder: String,
    pub exporting: Exporting,
    /// Why the written report could not be opened or shown, if it could not.
    pub open_error: Option<BackendError>,
    /// The formats this computer can write (PDF only with LibreOffice).
    pub offered: Vec<ExportFormat>,
}

impl Default for ExportState {
    fn default() -> ExportState {
        ExportState {
            format: ExportFormat::Docx,
            unit: None,
            folder: String::new(),
            exporting: Exporting::Idle,
            open_error: None,
            offered: vec![ExportFormat::Docx, ExportFormat::Xlsx],
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum ExportAction {
    SetFormat(ExportFormat),
    SetUnit(Option<String>),
    SetFolder(String),
    Started,
    Finished(Result<ExportDone, BackendError>),
    /// Opening or showing the written report: `Err` says why it failed.
    Opened(Result<(), BackendError>),
    /// The formats the app can write, as it answered ("docx", "xlsx", "pdf").
    Offered(Vec<String>),
}

impl ExportState {
    /// Whether an export may start (none is running).
    pub fn can_start(&self) -> bool {
        self.exporting != Exporting::Busy
    }

    /// The folder to send: `None` when left empty.
    pub fn folder(&self) -> Option<String> {
        let folder = self.folder.trim();
        (!folder.is_empty()).then(|| folder.to_string())
    }

    pub fn apply(&self, action: ExportAction) -> ExportState {
        let mut next = self.clone();
        match action {
            ExportAction::SetFormat(format) => next.format = format,
            ExportAction::SetUnit(unit) => next.unit = unit,
            ExportAction::SetFolder(folder) => next.folder = folder,
            ExportAction::Started => {
                next.exporting = Exporting::Busy;
                next.open_error = None;
            }
            ExportAction::Opened(result) => next.open_error = result.err(),
            ExportAction::Offered(formats) => {
                next.offered = formats
                    .iter()
                    .filter_map(|f| ExportFormat::parse(f))
                    .collect();
                for always in [ExportFormat::Docx, ExportFormat::Xlsx] {
                    if !next.offered.contains(&always) {
                        next.offered.insert(0, always);
                    }
                }
                next.offered.sort_by_key(|f| *f as u8);
                next.offered.dedup();
                // A format no longer offered is not kept chosen.
                if !next.offered.contains(&next.format) {
                    next.format = ExportFormat::Docx;
                }
            }
            ExportAction::Finished(Ok(done)) => next.exporting = Exporting::Done(done),
            ExportAction::Finished(Err(err)) => next.exporting = Exporting::Failed(err),
        }
        next
    }
}

impl Reducible for ExportState {
    type Action = ExportAction;

    fn reduce(self: Rc<Self>, action: ExportAction) -> Rc<Self> {
        Rc::new(self.apply(action))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::backend::ErrorCode;

    #[test]
    fn an_export_runs_once_at_a_time_and_says_how_it_went() {
        let state = ExportState::default()
            .apply(ExportAction::SetFormat(ExportFormat::Xlsx))
            .apply(ExportAction::SetUnit(Some("QLHT".into())))
            .apply(ExportAction::SetFolder("  /tmp/bao cao ".into()));
        assert_eq!(state.folder().as_deref(), Some("/tmp/bao cao"));
        assert!(state.can_start());
        let busy = state.apply(ExportAction::Started);
        assert!(!busy.can_start());
        let failed = busy.apply(ExportAction::Finished(Err(BackendError::new(
            ErrorCode::ExportFailed,
            "Không có thư mục /tmp/bao cao",
        ))));
        assert!(failed.can_start(), "a failed export can be tried again");
        let done = failed
            .apply(ExportAction::Started)
            .apply(ExportAction::Finished(Ok(ExportDone {
                path: "/tmp/bao-cao-2026-QLHT.xlsx".into(),
                summary: String::new(),
            })));
        assert!(matches!(done.exporting, Exporting::Done(_)));
        let not_opened = done.apply(ExportAction::Opened(Err(BackendError::new(
            ErrorCode::ExportFailed,
            "Không còn tệp",
        ))));
        assert!(not_opened.open_error.is_some());
        assert!(
            matches!(not_opened.exporting, Exporting::Done(_)),
            "the written report stays shown"
        );
        assert_eq!(
            not_opened.apply(ExportAction::Started).open_error,
            None,
            "a new export forgets the old problem"
        );
        assert_eq!(ExportState::default().folder(), None);
        assert_eq!(ExportFormat::parse("xlsx"), Some(ExportFormat::Xlsx));
        assert_eq!(ExportFormat::parse("odt"), None);
    }

    #[test]
    fn pdf_is_offered_only_when_the_app_says_it_can_write_it() {
        let state = ExportState::default();
        assert_eq!(state.offered, [ExportFormat::Docx, ExportFormat::Xlsx]);
        let with_pdf = state.apply(ExportAction::Offered(vec![
            "docx".into(),
            "xlsx".into(),
            "pdf".into(),
        ]));
        assert_eq!(
            with_pdf.offered,
            [ExportFormat::Docx, ExportFormat::Xlsx, ExportFormat::Pdf]
        );
        let chosen = with_pdf.apply(ExportAction::SetFormat(ExportFormat::Pdf));
        assert_eq!(chosen.format, ExportFormat::Pdf);
        let gone = chosen.apply(ExportAction::Offered(vec!["docx".into(), "xlsx".into()]));
        assert_eq!(gone.offered, [ExportFormat::Docx, ExportFormat::Xlsx]);
        assert_eq!(gone.format, ExportFormat::Docx, "PDF is no longer chosen");
    }
}
