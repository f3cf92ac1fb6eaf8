//! Errors as the frontend receives them: `{code, message}`.
//!
//! The frontend chooses what to show from `code` alone (its `ErrorCode` mirrors this one); the
//! message is for people and logs. Adding or renaming a code is a protocol change.

use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// No plan is stored, and none was given to import.
    NoPlan,
    /// The seed plan given at start could not be read or imported.
    SeedFailed,
    /// The local database failed.
    Storage,
    /// No records document of the unit is on this laptop (not listed, or not downloaded yet).
    NoRecords,
    /// The unit does not report on the task (its records document has no entry for it).
    NotAssigned,
    /// A returned report needs a comment saying what to fix.
    CommentRequired,
    /// A report lacks what the plan asks for before it can be sent; the message names each
    /// missing item, in Vietnamese.
    ReportIncomplete,
    /// A report could not be written; the message says why, in Vietnamese.
    ExportFailed,
    /// The path given to attach is empty or not a readable file.
    FileMissing,
    /// The record lists no evidence file with that hash.
    EvidenceNotFound,
    /// The server does not have the evidence file yet (the unit's laptop has not uploaded it).
    NotUploaded,
    /// The unit's records on this laptop cannot be read (wrong header, no map of tasks); the
    /// message names the unit and says why, in Vietnamese.
    UnreadableRecords,
    /// The sync engine refused or failed: its own code, such as `bad_credentials`,
    /// `server_unreachable` or `unsynced_changes` (see `client::ClientError::code`).
    #[serde(untagged)]
    Sync(&'static str),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[error("{message}")]
pub struct CommandError {
    pub code: ErrorCode,
    pub message: String,
}

impl CommandError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> CommandError {
        CommandError {
            code,
            message: message.into(),
        }
    }

    /// Wraps an internal error, keeping its whole context chain in the message.
    pub fn from_anyhow(code: ErrorCode, err: &anyhow::Error) -> CommandError {
        CommandError::new(code, format!("{err:#}"))
    }
}

impl From<client::ClientError> for CommandError {
    fn from(err: client::ClientError) -> CommandError {
        CommandError::new(ErrorCode::Sync(err.code()), err.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serializes_as_code_and_message() {
        let json = serde_json::to_string(&CommandError::new(
            ErrorCode::SeedFailed,
            "line 3: no table",
        ))
        .unwrap();
        assert_eq!(
            json,
            r#"{"code":"seed_failed","message":"line 3: no table"}"#
        );
    }

    #[test]
    fn sync_errors_keep_the_client_code() {
        let err = CommandError::from(client::ClientError::BadCredentials);
        let json = serde_json::to_string(&err).unwrap();
        assert_eq!(
            json,
            r#"{"code":"bad_credentials","message":"wrong user name or password, or the account is disabled"}"#,
            "the UI matches on the client's own code, so it must cross unchanged"
        );
    }
}
