//! What could not be read in a unit's documents, as plain values: a whole document
//! ([`UnreadableReason`]: no PlanSync header, another unit's or year's data, no map of tasks) or
//! one part of a task's record or appraisal ([`RecordPart`]: a map replaced by a value, a value
//! of the wrong type).
//!
//! The server refuses such writes since `documents::write_rules`, but documents written before
//! that, by a bug, or restored from an old backup can still hold them. Readers report them
//! instead of failing, so the office's report is built from everything that can be read and
//! names what could not. Always built: the report carries these values across IPC.

use serde::{Deserialize, Serialize};

use crate::record::TextField;

/// Why a unit's records or review document cannot be read at all.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum UnreadableReason {
    /// Nothing at all: a document whose stored bytes did not load, or one never written.
    Empty,
    /// The header names another kind or version of document, or none (`found` is `None`).
    WrongSchema { found: Option<String> },
    /// The header names another unit, or none.
    WrongUnit { found: Option<String> },
    /// The header names another year (or none).
    WrongYear { found: Option<i64>, expected: i32 },
    /// The map of tasks is missing or replaced by a value.
    NoTasks,
}

impl UnreadableReason {
    /// The reason in words for the office: "dữ liệu ghi là của năm 2025, không phải năm 2026".
    pub fn text(&self) -> String {
        match self {
            UnreadableReason::Empty => {
                "dữ liệu trống (tệp lưu trữ có thể bị hỏng hoặc chưa được khôi phục đủ)".to_string()
            }
            UnreadableReason::WrongSchema { found: None } => {
                "dữ liệu bị mất thông tin nhận biết mẫu dữ liệu của PlanSync".to_string()
            }
            UnreadableReason::WrongSchema { found: Some(found) } => {
                format!("dữ liệu được ghi theo mẫu khác (“{found}”) mà PlanSync không đọc được")
            }
            UnreadableReason::WrongUnit { found: None } => {
                "dữ liệu không ghi là của đơn vị nào".to_string()
            }
            UnreadableReason::WrongUnit { found: Some(found) } => {
                format!("dữ liệu ghi là của đơn vị khác (“{found}”)")
            }
            UnreadableReason::WrongYear {
                found: Some(found),
                expected,
            } => format!("dữ liệu ghi là của năm {found}, không phải năm {expected}"),
            UnreadableReason::WrongYear {
                found: None,
                expected,
            } => format!("dữ liệu không ghi năm (cần là năm {expected})"),
            UnreadableReason::NoTasks => "dữ liệu bị mất danh sách nhiệm vụ".to_string(),
        }
    }
}

/// A part of a task's record or appraisal that holds something other than what PlanSync writes
/// there; it reads as empty.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(tag = "part", content = "target", rename_all = "snake_case")]
pub enum RecordPart {
    /// The task's whole record (its map replaced by a value).
    Task,
    /// The period's record (its map missing or replaced by a value).
    Period,
    Status,
    Progress,
    Text(TextField),
    /// Every actual of the period (their map replaced by a value).
    Actuals,
    /// The actual of one target, by the target's position.
    Actual(usize),
    /// The task's appraisal for the period (a map of it missing or replaced by a value).
    Review,
    Verdict,
    Comment,
}

impl RecordPart {
    /// What the office calls it: "tình trạng", "số liệu thực hiện chỉ tiêu thứ 2".
    pub fn label(self) -> String {
        match self {
            RecordPart::Task => "toàn bộ số liệu của nhiệm vụ".to_string(),
            RecordPart::Period => "số liệu của kỳ báo cáo".to_string(),
            RecordPart::Status => "tình trạng".to_string(),
            RecordPart::Progress => "tiến độ".to_string(),
            RecordPart::Text(field) => match field {
                TextField::Result => "kết quả thực hiện",
                TextField::Difficulties => "khó khăn, vướng mắc",
                TextField::Proposals => "đề xuất, kiến nghị",
                TextField::Notes => "ghi chú",
            }
            .to_string(),
            RecordPart::Actuals => "số liệu thực hiện các chỉ tiêu".to_string(),
            RecordPart::Actual(target_idx) => {
                format!("số liệu thực hiện chỉ tiêu thứ {}", target_idx + 1)
            }
            RecordPart::Review => "kết quả thẩm định".to_string(),
            RecordPart::Verdict => "kết luận thẩm định".to_string(),
            RecordPart::Comment => "ý kiến thẩm định".to_string(),
        }
    }

    /// Where it is in its document, for whoever repairs it:
    /// "tasks.PAR_INDEX/I/1.periods.2026-Q3.result".
    pub fn path(self, task: &str, period: &str) -> String {
        let suffix = match self {
            RecordPart::Task => String::new(),
            RecordPart::Period | RecordPart::Review => format!(".periods.{period}"),
            RecordPart::Status => ".status".to_string(),
            RecordPart::Progress => ".progress".to_string(),
            RecordPart::Text(field) => format!(".periods.{period}.{}", field.key()),
            RecordPart::Actuals => format!(".periods.{period}.actuals"),
            RecordPart::Actual(target_idx) => format!(".periods.{period}.actuals.{target_idx}"),
            RecordPart::Verdict => format!(".periods.{period}.verdict"),
            RecordPart::Comment => format!(".periods.{period}.comment"),
        };
        format!("tasks.{task}{suffix}")
    }

    /// Whether it is part of the office's appraisal (the review document) rather than the
    /// unit's record.
    pub fn is_review(self) -> bool {
        matches!(
            self,
            RecordPart::Review | RecordPart::Verdict | RecordPart::Comment
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reasons_and_parts_are_said_in_vietnamese() {
        let shown: Vec<String> = [
            UnreadableReason::Empty,
            UnreadableReason::WrongSchema { found: None },
            UnreadableReason::WrongSchema {
                found: Some("plansync/records@0".into()),
            },
            UnreadableReason::WrongUnit {
                found: Some("KHTC".into()),
            },
            UnreadableReason::WrongYear {
                found: Some(2025),
                expected: 2026,
            },
            UnreadableReason::WrongYear {
                found: None,
                expected: 2026,
            },
            UnreadableReason::NoTasks,
        ]
        .iter()
        .map(UnreadableReason::text)
        .chain(
            [
                RecordPart::Text(TextField::Result),
                RecordPart::Actual(1),
                RecordPart::Verdict,
            ]
            .map(RecordPart::label),
        )
        .collect();
        expect_test::expect![[r#"
            [
                "dữ liệu trống (tệp lưu trữ có thể bị hỏng hoặc chưa được khôi phục đủ)",
                "dữ liệu bị mất thông tin nhận biết mẫu dữ liệu của PlanSync",
                "dữ liệu được ghi theo mẫu khác (“plansync/records@0”) mà PlanSync không đọc được",
                "dữ liệu ghi là của đơn vị khác (“KHTC”)",
                "dữ liệu ghi là của năm 2025, không phải năm 2026",
                "dữ liệu không ghi năm (cần là năm 2026)",
                "dữ liệu bị mất danh sách nhiệm vụ",
                "kết quả thực hiện",
                "số liệu thực hiện chỉ tiêu thứ 2",
                "kết luận thẩm định",
            ]
        "#]]
        .assert_debug_eq(&shown);
    }
}
