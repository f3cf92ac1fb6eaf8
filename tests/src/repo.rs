//! Where things are: the repository, its build outputs and the seed plan beside it.

use std::path::{Path, PathBuf};

/// The repository's root (the workspace holding this crate).
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the tests crate sits in the workspace root")
        .to_path_buf()
}

/// Cargo's target directory: `CARGO_TARGET_DIR` when set, else `<repo>/target`.
pub fn target_dir() -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) if !dir.is_empty() => {
            let dir = PathBuf::from(dir);
            if dir.is_absolute() {
                dir
            } else {
                root().join(dir)
            }
        }
        _ => root().join("target"),
    }
}

/// The debug build of the desktop app.
pub fn app_binary() -> PathBuf {
    target_dir().join("debug").join("plansync-app")
}

/// The seed plan, kept outside the repository in `../shared/seeds`.
pub fn seed_plan() -> PathBuf {
    root().join("../shared/seeds/000_0a839bbb9a1e185e.txt")
}

/// Where end-to-end tests write their screenshots (PNG files there are not committed).
pub fn screenshots_dir() -> PathBuf {
    root().join("screenshots")
}
