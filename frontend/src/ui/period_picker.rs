//! The reporting period an overview screen shows, with each period's deadline.

use shared::calendar::PeriodId;
use shared::overview::PeriodChoice;
use web_sys::HtmlSelectElement;
use yew::prelude::*;

#[derive(Clone, PartialEq, Properties)]
pub struct PeriodPickerProps {
    pub periods: Vec<PeriodChoice>,
    pub current: PeriodId,
    pub on_select: Callback<PeriodId>,
}

#[function_component]
pub fn PeriodPicker(props: &PeriodPickerProps) -> Html {
    let onchange = {
        let on_select = props.on_select.clone();
        Callback::from(move |event: Event| {
            let select: HtmlSelectElement = event.target_unchecked_into();
            if let Ok(period) = select.value().parse::<PeriodId>() {
                on_select.emit(period);
            }
        })
    };
    html! {
        <label class="period-picker">
            <span>{ "Kỳ báo cáo" }</span>
            <select id="overview-period" {onchange}>
                { for props.periods.iter().map(|choice| html! {
                    <option value={choice.period.to_string()} selected={choice.period == props.current}>
                        { format!("{} (hạn {})", choice.label, choice.deadline) }
                    </option>
                }) }
            </select>
        </label>
    }
}
