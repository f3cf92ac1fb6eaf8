//! The overview's computations on hand-built reports.

use super::*;
use crate::calendar::PeriodKind;
use crate::record::Verdict;
use crate::report::{IndexReport, ReviewReport};
use crate::target::{Target, TargetOperator};

fn date(year: i32, month: u8, day: u8) -> Date {
    Date::new(year, month, day).unwrap()
}

fn unit(code: &str, status: ReportStatus, result: &str) -> UnitReport {
    UnitReport {
        unit_code: code.into(),
        unit_name: format!("Phòng {code}"),
        status,
        status_conflict: false,
        progress: None,
        result: result.into(),
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

fn task(id: &str, title: &str, units: Vec<UnitReport>) -> TaskReport {
    TaskReport {
        task_id: TaskId(id.into()),
        code: id.rsplit('/').next().unwrap().into(),
        title: title.into(),
        content: String::new(),
        lead: String::new(),
        deadline: date(2026, 12, 14),
        units,
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

fn index(index: IndexKind, sections: Vec<SectionReport>) -> IndexReport {
    let completion = sections
        .iter()
        .flat_map(|s| &s.tasks)
        .fold(Completion::default(), |sum, t| sum.plus(t.completion()));
    IndexReport {
        index,
        title: format!("Phụ lục {}", index.label()),
        sections,
        completion,
    }
}

/// Q4 2026 (deadline 14/12/2026) seen on `today`.
fn report(today: Date) -> Report {
    let mut accepted = unit("KHTC", ReportStatus::Done, "Đã ban hành kế hoạch");
    accepted.review = ReviewReport {
        verdict: Some(Verdict::Accepted),
        comment: String::new(),
        by: Some("thamdinh".into()),
        unreadable: false,
    };
    accepted.submission = crate::submission::ReportState::Accepted;
    let mut with_actual = unit("QLHT", ReportStatus::InProgress, "");
    with_actual.actuals.push(ActualReport {
        target_idx: 0,
        target: Target {
            operator: TargetOperator::AtLeast,
            value: Some(80.0),
            unit: Some("%".into()),
            text: "trên 80%".into(),
        },
        actual: Some(86.5),
        met: Some(true),
        conflict: false,
    });
    let indexes = vec![
        index(
            IndexKind::ParIndex,
            vec![
                section(
                    "I",
                    0,
                    vec![task(
                        "PAR_INDEX/I/1",
                        "Đào tạo, bồi dưỡng cán bộ",
                        vec![accepted, unit("QLHT", ReportStatus::Overdue, "")],
                    )],
                ),
                section(
                    "1",
                    1,
                    vec![task(
                        "PAR_INDEX/I/1/2",
                        "Tỷ lệ hồ sơ trực tuyến",
                        vec![with_actual],
                    )],
                ),
                section("II", 0, vec![]),
            ],
        ),
        index(
            IndexKind::Sipas,
            vec![section(
                "A",
                0,
                vec![task(
                    "SIPAS/A/1",
                    "Khảo sát sự hài lòng",
                    vec![unit("QLHT", ReportStatus::NotApplicable, "")],
                )],
            )],
        ),
    ];
    let completion = indexes
        .iter()
        .fold(Completion::default(), |sum, i| sum.plus(i.completion));
    Report {
        period: PeriodId {
            year: 2026,
            kind: PeriodKind::Year,
        },
        deadline: date(2026, 12, 14),
        today,
        issuer: "SỞ XÂY DỰNG".into(),
        unit: None,
        date_line: String::new(),
        title: "BÁO CÁO".into(),
        subtitle: String::new(),
        indexes,
        completion,
        unreadable: Vec::new(),
        plan: Default::default(),
        window: None,
    }
}

#[test]
fn reminder_levels_at_7_3_1_days_and_overdue() {
    let levels: Vec<(i64, Option<ReminderLevel>)> = [8, 7, 4, 3, 2, 1, 0, -1, -30]
        .into_iter()
        .map(|d| (d, ReminderLevel::for_days_left(d)))
        .collect();
    assert_eq!(
        levels,
        vec![
            (8, None),
            (7, Some(ReminderLevel::DueIn7)),
            (4, Some(ReminderLevel::DueIn7)),
            (3, Some(ReminderLevel::DueIn3)),
            (2, Some(ReminderLevel::DueIn3)),
            (1, Some(ReminderLevel::DueIn1)),
            (0, Some(ReminderLevel::DueIn1)),
            (-1, Some(ReminderLevel::Overdue)),
            (-30, Some(ReminderLevel::Overdue)),
        ]
    );
}

#[test]
fn a_reminder_counts_reports_without_a_result() {
    assert_eq!(reminder(&report(date(2026, 12, 6))), None, "8 days ahead");
    let due = reminder(&report(date(2026, 12, 11))).unwrap();
    assert_eq!(
        (due.days_left, due.level, due.n_pending),
        (3, ReminderLevel::DueIn3, 2)
    );
    assert_eq!(
        due.message(),
        "Báo cáo Năm 2026 đến hạn ngày 14/12/2026 (còn 3 ngày): 2 báo cáo nhiệm vụ chưa có kết quả."
    );
    let late = reminder(&report(date(2026, 12, 16))).unwrap();
    assert_eq!(late.level, ReminderLevel::Overdue);
    assert!(
        late.message().contains("đã quá hạn 2 ngày"),
        "{}",
        late.message()
    );
}

#[test]
fn no_reminder_once_everything_is_reported() {
    let mut report = report(date(2026, 12, 13));
    for index in &mut report.indexes {
        for section in &mut index.sections {
            for task in &mut section.tasks {
                for unit in &mut task.units {
                    unit.result = "Đã thực hiện".into();
                }
            }
        }
    }
    assert_eq!(reminder(&report), None);
}

#[test]
fn unit_totals_leave_out_tasks_that_do_not_apply() {
    let summaries = unit_summaries(&report(date(2026, 12, 1)));
    let view: Vec<(String, usize, usize, usize, usize, usize)> = summaries
        .iter()
        .map(|s| {
            (
                s.unit.code.clone(),
                s.completion.n_done,
                s.completion.n_tasks,
                s.completion.n_overdue,
                s.n_pending,
                s.n_accepted,
            )
        })
        .collect();
    assert_eq!(
        view,
        vec![
            ("KHTC".to_string(), 1, 1, 0, 0, 1),
            ("QLHT".to_string(), 0, 2, 1, 2, 0),
        ]
    );
}

#[test]
fn section_totals_include_sub_sections() {
    let sections = section_summaries(&report(date(2026, 12, 1)));
    let view: Vec<(String, usize, usize)> = sections
        .iter()
        .map(|s| (s.heading.clone(), s.depth, s.completion.n_tasks))
        .collect();
    assert_eq!(
        view,
        vec![
            ("I. Mục I".to_string(), 0, 2),
            ("1. Mục 1".to_string(), 1, 1),
        ],
        "empty II and the not-applicable SIPAS task are left out"
    );
}

#[test]
fn filters_combine() {
    let report = report(date(2026, 12, 10));
    let ids = |filter: TaskFilter| -> Vec<String> {
        filter
            .apply(&report)
            .iter()
            .flat_map(|(_, s)| s.tasks.iter().map(|t| t.task_id.0.clone()))
            .collect()
    };
    assert_eq!(ids(TaskFilter::default()).len(), 3);
    assert_eq!(
        ids(TaskFilter {
            query: "dao tao".into(),
            ..TaskFilter::default()
        }),
        vec!["PAR_INDEX/I/1"]
    );
    assert_eq!(
        ids(TaskFilter {
            index: Some(IndexKind::Sipas),
            ..TaskFilter::default()
        }),
        vec!["SIPAS/A/1"]
    );
    assert_eq!(
        ids(TaskFilter {
            overdue_only: true,
            ..TaskFilter::default()
        }),
        vec!["PAR_INDEX/I/1"]
    );
    assert_eq!(
        ids(TaskFilter {
            status: Some(ReportStatus::InProgress),
            ..TaskFilter::default()
        }),
        vec!["PAR_INDEX/I/1/2"]
    );
    // 4 days left: pending reports are due within 7 days, not within 3.
    assert_eq!(
        ids(TaskFilter {
            due_within_days: Some(7),
            ..TaskFilter::default()
        }),
        vec!["PAR_INDEX/I/1", "PAR_INDEX/I/1/2"]
    );
    assert!(ids(TaskFilter {
        due_within_days: Some(3),
        ..TaskFilter::default()
    })
    .is_empty());
}

#[test]
fn a_summary_count_opens_exactly_the_reports_it_counts() {
    use crate::submission::ReportState;
    let mut report = report(date(2026, 12, 10));
    // KHTC accepted with a file; QLHT: not entered (I/1), written without a file (I/1/2),
    // sent with a file and a status conflict (SIPAS).
    let states = [
        (ReportState::Accepted, 1, false),
        (ReportState::NotEntered, 0, false),
        (ReportState::Entering, 0, false),
        (ReportState::Sent { changed: false }, 2, true),
    ];
    let units = report
        .indexes
        .iter_mut()
        .flat_map(|i| &mut i.sections)
        .flat_map(|s| &mut s.tasks)
        .flat_map(|t| &mut t.units);
    for (unit, (state, n_evidence, conflict)) in units.zip(states) {
        unit.submission = state;
        unit.n_evidence = n_evidence;
        unit.status_conflict = conflict;
    }
    let count = |f: ReportFilter, unit: Option<&str>| f.count(&report, unit);
    assert_eq!(count(ReportFilter::Accepted, None), 1);
    assert_eq!(count(ReportFilter::NotEntered, None), 1);
    assert_eq!(count(ReportFilter::NotSent, None), 1);
    assert_eq!(count(ReportFilter::Awaiting, None), 1);
    assert_eq!(
        count(ReportFilter::MissingEvidence, None),
        1,
        "written, no file"
    );
    assert_eq!(count(ReportFilter::Conflict, None), 1);
    assert_eq!(count(ReportFilter::Returned, None), 0);
    assert_eq!(count(ReportFilter::Accepted, Some("QLHT")), 0);
    let ids = |filter: TaskFilter| -> Vec<String> {
        filter
            .apply(&report)
            .iter()
            .flat_map(|(_, s)| s.tasks.iter().map(|t| t.task_id.0.clone()))
            .collect()
    };
    for wanted in ReportFilter::ALL {
        let filter = TaskFilter {
            report: Some(wanted),
            ..TaskFilter::default()
        };
        let n_units: usize = filter
            .apply(&report)
            .iter()
            .flat_map(|(_, s)| &s.tasks)
            .map(|t| t.units.iter().filter(|u| wanted.matches(u)).count())
            .sum();
        assert_eq!(n_units, count(wanted, None), "{wanted:?}");
    }
    assert_eq!(
        ids(TaskFilter {
            report: Some(ReportFilter::Accepted),
            unit: Some("QLHT".into()),
            ..TaskFilter::default()
        }),
        Vec::<String>::new(),
        "KHTC's accepted report does not count for QLHT"
    );
    assert_eq!(
        ids(TaskFilter {
            unit: Some("KHTC".into()),
            ..TaskFilter::default()
        }),
        vec!["PAR_INDEX/I/1"]
    );
}

#[test]
fn a_row_shows_one_state_the_office_s_decision_first() {
    use crate::submission::ReportState as S;
    let state = |status, submission| {
        let mut u = unit("QLHT", status, "");
        u.submission = submission;
        RowState::of(&u)
    };
    assert_eq!(
        state(ReportStatus::Overdue, S::NotEntered),
        RowState::Overdue
    );
    assert_eq!(state(ReportStatus::Overdue, S::Entering), RowState::Overdue);
    assert_eq!(
        state(ReportStatus::Overdue, S::Returned),
        RowState::Report(S::Returned)
    );
    assert_eq!(
        state(ReportStatus::Overdue, S::Sent { changed: true }).label(),
        "Đã gửi (sửa sau khi gửi)"
    );
    assert_eq!(
        state(ReportStatus::Done, S::Accepted),
        RowState::Report(S::Accepted)
    );
    assert_eq!(
        state(ReportStatus::InProgress, S::Entering),
        RowState::Report(S::Entering)
    );
    assert_eq!(
        state(ReportStatus::NotStarted, S::NotEntered),
        RowState::Report(S::NotEntered)
    );
    assert_eq!(
        state(ReportStatus::NotApplicable, S::Entering),
        RowState::NotApplicable
    );
    let labels: Vec<&str> = [
        RowState::Report(S::Entering),
        RowState::Report(S::Resent { changed: false }),
        RowState::Report(S::Resent { changed: true }),
        RowState::Overdue,
    ]
    .into_iter()
    .map(RowState::label)
    .collect();
    assert_eq!(
        labels,
        [
            "Đang nhập, chưa gửi",
            "Đã sửa, gửi lại",
            "Đã gửi lại (sửa sau khi gửi)",
            "Quá hạn"
        ]
    );
}

#[test]
fn indicators_list_every_target_of_every_unit() {
    let rows = indicators(&report(date(2026, 12, 1)));
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].unit.code, "QLHT");
    assert_eq!(rows[0].actual.summary(), "≥ 80%: thực hiện 86,5% – Đạt");
    assert_eq!(
        indicator_totals(&rows),
        IndicatorTotals {
            n_met: 1,
            n_not_met: 0,
            n_missing: 0
        }
    );
}

#[test]
fn an_overview_crosses_ipc_unchanged() {
    let overview = Overview {
        report: report(date(2026, 12, 1)),
        periods: Vec::new(),
        own_unit: "VP".into(),
        all_units: true,
        can_review: true,
        can_edit_plan: false,
    };
    let json = serde_json::to_string(&overview).unwrap();
    assert_eq!(serde_json::from_str::<Overview>(&json).unwrap(), overview);
}

#[test]
fn a_task_due_before_the_period_s_deadline_sets_the_reminder_and_the_filter() {
    let mut report = report(date(2026, 12, 4));
    // The SIPAS task is not applicable; give the second PAR INDEX task its own earlier date.
    report.indexes[0].sections[1].tasks[0].deadline = date(2026, 12, 5);
    let due = reminder(&report).unwrap();
    assert_eq!((due.deadline, due.days_left), (date(2026, 12, 5), 1));
    assert_eq!(due.level, ReminderLevel::DueIn1);
    let within_3: Vec<String> = TaskFilter {
        due_within_days: Some(3),
        ..TaskFilter::default()
    }
    .apply(&report)
    .iter()
    .flat_map(|(_, s)| s.tasks.iter().map(|t| t.task_id.0.clone()))
    .collect();
    assert_eq!(
        within_3,
        vec!["PAR_INDEX/I/1/2"],
        "only the task due on 05/12"
    );
}
