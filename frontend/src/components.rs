//! The views, one component per file, each with its own `XProps`.

mod app;
mod app_header;
mod load_status;
mod login_dialog;
mod logout_dialog;
mod plan_nav;
mod record_history;
mod record_text_field;
mod record_verdict;
mod record_versions;
mod search_box;
mod session_menu;
mod sync_bar;
mod task_detail;
mod task_list;
mod task_record;
mod task_row;

pub use app::{App, AppProps};
pub use app_header::{AppHeader, AppHeaderProps};
pub use load_status::{LoadStatus, LoadStatusProps};
pub use login_dialog::{LoginDialog, LoginDialogProps};
pub use logout_dialog::{LogoutDialog, LogoutDialogProps};
pub use plan_nav::{PlanNav, PlanNavProps};
pub use record_history::{RecordHistory, RecordHistoryProps};
pub use record_text_field::{RecordTextField, RecordTextFieldProps};
pub use record_verdict::{RecordVerdict, RecordVerdictProps};
pub use record_versions::{RecordVersions, RecordVersionsProps, VersionChoice};
pub use search_box::{SearchBox, SearchBoxProps};
pub use session_menu::{SessionMenu, SessionMenuProps};
pub use sync_bar::{SyncBar, SyncBarProps};
pub use task_detail::{TaskDetail, TaskDetailProps};
pub use task_list::{TaskList, TaskListProps};
pub use task_record::{TaskRecord, TaskRecordProps};
pub use task_row::{TaskRow, TaskRowProps};
