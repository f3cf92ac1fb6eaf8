//! Pieces every screen uses: errors in words, the period picker, times of day, file sizes, and
//! the wording of schedules and targets.

mod error_label;
mod labels;
pub(crate) mod local_time;
mod period_picker;
mod sizes;

pub(crate) use error_label::error_label;
pub(crate) use labels::{schedule_label, target_label};
pub(crate) use period_picker::PeriodPicker;
pub(crate) use sizes::{format_size, megabytes};
