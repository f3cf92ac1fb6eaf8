//! The banner naming each unit whose data could not be read, and why, above the dashboard, the
//! task list and the indicators: what they show was built from every other unit's data.

use shared::report::ReadNotice;
use yew::prelude::*;

use super::overview_labels::unreadable_heading;

#[derive(Clone, PartialEq, Properties)]
pub struct UnreadableBannerProps {
    /// `Report::read_notices` of the shown report.
    pub notices: Vec<ReadNotice>,
}

#[function_component]
pub fn UnreadableBanner(props: &UnreadableBannerProps) -> Html {
    let Some(heading) = unreadable_heading(&props.notices) else {
        return Html::default();
    };
    html! {
        <div id="unreadable-banner" class="unreadable-banner" role="alert">
            <p class="unreadable-heading">
                <span class="reminder-icon" aria-hidden="true">{ "⚠" }</span>
                { heading }
            </p>
            <ul class="unreadable-list">
                { for props.notices.iter().map(|notice| html! {
                    <li data-unit={notice.unit.code.clone()}>
                        <span class="unreadable-text">{ &notice.text }</span>
                        <small class="unreadable-detail">{ format!("Chi tiết kỹ thuật: {}", notice.detail) }</small>
                    </li>
                }) }
            </ul>
        </div>
    }
}
