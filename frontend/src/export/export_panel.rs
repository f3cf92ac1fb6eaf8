//! "Báo cáo": exporting a period's report, the consolidated one (office) or a unit's, as DOCX
//! (with the national heading block and date line), XLSX (a sheet per index and the
//! indicators) or, when LibreOffice is installed (the app says so), PDF, into a folder (the Documents folder unless another is chosen); then "Mở tệp"
//! and "Mở thư mục".

use std::rc::Rc;

use shared::calendar::PeriodId;
use shared::overview::{unit_summaries, Overview};
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use super::export_state::{ExportAction, ExportFormat, ExportState, Exporting};
use crate::backend::{BackendHandle, ReportExportRequest};
use crate::ui::error_label;
use crate::ui::PeriodPicker;

#[derive(Clone, PartialEq, Properties)]
pub struct ExportPanelProps {
    pub overview: Rc<Overview>,
    pub on_period: Callback<PeriodId>,
}

#[function_component]
pub fn ExportPanel(props: &ExportPanelProps) -> Html {
    let backend = use_context::<BackendHandle>().expect("the app provides the backend");
    let state = use_reducer(ExportState::default);
    let overview = &props.overview;
    let report = &overview.report;
    let units = unit_summaries(report);
    {
        // Which formats this computer can write: PDF only with LibreOffice.
        let backend = backend.clone();
        let dispatcher = state.dispatcher();
        use_effect_with((), move |_| {
            yew::platform::spawn_local(async move {
                if let Ok(formats) = backend.backend().report_formats().await {
                    dispatcher.dispatch(ExportAction::Offered(formats));
                }
            });
        });
    }

    let dispatch = |make: fn(Event) -> Option<ExportAction>| {
        let dispatcher = state.dispatcher();
        Callback::from(move |e: Event| {
            if let Some(action) = make(e) {
                dispatcher.dispatch(action);
            }
        })
    };
    let on_format = dispatch(|e| {
        let input: HtmlInputElement = e.target_unchecked_into();
        ExportFormat::parse(&input.value()).map(ExportAction::SetFormat)
    });
    let on_unit = dispatch(|e| {
        let select: HtmlSelectElement = e.target_unchecked_into();
        let value = select.value();
        Some(ExportAction::SetUnit((!value.is_empty()).then_some(value)))
    });
    let on_folder = {
        let dispatcher = state.dispatcher();
        Callback::from(move |e: InputEvent| {
            let input: HtmlInputElement = e.target_unchecked_into();
            dispatcher.dispatch(ExportAction::SetFolder(input.value()));
        })
    };
    let on_export = {
        let backend = backend.clone();
        let dispatcher = state.dispatcher();
        let can_start = state.can_start();
        let request = ReportExportRequest {
            period: report.period,
            format: state.format.as_str().to_string(),
            unit: state.unit.clone(),
            folder: state.folder(),
        };
        Callback::from(move |_: MouseEvent| {
            if !can_start {
                return;
            }
            dispatcher.dispatch(ExportAction::Started);
            let dispatcher = dispatcher.clone();
            let backend = backend.clone();
            let request = request.clone();
            yew::platform::spawn_local(async move {
                let answer = backend.backend().export_report(request).await;
                dispatcher.dispatch(ExportAction::Finished(answer));
            });
        })
    };
    let on_pick_folder = {
        let dispatcher = state.dispatcher();
        let backend = backend.clone();
        Callback::from(move |_: MouseEvent| {
            let dispatcher = dispatcher.clone();
            let backend = backend.clone();
            yew::platform::spawn_local(async move {
                match backend.backend().pick_export_folder().await {
                    Ok(Some(folder)) => dispatcher.dispatch(ExportAction::SetFolder(folder)),
                    Ok(None) => {}
                    Err(err) => dispatcher.dispatch(ExportAction::Opened(Err(err))),
                }
            });
        })
    };
    let open_written = |reveal: bool| {
        let dispatcher = state.dispatcher();
        let backend = backend.clone();
        let path = match &state.exporting {
            Exporting::Done(done) => done.path.clone(),
            _ => String::new(),
        };
        Callback::from(move |_: MouseEvent| {
            let dispatcher = dispatcher.clone();
            let backend = backend.clone();
            let path = path.clone();
            yew::platform::spawn_local(async move {
                let opened = backend.backend().open_export(path, reveal).await;
                dispatcher.dispatch(ExportAction::Opened(opened));
            });
        })
    };
    let busy = !state.can_start();
    let unit = &state.unit;
    let status = match &state.exporting {
        Exporting::Idle => Html::default(),
        Exporting::Busy => html! { <p class="hint" id="export-status">{ "Đang tạo báo cáo…" }</p> },
        Exporting::Done(done) => html! {
            <div class="export-done" id="export-status" role="status">
                <p>{ "Đã lưu báo cáo: " }<code id="export-path">{ &done.path }</code></p>
                <p class="hint">{ &done.summary }</p>
                <div class="export-open">
                    <button type="button" id="export-open" onclick={open_written(false)}>{ "Mở tệp" }</button>
                    <button type="button" id="export-reveal" onclick={open_written(true)}>{ "Mở thư mục" }</button>
                </div>
                if let Some(err) = &state.open_error {
                    <p class="field-error" id="export-open-error" role="alert">{ error_label(err) }</p>
                }
            </div>
        },
        Exporting::Failed(err) => {
            html! { <p class="field-error" id="export-status" role="alert">{ error_label(err) }</p> }
        }
    };
    let format_choice = |format: ExportFormat, label: &'static str| {
        let value = format.as_str();
        html! {
            <label class="check">
                <input type="radio" name="export-format" id={format!("export-{value}")} value={value}
                    checked={state.format == format} onchange={on_format.clone()} />
                <span>{ label }</span>
            </label>
        }
    };
    html! {
        <main id="export" class="overview-main">
            <div class="list-header">
                <h1 class="scope-title">{ "Xuất báo cáo" }</h1>
                <PeriodPicker periods={overview.periods.clone()} current={report.period} on_select={props.on_period.clone()} />
            </div>
            <section class="panel export-form">
                <p class="hint">{ format!("{} — {}", report.title, report.subtitle) }</p>
                if overview.all_units {
                    <label class="field-row">
                        <span>{ "Phạm vi" }</span>
                        <select id="export-unit" onchange={on_unit}>
                            <option value="" selected={unit.is_none()}>{ "Báo cáo tổng hợp các đơn vị" }</option>
                            { for units.iter().map(|u| html! {
                                <option value={u.unit.code.clone()} selected={unit.as_deref() == Some(u.unit.code.as_str())}>
                                    { format!("Báo cáo của {}", u.unit.name) }
                                </option>
                            }) }
                        </select>
                    </label>
                } else {
                    <p class="field-row"><span>{ "Phạm vi" }</span>{ report.unit.as_ref().map_or_else(String::new, |u| format!("Báo cáo của {}", u.name)) }</p>
                }
                <div class="field-row">
                    <span>{ "Định dạng" }</span>
                    <div class="format-choices">
                        { format_choice(ExportFormat::Docx, "Word (.docx) — văn bản có quốc hiệu, tiêu ngữ") }
                        { format_choice(ExportFormat::Xlsx, "Excel (.xlsx) — mỗi chỉ số một trang tính, kèm chỉ tiêu") }
                        if state.offered.contains(&ExportFormat::Pdf) {
                            { format_choice(ExportFormat::Pdf, "PDF — bản Word chuyển bằng LibreOffice, để xem trước và gửi") }
                        }
                    </div>
                </div>
                <div class="field-row">
                    <label for="export-folder">{ "Lưu vào thư mục" }</label>
                    <input id="export-folder" type="text" value={state.folder.clone()} oninput={on_folder}
                        placeholder="Để trống: thư mục Tài liệu (Documents)" />
                    <button type="button" id="export-pick-folder" onclick={on_pick_folder}>{ "Chọn thư mục…" }</button>
                </div>
                if matches!(state.exporting, Exporting::Idle | Exporting::Busy) {
                    if let Some(err) = &state.open_error {
                        <p class="field-error" id="export-open-error" role="alert">{ error_label(err) }</p>
                    }
                }
                <div>
                    <button type="button" id="export-run" class="primary" disabled={busy} onclick={on_export}>{ "Xuất báo cáo" }</button>
                </div>
                { status }
            </section>
        </main>
    }
}
