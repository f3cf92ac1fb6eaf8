//! The evidence files (tài liệu kiểm chứng) of the shown period, under the record's texts and
//! actuals: each file's name, size, who attached it and when, and whether the server has it;
//! "Mở" for everyone who reads the record (a file that is not a document or image is shown in
//! its folder instead, with why), and for the own unit while the period is open
//! "Chọn tệp…" (the system's dialog) or a typed path with "Đính kèm", and "Gỡ" per file.

use shared::calendar::PeriodId;
use shared::TaskId;
use web_sys::HtmlInputElement;
use yew::prelude::*;

use super::evidence_labels::{entry_state, opened_note, upload_state_label, ACCEPTED_HINT};
use super::evidence_state::{Busy, EvidenceAction, EvidenceState};
use crate::backend::{BackendHandle, Evidence, OpenEvidenceRequest, UploadSummary};
use crate::ui::error_label;
use crate::ui::format_size;
use crate::ui::local_time;

#[derive(Clone, PartialEq, Properties)]
pub struct RecordEvidenceProps {
    pub task_id: TaskId,
    /// The unit whose record is shown, and its year.
    pub unit: String,
    pub year: i32,
    pub period: PeriodId,
    /// The period's files, as the record lists them.
    pub evidence: Vec<Evidence>,
    /// The own unit's record and the period is not accepted: files can be attached and removed.
    pub can_attach: bool,
    /// Files waiting for upload, from the sync status (live).
    pub uploads: UploadSummary,
    /// A file was attached or removed: read the record again.
    pub on_changed: Callback<()>,
}

#[function_component]
pub fn RecordEvidence(props: &RecordEvidenceProps) -> Html {
    let state = use_reducer(EvidenceState::default);
    let backend = use_context::<BackendHandle>().expect("the app provides the backend");

    // Ask the upload states whenever the files, the waiting uploads or the state ask change.
    {
        let dispatcher = state.dispatcher();
        let backend = backend.clone();
        let shas: Vec<String> = props.evidence.iter().map(|e| e.sha256.clone()).collect();
        use_effect_with(
            (
                props.unit.clone(),
                props.year,
                shas,
                props.uploads.waiting.clone(),
                state.n_state_loads,
            ),
            move |(unit, year, shas, _, _)| {
                if !shas.is_empty() {
                    let (unit, year, shas) = (unit.clone(), *year, shas.clone());
                    yew::platform::spawn_local(async move {
                        if let Ok(states) =
                            backend.backend().evidence_states(unit, year, shas).await
                        {
                            dispatcher.dispatch(EvidenceAction::StatesLoaded(states));
                        }
                    });
                }
            },
        );
    }

    let busy = state.busy.is_some();
    let on_pick = {
        let dispatcher = state.dispatcher();
        let backend = backend.clone();
        Callback::from(move |_: MouseEvent| {
            dispatcher.dispatch(EvidenceAction::PickStarted);
            let dispatcher = dispatcher.clone();
            let backend = backend.clone();
            yew::platform::spawn_local(async move {
                let action = match backend.backend().pick_file().await {
                    Ok(path) => EvidenceAction::Picked(path),
                    Err(err) => EvidenceAction::Failed(err),
                };
                dispatcher.dispatch(action);
            });
        })
    };
    let on_path = {
        let dispatcher = state.dispatcher();
        Callback::from(move |event: InputEvent| {
            let input: HtmlInputElement = event.target_unchecked_into();
            dispatcher.dispatch(EvidenceAction::Path(input.value()));
        })
    };
    let on_attach = {
        let dispatcher = state.dispatcher();
        let backend = backend.clone();
        let task_id = props.task_id.clone();
        let period = props.period;
        let path = state.path.trim().to_string();
        let on_changed = props.on_changed.clone();
        Callback::from(move |_: MouseEvent| {
            dispatcher.dispatch(EvidenceAction::AttachStarted);
            let dispatcher = dispatcher.clone();
            let backend = backend.clone();
            let (task_id, path, on_changed) = (task_id.clone(), path.clone(), on_changed.clone());
            yew::platform::spawn_local(async move {
                match backend
                    .backend()
                    .attach_evidence(task_id, period, path)
                    .await
                {
                    Ok(_) => {
                        dispatcher.dispatch(EvidenceAction::Attached);
                        on_changed.emit(());
                    }
                    Err(err) => dispatcher.dispatch(EvidenceAction::Failed(err)),
                }
            });
        })
    };
    let on_detach = {
        let dispatcher = state.dispatcher();
        let backend = backend.clone();
        let task_id = props.task_id.clone();
        let period = props.period;
        let on_changed = props.on_changed.clone();
        Callback::from(move |sha256: String| {
            dispatcher.dispatch(EvidenceAction::DetachStarted(sha256.clone()));
            let dispatcher = dispatcher.clone();
            let backend = backend.clone();
            let (task_id, on_changed) = (task_id.clone(), on_changed.clone());
            yew::platform::spawn_local(async move {
                match backend
                    .backend()
                    .detach_evidence(task_id, period, sha256)
                    .await
                {
                    Ok(()) => {
                        dispatcher.dispatch(EvidenceAction::Detached);
                        on_changed.emit(());
                    }
                    Err(err) => dispatcher.dispatch(EvidenceAction::Failed(err)),
                }
            });
        })
    };
    let on_open = {
        let dispatcher = state.dispatcher();
        let backend = backend.clone();
        let request = OpenEvidenceRequest {
            unit: props.unit.clone(),
            task_id: props.task_id.clone(),
            year: props.year,
            sha256: String::new(),
            launch: true,
        };
        Callback::from(move |sha256: String| {
            dispatcher.dispatch(EvidenceAction::OpenStarted(sha256.clone()));
            let dispatcher = dispatcher.clone();
            let backend = backend.clone();
            let request = OpenEvidenceRequest {
                sha256: sha256.clone(),
                ..request.clone()
            };
            yew::platform::spawn_local(async move {
                let action = match backend.backend().open_evidence(request).await {
                    Ok(opened) => EvidenceAction::Opened(sha256, opened),
                    Err(err) => EvidenceAction::Failed(err),
                };
                dispatcher.dispatch(action);
            });
        })
    };

    let items = props.evidence.iter().map(|e| {
        let answered = state.states.get(&e.sha256).copied();
        let (label, class) =
            upload_state_label(entry_state(&e.sha256, e.size, answered, &props.uploads));
        let open = {
            let on_open = on_open.clone();
            let sha = e.sha256.clone();
            Callback::from(move |_: MouseEvent| on_open.emit(sha.clone()))
        };
        let detach = {
            let on_detach = on_detach.clone();
            let sha = e.sha256.clone();
            Callback::from(move |_: MouseEvent| on_detach.emit(sha.clone()))
        };
        let opening = state.busy == Some(Busy::Opening(e.sha256.clone()));
        let detaching = state.busy == Some(Busy::Detaching(e.sha256.clone()));
        html! {
            <li class="evidence-item" key={e.sha256.clone()} data-sha256={e.sha256.clone()} data-state={class}>
                <span class="evidence-name" title={e.mime.clone().unwrap_or_default()}>{ &e.name }</span>
                <span class="evidence-size">{ format_size(e.size) }</span>
                <span class="evidence-by">{ format!("{} · {}", e.by, local_time::date_time(e.at)) }</span>
                <span class={classes!("evidence-state", class)}>{ label }</span>
                <button type="button" class="evidence-open" disabled={busy} onclick={open}>
                    { if opening { "Đang mở…" } else { "Mở" } }
                </button>
                if props.can_attach {
                    <button type="button" class="evidence-detach" disabled={busy} onclick={detach}>
                        { if detaching { "Đang gỡ…" } else { "Gỡ" } }
                    </button>
                }
            </li>
        }
    });

    let opened = state.opened.as_ref().map(|(_, opened)| {
        let note = opened_note(opened);
        let select = Callback::from(|event: FocusEvent| {
            let input: HtmlInputElement = event.target_unchecked_into();
            input.select();
        });
        html! {
            <p id="evidence-opened" class={classes!("evidence-opened", opened.refused.is_some().then_some("refused"))}
                data-refused={opened.refused.is_some().to_string()}>
                { note }
                <input id="evidence-opened-path" type="text" readonly=true value={opened.path.clone()} onfocus={select} />
            </p>
        }
    });

    let attach = props.can_attach.then(|| {
        let picking = state.busy == Some(Busy::Picking);
        let attaching = state.busy == Some(Busy::Attaching);
        html! {
            <div class="evidence-attach">
                <button type="button" id="evidence-pick" disabled={busy} onclick={on_pick}>
                    { if picking { "Đang chọn…" } else { "Chọn tệp…" } }
                </button>
                <input id="evidence-path" type="text" autocomplete="off"
                    placeholder="hoặc dán đường dẫn đầy đủ của tệp"
                    value={state.path.clone()} oninput={on_path} />
                <button type="button" id="evidence-attach" disabled={!state.can_attach()} onclick={on_attach}>
                    { if attaching { "Đang đính kèm…" } else { "Đính kèm" } }
                </button>
                <p class="hint">{ ACCEPTED_HINT }</p>
            </div>
        }
    });

    html! {
        <fieldset id="record-evidence" class="record-evidence">
            <legend>{ format!("Tài liệu kiểm chứng — {}", props.period.label()) }</legend>
            if props.evidence.is_empty() {
                <p class="hint">{ "Chưa có tài liệu kiểm chứng." }</p>
            } else {
                <ul class="evidence-list">{ for items }</ul>
            }
            { for opened }
            { for attach }
            if let Some(err) = &state.error {
                <p id="evidence-error" class="field-error" role="alert" title={err.message.clone()}>{ error_label(err) }</p>
            }
        </fieldset>
    }
}
