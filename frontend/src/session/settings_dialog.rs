//! The settings ("Cài đặt"), in a dialog over the plan: for now the section "Chứng chỉ của máy
//! chủ (CA nội bộ)". Opened from the header and from the sync bar when the server's certificate
//! is not trusted.

use yew::prelude::*;

use super::ca_settings_panel::CaSettingsPanel;

#[derive(Clone, PartialEq, Properties)]
pub struct SettingsDialogProps {
    pub on_close: Callback<()>,
}

#[function_component]
pub fn SettingsDialog(props: &SettingsDialogProps) -> Html {
    let on_close = props.on_close.reform(|_: MouseEvent| ());
    html! {
        <div class="dialog-backdrop">
            <div id="settings-dialog" class="dialog settings-dialog" role="dialog" aria-labelledby="settings-title">
                <h2 id="settings-title">{ "Cài đặt" }</h2>
                <CaSettingsPanel />
                <div class="dialog-buttons">
                    <button id="settings-close" type="button" class="primary" onclick={on_close}>{ "Đóng" }</button>
                </div>
            </div>
        </div>
    }
}
