//! What the app's overview screens show, computed from a period's [`Report`]: the unit's task
//! list with its filters, the reminder of reports due (7, 3 and 1 days ahead, and overdue), the
//! office dashboard's completion per index, section and unit, and the table of indicators
//! (every numeric target with the actual each unit reported).
//!
//! Pure functions over plain values, so the frontend (wasm32) and the tests share them; the
//! [`Overview`] value crosses IPC from the app to the frontend.

use serde::{Deserialize, Serialize};

use crate::calendar::{Date, PeriodId};
use crate::plan::{IndexKind, TaskId};
use crate::report::{
    ActualReport, Completion, Report, ReportStatus, ReportUnit, SectionReport, TaskReport,
    UnitReport,
};
use crate::vietnamese::matches_query;

/// A period's state of the plan as one user may see it: the own unit's tasks for staff, every
/// unit's for the office.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Overview {
    /// The period's report, scoped to what the user follows.
    pub report: Report,
    /// The periods that can be chosen (the year's four, with their deadlines).
    pub periods: Vec<PeriodChoice>,
    /// The user's own unit code.
    pub own_unit: String,
    /// Whether the report covers every unit (the office) or only the own unit.
    pub all_units: bool,
    /// The user may accept or return reports.
    pub can_review: bool,
    /// The user may add and edit tasks of the plan.
    pub can_edit_plan: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PeriodChoice {
    pub period: PeriodId,
    /// "Quý III/2026".
    pub label: String,
    pub deadline: Date,
}

/// Whether `unit` has reported on the task for the period: a result is written, or the task
/// does not apply to it.
pub fn is_reported(unit: &UnitReport) -> bool {
    unit.status == ReportStatus::NotApplicable || !unit.result.trim().is_empty()
}

/// How close a period's deadline is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReminderLevel {
    /// The deadline has passed.
    Overdue,
    /// Due today or tomorrow.
    DueIn1,
    /// Due within 3 days.
    DueIn3,
    /// Due within 7 days.
    DueIn7,
}

impl ReminderLevel {
    /// The level for a deadline `days_left` days away, `None` when more than 7 days remain.
    pub fn for_days_left(days_left: i64) -> Option<ReminderLevel> {
        match days_left {
            ..=-1 => Some(ReminderLevel::Overdue),
            0..=1 => Some(ReminderLevel::DueIn1),
            2..=3 => Some(ReminderLevel::DueIn3),
            4..=7 => Some(ReminderLevel::DueIn7),
            _ => None,
        }
    }
}

/// A reminder that reports are due (or overdue) for the period: the earliest deadline among
/// the task reports still without a result, and how many those are.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reminder {
    pub period: PeriodId,
    pub deadline: Date,
    /// Negative once the deadline has passed.
    pub days_left: i64,
    pub level: ReminderLevel,
    /// Task reports (one per task and unit) still without a result.
    pub n_pending: usize,
}

impl Reminder {
    /// "Báo cáo Quý IV/2026 đến hạn ngày 14/12/2026 (còn 3 ngày): 12 báo cáo nhiệm vụ chưa có
    /// kết quả." or "… đã quá hạn 2 ngày …".
    pub fn message(&self) -> String {
        let when = match self.days_left {
            ..=-1 => format!("đã quá hạn {} ngày", -self.days_left),
            0 => "hạn là hôm nay".to_string(),
            1 => "còn 1 ngày".to_string(),
            n => format!("còn {n} ngày"),
        };
        format!(
            "Báo cáo {} đến hạn ngày {} ({when}): {} báo cáo nhiệm vụ chưa có kết quả.",
            self.period.label(),
            self.deadline,
            self.n_pending
        )
    }
}

/// The reminder for `report`'s period: when the earliest deadline of a task report without a
/// result yet is 7 days away or less (or past).
pub fn reminder(report: &Report) -> Option<Reminder> {
    let pending: Vec<&TaskReport> = unit_reports(report)
        .filter(|(_, u)| !is_reported(u))
        .map(|(t, _)| t)
        .collect();
    let deadline = pending.iter().map(|t| t.deadline).min()?;
    let days_left = report.today.days_until(deadline);
    let level = ReminderLevel::for_days_left(days_left)?;
    Some(Reminder {
        period: report.period,
        deadline,
        days_left,
        level,
        n_pending: pending.len(),
    })
}

/// Every (task, unit report) pair of the report, in plan order.
pub fn unit_reports(report: &Report) -> impl Iterator<Item = (&TaskReport, &UnitReport)> {
    report
        .indexes
        .iter()
        .flat_map(|i| &i.sections)
        .flat_map(|s| &s.tasks)
        .flat_map(|t| t.units.iter().map(move |u| (t, u)))
}

/// The office's queue: the (task, unit) reports sent, or sent again, and not appraised since,
/// the oldest sending first.
pub fn appraisal_queue(report: &Report) -> Vec<(&TaskReport, &UnitReport)> {
    let mut queue: Vec<_> = unit_reports(report)
        .filter(|(_, u)| u.submission.awaits_appraisal())
        .collect();
    queue.sort_by_key(|(_, u)| u.sent_at.unwrap_or(i64::MAX));
    queue
}

/// One unit's totals for the dashboard.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UnitSummary {
    pub unit: ReportUnit,
    /// Over the tasks the unit reports on (not applicable ones left out).
    pub completion: Completion,
    /// Task reports without a result yet.
    pub n_pending: usize,
    pub n_accepted: usize,
    pub n_returned: usize,
    /// Reports sent (or sent again) and not appraised since.
    #[serde(default)]
    pub n_awaiting: usize,
}

/// Totals per unit, in the order units first appear in the report (the registry's order).
pub fn unit_summaries(report: &Report) -> Vec<UnitSummary> {
    let mut out: Vec<UnitSummary> = Vec::new();
    for (_, unit) in unit_reports(report) {
        let idx = match out.iter().position(|s| s.unit.code == unit.unit_code) {
            Some(idx) => idx,
            None => {
                out.push(UnitSummary {
                    unit: ReportUnit {
                        code: unit.unit_code.clone(),
                        name: unit.unit_name.clone(),
                    },
                    completion: Completion::default(),
                    n_pending: 0,
                    n_accepted: 0,
                    n_returned: 0,
                    n_awaiting: 0,
                });
                out.len() - 1
            }
        };
        let summary = &mut out[idx];
        if unit.status != ReportStatus::NotApplicable {
            summary.completion = summary.completion.plus(Completion {
                n_done: usize::from(unit.status == ReportStatus::Done),
                n_tasks: 1,
                n_overdue: usize::from(unit.status == ReportStatus::Overdue),
            });
        }
        // The same predicates as the task list's filters, so a count opens what it counts.
        let count = |filter: ReportFilter| usize::from(filter.matches(unit));
        summary.n_pending += count(ReportFilter::NoResult);
        summary.n_awaiting += count(ReportFilter::Awaiting);
        summary.n_accepted += count(ReportFilter::Accepted);
        summary.n_returned += count(ReportFilter::Returned);
    }
    out
}

/// One section's totals for the dashboard.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SectionSummary {
    pub index: IndexKind,
    /// "I. CÔNG TÁC CHỈ ĐẠO ĐIỀU HÀNH"; the index's title for tasks outside any section.
    pub heading: String,
    pub depth: usize,
    /// Of the section's own tasks and those of its sub-sections.
    pub completion: Completion,
}

/// Totals per section, depth first, leaving out sections without counted tasks.
pub fn section_summaries(report: &Report) -> Vec<SectionSummary> {
    let mut out = Vec::new();
    for index in &report.indexes {
        for (pos, section) in index.sections.iter().enumerate() {
            // A section's totals include the sub-sections that follow it deeper.
            let completion = index.sections[pos..]
                .iter()
                .enumerate()
                .take_while(|(n, s)| *n == 0 || s.depth > section.depth)
                .flat_map(|(_, s)| &s.tasks)
                .fold(Completion::default(), |sum, t| sum.plus(t.completion()));
            if completion.n_tasks == 0 {
                continue;
            }
            let heading = match section.heading() {
                h if h.is_empty() => index.title.clone(),
                h => h,
            };
            out.push(SectionSummary {
                index: index.index,
                heading,
                depth: section.depth,
                completion,
            });
        }
    }
    out
}

/// Where a unit's report of the period stands, as the unit's summary line counts it and its
/// filters choose: one predicate for both, so a count always matches the list it opens.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReportFilter {
    /// Nothing written yet.
    NotEntered,
    /// Written, not sent to the office.
    NotSent,
    /// Returned by the office, not sent again.
    Returned,
    /// Sent (or sent again), waiting for the office's verdict.
    Awaiting,
    /// Accepted by the office.
    Accepted,
    /// Something written, not accepted yet, and no evidence file attached.
    MissingEvidence,
    /// Two laptops set different statuses offline and nobody has picked one.
    Conflict,
    /// No result written yet, and the task is not marked not applicable (the office's "chưa có
    /// kết quả").
    NoResult,
}

impl ReportFilter {
    /// The unit's summary line, in its order ([`ReportFilter::NoResult`] is the office's).
    pub const ALL: [ReportFilter; 7] = [
        ReportFilter::NotEntered,
        ReportFilter::NotSent,
        ReportFilter::Returned,
        ReportFilter::Awaiting,
        ReportFilter::MissingEvidence,
        ReportFilter::Conflict,
        ReportFilter::Accepted,
    ];

    pub fn matches(self, unit: &UnitReport) -> bool {
        use crate::submission::ReportState as S;
        match self {
            ReportFilter::NotEntered => unit.submission == S::NotEntered,
            ReportFilter::NotSent => unit.submission == S::Entering,
            ReportFilter::Returned => unit.submission == S::Returned,
            ReportFilter::Awaiting => unit.submission.awaits_appraisal(),
            ReportFilter::Accepted => unit.submission == S::Accepted,
            ReportFilter::MissingEvidence => {
                !matches!(unit.submission, S::NotEntered | S::Accepted) && unit.n_evidence == 0
            }
            ReportFilter::Conflict => unit.status_conflict,
            ReportFilter::NoResult => !is_reported(unit),
        }
    }

    /// The words after the count in the summary line: "3 chưa nhập".
    pub fn label(self) -> &'static str {
        match self {
            ReportFilter::NotEntered => "chưa nhập",
            ReportFilter::NotSent => "đang nhập, chưa gửi",
            ReportFilter::Returned => "bị trả lại",
            ReportFilter::Awaiting => "chờ thẩm định",
            ReportFilter::Accepted => "đã chấp nhận",
            ReportFilter::MissingEvidence => "chưa có minh chứng",
            ReportFilter::Conflict => "có xung đột",
            ReportFilter::NoResult => "chưa có kết quả",
        }
    }

    /// A stable id for tests and styles: "not-entered".
    pub fn id(self) -> &'static str {
        match self {
            ReportFilter::NotEntered => "not-entered",
            ReportFilter::NotSent => "not-sent",
            ReportFilter::Returned => "returned",
            ReportFilter::Awaiting => "awaiting",
            ReportFilter::Accepted => "accepted",
            ReportFilter::MissingEvidence => "missing-evidence",
            ReportFilter::Conflict => "conflict",
            ReportFilter::NoResult => "no-result",
        }
    }

    /// How many reports of `report` (of `unit` when given) are in this state.
    pub fn count(self, report: &Report, unit: Option<&str>) -> usize {
        report
            .indexes
            .iter()
            .flat_map(|i| &i.sections)
            .flat_map(|s| &s.tasks)
            .flat_map(|t| &t.units)
            .filter(|u| unit.is_none_or(|code| code == u.unit_code))
            .filter(|u| self.matches(u))
            .count()
    }
}

/// The one state a task row shows for a unit's report, derived from the data: where the
/// report stands between the unit and the office first (returned, sent, accepted), then whether
/// it is late, then whether anything is written. How far the work is goes beside it as the
/// progress bar, and in the badge's tooltip.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowState {
    NotApplicable,
    /// Late, and not sent (nor decided) yet.
    Overdue,
    /// Where the report stands between the unit and the office.
    Report(crate::submission::ReportState),
}

impl RowState {
    pub fn of(unit: &UnitReport) -> RowState {
        use crate::submission::ReportState as S;
        match unit.submission {
            S::NotEntered | S::Entering if unit.status == ReportStatus::NotApplicable => {
                RowState::NotApplicable
            }
            S::NotEntered | S::Entering if unit.status == ReportStatus::Overdue => {
                RowState::Overdue
            }
            state => RowState::Report(state),
        }
    }

    /// "Chấp nhận", "Trả lại", "Đã gửi (sửa sau khi gửi)", "Quá hạn", "Đang nhập, chưa gửi"…
    pub fn label(self) -> &'static str {
        use crate::submission::ReportState as S;
        match self {
            RowState::NotApplicable => "Không áp dụng",
            RowState::Overdue => "Quá hạn",
            RowState::Report(S::Entering) => "Đang nhập, chưa gửi",
            RowState::Report(S::Sent { changed: true }) => "Đã gửi (sửa sau khi gửi)",
            RowState::Report(S::Resent { changed: true }) => "Đã gửi lại (sửa sau khi gửi)",
            RowState::Report(state) => state.label(),
        }
    }

    /// A stable id for styles and tests: "returned".
    pub fn id(self) -> &'static str {
        use crate::submission::ReportState as S;
        match self {
            RowState::NotApplicable => "not-applicable",
            RowState::Overdue => "overdue",
            RowState::Report(S::NotEntered) => "not-entered",
            RowState::Report(S::Entering) => "entering",
            RowState::Report(S::Sent { .. } | S::Resent { .. }) => "sent",
            RowState::Report(S::Returned) => "returned",
            RowState::Report(S::Accepted) => "accepted",
        }
    }
}

/// The filters of the task list.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaskFilter {
    /// Tasks where some unit in view has this status.
    pub status: Option<ReportStatus>,
    pub index: Option<IndexKind>,
    /// Only tasks some unit has not finished after the deadline.
    pub overdue_only: bool,
    /// Only tasks with a report still to write whose deadline is at most this many days away
    /// (and not past).
    pub due_within_days: Option<i64>,
    /// Words of the code, title or content, diacritics ignored.
    pub query: String,
    /// Only tasks where some unit in view has a report in this state (an item of the unit's
    /// summary line, or a count of the dashboard).
    #[serde(default)]
    pub report: Option<ReportFilter>,
    /// Only this unit's reports (a row of the dashboard's units table).
    #[serde(default)]
    pub unit: Option<String>,
}

impl TaskFilter {
    pub fn is_empty(&self) -> bool {
        *self == TaskFilter::default()
    }

    /// Whether `task` of `report` passes every filter.
    pub fn matches(&self, report: &Report, index: IndexKind, task: &TaskReport) -> bool {
        if self.index.is_some_and(|i| i != index) {
            return false;
        }
        let in_view = |u: &&UnitReport| self.unit.as_ref().is_none_or(|code| *code == u.unit_code);
        if !task.units.iter().any(|u| in_view(&u)) {
            return false;
        }
        if let Some(wanted) = self.report {
            if !task.units.iter().filter(in_view).any(|u| wanted.matches(u)) {
                return false;
            }
        }
        if let Some(status) = self.status {
            if !task.units.iter().any(|u| u.status == status) {
                return false;
            }
        }
        if self.overdue_only && !task.units.iter().any(|u| u.status == ReportStatus::Overdue) {
            return false;
        }
        if let Some(days) = self.due_within_days {
            let days_left = report.today.days_until(task.deadline);
            let pending = task.units.iter().any(|u| !is_reported(u));
            if !(pending && (0..=days).contains(&days_left)) {
                return false;
            }
        }
        let query = self.query.trim();
        query.is_empty()
            || matches_query(
                &format!("{} {} {}", task.code, task.title, task.content),
                query,
            )
    }

    /// The sections of `report` with only the tasks that pass, empty sections left out.
    pub fn apply<'r>(&self, report: &'r Report) -> Vec<(IndexKind, FilteredSection<'r>)> {
        let mut out = Vec::new();
        for index in &report.indexes {
            for section in &index.sections {
                let tasks: Vec<&TaskReport> = section
                    .tasks
                    .iter()
                    .filter(|t| self.matches(report, index.index, t))
                    .collect();
                if !tasks.is_empty() {
                    out.push((index.index, FilteredSection { section, tasks }));
                }
            }
        }
        out
    }
}

/// A section with the tasks that passed a filter.
#[derive(Debug, Clone, PartialEq)]
pub struct FilteredSection<'r> {
    pub section: &'r SectionReport,
    pub tasks: Vec<&'r TaskReport>,
}

/// One numeric target of one task with one unit's actual for the period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IndicatorRow {
    pub index: IndexKind,
    pub task_id: TaskId,
    pub task_code: String,
    pub task_title: String,
    pub unit: ReportUnit,
    pub actual: ActualReport,
}

/// Every target of every task with each reporting unit's actual, in plan order.
pub fn indicators(report: &Report) -> Vec<IndicatorRow> {
    let mut out = Vec::new();
    for index in &report.indexes {
        for task in index.sections.iter().flat_map(|s| &s.tasks) {
            for unit in &task.units {
                for actual in &unit.actuals {
                    out.push(IndicatorRow {
                        index: index.index,
                        task_id: task.task_id.clone(),
                        task_code: task.code.clone(),
                        task_title: task.title.clone(),
                        unit: ReportUnit {
                            code: unit.unit_code.clone(),
                            name: unit.unit_name.clone(),
                        },
                        actual: actual.clone(),
                    });
                }
            }
        }
    }
    out
}

/// How many indicator rows are met, not met, and without an actual yet.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct IndicatorTotals {
    pub n_met: usize,
    pub n_not_met: usize,
    pub n_missing: usize,
}

pub fn indicator_totals(rows: &[IndicatorRow]) -> IndicatorTotals {
    let mut totals = IndicatorTotals::default();
    for row in rows {
        match (row.actual.actual, row.actual.met) {
            (None, _) => totals.n_missing += 1,
            (Some(_), Some(true)) => totals.n_met += 1,
            (Some(_), Some(false)) => totals.n_not_met += 1,
            (Some(_), None) => {}
        }
    }
    totals
}

#[cfg(test)]
mod tests;
