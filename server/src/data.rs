//! The data directory and what every part of the server shares about it: its files, the one
//! writer allowed at a time, the clock, and the author of the server's own changes.

use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use anyhow::{Context, Result};
use shared::documents::ChangeAuthor;

/// The registry (units, users, sessions, documents).
pub fn registry_path(data: &Path) -> PathBuf {
    data.join("registry.sqlite3")
}

/// The Automerge documents.
pub fn documents_path(data: &Path) -> PathBuf {
    data.join("documents.sqlite3")
}

/// The lock file a process that writes documents holds.
pub fn lock_path(data: &Path) -> PathBuf {
    data.join("plansync.lock")
}

/// The current time, Unix milliseconds.
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

/// The date the server takes as today: the date in Vietnam, or a fixed one (`serve --today`,
/// for rehearsing a date such as the opening of next year's first data window, and tests).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Today {
    fixed: Option<shared::calendar::Date>,
}

impl Today {
    pub fn fixed(date: shared::calendar::Date) -> Today {
        Today { fixed: Some(date) }
    }

    pub fn date(self) -> shared::calendar::Date {
        self.fixed
            .unwrap_or_else(|| shared::calendar::Date::from_unix_millis_vietnam(now_ms()))
    }
}

/// The author of this process's own changes (publishing, lock restores, new task maps). Its
/// device, and so its Automerge actor id, is `server-` and 16 random hex digits, new in every
/// process: two processes never write changes with the same (actor, sequence number).
pub fn server_author() -> ChangeAuthor {
    static DEVICE: OnceLock<String> = OnceLock::new();
    let device = DEVICE.get_or_init(|| {
        let bytes: [u8; 8] = rand::random();
        let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        format!("server-{hex}")
    });
    ChangeAuthor {
        user: "plansync".into(),
        device: device.clone(),
        what: String::new(),
    }
}

/// The exclusive right to write a data directory's documents, held until dropped. `plansync
/// serve` holds it while it runs; commands that change documents take it for their run, so they
/// refuse to run beside a server.
#[derive(Debug)]
pub struct DataDirLock {
    _file: File,
    path: PathBuf,
}

impl DataDirLock {
    /// Takes the lock of `data` (created if needed), or says who holds it.
    pub fn take(data: &Path, purpose: &str) -> Result<DataDirLock> {
        std::fs::create_dir_all(data)
            .with_context(|| format!("cannot create data directory {}", data.display()))?;
        let path = lock_path(data);
        let mut file = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .with_context(|| format!("cannot open {}", path.display()))?;
        match file.try_lock() {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) => {
                let holder = std::fs::read_to_string(&path).unwrap_or_default();
                let holder = holder.trim();
                anyhow::bail!(
                    "{} is in use by another PlanSync process{}: stop the server first (e.g. `systemctl stop plansync`), then run this command again",
                    data.display(),
                    if holder.is_empty() {
                        String::new()
                    } else {
                        format!(" ({holder})")
                    }
                );
            }
            Err(std::fs::TryLockError::Error(err)) => {
                return Err(err).with_context(|| format!("cannot lock {}", path.display()))
            }
        }
        file.set_len(0)?;
        writeln!(file, "pid {}, {purpose}", std::process::id())?;
        file.flush()?;
        Ok(DataDirLock { _file: file, path })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_writer_is_refused_and_says_who_holds_the_directory() {
        let dir = tempfile::tempdir().unwrap();
        let first = DataDirLock::take(dir.path(), "serve").unwrap();
        let second = DataDirLock::take(dir.path(), "plan publish").unwrap_err();
        let message = format!("{second:#}");
        assert!(
            message.contains("in use by another PlanSync process"),
            "{message}"
        );
        assert!(
            message.contains(&format!("pid {}", std::process::id())),
            "{message}"
        );
        drop(first);
        DataDirLock::take(dir.path(), "plan publish").expect("free once the holder is gone");
    }

    #[test]
    fn each_process_has_its_own_server_actor() {
        let author = server_author();
        assert!(author.device.starts_with("server-") && author.device.len() == 23);
        assert_eq!(server_author(), author, "one per process");
    }
}
