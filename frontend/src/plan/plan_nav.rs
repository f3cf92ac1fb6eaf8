//! The left navigation: every appendix (index) with its sections, and "all tasks".

use std::rc::Rc;

use shared::{Appendix, IndexKind, Plan, Section};
use yew::prelude::*;

use super::scope::{Scope, SectionPath};

#[derive(Clone, PartialEq, Properties)]
pub struct PlanNavProps {
    pub plan: Rc<Plan>,
    pub scope: Scope,
    pub on_select: Callback<Scope>,
}

#[function_component]
pub fn PlanNav(props: &PlanNavProps) -> Html {
    let n_tasks: usize = props.plan.appendices.iter().map(Appendix::n_tasks).sum();
    let all_class = classes!(
        "nav-item",
        "nav-all",
        (props.scope == Scope::All).then_some("active")
    );
    let on_all = props.on_select.reform(|_: MouseEvent| Scope::All);
    html! {
        <nav id="plan-nav" aria-label="Mục lục kế hoạch">
            <button type="button" class={all_class} onclick={on_all}>
                <span class="nav-label">{ "Tất cả nhiệm vụ" }</span>
                <span class="count">{ n_tasks }</span>
            </button>
            { for props.plan.appendices.iter().map(|appendix| appendix_entry(props, appendix)) }
        </nav>
    }
}

fn appendix_entry(props: &PlanNavProps, appendix: &Appendix) -> Html {
    let index = appendix.index;
    let active = props.scope == Scope::Appendix(index);
    let class = classes!("nav-item", "appendix-title", active.then_some("active"));
    let on_click = props
        .on_select
        .reform(move |_: MouseEvent| Scope::Appendix(index));
    // Appendices printed without a number ("PHỤ LỤC") show no number rather than a guessed one.
    let number = (!appendix.number.is_empty()).then(|| format!("Phụ lục {}", appendix.number));
    html! {
        <div class="appendix" data-index={index.code()}>
            <button type="button" {class} onclick={on_click} title={appendix.title.clone()}>
                <span class="nav-label">
                    <span class="appendix-index">{ index.label() }</span>
                    if let Some(number) = number {
                        <span class="appendix-number">{ number }</span>
                    }
                </span>
                <span class="count">{ appendix.n_tasks() }</span>
            </button>
            <ul class="sections">
                { for appendix.sections.iter().enumerate().map(|(idx, s)| section_entry(props, index, vec![idx], s)) }
            </ul>
        </div>
    }
}

fn section_entry(
    props: &PlanNavProps,
    index: IndexKind,
    path: Vec<usize>,
    section: &Section,
) -> Html {
    let scope = Scope::Section(index, SectionPath(path.clone()));
    let active = props.scope == scope;
    let depth = path.len();
    let class = classes!(
        "nav-item",
        "section-item",
        format!("depth-{depth}"),
        active.then_some("active")
    );
    let on_click = props.on_select.reform(move |_: MouseEvent| scope.clone());
    html! {
        <li>
            <button type="button" {class} onclick={on_click} title={section.title.clone()}>
                <span class="section-code">{ &section.code }</span>
                <span class="section-title">{ &section.title }</span>
                <span class="count">{ section.n_tasks() }</span>
            </button>
            if !section.sections.is_empty() {
                <ul class="sections">
                    { for section.sections.iter().enumerate().map(|(idx, sub)| {
                        let mut sub_path = path.clone();
                        sub_path.push(idx);
                        section_entry(props, index, sub_path, sub)
                    }) }
                </ul>
            }
        </li>
    }
}
