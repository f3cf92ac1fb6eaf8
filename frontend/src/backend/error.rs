//! Errors as they cross the IPC boundary: `{code, message}`.
//!
//! The user interface decides what to show from [`ErrorCode`] and never from the message text,
//! which is for people and logs. The codes are `shared::ipc::ErrorCode`, the application's own.

pub use shared::ipc::ErrorCode;

/// A failed backend call: the code chooses the words, the message is for people and logs.
pub use shared::ipc::IpcError as BackendError;

/// Reads an error the application sent as JSON; anything else becomes an [`ErrorCode::Ipc`]
/// error carrying the raw text.
pub fn error_from_wire(json: &str) -> BackendError {
    serde_json::from_str(json).unwrap_or_else(|_| BackendError::new(ErrorCode::Ipc, json))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_errors_are_read_by_code() {
        let err = error_from_wire(r#"{"code":"no_plan","message":"no plan is stored"}"#);
        assert_eq!(
            err,
            BackendError::new(ErrorCode::NoPlan, "no plan is stored")
        );
    }

    #[test]
    fn unknown_codes_and_foreign_errors_stay_readable() {
        let newer = error_from_wire(r#"{"code":"sync_conflict","message":"x"}"#);
        assert_eq!(
            newer.code,
            ErrorCode::Unknown,
            "a newer app may send codes this UI does not know"
        );
        let foreign = error_from_wire("\"TypeError: window.__TAURI__ is undefined\"");
        assert_eq!(
            foreign.code,
            ErrorCode::Ipc,
            "an error that is not {{code, message}} is an IPC failure"
        );
        assert!(foreign.message.contains("__TAURI__"));
    }
}
