//! The plan screen's state: one [`Reducible`] value changed only through [`Action`]s.

use std::rc::Rc;

use shared::calendar::PeriodId;
use shared::{IndexKind, Plan, TaskId};
use yew::Reducible;

use crate::backend::BackendError;
use crate::plan::{find_task, Scope};

/// Where loading the plan stands.
#[derive(Debug, Clone, PartialEq)]
pub enum Load {
    Loading,
    Loaded(Rc<Plan>),
    Failed(BackendError),
}

#[derive(Debug, Clone, PartialEq)]
pub struct PlanState {
    pub load: Load,
    pub scope: Scope,
    /// The search box's text, as typed.
    pub query: String,
    /// The task whose detail is shown.
    pub selected: Option<TaskId>,
    /// The unit and period the task page should show, when a screen opened it on them.
    pub focus: Option<RecordFocus>,
    /// A plan editor's form, open in place of the task page.
    pub editing: Option<PlanEditing>,
    /// Bumped by [`Action::Retry`] and [`Action::Reload`]; the loading effect runs again when it
    /// changes.
    pub n_load_attempts: u32,
}

impl Default for PlanState {
    fn default() -> PlanState {
        PlanState {
            load: Load::Loading,
            scope: Scope::All,
            query: String::new(),
            selected: None,
            focus: None,
            editing: None,
            n_load_attempts: 1,
        }
    }
}

/// Which unit's record, and which period, a task page opens on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordFocus {
    pub unit: Option<String>,
    pub period: Option<PeriodId>,
}

/// A report in the office's queue, as "next report to appraise" offers it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueueEntry {
    pub task_id: TaskId,
    /// "2 — Thực hiện chế độ báo cáo CCHC định kỳ".
    pub task_label: String,
    pub unit: String,
    pub unit_name: String,
    pub period: PeriodId,
}

/// What a plan editor's form changes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PlanEditing {
    /// An existing task.
    Task(TaskId),
    /// A new task at the end of a section (codes from the appendix down; empty for the
    /// appendix's own tasks), whose heading the form shows.
    New {
        index: IndexKind,
        section_path: Vec<String>,
        heading: String,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    PlanLoaded(Plan),
    LoadFailed(BackendError),
    /// Load the plan again after a failure.
    Retry,
    /// Load the plan again because it may have changed (log in, sync); the plan on screen stays
    /// until the new one arrives.
    Reload,
    SetScope(Scope),
    SetQuery(String),
    SelectTask(TaskId),
    /// Open a task's page on a unit's record for a period (from the dashboard or a list).
    OpenRecord(TaskId, RecordFocus),
    CloseDetail,
    /// Open the plan editor's form.
    StartEditing(PlanEditing),
    StopEditing,
    /// The plan editor saved the task: show it, and load the plan again.
    PlanEdited(TaskId),
}

impl PlanState {
    pub fn plan(&self) -> Option<&Rc<Plan>> {
        match &self.load {
            Load::Loaded(plan) => Some(plan),
            Load::Loading | Load::Failed(_) => None,
        }
    }

    /// The new state after `action`; a pure function, so tests call it directly.
    pub fn apply(&self, action: Action) -> PlanState {
        let mut next = self.clone();
        match action {
            Action::PlanLoaded(plan) => {
                if !next.scope.exists_in(&plan) {
                    next.scope = Scope::All;
                }
                if next
                    .selected
                    .as_ref()
                    .is_some_and(|id| find_task(&plan, id).is_none())
                {
                    next.selected = None;
                }
                next.load = Load::Loaded(Rc::new(plan));
            }
            Action::LoadFailed(err) => {
                // A background reload that fails leaves the plan on screen.
                if self.plan().is_none() {
                    next.load = Load::Failed(err);
                }
            }
            Action::Retry => {
                next.load = Load::Loading;
                next.n_load_attempts += 1;
            }
            Action::Reload => next.n_load_attempts += 1,
            Action::SetScope(scope) => {
                if self.plan().is_some_and(|plan| scope.exists_in(plan)) {
                    next.scope = scope;
                }
            }
            Action::SetQuery(query) => next.query = query,
            Action::SelectTask(id) => {
                if self
                    .plan()
                    .is_some_and(|plan| find_task(plan, &id).is_some())
                {
                    next.selected = Some(id);
                    next.focus = None;
                }
            }
            Action::OpenRecord(id, focus) => {
                if self
                    .plan()
                    .is_some_and(|plan| find_task(plan, &id).is_some())
                {
                    next.selected = Some(id);
                    next.focus = Some(focus);
                }
            }
            Action::CloseDetail => {
                next.selected = None;
                next.focus = None;
            }
            Action::StartEditing(editing) => next.editing = Some(editing),
            Action::StopEditing => next.editing = None,
            Action::PlanEdited(id) => {
                next.editing = None;
                next.selected = Some(id);
                next.focus = None;
                next.n_load_attempts += 1;
            }
        }
        next
    }
}

impl Reducible for PlanState {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        Rc::new(self.apply(action))
    }
}

#[cfg(test)]
mod tests {
    use expect_test::{expect, Expect};

    use super::*;
    use crate::backend::ErrorCode;
    use crate::plan::{task_groups, SectionPath};
    use crate::test_plan::test_plan;
    use shared::IndexKind;

    /// Applies `actions` to a state holding the test plan and prints what the screen would show:
    /// the scope, the query, the task list's groups and the selected task.
    fn check(actions: Vec<Action>, expect: Expect) {
        let mut state = PlanState::default().apply(Action::PlanLoaded(test_plan()));
        for action in actions {
            state = state.apply(action);
        }
        expect.assert_eq(&render(&state));
    }

    fn render(state: &PlanState) -> String {
        let mut out = format!("scope: {:?}\nquery: {:?}\n", state.scope, state.query);
        match &state.load {
            Load::Loading => out.push_str("loading\n"),
            Load::Failed(err) => out.push_str(&format!("failed: {err}\n")),
            Load::Loaded(plan) => {
                for group in task_groups(plan, &state.scope, &state.query) {
                    out.push_str(&format!(
                        "{} / {}\n",
                        group.index,
                        group.headings.join(" / ")
                    ));
                    for task in group.tasks {
                        out.push_str(&format!("  {} {}\n", task.code, task.title));
                    }
                }
            }
        }
        let selected = state
            .selected
            .as_ref()
            .map_or("-".to_string(), ToString::to_string);
        out.push_str(&format!("selected: {selected}\n"));
        out
    }

    #[test]
    fn a_loaded_plan_lists_every_task_under_its_headings() {
        check(
            vec![],
            expect![[r#"
                scope: All
                query: ""
                PAR INDEX / I. CÔNG TÁC CHỈ ĐẠO ĐIỀU HÀNH
                  1 Thực hiện kế hoạch CCHC
                  2 Sáng kiến hoặc giải pháp mới trong CCHC
                PAR INDEX / II. CẢI CÁCH THỂ CHẾ
                  1 Xử lý kết quả theo dõi thi hành pháp luật
                SIPAS / A. BAN HÀNH, TỔ CHỨC THỰC HIỆN CÁC CHÍNH SÁCH / I. Trách nhiệm giải trình của chính quyền về chính sách
                  1 Cung cấp, giải thích thông tin về chính sách
                selected: -
            "#]],
        );
    }

    #[test]
    fn search_ignores_diacritics_and_case() {
        check(
            vec![Action::SetQuery("sang kien".into())],
            expect![[r#"
                scope: All
                query: "sang kien"
                PAR INDEX / I. CÔNG TÁC CHỈ ĐẠO ĐIỀU HÀNH
                  2 Sáng kiến hoặc giải pháp mới trong CCHC
                selected: -
            "#]],
        );
        check(
            vec![
                Action::SetQuery("VAN PHONG so".into()),
                Action::SetScope(Scope::Appendix(IndexKind::Sipas)),
            ],
            expect![[r#"
                scope: Appendix(Sipas)
                query: "VAN PHONG so"
                SIPAS / A. BAN HÀNH, TỔ CHỨC THỰC HIỆN CÁC CHÍNH SÁCH / I. Trách nhiệm giải trình của chính quyền về chính sách
                  1 Cung cấp, giải thích thông tin về chính sách
                selected: -
            "#]],
        );
    }

    #[test]
    fn a_section_scope_shows_that_section_and_its_sub_sections() {
        check(
            vec![Action::SetScope(Scope::Section(
                IndexKind::Sipas,
                SectionPath(vec![0]),
            ))],
            expect![[r#"
                scope: Section(Sipas, SectionPath([0]))
                query: ""
                SIPAS / A. BAN HÀNH, TỔ CHỨC THỰC HIỆN CÁC CHÍNH SÁCH / I. Trách nhiệm giải trình của chính quyền về chính sách
                  1 Cung cấp, giải thích thông tin về chính sách
                selected: -
            "#]],
        );
        check(
            vec![Action::SetScope(Scope::Section(
                IndexKind::ParIndex,
                SectionPath(vec![1]),
            ))],
            expect![[r#"
                scope: Section(ParIndex, SectionPath([1]))
                query: ""
                PAR INDEX / II. CẢI CÁCH THỂ CHẾ
                  1 Xử lý kết quả theo dõi thi hành pháp luật
                selected: -
            "#]],
        );
    }

    #[test]
    fn scopes_and_tasks_that_do_not_exist_are_ignored() {
        check(
            vec![
                Action::SetScope(Scope::Section(IndexKind::ParIndex, SectionPath(vec![9]))),
                Action::SetScope(Scope::Appendix(IndexKind::Papi)),
                Action::SelectTask(TaskId("PAR_INDEX/I/99".into())),
            ],
            expect![[r#"
                scope: All
                query: ""
                PAR INDEX / I. CÔNG TÁC CHỈ ĐẠO ĐIỀU HÀNH
                  1 Thực hiện kế hoạch CCHC
                  2 Sáng kiến hoặc giải pháp mới trong CCHC
                PAR INDEX / II. CẢI CÁCH THỂ CHẾ
                  1 Xử lý kết quả theo dõi thi hành pháp luật
                SIPAS / A. BAN HÀNH, TỔ CHỨC THỰC HIỆN CÁC CHÍNH SÁCH / I. Trách nhiệm giải trình của chính quyền về chính sách
                  1 Cung cấp, giải thích thông tin về chính sách
                selected: -
            "#]],
        );
    }

    #[test]
    fn selecting_and_closing_a_task() {
        let id = TaskId("PAR_INDEX/II/1".into());
        check(
            vec![
                Action::SetQuery("khong co gi".into()),
                Action::SelectTask(id.clone()),
            ],
            expect![[r#"
                scope: All
                query: "khong co gi"
                selected: PAR_INDEX/II/1
            "#]],
        );
        check(
            vec![Action::SelectTask(id), Action::CloseDetail],
            expect![[r#"
                scope: All
                query: ""
                PAR INDEX / I. CÔNG TÁC CHỈ ĐẠO ĐIỀU HÀNH
                  1 Thực hiện kế hoạch CCHC
                  2 Sáng kiến hoặc giải pháp mới trong CCHC
                PAR INDEX / II. CẢI CÁCH THỂ CHẾ
                  1 Xử lý kết quả theo dõi thi hành pháp luật
                SIPAS / A. BAN HÀNH, TỔ CHỨC THỰC HIỆN CÁC CHÍNH SÁCH / I. Trách nhiệm giải trình của chính quyền về chính sách
                  1 Cung cấp, giải thích thông tin về chính sách
                selected: -
            "#]],
        );
    }

    #[test]
    fn a_failed_load_can_be_retried() {
        let failed = PlanState::default().apply(Action::LoadFailed(BackendError::new(
            ErrorCode::NoPlan,
            "none",
        )));
        assert_eq!(
            failed.load,
            Load::Failed(BackendError::new(ErrorCode::NoPlan, "none"))
        );
        let retried = failed.apply(Action::Retry);
        assert_eq!(
            retried.load,
            Load::Loading,
            "retrying shows the loading state again"
        );
        assert_eq!(
            retried.n_load_attempts, 2,
            "a new attempt number re-runs the loading effect"
        );
    }

    #[test]
    fn a_reload_keeps_the_plan_on_screen_even_if_it_fails() {
        let loaded = PlanState::default().apply(Action::PlanLoaded(test_plan()));
        let reloading = loaded.apply(Action::Reload);
        assert!(
            reloading.plan().is_some(),
            "the plan stays while the new one loads"
        );
        assert_eq!(reloading.n_load_attempts, loaded.n_load_attempts + 1);
        let failed = reloading.apply(Action::LoadFailed(BackendError::new(
            ErrorCode::NotDownloaded,
            "not yet",
        )));
        assert!(
            failed.plan().is_some(),
            "a failed background reload does not take the plan away"
        );
        let first = PlanState::default()
            .apply(Action::LoadFailed(BackendError::new(
                ErrorCode::NotDownloaded,
                "not yet",
            )))
            .apply(Action::Reload);
        assert_eq!(
            first.load,
            Load::Failed(BackendError::new(ErrorCode::NotDownloaded, "not yet")),
            "without a plan the reason stays on screen until the reload answers"
        );
        assert!(first
            .apply(Action::PlanLoaded(test_plan()))
            .plan()
            .is_some());
    }

    #[test]
    fn reloading_keeps_a_selection_that_still_exists() {
        let id = TaskId("PAR_INDEX/I/2".into());
        let state = PlanState::default()
            .apply(Action::PlanLoaded(test_plan()))
            .apply(Action::SelectTask(id.clone()))
            .apply(Action::PlanLoaded(test_plan()));
        assert_eq!(
            state.selected,
            Some(id),
            "the same plan loaded again still holds the task"
        );
    }
}
