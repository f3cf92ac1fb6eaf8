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
                receipt: None,
                author_differs: false,
            }
        })
        .collect()
}

#[cfg(test)]
mod receipt_tests {
    use crate::record::{attach_receipts, ChangeReceipt, HistoryEntry};

    fn entry(hash: &str, user: &str, device: &str) -> HistoryEntry {
        HistoryEntry {
            hash: hash.into(),
            time: 0,
            user: user.into(),
            device: device.into(),
            what: "status=done".into(),
            receipt: None,
            author_differs: false,
        }
    }

    fn receipt(hash: &str, user: &str, device: &str) -> ChangeReceipt {
        ChangeReceipt {
            change_hash: hash.into(),
            username: user.into(),
            device: device.into(),
            received_ms: 1,
        }
    }

    #[test]
    fn a_change_claiming_another_author_is_marked() {
        let mut entries = vec![
            entry("a", "lan", "lan-laptop"),
            entry("b", "thamdinh", "vp-pc"),
            entry("c", "lan", "lan-laptop"),
            entry("d", "plansync", "server-1"),
        ];
        attach_receipts(
            &mut entries,
            &[
                receipt("a", "lan", "lan-laptop"),
                receipt("b", "lan", "lan-laptop"),
                receipt("c", "lan", "other-laptop"),
            ],
        );
        let marks: Vec<(bool, Option<&str>)> = entries
            .iter()
            .map(|e| {
                (
                    e.author_differs,
                    e.receipt.as_ref().map(|r| r.username.as_str()),
                )
            })
            .collect();
        assert_eq!(
            marks,
            [
                (false, Some("lan")),
                (true, Some("lan")),
                (true, Some("lan")),
                (false, None)
            ]
        );
    }
}
