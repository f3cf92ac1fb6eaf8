//! Errors as the frontend receives them: `{code, message}`.
//!
//! The frontend chooses what to show from `code` alone (`shared::ipc::ErrorCode`, one enum for
//! both sides); the message is for people and logs.

use serde::Serialize;

/// Why a command failed: one code for the application and its user interface
/// (`shared::ipc`); the sync engine's own codes are among them.
pub use shared::ipc::ErrorCode;

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
        CommandError::new(ErrorCode::from_code(err.code()), err.to_string())
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
