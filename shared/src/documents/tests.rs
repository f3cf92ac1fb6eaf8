//! Document schema tests on in-memory Automerge documents (pure logic: forks and merges stand
//! in for laptops that edited offline).

use automerge::Automerge;

use super::records::{self, RecordEdit, TaskSkeleton, TaskStatus, TextField};
use super::review::{self, Verdict};
use super::{history::history, ChangeAuthor, DocumentError};
use crate::calendar::PeriodId;
use crate::plan::TaskId;

fn author(user: &str, device: &str) -> ChangeAuthor {
    ChangeAuthor {
        user: user.into(),
        device: device.into(),
        what: String::new(),
    }
}

fn task() -> TaskId {
    TaskId("PAR_INDEX/I/1".into())
}

fn records_doc() -> Automerge {
    let mut doc = Automerge::new();
    let skeleton = [TaskSkeleton {
        task_id: task(),
        n_targets: 1,
    }];
    records::ensure_structure(
        &mut doc,
        &author("server", "server"),
        1_000,
        "VP",
        2026,
        &skeleton,
    )
    .unwrap();
    doc
}

#[test]
fn structure_is_idempotent_and_owned() {
    let mut doc = records_doc();
    let heads = doc.get_heads();
    let skeleton = [TaskSkeleton {
        task_id: task(),
        n_targets: 1,
    }];
    records::ensure_structure(
        &mut doc,
        &author("server", "server"),
        2_000,
        "VP",
        2026,
        &skeleton,
    )
    .unwrap();
    assert_eq!(records::owner(&doc).unwrap(), ("VP".to_string(), 2026));
    assert_eq!(records::task_ids(&doc).unwrap(), [task()]);
    let record = records::read(&doc, &task()).unwrap();
    assert_eq!(
        record.periods.len(),
        4,
        "Q1, H1, Q3 and the year exist up front"
    );
    assert!(record.status.values.is_empty());
    // A second pass only adds an empty change.
    assert!(doc.get_changes(&heads).iter().all(|c| c.is_empty()));
}

#[test]
fn concurrent_status_edits_are_kept_as_versions_until_resolved() {
    let mut laptop_a = records_doc();
    let mut laptop_b = laptop_a.fork();
    let status = |s| RecordEdit::Status { status: s };
    records::apply(
        &mut laptop_a,
        &author("lan", "lan-laptop"),
        10_000,
        &task(),
        &status(TaskStatus::Done),
    )
    .unwrap();
    records::apply(
        &mut laptop_b,
        &author("minh", "minh-laptop"),
        11_000,
        &task(),
        &status(TaskStatus::InProgress),
    )
    .unwrap();
    laptop_a.merge(&mut laptop_b).unwrap();
    laptop_b.merge(&mut laptop_a).unwrap();
    let a = records::read(&laptop_a, &task()).unwrap();
    let b = records::read(&laptop_b, &task()).unwrap();
    assert_eq!(a, b, "both laptops see the same record after merging");
    assert!(
        a.status.is_conflict(),
        "both values are kept: {:?}",
        a.status
    );
    let mut seen: Vec<(TaskStatus, String)> = a
        .status
        .values
        .iter()
        .map(|v| (v.value, v.device.clone()))
        .collect();
    seen.sort_by_key(|(s, _)| s.as_str());
    assert_eq!(
        seen,
        [
            (TaskStatus::Done, "lan-laptop".to_string()),
            (TaskStatus::InProgress, "minh-laptop".to_string())
        ]
    );
    // Choosing one resolves it for everyone.
    records::apply(
        &mut laptop_a,
        &author("lan", "lan-laptop"),
        12_000,
        &task(),
        &status(TaskStatus::Done),
    )
    .unwrap();
    laptop_b.merge(&mut laptop_a).unwrap();
    let resolved = records::read(&laptop_b, &task()).unwrap();
    assert!(!resolved.status.is_conflict());
    assert_eq!(resolved.status.current(), Some(&TaskStatus::Done));
}

#[test]
fn concurrent_text_edits_merge() {
    let mut a = records_doc();
    let period: PeriodId = "2026-Q1".parse().unwrap();
    let text = |t: &str| RecordEdit::Text {
        period,
        field: TextField::Result,
        text: t.into(),
    };
    records::apply(
        &mut a,
        &author("lan", "a"),
        1,
        &task(),
        &text("Đã tổ chức hội nghị."),
    )
    .unwrap();
    let mut b = a.fork();
    records::apply(
        &mut a,
        &author("lan", "a"),
        2,
        &task(),
        &text("Đã tổ chức hội nghị. Đăng tải 12 tin."),
    )
    .unwrap();
    records::apply(
        &mut b,
        &author("minh", "b"),
        3,
        &task(),
        &text("Quý I: Đã tổ chức hội nghị."),
    )
    .unwrap();
    a.merge(&mut b).unwrap();
    let result = &records::read(&a, &task()).unwrap().periods[0].result;
    assert_eq!(
        result, "Quý I: Đã tổ chức hội nghị. Đăng tải 12 tin.",
        "both insertions survive"
    );
}

#[test]
fn actuals_and_progress_validate() {
    let mut doc = records_doc();
    let period: PeriodId = "2026".parse().unwrap();
    let who = author("lan", "a");
    records::apply(
        &mut doc,
        &who,
        1,
        &task(),
        &RecordEdit::Actual {
            period,
            target: 0,
            value: Some(82.5),
        },
    )
    .unwrap();
    let record = records::read(&doc, &task()).unwrap();
    let year = record.periods.iter().find(|p| p.period == period).unwrap();
    assert_eq!(year.actuals[0].1.current(), Some(&82.5));
    let err = records::apply(
        &mut doc,
        &who,
        2,
        &task(),
        &RecordEdit::Progress { percent: 101 },
    )
    .unwrap_err();
    assert!(matches!(err, DocumentError::OutOfRange(_)));
    let err = records::apply(
        &mut doc,
        &who,
        2,
        &TaskId("nope".into()),
        &RecordEdit::Progress { percent: 1 },
    );
    assert_eq!(err.unwrap_err(), DocumentError::Missing("task nope".into()));
    let err = records::read(&Automerge::new(), &task()).unwrap_err();
    assert_eq!(
        err,
        DocumentError::WrongSchema {
            expected: records::SCHEMA
        }
    );
}

#[test]
fn evidence_metadata_is_keyed_by_hash_and_merges() {
    let mut a = records_doc();
    let mut b = a.fork();
    let q3: PeriodId = "2026-Q3".parse().unwrap();
    let pdf = "a".repeat(64);
    let xlsx = "b".repeat(64);
    let attach = |sha256: &str, name: &str| RecordEdit::AttachEvidence {
        period: q3,
        name: name.into(),
        size: 1234,
        sha256: sha256.into(),
        mime: Some("application/pdf".into()),
    };
    records::apply(
        &mut a,
        &author("lan", "a"),
        2_000,
        &task(),
        &attach(&pdf, "Báo cáo quý III.pdf"),
    )
    .unwrap();
    records::apply(
        &mut b,
        &author("hoa", "b"),
        1_500,
        &task(),
        &attach(&xlsx, "Số liệu.xlsx"),
    )
    .unwrap();
    a.merge(&mut b).unwrap();
    let record = records::read(&a, &task()).unwrap();
    let period = record.periods.iter().find(|p| p.period == q3).unwrap();
    let names: Vec<(&str, &str, i64)> = period
        .evidence
        .iter()
        .map(|e| (e.name.as_str(), e.by.as_str(), e.at))
        .collect();
    assert_eq!(
        names,
        [
            ("Số liệu.xlsx", "hoa", 1_500),
            ("Báo cáo quý III.pdf", "lan", 2_000)
        ],
        "both attachments survive the merge, oldest first"
    );
    assert_eq!(period.evidence[1].size, 1234);
    assert!(records::references_evidence(&a, &pdf).unwrap());
    assert_eq!(records::all_evidence(&a).unwrap().len(), 2);

    let detach = RecordEdit::DetachEvidence {
        period: q3,
        sha256: pdf.clone(),
    };
    assert!(detach.describe().starts_with("evidence- aaaaaaaaaaaa"));
    records::apply(&mut a, &author("lan", "a"), 3_000, &task(), &detach).unwrap();
    assert!(!records::references_evidence(&a, &pdf).unwrap());
    assert!(records::references_evidence(&a, &xlsx).unwrap());

    for bad in [
        attach("ABC", "x.pdf"),
        attach(&"A".repeat(64), "x.pdf"),
        attach(&pdf, " "),
    ] {
        let err = records::apply(&mut a, &author("lan", "a"), 4_000, &task(), &bad).unwrap_err();
        assert!(
            matches!(err, DocumentError::OutOfRange(_)),
            "{bad:?}: {err}"
        );
    }
}

#[test]
fn history_names_who_changed_what() {
    let mut doc = records_doc();
    let edit = RecordEdit::Progress { percent: 40 };
    records::apply(
        &mut doc,
        &author("lan", "lan-laptop"),
        1_700_000_000_000,
        &task(),
        &edit,
    )
    .unwrap();
    let entries = history(&doc);
    let last = entries.last().unwrap();
    assert_eq!(
        (last.user.as_str(), last.device.as_str(), last.what.as_str()),
        ("lan", "lan-laptop", "progress=40")
    );
    assert_eq!(last.time, 1_700_000_000);
    assert_eq!(entries[0].user, "server");
}

#[test]
fn review_verdicts() {
    let mut doc = Automerge::new();
    let who = author("office", "office-pc");
    review::ensure_structure(&mut doc, &who, 1, "VP", 2026, &[task()]).unwrap();
    let period: PeriodId = "2026-Q3".parse().unwrap();
    assert!(!review::is_accepted(&doc, &task(), period));
    review::set_verdict(
        &mut doc,
        &who,
        5_000,
        &task(),
        period,
        Verdict::Returned,
        "Bổ sung minh chứng",
    )
    .unwrap();
    let entry = review::read(&doc, &task(), period).unwrap();
    assert_eq!(entry.verdict.current(), Some(&Verdict::Returned));
    assert_eq!(
        (entry.comment.as_str(), entry.by.as_deref(), entry.at),
        ("Bổ sung minh chứng", Some("office"), Some(5_000))
    );
    review::set_verdict(
        &mut doc,
        &who,
        6_000,
        &task(),
        period,
        Verdict::Accepted,
        "",
    )
    .unwrap();
    assert!(review::is_accepted(&doc, &task(), period));
}

#[test]
fn a_sent_report_reads_as_sent_and_as_changed_once_edited() {
    use crate::submission::{digest, report_state, ReportState};
    let period: PeriodId = "2026-Q1".parse().unwrap();
    let mut doc = records_doc();
    let lan = author("lan", "lan-laptop");
    let text = |text: &str| RecordEdit::Text {
        period,
        field: TextField::Result,
        text: text.into(),
    };
    let read_period = |doc: &Automerge| {
        records::read(doc, &task())
            .unwrap()
            .periods
            .into_iter()
            .find(|p| p.period == period)
            .unwrap()
    };
    records::apply(&mut doc, &lan, 2_000, &task(), &text("Đã rà soát")).unwrap();
    let written = read_period(&doc);
    assert_eq!(report_state(&written, None), ReportState::Entering);
    let send = RecordEdit::Send {
        period,
        digest: digest(&written),
        answers: 0,
    };
    records::apply(&mut doc, &lan, 3_000, &task(), &send).unwrap();
    let sent = read_period(&doc);
    let sending = sent.sent.clone().expect("the sending is read back");
    assert_eq!((sending.at, sending.by.as_str()), (3_000, "lan"));
    assert_eq!(
        report_state(&sent, None),
        ReportState::Sent { changed: false }
    );
    records::apply(&mut doc, &lan, 4_000, &task(), &text("Đã rà soát 12 xã")).unwrap();
    assert_eq!(
        report_state(&read_period(&doc), None),
        ReportState::Sent { changed: true }
    );
}
