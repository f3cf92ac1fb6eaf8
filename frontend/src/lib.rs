//! PlanSync's user interface: a Yew app that shows the plan (appendix → section → task → detail)
//! with a sync bar and a login, and reaches the application only through the
//! [`backend::Backend`] trait.
//!
//! Everything except [`start`] and the Tauri backend builds natively too, so the state's reducer
//! and the pure view helpers are tested with a plain `cargo test -p frontend`.

pub mod backend;
pub mod ca_labels;
pub mod ca_state;
pub mod components;
pub mod evidence_labels;
pub mod evidence_state;
pub mod export_state;
pub mod keyboard;
pub mod labels;
pub mod local_time;
pub mod overview_labels;
pub mod overview_state;
pub mod plan_edit_state;
pub mod record_labels;
pub mod record_state;
pub mod scope;
pub mod session_state;
pub mod state;
pub mod sync_labels;
#[cfg(test)]
mod test_plan;

/// Mounts the app on the page's body, talking to the Tauri application.
#[cfg(target_arch = "wasm32")]
pub fn start() {
    let backend = backend::BackendHandle::new(backend::TauriBackend);
    yew::Renderer::<components::App>::with_props(components::AppProps { backend }).render();
}
