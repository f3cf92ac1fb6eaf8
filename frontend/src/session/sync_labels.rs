//! Vietnamese wording for the sync status.

use crate::backend::{SyncState, SyncStatus};
use crate::ui::megabytes;

/// The sync state in words; `time` formats the up-to-date instant (local `HH:MM`).
pub fn sync_state_label(state: SyncState, time: impl Fn(i64) -> String) -> String {
    match state {
        SyncState::Offline => "Ngoại tuyến".to_string(),
        SyncState::Connecting => "Đang kết nối…".to_string(),
        SyncState::Syncing => "Đang đồng bộ…".to_string(),
        SyncState::UpToDate { since_ms } => format!("Đã đồng bộ lúc {}", time(since_ms)),
    }
}

/// While the server cannot be reached: "Không có mạng – thay đổi vẫn lưu trên máy này. Đồng bộ
/// lần cuối 04:53" (without the last part before the first sync).
pub fn offline_label(last_synced_ms: Option<i64>) -> String {
    let mut text = "Không có mạng – thay đổi vẫn lưu trên máy này.".to_string();
    if let Some(ms) = last_synced_ms {
        text.push_str(&format!(
            " Đồng bộ lần cuối {}",
            crate::ui::local_time::hh_mm(ms)
        ));
    }
    text
}

/// "N thay đổi chưa được máy chủ xác nhận", or nothing when every change is confirmed.
pub fn unconfirmed_label(status: &SyncStatus) -> Option<String> {
    (status.n_unconfirmed > 0).then(|| {
        format!(
            "{} thay đổi chưa được máy chủ xác nhận",
            status.n_unconfirmed
        )
    })
}

/// Evidence files waiting for the server: "Đang tải lên 2 tệp (3,1/12,0 MB)" while connected,
/// "2 tệp chờ tải lên (12,0 MB)" otherwise; nothing when none waits.
pub fn uploads_label(status: &SyncStatus) -> Option<String> {
    let uploads = &status.uploads;
    if uploads.n_files == 0 {
        return None;
    }
    let connected = matches!(
        status.state,
        SyncState::Syncing | SyncState::UpToDate { .. }
    );
    Some(if connected {
        format!(
            "Đang tải lên {} tệp ({}/{} MB)",
            uploads.n_files,
            megabytes(uploads.sent_bytes),
            megabytes(uploads.total_bytes)
        )
    } else {
        format!(
            "{} tệp chờ tải lên ({} MB)",
            uploads.n_files,
            megabytes(uploads.total_bytes)
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn time(ms: i64) -> String {
        format!("<{ms}>")
    }

    #[test]
    fn without_a_link_changes_are_said_to_stay_here() {
        assert_eq!(
            offline_label(None),
            "Không có mạng – thay đổi vẫn lưu trên máy này."
        );
        assert!(offline_label(Some(0))
            .starts_with("Không có mạng – thay đổi vẫn lưu trên máy này. Đồng bộ lần cuối "));
    }

    #[test]
    fn each_state_reads_as_vietnamese() {
        assert_eq!(sync_state_label(SyncState::Offline, time), "Ngoại tuyến");
        assert_eq!(
            sync_state_label(SyncState::Connecting, time),
            "Đang kết nối…"
        );
        assert_eq!(sync_state_label(SyncState::Syncing, time), "Đang đồng bộ…");
        assert_eq!(
            sync_state_label(SyncState::UpToDate { since_ms: 7 }, time),
            "Đã đồng bộ lúc <7>"
        );
    }

    #[test]
    fn unconfirmed_changes_are_counted_only_when_there_are_some() {
        let mut status = SyncStatus::default();
        assert_eq!(unconfirmed_label(&status), None);
        status.n_unconfirmed = 3;
        assert_eq!(
            unconfirmed_label(&status).as_deref(),
            Some("3 thay đổi chưa được máy chủ xác nhận")
        );
    }

    #[test]
    fn uploads_are_counted_with_their_megabytes() {
        let mut status = SyncStatus::default();
        assert_eq!(uploads_label(&status), None);
        status.uploads.n_files = 2;
        status.uploads.total_bytes = 12 * 1024 * 1024;
        status.uploads.sent_bytes = 3_250_586;
        assert_eq!(
            uploads_label(&status).as_deref(),
            Some("2 tệp chờ tải lên (12,0 MB)")
        );
        status.state = SyncState::Syncing;
        assert_eq!(
            uploads_label(&status).as_deref(),
            Some("Đang tải lên 2 tệp (3,1/12,0 MB)")
        );
    }
}
