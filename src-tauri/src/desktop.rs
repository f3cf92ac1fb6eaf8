//! Starting a file with the system's default application, or showing it in the file manager
//! without opening it: selected in its folder where the platform allows (the freedesktop
//! `FileManager1.ShowItems` D-Bus call on Linux, `explorer /select,` on Windows, `open -R` on
//! macOS), else its folder opened. Whether a file may be started at all is decided before, by
//! `shared::evidence_open::decide`.

use std::path::Path;

/// What the app may do with a local file. The system's in the app; tests record the calls.
pub trait Desktop {
    /// Opens `path` with its default application.
    fn launch(&self, path: &Path) -> Result<(), String>;
    /// Shows `path` in the file manager without opening it.
    fn reveal(&self, path: &Path) -> Result<(), String>;
}

/// The desktop the app runs on.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemDesktop;

impl Desktop for SystemDesktop {
    fn launch(&self, path: &Path) -> Result<(), String> {
        open::that_detached(path).map_err(|err| err.to_string())
    }

    fn reveal(&self, path: &Path) -> Result<(), String> {
        match select_in_file_manager(path) {
            Ok(()) => Ok(()),
            Err(why) => {
                tracing::debug!(path = %path.display(), "cannot select the file ({why}); opening its folder");
                let folder = path
                    .parent()
                    .ok_or_else(|| format!("{} has no folder", path.display()))?;
                // A folder opens in the file manager; nothing in it is run.
                open::that_detached(folder).map_err(|err| err.to_string())
            }
        }
    }
}

#[cfg(target_os = "linux")]
fn select_in_file_manager(path: &Path) -> Result<(), String> {
    use std::time::Duration;
    let conn = dbus::blocking::Connection::new_session().map_err(|e| e.to_string())?;
    let proxy = conn.with_proxy(
        "org.freedesktop.FileManager1",
        "/org/freedesktop/FileManager1",
        Duration::from_secs(3),
    );
    let uris = vec![file_uri(path)];
    proxy
        .method_call::<(), _, _, _>("org.freedesktop.FileManager1", "ShowItems", (uris, ""))
        .map_err(|e| e.to_string())
}

#[cfg(target_os = "windows")]
fn select_in_file_manager(path: &Path) -> Result<(), String> {
    std::process::Command::new("explorer")
        .arg("/select,")
        .arg(path)
        .spawn()
        .map(drop)
        .map_err(|e| e.to_string())
}

#[cfg(target_os = "macos")]
fn select_in_file_manager(path: &Path) -> Result<(), String> {
    std::process::Command::new("open")
        .arg("-R")
        .arg(path)
        .spawn()
        .map(drop)
        .map_err(|e| e.to_string())
}

#[cfg(not(any(target_os = "linux", target_os = "windows", target_os = "macos")))]
fn select_in_file_manager(_path: &Path) -> Result<(), String> {
    Err("no file manager call on this system".into())
}

/// `file:///...` for an absolute path, every byte but unreserved ones and `/` percent-encoded.
#[cfg_attr(not(target_os = "linux"), allow(dead_code))]
fn file_uri(path: &Path) -> String {
    let mut uri = String::from("file://");
    for byte in path.as_os_str().as_encoded_bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                uri.push(char::from(*byte))
            }
            other => uri.push_str(&format!("%{other:02X}")),
        }
    }
    uri
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_uris_percent_encode_spaces_and_vietnamese() {
        assert_eq!(
            file_uri(Path::new("/home/lan/opened/ab/Báo cáo #1.pdf")),
            "file:///home/lan/opened/ab/B%C3%A1o%20c%C3%A1o%20%231.pdf"
        );
    }
}
