//! The window's frame: the header with its tabs, the screen the tabs choose, the sync bar, and
//! the one navigation state (which screen, which task, which unit's record and period).

mod app;
mod app_header;
mod keyboard;
mod load_status;
mod state;
mod view_tabs;

pub use app::{App, AppProps};
pub(crate) use state::{PlanEditing, QueueEntry, RecordFocus};
