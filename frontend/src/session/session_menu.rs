//! The header's account corner: the logged-in user and "Đăng xuất", or "Đăng nhập"; and
//! "Cài đặt".

use yew::prelude::*;

use super::SessionContext;

#[derive(Clone, PartialEq, Properties)]
pub struct SessionMenuProps {
    /// Hidden until the application said who is logged in.
    pub known: bool,
    pub on_login: Callback<()>,
    pub on_logout: Callback<()>,
    pub on_settings: Callback<()>,
    /// A log out is on its way.
    pub busy: bool,
    /// The server refused the session: offer to log in again.
    pub expired: bool,
}

#[function_component]
pub fn SessionMenu(props: &SessionMenuProps) -> Html {
    // Hooks first: a hook after the early return would change their number between renders.
    let session = use_context::<SessionContext>().unwrap_or_default();
    if !props.known {
        return html! { <div class="session-menu"></div> };
    }
    let settings = html! {
        <button id="settings-open" class="header-button" type="button" title="Cài đặt (chứng chỉ của máy chủ)"
            onclick={props.on_settings.reform(|_: MouseEvent| ())}>
            { "Cài đặt" }
        </button>
    };
    match &session.user {
        Some(user) => {
            let on_logout = props.on_logout.reform(|_: MouseEvent| ());
            let title = format!("{} · {} · {}", user.username, user.unit, user.server_url);
            let shown = user.full_name.as_deref().unwrap_or(&user.username);
            html! {
                <div class="session-menu">
                    <span class="session-who" title={title}>
                        <span class="session-icon" aria-hidden="true">{ "●" }</span>
                        <span id="session-user">{ shown }</span>
                    </span>
                    if props.expired {
                        <button id="login-open" class="header-button" type="button" onclick={props.on_login.reform(|_: MouseEvent| ())}>
                            { "Đăng nhập lại" }
                        </button>
                    }
                    { settings }
                    <button id="logout" class="header-button" type="button" disabled={props.busy} onclick={on_logout}>
                        { "Đăng xuất" }
                    </button>
                </div>
            }
        }
        None => {
            let on_login = props.on_login.reform(|_: MouseEvent| ());
            html! {
                <div class="session-menu">
                    { settings }
                    <button id="login-open" class="header-button" type="button" onclick={on_login}>
                        { "Đăng nhập" }
                    </button>
                </div>
            }
        }
    }
}
