//! The write rules on in-memory documents: a fork stands in for a client, whose changes since
//! the server's copy are judged one by one, as the server judges what a client sends.

use automerge::transaction::Transactable;
use automerge::{Automerge, ObjType, ReadDoc, ScalarValue, ROOT};
use expect_test::{expect, Expect};

use super::{changes_in, judge, Roles};
use crate::calendar::PeriodId;
use crate::documents::records::{self, RecordEdit, TaskSkeleton, TaskStatus, TextField};
use crate::documents::review::{self, Verdict};
use crate::documents::{plan_doc, ChangeAuthor, DocumentKind};
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

fn q1() -> PeriodId {
    "2026-Q1".parse().unwrap()
}

const SHA: &str = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

fn records_doc() -> Automerge {
    let mut doc = Automerge::new();
    let skeleton = [TaskSkeleton {
        task_id: task(),
        n_targets: 2,
    }];
    records::ensure_structure(
        &mut doc,
        &author("plansync", "server-1"),
        1_000,
        "QLHT",
        2026,
        &skeleton,
    )
    .unwrap();
    doc
}

fn review_doc() -> Automerge {
    let mut doc = Automerge::new();
    review::ensure_structure(
        &mut doc,
        &author("plansync", "server-1"),
        1_000,
        "QLHT",
        2026,
        &[task()],
    )
    .unwrap();
    doc
}

/// Judges every change `client` makes on a fork of `server`; one line per change.
fn check(
    kind: DocumentKind,
    server: &Automerge,
    client: impl FnOnce(&mut Automerge),
    expect: Expect,
) {
    let mut fork = server.fork();
    fork.set_actor(automerge::ActorId::from(b"rogue-laptop".as_slice()));
    client(&mut fork);
    let changes = fork.get_changes(&server.get_heads());
    let verdicts = |roles: &Roles| -> Vec<String> {
        changes
            .iter()
            .map(|change| match judge(kind, roles, change) {
                Ok(()) => "allowed".to_string(),
                Err(refusal) => format!("refused: {}", refusal.reason),
            })
            .collect()
    };
    // The server names only the objects the changes write to, by their paths; the judgment
    // must be the one the roles of the whole document give.
    let mut named = Roles::default();
    for change in &changes {
        named.name_objects_of(server, kind, change);
    }
    let lines = verdicts(&Roles::read(server, kind));
    assert_eq!(verdicts(&named), lines, "roles named by path differ");
    expect.assert_eq(&lines.join("\n"));
}

fn apply(doc: &mut Automerge, edit: RecordEdit) {
    records::apply(doc, &author("lan", "lan-laptop"), 5_000, &task(), &edit).unwrap();
}

#[test]
fn every_edit_a_staff_client_makes_is_allowed() {
    check(
        DocumentKind::Records,
        &records_doc(),
        |doc| {
            apply(
                doc,
                RecordEdit::Status {
                    status: TaskStatus::Done,
                },
            );
            apply(doc, RecordEdit::Progress { percent: 100 });
            for field in TextField::ALL {
                apply(
                    doc,
                    RecordEdit::Text {
                        period: q1(),
                        field,
                        text: "Đã hoàn thành kiểm tra".into(),
                    },
                );
            }
            apply(
                doc,
                RecordEdit::Text {
                    period: q1(),
                    field: TextField::Result,
                    text: "Đã hoàn thành".into(),
                },
            );
            apply(
                doc,
                RecordEdit::Actual {
                    period: q1(),
                    target: 0,
                    value: Some(92.5),
                },
            );
            apply(
                doc,
                RecordEdit::Actual {
                    period: q1(),
                    target: 0,
                    value: None,
                },
            );
            apply(
                doc,
                RecordEdit::AttachEvidence {
                    period: q1(),
                    name: "Biên bản.pdf".into(),
                    size: 12,
                    sha256: SHA.into(),
                    mime: Some("application/pdf".into()),
                },
            );
            apply(
                doc,
                RecordEdit::DetachEvidence {
                    period: q1(),
                    sha256: SHA.into(),
                },
            );
            apply(
                doc,
                RecordEdit::Send {
                    period: q1(),
                    digest: "0123456789abcdef".into(),
                    answers: 0,
                },
            );
        },
        expect![[r#"
            allowed
            allowed
            allowed
            allowed
            allowed
            allowed
            allowed
            allowed
            allowed
            allowed
            allowed
            allowed"#]],
    );
}

#[test]
fn a_reviewer_s_verdict_and_a_plan_editor_s_edit_are_allowed() {
    check(
        DocumentKind::Review,
        &review_doc(),
        |doc| {
            review::set_verdict(
                doc,
                &author("thamdinh", "vp-laptop"),
                9_000,
                &task(),
                q1(),
                Verdict::Returned,
                "Bổ sung số liệu",
            )
            .unwrap();
        },
        expect!["allowed"],
    );
    let (plan, seed) = seed_plan_doc();
    let first = seed.tasks()[0].1.clone();
    check(
        DocumentKind::Plan,
        &plan,
        |doc| {
            let mut draft = crate::plan_edit::TaskDraft::from_task(&first);
            draft.title = format!("{} (sửa)", draft.title);
            plan_doc::record_edit(
                doc,
                &author("bientap", "vp-laptop"),
                9_000,
                &crate::plan_edit::PlanEdit::EditTask {
                    task_id: first.id.clone(),
                    draft,
                },
            )
            .unwrap();
        },
        expect!["allowed"],
    );
}

/// One raw transaction on the client's fork.
fn raw(doc: &mut Automerge, f: impl FnOnce(&mut automerge::transaction::Transaction<'_>)) {
    let mut tx = doc.transaction();
    f(&mut tx);
    tx.commit();
}

fn path(doc: &Automerge, keys: &[&str]) -> automerge::ObjId {
    let mut obj = ROOT;
    for key in keys {
        obj = doc.get(&obj, *key).unwrap().unwrap().1;
    }
    obj
}

#[test]
fn header_and_structure_writes_are_refused() {
    let server = records_doc();
    let period = ["tasks", "PAR_INDEX/I/1", "periods", "2026-Q1"];
    // Object ids are the server's: each write aims at the structure the server created.
    let tasks = path(&server, &period[..1]);
    let task = path(&server, &period[..2]);
    let periods = path(&server, &period[..3]);
    let period_obj = path(&server, &period);
    check(
        DocumentKind::Records,
        &server,
        |doc| {
            raw(doc, |tx| tx.put(ROOT, "schema", "something else").unwrap());
            raw(doc, |tx| tx.put(ROOT, "year", 2027).unwrap());
            raw(doc, |tx| tx.put(ROOT, "rogue", "marker").unwrap());
            raw(doc, |tx| {
                tx.put_object(ROOT, "tasks", ObjType::Map).unwrap();
            });
            raw(doc, |tx| tx.delete(&tasks, "PAR_INDEX/I/1").unwrap());
            raw(doc, |tx| {
                tx.put_object(&tasks, "NEW/TASK", ObjType::Map).unwrap();
            });
            raw(doc, |tx| tx.put(&task, "periods", "none").unwrap());
            raw(doc, |tx| {
                tx.put_object(&periods, "2026-Q1", ObjType::Map).unwrap();
            });
            raw(doc, |tx| {
                tx.put(&period_obj, "result", "plain string").unwrap()
            });
            raw(doc, |tx| {
                tx.put_object(&period_obj, "actuals", ObjType::Map).unwrap();
            });
        },
        expect![[r#"
            refused: writes the document's header or root, which only the server writes
            refused: writes the document's header or root, which only the server writes
            refused: writes the document's header or root, which only the server writes
            refused: writes the document's header or root, which only the server writes
            refused: changes the document's structure, which only the server writes
            refused: changes the document's structure, which only the server writes
            refused: writes "periods" in a task, which holds only status and progress
            refused: changes the document's structure, which only the server writes
            refused: replaces or deletes a period's texts, actuals or evidence
            refused: replaces or deletes a period's texts, actuals or evidence"#]],
    );
}

#[test]
fn values_of_the_wrong_shape_are_refused() {
    let server = records_doc();
    let period = ["tasks", "PAR_INDEX/I/1", "periods", "2026-Q1"];
    check(
        DocumentKind::Records,
        &server,
        |doc| {
            let task = path(doc, &period[..2]);
            raw(doc, |tx| tx.put(&task, "status", "finished-ish").unwrap());
            raw(doc, |tx| tx.put(&task, "progress", 150).unwrap());
            raw(doc, |tx| tx.put(&task, "progress", "80").unwrap());
            raw(doc, |tx| {
                tx.put_object(&task, "status", ObjType::List).unwrap();
            });
            let mut actuals_path = period.to_vec();
            actuals_path.push("actuals");
            let actuals = path(doc, &actuals_path);
            raw(doc, |tx| tx.put(&actuals, "0", "ninety").unwrap());
            raw(doc, |tx| tx.put(&actuals, "zero", 90.0).unwrap());
            raw(doc, |tx| tx.put(&actuals, "0", f64::NAN).unwrap());
            raw(doc, |tx| {
                tx.put_object(&actuals, "0", ObjType::Map).unwrap();
            });
            let mut evidence_path = period.to_vec();
            evidence_path.push("evidence");
            let evidence = path(doc, &evidence_path);
            raw(doc, |tx| {
                tx.put_object(&evidence, "not-a-hash", ObjType::Map)
                    .unwrap();
            });
            raw(doc, |tx| tx.put(&evidence, SHA, "a string").unwrap());
            raw(doc, |tx| {
                let entry = tx.put_object(&evidence, SHA, ObjType::Map).unwrap();
                tx.put(&entry, "name", "x.pdf").unwrap();
                tx.put_object(&entry, "nested", ObjType::Map).unwrap();
            });
            let mut text_path = period.to_vec();
            text_path.push("result");
            let text = path(doc, &text_path);
            raw(doc, |tx| {
                tx.insert_object(&text, 0, ObjType::Map).unwrap();
            });
            raw(doc, |tx| tx.splice_text(&text, 0, 0, "ok").unwrap());
            // A sending of the wrong shape, and a unit marking its own report accepted.
            let period_obj = path(doc, &period);
            raw(doc, |tx| {
                tx.put(&period_obj, "sent_digest", "not hex").unwrap()
            });
            raw(doc, |tx| {
                tx.put(&period_obj, "sent_at", "yesterday").unwrap()
            });
            raw(doc, |tx| {
                tx.put(&period_obj, "verdict", "accepted").unwrap()
            });
            raw(doc, |tx| tx.delete(&period_obj, "sent_at").unwrap());
        },
        expect![[r#"
            refused: a task's status must be one of the known statuses
            refused: a task's progress must be a whole number from 0 to 100
            refused: a task's progress must be a whole number from 0 to 100
            refused: a task's status must be one of the known statuses
            refused: an actual must be a number
            refused: an actual must be keyed by its target's number, not "zero"
            refused: an actual must be a finite number
            refused: an actual must be a number
            refused: an evidence entry must be keyed by its file's SHA-256, not "not-a-hash"
            refused: an evidence entry must be a map
            refused: writes "nested" in an evidence entry (name, size, sha256, mime, by, at)
            refused: only characters may be inserted into or deleted from a text
            allowed
            refused: a sending is a time, a name, a 16-digit fingerprint and the time it answers
            refused: a sending is a time, a name, a 16-digit fingerprint and the time it answers
            refused: replaces or deletes a period's texts, actuals or evidence
            refused: a sending is a time, a name, a 16-digit fingerprint and the time it answers"#]],
    );
}

#[test]
fn a_review_document_and_the_plan_keep_their_structure() {
    check(
        DocumentKind::Review,
        &review_doc(),
        |doc| {
            raw(doc, |tx| tx.put(ROOT, "unit", "KHTC").unwrap());
            let period = path(doc, &["tasks", "PAR_INDEX/I/1", "periods", "2026-Q1"]);
            raw(doc, |tx| tx.put(&period, "verdict", "approved!").unwrap());
            raw(doc, |tx| tx.put(&period, "comment", "plain").unwrap());
            raw(doc, |tx| tx.put(&period, "verdict", "accepted").unwrap());
        },
        expect![[r#"
            refused: writes the document's header or root, which only the server writes
            refused: a verdict must be pending, accepted or returned
            refused: writes "comment" in a review period, which holds only verdict, comment, by and at
            allowed"#]],
    );
}

#[test]
fn the_changes_of_a_sync_message_are_read_whatever_their_chunk() {
    let server = records_doc();
    let mut client = server.fork();
    apply(&mut client, RecordEdit::Progress { percent: 40 });
    apply(&mut client, RecordEdit::Progress { percent: 50 });
    let new: Vec<automerge::Change> = client.get_changes(&server.get_heads());
    let mut joined = Vec::new();
    for change in &new {
        joined.extend_from_slice(change.raw_bytes());
    }
    let read = changes_in(&joined, &[]).unwrap();
    assert_eq!(
        read.iter().map(|c| c.hash()).collect::<Vec<_>>(),
        new.iter().map(|c| c.hash()).collect::<Vec<_>>(),
        "concatenated change chunks are read one by one"
    );
    // A whole document, as a sync message carries when it sends everything.
    let whole = changes_in(&client.save(), &[]).unwrap();
    assert_eq!(whole.len(), client.get_changes(&[]).len());
    // Of a whole document, a reader that has the server's copy gets what it lacks, also when
    // it holds a change the client has not seen.
    let hashes = |changes: &[automerge::Change]| {
        let mut hashes: Vec<_> = changes.iter().map(|c| c.hash()).collect();
        hashes.sort();
        hashes
    };
    let since = changes_in(&client.save(), &server.get_heads()).unwrap();
    assert_eq!(hashes(&since), hashes(&new));
    let mut ahead = server.fork();
    apply(
        &mut ahead,
        RecordEdit::Status {
            status: TaskStatus::Done,
        },
    );
    let since = changes_in(&client.save(), &ahead.get_heads()).unwrap();
    let lacking: Vec<automerge::Change> = client
        .get_changes(&[])
        .into_iter()
        .filter(|c| ahead.get_change_by_hash(&c.hash()).is_none())
        .collect();
    assert_eq!(hashes(&lacking), hashes(&new));
    assert!(lacking
        .iter()
        .all(|c| since.iter().any(|s| s.hash() == c.hash())));
    assert!(changes_in(b"not automerge at all", &[]).is_err());
    assert!(
        changes_in(&joined[..joined.len() - 3], &[]).is_err(),
        "a cut chunk"
    );
    // Values survive reading: the second change sets progress to 50.
    let ops = read[1].decode().operations;
    assert!(ops
        .iter()
        .any(|op| op.action == automerge::legacy::OpType::Put(ScalarValue::Int(50))));
}

/// Two laptops set competing values offline; choosing one of them afterwards is what the app's
/// "keep this version" does. Whichever value automerge shows first, the choice must be allowed:
/// choosing the value already shown removes the other with a delete op. The same holds for the
/// office's verdicts.
#[test]
fn choosing_one_of_two_competing_values_is_allowed() {
    let edit = |doc: &mut Automerge, device: &str, status: TaskStatus| {
        let edit = RecordEdit::Status { status };
        records::apply(doc, &author("lan", device), 5_000, &task(), &edit).unwrap();
    };
    let verdict = |doc: &mut Automerge, device: &str, verdict: Verdict| {
        review::set_verdict(
            doc,
            &author("thamdinh", device),
            5_000,
            &task(),
            q1(),
            verdict,
            "",
        )
        .unwrap();
    };
    for (first, second) in [("laptop-a", "laptop-z"), ("laptop-z", "laptop-a")] {
        let mut server = records_doc();
        let (mut a, mut b) = (server.fork(), server.fork());
        edit(&mut a, first, TaskStatus::Done);
        edit(&mut b, second, TaskStatus::InProgress);
        server.merge(&mut a).unwrap();
        server.merge(&mut b).unwrap();
        for chosen in [TaskStatus::Done, TaskStatus::InProgress] {
            check(
                DocumentKind::Records,
                &server,
                |doc| edit(doc, "laptop-c", chosen),
                expect!["allowed"],
            );
        }
        let mut server = review_doc();
        let (mut a, mut b) = (server.fork(), server.fork());
        verdict(&mut a, first, Verdict::Accepted);
        verdict(&mut b, second, Verdict::Returned);
        server.merge(&mut a).unwrap();
        server.merge(&mut b).unwrap();
        for chosen in [Verdict::Accepted, Verdict::Returned] {
            check(
                DocumentKind::Review,
                &server,
                |doc| verdict(doc, "office-c", chosen),
                expect!["allowed"],
            );
        }
    }
}

/// Every object ever made in a records and a review document (also ones no longer visible: a
/// replaced period map, the losing side of a conflict) gets from its path the role the walk of
/// the whole document gives it, or none when the walk names none.
#[test]
fn a_role_by_path_is_the_role_the_whole_document_gives() {
    let mut records = records_doc();
    apply(
        &mut records,
        RecordEdit::AttachEvidence {
            period: q1(),
            name: "Biên bản.pdf".into(),
            size: 12,
            sha256: SHA.into(),
            mime: Some("application/pdf".into()),
        },
    );
    // Two laptops create the same evidence entry concurrently: one of the maps loses.
    let mut other = records.fork();
    other.set_actor(automerge::ActorId::from(b"other-laptop".as_slice()));
    for doc in [&mut records, &mut other] {
        let mut tx = doc.transaction();
        let tasks = tx.get(ROOT, "tasks").unwrap().unwrap().1;
        let task_obj = tx.get(&tasks, &task().0).unwrap().unwrap().1;
        let periods = tx.get(&task_obj, "periods").unwrap().unwrap().1;
        let period = tx.get(&periods, q1().to_string()).unwrap().unwrap().1;
        let evidence = tx.get(&period, "evidence").unwrap().unwrap().1;
        tx.put_object(&evidence, "same-key", ObjType::Map).unwrap();
        tx.commit();
    }
    records.merge(&mut other).unwrap();
    // A replaced period map, a text where a map belongs, and a map outside the structure.
    let mut tx = records.transaction();
    let tasks = tx.get(ROOT, "tasks").unwrap().unwrap().1;
    let task_obj = tx.get(&tasks, &task().0).unwrap().unwrap().1;
    let periods = tx.get(&task_obj, "periods").unwrap().unwrap().1;
    let q2 = tx.put_object(&periods, "2026-Q2", ObjType::Map).unwrap();
    tx.put_object(&q2, "actuals", ObjType::Text).unwrap();
    tx.put_object(&q2, "result", ObjType::Map).unwrap();
    tx.put_object(ROOT, "elsewhere", ObjType::Map).unwrap();
    tx.commit();

    let mut review = review_doc();
    review::set_verdict(
        &mut review,
        &author("thamdinh", "office-pc"),
        2_000,
        &task(),
        q1(),
        Verdict::Returned,
        "Bổ sung",
    )
    .unwrap();
    let plan = plan_doc_with_edits();

    let mut n_named = 0;
    for (kind, doc) in [
        (DocumentKind::Records, &records),
        (DocumentKind::Review, &review),
        (DocumentKind::Plan, &plan),
    ] {
        let whole = Roles::read(doc, kind);
        let mut n_objects = 0;
        for change in doc.get_changes(&[]) {
            let expanded = change.decode();
            for (idx, op) in expanded.operations.iter().enumerate() {
                if !matches!(op.action, automerge::legacy::OpType::Make(_)) {
                    continue;
                }
                let key = (
                    expanded.start_op.get() + idx as u64,
                    expanded.actor_id.clone(),
                );
                let by_path = super::role_by_path(doc, kind, key.0, &key.1);
                assert_eq!(
                    by_path,
                    whole.by_object.get(&key).copied(),
                    "{kind:?} object {key:?}"
                );
                n_objects += 1;
                n_named += usize::from(by_path.is_some());
            }
        }
        assert!(n_objects >= 1, "{kind:?}: {n_objects} objects");
    }
    assert!(n_named > 10, "{n_named} objects named");
}

#[test]
fn a_plan_editor_s_report_heading_is_allowed_and_anything_else_in_it_refused() {
    let (plan, _) = seed_plan_doc();
    check(
        DocumentKind::Plan,
        &plan,
        |doc| {
            plan_doc::write_heading(
                doc,
                &author("bientap", "vp-laptop"),
                9_000,
                &crate::report::HeadingParticulars {
                    signer_name: "Nguyễn Văn Đức".into(),
                    recipients: vec!["Như trên".into(), "Sở Nội vụ".into()],
                    ..Default::default()
                },
            )
            .unwrap();
            plan_doc::write_heading(
                doc,
                &author("bientap", "vp-laptop"),
                9_100,
                &Default::default(),
            )
            .unwrap();
            let heading = path(doc, &[plan_doc::HEADING]);
            raw(doc, |tx| tx.put(&heading, "seal", "x").unwrap());
            raw(doc, |tx| tx.put(&heading, "number", 25).unwrap());
            raw(doc, |tx| {
                tx.put_object(&heading, "signer_name", ObjType::Text)
                    .unwrap();
            });
            raw(doc, |tx| tx.delete(ROOT, plan_doc::HEADING).unwrap());
        },
        expect![[r#"
            allowed
            allowed
            refused: writes "seal" in the report heading, which holds only its known fields
            refused: a report heading's field must be a text
            refused: a report heading's field must be a text
            refused: writes the document's header or root, which only the server writes"#]],
    );
}

/// The seed plan's document with one recorded edit (its `edits` map and an entry in it).
fn plan_doc_with_edits() -> Automerge {
    let (mut plan, seed) = seed_plan_doc();
    let first = seed.tasks()[0].1.clone();
    plan_doc::record_edit(
        &mut plan,
        &author("bientap", "vp-laptop"),
        9_000,
        &crate::plan_edit::PlanEdit::EditTask {
            task_id: first.id.clone(),
            draft: crate::plan_edit::TaskDraft::from_task(&first),
        },
    )
    .unwrap();
    plan
}

/// The seed plan's document as the server publishes it, with the plan it holds.
fn seed_plan_doc() -> (Automerge, crate::plan::Plan) {
    let mut plan = Automerge::new();
    let seed = crate::import::import_bytes(include_bytes!(
        "../../../../fixtures/plans/tuyen-quang-sxd-2026.txt"
    ))
    .unwrap()
    .plan;
    plan_doc::write(&mut plan, &author("plansync", "server-1"), 1_000, &seed).unwrap();
    (plan, seed)
}
