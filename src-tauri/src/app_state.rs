//! What the commands work on: the store, and how the start-up seeding went.

use shared::Plan;

use crate::error::{CommandError, ErrorCode};
use crate::store::Store;

pub struct AppState {
    store: Store,
    /// Why the seed plan could not be imported at start, if it could not.
    seed_error: Option<String>,
}

impl AppState {
    pub fn new(store: Store, seed_error: Option<String>) -> AppState {
        AppState { store, seed_error }
    }

    /// The latest stored plan; without one, why there is none.
    pub fn load_plan(&self) -> Result<Plan, CommandError> {
        match self.store.latest_plan() {
            Ok(Some(stored)) => Ok(stored.plan),
            Ok(None) => Err(match &self.seed_error {
                Some(reason) => CommandError::new(ErrorCode::SeedFailed, reason.clone()),
                None => CommandError::new(
                    ErrorCode::NoPlan,
                    "no plan is stored on this machine and none was given to import",
                ),
            }),
            Err(err) => Err(CommandError::from_anyhow(ErrorCode::Storage, &err)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn without_a_plan_the_error_says_why() {
        let state = AppState::new(Store::open_in_memory().unwrap(), None);
        assert_eq!(state.load_plan().unwrap_err().code, ErrorCode::NoPlan);
        let state = AppState::new(
            Store::open_in_memory().unwrap(),
            Some("reading x: no such file".into()),
        );
        let err = state.load_plan().unwrap_err();
        assert_eq!(
            err.code,
            ErrorCode::SeedFailed,
            "a failed seed is reported as such, not as a missing plan"
        );
        assert_eq!(err.message, "reading x: no such file");
    }
}
