//! Helpers for PlanSync's cross-crate tests: finding the repository and its build outputs, and
//! driving the desktop app through tauri-driver ([`app_driver`]).

pub mod app_driver;
pub mod repo;
pub mod server;
