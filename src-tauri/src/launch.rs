//! Launch options: where the data lives and which plan file seeds an empty store.
//!
//! `PLANSYNC_DATA_DIR` overrides the platform's app data directory; `--seed FILE` (or
//! `--seed=FILE`) and, failing that, `PLANSYNC_SEED` name the seed plan.

use std::ffi::OsString;
use std::path::PathBuf;

use anyhow::bail;

pub const DATA_DIR_VAR: &str = "PLANSYNC_DATA_DIR";
pub const SEED_VAR: &str = "PLANSYNC_SEED";

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Launch {
    pub data_dir: Option<PathBuf>,
    pub seed: Option<PathBuf>,
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
            ],
            &[],
        )
        .unwrap();
        assert_eq!(
            got,
            Launch {
                data_dir: Some("/d".into()),
                seed: Some("/s.txt".into())
            }
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
