//! PlanSync's shared core: the plan as data, plan import, and Vietnamese text rules.
//!
//! This crate never does IO (no files, sockets, clocks or threads): callers hand it bytes and
//! strings and get values back. It builds for `wasm32-unknown-unknown` so the Yew frontend uses the
//! same types as the desktop app and the server.

pub mod calendar;
#[cfg(feature = "documents")]
pub mod documents;
pub mod evidence_open;
pub mod import;
pub mod ipc;
pub mod overview;
pub mod person;
pub mod plan;
pub mod plan_edit;
pub mod record;
pub mod report;
pub mod submission;
pub mod target;
pub mod timeframe;
pub mod unit;
pub mod unreadable;
pub mod vietnamese;

pub use plan::{Appendix, IndexKind, Plan, PlanDate, Section, Task, TaskId};
pub use target::{Target, TargetOperator};
pub use timeframe::{Schedule, Timeframe};
pub use unit::{Assignee, CollectiveKind, UnitKind, UnitRegistry};
