//! End-to-end tests of the desktop app, driven through tauri-driver and WebDriver.
//!
//! They are slow and need a built app, Xvfb, tauri-driver and WebKitWebDriver, so they run only
//! when `PLANSYNC_E2E=1`; otherwise each prints that it was skipped. `scripts/e2e.sh` builds the
//! app and runs them.

mod plan_view;

use std::path::PathBuf;

/// The app binary to test, or `None` (with a note) when end-to-end tests are not enabled.
/// Panics when they are enabled but the app has not been built.
fn e2e_app(test: &str) -> Option<PathBuf> {
    if std::env::var_os("PLANSYNC_E2E").is_none_or(|v| v != "1") {
        eprintln!(
            "skipped {test}: set PLANSYNC_E2E=1 to run end-to-end tests (scripts/e2e.sh does)"
        );
        return None;
    }
    let app = tests::repo::app_binary();
    assert!(
        app.is_file(),
        "PLANSYNC_E2E=1 but the app is not built at {}: run scripts/e2e.sh, or `TRUNK_OFFLINE=true trunk build` \
         in frontend/ then `cargo build -p plansync-app --features tauri/custom-protocol`",
        app.display()
    );
    Some(app)
}
