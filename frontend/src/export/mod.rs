//! "Báo cáo": exporting a period's report as DOCX, XLSX or (with LibreOffice) PDF.

mod export_panel;
mod export_state;

pub(crate) use export_panel::ExportPanel;
