//! The search box: filters tasks as the user types; Escape clears it.

use web_sys::HtmlInputElement;
use yew::prelude::*;

#[derive(Clone, PartialEq, Properties)]
pub struct SearchBoxProps {
    pub value: String,
    pub on_change: Callback<String>,
    #[prop_or_default]
    pub disabled: bool,
    /// The input, so that a keyboard shortcut can focus it.
    #[prop_or_default]
    pub input_ref: NodeRef,
}

#[function_component]
pub fn SearchBox(props: &SearchBoxProps) -> Html {
    let oninput = {
        let on_change = props.on_change.clone();
        Callback::from(move |event: InputEvent| {
            let input: HtmlInputElement = event.target_unchecked_into();
            on_change.emit(input.value());
        })
    };
    let onkeydown = {
        let on_change = props.on_change.clone();
        Callback::from(move |event: KeyboardEvent| {
            if event.key() == "Escape" {
                on_change.emit(String::new());
            }
        })
    };
    let on_clear = {
        let on_change = props.on_change.clone();
        Callback::from(move |_: MouseEvent| on_change.emit(String::new()))
    };
    html! {
        <div class="search">
            <span class="search-icon" aria-hidden="true">{ "⌕" }</span>
            <input
                id="search"
                ref={props.input_ref.clone()}
                type="search"
                placeholder="Tìm nhiệm vụ, đơn vị… (gõ không dấu được)"
                aria-label="Tìm nhiệm vụ"
                title="Tìm theo mã, tên, nội dung, đơn vị chủ trì, phối hợp, thời gian; gõ không dấu cũng được. Ctrl+F hoặc / để tìm, Esc để xoá."
                autocomplete="off"
                spellcheck="false"
                value={props.value.clone()}
                disabled={props.disabled}
                {oninput}
                {onkeydown}
            />
            if !props.value.is_empty() {
                <button class="search-clear" type="button" title="Xoá tìm kiếm" onclick={on_clear}>{ "×" }</button>
            }
        </div>
    }
}
