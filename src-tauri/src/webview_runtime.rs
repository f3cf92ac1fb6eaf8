//! The web view the window is drawn with. On Windows that is Microsoft Edge WebView2 Runtime,
//! part of Windows 11 and of updated Windows 10 but missing on some machines (Windows 10 LTSC,
//! images built without Edge). Without it Tauri fails while building the window and a release
//! build, which has no console, shows nothing at all; so the app checks first and, when the
//! runtime is missing, says so in a native message box in Vietnamese with Microsoft's download
//! link and exits with [`MISSING_EXIT_CODE`]. On Linux the web view (WebKitGTK) is a dependency
//! of the package and is not checked.
//!
//! `PLANSYNC_NO_MESSAGE_BOX=1` prints the message on stderr only, without the box: for the Wine
//! test, which has no WebView2 and no display.

/// Microsoft's download of the WebView2 Runtime (the Evergreen bootstrapper), as the installer
/// names it.
pub const DOWNLOAD_URL: &str = "https://go.microsoft.com/fwlink/p/?LinkId=2124703";

/// The app's exit code when the web view is missing.
pub const MISSING_EXIT_CODE: u8 = 3;

/// Set to a non-empty value: the message goes to stderr only, no message box.
pub const NO_MESSAGE_BOX_VAR: &str = "PLANSYNC_NO_MESSAGE_BOX";

/// What the user is told.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    pub title: &'static str,
    pub text: String,
}

/// The notice when the web view cannot be found: `found` is what the platform answered (the
/// runtime's version, or why there is none). `None` when there is a version.
pub fn notice_if_missing(found: Result<String, String>) -> Option<Notice> {
    let cause = match found {
        Ok(version) if !version.trim().is_empty() => return None,
        Ok(_) => "không có số phiên bản".to_string(),
        Err(err) => err,
    };
    Some(Notice {
        title: "PlanSync — thiếu Microsoft Edge WebView2 Runtime",
        text: format!(
            "PlanSync không mở được vì máy này chưa có Microsoft Edge WebView2 Runtime, \
             thành phần của Microsoft dùng để hiện cửa sổ ứng dụng.\n\n\
             Windows 10 và 11 thường đã có sẵn. Hãy cài WebView2 Runtime (miễn phí) từ trang \
             của Microsoft:\n{DOWNLOAD_URL}\n\
             hoặc nhờ bộ phận tin học cài giúp, rồi mở lại PlanSync.\n\n\
             Chi tiết: {cause}"
        ),
    })
}

/// The platform's answer: the WebView2 Runtime's version on Windows.
#[cfg(windows)]
pub fn installed_version() -> Result<String, String> {
    tauri::webview_version().map_err(|err| err.to_string())
}

/// The platform's answer: not checked outside Windows (the package depends on WebKitGTK).
#[cfg(not(windows))]
pub fn installed_version() -> Result<String, String> {
    Ok("not checked".to_string())
}

/// Tells the user: on stderr always, and in a message box on Windows unless `message_box` is
/// false; its first button opens Microsoft's download page in the browser.
pub fn tell(notice: &Notice, message_box: bool) {
    eprintln!("{}\n\n{}", notice.title, notice.text);
    tracing::error!("the web view runtime is missing");
    #[cfg(windows)]
    if message_box {
        let download = "Mở trang tải về".to_string();
        let answer = rfd::MessageDialog::new()
            .set_level(rfd::MessageLevel::Error)
            .set_title(notice.title)
            .set_description(&notice.text)
            .set_buttons(rfd::MessageButtons::OkCancelCustom(
                download.clone(),
                "Đóng".to_string(),
            ))
            .show();
        if answer == rfd::MessageDialogResult::Custom(download) {
            if let Err(err) = open::that_detached(DOWNLOAD_URL) {
                tracing::warn!("cannot open {DOWNLOAD_URL}: {err}");
            }
        }
    }
    #[cfg(not(windows))]
    let _ = message_box;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_version_means_the_window_can_be_drawn() {
        assert_eq!(notice_if_missing(Ok("131.0.2903.70".into())), None);
    }

    #[test]
    fn a_missing_runtime_is_explained_in_vietnamese_with_the_link() {
        let notice = notice_if_missing(Err(
            "Could not find the webview runtime, make sure it is installed".into(),
        ))
        .expect("an error means there is no runtime");
        assert!(notice.title.contains("WebView2"), "{notice:?}");
        assert!(
            notice
                .text
                .starts_with("PlanSync không mở được vì máy này chưa có Microsoft Edge WebView2"),
            "{notice:?}"
        );
        assert!(notice.text.contains(DOWNLOAD_URL), "{notice:?}");
        assert!(
            notice.text.ends_with(
                "Chi tiết: Could not find the webview runtime, make sure it is installed"
            ),
            "the cause is kept for the IT staff: {notice:?}"
        );
        assert!(
            notice_if_missing(Ok(" ".into())).is_some(),
            "an empty version is no runtime"
        );
    }
}
