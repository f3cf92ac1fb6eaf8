//! Report files: a period's report ([`shared::report::Report`]) laid out as DOCX ([`docx`]: the
//! CCHC report of [`outline`] in the Decree 30/2020 layout, issued as a
//! [`shared::report::ReportHeading`] says, with the task tables as appendices) and XLSX
//! ([`xlsx`], one sheet per index plus the indicators), and written atomically. Used by the
//! server's CLI (`plansync report export`) and by the desktop app's export screen, so both
//! produce the same files. The same report gives the same bytes: nothing reads the clock.
//! Every file records what it was built from ([`sources`]: the documents and their heads, the
//! day), so it can be built again later; PDF is the DOCX converted by LibreOffice ([`pdf`]),
//! when it is installed.

pub mod docx;
pub mod outline;
pub mod pdf;
pub mod sources;
pub mod xlsx;

use std::io::Write;
use std::path::Path;
use std::str::FromStr;

use anyhow::{bail, Context, Result};
use shared::calendar::Date;
use shared::report::{Report, ReportHeading, UnitReport};
pub use sources::ReportSources;

/// The file formats a report is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportFormat {
    Docx,
    Xlsx,
    /// The DOCX converted by LibreOffice ([`pdf`]).
    Pdf,
}

impl ReportFormat {
    pub fn as_str(self) -> &'static str {
        match self {
            ReportFormat::Docx => "docx",
            ReportFormat::Xlsx => "xlsx",
            ReportFormat::Pdf => "pdf",
        }
    }

    /// The format a file name's extension says ("bao-cao.PDF" is PDF).
    pub fn of_file(path: &Path) -> Option<ReportFormat> {
        path.extension()?.to_str()?.parse().ok()
    }
}

impl FromStr for ReportFormat {
    type Err = anyhow::Error;

    fn from_str(text: &str) -> Result<ReportFormat> {
        match text.to_ascii_lowercase().as_str() {
            "docx" => Ok(ReportFormat::Docx),
            "xlsx" => Ok(ReportFormat::Xlsx),
            "pdf" => Ok(ReportFormat::Pdf),
            _ => bail!("unknown report format \"{text}\" (docx, xlsx or pdf)"),
        }
    }
}

/// The report, issued as `heading` says, laid out in `format`, recording what it was built
/// from when `sources` are given. PDF needs LibreOffice ([`pdf::LibreOffice::find`]; an error
/// saying it is not installed otherwise) and is the only format whose bytes vary.
pub fn render(
    report: &Report,
    heading: &ReportHeading,
    format: ReportFormat,
    sources: Option<&ReportSources>,
) -> Result<Vec<u8>> {
    let properties = sources.map(ReportSources::properties).unwrap_or_default();
    Ok(match format {
        ReportFormat::Docx => docx::write_with(report, heading, &properties),
        ReportFormat::Xlsx => {
            xlsx::write_with(report, &properties).context("cannot lay out the XLSX report")?
        }
        ReportFormat::Pdf => {
            let office = pdf::LibreOffice::find().ok_or(pdf::PdfError::NotInstalled)?;
            let docx = docx::write_with(report, heading, &properties);
            office.convert_docx(&docx, pdf::TIMEOUT)?
        }
    })
}

/// A file name for the report: "bao-cao-2026-Q3-tong-hop.docx", "bao-cao-2026-QLHT.xlsx".
pub fn file_name(report: &Report, format: ReportFormat) -> String {
    let scope = match &report.unit {
        Some(unit) => unit.code.clone(),
        None => "tong-hop".to_string(),
    };
    format!("bao-cao-{}-{scope}.{}", report.period, format.as_str())
}

/// Parses a date written dd/mm/yyyy.
pub fn parse_date(text: &str) -> Result<Date> {
    let parts: Vec<&str> = text.split('/').collect();
    let parsed = match parts.as_slice() {
        [d, m, y] => match (d.parse(), m.parse(), y.parse()) {
            (Ok(d), Ok(m), Ok(y)) => Date::new(y, m, d),
            _ => None,
        },
        _ => None,
    };
    parsed.with_context(|| format!("\"{text}\" is not a date (expected dd/mm/yyyy)"))
}

/// The status label, flagged when two laptops disagree or the recorded status could not be
/// read.
pub(crate) fn status_text(unit: &UnitReport) -> String {
    let mut text = unit.status.label().to_string();
    if unit.status_unreadable() {
        text.push_str(" (không đọc được tình trạng đơn vị đã ghi)");
    } else if unit.status_conflict {
        text.push_str(" (có phiên bản khác chưa thống nhất)");
    }
    text
}

/// "Lưu ý: Không đọc được dữ liệu của ...", one line per notice of data that could not be read.
pub(crate) fn notice_lines(report: &shared::report::Report) -> Vec<String> {
    report
        .read_notices()
        .iter()
        .map(|notice| format!("Lưu ý: {}", notice.line()))
        .collect()
}

/// Writes `bytes` to a temporary file beside `path`, flushes it, and renames it over `path`, so
/// readers never see a half-written report.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    let cannot = || format!("cannot write {}", path.display());
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    if !dir.is_dir() {
        bail!(
            "cannot write {}: no directory {}",
            path.display(),
            dir.display()
        );
    }
    let mut file = tempfile::Builder::new()
        .prefix(".plansync-report-")
        .tempfile_in(dir)
        .with_context(cannot)?;
    file.write_all(bytes).with_context(cannot)?;
    // A temporary file is private (0600); a report is an ordinary file for its readers.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::Permissions::from_mode(0o644);
        file.as_file().set_permissions(mode).with_context(cannot)?;
    }
    file.as_file().sync_all().with_context(cannot)?;
    file.persist(path)
        .map_err(|e| e.error)
        .with_context(cannot)?;
    Ok(())
}

#[cfg(test)]
mod tests;
