//! The body of the periodic CCHC report (the outline of CV 581/BNV-CCHC), written from the
//! report's data: an opening citing the plan and the data window; I. the direction and
//! organisation of the work; II. results per index and section of the plan (completion counts,
//! each unit's result naming the unit, overdue and unreported tasks); III. the overall
//! assessment (strengths; shortcomings and their causes, with the units' difficulties); IV.
//! directions for the next period; V. the units' proposals. A part with no data says so.
//!
//! The blocks are plain text; [`crate::docx`] lays them out.

use std::collections::HashMap;

use shared::calendar::{Date, PeriodId, PeriodKind};
use shared::overview::is_reported;
use shared::report::{
    Completion, IndexReport, Report, ReportHeading, ReportStatus, SectionReport, TaskReport,
    UnitReport,
};
use shared::submission::ReportState;

/// One paragraph of the body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    /// "I. CÔNG TÁC CHỈ ĐẠO ..." (bold).
    Part(String),
    /// "1. Chỉ số PAR INDEX" (bold).
    Heading(String),
    /// "1.1. CÔNG TÁC CHỈ ĐẠO ĐIỀU HÀNH" (bold italic).
    Subheading(String),
    /// A paragraph of running text.
    Text(String),
    /// "- Phòng Quản lý hạ tầng: ..." with its lead ("Phòng Quản lý hạ tầng") in italics.
    Item { lead: String, text: String },
    /// "Lưu ý: ..." about data that could not be read (bold italic).
    Notice(String),
}

/// The body of the report, from its opening to the closing "./.".
pub fn body(report: &Report, heading: &ReportHeading) -> Vec<Block> {
    let facts = Facts::of(report);
    let mut out = Vec::new();
    for line in crate::notice_lines(report) {
        out.push(Block::Notice(line));
    }
    opening(report, heading, &mut out);
    direction(report, heading, &facts, &mut out);
    results(report, &mut out);
    assessment(report, &facts, &mut out);
    directions(report, &facts, &mut out);
    proposals(&facts, &mut out);
    out.push(Block::Text(format!(
        "Trên đây là báo cáo kết quả thực hiện Kế hoạch {} của {}./.",
        period_phrase(report.period),
        heading.agency
    )));
    out
}

/// "quý III năm 2026", "6 tháng đầu năm 2026", "năm 2026".
pub fn period_phrase(period: PeriodId) -> String {
    match period.kind {
        PeriodKind::Q1 => format!("quý I năm {}", period.year),
        PeriodKind::H1 => format!("6 tháng đầu năm {}", period.year),
        PeriodKind::Q3 => format!("quý III năm {}", period.year),
        PeriodKind::Year => format!("năm {}", period.year),
    }
}

/// "15/6/2026": a date in running text.
fn short_date(date: Date) -> String {
    format!("{}/{}/{}", date.day, date.month, date.year)
}

fn opening(report: &Report, heading: &ReportHeading, out: &mut Vec<Block>) {
    let plan = &report.plan;
    let about = if plan.title.is_empty() {
        String::new()
    } else {
        format!(" về {}", lower_first(&plan.title))
    };
    let whose = if report.unit.is_some() {
        "các nhiệm vụ được giao"
    } else {
        "Kế hoạch"
    };
    let by = if plan.issuer.is_empty() {
        String::new()
    } else {
        format!(" của {}", plan.issuer)
    };
    out.push(Block::Text(format!(
        "Thực hiện {}{by}{about}, {} báo cáo kết quả thực hiện {whose} {} như sau:",
        plan.reference(),
        heading.agency,
        period_phrase(report.period)
    )));
    if let Some((from, to)) = report.window {
        out.push(Block::Text(format!(
            "Số liệu tính từ ngày {} đến ngày {}.",
            short_date(from),
            short_date(to)
        )));
    }
}

/// "Duy trì, cải thiện ..." reads "duy trì, cải thiện ..." inside a sentence; an acronym
/// ("PAR ...") stays.
fn lower_first(text: &str) -> String {
    let mut chars = text.chars();
    match (chars.next(), chars.next()) {
        (Some(first), Some(second)) if second.is_lowercase() => {
            first.to_lowercase().chain(text.chars().skip(1)).collect()
        }
        _ => text.to_string(),
    }
}

fn direction(report: &Report, heading: &ReportHeading, facts: &Facts<'_>, out: &mut Vec<Block>) {
    out.push(Block::Part(
        "I. CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH VÀ TỔ CHỨC THỰC HIỆN".to_string(),
    ));
    match &report.unit {
        None => out.push(Block::Text(format!(
            "{} đã ban hành {} và phân công nhiệm vụ cho các phòng, ban, đơn vị thuộc Sở; \
             Văn phòng Sở theo dõi, đôn đốc và thẩm định báo cáo của các đơn vị.",
            heading.agency,
            report.plan.reference()
        ))),
        Some(unit) => out.push(Block::Text(format!(
            "{} triển khai các nhiệm vụ được giao tại {}; báo cáo kết quả từng nhiệm vụ gửi \
             Văn phòng Sở để thẩm định.",
            unit.name,
            report.plan.reference()
        ))),
    }
    let n_reports = facts.unit_reports.len();
    if n_reports == 0 {
        out.push(Block::Text(
            "Trong kỳ không có đơn vị nào có nhiệm vụ phải báo cáo.".to_string(),
        ));
        return;
    }
    let count = |pick: fn(ReportState) -> bool| {
        facts
            .unit_reports
            .iter()
            .filter(|(_, u)| pick(u.submission))
            .count()
    };
    let n_sent = count(|s| !matches!(s, ReportState::NotEntered | ReportState::Entering));
    let n_accepted = count(|s| s == ReportState::Accepted);
    let n_returned = count(|s| s == ReportState::Returned);
    let n_waiting = count(ReportState::awaits_appraisal);
    let who = if report.unit.is_some() {
        "Đơn vị"
    } else {
        "Các đơn vị"
    };
    out.push(Block::Text(format!(
        "{who} đã gửi Văn phòng Sở {n_sent}/{n_reports} báo cáo nhiệm vụ; Văn phòng Sở đã chấp \
         nhận {n_accepted}, trả lại {n_returned} báo cáo để bổ sung, {n_waiting} báo cáo đang chờ \
         thẩm định."
    )));
    if report.unit.is_none() {
        let silent: Vec<&str> = facts
            .per_unit(|u| {
                matches!(
                    u.submission,
                    ReportState::NotEntered | ReportState::Entering
                )
            })
            .into_iter()
            .filter(|(_, all)| *all)
            .map(|(name, _)| name)
            .collect();
        if !silent.is_empty() {
            out.push(Block::Text(format!(
                "Đơn vị chưa gửi báo cáo nhiệm vụ nào: {}.",
                silent.join(", ")
            )));
        }
    }
}

fn results(report: &Report, out: &mut Vec<Block>) {
    out.push(Block::Part(
        "II. KẾT QUẢ THỰC HIỆN CÁC NHIỆM VỤ".to_string(),
    ));
    out.push(Block::Text(format!(
        "Kết quả chung: hoàn thành {}; quá hạn {} nhiệm vụ (hạn báo cáo {}).",
        report.completion.text(),
        report.completion.n_overdue,
        report.deadline
    )));
    if report.indexes.is_empty() {
        out.push(Block::Text(
            "Kế hoạch không có nhiệm vụ nào trong kỳ báo cáo.".to_string(),
        ));
    } else {
        let numbers: Vec<&str> = (1..=report.indexes.len())
            .map(crate::docx::appendix_number)
            .collect();
        let listed = match numbers.split_last() {
            Some((last, [])) => last.to_string(),
            Some((last, rest)) => format!("{} và {last}", rest.join(", ")),
            None => String::new(),
        };
        out.push(Block::Text(format!(
            "Kết quả của từng nhiệm vụ, từng đơn vị tại Phụ lục {listed} kèm theo."
        )));
    }
    let whose = if report.unit.is_some() {
        "của đơn vị"
    } else {
        "của các đơn vị"
    };
    for (index_idx, index) in report.indexes.iter().enumerate() {
        index_results(index_idx + 1, index, whose, out);
    }
}

/// Index `number`'s results; `whose` names who reports ("của các đơn vị").
fn index_results(number: usize, index: &IndexReport, whose: &str, out: &mut Vec<Block>) {
    out.push(Block::Heading(format!(
        "{number}. Chỉ số {}",
        index.index.label()
    )));
    let tasks: Vec<&TaskReport> = index.sections.iter().flat_map(|s| &s.tasks).collect();
    if tasks.is_empty() {
        out.push(Block::Text(
            "Kỳ này không có nhiệm vụ nào của chỉ số này.".to_string(),
        ));
        return;
    }
    let n_unreported = tasks
        .iter()
        .flat_map(|t| &t.units)
        .filter(|u| !is_reported(u))
        .count();
    let reported = if n_unreported == 0 {
        "mọi nhiệm vụ đã có báo cáo kết quả".to_string()
    } else {
        format!("{n_unreported} báo cáo nhiệm vụ {whose} chưa có kết quả")
    };
    out.push(Block::Text(format!(
        "Hoàn thành {}; quá hạn {} nhiệm vụ; {reported}.",
        index.completion.text(),
        index.completion.n_overdue
    )));
    let mut n_top = 0;
    for (section_idx, section) in index.sections.iter().enumerate() {
        let title = if section.title.is_empty() {
            section.code.clone()
        } else {
            section.title.clone()
        };
        if !title.is_empty() {
            if section.depth == 0 {
                n_top += 1;
                out.push(Block::Subheading(format!("{number}.{n_top}. {title}")));
            } else {
                out.push(Block::Subheading(section.heading()));
            }
        }
        if section.tasks.is_empty() {
            // A heading over sub-sections leaves them to speak; one over nothing says so.
            let has_sub_sections = index
                .sections
                .get(section_idx + 1)
                .is_some_and(|next| next.depth > section.depth);
            if !has_sub_sections {
                out.push(Block::Text("Không có nhiệm vụ trong kỳ.".to_string()));
            }
            continue;
        }
        section_results(section, crate::docx::appendix_number(number), out);
    }
}

/// How many units' results a task shows in the body (the lead unit's first); the rest are in
/// the appendix. A report to be signed stays readable when a task has thirty reporting units.
const RESULTS_IN_BODY: usize = 3;

/// A section's totals, each unit's results naming the unit, the overdue tasks and the units
/// that have not reported.
fn section_results(section: &SectionReport, appendix: &str, out: &mut Vec<Block>) {
    let completion = section
        .tasks
        .iter()
        .fold(Completion::default(), |sum, t| sum.plus(t.completion()));
    out.push(Block::Text(completion_sentence(&completion)));
    let mut any = false;
    for task in &section.tasks {
        let mut done: Vec<&UnitReport> = task
            .units
            .iter()
            .filter(|u| !u.result.trim().is_empty())
            .collect();
        // The lead unit's result first, then the others in registry order.
        done.sort_by_key(|u| u.unit_name != task.lead);
        let n_more = done.len().saturating_sub(RESULTS_IN_BODY);
        if done.is_empty() {
            continue;
        }
        any = true;
        out.push(Block::Text(format!(
            "Nhiệm vụ {} “{}”:",
            task.code,
            one_line(&task.title)
        )));
        for unit in done.into_iter().take(RESULTS_IN_BODY) {
            let mut text = one_line(&unit.result);
            let actuals: Vec<String> = unit.actuals.iter().map(|a| a.summary()).collect();
            if !actuals.is_empty() {
                text.push_str(&format!(" ({})", actuals.join("; ")));
            }
            out.push(Block::Item {
                lead: unit.unit_name.clone(),
                text,
            });
        }
        if n_more > 0 {
            out.push(Block::Text(format!(
                "Kết quả của {n_more} đơn vị khác tại Phụ lục {appendix}."
            )));
        }
    }
    if !any {
        out.push(Block::Text(
            "Chưa có đơn vị báo cáo kết quả thực hiện.".to_string(),
        ));
    }
    let overdue: Vec<&str> = section
        .tasks
        .iter()
        .filter(|t| t.completion().n_overdue > 0)
        .map(|t| t.code.as_str())
        .collect();
    if !overdue.is_empty() {
        out.push(Block::Text(format!(
            "Nhiệm vụ quá hạn: {}.",
            overdue.join(", ")
        )));
    }
    // Who has not reported on what, unit by unit in the order they first appear.
    let mut missing: Vec<(&str, Vec<&str>)> = Vec::new();
    for task in &section.tasks {
        for unit in task.units.iter().filter(|u| !is_reported(u)) {
            match missing.iter_mut().find(|(name, _)| *name == unit.unit_name) {
                Some((_, codes)) => codes.push(&task.code),
                None => missing.push((&unit.unit_name, vec![&task.code])),
            }
        }
    }
    if !missing.is_empty() {
        let units: Vec<String> = missing
            .iter()
            .map(|(name, codes)| format!("{name} (nhiệm vụ {})", codes.join(", ")))
            .collect();
        out.push(Block::Text(format!(
            "Chưa báo cáo kết quả: {}.",
            units.join("; ")
        )));
    }
}

fn assessment(report: &Report, facts: &Facts<'_>, out: &mut Vec<Block>) {
    out.push(Block::Part("III. ĐÁNH GIÁ CHUNG".to_string()));
    out.push(Block::Heading("1. Ưu điểm".to_string()));
    let completion = report.completion;
    let mut strengths = Vec::new();
    if completion.n_done > 0 {
        strengths.push(format!(
            "Đã hoàn thành {} của kỳ báo cáo.",
            completion.text()
        ));
    }
    let (n_met, n_measured) = facts.targets();
    if n_met > 0 {
        strengths.push(format!("{n_met}/{n_measured} chỉ tiêu có số liệu đã đạt."));
    }
    if report.unit.is_none() {
        let finished = facts.units_with_everything_done();
        if !finished.is_empty() {
            strengths.push(format!(
                "Đơn vị hoàn thành toàn bộ nhiệm vụ được giao trong kỳ: {}.",
                finished.join(", ")
            ));
        }
    }
    if strengths.is_empty() {
        strengths.push("Chưa có nhiệm vụ hoàn thành hay chỉ tiêu đạt trong kỳ.".to_string());
    }
    out.extend(strengths.into_iter().map(Block::Text));

    out.push(Block::Heading(
        "2. Tồn tại, hạn chế và nguyên nhân".to_string(),
    ));
    let n_unreported = facts
        .unit_reports
        .iter()
        .filter(|(_, u)| !is_reported(u))
        .count();
    let mut shortcomings = Vec::new();
    if completion.n_overdue > 0 {
        shortcomings.push(format!("Còn {} nhiệm vụ quá hạn.", completion.n_overdue));
    }
    if n_unreported > 0 {
        shortcomings.push(format!(
            "Còn {n_unreported} báo cáo nhiệm vụ chưa có kết quả."
        ));
    }
    let not_met: Vec<String> = facts
        .unit_reports
        .iter()
        .flat_map(|(task, unit)| {
            unit.actuals
                .iter()
                .filter(|a| a.met == Some(false))
                .map(move |a| format!("{}, {} ({})", unit.unit_name, task_name(task), a.summary()))
        })
        .collect();
    if !not_met.is_empty() {
        shortcomings.push(format!("Chỉ tiêu chưa đạt: {}.", not_met.join("; ")));
    }
    if shortcomings.is_empty() {
        shortcomings.push(
            "Không có nhiệm vụ quá hạn, báo cáo còn thiếu hay chỉ tiêu chưa đạt.".to_string(),
        );
    }
    out.extend(shortcomings.into_iter().map(Block::Text));
    let difficulties = facts.items(|u| &u.difficulties);
    if difficulties.is_empty() {
        out.push(Block::Text(
            "Nguyên nhân: các đơn vị không nêu khó khăn, vướng mắc.".to_string(),
        ));
    } else {
        out.push(Block::Text(
            "Nguyên nhân, khó khăn, vướng mắc do các đơn vị nêu:".to_string(),
        ));
        out.extend(difficulties);
    }
}

fn directions(report: &Report, facts: &Facts<'_>, out: &mut Vec<Block>) {
    out.push(Block::Part("IV. PHƯƠNG HƯỚNG, NHIỆM VỤ KỲ TỚI".to_string()));
    let unfinished: Vec<&TaskReport> = facts
        .tasks
        .iter()
        .copied()
        .filter(|t| {
            let c = t.completion();
            c.n_tasks > 0 && c.n_done == 0
        })
        .collect();
    if unfinished.is_empty() {
        out.push(Block::Text(
            "Duy trì kết quả đã đạt; tiếp tục thực hiện các nhiệm vụ thường xuyên theo Kế hoạch."
                .to_string(),
        ));
    } else {
        let overdue: Vec<&TaskReport> = unfinished
            .iter()
            .copied()
            .filter(|t| t.completion().n_overdue > 0)
            .collect();
        let mut text = format!(
            "Tiếp tục thực hiện {} nhiệm vụ chưa hoàn thành",
            unfinished.len()
        );
        if overdue.is_empty() {
            text.push('.');
        } else {
            // The units that lead them, in the order they first appear.
            let mut leads: Vec<(&str, usize)> = Vec::new();
            for task in &overdue {
                match leads.iter_mut().find(|(lead, _)| *lead == task.lead) {
                    Some((_, n)) => *n += 1,
                    None => leads.push((&task.lead, 1)),
                }
            }
            let leads: Vec<String> = leads
                .iter()
                .map(|(lead, n)| format!("{} chủ trì {n} nhiệm vụ", one_line(lead)))
                .collect();
            text.push_str(&format!(
                ", ưu tiên {} nhiệm vụ quá hạn ({}).",
                overdue.len(),
                leads.join("; ")
            ));
        }
        out.push(Block::Text(text));
    }
    let n_to_complete = facts
        .unit_reports
        .iter()
        .filter(|(_, u)| !is_reported(u) || u.submission == ReportState::Returned)
        .count();
    if n_to_complete > 0 {
        out.push(Block::Text(format!(
            "Hoàn thiện {n_to_complete} báo cáo nhiệm vụ còn thiếu kết quả hoặc bị trả lại, gửi \
             Văn phòng Sở trước ngày {} của tháng cuối kỳ báo cáo.",
            report.deadline.day
        )));
    }
    let (n_met, n_measured) = facts.targets();
    if n_measured > n_met {
        out.push(Block::Text(format!(
            "Có giải pháp cải thiện {} chỉ tiêu chưa đạt; duy trì các chỉ tiêu đã đạt.",
            n_measured - n_met
        )));
    }
}

fn proposals(facts: &Facts<'_>, out: &mut Vec<Block>) {
    out.push(Block::Part("V. ĐỀ XUẤT, KIẾN NGHỊ".to_string()));
    let items = facts.items(|u| &u.proposals);
    if items.is_empty() {
        out.push(Block::Text(
            "Các đơn vị không có đề xuất, kiến nghị.".to_string(),
        ));
    } else {
        out.extend(items);
    }
}

/// "PAR INDEX I.1": the task's index and its place in it (section codes, then its own code),
/// from its id ("PAR_INDEX/I/1"; "PAPI/8/8.1#2" is "PAPI 8.1").
fn task_place(task: &TaskReport) -> String {
    let id = task.task_id.0.split('#').next().unwrap_or_default();
    let mut segments = id.split('/');
    let index = segments.next().unwrap_or_default().replace('_', " ");
    let mut path: Vec<&str> = Vec::new();
    for segment in segments.filter(|s| !s.is_empty()) {
        // "8" then "8.1" is "8.1".
        if path
            .last()
            .is_some_and(|last| segment.starts_with(&format!("{last}.")))
        {
            path.pop();
        }
        path.push(segment);
    }
    format!("{index} {}", path.join("."))
}

/// "nhiệm vụ PAR INDEX I.1 “Tỷ lệ hồ sơ trực tuyến”", wherever it is cited.
fn task_name(task: &TaskReport) -> String {
    format!("nhiệm vụ {} “{}”", task_place(task), one_line(&task.title))
}

/// Lines joined by spaces, trimmed.
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn completion_sentence(completion: &Completion) -> String {
    format!(
        "Hoàn thành {}; quá hạn {} nhiệm vụ.",
        completion.text(),
        completion.n_overdue
    )
}

/// What the assessment counts, over every task of the report in printed order.
struct Facts<'r> {
    tasks: Vec<&'r TaskReport>,
    /// Every unit's report on every task, with its task.
    unit_reports: Vec<(&'r TaskReport, &'r UnitReport)>,
}

impl<'r> Facts<'r> {
    fn of(report: &'r Report) -> Facts<'r> {
        let tasks: Vec<&TaskReport> = report
            .indexes
            .iter()
            .flat_map(|i| &i.sections)
            .flat_map(|s| &s.tasks)
            .collect();
        let unit_reports = tasks
            .iter()
            .flat_map(|t| t.units.iter().map(move |u| (*t, u)))
            .collect();
        Facts {
            tasks,
            unit_reports,
        }
    }

    /// Targets met, out of targets with an actual that can be compared.
    fn targets(&self) -> (usize, usize) {
        let compared: Vec<bool> = self
            .unit_reports
            .iter()
            .flat_map(|(_, u)| &u.actuals)
            .filter_map(|a| a.actual.and(a.met))
            .collect();
        (compared.iter().filter(|m| **m).count(), compared.len())
    }

    /// The units (in the order they first appear) whose every applicable task is done.
    fn units_with_everything_done(&self) -> Vec<&'r str> {
        let applicable = |u: &UnitReport| u.status != ReportStatus::NotApplicable;
        let done = self.per_unit(|u| !applicable(u) || u.status == ReportStatus::Done);
        let any_applicable = self.per_unit(|u| !applicable(u));
        done.into_iter()
            .zip(any_applicable)
            .filter(|((_, all_done), (_, none_applicable))| *all_done && !none_applicable)
            .map(|((name, _), _)| name)
            .collect()
    }

    /// Each unit (in the order it first appears) with whether `holds` holds for every one of
    /// its reports; one pass, so a province's thousand units stay quick.
    fn per_unit(&self, holds: impl Fn(&UnitReport) -> bool) -> Vec<(&'r str, bool)> {
        let mut out: Vec<(&'r str, bool)> = Vec::new();
        let mut position: HashMap<&'r str, usize> = HashMap::new();
        for (_, unit) in &self.unit_reports {
            let name = unit.unit_name.as_str();
            let idx = *position.entry(name).or_insert_with(|| {
                out.push((name, true));
                out.len() - 1
            });
            out[idx].1 &= holds(unit);
        }
        out
    }

    /// One item per distinct text (difficulties, proposals) that is written, naming every unit
    /// that wrote it: "- Phòng ... (nhiệm vụ PAR INDEX I.1), Phòng ... (5 nhiệm vụ): ...". The
    /// same words from thirty units are one item, not thirty.
    fn items(&self, text: fn(&UnitReport) -> &String) -> Vec<Block> {
        /// A unit that wrote a text, with the places of the tasks it wrote it for.
        type Writer<'a> = (&'a str, Vec<String>);
        // Each text with its writers, in the order each first appears.
        let mut groups: Vec<(String, Vec<Writer<'r>>)> = Vec::new();
        let mut position: HashMap<String, usize> = HashMap::new();
        for (task, unit) in &self.unit_reports {
            let written = one_line(text(unit));
            if written.trim().is_empty() {
                continue;
            }
            let idx = *position.entry(written.clone()).or_insert_with(|| {
                groups.push((written, Vec::new()));
                groups.len() - 1
            });
            let writers = &mut groups[idx].1;
            let name = unit.unit_name.as_str();
            match writers.iter_mut().find(|(unit, _)| *unit == name) {
                Some((_, places)) => places.push(task_place(task)),
                None => writers.push((name, vec![task_place(task)])),
            }
        }
        groups
            .into_iter()
            .map(|(text, writers)| {
                let lead: Vec<String> = writers
                    .iter()
                    .map(|(unit, places)| match places.len() {
                        1..=3 => format!("{unit} (nhiệm vụ {})", places.join(", ")),
                        n => format!("{unit} ({n} nhiệm vụ)"),
                    })
                    .collect();
                Block::Item {
                    lead: lead.join(", "),
                    text,
                }
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use shared::plan::{IndexKind, TaskId};
    use shared::report::{
        Completion, IndexReport, ReportStatus, ReviewReport, SectionReport, TaskReport, UnitReport,
    };

    use super::{index_results, task_place, Block, Facts};

    fn reported(name: &str) -> UnitReport {
        UnitReport {
            unit_code: name.to_uppercase(),
            unit_name: name.into(),
            status: ReportStatus::Done,
            status_conflict: false,
            progress: Some(100),
            result: format!("Kết quả của {name}"),
            difficulties: String::new(),
            proposals: String::new(),
            actuals: Vec::new(),
            review: ReviewReport::default(),
            submission: Default::default(),
            sent_at: None,
            n_evidence: 0,
            unreadable: Vec::new(),
        }
    }

    #[test]
    fn the_same_difficulty_from_many_units_is_one_item_naming_them() {
        let tasks: Vec<TaskReport> = (1..=5)
            .map(|n| {
                let mut t = task(&format!("PAR_INDEX/I/{n}"), &n.to_string());
                t.units = ["Phòng A", "Phòng B"]
                    .into_iter()
                    .map(|name| {
                        let mut unit = reported(name);
                        unit.difficulties = if name == "Phòng B" && n == 2 {
                            "Thiếu máy tính.".into()
                        } else if name == "Phòng B" && n > 2 {
                            String::new()
                        } else {
                            "Khối lượng công việc lớn,\nbiên chế còn thiếu.".into()
                        };
                        unit
                    })
                    .collect();
                t
            })
            .collect();
        let facts = Facts {
            tasks: tasks.iter().collect(),
            unit_reports: tasks
                .iter()
                .flat_map(|t| t.units.iter().map(move |u| (t, u)))
                .collect(),
        };
        let items: Vec<String> = facts
            .items(|u| &u.difficulties)
            .into_iter()
            .map(|b| match b {
                Block::Item { lead, text } => format!("{lead}: {text}"),
                other => format!("{other:?}"),
            })
            .collect();
        assert_eq!(
            items,
            [
                "Phòng A (5 nhiệm vụ), Phòng B (nhiệm vụ PAR INDEX I.1): Khối lượng công việc lớn, biên chế còn thiếu.",
                "Phòng B (nhiệm vụ PAR INDEX I.2): Thiếu máy tính.",
            ]
        );
    }

    #[test]
    fn a_task_with_many_units_shows_the_lead_and_two_more_and_points_to_the_appendix() {
        let mut many = task("PAR_INDEX/I/1", "1");
        many.units = ["Phòng A", "Phòng B", "Văn phòng Sở", "Phòng C", "Phòng D"]
            .into_iter()
            .map(reported)
            .collect();
        let mut few = task("PAR_INDEX/I/2", "2");
        few.units = vec![reported("Phòng A")];
        let index = IndexReport {
            index: IndexKind::ParIndex,
            title: String::new(),
            sections: vec![section("I", 0, vec![many, few])],
            completion: Completion::default(),
        };
        let mut out = Vec::new();
        index_results(2, &index, "của các đơn vị", &mut out);
        let lines: Vec<String> = out
            .into_iter()
            .filter_map(|b| match b {
                Block::Item { lead, text } => Some(format!("- {lead}: {text}")),
                Block::Text(t) if t.starts_with("Kết quả") || t.starts_with("Nhiệm vụ") => {
                    Some(t)
                }
                _ => None,
            })
            .collect();
        assert_eq!(
            lines,
            [
                "Nhiệm vụ 1 “Tiếp cận dịch vụ”:",
                "- Văn phòng Sở: Kết quả của Văn phòng Sở",
                "- Phòng A: Kết quả của Phòng A",
                "- Phòng B: Kết quả của Phòng B",
                "Kết quả của 2 đơn vị khác tại Phụ lục II.",
                "Nhiệm vụ 2 “Tiếp cận dịch vụ”:",
                "- Phòng A: Kết quả của Phòng A",
            ]
        );
    }

    fn task(id: &str, code: &str) -> TaskReport {
        TaskReport {
            task_id: TaskId(id.into()),
            code: code.into(),
            title: "Tiếp cận dịch vụ".into(),
            content: String::new(),
            lead: "Văn phòng Sở".into(),
            deadline: shared::calendar::Date::new(2026, 9, 14).unwrap(),
            units: Vec::new(),
        }
    }

    fn section(code: &str, depth: usize, tasks: Vec<TaskReport>) -> SectionReport {
        SectionReport {
            code: code.into(),
            title: format!("Mục {code}"),
            depth,
            tasks,
        }
    }

    #[test]
    fn a_task_is_cited_by_its_index_and_its_place_in_it() {
        let places: Vec<String> = [
            ("PAR_INDEX/I/1", "1"),
            ("PAPI/8/8.1#2", "8.1"),
            ("SIPAS/A/I/1", "1"),
            ("SIPAS/3", "3"),
        ]
        .iter()
        .map(|(id, code)| task_place(&task(id, code)))
        .collect();
        assert_eq!(
            places,
            ["PAR INDEX I.1", "PAPI 8.1", "SIPAS A.I.1", "SIPAS 3"]
        );
    }

    #[test]
    fn a_heading_over_sub_sections_says_nothing_and_one_over_nothing_says_so() {
        let index = IndexReport {
            index: IndexKind::Sipas,
            title: String::new(),
            sections: vec![
                section("A", 0, Vec::new()),
                section("I", 1, vec![task("SIPAS/A/I/1", "1")]),
                section("B", 0, Vec::new()),
                section("I", 1, Vec::new()),
            ],
            completion: Completion::default(),
        };
        let mut out = Vec::new();
        index_results(3, &index, "của các đơn vị", &mut out);
        let texts: Vec<String> = out
            .into_iter()
            .map(|b| match b {
                Block::Heading(t) | Block::Subheading(t) => format!("# {t}"),
                Block::Text(t) => t,
                other => format!("{other:?}"),
            })
            .collect();
        assert_eq!(
            texts,
            [
                "# 3. Chỉ số SIPAS",
                "Hoàn thành 0/0 nhiệm vụ, 0,00%; quá hạn 0 nhiệm vụ; mọi nhiệm vụ đã có báo cáo kết quả.",
                "# 3.1. Mục A",
                "# I. Mục I",
                "Hoàn thành 0/0 nhiệm vụ, 0,00%; quá hạn 0 nhiệm vụ.",
                "Chưa có đơn vị báo cáo kết quả thực hiện.",
                "# 3.2. Mục B",
                "# I. Mục I",
                "Không có nhiệm vụ trong kỳ.",
            ]
        );
    }
}
