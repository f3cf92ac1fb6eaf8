//! A unit's record of a task as it crosses IPC (the answers of `record_units` and `read_record`,
//! and the `edit` of `edit_record`).
//!
//! These mirror `shared::documents::{records, review, history}` and `plansync-app`'s
//! `records::{RecordView, RecordUnits}` (the frontend builds `shared` without its Automerge
//! `documents` feature); changing either side is a protocol change.

use serde::{Deserialize, Serialize};
use shared::calendar::{Date, PeriodId};
use shared::TaskId;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TaskStatus {
    NotStarted,
    InProgress,
    Done,
    NotApplicable,
}

impl TaskStatus {
    pub const ALL: [TaskStatus; 4] = [
        TaskStatus::NotStarted,
        TaskStatus::InProgress,
        TaskStatus::Done,
        TaskStatus::NotApplicable,
    ];

    /// The wire name ("not_started"), also the `<option>` value.
    pub fn as_str(self) -> &'static str {
        match self {
            TaskStatus::NotStarted => "not_started",
            TaskStatus::InProgress => "in_progress",
            TaskStatus::Done => "done",
            TaskStatus::NotApplicable => "not_applicable",
        }
    }

    pub fn parse(text: &str) -> Option<TaskStatus> {
        TaskStatus::ALL.into_iter().find(|s| s.as_str() == text)
    }

    pub fn label(self) -> &'static str {
        match self {
            TaskStatus::NotStarted => "Chưa thực hiện",
            TaskStatus::InProgress => "Đang thực hiện",
            TaskStatus::Done => "Hoàn thành",
            TaskStatus::NotApplicable => "Không áp dụng",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TextField {
    Result,
    Difficulties,
    Proposals,
    Notes,
}

impl TextField {
    pub const ALL: [TextField; 4] = [
        TextField::Result,
        TextField::Difficulties,
        TextField::Proposals,
        TextField::Notes,
    ];

    /// The wire name ("result"), also used in element ids (`record-result`).
    pub fn key(self) -> &'static str {
        match self {
            TextField::Result => "result",
            TextField::Difficulties => "difficulties",
            TextField::Proposals => "proposals",
            TextField::Notes => "notes",
        }
    }

    pub fn parse(key: &str) -> Option<TextField> {
        TextField::ALL.into_iter().find(|f| f.key() == key)
    }

    pub fn label(self) -> &'static str {
        match self {
            TextField::Result => "Kết quả thực hiện",
            TextField::Difficulties => "Khó khăn, vướng mắc",
            TextField::Proposals => "Đề xuất, kiến nghị",
            TextField::Notes => "Ghi chú",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Pending,
    Accepted,
    Returned,
}

impl Verdict {
    pub fn label(self) -> &'static str {
        match self {
            Verdict::Pending => "Chờ thẩm định",
            Verdict::Accepted => "Chấp nhận",
            Verdict::Returned => "Trả lại",
        }
    }
}

/// Competing values of one field: usually one; several after concurrent offline edits. The
/// value shown by default comes first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Versions<T> {
    pub values: Vec<Version<T>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Version<T> {
    pub value: T,
    /// The device that wrote it.
    pub device: String,
}

impl<T> Versions<T> {
    pub fn current(&self) -> Option<&T> {
        self.values.first().map(|v| &v.value)
    }

    pub fn is_conflict(&self) -> bool {
        self.values.len() > 1
    }
}

impl<T> Default for Versions<T> {
    fn default() -> Versions<T> {
        Versions { values: Vec::new() }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TaskRecord {
    pub task_id: TaskId,
    pub status: Versions<TaskStatus>,
    pub progress: Versions<u8>,
    pub periods: Vec<PeriodRecord>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PeriodRecord {
    pub period: PeriodId,
    pub result: String,
    pub difficulties: String,
    pub proposals: String,
    pub notes: String,
    /// Actual values by target index.
    pub actuals: Vec<(usize, Versions<f64>)>,
}

impl PeriodRecord {
    pub fn text(&self, field: TextField) -> &str {
        match field {
            TextField::Result => &self.result,
            TextField::Difficulties => &self.difficulties,
            TextField::Proposals => &self.proposals,
            TextField::Notes => &self.notes,
        }
    }

    pub fn actual(&self, target: usize) -> Option<f64> {
        self.actuals
            .iter()
            .find(|(idx, _)| *idx == target)
            .and_then(|(_, v)| v.current().copied())
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PeriodReview {
    pub period: PeriodId,
    pub verdict: Versions<Verdict>,
    pub comment: String,
    /// The reviewer's user name.
    pub by: Option<String>,
    /// When (Unix milliseconds).
    pub at: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryEntry {
    pub hash: String,
    /// Unix seconds.
    pub time: i64,
    pub user: String,
    pub device: String,
    /// The change's description ("status=done", "result 2026-Q1", "actual #0 2026").
    pub what: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecordView {
    pub unit: String,
    pub year: i32,
    pub writable: bool,
    pub today: Date,
    pub record: TaskRecord,
    pub reviews: Vec<PeriodReview>,
    pub history: Vec<HistoryEntry>,
    /// Whether `history` holds only this task's changes (else the whole document's).
    pub history_of_task: bool,
}

impl RecordView {
    pub fn period(&self, period: PeriodId) -> Option<&PeriodRecord> {
        self.record.periods.iter().find(|p| p.period == period)
    }

    pub fn review(&self, period: PeriodId) -> Option<&PeriodReview> {
        self.reviews.iter().find(|r| r.period == period)
    }

    /// Whether the office accepted `period` (then the unit can no longer change it).
    pub fn is_locked(&self, period: PeriodId) -> bool {
        self.review(period)
            .is_some_and(|r| r.verdict.current() == Some(&Verdict::Accepted))
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordUnits {
    pub own_unit: String,
    pub role: String,
    /// Units (codes) whose record of the task this user may read, own unit first.
    pub units: Vec<String>,
}

/// One edit of a task's record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "edit", rename_all = "snake_case")]
pub enum RecordEdit {
    Status {
        status: TaskStatus,
    },
    Progress {
        percent: u8,
    },
    Text {
        period: PeriodId,
        field: TextField,
        text: String,
    },
    Actual {
        period: PeriodId,
        target: usize,
        value: Option<f64>,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edits_serialise_as_the_app_reads_them() {
        let edit = RecordEdit::Text {
            period: "2026-Q3".parse().unwrap(),
            field: TextField::Result,
            text: "Đã xong".into(),
        };
        assert_eq!(
            serde_json::to_string(&edit).unwrap(),
            r#"{"edit":"text","period":"2026-Q3","field":"result","text":"Đã xong"}"#
        );
        assert_eq!(
            serde_json::to_string(&RecordEdit::Status {
                status: TaskStatus::InProgress
            })
            .unwrap(),
            r#"{"edit":"status","status":"in_progress"}"#
        );
    }

    #[test]
    fn reads_a_record_view() {
        let json = r#"{"unit":"QLHT","year":2026,"writable":true,"today":{"year":2026,"month":11,"day":28},
            "record":{"task_id":"PAR_INDEX/I/1","status":{"values":[{"value":"done","device":"dev-a"},{"value":"in_progress","device":"dev-b"}]},
            "progress":{"values":[]},"periods":[{"period":"2026","result":"xong","difficulties":"","proposals":"","notes":"","actuals":[[0,{"values":[{"value":3.0,"device":"dev-a"}]}]]}]},
            "reviews":[{"period":"2026","verdict":{"values":[{"value":"returned","device":"dev-c"}]},"comment":"Bổ sung","by":"thu","at":1}],
            "history":[{"hash":"h","time":1,"user":"lan","device":"dev-a","what":"status=done"}],"history_of_task":false}"#;
        let view: RecordView = serde_json::from_str(json).unwrap();
        assert!(view.record.status.is_conflict());
        let year: PeriodId = "2026".parse().unwrap();
        assert_eq!(view.period(year).unwrap().actual(0), Some(3.0));
        assert!(!view.is_locked(year));
        assert_eq!(
            view.review(year).unwrap().verdict.current(),
            Some(&Verdict::Returned)
        );
    }
}
