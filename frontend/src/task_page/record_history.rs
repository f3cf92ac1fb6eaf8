//! The record's history: who changed what, and when (dd/mm/yyyy HH:MM), newest first. Who and
//! when are the server's record where it has one (the account that sent the change, and when it
//! arrived); a change that claims another author than the account that sent it is marked.
//! People are shown by their full names where the server gave them.

use std::collections::BTreeMap;

use yew::prelude::*;

use super::record_labels::describe_change;
use crate::backend::HistoryEntry;
use crate::ui::local_time;

#[derive(Clone, PartialEq, Properties)]
pub struct RecordHistoryProps {
    pub entries: Vec<HistoryEntry>,
    /// Whether the entries are this task's only (else the unit's whole records document).
    pub of_task: bool,
    /// Full names by login name (`RecordView::people`).
    #[prop_or_default]
    pub people: BTreeMap<String, String>,
}

/// How many entries are shown.
const SHOWN: usize = 30;

/// One row: the server's record when there is one, else what the change says (marked as not
/// confirmed by the server).
fn history_row(entry: &HistoryEntry, people: &BTreeMap<String, String>) -> Html {
    let name_of = |login| shared::person::name_of(people, login);
    let (time_ms, user, device, vouched) = match &entry.receipt {
        Some(receipt) => (
            receipt.received_ms,
            receipt.username.as_str(),
            receipt.device.as_str(),
            true,
        ),
        None => (
            entry.time * 1000,
            entry.user.as_str(),
            entry.device.as_str(),
            false,
        ),
    };
    let claim = entry.author_differs.then(|| {
        format!(
            "Thay đổi này tự ghi tác giả là {} (máy {}), nhưng máy chủ nhận nó từ tài khoản {} (máy {}).",
            name_of(&entry.user),
            entry.device,
            name_of(user),
            device
        )
    });
    let unconfirmed = !vouched && entry.user != "plansync";
    html! {
        <tr class={classes!("history-entry", entry.author_differs.then_some("history-differs"))}>
            <td class="history-time">{ local_time::date_time(time_ms) }</td>
            <td class="history-user" title={format!("{user} · máy: {device}")}>
                { name_of(user) }
                if let Some(claim) = claim {
                    <span class="history-claim" title={claim.clone()} aria-label={claim}>{ " ⚠ tác giả tự ghi khác" }</span>
                }
                if unconfirmed {
                    <span class="history-unconfirmed" title="Máy chủ chưa ghi nhận thay đổi này (chưa gửi, hoặc từ trước khi máy chủ ghi nhận)">{ " (chưa xác nhận)" }</span>
                }
            </td>
            <td class="history-what">{ describe_change(&entry.what) }</td>
        </tr>
    }
}

#[function_component]
pub fn RecordHistory(props: &RecordHistoryProps) -> Html {
    let note = if props.of_task {
        "Các thay đổi của nhiệm vụ này."
    } else {
        "Các thay đổi trong sổ theo dõi năm của đơn vị (mọi nhiệm vụ)."
    };
    let shown: Vec<&HistoryEntry> = props
        .entries
        .iter()
        .rev()
        .filter(|e| e.user != "unknown" || !e.what.is_empty())
        .take(SHOWN)
        .collect();
    html! {
        <details id="record-history" class="record-history">
            <summary>{ format!("Lịch sử thay đổi ({})", props.entries.len()) }</summary>
            <p class="note">{ note }</p>
            if shown.is_empty() {
                <p class="hint">{ "Chưa có thay đổi nào." }</p>
            } else {
                <table class="history">
                    <thead><tr><th>{ "Thời gian" }</th><th>{ "Người sửa" }</th><th>{ "Nội dung" }</th></tr></thead>
                    <tbody>
                        { for shown.into_iter().map(|entry| history_row(entry, &props.people)) }
                    </tbody>
                </table>
            }
        </details>
    }
}
