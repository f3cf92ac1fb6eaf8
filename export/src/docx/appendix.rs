//! An appendix of the report ("Phụ lục I", one per index): its heading citing the report, the
//! index's totals, and its task table with a bold row per section and a row per task and
//! reporting unit (the task's cells merged down over its units). The header row repeats on
//! every page. Each appendix is a landscape section of its own.

use shared::report::{IndexReport, Report, ReportHeading, TaskReport, UnitReport};

use super::markup::{cell, paragraph, run, table_start, Align, CellMerge, Font, Para};
use super::{LANDSCAPE_TEXT_WIDTH, TABLE_SIZE};

/// The table's columns and their widths in twentieths of a point (they fill the landscape
/// page between its margins).
pub const COLUMNS: [(&str, u32); 8] = [
    ("STT", 650),
    ("Nhiệm vụ", 2900),
    ("Đơn vị chủ trì", 1700),
    ("Đơn vị báo cáo", 1700),
    ("Tình trạng", 1250),
    ("Kết quả", 2916),
    ("Chỉ tiêu / thực hiện", 1870),
    ("Thẩm định", 1300),
];

const _: () = {
    let mut sum = 0;
    let mut idx = 0;
    while idx < COLUMNS.len() {
        sum += COLUMNS[idx].1;
        idx += 1;
    }
    assert!(
        sum == LANDSCAPE_TEXT_WIDTH,
        "the columns fill the page's width"
    );
};

/// "I", "II", "III" ... for the appendices.
pub fn roman(n: usize) -> &'static str {
    ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X"]
        .get(n.wrapping_sub(1))
        .copied()
        .unwrap_or("X")
}

/// Appendix `number` (from 1): the index's heading, totals and table.
pub fn appendix(
    number: usize,
    index: &IndexReport,
    report: &Report,
    heading: &ReportHeading,
    out: &mut String,
) {
    let title = if index.title.is_empty() {
        index.index.label().to_string()
    } else {
        index.title.clone()
    };
    let centred = Para::new(Align::Center).keep_next();
    out.push_str(&paragraph(
        centred,
        &[run(
            &format!("Phụ lục {}", roman(number)),
            Font::BODY.bold(),
        )],
    ));
    out.push_str(&paragraph(centred, &[run(&title, Font::BODY.bold())]));
    out.push_str(&paragraph(
        centred,
        &[run(
            &format!(
                "(Kèm theo Báo cáo số {} ngày {} của {})",
                heading.number_text(),
                report.today,
                heading.agency
            ),
            Font::BODY.italic(),
        )],
    ));
    out.push_str(&paragraph(
        Para::new(Align::Left).before(120).keep_next(),
        &[run(
            &format!(
                "Hoàn thành {}; quá hạn {} nhiệm vụ.",
                index.completion.text(),
                index.completion.n_overdue
            ),
            Font::BODY,
        )],
    ));
    let widths: Vec<u32> = COLUMNS.iter().map(|(_, w)| *w).collect();
    out.push_str(&table_start(&widths, true, 70));
    // The header row, repeated on every page.
    out.push_str("<w:tr><w:trPr><w:tblHeader/></w:trPr>");
    for (name, width) in COLUMNS {
        out.push_str(&cell(
            width,
            &text(name, Font::sized(TABLE_SIZE).bold(), Align::Center),
            CellMerge::None,
        ));
    }
    out.push_str("</w:tr>");
    for section in &index.sections {
        let heading = section.heading();
        if !heading.is_empty() {
            out.push_str(&format!(
                r#"<w:tr><w:trPr><w:cantSplit/></w:trPr><w:tc><w:tcPr><w:tcW w:w="{LANDSCAPE_TEXT_WIDTH}" w:type="dxa"/><w:gridSpan w:val="{}"/><w:shd w:val="clear" w:color="auto" w:fill="F2F2F2"/></w:tcPr>{}</w:tc></w:tr>"#,
                COLUMNS.len(),
                text(&heading, Font::sized(TABLE_SIZE).bold(), Align::Left)
            ));
        }
        for task in &section.tasks {
            task_rows(task, out);
        }
    }
    out.push_str("</w:tbl>");
}

/// A cell's paragraph of one run (an empty paragraph for empty text).
fn text(text: &str, font: Font, align: Align) -> String {
    if text.is_empty() {
        paragraph(Para::new(align), &[])
    } else {
        paragraph(Para::new(align), &[run(text, font)])
    }
}

/// One paragraph per line of `text`.
fn lines(text: &str, align: Align) -> String {
    text.lines()
        .map(|line| paragraph(Para::new(align), &[run(line, Font::sized(TABLE_SIZE))]))
        .collect()
}

fn empty() -> String {
    paragraph(Para::new(Align::Left), &[])
}

/// One row per reporting unit; the task's own cells are merged down over them.
fn task_rows(task: &TaskReport, out: &mut String) {
    let n_rows = task.units.len().max(1);
    let plain = Font::sized(TABLE_SIZE);
    for row_idx in 0..n_rows {
        let merge = match (n_rows, row_idx) {
            (1, _) => CellMerge::None,
            (_, 0) => CellMerge::Start,
            _ => CellMerge::Continue,
        };
        let first = row_idx == 0;
        out.push_str("<w:tr><w:trPr><w:cantSplit/></w:trPr>");
        let task_cells = if first {
            let mut task_text = lines(&task.title, Align::Left);
            if !task.content.is_empty() {
                task_text.push_str(&lines(&task.content, Align::Left));
            }
            [
                text(&task.code, plain, Align::Center),
                task_text,
                lines(&task.lead, Align::Left),
            ]
        } else {
            [empty(), empty(), empty()]
        };
        for (idx, content) in task_cells.iter().enumerate() {
            let content = if content.is_empty() {
                empty()
            } else {
                content.clone()
            };
            out.push_str(&cell(COLUMNS[idx].1, &content, merge));
        }
        match task.units.get(row_idx) {
            Some(unit) => unit_cells(unit, out),
            None => {
                out.push_str(&cell(
                    COLUMNS[3].1,
                    &text(
                        "Không có đơn vị của Sở báo cáo",
                        plain.italic(),
                        Align::Left,
                    ),
                    CellMerge::None,
                ));
                for (_, width) in &COLUMNS[4..] {
                    out.push_str(&cell(*width, &empty(), CellMerge::None));
                }
            }
        }
        out.push_str("</w:tr>");
    }
}

fn unit_cells(unit: &UnitReport, out: &mut String) {
    let plain = Font::sized(TABLE_SIZE);
    let mut result = String::new();
    if !unit.result.is_empty() {
        result.push_str(&lines(&unit.result, Align::Both));
    }
    for (label, text) in [
        ("Khó khăn: ", &unit.difficulties),
        ("Đề xuất: ", &unit.proposals),
    ] {
        if !text.is_empty() {
            result.push_str(&paragraph(
                Para::new(Align::Both).before(60),
                &[run(label, plain.italic()), run(text, plain)],
            ));
        }
    }
    if result.is_empty() {
        result = empty();
    }
    let targets: String = if unit.actuals.is_empty() {
        empty()
    } else {
        unit.actuals
            .iter()
            .map(|a| text(&a.summary(), plain, Align::Left))
            .collect()
    };
    let mut review = text(unit.review.label(), plain.bold(), Align::Left);
    if !unit.review.comment.is_empty() {
        review.push_str(&lines(&unit.review.comment, Align::Left));
    }
    let cells = [
        text(&unit.unit_name, plain, Align::Left),
        text(&crate::status_text(unit), plain, Align::Left),
        result,
        targets,
        review,
    ];
    for (offset, content) in cells.iter().enumerate() {
        out.push_str(&cell(COLUMNS[3 + offset].1, content, CellMerge::None));
    }
}
