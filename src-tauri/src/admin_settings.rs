//! The administrator's settings file: the server address, filled in once for every user of a
//! machine, so staff never type it.
//!
//! The file is TOML with one key today (`server_url = "https://may-chu.example.vn"`); other keys
//! are left alone (a newer installer may write more) and logged. It is looked for, the first
//! found wins, beside the executable ([`FILE_NAME`], which the Windows installer writes with
//! `/SERVER=…`), then in the system-wide place ([`system_file`]: `/etc/plansync/app.toml`,
//! `%PROGRAMDATA%\PlanSync\app.toml`). `PLANSYNC_SERVER` overrides it ([`resolve`]). A file that
//! cannot be used never stops the app: its problem, in Vietnamese and naming the file, reaches
//! the login form, which then lets the address be typed.
//!
//! [`parse`] and [`resolve`] do no IO; [`look_up`] and [`standard_places`] are the thin adapter.

use std::path::{Path, PathBuf};

/// The settings file beside the executable (`plansync-settings.toml` next to `plansync-app.exe`).
pub const FILE_NAME: &str = "plansync-settings.toml";

/// What the administrator's settings say.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AdminSettings {
    /// The server address, trimmed, as written (an `http` address only for this machine).
    pub server_url: String,
    /// Keys this version does not know (ignored; logged).
    pub unknown_keys: Vec<String>,
}

/// Why a settings file's text cannot be used; the messages are Vietnamese, for the login form.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SettingsError {
    #[error("nội dung không đúng dạng TOML ({0})")]
    NotToml(String),
    #[error("thiếu dòng server_url = \"https://…\"")]
    MissingServerUrl,
    #[error("server_url phải là một chuỗi trong dấu ngoặc kép")]
    NotAString,
    #[error("server_url để trống")]
    Empty,
    #[error("server_url \"{url}\" không phải địa chỉ http:// hoặc https:// hợp lệ")]
    NotHttp { url: String },
    #[error(
        "server_url \"{url}\" dùng http:// (không mã hoá) tới một máy khác; hãy dùng https://"
    )]
    Insecure { url: String },
}

/// Reads a settings file's text.
pub fn parse(text: &str) -> Result<AdminSettings, SettingsError> {
    // Notepad may start a UTF-8 file with a byte-order mark, which TOML does not allow.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let table: toml::Table =
        toml::from_str(text).map_err(|err| SettingsError::NotToml(one_line(&err.to_string())))?;
    let unknown_keys = table
        .keys()
        .filter(|key| key.as_str() != "server_url")
        .cloned()
        .collect();
    let url = match table.get("server_url") {
        None => return Err(SettingsError::MissingServerUrl),
        Some(toml::Value::String(url)) => url.trim(),
        Some(_) => return Err(SettingsError::NotAString),
    };
    if url.is_empty() {
        return Err(SettingsError::Empty);
    }
    match client::ServerUrl::parse(url) {
        Ok(_) => Ok(AdminSettings {
            server_url: url.to_string(),
            unknown_keys,
        }),
        Err(client::ClientError::InsecureServerUrl { .. }) => Err(SettingsError::Insecure {
            url: url.to_string(),
        }),
        Err(_) => Err(SettingsError::NotHttp {
            url: url.to_string(),
        }),
    }
}

/// The toml crate's message on one line: the place, then what is wrong, without the quoted
/// source lines and the caret under the place (`1 | server_url = …`, `|   ^`).
fn one_line(message: &str) -> String {
    message
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.contains('|'))
        .collect::<Vec<_>>()
        .join(": ")
}

/// What the look-up found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Lookup {
    /// No settings file in any of the places.
    Absent,
    Found {
        path: PathBuf,
        settings: AdminSettings,
    },
    /// The first file found cannot be used (the places after it are not looked at: the
    /// administrator meant this one).
    Broken { path: PathBuf, reason: String },
}

/// The server address the login form uses, and where it comes from.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ServerAddress {
    pub url: Option<String>,
    /// The address is the administrator's (the settings file), not `PLANSYNC_SERVER`'s.
    pub from_admin: bool,
    /// Why the settings file could not be used, in Vietnamese, naming the file.
    pub problem: Option<String>,
}

/// The address: `PLANSYNC_SERVER` (`from_env`) when set, else the settings file's. The file's
/// problem is kept either way.
pub fn resolve(from_env: Option<&str>, lookup: &Lookup) -> ServerAddress {
    let problem = match lookup {
        Lookup::Broken { path, reason } => Some(format!(
            "Không đọc được tệp cài đặt của quản trị viên {}: {reason}. Hãy nhập địa chỉ máy chủ, \
             hoặc báo bộ phận tin học sửa tệp.",
            path.display()
        )),
        Lookup::Absent | Lookup::Found { .. } => None,
    };
    let from_file = match lookup {
        Lookup::Found { settings, .. } => Some(settings.server_url.clone()),
        Lookup::Absent | Lookup::Broken { .. } => None,
    };
    match from_env.map(str::trim).filter(|url| !url.is_empty()) {
        Some(url) => ServerAddress {
            url: Some(url.to_string()),
            from_admin: false,
            problem,
        },
        None => ServerAddress {
            from_admin: from_file.is_some(),
            url: from_file,
            problem,
        },
    }
}

/// The system-wide settings file.
pub fn system_file() -> Option<PathBuf> {
    if cfg!(windows) {
        let program_data = std::env::var_os("PROGRAMDATA")
            .filter(|dir| !dir.is_empty())
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from(r"C:\ProgramData"));
        Some(program_data.join("PlanSync").join("app.toml"))
    } else if cfg!(unix) {
        Some(PathBuf::from("/etc/plansync/app.toml"))
    } else {
        None
    }
}

/// The places looked in, in order: beside the running executable, then [`system_file`].
pub fn standard_places() -> Vec<PathBuf> {
    let beside_exe = std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(|dir| dir.join(FILE_NAME)));
    beside_exe.into_iter().chain(system_file()).collect()
}

/// Reads the first of `places` that exists.
pub fn look_up(places: &[PathBuf]) -> Lookup {
    for path in places {
        match std::fs::read(path) {
            Ok(bytes) => return read_found(path, &bytes),
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => continue,
            Err(err) => {
                let reason = match err.kind() {
                    std::io::ErrorKind::PermissionDenied => {
                        format!("không có quyền đọc tệp ({err})")
                    }
                    _ => err.to_string(),
                };
                return Lookup::Broken {
                    path: path.clone(),
                    reason,
                };
            }
        }
    }
    Lookup::Absent
}

fn read_found(path: &Path, bytes: &[u8]) -> Lookup {
    let broken = |reason: String| Lookup::Broken {
        path: path.to_path_buf(),
        reason,
    };
    let Ok(text) = std::str::from_utf8(bytes) else {
        return broken("tệp không phải văn bản UTF-8".into());
    };
    match parse(text) {
        Ok(settings) => Lookup::Found {
            path: path.to_path_buf(),
            settings,
        },
        Err(err) => broken(err.to_string()),
    }
}

/// Logs what the look-up found and which address the app proposes.
pub fn log(lookup: &Lookup, address: &ServerAddress) {
    match lookup {
        Lookup::Absent => tracing::info!("no administrator's settings file"),
        Lookup::Found { path, settings } => {
            tracing::info!(file = %path.display(), server = %settings.server_url, "administrator's settings read");
            if !settings.unknown_keys.is_empty() {
                tracing::warn!(file = %path.display(), keys = ?settings.unknown_keys, "settings this version does not know are ignored");
            }
        }
        Lookup::Broken { path, reason } => {
            tracing::error!(file = %path.display(), "administrator's settings file not used: {reason}")
        }
    }
    if address.url.is_some() && !address.from_admin {
        tracing::info!(server = ?address.url, "server address from PLANSYNC_SERVER");
    }
}

#[cfg(test)]
mod tests {
    use expect_test::{expect, Expect};

    use super::*;

    /// Parses `text` and prints the settings or the error message.
    fn check(text: &str, expect: Expect) {
        let got = match parse(text) {
            Ok(settings) => format!("{settings:?}"),
            Err(err) => format!("error: {err}"),
        };
        expect.assert_eq(&got);
    }

    #[test]
    fn a_server_address_is_read_as_written() {
        check(
            "server_url = \"https://may-chu.example.vn\"\n",
            expect![[
                r#"AdminSettings { server_url: "https://may-chu.example.vn", unknown_keys: [] }"#
            ]],
        );
        check(
            "\u{feff}# Notepad's byte-order mark\nserver_url = '  https://a.vn/plansync/ '\nlater = 1\n",
            expect![[r#"AdminSettings { server_url: "https://a.vn/plansync/", unknown_keys: ["later"] }"#]],
        );
        check(
            // What the Windows installer writes with /SERVER= (scripts/windows/installer.nsi).
            "# PlanSync: the administrator's settings, written by the installer (/SERVER=).\r\n\
             server_url = 'https://may-chu.example.vn/plansync/'\r\n",
            expect![[
                r#"AdminSettings { server_url: "https://may-chu.example.vn/plansync/", unknown_keys: [] }"#
            ]],
        );
        check(
            "server_url = \"http://127.0.0.1:8080\"",
            expect![[r#"AdminSettings { server_url: "http://127.0.0.1:8080", unknown_keys: [] }"#]],
        );
    }

    #[test]
    fn bad_toml_is_refused_on_one_line() {
        check(
            "server_url = https://may-chu.example.vn\n",
            expect![[
                r#"error: nội dung không đúng dạng TOML (TOML parse error at line 1, column 14: string values must be quoted, expected literal string)"#
            ]],
        );
    }

    #[test]
    fn a_missing_or_empty_address_is_refused() {
        check(
            "",
            expect![[r#"error: thiếu dòng server_url = "https://…""#]],
        );
        check(
            "server-url = \"https://a.vn\"",
            expect![[r#"error: thiếu dòng server_url = "https://…""#]],
        );
        check(
            "server_url = \"  \"",
            expect![[r#"error: server_url để trống"#]],
        );
        check(
            "server_url = 8080",
            expect![[r#"error: server_url phải là một chuỗi trong dấu ngoặc kép"#]],
        );
    }

    #[test]
    fn only_http_and_https_addresses_are_taken() {
        check(
            "server_url = \"ftp://may-chu.example.vn\"",
            expect![[
                r#"error: server_url "ftp://may-chu.example.vn" không phải địa chỉ http:// hoặc https:// hợp lệ"#
            ]],
        );
        check(
            "server_url = \"may-chu.example.vn\"",
            expect![[
                r#"error: server_url "may-chu.example.vn" không phải địa chỉ http:// hoặc https:// hợp lệ"#
            ]],
        );
        check(
            "server_url = \"http://may-chu.example.vn\"",
            expect![[
                r#"error: server_url "http://may-chu.example.vn" dùng http:// (không mã hoá) tới một máy khác; hãy dùng https://"#
            ]],
        );
    }

    #[test]
    fn the_environment_overrides_the_file_and_a_broken_file_is_reported() {
        let found = Lookup::Found {
            path: "/etc/plansync/app.toml".into(),
            settings: parse("server_url = \"https://a.vn\"").unwrap(),
        };
        assert_eq!(
            resolve(None, &found),
            ServerAddress {
                url: Some("https://a.vn".into()),
                from_admin: true,
                problem: None,
            }
        );
        assert_eq!(
            resolve(Some("http://127.0.0.1:9"), &found),
            ServerAddress {
                url: Some("http://127.0.0.1:9".into()),
                from_admin: false,
                problem: None,
            },
            "PLANSYNC_SERVER is for developers and tests: it wins, and the form stays editable"
        );
        assert_eq!(resolve(Some(""), &Lookup::Absent), ServerAddress::default());
        let broken = Lookup::Broken {
            path: "/etc/plansync/app.toml".into(),
            reason: "server_url để trống".into(),
        };
        expect![[r#"
            ServerAddress {
                url: None,
                from_admin: false,
                problem: Some(
                    "Không đọc được tệp cài đặt của quản trị viên /etc/plansync/app.toml: server_url để trống. Hãy nhập địa chỉ máy chủ, hoặc báo bộ phận tin học sửa tệp.",
                ),
            }
        "#]]
        .assert_debug_eq(&resolve(None, &broken));
    }

    #[test]
    fn the_first_file_found_wins_even_when_broken() {
        let dir = tempfile::tempdir().unwrap();
        let beside = dir.path().join(FILE_NAME);
        let system = dir.path().join("app.toml");
        let places = [beside.clone(), system.clone()];
        assert_eq!(look_up(&places), Lookup::Absent);
        std::fs::write(&system, "server_url = \"https://he-thong.vn\"").unwrap();
        assert!(
            matches!(look_up(&places), Lookup::Found { path, .. } if path == system),
            "the system-wide file is used when none is beside the executable"
        );
        std::fs::write(&beside, "server_url = \"https://ben-canh.vn\"").unwrap();
        assert!(matches!(look_up(&places), Lookup::Found { path, .. } if path == beside));
        std::fs::write(&beside, [0xff, 0xfe, b's']).unwrap();
        assert_eq!(
            look_up(&places),
            Lookup::Broken {
                path: beside,
                reason: "tệp không phải văn bản UTF-8".into()
            },
            "the administrator meant the first file: its problem is said, not skipped"
        );
    }
}
