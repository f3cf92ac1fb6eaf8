//! One task in the list: code, title, lead unit and time frame.

use shared::{Task, TaskId};
use yew::prelude::*;

#[derive(Clone, PartialEq, Properties)]
pub struct TaskRowProps {
    pub task: Task,
    pub selected: bool,
    pub on_select: Callback<TaskId>,
}

#[function_component]
pub fn TaskRow(props: &TaskRowProps) -> Html {
    let task = &props.task;
    let id = task.id.clone();
    let onclick = props.on_select.reform(move |_: MouseEvent| id.clone());
    let class = classes!("task-row", props.selected.then_some("selected"));
    let lead = if task.lead.is_empty() {
        task.lead_text.clone()
    } else {
        task.lead.join("; ")
    };
    html! {
        <button type="button" {class} {onclick} data-task-id={task.id.0.clone()} aria-pressed={props.selected.to_string()}>
            <span class="task-code">{ &task.code }</span>
            <span class="task-main">
                <span class="task-title">{ &task.title }</span>
                <span class="task-meta">
                    if !lead.is_empty() {
                        <span class="task-lead" title="Chủ trì">{ lead }</span>
                    }
                    if !task.timeframe.text.is_empty() {
                        <span class="task-time" title="Thời gian">{ &task.timeframe.text }</span>
                    }
                </span>
            </span>
        </button>
    }
}
