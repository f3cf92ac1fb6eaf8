//! "Báo cáo": exporting a period's report as DOCX or XLSX.

mod export_panel;
mod export_state;

pub(crate) use export_panel::ExportPanel;
