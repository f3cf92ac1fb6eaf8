//! The plan document with editors' edits, on in-memory documents (forks stand in for editors'
//! laptops).

use automerge::transaction::Transactable;
use automerge::{Automerge, ROOT};

use super::{read, read_base, record_edit, write, SCHEMA, SCHEMA_V1};
use crate::documents::history::history;
use crate::documents::{ChangeAuthor, DocumentError};
use crate::plan::{IndexKind, Plan, TaskId};
use crate::plan_edit::{PlanEdit, PlanEditError, TaskDraft};

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
    assert!(!super::needs_upgrade(&doc));
    let mut old = Automerge::new();
    let mut tx = old.transaction();
    tx.put(ROOT, "schema", SCHEMA_V1).unwrap();
    tx.commit();
    super::upgrade(&mut old, &author("plansync"), 1).unwrap();
    assert!(!super::needs_upgrade(&old));
}
