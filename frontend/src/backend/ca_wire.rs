//! The CA certificate settings as they cross IPC (the answers of `ca_settings`, `set_ca_file`
//! and `remove_ca_file`). These mirror `plansync-app`'s `ca_settings::CaSettings` and
//! `client::CaCertificate`; changing either side is a protocol change.

use serde::{Deserialize, Serialize};

/// The CA files the app trusts besides the operating system's.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaSettings {
    /// The file chosen in the settings (the app's copy of it).
    pub chosen: Option<CaFileView>,
    /// The file `PLANSYNC_CA_FILE` names (set when the app was started; not changed here).
    #[serde(default)]
    pub from_env: Option<CaFileView>,
}

/// One CA file and what it holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaFileView {
    pub path: String,
    /// Its certificates (empty when it cannot be used).
    pub certificates: Vec<CaCertificate>,
    /// Why it is not used, in Vietnamese.
    #[serde(default)]
    pub problem: Option<String>,
}

/// One certificate of a CA file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaCertificate {
    /// The subject's common name (or whole name).
    pub subject: String,
    pub issuer: String,
    /// Valid from and until (Unix milliseconds).
    pub not_before_ms: i64,
    pub not_after_ms: i64,
    /// Whether it may issue certificates.
    pub is_ca: bool,
}
