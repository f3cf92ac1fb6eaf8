//! The lock on accepted periods, on in-memory documents: forks stand in for the server, a
//! rogue peer and a laptop that edited offline.

use std::collections::BTreeSet;

use automerge::Automerge;

use super::{locked_periods, restore_locked};
use crate::calendar::PeriodId;
use crate::documents::history::history;
use crate::documents::records::{self, RecordEdit, TaskSkeleton, TaskStatus, TextField};
use crate::documents::review::{self, Verdict};
use crate::documents::ChangeAuthor;
use crate::plan::TaskId;

fn author(user: &str, device: &str) -> ChangeAuthor {
    ChangeAuthor {
        user: user.into(),
        device: device.into(),
        what: String::new(),
    }
}

fn server() -> ChangeAuthor {
    author("plansync", "server")
}

fn task() -> TaskId {
    TaskId("PAR_INDEX/I/1".into())
}

fn q1() -> PeriodId {
    "2026-Q1".parse().unwrap()
}

fn q3() -> PeriodId {
    "2026-Q3".parse().unwrap()
}

fn records_doc() -> Automerge {
    let mut doc = Automerge::new();
    let skeleton = [TaskSkeleton {
        task_id: task(),
        n_targets: 2,
    }];
    records::ensure_structure(&mut doc, &server(), 1_000, "QLHT", 2026, &skeleton).unwrap();
    doc
}

fn review_doc() -> Automerge {
    let mut doc = Automerge::new();
    review::ensure_structure(&mut doc, &server(), 1_000, "QLHT", 2026, &[task()]).unwrap();
    doc
}

fn edit(doc: &mut Automerge, who: &str, edit: RecordEdit) {
    records::apply(
        doc,
        &author(who, &format!("{who}-laptop")),
        5_000,
        &task(),
        &edit,
    )
    .unwrap();
}

fn text(period: PeriodId, text: &str) -> RecordEdit {
    RecordEdit::Text {
        period,
        field: TextField::Result,
        text: text.into(),
    }
}

fn actual(period: PeriodId, value: f64) -> RecordEdit {
    RecordEdit::Actual {
        period,
        target: 0,
        value: Some(value),
    }
}

fn attach(period: PeriodId, sha: char) -> RecordEdit {
    RecordEdit::AttachEvidence {
        period,
        name: format!("{sha}.pdf"),
        size: 10,
        sha256: sha.to_string().repeat(64),
        mime: None,
    }
}

fn locked_q1() -> BTreeSet<(TaskId, PeriodId)> {
    BTreeSet::from([(task(), q1())])
}

/// A short, comparable summary of a task's record: status, then per period result, actuals
/// and evidence names.
fn summary(doc: &Automerge) -> String {
    let record = records::read(doc, &task()).unwrap();
    let mut out = format!("status={:?}\n", record.status.current());
    for p in &record.periods {
        let actuals: Vec<String> = p
            .actuals
            .iter()
            .map(|(i, v)| format!("#{i}={:?}", v.current()))
            .collect();
        let evidence: Vec<&str> = p.evidence.iter().map(|e| e.name.as_str()).collect();
        out.push_str(&format!(
            "{}: {:?} [{}] {:?}\n",
            p.period,
            p.result,
            actuals.join(" "),
            evidence
        ));
    }
    out
}

#[test]
fn a_rogue_edit_of_an_accepted_period_is_undone_and_the_rest_stays() {
    let mut doc = records_doc();
    edit(&mut doc, "lan", text(q1(), "Đã hoàn thành 03 sáng kiến."));
    edit(&mut doc, "lan", actual(q1(), 3.0));
    edit(&mut doc, "lan", attach(q1(), 'a'));
    let accepted = summary(&doc);
    let before = doc.get_heads();

    // Edits that ignore the lock: the period's text, actual and evidence, plus what stays open.
    edit(&mut doc, "rogue", text(q1(), "Sửa sau khi đã duyệt"));
    edit(&mut doc, "rogue", actual(q1(), 99.0));
    edit(
        &mut doc,
        "rogue",
        RecordEdit::Actual {
            period: q1(),
            target: 1,
            value: Some(7.0),
        },
    );
    edit(&mut doc, "rogue", attach(q1(), 'b'));
    edit(
        &mut doc,
        "rogue",
        RecordEdit::DetachEvidence {
            period: q1(),
            sha256: "a".repeat(64),
        },
    );
    edit(&mut doc, "rogue", text(q3(), "Quý III vẫn sửa được"));
    edit(
        &mut doc,
        "rogue",
        RecordEdit::Status {
            status: TaskStatus::Done,
        },
    );

    let restored = restore_locked(&mut doc, &server(), 9_000, &before, &locked_q1()).unwrap();
    assert_eq!(restored, [(task(), q1())]);
    let after = summary(&doc);
    let q1_line = |s: &str| {
        s.lines()
            .find(|l| l.starts_with("2026-Q1"))
            .unwrap()
            .to_string()
    };
    assert_eq!(q1_line(&after), q1_line(&accepted));
    expect_test::expect![[r#"
        status=Some(Done)
        2026-Q1: "Đã hoàn thành 03 sáng kiến." [#0=Some(3.0)] ["a.pdf"]
        2026-H1: "" [] []
        2026-Q3: "Quý III vẫn sửa được" [] []
        2026: "" [] []
    "#]]
    .assert_eq(&after);

    // The attempt stays in history, and the restore names itself.
    let entries = history(&doc);
    assert!(entries.iter().any(|h| h.user == "rogue"));
    let last = entries.last().unwrap();
    assert_eq!(
        (last.user.as_str(), last.device.as_str(), last.what.as_str()),
        (
            "plansync",
            "server",
            "PAR_INDEX/I/1 2026-Q1 locked: accepted"
        )
    );

    // Judging again from the new heads finds nothing to do: no loop.
    let heads = doc.get_heads();
    let again = restore_locked(&mut doc, &server(), 9_500, &heads, &locked_q1()).unwrap();
    assert!(again.is_empty());
    assert_eq!(doc.get_heads(), heads, "no change written");
}

#[test]
fn an_unchanged_or_unlocked_period_is_left_alone() {
    let mut doc = records_doc();
    let before = doc.get_heads();
    edit(&mut doc, "lan", text(q3(), "Quý III"));
    let heads = doc.get_heads();
    let restored = restore_locked(&mut doc, &server(), 9_000, &before, &locked_q1()).unwrap();
    assert!(restored.is_empty());
    assert_eq!(doc.get_heads(), heads);

    // Not locked: the edit sticks.
    edit(&mut doc, "lan", text(q1(), "Quý I"));
    let restored = restore_locked(&mut doc, &server(), 9_000, &heads, &BTreeSet::new()).unwrap();
    assert!(restored.is_empty());
    assert!(summary(&doc).contains("2026-Q1: \"Quý I\""));
}

#[test]
fn an_offline_edit_merged_after_acceptance_converges_to_the_accepted_contents() {
    let mut server_copy = records_doc();
    edit(&mut server_copy, "lan", text(q1(), "Bản đã duyệt"));
    let mut laptop = server_copy.fork();
    // The laptop edits Q1 offline, unaware of the acceptance; the server has accepted.
    edit(
        &mut laptop,
        "minh",
        text(q1(), "Bản đã duyệt, thêm một câu"),
    );
    edit(&mut laptop, "minh", actual(q1(), 5.0));
    let before = server_copy.get_heads();
    server_copy.merge(&mut laptop).unwrap();
    restore_locked(&mut server_copy, &server(), 9_000, &before, &locked_q1()).unwrap();
    laptop.merge(&mut server_copy).unwrap();
    assert_eq!(laptop.get_heads(), server_copy.get_heads());
    for doc in [&laptop, &server_copy] {
        let record = records::read(doc, &task()).unwrap();
        let q1 = record.periods.iter().find(|p| p.period == q1()).unwrap();
        assert_eq!(q1.result, "Bản đã duyệt");
        assert!(q1.actuals.is_empty(), "{:?}", q1.actuals);
        assert!(history(doc)
            .iter()
            .any(|h| h.user == "minh" && h.what == "result 2026-Q1"));
    }
}

#[test]
fn the_lock_set_follows_verdicts() {
    let mut review_doc = review_doc();
    assert!(locked_periods(&review_doc).is_empty());
    let reviewer = author("thamdinh", "office-pc");
    review::set_verdict(
        &mut review_doc,
        &reviewer,
        2_000,
        &task(),
        q1(),
        Verdict::Accepted,
        "Đạt",
    )
    .unwrap();
    assert_eq!(locked_periods(&review_doc), locked_q1());
    review::set_verdict(
        &mut review_doc,
        &reviewer,
        3_000,
        &task(),
        q1(),
        Verdict::Returned,
        "Bổ sung số liệu",
    )
    .unwrap();
    assert!(locked_periods(&review_doc).is_empty());
    assert!(locked_periods(&Automerge::new()).is_empty(), "not a review");
}

#[test]
fn a_replaced_period_structure_is_rebuilt() {
    use automerge::transaction::Transactable;
    use automerge::ReadDoc;
    let mut doc = records_doc();
    edit(&mut doc, "lan", text(q1(), "Đã duyệt"));
    let before = doc.get_heads();
    // A peer replaces the whole period map with a scalar.
    let tasks = doc.get(automerge::ROOT, "tasks").unwrap().unwrap().1;
    let task_obj = doc.get(&tasks, "PAR_INDEX/I/1").unwrap().unwrap().1;
    let periods = doc.get(&task_obj, "periods").unwrap().unwrap().1;
    let mut tx = doc.transaction();
    tx.put(&periods, "2026-Q1", "xoá").unwrap();
    tx.commit();
    restore_locked(&mut doc, &server(), 9_000, &before, &locked_q1()).unwrap();
    assert!(summary(&doc).contains("2026-Q1: \"Đã duyệt\""));
}

/// `locked_periods` reads each map in one pass; it must say exactly what asking
/// `review::is_accepted` of every task and period of the year says, also with competing
/// verdicts, a verdict that is not one, a period of another year and a task that is no map.
#[test]
fn the_lock_set_is_what_is_accepted_says_of_every_period() {
    use automerge::transaction::Transactable;
    use automerge::{ReadDoc, ROOT};
    let tasks: Vec<TaskId> = (1..=6).map(|i| TaskId(format!("PAPI/{i}"))).collect();
    let mut base = Automerge::new();
    review::ensure_structure(&mut base, &server(), 1_000, "QLHT", 2026, &tasks).unwrap();
    let periods = PeriodId::of_year(2026);
    let reviewer = author("thamdinh", "office-pc");
    let verdicts = [Verdict::Accepted, Verdict::Returned, Verdict::Pending];
    for (i, task) in tasks.iter().enumerate() {
        for (j, period) in periods.iter().enumerate() {
            if (i + j) % 4 != 3 {
                let verdict = verdicts[(i * 4 + j) % 3];
                review::set_verdict(&mut base, &reviewer, 2_000, task, *period, verdict, "")
                    .unwrap();
            }
        }
    }
    // Two offices appraise the same periods concurrently, differently.
    let mut other = base.fork();
    for period in &periods[..2] {
        review::set_verdict(
            &mut base,
            &reviewer,
            3_000,
            &tasks[0],
            *period,
            Verdict::Accepted,
            "",
        )
        .unwrap();
        let second = author("vanphong", "office-2");
        review::set_verdict(
            &mut other,
            &second,
            3_000,
            &tasks[0],
            *period,
            Verdict::Returned,
            "",
        )
        .unwrap();
    }
    base.merge(&mut other).unwrap();
    // A verdict that is no verdict, a period of another year, a task replaced by a value.
    let mut tx = base.transaction();
    let tasks_obj = match tx.get(ROOT, "tasks").unwrap() {
        Some((_, id)) => id,
        None => unreachable!(),
    };
    let task_obj = tx.get(&tasks_obj, &tasks[1].0).unwrap().unwrap().1;
    let periods_obj = tx.get(&task_obj, "periods").unwrap().unwrap().1;
    let q = tx
        .get(&periods_obj, periods[0].to_string())
        .unwrap()
        .unwrap()
        .1;
    tx.put(&q, "verdict", 42).unwrap();
    let old = tx
        .put_object(&periods_obj, "2025-Q1", automerge::ObjType::Map)
        .unwrap();
    tx.put(&old, "verdict", Verdict::Accepted.as_str()).unwrap();
    tx.put(&tasks_obj, &tasks[2].0, "not a map").unwrap();
    tx.commit();

    let expected: BTreeSet<(TaskId, PeriodId)> = review::task_ids(&base)
        .unwrap()
        .into_iter()
        .flat_map(|task| periods.iter().map(move |p| (task.clone(), *p)))
        .filter(|(task, period)| review::is_accepted(&base, task, *period))
        .collect();
    assert!(
        expected.len() >= 4,
        "the case has accepted periods: {expected:?}"
    );
    assert_eq!(locked_periods(&base), expected);
}
