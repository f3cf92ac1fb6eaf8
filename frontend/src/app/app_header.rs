//! The top bar: the app's name, the plan's number and title, the search box, and its children
//! (the account corner).

use std::rc::Rc;

use shared::Plan;
use yew::prelude::*;

use crate::plan::SearchBox;

#[derive(Clone, PartialEq, Properties)]
pub struct AppHeaderProps {
    pub plan: Option<Rc<Plan>>,
    pub query: String,
    pub on_query: Callback<String>,
    /// The search input, for the Ctrl+F shortcut.
    #[prop_or_default]
    pub search_ref: NodeRef,
    #[prop_or_default]
    pub children: Html,
}

#[function_component]
pub fn AppHeader(props: &AppHeaderProps) -> Html {
    let plan_line = props.plan.as_ref().map(|plan| {
        let number = format!("{} số {}", kind_label(&plan.kind), plan.number);
        html! {
            <div class="plan-line">
                <span class="plan-number">{ number }{ " · " }{ &plan.issuer }</span>
                <span class="plan-title" title={plan.title.clone()}>{ &plan.title }</span>
            </div>
        }
    });
    html! {
        <header class="app-header">
            <div class="brand">
                <span class="brand-mark">{ "PS" }</span>
                <span class="brand-name">{ "PlanSync" }</span>
            </div>
            { for plan_line }
            <SearchBox value={props.query.clone()} on_change={props.on_query.clone()} disabled={props.plan.is_none()} input_ref={props.search_ref.clone()} />
            { props.children.clone() }
        </header>
    }
}

/// The plan's kind as a heading word ("Kế hoạch"), whatever case the plan prints it in.
fn kind_label(kind: &str) -> String {
    let lower = kind.to_lowercase();
    let mut chars = lower.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => "Kế hoạch".to_string(),
    }
}
