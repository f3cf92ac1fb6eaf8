//! The client's error type. The UI matches on [`ClientError::code`], never on the message.

use serde::ser::SerializeStruct;
use shared::documents::{DocumentError, DocumentKind};

pub type Result<T, E = ClientError> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    #[error("not logged in")]
    NotLoggedIn,
    #[error("wrong user name or password, or the account is disabled")]
    BadCredentials,
    #[error("cannot reach the server: {0}")]
    Unreachable(String),
    #[error("session expired, log in again")]
    SessionExpired,
    #[error("the server answered {status}: {message} ({code})")]
    Server {
        status: u16,
        code: String,
        message: String,
    },
    #[error("invalid server address {url}: {why}")]
    InvalidServerUrl { url: String, why: String },
    #[error("the server address {url} is not encrypted (http://); use https://")]
    InsecureServerUrl { url: String },
    /// The server's certificate is not trusted; the text says why, in Vietnamese.
    #[error("{0}")]
    UntrustedCertificate(String),
    /// A CA certificate file that cannot be used; the text names the file and says why, in
    /// Vietnamese.
    #[error("{0}")]
    BadCaFile(String),
    #[error("{username} is logged in on this device; log out first")]
    OtherUserLoggedIn { username: String },
    #[error("{n_unconfirmed} local changes have not reached the server yet")]
    UnsyncedChanges { n_unconfirmed: usize },
    #[error("document {doc_id} is not in your document list")]
    UnknownDocument { doc_id: String },
    #[error("document {doc_id} is read-only for you")]
    ReadOnly { doc_id: String },
    #[error("only plan editors may edit the plan; your access to the plan is read-only")]
    PlanReadOnly,
    #[error("document {doc_id} is a {found} document, not a {expected} document")]
    WrongKind {
        doc_id: String,
        expected: &'static str,
        found: &'static str,
    },
    #[error("document {doc_id} has not been downloaded yet; connect to the server")]
    NotDownloaded { doc_id: String },
    #[error("{period} of task {task} was accepted by the office and is locked")]
    PeriodLocked { task: String, period: String },
    #[error(transparent)]
    Document(#[from] DocumentError),
    #[error("document storage: {0}")]
    Storage(#[from] storage::StorageError),
    #[error("local database: {0}")]
    LocalDb(#[from] rusqlite::Error),
    #[error("the file is {size} bytes; evidence files may be at most {limit} bytes")]
    FileTooLarge { size: u64, limit: u64 },
    #[error("cannot use the file {path}: {why}")]
    LocalFile { path: String, why: String },
    #[error("the downloaded file does not match its SHA-256 {sha256}")]
    HashMismatch { sha256: String },
    #[error("this change is {size} bytes; a change may be at most {limit} bytes to be sent to the server")]
    ChangeTooLarge { size: usize, limit: usize },
    #[error("the client has shut down")]
    Stopped,
    #[error("{0}")]
    Internal(String),
}

impl ClientError {
    /// A stable, machine-readable code for the UI.
    pub fn code(&self) -> &'static str {
        match self {
            ClientError::NotLoggedIn => "not_logged_in",
            ClientError::BadCredentials => "bad_credentials",
            ClientError::Unreachable(_) => "server_unreachable",
            ClientError::SessionExpired => "session_expired",
            ClientError::Server { .. } => "server_error",
            ClientError::InvalidServerUrl { .. } => "invalid_server_url",
            ClientError::InsecureServerUrl { .. } => "insecure_server_url",
            ClientError::UntrustedCertificate(_) => "untrusted_certificate",
            ClientError::BadCaFile(_) => "bad_ca_file",
            ClientError::OtherUserLoggedIn { .. } => "other_user_logged_in",
            ClientError::UnsyncedChanges { .. } => "unsynced_changes",
            ClientError::UnknownDocument { .. } => "unknown_document",
            ClientError::ReadOnly { .. } => "read_only",
            ClientError::PlanReadOnly => "plan_read_only",
            ClientError::WrongKind { .. } => "wrong_document_kind",
            ClientError::NotDownloaded { .. } => "not_downloaded",
            ClientError::PeriodLocked { .. } => "period_locked",
            ClientError::Document(_) => "document",
            ClientError::Storage(_) => "storage",
            ClientError::LocalDb(_) => "local_database",
            ClientError::FileTooLarge { .. } => "file_too_large",
            ClientError::LocalFile { .. } => "local_file",
            ClientError::HashMismatch { .. } => "hash_mismatch",
            ClientError::ChangeTooLarge { .. } => "change_too_large",
            ClientError::Stopped => "stopped",
            ClientError::Internal(_) => "internal",
        }
    }

    pub(crate) fn wrong_kind(
        doc_id: &samod::DocumentId,
        expected: DocumentKind,
        found: DocumentKind,
    ) -> ClientError {
        ClientError::WrongKind {
            doc_id: doc_id.to_string(),
            expected: expected.as_str(),
            found: found.as_str(),
        }
    }
}

impl From<samod::Stopped> for ClientError {
    fn from(_: samod::Stopped) -> ClientError {
        ClientError::Stopped
    }
}

/// Serialises as `{code, message}`, the shape errors cross IPC in.
impl serde::Serialize for ClientError {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut s = serializer.serialize_struct("ClientError", 2)?;
        s.serialize_field("code", self.code())?;
        s.serialize_field("message", &self.to_string())?;
        s.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::ipc::ErrorCode;

    /// Every code the engine gives reaches the user interface as a code it knows
    /// (`shared::ipc::ErrorCode`), not as "unknown".
    #[test]
    fn every_code_is_one_the_user_interface_knows() {
        let s = String::new;
        let every = [
            ClientError::NotLoggedIn,
            ClientError::BadCredentials,
            ClientError::Unreachable(s()),
            ClientError::SessionExpired,
            ClientError::Server {
                status: 500,
                code: s(),
                message: s(),
            },
            ClientError::InvalidServerUrl { url: s(), why: s() },
            ClientError::InsecureServerUrl { url: s() },
            ClientError::UntrustedCertificate(s()),
            ClientError::BadCaFile(s()),
            ClientError::OtherUserLoggedIn { username: s() },
            ClientError::UnsyncedChanges { n_unconfirmed: 1 },
            ClientError::UnknownDocument { doc_id: s() },
            ClientError::ReadOnly { doc_id: s() },
            ClientError::PlanReadOnly,
            ClientError::WrongKind {
                doc_id: s(),
                expected: "records",
                found: "plan",
            },
            ClientError::NotDownloaded { doc_id: s() },
            ClientError::PeriodLocked {
                task: s(),
                period: s(),
            },
            ClientError::Document(DocumentError::Missing(s())),
            ClientError::LocalDb(rusqlite::Error::InvalidQuery),
            ClientError::FileTooLarge { size: 2, limit: 1 },
            ClientError::LocalFile {
                path: s(),
                why: s(),
            },
            ClientError::HashMismatch { sha256: s() },
            ClientError::ChangeTooLarge { size: 2, limit: 1 },
            ClientError::Stopped,
            ClientError::Internal(s()),
        ];
        for err in every {
            assert_ne!(
                ErrorCode::from_code(err.code()),
                ErrorCode::Unknown,
                "{} ({err:?})",
                err.code()
            );
        }
    }
}
