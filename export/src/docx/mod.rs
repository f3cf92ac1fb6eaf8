//! The report as a DOCX document (WordprocessingML written directly into a zip), laid out as
//! Decree 30/2020 (Phụ lục I) lays out an administrative report:
//!
//! - A4 portrait, margins 20 mm top and bottom, 30 mm left, 15 mm right; Times New Roman, the
//!   body 14 pt, justified, first lines indented 1.27 cm, 6 pt between paragraphs; the page
//!   number centred in the top margin from page 2 on (`w:titlePg` with an empty first-page
//!   header).
//! - The heading block, a borderless two-column table: the parent agency in capitals over the
//!   issuing agency in bold capitals, a short rule, "Số: …/BC-SXD"; the national motto, the
//!   tagline in bold with a rule as long as the text, the place and date in italics.
//! - "BÁO CÁO", the subject in bold over a short rule, "Kính gửi: …", the body
//!   ([`crate::outline`]) ending "./.", then "Nơi nhận:" level with the signature block.
//! - The task tables as appendices ("Phụ lục I", one per index), each a landscape section.
//!
//! The issuer's particulars come from [`ReportHeading`]. The bytes depend only on the report
//! and the heading: no clock, no random ids, and zip entries dated 1980-01-01.
//!
//! docx-rs was considered: it writes no repeating header rows (`w:tblHeader`) and would add a
//! second `zip` and `quick-xml` to the build, for a few hundred lines of markup.

mod appendix;
mod markup;
pub mod metrics;
mod parts;

use std::io::{Cursor, Write};

use shared::report::{Report, ReportHeading};
use zip::write::SimpleFileOptions;
use zip::ZipWriter;

use crate::outline::{self, Block};
pub use appendix::roman as appendix_number;
pub use markup::escape;
use markup::{cell, paragraph, rule, run, section_end, table_start, Align, CellMerge, Font, Para};
pub use metrics::text_width;

/// A4 in twentieths of a point.
pub const PAGE_WIDTH: u32 = 11906;
pub const PAGE_HEIGHT: u32 = 16838;
/// Margins: 20 mm top and bottom, 30 mm left, 15 mm right (1 mm is 56.7 twentieths).
pub const MARGIN_TOP: u32 = 1134;
pub const MARGIN_BOTTOM: u32 = 1134;
pub const MARGIN_LEFT: u32 = 1701;
pub const MARGIN_RIGHT: u32 = 851;
/// The page number's distance from the top edge: 10 mm, inside the top margin.
pub const HEADER_DISTANCE: u32 = 567;
/// The width between the margins, portrait and landscape.
pub const TEXT_WIDTH: u32 = PAGE_WIDTH - MARGIN_LEFT - MARGIN_RIGHT;
pub const LANDSCAPE_TEXT_WIDTH: u32 = PAGE_HEIGHT - MARGIN_LEFT - MARGIN_RIGHT;
/// The body's first-line indent: 1.27 cm.
pub const FIRST_LINE_INDENT: u32 = 720;
/// Space before each paragraph of the body: 6 pt.
pub const PARAGRAPH_SPACING: u32 = 120;

/// Sizes in half points.
pub const AGENCY_SIZE: u32 = 26;
pub const MOTTO_SIZE: u32 = 24;
pub const TAGLINE_SIZE: u32 = 26;
pub const RECIPIENTS_LABEL_SIZE: u32 = 24;
pub const RECIPIENTS_SIZE: u32 = 22;
pub const TABLE_SIZE: u32 = 24;

/// The heading block's columns: the issuer, and the national motto with the date line.
pub const HEADING_COLUMNS: [u32; 2] = [3600, TEXT_WIDTH - 3600];
/// The foot's columns: "Nơi nhận" and the signature block.
pub const FOOT_COLUMNS: [u32; 2] = [4500, TEXT_WIDTH - 4500];

pub const MOTTO: &str = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM";
pub const TAGLINE: &str = "Độc lập - Tự do - Hạnh phúc";

/// Writes `report`, issued as `heading` says, as a DOCX file's bytes.
pub fn write(report: &Report, heading: &ReportHeading) -> Vec<u8> {
    write_with(report, heading, &[])
}

/// Like [`write`], with custom document properties (name, text) in `docProps/custom.xml`
/// ([`crate::sources`]).
pub fn write_with(
    report: &Report,
    heading: &ReportHeading,
    properties: &[(String, String)],
) -> Vec<u8> {
    let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
    // A fixed date, whatever the features of `zip` the build unifies: the same report gives
    // the same bytes.
    let options = SimpleFileOptions::default().last_modified_time(zip::DateTime::DEFAULT);
    let custom = !properties.is_empty();
    let mut parts = vec![
        ("[Content_Types].xml", parts::content_types(custom)),
        ("_rels/.rels", parts::root_rels(custom)),
        (
            "word/_rels/document.xml.rels",
            parts::DOCUMENT_RELS.to_string(),
        ),
        ("word/styles.xml", parts::STYLES.to_string()),
        ("word/header1.xml", parts::PAGE_NUMBER_HEADER.to_string()),
        ("word/header2.xml", parts::EMPTY_HEADER.to_string()),
        ("word/document.xml", document_xml(report, heading)),
    ];
    if custom {
        parts.push((
            "docProps/custom.xml",
            crate::sources::custom_xml(properties),
        ));
    }
    for (name, text) in parts {
        // Writing to memory cannot fail.
        zip.start_file(name, options).expect("zip entry in memory");
        zip.write_all(text.as_bytes()).expect("zip entry in memory");
    }
    zip.finish().expect("zip in memory").into_inner()
}

/// The main document part.
pub fn document_xml(report: &Report, heading: &ReportHeading) -> String {
    let mut body = String::new();
    heading_block(report, heading, &mut body);
    title_block(report, heading, &mut body);
    for block in outline::body(report, heading) {
        body.push_str(&body_paragraph(&block));
    }
    foot_block(heading, &mut body);
    let mut last = section_properties(false, true);
    for (idx, index) in report.indexes.iter().enumerate() {
        body.push_str(&section_end(&last));
        appendix::appendix(idx + 1, index, report, heading, &mut body);
        last = section_properties(true, false);
    }
    // The body ends with a paragraph, never a table.
    if !report.indexes.is_empty() {
        body.push_str(&paragraph(Para::new(Align::Left), &[]));
    }
    format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><w:body>{body}{last}</w:body></w:document>"#
    )
}

/// A section's page: A4 portrait or landscape, the margins, the page number header; the first
/// section has no number on its first page.
fn section_properties(landscape: bool, first: bool) -> String {
    let (width, height, orient) = if landscape {
        (PAGE_HEIGHT, PAGE_WIDTH, r#" w:orient="landscape""#)
    } else {
        (PAGE_WIDTH, PAGE_HEIGHT, "")
    };
    let (first_header, title_page) = if first {
        (
            format!(
                r#"<w:headerReference w:type="first" r:id="{}"/>"#,
                parts::FIRST_PAGE_HEADER_REL
            ),
            "<w:titlePg/>",
        )
    } else {
        (String::new(), "")
    };
    format!(
        r#"<w:sectPr><w:headerReference w:type="default" r:id="{}"/>{first_header}<w:type w:val="nextPage"/><w:pgSz w:w="{width}" w:h="{height}"{orient}/><w:pgMar w:top="{MARGIN_TOP}" w:right="{MARGIN_RIGHT}" w:bottom="{MARGIN_BOTTOM}" w:left="{MARGIN_LEFT}" w:header="{HEADER_DISTANCE}" w:footer="{HEADER_DISTANCE}" w:gutter="0"/>{title_page}</w:sectPr>"#,
        parts::HEADER_REL
    )
}

/// The issuer on the left, the national motto and the date line on the right, without borders.
fn heading_block(report: &Report, heading: &ReportHeading, out: &mut String) {
    let [left_width, right_width] = HEADING_COLUMNS;
    let centred = Para::new(Align::Center);
    let agency_font = Font::sized(AGENCY_SIZE);
    let agency = heading.agency.to_uppercase();
    // A rule of 2/5 of the agency's name (Decree 30: 1/3 to 1/2), under a line that may wrap.
    let agency_rule = text_width(&agency, AGENCY_SIZE, true).min(left_width) * 2 / 5;
    let mut left = String::new();
    if !heading.parent_agency.is_empty() {
        left.push_str(&paragraph(
            centred,
            &[run(&heading.parent_agency.to_uppercase(), agency_font)],
        ));
    }
    left.push_str(&paragraph(centred, &[run(&agency, agency_font.bold())]));
    left.push_str(&rule(left_width, agency_rule));
    left.push_str(&paragraph(
        centred.before(PARAGRAPH_SPACING),
        &[run(&heading.number_line(), agency_font)],
    ));
    let tagline_font = Font::sized(TAGLINE_SIZE).bold();
    let mut right = String::new();
    right.push_str(&paragraph(
        centred,
        &[run(MOTTO, Font::sized(MOTTO_SIZE).bold())],
    ));
    right.push_str(&paragraph(centred, &[run(TAGLINE, tagline_font)]));
    right.push_str(&rule(right_width, text_width(TAGLINE, TAGLINE_SIZE, true)));
    right.push_str(&paragraph(
        centred.before(PARAGRAPH_SPACING),
        &[run(&heading.date_line(report.today), Font::BODY.italic())],
    ));
    out.push_str(&table_start(&HEADING_COLUMNS, false, 0));
    out.push_str(&format!(
        "<w:tr>{}{}</w:tr></w:tbl>",
        cell(left_width, &left, CellMerge::None),
        cell(right_width, &right, CellMerge::None)
    ));
}

/// "BÁO CÁO", the subject over a short rule, and "Kính gửi".
fn title_block(report: &Report, heading: &ReportHeading, out: &mut String) {
    let centred = Para::new(Align::Center);
    out.push_str(&paragraph(
        centred.before(360),
        &[run(&report.title, Font::BODY.bold())],
    ));
    out.push_str(&paragraph(
        centred,
        &[run(&report.subtitle, Font::BODY.bold())],
    ));
    let subject_rule = text_width(&report.subtitle, 28, true).min(TEXT_WIDTH) * 2 / 5;
    out.push_str(&rule(TEXT_WIDTH, subject_rule));
    match heading.addressees.as_slice() {
        [] => {}
        [one] => out.push_str(&paragraph(
            centred.before(240),
            &[run(&format!("Kính gửi: {one}."), Font::BODY)],
        )),
        many => {
            out.push_str(&paragraph(
                centred.before(240),
                &[run("Kính gửi:", Font::BODY)],
            ));
            for (idx, addressee) in many.iter().enumerate() {
                let end = if idx + 1 == many.len() { "." } else { ";" };
                out.push_str(&paragraph(
                    centred,
                    &[run(&format!("- {addressee}{end}"), Font::BODY)],
                ));
            }
        }
    }
}

/// One block of the body: justified, first line indented, 6 pt before.
fn body_paragraph(block: &Block) -> String {
    let props = Para::new(Align::Both)
        .first_line(FIRST_LINE_INDENT)
        .before(PARAGRAPH_SPACING);
    match block {
        Block::Part(text) | Block::Heading(text) => {
            paragraph(props.keep_next(), &[run(text, Font::BODY.bold())])
        }
        Block::Subheading(text) => {
            paragraph(props.keep_next(), &[run(text, Font::BODY.bold().italic())])
        }
        Block::Text(text) => paragraph(props, &[run(text, Font::BODY)]),
        Block::Item { lead, text } => paragraph(
            props,
            &[
                run("- ", Font::BODY),
                run(lead, Font::BODY.italic()),
                run(&format!(": {text}"), Font::BODY),
            ],
        ),
        Block::Notice(text) => paragraph(props, &[run(text, Font::BODY.bold().italic())]),
    }
}

/// "Nơi nhận:" and its list on the left, level with the signature block on the right.
fn foot_block(heading: &ReportHeading, out: &mut String) {
    let [left_width, right_width] = FOOT_COLUMNS;
    let left_para = Para::new(Align::Left);
    let mut left = paragraph(
        left_para,
        &[run(
            "Nơi nhận:",
            Font::sized(RECIPIENTS_LABEL_SIZE).bold().italic(),
        )],
    );
    for recipient in &heading.recipients {
        left.push_str(&paragraph(
            left_para,
            &[run(
                &format!("- {recipient};"),
                Font::sized(RECIPIENTS_SIZE),
            )],
        ));
    }
    left.push_str(&paragraph(
        left_para,
        &[run(
            &format!("- Lưu: {}.", heading.archive),
            Font::sized(RECIPIENTS_SIZE),
        )],
    ));
    let centred = Para::new(Align::Center);
    let signer = &heading.signer;
    let mut right = String::new();
    for line in [&signer.authority, &signer.title] {
        if !line.is_empty() {
            right.push_str(&paragraph(centred, &[run(line, Font::BODY.bold())]));
        }
    }
    // Room for the signature and the seal, then the name.
    right.push_str(&paragraph(
        centred.before(1700),
        &[run(&signer.name, Font::BODY.bold())],
    ));
    out.push_str(&paragraph(Para::new(Align::Left).before(240), &[]));
    out.push_str(&table_start(&FOOT_COLUMNS, false, 0));
    out.push_str(&format!(
        r#"<w:tr><w:trPr><w:cantSplit/></w:trPr>{}{}</w:tr></w:tbl>"#,
        cell(left_width, &left, CellMerge::None),
        cell(right_width, &right, CellMerge::None)
    ));
}
