//! The plan screen: the navigation by index and section, the task list with its search, and the
//! plan editor's form.

mod plan_edit_state;
mod plan_nav;
mod scope;
mod search_box;
mod task_edit_form;
mod task_list;
mod task_row;

pub(crate) use plan_nav::PlanNav;
pub(crate) use scope::{find_task, section_heading, Scope};
#[cfg(test)]
pub(crate) use scope::{task_groups, SectionPath};
pub(crate) use search_box::SearchBox;
pub(crate) use task_edit_form::TaskEditForm;
pub(crate) use task_list::TaskList;
