//! WordprocessingML markup: runs, paragraphs, cells and tables as strings, with text escaped.

/// A run's font: bold, italic and its size in half points (0 keeps the style's 14 pt).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Font {
    pub bold: bool,
    pub italic: bool,
    pub size: u32,
}

impl Font {
    /// The body's font (14 pt).
    pub const BODY: Font = Font {
        bold: false,
        italic: false,
        size: 0,
    };

    pub const fn sized(size: u32) -> Font {
        Font {
            bold: false,
            italic: false,
            size,
        }
    }

    pub const fn bold(self) -> Font {
        Font { bold: true, ..self }
    }

    pub const fn italic(self) -> Font {
        Font {
            italic: true,
            ..self
        }
    }
}

/// A run of text in `font`.
pub fn run(text: &str, font: Font) -> String {
    format!(
        r#"<w:r>{}<w:t xml:space="preserve">{}</w:t></w:r>"#,
        run_props(font),
        escape(text)
    )
}

fn run_props(font: Font) -> String {
    let mut props = String::new();
    if font.bold {
        props.push_str("<w:b/><w:bCs/>");
    }
    if font.italic {
        props.push_str("<w:i/><w:iCs/>");
    }
    if font.size > 0 {
        props.push_str(&format!(
            r#"<w:sz w:val="{0}"/><w:szCs w:val="{0}"/>"#,
            font.size
        ));
    }
    if props.is_empty() {
        String::new()
    } else {
        format!("<w:rPr>{props}</w:rPr>")
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    Left,
    Center,
    Both,
}

/// A paragraph's properties; lengths in twentieths of a point.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Para {
    pub align: Align,
    pub before: u32,
    pub after: u32,
    /// First-line indent.
    pub first_line: u32,
    pub indent_left: u32,
    pub indent_right: u32,
    /// Kept on the page of the next paragraph (headings).
    pub keep_next: bool,
    /// A rule along the paragraph's bottom, as wide as the paragraph between its indents.
    pub rule: bool,
    /// An exact line height, 0 for the style's.
    pub exact_line: u32,
    /// The size of the paragraph mark (half points), 0 for the style's.
    pub mark_size: u32,
}

impl Para {
    pub const fn new(align: Align) -> Para {
        Para {
            align,
            before: 0,
            after: 0,
            first_line: 0,
            indent_left: 0,
            indent_right: 0,
            keep_next: false,
            rule: false,
            exact_line: 0,
            mark_size: 0,
        }
    }

    pub const fn before(self, before: u32) -> Para {
        Para { before, ..self }
    }

    pub const fn first_line(self, first_line: u32) -> Para {
        Para { first_line, ..self }
    }

    pub const fn keep_next(self) -> Para {
        Para {
            keep_next: true,
            ..self
        }
    }
}

/// A paragraph of runs.
pub fn paragraph(props: Para, runs: &[String]) -> String {
    format!("<w:p>{}{}</w:p>", paragraph_props(props, ""), runs.concat())
}

/// The paragraph that ends a section: its properties carry the section's (`sect_pr`).
pub fn section_end(sect_pr: &str) -> String {
    format!(
        "<w:p>{}</w:p>",
        paragraph_props(Para::new(Align::Left), sect_pr)
    )
}

fn paragraph_props(props: Para, sect_pr: &str) -> String {
    let mut out = String::from("<w:pPr>");
    if props.keep_next {
        out.push_str("<w:keepNext/>");
    }
    if props.rule {
        out.push_str(
            r#"<w:pBdr><w:bottom w:val="single" w:sz="6" w:space="1" w:color="000000"/></w:pBdr>"#,
        );
    }
    let line = if props.exact_line > 0 {
        format!(r#" w:line="{}" w:lineRule="exact""#, props.exact_line)
    } else {
        String::new()
    };
    out.push_str(&format!(
        r#"<w:spacing w:before="{}" w:after="{}"{line}/>"#,
        props.before, props.after
    ));
    if props.first_line > 0 || props.indent_left > 0 || props.indent_right > 0 {
        out.push_str(&format!(
            r#"<w:ind w:left="{}" w:right="{}" w:firstLine="{}"/>"#,
            props.indent_left, props.indent_right, props.first_line
        ));
    }
    let align = match props.align {
        Align::Left => "left",
        Align::Center => "center",
        Align::Both => "both",
    };
    out.push_str(&format!(r#"<w:jc w:val="{align}"/>"#));
    if props.mark_size > 0 {
        out.push_str(&run_props(Font::sized(props.mark_size)));
    }
    out.push_str(sect_pr);
    out.push_str("</w:pPr>");
    out
}

/// An empty paragraph drawing a rule `length` long, centred in a space `width` wide.
pub fn rule(width: u32, length: u32) -> String {
    let margins = width.saturating_sub(length);
    paragraph(
        Para {
            indent_left: margins / 2,
            indent_right: margins - margins / 2,
            rule: true,
            exact_line: 40,
            mark_size: 4,
            ..Para::new(Align::Center)
        },
        &[],
    )
}

/// How a cell takes part in a vertical merge.
#[derive(Debug, Clone, Copy)]
pub enum CellMerge {
    None,
    Start,
    Continue,
}

pub fn cell(width: u32, content: &str, merge: CellMerge) -> String {
    let merge = match merge {
        CellMerge::None => "",
        CellMerge::Start => r#"<w:vMerge w:val="restart"/>"#,
        CellMerge::Continue => "<w:vMerge/>",
    };
    format!(r#"<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/>{merge}</w:tcPr>{content}</w:tc>"#)
}

/// A table's opening (properties and grid) for columns of `widths`: ruled or without borders,
/// with `cell_margin` left and right in each cell.
pub fn table_start(widths: &[u32], ruled: bool, cell_margin: u32) -> String {
    let style = if ruled { "single" } else { "nil" };
    let borders: String = ["top", "left", "bottom", "right", "insideH", "insideV"]
        .map(|side| {
            if ruled {
                format!(r#"<w:{side} w:val="{style}" w:sz="4" w:space="0" w:color="000000"/>"#)
            } else {
                format!(r#"<w:{side} w:val="{style}"/>"#)
            }
        })
        .concat();
    let total: u32 = widths.iter().sum();
    let grid: String = widths
        .iter()
        .map(|w| format!(r#"<w:gridCol w:w="{w}"/>"#))
        .collect();
    format!(
        r#"<w:tbl><w:tblPr><w:tblW w:w="{total}" w:type="dxa"/><w:jc w:val="center"/><w:tblBorders>{borders}</w:tblBorders><w:tblLayout w:type="fixed"/><w:tblCellMar><w:left w:w="{cell_margin}" w:type="dxa"/><w:right w:w="{cell_margin}" w:type="dxa"/></w:tblCellMar></w:tblPr><w:tblGrid>{grid}</w:tblGrid>"#
    )
}

/// Escapes text for XML character data and attribute values; drops characters XML 1.0 forbids.
pub fn escape(text: &str) -> String {
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
