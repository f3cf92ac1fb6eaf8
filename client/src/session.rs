//! Who is logged in on this device, and the device's own id.

use std::fmt;

use rand::Rng;
use shared::documents::ChangeAuthor;

use crate::server_url::ServerUrl;

/// This installation's id: generated once, kept across logins. It names the device to the
/// server (which binds the samod peer id to user and device) and is the Automerge actor of
/// every change made here.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct DeviceId(String);

impl DeviceId {
    pub(crate) fn generate(rng: &mut impl Rng) -> DeviceId {
        DeviceId(format!("dev-{:032x}", rng.random::<u128>()))
    }

    pub(crate) fn from_stored(text: String) -> DeviceId {
        DeviceId(text)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for DeviceId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A login: what the server said about the user, and the credentials to sync with.
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct Session {
    pub server_url: ServerUrl,
    pub username: String,
    pub unit: String,
    pub role: String,
    /// The user's full name, as the server said at login.
    pub full_name: Option<String>,
    /// Whether the user heads their unit, as the server said at login.
    pub unit_head: bool,
    /// The bearer token for HTTP and the websocket. Never logged.
    pub token: String,
    /// The samod peer id the server bound to this login; the repo must use exactly this.
    pub peer_id: String,
    pub device: DeviceId,
}

impl fmt::Debug for Session {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Session")
            .field("server_url", &self.server_url)
            .field("username", &self.username)
            .field("unit", &self.unit)
            .field("role", &self.role)
            .field("full_name", &self.full_name)
            .field("unit_head", &self.unit_head)
            .field("token", &"<redacted>")
            .field("peer_id", &self.peer_id)
            .field("device", &self.device)
            .finish()
    }
}

impl Session {
    pub fn info(&self) -> SessionInfo {
        SessionInfo {
            server_url: self.server_url.to_string(),
            username: self.username.clone(),
            unit: self.unit.clone(),
            role: self.role.clone(),
            device: self.device.to_string(),
            full_name: self.full_name.clone(),
            unit_head: self.unit_head,
        }
    }

    pub fn author(&self) -> ChangeAuthor {
        ChangeAuthor {
            user: self.username.clone(),
            device: self.device.to_string(),
            what: String::new(),
        }
    }
}

pub use shared::ipc::SessionInfo;
