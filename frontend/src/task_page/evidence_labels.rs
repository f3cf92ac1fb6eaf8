//! Vietnamese wording for evidence files (tài liệu kiểm chứng): sizes with a decimal comma and
//! each file's upload state.

use crate::backend::{OpenedEvidence, UploadState, UploadSummary};

/// The formats the unit is asked for; any file is accepted.
pub const ACCEPTED_HINT: &str =
    "Định dạng nên dùng: PDF, DOCX, XLSX, ảnh (JPG, PNG); tối đa 50 MB.";

/// The state of file `sha256` (of `size` bytes): the live sync status says whether it is
/// waiting or being uploaded; otherwise what the app answered for it (`None`: not asked yet).
pub fn entry_state(
    sha256: &str,
    size: u64,
    answered: Option<UploadState>,
    uploads: &UploadSummary,
) -> Option<UploadState> {
    if uploads.uploading.as_deref() == Some(sha256) {
        // Only the file being uploaded counts in `sent_bytes`.
        return Some(UploadState::Uploading {
            sent: uploads.sent_bytes.min(size),
            total: size,
        });
    }
    if uploads.waiting.iter().any(|w| w == sha256) {
        return Some(UploadState::Waiting);
    }
    answered
}

/// The state in words, and a CSS class for it.
pub fn upload_state_label(state: Option<UploadState>) -> (String, &'static str) {
    match state {
        None => ("Đang kiểm tra…".into(), "checking"),
        Some(UploadState::Uploaded) => ("Đã tải lên".into(), "uploaded"),
        Some(UploadState::Waiting) => ("Chờ tải lên".into(), "waiting"),
        Some(UploadState::Uploading { sent, total }) => {
            let percent = (sent * 100).checked_div(total).unwrap_or(0);
            (format!("Đang tải lên {percent}%"), "waiting")
        }
        Some(UploadState::Refused) => ("Máy chủ từ chối tệp này".into(), "refused"),
        Some(UploadState::NotOnServer) => ("Chờ tải lên từ máy khác".into(), "waiting"),
        Some(UploadState::Unknown) => ("Chưa rõ (chưa kết nối máy chủ)".into(), "checking"),
    }
}

/// What happened to a file the user asked to open, before its path: opened, or shown in its
/// folder and why, or neither.
pub fn opened_note(opened: &OpenedEvidence) -> String {
    const COPY: &str = "tệp nằm ở (bấm vào ô để chọn rồi Ctrl+C để sao chép):";
    match (&opened.refused, opened.revealed, opened.launched) {
        (_, _, true) => "Đã mở tệp bằng ứng dụng mặc định. Tệp nằm ở:".to_string(),
        (Some(reason), true, _) => format!(
            "{} Đã mở thư mục chứa tệp để bạn tự kiểm tra. Tệp nằm ở:",
            reason.message()
        ),
        (Some(reason), false, _) => format!(
            "{} Không mở được thư mục chứa tệp; {COPY}",
            reason.message()
        ),
        (None, _, false) => format!("Không mở được tệp tự động; {COPY}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_live_status_says_what_waits() {
        let sha = "a".repeat(64);
        let mut uploads = UploadSummary::default();
        assert_eq!(
            entry_state(&sha, 120, Some(UploadState::Uploaded), &uploads),
            Some(UploadState::Uploaded)
        );
        assert_eq!(entry_state(&sha, 120, None, &uploads), None);
        uploads.waiting = vec![sha.clone()];
        assert_eq!(
            entry_state(&sha, 120, Some(UploadState::Uploaded), &uploads),
            Some(UploadState::Waiting),
            "a file attached since the answer is waiting"
        );
        uploads.uploading = Some(sha.clone());
        uploads.sent_bytes = 30;
        uploads.total_bytes = 500;
        let state = entry_state(&sha, 120, None, &uploads);
        assert_eq!(upload_state_label(state).0, "Đang tải lên 25%");
    }

    #[test]
    fn states_read_as_vietnamese() {
        let label = |s| upload_state_label(Some(s)).0;
        assert_eq!(label(UploadState::Uploaded), "Đã tải lên");
        assert_eq!(label(UploadState::Waiting), "Chờ tải lên");
        assert_eq!(label(UploadState::NotOnServer), "Chờ tải lên từ máy khác");
        assert_eq!(
            label(UploadState::Uploading { sent: 1, total: 0 }),
            "Đang tải lên 0%"
        );
    }

    #[test]
    fn a_file_shown_in_its_folder_says_why() {
        use shared::evidence_open::RevealReason;
        let opened = |launched, refused, revealed| OpenedEvidence {
            path: "/data/opened/a/setup.exe".into(),
            launched,
            launch_error: None,
            refused,
            revealed,
        };
        let exe = || {
            Some(RevealReason::NotAllowed {
                extension: Some("exe".into()),
            })
        };
        let notes = [
            opened_note(&opened(true, None, false)),
            opened_note(&opened(false, exe(), true)),
            opened_note(&opened(false, exe(), false)),
            opened_note(&opened(false, None, false)),
        ];
        expect_test::expect![[r#"
            [
                "Đã mở tệp bằng ứng dụng mặc định. Tệp nằm ở:",
                "Không mở trực tiếp tệp .exe: đây không phải loại tài liệu hay hình ảnh PlanSync cho phép mở (có thể là chương trình chạy được). Đã mở thư mục chứa tệp để bạn tự kiểm tra. Tệp nằm ở:",
                "Không mở trực tiếp tệp .exe: đây không phải loại tài liệu hay hình ảnh PlanSync cho phép mở (có thể là chương trình chạy được). Không mở được thư mục chứa tệp; tệp nằm ở (bấm vào ô để chọn rồi Ctrl+C để sao chép):",
                "Không mở được tệp tự động; tệp nằm ở (bấm vào ô để chọn rồi Ctrl+C để sao chép):",
            ]
        "#]].assert_debug_eq(&notes);
    }
}
