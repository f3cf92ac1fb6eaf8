//! Tests of the client against a real PlanSync server (this crate's own build of it, so
//! never a stale binary).

mod offline_edits;
mod restarts;
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
