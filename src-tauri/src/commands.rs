//! Tauri commands: each pulls the state out and calls one function.

use shared::Plan;
use tauri::State;

use crate::app_state::AppState;
use crate::error::CommandError;

/// The plan stored on this machine.
#[tauri::command(async)]
pub fn load_plan(state: State<'_, AppState>) -> Result<Plan, CommandError> {
    state.load_plan()
}
