//! The office's verdict on the shown period: accepted or returned, the comment, who and when;
//! for the office's reviewers, the form that accepts or returns the report with a comment.

use web_sys::HtmlTextAreaElement;
use yew::prelude::*;

use crate::backend::{BackendError, PeriodReview, Verdict};
use crate::local_time;
use crate::sync_labels::error_label;

/// A verdict to give, its comment, and where to report how it went.
pub type VerdictSubmission = (Verdict, String, Callback<Result<(), BackendError>>);

#[derive(Clone, PartialEq, Properties)]
pub struct RecordVerdictProps {
    pub period_label: AttrValue,
    pub review: Option<PeriodReview>,
    /// Present for reviewers: gives a verdict.
    #[prop_or_default]
    pub on_verdict: Option<Callback<VerdictSubmission>>,
}

/// Where giving a verdict stands.
#[derive(Debug, Clone, PartialEq)]
enum Sending {
    Idle,
    Busy,
    Done(Verdict),
    Failed(String),
}

#[function_component]
pub fn RecordVerdict(props: &RecordVerdictProps) -> Html {
    let comment = use_state(String::new);
    let sending = use_state(|| Sending::Idle);
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

    let form = props.on_verdict.as_ref().map(|on_verdict| {
        let on_input = {
            let comment = comment.clone();
            Callback::from(move |e: InputEvent| {
                let area: HtmlTextAreaElement = e.target_unchecked_into();
                comment.set(area.value());
            })
        };
        let give = |given: Verdict| {
            let on_verdict = on_verdict.clone();
            let comment = comment.clone();
            let sending = sending.clone();
            Callback::from(move |_: MouseEvent| {
                if given == Verdict::Returned && comment.trim().is_empty() {
                    sending.set(Sending::Failed(
                        "Ghi rõ lý do trả lại để đơn vị biết cần sửa gì.".into(),
                    ));
                    return;
                }
                sending.set(Sending::Busy);
                let done = {
                    let sending = sending.clone();
                    let comment = comment.clone();
                    Callback::from(move |answer: Result<(), BackendError>| match answer {
                        Ok(()) => {
                            comment.set(String::new());
                            sending.set(Sending::Done(given));
                        }
                        Err(err) => sending.set(Sending::Failed(error_label(&err))),
                    })
                };
                on_verdict.emit((given, comment.trim().to_string(), done));
            })
        };
        let busy = *sending == Sending::Busy;
        let message = match &*sending {
            Sending::Idle => Html::default(),
            Sending::Busy => html! { <p class="hint">{ "Đang lưu…" }</p> },
            Sending::Done(v) => html! { <p class="verdict-sent">{ format!("Đã lưu: {}.", v.label()) }</p> },
            Sending::Failed(why) => html! { <p class="field-error" role="alert">{ why }</p> },
        };
        html! {
            <div class="verdict-form">
                <label>
                    { "Nhận xét của Văn phòng" }
                    <textarea id="verdict-comment" rows="2" value={(*comment).clone()} oninput={on_input}
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
                <span class="verdict-label">{ verdict.label() }</span>
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
