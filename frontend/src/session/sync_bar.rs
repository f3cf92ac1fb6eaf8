//! The sync bar at the bottom of the window: the sync state, how many local changes the server
//! has not confirmed, evidence files waiting for upload, and the last problem (with a way to the
//! CA certificate setting when the server's certificate is not trusted).

use yew::prelude::*;

use super::sync_labels::{offline_label, sync_state_label, unconfirmed_label, uploads_label};
use super::SessionContext;
use crate::backend::{ErrorCode, SyncState};
use crate::ui::error_label;
use crate::ui::local_time;

#[derive(Clone, PartialEq, Properties)]
pub struct SyncBarProps {
    /// Opens the settings (offered when the server's certificate is not trusted).
    pub on_settings: Callback<()>,
}

#[function_component]
pub fn SyncBar(props: &SyncBarProps) -> Html {
    // The status, and whether anyone is logged in (offline without a session is said
    // differently).
    let session = use_context::<SessionContext>().unwrap_or_default();
    let status = &session.sync;
    let logged_in = session.user.is_some();
    // When the app was last up to date, for the message while there is no link.
    let last_synced = use_mut_ref(|| None::<i64>);
    if let SyncState::UpToDate { since_ms } = status.state {
        *last_synced.borrow_mut() = Some(since_ms);
    }
    let no_link = logged_in
        && matches!(status.state, SyncState::Connecting | SyncState::Offline)
        && status.last_error.as_ref().is_some_and(|err| {
            matches!(
                err.code,
                ErrorCode::ServerUnreachable | ErrorCode::ConnectionLost
            )
        });
    let offline_note = no_link.then(|| offline_label(*last_synced.borrow()));
    let kind = match status.state {
        SyncState::Offline => "offline",
        SyncState::Connecting => "connecting",
        SyncState::Syncing => "syncing",
        SyncState::UpToDate { .. } => "up-to-date",
    };
    let label = sync_state_label(status.state, local_time::hh_mm);
    let note = (!logged_in).then_some("chưa đăng nhập máy chủ; kế hoạch xem trên máy này");
    let unconfirmed = unconfirmed_label(status);
    let uploads = uploads_label(status);
    let error = status
        .last_error
        .as_ref()
        .map(|err| (error_label(err), err.message.clone()));
    let untrusted = status
        .last_error
        .as_ref()
        .is_some_and(|err| err.code == ErrorCode::UntrustedCertificate);
    html! {
        <footer id="sync-bar" class={classes!("sync-bar", kind, no_link.then_some("no-link"))} data-state={kind}>
            <span class="sync-dot" aria-hidden="true"></span>
            <span id="sync-state" class="sync-state">{ label }</span>
            if let Some(offline_note) = offline_note {
                <span id="sync-offline" class="sync-offline">{ offline_note }</span>
            }
            if let Some(note) = note {
                <span class="sync-note">{ note }</span>
            }
            if let Some(unconfirmed) = unconfirmed {
                <span id="sync-unconfirmed" class="sync-unconfirmed">{ unconfirmed }</span>
            }
            if let Some(uploads) = uploads {
                <span id="sync-uploads" class="sync-uploads">{ uploads }</span>
            }
            if let Some((words, detail)) = error {
                <span id="sync-error" class="sync-error" title={detail}>{ words }</span>
            }
            if untrusted {
                <button id="sync-ca-settings" type="button" class="sync-action"
                    onclick={props.on_settings.reform(|_: MouseEvent| ())}>
                    { "Chọn chứng chỉ CA…" }
                </button>
            }
        </footer>
    }
}
