//! Prometheus metrics, served on their own address (`serve --metrics-listen`), never on the
//! public port. Names start with `plansync_`; durations are `_seconds` histograms. Recorded with
//! the `metrics` facade where things happen; without `--metrics-listen` no recorder is installed
//! and recording costs nothing.

use std::future::ready;

use anyhow::{Context, Result};
use axum::routing::get;
use axum::Router;
use metrics::{describe_counter, describe_gauge, describe_histogram, Unit};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use tokio::net::TcpListener;

pub const BUILD_INFO: &str = "plansync_build_info";
pub const CONNECTED_CLIENTS: &str = "plansync_connected_clients";
pub const DOCUMENTS_REGISTERED: &str = "plansync_documents_registered";
pub const SYNC_MESSAGES: &str = "plansync_sync_messages_total";
pub const SYNC_BYTES: &str = "plansync_sync_bytes_total";
pub const DURABLE_WAIT: &str = "plansync_durable_wait_seconds";
pub const LOGINS: &str = "plansync_logins_total";
pub const UPLOADS: &str = "plansync_uploads_total";
pub const EVIDENCE_BYTES_STORED: &str = "plansync_evidence_bytes_stored_total";
pub const LOCK_RESTORES: &str = "plansync_lock_restores_total";
pub const CHANGES_REFUSED: &str = "plansync_changes_refused_total";

/// Buckets of the duration histograms, in seconds: from half a millisecond to ten seconds.
const SECONDS_BUCKETS: &[f64] = &[
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

/// Installs the process's recorder; its handle renders the metrics.
pub fn install() -> Result<PrometheusHandle> {
    let handle = PrometheusBuilder::new()
        .set_buckets_for_metric(Matcher::Suffix("_seconds".into()), SECONDS_BUCKETS)
        .context("metrics buckets")?
        .install_recorder()
        .context("installing the metrics recorder")?;
    describe();
    metrics::gauge!(BUILD_INFO, "version" => env!("CARGO_PKG_VERSION")).set(1.0);
    Ok(handle)
}

fn describe() {
    describe_gauge!(BUILD_INFO, "Always 1; the label says the server's version.");
    describe_gauge!(CONNECTED_CLIENTS, "Sync connections (websockets) open now.");
    describe_gauge!(
        DOCUMENTS_REGISTERED,
        "Documents in the registry (plan, each unit's records and review per year)."
    );
    describe_counter!(
        SYNC_MESSAGES,
        "Sync messages, by direction (in: from clients, passed the change gate; out: to clients)."
    );
    describe_counter!(
        SYNC_BYTES,
        Unit::Bytes,
        "Bytes of sync messages, by direction."
    );
    describe_histogram!(
        DURABLE_WAIT,
        Unit::Seconds,
        "How long an outgoing sync message about a document waited for that document's changes to be on disk (0 when they already were)."
    );
    describe_histogram!(
        storage::metrics::COMMIT_SECONDS,
        Unit::Seconds,
        "Document storage: one transaction (a group of writes and its fsync)."
    );
    describe_counter!(
        storage::metrics::COMMITTED_WRITES,
        "Document storage: writes committed (many per transaction under load)."
    );
    describe_counter!(
        LOGINS,
        "Login attempts by outcome: ok, bad_credentials, throttled, busy."
    );
    describe_counter!(
        UPLOADS,
        "Evidence upload requests by outcome: chunk (more to come), complete, refused."
    );
    describe_counter!(
        EVIDENCE_BYTES_STORED,
        Unit::Bytes,
        "Bytes of evidence files completed and stored since the server started."
    );
    describe_counter!(
        LOCK_RESTORES,
        "Edits of accepted periods (or of a document's header) undone by the period lock."
    );
    describe_counter!(
        CHANGES_REFUSED,
        "Incoming changes refused by the write rules (their connection is closed)."
    );
}

/// Serves `GET /metrics` on `listener` (Prometheus text format) for as long as the process runs.
pub async fn serve(listener: TcpListener, handle: PrometheusHandle) {
    let app = Router::new().route("/metrics", get(move || ready(handle.render())));
    if let Err(err) = axum::serve(listener, app).await {
        tracing::error!("the metrics listener stopped: {err}");
    }
}
