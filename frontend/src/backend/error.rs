//! Errors as they cross the IPC boundary: `{code, message}`.
//!
//! The user interface decides what to show from [`ErrorCode`] and never from the message text,
//! which is for people and logs. The codes mirror `plansync-app`'s `CommandError`; changing either
//! side is a protocol change.

use serde::{Deserialize, Serialize};
use std::fmt;

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
    /// A code this version of the user interface does not know (a newer application).
    #[serde(other)]
    Unknown,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BackendError {
    pub code: ErrorCode,
    pub message: String,
}

impl BackendError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> BackendError {
        BackendError {
            code,
            message: message.into(),
        }
    }

    /// Reads an error the application sent as JSON; anything else becomes an [`ErrorCode::Ipc`]
    /// error carrying the raw text.
    pub fn from_wire(json: &str) -> BackendError {
        serde_json::from_str(json).unwrap_or_else(|_| BackendError::new(ErrorCode::Ipc, json))
    }
}

impl fmt::Display for BackendError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}: {}", self.code, self.message)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_errors_are_read_by_code() {
        let err = BackendError::from_wire(r#"{"code":"no_plan","message":"no plan is stored"}"#);
        assert_eq!(
            err,
            BackendError::new(ErrorCode::NoPlan, "no plan is stored")
        );
    }

    #[test]
    fn unknown_codes_and_foreign_errors_stay_readable() {
        let newer = BackendError::from_wire(r#"{"code":"sync_conflict","message":"x"}"#);
        assert_eq!(
            newer.code,
            ErrorCode::Unknown,
            "a newer app may send codes this UI does not know"
        );
        let foreign = BackendError::from_wire("\"TypeError: window.__TAURI__ is undefined\"");
        assert_eq!(
            foreign.code,
            ErrorCode::Ipc,
            "an error that is not {{code, message}} is an IPC failure"
        );
        assert!(foreign.message.contains("__TAURI__"));
    }
}
