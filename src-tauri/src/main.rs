//! The PlanSync desktop app's entry point; everything else lives in the `plansync_app` library.

// No console window beside the app on Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() -> anyhow::Result<std::process::ExitCode> {
    plansync_app::run()
}
