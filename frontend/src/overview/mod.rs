//! The overview screens: the unit's task list ("Nhiệm vụ của đơn vị"), the office's dashboard
//! with its appraisal queue, and the indicators, for a chosen period.

mod completion_bars;
mod dashboard;
mod indicators_table;
mod overview_labels;
mod overview_state;
mod reminder_banner;
mod task_filters;
mod unit_tasks;
mod unreadable_banner;

pub(crate) use dashboard::Dashboard;
pub(crate) use indicators_table::IndicatorsTable;
pub(crate) use overview_state::{LoadGate, OverviewAction, OverviewLoad, OverviewState};
pub(crate) use unit_tasks::UnitTasks;
