//! The reporting calendar: the periods units report on, their data windows and deadlines.
//!
//! Units report for the first quarter, the first six months (cumulative), the third quarter and
//! the whole year (cumulative). Data windows follow CV 581/BNV-CCHC by default (Q1 15/12-14/3,
//! 6 months 15/12-14/6, Q3 15/6-14/9, year 15/12-14/12, starting in the previous December) and
//! reports are due before day 14 of the period's last month. Both are configurable per plan.

use serde::{Deserialize, Serialize};

use crate::timeframe::Schedule;
use std::fmt;
use std::str::FromStr;

/// A calendar date (proleptic Gregorian), ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Date {
    pub year: i32,
    pub month: u8,
    pub day: u8,
}

impl Date {
    /// A valid date, or `None` (e.g. 30/02).
    pub fn new(year: i32, month: u8, day: u8) -> Option<Date> {
        let valid = (1..=12).contains(&month) && day >= 1 && day <= days_in_month(year, month);
        valid.then_some(Date { year, month, day })
    }

    /// Days since 1970-01-01 (negative before).
    pub fn days_since_epoch(self) -> i64 {
        // Howard Hinnant's days_from_civil.
        let y = i64::from(self.year) - i64::from(self.month <= 2);
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let m = i64::from(self.month);
        let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(self.day) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    /// The date `days` days after 1970-01-01.
    pub fn from_days_since_epoch(days: i64) -> Date {
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u8;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
        let year = (yoe + era * 400 + i64::from(month <= 2)) as i32;
        Date { year, month, day }
    }

    /// The date of a Unix time in milliseconds, at UTC+7 (Vietnam has no daylight saving).
    pub fn from_unix_millis_vietnam(millis: i64) -> Date {
        Date::from_days_since_epoch((millis + 7 * 3_600_000).div_euclid(86_400_000))
    }

    /// Whole days from `self` to `other` (negative when `other` is earlier).
    pub fn days_until(self, other: Date) -> i64 {
        other.days_since_epoch() - self.days_since_epoch()
    }
}

impl fmt::Display for Date {
    /// dd/mm/yyyy, as dates are shown to users.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}/{:02}/{:04}", self.day, self.month, self.year)
    }
}

fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        _ => 0,
    }
}

/// The kinds of reporting period in a year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum PeriodKind {
    /// First quarter.
    Q1,
    /// First six months (cumulative).
    H1,
    /// Third quarter.
    Q3,
    /// The whole year (cumulative).
    Year,
}

impl PeriodKind {
    pub const ALL: [PeriodKind; 4] = [
        PeriodKind::Q1,
        PeriodKind::H1,
        PeriodKind::Q3,
        PeriodKind::Year,
    ];

    /// The last month of the period, whose 14th is the usual deadline.
    pub fn last_month(self) -> u8 {
        match self {
            PeriodKind::Q1 => 3,
            PeriodKind::H1 => 6,
            PeriodKind::Q3 => 9,
            PeriodKind::Year => 12,
        }
    }

    /// The Vietnamese name: "Quý I", "6 tháng", "Quý III", "Năm".
    pub fn label(self) -> &'static str {
        match self {
            PeriodKind::Q1 => "Quý I",
            PeriodKind::H1 => "6 tháng",
            PeriodKind::Q3 => "Quý III",
            PeriodKind::Year => "Năm",
        }
    }
}

/// A reporting period: "2026-Q1", "2026-H1", "2026-Q3" or "2026" (the year).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PeriodId {
    pub year: i32,
    pub kind: PeriodKind,
}

impl PeriodId {
    /// The periods of a year, in calendar order.
    pub fn of_year(year: i32) -> [PeriodId; 4] {
        PeriodKind::ALL.map(|kind| PeriodId { year, kind })
    }

    /// "Quý I/2026", "6 tháng/2026", "Năm 2026".
    pub fn label(self) -> String {
        match self.kind {
            PeriodKind::Year => format!("Năm {}", self.year),
            kind => format!("{}/{}", kind.label(), self.year),
        }
    }
}

impl fmt::Display for PeriodId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.kind {
            PeriodKind::Q1 => write!(f, "{}-Q1", self.year),
            PeriodKind::H1 => write!(f, "{}-H1", self.year),
            PeriodKind::Q3 => write!(f, "{}-Q3", self.year),
            PeriodKind::Year => write!(f, "{}", self.year),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("\"{0}\" is not a reporting period (expected YYYY-Q1, YYYY-H1, YYYY-Q3 or YYYY)")]
pub struct BadPeriodId(pub String);

impl FromStr for PeriodId {
    type Err = BadPeriodId;

    fn from_str(s: &str) -> Result<PeriodId, BadPeriodId> {
        let bad = || BadPeriodId(s.to_string());
        let (year, kind) = match s.split_once('-') {
            Some((y, "Q1")) => (y, PeriodKind::Q1),
            Some((y, "H1")) => (y, PeriodKind::H1),
            Some((y, "Q3")) => (y, PeriodKind::Q3),
            Some(_) => return Err(bad()),
            None => (s, PeriodKind::Year),
        };
        if year.len() != 4 {
            return Err(bad());
        }
        let year = year.parse().map_err(|_| bad())?;
        Ok(PeriodId { year, kind })
    }
}

impl Serialize for PeriodId {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for PeriodId {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<PeriodId, D::Error> {
        let text = String::deserialize(d)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

/// A day and month, with whether it falls in the previous year (the usual December start).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct DayOfYear {
    pub day: u8,
    pub month: u8,
    #[serde(default)]
    pub previous_year: bool,
}

/// A plan's reporting rules: each period's data window and the deadline day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CalendarConfig {
    /// Window start and end (inclusive) for Q1, H1, Q3 and the year, in that order.
    pub windows: [(DayOfYear, DayOfYear); 4],
    /// Reports are due before this day of the period's last month.
    pub deadline_day: u8,
}

impl Default for CalendarConfig {
    /// CV 581/BNV-CCHC windows; due before the 14th.
    fn default() -> CalendarConfig {
        let day = |day, month, previous_year| DayOfYear {
            day,
            month,
            previous_year,
        };
        CalendarConfig {
            windows: [
                (day(15, 12, true), day(14, 3, false)),
                (day(15, 12, true), day(14, 6, false)),
                (day(15, 6, false), day(14, 9, false)),
                (day(15, 12, true), day(14, 12, false)),
            ],
            deadline_day: 14,
        }
    }
}

impl CalendarConfig {
    /// The data window of `period`, inclusive at both ends.
    pub fn window(&self, period: PeriodId) -> (Date, Date) {
        let idx = PeriodKind::ALL
            .iter()
            .position(|k| *k == period.kind)
            .expect("every kind is listed");
        let (start, end) = self.windows[idx];
        (resolve(period.year, start), resolve(period.year, end))
    }

    /// The deadline: day `deadline_day` of the period's last month.
    pub fn deadline(&self, period: PeriodId) -> Date {
        let month = period.kind.last_month();
        let day = self
            .deadline_day
            .clamp(1, days_in_month(period.year, month));
        Date {
            year: period.year,
            month,
            day,
        }
    }

    /// Why the configuration cannot be used, if it cannot: a day or month out of range, or a
    /// window that ends before it starts.
    pub fn validate(&self) -> Result<(), String> {
        if !(1..=31).contains(&self.deadline_day) {
            return Err(format!(
                "deadline_day {} is not a day of the month (1-31)",
                self.deadline_day
            ));
        }
        for (kind, (start, end)) in PeriodKind::ALL.iter().zip(&self.windows) {
            for day in [start, end] {
                if !(1..=12).contains(&day.month) || !(1..=31).contains(&day.day) {
                    return Err(format!(
                        "the {} window has an impossible date {}/{}",
                        kind.label(),
                        day.day,
                        day.month
                    ));
                }
            }
            let period = PeriodId {
                year: 2026,
                kind: *kind,
            };
            let (from, to) = self.window(period);
            if from > to {
                return Err(format!(
                    "the {} window ends ({to}) before it starts ({from})",
                    kind.label()
                ));
            }
        }
        Ok(())
    }

    /// When a task's report for `period` is due: a date its own time frame sets inside the
    /// period's data window and before the period's deadline ("Trước ngày 30/6" for the 6-month
    /// report, "Trước ngày 10 của cuối kỳ báo cáo"), else the period's deadline.
    pub fn task_deadline(&self, schedule: &Schedule, period: PeriodId) -> Date {
        let deadline = self.deadline(period);
        let own = match *schedule {
            Schedule::BeforeDate { day, month, year } => {
                let year = year.unwrap_or(period.year);
                if !(1..=12).contains(&month) {
                    return deadline;
                }
                let day = day.clamp(1, days_in_month(year, month));
                Date { year, month, day }
            }
            Schedule::BeforeDayOfPeriodEnd { day } => {
                let month = period.kind.last_month();
                Date {
                    year: period.year,
                    month,
                    day: day.clamp(1, days_in_month(period.year, month)),
                }
            }
            _ => return deadline,
        };
        let (start, _) = self.window(period);
        if own >= start && own < deadline {
            own
        } else {
            deadline
        }
    }

    /// The day `year`'s first data window opens (15/12 of the year before, by default): from
    /// then on units record results of `year`.
    pub fn year_opens(&self, year: i32) -> Date {
        self.windows
            .iter()
            .map(|(start, _)| resolve(year, *start))
            .min()
            .expect("a calendar has four windows")
    }

    /// The latest reporting year whose first data window has opened by `today` (2027 from
    /// 15/12/2026 on, by default).
    pub fn latest_open_year(&self, today: Date) -> i32 {
        (today.year - 1..=today.year + 1)
            .rev()
            .find(|year| self.year_opens(*year) <= today)
            .unwrap_or(today.year - 1)
    }

    /// The first period whose deadline is on or after `today` (next year's Q1 after December).
    pub fn next_due(&self, today: Date) -> PeriodId {
        PeriodId::of_year(today.year)
            .into_iter()
            .chain(PeriodId::of_year(today.year + 1))
            .find(|p| self.deadline(*p) >= today)
            .expect("next year's first period is always later")
    }
}

fn resolve(year: i32, day: DayOfYear) -> Date {
    let year = if day.previous_year { year - 1 } else { year };
    let last = days_in_month(year, day.month);
    Date {
        year,
        month: day.month,
        day: day.day.min(last),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(s: &str) -> Date {
        let parts: Vec<i32> = s.split('/').map(|p| p.parse().unwrap()).collect();
        Date::new(parts[2], parts[1] as u8, parts[0] as u8).unwrap()
    }

    #[test]
    fn a_task_s_own_date_inside_the_period_comes_first() {
        let calendar = CalendarConfig::default();
        let parse = |text: &str| crate::timeframe::Timeframe::parse(text).schedule;
        let due = |text: &str, period: &str| {
            calendar
                .task_deadline(&parse(text), period.parse().unwrap())
                .to_string()
        };
        // "Trước ngày 30/6" is later than the 6-month report's 14/06: the period's deadline.
        assert_eq!(due("Trước ngày 30/6", "2026-H1"), "14/06/2026");
        assert_eq!(
            due("Trước ngày 15/3", "2026"),
            "15/03/2026",
            "inside the year's window"
        );
        assert_eq!(due("Trước ngày 15/3", "2026-Q1"), "14/03/2026");
        assert_eq!(due("Trước ngày 10/3", "2026-Q1"), "10/03/2026");
        assert_eq!(
            due("Trước ngày 10/3", "2026-Q3"),
            "14/09/2026",
            "outside Q3's window"
        );
        assert_eq!(
            due("Trước 15/11/2025", "2026"),
            "14/12/2026",
            "before the window"
        );
        assert_eq!(due("Hàng quý", "2026-Q3"), "14/09/2026");
        let early = CalendarConfig {
            deadline_day: 20,
            ..CalendarConfig::default()
        };
        let before_10 = Schedule::BeforeDayOfPeriodEnd { day: 10 };
        assert_eq!(
            early
                .task_deadline(&before_10, "2026-Q3".parse().unwrap())
                .to_string(),
            "10/09/2026"
        );
    }

    #[test]
    fn a_year_opens_with_its_first_data_window() {
        let calendar = CalendarConfig::default();
        assert_eq!(calendar.year_opens(2027), date("15/12/2026"));
        assert_eq!(calendar.latest_open_year(date("14/12/2026")), 2026);
        assert_eq!(calendar.latest_open_year(date("15/12/2026")), 2027);
        assert_eq!(calendar.latest_open_year(date("01/01/2027")), 2027);
        assert_eq!(calendar.latest_open_year(date("31/12/2027")), 2028);
        // A calendar whose windows are the calendar year's own.
        let day = |day, month| DayOfYear {
            day,
            month,
            previous_year: false,
        };
        let in_year = CalendarConfig {
            windows: [
                (day(1, 1), day(31, 3)),
                (day(1, 1), day(30, 6)),
                (day(1, 7), day(30, 9)),
                (day(1, 1), day(31, 12)),
            ],
            deadline_day: 10,
        };
        assert_eq!(in_year.latest_open_year(date("31/12/2026")), 2026);
        assert_eq!(in_year.latest_open_year(date("01/01/2027")), 2027);
    }

    #[test]
    fn a_plan_s_calendar_is_checked() {
        assert_eq!(CalendarConfig::default().validate(), Ok(()));
        let mut late = CalendarConfig {
            deadline_day: 20,
            ..CalendarConfig::default()
        };
        assert_eq!(late.validate(), Ok(()));
        assert_eq!(
            late.deadline("2026-Q3".parse().unwrap()),
            date("20/09/2026")
        );
        late.deadline_day = 0;
        assert!(late.validate().unwrap_err().contains("deadline_day 0"));
        let mut backwards = CalendarConfig::default();
        backwards.windows[2].1 = DayOfYear {
            day: 1,
            month: 6,
            previous_year: false,
        };
        let why = backwards.validate().unwrap_err();
        assert!(
            why.contains("ends (01/06/2026) before it starts (15/06/2026)"),
            "{why}"
        );
        let json = r#"{"windows":[[{"day":1,"month":1},{"day":31,"month":3}],[{"day":1,"month":1},{"day":30,"month":6}],[{"day":1,"month":7},{"day":30,"month":9}],[{"day":1,"month":1},{"day":31,"month":12}]],"deadline_day":10}"#;
        let calendar: CalendarConfig = serde_json::from_str(json).unwrap();
        assert_eq!(calendar.validate(), Ok(()));
        assert_eq!(
            calendar.deadline("2026".parse().unwrap()),
            date("10/12/2026")
        );
    }

    #[test]
    fn period_ids_round_trip() {
        for text in ["2026-Q1", "2026-H1", "2026-Q3", "2026"] {
            assert_eq!(text.parse::<PeriodId>().unwrap().to_string(), text);
        }
        for bad in ["2026-Q2", "26", "2026-", "abcd", "2026-Y"] {
            assert!(bad.parse::<PeriodId>().is_err(), "{bad}");
        }
    }

    #[test]
    fn windows_start_in_the_previous_december() {
        let calendar = CalendarConfig::default();
        let shown = |p: &str| {
            let (a, b) = calendar.window(p.parse().unwrap());
            format!("{a}-{b}")
        };
        assert_eq!(shown("2026-Q1"), "15/12/2025-14/03/2026");
        assert_eq!(shown("2026-H1"), "15/12/2025-14/06/2026");
        assert_eq!(shown("2026-Q3"), "15/06/2026-14/09/2026");
        assert_eq!(shown("2026"), "15/12/2025-14/12/2026");
        assert_eq!(
            calendar.deadline("2027-Q3".parse().unwrap()),
            date("14/09/2027")
        );
    }

    #[test]
    fn next_due_crosses_the_year_boundary() {
        let calendar = CalendarConfig::default();
        assert_eq!(calendar.next_due(date("28/11/2026")).to_string(), "2026");
        assert_eq!(calendar.next_due(date("14/12/2026")).to_string(), "2026");
        assert_eq!(calendar.next_due(date("15/12/2026")).to_string(), "2027-Q1");
        assert_eq!(calendar.next_due(date("01/01/2026")).to_string(), "2026-Q1");
    }

    #[test]
    fn days_since_epoch_round_trips() {
        for days in [-800_000, -1, 0, 1, 20_000, 20_615, 2_000_000] {
            assert_eq!(Date::from_days_since_epoch(days).days_since_epoch(), days);
        }
        assert_eq!(Date::from_days_since_epoch(0), date("01/01/1970"));
        assert_eq!(
            date("01/03/2024").days_since_epoch() - date("28/02/2024").days_since_epoch(),
            2
        );
        // 2026-11-27T17:30Z is already the 28th in Vietnam.
        assert_eq!(
            Date::from_unix_millis_vietnam(1_795_800_600_000),
            date("28/11/2026")
        );
    }
}
