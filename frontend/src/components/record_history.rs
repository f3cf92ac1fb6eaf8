//! The record's history: who changed what, and when (dd/mm/yyyy HH:MM), newest first.

use yew::prelude::*;

use crate::backend::HistoryEntry;
use crate::local_time;
use crate::record_labels::describe_change;

#[derive(Clone, PartialEq, Properties)]
pub struct RecordHistoryProps {
    pub entries: Vec<HistoryEntry>,
    /// Whether the entries are this task's only (else the unit's whole records document).
    pub of_task: bool,
}

/// How many entries are shown.
const SHOWN: usize = 30;

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
                        { for shown.into_iter().map(|entry| html! {
                            <tr class="history-entry">
                                <td class="history-time">{ local_time::date_time(entry.time * 1000) }</td>
                                <td class="history-user" title={entry.device.clone()}>{ &entry.user }</td>
                                <td class="history-what">{ describe_change(&entry.what) }</td>
                            </tr>
                        }) }
                    </tbody>
                </table>
            }
        </details>
    }
}
