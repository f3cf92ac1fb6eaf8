//! Where the app keeps its data by default: the platform's local app data directory
//! (Tauri's `app_local_data_dir()`). On Windows that is `%LOCALAPPDATA%\<identifier>`, which
//! roaming profiles do not copy at every logon and logoff (the SQLite files and evidence copies
//! would be); on Linux it is `~/.local/share/<identifier>`, the same directory as before.
//!
//! Versions before this one kept the data in `app_data_dir()` (`%APPDATA%\<identifier>`, the
//! roaming profile, on Windows). [`move_from_old_place`] moves it once, entry by entry, before
//! anything is opened; a move stopped halfway is finished at the next start.

use std::ffi::OsString;
use std::io;
use std::path::Path;

use crate::DATABASE_FILE;

/// What [`move_from_old_place`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Move {
    /// The old place is the new one (Linux, macOS), or holds nothing.
    Nothing,
    /// These entries of the old place were moved to the new one (the database last).
    Moved(Vec<OsString>),
    /// Both places hold a database: the new one is used, the old one is left alone.
    BothHaveData,
}

/// Moves every entry of `old` that `new` does not have into `new`, the database file last, and
/// removes `old` when it is then empty. Each entry is renamed (the two places are on one volume
/// on a normal Windows profile), else copied beside its destination and then renamed into place
/// (a redirected `%APPDATA%` on another drive), so an entry is never half there.
pub fn move_from_old_place(old: &Path, new: &Path) -> io::Result<Move> {
    if old == new || !old.is_dir() {
        return Ok(Move::Nothing);
    }
    let mut entries: Vec<OsString> = std::fs::read_dir(old)?
        .map(|entry| entry.map(|e| e.file_name()))
        .collect::<io::Result<_>>()?;
    if entries.is_empty() {
        remove_if_empty(old);
        return Ok(Move::Nothing);
    }
    if old.join(DATABASE_FILE).exists() && new.join(DATABASE_FILE).exists() {
        return Ok(Move::BothHaveData);
    }
    // The database last: once it is in the new place, everything before it is too.
    entries.sort_by_key(|name| (name == DATABASE_FILE, name.clone()));
    std::fs::create_dir_all(new)?;
    let mut moved = Vec::new();
    for name in entries {
        let to = new.join(&name);
        if to.exists() {
            continue;
        }
        move_entry(&old.join(&name), &to)?;
        moved.push(name);
    }
    remove_if_empty(old);
    Ok(if moved.is_empty() {
        Move::Nothing
    } else {
        Move::Moved(moved)
    })
}

fn remove_if_empty(dir: &Path) {
    // Fails when something is left in it, which is then kept.
    let _ = std::fs::remove_dir(dir);
}

fn move_entry(from: &Path, to: &Path) -> io::Result<()> {
    if std::fs::rename(from, to).is_ok() {
        return Ok(());
    }
    copy_into_place(from, to)
}

/// Copies `from` to `to.moving`, renames that to `to` and removes `from`: the move across
/// volumes, where a rename fails.
fn copy_into_place(from: &Path, to: &Path) -> io::Result<()> {
    let mut partial = to.as_os_str().to_owned();
    partial.push(".moving");
    let partial = Path::new(&partial);
    remove_any(partial)?;
    copy_any(from, partial)?;
    std::fs::rename(partial, to)?;
    remove_any(from)
}

fn copy_any(from: &Path, to: &Path) -> io::Result<()> {
    if from.is_dir() {
        std::fs::create_dir_all(to)?;
        for entry in std::fs::read_dir(from)? {
            let entry = entry?;
            copy_any(&entry.path(), &to.join(entry.file_name()))?;
        }
        Ok(())
    } else {
        std::fs::copy(from, to).map(drop)
    }
}

fn remove_any(path: &Path) -> io::Result<()> {
    match std::fs::symlink_metadata(path) {
        Ok(meta) if meta.is_dir() => std::fs::remove_dir_all(path),
        Ok(_) => std::fs::remove_file(path),
        Err(err) if err.kind() == io::ErrorKind::NotFound => Ok(()),
        Err(err) => Err(err),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(path: &Path, text: &str) {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    fn read(path: &Path) -> String {
        std::fs::read_to_string(path).unwrap()
    }

    #[test]
    fn data_in_the_roaming_place_moves_to_the_local_one_once() {
        let root = tempfile::tempdir().unwrap();
        let (old, new) = (root.path().join("Roaming/id"), root.path().join("Local/id"));
        write(&old.join(DATABASE_FILE), "plans");
        write(&old.join("plansync.sqlite3-wal"), "wal");
        write(&old.join("sync/engine.sqlite3"), "engine");
        // WebView2's cache is already in the local place.
        write(&new.join("EBWebView/cache"), "webview");
        let got = move_from_old_place(&old, &new).unwrap();
        assert_eq!(
            got,
            Move::Moved(vec![
                "plansync.sqlite3-wal".into(),
                "sync".into(),
                DATABASE_FILE.into()
            ]),
            "the database moves last"
        );
        assert_eq!(read(&new.join(DATABASE_FILE)), "plans");
        assert_eq!(read(&new.join("plansync.sqlite3-wal")), "wal");
        assert_eq!(read(&new.join("sync/engine.sqlite3")), "engine");
        assert_eq!(read(&new.join("EBWebView/cache")), "webview");
        assert!(!old.exists(), "the emptied old place is removed");
        assert_eq!(
            move_from_old_place(&old, &new).unwrap(),
            Move::Nothing,
            "the next start has nothing to move"
        );
    }

    #[test]
    fn a_move_stopped_halfway_is_finished_at_the_next_start() {
        let root = tempfile::tempdir().unwrap();
        let (old, new) = (root.path().join("old"), root.path().join("new"));
        write(&old.join(DATABASE_FILE), "plans");
        write(
            &new.join("sync/engine.sqlite3"),
            "engine, moved before the stop",
        );
        let got = move_from_old_place(&old, &new).unwrap();
        assert_eq!(got, Move::Moved(vec![DATABASE_FILE.into()]));
        assert_eq!(read(&new.join(DATABASE_FILE)), "plans");
    }

    #[test]
    fn the_same_place_or_two_databases_move_nothing() {
        let root = tempfile::tempdir().unwrap();
        let same = root.path().join("share/id");
        write(&same.join(DATABASE_FILE), "plans");
        assert_eq!(
            move_from_old_place(&same, &same).unwrap(),
            Move::Nothing,
            "on Linux app_data_dir and app_local_data_dir are one directory"
        );
        assert_eq!(read(&same.join(DATABASE_FILE)), "plans");

        let (old, new) = (root.path().join("old"), root.path().join("new"));
        write(&old.join(DATABASE_FILE), "old plans");
        write(&new.join(DATABASE_FILE), "new plans");
        assert_eq!(move_from_old_place(&old, &new).unwrap(), Move::BothHaveData);
        assert_eq!(
            read(&old.join(DATABASE_FILE)),
            "old plans",
            "nothing is lost"
        );
        assert_eq!(read(&new.join(DATABASE_FILE)), "new plans");

        assert_eq!(
            move_from_old_place(&root.path().join("missing"), &new).unwrap(),
            Move::Nothing
        );
    }

    #[test]
    fn a_copy_replaces_the_rename_across_volumes() {
        let root = tempfile::tempdir().unwrap();
        let (from, to) = (root.path().join("a"), root.path().join("b"));
        write(&from.join("x/y.txt"), "y");
        // A leftover of a copy stopped halfway is replaced.
        write(&root.path().join("b.moving/stale"), "stale");
        copy_into_place(&from, &to).unwrap();
        assert_eq!(read(&to.join("x/y.txt")), "y");
        assert!(!to.join("stale").exists());
        assert!(!from.exists() && !root.path().join("b.moving").exists());
    }
}
