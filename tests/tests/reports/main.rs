//! Report exports from a real server's data directory, after real clients edited their records
//! and the office appraised them; the files are read back with independent readers (calamine for
//! XLSX, the zip's `word/document.xml` through quick-xml for DOCX, poppler's `pdftotext` for the
//! PDF LibreOffice makes), never with our writers.

mod app_at;
mod broken_unit;
mod export;
mod pdf;
mod read;
