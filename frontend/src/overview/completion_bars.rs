//! A horizontal bar chart in SVG: per row, the share of tasks done (and overdue) out of the
//! tasks counted, with the numbers beside it.

use shared::report::Completion;
use yew::prelude::*;

use super::overview_labels::percent;

/// One bar.
#[derive(Debug, Clone, PartialEq)]
pub struct Bar {
    pub label: String,
    /// A longer text shown on hover (a unit's full name).
    pub title: String,
    pub completion: Completion,
}

#[derive(Clone, PartialEq, Properties)]
pub struct CompletionBarsProps {
    /// The chart's id, for tests and accessibility.
    pub id: AttrValue,
    /// What the chart shows, read out by screen readers.
    pub caption: AttrValue,
    pub bars: Vec<Bar>,
}

const LABEL_WIDTH: f64 = 150.0;
const BAR_WIDTH: f64 = 300.0;
const NUMBERS_WIDTH: f64 = 130.0;
const ROW_HEIGHT: f64 = 26.0;
const BAR_HEIGHT: f64 = 16.0;

/// The label cut to fit its column.
fn short(label: &str, max_chars: usize) -> String {
    if label.chars().count() <= max_chars {
        label.to_string()
    } else {
        let cut: String = label.chars().take(max_chars - 1).collect();
        format!("{cut}…")
    }
}

/// The widths of the done and overdue parts of a bar.
pub fn bar_widths(completion: Completion, width: f64) -> (f64, f64) {
    if completion.n_tasks == 0 {
        return (0.0, 0.0);
    }
    let total = completion.n_tasks as f64;
    let done = width * completion.n_done as f64 / total;
    let overdue = width * completion.n_overdue as f64 / total;
    (done, overdue.min(width - done))
}

#[function_component]
pub fn CompletionBars(props: &CompletionBarsProps) -> Html {
    let width = LABEL_WIDTH + BAR_WIDTH + NUMBERS_WIDTH;
    let height = ROW_HEIGHT * props.bars.len().max(1) as f64 + 4.0;
    html! {
        <svg
            id={props.id.clone()}
            class="completion-bars"
            role="img"
            aria-label={props.caption.clone()}
            viewBox={format!("0 0 {width} {height}")}
            width={width.to_string()}
            height={height.to_string()}
        >
            <title>{ props.caption.clone() }</title>
            { for props.bars.iter().enumerate().map(|(row, bar)| {
                let y = row as f64 * ROW_HEIGHT + 4.0;
                let (done, overdue) = bar_widths(bar.completion, BAR_WIDTH);
                let c = bar.completion;
                html! {
                    <g class="bar" data-label={bar.label.clone()} data-done={c.n_done.to_string()} data-total={c.n_tasks.to_string()}>
                        <title>{ format!("{}: {}", bar.title, c.text()) }</title>
                        <text class="bar-label" x="0" y={(y + BAR_HEIGHT - 3.0).to_string()}>{ short(&bar.label, 19) }</text>
                        <rect class="bar-track" x={LABEL_WIDTH.to_string()} y={y.to_string()} width={BAR_WIDTH.to_string()} height={BAR_HEIGHT.to_string()} rx="3" />
                        <rect class="bar-done" x={LABEL_WIDTH.to_string()} y={y.to_string()} width={done.to_string()} height={BAR_HEIGHT.to_string()} rx="3" />
                        if overdue > 0.0 {
                            <rect class="bar-overdue" x={(LABEL_WIDTH + done).to_string()} y={y.to_string()} width={overdue.to_string()} height={BAR_HEIGHT.to_string()} />
                        }
                        <text class="bar-numbers" x={(LABEL_WIDTH + BAR_WIDTH + 8.0).to_string()} y={(y + BAR_HEIGHT - 3.0).to_string()}>
                            { format!("{}/{} · {}%", c.n_done, c.n_tasks, percent(c)) }
                        </text>
                    </g>
                }
            }) }
        </svg>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_split_into_done_and_overdue() {
        let c = |n_done, n_tasks, n_overdue| Completion {
            n_done,
            n_tasks,
            n_overdue,
        };
        assert_eq!(bar_widths(c(0, 0, 0), 300.0), (0.0, 0.0));
        assert_eq!(bar_widths(c(1, 4, 1), 300.0), (75.0, 75.0));
        assert_eq!(bar_widths(c(4, 4, 0), 300.0), (300.0, 0.0));
        assert_eq!(
            short("Phòng Quản lý hạ tầng và phát triển đô thị", 10),
            "Phòng Quả…"
        );
    }
}
