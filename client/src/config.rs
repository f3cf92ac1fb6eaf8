//! How a client behaves on the network: timeouts, backoff, keepalive and refresh intervals.

use std::sync::Arc;
use std::time::Duration;

use samod::BackoffConfig;

use crate::clock::{Clock, SystemClock};

#[derive(Clone)]
pub struct ClientConfig {
    pub clock: Arc<dyn Clock>,
    /// Reconnection timing. samod doubles the delay after each failure up to `max_delay` and
    /// multiplies it by a random factor in [0.5, 1.0), so laptops reconnecting after a server
    /// restart spread out.
    pub backoff: BackoffConfig,
    /// How often the document list is fetched again while connected, so newly published
    /// documents arrive.
    pub refresh_every: Duration,
    /// Dead-connection detection on the websocket.
    pub keepalive: Keepalive,
    /// The longest a websocket connect (TCP, TLS and upgrade) may take.
    pub connect_timeout: Duration,
    /// The longest an HTTP request (login, document list) may take.
    pub request_timeout: Duration,
    /// The largest evidence file a user may attach (the server has its own limit, by default
    /// the same 50 MiB).
    pub max_file_bytes: u64,
    /// How often a session logged out while the server could not be told is offered to the
    /// server again for revocation.
    pub logout_retry_every: Duration,
    /// CA certificates (PEM) trusted besides the operating system's: a province's internal CA
    /// that is not installed on the laptop.
    pub extra_ca_file: Option<std::path::PathBuf>,
}

/// The client pings the server every `ping_every`; a connection on which nothing (not even a
/// pong) arrived for `dead_after` is dropped and redialled. This is what notices a TCP
/// connection that died silently (sleep, a changed network, a NAT that forgot us).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Keepalive {
    pub ping_every: Duration,
    pub dead_after: Duration,
}

impl Default for Keepalive {
    fn default() -> Keepalive {
        Keepalive {
            ping_every: Duration::from_secs(15),
            dead_after: Duration::from_secs(45),
        }
    }
}

impl Default for ClientConfig {
    fn default() -> ClientConfig {
        ClientConfig {
            clock: Arc::new(SystemClock),
            backoff: BackoffConfig {
                initial_delay: Duration::from_millis(500),
                max_delay: Duration::from_secs(30),
                max_retries: None,
            },
            refresh_every: Duration::from_secs(30),
            keepalive: Keepalive::default(),
            connect_timeout: Duration::from_secs(15),
            request_timeout: Duration::from_secs(30),
            max_file_bytes: 50 * 1024 * 1024,
            logout_retry_every: Duration::from_secs(60),
            extra_ca_file: None,
        }
    }
}

impl std::fmt::Debug for ClientConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientConfig")
            .field("backoff", &self.backoff)
            .field("refresh_every", &self.refresh_every)
            .field("keepalive", &self.keepalive)
            .field("connect_timeout", &self.connect_timeout)
            .field("request_timeout", &self.request_timeout)
            .field("max_file_bytes", &self.max_file_bytes)
            .finish_non_exhaustive()
    }
}
