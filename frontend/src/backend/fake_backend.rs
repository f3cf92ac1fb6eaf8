//! A backend that answers from memory, for tests that run without a window or Tauri.

use std::future::ready;

use shared::Plan;

use super::{Backend, BackendError, BackendFuture};

/// Answers every call with the value it was built with.
#[derive(Debug, Clone)]
pub struct FakeBackend {
    pub plan: Result<Plan, BackendError>,
}

impl Backend for FakeBackend {
    fn load_plan(&self) -> BackendFuture<Plan> {
        Box::pin(ready(self.plan.clone()))
    }
}
