//! "Tổng quan": the office's dashboard of every unit for a period: completion per index, per
//! unit and per section (SVG charts and tables), overdue tasks and reports still missing, each
//! opening the unit's record of the task. Units whose data could not be read are named in a
//! banner at the top and listed as such in the table of units.

use std::rc::Rc;

use shared::calendar::PeriodId;
use shared::overview::{
    is_reported, reminder, section_summaries, unit_reports, unit_summaries, Overview, ReportFilter,
    TaskFilter,
};
use shared::plan::TaskId;
use shared::report::{Completion, ReportStatus, TaskReport, UnitReport, UnreadableRole};
use yew::prelude::*;

use super::completion_bars::Bar;
use super::completion_bars::CompletionBars;
use super::overview_labels::{deadline_text, percent, status_class};
use super::reminder_banner::ReminderBanner;
use super::unreadable_banner::UnreadableBanner;
use crate::app::RecordFocus;
use crate::ui::PeriodPicker;

#[derive(Clone, PartialEq, Properties)]
pub struct DashboardProps {
    pub overview: Rc<Overview>,
    pub on_open: Callback<(TaskId, RecordFocus)>,
    /// A count was clicked: the task list with the filter that shows what it counts.
    pub on_show_tasks: Callback<TaskFilter>,
    pub on_period: Callback<PeriodId>,
}

/// At most this many rows in the overdue and missing lists.
const MAX_ROWS: usize = 200;

/// A summary card; clicking it opens what it counts.
fn card(
    id: &'static str,
    label: &str,
    value: String,
    class: &'static str,
    onclick: Callback<MouseEvent>,
) -> Html {
    html! {
        <button type="button" id={id} class={classes!("card", "clickable", class)} title="Xem danh sách" {onclick}>
            <span class="card-value">{ value }</span>
            <span class="card-label">{ label }</span>
        </button>
    }
}

/// The task list filtered as `filter` says, opened by a click.
fn show(on_show_tasks: &Callback<TaskFilter>, filter: TaskFilter) -> Callback<MouseEvent> {
    on_show_tasks.reform(move |_: MouseEvent| filter.clone())
}

/// A unit's count of reports in `filter`'s state: a zero in grey, so what needs attention
/// stands out; any other number opens those reports.
fn count_cell(
    n: usize,
    unit: &str,
    filter: ReportFilter,
    on_show_tasks: &Callback<TaskFilter>,
) -> Html {
    if n == 0 {
        return html! { <td class="num zero">{ n }</td> };
    }
    let onclick = show(
        on_show_tasks,
        TaskFilter {
            report: Some(filter),
            unit: Some(unit.to_string()),
            ..TaskFilter::default()
        },
    );
    html! {
        <td class="num">
            <button type="button" class="count-link" data-filter={filter.id()} {onclick}>{ n }</button>
        </td>
    }
}

fn completion_cell(c: Completion) -> Html {
    html! { <td class="num">{ format!("{}/{} ({}%)", c.n_done, c.n_tasks, percent(c)) }</td> }
}

/// A table of (task, unit) pairs that open the unit's record.
fn pairs_table(
    id: &'static str,
    pairs: &[(&TaskReport, &UnitReport)],
    period: PeriodId,
    on_open: &Callback<(TaskId, RecordFocus)>,
) -> Html {
    if pairs.is_empty() {
        return html! { <p class="hint" id={id}>{ "Không có." }</p> };
    }
    html! {
        <table class="data-table" id={id}>
            <thead><tr><th>{ "Mã" }</th><th>{ "Nhiệm vụ" }</th><th>{ "Đơn vị" }</th><th>{ "Trạng thái" }</th></tr></thead>
            <tbody>
                { for pairs.iter().take(MAX_ROWS).map(|(task, unit)| {
                    let open = (task.task_id.clone(), RecordFocus { unit: Some(unit.unit_code.clone()), period: Some(period) });
                    let onclick = on_open.reform(move |_: MouseEvent| open.clone());
                    html! {
                        <tr class="clickable" data-task-id={task.task_id.0.clone()} data-unit={unit.unit_code.clone()} {onclick}>
                            <td>{ &task.code }</td>
                            <td class="wrap">{ &task.title }</td>
                            <td class="wrap">{ &unit.unit_name }</td>
                            <td><span class={classes!("status-badge", status_class(unit.status))}>{ unit.status.label() }</span></td>
                        </tr>
                    }
                }) }
            </tbody>
        </table>
    }
}

#[function_component]
pub fn Dashboard(props: &DashboardProps) -> Html {
    let overview = &props.overview;
    let report = &overview.report;
    let units = unit_summaries(report);
    let sections = section_summaries(report);
    let pairs: Vec<(&TaskReport, &UnitReport)> = unit_reports(report).collect();
    let overdue: Vec<_> = pairs
        .iter()
        .copied()
        .filter(|(_, u)| u.status == ReportStatus::Overdue)
        .collect();
    let missing: Vec<_> = pairs
        .iter()
        .copied()
        .filter(|(_, u)| !is_reported(u))
        .collect();
    let awaiting = shared::overview::appraisal_queue(report);
    // The units table leads with the units that are late, then those with most missing.
    let mut units_by_need: Vec<_> = units.iter().collect();
    units_by_need.sort_by_key(|u| std::cmp::Reverse((u.completion.n_overdue, u.n_pending)));
    let n_accepted: usize = units.iter().map(|u| u.n_accepted).sum();
    let n_returned: usize = units.iter().map(|u| u.n_returned).sum();
    let index_bars: Vec<Bar> = report
        .indexes
        .iter()
        .map(|i| Bar {
            label: i.index.label().to_string(),
            title: i.title.clone(),
            completion: i.completion,
        })
        .collect();
    let unit_bars: Vec<Bar> = units
        .iter()
        .map(|u| Bar {
            label: u.unit.name.clone(),
            title: u.unit.name.clone(),
            completion: u.completion,
        })
        .collect();
    html! {
        <main id="dashboard" class="overview-main">
            <div class="list-header">
                <h1 class="scope-title">{ format!("Tổng quan — {}", report.period.label()) }</h1>
                <span class="list-summary">{ format!("Hạn báo cáo {}", deadline_text(report.today, report.deadline)) }</span>
                <PeriodPicker periods={overview.periods.clone()} current={report.period} on_select={props.on_period.clone()} />
            </div>
            <UnreadableBanner notices={report.read_notices()} />
            <ReminderBanner reminder={reminder(report)} />
            <div class="cards">
                <a id="card-awaiting" class="card clickable awaiting" href="#queue" title="Xem danh sách chờ thẩm định">
                    <span class="card-value">{ awaiting.len() }</span>
                    <span class="card-label">{ "báo cáo chờ thẩm định" }</span>
                </a>
                { card("card-completion", "nhiệm vụ hoàn thành", format!("{}/{} ({}%)", report.completion.n_done, report.completion.n_tasks, percent(report.completion)), "completion",
                    show(&props.on_show_tasks, TaskFilter { status: Some(ReportStatus::Done), ..TaskFilter::default() })) }
                { card("card-overdue", "nhiệm vụ quá hạn", report.completion.n_overdue.to_string(), "overdue",
                    show(&props.on_show_tasks, TaskFilter { overdue_only: true, ..TaskFilter::default() })) }
                { card("card-missing", "báo cáo chưa có kết quả", missing.len().to_string(), "missing",
                    show(&props.on_show_tasks, TaskFilter { report: Some(ReportFilter::NoResult), ..TaskFilter::default() })) }
                { card("card-accepted", "báo cáo đã chấp nhận", n_accepted.to_string(), "accepted",
                    show(&props.on_show_tasks, TaskFilter { report: Some(ReportFilter::Accepted), ..TaskFilter::default() })) }
                { card("card-returned", "báo cáo trả lại, chưa gửi lại", n_returned.to_string(), "returned",
                    show(&props.on_show_tasks, TaskFilter { report: Some(ReportFilter::Returned), ..TaskFilter::default() })) }
            </div>
            <div class="charts">
                <section class="chart-panel">
                    <h2>{ "Hoàn thành theo chỉ số" }</h2>
                    <CompletionBars id="chart-indexes" caption="Tỷ lệ nhiệm vụ hoàn thành theo chỉ số" bars={index_bars} />
                </section>
                <section class="chart-panel">
                    <h2>{ "Hoàn thành theo đơn vị" }</h2>
                    <CompletionBars id="chart-units" caption="Tỷ lệ nhiệm vụ hoàn thành theo đơn vị" bars={unit_bars} />
                </section>
            </div>
            <section class="panel" id="queue">
                <h2>{ format!("Chờ thẩm định ({}) — gửi sớm nhất trước", awaiting.len()) }</h2>
                if awaiting.is_empty() {
                    <p class="hint">{ "Không có báo cáo nào đang chờ thẩm định." }</p>
                } else {
                    { pairs_table("table-awaiting", &awaiting, report.period, &props.on_open) }
                }
            </section>
            <section class="panel">
                <h2>{ "Theo đơn vị" }</h2>
                <table class="data-table" id="table-units">
                    <thead><tr>
                        <th>{ "Đơn vị" }</th><th>{ "Hoàn thành" }</th><th>{ "Quá hạn" }</th>
                        <th>{ "Chưa có kết quả" }</th><th>{ "Chờ thẩm định" }</th><th>{ "Chấp nhận" }</th><th>{ "Trả lại" }</th>
                    </tr></thead>
                    <tbody>
                        { for units_by_need.iter().map(|u| {
                            let code = u.unit.code.as_str();
                            let on_unit = show(&props.on_show_tasks, TaskFilter { unit: Some(code.to_string()), ..TaskFilter::default() });
                            let overdue = if u.completion.n_overdue == 0 {
                                html! { <td class="num zero">{ 0 }</td> }
                            } else {
                                let onclick = show(&props.on_show_tasks, TaskFilter { unit: Some(code.to_string()), overdue_only: true, ..TaskFilter::default() });
                                html! { <td class="num"><button type="button" class="count-link" data-filter="overdue" {onclick}>{ u.completion.n_overdue }</button></td> }
                            };
                            html! {
                                <tr data-unit={code.to_string()}>
                                    <td><button type="button" class="count-link unit-link" onclick={on_unit}>{ &u.unit.name }</button></td>
                                    { completion_cell(u.completion) }
                                    { overdue }
                                    { count_cell(u.n_pending, code, ReportFilter::NoResult, &props.on_show_tasks) }
                                    { count_cell(u.n_awaiting, code, ReportFilter::Awaiting, &props.on_show_tasks) }
                                    { count_cell(u.n_accepted, code, ReportFilter::Accepted, &props.on_show_tasks) }
                                    { count_cell(u.n_returned, code, ReportFilter::Returned, &props.on_show_tasks) }
                                </tr>
                            }
                        }) }
                        { for report.unreadable.iter().filter(|d| d.role == UnreadableRole::Records).map(|d| html! {
                            <tr class="unreadable" data-unit={d.unit.code.clone()}>
                                <td title={d.unit.code.clone()}>{ &d.unit.name }</td>
                                <td colspan="6">{ "Không đọc được dữ liệu (xem thông báo ở đầu trang)" }</td>
                            </tr>
                        }) }
                    </tbody>
                </table>
            </section>
            <section class="panel">
                <h2>{ "Theo mục" }</h2>
                <table class="data-table" id="table-sections">
                    <thead><tr><th>{ "Chỉ số" }</th><th>{ "Mục" }</th><th>{ "Hoàn thành" }</th><th>{ "Quá hạn" }</th></tr></thead>
                    <tbody>
                        { for sections.iter().map(|s| html! {
                            <tr class={classes!((s.depth > 0).then_some("nested"))}>
                                <td>{ s.index.label() }</td>
                                <td class="wrap" style={format!("padding-left: {}px", 8 + 16 * s.depth)}>{ &s.heading }</td>
                                { completion_cell(s.completion) }
                                <td class="num">{ s.completion.n_overdue }</td>
                            </tr>
                        }) }
                    </tbody>
                </table>
            </section>
            <section class="panel">
                <h2>{ format!("Nhiệm vụ quá hạn ({})", overdue.len()) }</h2>
                { pairs_table("table-overdue", &overdue, report.period, &props.on_open) }
            </section>
            <section class="panel">
                <h2>{ format!("Báo cáo chưa có kết quả — hạn {} ({})", report.deadline, missing.len()) }</h2>
                { pairs_table("table-missing", &missing, report.period, &props.on_open) }
            </section>
        </main>
    }
}
