//! Reading the DOCX form: the body of `word/document.xml` as paragraphs and table rows.
//!
//! Only in-memory bytes are read (no file access). Horizontally merged cells (`w:gridSpan`) are
//! padded with empty cells so columns line up with the header; vertically merged continuation
//! cells are empty; a table nested in a cell contributes its text to that cell.

use std::io::{Cursor, Read};

use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

use super::{Block, ImportError, SourceRef};

/// The largest `word/document.xml` accepted once decompressed.
const MAX_DOCUMENT_BYTES: u64 = 64 * 1024 * 1024;

/// Reads a DOCX file's body into blocks.
pub fn docx_blocks(bytes: &[u8]) -> Result<Vec<Block>, ImportError> {
    let broken = |why: String| ImportError::whole(format!("broken DOCX: {why}"));
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes))
        .map_err(|e| broken(format!("not a readable zip archive ({e})")))?;
    let entry = archive
        .by_name("word/document.xml")
        .map_err(|_| broken("word/document.xml is missing (is this a Word document?)".into()))?;
    let mut xml = String::new();
    entry
        .take(MAX_DOCUMENT_BYTES + 1)
        .read_to_string(&mut xml)
        .map_err(|e| broken(format!("word/document.xml cannot be read ({e})")))?;
    if xml.len() as u64 > MAX_DOCUMENT_BYTES {
        return Err(broken(format!(
            "word/document.xml is larger than {} MiB",
            MAX_DOCUMENT_BYTES >> 20
        )));
    }
    parse_body(&xml).map_err(|(pos, why)| {
        broken(format!(
            "word/document.xml is not valid at byte {pos}: {why}"
        ))
    })
}

#[derive(Default)]
struct State {
    blocks: Vec<Block>,
    n_paragraphs: usize,
    n_tables: usize,
    n_rows_in_table: usize,
    /// Nesting depth of `w:tbl`; only depth 1 makes rows.
    table_depth: usize,
    row: Option<Vec<String>>,
    cell: Option<String>,
    cell_span: usize,
    paragraph: Option<String>,
    in_text: bool,
    in_deleted: bool,
}

fn parse_body(xml: &str) -> Result<Vec<Block>, (u64, String)> {
    let mut reader = Reader::from_str(xml);
    let mut state = State::default();
    loop {
        let position = reader.buffer_position();
        let event = reader.read_event().map_err(|e| (position, e.to_string()))?;
        match event {
            Event::Start(e) => start(&mut state, &e, false),
            Event::Empty(e) => start(&mut state, &e, true),
            Event::End(e) => end(&mut state, e.local_name().as_ref()),
            Event::Text(t) if state.in_text && !state.in_deleted => {
                // Entity references arrive as their own events, so text needs no unescaping.
                let text = t.xml10_content();
                if let Some(p) = state.paragraph.as_mut() {
                    p.push_str(&text);
                }
            }
            Event::GeneralRef(r) if state.in_text && !state.in_deleted => {
                let name = r.xml10_content();
                let resolved = match name.as_ref() {
                    "amp" => Some('&'),
                    "lt" => Some('<'),
                    "gt" => Some('>'),
                    "quot" => Some('"'),
                    "apos" => Some('\''),
                    n => n
                        .strip_prefix("#x")
                        .and_then(|h| u32::from_str_radix(h, 16).ok())
                        .or_else(|| n.strip_prefix('#').and_then(|d| d.parse().ok()))
                        .and_then(char::from_u32),
                };
                if let (Some(c), Some(p)) = (resolved, state.paragraph.as_mut()) {
                    p.push(c);
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(state.blocks)
}

fn start(state: &mut State, e: &BytesStart<'_>, empty: bool) {
    match e.local_name().as_ref() {
        "tbl" if !empty => {
            state.table_depth += 1;
            if state.table_depth == 1 {
                state.n_tables += 1;
                state.n_rows_in_table = 0;
            }
        }
        "tr" if !empty && state.table_depth == 1 => state.row = Some(Vec::new()),
        "tc" if !empty && state.table_depth == 1 => {
            state.cell = Some(String::new());
            state.cell_span = 1;
        }
        "gridSpan" if state.table_depth == 1 => {
            let span = e
                .attributes()
                .flatten()
                .find(|a| a.key.local_name().as_ref() == "val")
                .and_then(|a| a.value.parse::<usize>().ok());
            state.cell_span = span.unwrap_or(1).clamp(1, 64);
        }
        "p" => {
            if empty {
                state.paragraph = Some(String::new());
                end(state, "p");
            } else {
                state.paragraph = Some(String::new());
            }
        }
        "t" if !empty => state.in_text = true,
        "del" if !empty => state.in_deleted = true,
        "tab" if !state.in_deleted => push_char(state, ' '),
        "br" | "cr" if !state.in_deleted => push_char(state, '\n'),
        _ => {}
    }
}

fn push_char(state: &mut State, c: char) {
    if let Some(p) = state.paragraph.as_mut() {
        p.push(c);
    }
}

fn end(state: &mut State, name: &str) {
    match name {
        "t" => state.in_text = false,
        "del" => state.in_deleted = false,
        "p" => {
            let Some(text) = state.paragraph.take() else {
                return;
            };
            if let Some(cell) = state.cell.as_mut() {
                // Paragraphs of a cell (and of tables nested in it) become its lines.
                if !cell.is_empty() {
                    cell.push('\n');
                }
                cell.push_str(&text);
            } else if state.table_depth == 0 {
                state.n_paragraphs += 1;
                state.blocks.push(Block::Paragraph {
                    at: SourceRef::Paragraph {
                        paragraph: state.n_paragraphs,
                    },
                    text,
                });
            }
        }
        "tc" if state.table_depth == 1 => {
            if let (Some(cell), Some(row)) = (state.cell.take(), state.row.as_mut()) {
                row.push(cell);
                row.extend(std::iter::repeat_n(String::new(), state.cell_span - 1));
            }
        }
        "tr" if state.table_depth == 1 => {
            if let Some(cells) = state.row.take() {
                state.n_rows_in_table += 1;
                state.blocks.push(Block::Row {
                    at: SourceRef::TableRow {
                        table: state.n_tables,
                        row: state.n_rows_in_table,
                    },
                    cells,
                });
            }
        }
        "tbl" => state.table_depth = state.table_depth.saturating_sub(1),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NS: &str = r#"xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main""#;

    #[test]
    fn paragraphs_rows_and_spans() {
        let xml = format!(
            r#"<w:document {NS}><w:body>
            <w:p><w:r><w:t>PHỤ LỤC</w:t></w:r></w:p>
            <w:tbl><w:tr>
              <w:tc><w:p><w:r><w:t>I</w:t></w:r></w:p></w:tc>
              <w:tc><w:tcPr><w:gridSpan w:val="2"/></w:tcPr><w:p><w:r><w:t xml:space="preserve">A &amp; B</w:t></w:r></w:p></w:tc>
              <w:tc><w:p><w:r><w:t>x</w:t></w:r><w:r><w:br/><w:t>y</w:t></w:r></w:p><w:p><w:r><w:t>z</w:t></w:r></w:p></w:tc>
            </w:tr></w:tbl>
            <w:p><w:r><w:t>kept</w:t></w:r><w:del><w:r><w:delText>gone</w:delText></w:r></w:del></w:p>
            </w:body></w:document>"#
        );
        let blocks = parse_body(&xml).unwrap();
        assert_eq!(
            blocks,
            vec![
                Block::Paragraph {
                    at: SourceRef::Paragraph { paragraph: 1 },
                    text: "PHỤ LỤC".into()
                },
                Block::Row {
                    at: SourceRef::TableRow { table: 1, row: 1 },
                    cells: vec!["I".into(), "A & B".into(), "".into(), "x\ny\nz".into()],
                },
                Block::Paragraph {
                    at: SourceRef::Paragraph { paragraph: 2 },
                    text: "kept".into()
                },
            ]
        );
    }

    #[test]
    fn not_a_zip_is_a_clear_error() {
        let err = docx_blocks(b"PK\x03\x04 not really").unwrap_err();
        assert!(
            err.to_string()
                .starts_with("broken DOCX: not a readable zip archive"),
            "{err}"
        );
    }
}
