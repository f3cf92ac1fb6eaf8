//! Files and folders only the laptop's user may read: the session database (it holds the
//! session's token) and the evidence copies. On Unix they are created with mode 0600 (files)
//! and 0700 (folders); on Windows the user's profile folders already keep other users out.

use std::path::Path;

use crate::error::{ClientError, Result};

fn failed(path: &Path, err: std::io::Error) -> ClientError {
    ClientError::Internal(format!("cannot protect {}: {err}", path.display()))
}

/// Creates `dir` (and its parents) if needed and makes it the user's alone.
pub fn private_dir(dir: &Path) -> Result<()> {
    std::fs::create_dir_all(dir).map_err(|e| failed(dir, e))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))
            .map_err(|e| failed(dir, e))?;
    }
    Ok(())
}

/// Makes an existing (or new, empty) file the user's alone.
pub fn restrict_file(path: &Path) -> Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
        if !path.exists() {
            std::fs::OpenOptions::new()
                .write(true)
                .create(true)
                .truncate(false)
                .mode(0o600)
                .open(path)
                .map_err(|e| failed(path, e))?;
        }
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))
            .map_err(|e| failed(path, e))?;
    }
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
}

/// Removes a folder and everything in it, if it exists.
pub fn remove_dir(dir: &Path) -> Result<()> {
    match std::fs::remove_dir_all(dir) {
        Ok(()) => Ok(()),
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(err) => Err(ClientError::Internal(format!(
            "cannot remove {}: {err}",
            dir.display()
        ))),
    }
}
