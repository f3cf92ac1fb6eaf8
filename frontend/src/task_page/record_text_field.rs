//! A long-text field of the record: saved 500 ms after the last keystroke and when it loses
//! focus; no save button.

use std::cell::Cell;
use std::rc::Rc;
use std::time::Duration;

use web_sys::HtmlTextAreaElement;
use yew::prelude::*;

/// How long typing must pause before the text is saved.
pub const SAVE_DELAY: Duration = Duration::from_millis(500);

#[derive(Clone, PartialEq, Properties)]
pub struct RecordTextFieldProps {
    pub id: AttrValue,
    pub label: AttrValue,
    /// What the box shows: the draft while typing, else the saved text.
    pub value: AttrValue,
    /// The saved text (a blur saves only when the box differs from it).
    pub saved: AttrValue,
    pub readonly: bool,
    pub on_draft: Callback<String>,
    pub on_save: Callback<String>,
}

#[function_component]
pub fn RecordTextField(props: &RecordTextFieldProps) -> Html {
    // Each keystroke takes a new number; a delayed save runs only if no keystroke came after it.
    let generation = use_mut_ref(|| Rc::new(Cell::new(0u64)));
    let oninput = {
        let generation = generation.borrow().clone();
        let on_draft = props.on_draft.clone();
        let on_save = props.on_save.clone();
        Callback::from(move |event: InputEvent| {
            let text = event.target_unchecked_into::<HtmlTextAreaElement>().value();
            on_draft.emit(text.clone());
            let mine = generation.get() + 1;
            generation.set(mine);
            let generation = generation.clone();
            let on_save = on_save.clone();
            yew::platform::spawn_local(async move {
                yew::platform::time::sleep(SAVE_DELAY).await;
                if generation.get() == mine {
                    on_save.emit(text);
                }
            });
        })
    };
    let onblur = {
        let generation = generation.borrow().clone();
        let on_save = props.on_save.clone();
        let saved = props.saved.clone();
        Callback::from(move |event: FocusEvent| {
            let text = event.target_unchecked_into::<HtmlTextAreaElement>().value();
            if text != saved.as_str() {
                // Saved now: cancel the delayed save.
                generation.set(generation.get() + 1);
                on_save.emit(text);
            }
        })
    };
    html! {
        <div class="record-field">
            <label for={props.id.clone()}>{ props.label.clone() }</label>
            <textarea
                id={props.id.clone()}
                rows="3"
                value={props.value.clone()}
                readonly={props.readonly}
                {oninput}
                {onblur}
            />
        </div>
    }
}
