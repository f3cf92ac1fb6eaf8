//! Asks before a log out that would lose changes the server has not confirmed, and shows why a
//! log out failed.

use yew::prelude::*;

use crate::backend::BackendError;
use crate::ui::error_label;

#[derive(Clone, PartialEq, Properties)]
pub struct LogoutDialogProps {
    /// Set while asking: how many changes would be lost.
    pub n_unconfirmed: Option<usize>,
    /// Set when the log out failed.
    pub error: Option<BackendError>,
    pub on_confirm: Callback<()>,
    pub on_cancel: Callback<()>,
}

#[function_component]
pub fn LogoutDialog(props: &LogoutDialogProps) -> Html {
    let on_cancel = props.on_cancel.reform(|_: MouseEvent| ());
    let on_confirm = props.on_confirm.reform(|_: MouseEvent| ());
    let body = match (&props.n_unconfirmed, &props.error) {
        (Some(n_unconfirmed), _) => html! {
            <>
                <h2>{ "Đăng xuất và bỏ thay đổi?" }</h2>
                <p>
                    { format!("Còn {n_unconfirmed} thay đổi chưa được máy chủ xác nhận. ") }
                    { "Đăng xuất bây giờ sẽ xoá các thay đổi này khỏi máy. Nên chờ đến khi thanh đồng bộ báo \"Đã đồng bộ\"." }
                </p>
                <div class="dialog-buttons">
                    <button type="button" class="secondary" onclick={on_cancel}>{ "Huỷ" }</button>
                    <button id="logout-confirm" type="button" class="danger" onclick={on_confirm}>{ "Vẫn đăng xuất" }</button>
                </div>
            </>
        },
        (None, Some(error)) => html! {
            <>
                <h2>{ "Không đăng xuất được" }</h2>
                <p title={error.message.clone()}>{ error_label(error) }</p>
                <div class="dialog-buttons">
                    <button type="button" class="primary" onclick={on_cancel}>{ "Đóng" }</button>
                </div>
            </>
        },
        (None, None) => return html! {},
    };
    html! {
        <div class="dialog-backdrop">
            <div id="logout-dialog" class="dialog" role="alertdialog">{ body }</div>
        </div>
    }
}
