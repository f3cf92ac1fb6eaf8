//! What the screen shows while the plan loads, or why it could not be loaded.

use yew::prelude::*;

use crate::backend::{BackendError, ErrorCode};

#[derive(Clone, PartialEq, Properties)]
pub struct LoadStatusProps {
    /// `None` while loading.
    pub error: Option<BackendError>,
    pub on_retry: Callback<()>,
}

/// The heading and advice shown for an error, chosen by its code.
fn explain(code: ErrorCode) -> (&'static str, &'static str) {
    match code {
        ErrorCode::NoPlan => (
            "Chưa có kế hoạch trên máy này",
            "Hãy khởi động ứng dụng kèm tệp kế hoạch (biến môi trường PLANSYNC_SEED hoặc tham số --seed TỆP) để nhập kế hoạch.",
        ),
        ErrorCode::SeedFailed => (
            "Không nhập được tệp kế hoạch",
            "Kiểm tra lại đường dẫn và nội dung tệp kế hoạch rồi khởi động lại ứng dụng.",
        ),
        ErrorCode::Storage => (
            "Lỗi cơ sở dữ liệu trên máy",
            "Dữ liệu trên máy không đọc được. Hãy thử lại; nếu vẫn lỗi, liên hệ quản trị viên.",
        ),
        ErrorCode::Ipc => (
            "Không kết nối được với ứng dụng",
            "Giao diện này cần chạy bên trong ứng dụng PlanSync.",
        ),
        ErrorCode::NotDownloaded => (
            "Kế hoạch chưa được tải về máy này",
            "Kế hoạch sẽ được tải về khi máy kết nối được với máy chủ; màn hình tự cập nhật khi tải xong.",
        ),
        ErrorCode::Unknown
        | ErrorCode::UnknownDocument
        | ErrorCode::WrongDocumentKind
        | ErrorCode::Document
        | ErrorCode::LocalDatabase
        | ErrorCode::Stopped
        | ErrorCode::Internal
        | ErrorCode::BadCaFile
        | ErrorCode::FileMissing
        | ErrorCode::FileTooLarge
        | ErrorCode::LocalFile
        | ErrorCode::HashMismatch
        | ErrorCode::EvidenceRefused
        | ErrorCode::EvidenceNotFound
        | ErrorCode::NotUploaded
        | ErrorCode::UnitQuotaExceeded
        | ErrorCode::ServerStorageFull
        | ErrorCode::ChangeTooLarge
        | ErrorCode::CommentRequired
        | ErrorCode::ReportIncomplete
        | ErrorCode::PlanReadOnly
        | ErrorCode::ExportFailed
        | ErrorCode::UnreadableRecords
        | ErrorCode::BadCredentials
        | ErrorCode::ServerUnreachable
        | ErrorCode::ConnectionLost
        | ErrorCode::SessionExpired
        | ErrorCode::InvalidServerUrl
        | ErrorCode::InsecureServerUrl
        | ErrorCode::UntrustedCertificate
        | ErrorCode::OtherUserLoggedIn
        | ErrorCode::UnsyncedChanges
        | ErrorCode::NotLoggedIn
        | ErrorCode::NoRecords
        | ErrorCode::NotAssigned
        | ErrorCode::ReadOnly
        | ErrorCode::PeriodLocked
        | ErrorCode::ServerError => ("Đã xảy ra lỗi", "Hãy thử lại; nếu vẫn lỗi, liên hệ quản trị viên."),
    }
}

#[function_component]
pub fn LoadStatus(props: &LoadStatusProps) -> Html {
    let Some(error) = &props.error else {
        return html! {
            <div id="load-status" class="load-status loading">
                <div class="spinner" aria-hidden="true"></div>
                <p>{ "Đang tải kế hoạch…" }</p>
            </div>
        };
    };
    let (heading, advice) = explain(error.code);
    let on_retry = props.on_retry.reform(|_: MouseEvent| ());
    html! {
        <div id="load-status" class="load-status failed" data-error-code={format!("{:?}", error.code)}>
            <h2>{ heading }</h2>
            <p>{ advice }</p>
            <pre class="error-message">{ &error.message }</pre>
            <button class="primary" type="button" onclick={on_retry}>{ "Thử lại" }</button>
        </div>
    }
}
