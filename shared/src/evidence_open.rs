//! Whether the app may open an evidence file with the system's default application: only
//! document and image types, and only when the file's first bytes are those of its type.
//! Anything else (a program, a script, a shortcut, a web page, an unknown type, or a program
//! renamed `.pdf`) is shown in its folder instead, and the user is told why.
//!
//! Evidence files are attached by the units' staff and opened by the office, so a file is never
//! trusted: the decision goes by an allow-list of extensions, never a deny-list, and checks the
//! signature (magic bytes) of the claimed type where there is one. Plain text has none; it must
//! not look like a program, a script or markup, since some desktops pick the application by
//! content as well as by name. Pure: the caller reads the first [`HEAD_LEN`] bytes.

use serde::{Deserialize, Serialize};

/// How many first bytes of a file [`decide`] looks at.
pub const HEAD_LEN: usize = 512;

/// What the app does with an evidence file the user asks to open.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OpenDecision {
    /// A document or image whose contents match its type: opened with the default application.
    Launch,
    /// Shown in its folder, never run.
    Reveal(RevealReason),
}

/// Why a file is shown in its folder instead of being opened.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "reason", rename_all = "snake_case")]
pub enum RevealReason {
    /// The extension (lower-case, without the dot; `None` when the name has none) is not one of
    /// the document or image types the app opens.
    NotAllowed { extension: Option<String> },
    /// The file's first bytes are not those of its claimed type.
    ContentMismatch { extension: String },
}

impl RevealReason {
    /// Why, for the user: "Không mở trực tiếp tệp .exe: ...".
    pub fn message(&self) -> String {
        match self {
            RevealReason::NotAllowed {
                extension: Some(extension),
            } => format!(
                "Không mở trực tiếp tệp .{extension}: đây không phải loại tài liệu hay hình ảnh PlanSync cho phép mở (có thể là chương trình chạy được)."
            ),
            RevealReason::NotAllowed { extension: None } => {
                "Không mở trực tiếp tệp không có phần mở rộng: không biết đây là loại tệp gì."
                    .to_string()
            }
            RevealReason::ContentMismatch { extension } => format!(
                "Không mở trực tiếp tệp này: nội dung không phải tệp .{extension} như tên gọi (có thể là chương trình bị đổi tên)."
            ),
        }
    }
}

/// What the app reports after being asked to open an evidence file (crosses IPC).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpenedEvidence {
    /// The local copy, under its attached name.
    pub path: String,
    /// Whether the system's default application was started on it.
    pub launched: bool,
    /// Why it could not be started, when asked to and it failed.
    pub launch_error: Option<String>,
    /// Why it was shown in its folder instead of being opened.
    #[serde(default)]
    pub refused: Option<RevealReason>,
    /// Whether its folder was shown in the file manager.
    #[serde(default)]
    pub revealed: bool,
}

/// The signature a type's files start with.
#[derive(Debug, Clone, Copy)]
enum Signature {
    /// Starts with one of these.
    Prefix(&'static [&'static [u8]]),
    /// "RIFF", a length, then this form type (WebP).
    Riff(&'static [u8; 4]),
    /// Text: no signature, but nothing that looks like a program, a script or markup.
    Text,
}

const ZIP: Signature = Signature::Prefix(&[b"PK\x03\x04"]);
const OLE2: Signature = Signature::Prefix(&[b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1"]);

/// The allow-list: every extension the app opens, with the signature its files must have.
const ALLOWED: &[(&str, Signature)] = &[
    ("pdf", Signature::Prefix(&[b"%PDF-"])),
    ("doc", OLE2),
    ("xls", OLE2),
    ("ppt", OLE2),
    ("docx", ZIP),
    ("xlsx", ZIP),
    ("pptx", ZIP),
    ("odt", ZIP),
    ("ods", ZIP),
    ("odp", ZIP),
    ("rtf", Signature::Prefix(&[b"{\\rtf"])),
    ("txt", Signature::Text),
    ("csv", Signature::Text),
    ("png", Signature::Prefix(&[b"\x89PNG\r\n\x1a\n"])),
    ("jpg", Signature::Prefix(&[b"\xFF\xD8\xFF"])),
    ("jpeg", Signature::Prefix(&[b"\xFF\xD8\xFF"])),
    ("gif", Signature::Prefix(&[b"GIF87a", b"GIF89a"])),
    ("bmp", Signature::Prefix(&[b"BM"])),
    ("tif", Signature::Prefix(&[b"II*\x00", b"MM\x00*"])),
    ("tiff", Signature::Prefix(&[b"II*\x00", b"MM\x00*"])),
    ("webp", Signature::Riff(b"WEBP")),
];

/// How programs, scripts, shortcuts and markup start; a "text" file starting so is not opened.
const NOT_PLAIN_TEXT: &[&[u8]] = &[
    b"MZ",
    b"\x7fELF",
    b"#!",
    b"PK",
    b"<",
    b"[Desktop Entry]",
    b"\xCA\xFE\xBA\xBE",
    b"\xCF\xFA\xED\xFE",
];

/// Whether the file named `file_name` (as it is written to disk) whose first bytes are `head`
/// (at most [`HEAD_LEN`]; fewer for a short file) may be opened with the default application.
pub fn decide(file_name: &str, head: &[u8]) -> OpenDecision {
    let Some(extension) = extension(file_name) else {
        return OpenDecision::Reveal(RevealReason::NotAllowed { extension: None });
    };
    let Some((_, signature)) = ALLOWED.iter().find(|(allowed, _)| *allowed == extension) else {
        return OpenDecision::Reveal(RevealReason::NotAllowed {
            extension: Some(extension),
        });
    };
    let head = &head[..head.len().min(HEAD_LEN)];
    let matches = match signature {
        Signature::Prefix(prefixes) => prefixes.iter().any(|p| head.starts_with(p)),
        Signature::Riff(form) => head.starts_with(b"RIFF") && head.get(8..12) == Some(&form[..]),
        Signature::Text => is_plain_text(head),
    };
    if matches {
        OpenDecision::Launch
    } else {
        OpenDecision::Reveal(RevealReason::ContentMismatch { extension })
    }
}

/// The extension the system goes by, lower-case: what follows the last dot, when the name has
/// something before it and the extension is letters and digits only ("a.exe." and "a.pdf " have
/// none: some systems drop trailing dots and spaces).
fn extension(file_name: &str) -> Option<String> {
    let (stem, extension) = file_name.rsplit_once('.')?;
    let valid = !stem.is_empty()
        && !extension.is_empty()
        && extension.chars().all(|c| c.is_ascii_alphanumeric());
    valid.then(|| extension.to_ascii_lowercase())
}

/// No NUL byte, and not starting (after a byte order mark and white space) like a program, a
/// script, a shortcut or markup.
fn is_plain_text(head: &[u8]) -> bool {
    if head.contains(&0) {
        return false;
    }
    let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    let start = head
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(head.len());
    let head = &head[start..];
    !NOT_PLAIN_TEXT.iter().any(|p| head.starts_with(p))
}

#[cfg(test)]
mod tests;
