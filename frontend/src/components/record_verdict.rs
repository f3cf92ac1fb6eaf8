//! The office's verdict on the shown period: accepted or returned, the comment, who and when.

use yew::prelude::*;

use crate::backend::{PeriodReview, Verdict};
use crate::local_time;

#[derive(Clone, PartialEq, Properties)]
pub struct RecordVerdictProps {
    pub period_label: AttrValue,
    pub review: Option<PeriodReview>,
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
    let comment = review
        .map(|r| r.comment.trim().to_string())
        .unwrap_or_default();
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
            if !comment.is_empty() {
                <p class="verdict-comment">{ comment }</p>
            }
            if verdict == Verdict::Accepted {
                <p class="verdict-lock">{ "Kỳ báo cáo này đã được chấp nhận: kết quả và số liệu của kỳ không sửa được nữa." }</p>
            }
        </section>
    }
}
