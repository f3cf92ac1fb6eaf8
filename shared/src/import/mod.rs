//! Plan import: the text form (tab-separated appendix tables, as in the seed) and the DOCX form
//! in which plans are issued.
//!
//! Both forms are first read into a list of [`Block`]s (paragraphs and table rows, each with
//! where it came from); [`assemble`] then builds the [`Plan`] from blocks alone, so the two forms
//! share every rule about headers, continuation rows, sections and tasks.

pub(crate) mod assemble;
mod cell;
#[cfg(feature = "docx")]
mod docx;
mod text;

use serde::{Deserialize, Serialize};
use std::fmt;

use crate::plan::{Plan, TaskId};

pub use assemble::assemble;
pub use cell::clean_cell;
#[cfg(feature = "docx")]
pub use docx::docx_blocks;
pub use text::text_blocks;

/// Where a block came from in the source document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(tag = "form", rename_all = "snake_case")]
pub enum SourceRef {
    /// A line of the text form, counted from 1.
    Line { line: usize },
    /// A body paragraph of a DOCX, counted from 1.
    Paragraph { paragraph: usize },
    /// A row of a DOCX table, both counted from 1.
    TableRow { table: usize, row: usize },
}

impl fmt::Display for SourceRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SourceRef::Line { line } => write!(f, "line {line}"),
            SourceRef::Paragraph { paragraph } => write!(f, "paragraph {paragraph}"),
            SourceRef::TableRow { table, row } => write!(f, "table {table}, row {row}"),
        }
    }
}

/// One paragraph or one table row of the source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    Paragraph { at: SourceRef, text: String },
    Row { at: SourceRef, cells: Vec<String> },
}

impl Block {
    pub fn at(&self) -> SourceRef {
        match self {
            Block::Paragraph { at, .. } | Block::Row { at, .. } => *at,
        }
    }
}

/// Why a file could not be imported. `at` names the place when there is one.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}{message}", at.map(|a| format!("{a}: ")).unwrap_or_default())]
pub struct ImportError {
    pub at: Option<SourceRef>,
    pub message: String,
}

impl ImportError {
    pub(crate) fn at(at: SourceRef, message: impl Into<String>) -> ImportError {
        ImportError {
            at: Some(at),
            message: message.into(),
        }
    }

    pub(crate) fn whole(message: impl Into<String>) -> ImportError {
        ImportError {
            at: None,
            message: message.into(),
        }
    }
}

/// Something the importer kept but a person should look at.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Warning {
    pub at: SourceRef,
    pub message: String,
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.at, self.message)
    }
}

/// Which field of which task or section a table cell was placed in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CellPlacement {
    pub at: SourceRef,
    /// The cell's column, counted from 0.
    pub column: usize,
    pub owner: CellOwner,
    pub field: Field,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CellOwner {
    Task(TaskId),
    /// A section, by its path of codes ("PAR_INDEX/I").
    Section(String),
}

/// A column's role in an appendix table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    Code,
    Title,
    Content,
    Lead,
    Support,
    Timeframe,
    Products,
    Notes,
}

/// A successful import: the plan, what to look at, and where each table cell went.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportOutcome {
    pub plan: Plan,
    pub warnings: Vec<Warning>,
    pub placements: Vec<CellPlacement>,
}

/// Imports a plan from its text form.
pub fn import_text(text: &str) -> Result<ImportOutcome, ImportError> {
    assemble(&text_blocks(text))
}

/// Imports a plan from a DOCX file's bytes.
#[cfg(feature = "docx")]
pub fn import_docx(bytes: &[u8]) -> Result<ImportOutcome, ImportError> {
    assemble(&docx_blocks(bytes)?)
}

/// Imports a plan from a file's bytes, telling DOCX (a zip archive) from UTF-8 text by content.
pub fn import_bytes(bytes: &[u8]) -> Result<ImportOutcome, ImportError> {
    if bytes.starts_with(b"PK\x03\x04") {
        #[cfg(feature = "docx")]
        return import_docx(bytes);
        #[cfg(not(feature = "docx"))]
        return Err(ImportError::whole(
            "DOCX import is not built into this program",
        ));
    }
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(ImportError::whole("the file is empty"));
    }
    let text = std::str::from_utf8(bytes).map_err(|e| {
        ImportError::whole(format!(
            "not a plan: the file is neither DOCX nor UTF-8 text (invalid byte at offset {})",
            e.valid_up_to()
        ))
    })?;
    import_text(text.strip_prefix('\u{feff}').unwrap_or(text))
}
