//! The plan as data: header, appendices (one per index), nested sections, tasks, units.

use serde::{Deserialize, Serialize};
use std::fmt;

use crate::calendar::CalendarConfig;
use crate::target::Target;
use crate::timeframe::Timeframe;
use crate::unit::UnitRegistry;

/// A plan as issued: its header, its appendices of tasks, and the units it names.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Plan {
    /// The document number as printed after "Số:" (it may still be blank before issue: "/KH-SXD").
    pub number: String,
    /// The date as printed on the date line ("ngày tháng 01 năm 2026").
    pub date: String,
    /// The date's parts that were filled in.
    pub date_parts: PlanDate,
    /// The place on the date line ("Tuyên Quang").
    pub place: String,
    /// The issuing body ("Sở Xây dựng").
    pub issuer: String,
    /// The document kind ("KẾ HOẠCH").
    pub kind: String,
    pub title: String,
    /// The years the plan covers ("giai đoạn 2026-2030").
    pub period: Option<PlanPeriod>,
    pub appendices: Vec<Appendix>,
    pub units: UnitRegistry,
    /// The plan's reporting rules (data windows, deadline day) when it sets its own; `None`
    /// follows CV 581 (see [`Plan::calendar`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub calendar: Option<CalendarConfig>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanDate {
    pub day: Option<u8>,
    pub month: Option<u8>,
    pub year: Option<i32>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanPeriod {
    pub from: i32,
    pub to: i32,
}

/// The index an appendix serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum IndexKind {
    #[serde(rename = "PAR_INDEX")]
    ParIndex,
    #[serde(rename = "PAPI")]
    Papi,
    #[serde(rename = "SIPAS")]
    Sipas,
}

impl IndexKind {
    pub const ALL: [IndexKind; 3] = [IndexKind::ParIndex, IndexKind::Papi, IndexKind::Sipas];

    /// The identifier used in task ids and JSON.
    pub fn code(self) -> &'static str {
        match self {
            IndexKind::ParIndex => "PAR_INDEX",
            IndexKind::Papi => "PAPI",
            IndexKind::Sipas => "SIPAS",
        }
    }

    /// The name users know the index by.
    pub fn label(self) -> &'static str {
        match self {
            IndexKind::ParIndex => "PAR INDEX",
            IndexKind::Papi => "PAPI",
            IndexKind::Sipas => "SIPAS",
        }
    }
}

impl fmt::Display for IndexKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// One appendix: the task table of one index.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Appendix {
    pub index: IndexKind,
    /// The appendix's number as printed ("I", "II"); empty when unnumbered.
    pub number: String,
    pub title: String,
    /// The line under the title, e.g. "(Kèm theo Kế hoạch số /KH-SXD ...)".
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub subtitle: String,
    /// Paragraphs printed between or after the appendix's tables, kept as written.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
    pub sections: Vec<Section>,
    /// Tasks printed before any section heading.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tasks: Vec<Task>,
}

/// A heading row: a field of PAR INDEX (I, II ...), a PAPI group (1, 2 ...), a SIPAS part (A, B)
/// or its sub-part (I, II ...).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Section {
    pub code: String,
    pub title: String,
    /// A time frame printed on the heading row itself; it applies to tasks that print none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeframe: Option<Timeframe>,
    pub sections: Vec<Section>,
    pub tasks: Vec<Task>,
}

/// A stable task id: index, section codes and task code, with "#2" for a repeated code
/// ("PAPI/8/8.1#2"). Records and reviews are keyed by it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct TaskId(pub String);

impl fmt::Display for TaskId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Task {
    pub id: TaskId,
    /// The code as printed ("1", "8.1"); codes may repeat or skip numbers.
    pub code: String,
    /// The criterion or task name.
    pub title: String,
    /// The content, tasks and solutions (often with a numeric target); may be empty.
    pub content: String,
    /// Lead units (Chủ trì), by canonical name.
    pub lead: Vec<String>,
    /// Supporting units (Phối hợp), by canonical name.
    pub support: Vec<String>,
    /// The lead cell as printed.
    pub lead_text: String,
    /// The supporting cell as printed.
    pub support_text: String,
    pub timeframe: Timeframe,
    /// Expected products (SIPAS "Sản phẩm/kết quả công việc"), one per item.
    pub products: Vec<String>,
    /// The products cell as printed.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub products_text: String,
    /// A notes column ("Ghi chú"), when the table has one.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub notes: String,
    /// Numeric targets found in the title and content.
    pub targets: Vec<Target>,
    /// Where the task was read from ("line 107" or "table 1, row 5").
    pub source: String,
    /// The office requires an evidence file with each report on this task before it can be
    /// sent (set by the office's plan editors).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub evidence_required: bool,
}

impl Plan {
    /// The plan's reporting calendar: its own, else the default (CV 581, due before the 14th).
    pub fn calendar(&self) -> CalendarConfig {
        self.calendar.clone().unwrap_or_default()
    }

    /// Every task, in plan order, with the index it belongs to.
    pub fn tasks(&self) -> Vec<(IndexKind, &Task)> {
        let mut out = Vec::new();
        for appendix in &self.appendices {
            out.extend(appendix.tasks.iter().map(|t| (appendix.index, t)));
            for section in &appendix.sections {
                section.visit_tasks(&mut |t| out.push((appendix.index, t)));
            }
        }
        out
    }

    pub fn task(&self, id: &TaskId) -> Option<&Task> {
        self.tasks()
            .into_iter()
            .map(|(_, t)| t)
            .find(|t| &t.id == id)
    }

    pub fn appendix(&self, index: IndexKind) -> Option<&Appendix> {
        self.appendices.iter().find(|a| a.index == index)
    }

    /// The units of the Sở that must report on `task`: its lead and supporting units, with
    /// collective assignees expanded, each once, in registry order.
    pub fn reporting_units(&self, task: &Task) -> Vec<&str> {
        let named: Vec<&str> = task
            .lead
            .iter()
            .chain(&task.support)
            .flat_map(|n| self.units.expand(n))
            .collect();
        self.units
            .units()
            .map(|e| e.name.as_str())
            .filter(|u| named.contains(u))
            .collect()
    }
}

impl Plan {
    /// The reporting years that are open on `today`: from `first` (the first year the plan was
    /// published for) to the latest year whose first data window has opened, but not past the
    /// years the plan covers when it states them ("giai đoạn 2026-2030").
    pub fn open_years(&self, first: i32, today: crate::calendar::Date) -> Vec<i32> {
        let latest = self.calendar().latest_open_year(today);
        let last = self.period.map_or(latest, |p| latest.min(p.to));
        (first..=last).collect()
    }
}

impl Task {
    /// Whether the unit reports on this task in `year`, the plan being first published for
    /// `first`: a task due by a dated deadline ("Trước 15/12/2026") is not reported after that
    /// year, one already done when the plan was issued not after the first year; every other
    /// task every year.
    pub fn reported_in(&self, year: i32, first: i32) -> bool {
        use crate::timeframe::Schedule;
        match self.timeframe.schedule {
            Schedule::BeforeDate {
                year: Some(due), ..
            } => year <= due.max(first),
            Schedule::AlreadyDone => year <= first,
            _ => true,
        }
    }
}

impl Appendix {
    pub fn n_tasks(&self) -> usize {
        self.tasks.len() + self.sections.iter().map(Section::n_tasks).sum::<usize>()
    }
}

impl Section {
    pub fn n_tasks(&self) -> usize {
        self.tasks.len() + self.sections.iter().map(Section::n_tasks).sum::<usize>()
    }

    /// Calls `f` on every task of this section and its sub-sections, in plan order.
    pub fn visit_tasks<'a>(&'a self, f: &mut dyn FnMut(&'a Task)) {
        self.tasks.iter().for_each(&mut *f);
        for section in &self.sections {
            section.visit_tasks(f);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::Date;

    fn task(timeframe: &str) -> Task {
        Task {
            id: TaskId("PAR_INDEX/I/1".into()),
            code: "1".into(),
            title: "Nhiệm vụ".into(),
            content: String::new(),
            lead: Vec::new(),
            support: Vec::new(),
            lead_text: String::new(),
            support_text: String::new(),
            timeframe: Timeframe::parse(timeframe),
            products: Vec::new(),
            products_text: String::new(),
            notes: String::new(),
            targets: Vec::new(),
            source: String::new(),
            evidence_required: false,
        }
    }

    #[test]
    fn a_dated_or_finished_task_is_not_reported_in_later_years() {
        assert!(task("Hàng năm").reported_in(2030, 2026));
        assert!(task("Quý III và năm").reported_in(2027, 2026));
        let dated = task("Trước 15/12/2026");
        assert!(dated.reported_in(2026, 2026));
        assert!(!dated.reported_in(2027, 2026));
        // Dated before the plan's first year: still reported in that year.
        assert!(task("Trước 15/11/2025").reported_in(2026, 2026));
        assert!(!task("Trước 15/11/2025").reported_in(2027, 2026));
        let done = task("Kế hoạch đã hoàn thành");
        assert!(done.reported_in(2026, 2026));
        assert!(!done.reported_in(2027, 2026));
    }

    #[test]
    fn the_open_years_follow_the_first_window_and_stop_at_the_plan_s_end() {
        let plan = crate::import::import_text(include_str!(
            "../../fixtures/plans/tuyen-quang-sxd-2026.txt"
        ))
        .expect("the seed plan imports")
        .plan;
        assert_eq!(
            plan.period,
            Some(PlanPeriod {
                from: 2026,
                to: 2030
            })
        );
        let day = |d, m, y| Date::new(y, m, d).unwrap();
        assert_eq!(plan.open_years(2026, day(14, 12, 2026)), [2026]);
        assert_eq!(plan.open_years(2026, day(15, 12, 2026)), [2026, 2027]);
        assert_eq!(
            plan.open_years(2026, day(20, 12, 2030)),
            [2026, 2027, 2028, 2029, 2030],
            "never past the plan's last year"
        );
        let mut open_ended = plan.clone();
        open_ended.period = None;
        assert_eq!(
            open_ended.open_years(2026, day(20, 12, 2030)).last(),
            Some(&2031)
        );
    }
}
