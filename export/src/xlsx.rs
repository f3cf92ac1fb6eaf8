//! The report as an XLSX workbook: one sheet per index (one row per task and reporting unit,
//! section headings as merged bold rows) and a "Chỉ tiêu" sheet listing every target of every
//! unit with its actual value and whether it is met. Every sheet says, above its header row,
//! which units' data could not be read. The workbook's creation date is the report's day, so
//! the same report gives the same bytes.

use rust_xlsxwriter::{
    Color, DocProperties, ExcelDateTime, Format, FormatAlign, FormatBorder, Workbook, Worksheet,
    XlsxError,
};
use shared::report::{IndexReport, Report, TaskReport, UnitReport};

/// The indicators sheet's name.
pub const INDICATORS_SHEET: &str = "Chỉ tiêu";

const INDEX_COLUMNS: [(&str, f64); 11] = [
    ("STT", 6.0),
    ("Nhiệm vụ", 45.0),
    ("Đơn vị chủ trì", 22.0),
    ("Đơn vị báo cáo", 22.0),
    ("Tình trạng", 14.0),
    ("Kết quả thực hiện", 45.0),
    ("Khó khăn, vướng mắc", 30.0),
    ("Đề xuất, kiến nghị", 30.0),
    ("Chỉ tiêu / thực hiện", 34.0),
    ("Thẩm định", 14.0),
    ("Ý kiến thẩm định", 30.0),
];

const INDICATOR_COLUMNS: [(&str, f64); 10] = [
    ("Chỉ số", 11.0),
    ("STT", 6.0),
    ("Nhiệm vụ", 40.0),
    ("Đơn vị", 24.0),
    ("Chỉ tiêu", 40.0),
    ("So sánh", 9.0),
    ("Giá trị", 10.0),
    ("Đơn vị tính", 14.0),
    ("Thực hiện", 11.0),
    ("Đánh giá", 16.0),
];

/// The header row's position (0-based); rows above it hold the title, the totals and the notice
/// of data that could not be read.
const HEADER_ROW: u32 = 3;

struct Formats {
    title: Format,
    note: Format,
    warning: Format,
    header: Format,
    section: Format,
    cell: Format,
}

impl Default for Formats {
    fn default() -> Formats {
        let base = Format::new()
            .set_font_name("Times New Roman")
            .set_font_size(12)
            .set_text_wrap()
            .set_align(FormatAlign::Top);
        let boxed = base.clone().set_border(FormatBorder::Thin);
        Formats {
            title: base.clone().set_bold().set_font_size(14),
            note: base.clone().set_italic(),
            warning: base
                .clone()
                .set_bold()
                .set_font_color(Color::RGB(0xC00000))
                .set_background_color(Color::RGB(0xFFF2CC)),
            header: boxed
                .clone()
                .set_bold()
                .set_align(FormatAlign::Center)
                .set_align(FormatAlign::VerticalCenter)
                .set_background_color(Color::RGB(0xD9E1F2)),
            section: boxed
                .clone()
                .set_bold()
                .set_background_color(Color::RGB(0xF2F2F2)),
            cell: boxed,
        }
    }
}

/// Writes `report` as an XLSX file's bytes.
pub fn write(report: &Report) -> Result<Vec<u8>, XlsxError> {
    write_with(report, &[])
}

/// Like [`write`], with custom document properties (name, text) ([`crate::sources`]).
pub fn write_with(report: &Report, properties: &[(String, String)]) -> Result<Vec<u8>, XlsxError> {
    let formats = Formats::default();
    let mut workbook = Workbook::new();
    // The file's creation date is the report's, not the clock's: the same report gives the
    // same bytes.
    let today = report.today;
    let created = ExcelDateTime::from_ymd(
        u16::try_from(today.year).unwrap_or(1900),
        today.month,
        today.day,
    )?;
    let mut doc_properties = DocProperties::new().set_creation_datetime(&created);
    for (name, value) in properties {
        doc_properties = doc_properties.set_custom_property(name, value.as_str());
    }
    workbook.set_properties(&doc_properties);
    for index in &report.indexes {
        let sheet = workbook.add_worksheet();
        sheet.set_name(index.index.label())?;
        index_sheet(sheet, report, index, &formats)?;
    }
    let sheet = workbook.add_worksheet();
    sheet.set_name(INDICATORS_SHEET)?;
    indicators_sheet(sheet, report, &formats)?;
    workbook.save_to_buffer()
}

/// Title, note line, the notice of data that could not be read, and header row, shared by every
/// sheet.
fn prelude(
    sheet: &mut Worksheet,
    title: &str,
    note: &str,
    notices: &[String],
    columns: &[(&str, f64)],
    formats: &Formats,
) -> Result<(), XlsxError> {
    let last_col = (columns.len() - 1) as u16;
    sheet
        .set_landscape()
        .set_paper_size(9)
        .set_print_fit_to_pages(1, 0);
    sheet.merge_range(0, 0, 0, last_col, title, &formats.title)?;
    sheet.set_row_height(0, 36)?;
    sheet.merge_range(1, 0, 1, last_col, note, &formats.note)?;
    if !notices.is_empty() {
        sheet.merge_range(2, 0, 2, last_col, &notices.join("\n"), &formats.warning)?;
        // Wrapped lines of about 200 characters across the sheet's width.
        let n_lines: usize = notices.iter().map(|n| n.chars().count() / 200 + 1).sum();
        sheet.set_row_height(2, 16.0 * n_lines as f64)?;
    }
    for (col, (name, width)) in columns.iter().enumerate() {
        sheet.write_string_with_format(HEADER_ROW, col as u16, *name, &formats.header)?;
        sheet.set_column_width(col as u16, *width)?;
    }
    sheet.set_freeze_panes(HEADER_ROW + 1, 0)?;
    sheet.set_repeat_rows(HEADER_ROW, HEADER_ROW)?;
    Ok(())
}

/// "Phòng Quản lý hạ tầng · Ngày lập 20/09/2026 · hạn 14/09/2026 · 1/3 nhiệm vụ, 33,33% ...".
fn note(report: &Report, completion: &shared::report::Completion) -> String {
    let unit = report
        .unit
        .as_ref()
        .map_or("Tất cả đơn vị".to_string(), |u| u.name.clone());
    format!(
        "{unit} · Ngày lập: {} · Hạn báo cáo: {} · Hoàn thành: {} · Quá hạn: {} nhiệm vụ",
        report.today,
        report.deadline,
        completion.text(),
        completion.n_overdue
    )
}

fn index_sheet(
    sheet: &mut Worksheet,
    report: &Report,
    index: &IndexReport,
    formats: &Formats,
) -> Result<(), XlsxError> {
    let title = format!("{} – {}", report.subtitle, index.index.label());
    prelude(
        sheet,
        &title,
        &note(report, &index.completion),
        &crate::notice_lines(report),
        &INDEX_COLUMNS,
        formats,
    )?;
    let last_col = (INDEX_COLUMNS.len() - 1) as u16;
    let mut row = HEADER_ROW + 1;
    for section in &index.sections {
        let heading = section.heading();
        if !heading.is_empty() {
            sheet.merge_range(row, 0, row, last_col, &heading, &formats.section)?;
            row += 1;
        }
        for task in &section.tasks {
            if task.units.is_empty() {
                task_cells(sheet, row, task, formats)?;
                sheet.write_string_with_format(
                    row,
                    3,
                    "Không có đơn vị của Sở báo cáo",
                    &formats.cell,
                )?;
                for col in 4..=last_col {
                    sheet.write_blank(row, col, &formats.cell)?;
                }
                row += 1;
            }
            for unit in &task.units {
                task_cells(sheet, row, task, formats)?;
                unit_cells(sheet, row, unit, formats)?;
                row += 1;
            }
        }
    }
    if row > HEADER_ROW + 1 {
        sheet.autofilter(HEADER_ROW, 0, row - 1, last_col)?;
    }
    Ok(())
}

fn task_cells(
    sheet: &mut Worksheet,
    row: u32,
    task: &TaskReport,
    formats: &Formats,
) -> Result<(), XlsxError> {
    sheet.write_string_with_format(row, 0, &task.code, &formats.cell)?;
    sheet.write_string_with_format(row, 1, &task.title, &formats.cell)?;
    sheet.write_string_with_format(row, 2, &task.lead, &formats.cell)?;
    Ok(())
}

fn unit_cells(
    sheet: &mut Worksheet,
    row: u32,
    unit: &UnitReport,
    formats: &Formats,
) -> Result<(), XlsxError> {
    let actuals: Vec<String> = unit.actuals.iter().map(|a| a.summary()).collect();
    let cells = [
        unit.unit_name.clone(),
        crate::status_text(unit),
        unit.result.clone(),
        unit.difficulties.clone(),
        unit.proposals.clone(),
        actuals.join("\n"),
        unit.review.label().to_string(),
        unit.review.comment.clone(),
    ];
    for (offset, text) in cells.iter().enumerate() {
        sheet.write_string_with_format(row, 3 + offset as u16, text, &formats.cell)?;
    }
    Ok(())
}

fn indicators_sheet(
    sheet: &mut Worksheet,
    report: &Report,
    formats: &Formats,
) -> Result<(), XlsxError> {
    let title = format!("{} – Chỉ tiêu", report.subtitle);
    prelude(
        sheet,
        &title,
        &note(report, &report.completion),
        &crate::notice_lines(report),
        &INDICATOR_COLUMNS,
        formats,
    )?;
    let mut row = HEADER_ROW + 1;
    for index in &report.indexes {
        for task in index.sections.iter().flat_map(|s| &s.tasks) {
            for unit in &task.units {
                for actual in &unit.actuals {
                    let target = &actual.target;
                    let op = actual.target_text();
                    let op = op.split(' ').next().unwrap_or_default();
                    let texts = [
                        (0, index.index.label().to_string()),
                        (1, task.code.clone()),
                        (2, task.title.clone()),
                        (3, unit.unit_name.clone()),
                        (4, target.text.clone()),
                        (5, op.to_string()),
                        (7, target.unit.clone().unwrap_or_default()),
                        (9, actual.met_label().to_string()),
                    ];
                    for (col, text) in texts {
                        sheet.write_string_with_format(row, col, text, &formats.cell)?;
                    }
                    for (col, value) in [(6, target.value), (8, actual.actual)] {
                        match value {
                            Some(v) => {
                                sheet.write_number_with_format(row, col, v, &formats.cell)?
                            }
                            None => sheet.write_blank(row, col, &formats.cell)?,
                        };
                    }
                    row += 1;
                }
            }
        }
    }
    if row > HEADER_ROW + 1 {
        sheet.autofilter(HEADER_ROW, 0, row - 1, (INDICATOR_COLUMNS.len() - 1) as u16)?;
    }
    Ok(())
}
