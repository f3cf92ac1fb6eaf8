//! "Chỉ tiêu": every numeric target of the plan with the actual each unit reported for the
//! period and whether it is met; the office sees every unit's.

use std::rc::Rc;

use shared::calendar::PeriodId;
use shared::overview::{indicator_totals, indicators, Overview};
use shared::plan::TaskId;
use yew::prelude::*;

use super::unreadable_banner::UnreadableBanner;
use crate::app::RecordFocus;
use crate::ui::PeriodPicker;

#[derive(Clone, PartialEq, Properties)]
pub struct IndicatorsTableProps {
    pub overview: Rc<Overview>,
    pub on_open: Callback<(TaskId, RecordFocus)>,
    pub on_period: Callback<PeriodId>,
}

#[function_component]
pub fn IndicatorsTable(props: &IndicatorsTableProps) -> Html {
    let report = &props.overview.report;
    let rows = indicators(report);
    let totals = indicator_totals(&rows);
    let period = report.period;
    html! {
        <main id="indicators" class="overview-main">
            <div class="list-header">
                <h1 class="scope-title">{ format!("Chỉ tiêu — {}", period.label()) }</h1>
                <span class="list-summary" id="indicators-summary">
                    { format!("{} chỉ tiêu: {} đạt, {} không đạt, {} chưa có số liệu", rows.len(), totals.n_met, totals.n_not_met, totals.n_missing) }
                </span>
                <PeriodPicker periods={props.overview.periods.clone()} current={period} on_select={props.on_period.clone()} />
            </div>
            <UnreadableBanner notices={report.read_notices()} />
            if rows.is_empty() {
                <div class="empty"><p>{ "Các nhiệm vụ trong phạm vi này không có chỉ tiêu định lượng." }</p></div>
            } else {
                <table class="data-table" id="table-indicators">
                    <thead><tr>
                        <th>{ "Chỉ số" }</th><th>{ "Mã" }</th><th>{ "Nhiệm vụ" }</th><th>{ "Đơn vị" }</th>
                        <th>{ "Chỉ tiêu" }</th><th>{ "Thực hiện" }</th><th>{ "Đánh giá" }</th>
                    </tr></thead>
                    <tbody>
                        { for rows.iter().map(|row| {
                            let open = (row.task_id.clone(), RecordFocus { unit: Some(row.unit.code.clone()), period: Some(period) });
                            let onclick = props.on_open.reform(move |_: MouseEvent| open.clone());
                            let met_class = match (row.actual.actual, row.actual.met) {
                                (None, _) => "missing",
                                (Some(_), Some(true)) => "met",
                                (Some(_), Some(false)) => "not-met",
                                (Some(_), None) => "unknown",
                            };
                            html! {
                                <tr class="clickable" data-task-id={row.task_id.0.clone()} data-unit={row.unit.code.clone()} {onclick}>
                                    <td>{ row.index.label() }</td>
                                    <td>{ &row.task_code }</td>
                                    <td class="wrap">{ &row.task_title }</td>
                                    <td class="wrap">{ &row.unit.name }</td>
                                    <td class="wrap" title={row.actual.target.text.clone()}>{ row.actual.target_text() }</td>
                                    <td class="num">{ row.actual.actual_text() }</td>
                                    <td><span class={classes!("met-badge", met_class)}>{ row.actual.met_label() }</span></td>
                                </tr>
                            }
                        }) }
                    </tbody>
                </table>
            }
        </main>
    }
}
