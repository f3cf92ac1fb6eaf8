//! The config file: `--config FILE` (or `PLANSYNC_CONFIG`), TOML whose keys are the long names
//! of the options that can also be set in the environment, exactly as typed on the command line
//! (`listen = "0.0.0.0:8080"`, `tls-cert = "/etc/..."`, `trusted-proxy = ["10.0.0.1"]`,
//! `out-dir`, `keep`, ...) and the global `data` and `log-format`.
//!
//! Each value becomes the default of every option of that name, in every command that has one,
//! so the command line beats the environment, which beats the file, which beats the built-in
//! default. The file is read before the command line is parsed; an unknown key or a value the
//! option would refuse is a one-line error naming the file and the key.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use anyhow::{anyhow, bail, Context, Result};
use clap::{Arg, ArgAction, Command, CommandFactory, FromArgMatches};

use crate::cli::Cli;

/// The environment variable naming the config file when `--config` is not given.
pub const CONFIG_ENV: &str = "PLANSYNC_CONFIG";

/// Why the command line could not be parsed.
#[derive(Debug)]
pub enum ParseError {
    /// clap's own: a usage error, or `--help` / `--version` (it prints and exits itself).
    Clap(clap::Error),
    /// The config file's.
    Config(anyhow::Error),
}

/// The program's command line, with the config file's values as defaults; prints the error and
/// exits on failure (status 2, as clap does for a usage error).
pub fn parse() -> Cli {
    match try_parse_from(std::env::args_os()) {
        Ok(cli) => cli,
        Err(ParseError::Clap(err)) => err.exit(),
        Err(ParseError::Config(err)) => {
            eprintln!("error: {err:#}");
            std::process::exit(2)
        }
    }
}

/// Parses `args` (program name first) with the config file they (or `PLANSYNC_CONFIG`) name.
pub fn try_parse_from<I, T>(args: I) -> Result<Cli, ParseError>
where
    I: IntoIterator<Item = T>,
    T: Into<OsString>,
{
    let args: Vec<OsString> = args.into_iter().map(Into::into).collect();
    let command = match config_path(&args) {
        Some(path) => with_file(Cli::command(), &path).map_err(ParseError::Config)?,
        None => Cli::command(),
    };
    let matches = command
        .try_get_matches_from(args)
        .map_err(ParseError::Clap)?;
    Cli::from_arg_matches(&matches).map_err(ParseError::Clap)
}

/// The config file named by `--config FILE` / `--config=FILE` (before any `--`), else by
/// `PLANSYNC_CONFIG`.
fn config_path(args: &[OsString]) -> Option<PathBuf> {
    let mut rest = args.iter().skip(1);
    while let Some(arg) = rest.next() {
        if arg == "--" {
            break;
        }
        if arg == "--config" {
            // Without a value clap says so when it parses.
            return rest.next().map(PathBuf::from);
        }
        if let Some(path) = arg.to_str().and_then(|a| a.strip_prefix("--config=")) {
            return Some(PathBuf::from(path));
        }
    }
    std::env::var_os(CONFIG_ENV)
        .filter(|path| !path.is_empty())
        .map(PathBuf::from)
}

/// `command` with the values of the config file at `path` as defaults.
pub fn with_file(command: Command, path: &Path) -> Result<Command> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read the config file {}", path.display()))?;
    let table: toml::Table = toml::from_str(&text).map_err(|err| {
        let line = err
            .span()
            .map(|span| format!(" line {}", text[..span.start].lines().count().max(1)))
            .unwrap_or_default();
        anyhow!(
            "{}{line}: not a valid config file (TOML): {}",
            path.display(),
            err.message().trim()
        )
    })?;
    with_values(command, path, &table)
}

/// `command` with `table`'s values (read from `path`) as defaults.
pub fn with_values(mut command: Command, path: &Path, table: &toml::Table) -> Result<Command> {
    let settings = settings(&command);
    for (key, value) in table {
        let args: Vec<&Arg> = settings
            .iter()
            .filter(|arg| arg.get_long() == Some(key.as_str()))
            .collect();
        if args.is_empty() {
            bail!(
                "{}: unknown key \"{key}\" (known keys: {})",
                path.display(),
                known_keys(&settings).join(", ")
            );
        }
        let bad = |why: String| anyhow!("{}: {key} = {value}: {why}", path.display());
        let multiple = args.iter().all(|arg| takes_several(arg));
        let values = values_of(value, multiple).map_err(|why| bad(why.to_string()))?;
        for arg in &args {
            for value in &values {
                check(arg, value).map_err(bad)?;
            }
        }
        // A default must live as long as the command; this runs once per process.
        let values: Vec<&'static str> = values
            .into_iter()
            .map(|value| &*Box::leak(value.into_boxed_str()))
            .collect();
        command = set_default(command, key, &values);
    }
    Ok(command)
}

/// Whether the file may set `arg`: a named option that can be set in the environment (the
/// file's own name excepted).
fn is_setting(arg: &Arg) -> bool {
    arg.get_long().is_some()
        && !arg.is_positional()
        && arg.get_env().is_some_and(|env| env != CONFIG_ENV)
}

/// Every option the file may set, of the program and of every command (the same name may come
/// several times).
fn settings(command: &Command) -> Vec<Arg> {
    let mut found: Vec<Arg> = command
        .get_arguments()
        .filter(|arg| is_setting(arg))
        .cloned()
        .collect();
    for sub in command.get_subcommands() {
        found.extend(settings(sub));
    }
    found
}

fn known_keys(settings: &[Arg]) -> Vec<&str> {
    let mut keys: Vec<&str> = settings.iter().filter_map(Arg::get_long).collect();
    keys.sort_unstable();
    keys.dedup();
    keys
}

fn takes_several(arg: &Arg) -> bool {
    matches!(arg.get_action(), ArgAction::Append)
        || arg.get_num_args().is_some_and(|n| n.max_values() > 1)
}

/// The command-line form of a TOML value.
fn values_of(value: &toml::Value, multiple: bool) -> Result<Vec<String>, &'static str> {
    let scalar = |value: &toml::Value| match value {
        toml::Value::String(text) => Some(text.clone()),
        toml::Value::Integer(n) => Some(n.to_string()),
        toml::Value::Float(x) => Some(x.to_string()),
        toml::Value::Boolean(b) => Some(b.to_string()),
        toml::Value::Datetime(d) => Some(d.to_string()),
        toml::Value::Array(_) | toml::Value::Table(_) => None,
    };
    match value {
        toml::Value::Array(items) if multiple => items
            .iter()
            .map(|item| scalar(item).ok_or("a list of plain values is expected"))
            .collect(),
        toml::Value::Array(_) => Err("this option takes one value, not a list"),
        toml::Value::Table(_) => Err("this option takes a value, not a table"),
        other => Ok(scalar(other).into_iter().collect()),
    }
}

/// Whether `arg` takes `value`, by the very rules of the command line.
fn check(arg: &Arg, value: &str) -> Result<(), String> {
    let probe = Command::new("config").no_binary_name(true).arg(
        Arg::new("value")
            .long("value")
            .action(ArgAction::Set)
            .value_parser(arg.get_value_parser().clone()),
    );
    match probe.try_get_matches_from([format!("--value={value}")]) {
        Ok(_) => Ok(()),
        Err(err) => Err(reason(&err)),
    }
}

/// What is wrong with a value, without clap's usage text.
fn reason(err: &clap::Error) -> String {
    use clap::error::{ContextKind, ContextValue};
    use std::error::Error as _;
    if let Some(source) = err.source() {
        return source.to_string();
    }
    if let Some(ContextValue::Strings(valid)) = err.get(ContextKind::ValidValue) {
        return format!("expected one of {}", valid.join(", "));
    }
    let text = err.to_string();
    let first = text.lines().next().unwrap_or_default();
    first.trim_start_matches("error: ").to_string()
}

/// `command` with `values` as the default of every option the file may set named `key`.
fn set_default(command: Command, key: &str, values: &[&'static str]) -> Command {
    command
        .mut_args(|arg| {
            if is_setting(&arg) && arg.get_long() == Some(key) {
                // A value from the file satisfies a required option.
                arg.default_values(values.iter().copied()).required(false)
            } else {
                arg
            }
        })
        .mut_subcommands(|sub| set_default(sub, key, values))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::Command as Cmd;
    use std::sync::Mutex;

    /// Tests that set `PLANSYNC_*` variables run one at a time (clap reads the environment).
    static ENV: Mutex<()> = Mutex::new(());

    fn write(dir: &Path, text: &str) -> PathBuf {
        let path = dir.join("plansync.toml");
        std::fs::write(&path, text).unwrap();
        path
    }

    fn parse(args: &[&str]) -> Result<Cli, ParseError> {
        try_parse_from(std::iter::once("plansync").chain(args.iter().copied()))
    }

    fn serve_listen(cli: &Cli) -> String {
        match &cli.command {
            Cmd::Serve { listen, .. } => listen.to_string(),
            other => panic!("not serve: {other:?}"),
        }
    }

    fn config_error(result: Result<Cli, ParseError>) -> String {
        match result {
            Err(ParseError::Config(err)) => format!("{err:#}"),
            other => panic!("expected a config file error, got {other:?}"),
        }
    }

    /// Runs `f` with the given variables set (and every other variable the test looks at unset).
    fn with_env<R>(vars: &[(&str, &str)], f: impl FnOnce() -> R) -> R {
        let _guard = ENV.lock().unwrap_or_else(|p| p.into_inner());
        let names = [
            "PLANSYNC_LISTEN",
            "PLANSYNC_DATA",
            "PLANSYNC_CONFIG",
            "PLANSYNC_TRUSTED_PROXIES",
            "PLANSYNC_MAX_FILE_MB",
            "PLANSYNC_LOG_FORMAT",
        ];
        let saved: Vec<_> = names.iter().map(|n| (*n, std::env::var_os(n))).collect();
        for name in names {
            std::env::remove_var(name);
        }
        for (name, value) in vars {
            std::env::set_var(name, value);
        }
        let result = f();
        for (name, value) in saved {
            match value {
                Some(value) => std::env::set_var(name, value),
                None => std::env::remove_var(name),
            }
        }
        result
    }

    #[test]
    fn a_flag_beats_the_environment_which_beats_the_file_which_beats_the_default() {
        let dir = tempfile::tempdir().unwrap();
        let file = write(
            dir.path(),
            "data = \"/from/file\"\nlisten = \"127.0.0.1:1111\"\nmax-file-mb = 7\n",
        );
        let file = file.to_str().unwrap();
        with_env(&[], || {
            // Built-in default: no file.
            let cli = parse(&["serve"]).unwrap();
            assert_eq!(serve_listen(&cli), "127.0.0.1:8080");
            assert_eq!(cli.data, None);
            // The file.
            let cli = parse(&["--config", file, "serve"]).unwrap();
            assert_eq!(serve_listen(&cli), "127.0.0.1:1111");
            assert_eq!(cli.data.as_deref(), Some(Path::new("/from/file")));
            let Cmd::Serve { max_file_mb, .. } = cli.command else {
                unreachable!()
            };
            assert_eq!(max_file_mb, 7);
            // A flag beats the file, wherever the global one is typed.
            let cli = parse(&[
                "serve",
                "--config",
                file,
                "--listen",
                "127.0.0.1:3333",
                "--data",
                "/from/flag",
            ])
            .unwrap();
            assert_eq!(serve_listen(&cli), "127.0.0.1:3333");
            assert_eq!(cli.data.as_deref(), Some(Path::new("/from/flag")));
            let cli =
                parse(&["--data", "/from/flag", &format!("--config={file}"), "serve"]).unwrap();
            assert_eq!(cli.data.as_deref(), Some(Path::new("/from/flag")));
        });
        // The environment beats the file; a flag beats the environment.
        with_env(
            &[
                ("PLANSYNC_LISTEN", "127.0.0.1:2222"),
                ("PLANSYNC_DATA", "/from/env"),
                ("PLANSYNC_CONFIG", file),
            ],
            || {
                let cli = parse(&["serve"]).unwrap();
                assert_eq!(serve_listen(&cli), "127.0.0.1:2222");
                assert_eq!(cli.data.as_deref(), Some(Path::new("/from/env")));
                let Cmd::Serve { max_file_mb, .. } = cli.command else {
                    unreachable!()
                };
                assert_eq!(max_file_mb, 7, "PLANSYNC_CONFIG names the file");
                let cli = parse(&["serve", "--listen", "127.0.0.1:3333"]).unwrap();
                assert_eq!(serve_listen(&cli), "127.0.0.1:3333");
            },
        );
    }

    #[test]
    fn lists_and_global_options_come_from_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let file = write(
            dir.path(),
            "trusted-proxy = [\"10.0.0.1\", \"10.0.0.2\"]\nlog-format = \"json\"\n",
        );
        let file = file.to_str().unwrap();
        with_env(&[], || {
            let cli = parse(&["--config", file, "serve"]).unwrap();
            assert_eq!(cli.log_format, crate::cli::LogFormat::Json);
            let Cmd::Serve {
                trusted_proxies, ..
            } = cli.command
            else {
                unreachable!()
            };
            assert_eq!(
                trusted_proxies,
                [
                    "10.0.0.1".parse::<std::net::IpAddr>().unwrap(),
                    "10.0.0.2".parse().unwrap()
                ]
            );
            // The flag replaces the file's list.
            let cli = parse(&["--config", file, "serve", "--trusted-proxy", "10.9.9.9"]).unwrap();
            let Cmd::Serve {
                trusted_proxies, ..
            } = cli.command
            else {
                unreachable!()
            };
            assert_eq!(trusted_proxies.len(), 1);
        });
    }

    #[test]
    fn an_unknown_key_names_the_file_the_key_and_the_known_keys() {
        let dir = tempfile::tempdir().unwrap();
        let file = write(
            dir.path(),
            "listen = \"127.0.0.1:1\"\nlisten-addr = \"x\"\n",
        );
        let message = with_env(&[], || {
            config_error(parse(&["--config", file.to_str().unwrap(), "serve"]))
        });
        assert!(!message.contains('\n'), "one line: {message}");
        assert!(message.starts_with(file.to_str().unwrap()), "{message}");
        assert!(message.contains("unknown key \"listen-addr\""), "{message}");
        for known in [
            "data",
            "listen",
            "tls-cert",
            "trusted-proxy",
            "metrics-listen",
        ] {
            assert!(message.contains(known), "{known} is listed: {message}");
        }
        assert!(
            !message.contains("config,"),
            "the file cannot name itself: {message}"
        );
    }

    #[test]
    fn a_value_the_option_refuses_names_the_file_and_the_key() {
        let dir = tempfile::tempdir().unwrap();
        for (text, expected) in [
            (
                "listen = \"nowhere\"",
                "listen = \"nowhere\": invalid socket address",
            ),
            (
                "max-file-mb = \"many\"",
                "max-file-mb = \"many\": invalid digit",
            ),
            ("listen = [\"127.0.0.1:1\"]", "not a list"),
            ("trusted-proxy = [[\"10.0.0.1\"]]", "plain values"),
            ("log-format = \"xml\"", "expected one of text, json"),
            ("[serve]\nlisten = \"127.0.0.1:1\"", "unknown key \"serve\""),
            ("listen = ", "line 1: not a valid config file"),
        ] {
            let file = write(dir.path(), text);
            let message = with_env(&[], || {
                config_error(parse(&["--config", file.to_str().unwrap(), "unit", "list"]))
            });
            assert!(!message.contains('\n'), "one line: {message}");
            assert!(message.starts_with(file.to_str().unwrap()), "{message}");
            assert!(message.contains(expected), "{text}: {message}");
        }
    }

    #[test]
    fn a_missing_file_is_named() {
        let message = with_env(&[], || {
            config_error(parse(&["--config", "/nonexistent/plansync.toml", "serve"]))
        });
        assert!(
            message.contains("cannot read the config file /nonexistent/plansync.toml"),
            "{message}"
        );
    }

    #[test]
    fn the_file_sets_every_command_that_has_the_option() {
        // Every key the file knows belongs to an option with an environment variable; serve's
        // options all have one.
        let command = Cli::command();
        let serve = command.find_subcommand("serve").unwrap();
        for arg in serve.get_arguments() {
            if arg.get_long().is_some_and(|l| l != "help") && !arg.is_global_set() {
                assert!(
                    is_setting(arg),
                    "serve --{} has no environment variable",
                    arg.get_long().unwrap()
                );
            }
        }
    }
}
