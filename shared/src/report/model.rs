//! The report as plain values, with the Vietnamese wording writers print for each.

use serde::{Deserialize, Serialize};

use crate::calendar::{Date, PeriodId};
use crate::plan::{IndexKind, PlanDate, TaskId};
use crate::record::Verdict;
use crate::target::{Target, TargetOperator};
use crate::unreadable::RecordPart;
use crate::vietnamese::{format_completion, format_decimal};

pub use super::notices::{ReadNotice, UnreadableDocument, UnreadableRole};

/// A period's report, ready to be laid out.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    pub period: PeriodId,
    /// The period's internal deadline; unfinished work after it is overdue.
    pub deadline: Date,
    /// The day the report was made.
    pub today: Date,
    /// The plan's issuing body, upper-case ("SỞ XÂY DỰNG"). The DOCX's heading block takes its
    /// issuer from a [`super::ReportHeading`] instead.
    pub issuer: String,
    /// The unit a per-unit report is for; `None` for the consolidated report.
    pub unit: Option<ReportUnit>,
    /// "Tuyên Quang, ngày 20 tháng 9 năm 2026".
    pub date_line: String,
    /// "BÁO CÁO".
    pub title: String,
    /// "Kết quả thực hiện Kế hoạch ... – Quý III/2026".
    pub subtitle: String,
    pub indexes: Vec<IndexReport>,
    /// Over every index.
    pub completion: Completion,
    /// The units' documents that could not be read at all, in registry order: a unit whose
    /// records are among them is left out of the report, one whose review is shows its
    /// appraisals as unreadable. [`Report::read_notices`] says so in words.
    #[serde(default)]
    pub unreadable: Vec<UnreadableDocument>,
    /// The plan the report follows, as its opening cites it.
    #[serde(default)]
    pub plan: PlanCitation,
    /// The period's data window, inclusive at both ends: the opening's "Số liệu tính từ ngày
    /// 15/6/2026 đến ngày 14/9/2026".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub window: Option<(Date, Date)>,
}

/// A plan as a report cites it: "Kế hoạch số 12/KH-SXD ngày 05/01/2026 của Sở Xây dựng về ...".
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanCitation {
    /// As printed after "Số:"; "/KH-SXD" before it was numbered.
    pub number: String,
    /// The date's parts that were filled in.
    pub date: PlanDate,
    /// "Sở Xây dựng".
    pub issuer: String,
    /// "Duy trì, cải thiện và nâng cao kết quả Chỉ số ...".
    pub title: String,
}

impl PlanCitation {
    /// "Kế hoạch số 12/KH-SXD ngày 05/01/2026"; what the plan left blank is printed "…"
    /// ("Kế hoạch số …/KH-SXD ngày …/01/2026").
    pub fn reference(&self) -> String {
        let number = self.number.trim();
        let number = if number.starts_with('/') {
            format!("…{number}")
        } else if number.is_empty() {
            "…".to_string()
        } else {
            number.to_string()
        };
        let part = |value: Option<u32>, width: usize| match value {
            Some(v) => format!("{v:0width$}"),
            None => "…".to_string(),
        };
        let date = format!(
            "{}/{}/{}",
            part(self.date.day.map(u32::from), 2),
            part(self.date.month.map(u32::from), 2),
            self.date
                .year
                .map_or("…".to_string(), |year| year.to_string())
        );
        format!("Kế hoạch số {number} ngày {date}")
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportUnit {
    pub code: String,
    pub name: String,
}

/// One index (appendix) of the plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IndexReport {
    pub index: IndexKind,
    /// The appendix title as printed.
    pub title: String,
    /// Sections depth first; tasks printed before any heading come first, in a section with an
    /// empty code and title.
    pub sections: Vec<SectionReport>,
    pub completion: Completion,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SectionReport {
    pub code: String,
    pub title: String,
    /// 0 for a top-level section, 1 for its sub-sections, ...
    pub depth: usize,
    pub tasks: Vec<TaskReport>,
}

impl SectionReport {
    /// "I. CÔNG TÁC CHỈ ĐẠO ĐIỀU HÀNH", or "" for tasks outside any section.
    pub fn heading(&self) -> String {
        match (self.code.is_empty(), self.title.is_empty()) {
            (true, true) => String::new(),
            (true, false) => self.title.clone(),
            (false, true) => self.code.clone(),
            (false, false) => format!("{}. {}", self.code, self.title),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TaskReport {
    pub task_id: TaskId,
    /// The code as printed ("8.1").
    pub code: String,
    pub title: String,
    pub content: String,
    /// The lead cell as printed ("Văn phòng Sở").
    pub lead: String,
    /// When the task's report for the period is due: its own date inside the period when its
    /// time frame sets one, else the period's deadline; unfinished after it is overdue.
    pub deadline: Date,
    /// The units reporting on the task (in scope), in registry order; empty when no unit of
    /// the Sở reports on it.
    pub units: Vec<UnitReport>,
}

impl TaskReport {
    /// The task's weight in the totals: not counted when no unit reports on it or every unit
    /// marks it not applicable; done when every unit it applies to has finished it.
    pub fn completion(&self) -> Completion {
        let applicable: Vec<&UnitReport> = self
            .units
            .iter()
            .filter(|u| u.status != ReportStatus::NotApplicable)
            .collect();
        if applicable.is_empty() {
            return Completion::default();
        }
        Completion {
            n_done: usize::from(applicable.iter().all(|u| u.status == ReportStatus::Done)),
            n_tasks: 1,
            n_overdue: usize::from(applicable.iter().any(|u| u.status == ReportStatus::Overdue)),
        }
    }
}

/// One unit's report on one task for the period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UnitReport {
    pub unit_code: String,
    pub unit_name: String,
    pub status: ReportStatus,
    /// Two laptops set different statuses offline and nobody has picked one yet.
    pub status_conflict: bool,
    pub progress: Option<u8>,
    pub result: String,
    pub difficulties: String,
    pub proposals: String,
    /// One per target of the task, in the task's order.
    pub actuals: Vec<ActualReport>,
    pub review: ReviewReport,
    /// Where the report stands between the unit and the office (sent, returned, accepted…).
    #[serde(default)]
    pub submission: crate::submission::ReportState,
    /// When the unit last sent it (Unix milliseconds), if it did: the office's queue is oldest
    /// first.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sent_at: Option<i64>,
    /// How many evidence files the unit attached to the period's report.
    #[serde(default)]
    pub n_evidence: usize,
    /// Parts of the unit's record or appraisal of the task that could not be read (a value of
    /// the wrong type, a map replaced by a value): they are shown empty.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unreadable: Vec<RecordPart>,
}

impl UnitReport {
    /// Whether the recorded status could not be read (the status shown is then worked out as if
    /// none was recorded).
    pub fn status_unreadable(&self) -> bool {
        self.unreadable
            .iter()
            .any(|p| matches!(p, RecordPart::Status | RecordPart::Task))
    }
}

/// A task's status as the report shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReportStatus {
    Done,
    InProgress,
    NotStarted,
    NotApplicable,
    /// Not done (nor not applicable) after the period's deadline.
    Overdue,
}

impl ReportStatus {
    /// "Hoàn thành", "Đang thực hiện", "Chưa thực hiện", "Không áp dụng", "Quá hạn".
    pub fn label(self) -> &'static str {
        match self {
            ReportStatus::Done => "Hoàn thành",
            ReportStatus::InProgress => "Đang thực hiện",
            ReportStatus::NotStarted => "Chưa thực hiện",
            ReportStatus::NotApplicable => "Không áp dụng",
            ReportStatus::Overdue => "Quá hạn",
        }
    }
}

/// A target of the task with the unit's actual value for the period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ActualReport {
    /// The target's position in the task's targets (the records' key).
    pub target_idx: usize,
    pub target: Target,
    pub actual: Option<f64>,
    /// `None` when there is no actual yet or the target states no value.
    pub met: Option<bool>,
    /// Two laptops entered different actuals offline.
    pub conflict: bool,
}

impl ActualReport {
    /// The target in short: "≥ 80%", "≥ 3 sáng kiến", "≤ số lượng biên chế được giao".
    pub fn target_text(&self) -> String {
        let op = match self.target.operator {
            TargetOperator::AtLeast => "≥",
            TargetOperator::AtMost => "≤",
            TargetOperator::Exactly => "=",
        };
        match (self.target.value, &self.target.unit) {
            (Some(value), unit) => format!("{op} {}", with_unit(value, unit.as_deref())),
            (None, Some(unit)) => format!("{op} {unit}"),
            (None, None) => format!("{op} {}", self.target.text),
        }
    }

    /// "86,5%", "3 sáng kiến", or "—" when not entered.
    pub fn actual_text(&self) -> String {
        match self.actual {
            Some(actual) => with_unit(actual, self.target.unit.as_deref()),
            None => "—".to_string(),
        }
    }

    /// "Đạt", "Không đạt", "Chưa có số liệu" (no actual), "Không so sánh được" (no value).
    pub fn met_label(&self) -> &'static str {
        match (self.actual, self.met) {
            (None, _) => "Chưa có số liệu",
            (Some(_), Some(true)) => "Đạt",
            (Some(_), Some(false)) => "Không đạt",
            (Some(_), None) => "Không so sánh được",
        }
    }

    /// "≥ 80%: thực hiện 86,5% – Đạt".
    pub fn summary(&self) -> String {
        let actual = match self.actual {
            Some(_) => format!("thực hiện {}", self.actual_text()),
            None => "chưa có số liệu".to_string(),
        };
        let met = match self.actual {
            Some(_) => format!(" – {}", self.met_label()),
            None => String::new(),
        };
        format!("{}: {actual}{met}", self.target_text())
    }
}

/// The office's appraisal of the unit's report on the task for the period.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ReviewReport {
    pub verdict: Option<Verdict>,
    pub comment: String,
    /// The reviewer's user name.
    pub by: Option<String>,
    /// The appraisal is there but could not be read.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub unreadable: bool,
}

impl ReviewReport {
    /// The verdict's label, "Chưa thẩm định" when none was given, "Không đọc được" when it
    /// could not be read.
    pub fn label(&self) -> &'static str {
        match self.verdict {
            Some(verdict) => verdict.label(),
            None if self.unreadable => "Không đọc được",
            None => "Chưa thẩm định",
        }
    }
}

/// How many tasks are done, out of how many, and how many are overdue.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Completion {
    pub n_done: usize,
    pub n_tasks: usize,
    pub n_overdue: usize,
}

impl Completion {
    pub fn plus(self, other: Completion) -> Completion {
        Completion {
            n_done: self.n_done + other.n_done,
            n_tasks: self.n_tasks + other.n_tasks,
            n_overdue: self.n_overdue + other.n_overdue,
        }
    }

    /// "31/75 nhiệm vụ, 41,33%".
    pub fn text(&self) -> String {
        format_completion(self.n_done, self.n_tasks, "nhiệm vụ")
    }
}

/// A number the Vietnamese way without needless decimals: "86,5", "3", "1.245".
pub fn format_number(value: f64) -> String {
    if (value - value.round()).abs() < 1e-9 {
        return format_decimal(value, 0);
    }
    let text = format_decimal(value, 2);
    text.trim_end_matches('0').trim_end_matches(',').to_string()
}

fn with_unit(value: f64, unit: Option<&str>) -> String {
    match unit {
        Some("%") => format!("{}%", format_number(value)),
        Some(unit) => format!("{} {unit}", format_number(value)),
        None => format_number(value),
    }
}
