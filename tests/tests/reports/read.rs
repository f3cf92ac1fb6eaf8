//! Independent readers for the exported files: calamine for XLSX; for DOCX, `word/document.xml`
//! unzipped and its text pulled out with quick-xml.

use std::io::{Cursor, Read};
use std::path::Path;

use calamine::{Data, Reader, Xlsx};
use quick_xml::events::Event;

/// A workbook as sheet names and, per sheet, its rows of cells.
pub struct Workbook {
    pub sheets: Vec<(String, Vec<Vec<Data>>)>,
}

impl Workbook {
    pub fn open(path: &Path) -> Workbook {
        let bytes = std::fs::read(path).expect("the XLSX file exists");
        let mut workbook: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).expect("calamine opens it");
        let mut sheets = Vec::new();
        for name in workbook.sheet_names() {
            let range = workbook.worksheet_range(&name).expect("the sheet reads");
            sheets.push((name, range.rows().map(<[Data]>::to_vec).collect()));
        }
        Workbook { sheets }
    }

    pub fn names(&self) -> Vec<&str> {
        self.sheets.iter().map(|(n, _)| n.as_str()).collect()
    }

    pub fn rows(&self, sheet: &str) -> &[Vec<Data>] {
        &self
            .sheets
            .iter()
            .find(|(n, _)| n == sheet)
            .unwrap_or_else(|| panic!("no sheet {sheet}: {:?}", self.names()))
            .1
    }

    /// The one row of `sheet` with a cell equal to each of `cells`.
    pub fn row_with(&self, sheet: &str, cells: &[&str]) -> &[Data] {
        let found: Vec<&Vec<Data>> = self
            .rows(sheet)
            .iter()
            .filter(|row| cells.iter().all(|c| row.iter().any(|d| text(d) == *c)))
            .collect();
        assert_eq!(
            found.len(),
            1,
            "one row of {sheet} holds {cells:?}: {found:?}"
        );
        found[0]
    }
}

/// A cell's text ("" for numbers and empty cells).
pub fn text(cell: &Data) -> &str {
    match cell {
        Data::String(s) => s,
        _ => "",
    }
}

/// The text of a DOCX's main part: one line per paragraph outside tables and one per table row,
/// with cells joined by " | " and a cell's paragraphs by " / ".
pub fn docx_text(path: &Path) -> String {
    let bytes = std::fs::read(path).expect("the DOCX file exists");
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).expect("a DOCX is a zip");
    let mut xml = String::new();
    zip.by_name("word/document.xml")
        .expect("the main document part")
        .read_to_string(&mut xml)
        .expect("UTF-8");
    let mut reader = quick_xml::Reader::from_str(&xml);
    let mut out = String::new();
    let mut paragraph = String::new();
    let mut in_text = false;
    let mut cell: Option<Vec<String>> = None;
    let mut row: Vec<String> = Vec::new();
    loop {
        match reader.read_event().expect("well-formed XML") {
            Event::Start(e) => match e.name().as_ref() {
                "w:t" => in_text = true,
                "w:tc" => cell = Some(Vec::new()),
                _ => {}
            },
            Event::End(e) => match e.name().as_ref() {
                "w:t" => in_text = false,
                "w:p" => {
                    let text = std::mem::take(&mut paragraph);
                    match cell.as_mut() {
                        Some(cell) if !text.is_empty() => cell.push(text),
                        Some(_) => {}
                        None => out.push_str(&format!("{text}\n")),
                    }
                }
                "w:tc" => row.push(cell.take().unwrap_or_default().join(" / ")),
                "w:tr" => out.push_str(&format!("{}\n", std::mem::take(&mut row).join(" | "))),
                _ => {}
            },
            Event::Text(t) if in_text => paragraph.push_str(&t.xml10_content()),
            Event::GeneralRef(r) if in_text => {
                paragraph.push_str(match r.xml10_content().as_ref() {
                    "amp" => "&",
                    "lt" => "<",
                    "gt" => ">",
                    "quot" => "\"",
                    "apos" => "'",
                    other => panic!("unexpected entity {other}"),
                });
            }
            Event::Eof => break,
            _ => {}
        }
    }
    out
}
