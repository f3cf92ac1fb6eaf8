//! The PlanSync server crate: the admin and import CLI today, the sync server next.

pub mod cli;
