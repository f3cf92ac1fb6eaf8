//! The sync status the UI shows: connection state, how many local changes the server has not
//! confirmed yet, and the last problem.

use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SyncStatus {
    pub state: SyncState,
    /// Local changes not yet confirmed by the server, over all listed documents.
    pub n_unconfirmed: usize,
    /// The last problem, kept until the next successful connection (or log in).
    pub last_error: Option<StatusError>,
    /// Document changes seen since the engine started (local edits and remote ones); screens
    /// read their data again when it moves.
    pub n_doc_changes: u64,
    /// Evidence files stored here that the server does not have yet.
    pub uploads: UploadSummary,
}

/// Evidence files waiting for upload: attached on this laptop (to a records document it may
/// write), stored here, not known to be on the server and not refused by it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct UploadSummary {
    pub n_files: usize,
    /// Their total size in bytes.
    pub total_bytes: u64,
    /// How many of those bytes the server already has (the file being uploaded, so far).
    pub sent_bytes: u64,
    /// The file being uploaded now.
    pub uploading: Option<String>,
    /// The waiting files' hashes, so each evidence entry can say it is waiting.
    pub waiting: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum SyncState {
    /// Not syncing: logged out, sync not started, or the server refused the session.
    Offline,
    /// Dialling the server (or waiting to dial again after a failure).
    Connecting,
    /// Connected; changes are still going one way or the other.
    Syncing,
    /// Connected, every listed document is here and the server holds every change of ours.
    UpToDate {
        /// When the client became up to date (Unix milliseconds).
        since_ms: i64,
    },
}

/// A problem to show, with a code the UI matches on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StatusError {
    pub code: &'static str,
    pub message: String,
}

impl Default for SyncStatus {
    fn default() -> SyncStatus {
        SyncStatus {
            state: SyncState::Offline,
            n_unconfirmed: 0,
            last_error: None,
            n_doc_changes: 0,
            uploads: UploadSummary::default(),
        }
    }
}

/// The link to the server as the engine sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Link {
    Off,
    Connecting,
    Connected,
}

/// What the engine measured, turned into a status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Measurement {
    pub link: Link,
    pub n_unconfirmed: usize,
    /// The document list was fetched on this connection, every listed document is here, and
    /// each is settled with the server.
    pub all_settled: bool,
    /// Document changes seen so far.
    pub n_doc_changes: u64,
    pub uploads: UploadSummary,
}

pub(crate) fn summarize(
    previous: &SyncStatus,
    measured: &Measurement,
    last_error: Option<StatusError>,
    now_ms: i64,
) -> SyncStatus {
    let state = match measured.link {
        Link::Off => SyncState::Offline,
        Link::Connecting => SyncState::Connecting,
        Link::Connected if measured.all_settled && measured.n_unconfirmed == 0 => {
            let since_ms = match previous.state {
                SyncState::UpToDate { since_ms } => since_ms,
                _ => now_ms,
            };
            SyncState::UpToDate { since_ms }
        }
        Link::Connected => SyncState::Syncing,
    };
    SyncStatus {
        state,
        n_unconfirmed: measured.n_unconfirmed,
        last_error,
        n_doc_changes: measured.n_doc_changes,
        uploads: measured.uploads.clone(),
    }
}

#[cfg(test)]
mod tests {
    use expect_test::{expect, Expect};

    use super::*;

    /// Feeds measurements in order at times 1000, 2000, ... and prints each status.
    fn check(steps: &[(Link, usize, bool)], expect: Expect) {
        let mut status = SyncStatus::default();
        let mut lines = Vec::new();
        for (idx, (link, n_unconfirmed, all_settled)) in steps.iter().enumerate() {
            let measured = Measurement {
                link: *link,
                n_unconfirmed: *n_unconfirmed,
                all_settled: *all_settled,
                n_doc_changes: 0,
                uploads: UploadSummary::default(),
            };
            status = summarize(&status, &measured, None, (idx as i64 + 1) * 1000);
            lines.push(format!(
                "{:?} n_unconfirmed={}",
                status.state, status.n_unconfirmed
            ));
        }
        expect.assert_eq(&lines.join("\n"));
    }

    #[test]
    fn up_to_date_keeps_its_start_time() {
        check(
            &[
                (Link::Off, 2, false),
                (Link::Connecting, 2, false),
                (Link::Connected, 2, false),
                (Link::Connected, 0, false),
                (Link::Connected, 0, true),
                (Link::Connected, 0, true),
                (Link::Connected, 1, true),
                (Link::Connected, 0, true),
                (Link::Connecting, 0, true),
            ],
            expect![[r#"
                Offline n_unconfirmed=2
                Connecting n_unconfirmed=2
                Syncing n_unconfirmed=2
                Syncing n_unconfirmed=0
                UpToDate { since_ms: 5000 } n_unconfirmed=0
                UpToDate { since_ms: 5000 } n_unconfirmed=0
                Syncing n_unconfirmed=1
                UpToDate { since_ms: 8000 } n_unconfirmed=0
                Connecting n_unconfirmed=0"#]],
        );
    }

    #[test]
    fn the_status_serialises_for_the_ui() {
        let status = SyncStatus {
            state: SyncState::UpToDate { since_ms: 42 },
            n_unconfirmed: 0,
            last_error: Some(StatusError {
                code: "session_expired",
                message: "session expired, log in again".into(),
            }),
            n_doc_changes: 7,
            uploads: UploadSummary {
                n_files: 2,
                total_bytes: 12_000_000,
                sent_bytes: 3_100_000,
                uploading: Some("ab".repeat(32)),
                waiting: vec!["ab".repeat(32), "cd".repeat(32)],
            },
        };
        expect![[r#"{"state":{"state":"up_to_date","since_ms":42},"n_unconfirmed":0,"last_error":{"code":"session_expired","message":"session expired, log in again"},"n_doc_changes":7,"uploads":{"n_files":2,"total_bytes":12000000,"sent_bytes":3100000,"uploading":"abababababababababababababababababababababababababababababababab","waiting":["abababababababababababababababababababababababababababababababab","cdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcd"]}}"#]]
            .assert_eq(&serde_json::to_string(&status).unwrap());
    }
}
