//! Errors as they cross the IPC boundary: `{code, message}`.
//!
//! The user interface decides what to show from [`ErrorCode`] and never from the message text,
//! which is for people and logs. The codes are `shared::ipc::ErrorCode`, the application's own.

use serde::{Deserialize, Serialize};
use std::fmt;

pub use shared::ipc::ErrorCode;

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
