//! A document the server lists for the logged-in user: what it is and what the user may do.

use samod::DocumentId;
use serde::{Serialize, Serializer};
use shared::documents::DocumentKind;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DocInfo {
    #[serde(serialize_with = "as_display")]
    pub id: DocumentId,
    pub kind: DocumentKind,
    /// The unit a records or review document belongs to; `None` for the plan.
    pub unit: Option<String>,
    /// The unit's name ("Phòng Quản lý hạ tầng") when the server said it.
    pub unit_name: Option<String>,
    /// The year a records or review document covers; `None` for the plan.
    pub year: Option<i32>,
    pub access: Access,
}

/// What the server lets this user do with a document. Documents the user may not read are
/// not listed at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Access {
    Read,
    Write,
}

impl Access {
    pub fn as_str(self) -> &'static str {
        match self {
            Access::Read => "read",
            Access::Write => "write",
        }
    }

    pub fn parse(text: &str) -> Option<Access> {
        match text {
            "read" => Some(Access::Read),
            "write" => Some(Access::Write),
            _ => None,
        }
    }
}

impl DocInfo {
    pub fn is_writable(&self) -> bool {
        self.access == Access::Write
    }

    /// Whether this is the `kind` document of `unit` for `year`.
    pub fn is_for(&self, kind: DocumentKind, unit: &str, year: i32) -> bool {
        self.kind == kind && self.unit.as_deref() == Some(unit) && self.year == Some(year)
    }
}

fn as_display<S: Serializer>(id: &DocumentId, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.collect_str(id)
}
