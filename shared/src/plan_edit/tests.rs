//! Plan edits on the imported fixture plan.

use super::{apply, PlanEdit, PlanEditError, TaskDraft};
use crate::plan::{IndexKind, Plan, TaskId};
use crate::timeframe::Schedule;

fn plan() -> Plan {
    crate::import::import_text(include_str!(
        "../../../fixtures/plans/tuyen-quang-sxd-2026.txt"
    ))
    .expect("the fixture imports")
    .plan
}

fn draft(code: &str, title: &str, lead: &str) -> TaskDraft {
    TaskDraft {
        code: code.into(),
        title: title.into(),
        content: "Tối thiểu 80% hồ sơ được số hoá".into(),
        lead_text: lead.into(),
        support_text: "Văn phòng Sở; Phòng Quản lý hạ tầng".into(),
        timeframe_text: "Hàng năm".into(),
        products_text: "- Báo cáo; - Văn bản triển khai.".into(),
        evidence_required: false,
    }
}

#[test]
fn every_imported_task_round_trips_through_its_draft() {
    let original = plan();
    let mut edited = original.clone();
    for (_, task) in original.tasks() {
        let id = apply(
            &mut edited,
            &PlanEdit::EditTask {
                task_id: task.id.clone(),
                draft: TaskDraft::from_task(task),
            },
        )
        .unwrap_or_else(|e| panic!("{}: {e}", task.id));
        assert_eq!(id, task.id);
    }
    assert_eq!(
        edited, original,
        "a draft rebuilds the task the importer built"
    );
}

#[test]
fn an_added_task_is_built_like_an_imported_one() {
    let mut plan = plan();
    let section = plan.appendix(IndexKind::ParIndex).unwrap().sections[0]
        .code
        .clone();
    let edit = PlanEdit::AddTask {
        index: IndexKind::ParIndex,
        section_path: vec![section.clone()],
        draft: draft("9", "Số hoá hồ sơ", "phòng kế hoạch - tài chính"),
    };
    let id = apply(&mut plan, &edit).unwrap();
    assert_eq!(id.0, format!("PAR_INDEX/{section}/9"));
    let task = plan.task(&id).unwrap();
    assert_eq!(task.lead, ["Phòng Kế hoạch – Tài chính"], "canonical name");
    assert_eq!(task.support, ["Văn phòng Sở", "Phòng Quản lý hạ tầng"]);
    assert_eq!(task.products, ["Báo cáo", "Văn bản triển khai"]);
    assert_eq!(task.timeframe.schedule, Schedule::Yearly);
    assert_eq!(task.targets.len(), 1, "{:?}", task.targets);
    let last = &plan.appendix(IndexKind::ParIndex).unwrap().sections[0].tasks;
    assert_eq!(
        last.last().unwrap().id,
        id,
        "added at the end of its section"
    );
    // The same code again is "#2", as the importer numbers a repeated code.
    let again = apply(&mut plan, &edit).unwrap();
    assert_eq!(again.0, format!("PAR_INDEX/{section}/9#2"));
}

#[test]
fn editing_a_task_changes_its_lead_and_keeps_its_id() {
    let mut plan = plan();
    let (_, task) = plan.tasks()[3];
    let id = task.id.clone();
    let mut draft = TaskDraft::from_task(task);
    draft.lead_text = "Phòng Kế hoạch – Tài chính".into();
    draft.timeframe_text = "Quý III và năm".into();
    apply(
        &mut plan,
        &PlanEdit::EditTask {
            task_id: id.clone(),
            draft,
        },
    )
    .unwrap();
    let task = plan.task(&id).unwrap();
    assert_eq!(task.lead, ["Phòng Kế hoạch – Tài chính"]);
    assert_eq!(task.timeframe.text, "Quý III và năm");
    assert_ne!(task.timeframe.schedule, Schedule::Unrecognised);
}

#[test]
fn bad_edits_are_refused_with_a_clear_error() {
    let mut plan = plan();
    let original = plan.clone();
    let add = |path: &[&str], draft: TaskDraft| PlanEdit::AddTask {
        index: IndexKind::ParIndex,
        section_path: path.iter().map(|s| s.to_string()).collect(),
        draft,
    };
    let cases = [
        (
            add(&["I"], draft("9", "  ", "Văn phòng Sở")),
            PlanEditError::EmptyTitle,
        ),
        (
            add(&["I"], draft("", "Tên", "Văn phòng Sở")),
            PlanEditError::EmptyCode,
        ),
        (
            add(&["I"], draft("9", "Tên", " ")),
            PlanEditError::NoLeadUnit,
        ),
        (
            add(&["XX"], draft("9", "Tên", "Văn phòng Sở")),
            PlanEditError::UnknownSection {
                index: IndexKind::ParIndex,
                path: "XX".into(),
            },
        ),
        (
            PlanEdit::EditTask {
                task_id: TaskId("PAPI/99/1".into()),
                draft: draft("1", "Tên", "Văn phòng Sở"),
            },
            PlanEditError::UnknownTask(TaskId("PAPI/99/1".into())),
        ),
    ];
    for (edit, expected) in cases {
        assert_eq!(apply(&mut plan, &edit), Err(expected));
    }
    assert_eq!(plan, original, "a refused edit changes nothing");
    assert_eq!(
        PlanEditError::UnknownSection {
            index: IndexKind::Papi,
            path: "3/1".into()
        }
        .to_string(),
        "the plan has no section 3/1 in PAPI"
    );
}

#[test]
fn edits_serialise_as_tagged_json() {
    let edit = PlanEdit::EditTask {
        task_id: TaskId("PAPI/1/1".into()),
        draft: TaskDraft::default(),
    };
    let json = serde_json::to_string(&edit).unwrap();
    assert!(
        json.starts_with(r#"{"edit":"edit_task","task_id":"PAPI/1/1""#),
        "{json}"
    );
    assert_eq!(serde_json::from_str::<PlanEdit>(&json).unwrap(), edit);
}

#[test]
fn the_office_s_evidence_requirement_is_kept_by_an_edit() {
    let mut plan = plan();
    let (_, task) = plan.tasks().into_iter().next().unwrap();
    let (id, mut draft) = (task.id.clone(), TaskDraft::from_task(task));
    assert!(!draft.evidence_required, "imported tasks require nothing");
    draft.evidence_required = true;
    apply(
        &mut plan,
        &PlanEdit::EditTask {
            task_id: id.clone(),
            draft,
        },
    )
    .unwrap();
    let task = plan
        .tasks()
        .into_iter()
        .map(|(_, t)| t)
        .find(|t| t.id == id)
        .unwrap();
    assert!(task.evidence_required);
    assert!(TaskDraft::from_task(task).evidence_required);
}
