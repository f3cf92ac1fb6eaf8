//! Vietnamese wording for values of the plan: schedules and numeric targets.

use shared::vietnamese::format_decimal;
use shared::{Schedule, Target, TargetOperator};

/// How the app understood a time frame, in words ("Quý III, năm").
pub fn schedule_label(schedule: &Schedule) -> String {
    match schedule {
        Schedule::Unspecified => "Không ghi thời gian".to_string(),
        Schedule::Yearly => "Hằng năm".to_string(),
        Schedule::Continuous => "Thường xuyên".to_string(),
        Schedule::Monthly => "Hằng tháng".to_string(),
        Schedule::Periods {
            quarters,
            half_year,
            year,
        } => {
            let mut parts = Vec::new();
            if quarters.len() == 4 {
                parts.push("Hằng quý".to_string());
            } else if !quarters.is_empty() {
                let numerals: Vec<&str> = quarters.iter().map(|q| roman(*q)).collect();
                parts.push(format!("Quý {}", numerals.join(", ")));
            }
            if *half_year {
                parts.push("6 tháng".to_string());
            }
            if *year {
                parts.push("năm".to_string());
            }
            parts.join(", ")
        }
        Schedule::BeforeDayOfPeriodEnd { day } => {
            format!("Trước ngày {day} tháng cuối kỳ báo cáo")
        }
        Schedule::BeforeDate {
            day,
            month,
            year: Some(year),
        } => {
            format!("Trước ngày {day:02}/{month:02}/{year}")
        }
        Schedule::BeforeDate {
            day,
            month,
            year: None,
        } => format!("Trước ngày {day:02}/{month:02}"),
        Schedule::PerProvincePlan => "Theo kế hoạch của tỉnh".to_string(),
        Schedule::AlreadyDone => "Đã hoàn thành".to_string(),
        Schedule::Unrecognised => "Chưa nhận dạng được".to_string(),
    }
}

fn roman(quarter: u8) -> &'static str {
    match quarter {
        1 => "I",
        2 => "II",
        3 => "III",
        4 => "IV",
        _ => "?",
    }
}

/// A target in short form: "≥ 80%", "≤ số lượng được giao", "= 0 vụ việc".
pub fn target_label(target: &Target) -> String {
    let operator = match target.operator {
        TargetOperator::AtLeast => "≥",
        TargetOperator::AtMost => "≤",
        TargetOperator::Exactly => "=",
    };
    let Some(value) = target.value else {
        return format!("{operator} {}", target.text);
    };
    let decimals = if value.fract() == 0.0 { 0 } else { 2 };
    let number = format_decimal(value, decimals);
    match target.unit.as_deref() {
        Some("%") => format!("{operator} {number}%"),
        Some(unit) => format!("{operator} {number} {unit}"),
        None => format!("{operator} {number}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::Timeframe;

    #[test]
    fn schedules_read_as_vietnamese() {
        let label = |text: &str| schedule_label(&Timeframe::parse(text).schedule);
        assert_eq!(label("Quý III và cả năm"), "Quý III, năm");
        assert_eq!(label("6 tháng và năm"), "6 tháng, năm");
        assert_eq!(label("Hàng quý"), "Hằng quý");
        assert_eq!(
            label("Trước ngày 14 của cuối kỳ báo cáo"),
            "Trước ngày 14 tháng cuối kỳ báo cáo"
        );
        assert_eq!(label("Trước ngày 30/6"), "Trước ngày 30/06");
        assert_eq!(label(""), "Không ghi thời gian");
    }

    #[test]
    fn targets_use_symbols_and_decimal_commas() {
        let target = |operator, value, unit: Option<&str>| Target {
            operator,
            value,
            unit: unit.map(str::to_string),
            text: "số lượng biên chế được giao".to_string(),
        };
        assert_eq!(
            target_label(&target(TargetOperator::AtLeast, Some(80.0), Some("%"))),
            "≥ 80%"
        );
        assert_eq!(
            target_label(&target(
                TargetOperator::AtLeast,
                Some(3.0),
                Some("sáng kiến")
            )),
            "≥ 3 sáng kiến"
        );
        assert_eq!(
            target_label(&target(TargetOperator::Exactly, Some(12.5), None)),
            "= 12,50"
        );
        assert_eq!(
            target_label(&target(TargetOperator::AtMost, None, None)),
            "≤ số lượng biên chế được giao",
            "a target without a stated value shows the plan's words"
        );
    }
}
