//! Evidence files (tài liệu kiểm chứng) on the task page: attaching a file to the own unit's
//! record of a period (offline: the sync engine stores it and uploads it when connected),
//! detaching it, the upload state of each file, and opening one (downloaded first when this
//! laptop does not have it): with the system's default application only when it is a document
//! or image whose first bytes match its type (`shared::evidence_open`); anything else, such as a
//! program or a script, is shown in its folder and never run.
//!
//! Attaching is permissive about formats (the UI suggests PDF, DOCX, XLSX and images); it
//! refuses a path that is not a file, a file over the engine's limit and an accepted period.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use client::{Client, ClientError, DocumentId, UploadState};
use shared::calendar::PeriodId;
use shared::documents::records::{Evidence, RecordEdit};
use shared::evidence_open::{self, OpenDecision};
use shared::record::Verdict;
use shared::TaskId;

use crate::desktop::{Desktop, SystemDesktop};
use crate::error::{CommandError, ErrorCode};
use crate::records::records_doc_of;

/// Where opened copies go, beside the engine's store: `opened/<first 16 hex digits of the
/// sha256>/<file name>`, so the default application sees the file's own name and extension.
const OPENED_DIR: &str = "opened";

pub use shared::evidence_open::OpenedEvidence;

fn not_logged_in() -> CommandError {
    CommandError::from(ClientError::NotLoggedIn)
}

/// Attaches the file at `path` to the own unit's record of `task_id` for `period`.
pub async fn attach(
    client: &Client,
    task_id: &TaskId,
    period: PeriodId,
    path: &str,
) -> Result<Evidence, CommandError> {
    let session = client.session().ok_or_else(not_logged_in)?;
    let path = PathBuf::from(path.trim());
    check_file(&path)?;
    let info = records_doc_of(client, &session.unit, period.year)?;
    // Refuse an accepted period before copying the file (the engine refuses it too).
    if let Some(review) = client.review_doc_for(&session.unit, period.year) {
        if let Ok(entry) = client.read_review(&review.id, task_id, period).await {
            if entry.verdict.current() == Some(&Verdict::Accepted) {
                return Err(CommandError::from(ClientError::PeriodLocked {
                    task: task_id.to_string(),
                    period: period.to_string(),
                }));
            }
        }
    }
    client
        .attach_evidence(&info.id, task_id, period, &path)
        .await
        .map_err(file_error)
}

/// Removes file `sha256` from the own unit's record of `task_id` for `period` (the bytes stay
/// wherever they are; other entries may name the same file).
pub async fn detach(
    client: &Client,
    task_id: &TaskId,
    period: PeriodId,
    sha256: &str,
) -> Result<(), CommandError> {
    let session = client.session().ok_or_else(not_logged_in)?;
    let info = records_doc_of(client, &session.unit, period.year)?;
    client
        .edit_record(
            &info.id,
            task_id,
            RecordEdit::DetachEvidence {
                period,
                sha256: sha256.to_string(),
            },
        )
        .await?;
    Ok(())
}

/// The upload state of each file of `unit`'s records of `year`.
pub async fn states(
    client: &Client,
    unit: &str,
    year: i32,
    sha256s: &[String],
) -> Result<BTreeMap<String, UploadState>, CommandError> {
    client.session().ok_or_else(not_logged_in)?;
    let info = records_doc_of(client, unit, year)?;
    let mut states = BTreeMap::new();
    for sha256 in sha256s {
        let state = client.upload_state(&info.id, sha256).await;
        states.insert(sha256.clone(), state);
    }
    Ok(states)
}

/// Makes file `sha256` of `unit`'s record of `task_id` (year `year`) local, copies it under its
/// attached name and, when `launch`, opens it with the system's default application.
pub async fn open(
    client: &Client,
    unit: &str,
    task_id: &TaskId,
    year: i32,
    sha256: &str,
    launch: bool,
) -> Result<OpenedEvidence, CommandError> {
    client.session().ok_or_else(not_logged_in)?;
    let info = records_doc_of(client, unit, year)?;
    let name = attached_name(client, &info.id, task_id, sha256).await?;
    let stored = client
        .fetch_evidence(&info.id, sha256)
        .await
        .map_err(fetch_error)?;
    let sha = sha256.to_string();
    tauri::async_runtime::spawn_blocking(move || {
        let readable = named_copy(&stored, &sha, &name)?;
        Ok(if launch {
            open_or_reveal(&readable, &SystemDesktop)
        } else {
            OpenedEvidence {
                path: readable.display().to_string(),
                launched: false,
                launch_error: None,
                refused: None,
                revealed: false,
            }
        })
    })
    .await
    .map_err(|e| CommandError::new(ErrorCode::Internal, e.to_string()))?
}

/// Opens the local copy `path` with the default application when it is a document or image
/// whose first bytes match its type (`shared::evidence_open::decide`); anything else is only
/// shown in its folder, and the answer says why.
pub fn open_or_reveal(path: &Path, desktop: &dyn Desktop) -> OpenedEvidence {
    let mut opened = OpenedEvidence {
        path: path.display().to_string(),
        launched: false,
        launch_error: None,
        refused: None,
        revealed: false,
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let decision = match read_head(path) {
        Ok(head) => evidence_open::decide(&name, &head),
        Err(err) => {
            opened.launch_error = Some(format!("{}: {err}", path.display()));
            return opened;
        }
    };
    match decision {
        OpenDecision::Launch => match desktop.launch(path) {
            Ok(()) => opened.launched = true,
            Err(err) => {
                tracing::warn!(path = opened.path, "cannot open the evidence file: {err}");
                opened.launch_error = Some(err);
            }
        },
        OpenDecision::Reveal(reason) => {
            tracing::info!(
                path = opened.path,
                ?reason,
                "evidence file shown in its folder, not opened"
            );
            match desktop.reveal(path) {
                Ok(()) => opened.revealed = true,
                Err(err) => opened.launch_error = Some(err),
            }
            opened.refused = Some(reason);
        }
    }
    opened
}

/// The first [`evidence_open::HEAD_LEN`] bytes of the file (fewer when it is shorter).
fn read_head(path: &Path) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    let mut head = Vec::with_capacity(evidence_open::HEAD_LEN);
    std::fs::File::open(path)?
        .take(evidence_open::HEAD_LEN as u64)
        .read_to_end(&mut head)?;
    Ok(head)
}

/// Asks for an evidence file in the system's dialog; `None` when cancelled.
pub async fn pick_file(app: tauri::AppHandle) -> Result<Option<String>, CommandError> {
    pick_one_file(
        app,
        "Chọn tài liệu kiểm chứng",
        &[(
            "Tài liệu kiểm chứng (PDF, DOCX, XLSX, ảnh)",
            &["pdf", "docx", "xlsx", "doc", "xls", "png", "jpg", "jpeg"],
        )],
    )
    .await
}

/// Asks for one file in the system's dialog (titled `title`, offering `filters` and then every
/// file), off the main thread; `None` when cancelled.
pub async fn pick_one_file(
    app: tauri::AppHandle,
    title: &'static str,
    filters: &'static [(&'static str, &'static [&'static str])],
) -> Result<Option<String>, CommandError> {
    use tauri_plugin_dialog::DialogExt;
    let picked = tauri::async_runtime::spawn_blocking(move || {
        let mut dialog = app.dialog().file().set_title(title);
        for (name, extensions) in filters {
            dialog = dialog.add_filter(*name, extensions);
        }
        dialog
            .add_filter("Tất cả các tệp", &["*"])
            .blocking_pick_file()
    })
    .await
    .map_err(|e| CommandError::new(ErrorCode::Internal, e.to_string()))?;
    Ok(picked
        .and_then(|p| p.into_path().ok())
        .map(|p| p.display().to_string()))
}

/// The name file `sha256` was attached under in the record of `task_id`.
async fn attached_name(
    client: &Client,
    doc_id: &DocumentId,
    task_id: &TaskId,
    sha256: &str,
) -> Result<String, CommandError> {
    let record = client.read_record(doc_id, task_id).await?;
    record
        .periods
        .iter()
        .flat_map(|p| &p.evidence)
        .find(|e| e.sha256 == sha256)
        .map(|e| e.name.clone())
        .ok_or_else(|| {
            CommandError::new(
                ErrorCode::EvidenceNotFound,
                format!("the record of {task_id} lists no evidence file {sha256}"),
            )
        })
}

/// Refuses a path that is empty or not a readable regular file, before anything is copied.
pub fn check_file(path: &Path) -> Result<(), CommandError> {
    if path.as_os_str().is_empty() {
        return Err(CommandError::new(
            ErrorCode::FileMissing,
            "no file was chosen",
        ));
    }
    match std::fs::metadata(path) {
        Ok(meta) if meta.is_file() => Ok(()),
        Ok(_) => Err(CommandError::new(
            ErrorCode::FileMissing,
            format!("{} is not a file", path.display()),
        )),
        Err(err) => Err(CommandError::new(
            ErrorCode::FileMissing,
            format!("cannot read {}: {err}", path.display()),
        )),
    }
}

/// The engine's file errors with the limit in the message (the UI shows the message of
/// `file_too_large`).
fn file_error(err: ClientError) -> CommandError {
    match err {
        ClientError::FileTooLarge { size, limit } => {
            CommandError::new(ErrorCode::FileTooLarge, too_large_message(size, limit))
        }
        other => CommandError::from(other),
    }
}

/// A download the server answers with "not found": the unit's laptop has not uploaded it yet.
fn fetch_error(err: ClientError) -> CommandError {
    match err {
        ClientError::Server { status: 404, .. } => CommandError::new(
            ErrorCode::NotUploaded,
            format!("the server does not have the file yet: {err}"),
        ),
        other => CommandError::from(other),
    }
}

/// "Tệp 62,3 MB vượt quá giới hạn 50 MB".
pub fn too_large_message(size: u64, limit: u64) -> String {
    format!(
        "Tệp {} vượt quá giới hạn {}",
        megabytes(size),
        megabytes(limit)
    )
}

/// Megabytes (2^20 bytes) with one decimal and a decimal comma, trailing ",0" dropped.
fn megabytes(bytes: u64) -> String {
    let tenths = (bytes * 10 + (1 << 19)) >> 20;
    if tenths.is_multiple_of(10) {
        format!("{} MB", tenths / 10)
    } else {
        format!("{},{} MB", tenths / 10, tenths % 10)
    }
}

/// The longest path the system's default application is sure to open on Windows: `MAX_PATH`,
/// 260 UTF-16 units with the terminating NUL. Rust's standard library handles longer paths
/// itself; Word or Acrobat started through `ShellExecuteW` may not.
const MAX_PATH_UNITS: usize = 259;
/// The longest file name NTFS (255 UTF-16 units) and ext4 (255 bytes) both accept.
const MAX_NAME_LEN: usize = 255;
/// A name is never cut shorter than this, even in a very deep data directory (the path is then
/// longer than [`MAX_PATH_UNITS`], which only some older applications mind).
const MIN_NAME_UNITS: usize = 40;
/// Hex digits of the file's SHA-256 in the folder of its opened copy: short enough to leave room
/// for the name, long enough that two files of one data directory never share a folder.
const OPENED_HASH_DIGITS: usize = 16;
/// An extension longer than this (in characters) counts as part of the name when cutting.
const MAX_EXTENSION_CHARS: usize = 10;

/// A file name safe to create on Windows and Linux alike, at most `max_units` UTF-16 units (and
/// at most [`MAX_NAME_LEN`] units and UTF-8 bytes): no directories, none of `< > : " | ? *` or
/// control characters (each becomes `_`), no leading or trailing dots and spaces, not a name
/// Windows reserves for a device (`CON`, `NUL`, `COM1`, ... with any extension: `_` goes in
/// front), never empty. Letters, Vietnamese ones included, are kept as they are; a long name is
/// cut before its extension, never between a letter and its combining marks.
pub fn safe_file_name(name: &str, max_units: usize) -> String {
    let cleaned: String = name
        .chars()
        .map(|c| {
            let forbidden = matches!(c, '/' | '\\' | '<' | '>' | ':' | '"' | '|' | '?' | '*');
            if forbidden || c.is_control() {
                '_'
            } else {
                c
            }
        })
        .collect();
    let cleaned = trim_name(&cleaned);
    if cleaned.is_empty() {
        return EMPTY_NAME.to_string();
    }
    let named = if is_reserved_on_windows(cleaned) {
        format!("_{cleaned}")
    } else {
        cleaned.to_string()
    };
    cut_to_length(&named, max_units.min(MAX_NAME_LEN))
}

/// The name of a file whose own name has nothing left once cleaned.
const EMPTY_NAME: &str = "tai-lieu";

/// `name` without leading dots and white space (hidden files, `..`) and trailing ones (Windows
/// drops them, so the file would not be found under its name).
fn trim_name(name: &str) -> &str {
    let dot_or_space = |c: char| c == '.' || c.is_whitespace();
    name.trim_start_matches(dot_or_space)
        .trim_end_matches(dot_or_space)
}

/// Whether Windows reserves `name` for a device: the part before its first dot, without trailing
/// spaces, is one of these names in any case.
fn is_reserved_on_windows(name: &str) -> bool {
    let stem = name.split('.').next().unwrap_or_default().trim_end();
    let upper = stem.to_uppercase();
    if ["CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"].contains(&upper.as_str()) {
        return true;
    }
    let Some(number) = upper
        .strip_prefix("COM")
        .or_else(|| upper.strip_prefix("LPT"))
    else {
        return false;
    };
    let mut digits = number.chars();
    matches!(
        (digits.next(), digits.next()),
        (Some('0'..='9' | '¹' | '²' | '³'), None)
    )
}

/// `name` cut to at most `max_units` UTF-16 units and [`MAX_NAME_LEN`] UTF-8 bytes, keeping a
/// short extension and never separating a letter from the combining marks after it.
fn cut_to_length(name: &str, max_units: usize) -> String {
    let fits = |s: &str| s.encode_utf16().count() <= max_units && s.len() <= MAX_NAME_LEN;
    if fits(name) {
        return name.to_string();
    }
    let (stem, extension) = match name.rfind('.') {
        Some(dot)
            if dot > 0
                && name[dot + 1..].chars().count() <= MAX_EXTENSION_CHARS
                && name[dot + 1..].chars().all(char::is_alphanumeric) =>
        {
            name.split_at(dot)
        }
        _ => (name, ""),
    };
    let chars: Vec<char> = stem.chars().collect();
    // Keep the first `n_kept` characters: cut where a letter starts, never before a mark.
    for n_kept in (1..chars.len().min(max_units + 1)).rev() {
        if is_combining_mark(chars[n_kept]) {
            continue;
        }
        let kept: String = chars[..n_kept].iter().collect();
        let candidate = format!("{}{extension}", trim_name(&kept));
        if fits(&candidate) {
            return candidate;
        }
    }
    format!("{EMPTY_NAME}{extension}")
}

/// Combining diacritical marks: NFD text (as some systems write file names) spells "ế" as "e"
/// and two marks.
fn is_combining_mark(c: char) -> bool {
    matches!(c,
        '\u{0300}'..='\u{036f}'
            | '\u{1ab0}'..='\u{1aff}'
            | '\u{1dc0}'..='\u{1dff}'
            | '\u{20d0}'..='\u{20ff}'
            | '\u{fe20}'..='\u{fe2f}')
}

/// UTF-16 units of `path` as Windows counts them.
fn path_units(path: &Path) -> usize {
    path.to_string_lossy().encode_utf16().count()
}

/// `stored` (the engine's `files/<sha256>`) as `opened/<first 16 hex digits>/<name>` beside the
/// store, the name cut so that the whole path stays under Windows' `MAX_PATH`: a hard link, else
/// a copy.
fn named_copy(stored: &Path, sha256: &str, name: &str) -> Result<PathBuf, CommandError> {
    let io_error = |path: &Path, err: std::io::Error| {
        CommandError::new(ErrorCode::LocalFile, format!("{}: {err}", path.display()))
    };
    let base = stored
        .parent()
        .and_then(Path::parent)
        .unwrap_or_else(|| Path::new("."));
    let folder = sha256.get(..OPENED_HASH_DIGITS).unwrap_or(sha256);
    let dir = base.join(OPENED_DIR).join(folder);
    std::fs::create_dir_all(&dir).map_err(|e| io_error(&dir, e))?;
    // The name's room: what MAX_PATH leaves after the folder and its separator.
    let room = MAX_PATH_UNITS
        .saturating_sub(path_units(&dir) + 1)
        .max(MIN_NAME_UNITS);
    let target = dir.join(safe_file_name(name, room));
    if target.is_file() {
        return Ok(target);
    }
    if std::fs::hard_link(stored, &target).is_err() {
        std::fs::copy(stored, &target).map_err(|e| io_error(&target, e))?;
    }
    Ok(target)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_over_the_limit_are_said_in_vietnamese() {
        assert_eq!(
            too_large_message(65_330_000, 50 * 1024 * 1024),
            "Tệp 62,3 MB vượt quá giới hạn 50 MB"
        );
        assert_eq!(megabytes(0), "0 MB");
        assert_eq!(megabytes(1_258_291), "1,2 MB");
    }

    #[test]
    fn opened_copies_keep_a_safe_name() {
        let safe = |name: &str| safe_file_name(name, MAX_NAME_LEN);
        assert_eq!(safe("Báo cáo quý III.pdf"), "Báo cáo quý III.pdf");
        assert_eq!(safe("../../etc/passwd"), "_.._etc_passwd");
        assert_eq!(safe("a\nb.docx"), "a_b.docx");
        assert_eq!(safe(" .. "), "tai-lieu");
        assert_eq!(safe(""), "tai-lieu");
        assert_eq!(
            safe("Báo cáo: quý 1?.pdf"),
            "Báo cáo_ quý 1_.pdf",
            "Windows cannot create a name with : or ?"
        );
        assert_eq!(safe(r#"a<b>c"d|e*f\g.docx"#), "a_b_c_d_e_f_g.docx");
        assert_eq!(
            safe("Kế hoạch. . ."),
            "Kế hoạch",
            "Windows drops trailing dots and spaces"
        );
        assert_eq!(safe("\u{7f}\u{1b}x\u{9f}.pdf"), "__x_.pdf");
    }

    #[test]
    fn names_windows_reserves_for_devices_get_a_prefix() {
        let safe = |name: &str| safe_file_name(name, MAX_NAME_LEN);
        for reserved in [
            "CON",
            "con.pdf",
            "Prn.txt",
            "aux",
            "NUL.tar.gz",
            "COM1.docx",
            "com9",
            "LPT1",
            "lpt9.xlsx",
            "COM¹.pdf",
            "nul .txt",
            "CONIN$",
        ] {
            assert_eq!(safe(reserved), format!("_{reserved}"), "{reserved}");
        }
        for allowed in [
            "CONSOLE.pdf",
            "COM10.txt",
            "LPT.docx",
            "Con cá.png",
            "nulla.pdf",
            "com1x",
        ] {
            assert_eq!(safe(allowed), allowed, "{allowed} is an ordinary name");
        }
    }

    #[test]
    fn long_names_are_cut_before_the_extension_and_between_letters() {
        let long = format!("{}.docx", "Báo cáo kết quả thực hiện nhiệm vụ ".repeat(10));
        let cut = safe_file_name(&long, 60);
        assert!(cut.ends_with(".docx"), "{cut}");
        assert!(cut.encode_utf16().count() <= 60, "{cut}");
        assert!(long.starts_with(cut.trim_end_matches(".docx")), "{cut}");
        assert!(
            !cut.trim_end_matches(".docx").ends_with(' '),
            "no space before the extension: {cut}"
        );
        // ext4 counts bytes: 200 Vietnamese letters are 400-600 bytes.
        let cut = safe_file_name(&"ệ".repeat(200), MAX_NAME_LEN);
        assert_eq!(cut, "ệ".repeat(85), "255 bytes hold 85 three-byte letters");
        // NFD: "ế" as "e" + circumflex + acute; a cut never leaves "e" or "ê" alone.
        let nfd = "e\u{302}\u{301}".repeat(30);
        let cut = safe_file_name(&format!("{nfd}.pdf"), 45);
        assert_eq!(cut, format!("{}.pdf", "e\u{302}\u{301}".repeat(13)));
        assert_eq!(
            safe_file_name("tên.một-phần-mở-rộng-rất-dài-không-phải-đuôi", 20),
            "tên.một-phần-mở-rộng",
            "a long suffix is no extension"
        );
    }

    #[test]
    fn a_missing_path_is_refused_before_anything_is_copied() {
        let dir = tempfile::tempdir().unwrap();
        let err = check_file(&dir.path().join("không có.pdf")).unwrap_err();
        assert_eq!(err.code, ErrorCode::FileMissing);
        assert_eq!(
            check_file(dir.path()).unwrap_err().code,
            ErrorCode::FileMissing
        );
        assert_eq!(
            check_file(Path::new("")).unwrap_err().code,
            ErrorCode::FileMissing
        );
        let file = dir.path().join("a.pdf");
        std::fs::write(&file, b"%PDF").unwrap();
        assert!(check_file(&file).is_ok());
    }

    /// Records what the app asked of the desktop.
    #[derive(Default)]
    struct Recorder(std::cell::RefCell<Vec<String>>);

    impl Desktop for Recorder {
        fn launch(&self, path: &Path) -> Result<(), String> {
            let name = path.file_name().unwrap().to_string_lossy();
            self.0.borrow_mut().push(format!("launch {name}"));
            Ok(())
        }

        fn reveal(&self, path: &Path) -> Result<(), String> {
            let name = path.file_name().unwrap().to_string_lossy();
            self.0.borrow_mut().push(format!("reveal {name}"));
            Ok(())
        }
    }

    #[test]
    fn only_a_document_whose_bytes_match_its_type_is_launched() {
        let dir = tempfile::tempdir().unwrap();
        let desktop = Recorder::default();
        let mut refused = Vec::new();
        for (name, bytes) in [
            ("Báo cáo.pdf", &b"%PDF-1.7 ..."[..]),
            ("setup.exe", b"MZ\x90\x00"),
            ("bao-cao.pdf", b"MZ\x90\x00"),
            ("chay.sh", b"#!/bin/sh"),
        ] {
            let path = dir.path().join(name);
            std::fs::write(&path, bytes).unwrap();
            let opened = open_or_reveal(&path, &desktop);
            assert_eq!(opened.launched, opened.refused.is_none(), "{name}");
            assert_eq!(opened.revealed, opened.refused.is_some(), "{name}");
            refused.extend(opened.refused.map(|r| r.message()));
        }
        assert_eq!(
            desktop.0.into_inner(),
            [
                "launch Báo cáo.pdf",
                "reveal setup.exe",
                "reveal bao-cao.pdf",
                "reveal chay.sh"
            ],
            "only the real PDF is started; the rest are shown in their folder"
        );
        assert!(
            refused[1].contains("có thể là chương trình bị đổi tên"),
            "{refused:?}"
        );
    }

    #[test]
    fn opening_links_the_stored_file_under_its_name() {
        let dir = tempfile::tempdir().unwrap();
        let files = dir.path().join("files");
        std::fs::create_dir_all(&files).unwrap();
        let sha = "a".repeat(64);
        let stored = files.join(&sha);
        std::fs::write(&stored, b"noi dung").unwrap();
        let opened = named_copy(&stored, &sha, "Kế hoạch.docx").unwrap();
        assert_eq!(
            opened,
            dir.path()
                .join("opened")
                .join("aaaaaaaaaaaaaaaa")
                .join("Kế hoạch.docx")
        );
        assert_eq!(std::fs::read(&opened).unwrap(), b"noi dung");
        assert_eq!(named_copy(&stored, &sha, "Kế hoạch.docx").unwrap(), opened);
    }

    #[test]
    fn an_opened_copy_stays_under_max_path() {
        let dir = tempfile::tempdir().unwrap();
        let files = dir.path().join("files");
        std::fs::create_dir_all(&files).unwrap();
        let sha = "b".repeat(64);
        let stored = files.join(&sha);
        std::fs::write(&stored, b"%PDF").unwrap();
        let name = format!("{}.pdf", "Kế hoạch cải cách hành chính năm 2026 ".repeat(8));
        let opened = named_copy(&stored, &sha, &name).unwrap();
        let units = path_units(&opened);
        assert!(
            units <= MAX_PATH_UNITS || path_units(dir.path()) > 150,
            "{units} units: {}",
            opened.display()
        );
        assert!(opened.to_string_lossy().ends_with(".pdf"));
        assert_eq!(std::fs::read(&opened).unwrap(), b"%PDF");
    }
}
