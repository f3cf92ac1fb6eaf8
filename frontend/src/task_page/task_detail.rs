//! The task page: everything the plan says about the selected task (read-only), and under it the
//! unit's own record ([`TaskRecord`]).

use std::rc::Rc;

use shared::{Plan, TaskId};
use yew::prelude::*;

use super::task_record::TaskRecord;
use crate::app::{QueueEntry, RecordFocus};
use crate::plan::{find_task, section_heading};
use crate::session::SessionContext;
use crate::ui::{schedule_label, target_label};

#[derive(Clone, PartialEq, Properties)]
pub struct TaskDetailProps {
    pub plan: Rc<Plan>,
    pub selected: Option<TaskId>,
    pub on_close: Callback<()>,
    /// The unit and period the record opens on.
    #[prop_or_default]
    pub focus: Option<RecordFocus>,
    /// Present for plan editors: opens the task's edit form.
    #[prop_or_default]
    pub on_edit: Option<Callback<TaskId>>,
    /// The office's queue (reviewers): after a verdict the page offers the next report.
    #[prop_or_default]
    pub queue: Vec<QueueEntry>,
    /// Opens a task on a unit and period (the next report to appraise).
    #[prop_or_default]
    pub on_open: Option<Callback<(TaskId, RecordFocus)>>,
}

/// One labelled field; an empty value shows a dash so every task has the same outline.
fn field(label: &str, class: &'static str, value: Html) -> Html {
    html! {
        <div class={classes!("field", class)}>
            <dt>{ label }</dt>
            <dd>{ value }</dd>
        </div>
    }
}

fn text_or_dash(text: &str) -> Html {
    if text.trim().is_empty() {
        html! { <span class="none">{ "—" }</span> }
    } else {
        html! { <span class="text">{ text }</span> }
    }
}

/// The text, or a dash when it is empty.
fn text_or(text: &str) -> String {
    if text.trim().is_empty() {
        "—".to_string()
    } else {
        text.trim().to_string()
    }
}

/// Unit names as chips; falls back to the cell as printed when no name was recognised.
fn units(names: &[String], printed: &str) -> Html {
    if names.is_empty() {
        return text_or_dash(printed);
    }
    html! {
        <ul class="chips">
            { for names.iter().map(|name| html! { <li class="chip">{ name }</li> }) }
        </ul>
    }
}

#[function_component]
pub fn TaskDetail(props: &TaskDetailProps) -> Html {
    let session = use_context::<SessionContext>().unwrap_or_default();
    // Another task opens at its top, whatever was scrolled before.
    let aside = use_node_ref();
    {
        let aside = aside.clone();
        use_effect_with(props.selected.clone(), move |_| {
            if let Some(element) = aside.cast::<web_sys::Element>() {
                element.set_scroll_top(0);
            }
        });
    }
    let place = props
        .selected
        .as_ref()
        .and_then(|id| find_task(&props.plan, id));
    let Some(place) = place else {
        return html! {
            <aside id="task-detail" class="empty">
                <p class="hint">{ "Chọn một nhiệm vụ trong danh sách để xem chi tiết." }</p>
            </aside>
        };
    };
    let task = place.task;
    let (timeframe, inherited) = place.timeframe();
    let on_close = props.on_close.reform(|_: MouseEvent| ());

    let breadcrumb: Vec<String> =
        std::iter::once(format!("Chỉ số {}", place.appendix.index.label()))
            .chain(place.sections.iter().map(|s| section_heading(s)))
            .collect();

    let time = html! {
        <>
            { text_or_dash(&timeframe.text) }
            if !timeframe.text.is_empty() {
                <span class={classes!("badge", (!timeframe.is_recognised()).then_some("warn"))}>
                    { schedule_label(&timeframe.schedule) }
                </span>
            }
            if inherited {
                <span class="note">{ "(theo thời gian ghi ở đầu mục)" }</span>
            }
        </>
    };
    let products = if task.products.is_empty() {
        text_or_dash(&task.products_text)
    } else {
        html! { <ul class="bullets">{ for task.products.iter().map(|p| html! { <li>{ p }</li> }) }</ul> }
    };
    let targets = if task.targets.is_empty() {
        text_or_dash("")
    } else {
        html! {
            <ul class="targets">
                { for task.targets.iter().map(|t| html! {
                    <li>
                        <span class="target-value">{ target_label(t) }</span>
                        <span class="target-text">{ &t.text }</span>
                    </li>
                }) }
            </ul>
        }
    };

    html! {
        <aside id="task-detail" data-task-id={task.id.0.clone()} ref={aside}>
            <div class="detail-top">
            <div class="detail-header">
                <div class="breadcrumb">{ breadcrumb.join(" › ") }</div>
                if let Some(on_edit) = &props.on_edit {
                    <button type="button" id="task-edit" class="secondary small"
                        onclick={ let id = task.id.clone(); on_edit.reform(move |_: MouseEvent| id.clone()) }>
                        { "Sửa nhiệm vụ" }
                    </button>
                }
                <button type="button" class="close" title="Đóng" onclick={on_close}>{ "×" }</button>
            </div>
            <h2 class="detail-title">
                <span class="detail-code">{ &task.code }</span>
                <span class="detail-title-text">{ &task.title }</span>
            </h2>
            </div>
            // Signed in, the unit's record is what the page is for: the plan's details fold to
            // two lines (always open to browse the plan without an account).
            <details class="plan-details" open={session.user.is_none()}>
            <summary>
                <span class="plan-details-line">{ format!("Chủ trì: {}", text_or(&task.lead_text)) }</span>
                <span class="plan-details-line">{ format!("Thời gian: {}", text_or(&timeframe.text)) }</span>
                <span class="plan-details-more">{ "Xem chi tiết" }</span>
            </summary>
            <dl class="fields">
                { field("Nội dung, nhiệm vụ và giải pháp", "detail-content", text_or_dash(&task.content)) }
                { field("Chủ trì", "detail-lead", units(&task.lead, &task.lead_text)) }
                { field("Phối hợp", "detail-support", units(&task.support, &task.support_text)) }
                { field("Thời gian", "detail-time", time) }
                { field("Sản phẩm, kết quả", "detail-products", products) }
                { field("Chỉ tiêu", "detail-targets", targets) }
                if !task.notes.is_empty() {
                    { field("Ghi chú", "detail-notes", text_or_dash(&task.notes)) }
                }
            </dl>
            </details>
            <TaskRecord
                task_id={task.id.clone()}
                targets={task.targets.clone()}
                evidence_required={task.evidence_required}
                focus={props.focus.clone()}
                calendar={props.plan.calendar()}
                queue={props.queue.clone()}
                on_open={props.on_open.clone()}
            />
        </aside>
    }
}
