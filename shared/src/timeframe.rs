//! A task's time frame: the text as printed, and the schedule it was read as.
//!
//! Plans write time frames in free text ("Hàng năm", "Thường xuyên", "Quý III và năm", "Trước
//! ngày 14 của cuối kỳ báo cáo"). [`Timeframe::parse`] reads the usual wordings into a
//! [`Schedule`]; any other wording is kept whole as [`Schedule::Unrecognised`] and the importer
//! warns about it. The raw text is always kept.

use serde::{Deserialize, Serialize};

use crate::vietnamese::{fold, tidy};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Timeframe {
    /// The time frame exactly as the plan prints it (tidied white space).
    pub text: String,
    #[serde(flatten)]
    pub schedule: Schedule,
}

/// When a task is due or reported, as understood from its time frame.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Schedule {
    /// No time frame was printed.
    Unspecified,
    /// "Hàng năm": done and reported every year.
    Yearly,
    /// "Thường xuyên": ongoing, reported every period.
    Continuous,
    /// "Hàng tháng".
    Monthly,
    /// Specific reporting periods: "Quý III và năm", "6 tháng và năm", "Hàng quý".
    Periods {
        quarters: Vec<u8>,
        half_year: bool,
        year: bool,
    },
    /// "Trước ngày 14 của cuối kỳ báo cáo": before day `day` of each period's last month.
    BeforeDayOfPeriodEnd { day: u8 },
    /// "Trước ngày 30/6" or "Trước 15/12/2026".
    BeforeDate {
        day: u8,
        month: u8,
        year: Option<i32>,
    },
    /// "Theo kế hoạch của tỉnh": dates follow the province's own plan.
    PerProvincePlan,
    /// "Kế hoạch đã hoàn thành": already done when the plan was issued.
    AlreadyDone,
    /// Wording the importer does not know; the text is kept and a warning raised.
    Unrecognised,
}

impl Timeframe {
    pub fn parse(text: &str) -> Timeframe {
        let text = tidy(text);
        let schedule = parse_schedule(&fold(&text));
        Timeframe { text, schedule }
    }

    pub fn is_recognised(&self) -> bool {
        self.schedule != Schedule::Unrecognised
    }
}

fn parse_schedule(f: &str) -> Schedule {
    let f = f.trim().trim_end_matches(['.', ';']).trim();
    if f.is_empty() {
        return Schedule::Unspecified;
    }
    match f {
        "hang nam" | "ca nam" | "trong nam" | "nam" => return Schedule::Yearly,
        "thuong xuyen" | "lien tuc" | "thuong xuyen, lien tuc" => return Schedule::Continuous,
        "hang thang" => return Schedule::Monthly,
        "hang quy" => {
            return Schedule::Periods {
                quarters: vec![1, 2, 3, 4],
                half_year: false,
                year: false,
            }
        }
        _ => {}
    }
    if f.contains("da hoan thanh") {
        return Schedule::AlreadyDone;
    }
    if f.starts_with("theo ke hoach") || f.starts_with("theo lo trinh") {
        return Schedule::PerProvincePlan;
    }
    if let Some(schedule) = parse_before(f) {
        return schedule;
    }
    parse_periods(f).unwrap_or(Schedule::Unrecognised)
}

/// "truoc ngay 14 cua cuoi ky bao cao", "truoc ngay 14 thang cuoi ky", "truoc ngay 30/6",
/// "truoc 15/12/2026".
fn parse_before(f: &str) -> Option<Schedule> {
    let rest = f.strip_prefix("truoc ")?;
    let rest = rest.strip_prefix("ngay ").unwrap_or(rest);
    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    let day: u8 = digits.parse().ok().filter(|d| (1..=31).contains(d))?;
    let after = &rest[digits.len()..];
    if let Some(date) = after.strip_prefix('/') {
        let mut parts = date.split('/');
        let month: u8 = parts
            .next()?
            .trim()
            .parse()
            .ok()
            .filter(|m| (1..=12).contains(m))?;
        let year = match parts.next() {
            Some(y) => Some(y.trim().parse::<i32>().ok()?),
            None => None,
        };
        return Some(Schedule::BeforeDate { day, month, year });
    }
    if after.contains("cuoi ky") {
        return Some(Schedule::BeforeDayOfPeriodEnd { day });
    }
    None
}

/// "quy iii va nam", "quy i, ii va ca nam", "6 thang va nam", "quy 3".
fn parse_periods(f: &str) -> Option<Schedule> {
    let mut quarters = Vec::new();
    let mut half_year = false;
    let mut year = false;
    let cleaned = f.replace([',', ';'], " ");
    let mut words = cleaned.split_whitespace().peekable();
    let mut in_quarters = false;
    while let Some(word) = words.next() {
        match word {
            "va" | "ca" | "bao" | "cao" => {}
            "quy" => in_quarters = true,
            "nam" => {
                year = true;
                in_quarters = false;
            }
            "6" | "sau" if words.peek() == Some(&"thang") => {
                words.next();
                half_year = true;
                in_quarters = false;
            }
            "nua" if words.peek() == Some(&"nam") => {
                words.next();
                half_year = true;
                in_quarters = false;
            }
            other if in_quarters => quarters.push(quarter_number(other)?),
            _ => return None,
        }
    }
    if quarters.is_empty() && !half_year && !year {
        return None;
    }
    quarters.sort_unstable();
    quarters.dedup();
    Some(Schedule::Periods {
        quarters,
        half_year,
        year,
    })
}

fn quarter_number(word: &str) -> Option<u8> {
    match word {
        "i" | "1" => Some(1),
        "ii" | "2" => Some(2),
        "iii" | "3" => Some(3),
        "iv" | "4" => Some(4),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn schedule(text: &str) -> Schedule {
        Timeframe::parse(text).schedule
    }

    #[test]
    fn usual_wordings_are_recognised() {
        assert_eq!(schedule("Hàng năm"), Schedule::Yearly);
        assert_eq!(schedule("Hằng năm"), Schedule::Yearly);
        assert_eq!(schedule("Thường xuyên"), Schedule::Continuous);
        assert_eq!(schedule("Hàng tháng"), Schedule::Monthly);
        assert_eq!(schedule(""), Schedule::Unspecified);
        assert_eq!(schedule("Kế hoạch đã hoàn thành"), Schedule::AlreadyDone);
        assert_eq!(
            schedule("Theo kế hoạch của tỉnh"),
            Schedule::PerProvincePlan
        );
        assert_eq!(
            schedule("Trước ngày 14 của cuối kỳ báo cáo"),
            Schedule::BeforeDayOfPeriodEnd { day: 14 }
        );
        assert_eq!(
            schedule("Trước ngày 30/6"),
            Schedule::BeforeDate {
                day: 30,
                month: 6,
                year: None
            }
        );
        assert_eq!(
            schedule("trước 15/12/2026"),
            Schedule::BeforeDate {
                day: 15,
                month: 12,
                year: Some(2026)
            }
        );
    }

    #[test]
    fn periods_list_quarters_half_year_and_year() {
        assert_eq!(
            schedule("Quý III và năm"),
            Schedule::Periods {
                quarters: vec![3],
                half_year: false,
                year: true
            }
        );
        assert_eq!(
            schedule("Quý I, II và cả năm"),
            Schedule::Periods {
                quarters: vec![1, 2],
                half_year: false,
                year: true
            }
        );
        assert_eq!(
            schedule("6 tháng và năm"),
            Schedule::Periods {
                quarters: vec![],
                half_year: true,
                year: true
            }
        );
        assert_eq!(
            schedule("Hàng quý"),
            Schedule::Periods {
                quarters: vec![1, 2, 3, 4],
                half_year: false,
                year: false
            }
        );
    }

    #[test]
    fn unknown_wording_is_kept_whole() {
        let tf = Timeframe::parse("Khi có yêu cầu  của cấp trên");
        assert_eq!(tf.schedule, Schedule::Unrecognised);
        assert_eq!(tf.text, "Khi có yêu cầu của cấp trên");
        assert_eq!(schedule("Quý V"), Schedule::Unrecognised);
        assert_eq!(schedule("Trước ngày 40/6"), Schedule::Unrecognised);
    }
}
