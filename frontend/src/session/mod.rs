//! Who is logged in and how sync stands: the login and log out dialogs, the account corner, the
//! settings (the server's CA certificates), the sync bar, and their wording.

mod ca_labels;
mod ca_settings_panel;
mod ca_state;
mod context;
mod login_dialog;
mod logout_dialog;
mod session_menu;
mod session_state;
mod settings_dialog;
mod sync_bar;
mod sync_labels;

pub(crate) use context::SessionContext;
pub(crate) use login_dialog::LoginDialog;
pub(crate) use logout_dialog::LogoutDialog;
pub(crate) use session_menu::SessionMenu;
pub(crate) use session_state::{Logout, SessionAction, SessionState};
pub(crate) use settings_dialog::SettingsDialog;
pub(crate) use sync_bar::SyncBar;
