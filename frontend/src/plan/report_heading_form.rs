//! "Thông tin văn bản báo cáo": the plan editor's form for the office's report particulars
//! (issuer, place, Kính gửi, Nơi nhận, signer, number), prefilled with what is stored over
//! what the plan gives. Saved into the plan document like any plan edit (on this laptop first,
//! then to every laptop); a field left as the plan gives it keeps following the plan.

use std::rc::Rc;

use shared::report::{HeadingField, HeadingParticulars};
use shared::Plan;
use web_sys::{HtmlInputElement, HtmlTextAreaElement};
use yew::prelude::*;

use crate::backend::{BackendError, BackendHandle};
use crate::ui::error_label;

#[derive(Clone, PartialEq, Properties)]
pub struct ReportHeadingFormProps {
    pub plan: Rc<Plan>,
}

/// The form's fields in order, with their labels and hints.
const FIELDS: [(HeadingField, &str, &str); 11] = [
    (
        HeadingField::ParentAgency,
        "Cơ quan chủ quản",
        "Ví dụ: UBND tỉnh Tuyên Quang",
    ),
    (
        HeadingField::Agency,
        "Cơ quan ban hành",
        "Ví dụ: Sở Xây dựng",
    ),
    (HeadingField::Abbreviation, "Viết tắt", "Ví dụ: SXD"),
    (HeadingField::Place, "Địa danh", "Ví dụ: Tuyên Quang"),
    (HeadingField::Addressees, "Kính gửi (mỗi dòng một nơi)", ""),
    (HeadingField::Recipients, "Nơi nhận (mỗi dòng một nơi)", ""),
    (HeadingField::Archive, "Lưu", "Ví dụ: VT, VP"),
    (
        HeadingField::SignerAuthority,
        "Thẩm quyền ký",
        "Ví dụ: KT. GIÁM ĐỐC (để trống nếu người đứng đầu ký)",
    ),
    (
        HeadingField::SignerTitle,
        "Chức vụ người ký",
        "Ví dụ: PHÓ GIÁM ĐỐC",
    ),
    (HeadingField::SignerName, "Họ tên người ký", ""),
    (
        HeadingField::Number,
        "Số (không bắt buộc)",
        "Để trống để văn thư ghi số",
    ),
];

/// The particulars to store for what the form shows: each field as typed, except one that reads
/// as the plan gives it, which is left empty so it keeps following the plan. The signer's
/// authority and title are stored together when either differs (a title stored without an
/// authority is the head signing).
pub fn to_store(plan: &Plan, shown: &[(HeadingField, String)]) -> HeadingParticulars {
    let derived = HeadingParticulars::default().prefilled(plan);
    let mut typed = HeadingParticulars::default();
    for (field, value) in shown {
        typed.set(*field, value);
    }
    let mut stored = HeadingParticulars::default();
    for field in HeadingField::ALL {
        let value = typed.get(field);
        if value != derived.get(field) {
            stored.set(field, &value);
        }
    }
    let signer = [HeadingField::SignerAuthority, HeadingField::SignerTitle];
    if signer.iter().any(|f| typed.get(*f) != derived.get(*f)) {
        for field in signer {
            stored.set(field, &typed.get(field));
        }
    }
    stored
}

/// What the form shows for stored particulars: each field stored, else derived.
pub fn shown_of(plan: &Plan, stored: &HeadingParticulars) -> Vec<(HeadingField, String)> {
    let prefilled = stored.prefilled(plan);
    FIELDS
        .iter()
        .map(|(field, _, _)| (*field, prefilled.get(*field)))
        .collect()
}

#[derive(Clone, PartialEq)]
enum Status {
    Loading,
    Ready,
    Saving,
    Saved,
    Failed(BackendError),
}

#[function_component]
pub fn ReportHeadingForm(props: &ReportHeadingFormProps) -> Html {
    let backend = use_context::<BackendHandle>().expect("the app provides the backend");
    let shown = use_state(|| shown_of(&props.plan, &HeadingParticulars::default()));
    let status = use_state(|| Status::Loading);
    {
        let backend = backend.clone();
        let shown = shown.clone();
        let status = status.clone();
        let plan = props.plan.clone();
        use_effect_with(props.plan.clone(), move |_| {
            yew::platform::spawn_local(async move {
                match backend.backend().report_heading().await {
                    Ok(stored) => {
                        shown.set(shown_of(&plan, &stored));
                        status.set(Status::Ready);
                    }
                    Err(err) => status.set(Status::Failed(err)),
                }
            });
        });
    }
    let input = |field: HeadingField| {
        let shown = shown.clone();
        let status = status.clone();
        Callback::from(move |e: InputEvent| {
            let value = match e.target_dyn_into::<HtmlTextAreaElement>() {
                Some(area) => area.value(),
                None => e.target_unchecked_into::<HtmlInputElement>().value(),
            };
            let mut next = (*shown).clone();
            if let Some(slot) = next.iter_mut().find(|(f, _)| *f == field) {
                slot.1 = value;
            }
            shown.set(next);
            if matches!(*status, Status::Saved) {
                status.set(Status::Ready);
            }
        })
    };
    let on_submit = {
        let shown = shown.clone();
        let status = status.clone();
        let plan = props.plan.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if matches!(*status, Status::Saving | Status::Loading) {
                return;
            }
            let particulars = to_store(&plan, &shown);
            let backend = backend.clone();
            let status = status.clone();
            status.set(Status::Saving);
            yew::platform::spawn_local(async move {
                match backend.backend().set_report_heading(particulars).await {
                    Ok(()) => status.set(Status::Saved),
                    Err(err) => status.set(Status::Failed(err)),
                }
            });
        })
    };
    let field_html = |(field, label, hint): &(HeadingField, &str, &str)| {
        let value = shown
            .iter()
            .find(|(f, _)| f == field)
            .map(|(_, v)| v.clone())
            .unwrap_or_default();
        let id = format!("heading-{}", field.key().replace('_', "-"));
        if field.is_list() {
            html! {
                <label>{ *label }
                    <textarea id={id} rows="3" value={value} oninput={input(*field)} />
                </label>
            }
        } else {
            html! {
                <label>{ *label }
                    <input id={id} type="text" value={value} placeholder={hint.to_string()} oninput={input(*field)} />
                </label>
            }
        }
    };
    let saving = matches!(*status, Status::Saving | Status::Loading);
    html! {
        <aside id="report-heading" class="task-edit">
            <h2 class="detail-title">{ "Thông tin văn bản báo cáo" }</h2>
            <p class="hint">{ "Dùng cho báo cáo tổng hợp (Nghị định 30/2020). Trường giữ như kế hoạch sẽ theo kế hoạch." }</p>
            <form id="report-heading-form" class="edit-form" onsubmit={on_submit}>
                // Shown once the stored particulars are read, so nothing typed is replaced.
                if *status == Status::Loading {
                    <p class="hint">{ "Đang đọc…" }</p>
                } else {
                    { for FIELDS.iter().map(field_html) }
                }
                if let Status::Failed(err) = &*status {
                    <p class="field-error" role="alert">{ error_label(err) }</p>
                }
                if *status == Status::Saved {
                    <p class="hint" id="report-heading-saved">{ "Đã lưu trên máy; thông tin được gửi tới mọi máy khi có kết nối." }</p>
                }
                <div class="edit-buttons">
                    <button type="submit" id="report-heading-save" class="primary" disabled={saving}>{ "Lưu thông tin" }</button>
                </div>
            </form>
        </aside>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_plan::test_plan;

    #[test]
    fn only_what_differs_from_the_plan_is_stored() {
        let plan = test_plan();
        let mut shown = shown_of(&plan, &HeadingParticulars::default());
        assert_eq!(to_store(&plan, &shown), HeadingParticulars::default());
        for (field, value) in shown.iter_mut() {
            match field {
                HeadingField::SignerName => *value = "Nguyễn Văn Đức".into(),
                HeadingField::Recipients => *value = "- Như trên;\n- Bộ Xây dựng;\n".into(),
                _ => {}
            }
        }
        let stored = to_store(&plan, &shown);
        assert_eq!(
            stored,
            HeadingParticulars {
                signer_name: "Nguyễn Văn Đức".into(),
                recipients: vec!["Như trên".into(), "Bộ Xây dựng".into()],
                ..Default::default()
            }
        );
        // Read back, the form shows the same.
        let again = shown_of(&plan, &stored);
        assert_eq!(to_store(&plan, &again), stored);
        // The authority cleared: the head signs, with the title shown stored beside it.
        for (field, value) in shown.iter_mut() {
            if *field == HeadingField::SignerAuthority {
                value.clear();
            }
        }
        let stored = to_store(&plan, &shown);
        assert_eq!(stored.signer_authority, "");
        assert!(!stored.signer_title.is_empty());
        let heading = shared::report::ReportHeading::issued(&plan, &stored, None);
        assert_eq!(heading.signer.authority, "");
        assert_eq!(to_store(&plan, &shown_of(&plan, &stored)), stored);
    }
}
