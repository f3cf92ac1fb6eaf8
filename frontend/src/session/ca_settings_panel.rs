//! The section "Chứng chỉ của máy chủ (CA nội bộ)", in the login form and in the settings
//! dialog: the CA files the app trusts besides the system's (subject and validity of each
//! certificate), "Chọn tệp…" (the system's dialog; the file is checked and saved at once) or a
//! typed path with "Dùng tệp này", and "Bỏ". Every button is `type="button"`, so inside the
//! login form none of them logs in.

use web_sys::HtmlInputElement;
use yew::prelude::*;

use super::ca_labels::{
    certificate_line, file_summary, has_invalid, NONE_CHOSEN, SECTION_HINT, SECTION_TITLE,
};
use super::ca_state::{CaAction, CaBusy, CaDone, CaState};
use crate::backend::{BackendHandle, CaFileView};
use crate::ui::error_label;
use crate::ui::local_time;

#[derive(Clone, PartialEq, Properties)]
pub struct CaSettingsPanelProps {
    /// Show the section's own title (the settings dialog); the login form has it in its
    /// `<summary>`.
    #[prop_or(true)]
    pub titled: bool,
}

#[function_component]
pub fn CaSettingsPanel(props: &CaSettingsPanelProps) -> Html {
    let state = use_reducer(CaState::default);
    let backend = use_context::<BackendHandle>().expect("the app provides the backend");
    {
        let dispatcher = state.dispatcher();
        let backend = backend.clone();
        use_effect_with((), move |_| {
            dispatcher.dispatch(CaAction::LoadStarted);
            yew::platform::spawn_local(async move {
                let action = match backend.backend().ca_settings().await {
                    Ok(settings) => CaAction::Loaded(settings),
                    Err(err) => CaAction::Failed(err),
                };
                dispatcher.dispatch(action);
            });
        });
    }

    // Checks and saves the file at `path` (picked or typed).
    let save = {
        let dispatcher = state.dispatcher();
        let backend = backend.clone();
        Callback::from(move |path: String| {
            dispatcher.dispatch(CaAction::SaveStarted);
            let dispatcher = dispatcher.clone();
            let backend = backend.clone();
            yew::platform::spawn_local(async move {
                let action = match backend.backend().set_ca_file(path).await {
                    Ok(settings) => CaAction::Saved(settings),
                    Err(err) => CaAction::Failed(err),
                };
                dispatcher.dispatch(action);
            });
        })
    };
    let on_pick = {
        let dispatcher = state.dispatcher();
        let backend = backend.clone();
        let save = save.clone();
        Callback::from(move |_: MouseEvent| {
            dispatcher.dispatch(CaAction::PickStarted);
            let dispatcher = dispatcher.clone();
            let backend = backend.clone();
            let save = save.clone();
            yew::platform::spawn_local(async move {
                match backend.backend().pick_ca_file().await {
                    Ok(picked) => {
                        dispatcher.dispatch(CaAction::Picked(picked.clone()));
                        if let Some(path) = picked {
                            save.emit(path);
                        }
                    }
                    Err(err) => dispatcher.dispatch(CaAction::Failed(err)),
                }
            });
        })
    };
    let on_path = {
        let dispatcher = state.dispatcher();
        Callback::from(move |event: InputEvent| {
            let input: HtmlInputElement = event.target_unchecked_into();
            dispatcher.dispatch(CaAction::Path(input.value()));
        })
    };
    let typed = state.path.trim().to_string();
    let can_use_path = state.can_use_path();
    let on_use = {
        let (save, typed) = (save.clone(), typed.clone());
        Callback::from(move |_: MouseEvent| save.emit(typed.clone()))
    };
    // Enter in the path field uses the file (and never submits the login form around it).
    let on_key = {
        let (save, typed) = (save.clone(), typed.clone());
        Callback::from(move |event: KeyboardEvent| {
            if event.key() == "Enter" {
                event.prevent_default();
                if can_use_path {
                    save.emit(typed.clone());
                }
            }
        })
    };
    let on_remove = {
        let dispatcher = state.dispatcher();
        let backend = backend.clone();
        Callback::from(move |_: MouseEvent| {
            dispatcher.dispatch(CaAction::RemoveStarted);
            let dispatcher = dispatcher.clone();
            let backend = backend.clone();
            yew::platform::spawn_local(async move {
                let action = match backend.backend().remove_ca_file().await {
                    Ok(settings) => CaAction::Removed(settings),
                    Err(err) => CaAction::Failed(err),
                };
                dispatcher.dispatch(action);
            });
        })
    };

    let busy = state.busy.is_some();
    let now = local_time::now_ms();
    let file_view = |id: &'static str, file: &CaFileView| {
        let items = file.certificates.iter().map(|cert| {
            html! { <li class="ca-certificate">{ certificate_line(cert, now, local_time::date) }</li> }
        });
        let warn = file.problem.is_some() || has_invalid(file, now);
        html! {
            <div id={id} class={classes!("ca-file", warn.then_some("warn"))} title={file.path.clone()}>
                <p class="ca-file-summary">{ file_summary(file) }</p>
                if !file.certificates.is_empty() {
                    <ul class="ca-certificates">{ for items }</ul>
                }
            </div>
        }
    };
    let chosen = match state.settings.as_ref().map(|s| &s.chosen) {
        None => html! { <p class="hint">{ "Đang đọc…" }</p> },
        Some(None) => html! { <p id="ca-none" class="hint">{ NONE_CHOSEN }</p> },
        Some(Some(file)) => file_view("ca-chosen", file),
    };
    let from_env = state
        .settings
        .as_ref()
        .and_then(|s| s.from_env.as_ref())
        .map(|file| {
            html! {
                <div class="ca-env">
                    <p class="hint">{ format!("Luôn tin cậy thêm tệp do biến môi trường PLANSYNC_CA_FILE chỉ định: {}", file.path) }</p>
                    { file_view("ca-from-env", file) }
                </div>
            }
        });
    let done = state.done.map(|done| match done {
        CaDone::Saved => {
            "Đã lưu tệp chứng chỉ. Ứng dụng dùng nó ngay từ lần kết nối tới máy chủ này."
        }
        CaDone::Removed => {
            "Đã bỏ tệp chứng chỉ; ứng dụng chỉ tin cậy các chứng chỉ của hệ điều hành."
        }
    });
    let picking = state.busy == Some(CaBusy::Picking);
    let saving = state.busy == Some(CaBusy::Saving);
    let removing = state.busy == Some(CaBusy::Removing);
    html! {
        <section id="ca-settings" class="ca-settings">
            if props.titled {
                <h3>{ SECTION_TITLE }</h3>
            }
            <p class="hint">{ SECTION_HINT }</p>
            { chosen }
            { for from_env }
            <div class="ca-controls">
                <button type="button" id="ca-pick" class="secondary" disabled={busy} onclick={on_pick}>
                    { if picking { "Đang chọn…" } else { "Chọn tệp…" } }
                </button>
                if state.has_chosen() {
                    <button type="button" id="ca-remove" class="secondary" disabled={busy} onclick={on_remove}>
                        { if removing { "Đang bỏ…" } else { "Bỏ" } }
                    </button>
                }
            </div>
            <div class="ca-controls">
                <input id="ca-path" type="text" autocomplete="off" spellcheck="false"
                    placeholder="hoặc dán đường dẫn đầy đủ của tệp chứng chỉ (.pem)"
                    value={state.path.clone()} oninput={on_path} onkeydown={on_key} />
                <button type="button" id="ca-use" class="secondary" disabled={!can_use_path} onclick={on_use}>
                    { if saving { "Đang kiểm tra…" } else { "Dùng tệp này" } }
                </button>
            </div>
            if let Some(done) = done {
                <p id="ca-done" class="ca-done" role="status">{ done }</p>
            }
            if let Some(err) = &state.error {
                <p id="ca-error" class="field-error" role="alert" title={err.message.clone()}>{ error_label(err) }</p>
            }
        </section>
    }
}
