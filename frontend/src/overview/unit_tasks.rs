//! "Nhiệm vụ của đơn vị": the tasks the unit reports on (every unit's for the office), grouped
//! by index and section, each with its status, progress, where the period's report stands
//! (Chưa nhập … Chấp nhận) and the period's deadline; filters and the header's search narrow it.
//! For the unit's own staff it leads with what is left: a summary of the period's reports, the
//! returned ones pinned with the office's comment, and "send all ready reports".

use std::rc::Rc;

use shared::calendar::PeriodId;
use shared::overview::{reminder, Overview, ReportFilter, RowState, TaskFilter};
use shared::plan::TaskId;
use shared::report::{Report, TaskReport, UnitReport};
use yew::prelude::*;

use super::overview_labels::deadline_text;
use super::overview_state::OverviewAction;
use super::reminder_banner::ReminderBanner;
use super::task_filters::TaskFilters;
use super::unreadable_banner::UnreadableBanner;
use crate::app::RecordFocus;
use crate::backend::{BackendError, BackendHandle, ReportState, SentReports};
use crate::session::SessionContext;
use crate::ui::error_label;
use crate::ui::PeriodPicker;

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
    let state = RowState::of(unit);
    html! {
        <span class="unit-line" data-unit={unit.unit_code.clone()}>
            if office {
                <span class="unit-code">{ &unit.unit_name }</span>
            }
            <span class={classes!("row-state", format!("row-{}", state.id()))}
                title={format!("Tình hình thực hiện: {}", unit.status.label())}>{ state.label() }</span>
            if let Some(progress) = unit.progress {
                <span class="progress" title="Tiến độ">
                    <span class="progress-bar"><span class="progress-fill" style={format!("width: {progress}%")}></span></span>
                    <span class="progress-text">{ format!("{progress}%") }</span>
                </span>
            }
            { evidence_note(unit) }

        </span>
    }
}

/// The evidence files of the report: "2 tệp minh chứng", or "Chưa có minh chứng" for a report
/// written without one; nothing for a report not started.
fn evidence_note(unit: &UnitReport) -> Html {
    if ReportFilter::MissingEvidence.matches(unit) {
        html! { <span class="evidence-count missing">{ "Chưa có minh chứng" }</span> }
    } else if unit.n_evidence > 0 {
        html! { <span class="evidence-count">{ format!("{} tệp minh chứng", unit.n_evidence) }</span> }
    } else {
        html! {}
    }
}

fn task_row(report: &Report, task: &TaskReport, props: &UnitTasksProps) -> Html {
    let office = props.overview.all_units;
    // With a unit chosen (a dashboard count), only that unit's line, and its record opens.
    let units: Vec<&UnitReport> = task
        .units
        .iter()
        .filter(|u| {
            props
                .filter
                .unit
                .as_ref()
                .is_none_or(|code| *code == u.unit_code)
        })
        .collect();
    let focus = RecordFocus {
        unit: units.first().map(|u| u.unit_code.clone()),
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
                        { for units.iter().map(|u| unit_line(u, office)) }
                    </span>
                </span>
                <span class="unit-task-deadline">{ deadline_text(report.today, task.deadline) }</span>
            </button>
        </li>
    }
}

/// Where the unit's reports of the period stand, for its own staff: "còn N ngày · 12 chưa nhập ·
/// 3 đang nhập · 2 bị trả lại · 5 chờ thẩm định · 1 đã chấp nhận"; the returned reports pinned
/// with the office's comment; "send all ready reports".
fn unit_work(
    report: &Report,
    props: &UnitTasksProps,
    backend: Option<BackendHandle>,
    sending: &UseStateHandle<SendAll>,
    can_send_all: bool,
) -> Html {
    let returned: Vec<(&TaskReport, &UnitReport)> = report
        .indexes
        .iter()
        .flat_map(|i| &i.sections)
        .flat_map(|s| &s.tasks)
        .flat_map(|t| t.units.iter().map(move |u| (t, u)))
        .filter(|(_, u)| u.submission == ReportState::Returned)
        .collect();
    let count = |f: ReportFilter| f.count(report, None);
    let n_ready = count(ReportFilter::NotSent) + count(ReportFilter::Returned);
    let chosen = props.filter.report;
    let counts = ReportFilter::ALL.into_iter().filter_map(|f| {
        let n = count(f);
        (n > 0 || chosen == Some(f)).then(|| {
            let pressed = chosen == Some(f);
            let onclick = props
                .on_filter
                .reform(move |_: MouseEvent| OverviewAction::FilterReport((!pressed).then_some(f)));
            html! {
                <button type="button" id={format!("summary-{}", f.id())}
                    class={classes!("summary-count", pressed.then_some("active"))}
                    aria-pressed={pressed.to_string()}
                    title={if pressed { "Bỏ lọc" } else { "Chỉ hiện những báo cáo này" }}
                    {onclick}>
                    { format!("{n} {}", f.label()) }
                </button>
            }
        })
    });
    let on_send_all = {
        let sending = sending.clone();
        let period = report.period;
        Callback::from(move |_: MouseEvent| {
            let Some(backend) = backend.clone() else {
                return;
            };
            sending.set(SendAll::Sending);
            let sending = sending.clone();
            yew::platform::spawn_local(async move {
                sending.set(match backend.backend().send_ready_reports(period).await {
                    Ok(done) => SendAll::Done(done),
                    Err(err) => SendAll::Failed(err),
                });
            });
        })
    };
    let outcome = match &**sending {
        SendAll::Idle | SendAll::Sending => None,
        SendAll::Done(done) => Some(match (done.n_sent, done.n_incomplete) {
            (0, 0) => "Không có báo cáo mới nào cần gửi.".to_string(),
            (n, 0) => format!("Đã gửi {n} báo cáo (sẽ đến Văn phòng khi có mạng)."),
            (n, m) => format!("Đã gửi {n} báo cáo; {m} báo cáo còn thiếu kết quả hoặc số liệu."),
        }),
        SendAll::Failed(err) => Some(error_label(err)),
    };
    html! {
        <section id="unit-work" class="unit-work">
            <p id="unit-work-summary" class="unit-work-summary">
                <span class="summary-deadline">{ format!("Hạn {}", deadline_text(report.today, report.deadline)) }</span>
                { for counts }
            </p>
            if can_send_all {
                <button id="send-ready" class="primary" type="button"
                    disabled={**sending == SendAll::Sending || n_ready == 0 && count(ReportFilter::Awaiting) == 0}
                    onclick={on_send_all}>
                    { if **sending == SendAll::Sending { "Đang gửi…" } else { "Gửi tất cả báo cáo đã đủ" } }
                </button>
            }
            if let Some(outcome) = outcome {
                <span id="send-ready-outcome" class="record-sent-note" role="status">{ outcome }</span>
            }
            if !returned.is_empty() {
                <ul id="returned-reports" class="returned-reports">
                    { for returned.iter().map(|(task, unit)| {
                        let open = (task.task_id.clone(), RecordFocus { unit: Some(unit.unit_code.clone()), period: Some(report.period) });
                        let onclick = props.on_open.reform(move |_: MouseEvent| open.clone());
                        html! {
                            <li class="returned-banner clickable" data-task-id={task.task_id.0.clone()} {onclick}>
                                <strong>{ format!("Trả lại — {} {}: ", task.code, task.title) }</strong>
                                <span class="returned-comment">{ &unit.review.comment }</span>
                            </li>
                        }
                    }) }
                </ul>
            }
        </section>
    }
}

/// Where "send all ready reports" stands.
#[derive(Debug, Clone, PartialEq)]
enum SendAll {
    Idle,
    Sending,
    Done(SentReports),
    Failed(BackendError),
}

#[function_component]
pub fn UnitTasks(props: &UnitTasksProps) -> Html {
    let sending = use_state(|| SendAll::Idle);
    let session = use_context::<SessionContext>().unwrap_or_default();
    let backend = use_context::<BackendHandle>();
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
            super::overview_labels::percent(report.completion)
        )
    } else {
        format!("{n_shown}/{n_total} nhiệm vụ khớp bộ lọc")
    };
    let indexes = report.indexes.iter().map(|i| i.index).collect::<Vec<_>>();
    let unit_name = props.filter.unit.as_ref().and_then(|code| {
        shared::overview::unit_reports(report)
            .find(|(_, u)| u.unit_code == *code)
            .map(|(_, u)| u.unit_name.clone())
    });
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
            if !overview.all_units {
                { unit_work(report, props, backend, &sending, session.can_send_all()) }
            }
            <TaskFilters filter={props.filter.clone()} indexes={indexes} on_change={props.on_filter.clone()} unit_name={unit_name} />
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
