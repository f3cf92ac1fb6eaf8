//! Vietnamese wording for a task's record: history lines, the save indicator, numbers typed with
//! a decimal comma.

use shared::calendar::PeriodId;

use super::record_state::SaveIndicator;
use crate::backend::{TaskStatus, TextField};
use crate::ui::error_label;

/// A change's description ("status=done", "result 2026-Q1", "actual #0 2026",
/// "verdict=returned 2026") in words; anything else as written.
pub fn describe_change(what: &str) -> String {
    let period_label = |text: &str| {
        text.parse::<PeriodId>()
            .map_or_else(|_| text.to_string(), PeriodId::label)
    };
    if let Some(status) = what.strip_prefix("status=") {
        return match TaskStatus::parse(status) {
            Some(status) => format!("Trạng thái: {}", status.label()),
            None => format!("Trạng thái: {status}"),
        };
    }
    if let Some(percent) = what.strip_prefix("progress=") {
        return format!("Tiến độ: {percent}%");
    }
    if let Some(rest) = what.strip_prefix("actual #") {
        if let Some((target, period)) = rest.split_once(' ') {
            let n = target
                .parse::<usize>()
                .map_or(target.to_string(), |t| (t + 1).to_string());
            return format!("Số liệu chỉ tiêu {n} ({})", period_label(period));
        }
    }
    if let Some((key, period)) = what.split_once(' ') {
        if let Some(field) = TextField::parse(key) {
            return format!("{} ({})", field.label(), period_label(period));
        }
    }
    if what.is_empty() {
        return "Thay đổi".to_string();
    }
    what.to_string()
}

/// What the save indicator says.
pub fn save_label(indicator: &SaveIndicator) -> String {
    match indicator {
        SaveIndicator::Saving => "Đang lưu…".to_string(),
        SaveIndicator::SavedLocally => "Đã lưu trên máy, chờ gửi".to_string(),
        SaveIndicator::Synced => "Đã đồng bộ".to_string(),
        SaveIndicator::Failed(err) => format!("Không lưu được: {}", error_label(err)),
    }
}

/// Typed text that is not an acceptable number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NotANumber;

/// A number as typed ("12,5", "80", "1.234,5" is not accepted): `Ok(None)` when empty.
pub fn parse_number(text: &str) -> Result<Option<f64>, NotANumber> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    let normalised = text.replace(',', ".");
    if normalised.matches('.').count() > 1 {
        return Err(NotANumber);
    }
    match normalised.parse::<f64>() {
        Ok(value) if value.is_finite() => Ok(Some(value)),
        _ => Err(NotANumber),
    }
}

/// A number with a decimal comma, no grouping (so [`parse_number`] reads it back) and no more
/// decimals than needed ("12,5", "1234").
pub fn format_number(value: f64) -> String {
    value.to_string().replace('.', ",")
}

/// A progress percentage as typed: 0 to 100.
pub fn parse_percent(text: &str) -> Result<u8, NotANumber> {
    match text.trim().parse::<u8>() {
        Ok(p) if p <= 100 => Ok(p),
        _ => Err(NotANumber),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::backend::{BackendError, ErrorCode};

    #[test]
    fn history_lines_read_as_vietnamese() {
        assert_eq!(describe_change("status=done"), "Trạng thái: Hoàn thành");
        assert_eq!(describe_change("progress=40"), "Tiến độ: 40%");
        assert_eq!(
            describe_change("result 2026-Q1"),
            "Kết quả thực hiện (Quý I/2026)"
        );
        assert_eq!(describe_change("notes 2026"), "Ghi chú (Năm 2026)");
        assert_eq!(
            describe_change("actual #0 2026-H1"),
            "Số liệu chỉ tiêu 1 (6 tháng/2026)"
        );
        assert_eq!(describe_change("publish"), "publish");
        assert_eq!(describe_change(""), "Thay đổi");
    }

    #[test]
    fn the_indicator_says_where_the_edit_is() {
        assert_eq!(
            save_label(&SaveIndicator::SavedLocally),
            "Đã lưu trên máy, chờ gửi"
        );
        assert_eq!(save_label(&SaveIndicator::Synced), "Đã đồng bộ");
        assert_eq!(
            save_label(&SaveIndicator::Failed(BackendError::new(
                ErrorCode::PeriodLocked,
                "x"
            ))),
            "Không lưu được: Kỳ báo cáo này đã được chấp nhận nên không sửa được nữa"
        );
    }

    #[test]
    fn numbers_take_a_decimal_comma() {
        assert_eq!(parse_number("12,5"), Ok(Some(12.5)));
        assert_eq!(parse_number(" 80 "), Ok(Some(80.0)));
        assert_eq!(parse_number(""), Ok(None));
        assert_eq!(parse_number("1,2,3"), Err(NotANumber));
        assert_eq!(parse_number("nhiều"), Err(NotANumber));
        assert_eq!(format_number(12.5), "12,5");
        assert_eq!(format_number(3.0), "3");
        assert_eq!(parse_number(&format_number(1234.5)), Ok(Some(1234.5)));
        assert_eq!(parse_percent("100"), Ok(100));
        assert_eq!(parse_percent("101"), Err(NotANumber));
    }
}
