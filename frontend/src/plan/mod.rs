//! The plan screen: the navigation by index and section, the task list with its search, and the
//! plan editor's forms (a task; the office's report particulars).

mod plan_edit_state;
mod plan_nav;
mod report_heading_form;
mod scope;
mod search_box;
mod task_edit_form;
mod task_list;
mod task_row;

pub(crate) use plan_nav::PlanNav;
pub(crate) use report_heading_form::ReportHeadingForm;
pub(crate) use scope::{find_task, section_heading, Scope};
#[cfg(test)]
pub(crate) use scope::{task_groups, SectionPath};
pub(crate) use search_box::SearchBox;
pub(crate) use task_edit_form::TaskEditForm;
pub(crate) use task_list::TaskList;
