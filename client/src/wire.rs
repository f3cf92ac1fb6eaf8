//! The server's HTTP JSON shapes, converted into domain types on the way in. Changing one of
//! these is a protocol change.

use serde::{Deserialize, Serialize};
use shared::documents::DocumentKind;

use crate::doc_info::{Access, DocInfo};

#[derive(Debug, Serialize)]
pub(crate) struct LoginRequest<'a> {
    pub username: &'a str,
    pub password: &'a str,
    pub device: &'a str,
}

#[derive(Debug, Deserialize)]
pub(crate) struct LoginReply {
    pub token: String,
    pub peer_id: String,
    pub user: UserReply,
}

#[derive(Debug, Deserialize)]
pub(crate) struct UserReply {
    pub username: String,
    pub unit: String,
    pub role: String,
    /// Absent from servers before full names.
    #[serde(default)]
    pub full_name: Option<String>,
    /// Absent from servers before unit heads.
    #[serde(default)]
    pub unit_head: bool,
}

/// `GET /api/session`: the logged-in user, read afresh.
#[derive(Debug, Deserialize)]
pub(crate) struct SessionReply {
    pub user: UserReply,
}

#[derive(Debug, Deserialize)]
pub(crate) struct DocEntry {
    pub id: String,
    pub kind: String,
    pub unit: Option<String>,
    /// Absent from servers before unit names were listed.
    #[serde(default)]
    pub unit_name: Option<String>,
    pub year: Option<i32>,
    pub access: String,
}

#[derive(Debug, Deserialize)]
pub(crate) struct ErrorReply {
    pub error: ErrorDetail,
}

#[derive(Debug, Deserialize)]
pub(crate) struct ErrorDetail {
    pub code: String,
    pub message: String,
}

impl DocEntry {
    /// The entry as a [`DocInfo`], or why it cannot be one (an unknown kind or access from a
    /// newer server is skipped, not fatal).
    pub fn into_doc_info(self) -> Result<DocInfo, String> {
        let id = self
            .id
            .parse()
            .map_err(|e| format!("document id {:?}: {e}", self.id))?;
        let kind = DocumentKind::parse(&self.kind)
            .ok_or_else(|| format!("document {}: unknown kind {:?}", self.id, self.kind))?;
        let access = Access::parse(&self.access)
            .ok_or_else(|| format!("document {}: unknown access {:?}", self.id, self.access))?;
        Ok(DocInfo {
            id,
            kind,
            unit: self.unit,
            unit_name: self.unit_name,
            year: self.year,
            access,
        })
    }
}

/// Converts a document list, skipping (and logging) entries this client does not understand.
pub(crate) fn doc_list(entries: Vec<DocEntry>) -> Vec<DocInfo> {
    entries
        .into_iter()
        .filter_map(|entry| match entry.into_doc_info() {
            Ok(info) => Some(info),
            Err(why) => {
                tracing::warn!("skipping a listed document: {why}");
                None
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use super::*;

    #[test]
    fn a_document_list_converts_and_skips_what_it_does_not_know() {
        let id = samod::DocumentId::new(&mut rand::rng());
        let json = format!(
            r#"[{{"id":"{id}","kind":"plan","unit":null,"year":null,"access":"read"}},
               {{"id":"{id}","kind":"records","unit":"VP","year":2026,"access":"write"}},
               {{"id":"{id}","kind":"minutes","unit":"VP","year":2026,"access":"write"}},
               {{"id":"not-an-id","kind":"plan","unit":null,"year":null,"access":"read"}}]"#
        );
        let entries: Vec<DocEntry> = serde_json::from_str(&json).unwrap();
        let list = doc_list(entries);
        let summary: Vec<String> = list
            .iter()
            .map(|d| {
                format!(
                    "{} {:?} {:?} {} same-id={}",
                    d.kind.as_str(),
                    d.unit,
                    d.year,
                    d.access.as_str(),
                    d.id == id
                )
            })
            .collect();
        expect![[r#"
            plan None None read same-id=true
            records Some("VP") Some(2026) write same-id=true"#]]
        .assert_eq(&summary.join("\n"));
    }
}
