//! The login form, in a dialog over the plan: server address, user name and password, and under
//! them the section "Chứng chỉ của máy chủ (CA nội bộ)" (folded; unfolded when the server's
//! certificate was refused).

use web_sys::HtmlInputElement;
use yew::prelude::*;

use super::ca_labels::SECTION_TITLE;
use super::ca_settings_panel::CaSettingsPanel;
use crate::backend::{BackendError, ErrorCode, LoginRequest};
use crate::ui::error_label;

#[derive(Clone, PartialEq, Properties)]
pub struct LoginDialogProps {
    /// The address the server field starts with (read when the dialog opens).
    pub server_url: String,
    /// The user name the form starts with (when logging in again; read when the dialog opens).
    pub username: String,
    pub busy: bool,
    pub error: Option<BackendError>,
    pub on_submit: Callback<LoginRequest>,
    pub on_cancel: Callback<()>,
}

#[function_component]
pub fn LoginDialog(props: &LoginDialogProps) -> Html {
    let server = use_node_ref();
    let username = use_node_ref();
    let password = use_node_ref();
    {
        // The fields are filled once, when the dialog opens, and then belong to the user: Yew
        // would put a `value` attribute back on every render. The first empty field gets focus.
        let (server, username, password) = (server.clone(), username.clone(), password.clone());
        let (server_url, name) = (props.server_url.clone(), props.username.clone());
        use_effect_with((), move |_| {
            let fields = [
                (&server, server_url),
                (&username, name),
                (&password, String::new()),
            ];
            let mut focused = false;
            for (node, initial) in fields {
                let Some(input) = node.cast::<HtmlInputElement>() else {
                    continue;
                };
                input.set_value(&initial);
                if initial.is_empty() && !focused {
                    let _ = input.focus();
                    focused = true;
                }
            }
        });
    }
    let onsubmit = {
        let (server, username, password) = (server.clone(), username.clone(), password.clone());
        let on_submit = props.on_submit.clone();
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            let value = |node: &NodeRef| {
                node.cast::<HtmlInputElement>()
                    .map(|input| input.value())
                    .unwrap_or_default()
            };
            on_submit.emit(LoginRequest {
                server_url: value(&server).trim().to_string(),
                username: value(&username).trim().to_string(),
                password: value(&password),
            });
        })
    };
    let on_cancel = props.on_cancel.reform(|_: MouseEvent| ());
    // The error line is always there (hidden without an error), so the form's children never
    // change shape while the user types.
    let (error_text, error_code, error_detail) = match &props.error {
        Some(err) => (
            error_label(err),
            format!("{:?}", err.code),
            err.message.clone(),
        ),
        None => (String::new(), String::new(), String::new()),
    };
    let untrusted = props
        .error
        .as_ref()
        .is_some_and(|err| err.code == ErrorCode::UntrustedCertificate);
    html! {
        <div class="dialog-backdrop">
            <form id="login-form" class="dialog login-form" {onsubmit}>
                <h2>{ "Đăng nhập máy chủ đồng bộ" }</h2>
                <p class="dialog-hint">{ "Chỉ cần đăng nhập một lần khi có mạng; sau đó ứng dụng vẫn làm việc được khi không có mạng." }</p>
                <label for="login-server">{ "Địa chỉ máy chủ" }</label>
                <input id="login-server" ref={server} type="url"
                    placeholder="https://may-chu.example.vn" autocomplete="url" spellcheck="false" required=true />
                <label for="login-username">{ "Tên đăng nhập" }</label>
                <input id="login-username" ref={username} type="text" autocomplete="username"
                    spellcheck="false" required=true />
                <label for="login-password">{ "Mật khẩu" }</label>
                <input id="login-password" ref={password} type="password" autocomplete="current-password" required=true />
                <p id="login-error" class="login-error" hidden={props.error.is_none()}
                    data-error-code={error_code} title={error_detail}>
                    { error_text }
                </p>
                <details id="login-ca" class="login-ca" open={untrusted}>
                    <summary>{ SECTION_TITLE }</summary>
                    <CaSettingsPanel titled={false} />
                </details>
                <div class="dialog-buttons">
                    <button type="button" class="secondary" onclick={on_cancel} disabled={props.busy}>{ "Huỷ" }</button>
                    <button id="login-submit" type="submit" class="primary" disabled={props.busy}>
                        { if props.busy { "Đang đăng nhập…" } else { "Đăng nhập" } }
                    </button>
                </div>
            </form>
        </div>
    }
}
