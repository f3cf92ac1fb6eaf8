//! The views, one component per file, each with its own `XProps`.

mod app;
mod app_header;
mod load_status;
mod plan_nav;
mod search_box;
mod task_detail;
mod task_list;
mod task_row;

pub use app::{App, AppProps};
pub use app_header::{AppHeader, AppHeaderProps};
pub use load_status::{LoadStatus, LoadStatusProps};
pub use plan_nav::{PlanNav, PlanNavProps};
pub use search_box::{SearchBox, SearchBoxProps};
pub use task_detail::{TaskDetail, TaskDetailProps};
pub use task_list::{TaskList, TaskListProps};
pub use task_row::{TaskRow, TaskRowProps};
