//! Seeding: importing a plan file into a store that holds no plan yet.

use std::path::Path;
use std::time::SystemTime;

use anyhow::Context;
use shared::import::import_bytes;

use crate::store::Store;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SeedOutcome {
    /// A plan was already stored; the seed file (if any) was not read.
    AlreadyStored,
    /// No plan is stored and no seed file was given.
    NoSeed,
    Imported {
        n_tasks: usize,
        n_warnings: usize,
    },
}

/// Imports the plan at `seed` (UTF-8 text, or DOCX) unless `store` already holds a plan.
pub fn ensure_plan(
    store: &Store,
    seed: Option<&Path>,
    now: SystemTime,
) -> anyhow::Result<SeedOutcome> {
    if store.latest_plan()?.is_some() {
        return Ok(SeedOutcome::AlreadyStored);
    }
    let Some(path) = seed else {
        return Ok(SeedOutcome::NoSeed);
    };
    let bytes =
        std::fs::read(path).with_context(|| format!("reading the seed plan {}", path.display()))?;
    let outcome = import_bytes(&bytes)
        .with_context(|| format!("importing the seed plan {}", path.display()))?;
    for warning in &outcome.warnings {
        tracing::warn!(seed = %path.display(), "{warning}");
    }
    store.insert_plan(&outcome.plan, &path.display().to_string(), now)?;
    Ok(SeedOutcome::Imported {
        n_tasks: outcome.plan.tasks().len(),
        n_warnings: outcome.warnings.len(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    /// The project's copy of the seed plan (`fixtures/plans`).
    fn seed_file() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/plans/tuyen-quang-sxd-2026.txt")
    }

    #[test]
    fn the_seed_plan_is_imported_once() {
        let store = Store::open_in_memory().unwrap();
        let first = ensure_plan(&store, Some(&seed_file()), SystemTime::now()).unwrap();
        let SeedOutcome::Imported { n_tasks, .. } = first else {
            panic!("expected an import, got {first:?}")
        };
        assert_eq!(
            n_tasks, 57,
            "the seed plan has 37 PAR INDEX, 10 PAPI and 10 SIPAS tasks"
        );
        let second = ensure_plan(&store, Some(&seed_file()), SystemTime::now()).unwrap();
        assert_eq!(
            second,
            SeedOutcome::AlreadyStored,
            "a stored plan is never replaced by the seed"
        );
    }

    #[test]
    fn a_missing_seed_file_is_an_error_naming_it() {
        let store = Store::open_in_memory().unwrap();
        assert_eq!(
            ensure_plan(&store, None, SystemTime::now()).unwrap(),
            SeedOutcome::NoSeed
        );
        let err = ensure_plan(
            &store,
            Some(Path::new("/nonexistent/plan.txt")),
            SystemTime::now(),
        )
        .unwrap_err();
        assert!(
            format!("{err:#}").contains("/nonexistent/plan.txt"),
            "{err:#}"
        );
    }
}
