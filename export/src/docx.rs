//! The report as a DOCX document (WordprocessingML written directly into a zip).
//!
//! Layout, as administrative reports are printed (Decree 30/2020): the heading block (the issuer
//! on the left; "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" and "Độc lập - Tự do - Hạnh phúc" on the
//! right, the date line under them), the title "BÁO CÁO" and its subject, a notice for each
//! unit whose data could not be read, the totals, then per index a table with a bold row per
//! section and a row per task and reporting unit (the task's cells merged down over its units).
//! A4 landscape, Times New Roman 13 pt. The header row repeats on every page.
//!
//! docx-rs was considered: it writes no repeating header rows (`w:tblHeader`) and would add a
//! second `zip` and `quick-xml` to the build, for a few hundred lines of markup.

use std::io::{Cursor, Write};

use shared::report::{IndexReport, Report, TaskReport, UnitReport};
use zip::write::SimpleFileOptions;
use zip::ZipWriter;

/// The table's columns and their widths in twentieths of a point (14 570 fill the page).
const COLUMNS: [(&str, u32); 8] = [
    ("STT", 650),
    ("Nhiệm vụ", 3100),
    ("Đơn vị chủ trì", 1700),
    ("Đơn vị báo cáo", 1700),
    ("Tình trạng", 1250),
    ("Kết quả", 3000),
    ("Chỉ tiêu / thực hiện", 1870),
    ("Thẩm định", 1300),
];

/// Writes `report` as a DOCX file's bytes.
pub fn write(report: &Report) -> Vec<u8> {
    let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default();
    let parts = [
        ("[Content_Types].xml", CONTENT_TYPES.to_string()),
        ("_rels/.rels", ROOT_RELS.to_string()),
        ("word/_rels/document.xml.rels", DOCUMENT_RELS.to_string()),
        ("word/styles.xml", STYLES.to_string()),
        ("word/document.xml", document_xml(report)),
    ];
    for (name, text) in parts {
        // Writing to memory cannot fail.
        zip.start_file(name, options).expect("zip entry in memory");
        zip.write_all(text.as_bytes()).expect("zip entry in memory");
    }
    zip.finish().expect("zip in memory").into_inner()
}

/// The main document part.
pub fn document_xml(report: &Report) -> String {
    let mut body = String::new();
    heading_block(report, &mut body);
    body.push_str(&paragraph(&[bold(&report.title)], Align::Center, 240));
    body.push_str(&paragraph(&[bold(&report.subtitle)], Align::Center, 0));
    if let Some(unit) = &report.unit {
        body.push_str(&paragraph(
            &[plain(&format!("Đơn vị báo cáo: {}", unit.name))],
            Align::Center,
            0,
        ));
    }
    // Data that could not be read is said before any total it changes.
    for line in crate::notice_lines(report) {
        body.push_str(&paragraph(&[bold_italic(&line)], Align::Both, 120));
    }
    body.push_str(&paragraph(
        &[plain(&format!(
            "Kết quả chung: hoàn thành {}; quá hạn {} nhiệm vụ (hạn báo cáo {}).",
            report.completion.text(),
            report.completion.n_overdue,
            report.deadline
        ))],
        Align::Both,
        240,
    ));
    for (idx, index) in report.indexes.iter().enumerate() {
        index_part(idx, index, &mut body);
    }
    format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>{body}<w:sectPr><w:pgSz w:w="16838" w:h="11906" w:orient="landscape"/><w:pgMar w:top="1134" w:right="1134" w:bottom="1134" w:left="1134" w:header="567" w:footer="567" w:gutter="0"/></w:sectPr></w:body></w:document>"#
    )
}

/// Issuer on the left, national heading and date line on the right, without borders.
fn heading_block(report: &Report, out: &mut String) {
    let mut left = vec![paragraph(
        &[run(&report.issuer, report.unit.is_none(), false)],
        Align::Center,
        0,
    )];
    if let Some(unit) = &report.unit {
        left.push(paragraph(
            &[bold(&unit.name.to_uppercase())],
            Align::Center,
            0,
        ));
    }
    let right = [
        paragraph(
            &[bold("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")],
            Align::Center,
            0,
        ),
        paragraph(&[bold("Độc lập - Tự do - Hạnh phúc")], Align::Center, 0),
    ];
    let date = paragraph(&[italic(&report.date_line)], Align::Center, 120);
    let widths = [5600, 8970];
    out.push_str(&format!(
        r#"<w:tbl><w:tblPr><w:tblW w:w="0" w:type="auto"/><w:tblLayout w:type="fixed"/></w:tblPr><w:tblGrid><w:gridCol w:w="{}"/><w:gridCol w:w="{}"/></w:tblGrid>"#,
        widths[0], widths[1]
    ));
    out.push_str(&format!(
        "<w:tr>{}{}</w:tr>",
        cell(widths[0], &left.concat(), CellMerge::None),
        cell(widths[1], &right.concat(), CellMerge::None)
    ));
    out.push_str(&format!(
        "<w:tr>{}{}</w:tr>",
        cell(
            widths[0],
            &paragraph(&[], Align::Center, 0),
            CellMerge::None
        ),
        cell(widths[1], &date, CellMerge::None)
    ));
    out.push_str("</w:tbl>");
}

fn index_part(idx: usize, index: &IndexReport, out: &mut String) {
    let title = if index.title.is_empty() {
        index.index.label().to_string()
    } else {
        index.title.clone()
    };
    out.push_str(&paragraph(
        &[bold(&format!("{}. {title}", roman(idx + 1)))],
        Align::Left,
        240,
    ));
    out.push_str(&paragraph(
        &[plain(&format!(
            "Hoàn thành {}; quá hạn {} nhiệm vụ.",
            index.completion.text(),
            index.completion.n_overdue
        ))],
        Align::Left,
        0,
    ));
    out.push_str(&format!(
        r#"<w:tbl><w:tblPr><w:tblW w:w="0" w:type="auto"/><w:tblBorders>{}</w:tblBorders><w:tblLayout w:type="fixed"/><w:tblCellMar><w:left w:w="70" w:type="dxa"/><w:right w:w="70" w:type="dxa"/></w:tblCellMar></w:tblPr><w:tblGrid>"#,
        ["top", "left", "bottom", "right", "insideH", "insideV"]
            .map(|side| format!(r#"<w:{side} w:val="single" w:sz="4" w:space="0" w:color="000000"/>"#))
            .concat()
    ));
    for (_, width) in COLUMNS {
        out.push_str(&format!(r#"<w:gridCol w:w="{width}"/>"#));
    }
    out.push_str("</w:tblGrid>");
    // The header row, repeated on every page.
    out.push_str(r#"<w:tr><w:trPr><w:tblHeader/></w:trPr>"#);
    for (name, width) in COLUMNS {
        out.push_str(&cell(
            width,
            &paragraph(&[bold(name)], Align::Center, 0),
            CellMerge::None,
        ));
    }
    out.push_str("</w:tr>");
    let total_width: u32 = COLUMNS.iter().map(|(_, w)| w).sum();
    for section in &index.sections {
        let heading = section.heading();
        if !heading.is_empty() {
            out.push_str(&format!(
                r#"<w:tr><w:tc><w:tcPr><w:tcW w:w="{total_width}" w:type="dxa"/><w:gridSpan w:val="{}"/><w:shd w:val="clear" w:color="auto" w:fill="F2F2F2"/></w:tcPr>{}</w:tc></w:tr>"#,
                COLUMNS.len(),
                paragraph(&[bold(&heading)], Align::Left, 0)
            ));
        }
        for task in &section.tasks {
            task_rows(task, out);
        }
    }
    out.push_str("</w:tbl>");
}

/// One row per reporting unit; the task's own cells are merged down over them.
fn task_rows(task: &TaskReport, out: &mut String) {
    let n_rows = task.units.len().max(1);
    for row_idx in 0..n_rows {
        let merge = match (n_rows, row_idx) {
            (1, _) => CellMerge::None,
            (_, 0) => CellMerge::Start,
            _ => CellMerge::Continue,
        };
        let first = row_idx == 0;
        let text_or_empty = |text: &str| {
            if first {
                lines(text, Align::Left)
            } else {
                paragraph(&[], Align::Left, 0)
            }
        };
        out.push_str("<w:tr><w:trPr><w:cantSplit/></w:trPr>");
        let task_text = if task.content.is_empty() || !first {
            text_or_empty(&task.title)
        } else {
            format!(
                "{}{}",
                lines(&task.title, Align::Left),
                lines(&task.content, Align::Left)
            )
        };
        let task_cells = [
            (if first {
                paragraph(&[plain(&task.code)], Align::Center, 0)
            } else {
                paragraph(&[], Align::Center, 0)
            }),
            task_text,
            text_or_empty(&task.lead),
        ];
        for (idx, content) in task_cells.iter().enumerate() {
            out.push_str(&cell(COLUMNS[idx].1, content, merge));
        }
        match task.units.get(row_idx) {
            Some(unit) => unit_cells(unit, out),
            None => {
                out.push_str(&cell(
                    COLUMNS[3].1,
                    &paragraph(&[italic("Không có đơn vị của Sở báo cáo")], Align::Left, 0),
                    CellMerge::None,
                ));
                for (_, width) in &COLUMNS[4..] {
                    out.push_str(&cell(
                        *width,
                        &paragraph(&[], Align::Left, 0),
                        CellMerge::None,
                    ));
                }
            }
        }
        out.push_str("</w:tr>");
    }
}

fn unit_cells(unit: &UnitReport, out: &mut String) {
    let mut result = String::new();
    if !unit.result.is_empty() {
        result.push_str(&lines(&unit.result, Align::Both));
    }
    for (label, text) in [
        ("Khó khăn: ", &unit.difficulties),
        ("Đề xuất: ", &unit.proposals),
    ] {
        if !text.is_empty() {
            result.push_str(&paragraph(&[italic(label), plain(text)], Align::Both, 60));
        }
    }
    if result.is_empty() {
        result = paragraph(&[], Align::Left, 0);
    }
    let targets: String = if unit.actuals.is_empty() {
        paragraph(&[], Align::Left, 0)
    } else {
        unit.actuals
            .iter()
            .map(|a| paragraph(&[plain(&a.summary())], Align::Left, 0))
            .collect()
    };
    let mut review = paragraph(&[bold(unit.review.label())], Align::Left, 0);
    if !unit.review.comment.is_empty() {
        review.push_str(&lines(&unit.review.comment, Align::Left));
    }
    let cells = [
        paragraph(&[plain(&unit.unit_name)], Align::Left, 0),
        paragraph(&[plain(&crate::status_text(unit))], Align::Left, 0),
        result,
        targets,
        review,
    ];
    for (offset, content) in cells.iter().enumerate() {
        out.push_str(&cell(COLUMNS[3 + offset].1, content, CellMerge::None));
    }
}

#[derive(Debug, Clone, Copy)]
enum CellMerge {
    None,
    Start,
    Continue,
}

fn cell(width: u32, content: &str, merge: CellMerge) -> String {
    let merge = match merge {
        CellMerge::None => "",
        CellMerge::Start => r#"<w:vMerge w:val="restart"/>"#,
        CellMerge::Continue => "<w:vMerge/>",
    };
    format!(r#"<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/>{merge}</w:tcPr>{content}</w:tc>"#)
}

#[derive(Debug, Clone, Copy)]
enum Align {
    Left,
    Center,
    Both,
}

/// A paragraph of runs, with `space_before` in twentieths of a point.
fn paragraph(runs: &[String], align: Align, space_before: u32) -> String {
    let align = match align {
        Align::Left => "left",
        Align::Center => "center",
        Align::Both => "both",
    };
    format!(
        r#"<w:p><w:pPr><w:spacing w:before="{space_before}" w:after="0"/><w:jc w:val="{align}"/></w:pPr>{}</w:p>"#,
        runs.concat()
    )
}

/// One paragraph per line of `text`.
fn lines(text: &str, align: Align) -> String {
    text.lines()
        .map(|line| paragraph(&[plain(line)], align, 0))
        .collect()
}

fn run(text: &str, is_bold: bool, is_italic: bool) -> String {
    let mut props = String::new();
    if is_bold {
        props.push_str("<w:b/>");
    }
    if is_italic {
        props.push_str("<w:i/>");
    }
    format!(
        r#"<w:r><w:rPr>{props}</w:rPr><w:t xml:space="preserve">{}</w:t></w:r>"#,
        escape(text)
    )
}

fn plain(text: &str) -> String {
    run(text, false, false)
}

fn bold(text: &str) -> String {
    run(text, true, false)
}

fn italic(text: &str) -> String {
    run(text, false, true)
}

fn bold_italic(text: &str) -> String {
    run(text, true, true)
}

/// Escapes text for XML character data and attribute values; drops characters XML 1.0 forbids.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\t' | '\n' | '\r' => out.push(' '),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

/// I, II, III ... for the index parts.
fn roman(n: usize) -> &'static str {
    ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X"]
        .get(n.wrapping_sub(1))
        .copied()
        .unwrap_or("X")
}

const CONTENT_TYPES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/><Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/></Types>"#;

const ROOT_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>"#;

const DOCUMENT_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>"#;

/// Times New Roman 13 pt (the usual size of administrative documents), single spacing.
const STYLES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:styles xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:ascii="Times New Roman" w:hAnsi="Times New Roman" w:eastAsia="Times New Roman" w:cs="Times New Roman"/><w:sz w:val="26"/><w:szCs w:val="26"/><w:lang w:val="vi-VN"/></w:rPr></w:rPrDefault><w:pPrDefault><w:pPr><w:spacing w:after="0" w:line="240" w:lineRule="auto"/></w:pPr></w:pPrDefault></w:docDefaults><w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/></w:style><w:style w:type="table" w:default="1" w:styleId="TableNormal"><w:name w:val="Normal Table"/><w:tblPr><w:tblCellMar><w:left w:w="108" w:type="dxa"/><w:right w:w="108" w:type="dxa"/></w:tblCellMar></w:tblPr></w:style></w:styles>"#;
