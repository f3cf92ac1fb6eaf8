//! The report's state on the task page, and sending it: "Gửi Văn phòng thẩm định". A returned
//! report's comment leads as a banner; what the plan asks for and the report lacks is named
//! before sending is offered; a sent report edited since says so.

use shared::calendar::PeriodId;
use shared::submission::{MissingItem, ReportState, Sending};
use yew::prelude::*;

use crate::backend::BackendError;
use crate::ui::error_label;
use crate::ui::local_time::date_time;

/// Where sending stands.
#[derive(Debug, Clone, PartialEq)]
pub enum SendProgress {
    Idle,
    Sending,
    Failed(BackendError),
}

#[derive(Clone, PartialEq, Properties)]
pub struct RecordSubmissionProps {
    pub period: PeriodId,
    pub state: ReportState,
    /// The last sending, when there was one (`by` as shown: the sender's full name).
    pub sent: Option<Sending>,
    /// The office's comment when it returned the report.
    pub returned_comment: Option<String>,
    /// What the report lacks before it can be sent.
    pub missing: Vec<MissingItem>,
    /// Whether this user may send it (their own unit's report, the period not locked).
    pub can_send: bool,
    pub progress: SendProgress,
    pub on_send: Callback<()>,
}

#[function_component(RecordSubmission)]
pub fn record_submission(props: &RecordSubmissionProps) -> Html {
    let state_class = match props.state {
        ReportState::NotEntered => "state-not-entered",
        ReportState::Entering => "state-entering",
        ReportState::Sent { .. } | ReportState::Resent { .. } => "state-sent",
        ReportState::Returned => "state-returned",
        ReportState::Accepted => "state-accepted",
    };
    let returned = props
        .returned_comment
        .as_ref()
        .filter(|_| props.state == ReportState::Returned)
        .map(|comment| {
            html! {
                <div id="record-returned" class="returned-banner" role="alert">
                    <strong>{ format!("Văn phòng trả lại báo cáo {}: ", props.period.label()) }</strong>
                    <span class="returned-comment">{ comment.clone() }</span>
                    if props.can_send {
                        <p class="returned-hint">{ "Sửa theo nhận xét rồi bấm “Gửi lại Văn phòng”." }</p>
                    }
                </div>
            }
        });
    let sent_note = props.sent.as_ref().and_then(|sent| {
        props.state.awaits_appraisal().then(|| {
            let changed = if props.state.changed_since_sending() {
                " · đã sửa sau khi gửi, cần gửi lại"
            } else {
                ""
            };
            html! {
                <span id="record-sent-note" class="record-sent-note">
                    { format!("{} gửi lúc {}{changed}", sent.by, date_time(sent.at)) }
                </span>
            }
        })
    });
    let up_to_date = matches!(
        props.state,
        ReportState::Sent { changed: false } | ReportState::Resent { changed: false }
    );
    let button = (props.can_send && props.state.can_send() && !up_to_date).then(|| {
        let label = match props.state {
            ReportState::Returned | ReportState::Resent { .. } => "Gửi lại Văn phòng",
            ReportState::Sent { .. } => "Gửi lại bản đã sửa",
            _ => "Gửi Văn phòng thẩm định",
        };
        let sending = props.progress == SendProgress::Sending;
        let disabled = sending || !props.missing.is_empty();
        let onclick = {
            let on_send = props.on_send.clone();
            Callback::from(move |_| on_send.emit(()))
        };
        html! {
            <button id="record-send" class="primary" type="button" {disabled} {onclick}>
                { if sending { "Đang gửi…" } else { label } }
            </button>
        }
    });
    let missing =
        (props.can_send && props.state.can_send() && !props.missing.is_empty()).then(|| {
            html! {
                <ul id="record-missing" class="record-missing">
                    { for props.missing.iter().map(|m| html! { <li>{ m.label() }</li> }) }
                </ul>
            }
        });
    let failed = match &props.progress {
        SendProgress::Failed(err) => Some(html! {
            <p id="record-send-error" class="field-error" role="alert">{ error_label(err) }</p>
        }),
        _ => None,
    };
    html! {
        <>
            { for returned }
            <div id="record-submission" class="record-submission">
                <span class="record-submission-label">{ format!("Báo cáo {}:", props.period.label()) }</span>
                <span id="record-state" class={classes!("submission-state", state_class)}>{ props.state.label() }</span>
                { for sent_note }
                { for button }
                { for missing }
                { for failed }
            </div>
        </>
    }
}
