//! Words, classes and numbers the overview screens show.

use shared::calendar::Date;
use shared::overview::ReminderLevel;
use shared::report::{Completion, ReadNotice, ReportStatus};

/// The CSS class of a status badge.
pub fn status_class(status: ReportStatus) -> &'static str {
    match status {
        ReportStatus::Done => "done",
        ReportStatus::InProgress => "in-progress",
        ReportStatus::NotStarted => "not-started",
        ReportStatus::NotApplicable => "not-applicable",
        ReportStatus::Overdue => "overdue",
    }
}

/// Every status, in the order the filter lists them.
pub const STATUSES: [ReportStatus; 5] = [
    ReportStatus::NotStarted,
    ReportStatus::InProgress,
    ReportStatus::Done,
    ReportStatus::Overdue,
    ReportStatus::NotApplicable,
];

/// The value a `<select>` option carries for a status.
pub fn status_value(status: ReportStatus) -> &'static str {
    status_class(status)
}

pub fn parse_status(value: &str) -> Option<ReportStatus> {
    STATUSES.into_iter().find(|s| status_value(*s) == value)
}

/// "14/12/2026 · còn 3 ngày", "14/12/2026 · hôm nay", "14/12/2026 · quá hạn 2 ngày".
pub fn deadline_text(today: Date, deadline: Date) -> String {
    let days = today.days_until(deadline);
    let left = match days {
        ..=-1 => format!("quá hạn {} ngày", -days),
        0 => "hạn hôm nay".to_string(),
        n => format!("còn {n} ngày"),
    };
    format!("{deadline} · {left}")
}

/// The CSS class of a reminder.
pub fn reminder_class(level: ReminderLevel) -> &'static str {
    match level {
        ReminderLevel::Overdue => "overdue",
        ReminderLevel::DueIn1 => "due-1",
        ReminderLevel::DueIn3 => "due-3",
        ReminderLevel::DueIn7 => "due-7",
    }
}

/// Done over counted tasks, as a whole percentage (0 when nothing is counted).
pub fn percent(completion: Completion) -> u32 {
    if completion.n_tasks == 0 {
        return 0;
    }
    let ratio = completion.n_done as f64 / completion.n_tasks as f64;
    (ratio * 100.0).round() as u32
}

/// The heading of the banner of data that could not be read, naming the units; `None` when all
/// of it was read.
pub fn unreadable_heading(notices: &[ReadNotice]) -> Option<String> {
    let mut names: Vec<&str> = Vec::new();
    for notice in notices {
        if !names.contains(&notice.unit.name.as_str()) {
            names.push(&notice.unit.name);
        }
    }
    (!names.is_empty()).then(|| {
        format!(
            "Số liệu chưa đầy đủ: không đọc được dữ liệu của {}. Số liệu dưới đây lập từ những gì đọc được.",
            names.join(", ")
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::report::ReportUnit;

    #[test]
    fn the_unreadable_banner_names_each_unit_once() {
        let notice = |code: &str, name: &str| ReadNotice {
            unit: ReportUnit {
                code: code.into(),
                name: name.into(),
            },
            text: String::new(),
            detail: String::new(),
        };
        assert_eq!(unreadable_heading(&[]), None);
        assert_eq!(
            unreadable_heading(&[
                notice("QLHT", "Phòng Quản lý hạ tầng"),
                notice("KHTC", "Phòng Kế hoạch – Tài chính"),
                notice("QLHT", "Phòng Quản lý hạ tầng"),
            ])
            .as_deref(),
            Some("Số liệu chưa đầy đủ: không đọc được dữ liệu của Phòng Quản lý hạ tầng, Phòng Kế hoạch – Tài chính. Số liệu dưới đây lập từ những gì đọc được.")
        );
    }

    #[test]
    fn deadlines_read_as_days_left_or_late() {
        let deadline = Date::new(2026, 12, 14).unwrap();
        let on = |day| deadline_text(Date::new(2026, 12, day).unwrap(), deadline);
        assert_eq!(on(11), "14/12/2026 · còn 3 ngày");
        assert_eq!(on(14), "14/12/2026 · hạn hôm nay");
        assert_eq!(on(16), "14/12/2026 · quá hạn 2 ngày");
    }

    #[test]
    fn statuses_round_trip_through_the_filter() {
        for status in STATUSES {
            assert_eq!(parse_status(status_value(status)), Some(status));
        }
        assert_eq!(parse_status(""), None);
    }

    #[test]
    fn percent_of_nothing_is_zero() {
        assert_eq!(percent(Completion::default()), 0);
        let two_of_three = Completion {
            n_done: 2,
            n_tasks: 3,
            n_overdue: 0,
        };
        assert_eq!(percent(two_of_three), 67);
    }
}
