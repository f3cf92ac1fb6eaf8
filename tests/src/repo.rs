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

/// The seed plan: the project's copy in `fixtures/plans` (the repository stands alone).
pub fn seed_plan() -> PathBuf {
    root().join("fixtures/plans/tuyen-quang-sxd-2026.txt")
}

/// Where end-to-end tests write their screenshots (PNG files there are not committed).
pub fn screenshots_dir() -> PathBuf {
    root().join("screenshots")
}
