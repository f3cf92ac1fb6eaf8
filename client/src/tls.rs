//! TLS for both HTTP and the websocket: rustls with the ring provider and the operating
//! system's certificate verifier (so an office's own CA, installed on the laptop, is trusted).
//! The config is built explicitly rather than through rustls' process-wide default provider,
//! so other crates in the same process (Tauri's own HTTP client) cannot make it ambiguous.

use std::sync::Arc;

use rustls_platform_verifier::BuilderVerifierExt;

use crate::error::ClientError;

pub(crate) fn client_config() -> Result<rustls::ClientConfig, ClientError> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| ClientError::Internal(format!("TLS setup: {e}")))?
        .with_platform_verifier()
        .map_err(|e| ClientError::Internal(format!("TLS certificate verifier: {e}")))?
        .with_no_client_auth();
    Ok(config)
}
