//! Reading the text form: one block per line; a line with a tab is a table row.

use super::{Block, SourceRef};

/// Splits the text form into blocks. Lines are counted from 1; "\r\n" endings are accepted.
pub fn text_blocks(text: &str) -> Vec<Block> {
    text.split('\n')
        .enumerate()
        .map(|(idx, line)| {
            let line_text = line.strip_suffix('\r').unwrap_or(line);
            let at = SourceRef::Line { line: idx + 1 };
            if line_text.contains('\t') {
                Block::Row {
                    at,
                    cells: line_text.split('\t').map(str::to_string).collect(),
                }
            } else {
                Block::Paragraph {
                    at,
                    text: line_text.to_string(),
                }
            }
        })
        .collect()
}
