//! Sending a period's report to the office, and the one state a report is in.
//!
//! A unit's report of a task for a period moves Chưa nhập → Đang nhập → Đã gửi (the unit sends
//! it, offline too) → Chấp nhận or Trả lại (the office's verdict, with a comment) → after a
//! return, Đã sửa, gửi lại → … The unit writes the sending into its records document (the
//! period's `sent_at`, `sent_by`, `sent_digest` and `sent_answers`); the office writes the
//! verdict into the review document. Neither can write the other's document (the server
//! refuses it), so a unit can never accept its own report. The state is worked out from both
//! ([`report_state`]) rather than stored, so replicas that merged the same changes agree on it.
//!
//! `sent_digest` fingerprints what was sent ([`digest`]): a sent report edited afterwards (allowed
//! until the office decides) reads as changed since sending. `sent_answers` is the time of the
//! returned verdict the unit had seen when it sent again (0 for a first sending): a sending
//! answers a return only if it saw it, whatever the two laptops' clocks say.

use serde::{Deserialize, Serialize};

use crate::record::{PeriodRecord, PeriodReview, ReviewEntry, Verdict};
use crate::target::Target;

/// A unit's sending of a period's report, as its records document holds it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sending {
    /// When it was sent (Unix milliseconds, the sending laptop's clock).
    pub at: i64,
    /// Who sent it (user name).
    pub by: String,
    /// [`digest`] of the report as sent.
    pub digest: String,
    /// The `at` of the returned verdict this sending answers; 0 for a first sending.
    pub answers: i64,
}

/// The one state of a unit's report of a task for a period.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReportState {
    /// Nothing written for the period.
    #[default]
    NotEntered,
    /// Written, not sent.
    Entering,
    /// Sent, waiting for the office; `changed`: edited since sending.
    Sent { changed: bool },
    /// Returned by the office with a comment; not sent again yet.
    Returned,
    /// Fixed and sent again after a return, waiting for the office.
    Resent { changed: bool },
    /// Accepted by the office (the period is locked).
    Accepted,
}

impl ReportState {
    /// "Chưa nhập", "Đang nhập", "Đã gửi", "Trả lại", "Đã sửa, gửi lại", "Chấp nhận".
    pub fn label(self) -> &'static str {
        match self {
            ReportState::NotEntered => "Chưa nhập",
            ReportState::Entering => "Đang nhập",
            ReportState::Sent { .. } => "Đã gửi",
            ReportState::Returned => "Trả lại",
            ReportState::Resent { .. } => "Đã sửa, gửi lại",
            ReportState::Accepted => "Chấp nhận",
        }
    }

    /// Whether the office has it to appraise (sent or sent again, no verdict since).
    pub fn awaits_appraisal(self) -> bool {
        matches!(self, ReportState::Sent { .. } | ReportState::Resent { .. })
    }

    /// Whether it was edited after it was sent.
    pub fn changed_since_sending(self) -> bool {
        matches!(
            self,
            ReportState::Sent { changed: true } | ReportState::Resent { changed: true }
        )
    }

    /// Whether the unit may send it now: not while the office has accepted it.
    pub fn can_send(self) -> bool {
        self != ReportState::Accepted
    }
}

/// The office's current verdict and when it was given (0 when the time is unknown), as
/// [`report_state`] takes it.
pub type GivenVerdict = Option<(Verdict, i64)>;

impl ReviewEntry {
    pub fn given(&self) -> GivenVerdict {
        Some((*self.verdict.current()?, self.at.unwrap_or_default()))
    }
}

impl PeriodReview {
    pub fn given(&self) -> GivenVerdict {
        Some((*self.verdict.current()?, self.at.unwrap_or_default()))
    }
}

/// The state of a report from the unit's period record and the office's verdict on it.
pub fn report_state(period: &PeriodRecord, given: GivenVerdict) -> ReportState {
    let verdict = given.map(|(v, _)| v);
    let verdict_at = given.map_or(0, |(_, at)| at);
    match (verdict, &period.sent) {
        (Some(Verdict::Accepted), _) => ReportState::Accepted,
        (Some(Verdict::Returned), Some(sent)) if sent.answers == verdict_at && verdict_at != 0 => {
            ReportState::Resent {
                changed: sent.digest != digest(period),
            }
        }
        (Some(Verdict::Returned), _) => ReportState::Returned,
        (_, Some(sent)) => ReportState::Sent {
            changed: sent.digest != digest(period),
        },
        (_, None) if has_content(period) => ReportState::Entering,
        (_, None) => ReportState::NotEntered,
    }
}

/// Whether anything is written for the period: a text, an actual or an evidence file.
pub fn has_content(period: &PeriodRecord) -> bool {
    [
        &period.result,
        &period.difficulties,
        &period.proposals,
        &period.notes,
    ]
    .iter()
    .any(|t| !t.trim().is_empty())
        || period.actuals.iter().any(|(_, v)| v.current().is_some())
        || !period.evidence.is_empty()
}

/// A fingerprint of the period's report (texts, actuals, evidence files): 16 hex digits of
/// FNV-1a over a fixed layout, the same on every replica that holds the same contents.
pub fn digest(period: &PeriodRecord) -> String {
    let mut hash = Fnv1a::default();
    for text in [
        &period.result,
        &period.difficulties,
        &period.proposals,
        &period.notes,
    ] {
        hash.write(text.as_bytes());
        hash.write(&[0xff]);
    }
    let mut actuals: Vec<(usize, u64)> = period
        .actuals
        .iter()
        .filter_map(|(idx, v)| v.current().map(|value| (*idx, value.to_bits())))
        .collect();
    actuals.sort_unstable();
    for (idx, bits) in actuals {
        hash.write(&(idx as u64).to_le_bytes());
        hash.write(&bits.to_le_bytes());
    }
    hash.write(&[0xfe]);
    let mut files: Vec<&str> = period.evidence.iter().map(|e| e.sha256.as_str()).collect();
    files.sort_unstable();
    for sha256 in files {
        hash.write(sha256.as_bytes());
        hash.write(&[0xff]);
    }
    format!("{:016x}", hash.0)
}

struct Fnv1a(u64);

impl Default for Fnv1a {
    fn default() -> Fnv1a {
        Fnv1a(0xcbf2_9ce4_8422_2325)
    }
}

impl Fnv1a {
    fn write(&mut self, bytes: &[u8]) {
        for byte in bytes {
            self.0 ^= u64::from(*byte);
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
    }
}

/// Something the plan asks for that the report lacks, named beside its field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum MissingItem {
    /// No result written.
    Result,
    /// No actual for the target at this index (the task states a figure).
    Actual { target: usize, target_text: String },
    /// No evidence file, and the office requires one for this task.
    Evidence,
}

impl MissingItem {
    /// "Chưa ghi kết quả thực hiện", "Chưa nhập số liệu của chỉ tiêu «…»".
    pub fn label(&self) -> String {
        match self {
            MissingItem::Result => "Chưa ghi kết quả thực hiện".to_string(),
            MissingItem::Actual { target_text, .. } => {
                format!("Chưa nhập số liệu thực hiện của chỉ tiêu «{target_text}»")
            }
            MissingItem::Evidence => {
                "Chưa đính kèm tài liệu kiểm chứng (Văn phòng yêu cầu với nhiệm vụ này)".to_string()
            }
        }
    }
}

/// What must be filled in before a task's report for `period` can be sent: a result, the
/// figure of each of the task's `targets` that states a value, and an evidence file where the
/// office requires one (`evidence_required`, the plan's `Task::evidence_required`).
pub fn missing_for_sending(
    targets: &[Target],
    evidence_required: bool,
    period: &PeriodRecord,
) -> Vec<MissingItem> {
    let mut missing = Vec::new();
    if period.result.trim().is_empty() {
        missing.push(MissingItem::Result);
    }
    for (idx, target) in targets.iter().enumerate() {
        if target.value.is_none() {
            continue;
        }
        let entered = period
            .actuals
            .iter()
            .any(|(i, v)| *i == idx && v.current().is_some());
        if !entered {
            missing.push(MissingItem::Actual {
                target: idx,
                target_text: target.text.clone(),
            });
        }
    }
    if evidence_required && period.evidence.is_empty() {
        missing.push(MissingItem::Evidence);
    }
    missing
}

/// What "send all ready reports of this period" did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SentReports {
    pub n_sent: usize,
    /// Reports written but lacking a result or a figure.
    pub n_incomplete: usize,
}

/// How many of `states` await appraisal, were returned, or are not sent yet: the counts the
/// unit's list and the office's queue lead with.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StateCounts {
    pub n_not_entered: usize,
    pub n_entering: usize,
    pub n_awaiting: usize,
    pub n_returned: usize,
    pub n_accepted: usize,
}

impl StateCounts {
    pub fn add(&mut self, state: ReportState) {
        match state {
            ReportState::NotEntered => self.n_not_entered += 1,
            ReportState::Entering => self.n_entering += 1,
            ReportState::Sent { .. } | ReportState::Resent { .. } => self.n_awaiting += 1,
            ReportState::Returned => self.n_returned += 1,
            ReportState::Accepted => self.n_accepted += 1,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::{Evidence, Version, Versions};

    fn period(result: &str) -> PeriodRecord {
        PeriodRecord {
            period: "2027-Q1".parse().unwrap(),
            result: result.into(),
            difficulties: String::new(),
            proposals: String::new(),
            notes: String::new(),
            actuals: Vec::new(),
            evidence: Vec::new(),
            sent: None,
        }
    }

    fn sent(record: &PeriodRecord, answers: i64) -> Sending {
        Sending {
            at: 1_000,
            by: "lan".into(),
            digest: digest(record),
            answers,
        }
    }

    fn review(verdict: Verdict, at: i64) -> ReviewEntry {
        ReviewEntry {
            verdict: Versions {
                values: vec![Version {
                    value: verdict,
                    device: "dev-vp".into(),
                }],
            },
            comment: "Bổ sung số liệu".into(),
            by: Some("thu".into()),
            at: Some(at),
        }
    }

    #[test]
    fn a_report_moves_from_not_entered_to_accepted() {
        let mut record = period("");
        assert_eq!(report_state(&record, None), ReportState::NotEntered);
        record.result = "Đã rà soát 12 xã".into();
        assert_eq!(report_state(&record, None), ReportState::Entering);
        record.sent = Some(sent(&record, 0));
        assert_eq!(
            report_state(&record, None),
            ReportState::Sent { changed: false }
        );
        assert_eq!(
            report_state(&record, review(Verdict::Pending, 5).given()),
            ReportState::Sent { changed: false },
            "a pending verdict is no verdict"
        );
        record.result.push_str(", 3 phường");
        assert_eq!(
            report_state(&record, None),
            ReportState::Sent { changed: true }
        );
        let returned = review(Verdict::Returned, 2_000);
        assert_eq!(
            report_state(&record, returned.given()),
            ReportState::Returned
        );
        // Sent again having seen the return: whatever the clocks, it answers it.
        record.sent = Some(Sending {
            at: 500,
            ..sent(&record, 2_000)
        });
        assert_eq!(
            report_state(&record, returned.given()),
            ReportState::Resent { changed: false }
        );
        // A second return (a new verdict time) is not answered by the earlier sending.
        assert_eq!(
            report_state(&record, review(Verdict::Returned, 3_000).given()),
            ReportState::Returned
        );
        assert_eq!(
            report_state(&record, review(Verdict::Accepted, 4_000).given()),
            ReportState::Accepted
        );
        assert!(!ReportState::Accepted.can_send());
    }

    #[test]
    fn the_digest_follows_texts_actuals_and_files_only() {
        let mut record = period("Kết quả");
        let before = digest(&record);
        assert_eq!(before.len(), 16);
        assert_eq!(digest(&record.clone()), before);
        record.actuals.push((
            0,
            Versions {
                values: vec![Version {
                    value: 86.5,
                    device: "d".into(),
                }],
            },
        ));
        let with_actual = digest(&record);
        assert_ne!(with_actual, before);
        record.evidence.push(Evidence {
            name: "bao-cao.pdf".into(),
            size: 10,
            sha256: "ab".repeat(32),
            mime: None,
            by: "lan".into(),
            at: 1,
        });
        assert_ne!(digest(&record), with_actual);
        // Moving text between fields changes it.
        let a = PeriodRecord {
            difficulties: "x".into(),
            ..period("")
        };
        let b = PeriodRecord {
            proposals: "x".into(),
            ..period("")
        };
        assert_ne!(digest(&a), digest(&b));
    }

    #[test]
    fn sending_needs_a_result_and_each_stated_figure() {
        let plan = crate::import::import_text(include_str!(
            "../../fixtures/plans/tuyen-quang-sxd-2026.txt"
        ))
        .unwrap()
        .plan;
        let task = plan
            .tasks()
            .into_iter()
            .map(|(_, t)| t)
            .find(|t| t.targets.iter().any(|target| target.value.is_some()))
            .expect("the seed plan has a task with a figure")
            .clone();
        let idx = task.targets.iter().position(|t| t.value.is_some()).unwrap();
        let mut record = period("");
        let missing = missing_for_sending(&task.targets, false, &record);
        assert_eq!(missing[0], MissingItem::Result);
        assert!(
            missing
                .iter()
                .any(|m| matches!(m, MissingItem::Actual { target, .. } if *target == idx)),
            "{missing:?}"
        );
        assert!(missing[1].label().starts_with("Chưa nhập số liệu"));
        record.result = "Đạt".into();
        record.actuals = task
            .targets
            .iter()
            .enumerate()
            .map(|(i, _)| {
                (
                    i,
                    Versions {
                        values: vec![Version {
                            value: 1.0,
                            device: "d".into(),
                        }],
                    },
                )
            })
            .collect();
        assert_eq!(missing_for_sending(&task.targets, false, &record), []);
        // Where the office requires evidence, a file is missing until one is attached.
        assert_eq!(
            missing_for_sending(&task.targets, true, &record),
            [MissingItem::Evidence]
        );
        assert!(MissingItem::Evidence
            .label()
            .contains("tài liệu kiểm chứng"));
        record.evidence.push(crate::record::Evidence {
            name: "Báo cáo quý IV.pdf".into(),
            size: 1200,
            sha256: "a".repeat(64),
            mime: None,
            by: "lan".into(),
            at: 0,
        });
        assert_eq!(missing_for_sending(&task.targets, true, &record), []);
    }
}
