//! A document's history: who changed what, when, read from the changes' commit messages.

use automerge::Automerge;

use super::ChangeAuthor;

pub use crate::record::HistoryEntry;

/// Every change of `doc`, oldest first. Changes without a PlanSync author are listed as
/// "unknown".
pub fn history(doc: &Automerge) -> Vec<HistoryEntry> {
    doc.get_changes_meta(&[])
        .into_iter()
        .map(|meta| {
            let author = meta.message.as_deref().and_then(ChangeAuthor::decode);
            HistoryEntry {
                hash: meta.hash.to_string(),
                time: meta.timestamp,
                user: author
                    .as_ref()
                    .map_or_else(|| "unknown".to_string(), |a| a.user.clone()),
                device: author
                    .as_ref()
                    .map_or_else(|| meta.actor.to_hex_string(), |a| a.device.clone()),
                what: author.map(|a| a.what).unwrap_or_default(),
            }
        })
        .collect()
}
