//! The PlanSync server crate: the sync server (`sync`), the audit log of received changes (`audit`), its registry of units, users and
//! documents (`registry`), access rules (`access`), the evidence file store (`files`), plan publishing (`publish`), report exports (`report`) and the CLI.

pub mod access;
pub mod audit;
pub mod backup;
pub mod cli;
pub mod config_file;
pub mod data;
pub mod files;
pub mod heading;
pub mod init;
pub mod login_throttle;
pub mod metrics;
pub mod password_pool;
pub mod publish;
pub mod registry;
pub mod report;
pub mod sync;
