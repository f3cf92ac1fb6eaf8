//! Random plans in the text form, with page breaks, repeated headers and rows split across
//! pages in random places, must import back to exactly what was generated.
//!
//! The case count is modest by default; set `PLANSYNC_PROPTEST_CASES` for a long run. A failing
//! case is saved by proptest under `shared/proptest-regressions/` and replayed on later runs.

use proptest::prelude::*;
use proptest::test_runner::{Config, FileFailurePersistence};

use super::import;

const WORDS: &[&str] = &[
    "Đào", "tạo", "công", "khai", "thủ", "tục", "hành", "chính", "người", "dân", "dịch", "vụ",
    "trực", "tuyến", "hồ", "sơ", "đúng", "hạn", "kiểm", "tra", "rà", "soát", "văn", "bản", "quy",
    "định", "nâng", "cao", "chất", "lượng", "phục", "vụ", "xây", "dựng", "nhà", "ở", "đô", "thị",
    "hạ", "tầng",
];

/// Spellings of the units in another department's plan; the first is the canonical one.
const UNITS: &[&[&str]] = &[
    &["Văn phòng Sở"],
    &[
        "Phòng Kế hoạch – Tài chính",
        "Phòng Kế hoạch - Tài chính",
        "Kế hoạch – Tài chính",
    ],
    &["Phòng Quản lý nông nghiệp"],
    &["Trung tâm Khuyến nông"],
    &["Các phòng, ban, đơn vị thuộc Sở", "Các phòng ban, đơn vị"],
    &["Các đơn vị sự nghiệp thuộc Sở"],
];

const TIMEFRAMES: &[&str] = &[
    "Hàng năm",
    "Thường xuyên",
    "Quý III và năm",
    "6 tháng và năm",
    "Trước ngày 14 của cuối kỳ báo cáo",
    "Trước ngày 15/12",
    "Theo kế hoạch của tỉnh",
];

#[derive(Debug, Clone)]
struct GenTask {
    title: Vec<String>,
    content: Vec<String>,
    lead: (usize, usize),
    support: Option<(usize, usize)>,
    timeframe: usize,
}

#[derive(Debug, Clone)]
struct GenSection {
    title: Vec<String>,
    tasks: Vec<GenTask>,
}

/// How a row is printed: split across a page break or not, and where.
#[derive(Debug, Clone)]
struct Layout {
    /// Per row: `Some(cut)` splits every cell with more than one word at word `cut % len`.
    splits: Vec<Option<usize>>,
    /// Per row: a page break (blank line, maybe a repeated header) before it.
    breaks: Vec<(bool, bool)>,
}

fn words(min: usize, max: usize) -> impl Strategy<Value = Vec<String>> {
    prop::collection::vec(
        prop::sample::select(WORDS).prop_map(str::to_string),
        min..=max,
    )
}

fn task() -> impl Strategy<Value = GenTask> {
    let unit = (0..UNITS.len()).prop_flat_map(|u| (Just(u), 0..UNITS[u].len()));
    (
        words(1, 8),
        words(0, 12),
        unit.clone(),
        prop::option::of(unit),
        0..TIMEFRAMES.len(),
    )
        .prop_map(|(title, content, lead, support, timeframe)| GenTask {
            title,
            content,
            lead,
            support,
            timeframe,
        })
}

fn sections() -> impl Strategy<Value = Vec<GenSection>> {
    prop::collection::vec(
        (words(1, 5), prop::collection::vec(task(), 1..6))
            .prop_map(|(title, tasks)| GenSection { title, tasks }),
        1..5,
    )
}

fn roman(n: usize) -> &'static str {
    ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X"][n]
}

/// Renders one appendix table, returning the lines and the expected tasks in order.
fn render<'a>(
    sections: &'a [GenSection],
    layout: &Layout,
    dotted: bool,
) -> (Vec<String>, Vec<(String, &'a GenTask)>) {
    let header =
        "STT\tTiêu chí\tNội dung, nhiệm vụ và giải pháp\tChủ trì\tPhối hợp\tThời gian".to_string();
    let mut lines = vec![header.clone()];
    let mut expected = Vec::new();
    let mut rows: Vec<Vec<String>> = Vec::new();
    for (s_idx, section) in sections.iter().enumerate() {
        let s_code = if dotted {
            (s_idx + 1).to_string()
        } else {
            roman(s_idx).to_string()
        };
        rows.push(vec![
            s_code.clone(),
            section.title.join(" "),
            String::new(),
            String::new(),
            String::new(),
            String::new(),
        ]);
        for (t_idx, task) in section.tasks.iter().enumerate() {
            let code = if dotted {
                format!("{s_code}.{}", t_idx + 1)
            } else {
                (t_idx + 1).to_string()
            };
            expected.push((code.clone(), task));
            rows.push(vec![
                code,
                task.title.join(" "),
                task.content.join(" "),
                UNITS[task.lead.0][task.lead.1].to_string(),
                task.support
                    .map(|(u, v)| UNITS[u][v].to_string())
                    .unwrap_or_default(),
                TIMEFRAMES[task.timeframe].to_string(),
            ]);
        }
    }
    for (idx, row) in rows.iter().enumerate() {
        let split = layout.splits.get(idx).copied().flatten();
        let (page_break, repeat_header) = layout.breaks.get(idx).copied().unwrap_or((false, false));
        if page_break {
            lines.push(String::new());
            if repeat_header {
                lines.push(header.clone());
            }
        }
        match split {
            None => lines.push(row.join("\t")),
            Some(cut) => {
                let mut first = Vec::new();
                let mut rest = vec![String::new()];
                for (column, cell) in row.iter().enumerate() {
                    let cell_words: Vec<&str> = cell.split(' ').collect();
                    if column == 0 || cell_words.len() < 2 {
                        first.push(cell.clone());
                        if column > 0 {
                            rest.push(String::new());
                        }
                        continue;
                    }
                    let at = 1 + cut % (cell_words.len() - 1);
                    first.push(cell_words[..at].join(" "));
                    rest.push(cell_words[at..].join(" "));
                }
                lines.push(first.join("\t"));
                // The rest of the row continues after a page break with the header repeated.
                lines.push(String::new());
                lines.push(header.clone());
                lines.push(rest.join("\t"));
            }
        }
    }
    (lines, expected)
}

fn layout(n_rows: usize) -> impl Strategy<Value = Layout> {
    (
        prop::collection::vec(prop::option::weighted(0.3, 0usize..20), n_rows),
        prop::collection::vec((prop::bool::weighted(0.2), any::<bool>()), n_rows),
    )
        .prop_map(|(splits, breaks)| Layout { splits, breaks })
}

fn plan_and_layout() -> impl Strategy<Value = (Vec<GenSection>, Layout, Vec<GenSection>, Layout)> {
    (sections(), sections()).prop_flat_map(|(a, b)| {
        let rows_a = a.iter().map(|s| 1 + s.tasks.len()).sum();
        let rows_b = b.iter().map(|s| 1 + s.tasks.len()).sum();
        (Just(a), layout(rows_a), Just(b), layout(rows_b))
    })
}

fn cases() -> u32 {
    std::env::var("PLANSYNC_PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(64)
}

proptest! {
    #![proptest_config(Config {
        cases: cases(),
        failure_persistence: Some(Box::new(FileFailurePersistence::WithSource("regressions"))),
        ..Config::default()
    })]

    #[test]
    fn generated_plans_import_back_whole((par, par_layout, papi, papi_layout) in plan_and_layout()) {
        let (par_lines, par_expected) = render(&par, &par_layout, false);
        let (papi_lines, papi_expected) = render(&papi, &papi_layout, true);
        let text = format!(
            "Số: 12/KH-SNN\nLào Cai, ngày 10 tháng 3 năm 2027\nKẾ HOẠCH\nNâng cao các chỉ số giai đoạn 2027-2030\n\nPHỤ LỤC I\nCHỈ SỐ PAR INDEX\n{}\n\nPHỤ LỤC II\nCHỈ SỐ PAPI\n{}\n",
            par_lines.join("\n"),
            papi_lines.join("\n"),
        );
        let outcome = import(&text);
        let tasks = outcome.plan.tasks();
        let expected: Vec<(String, &GenTask)> = par_expected.into_iter().chain(papi_expected).collect();
        prop_assert_eq!(tasks.len(), expected.len(), "every generated task is imported once");
        // A unit's canonical name is its preferred spelling among those the plan uses (UNITS lists
        // spellings in order of preference).
        let mut used: Vec<Option<usize>> = vec![None; UNITS.len()];
        for (_, gen) in &expected {
            for (u, v) in std::iter::once(gen.lead).chain(gen.support) {
                used[u] = Some(used[u].map_or(v, |w| w.min(v)));
            }
        }
        let canonical = |u: usize| shared::unit::display_form(UNITS[u][used[u].expect("used")]);
        for ((_, task), (code, gen)) in tasks.iter().zip(&expected) {
            prop_assert_eq!(&task.code, code);
            prop_assert_eq!(&task.title, &gen.title.join(" "));
            prop_assert_eq!(&task.content, &gen.content.join(" "));
            prop_assert_eq!(&task.lead, &vec![canonical(gen.lead.0)], "lead is the canonical name");
            prop_assert_eq!(&task.lead_text, &UNITS[gen.lead.0][gen.lead.1].to_string(), "lead as printed is kept");
            let support: Vec<String> = gen.support.iter().map(|(u, _)| canonical(*u)).collect();
            prop_assert_eq!(&task.support, &support);
            prop_assert_eq!(&task.timeframe.text, &TIMEFRAMES[gen.timeframe].to_string());
            prop_assert!(task.timeframe.is_recognised(), "{} is a known wording", task.timeframe.text);
        }
    }
}
