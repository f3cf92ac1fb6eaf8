//! PlanSync's user interface: a Yew app that shows the plan (appendix → section → task → detail)
//! with a sync bar and a login, and reaches the application only through the
//! [`backend::Backend`] trait.
//!
//! Everything except [`start`] and the Tauri backend builds natively too, so the state's reducer
//! and the pure view helpers are tested with a plain `cargo test -p frontend`.

mod app;
pub mod backend;
mod export;
mod overview;
mod plan;
mod session;
mod task_page;
#[cfg(test)]
mod test_plan;
mod ui;

pub use app::{App, AppProps};

/// Mounts the app on the page's body, talking to the Tauri application.
#[cfg(target_arch = "wasm32")]
pub fn start() {
    let backend = backend::BackendHandle::new(backend::TauriBackend);
    yew::Renderer::<App>::with_props(AppProps { backend }).render();
}
