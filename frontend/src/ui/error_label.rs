//! Errors in plain Vietnamese, worded from their code alone; an unknown code shows the
//! application's message.

use crate::backend::{BackendError, ErrorCode};

/// An error in plain words, chosen by its code.
pub fn error_label(error: &BackendError) -> String {
    let label = match error.code {
        ErrorCode::BadCredentials => "Sai tên đăng nhập hoặc mật khẩu",
        ErrorCode::ServerUnreachable => "Không kết nối được máy chủ",
        ErrorCode::ConnectionLost => "Mất kết nối với máy chủ; đang thử kết nối lại",
        ErrorCode::SessionExpired => "Phiên đăng nhập đã hết hạn; hãy đăng nhập lại",
        ErrorCode::InvalidServerUrl => {
            "Địa chỉ máy chủ không hợp lệ (cần bắt đầu bằng http:// hoặc https://)"
        }
        ErrorCode::InsecureServerUrl => {
            "Địa chỉ http:// không được mã hoá, mật khẩu sẽ đi qua mạng ở dạng đọc được: với máy chủ ngoài máy này hãy dùng địa chỉ https://"
        }
        ErrorCode::OtherUserLoggedIn => {
            "Máy này đang đăng nhập bằng tài khoản khác; hãy đăng xuất trước"
        }
        ErrorCode::UnsyncedChanges => "Còn thay đổi chưa được máy chủ xác nhận",
        ErrorCode::NotDownloaded => "Dữ liệu chưa được tải về từ máy chủ",
        ErrorCode::NotLoggedIn => "Chưa đăng nhập",
        ErrorCode::NoRecords => "Sổ theo dõi của đơn vị chưa được tải về máy này",
        ErrorCode::NotAssigned => "Đơn vị không được giao nhiệm vụ này",
        ErrorCode::ReadOnly => "Bạn chỉ được xem, không được sửa",
        ErrorCode::PeriodLocked => "Kỳ báo cáo này đã được chấp nhận nên không sửa được nữa",
        ErrorCode::ServerError => "Máy chủ báo lỗi",
        ErrorCode::Storage => "Lỗi cơ sở dữ liệu trên máy",
        ErrorCode::Ipc => "Không liên lạc được với ứng dụng",
        ErrorCode::CommentRequired => "Cần ghi nhận xét khi trả lại báo cáo",
        ErrorCode::ReportIncomplete => return error.message.clone(),
        ErrorCode::PlanReadOnly => "Chỉ cán bộ phụ trách kế hoạch được sửa kế hoạch",
        ErrorCode::FileMissing => "Không tìm thấy tệp: hãy chọn tệp hoặc kiểm tra lại đường dẫn",
        ErrorCode::LocalFile => "Không đọc hoặc ghi được tệp trên máy này",
        ErrorCode::HashMismatch => "Tệp tải về bị hỏng (không khớp mã kiểm tra); hãy thử lại",
        ErrorCode::EvidenceRefused => "Máy chủ từ chối nhận một tệp kiểm chứng",
        ErrorCode::EvidenceNotFound => "Không tìm thấy tệp này trong sổ theo dõi",
        ErrorCode::NotUploaded => {
            "Tệp chưa được tải lên máy chủ; hãy chờ máy của đơn vị gửi lên rồi thử lại"
        }
        ErrorCode::FileTooLarge if error.message.starts_with("Tệp ") => {
            return error.message.clone()
        }
        ErrorCode::FileTooLarge => "Tệp quá lớn so với giới hạn cho phép",
        ErrorCode::UnitQuotaExceeded => {
            "Đơn vị đã dùng hết dung lượng lưu tệp kiểm chứng trên máy chủ; hãy gỡ bớt tệp không cần hoặc báo quản trị"
        }
        ErrorCode::ServerStorageFull => {
            "Ổ đĩa của máy chủ đã đầy; tệp kiểm chứng sẽ được gửi lại khi có chỗ"
        }
        ErrorCode::ChangeTooLarge => {
            "Nội dung quá dài để gửi (tối đa khoảng 1 MB chữ); hãy đưa phần dài vào một tệp kiểm chứng"
        }
        // The engine words why; its technical detail stays in the tooltip.
        ErrorCode::UntrustedCertificate => {
            return match error.message.split_once(" (Chi tiết kỹ thuật:") {
                Some((words, _)) => words.to_string(),
                None => error.message.clone(),
            }
        }
        ErrorCode::NoPlan
        | ErrorCode::SeedFailed
        | ErrorCode::ExportFailed
        | ErrorCode::UnreadableRecords
        | ErrorCode::BadCaFile
        | ErrorCode::UnknownDocument
        | ErrorCode::WrongDocumentKind
        | ErrorCode::Document
        | ErrorCode::LocalDatabase
        | ErrorCode::Stopped
        | ErrorCode::Internal
        | ErrorCode::Unknown => return error.message.clone(),
    };
    label.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_are_worded_by_code() {
        let err = |code, message: &str| error_label(&BackendError::new(code, message));
        assert_eq!(
            err(ErrorCode::BadCredentials, "wrong user name or password"),
            "Sai tên đăng nhập hoặc mật khẩu"
        );
        assert_eq!(
            err(ErrorCode::ServerUnreachable, "connection refused"),
            "Không kết nối được máy chủ"
        );
        assert_eq!(
            err(
                ErrorCode::FileTooLarge,
                "Tệp 62,3 MB vượt quá giới hạn 50 MB"
            ),
            "Tệp 62,3 MB vượt quá giới hạn 50 MB",
            "the app words the sizes itself"
        );
        assert_eq!(
            err(ErrorCode::FileTooLarge, "file too large: 9 > 5"),
            "Tệp quá lớn so với giới hạn cho phép"
        );
        assert_eq!(
            err(ErrorCode::FileMissing, "cannot read /x"),
            "Không tìm thấy tệp: hãy chọn tệp hoặc kiểm tra lại đường dẫn"
        );
        assert!(err(ErrorCode::InsecureServerUrl, "not encrypted").contains("https://"));
        assert_eq!(
            err(
                ErrorCode::UntrustedCertificate,
                "Không tin cậy được chứng chỉ bảo mật của máy chủ: chứng chỉ đã hết hạn"
            ),
            "Không tin cậy được chứng chỉ bảo mật của máy chủ: chứng chỉ đã hết hạn",
            "the engine words why the certificate is refused"
        );
        assert_eq!(
            err(
                ErrorCode::UntrustedCertificate,
                "Không tin cậy được chứng chỉ: hãy chọn tệp chứng chỉ CA. (Chi tiết kỹ thuật: UnknownIssuer)"
            ),
            "Không tin cậy được chứng chỉ: hãy chọn tệp chứng chỉ CA.",
            "the technical detail is left to the tooltip"
        );
        assert_eq!(
            err(ErrorCode::Unknown, "something new"),
            "something new",
            "a code this UI does not know shows the application's message"
        );
    }
}
