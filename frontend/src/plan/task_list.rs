//! The main pane: the tasks of the chosen part of the plan, grouped under their headings and
//! filtered by the search.

use std::rc::Rc;

use shared::{Plan, TaskId};
use web_sys::Element;
use yew::prelude::*;

use super::scope::{section_at, section_codes, section_heading, task_groups, Scope, TaskGroup};
use super::task_row::TaskRow;
use crate::app::PlanEditing;

#[derive(Clone, PartialEq, Properties)]
pub struct TaskListProps {
    pub plan: Rc<Plan>,
    pub scope: Scope,
    pub query: String,
    pub selected: Option<TaskId>,
    pub on_select: Callback<TaskId>,
    /// Changes the scope (used to widen a search to the whole plan).
    pub on_scope: Callback<Scope>,
    /// Present for plan editors: opens the form that adds a task to the shown section.
    #[prop_or_default]
    pub on_add: Option<Callback<PlanEditing>>,
}

/// Where a task added from this scope goes: the appendix's own tasks or the section's.
fn new_task_place(plan: &Plan, scope: &Scope) -> Option<PlanEditing> {
    match scope {
        Scope::All => None,
        Scope::Appendix(index) => Some(PlanEditing::New {
            index: *index,
            section_path: Vec::new(),
            heading: scope_title(plan, scope),
        }),
        Scope::Section(index, path) => {
            let appendix = plan.appendix(*index)?;
            Some(PlanEditing::New {
                index: *index,
                section_path: section_codes(appendix, path)?,
                heading: scope_title(plan, scope),
            })
        }
    }
}

/// The title of the list for `scope`.
fn scope_title(plan: &Plan, scope: &Scope) -> String {
    match scope {
        Scope::All => "Tất cả nhiệm vụ".to_string(),
        Scope::Appendix(index) => match plan.appendix(*index) {
            Some(appendix) if !appendix.number.is_empty() => {
                format!("Phụ lục {} — Chỉ số {}", appendix.number, index.label())
            }
            _ => format!("Chỉ số {}", index.label()),
        },
        Scope::Section(index, path) => plan
            .appendix(*index)
            .and_then(|appendix| section_at(appendix, path))
            .map_or_else(String::new, |section| {
                format!("{} — {}", index.label(), section_heading(section))
            }),
    }
}

/// The heading above a group: the index and any parent sections on a muted line, then the
/// group's own section.
fn group_heading(group: &TaskGroup<'_>) -> Html {
    let (own, parents) = match group.headings.split_last() {
        Some((own, parents)) => (Some(own), parents),
        None => (None, &[][..]),
    };
    let class = classes!("group-heading", (!parents.is_empty()).then_some("nested"));
    html! {
        <h2 {class}>
            <span class="group-path">
                <span class="group-index">{ group.index.label() }</span>
                { for parents.iter().map(|p| html! { <span class="group-parent">{ p }</span> }) }
            </span>
            if let Some(own) = own {
                <span class="group-title">{ own }</span>
            }
        </h2>
    }
}

#[function_component]
pub fn TaskList(props: &TaskListProps) -> Html {
    // A new scope starts at the top of the list.
    let list_ref = use_node_ref();
    {
        let list_ref = list_ref.clone();
        use_effect_with(props.scope.clone(), move |_| {
            if let Some(list) = list_ref.cast::<Element>() {
                list.set_scroll_top(0);
            }
        });
    }
    let groups = task_groups(&props.plan, &props.scope, &props.query);
    let n_shown: usize = groups.iter().map(|g| g.tasks.len()).sum();
    let searching = !props.query.trim().is_empty();
    let summary = if searching {
        format!("{n_shown} nhiệm vụ khớp với “{}”", props.query.trim())
    } else {
        format!("{n_shown} nhiệm vụ")
    };
    let empty = if groups.is_empty() {
        let widen = (searching && props.scope != Scope::All).then(|| {
            let on_click = props.on_scope.reform(|_: MouseEvent| Scope::All);
            html! { <button type="button" class="link" onclick={on_click}>{ "Tìm trong toàn bộ kế hoạch" }</button> }
        });
        let text = if searching {
            "Không có nhiệm vụ nào khớp với từ khoá."
        } else {
            "Mục này chưa có nhiệm vụ."
        };
        html! { <div class="empty"><p>{ text }</p>{ for widen }</div> }
    } else {
        Html::default()
    };
    html! {
        <main id="task-list" ref={list_ref}>
            <div class="list-header">
                <h1 class="scope-title">{ scope_title(&props.plan, &props.scope) }</h1>
                <span class="list-summary">{ summary }</span>
                if let (Some(on_add), Some(place)) = (&props.on_add, new_task_place(&props.plan, &props.scope)) {
                    <button type="button" id="task-add" class="secondary small"
                        onclick={on_add.reform(move |_: MouseEvent| place.clone())}>
                        { "+ Thêm nhiệm vụ vào mục này" }
                    </button>
                }
            </div>
            { empty }
            { for groups.iter().map(|group| html! {
                <section class="task-group" data-index={group.index.code()}>
                    { group_heading(group) }
                    <ul class="task-rows">
                        { for group.tasks.iter().map(|task| html! {
                            <li key={task.id.0.clone()}>
                                <TaskRow
                                    task={(*task).clone()}
                                    selected={props.selected.as_ref() == Some(&task.id)}
                                    on_select={props.on_select.clone()}
                                />
                            </li>
                        }) }
                    </ul>
                </section>
            }) }
        </main>
    }
}
