//! PDF through LibreOffice: the DOCX report converted by `soffice --headless --convert-to pdf`,
//! when LibreOffice is installed. PlanSync writes no PDF itself; the office previews and sends
//! the same pages LibreOffice (or Word) lays out from the DOCX.
//!
//! Each conversion runs in a temporary directory with its own LibreOffice profile
//! (`-env:UserInstallation=…`), so conversions running at once, or beside a LibreOffice the
//! user has open, never share one; it is stopped (with the processes it started) after
//! [`TIMEOUT`].

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The longest a conversion may take: a first start with a fresh profile takes a few seconds, a
/// large report a few more.
pub const TIMEOUT: Duration = Duration::from_secs(180);

/// Names a LibreOffice program to use instead of looking for one (tests; an unusual install).
/// Set to a path that does not exist, LibreOffice counts as not installed.
pub const PROGRAM_ENV: &str = "PLANSYNC_SOFFICE";

/// Why a PDF could not be made.
#[derive(Debug)]
pub enum PdfError {
    NotInstalled,
    TimedOut {
        program: String,
        timeout: Duration,
    },
    Failed {
        program: String,
        detail: String,
    },
    Io {
        program: String,
        source: std::io::Error,
    },
}

/// What [`PdfError::NotInstalled`] says, in English and Vietnamese.
pub const NOT_INSTALLED: &str = "LibreOffice is not installed (no soffice or libreoffice program found), so no PDF can be made; install LibreOffice (Debian: apt install libreoffice-writer-nogui) or export DOCX / Chưa cài LibreOffice nên không xuất được PDF; hãy cài LibreOffice hoặc xuất DOCX";

impl std::fmt::Display for PdfError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PdfError::NotInstalled => f.write_str(NOT_INSTALLED),
            PdfError::TimedOut { program, timeout } => write!(
                f,
                "LibreOffice ({program}) did not convert the report to PDF within {} s and was stopped",
                timeout.as_secs()
            ),
            PdfError::Failed { program, detail } => write!(
                f,
                "LibreOffice ({program}) did not convert the report to PDF: {detail}"
            ),
            PdfError::Io { program, source } => {
                write!(f, "cannot run LibreOffice ({program}): {source}")
            }
        }
    }
}

// The cause is in the message: `{:#}` would print it twice.
impl std::error::Error for PdfError {}

/// An installed LibreOffice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LibreOffice {
    program: PathBuf,
}

impl LibreOffice {
    /// The LibreOffice of this machine: [`PROGRAM_ENV`] when set, else `soffice` or
    /// `libreoffice` on the `PATH`, else where the installers put it (Program Files on
    /// Windows, /Applications on macOS, /opt on Linux).
    pub fn find() -> Option<LibreOffice> {
        if let Some(named) = std::env::var_os(PROGRAM_ENV).filter(|v| !v.is_empty()) {
            let program = PathBuf::from(named);
            return program.is_file().then_some(LibreOffice { program });
        }
        let names: &[&str] = if cfg!(windows) {
            &["soffice.exe", "soffice.com"]
        } else {
            &["soffice", "libreoffice"]
        };
        let on_path = std::env::var_os("PATH")
            .map(|path| std::env::split_paths(&path).collect::<Vec<_>>())
            .unwrap_or_default();
        let mut candidates: Vec<PathBuf> = on_path
            .iter()
            .flat_map(|dir| names.iter().map(move |name| dir.join(name)))
            .collect();
        if cfg!(windows) {
            for var in ["ProgramFiles", "ProgramFiles(x86)", "ProgramW6432"] {
                if let Some(dir) = std::env::var_os(var) {
                    candidates.push(
                        PathBuf::from(dir)
                            .join("LibreOffice")
                            .join("program")
                            .join("soffice.exe"),
                    );
                }
            }
        } else {
            candidates.push("/Applications/LibreOffice.app/Contents/MacOS/soffice".into());
            candidates.push("/opt/libreoffice/program/soffice".into());
            candidates.push("/usr/lib/libreoffice/program/soffice".into());
        }
        candidates
            .into_iter()
            .find(|path| path.is_file())
            .map(|program| LibreOffice { program })
    }

    /// LibreOffice at `program`.
    pub fn at(program: impl Into<PathBuf>) -> LibreOffice {
        LibreOffice {
            program: program.into(),
        }
    }

    pub fn program(&self) -> &Path {
        &self.program
    }

    /// Converts a DOCX file's bytes to a PDF file's bytes, within `timeout`.
    pub fn convert_docx(&self, docx: &[u8], timeout: Duration) -> Result<Vec<u8>, PdfError> {
        let program = self.program.display().to_string();
        let io = |source| PdfError::Io {
            program: program.clone(),
            source,
        };
        let work = tempfile::Builder::new()
            .prefix("plansync-pdf-")
            .tempdir()
            .map_err(io)?;
        let input = work.path().join("bao-cao.docx");
        let out_dir = work.path().join("out");
        std::fs::write(&input, docx).map_err(io)?;
        std::fs::create_dir(&out_dir).map_err(io)?;
        let profile = file_url(&work.path().join("profile"));
        let mut command = Command::new(&self.program);
        command
            .arg(format!("-env:UserInstallation={profile}"))
            .args([
                "--headless",
                "--invisible",
                "--nologo",
                "--nodefault",
                "--nofirststartwizard",
                "--nolockcheck",
                "--norestore",
                "--convert-to",
                "pdf:writer_pdf_Export",
                "--outdir",
            ])
            .arg(&out_dir)
            .arg(&input)
            .current_dir(work.path())
            .stdin(Stdio::null())
            .stdout(Stdio::from(
                std::fs::File::create(work.path().join("stdout.txt")).map_err(io)?,
            ))
            .stderr(Stdio::from(
                std::fs::File::create(work.path().join("stderr.txt")).map_err(io)?,
            ));
        #[cfg(unix)]
        {
            // Its own process group, so a conversion that hangs is stopped with every process
            // it started (soffice starts oosplash, which starts soffice.bin).
            use std::os::unix::process::CommandExt;
            command.process_group(0);
        }
        let mut child = command.spawn().map_err(io)?;
        let started = Instant::now();
        let status = loop {
            if let Some(status) = child.try_wait().map_err(io)? {
                break status;
            }
            if started.elapsed() > timeout {
                stop(&mut child);
                return Err(PdfError::TimedOut { program, timeout });
            }
            std::thread::sleep(Duration::from_millis(50));
        };
        let output = out_dir.join("bao-cao.pdf");
        match std::fs::read(&output) {
            Ok(pdf) if status.success() && pdf.starts_with(b"%PDF-") => Ok(pdf),
            _ => {
                let said = |name: &str| {
                    std::fs::read_to_string(work.path().join(name))
                        .unwrap_or_default()
                        .trim()
                        .to_string()
                };
                let mut detail = format!("{status}, no PDF written");
                for text in [said("stderr.txt"), said("stdout.txt")] {
                    if !text.is_empty() {
                        let _ = write!(detail, "; {}", text.replace('\n', " "));
                    }
                }
                Err(PdfError::Failed { program, detail })
            }
        }
    }
}

/// Stops a conversion and what it started.
fn stop(child: &mut std::process::Child) {
    #[cfg(unix)]
    {
        // The group id is the child's pid (`process_group(0)`).
        let _ = Command::new("kill")
            .args(["-KILL", "--", &format!("-{}", child.id())])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
    }
    #[cfg(windows)]
    {
        let _ = Command::new("taskkill")
            .args(["/T", "/F", "/PID", &child.id().to_string()])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
    }
    let _ = child.kill();
    let _ = child.wait();
}

/// A `file://` URL for an absolute path, as LibreOffice's `-env:` takes it.
pub fn file_url(path: &Path) -> String {
    let text = path.display().to_string().replace('\\', "/");
    let mut url = String::from(if text.starts_with('/') {
        "file://"
    } else {
        "file:///"
    });
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~/:".contains(&byte) {
            url.push(char::from(byte));
        } else {
            let _ = write!(url, "%{byte:02X}");
        }
    }
    url
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_urls_escape_what_a_url_cannot_hold() {
        assert_eq!(
            file_url(Path::new("/tmp/plansync-pdf-1/profile")),
            "file:///tmp/plansync-pdf-1/profile"
        );
        assert_eq!(
            file_url(Path::new("/tmp/báo cáo/p")),
            "file:///tmp/b%C3%A1o%20c%C3%A1o/p"
        );
        assert_eq!(
            file_url(Path::new(r"C:\Users\Lan\AppData\Local\Temp\p")),
            "file:///C:/Users/Lan/AppData/Local/Temp/p"
        );
    }

    #[test]
    fn a_program_that_writes_no_pdf_is_a_failure_naming_it() {
        let office = LibreOffice::at("/bin/true");
        if !office.program().is_file() {
            return;
        }
        let err = office
            .convert_docx(b"PK", Duration::from_secs(10))
            .unwrap_err();
        assert!(matches!(err, PdfError::Failed { .. }), "{err}");
        assert!(err.to_string().contains("/bin/true"), "{err}");
    }

    #[cfg(unix)]
    #[test]
    fn a_conversion_that_hangs_is_stopped() {
        let dir = tempfile::tempdir().unwrap();
        let script = dir.path().join("soffice");
        std::fs::write(&script, "#!/bin/sh\nsleep 30\n").unwrap();
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
        let started = Instant::now();
        let err = LibreOffice::at(&script)
            .convert_docx(b"PK", Duration::from_millis(300))
            .unwrap_err();
        assert!(matches!(err, PdfError::TimedOut { .. }), "{err}");
        assert!(started.elapsed() < Duration::from_secs(10));
    }
}
