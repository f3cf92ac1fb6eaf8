//! Editing the plan after import: a plan editor adds a task to a section or changes a task's
//! printed fields. An edit holds the fields as a person types them ([`TaskDraft`]); [`apply`]
//! builds the task from them exactly as the importer builds one from a table row (units
//! canonicalised through the plan's registry, the time frame parsed, targets found, products
//! split), so an edited task is indistinguishable from an imported one.

use serde::{Deserialize, Serialize};

use crate::import::assemble::{canonicalise_units, code_key, split_products};
use crate::import::clean_cell;
use crate::plan::{IndexKind, Plan, Section, Task, TaskId};
use crate::target::find_targets;
use crate::timeframe::Timeframe;
use crate::unit::split_assignees;

/// A task's printed fields, as an edit form holds them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaskDraft {
    pub code: String,
    pub title: String,
    pub content: String,
    /// The lead cell (Chủ trì) as it would be printed: one or several unit names.
    pub lead_text: String,
    /// The supporting cell (Phối hợp).
    pub support_text: String,
    pub timeframe_text: String,
    pub products_text: String,
    /// The office requires an evidence file with each report before it is sent.
    #[serde(default)]
    pub evidence_required: bool,
}

impl TaskDraft {
    /// The draft that reproduces `task` (to prefill an edit form).
    pub fn from_task(task: &Task) -> TaskDraft {
        TaskDraft {
            code: task.code.clone(),
            title: task.title.clone(),
            content: task.content.clone(),
            lead_text: task.lead_text.clone(),
            support_text: task.support_text.clone(),
            timeframe_text: task.timeframe.text.clone(),
            products_text: task.products_text.clone(),
            evidence_required: task.evidence_required,
        }
    }
}

/// One change of the plan by a plan editor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "edit", rename_all = "snake_case")]
pub enum PlanEdit {
    /// Replaces the printed fields of an existing task (its id stays).
    EditTask { task_id: TaskId, draft: TaskDraft },
    /// Adds a task at the end of a section.
    AddTask {
        index: IndexKind,
        /// Section codes from the appendix down; empty for the appendix's own tasks.
        section_path: Vec<String>,
        draft: TaskDraft,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlanEditError {
    #[error("a task needs a title")]
    EmptyTitle,
    #[error("a task needs a code (the number printed in the first column)")]
    EmptyCode,
    #[error("a task needs a lead unit (Chủ trì)")]
    NoLeadUnit,
    #[error("the plan has no section {path} in {index}")]
    UnknownSection { index: IndexKind, path: String },
    #[error("the plan has no task {0}")]
    UnknownTask(TaskId),
}

/// Applies `edit` to `plan`; returns the id of the task edited or added.
pub fn apply(plan: &mut Plan, edit: &PlanEdit) -> Result<TaskId, PlanEditError> {
    let draft = match edit {
        PlanEdit::EditTask { draft, .. } | PlanEdit::AddTask { draft, .. } => draft,
    };
    let fields = Fields::of(draft)?;
    let id = match edit {
        PlanEdit::EditTask { task_id, .. } => {
            let task = task_mut(plan, task_id)
                .ok_or_else(|| PlanEditError::UnknownTask(task_id.clone()))?;
            fields.fill(task);
            task_id.clone()
        }
        PlanEdit::AddTask {
            index,
            section_path,
            ..
        } => {
            let id = new_task_id(plan, *index, section_path, &fields.code)?;
            let mut task = Task {
                id: id.clone(),
                code: String::new(),
                title: String::new(),
                content: String::new(),
                lead: Vec::new(),
                support: Vec::new(),
                lead_text: String::new(),
                support_text: String::new(),
                timeframe: Timeframe::parse(""),
                products: Vec::new(),
                products_text: String::new(),
                notes: String::new(),
                targets: Vec::new(),
                source: "plan edit".into(),
                evidence_required: false,
            };
            fields.fill(&mut task);
            tasks_of(plan, *index, section_path)?.push(task);
            id
        }
    };
    // New names join the plan's unit registry; registering may pick a better canonical form,
    // so every task is canonicalised again, as the importer does once at the end.
    let mut registry = plan.units.clone();
    if let Some(task) = task_mut(plan, &id) {
        for name in task.lead.iter().chain(&task.support) {
            registry.register(name);
        }
    }
    canonicalise_units(plan, &registry);
    plan.units = registry;
    Ok(id)
}

/// A draft's fields, cleaned as the importer cleans cells.
struct Fields {
    code: String,
    title: String,
    content: String,
    lead_text: String,
    support_text: String,
    timeframe_text: String,
    products_text: String,
    evidence_required: bool,
}

impl Fields {
    fn of(draft: &TaskDraft) -> Result<Fields, PlanEditError> {
        let fields = Fields {
            code: clean_cell(&draft.code),
            title: clean_cell(&draft.title),
            content: clean_cell(&draft.content),
            lead_text: clean_cell(&draft.lead_text),
            support_text: clean_cell(&draft.support_text),
            timeframe_text: clean_cell(&draft.timeframe_text),
            products_text: clean_cell(&draft.products_text),
            evidence_required: draft.evidence_required,
        };
        if code_key(&fields.code).is_empty() {
            return Err(PlanEditError::EmptyCode);
        }
        if fields.title.is_empty() {
            return Err(PlanEditError::EmptyTitle);
        }
        if split_assignees(&fields.lead_text).is_empty() {
            return Err(PlanEditError::NoLeadUnit);
        }
        Ok(fields)
    }

    fn fill(self, task: &mut Task) {
        task.targets = find_targets(if self.content.is_empty() {
            &self.title
        } else {
            &self.content
        });
        task.lead = split_assignees(&self.lead_text);
        task.support = split_assignees(&self.support_text);
        task.timeframe = Timeframe::parse(&self.timeframe_text);
        task.products = split_products(&self.products_text);
        task.code = self.code;
        task.title = self.title;
        task.content = self.content;
        task.lead_text = self.lead_text;
        task.support_text = self.support_text;
        task.products_text = self.products_text;
        task.evidence_required = self.evidence_required;
    }
}

fn task_mut<'p>(plan: &'p mut Plan, id: &TaskId) -> Option<&'p mut Task> {
    fn in_section<'s>(section: &'s mut Section, id: &TaskId) -> Option<&'s mut Task> {
        if let Some(pos) = section.tasks.iter().position(|t| &t.id == id) {
            return section.tasks.get_mut(pos);
        }
        section
            .sections
            .iter_mut()
            .find_map(|child| in_section(child, id))
    }
    plan.appendices.iter_mut().find_map(|appendix| {
        if let Some(pos) = appendix.tasks.iter().position(|t| &t.id == id) {
            return appendix.tasks.get_mut(pos);
        }
        appendix
            .sections
            .iter_mut()
            .find_map(|section| in_section(section, id))
    })
}

fn unknown_section(index: IndexKind, path: &[String]) -> PlanEditError {
    PlanEditError::UnknownSection {
        index,
        path: if path.is_empty() {
            "(the appendix itself)".into()
        } else {
            path.join("/")
        },
    }
}

/// The task list of the section at `path` (codes compared as the importer keys them).
fn tasks_of<'p>(
    plan: &'p mut Plan,
    index: IndexKind,
    path: &[String],
) -> Result<&'p mut Vec<Task>, PlanEditError> {
    let appendix = plan
        .appendices
        .iter_mut()
        .find(|a| a.index == index)
        .ok_or_else(|| unknown_section(index, path))?;
    let Some((first, rest)) = path.split_first() else {
        return Ok(&mut appendix.tasks);
    };
    let mut section = appendix
        .sections
        .iter_mut()
        .find(|s| code_key(&s.code) == code_key(first))
        .ok_or_else(|| unknown_section(index, path))?;
    for code in rest {
        section = section
            .sections
            .iter_mut()
            .find(|s| code_key(&s.code) == code_key(code))
            .ok_or_else(|| unknown_section(index, path))?;
    }
    Ok(&mut section.tasks)
}

/// The importer's id for a task with `code` in the section at `path`: the index, the section
/// codes and the task code, with "#2", "#3" ... when taken.
fn new_task_id(
    plan: &mut Plan,
    index: IndexKind,
    path: &[String],
    code: &str,
) -> Result<TaskId, PlanEditError> {
    tasks_of(plan, index, path)?;
    let mut base = index.code().to_string();
    for section in path {
        base.push('/');
        base.push_str(&code_key(section));
    }
    base.push('/');
    base.push_str(&code_key(code));
    let taken: Vec<TaskId> = plan
        .tasks()
        .into_iter()
        .map(|(_, t)| t.id.clone())
        .collect();
    let mut id = TaskId(base.clone());
    let mut occurrence = 1;
    while taken.contains(&id) {
        occurrence += 1;
        id = TaskId(format!("{base}#{occurrence}"));
    }
    Ok(id)
}

#[cfg(test)]
mod tests;
