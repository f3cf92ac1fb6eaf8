//! The login form, in a dialog over the plan: server address, user name and password, and under
//! them the section "Chứng chỉ của máy chủ (CA nội bộ)" (folded; unfolded when the server's
//! certificate was refused).
//!
//! The server address is the administrator's when their settings file gives one: shown as text
//! (`#login-server-fixed`, "Máy chủ: https://…" with the host name in bold), with a small
//! "Đổi máy chủ" (`#login-server-change`) that shows the field for the rare case. Otherwise
//! (none set, `PLANSYNC_SERVER`, or a settings file that cannot be read) the field
//! `#login-server` is shown as before, with a hint (`#login-server-hint`) when no address is
//! set at all and the settings file's problem (`#login-settings-problem`) when there is one. The
//! field is always in the form and always submitted, hidden or not.

use web_sys::HtmlInputElement;
use yew::prelude::*;

use super::ca_labels::SECTION_TITLE;
use super::ca_settings_panel::CaSettingsPanel;
use crate::backend::{BackendError, ErrorCode, LoginRequest, SessionView};
use crate::ui::error_label;

/// How the form shows the server address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ServerField {
    /// The app has not said yet (the field is kept out of sight for that moment).
    Unknown,
    /// The administrator's address, shown as text.
    Fixed { url: String },
    /// Typed (or prefilled by `PLANSYNC_SERVER`); `hint` when no address is set at all and the
    /// settings file has no problem (its message already says to type the address).
    Typed { hint: bool },
}

impl ServerField {
    /// How the form shows the address the app's `view` proposes.
    pub fn of(view: &SessionView) -> ServerField {
        match &view.default_server_url {
            Some(url) if view.server_from_admin => ServerField::Fixed { url: url.clone() },
            Some(_) => ServerField::Typed { hint: false },
            None => ServerField::Typed {
                hint: view.settings_problem.is_none(),
            },
        }
    }
}

/// Shown when no address is set: staff should not have to type it.
pub const NO_ADDRESS_HINT: &str = "Hãy nhập địa chỉ máy chủ do bộ phận tin học cung cấp. Quản trị viên có thể cài sẵn địa chỉ này một lần cho máy, khi đó không cần nhập nữa.";

/// `url` cut around its host name, so the host can stand out: ("https://", "may-chu.vn",
/// ":8443/plansync/"). An address without "://" is all host.
pub fn split_at_host(url: &str) -> (&str, &str, &str) {
    let start = url.find("://").map_or(0, |at| at + 3);
    let rest = &url[start..];
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let authority = &rest[..authority_end];
    let host_start = authority.rfind('@').map_or(0, |at| at + 1);
    let host_and_port = &authority[host_start..];
    let host_len = if host_and_port.starts_with('[') {
        host_and_port
            .find(']')
            .map_or(host_and_port.len(), |at| at + 1)
    } else {
        host_and_port.find(':').unwrap_or(host_and_port.len())
    };
    let host_at = start + host_start;
    (
        &url[..host_at],
        &url[host_at..host_at + host_len],
        &url[host_at + host_len..],
    )
}

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
    /// What the app said about the session: whether the address is the administrator's, and
    /// the settings file's problem (`None` until it said).
    #[prop_or_default]
    pub view: Option<SessionView>,
}

#[function_component]
pub fn LoginDialog(props: &LoginDialogProps) -> Html {
    let server = use_node_ref();
    let username = use_node_ref();
    let password = use_node_ref();
    // Whether the address is the administrator's, and the settings file's problem: the
    // session the app last said.
    let view = props.view.as_ref();
    // "Đổi máy chủ" was clicked: the administrator's address is shown as a field.
    let changing_server = use_state(|| false);
    let field = view.map_or(ServerField::Unknown, ServerField::of);
    {
        // The fields are filled once, when the dialog opens, and then belong to the user: Yew
        // would put a `value` attribute back on every render.
        let (server, username, password) = (server.clone(), username.clone(), password.clone());
        let (server_url, name) = (props.server_url.clone(), props.username.clone());
        use_effect_with((), move |_| {
            for (node, initial) in [
                (&server, server_url),
                (&username, name),
                (&password, String::new()),
            ] {
                if let Some(input) = node.cast::<HtmlInputElement>() {
                    input.set_value(&initial);
                }
            }
        });
    }
    {
        // Once the app said how the address is shown: the administrator's address goes into the
        // (hidden) field, and the first empty field in sight gets focus. What the user typed
        // meanwhile stays.
        let (server, username, password) = (server.clone(), username.clone(), password.clone());
        use_effect_with(field.clone(), move |field| {
            let server_in_sight = match field {
                ServerField::Unknown => return,
                ServerField::Fixed { url } => {
                    if let Some(input) = server.cast::<HtmlInputElement>() {
                        input.set_value(url);
                    }
                    false
                }
                ServerField::Typed { .. } => true,
            };
            let fields = [
                (&server, server_in_sight),
                (&username, true),
                (&password, true),
            ];
            for (node, in_sight) in fields {
                let Some(input) = node.cast::<HtmlInputElement>() else {
                    continue;
                };
                if in_sight && input.value().is_empty() {
                    let _ = input.focus();
                    break;
                }
            }
        });
    }
    let on_change_server = {
        let changing_server = changing_server.clone();
        Callback::from(move |_: MouseEvent| changing_server.set(true))
    };
    {
        // The field comes into sight after the click's render: focus it then.
        let server = server.clone();
        use_effect_with(*changing_server, move |changing| {
            if let (true, Some(input)) = (*changing, server.cast::<HtmlInputElement>()) {
                let _ = input.focus();
            }
        });
    }
    let on_keep_server = {
        let (changing_server, server) = (changing_server.clone(), server.clone());
        let field = field.clone();
        Callback::from(move |_: MouseEvent| {
            changing_server.set(false);
            if let (ServerField::Fixed { url }, Some(input)) =
                (&field, server.cast::<HtmlInputElement>())
            {
                input.set_value(url);
            }
        })
    };
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
    let settings_problem = view
        .and_then(|view| view.settings_problem.clone())
        .map(|problem| html! { <p id="login-settings-problem" class="login-settings-problem">{ problem }</p> });
    let fixed = match &field {
        ServerField::Fixed { url } => {
            let (before, host, after) = split_at_host(url);
            let change = if *changing_server {
                html! {
                    <button id="login-server-keep" type="button" class="login-server-change"
                        onclick={on_keep_server}>{ "Dùng máy chủ đã cài sẵn" }</button>
                }
            } else {
                html! {
                    <button id="login-server-change" type="button" class="login-server-change"
                        onclick={on_change_server}>{ "Đổi máy chủ" }</button>
                }
            };
            Some(html! {
                <p id="login-server-fixed" class="login-server-fixed" title={url.clone()}>
                    { "Máy chủ: " }
                    <span class="login-server-url">{ before }<wbr /><strong>{ host }</strong><wbr />{ after }</span>
                    { " " }
                    { change }
                </p>
            })
        }
        ServerField::Unknown | ServerField::Typed { .. } => None,
    };
    let server_hidden = match &field {
        ServerField::Unknown => true,
        ServerField::Fixed { .. } => !*changing_server,
        ServerField::Typed { .. } => false,
    };
    let hint = matches!(field, ServerField::Typed { hint: true })
        .then(|| html! { <p id="login-server-hint" class="dialog-hint">{ NO_ADDRESS_HINT }</p> });
    html! {
        <div class="dialog-backdrop">
            <form id="login-form" class="dialog login-form" {onsubmit}>
                <h2>{ "Đăng nhập máy chủ đồng bộ" }</h2>
                <p class="dialog-hint">{ "Chỉ cần đăng nhập một lần khi có mạng; sau đó ứng dụng vẫn làm việc được khi không có mạng." }</p>
                { settings_problem }
                { fixed }
                <div class="login-server-field" hidden={server_hidden}>
                    <label for="login-server">{ "Địa chỉ máy chủ" }</label>
                    <input id="login-server" ref={server} type="url"
                        placeholder="https://may-chu.example.vn" autocomplete="url" spellcheck="false" required=true />
                    { hint }
                </div>
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_host_name_stands_out_of_the_address() {
        assert_eq!(
            split_at_host("https://may-chu.example.vn"),
            ("https://", "may-chu.example.vn", "")
        );
        assert_eq!(
            split_at_host("https://may-chu.example.vn:8443/plansync/"),
            ("https://", "may-chu.example.vn", ":8443/plansync/")
        );
        assert_eq!(
            split_at_host("http://[::1]:8080"),
            ("http://", "[::1]", ":8080")
        );
        assert_eq!(split_at_host("may-chu"), ("", "may-chu", ""));
    }

    #[test]
    fn only_the_administrator_s_address_is_shown_as_text() {
        let view = |url: Option<&str>, from_admin: bool| SessionView {
            default_server_url: url.map(str::to_string),
            server_from_admin: from_admin,
            ..SessionView::default()
        };
        assert_eq!(
            ServerField::of(&view(Some("https://a.vn"), true)),
            ServerField::Fixed {
                url: "https://a.vn".into()
            }
        );
        assert_eq!(
            ServerField::of(&view(Some("http://127.0.0.1:8080"), false)),
            ServerField::Typed { hint: false },
            "PLANSYNC_SERVER prefills the field, which stays editable (developers, tests)"
        );
        assert_eq!(
            ServerField::of(&view(None, false)),
            ServerField::Typed { hint: true },
            "nothing set: the field, and a hint that the administrator can set it once"
        );
        let broken = SessionView {
            settings_problem: Some("Không đọc được tệp cài đặt …".into()),
            ..view(None, false)
        };
        assert_eq!(
            ServerField::of(&broken),
            ServerField::Typed { hint: false },
            "the settings file's problem already says to type the address"
        );
    }
}
