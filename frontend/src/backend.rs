//! The one door from the user interface to the application: the [`Backend`] trait.
//!
//! Views never call Tauri directly. The app hands them a [`BackendHandle`] through a Yew context;
//! in the desktop app it wraps [`TauriBackend`], in tests a [`FakeBackend`]. Futures are boxed so
//! the trait stays object safe and one context type holds either implementation.

mod error;
#[cfg(test)]
mod fake_backend;
#[cfg(target_arch = "wasm32")]
mod tauri_backend;

use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;

use shared::Plan;

pub use error::{BackendError, ErrorCode};
#[cfg(test)]
pub use fake_backend::FakeBackend;
#[cfg(target_arch = "wasm32")]
pub use tauri_backend::TauriBackend;

/// What a backend call returns: a future that runs on the browser's event loop (not `Send`).
pub type BackendFuture<T> = Pin<Box<dyn Future<Output = Result<T, BackendError>>>>;

/// Everything the user interface asks of the application.
pub trait Backend {
    /// The plan currently stored on this machine.
    fn load_plan(&self) -> BackendFuture<Plan>;
}

/// A shared reference to the backend, passed down through a Yew context.
#[derive(Clone)]
pub struct BackendHandle(Rc<dyn Backend>);

impl BackendHandle {
    pub fn new(backend: impl Backend + 'static) -> BackendHandle {
        BackendHandle(Rc::new(backend))
    }

    pub fn backend(&self) -> &dyn Backend {
        &*self.0
    }
}

impl PartialEq for BackendHandle {
    /// Two handles are equal when they share one backend; Yew uses this to skip re-rendering.
    fn eq(&self, other: &BackendHandle) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}
