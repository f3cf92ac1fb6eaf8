//! The window's frame: the header with its tabs, the screen the tabs choose, the sync bar, and
//! the one navigation state (which screen, which task, which unit's record and period).

mod app_header;
mod keyboard;
mod load_status;
mod navigation;
mod state;
mod view_tabs;
mod window;

pub(crate) use navigation::{PlanEditing, QueueEntry, RecordFocus};
pub use window::{App, AppProps};
