//! Where the user is: the screen (tab), the part of the plan listed, the task whose page is
//! open and the unit's record and period it opened on, and the plan editor's form. One
//! [`Reducible`] value changed only through [`Navigate`] actions, whichever screen moves.
//! (The task page keeps which unit and period it shows after it opened, in its own record
//! state.)

use std::rc::Rc;

use shared::calendar::PeriodId;
use shared::{IndexKind, Plan, TaskId};
use yew::Reducible;

use crate::plan::{find_task, Scope};

/// The screens of the app, as the tabs under the header name them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum View {
    /// "Nhiệm vụ của đơn vị": the unit's tasks with status, progress and deadline.
    UnitTasks,
    /// "Tổng quan": the office's dashboard of every unit.
    Dashboard,
    /// "Chỉ tiêu": every numeric target with its actuals.
    Indicators,
    /// "Báo cáo": exporting a period's report as DOCX or XLSX.
    Export,
    /// "Kế hoạch": the plan as issued, appendix by appendix.
    Plan,
}

impl View {
    /// The tab's label; the task list is every unit's for the office.
    pub fn label(self, office: bool) -> &'static str {
        match self {
            View::UnitTasks if office => "Nhiệm vụ các đơn vị",
            View::UnitTasks => "Nhiệm vụ của đơn vị",
            View::Dashboard => "Tổng quan",
            View::Indicators => "Chỉ tiêu",
            View::Export => "Báo cáo",
            View::Plan => "Kế hoạch",
        }
    }

    /// A stable id for tests and styles.
    pub fn id(self) -> &'static str {
        match self {
            View::UnitTasks => "unit-tasks",
            View::Dashboard => "dashboard",
            View::Indicators => "indicators",
            View::Export => "export",
            View::Plan => "plan",
        }
    }

    /// The screens a user of `role` sees, the first being where the app opens; `None` when
    /// nobody is logged in (only the plan can be shown).
    pub fn available(role: Option<&str>) -> &'static [View] {
        match role {
            None => &[View::Plan],
            Some("staff") => &[View::UnitTasks, View::Indicators, View::Export, View::Plan],
            Some(_) => &[
                View::Dashboard,
                View::UnitTasks,
                View::Indicators,
                View::Export,
                View::Plan,
            ],
        }
    }

    /// Whether the screen shows an [`Overview`].
    pub fn needs_overview(self) -> bool {
        self != View::Plan
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

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Navigation {
    /// The screen the user picked; `None` until they pick one (the role's first is shown).
    pub chosen_view: Option<View>,
    /// The part of the plan the plan screen lists.
    pub scope: Scope,
    /// The task whose page is open.
    pub selected: Option<TaskId>,
    /// The unit and period the task page should show, when a screen opened it on them.
    pub focus: Option<RecordFocus>,
    /// A plan editor's form, open in place of the task page.
    pub editing: Option<PlanEditing>,
    /// The plan last loaded, against which scopes and tasks are checked.
    plan: Option<Rc<Plan>>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Navigate {
    ShowView(View),
    SetScope(Scope),
    SelectTask(TaskId),
    /// Open a task's page on a unit's record for a period (from the dashboard or a list).
    OpenRecord(TaskId, RecordFocus),
    CloseDetail,
    /// Open the plan editor's form.
    StartEditing(PlanEditing),
    StopEditing,
    /// The plan editor saved the task: show its page.
    PlanEdited(TaskId),
    /// A plan was loaded: a part or task it no longer has is left.
    PlanLoaded(Rc<Plan>),
    /// Someone logged in or out: their screens start afresh.
    SessionChanged,
}

impl Navigation {
    /// The screen shown to a user of `role`.
    pub fn view(&self, role: Option<&str>) -> View {
        let available = View::available(role);
        match self.chosen_view {
            Some(view) if available.contains(&view) => view,
            _ => available[0],
        }
    }

    fn has_task(&self, id: &TaskId) -> bool {
        self.plan
            .as_ref()
            .is_some_and(|plan| find_task(plan, id).is_some())
    }

    /// The new state after `action`; a pure function, so tests call it directly.
    pub fn apply(&self, action: Navigate) -> Navigation {
        let mut next = self.clone();
        match action {
            Navigate::ShowView(view) => next.chosen_view = Some(view),
            Navigate::SetScope(scope) => {
                if self.plan.as_ref().is_some_and(|plan| scope.exists_in(plan)) {
                    next.scope = scope;
                }
            }
            Navigate::SelectTask(id) => {
                if self.has_task(&id) {
                    next.selected = Some(id);
                    next.focus = None;
                }
            }
            Navigate::OpenRecord(id, focus) => {
                if self.has_task(&id) {
                    next.selected = Some(id);
                    next.focus = Some(focus);
                }
            }
            Navigate::CloseDetail => {
                next.selected = None;
                next.focus = None;
            }
            Navigate::StartEditing(editing) => next.editing = Some(editing),
            Navigate::StopEditing => next.editing = None,
            Navigate::PlanEdited(id) => {
                next.editing = None;
                next.selected = Some(id);
                next.focus = None;
            }
            Navigate::PlanLoaded(plan) => {
                if !next.scope.exists_in(&plan) {
                    next.scope = Scope::All;
                }
                if next
                    .selected
                    .as_ref()
                    .is_some_and(|id| find_task(&plan, id).is_none())
                {
                    next.selected = None;
                    next.focus = None;
                }
                next.plan = Some(plan);
            }
            Navigate::SessionChanged => {
                next.chosen_view = None;
                next.focus = None;
                next.editing = None;
            }
        }
        next
    }
}

impl Reducible for Navigation {
    type Action = Navigate;

    fn reduce(self: Rc<Self>, action: Navigate) -> Rc<Self> {
        Rc::new(self.apply(action))
    }
}

#[cfg(test)]
mod tests {
    use expect_test::{expect, Expect};

    use super::*;
    use crate::plan::{task_groups, SectionPath};
    use crate::test_plan::test_plan;

    /// Applies `actions` to a state holding the test plan and prints what the screen would show:
    /// the scope, the query, the task list's groups and the selected task.
    /// What the user does in these tests: types in the search box, or moves.
    enum Step {
        Query(&'static str),
        Go(Navigate),
    }

    /// Applies `steps` with the test plan loaded and prints what the screen would show: the
    /// scope, the query, the task list's groups and the selected task.
    fn check(steps: Vec<Step>, expect: Expect) {
        let plan = Rc::new(test_plan());
        let mut navigation = Navigation::default().apply(Navigate::PlanLoaded(plan.clone()));
        let mut query = "";
        for step in steps {
            match step {
                Step::Query(words) => query = words,
                Step::Go(action) => navigation = navigation.apply(action),
            }
        }
        let mut out = format!("scope: {:?}\nquery: {:?}\n", navigation.scope, query);
        for group in task_groups(&plan, &navigation.scope, query) {
            out.push_str(&format!(
                "{} / {}\n",
                group.index,
                group.headings.join(" / ")
            ));
            for task in group.tasks {
                out.push_str(&format!("  {} {}\n", task.code, task.title));
            }
        }
        let selected = navigation
            .selected
            .as_ref()
            .map_or("-".to_string(), ToString::to_string);
        out.push_str(&format!("selected: {selected}\n"));
        expect.assert_eq(&out);
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
            vec![Step::Query("sang kien")],
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
                Step::Query("VAN PHONG so"),
                Step::Go(Navigate::SetScope(Scope::Appendix(IndexKind::Sipas))),
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
            vec![Step::Go(Navigate::SetScope(Scope::Section(
                IndexKind::Sipas,
                SectionPath(vec![0]),
            )))],
            expect![[r#"
                scope: Section(Sipas, SectionPath([0]))
                query: ""
                SIPAS / A. BAN HÀNH, TỔ CHỨC THỰC HIỆN CÁC CHÍNH SÁCH / I. Trách nhiệm giải trình của chính quyền về chính sách
                  1 Cung cấp, giải thích thông tin về chính sách
                selected: -
            "#]],
        );
        check(
            vec![Step::Go(Navigate::SetScope(Scope::Section(
                IndexKind::ParIndex,
                SectionPath(vec![1]),
            )))],
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
                Step::Go(Navigate::SetScope(Scope::Section(
                    IndexKind::ParIndex,
                    SectionPath(vec![9]),
                ))),
                Step::Go(Navigate::SetScope(Scope::Appendix(IndexKind::Papi))),
                Step::Go(Navigate::SelectTask(TaskId("PAR_INDEX/I/99".into()))),
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
                Step::Query("khong co gi"),
                Step::Go(Navigate::SelectTask(id.clone())),
            ],
            expect![[r#"
                scope: All
                query: "khong co gi"
                selected: PAR_INDEX/II/1
            "#]],
        );
        check(
            vec![
                Step::Go(Navigate::SelectTask(id)),
                Step::Go(Navigate::CloseDetail),
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
    fn reloading_keeps_a_selection_that_still_exists() {
        let id = TaskId("PAR_INDEX/I/2".into());
        let plan = Rc::new(test_plan());
        let state = Navigation::default()
            .apply(Navigate::PlanLoaded(plan.clone()))
            .apply(Navigate::SelectTask(id.clone()))
            .apply(Navigate::PlanLoaded(plan));
        assert_eq!(
            state.selected,
            Some(id),
            "the same plan loaded again still holds the task"
        );
        let mut smaller = test_plan();
        smaller.appendices[0].sections[0].tasks.pop();
        let state = state.apply(Navigate::PlanLoaded(Rc::new(smaller)));
        assert_eq!(state.selected, None, "a task the plan lost is closed");
    }

    #[test]
    fn each_role_opens_on_its_screen_and_keeps_to_its_screens() {
        let state = Navigation::default();
        assert_eq!(state.view(None), View::Plan);
        assert_eq!(state.view(Some("staff")), View::UnitTasks);
        assert_eq!(state.view(Some("reviewer")), View::Dashboard);
        let chose = state.apply(Navigate::ShowView(View::Dashboard));
        assert_eq!(
            chose.view(Some("staff")),
            View::UnitTasks,
            "staff have no dashboard"
        );
        assert_eq!(chose.view(Some("plan-editor")), View::Dashboard);
        let plan = state.apply(Navigate::ShowView(View::Plan));
        assert_eq!(plan.view(Some("staff")), View::Plan);
    }

    #[test]
    fn a_screen_chosen_stays_until_someone_else_logs_in() {
        let state = Navigation::default();
        assert_eq!(
            state.view(Some("reviewer")),
            View::Dashboard,
            "the role's first"
        );
        assert_eq!(state.view(Some("staff")), View::UnitTasks);
        assert_eq!(state.view(None), View::Plan);
        let chose = state.apply(Navigate::ShowView(View::Indicators));
        assert_eq!(chose.view(Some("staff")), View::Indicators);
        assert_eq!(
            chose
                .apply(Navigate::ShowView(View::Dashboard))
                .view(Some("staff")),
            View::UnitTasks,
            "a screen the role does not have falls back to its first"
        );
        let opened = chose
            .apply(Navigate::OpenRecord(
                TaskId("PAR_INDEX/I/1".into()),
                RecordFocus {
                    unit: Some("QLHT".into()),
                    period: None,
                },
            ))
            .apply(Navigate::SessionChanged);
        assert_eq!(opened.view(Some("staff")), View::UnitTasks);
        assert_eq!(opened.focus, None);
    }
}
