//! What crosses the boundary between the desktop application and its user interface (Tauri's
//! IPC), defined once for both sides.

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
