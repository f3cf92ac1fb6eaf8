//! The reminder of reports due in 7, 3 or 1 days, or overdue, above the task list and the
//! dashboard.

use shared::overview::Reminder;
use yew::prelude::*;

use super::overview_labels::reminder_class;

#[derive(Clone, PartialEq, Properties)]
pub struct ReminderBannerProps {
    pub reminder: Option<Reminder>,
}

#[function_component]
pub fn ReminderBanner(props: &ReminderBannerProps) -> Html {
    let Some(reminder) = &props.reminder else {
        return Html::default();
    };
    let class = reminder_class(reminder.level);
    html! {
        <div id="reminder" class={classes!("reminder", class)} role="status" data-level={class}>
            <span class="reminder-icon" aria-hidden="true">{ "⏰" }</span>
            <span class="reminder-text">{ reminder.message() }</span>
        </div>
    }
}
