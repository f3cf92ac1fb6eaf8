//! The office's verdict on the shown period: accepted or returned, the comment, who and when;
//! for the office's reviewers, the form that accepts or returns the report with a comment (its
//! state is the task page's `RecordState`).

use web_sys::HtmlTextAreaElement;
use yew::prelude::*;

use super::record_state::VerdictSending;
use crate::backend::{PeriodReview, Verdict};
use crate::ui::error_label;
use crate::ui::local_time;

#[derive(Clone, PartialEq, Properties)]
pub struct RecordVerdictProps {
    pub period_label: AttrValue,
    pub review: Option<PeriodReview>,
    /// Present for reviewers: the form that gives a verdict.
    #[prop_or_default]
    pub form: Option<VerdictForm>,
}

/// The reviewer's form: the comment typed, where giving a verdict stands, and the callbacks.
#[derive(Clone, PartialEq)]
pub struct VerdictForm {
    pub comment: String,
    pub sending: VerdictSending,
    pub on_comment: Callback<String>,
    pub on_give: Callback<Verdict>,
}

#[function_component]
pub fn RecordVerdict(props: &RecordVerdictProps) -> Html {
    let verdict = props
        .review
        .as_ref()
        .and_then(|r| r.verdict.current().copied())
        .unwrap_or(Verdict::Pending);
    let class = match verdict {
        Verdict::Pending => "pending",
        Verdict::Accepted => "accepted",
        Verdict::Returned => "returned",
    };
    let review = props.review.as_ref();
    let by = review.and_then(|r| r.by.clone());
    let at = review.and_then(|r| r.at).map(local_time::date_time);
    let saved_comment = review
        .map(|r| r.comment.trim().to_string())
        .unwrap_or_default();

    let form = props.form.as_ref().map(|form| {
        let on_input = form.on_comment.reform(|e: InputEvent| {
            let area: HtmlTextAreaElement = e.target_unchecked_into();
            area.value()
        });
        let give = |verdict: Verdict| form.on_give.reform(move |_: MouseEvent| verdict);
        let busy = matches!(form.sending, VerdictSending::Sending(_));
        let message = match &form.sending {
            VerdictSending::Idle => Html::default(),
            VerdictSending::Sending(_) => html! { <p class="hint">{ "Đang lưu…" }</p> },
            VerdictSending::Saved(v) => html! { <p class="verdict-sent">{ format!("Đã lưu: {}.", v.label()) }</p> },
            VerdictSending::CommentMissing => html! {
                <p class="field-error" role="alert">{ "Ghi rõ lý do trả lại để đơn vị biết cần sửa gì." }</p>
            },
            VerdictSending::Failed(err) => html! { <p class="field-error" role="alert">{ error_label(err) }</p> },
        };
        html! {
            <div class="verdict-form">
                <label>
                    { "Nhận xét của Văn phòng" }
                    <textarea id="verdict-comment" rows="2" value={form.comment.clone()} oninput={on_input}
                        placeholder="Bắt buộc khi trả lại: nêu nội dung cần bổ sung, sửa" />
                </label>
                <div class="verdict-buttons">
                    <button type="button" id="verdict-accept" class="primary" disabled={busy} onclick={give(Verdict::Accepted)}>{ "Chấp nhận" }</button>
                    <button type="button" id="verdict-return" class="danger" disabled={busy} onclick={give(Verdict::Returned)}>{ "Trả lại" }</button>
                </div>
                { message }
            </div>
        }
    });

    html! {
        <section id="record-verdict" class={classes!("record-verdict", class)} data-verdict={class}>
            <h4>{ format!("Thẩm định của Văn phòng — {}", props.period_label) }</h4>
            <p class="verdict-line">
                // No verdict yet: the report's own state (above) says whether it was sent.
                <span class="verdict-label">{ if verdict == Verdict::Pending { "Chưa có ý kiến của Văn phòng" } else { verdict.label() } }</span>
                if let Some(by) = by {
                    <span class="verdict-by">{ format!(" · {by}") }</span>
                }
                if let Some(at) = at {
                    <span class="verdict-at">{ format!(" · {at}") }</span>
                }
            </p>
            if !saved_comment.is_empty() {
                <p class="verdict-comment">{ saved_comment }</p>
            }
            if verdict == Verdict::Accepted {
                <p class="verdict-lock">{ "Kỳ báo cáo này đã được chấp nhận: kết quả và số liệu của kỳ không sửa được nữa." }</p>
            }
            { for form }
        </section>
    }
}
