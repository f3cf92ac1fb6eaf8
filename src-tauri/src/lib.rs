//! PlanSync's desktop app: a Tauri shell around the Yew frontend, with a local SQLite store and
//! the sync engine.
//!
//! Start-up reads the [`launch::Launch`] options and the administrator's settings
//! ([`admin_settings`]: the server address), checks that the platform's web view is there
//! ([`webview_runtime`]), finds the data directory ([`data_dir`]), opens the [`store::Store`] in
//! it, imports the seed plan when none is stored yet ([`seed::ensure_plan`]), opens the
//! sync engine ([`sync::open_client`]) and hands an [`app_state::AppState`] to the Tauri
//! [`commands`]. Sync status and session changes reach the webview as events ([`sync`]); the
//! engine is shut down (every write flushed) when the app exits.

pub mod admin_settings;
pub mod app_state;
pub mod ca_settings;
pub mod commands;
pub mod data_dir;
pub mod desktop;
pub mod error;
pub mod evidence;
pub mod launch;
pub mod overview;
pub mod records;
pub mod report_export;
pub mod seed;
pub mod store;
pub mod sync;
pub mod webview_runtime;

use std::process::ExitCode;
use std::time::SystemTime;

use anyhow::Context;
use tauri::{Manager, RunEvent};

use crate::app_state::{AppState, LocalPlan};
use crate::launch::Launch;
use crate::store::Store;

/// The database file's name inside the data directory.
pub const DATABASE_FILE: &str = "plansync.sqlite3";

/// Runs the app until its last window closes; exits at once with
/// [`webview_runtime::MISSING_EXIT_CODE`], after telling the user, when the web view is missing.
pub fn run() -> anyhow::Result<ExitCode> {
    init_logging();
    let launch = Launch::from_env_and_args(std::env::vars_os(), std::env::args_os().skip(1))
        .context("reading the launch options")?;
    if let Some(notice) = webview_runtime::notice_if_missing(webview_runtime::installed_version()) {
        webview_runtime::tell(&notice, !launch.no_message_box);
        return Ok(ExitCode::from(webview_runtime::MISSING_EXIT_CODE));
    }
    let lookup = admin_settings::look_up(&admin_settings::standard_places());
    let server = admin_settings::resolve(launch.server_url.as_deref(), &lookup);
    admin_settings::log(&lookup, &server);
    let app = tauri::Builder::default()
        .plugin(tauri_plugin_dialog::init())
        .setup(move |app| {
            let data_dir = match &launch.data_dir {
                Some(dir) => dir.clone(),
                None => default_data_dir(app.path())?,
            };
            let local = open_local_plan(&data_dir, &launch)?;
            let ca_files = ca_settings::CaFiles::from_env(&data_dir);
            let client = tauri::async_runtime::block_on(sync::open_client(&data_dir, &ca_files))?;
            let state = AppState::new(local, client, ca_files, server);
            let handle = app.handle().clone();
            sync::forward(
                handle.clone(),
                sync::SYNC_STATUS_EVENT,
                state.client().status(),
            );
            sync::forward(handle.clone(), sync::SESSION_EVENT, state.watch_session());
            app.manage(state);
            app.manage(report_export::WrittenReports::default());
            sync::follow_profile(handle.clone());
            if let Some(auto) = launch.auto_login() {
                sync::spawn_auto_login(handle, auto);
            }
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![
            commands::load_plan,
            commands::login,
            commands::logout,
            commands::sync_status,
            commands::session,
            commands::record_units,
            commands::read_record,
            commands::edit_record,
            commands::send_report,
            commands::send_ready_reports,
            commands::overview,
            commands::set_verdict,
            commands::export_report,
            commands::report_formats,
            commands::pick_export_folder,
            commands::open_export,
            commands::edit_plan,
            commands::report_heading,
            commands::set_report_heading,
            commands::pick_file,
            commands::attach_evidence,
            commands::detach_evidence,
            commands::evidence_states,
            commands::open_evidence,
            commands::ca_settings,
            commands::set_ca_file,
            commands::remove_ca_file,
            commands::pick_ca_file,
        ])
        .build(tauri::generate_context!())
        .context("building the Tauri application")?;
    app.run(|handle, event| {
        if let RunEvent::Exit = event {
            if let Some(state) = handle.try_state::<AppState>() {
                tauri::async_runtime::block_on(state.client().shutdown());
                tracing::info!("sync engine stopped");
            }
        }
    });
    Ok(ExitCode::SUCCESS)
}

/// The platform's local app data directory, with the data of earlier versions moved there from
/// the (roaming, on Windows) app data directory first ([`data_dir::move_from_old_place`]).
fn default_data_dir<R: tauri::Runtime>(
    paths: &tauri::path::PathResolver<R>,
) -> anyhow::Result<std::path::PathBuf> {
    let dir = paths
        .app_local_data_dir()
        .context("finding the app's local data directory")?;
    let old = paths
        .app_data_dir()
        .context("finding the app data directory")?;
    let moved = data_dir::move_from_old_place(&old, &dir).with_context(|| {
        format!(
            "moving the app's data from {} to {}",
            old.display(),
            dir.display()
        )
    })?;
    match moved {
        data_dir::Move::Nothing => {}
        data_dir::Move::Moved(entries) => {
            tracing::info!(from = %old.display(), to = %dir.display(), ?entries, "data moved")
        }
        data_dir::Move::BothHaveData => tracing::warn!(
            old = %old.display(),
            used = %dir.display(),
            "both places hold a database; the old one is left alone"
        ),
    }
    Ok(dir)
}

/// Opens the store in `data_dir` and imports the seed plan if the store has none. A seed that
/// fails to import does not stop the app: the failure is kept and shown in the window.
fn open_local_plan(data_dir: &std::path::Path, launch: &Launch) -> anyhow::Result<LocalPlan> {
    std::fs::create_dir_all(data_dir)
        .with_context(|| format!("creating the data directory {}", data_dir.display()))?;
    let db_path = data_dir.join(DATABASE_FILE);
    let store = Store::open(&db_path)
        .with_context(|| format!("opening the database {}", db_path.display()))?;
    tracing::info!(database = %db_path.display(), "store opened");
    let seed_error = match seed::ensure_plan(&store, launch.seed.as_deref(), SystemTime::now()) {
        Ok(outcome) => {
            tracing::info!(?outcome, "plan ready");
            None
        }
        Err(err) => {
            tracing::error!("seeding the plan failed: {err:#}");
            Some(format!("{err:#}"))
        }
    };
    Ok(LocalPlan::new(store, seed_error))
}

fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    // A second initialisation (tests) is harmless; ignore it.
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}
