//! The setting "Chứng chỉ của máy chủ (CA nội bộ)": the CA certificates (a province's internal
//! CA) the app trusts besides the operating system's.
//!
//! A file chosen in the settings is checked ([`client::ca_file`]) and copied to
//! [`CA_FILE`] in the data directory (a temporary file, then a rename: the copy is whole or
//! absent), so it survives the original being moved or deleted; "Bỏ" deletes the copy. The file
//! [`CA_FILE_VAR`] names, when set (an administrator's deployment, the tests), is trusted too and
//! shown, but not changed here. The sync engine is told after every change
//! ([`client::Client::set_extra_ca_files`]) and reconnects at once.

use std::io::Write;
use std::path::{Path, PathBuf};

use client::{CaCertificate, Client};
use serde::Serialize;

use crate::error::{CommandError, ErrorCode};

/// Names a PEM file of CA certificates to trust besides the system's.
pub const CA_FILE_VAR: &str = "PLANSYNC_CA_FILE";
/// The copy of the CA file chosen in the settings, in the data directory.
pub const CA_FILE: &str = "ca-certificates.pem";

/// What the settings show.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CaSettings {
    /// The file chosen in the settings (its copy), if any.
    pub chosen: Option<CaFileView>,
    /// The file [`CA_FILE_VAR`] names, if set.
    pub from_env: Option<CaFileView>,
}

/// One CA file and what it holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CaFileView {
    pub path: String,
    /// Its certificates (empty when it cannot be used).
    pub certificates: Vec<CaCertificate>,
    /// Why it is not used, in Vietnamese (it was damaged or removed since).
    pub problem: Option<String>,
}

/// Where the CA files of one data directory are.
#[derive(Debug)]
pub struct CaFiles {
    data_dir: PathBuf,
    from_env: Option<PathBuf>,
    /// Changes go one at a time.
    turn: tokio::sync::Mutex<()>,
}

impl CaFiles {
    pub fn new(data_dir: &Path, from_env: Option<PathBuf>) -> CaFiles {
        CaFiles {
            data_dir: data_dir.to_path_buf(),
            from_env,
            turn: tokio::sync::Mutex::new(()),
        }
    }

    /// The files of `data_dir`, with [`CA_FILE_VAR`] read from the environment.
    pub fn from_env(data_dir: &Path) -> CaFiles {
        let named = std::env::var_os(CA_FILE_VAR)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from);
        CaFiles::new(data_dir, named)
    }

    /// Where the chosen file's copy is kept.
    pub fn copy_path(&self) -> PathBuf {
        self.data_dir.join(CA_FILE)
    }

    /// Every CA file there is now, each read again.
    pub fn settings(&self) -> CaSettings {
        let copy = self.copy_path();
        CaSettings {
            chosen: copy.exists().then(|| view(&copy)),
            from_env: self.from_env.as_deref().map(view),
        }
    }

    /// The files to trust: those that read; one that does not is logged and left out, so a
    /// damaged file never stops the app.
    pub fn usable(&self) -> Vec<PathBuf> {
        let copy = self.copy_path();
        let candidates = self
            .from_env
            .iter()
            .cloned()
            .chain(copy.exists().then_some(copy));
        candidates
            .filter(|path| match client::ca_file::read(path) {
                Ok(_) => {
                    tracing::info!(file = %path.display(), "trusting the CA certificates of this file too");
                    true
                }
                Err(err) => {
                    tracing::error!(file = %path.display(), "CA certificate file not used: {err}");
                    false
                }
            })
            .collect()
    }

    /// Checks the CA file at `source` and puts a copy of it in place of the chosen one. A file
    /// that cannot be used is refused ([`client::ClientError::BadCaFile`]) and nothing is saved.
    pub fn install(&self, source: &Path) -> Result<(), CommandError> {
        if source.as_os_str().is_empty() {
            return Err(CommandError::new(
                ErrorCode::BadCaFile,
                "Hãy chọn tệp chứng chỉ CA, hoặc nhập đường dẫn đến tệp.",
            ));
        }
        let file = client::ca_file::read(source)?;
        write_atomically(&self.copy_path(), &file.pem).map_err(|err| {
            CommandError::new(
                ErrorCode::LocalFile,
                format!(
                    "Không lưu được bản sao tệp chứng chỉ vào {}: {err}",
                    self.data_dir.display()
                ),
            )
        })
    }

    /// Deletes the chosen file's copy (nothing to do when there is none).
    pub fn remove(&self) -> Result<(), CommandError> {
        match std::fs::remove_file(self.copy_path()) {
            Ok(()) => Ok(()),
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(err) => Err(CommandError::new(
                ErrorCode::LocalFile,
                format!(
                    "Không xoá được tệp chứng chỉ {}: {err}",
                    self.copy_path().display()
                ),
            )),
        }
    }

    /// Installs `source` (see [`CaFiles::install`]) and has `client` trust it from now on.
    pub async fn choose(&self, client: &Client, source: &Path) -> Result<CaSettings, CommandError> {
        let _one_at_a_time = self.turn.lock().await;
        self.install(source)?;
        self.apply(client).await
    }

    /// Removes the chosen file and has `client` stop trusting it.
    pub async fn clear(&self, client: &Client) -> Result<CaSettings, CommandError> {
        let _one_at_a_time = self.turn.lock().await;
        self.remove()?;
        self.apply(client).await
    }

    async fn apply(&self, client: &Client) -> Result<CaSettings, CommandError> {
        client.set_extra_ca_files(&self.usable()).await?;
        Ok(self.settings())
    }
}

/// Runs the system's file dialog for a CA certificate file, off the main thread.
pub async fn pick(app: tauri::AppHandle) -> Result<Option<String>, CommandError> {
    crate::evidence::pick_one_file(
        app,
        "Chọn tệp chứng chỉ CA của máy chủ",
        &[("Chứng chỉ (PEM: .pem, .crt, .cer)", &["pem", "crt", "cer"])],
    )
    .await
}

fn view(path: &Path) -> CaFileView {
    let (certificates, problem) = match client::ca_file::read(path) {
        Ok(file) => (file.certificates, None),
        Err(err) => (Vec::new(), Some(err.to_string())),
    };
    CaFileView {
        path: path.display().to_string(),
        certificates,
        problem,
    }
}

/// Writes `bytes` to a temporary file beside `path`, flushes it to disk, then renames it over
/// `path`: a reader sees the old file or the new one, never part of one.
fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let temp = dir.join(format!(".{file_name}.{}.tmp", std::process::id()));
    let written = (|| {
        let mut file = std::fs::File::create(&temp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        std::fs::rename(&temp, path)?;
        // The rename itself is durable once the folder is.
        if let Ok(folder) = std::fs::File::open(dir) {
            let _ = folder.sync_all();
        }
        Ok(())
    })();
    if written.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    written
}

#[cfg(test)]
mod tests {
    use super::*;

    const CA_PEM: &str = include_str!("../../client/testdata/test-ca.pem");

    fn bad_ca_file(result: Result<(), CommandError>) -> String {
        let err = result.expect_err("refused");
        assert_eq!(err.code, ErrorCode::BadCaFile, "{err:?}");
        err.message
    }

    #[test]
    fn a_chosen_file_is_copied_and_outlives_its_original() {
        let data = tempfile::tempdir().unwrap();
        let elsewhere = tempfile::tempdir().unwrap();
        let original = elsewhere.path().join("ca-tinh.pem");
        std::fs::write(&original, CA_PEM).unwrap();
        let files = CaFiles::new(data.path(), None);
        assert_eq!(
            files.settings(),
            CaSettings {
                chosen: None,
                from_env: None
            }
        );
        assert!(files.usable().is_empty());

        files.install(&original).unwrap();
        std::fs::remove_file(&original).unwrap();
        assert_eq!(
            std::fs::read_to_string(data.path().join(CA_FILE)).unwrap(),
            CA_PEM
        );
        let chosen = files.settings().chosen.expect("the copy is shown");
        assert_eq!(chosen.path, data.path().join(CA_FILE).display().to_string());
        assert_eq!(chosen.problem, None);
        assert_eq!(chosen.certificates.len(), 1);
        assert_eq!(chosen.certificates[0].subject, "PlanSync Test CA");
        assert_eq!(files.usable(), [data.path().join(CA_FILE)]);
        let leftovers: Vec<_> = std::fs::read_dir(data.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(leftovers, [CA_FILE], "no temporary file is left behind");

        files.remove().unwrap();
        assert_eq!(files.settings().chosen, None);
        files.remove().unwrap();
    }

    #[test]
    fn a_file_that_is_no_ca_file_is_refused_and_the_current_one_kept() {
        let data = tempfile::tempdir().unwrap();
        let files = CaFiles::new(data.path(), None);
        let good = data.path().join("good.pem");
        std::fs::write(&good, CA_PEM).unwrap();
        files.install(&good).unwrap();

        let text = data.path().join("ghi-chu.txt");
        std::fs::write(&text, "không phải chứng chỉ").unwrap();
        let why = bad_ca_file(files.install(&text));
        assert!(
            why.starts_with("Tệp ghi-chu.txt không chứa chứng chỉ nào"),
            "{why}"
        );
        let why = bad_ca_file(files.install(&data.path().join("khong-co.pem")));
        assert_eq!(
            why,
            "Không đọc được tệp chứng chỉ khong-co.pem: không có tệp này."
        );
        let why = bad_ca_file(files.install(Path::new("")));
        assert!(why.starts_with("Hãy chọn tệp"), "{why}");
        assert_eq!(
            std::fs::read_to_string(files.copy_path()).unwrap(),
            CA_PEM,
            "a refused file changes nothing"
        );
    }

    #[test]
    fn a_damaged_copy_is_shown_with_why_and_not_trusted() {
        let data = tempfile::tempdir().unwrap();
        let env_file = data.path().join("env-ca.pem");
        std::fs::write(&env_file, CA_PEM).unwrap();
        let files = CaFiles::new(data.path(), Some(env_file.clone()));
        std::fs::write(files.copy_path(), "-----BEGIN CERTIFICATE-----\nAAA").unwrap();
        let settings = files.settings();
        let chosen = settings.chosen.unwrap();
        assert!(chosen.certificates.is_empty());
        assert!(
            chosen
                .problem
                .as_deref()
                .is_some_and(|p| p.contains("không phải tệp chứng chỉ PEM hợp lệ")),
            "{chosen:?}"
        );
        assert_eq!(settings.from_env.unwrap().certificates.len(), 1);
        assert_eq!(
            files.usable(),
            [env_file],
            "the damaged copy is left out, the app still starts"
        );
    }

    #[test]
    fn writing_atomically_replaces_the_whole_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub").join("f.pem");
        write_atomically(&path, b"one").unwrap();
        write_atomically(&path, b"two, longer").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"two, longer");
    }

    #[tokio::test]
    async fn choosing_and_clearing_tell_the_sync_engine() {
        let data = tempfile::tempdir().unwrap();
        let client = Client::open(&data.path().join("sync")).await.unwrap();
        let files = CaFiles::new(data.path(), None);
        let source = data.path().join("ca.pem");
        std::fs::write(&source, CA_PEM).unwrap();
        let settings = files.choose(&client, &source).await.unwrap();
        assert_eq!(settings.chosen.unwrap().certificates.len(), 1);
        let settings = files.clear(&client).await.unwrap();
        assert_eq!(settings.chosen, None);
        client.shutdown().await;
    }
}
