//! The sync status the UI shows: connection state, how many local changes the server has not
//! confirmed yet, and the last problem.

pub use shared::ipc::{IpcError, SyncState, SyncStatus, UploadSummary};

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
    last_error: Option<IpcError>,
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
            last_error: Some(IpcError {
                code: shared::ipc::ErrorCode::SessionExpired,
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
