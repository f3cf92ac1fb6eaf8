//! Tests of the client against a real PlanSync server (`target/debug/plansync`, or the binary
//! named by `PLANSYNC_BIN`). Each test is skipped, with a message, when the binary is missing:
//! build it with `cargo build -p server`.

mod offline_edits;
mod server;
mod server_restart;
mod session_expiry;
mod smoke;

/// Logs to the test output; `RUST_LOG=client=debug` shows the sync status as it changes.
pub fn init_tracing() {
    let _ = tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
        .with_test_writer()
        .try_init();
}
