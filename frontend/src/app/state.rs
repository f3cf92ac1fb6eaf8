//! The plan as loaded, and the search words: one [`Reducible`] value changed only through
//! [`Action`]s. Where the user is (screen, part of the plan, task, record) is the
//! [`Navigation`](super::navigation::Navigation).

use std::rc::Rc;

use shared::Plan;
use yew::Reducible;

use crate::backend::BackendError;

/// Where loading the plan stands.
#[derive(Debug, Clone, PartialEq)]
pub enum Load {
    Loading,
    Loaded(Rc<Plan>),
    Failed(BackendError),
}

#[derive(Debug, Clone, PartialEq)]
pub struct PlanState {
    pub load: Load,
    /// The search box's text, as typed.
    pub query: String,
    /// Bumped by [`Action::Retry`] and [`Action::Reload`]; the loading effect runs again when it
    /// changes.
    pub n_load_attempts: u32,
}

impl Default for PlanState {
    fn default() -> PlanState {
        PlanState {
            load: Load::Loading,
            query: String::new(),
            n_load_attempts: 1,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    PlanLoaded(Rc<Plan>),
    LoadFailed(BackendError),
    /// Load the plan again after a failure.
    Retry,
    /// Load the plan again because it may have changed (log in, sync); the plan on screen stays
    /// until the new one arrives.
    Reload,
    SetQuery(String),
}

impl PlanState {
    pub fn plan(&self) -> Option<&Rc<Plan>> {
        match &self.load {
            Load::Loaded(plan) => Some(plan),
            Load::Loading | Load::Failed(_) => None,
        }
    }

    /// The new state after `action`; a pure function, so tests call it directly.
    pub fn apply(&self, action: Action) -> PlanState {
        let mut next = self.clone();
        match action {
            Action::PlanLoaded(plan) => next.load = Load::Loaded(plan),
            Action::LoadFailed(err) => {
                // A background reload that fails leaves the plan on screen.
                if self.plan().is_none() {
                    next.load = Load::Failed(err);
                }
            }
            Action::Retry => {
                next.load = Load::Loading;
                next.n_load_attempts += 1;
            }
            Action::Reload => next.n_load_attempts += 1,
            Action::SetQuery(query) => next.query = query,
        }
        next
    }
}

impl Reducible for PlanState {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        Rc::new(self.apply(action))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::backend::ErrorCode;
    use crate::test_plan::test_plan;

    #[test]
    fn a_failed_load_can_be_retried() {
        let failed = PlanState::default().apply(Action::LoadFailed(BackendError::new(
            ErrorCode::NoPlan,
            "none",
        )));
        assert_eq!(
            failed.load,
            Load::Failed(BackendError::new(ErrorCode::NoPlan, "none"))
        );
        let retried = failed.apply(Action::Retry);
        assert_eq!(
            retried.load,
            Load::Loading,
            "retrying shows the loading state again"
        );
        assert_eq!(
            retried.n_load_attempts, 2,
            "a new attempt number re-runs the loading effect"
        );
    }

    #[test]
    fn a_reload_keeps_the_plan_on_screen_even_if_it_fails() {
        let loaded = PlanState::default().apply(Action::PlanLoaded(Rc::new(test_plan())));
        let reloading = loaded.apply(Action::Reload);
        assert!(
            reloading.plan().is_some(),
            "the plan stays while the new one loads"
        );
        assert_eq!(reloading.n_load_attempts, loaded.n_load_attempts + 1);
        let failed = reloading.apply(Action::LoadFailed(BackendError::new(
            ErrorCode::NotDownloaded,
            "not yet",
        )));
        assert!(
            failed.plan().is_some(),
            "a failed background reload does not take the plan away"
        );
        let first = PlanState::default()
            .apply(Action::LoadFailed(BackendError::new(
                ErrorCode::NotDownloaded,
                "not yet",
            )))
            .apply(Action::Reload);
        assert_eq!(
            first.load,
            Load::Failed(BackendError::new(ErrorCode::NotDownloaded, "not yet")),
            "without a plan the reason stays on screen until the reload answers"
        );
        assert!(first
            .apply(Action::PlanLoaded(Rc::new(test_plan())))
            .plan()
            .is_some());
    }
}
