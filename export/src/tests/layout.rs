//! The DOCX's layout read from its XML (an element tree built with quick-xml): the page, the
//! fonts, the heading block with its rules, the body's paragraphs, "Nơi nhận" beside the
//! signature, the page numbers from page 2 on, and the landscape appendices; and the same
//! report written twice giving the same bytes, DOCX and XLSX.

use std::io::{Cursor, Read};

use quick_xml::events::{BytesStart, Event};
use shared::report::Report;

use super::{heading, sample};
use crate::docx::{self, text_width};
use crate::{render, xlsx, ReportFormat};

/// An XML element: its name, attributes, text and children.
#[derive(Debug, Default)]
struct Node {
    name: String,
    attrs: Vec<(String, String)>,
    text: String,
    children: Vec<Node>,
}

impl Node {
    fn parse(xml: &str) -> Node {
        let mut reader = quick_xml::Reader::from_str(xml);
        let mut stack = vec![Node::default()];
        let open = |e: &BytesStart<'_>| Node {
            name: e.name().as_ref().to_string(),
            attrs: e
                .attributes()
                .map(|a| {
                    let a = a.expect("a well-formed attribute");
                    (
                        a.key.as_ref().to_string(),
                        a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                            .expect("escaped")
                            .into_owned(),
                    )
                })
                .collect(),
            ..Node::default()
        };
        loop {
            match reader.read_event().expect("well-formed XML") {
                Event::Start(e) => stack.push(open(&e)),
                Event::Empty(e) => {
                    let node = open(&e);
                    stack.last_mut().unwrap().children.push(node);
                }
                Event::End(_) => {
                    let node = stack.pop().unwrap();
                    stack.last_mut().unwrap().children.push(node);
                }
                Event::Text(t) => stack.last_mut().unwrap().text.push_str(&t.xml10_content()),
                Event::GeneralRef(r) => {
                    let name = r.xml10_content();
                    stack
                        .last_mut()
                        .unwrap()
                        .text
                        .push_str(match name.as_ref() {
                            "amp" => "&",
                            "lt" => "<",
                            "gt" => ">",
                            "quot" => "\"",
                            other => panic!("unexpected entity {other}"),
                        });
                }
                Event::Eof => break,
                _ => {}
            }
        }
        assert_eq!(stack.len(), 1, "every element is closed");
        stack.pop().unwrap().children.pop().expect("a root element")
    }

    fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// A numeric attribute that must be there.
    fn num(&self, name: &str) -> u32 {
        self.attr(name)
            .unwrap_or_else(|| panic!("{} has {name}", self.name))
            .parse()
            .unwrap()
    }

    fn child(&self, name: &str) -> Option<&Node> {
        self.children.iter().find(|c| c.name == name)
    }

    fn children_named<'n>(&'n self, name: &'n str) -> impl Iterator<Item = &'n Node> + 'n {
        self.children.iter().filter(move |c| c.name == name)
    }

    /// Every descendant named `name`, in document order.
    fn all<'n>(&'n self, name: &str) -> Vec<&'n Node> {
        let mut out = Vec::new();
        for child in &self.children {
            if child.name == name {
                out.push(child);
            }
            out.extend(child.all(name));
        }
        out
    }

    /// The text of the `w:t` elements inside.
    fn text(&self) -> String {
        self.all("w:t").iter().map(|t| t.text.as_str()).collect()
    }

    /// `path` of child names from here ("w:pPr/w:jc").
    fn at(&self, path: &str) -> Option<&Node> {
        path.split('/')
            .try_fold(self, |node, name| node.child(name))
    }
}

/// A paragraph as read: text, alignment, and its runs' bold, italic and size.
#[derive(Debug)]
struct Paragraph<'n> {
    node: &'n Node,
}

impl<'n> Paragraph<'n> {
    fn text(&self) -> String {
        self.node.text()
    }

    fn align(&self) -> Option<&str> {
        self.node.at("w:pPr/w:jc").and_then(|n| n.attr("w:val"))
    }

    /// The runs with text.
    fn runs(&self) -> Vec<&'n Node> {
        self.node
            .children_named("w:r")
            .filter(|r| r.child("w:t").is_some_and(|t| !t.text.is_empty()))
            .collect()
    }

    fn all_runs(&self, property: &str) -> bool {
        let runs = self.runs();
        !runs.is_empty()
            && runs
                .iter()
                .all(|r| r.at(&format!("w:rPr/{property}")).is_some())
    }

    fn no_run(&self, property: &str) -> bool {
        self.runs()
            .iter()
            .all(|r| r.at(&format!("w:rPr/{property}")).is_none())
    }

    fn bold(&self) -> bool {
        self.all_runs("w:b")
    }

    fn italic(&self) -> bool {
        self.all_runs("w:i")
    }

    /// The runs' size in half points (the style's 28 when they set none); one size for all.
    fn size(&self) -> u32 {
        let sizes: Vec<u32> = self
            .runs()
            .iter()
            .map(|r| r.at("w:rPr/w:sz").map_or(28, |s| s.num("w:val")))
            .collect();
        assert!(
            sizes.windows(2).all(|w| w[0] == w[1]),
            "one size in {:?}",
            self.text()
        );
        sizes.first().copied().unwrap_or(28)
    }

    /// The length of the paragraph's bottom rule in a space `width` wide, if it draws one.
    fn rule(&self, width: u32) -> Option<u32> {
        let bottom = self.node.at("w:pPr/w:pBdr/w:bottom")?;
        assert_eq!(bottom.attr("w:val"), Some("single"), "a solid rule");
        let ind = self.node.at("w:pPr/w:ind");
        let left = ind.map_or(0, |i| i.num("w:left"));
        let right = ind.map_or(0, |i| i.num("w:right"));
        assert!(self.text().is_empty(), "a rule stands alone");
        Some(width - left - right)
    }

    fn spacing_before(&self) -> u32 {
        self.node
            .at("w:pPr/w:spacing")
            .map_or(0, |s| s.num("w:before"))
    }
}

/// The DOCX's parts by name.
struct Docx {
    parts: Vec<(String, String)>,
}

impl Docx {
    fn open(bytes: Vec<u8>) -> Docx {
        let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).expect("a zip");
        let mut parts = Vec::new();
        for idx in 0..zip.len() {
            let mut file = zip.by_index(idx).unwrap();
            let mut text = String::new();
            file.read_to_string(&mut text).unwrap();
            parts.push((file.name().unwrap().to_string(), text));
        }
        Docx { parts }
    }

    fn part(&self, name: &str) -> Node {
        let (_, xml) = self
            .parts
            .iter()
            .find(|(n, _)| n == name)
            .unwrap_or_else(|| panic!("no part {name}"));
        Node::parse(xml)
    }

    /// The part a relationship id of the main document points to.
    fn related(&self, id: &str) -> Node {
        let rels = self.part("word/_rels/document.xml.rels");
        let target = rels
            .children_named("Relationship")
            .find(|r| r.attr("Id") == Some(id))
            .and_then(|r| r.attr("Target"))
            .unwrap_or_else(|| panic!("no relationship {id}"));
        self.part(&format!("word/{target}"))
    }
}

fn written(report: &Report) -> (Docx, Node) {
    let docx = Docx::open(docx::write(report, &heading(report)));
    let document = docx.part("word/document.xml");
    (docx, document)
}

fn body(document: &Node) -> &Node {
    document.child("w:body").expect("a body")
}

/// The sections' properties in order: those ending a section in a paragraph, then the body's.
fn sections(document: &Node) -> Vec<&Node> {
    let body = body(document);
    let mut out: Vec<&Node> = body
        .children_named("w:p")
        .filter_map(|p| p.at("w:pPr/w:sectPr"))
        .collect();
    out.push(
        body.child("w:sectPr")
            .expect("the last section's properties"),
    );
    out
}

/// The paragraphs of a table cell.
fn cell_paragraphs(cell: &Node) -> Vec<Paragraph<'_>> {
    cell.children_named("w:p")
        .map(|node| Paragraph { node })
        .collect()
}

/// The table's one row's cells.
fn only_row_cells(table: &Node) -> Vec<&Node> {
    let rows: Vec<&Node> = table.children_named("w:tr").collect();
    assert_eq!(rows.len(), 1, "one row: the two blocks stand level");
    rows[0].children_named("w:tc").collect()
}

fn cell_width(cell: &Node) -> u32 {
    cell.at("w:tcPr/w:tcW").unwrap().num("w:w")
}

fn assert_borderless(table: &Node) {
    let borders = table.at("w:tblPr/w:tblBorders").expect("borders set");
    assert_eq!(borders.children.len(), 6, "every side is set");
    for side in &borders.children {
        assert_eq!(
            side.attr("w:val"),
            Some("nil"),
            "{} is not drawn",
            side.name
        );
    }
}

#[test]
fn the_page_is_a4_portrait_with_decree_30_margins_and_landscape_appendices() {
    let report = sample(None);
    let (_, document) = written(&report);
    let sections = sections(&document);
    assert_eq!(
        sections.len(),
        1 + report.indexes.len(),
        "the report, then one section per appendix"
    );
    for (idx, section) in sections.iter().enumerate() {
        let size = section.child("w:pgSz").unwrap();
        let landscape = idx > 0;
        let (width, height) = if landscape {
            (16838, 11906)
        } else {
            (11906, 16838)
        };
        assert_eq!(
            (size.num("w:w"), size.num("w:h")),
            (width, height),
            "A4, landscape only for the appendices"
        );
        assert_eq!(
            size.attr("w:orient"),
            landscape.then_some("landscape"),
            "section {idx}"
        );
        let margins = section.child("w:pgMar").unwrap();
        // 1 mm is 56.7 twentieths of a point.
        for (side, range) in [
            ("w:top", 1134..=1418),
            ("w:bottom", 1134..=1418),
            ("w:left", 1701..=1985),
            ("w:right", 850..=1134),
        ] {
            assert!(
                range.contains(&margins.num(side)),
                "{side} {} within Decree 30's {range:?}",
                margins.num(side)
            );
        }
        assert!(
            margins.num("w:header") < margins.num("w:top"),
            "the page number sits in the top margin"
        );
    }
}

#[test]
fn the_text_is_times_new_roman_with_a_14_pt_body() {
    let docx = Docx::open(docx::write(&sample(None), &heading(&sample(None))));
    let styles = docx.part("word/styles.xml");
    let defaults = styles.at("w:docDefaults/w:rPrDefault/w:rPr").unwrap();
    let fonts = defaults.child("w:rFonts").unwrap();
    for script in ["w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"] {
        assert_eq!(fonts.attr(script), Some("Times New Roman"), "{script}");
    }
    let size = defaults.child("w:sz").unwrap().num("w:val");
    assert!((26..=28).contains(&size), "13-14 pt: {size}");
    assert_eq!(
        defaults.at("w:color").unwrap().attr("w:val"),
        Some("000000")
    );
    // No run picks another font.
    let document = docx.part("word/document.xml");
    assert!(document.all("w:rFonts").is_empty(), "one font throughout");
}

#[test]
fn the_heading_block_is_a_borderless_table_with_the_issuer_and_the_national_motto() {
    let report = sample(None);
    let (_, document) = written(&report);
    let table = body(&document).children.first().expect("the body's start");
    assert_eq!(table.name, "w:tbl", "the heading block comes first");
    assert_borderless(table);
    assert_eq!(table.at("w:tblGrid").unwrap().children.len(), 2);
    let cells = only_row_cells(table);
    assert_eq!(cells.len(), 2);

    let (left_width, left) = (cell_width(cells[0]), cell_paragraphs(cells[0]));
    let texts: Vec<String> = left.iter().map(Paragraph::text).collect();
    assert_eq!(
        texts,
        [
            "UBND TỈNH TUYÊN QUANG",
            "SỞ XÂY DỰNG",
            "",
            "Số:      /BC-SXD"
        ]
    );
    assert!(
        left[0].no_run("w:b") && (24..=26).contains(&left[0].size()),
        "the parent agency in regular capitals, 12-13 pt"
    );
    assert!(
        left[1].bold() && (24..=26).contains(&left[1].size()),
        "the issuing agency in bold capitals"
    );
    let agency_width = text_width("SỞ XÂY DỰNG", left[1].size(), true);
    let rule = left[2].rule(left_width).expect("a rule under the agency");
    assert!(
        agency_width / 3 <= rule && rule <= agency_width / 2,
        "1/3 to 1/2 of the agency's name ({agency_width}): {rule}"
    );
    assert!(left[3].no_run("w:b") && left[3].no_run("w:i"));

    let (right_width, right) = (cell_width(cells[1]), cell_paragraphs(cells[1]));
    let texts: Vec<String> = right.iter().map(Paragraph::text).collect();
    assert_eq!(
        texts,
        [
            "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
            "Độc lập - Tự do - Hạnh phúc",
            "",
            "Tuyên Quang, ngày 20 tháng 9 năm 2026",
        ]
    );
    assert!(right[0].bold() && (24..=26).contains(&right[0].size()));
    assert!(right[1].bold() && (26..=28).contains(&right[1].size()));
    assert_eq!(
        right[2].rule(right_width),
        Some(text_width(
            "Độc lập - Tự do - Hạnh phúc",
            right[1].size(),
            true
        )),
        "the tagline's rule is as long as the tagline"
    );
    assert!(
        right[3].italic() && right[3].no_run("w:b"),
        "the date line in italics"
    );
    for paragraph in left.iter().chain(&right) {
        assert_eq!(paragraph.align(), Some("center"), "{:?}", paragraph.text());
    }
}

/// The body's paragraphs outside tables, in order.
fn body_paragraphs(document: &Node) -> Vec<Paragraph<'_>> {
    body(document)
        .children_named("w:p")
        .map(|node| Paragraph { node })
        .collect()
}

#[test]
fn the_title_the_subject_with_its_rule_and_kinh_gui_come_before_the_body() {
    let report = sample(None);
    let (_, document) = written(&report);
    let paragraphs = body_paragraphs(&document);
    let title = &paragraphs[0];
    assert_eq!(title.text(), "BÁO CÁO");
    assert!(title.bold() && title.align() == Some("center"));
    let subject = &paragraphs[1];
    assert_eq!(subject.text(), report.subtitle);
    assert!(subject.bold() && subject.align() == Some("center"));
    let rule = paragraphs[2]
        .rule(docx::TEXT_WIDTH)
        .expect("a short rule under the subject");
    assert!(rule > 0 && rule <= docx::TEXT_WIDTH / 2, "short: {rule}");
    assert_eq!(
        paragraphs[3].text(),
        "Kính gửi: Ủy ban nhân dân tỉnh Tuyên Quang."
    );
}

#[test]
fn the_body_is_justified_with_indented_first_lines_and_ends_with_the_closing_mark() {
    let report = sample(None);
    let (_, document) = written(&report);
    let paragraphs = body_paragraphs(&document);
    let start = paragraphs
        .iter()
        .position(|p| p.text().starts_with("Thực hiện Kế hoạch"))
        .expect("the opening");
    let end = paragraphs
        .iter()
        .position(|p| p.text().ends_with("./."))
        .expect("the closing mark");
    assert!(start < end);
    for paragraph in &paragraphs[start..=end] {
        let text = paragraph.text();
        assert_eq!(paragraph.align(), Some("both"), "justified: {text}");
        let indent = paragraph.node.at("w:pPr/w:ind").unwrap().num("w:firstLine");
        assert!(
            (567..=720).contains(&indent),
            "first line indented 1-1.27 cm: {text}"
        );
        assert!(paragraph.spacing_before() >= 120, "6 pt between: {text}");
        assert!((26..=28).contains(&paragraph.size()), "13-14 pt: {text}");
    }
    let texts: Vec<String> = paragraphs[start..=end]
        .iter()
        .map(Paragraph::text)
        .collect();
    let parts: Vec<&String> = texts
        .iter()
        .filter(|t| {
            ["I. ", "II. ", "III. ", "IV. ", "V. "]
                .iter()
                .any(|p| t.starts_with(p))
        })
        .collect();
    assert_eq!(
        parts,
        [
            "I. CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH VÀ TỔ CHỨC THỰC HIỆN",
            "II. KẾT QUẢ THỰC HIỆN CÁC NHIỆM VỤ",
            "III. ĐÁNH GIÁ CHUNG",
            "IV. PHƯƠNG HƯỚNG, NHIỆM VỤ KỲ TỚI",
            "V. ĐỀ XUẤT, KIẾN NGHỊ",
        ]
    );
    for part in &paragraphs[start..=end] {
        if parts.contains(&&part.text()) {
            assert!(part.bold(), "{} in bold", part.text());
        }
    }
    assert!(
        texts[1] == "Số liệu tính từ ngày 15/6/2026 đến ngày 14/9/2026.",
        "the data window under the opening: {texts:?}"
    );
}

#[test]
fn the_recipients_stand_level_with_the_signature() {
    let report = sample(None);
    let (_, document) = written(&report);
    let table = body(&document)
        .children_named("w:tbl")
        .nth(1)
        .expect("the foot after the heading block");
    assert_borderless(table);
    let cells = only_row_cells(table);
    let left = cell_paragraphs(cells[0]);
    assert_eq!(left[0].text(), "Nơi nhận:");
    assert!(
        left[0].bold() && left[0].italic() && left[0].size() == 24,
        "bold italic 12 pt"
    );
    let recipients: Vec<String> = left[1..].iter().map(Paragraph::text).collect();
    assert_eq!(
        recipients,
        [
            "- Như trên;",
            "- Sở Nội vụ;",
            "- Giám đốc, các Phó Giám đốc Sở;",
            "- Các phòng, ban, đơn vị thuộc Sở;",
            "- Lưu: VT, VP.",
        ]
    );
    assert!(left[1..].iter().all(|p| p.size() == 22), "11 pt");
    let right = cell_paragraphs(cells[1]);
    let signer: Vec<String> = right.iter().map(Paragraph::text).collect();
    assert_eq!(signer, ["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", "Trần Văn Sang"]);
    assert!(right
        .iter()
        .all(|p| p.bold() && p.align() == Some("center")));
    assert!(
        right[2].spacing_before() >= 1000,
        "room to sign above the name"
    );
}

#[test]
fn page_numbers_are_centred_in_the_header_from_page_2_on() {
    let report = sample(None);
    let (docx, document) = written(&report);
    let sections = sections(&document);
    let first = sections[0];
    assert!(
        first.child("w:titlePg").is_some(),
        "page 1 has a header of its own"
    );
    let reference = |section: &Node, kind: &str| {
        section
            .children_named("w:headerReference")
            .find(|h| h.attr("w:type") == Some(kind))
            .and_then(|h| h.attr("r:id"))
            .map(str::to_string)
    };
    let first_page = docx.related(&reference(first, "first").expect("a first-page header"));
    assert!(
        first_page.text().is_empty() && first_page.all("w:fldChar").is_empty(),
        "no number on page 1"
    );
    for section in &sections {
        let header = docx.related(&reference(section, "default").expect("a header"));
        let instructions: Vec<&str> = header
            .all("w:instrText")
            .iter()
            .map(|i| i.text.trim())
            .collect();
        assert_eq!(instructions, ["PAGE"], "the page number");
        let paragraph = Paragraph {
            node: header.child("w:p").unwrap(),
        };
        assert_eq!(paragraph.align(), Some("center"));
    }
    for later in &sections[1..] {
        assert!(later.child("w:titlePg").is_none(), "numbered on every page");
    }
    let types = docx.part("[Content_Types].xml");
    let headers = types
        .children_named("Override")
        .filter(|o| {
            o.attr("ContentType")
                .is_some_and(|t| t.ends_with("header+xml"))
        })
        .count();
    assert_eq!(headers, 2);
}

#[test]
fn each_appendix_cites_the_report_and_repeats_its_table_header() {
    let report = sample(None);
    let (_, document) = written(&report);
    let paragraphs = body_paragraphs(&document);
    let texts: Vec<String> = paragraphs.iter().map(Paragraph::text).collect();
    for (number, index) in ["I", "II"].iter().zip(&report.indexes) {
        let at = texts
            .iter()
            .position(|t| *t == format!("Phụ lục {number}"))
            .unwrap_or_else(|| panic!("Phụ lục {number}: {texts:?}"));
        assert_eq!(texts[at + 1], index.title);
        assert_eq!(
            texts[at + 2],
            "(Kèm theo Báo cáo số      /BC-SXD ngày 20/09/2026 của Sở Xây dựng)"
        );
        assert!(paragraphs[at].bold() && paragraphs[at + 2].italic());
    }
    let tables: Vec<&Node> = body(&document).children_named("w:tbl").collect();
    assert_eq!(tables.len(), 2 + report.indexes.len());
    for table in &tables[2..] {
        let header = table.child("w:tr").unwrap();
        assert!(
            header.at("w:trPr/w:tblHeader").is_some(),
            "repeated on every page"
        );
        let width: u32 = table
            .at("w:tblGrid")
            .unwrap()
            .children
            .iter()
            .map(|c| c.num("w:w"))
            .sum();
        assert_eq!(
            width,
            docx::LANDSCAPE_TEXT_WIDTH,
            "the landscape page's width"
        );
    }
}

#[test]
fn the_same_report_gives_the_same_bytes() {
    let report = sample(None);
    let heading = heading(&report);
    let first = [ReportFormat::Docx, ReportFormat::Xlsx]
        .map(|f| render(&report, &heading, f, None).unwrap());
    // A clock read anywhere would show in the second's timestamps.
    std::thread::sleep(std::time::Duration::from_millis(1100));
    let second = [ReportFormat::Docx, ReportFormat::Xlsx]
        .map(|f| render(&report, &heading, f, None).unwrap());
    assert!(first[0] == second[0], "the DOCX is byte-identical");
    assert!(first[1] == second[1], "the XLSX is byte-identical");

    for bytes in &first {
        let mut zip = zip::ZipArchive::new(Cursor::new(bytes.clone())).unwrap();
        for idx in 0..zip.len() {
            let file = zip.by_index(idx).unwrap();
            let time = file.last_modified().expect("a date");
            assert_eq!(
                (
                    time.year(),
                    time.month(),
                    time.day(),
                    time.hour(),
                    time.minute()
                ),
                (1980, 1, 1, 0, 0),
                "{} is dated 1980-01-01",
                file.name().unwrap()
            );
        }
    }
    let mut zip = zip::ZipArchive::new(Cursor::new(first[1].clone())).unwrap();
    let mut core = String::new();
    zip.by_name("docProps/core.xml")
        .unwrap()
        .read_to_string(&mut core)
        .unwrap();
    assert!(
        core.contains(">2026-09-20T00:00:00Z<"),
        "the workbook is dated the report's day: {core}"
    );
    let sheets = xlsx::write(&report).unwrap();
    assert!(sheets == first[1], "render and write agree");
}

/// What the report was built from is recorded in both files' custom properties and read back
/// as written; with it the bytes are still the same every time.
#[test]
fn the_sources_are_recorded_in_docx_and_xlsx_and_read_back() {
    use crate::sources::{ReportSources, SourceDocument, UnitSources};
    let report = sample(None);
    let heading = heading(&report);
    let doc = |id: &str, n: u8| SourceDocument {
        id: id.into(),
        heads: vec![format!("{n:02x}").repeat(32)],
    };
    let sources = ReportSources {
        period: report.period,
        today: report.today,
        unit: None,
        plan: doc("plan-doc", 1),
        units: vec![UnitSources {
            code: "QLHT".into(),
            name: "Phòng Quản lý hạ tầng".into(),
            records: doc("records-qlht", 2),
            review: Some(doc("review-qlht", 3)),
        }],
    };
    for format in [ReportFormat::Docx, ReportFormat::Xlsx] {
        let bytes = render(&report, &heading, format, Some(&sources)).unwrap();
        let (read, read_format) = ReportSources::read(&bytes).unwrap();
        assert_eq!((read, read_format), (sources.clone(), format));
        assert!(
            bytes == render(&report, &heading, format, Some(&sources)).unwrap(),
            "{format:?} with its sources is byte-identical"
        );
        let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
        let mut types = String::new();
        zip.by_name("[Content_Types].xml")
            .unwrap()
            .read_to_string(&mut types)
            .unwrap();
        assert!(types.contains("/docProps/custom.xml"), "{types}");
    }
    let plain = render(&report, &heading, ReportFormat::Docx, None).unwrap();
    let err = ReportSources::read(&plain).unwrap_err();
    assert!(format!("{err:#}").contains("records no sources"), "{err:#}");
}

#[test]
fn any_text_is_escaped_into_well_formed_xml() {
    let nasty = "A <b>&amp;</b> \"quoted\" 'single' \u{0}\u{1}\u{b}\u{FFFE}\u{FFFF} tab\there\nline ]]> Ứng";
    let mut report = sample(None);
    report.subtitle = nasty.into();
    report.plan.title = nasty.into();
    let task = &mut report.indexes[0].sections[0].tasks[0];
    task.title = nasty.into();
    task.units[0].result = nasty.into();
    task.units[0].unit_name = nasty.into();
    task.units[1].proposals = nasty.into();
    let mut heading = heading(&report);
    heading.agency = nasty.into();
    heading.recipients.push(nasty.into());
    heading.signer.name = nasty.into();
    let docx = Docx::open(docx::write(&report, &heading));
    // Parsing panics on anything that is not well-formed.
    let document = docx.part("word/document.xml");
    let kept = "A <b>&amp;</b> \"quoted\" 'single'  tab here line ]]> Ứng";
    let texts: Vec<String> = document.all("w:p").iter().map(|p| p.text()).collect();
    assert!(
        texts.iter().any(|t| t == kept),
        "the text survives, control characters dropped: {texts:?}"
    );
    assert!(
        texts.iter().any(|t| *t == kept.to_uppercase()),
        "the agency in capitals"
    );
}
