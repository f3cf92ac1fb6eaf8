//! Building a [`Report`] from the plan and the units' Automerge documents.

use std::collections::HashMap;

use automerge::Automerge;

use super::model::{
    ActualReport, Completion, IndexReport, PlanCitation, Report, ReportStatus, ReportUnit,
    ReviewReport, SectionReport, TaskReport, UnitReport, UnreadableDocument, UnreadableRole,
};

use crate::calendar::{CalendarConfig, Date, PeriodId};
use crate::documents::records::{self, TaskRecord, TaskStatus};
use crate::documents::review;
use crate::documents::{DocumentError, HeaderError, Versions};
use crate::plan::{Appendix, Plan, Section, Task, TaskId};
use crate::timeframe::Schedule;
use crate::unreadable::{RecordPart, UnreadableReason};
use crate::vietnamese::formal_date_line;

/// One unit's documents for the report's year.
#[derive(Debug, Clone, Copy)]
pub struct UnitDocuments<'a> {
    /// The unit's code in the registry ("QLHT").
    pub code: &'a str,
    /// The unit's name ("Phòng Quản lý hạ tầng").
    pub name: &'a str,
    pub records: &'a Automerge,
    /// The office's review document; `None` reads as "not appraised".
    pub review: Option<&'a Automerge>,
}

/// Which units a report covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// The consolidated report of every unit.
    AllUnits,
    /// One unit's report, by unit code.
    Unit(String),
}

/// What a report is built from.
#[derive(Debug, Clone)]
pub struct ReportRequest<'a> {
    pub plan: &'a Plan,
    pub period: PeriodId,
    pub calendar: &'a CalendarConfig,
    /// The day the report is made: its date line, and what counts as overdue.
    pub today: Date,
    /// Every unit's documents, in the order units are listed (the registry's).
    pub units: &'a [UnitDocuments<'a>],
    pub scope: Scope,
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ReportError {
    #[error("unit {0} has no records for this year")]
    UnknownUnit(String),
    /// The records of the unit a per-unit report is for cannot be read;
    /// [`UnreadableDocument::text`] says so in Vietnamese.
    #[error(
        "the records of unit {} ({}) cannot be read: {}",
        .0.unit.code,
        .0.unit.name,
        .0.cause
    )]
    Unreadable(UnreadableDocument),
}

/// What every unit's part of a report is read against: the plan, the period, the reporting
/// calendar and the day the report is made. Parts read against one context assemble into one
/// report.
#[derive(Debug, Clone, Copy)]
pub struct ReportContext<'a> {
    pub plan: &'a Plan,
    pub period: PeriodId,
    pub calendar: &'a CalendarConfig,
    pub today: Date,
}

impl<'a> ReportRequest<'a> {
    pub fn context(&self) -> ReportContext<'a> {
        ReportContext {
            plan: self.plan,
            period: self.period,
            calendar: self.calendar,
            today: self.today,
        }
    }
}

/// One unit's share of a report: its report on each task of the plan its records hold, or why
/// its records cannot be read. Reading the documents is nearly all of a report's cost, so the
/// app keeps parts between refreshes ([`super::PartCache`]) and reads again only the units whose
/// documents changed; [`assemble`] puts parts together in the order units are listed.
///
/// A part does not depend on the day the report is made (what is overdue is decided by
/// [`assemble`]), and serializes ([`UnitPart::to_json`]), so the app can keep parts on disk
/// from one start to the next.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct UnitPart {
    unit: ReportUnit,
    /// Keyed by task and its deadline (a task id repeated in the plan under another inherited
    /// time frame has its own entry). Each unit report's status is as before the deadline:
    /// never [`ReportStatus::Overdue`].
    #[serde(with = "tasks_as_list")]
    tasks: Result<HashMap<(TaskId, Date), UnitReport>, UnreadableDocument>,
    /// The review document is there but does not read as a whole.
    review_problem: Option<UnreadableDocument>,
}

impl UnitPart {
    /// The unit's code in the registry.
    pub fn code(&self) -> &str {
        &self.unit.code
    }

    /// The part as JSON, to keep on disk.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("a part serializes")
    }

    /// A part kept by [`UnitPart::to_json`]; `None` when it does not read (written by another
    /// version): read the documents again.
    pub fn from_json(json: &str) -> Option<UnitPart> {
        serde_json::from_str(json).ok()
    }
}

/// A part's tasks as a list of entries (JSON maps take only text keys).
mod tasks_as_list {
    use std::collections::HashMap;

    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    use super::{Date, TaskId, UnitReport, UnreadableDocument};

    type Key = (TaskId, Date);
    type Tasks = Result<HashMap<Key, UnitReport>, UnreadableDocument>;
    type Listed<'a> = Result<Vec<(&'a Key, &'a UnitReport)>, &'a UnreadableDocument>;
    type Owned = Result<Vec<(Key, UnitReport)>, UnreadableDocument>;

    pub fn serialize<S: Serializer>(tasks: &Tasks, serializer: S) -> Result<S::Ok, S::Error> {
        let listed: Listed<'_> = tasks.as_ref().map(|tasks| tasks.iter().collect());
        listed.serialize(serializer)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Tasks, D::Error> {
        let listed: Owned = Deserialize::deserialize(deserializer)?;
        Ok(listed.map(|tasks| tasks.into_iter().collect()))
    }
}

/// Reads one unit's documents for the report of `context`.
pub fn read_unit(context: &ReportContext<'_>, unit: &UnitDocuments<'_>) -> UnitPart {
    let unit_ref = ReportUnit {
        code: unit.code.to_string(),
        name: unit.name.to_string(),
    };
    match UnitReader::new(unit, context.period.year) {
        Ok((reader, review_problem)) => {
            let mut tasks = HashMap::new();
            for (task, schedule) in plan_tasks(context.plan) {
                if !reader.tasks.contains(&task.id) {
                    continue;
                }
                let deadline = context.calendar.task_deadline(schedule, context.period);
                tasks
                    .entry((task.id.clone(), deadline))
                    .or_insert_with(|| unit_report(context, &reader, task));
            }
            UnitPart {
                unit: unit_ref,
                tasks: Ok(tasks),
                review_problem,
            }
        }
        Err(problem) => UnitPart {
            unit: unit_ref,
            tasks: Err(problem),
            review_problem: None,
        },
    }
}

/// Builds the report described by `request`. A unit whose records cannot be read is left out
/// of a consolidated report and named in [`Report::unreadable`]; its per-unit report is
/// [`ReportError::Unreadable`].
pub fn build(request: &ReportRequest<'_>) -> Result<Report, ReportError> {
    let context = request.context();
    let in_scope = |unit: &&UnitDocuments<'_>| match &request.scope {
        Scope::AllUnits => true,
        Scope::Unit(code) => unit.code == code,
    };
    let parts: Vec<UnitPart> = request
        .units
        .iter()
        .filter(in_scope)
        .map(|unit| read_unit(&context, unit))
        .collect();
    let parts: Vec<&UnitPart> = parts.iter().collect();
    assemble(&context, &parts, &request.scope)
}

/// Puts the units' parts (read against `context`, in the order units are listed) together into
/// the report of `scope`; parts of units outside the scope are left out.
pub fn assemble(
    context: &ReportContext<'_>,
    parts: &[&UnitPart],
    scope: &Scope,
) -> Result<Report, ReportError> {
    let parts: Vec<&UnitPart> = match scope {
        Scope::AllUnits => parts.to_vec(),
        Scope::Unit(code) => {
            let part = parts
                .iter()
                .find(|p| p.unit.code == *code)
                .ok_or_else(|| ReportError::UnknownUnit(code.clone()))?;
            vec![*part]
        }
    };
    let unit = match scope {
        Scope::AllUnits => None,
        Scope::Unit(_) => parts.first().map(|p| p.unit.clone()),
    };
    let mut readable = Vec::with_capacity(parts.len());
    let mut unreadable = Vec::new();
    for part in parts {
        match &part.tasks {
            Ok(tasks) => {
                readable.push(tasks);
                unreadable.extend(part.review_problem.clone());
            }
            Err(problem) if *scope == Scope::AllUnits => unreadable.push(problem.clone()),
            Err(problem) => return Err(ReportError::Unreadable(problem.clone())),
        }
    }
    let builder = Builder {
        context,
        parts: &readable,
        keep_empty_sections: *scope == Scope::AllUnits,
    };
    let indexes: Vec<IndexReport> = context
        .plan
        .appendices
        .iter()
        .map(|appendix| builder.index(appendix))
        .collect();
    let completion = indexes
        .iter()
        .fold(Completion::default(), |sum, i| sum.plus(i.completion));
    let plan = context.plan;
    let today = context.today;
    Ok(Report {
        period: context.period,
        deadline: context.calendar.deadline(context.period),
        today,
        issuer: plan.issuer.to_uppercase(),
        unit,
        date_line: formal_date_line(
            &plan.place,
            today.year,
            u32::from(today.month),
            u32::from(today.day),
        ),
        title: "BÁO CÁO".to_string(),
        subtitle: subtitle(plan, context.period),
        indexes,
        completion,
        unreadable,
        plan: PlanCitation {
            number: plan.number.clone(),
            date: plan.date_parts,
            issuer: plan.issuer.clone(),
            title: plan.title.clone(),
        },
        window: Some(context.calendar.window(context.period)),
    })
}

/// Every task of the plan, in printed order, with the time frame that applies to it (its own,
/// else the one printed on the nearest heading above it).
fn plan_tasks(plan: &Plan) -> Vec<(&Task, &Schedule)> {
    fn section<'p>(
        heading: &'p Section,
        inherited: Option<&'p Schedule>,
        out: &mut Vec<(&'p Task, &'p Schedule)>,
    ) {
        let schedule = heading
            .timeframe
            .as_ref()
            .map(|t| &t.schedule)
            .or(inherited);
        tasks(&heading.tasks, schedule, out);
        for sub in &heading.sections {
            section(sub, schedule, out);
        }
    }
    fn tasks<'p>(
        tasks: &'p [Task],
        inherited: Option<&'p Schedule>,
        out: &mut Vec<(&'p Task, &'p Schedule)>,
    ) {
        for task in tasks {
            out.push((task, effective_schedule(task, inherited)));
        }
    }
    let mut out = Vec::new();
    for appendix in &plan.appendices {
        tasks(&appendix.tasks, None, &mut out);
        for s in &appendix.sections {
            section(s, None, &mut out);
        }
    }
    out
}

/// A task's own time frame, or the heading's when it prints none.
fn effective_schedule<'p>(task: &'p Task, inherited: Option<&'p Schedule>) -> &'p Schedule {
    match (&task.timeframe.schedule, inherited) {
        (Schedule::Unspecified, Some(inherited)) => inherited,
        (own, _) => own,
    }
}

/// "Kết quả thực hiện Kế hoạch số 12/KH-SXD duy trì, cải thiện ... – Quý III/2026".
fn subtitle(plan: &Plan, period: PeriodId) -> String {
    // A plan not yet numbered prints "/KH-SXD": leave the number out then.
    let numbered = plan
        .number
        .split('/')
        .next()
        .is_some_and(|n| n.chars().any(|c| c.is_ascii_digit()));
    let number = if numbered {
        format!(" số {}", plan.number)
    } else {
        String::new()
    };
    // "Duy trì, ..." reads "duy trì, ..." inside the sentence; an acronym ("PAR ...") stays.
    let mut chars = plan.title.chars();
    let title = match (chars.next(), chars.next()) {
        (Some(first), Some(second)) if second.is_lowercase() => first
            .to_lowercase()
            .chain(plan.title.chars().skip(1))
            .collect(),
        _ => plan.title.clone(),
    };
    let title = if title.is_empty() {
        String::new()
    } else {
        format!(" {title}")
    };
    format!(
        "Kết quả thực hiện Kế hoạch{number}{title} – {}",
        period.label()
    )
}

/// One unit's documents with the tasks its records hold.
struct UnitReader<'a> {
    unit: &'a UnitDocuments<'a>,
    tasks: Vec<TaskId>,
    /// The review document, when its header reads.
    review: Option<&'a Automerge>,
    /// The review document is there but does not read as a whole.
    review_unreadable: bool,
}

impl<'a> UnitReader<'a> {
    /// The unit's reader and, when its review document cannot be read, that problem; or the
    /// problem with its records document.
    fn new(
        unit: &'a UnitDocuments<'a>,
        year: i32,
    ) -> Result<(UnitReader<'a>, Option<UnreadableDocument>), UnreadableDocument> {
        let problem = |role, err: HeaderError| UnreadableDocument {
            unit: ReportUnit {
                code: unit.code.to_string(),
                name: unit.name.to_string(),
            },
            role,
            reason: err.reason,
            cause: err.cause,
        };
        records::check(unit.records, unit.code, year)
            .map_err(|err| problem(UnreadableRole::Records, err))?;
        let tasks = records::task_ids(unit.records).map_err(|err| {
            problem(
                UnreadableRole::Records,
                HeaderError {
                    reason: UnreadableReason::NoTasks,
                    cause: err.to_string(),
                },
            )
        })?;
        let (review, review_problem) = match unit.review {
            Some(doc) => match review::check(doc, unit.code, year) {
                Ok(()) => (Some(doc), None),
                Err(err) => (None, Some(problem(UnreadableRole::Review, err))),
            },
            None => (None, None),
        };
        let reader = UnitReader {
            unit,
            tasks,
            review,
            review_unreadable: review_problem.is_some(),
        };
        Ok((reader, review_problem))
    }
}

/// The units' reports on each task, read once per unit ([`UnitPart`]).
type UnitTasks = HashMap<(TaskId, Date), UnitReport>;

struct Builder<'r> {
    context: &'r ReportContext<'r>,
    parts: &'r [&'r UnitTasks],
    keep_empty_sections: bool,
}

impl Builder<'_> {
    fn index(&self, appendix: &Appendix) -> IndexReport {
        let mut sections = Vec::new();
        if !appendix.tasks.is_empty() {
            let tasks = self.tasks(&appendix.tasks, None);
            if self.keep_empty_sections || !tasks.is_empty() {
                sections.push(SectionReport {
                    code: String::new(),
                    title: String::new(),
                    depth: 0,
                    tasks,
                });
            }
        }
        for section in &appendix.sections {
            self.section(section, 0, None, &mut sections);
        }
        let completion = sections
            .iter()
            .flat_map(|s| &s.tasks)
            .fold(Completion::default(), |sum, t| sum.plus(t.completion()));
        IndexReport {
            index: appendix.index,
            title: appendix.title.clone(),
            sections,
            completion,
        }
    }

    /// Appends `section` and its sub-sections (depth first); without `keep_empty_sections` a
    /// section is kept only when it or a sub-section has a task.
    fn section(
        &self,
        section: &Section,
        depth: usize,
        inherited: Option<&Schedule>,
        out: &mut Vec<SectionReport>,
    ) {
        // A time frame printed on the heading row applies to the tasks that print none.
        let schedule = section
            .timeframe
            .as_ref()
            .map(|t| &t.schedule)
            .or(inherited);
        let start = out.len();
        out.push(SectionReport {
            code: section.code.clone(),
            title: section.title.clone(),
            depth,
            tasks: self.tasks(&section.tasks, schedule),
        });
        for sub in &section.sections {
            self.section(sub, depth + 1, schedule, out);
        }
        if !self.keep_empty_sections && out[start..].iter().all(|s| s.tasks.is_empty()) {
            out.truncate(start);
        }
    }

    /// The tasks reported on; without `keep_empty_sections`, only those a unit in scope reports.
    fn tasks(&self, tasks: &[Task], inherited: Option<&Schedule>) -> Vec<TaskReport> {
        let mut out = Vec::new();
        for task in tasks {
            let schedule = effective_schedule(task, inherited);
            let deadline = self
                .context
                .calendar
                .task_deadline(schedule, self.context.period);
            let key = (task.id.clone(), deadline);
            // Unfinished after the deadline is overdue (parts are read as before it).
            let past_deadline = self.context.today > deadline;
            let units: Vec<UnitReport> = self
                .parts
                .iter()
                .filter_map(|part| part.get(&key).cloned())
                .map(|mut unit| {
                    let unfinished = matches!(
                        unit.status,
                        ReportStatus::InProgress | ReportStatus::NotStarted
                    );
                    if past_deadline && unfinished {
                        unit.status = ReportStatus::Overdue;
                    }
                    unit
                })
                .collect();
            if units.is_empty() && !self.keep_empty_sections {
                continue;
            }
            let lead = if task.lead_text.is_empty() {
                task.lead.join("; ")
            } else {
                task.lead_text.clone()
            };
            out.push(TaskReport {
                task_id: task.id.clone(),
                code: task.code.clone(),
                title: task.title.clone(),
                content: task.content.clone(),
                lead,
                deadline,
                units,
            });
        }
        out
    }
}

/// The unit's report on the task; what cannot be read is left empty and named.
fn unit_report(context: &ReportContext<'_>, reader: &UnitReader<'_>, task: &Task) -> UnitReport {
    let unit = reader.unit;
    let period = context.period;
    let (record, mut unreadable) =
        match records::read_period_checked(unit.records, &task.id, period) {
            Ok(checked) => (checked.record, checked.unreadable),
            // The header was checked and the task is listed: only a broken document gets here.
            Err(_) => (
                TaskRecord {
                    task_id: task.id.clone(),
                    status: Versions::none(),
                    progress: Versions::none(),
                    periods: Vec::new(),
                },
                vec![RecordPart::Task],
            ),
        };
    let recorded = record.status.current().copied();
    // As before the deadline: `assemble` turns an unfinished task overdue after it, so that a
    // part does not depend on the day.
    let status = match recorded {
        Some(TaskStatus::Done) => ReportStatus::Done,
        Some(TaskStatus::NotApplicable) => ReportStatus::NotApplicable,
        Some(TaskStatus::InProgress) => ReportStatus::InProgress,
        Some(TaskStatus::NotStarted) | None => ReportStatus::NotStarted,
    };
    let period_record = record.periods.iter().find(|p| p.period == period);
    let text = |f: fn(&records::PeriodRecord) -> &String| {
        period_record.map(f).cloned().unwrap_or_default()
    };
    let actuals = task
        .targets
        .iter()
        .enumerate()
        .map(|(target_idx, target)| {
            let versions = period_record
                .and_then(|p| p.actuals.iter().find(|(idx, _)| *idx == target_idx))
                .map(|(_, v)| v);
            let actual = versions.and_then(|v| v.current()).copied();
            ActualReport {
                target_idx,
                target: target.clone(),
                actual,
                met: actual.and_then(|a| target.is_met_by(a)),
                conflict: versions.is_some_and(|v| v.is_conflict()),
            }
        })
        .collect();
    let mut given = None;
    let review = match reader.review {
        Some(doc) => match review::read_checked(doc, &task.id, period) {
            Ok(checked) => {
                given = checked.entry.given();
                let review = ReviewReport {
                    verdict: checked.entry.verdict.current().copied(),
                    comment: checked.entry.comment,
                    by: checked.entry.by,
                    unreadable: checked
                        .unreadable
                        .iter()
                        .any(|p| matches!(p, RecordPart::Review | RecordPart::Verdict)),
                };
                unreadable.extend(checked.unreadable);
                review
            }
            // A task the office has not set up a review for is simply not appraised.
            Err(DocumentError::Missing(_)) => ReviewReport::default(),
            Err(_) => {
                unreadable.push(RecordPart::Review);
                ReviewReport {
                    unreadable: true,
                    ..ReviewReport::default()
                }
            }
        },
        None => ReviewReport {
            unreadable: reader.review_unreadable,
            ..ReviewReport::default()
        },
    };
    UnitReport {
        unit_code: unit.code.to_string(),
        unit_name: unit.name.to_string(),
        status,
        status_conflict: record.status.is_conflict(),
        progress: record.progress.current().copied(),
        result: text(|p| &p.result),
        difficulties: text(|p| &p.difficulties),
        proposals: text(|p| &p.proposals),
        actuals,
        review,
        submission: period_record.map_or(crate::submission::ReportState::NotEntered, |p| {
            crate::submission::report_state(p, given)
        }),
        sent_at: period_record.and_then(|p| p.sent.as_ref()).map(|s| s.at),
        n_evidence: period_record.map_or(0, |p| p.evidence.len()),
        unreadable,
    }
}
