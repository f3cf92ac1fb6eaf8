//! The tabs under the header: the screens the logged-in user has (the unit's tasks, the
//! dashboard, the indicators, the plan).

use yew::prelude::*;

use super::navigation::View;

#[derive(Clone, PartialEq, Properties)]
pub struct ViewTabsProps {
    pub views: &'static [View],
    pub current: View,
    /// The office sees every unit's tasks, not one unit's.
    pub office: bool,
    pub on_select: Callback<View>,
}

#[function_component]
pub fn ViewTabs(props: &ViewTabsProps) -> Html {
    html! {
        <nav id="view-tabs" class="view-tabs" role="tablist">
            { for props.views.iter().map(|view| {
                let view = *view;
                let selected = view == props.current;
                let onclick = props.on_select.reform(move |_: MouseEvent| view);
                html! {
                    <button
                        type="button"
                        role="tab"
                        id={format!("tab-{}", view.id())}
                        class={classes!("view-tab", selected.then_some("selected"))}
                        aria-selected={selected.to_string()}
                        {onclick}
                    >
                        { view.label(props.office) }
                    </button>
                }
            }) }
        </nav>
    }
}
