//! Plan import tests: one binary, one module per scenario.

mod errors;
mod generated;
mod quirks;
mod seed;

use shared::import::{import_text, ImportOutcome};

/// Imports `text`, panicking with the importer's message if it fails.
pub fn import(text: &str) -> ImportOutcome {
    import_text(text).unwrap_or_else(|e| panic!("import failed: {e}"))
}

/// The repository's copy of the seed plan (Tuyên Quang Department of Construction, 2026-2030).
pub fn seed_text() -> String {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../fixtures/plans/tuyen-quang-sxd-2026.txt"
    );
    std::fs::read_to_string(path).expect("the seed fixture is in fixtures/plans")
}

pub fn seed_docx() -> Vec<u8> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../fixtures/plans/tuyen-quang-sxd-2026.docx"
    );
    std::fs::read(path)
        .expect("the DOCX fixture is in fixtures/plans (scripts/make-docx-fixture.py)")
}
