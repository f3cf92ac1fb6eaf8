//! The plan editor's form: edit a task's printed fields (code, title, content, lead and
//! supporting units, time frame, products) or add a task to a section. What the plan will read
//! (units recognised, time frame understood, targets found) is previewed as typed; the change
//! reaches every unit through sync.

use std::rc::Rc;

use shared::plan_edit::{apply, PlanEdit, PlanEditError, TaskDraft};
use shared::{Plan, Task, TaskId};
use web_sys::{HtmlInputElement, HtmlTextAreaElement};
use yew::prelude::*;

use super::plan_edit_state::{DraftField, PlanEditAction, PlanEditState};
use super::scope::find_task;
use crate::app::PlanEditing;
use crate::backend::BackendHandle;
use crate::ui::error_label;
use crate::ui::{schedule_label, target_label};

#[derive(Clone, PartialEq, Properties)]
pub struct TaskEditFormProps {
    pub plan: Rc<Plan>,
    pub editing: PlanEditing,
    pub on_saved: Callback<TaskId>,
    pub on_cancel: Callback<()>,
}

/// Why the plan cannot take the draft, in words for the editor.
pub fn edit_error_label(error: &PlanEditError) -> String {
    match error {
        PlanEditError::EmptyTitle => "Cần nhập tên nhiệm vụ.".into(),
        PlanEditError::EmptyCode => "Cần nhập mã (số thứ tự) của nhiệm vụ.".into(),
        PlanEditError::NoLeadUnit => "Cần nhập đơn vị chủ trì.".into(),
        PlanEditError::UnknownSection { .. } => "Không tìm thấy mục này trong kế hoạch.".into(),
        PlanEditError::UnknownTask(_) => "Nhiệm vụ này không còn trong kế hoạch.".into(),
    }
}

/// The edit the form describes.
pub fn edit_of(editing: &PlanEditing, draft: TaskDraft) -> PlanEdit {
    match editing {
        PlanEditing::Task(task_id) => PlanEdit::EditTask {
            task_id: task_id.clone(),
            draft,
        },
        PlanEditing::New {
            index,
            section_path,
            ..
        } => PlanEdit::AddTask {
            index: *index,
            section_path: section_path.clone(),
            draft,
        },
    }
}

/// The task as the plan would read it after the edit, or why it cannot.
pub fn preview(plan: &Plan, edit: &PlanEdit) -> Result<Task, PlanEditError> {
    let mut plan = plan.clone();
    let id = apply(&mut plan, edit)?;
    Ok(plan
        .task(&id)
        .cloned()
        .expect("an applied edit leaves its task in the plan"))
}

#[function_component]
pub fn TaskEditForm(props: &TaskEditFormProps) -> Html {
    let backend = use_context::<BackendHandle>().expect("the app provides the backend");
    let initial = match &props.editing {
        PlanEditing::Task(id) => {
            find_task(&props.plan, id).map(|place| TaskDraft::from_task(place.task))
        }
        PlanEditing::New { .. } => None,
    };
    let state = use_reducer(move || PlanEditState::new(initial.unwrap_or_default()));

    let on_evidence_required = {
        let dispatcher = state.dispatcher();
        Callback::from(move |e: Event| {
            let input: web_sys::HtmlInputElement = e.target_unchecked_into();
            dispatcher.dispatch(PlanEditAction::SetEvidenceRequired(input.checked()));
        })
    };
    let edit = edit_of(&props.editing, state.draft.clone());
    let previewed = preview(&props.plan, &edit);

    let input = |field: DraftField| {
        let dispatcher = state.dispatcher();
        Callback::from(move |e: InputEvent| {
            let value = match e.target_dyn_into::<HtmlTextAreaElement>() {
                Some(area) => area.value(),
                None => e.target_unchecked_into::<HtmlInputElement>().value(),
            };
            dispatcher.dispatch(PlanEditAction::Set(field, value));
        })
    };
    let on_submit = {
        let dispatcher = state.dispatcher();
        let on_saved = props.on_saved.clone();
        let valid = previewed.is_ok();
        let sends = valid && !state.saving;
        let edit = edit.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            dispatcher.dispatch(PlanEditAction::Submit { valid });
            if !sends {
                return;
            }
            let backend = backend.clone();
            let dispatcher = dispatcher.clone();
            let on_saved = on_saved.clone();
            let edit = edit.clone();
            yew::platform::spawn_local(async move {
                match backend.backend().edit_plan(edit).await {
                    Ok(id) => on_saved.emit(id),
                    Err(err) => dispatcher.dispatch(PlanEditAction::Failed(err)),
                }
            });
        })
    };
    let on_cancel = props.on_cancel.reform(|_: MouseEvent| ());
    let title = match &props.editing {
        PlanEditing::Task(_) => "Sửa nhiệm vụ".to_string(),
        PlanEditing::New { heading, .. } => format!("Thêm nhiệm vụ vào: {heading}"),
    };
    let unit_names: Vec<String> = props.plan.units.units().map(|u| u.name.clone()).collect();
    let preview_html = match &previewed {
        Ok(task) => html! {
            <dl class="edit-preview" id="edit-preview">
                <dt>{ "Chủ trì" }</dt><dd>{ task.lead.join("; ") }</dd>
                <dt>{ "Phối hợp" }</dt><dd>{ if task.support.is_empty() { "—".to_string() } else { task.support.join("; ") } }</dd>
                <dt>{ "Thời gian" }</dt><dd>{ schedule_label(&task.timeframe.schedule) }</dd>
                <dt>{ "Chỉ tiêu" }</dt>
                <dd>{ if task.targets.is_empty() { "—".to_string() } else { task.targets.iter().map(target_label).collect::<Vec<_>>().join("; ") } }</dd>
            </dl>
        },
        Err(err) if state.tried => {
            html! { <p class="field-error" role="alert" id="edit-error">{ edit_error_label(err) }</p> }
        }
        Err(_) => Html::default(),
    };
    let d = &state.draft;
    html! {
        <aside id="task-detail" class="task-edit">
            <div class="detail-header">
                <div class="breadcrumb">{ "Kế hoạch" }</div>
                <button type="button" class="close" title="Đóng" onclick={on_cancel.clone()}>{ "×" }</button>
            </div>
            <h2 class="detail-title">{ title }</h2>
            <form id="task-edit-form" class="edit-form" onsubmit={on_submit}>
                <datalist id="known-units">
                    { for unit_names.iter().map(|n| html! { <option value={n.clone()} /> }) }
                </datalist>
                <label class="short">{ "Mã (STT)" }
                    <input id="edit-code" type="text" value={d.code.clone()} oninput={input(DraftField::Code)} />
                </label>
                <label>{ "Tên nhiệm vụ, tiêu chí" }
                    <input id="edit-title" type="text" value={d.title.clone()} oninput={input(DraftField::Title)} />
                </label>
                <label>{ "Nội dung, nhiệm vụ và giải pháp" }
                    <textarea id="edit-content" rows="4" value={d.content.clone()} oninput={input(DraftField::Content)} />
                </label>
                <label>{ "Chủ trì" }
                    <input id="edit-lead" type="text" list="known-units" value={d.lead_text.clone()} oninput={input(DraftField::Lead)}
                        placeholder="Nhiều đơn vị cách nhau bằng dấu chấm phẩy (;)" />
                </label>
                <label>{ "Phối hợp" }
                    <input id="edit-support" type="text" list="known-units" value={d.support_text.clone()} oninput={input(DraftField::Support)}
                        placeholder="Nhiều đơn vị cách nhau bằng dấu chấm phẩy (;)" />
                </label>
                <label>{ "Thời gian thực hiện" }
                    <input id="edit-timeframe" type="text" value={d.timeframe_text.clone()} oninput={input(DraftField::Timeframe)}
                        placeholder="Ví dụ: Hằng quý; Trước ngày 15/12 hằng năm; Thường xuyên" />
                </label>
                <label>{ "Sản phẩm, kết quả" }
                    <textarea id="edit-products" rows="2" value={d.products_text.clone()} oninput={input(DraftField::Products)} />
                </label>
                <label class="check">
                    <input id="edit-evidence-required" type="checkbox" checked={d.evidence_required} onchange={on_evidence_required} />
                    <span>{ "Yêu cầu đơn vị đính kèm tài liệu kiểm chứng khi gửi báo cáo" }</span>
                </label>
                { preview_html }
                if let Some(err) = &state.failure {
                    <p class="field-error" role="alert">{ error_label(err) }</p>
                }
                <div class="edit-buttons">
                    <button type="submit" id="edit-save" class="primary" disabled={state.saving}>{ "Lưu thay đổi" }</button>
                    <button type="button" class="secondary" onclick={on_cancel}>{ "Huỷ" }</button>
                </div>
                <p class="hint">{ "Thay đổi được lưu trên máy rồi gửi tới mọi đơn vị khi có kết nối." }</p>
            </form>
        </aside>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_plan::test_plan;

    #[test]
    fn a_new_task_previews_as_the_plan_would_read_it() {
        let plan = test_plan();
        let appendix = &plan.appendices[0];
        let section = &appendix.sections[0];
        let editing = PlanEditing::New {
            index: appendix.index,
            section_path: vec![section.code.clone()],
            heading: section.title.clone(),
        };
        let lead = "Văn phòng Sở".to_string();
        let mut draft = TaskDraft {
            code: "9".into(),
            title: "Rà soát thủ tục hành chính".into(),
            content: "Tỷ lệ hồ sơ trực tuyến đạt trên 80%".into(),
            lead_text: lead.clone(),
            support_text: String::new(),
            timeframe_text: "Hằng quý".into(),
            products_text: String::new(),
            evidence_required: false,
        };
        let task = preview(&plan, &edit_of(&editing, draft.clone())).unwrap();
        assert_eq!(task.lead, vec![lead]);
        assert_eq!(task.targets.len(), 1, "the 80% target is found");
        draft.lead_text.clear();
        assert_eq!(
            preview(&plan, &edit_of(&editing, draft))
                .map_err(|e| edit_error_label(&e))
                .unwrap_err(),
            "Cần nhập đơn vị chủ trì."
        );
    }
}
