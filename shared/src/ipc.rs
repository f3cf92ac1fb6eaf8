//! What crosses the boundary between the desktop application and its user interface (Tauri's
//! IPC), defined once for both sides.

use std::fmt;

use serde::de::IntoDeserializer;
use serde::{Deserialize, Serialize};

/// Why a backend call failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// No plan is stored on this machine yet, and none was given to import.
    NoPlan,
    /// The plan file given at start could not be read or imported.
    SeedFailed,
    /// The local database failed.
    Storage,
    /// The call never reached the application, or its answer could not be read.
    Ipc,
    // The sync engine's codes (`client::ClientError::code` and its status errors).
    /// Wrong user name or password, or a disabled account.
    BadCredentials,
    /// The server could not be reached.
    ServerUnreachable,
    /// A connection to the server broke.
    ConnectionLost,
    /// The server no longer accepts the session; log in again.
    SessionExpired,
    /// The server address is not an http(s) address.
    InvalidServerUrl,
    /// A plain http:// address for a server other than this machine (passwords would cross
    /// the network in clear).
    InsecureServerUrl,
    /// The server's certificate is not trusted (the message says why, in Vietnamese).
    UntrustedCertificate,
    /// A CA certificate file that cannot be used (the message names it and says why, in
    /// Vietnamese).
    BadCaFile,
    /// Another user is logged in on this machine.
    OtherUserLoggedIn,
    /// Logging out would lose local changes the server has not confirmed.
    UnsyncedChanges,
    /// A document (the plan) has not been downloaded yet.
    NotDownloaded,
    /// Nobody is logged in.
    NotLoggedIn,
    /// No records document of the unit is on this machine (not listed or not downloaded yet).
    NoRecords,
    /// The unit does not report on the task.
    NotAssigned,
    /// The document is read-only for this user.
    ReadOnly,
    /// The office accepted the period; the unit can no longer change it.
    PeriodLocked,
    /// Only plan editors may change the plan.
    PlanReadOnly,
    /// A returned report needs a comment.
    CommentRequired,
    /// A report lacks what the plan asks for before it can be sent (the message names each
    /// missing item, in Vietnamese).
    ReportIncomplete,
    /// A report could not be written (the message says why, in Vietnamese).
    ExportFailed,
    /// The server answered with an error of its own.
    ServerError,
    // Evidence files.
    /// The path given to attach is empty or not a readable file.
    FileMissing,
    /// The file is over the size limit (the message says both sizes, in Vietnamese).
    FileTooLarge,
    /// A file on this machine could not be read or written.
    LocalFile,
    /// A downloaded file did not match its hash.
    HashMismatch,
    /// The server refused an evidence file for good (sync status).
    EvidenceRefused,
    /// The record lists no such evidence file.
    EvidenceNotFound,
    /// The server does not have the evidence file yet.
    NotUploaded,
    /// The unit's evidence files fill its quota on the server.
    UnitQuotaExceeded,
    /// The server's disk is full; uploads are tried again later.
    ServerStorageFull,
    /// A change (a very long text) is too large to be sent to the server.
    ChangeTooLarge,
    /// The unit's records on this machine cannot be read (the message names the unit and says
    /// why, in Vietnamese).
    UnreadableRecords,
    // Codes of the sync engine the user interface words by the message alone.
    /// The document is not one this user may know of.
    UnknownDocument,
    /// The document is not of the kind the call expects.
    WrongDocumentKind,
    /// A document could not be read or changed.
    Document,
    /// The sync engine's local database failed.
    LocalDatabase,
    /// The sync engine has stopped (the app is closing).
    Stopped,
    /// Something failed inside the application.
    Internal,
    /// A code this version of the user interface does not know (a newer application).
    #[serde(other)]
    Unknown,
}

impl ErrorCode {
    /// The code the sync engine names in snake case ("bad_credentials", "period_locked");
    /// [`ErrorCode::Unknown`] for a code this version does not know.
    pub fn from_code(code: &str) -> ErrorCode {
        let code: serde::de::value::StrDeserializer<'_, serde::de::value::Error> =
            code.into_deserializer();
        ErrorCode::deserialize(code).unwrap_or(ErrorCode::Unknown)
    }
}

/// An error as it crosses IPC: the code the user interface chooses its words by, and a
/// message for people and logs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IpcError {
    pub code: ErrorCode,
    pub message: String,
}

impl IpcError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> IpcError {
        IpcError {
            code,
            message: message.into(),
        }
    }
}

impl fmt::Display for IpcError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}: {}", self.code, self.message)
    }
}

/// How syncing stands: the answer of `sync_status` and the `sync-status` event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncStatus {
    pub state: SyncState,
    /// Local changes not yet confirmed by the server, over all listed documents.
    pub n_unconfirmed: usize,
    /// The last problem, kept until the next successful connection (or log in).
    pub last_error: Option<IpcError>,
    /// Document changes seen since the engine started (local edits and remote ones); screens
    /// read their data again when it moves.
    #[serde(default)]
    pub n_doc_changes: u64,
    /// Evidence files stored here that the server does not have yet.
    #[serde(default)]
    pub uploads: UploadSummary,
}

impl Default for SyncStatus {
    fn default() -> SyncStatus {
        SyncStatus {
            state: SyncState::Offline,
            n_unconfirmed: 0,
            last_error: None,
            n_doc_changes: 0,
            uploads: UploadSummary::default(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum SyncState {
    /// Not syncing: logged out, sync not started, or the server refused the session.
    Offline,
    /// Dialling the server (or waiting to dial again after a failure).
    Connecting,
    /// Connected; changes are still going one way or the other.
    Syncing,
    /// Connected, every listed document is here and the server holds every change of ours.
    UpToDate {
        /// When the client became up to date (Unix milliseconds).
        since_ms: i64,
    },
}

/// Evidence files waiting for upload: attached on this laptop (to a records document it may
/// write), stored here, not known to be on the server and not refused by it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct UploadSummary {
    pub n_files: usize,
    /// Their total size in bytes.
    pub total_bytes: u64,
    /// How many of those bytes the server already has (the file being uploaded, so far).
    pub sent_bytes: u64,
    /// The file being uploaded now.
    pub uploading: Option<String>,
    /// The waiting files' hashes, so each evidence entry can say it is waiting.
    pub waiting: Vec<String>,
}

/// Where an evidence file's bytes stand, as this laptop knows it (the UI shows it per file).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum UploadState {
    /// The server has the whole file (uploaded from here, or the server said so, or it was
    /// downloaded from it).
    Uploaded,
    /// Stored here; the engine uploads it when connected.
    Waiting,
    /// Being uploaded now: the server has `sent` of `total` bytes.
    Uploading { sent: u64, total: u64 },
    /// The server refused it for good (too large, no access); it is not sent again.
    Refused,
    /// Not on this laptop, and the server does not have it (yet): attached on another laptop
    /// that has not uploaded it.
    NotOnServer,
    /// Not on this laptop and the server could not be asked; also a state this version does
    /// not know.
    #[serde(other)]
    Unknown,
}

/// The logged-in user as the UI shows it (no token).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionInfo {
    pub server_url: String,
    pub username: String,
    pub unit: String,
    /// The role as the server names it ("staff", "reviewer", "plan-editor", "admin").
    pub role: String,
    pub device: String,
    /// The user's full name ("Nguyễn Văn An"), when the server has one.
    #[serde(default)]
    pub full_name: Option<String>,
    /// Whether the user heads their unit (and so sends its ready reports all at once).
    #[serde(default)]
    pub unit_head: bool,
}

/// Who is logged in (`None` when nobody is), and the address the login form proposes: the
/// answer of `session` and the `session-changed` event.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionView {
    pub user: Option<SessionInfo>,
    pub default_server_url: Option<String>,
    /// `default_server_url` is the administrator's (the settings file): the login form shows it
    /// as text, not as a field to type in.
    #[serde(default)]
    pub server_from_admin: bool,
    /// Why the administrator's settings file could not be used, in Vietnamese (naming the file).
    #[serde(default)]
    pub settings_problem: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_read_from_their_snake_case_names() {
        assert_eq!(
            ErrorCode::from_code("bad_credentials"),
            ErrorCode::BadCredentials
        );
        assert_eq!(
            ErrorCode::from_code("period_locked"),
            ErrorCode::PeriodLocked
        );
        assert_eq!(
            ErrorCode::from_code("wrong_document_kind"),
            ErrorCode::WrongDocumentKind
        );
        assert_eq!(ErrorCode::from_code("sync_conflict"), ErrorCode::Unknown);
        assert_eq!(ErrorCode::from_code(""), ErrorCode::Unknown);
    }
}
