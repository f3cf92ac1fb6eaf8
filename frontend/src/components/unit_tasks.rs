//! "Nhiệm vụ của đơn vị": the tasks the unit reports on (every unit's for the office), grouped
//! by index and section, each with its status, progress, whether the period's result is written,
//! the office's verdict and the period's deadline; filters and the header's search narrow it.

use std::rc::Rc;

use shared::calendar::PeriodId;
use shared::overview::{is_reported, reminder, Overview, TaskFilter};
use shared::plan::TaskId;
use shared::report::{Report, TaskReport, UnitReport};
use yew::prelude::*;

use crate::components::{PeriodPicker, ReminderBanner, TaskFilters, UnreadableBanner};
use crate::overview_labels::{deadline_text, status_class, submission_class};
use crate::overview_state::OverviewAction;
use crate::state::RecordFocus;

#[derive(Clone, PartialEq, Properties)]
pub struct UnitTasksProps {
    pub overview: Rc<Overview>,
    /// The filters, with the header's search words.
    pub filter: TaskFilter,
    pub selected: Option<TaskId>,
    pub on_open: Callback<(TaskId, RecordFocus)>,
    pub on_filter: Callback<OverviewAction>,
    pub on_period: Callback<PeriodId>,
}

/// One unit's line in a task row: status, progress, result written, where the report stands
/// (sent, returned, accepted…).
fn unit_line(unit: &UnitReport, office: bool) -> Html {
    let reported = is_reported(unit);
    html! {
        <span class="unit-line" data-unit={unit.unit_code.clone()}>
            if office {
                <span class="unit-code" title={unit.unit_name.clone()}>{ &unit.unit_code }</span>
            }
            <span class={classes!("status-badge", status_class(unit.status))}>{ unit.status.label() }</span>
            if let Some(progress) = unit.progress {
                <span class="progress" title="Tiến độ">
                    <span class="progress-bar"><span class="progress-fill" style={format!("width: {progress}%")}></span></span>
                    <span class="progress-text">{ format!("{progress}%") }</span>
                </span>
            }
            <span class={classes!("report-state", if reported { "reported" } else { "missing" })}>
                { if reported { "Đã có kết quả" } else { "Chưa có kết quả" } }
            </span>
            <span class={classes!("submission-state", submission_class(unit.submission))}>{ unit.submission.label() }</span>

        </span>
    }
}

fn task_row(report: &Report, task: &TaskReport, props: &UnitTasksProps) -> Html {
    let office = props.overview.all_units;
    let focus = RecordFocus {
        unit: task.units.first().map(|u| u.unit_code.clone()),
        period: Some(report.period),
    };
    let id = task.task_id.clone();
    let onclick = props
        .on_open
        .reform(move |_: MouseEvent| (id.clone(), focus.clone()));
    let selected = props.selected.as_ref() == Some(&task.task_id);
    let overdue = task
        .units
        .iter()
        .any(|u| u.status == shared::report::ReportStatus::Overdue);
    html! {
        <li key={task.task_id.0.clone()}>
            <button
                type="button"
                class={classes!("unit-task", selected.then_some("selected"), overdue.then_some("overdue"))}
                data-task-id={task.task_id.0.clone()}
                {onclick}
            >
                <span class="task-code">{ &task.code }</span>
                <span class="unit-task-main">
                    <span class="task-title">{ &task.title }</span>
                    <span class="unit-lines">
                        { for task.units.iter().map(|u| unit_line(u, office)) }
                    </span>
                </span>
                <span class="unit-task-deadline">{ deadline_text(report.today, task.deadline) }</span>
            </button>
        </li>
    }
}

#[function_component]
pub fn UnitTasks(props: &UnitTasksProps) -> Html {
    let overview = &props.overview;
    let report = &overview.report;
    let sections = props.filter.apply(report);
    let n_shown: usize = sections.iter().map(|(_, s)| s.tasks.len()).sum();
    let n_total: usize = report
        .indexes
        .iter()
        .flat_map(|i| &i.sections)
        .map(|s| s.tasks.len())
        .sum();
    let title = match (&report.unit, overview.all_units) {
        (_, true) => "Nhiệm vụ các đơn vị".to_string(),
        (Some(unit), false) => format!("Nhiệm vụ của đơn vị — {}", unit.name),
        (None, false) => "Nhiệm vụ của đơn vị".to_string(),
    };
    let summary = if n_shown == n_total {
        format!(
            "{n_total} nhiệm vụ · hoàn thành {}/{} ({}%)",
            report.completion.n_done,
            report.completion.n_tasks,
            crate::overview_labels::percent(report.completion)
        )
    } else {
        format!("{n_shown}/{n_total} nhiệm vụ khớp bộ lọc")
    };
    let indexes = report.indexes.iter().map(|i| i.index).collect::<Vec<_>>();
    let mut last_index = None;
    html! {
        <main id="unit-tasks" class="overview-main">
            <div class="list-header">
                <h1 class="scope-title">{ title }</h1>
                <span class="list-summary" id="unit-tasks-summary">{ summary }</span>
                <PeriodPicker periods={overview.periods.clone()} current={report.period} on_select={props.on_period.clone()} />
            </div>
            <UnreadableBanner notices={report.read_notices()} />
            <ReminderBanner reminder={reminder(report)} />
            <TaskFilters filter={props.filter.clone()} indexes={indexes} on_change={props.on_filter.clone()} />
            if sections.is_empty() {
                <div class="empty"><p>{ "Không có nhiệm vụ nào khớp với bộ lọc." }</p></div>
            }
            { for sections.iter().map(|(index, filtered)| {
                let index_heading = (last_index != Some(*index)).then(|| {
                    last_index = Some(*index);
                    html! { <h2 class="index-heading">{ format!("Chỉ số {}", index.label()) }</h2> }
                });
                let heading = filtered.section.heading();
                html! {
                    <>
                        { for index_heading }
                        <section class="task-group" data-index={index.code()}>
                            if !heading.is_empty() {
                                <h3 class={classes!("group-heading", (filtered.section.depth > 0).then_some("nested"))}>{ heading }</h3>
                            }
                            <ul class="task-rows">
                                { for filtered.tasks.iter().map(|t| task_row(report, t, props)) }
                            </ul>
                        </section>
                    </>
                }
            }) }
        </main>
    }
}
