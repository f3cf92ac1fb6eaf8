//! "Báo cáo": exporting a period's report, the consolidated one (office) or a unit's, as DOCX
//! (with the national heading block and date line) or XLSX (a sheet per index and the
//! indicators), into a folder (the Downloads folder unless another is typed).

use std::rc::Rc;

use shared::calendar::PeriodId;
use shared::overview::{unit_summaries, Overview};
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use crate::backend::{BackendHandle, ExportDone, ReportExportRequest};
use crate::components::PeriodPicker;
use crate::sync_labels::error_label;

#[derive(Clone, PartialEq, Properties)]
pub struct ExportPanelProps {
    pub overview: Rc<Overview>,
    pub on_period: Callback<PeriodId>,
}

/// Where the last export stands.
#[derive(Debug, Clone, PartialEq)]
enum Exporting {
    Idle,
    Busy,
    Done(ExportDone),
    Failed(String),
}

#[function_component]
pub fn ExportPanel(props: &ExportPanelProps) -> Html {
    let backend = use_context::<BackendHandle>().expect("the app provides the backend");
    let format = use_state(|| "docx".to_string());
    // `None`: the consolidated report (office) or the own unit's (staff).
    let unit = use_state(|| None::<String>);
    let folder = use_state(String::new);
    let exporting = use_state(|| Exporting::Idle);
    let overview = &props.overview;
    let report = &overview.report;
    let units = unit_summaries(report);

    let on_format = {
        let format = format.clone();
        Callback::from(move |e: Event| {
            let input: HtmlInputElement = e.target_unchecked_into();
            format.set(input.value());
        })
    };
    let on_unit = {
        let unit = unit.clone();
        Callback::from(move |e: Event| {
            let select: HtmlSelectElement = e.target_unchecked_into();
            let value = select.value();
            unit.set((!value.is_empty()).then_some(value));
        })
    };
    let on_folder = {
        let folder = folder.clone();
        Callback::from(move |e: InputEvent| {
            let input: HtmlInputElement = e.target_unchecked_into();
            folder.set(input.value());
        })
    };
    let on_export = {
        let exporting = exporting.clone();
        let request = ReportExportRequest {
            period: report.period,
            format: (*format).clone(),
            unit: (*unit).clone(),
            folder: Some((*folder).clone()).filter(|f| !f.trim().is_empty()),
        };
        Callback::from(move |_: MouseEvent| {
            exporting.set(Exporting::Busy);
            let exporting = exporting.clone();
            let backend = backend.clone();
            let request = request.clone();
            yew::platform::spawn_local(async move {
                match backend.backend().export_report(request).await {
                    Ok(done) => exporting.set(Exporting::Done(done)),
                    Err(err) => exporting.set(Exporting::Failed(error_label(&err))),
                }
            });
        })
    };
    let busy = *exporting == Exporting::Busy;
    let status = match &*exporting {
        Exporting::Idle => Html::default(),
        Exporting::Busy => html! { <p class="hint" id="export-status">{ "Đang tạo báo cáo…" }</p> },
        Exporting::Done(done) => html! {
            <div class="export-done" id="export-status" role="status">
                <p>{ "Đã lưu báo cáo: " }<code id="export-path">{ &done.path }</code></p>
                <p class="hint">{ &done.summary }</p>
            </div>
        },
        Exporting::Failed(why) => {
            html! { <p class="field-error" id="export-status" role="alert">{ why }</p> }
        }
    };
    let format_choice = |value: &'static str, label: &'static str| {
        html! {
            <label class="check">
                <input type="radio" name="export-format" id={format!("export-{value}")} value={value}
                    checked={*format == value} onchange={on_format.clone()} />
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
                    { format_choice("docx", "Word (.docx) — văn bản có quốc hiệu, tiêu ngữ") }
                    { format_choice("xlsx", "Excel (.xlsx) — mỗi chỉ số một trang tính, kèm chỉ tiêu") }
                </div>
                <label class="field-row">
                    <span>{ "Lưu vào thư mục" }</span>
                    <input id="export-folder" type="text" value={(*folder).clone()} oninput={on_folder}
                        placeholder="Để trống: thư mục Tải về (Downloads)" />
                </label>
                <div>
                    <button type="button" id="export-run" class="primary" disabled={busy} onclick={on_export}>{ "Xuất báo cáo" }</button>
                </div>
                { status }
            </section>
        </main>
    }
}
