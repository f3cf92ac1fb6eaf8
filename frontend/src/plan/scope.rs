//! Which part of the plan the task list shows, and the groups of tasks that part holds.
//!
//! Pure functions over a [`Plan`], so the task list's content is tested natively.

use shared::vietnamese::matches_query;
use shared::{Appendix, IndexKind, Plan, Section, Task, TaskId, Timeframe};

/// A section's position in its appendix: indices into `Appendix::sections`, then into each
/// `Section::sections` below it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SectionPath(pub Vec<usize>);

/// The part of the plan chosen in the navigation.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Scope {
    /// Every appendix.
    #[default]
    All,
    Appendix(IndexKind),
    Section(IndexKind, SectionPath),
}

/// Tasks printed under one heading, as the task list shows them.
#[derive(Debug, Clone, PartialEq)]
pub struct TaskGroup<'a> {
    pub index: IndexKind,
    /// Section codes and titles from the appendix down ("I. CÔNG TÁC CHỈ ĐẠO ĐIỀU HÀNH"); empty
    /// for tasks printed before any section heading.
    pub headings: Vec<String>,
    pub tasks: Vec<&'a Task>,
}

/// Where a task sits in the plan.
#[derive(Debug, Clone, PartialEq)]
pub struct TaskPlace<'a> {
    pub appendix: &'a Appendix,
    pub sections: Vec<&'a Section>,
    pub task: &'a Task,
}

impl Scope {
    /// Whether the scope still names a part of `plan` (a new plan may have fewer sections).
    pub fn exists_in(&self, plan: &Plan) -> bool {
        match self {
            Scope::All => true,
            Scope::Appendix(index) => plan.appendix(*index).is_some(),
            Scope::Section(index, path) => plan
                .appendix(*index)
                .and_then(|a| section_at(a, path))
                .is_some(),
        }
    }
}

/// The section at `path` in `appendix`.
pub fn section_at<'a>(appendix: &'a Appendix, path: &SectionPath) -> Option<&'a Section> {
    let (first, rest) = path.0.split_first()?;
    let mut section = appendix.sections.get(*first)?;
    for idx in rest {
        section = section.sections.get(*idx)?;
    }
    Some(section)
}

/// The codes of the sections along `path`, from the appendix down.
pub fn section_codes(appendix: &Appendix, path: &SectionPath) -> Option<Vec<String>> {
    let (first, rest) = path.0.split_first()?;
    let mut section = appendix.sections.get(*first)?;
    let mut codes = vec![section.code.clone()];
    for idx in rest {
        section = section.sections.get(*idx)?;
        codes.push(section.code.clone());
    }
    Some(codes)
}

/// "I. CÔNG TÁC CHỈ ĐẠO ĐIỀU HÀNH"; a section printed without a code shows its title alone.
pub fn section_heading(section: &Section) -> String {
    if section.code.is_empty() {
        section.title.clone()
    } else {
        format!("{}. {}", section.code, section.title)
    }
}

/// The groups of tasks in `scope` that match `query` (diacritic-insensitive, every word), in plan
/// order, leaving out groups with no matching task.
pub fn task_groups<'a>(plan: &'a Plan, scope: &Scope, query: &str) -> Vec<TaskGroup<'a>> {
    let mut groups = Vec::new();
    for appendix in &plan.appendices {
        match scope {
            Scope::All => collect_appendix(appendix, &mut groups),
            Scope::Appendix(index) if *index == appendix.index => {
                collect_appendix(appendix, &mut groups)
            }
            Scope::Section(index, path) if *index == appendix.index => {
                if let Some(section) = section_at(appendix, path) {
                    let mut headings = Vec::new();
                    let mut current = &appendix.sections;
                    for idx in &path.0 {
                        let Some(s) = current.get(*idx) else { break };
                        headings.push(section_heading(s));
                        current = &s.sections;
                    }
                    headings.pop();
                    collect_section(appendix.index, section, &headings, &mut groups);
                }
            }
            _ => {}
        }
    }
    for group in &mut groups {
        group.tasks.retain(|task| task_matches(task, query));
    }
    groups.retain(|group| !group.tasks.is_empty());
    groups
}

fn collect_appendix<'a>(appendix: &'a Appendix, groups: &mut Vec<TaskGroup<'a>>) {
    if !appendix.tasks.is_empty() {
        let tasks = appendix.tasks.iter().collect();
        groups.push(TaskGroup {
            index: appendix.index,
            headings: Vec::new(),
            tasks,
        });
    }
    for section in &appendix.sections {
        collect_section(appendix.index, section, &[], groups);
    }
}

fn collect_section<'a>(
    index: IndexKind,
    section: &'a Section,
    parents: &[String],
    groups: &mut Vec<TaskGroup<'a>>,
) {
    let mut headings = parents.to_vec();
    headings.push(section_heading(section));
    // A heading with sub-sections but no tasks of its own still shows, so the list keeps the
    // plan's outline; empty groups are dropped after filtering.
    groups.push(TaskGroup {
        index,
        headings: headings.clone(),
        tasks: section.tasks.iter().collect(),
    });
    for sub in &section.sections {
        collect_section(index, sub, &headings, groups);
    }
}

/// Whether `task` matches every word of `query` in any of its printed fields.
pub fn task_matches(task: &Task, query: &str) -> bool {
    if query.trim().is_empty() {
        return true;
    }
    let haystack = [
        task.code.as_str(),
        &task.title,
        &task.content,
        &task.lead_text,
        &task.support_text,
        &task.timeframe.text,
        &task.products_text,
        &task.notes,
    ]
    .join("\n");
    matches_query(&haystack, query)
}

/// Finds the task `id` with its appendix and the sections above it.
pub fn find_task<'a>(plan: &'a Plan, id: &TaskId) -> Option<TaskPlace<'a>> {
    fn search<'a>(
        sections: &'a [Section],
        id: &TaskId,
        trail: &mut Vec<&'a Section>,
    ) -> Option<&'a Task> {
        for section in sections {
            trail.push(section);
            if let Some(task) = section.tasks.iter().find(|t| &t.id == id) {
                return Some(task);
            }
            if let Some(task) = search(&section.sections, id, trail) {
                return Some(task);
            }
            trail.pop();
        }
        None
    }
    for appendix in &plan.appendices {
        if let Some(task) = appendix.tasks.iter().find(|t| &t.id == id) {
            return Some(TaskPlace {
                appendix,
                sections: Vec::new(),
                task,
            });
        }
        let mut sections = Vec::new();
        if let Some(task) = search(&appendix.sections, id, &mut sections) {
            return Some(TaskPlace {
                appendix,
                sections,
                task,
            });
        }
    }
    None
}

impl TaskPlace<'_> {
    /// The time frame that applies: the task's own, or else the nearest section heading's.
    /// The flag is true when it came from a heading.
    pub fn timeframe(&self) -> (&Timeframe, bool) {
        if !self.task.timeframe.text.is_empty() {
            return (&self.task.timeframe, false);
        }
        match self
            .sections
            .iter()
            .rev()
            .find_map(|s| s.timeframe.as_ref())
        {
            Some(inherited) => (inherited, true),
            None => (&self.task.timeframe, false),
        }
    }
}
