//! The plan document with editors' edits, on in-memory documents (forks stand in for editors'
//! laptops).

use automerge::transaction::Transactable;
use automerge::{Automerge, ReadDoc, ROOT};

use super::{read, read_base, read_heading, record_edit, write, write_heading, SCHEMA, SCHEMA_V1};
use crate::documents::history::history;
use crate::documents::{ChangeAuthor, DocumentError};
use crate::plan::{IndexKind, Plan, TaskId};
use crate::plan_edit::{PlanEdit, PlanEditError, TaskDraft};
use crate::report::HeadingParticulars;

fn author(user: &str) -> ChangeAuthor {
    ChangeAuthor {
        user: user.into(),
        device: format!("{user}-pc"),
        what: String::new(),
    }
}

fn plan() -> Plan {
    crate::import::import_text(include_str!(
        "../../../../fixtures/plans/tuyen-quang-sxd-2026.txt"
    ))
    .unwrap()
    .plan
}

fn published() -> Automerge {
    let mut doc = Automerge::new();
    write(&mut doc, &author("plansync"), 1_000, &plan()).unwrap();
    doc
}

fn retitle(plan: &Plan, idx: usize, title: &str) -> PlanEdit {
    let (_, task) = plan.tasks()[idx];
    PlanEdit::EditTask {
        task_id: task.id.clone(),
        draft: TaskDraft {
            title: title.into(),
            ..TaskDraft::from_task(task)
        },
    }
}

fn add(code: &str, title: &str) -> PlanEdit {
    PlanEdit::AddTask {
        index: IndexKind::Papi,
        section_path: vec!["1".into()],
        draft: TaskDraft {
            code: code.into(),
            title: title.into(),
            lead_text: "Phòng Kế hoạch – Tài chính".into(),
            timeframe_text: "Hàng năm".into(),
            ..TaskDraft::default()
        },
    }
}

fn title_of(doc: &Automerge, id: &str) -> String {
    read(doc)
        .unwrap()
        .task(&TaskId(id.into()))
        .map(|t| t.title.clone())
        .unwrap_or_else(|| "(none)".into())
}

#[test]
fn a_published_plan_reads_back_unchanged() {
    let doc = published();
    assert_eq!(read(&doc).unwrap(), plan());
    assert_eq!(read_base(&doc).unwrap(), plan());
}

#[test]
fn editors_editing_different_tasks_offline_both_keep_their_edit() {
    let base = plan();
    let mut a = published();
    let mut b = a.fork();
    let id_a = record_edit(
        &mut a,
        &author("lan"),
        2_000,
        &retitle(&base, 0, "Tiêu đề của Lan"),
    )
    .unwrap();
    let id_b = record_edit(
        &mut b,
        &author("minh"),
        2_500,
        &retitle(&base, 5, "Tiêu đề của Minh"),
    )
    .unwrap();
    let added = record_edit(&mut b, &author("minh"), 2_600, &add("9", "Nhiệm vụ mới")).unwrap();
    assert_eq!(added.0, "PAPI/1/9");
    a.merge(&mut b).unwrap();
    b.merge(&mut a).unwrap();
    let (plan_a, plan_b) = (read(&a).unwrap(), read(&b).unwrap());
    assert_eq!(plan_a, plan_b, "both editors see the same plan");
    assert_eq!(plan_a.task(&id_a).unwrap().title, "Tiêu đề của Lan");
    assert_eq!(plan_a.task(&id_b).unwrap().title, "Tiêu đề của Minh");
    assert_eq!(plan_a.task(&added).unwrap().title, "Nhiệm vụ mới");
    assert_eq!(plan_a.tasks().len(), base.tasks().len() + 1);
    let whats: Vec<String> = history(&a).into_iter().map(|h| h.what).collect();
    assert!(
        whats.contains(&format!("task {id_a}")) && whats.contains(&"task+ PAPI/1/9".to_string())
    );
}

#[test]
fn concurrent_adds_with_one_code_both_survive() {
    let mut a = published();
    let mut b = a.fork();
    record_edit(&mut a, &author("lan"), 2_000, &add("9", "Của Lan")).unwrap();
    record_edit(&mut b, &author("minh"), 2_000, &add("9", "Của Minh")).unwrap();
    a.merge(&mut b).unwrap();
    b.merge(&mut a).unwrap();
    assert_eq!(read(&a).unwrap(), read(&b).unwrap());
    let mut titles = [title_of(&a, "PAPI/1/9"), title_of(&a, "PAPI/1/9#2")];
    titles.sort();
    assert_eq!(titles, ["Của Lan", "Của Minh"]);
}

#[test]
fn an_added_task_edited_later_stays_added_and_a_new_base_keeps_edits() {
    let mut doc = published();
    let id = record_edit(&mut doc, &author("lan"), 2_000, &add("9", "Bản đầu")).unwrap();
    let current = read(&doc).unwrap();
    let draft = TaskDraft {
        title: "Bản sửa".into(),
        ..TaskDraft::from_task(current.task(&id).unwrap())
    };
    record_edit(
        &mut doc,
        &author("lan"),
        3_000,
        &PlanEdit::EditTask {
            task_id: id.clone(),
            draft,
        },
    )
    .unwrap();
    assert_eq!(title_of(&doc, &id.0), "Bản sửa");
    // Publishing the base again keeps the edits on top.
    write(&mut doc, &author("plansync"), 4_000, &plan()).unwrap();
    assert_eq!(title_of(&doc, &id.0), "Bản sửa");
    // A refused edit writes nothing.
    let heads = doc.get_heads();
    let bad = PlanEdit::EditTask {
        task_id: TaskId("PAPI/99/9".into()),
        draft: TaskDraft::default(),
    };
    assert!(matches!(
        record_edit(&mut doc, &author("lan"), 5_000, &bad),
        Err(DocumentError::PlanEdit(
            PlanEditError::EmptyCode | PlanEditError::UnknownTask(_)
        ))
    ));
    assert_eq!(doc.get_heads(), heads);
}

#[test]
fn a_first_schema_document_is_read_and_upgraded_by_an_edit() {
    let mut doc = Automerge::new();
    let json = serde_json::to_string(&plan()).unwrap();
    let mut tx = doc.transaction();
    tx.put(ROOT, "schema", SCHEMA_V1).unwrap();
    tx.put(ROOT, "plan", json.as_str()).unwrap();
    tx.commit();
    assert_eq!(read(&doc).unwrap(), plan());
    assert!(super::needs_upgrade(&doc));
    let base = plan();
    let id = record_edit(&mut doc, &author("lan"), 2_000, &retitle(&base, 1, "Mới")).unwrap();
    assert_eq!(read(&doc).unwrap().task(&id).unwrap().title, "Mới");
    assert_eq!(super::schema(&doc).as_deref(), Some(SCHEMA));
    // The report heading's map is the server's to add.
    assert!(super::needs_upgrade(&doc));
    super::upgrade(&mut doc, &author("plansync"), 3_000).unwrap();
    assert!(!super::needs_upgrade(&doc));
    assert_eq!(read(&doc).unwrap().task(&id).unwrap().title, "Mới");
    let mut old = Automerge::new();
    let mut tx = old.transaction();
    tx.put(ROOT, "schema", SCHEMA_V1).unwrap();
    tx.commit();
    super::upgrade(&mut old, &author("plansync"), 1).unwrap();
    assert!(!super::needs_upgrade(&old));
}

fn particulars() -> HeadingParticulars {
    HeadingParticulars {
        parent_agency: "UBND tỉnh Tuyên Quang".into(),
        agency: "Sở Xây dựng".into(),
        abbreviation: "SXD".into(),
        place: "Tuyên Quang".into(),
        number: String::new(),
        addressees: vec![
            "Ủy ban nhân dân tỉnh Tuyên Quang".into(),
            "Sở Nội vụ".into(),
        ],
        recipients: vec!["Như trên".into(), "Ban Giám đốc Sở".into()],
        archive: String::new(),
        signer_authority: "KT. GIÁM ĐỐC".into(),
        signer_title: "PHÓ GIÁM ĐỐC".into(),
        signer_name: "Nguyễn Văn Đức".into(),
    }
}

#[test]
fn the_report_heading_is_stored_field_by_field_and_read_back() {
    let mut doc = published();
    assert_eq!(read_heading(&doc).unwrap(), HeadingParticulars::default());
    let heads = doc.get_heads();
    write_heading(&mut doc, &author("lan"), 2_000, &particulars()).unwrap();
    assert_eq!(read_heading(&doc).unwrap(), particulars());
    // The same again writes nothing.
    let after = doc.get_heads();
    write_heading(&mut doc, &author("lan"), 2_100, &particulars()).unwrap();
    assert_eq!(doc.get_heads(), after);
    assert_ne!(after, heads);
    let entries = history(&doc);
    assert_eq!(entries.last().unwrap().what, "report heading");
    // Text as typed is kept cleaned (NFD to NFC, spaces, list lines' dashes and semicolons).
    let typed = HeadingParticulars {
        signer_name: "  Nguye\u{302}\u{303}n   Văn Đức ".into(),
        recipients: vec!["- Như trên;\n\n- Ban Giám đốc Sở;".into()],
        ..particulars()
    };
    write_heading(&mut doc, &author("lan"), 2_200, &typed).unwrap();
    assert_eq!(doc.get_heads(), after);
    // An emptied field is deleted: derived again.
    let cleared = HeadingParticulars {
        signer_name: String::new(),
        addressees: Vec::new(),
        ..particulars()
    };
    write_heading(&mut doc, &author("lan"), 2_300, &cleared).unwrap();
    assert_eq!(read_heading(&doc).unwrap(), cleared);
    let obj = match doc.get(ROOT, super::HEADING).unwrap() {
        Some((automerge::Value::Object(automerge::ObjType::Map), obj)) => obj,
        other => panic!("{other:?}"),
    };
    assert_eq!(doc.keys(&obj).count(), 7);
}

#[test]
fn two_editors_changing_different_fields_at_once_both_keep_theirs() {
    let base = published();
    let mut a = base.fork();
    let mut b = base.fork();
    write_heading(
        &mut a,
        &author("lan"),
        2_000,
        &HeadingParticulars {
            signer_name: "Nguyễn Văn Đức".into(),
            ..Default::default()
        },
    )
    .unwrap();
    write_heading(
        &mut b,
        &author("minh"),
        2_000,
        &HeadingParticulars {
            number: "25".into(),
            ..Default::default()
        },
    )
    .unwrap();
    a.merge(&mut b).unwrap();
    let merged = read_heading(&a).unwrap();
    assert_eq!(
        (merged.signer_name.as_str(), merged.number.as_str()),
        ("Nguyễn Văn Đức", "25")
    );
}

#[test]
fn a_plan_document_without_the_heading_map_reads_as_derived_and_refuses_a_write() {
    let mut doc = Automerge::new();
    let json = serde_json::to_string(&plan()).unwrap();
    let mut tx = doc.transaction();
    tx.put(ROOT, "schema", SCHEMA).unwrap();
    tx.put(ROOT, "plan", json.as_str()).unwrap();
    tx.put_object(ROOT, "edits", automerge::ObjType::Map)
        .unwrap();
    tx.commit();
    assert_eq!(read_heading(&doc).unwrap(), HeadingParticulars::default());
    assert!(super::needs_upgrade(&doc));
    assert!(matches!(
        write_heading(&mut doc, &author("lan"), 2_000, &particulars()),
        Err(DocumentError::Missing(_))
    ));
    super::upgrade(&mut doc, &author("plansync"), 3_000).unwrap();
    write_heading(&mut doc, &author("lan"), 4_000, &particulars()).unwrap();
    assert_eq!(read_heading(&doc).unwrap(), particulars());
    // Publishing the plan again keeps the particulars.
    write(&mut doc, &author("plansync"), 5_000, &plan()).unwrap();
    assert_eq!(read_heading(&doc).unwrap(), particulars());
}
