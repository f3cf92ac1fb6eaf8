//! The overview screens' state (the unit's task list, the office dashboard, the indicators):
//! the chosen period, the loaded [`Overview`] and the list's filters.
//! One [`Reducible`] value changed only through [`OverviewAction`]s.

use std::rc::Rc;

use shared::calendar::PeriodId;
use shared::overview::{Overview, ReportFilter, TaskFilter};
use shared::plan::IndexKind;
use shared::report::ReportStatus;
use yew::Reducible;

use crate::backend::BackendError;

#[derive(Debug, Clone, PartialEq)]
pub enum OverviewLoad {
    Idle,
    Loading,
    Loaded(Rc<Overview>),
    Failed(BackendError),
}

#[derive(Debug, Clone, PartialEq)]
pub struct OverviewState {
    /// The period the user picked; `None` means the next one due.
    pub period: Option<PeriodId>,
    pub load: OverviewLoad,
    /// The task list's filters (the header's search box supplies the words).
    pub filter: TaskFilter,
    /// Bumped whenever the overview must be read again; the loading effect follows it.
    pub n_loads: u32,
}

impl Default for OverviewState {
    fn default() -> OverviewState {
        OverviewState {
            period: None,
            load: OverviewLoad::Idle,
            filter: TaskFilter::default(),
            n_loads: 0,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum OverviewAction {
    SetPeriod(PeriodId),
    /// Read the overview again (log in, documents changed); what is shown stays meanwhile.
    Refresh,
    /// The answer to load number `n` (answers to older loads are dropped).
    Loaded(u32, Box<Overview>),
    Failed(u32, BackendError),
    FilterStatus(Option<ReportStatus>),
    FilterIndex(Option<IndexKind>),
    FilterOverdue(bool),
    FilterDueWithin(Option<i64>),
    /// Only reports in this state (an item of the unit's summary line).
    FilterReport(Option<ReportFilter>),
    /// Only this unit's reports.
    FilterUnit(Option<String>),
    ClearFilters,
    /// Exactly these filters (a count on the dashboard opened the list).
    SetFilter(TaskFilter),
    /// Someone logged in or out: their screens and data start afresh.
    SessionChanged,
}

impl OverviewState {
    pub fn overview(&self) -> Option<&Rc<Overview>> {
        match &self.load {
            OverviewLoad::Loaded(overview) => Some(overview),
            _ => None,
        }
    }

    /// The new state after `action`; a pure function, so tests call it directly.
    pub fn apply(&self, action: OverviewAction) -> OverviewState {
        let mut next = self.clone();
        match action {
            OverviewAction::SetPeriod(period) => {
                if self.period != Some(period) {
                    next.period = Some(period);
                    next.load = OverviewLoad::Loading;
                    next.n_loads += 1;
                }
            }
            OverviewAction::Refresh => {
                if !matches!(self.load, OverviewLoad::Loaded(_)) {
                    next.load = OverviewLoad::Loading;
                }
                next.n_loads += 1;
            }
            OverviewAction::Loaded(n, _) | OverviewAction::Failed(n, _) if n != self.n_loads => {}
            OverviewAction::Loaded(_, overview) => {
                next.load = OverviewLoad::Loaded(Rc::from(overview));
            }
            OverviewAction::Failed(_, err) => {
                // A background refresh that fails keeps the overview on screen.
                if self.overview().is_none() || self.period_differs_from_shown() {
                    next.load = OverviewLoad::Failed(err);
                }
            }
            OverviewAction::FilterStatus(status) => next.filter.status = status,
            OverviewAction::FilterIndex(index) => next.filter.index = index,
            OverviewAction::FilterOverdue(on) => next.filter.overdue_only = on,
            OverviewAction::FilterDueWithin(days) => next.filter.due_within_days = days,
            OverviewAction::FilterReport(report) => next.filter.report = report,
            OverviewAction::FilterUnit(unit) => next.filter.unit = unit,
            OverviewAction::ClearFilters => next.filter = TaskFilter::default(),
            OverviewAction::SetFilter(filter) => next.filter = filter,
            OverviewAction::SessionChanged => {
                next = OverviewState {
                    n_loads: self.n_loads + 1,
                    load: OverviewLoad::Loading,
                    ..OverviewState::default()
                };
            }
        }
        next
    }

    fn period_differs_from_shown(&self) -> bool {
        match (self.period, self.overview()) {
            (Some(period), Some(shown)) => shown.report.period != period,
            _ => false,
        }
    }
}

/// At most one overview load at a time: a request while one runs is remembered and made once
/// it ends (building an overview reads every unit's documents; during a sync, changes come
/// faster than that).
#[derive(Debug, Default)]
pub struct LoadGate {
    in_flight: bool,
    again: bool,
}

impl LoadGate {
    /// Whether a load may start now; if not, one is owed when the running one ends.
    pub fn start(&mut self) -> bool {
        if self.in_flight {
            self.again = true;
            false
        } else {
            self.in_flight = true;
            true
        }
    }

    /// The running load ended; `true` when its answer is already outdated and another load is
    /// owed.
    pub fn finish(&mut self) -> bool {
        self.in_flight = false;
        std::mem::take(&mut self.again)
    }
}

impl Reducible for OverviewState {
    type Action = OverviewAction;

    fn reduce(self: Rc<Self>, action: OverviewAction) -> Rc<Self> {
        Rc::new(self.apply(action))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::backend::ErrorCode;
    use crate::test_plan::sample_overview;

    #[test]
    fn one_load_at_a_time_and_one_more_when_asked_meanwhile() {
        let mut gate = LoadGate::default();
        assert!(gate.start());
        assert!(!gate.start(), "a second load waits");
        assert!(!gate.start(), "and a third folds into it");
        assert!(gate.finish(), "one more load is owed");
        assert!(gate.start());
        assert!(!gate.finish(), "nothing asked meanwhile");
    }

    #[test]
    fn a_refresh_keeps_the_overview_on_screen_and_a_failed_one_too() {
        let loaded = OverviewState::default()
            .apply(OverviewAction::Refresh)
            .apply(OverviewAction::Loaded(1, Box::new(sample_overview())));
        assert!(loaded.overview().is_some());
        let refreshing = loaded.apply(OverviewAction::Refresh);
        assert!(refreshing.overview().is_some());
        assert_eq!(refreshing.n_loads, loaded.n_loads + 1);
        let failed = refreshing.apply(OverviewAction::Failed(
            2,
            BackendError::new(ErrorCode::Ipc, "lost"),
        ));
        assert!(failed.overview().is_some(), "the last overview stays");
    }

    #[test]
    fn an_answer_to_an_older_load_is_dropped() {
        let state = OverviewState::default()
            .apply(OverviewAction::Refresh)
            .apply(OverviewAction::Refresh);
        let stale = state.apply(OverviewAction::Loaded(1, Box::new(sample_overview())));
        assert_eq!(stale.load, OverviewLoad::Loading);
        let fresh = state.apply(OverviewAction::Loaded(2, Box::new(sample_overview())));
        assert!(fresh.overview().is_some());
    }

    #[test]
    fn another_period_loads_and_its_failure_shows() {
        let loaded =
            OverviewState::default().apply(OverviewAction::Loaded(0, Box::new(sample_overview())));
        let shown = loaded.overview().unwrap().report.period;
        let other = PeriodId {
            year: shown.year - 1,
            ..shown
        };
        let same = loaded.apply(OverviewAction::SetPeriod(shown));
        assert_eq!(same.n_loads, loaded.n_loads + 1, "the first choice loads");
        assert_eq!(
            same.apply(OverviewAction::SetPeriod(shown)).n_loads,
            same.n_loads
        );
        let moved = loaded.apply(OverviewAction::SetPeriod(other));
        assert_eq!(moved.load, OverviewLoad::Loading);
        let n = moved.n_loads;
        let failed = moved
            .apply(OverviewAction::Loaded(n, Box::new(sample_overview())))
            .apply(OverviewAction::Failed(
                n,
                BackendError::new(ErrorCode::NoRecords, "none"),
            ));
        assert!(
            matches!(failed.load, OverviewLoad::Failed(_)),
            "the overview shown is not the chosen period's"
        );
    }

    #[test]
    fn filters_change_one_at_a_time_and_clear_together() {
        let state = OverviewState::default()
            .apply(OverviewAction::FilterStatus(Some(ReportStatus::Overdue)))
            .apply(OverviewAction::FilterIndex(Some(IndexKind::Papi)))
            .apply(OverviewAction::FilterOverdue(true))
            .apply(OverviewAction::FilterDueWithin(Some(7)))
            .apply(OverviewAction::FilterReport(Some(ReportFilter::Returned)))
            .apply(OverviewAction::FilterUnit(Some("QLHT".into())));
        assert_eq!(
            state.filter,
            TaskFilter {
                status: Some(ReportStatus::Overdue),
                index: Some(IndexKind::Papi),
                overdue_only: true,
                due_within_days: Some(7),
                query: String::new(),
                report: Some(ReportFilter::Returned),
                unit: Some("QLHT".into()),
            }
        );
        assert_eq!(
            state.apply(OverviewAction::FilterUnit(None)).filter.unit,
            None
        );
        assert!(state.apply(OverviewAction::ClearFilters).filter.is_empty());
    }

    #[test]
    fn a_dashboard_count_sets_its_filter_alone() {
        let filter = TaskFilter {
            report: Some(ReportFilter::Awaiting),
            unit: Some("KHTC".into()),
            ..TaskFilter::default()
        };
        let state = OverviewState::default()
            .apply(OverviewAction::FilterOverdue(true))
            .apply(OverviewAction::SetFilter(filter.clone()));
        assert_eq!(state.filter, filter, "earlier filters are replaced");
    }

    #[test]
    fn logging_in_as_someone_else_starts_afresh() {
        let state = OverviewState::default()
            .apply(OverviewAction::Loaded(0, Box::new(sample_overview())))
            .apply(OverviewAction::FilterOverdue(true))
            .apply(OverviewAction::SessionChanged);
        assert_eq!(state.load, OverviewLoad::Loading);
        assert!(state.filter.is_empty());
    }
}
