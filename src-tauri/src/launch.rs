//! Launch options: where the data lives, which plan file seeds an empty store, and the server.
//!
//! `PLANSYNC_DATA_DIR` overrides the platform's app data directory; `--seed FILE` (or
//! `--seed=FILE`) and, failing that, `PLANSYNC_SEED` name the seed plan. `PLANSYNC_SERVER` is
//! the server address the login form proposes, over the administrator's settings file
//! ([`crate::admin_settings`]; for developers and tests, and the form keeps the field). For scripted demo runs and end-to-end tests,
//! `PLANSYNC_USER` and `PLANSYNC_PASSWORD` (with `PLANSYNC_SERVER`) log in at start when no
//! session is stored. `PLANSYNC_NO_MESSAGE_BOX` (tests) says start-up problems on stderr only
//! ([`crate::webview_runtime`]).

use std::ffi::OsString;
use std::path::PathBuf;

use anyhow::bail;

pub const DATA_DIR_VAR: &str = "PLANSYNC_DATA_DIR";
pub const SEED_VAR: &str = "PLANSYNC_SEED";
pub const SERVER_VAR: &str = "PLANSYNC_SERVER";
pub const USER_VAR: &str = "PLANSYNC_USER";
pub const PASSWORD_VAR: &str = "PLANSYNC_PASSWORD";
pub use crate::webview_runtime::NO_MESSAGE_BOX_VAR;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Launch {
    pub data_dir: Option<PathBuf>,
    pub seed: Option<PathBuf>,
    /// The server address proposed in the login form (and used by [`Launch::auto_login`]); it
    /// overrides the administrator's settings file ([`crate::admin_settings::resolve`]).
    pub server_url: Option<String>,
    /// Start-up problems go to stderr only, without a message box (tests without a display).
    pub no_message_box: bool,
    username: Option<String>,
    password: Option<Password>,
}

/// A password from the environment; its `Debug` never shows it.
#[derive(Clone, PartialEq, Eq)]
pub struct Password(String);

impl Password {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Password {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("<redacted>")
    }
}

/// Credentials to log in with at start, given by the environment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AutoLogin {
    pub server_url: String,
    pub username: String,
    pub password: Password,
}

impl Launch {
    /// Reads the options from environment variables and command-line arguments (without the
    /// program name). Unknown arguments are left alone: WebDriver and desktop launchers add their
    /// own.
    pub fn from_env_and_args(
        vars: impl IntoIterator<Item = (OsString, OsString)>,
        args: impl IntoIterator<Item = OsString>,
    ) -> anyhow::Result<Launch> {
        let mut launch = Launch::default();
        for (name, value) in vars {
            if value.is_empty() {
                continue;
            }
            if name == DATA_DIR_VAR {
                launch.data_dir = Some(PathBuf::from(value));
            } else if name == SEED_VAR {
                launch.seed = Some(PathBuf::from(value));
            } else if name == SERVER_VAR {
                launch.server_url = Some(value.to_string_lossy().into_owned());
            } else if name == USER_VAR {
                launch.username = Some(value.to_string_lossy().into_owned());
            } else if name == PASSWORD_VAR {
                launch.password = Some(Password(value.to_string_lossy().into_owned()));
            } else if name == NO_MESSAGE_BOX_VAR {
                launch.no_message_box = true;
            }
        }
        let mut args = args.into_iter();
        while let Some(arg) = args.next() {
            if arg == "--seed" {
                match args.next() {
                    Some(file) => launch.seed = Some(PathBuf::from(file)),
                    None => bail!("--seed needs a file name"),
                }
            } else if let Some(file) = arg.to_str().and_then(|a| a.strip_prefix("--seed=")) {
                launch.seed = Some(PathBuf::from(file));
            }
        }
        Ok(launch)
    }

    /// The credentials to log in with at start: only when server, user and password are all
    /// given.
    pub fn auto_login(&self) -> Option<AutoLogin> {
        Some(AutoLogin {
            server_url: self.server_url.clone()?,
            username: self.username.clone()?,
            password: self.password.clone()?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn launch(vars: &[(&str, &str)], args: &[&str]) -> anyhow::Result<Launch> {
        Launch::from_env_and_args(
            vars.iter()
                .map(|(n, v)| (OsString::from(n), OsString::from(v))),
            args.iter().map(OsString::from),
        )
    }

    #[test]
    fn environment_names_data_dir_and_seed() {
        let got = launch(
            &[
                ("PLANSYNC_DATA_DIR", "/d"),
                ("PLANSYNC_SEED", "/s.txt"),
                ("HOME", "/h"),
                ("PLANSYNC_NO_MESSAGE_BOX", "1"),
            ],
            &[],
        )
        .unwrap();
        assert_eq!(
            got,
            Launch {
                data_dir: Some("/d".into()),
                seed: Some("/s.txt".into()),
                no_message_box: true,
                ..Launch::default()
            }
        );
    }

    #[test]
    fn auto_login_needs_server_user_and_password() {
        let got = launch(
            &[
                ("PLANSYNC_SERVER", "http://127.0.0.1:8080"),
                ("PLANSYNC_USER", "lan"),
            ],
            &[],
        )
        .unwrap();
        assert_eq!(got.server_url.as_deref(), Some("http://127.0.0.1:8080"));
        assert_eq!(
            got.auto_login(),
            None,
            "without a password the user logs in through the form"
        );
        let got = launch(
            &[
                ("PLANSYNC_SERVER", "http://127.0.0.1:8080"),
                ("PLANSYNC_USER", "lan"),
                ("PLANSYNC_PASSWORD", "bí mật"),
            ],
            &[],
        )
        .unwrap();
        let auto = got.auto_login().expect("all three are given");
        assert_eq!(auto.username, "lan");
        assert_eq!(auto.password.as_str(), "bí mật");
        assert!(
            !format!("{auto:?} {got:?}").contains("bí mật"),
            "the password never reaches a log line"
        );
    }

    #[test]
    fn seed_argument_wins_over_environment() {
        let got = launch(&[("PLANSYNC_SEED", "/env.txt")], &["--seed", "/arg.txt"]).unwrap();
        assert_eq!(
            got.seed,
            Some("/arg.txt".into()),
            "an explicit argument is more specific than the environment"
        );
        let got = launch(&[], &["--other", "--seed=/eq.txt"]).unwrap();
        assert_eq!(got.seed, Some("/eq.txt".into()));
    }

    #[test]
    fn empty_variables_and_a_dangling_seed_flag() {
        assert_eq!(
            launch(&[("PLANSYNC_SEED", "")], &[]).unwrap(),
            Launch::default(),
            "an empty variable is unset"
        );
        assert!(
            launch(&[], &["--seed"]).is_err(),
            "--seed without a file is a mistake worth stopping for"
        );
    }
}
