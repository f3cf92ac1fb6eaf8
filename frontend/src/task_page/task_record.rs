//! The unit's own record of a task, under the plan's text on the task page: status, progress,
//! and for the chosen reporting period the result, difficulties, proposals, notes and the actual
//! value of each target; competing versions, the office's verdict and the history. Every edit is
//! saved at once (text after a pause in typing); the indicator says when the server has it.

use shared::calendar::{CalendarConfig, PeriodId};
use shared::record::PeriodReview;
use shared::submission::{missing_for_sending, report_state, ReportState};
use shared::{Target, TaskId};
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use super::record_evidence::RecordEvidence;
use super::record_history::RecordHistory;
use super::record_labels::{format_number, parse_number, parse_percent, save_label};
use super::record_state::{
    Field, RecordAction, RecordLoad, RecordState, SaveIndicator, VerdictSending,
};
use super::record_submission::RecordSubmission;
use super::record_submission::SendProgress;
use super::record_text_field::RecordTextField;
use super::record_verdict::RecordVerdict;
use super::record_verdict::VerdictForm;
use super::record_versions::RecordVersions;
use super::record_versions::VersionChoice;
use crate::app::{QueueEntry, RecordFocus};
use crate::backend::{
    BackendHandle, RecordEdit, RecordView, TaskStatus, TextField, Verdict, VerdictRequest, Versions,
};
use crate::session::SessionContext;
use crate::ui::error_label;
use crate::ui::target_label;

#[derive(Clone, PartialEq, Properties)]
pub struct TaskRecordProps {
    pub task_id: TaskId,
    pub targets: Vec<Target>,
    /// The office requires an evidence file before a report on this task is sent.
    #[prop_or_default]
    pub evidence_required: bool,
    /// The unit and period to show first (a screen opened the task on them).
    #[prop_or_default]
    pub focus: Option<RecordFocus>,
    /// The plan's reporting calendar.
    #[prop_or_default]
    pub calendar: CalendarConfig,
    /// The office's queue (reviewers): after a verdict the page offers the next report.
    #[prop_or_default]
    pub queue: Vec<QueueEntry>,
    /// Opens a task on a unit and period (the next report to appraise).
    #[prop_or_default]
    pub on_open: Option<Callback<(TaskId, RecordFocus)>>,
}

/// Who wrote a version: the last user of that device in the history (by full name), and when
/// they last changed the record there ("máy này" for this laptop); never the device's id.
fn written_by(device: &str, view: &RecordView, this_device: Option<&str>) -> String {
    let last = view.history.iter().rev().find(|e| e.device == device);
    let user = last.map_or("?", |e| view.name_of(&e.user));
    match (this_device == Some(device), last) {
        (true, _) => format!("{user} · máy này"),
        (false, Some(entry)) => format!(
            "{user} · {}",
            crate::ui::local_time::date_time(entry.time * 1000)
        ),
        (false, None) => user.to_string(),
    }
}

fn choices<T>(
    versions: &Versions<T>,
    label: impl Fn(&T) -> String,
    view: &RecordView,
    this_device: Option<&str>,
) -> Vec<VersionChoice> {
    versions
        .values
        .iter()
        .map(|v| VersionChoice {
            label: label(&v.value),
            by: written_by(&v.device, view, this_device),
        })
        .collect()
}

/// A period in the selector: "Quý I (hạn 14/03/2026)".
fn period_option(calendar: &CalendarConfig, period: PeriodId) -> String {
    let deadline = calendar.deadline(period);
    format!("{} (hạn {deadline})", period.label())
}

#[function_component]
pub fn TaskRecord(props: &TaskRecordProps) -> Html {
    let state = use_reducer(RecordState::default);
    let backend = use_context::<BackendHandle>().expect("the app provides the backend");
    // Who is logged in, and the sync status: the record is read again when syncing brought
    // changes; the save indicator counts what the server has not confirmed.
    let session = use_context::<SessionContext>().unwrap_or_default();
    let username = session.user.as_ref().map(|u| u.username.clone());
    let send_progress = use_state(|| SendProgress::Idle);
    {
        // A failed sending belongs to the report it was for.
        let progress = send_progress.clone();
        use_effect_with(
            (
                props.task_id.clone(),
                state.chosen_period,
                state.unit.clone(),
            ),
            move |_| progress.set(SendProgress::Idle),
        );
    }

    {
        let dispatcher = state.dispatcher();
        use_effect_with(
            (props.task_id.clone(), username.clone(), props.focus.clone()),
            move |(task, username, focus)| {
                if username.is_some() {
                    dispatcher.dispatch(RecordAction::Open(task.clone()));
                    if let Some(focus) = focus {
                        dispatcher.dispatch(RecordAction::Focus {
                            unit: focus.unit.clone(),
                            period: focus.period,
                        });
                    }
                }
            },
        );
    }
    {
        let dispatcher = state.dispatcher();
        use_effect_with(props.calendar.clone(), move |calendar| {
            dispatcher.dispatch(RecordAction::SetCalendar(calendar.clone()));
        });
    }
    {
        let dispatcher = state.dispatcher();
        use_effect_with(
            (session.n_plan_changes, session.sync.n_doc_changes),
            move |_| {
                dispatcher.dispatch(RecordAction::Refresh);
            },
        );
    }
    {
        let dispatcher = state.dispatcher();
        let backend = backend.clone();
        use_effect_with(
            (state.task.clone(), state.n_unit_loads),
            move |(task, n_unit_loads)| {
                if let (Some(task), true) = (task.clone(), *n_unit_loads > 0) {
                    yew::platform::spawn_local(async move {
                        let action = match backend.backend().record_units(task).await {
                            Ok(units) => RecordAction::UnitsLoaded(units),
                            Err(err) => RecordAction::UnitsFailed(err),
                        };
                        dispatcher.dispatch(action);
                    });
                }
            },
        );
    }
    {
        let dispatcher = state.dispatcher();
        let backend = backend.clone();
        let year = state.chosen_period.map(|p| p.year);
        use_effect_with(
            (state.task.clone(), state.unit.clone(), state.n_loads),
            move |(task, unit, n_loads)| {
                if let (Some(task), Some(unit), true) = (task.clone(), unit.clone(), *n_loads > 0) {
                    yew::platform::spawn_local(async move {
                        let action = match backend.backend().read_record(task, unit, year).await {
                            Ok(view) => RecordAction::Loaded(view),
                            Err(err) => RecordAction::LoadFailed(err),
                        };
                        dispatcher.dispatch(action);
                    });
                }
            },
        );
    }

    let Some(user) = &session.user else {
        return html! {
            <section id="task-record" class="task-record empty">
                <p class="hint">{ "Đăng nhập để ghi kết quả thực hiện nhiệm vụ của đơn vị." }</p>
            </section>
        };
    };

    // Sends one edit; `draft` is the typed text it saves, dropped once saved.
    let save = {
        let dispatcher = state.dispatcher();
        let backend = backend.clone();
        let task = props.task_id.clone();
        let year = state.view().map(|v| v.year);
        Callback::from(
            move |(edit, draft): (RecordEdit, Option<(Field, String)>)| {
                dispatcher.dispatch(RecordAction::SaveStarted);
                let dispatcher = dispatcher.clone();
                let backend = backend.clone();
                let task = task.clone();
                yew::platform::spawn_local(async move {
                    let action = match backend.backend().edit_record(task, year, edit).await {
                        Ok(()) => RecordAction::Saved(draft),
                        Err(err) => RecordAction::SaveFailed(err),
                    };
                    dispatcher.dispatch(action);
                });
            },
        )
    };

    let units = match &state.units {
        None => return status_note("Đang tải sổ theo dõi của đơn vị…"),
        Some(Err(err)) => return status_note(&error_label(err)),
        Some(Ok(units)) => units,
    };
    if units.units.is_empty() {
        return status_note(
            "Đơn vị của bạn không được giao nhiệm vụ này, hoặc sổ theo dõi chưa được tải về máy.",
        );
    }
    let unit_select = {
        let dispatcher = state.dispatcher();
        let onchange = Callback::from(move |event: Event| {
            let select: HtmlSelectElement = event.target_unchecked_into();
            dispatcher.dispatch(RecordAction::SelectUnit(select.value()));
        });
        if units.units.len() > 1 {
            html! {
                <label class="record-unit-choice">
                    { "Đơn vị: " }
                    <select id="record-unit" {onchange}>
                        { for units.units.iter().map(|u| html! {
                            <option value={u.clone()} selected={state.unit.as_ref() == Some(u)}>
                                { if *u == units.own_unit { format!("{} (đơn vị của bạn)", units.name_of(u)) } else { units.name_of(u).to_string() } }
                            </option>
                        }) }
                    </select>
                </label>
            }
        } else {
            html! { <span id="record-unit-name" class="record-unit-name">{ format!("Đơn vị: {}", units.name_of(&units.units[0])) }</span> }
        }
    };
    let indicator = state.save_indicator(session.sync.n_unconfirmed).map(|i| {
        let class = match &i {
            SaveIndicator::Saving => "saving",
            SaveIndicator::SavedLocally => "pending",
            SaveIndicator::Synced => "synced",
            SaveIndicator::Failed(_) => "failed",
        };
        html! { <span id="record-save" class={classes!("record-save", class)} role="status">{ save_label(&i) }</span> }
    });
    let header = html! {
        <div class="record-header">
            <h3>{ "Kết quả thực hiện của đơn vị" }</h3>
            { unit_select }
            { for indicator }
        </div>
    };

    let view = match &state.load {
        RecordLoad::Loaded(view) => view.clone(),
        RecordLoad::Failed(err) => {
            return html! {
                <section id="task-record" class="task-record">
                    { header }
                    <p class="record-status-note">{ error_label(err) }</p>
                </section>
            }
        }
        RecordLoad::Idle | RecordLoad::Loading => {
            return html! {
                <section id="task-record" class="task-record">
                    { header }
                    <p class="record-status-note">{ "Đang tải…" }</p>
                </section>
            }
        }
    };
    let period = state.period().expect("a loaded record has a period");
    let (writable, period_writable) = state.editable();
    let this_device = Some(user.device.as_str());
    // The office's reviewers accept or return the shown unit's report of the period.
    let can_review = user.role == "reviewer";
    let verdict_form = can_review.then(|| {
        let on_comment = {
            let dispatcher = state.dispatcher();
            Callback::from(move |text: String| {
                dispatcher.dispatch(RecordAction::VerdictComment(text));
            })
        };
        let on_give = {
            let dispatcher = state.dispatcher();
            let backend = backend.clone();
            let task_id = props.task_id.clone();
            let unit = view.unit.clone();
            let comment = state.verdict_comment.trim().to_string();
            // What the reducer will decide: a return needs a comment; one verdict at a time.
            let busy = matches!(state.verdict, VerdictSending::Sending(_));
            Callback::from(move |verdict: Verdict| {
                dispatcher.dispatch(RecordAction::GiveVerdict(verdict));
                if busy || (verdict == Verdict::Returned && comment.is_empty()) {
                    return;
                }
                let request = VerdictRequest {
                    task_id: task_id.clone(),
                    unit: unit.clone(),
                    period,
                    verdict,
                    comment: comment.clone(),
                };
                let backend = backend.clone();
                let dispatcher = dispatcher.clone();
                yew::platform::spawn_local(async move {
                    let action = match backend.backend().set_verdict(request).await {
                        Ok(()) => RecordAction::VerdictSaved(verdict),
                        Err(err) => RecordAction::VerdictFailed(err),
                    };
                    dispatcher.dispatch(action);
                });
            })
        };
        VerdictForm {
            comment: state.verdict_comment.clone(),
            sending: state.verdict.clone(),
            on_comment,
            on_give,
        }
    });
    let record = &view.record;
    let period_record = view.period(period);

    // After a verdict, the next report the office has to appraise.
    let next_in_queue = (matches!(state.verdict, VerdictSending::Saved(_)))
        .then(|| {
            props.queue.iter().find(|entry| {
                !(entry.task_id == props.task_id && entry.unit == view.unit && entry.period == period)
            })
        })
        .flatten()
        .zip(props.on_open.clone())
        .map(|(entry, on_open)| {
            let open = (
                entry.task_id.clone(),
                RecordFocus {
                    unit: Some(entry.unit.clone()),
                    period: Some(entry.period),
                },
            );
            let onclick = on_open.reform(move |_: MouseEvent| open.clone());
            html! {
                <button id="next-in-queue" class="secondary" type="button" {onclick}>
                    { format!("Báo cáo tiếp theo cần thẩm định: {} · {} →", entry.task_label, entry.unit_name) }
                </button>
            }
        });

    // The report's state and sending it.
    let review = view.review(period);
    let state_now = period_record.map_or(ReportState::NotEntered, |p| {
        report_state(p, review.and_then(PeriodReview::given))
    });
    let on_send = {
        let backend = backend.clone();
        let dispatcher = state.dispatcher();
        let progress = send_progress.clone();
        let task_id = props.task_id.clone();
        Callback::from(move |()| {
            progress.set(SendProgress::Sending);
            let backend = backend.clone();
            let dispatcher = dispatcher.clone();
            let progress = progress.clone();
            let task_id = task_id.clone();
            yew::platform::spawn_local(async move {
                match backend.backend().send_report(task_id, period).await {
                    Ok(_) => {
                        progress.set(SendProgress::Idle);
                        dispatcher.dispatch(RecordAction::Refresh);
                    }
                    Err(err) => progress.set(SendProgress::Failed(err)),
                }
            });
        })
    };
    let submission = html! {
        <RecordSubmission
            {period}
            state={state_now}
            sent={period_record.and_then(|p| p.sent.clone()).map(|mut sent| {
                sent.by = view.name_of(&sent.by).to_string();
                sent
            })}
            returned_comment={review.map(|r| r.comment.clone())}
            missing={period_record.map(|p| missing_for_sending(&props.targets, props.evidence_required, p)).unwrap_or_default()}
            can_send={period_writable}
            progress={(*send_progress).clone()}
            {on_send}
        />
    };
    let on_evidence_changed = {
        let dispatcher = state.dispatcher();
        Callback::from(move |()| dispatcher.dispatch(RecordAction::Refresh))
    };

    let readonly_note = (!writable).then(|| {
        let why = if view.unit == units.own_unit {
            "Chỉ xem: tài khoản của bạn không được sửa sổ theo dõi này.".to_string()
        } else {
            format!("Chỉ xem: sổ theo dõi của đơn vị {}.", view.unit)
        };
        html! { <p id="record-readonly" class="readonly-note">{ why }</p> }
    });

    // Status and progress.
    let status_now = record.status.current().copied();
    let on_status = {
        let save = save.clone();
        let conflict = record.status.is_conflict();
        let progress_now = record.progress.current().copied();
        Callback::from(move |event: Event| {
            let select: HtmlSelectElement = event.target_unchecked_into();
            if let Some(status) = TaskStatus::parse(&select.value()) {
                if conflict || Some(status) != status_now {
                    save.emit((RecordEdit::Status { status }, None));
                }
                // A finished task is 100% done.
                if status == TaskStatus::Done && progress_now != Some(100) {
                    save.emit((RecordEdit::Progress { percent: 100 }, None));
                }
            }
        })
    };
    let progress_text = state
        .drafts
        .get(&Field::Progress)
        .cloned()
        .or_else(|| record.progress.current().map(ToString::to_string))
        .unwrap_or_default();
    let on_progress_input = {
        let dispatcher = state.dispatcher();
        Callback::from(move |event: InputEvent| {
            let input: HtmlInputElement = event.target_unchecked_into();
            dispatcher.dispatch(RecordAction::Draft(Field::Progress, input.value()));
        })
    };
    let on_progress = {
        let save = save.clone();
        let dispatcher = state.dispatcher();
        let now = record.progress.current().copied();
        Callback::from(move |event: Event| {
            let input: HtmlInputElement = event.target_unchecked_into();
            let text = input.value();
            match parse_percent(&text) {
                Ok(percent) if Some(percent) != now => save.emit((
                    RecordEdit::Progress { percent },
                    Some((Field::Progress, text)),
                )),
                Ok(_) => {}
                Err(_) => dispatcher.dispatch(RecordAction::Invalid(Field::Progress)),
            }
        })
    };
    let progress_invalid = state.invalid.contains(&Field::Progress);

    let status_versions = record.status.is_conflict().then(|| {
        let values: Vec<TaskStatus> = record.status.values.iter().map(|v| v.value).collect();
        let save = save.clone();
        let on_choose = Callback::from(move |idx: usize| {
            if let Some(status) = values.get(idx).copied() {
                save.emit((RecordEdit::Status { status }, None));
            }
        });
        html! {
            <RecordVersions id="record-status-versions" field="Trạng thái"
                versions={choices(&record.status, |s| s.label().to_string(), &view, this_device)}
                can_choose={writable} {on_choose} />
        }
    });
    let progress_versions = record.progress.is_conflict().then(|| {
        let values: Vec<u8> = record.progress.values.iter().map(|v| v.value).collect();
        let save = save.clone();
        let on_choose = Callback::from(move |idx: usize| {
            if let Some(percent) = values.get(idx).copied() {
                save.emit((RecordEdit::Progress { percent }, None));
            }
        });
        html! {
            <RecordVersions id="record-progress-versions" field="Tiến độ"
                versions={choices(&record.progress, |p| format!("{p}%"), &view, this_device)}
                can_choose={writable} {on_choose} />
        }
    });

    // The reporting period.
    let on_period = {
        let dispatcher = state.dispatcher();
        Callback::from(move |event: Event| {
            let select: HtmlSelectElement = event.target_unchecked_into();
            if let Ok(period) = select.value().parse::<PeriodId>() {
                dispatcher.dispatch(RecordAction::SelectPeriod(period));
            }
        })
    };

    // The optional texts stay folded unless one of them is written.
    let has_more_text = TextField::ALL[1..].iter().any(|field| {
        period_record.is_some_and(|p| !p.text(*field).trim().is_empty())
            || state
                .drafts
                .get(&Field::Text(period, *field))
                .is_some_and(|draft| !draft.trim().is_empty())
    });
    let mut text_fields = TextField::ALL.into_iter().map(|field| {
        let key = Field::Text(period, field);
        let saved = period_record
            .map(|p| p.text(field).to_string())
            .unwrap_or_default();
        let value = state
            .drafts
            .get(&key)
            .cloned()
            .unwrap_or_else(|| saved.clone());
        let on_draft = {
            let dispatcher = state.dispatcher();
            Callback::from(move |text: String| dispatcher.dispatch(RecordAction::Draft(key, text)))
        };
        let on_save = {
            let save = save.clone();
            Callback::from(move |text: String| {
                save.emit((
                    RecordEdit::Text {
                        period,
                        field,
                        text: text.clone(),
                    },
                    Some((key, text)),
                ));
            })
        };
        html! {
            <RecordTextField
                key={field.key()}
                id={format!("record-{}", field.key())}
                label={field.label()}
                value={value}
                saved={saved}
                readonly={!period_writable}
                {on_draft}
                {on_save}
            />
        }
    });

    let actuals = props.targets.iter().enumerate().map(|(idx, target)| {
        let key = Field::Actual(period, idx);
        let saved = period_record.and_then(|p| p.actual(idx));
        let value = state
            .drafts
            .get(&key)
            .cloned()
            .unwrap_or_else(|| saved.map(format_number).unwrap_or_default());
        let oninput = {
            let dispatcher = state.dispatcher();
            Callback::from(move |event: InputEvent| {
                let input: HtmlInputElement = event.target_unchecked_into();
                dispatcher.dispatch(RecordAction::Draft(key, input.value()));
            })
        };
        let onchange = {
            let save = save.clone();
            let dispatcher = state.dispatcher();
            Callback::from(move |event: Event| {
                let input: HtmlInputElement = event.target_unchecked_into();
                let text = input.value();
                match parse_number(&text) {
                    Ok(value) if value != saved => save.emit((
                        RecordEdit::Actual {
                            period,
                            target: idx,
                            value,
                        },
                        Some((key, text)),
                    )),
                    Ok(_) => {}
                    Err(_) => dispatcher.dispatch(RecordAction::Invalid(key)),
                }
            })
        };
        let id = format!("record-actual-{idx}");
        let invalid = state.invalid.contains(&key);
        // Đạt / Chưa đạt as they type, from the figure typed (or saved).
        let met = parse_number(&value)
            .ok()
            .flatten()
            .and_then(|actual| target.is_met_by(actual));
        html! {
            <div class={classes!("record-actual", invalid.then_some("invalid"))} key={id.clone()}>
                <label for={id.clone()}>
                    <span class="target-value">{ target_label(target) }</span>
                    <span class="target-text">{ &target.text }</span>
                </label>
                <input id={id.clone()} type="text" inputmode="decimal" autocomplete="off"
                    value={value} readonly={!period_writable}
                    aria-invalid={invalid.to_string()}
                    {oninput} {onchange} />
                if let Some(met) = met {
                    <span class={classes!("target-met", (!met).then_some("not-met"))} id={format!("{id}-met")}>
                        { if met { "Đạt" } else { "Chưa đạt" } }
                    </span>
                }
                if invalid {
                    <span class="field-error">{ "Nhập một số, ví dụ 12,5" }</span>
                }
            </div>
        }
    });

    html! {
        <section id="task-record" class="task-record" data-unit={view.unit.clone()} data-writable={writable.to_string()}>
            { header }
            { submission }
            { for readonly_note }
            <div class="record-row">
                <label class="record-period">
                    { "Kỳ báo cáo" }
                    <select id="record-period" onchange={on_period}>
                        { for view.shown_years().into_iter().flat_map(PeriodId::of_year).map(|p| html! {
                            <option value={p.to_string()} selected={p == period}>{ period_option(&state.calendar, p) }</option>
                        }) }
                    </select>
                </label>
                <label class="record-status">
                    { "Trạng thái" }
                    <select id="record-status" disabled={!writable} onchange={on_status}>
                        if status_now.is_none() {
                            <option value="" selected=true>{ "— Chưa ghi —" }</option>
                        }
                        { for TaskStatus::ALL.into_iter().map(|s| html! {
                            <option value={s.as_str()} selected={status_now == Some(s)}>{ s.label() }</option>
                        }) }
                    </select>
                </label>
                <label class={classes!("record-progress", progress_invalid.then_some("invalid"))}>
                    { "Tiến độ (%)" }
                    <input id="record-progress" type="number" min="0" max="100" step="5"
                        value={progress_text} readonly={!writable}
                        aria-invalid={progress_invalid.to_string()}
                        oninput={on_progress_input} onchange={on_progress} />
                    if progress_invalid {
                        <span class="field-error">{ "Từ 0 đến 100" }</span>
                    }
                </label>
            </div>
            { for status_versions }
            { for progress_versions }
            { for text_fields.next() }
            if !props.targets.is_empty() {
                <fieldset class="record-actuals">
                    <legend>{ format!("Số liệu thực hiện chỉ tiêu — {}", period.label()) }</legend>
                    { for actuals }
                </fieldset>
            }
            if props.evidence_required {
                <p class="hint evidence-required" id="evidence-required-note">
                    { "Văn phòng yêu cầu đính kèm tài liệu kiểm chứng khi gửi báo cáo nhiệm vụ này." }
                </p>
            }
            <RecordEvidence
                task_id={props.task_id.clone()}
                unit={view.unit.clone()}
                year={view.year}
                {period}
                evidence={period_record.map(|p| p.evidence.iter().cloned().map(|mut e| {
                    e.by = view.name_of(&e.by).to_string();
                    e
                }).collect::<Vec<_>>()).unwrap_or_default()}
                can_attach={period_writable}
                uploads={session.sync.uploads.clone()}
                on_changed={on_evidence_changed}
            />
            <details class="record-more" open={has_more_text}>
                <summary>{ "Khó khăn, vướng mắc; đề xuất, kiến nghị; ghi chú (không bắt buộc)" }</summary>
                <div class="record-texts">{ for text_fields }</div>
            </details>
            <RecordVerdict
                period_label={period.label()}
                review={view.review(period).cloned().map(|mut review| {
                    review.by = review.by.map(|by| view.name_of(&by).to_string());
                    review
                })}
                form={verdict_form}
            />
            { for next_in_queue }
            <RecordHistory entries={view.history.clone()} of_task={view.history_of_task} people={view.people.clone()} />
        </section>
    }
}

fn status_note(text: &str) -> Html {
    html! {
        <section id="task-record" class="task-record empty">
            <h3>{ "Kết quả thực hiện của đơn vị" }</h3>
            <p class="record-status-note">{ text.to_string() }</p>
        </section>
    }
}
