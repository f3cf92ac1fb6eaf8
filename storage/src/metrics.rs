//! The names of the storage's metrics (recorded with the `metrics` facade; the server
//! describes and exports them).

/// One transaction of the writer (a group of writes and its fsync), in seconds.
pub const COMMIT_SECONDS: &str = "plansync_storage_commit_seconds";
/// Writes committed.
pub const COMMITTED_WRITES: &str = "plansync_storage_committed_writes_total";
