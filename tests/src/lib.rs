//! Helpers for PlanSync's cross-crate tests: finding the repository and its build outputs, and
//! driving the desktop app through tauri-driver ([`app_driver`]).

pub mod app_driver;
pub mod bearer_dialer;
pub mod bench;
pub mod laptop;
pub mod process_watch;
pub mod reconnect_wire;
pub mod repo;
pub mod rogue;
pub mod server;
pub mod test_ca;

/// An HTTP client for tests (installs the ring TLS provider reqwest is built to expect).
pub fn http_client() -> reqwest::Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::new()
}
