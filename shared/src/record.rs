//! The data of a unit's records, the office's reviews and document history, as plain values:
//! what `documents` reads out of (and writes into) the Automerge documents, and what crosses IPC
//! to the frontend. Always built (no Automerge), so the frontend uses these very types.

use serde::{Deserialize, Serialize};

use crate::calendar::{Date, PeriodId};
use crate::plan::TaskId;

/// Competing values of one scalar field. Usually one; several after concurrent offline edits.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Versions<T> {
    pub values: Vec<Version<T>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Version<T> {
    pub value: T,
    /// The device (actor) that wrote this value.
    pub device: String,
}

impl<T> Versions<T> {
    pub fn none() -> Versions<T> {
        Versions { values: Vec::new() }
    }

    /// The value when there is exactly one, or the deterministic winner when several compete.
    pub fn current(&self) -> Option<&T> {
        self.values.first().map(|v| &v.value)
    }

    pub fn is_conflict(&self) -> bool {
        self.values.len() > 1
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
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

    /// "Chưa thực hiện", "Đang thực hiện", "Hoàn thành", "Không áp dụng".
    pub fn label(self) -> &'static str {
        match self {
            TaskStatus::NotStarted => "Chưa thực hiện",
            TaskStatus::InProgress => "Đang thực hiện",
            TaskStatus::Done => "Hoàn thành",
            TaskStatus::NotApplicable => "Không áp dụng",
        }
    }
}

/// The long-text fields of a period's record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
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

    pub fn key(self) -> &'static str {
        match self {
            TextField::Result => "result",
            TextField::Difficulties => "difficulties",
            TextField::Proposals => "proposals",
            TextField::Notes => "notes",
        }
    }
}

/// A task the unit reports on, with how many targets it has.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaskSkeleton {
    pub task_id: TaskId,
    pub n_targets: usize,
}

/// One edit a person makes to a task's record.
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
    /// `value: None` clears the actual.
    Actual {
        period: PeriodId,
        target: usize,
        value: Option<f64>,
    },
    /// Records an evidence file's metadata (the file itself is stored and uploaded apart).
    AttachEvidence {
        period: PeriodId,
        name: String,
        size: u64,
        /// Lower-case hex SHA-256 of the file's bytes.
        sha256: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        mime: Option<String>,
    },
    /// Removes an evidence file from the period (the stored bytes are kept).
    DetachEvidence {
        period: PeriodId,
        sha256: String,
    },
    /// Sends the period's report to the office ("Gửi Văn phòng thẩm định"): `digest` is
    /// [`crate::submission::digest`] of the report as sent, `answers` the time of the returned
    /// verdict it answers (0 for a first sending).
    Send {
        period: PeriodId,
        digest: String,
        answers: i64,
    },
}

impl RecordEdit {
    /// A short description for history.
    pub fn describe(&self) -> String {
        match self {
            RecordEdit::Status { status } => format!("status={}", status.as_str()),
            RecordEdit::Progress { percent } => format!("progress={percent}"),
            RecordEdit::Text { period, field, .. } => format!("{} {period}", field.key()),
            RecordEdit::Actual { period, target, .. } => format!("actual #{target} {period}"),
            RecordEdit::AttachEvidence { period, sha256, .. } => {
                format!("evidence+ {} {period}", short_hash(sha256))
            }
            RecordEdit::Send { period, .. } => format!("sent {period}"),
            RecordEdit::DetachEvidence { period, sha256 } => {
                format!("evidence- {} {period}", short_hash(sha256))
            }
        }
    }

    /// The period an edit is about, if any.
    pub fn period(&self) -> Option<PeriodId> {
        match self {
            RecordEdit::Status { .. } | RecordEdit::Progress { .. } => None,
            RecordEdit::Text { period, .. }
            | RecordEdit::Actual { period, .. }
            | RecordEdit::AttachEvidence { period, .. }
            | RecordEdit::DetachEvidence { period, .. }
            | RecordEdit::Send { period, .. } => Some(*period),
        }
    }
}

fn short_hash(sha256: &str) -> &str {
    sha256.get(..12).unwrap_or(sha256)
}

/// Whether `text` is a SHA-256 in the canonical form evidence is keyed by: 64 lower-case hex
/// digits.
pub fn is_sha256_hex(text: &str) -> bool {
    text.len() == 64 && text.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// The metadata of one evidence file attached to a task's period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Evidence {
    /// The file name as attached (NFC), e.g. "Báo cáo quý III.pdf".
    pub name: String,
    pub size: u64,
    /// Lower-case hex SHA-256 of the bytes: the file's address in every store.
    pub sha256: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mime: Option<String>,
    /// The user who attached it.
    pub by: String,
    /// When, in Unix milliseconds.
    pub at: i64,
}

/// An evidence entry with where it is attached.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttachedEvidence {
    pub task_id: TaskId,
    pub period: PeriodId,
    pub evidence: Evidence,
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
    /// Evidence files, oldest first.
    #[serde(default)]
    pub evidence: Vec<Evidence>,
    /// The unit's last sending of the report to the office, if it sent it.
    #[serde(default)]
    pub sent: Option<crate::submission::Sending>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Pending,
    Accepted,
    Returned,
}

impl Verdict {
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Pending => "pending",
            Verdict::Accepted => "accepted",
            Verdict::Returned => "returned",
        }
    }

    pub fn parse(text: &str) -> Option<Verdict> {
        [Verdict::Pending, Verdict::Accepted, Verdict::Returned]
            .into_iter()
            .find(|v| v.as_str() == text)
    }

    /// "Chờ thẩm định", "Chấp nhận", "Trả lại".
    pub fn label(self) -> &'static str {
        match self {
            Verdict::Pending => "Chờ thẩm định",
            Verdict::Accepted => "Chấp nhận",
            Verdict::Returned => "Trả lại",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReviewEntry {
    pub verdict: Versions<Verdict>,
    pub comment: String,
    /// The reviewer's user name.
    pub by: Option<String>,
    /// When the verdict was given (Unix milliseconds).
    pub at: Option<i64>,
}

/// One change of a document, as its author says (`user`, `device`, `time` come from the change
/// itself, which any client writes as it likes) and as the server recorded it (`receipt`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryEntry {
    pub hash: String,
    /// Unix seconds, as Automerge records change times.
    pub time: i64,
    pub user: String,
    pub device: String,
    pub what: String,
    /// Who the server saw send the change and when; `None` for the server's own changes, for
    /// changes from before the server kept receipts, and for local changes not sent yet.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub receipt: Option<ChangeReceipt>,
    /// The change claims another user or device than the one the server saw send it.
    #[serde(default)]
    pub author_differs: bool,
}

/// The server's record of a change it received: the authenticated user and device, and when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChangeReceipt {
    pub change_hash: String,
    pub username: String,
    pub device: String,
    /// Unix milliseconds.
    pub received_ms: i64,
}

/// Puts the server's receipts on the entries they belong to and marks each change whose
/// self-declared author is not who the server saw send it.
pub fn attach_receipts(entries: &mut [HistoryEntry], receipts: &[ChangeReceipt]) {
    let by_hash: std::collections::HashMap<&str, &ChangeReceipt> = receipts
        .iter()
        .map(|r| (r.change_hash.as_str(), r))
        .collect();
    for entry in entries {
        let receipt = by_hash.get(entry.hash.as_str()).map(|r| (*r).clone());
        entry.author_differs = receipt
            .as_ref()
            .is_some_and(|r| r.username != entry.user || r.device != entry.device);
        entry.receipt = receipt;
    }
}

impl TextField {
    pub fn parse(key: &str) -> Option<TextField> {
        TextField::ALL.into_iter().find(|f| f.key() == key)
    }

    /// "Kết quả thực hiện", "Khó khăn, vướng mắc", "Đề xuất, kiến nghị", "Ghi chú".
    pub fn label(self) -> &'static str {
        match self {
            TextField::Result => "Kết quả thực hiện",
            TextField::Difficulties => "Khó khăn, vướng mắc",
            TextField::Proposals => "Đề xuất, kiến nghị",
            TextField::Notes => "Ghi chú",
        }
    }
}

impl PeriodRecord {
    /// The text of one long-text field.
    pub fn text(&self, field: TextField) -> &str {
        match field {
            TextField::Result => &self.result,
            TextField::Difficulties => &self.difficulties,
            TextField::Proposals => &self.proposals,
            TextField::Notes => &self.notes,
        }
    }

    /// The current actual of target `target`, if any.
    pub fn actual(&self, target: usize) -> Option<f64> {
        self.actuals
            .iter()
            .find(|(idx, _)| *idx == target)
            .and_then(|(_, v)| v.current().copied())
    }
}

impl<T> Default for Versions<T> {
    fn default() -> Versions<T> {
        Versions::none()
    }
}

/// A unit's record of a task for one year, as the task page shows it (the app's answer to
/// `read_record`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecordView {
    pub unit: String,
    pub year: i32,
    /// The years of the unit's records on this laptop, oldest first (the task page's year
    /// choice).
    #[serde(default)]
    pub years: Vec<i32>,
    /// Whether this user may edit it (their own unit, and the server lets them write).
    pub writable: bool,
    /// Today in Vietnam, for the default reporting period.
    pub today: Date,
    pub record: TaskRecord,
    /// The office's verdict on each period of the year (none when the review document is not on
    /// this laptop).
    pub reviews: Vec<PeriodReview>,
    /// The records document's changes, oldest first.
    pub history: Vec<HistoryEntry>,
    /// Whether `history` holds only this task's changes; otherwise it is the whole document's
    /// (change descriptions do not name the task).
    pub history_of_task: bool,
    /// The full names of the people this user may see, by login name (from the server's list,
    /// kept on the laptop): the history, versions, verdicts, sendings and evidence show these
    /// through [`RecordView::name_of`]. Absent from older apps.
    #[serde(default)]
    pub people: std::collections::BTreeMap<String, String>,
}

impl RecordView {
    /// The years whose periods the task page offers: those of the unit's records here, and
    /// always the shown one.
    pub fn shown_years(&self) -> Vec<i32> {
        let mut years = self.years.clone();
        if !years.contains(&self.year) {
            years.push(self.year);
            years.sort_unstable();
        }
        years
    }

    pub fn period(&self, period: PeriodId) -> Option<&PeriodRecord> {
        self.record.periods.iter().find(|p| p.period == period)
    }

    pub fn review(&self, period: PeriodId) -> Option<&PeriodReview> {
        self.reviews.iter().find(|r| r.period == period)
    }

    /// The name to show for `login`: the person's full name, else the login.
    pub fn name_of<'a>(&'a self, login: &'a str) -> &'a str {
        crate::person::name_of(&self.people, login)
    }

    /// Whether the office accepted `period` (then the unit can no longer change it).
    pub fn is_locked(&self, period: PeriodId) -> bool {
        self.review(period)
            .is_some_and(|r| r.verdict.current() == Some(&Verdict::Accepted))
    }
}

/// The office's verdict on one period.
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

impl PeriodReview {
    pub fn new(period: PeriodId, entry: ReviewEntry) -> PeriodReview {
        PeriodReview {
            period,
            verdict: entry.verdict,
            comment: entry.comment,
            by: entry.by,
            at: entry.at,
        }
    }
}

/// The units whose record of a task this user may see, and their own unit (the app's answer to
/// `record_units`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordUnits {
    pub own_unit: String,
    pub role: String,
    /// Units (codes) with a records document holding the task, own unit first, then by code.
    pub units: Vec<String>,
    /// The units' names by code, where the server gave them ("Phòng Quản lý hạ tầng").
    #[serde(default)]
    pub unit_names: std::collections::BTreeMap<String, String>,
}

impl RecordUnits {
    /// The unit's name, else its code.
    pub fn name_of<'a>(&'a self, code: &'a str) -> &'a str {
        self.unit_names.get(code).map_or(code, String::as_str)
    }
}
