//! The task list's filters: status, where the reports stand, index, due within N days, overdue
//! only, and the unit a dashboard count chose.

use shared::overview::{ReportFilter, TaskFilter};
use shared::plan::IndexKind;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use super::overview_labels::{parse_status, status_value, STATUSES};
use super::overview_state::OverviewAction;

#[derive(Clone, PartialEq, Properties)]
pub struct TaskFiltersProps {
    pub filter: TaskFilter,
    /// The indexes the plan has.
    pub indexes: Vec<IndexKind>,
    pub on_change: Callback<OverviewAction>,
    /// The name of the unit [`TaskFilter::unit`] names.
    pub unit_name: Option<String>,
}

/// The "due within" choices, in days.
const DUE_WITHIN: [i64; 5] = [1, 3, 7, 14, 30];

fn select_value(event: &Event) -> String {
    let select: HtmlSelectElement = event.target_unchecked_into();
    select.value()
}

/// "chưa nhập" → "Chưa nhập".
fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|first| first.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

#[function_component]
pub fn TaskFilters(props: &TaskFiltersProps) -> Html {
    let filter = &props.filter;
    let on_status = props
        .on_change
        .reform(|e: Event| OverviewAction::FilterStatus(parse_status(&select_value(&e))));
    let on_index = props.on_change.reform(|e: Event| {
        let value = select_value(&e);
        OverviewAction::FilterIndex(IndexKind::ALL.into_iter().find(|i| i.code() == value))
    });
    let on_overdue = props.on_change.reform(|e: Event| {
        let input: HtmlInputElement = e.target_unchecked_into();
        OverviewAction::FilterOverdue(input.checked())
    });
    let on_due = props
        .on_change
        .reform(|e: Event| OverviewAction::FilterDueWithin(select_value(&e).parse().ok()));
    let on_report = props.on_change.reform(|e: Event| {
        let value = select_value(&e);
        OverviewAction::FilterReport(ReportFilter::ALL.into_iter().find(|f| f.id() == value))
    });
    let on_all_units = props
        .on_change
        .reform(|_: MouseEvent| OverviewAction::FilterUnit(None));
    let on_clear = props
        .on_change
        .reform(|_: MouseEvent| OverviewAction::ClearFilters);
    let active = !TaskFilter {
        query: String::new(),
        ..filter.clone()
    }
    .is_empty();
    html! {
        <div id="task-filters" class="task-filters">
            <label>
                <span>{ "Trạng thái" }</span>
                <select id="filter-status" onchange={on_status}>
                    <option value="" selected={filter.status.is_none()}>{ "Tất cả" }</option>
                    { for STATUSES.iter().map(|s| html! {
                        <option value={status_value(*s)} selected={filter.status == Some(*s)}>{ s.label() }</option>
                    }) }
                </select>
            </label>
            <label>
                <span>{ "Báo cáo" }</span>
                <select id="filter-report" onchange={on_report}>
                    <option value="" selected={filter.report.is_none()}>{ "Tất cả" }</option>
                    { for ReportFilter::ALL.iter().chain(filter.report.iter().filter(|f| !ReportFilter::ALL.contains(f))).map(|f| html! {
                        <option value={f.id()} selected={filter.report == Some(*f)}>{ capitalised(f.label()) }</option>
                    }) }
                </select>
            </label>
            <label>
                <span>{ "Chỉ số" }</span>
                <select id="filter-index" onchange={on_index}>
                    <option value="" selected={filter.index.is_none()}>{ "Tất cả" }</option>
                    { for props.indexes.iter().map(|i| html! {
                        <option value={i.code()} selected={filter.index == Some(*i)}>{ i.label() }</option>
                    }) }
                </select>
            </label>
            <label>
                <span>{ "Đến hạn trong" }</span>
                <select id="filter-due" onchange={on_due}>
                    <option value="" selected={filter.due_within_days.is_none()}>{ "Bất kỳ" }</option>
                    { for DUE_WITHIN.iter().map(|d| html! {
                        <option value={d.to_string()} selected={filter.due_within_days == Some(*d)}>{ format!("{d} ngày") }</option>
                    }) }
                </select>
            </label>
            <label class="check">
                <input id="filter-overdue" type="checkbox" checked={filter.overdue_only} onchange={on_overdue} />
                <span>{ "Chỉ nhiệm vụ quá hạn" }</span>
            </label>
            if let Some(unit) = &filter.unit {
                <span id="filter-unit" class="filter-chip">
                    { format!("Đơn vị: {}", props.unit_name.clone().unwrap_or_else(|| unit.clone())) }
                    <button type="button" class="link" title="Mọi đơn vị" aria-label="Bỏ lọc theo đơn vị" onclick={on_all_units}>{ "✕" }</button>
                </span>
            }
            if active {
                <button type="button" class="link" id="filter-clear" onclick={on_clear}>{ "Bỏ lọc" }</button>
            }
        </div>
    }
}
