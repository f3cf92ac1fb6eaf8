//! Building a [`Plan`] from blocks: the header from the paragraphs before the first appendix,
//! then each appendix's table (header rows, repeated headers, continuation rows) into sections
//! and tasks.

use std::collections::{HashMap, HashSet};

use super::{
    Block, CellOwner, CellPlacement, Field, ImportError, ImportOutcome, SourceRef, Warning,
};
use crate::import::cell::clean_cell;
use crate::plan::{Appendix, IndexKind, Plan, PlanDate, PlanPeriod, Section, Task, TaskId};
use crate::target::find_targets;
use crate::timeframe::{Schedule, Timeframe};
use crate::unit::{split_assignees, Assignee, CollectiveKind, UnitRegistry};
use crate::vietnamese::{fold, fold_char, tidy};

/// Builds the plan from the blocks of a text or DOCX source.
pub fn assemble(blocks: &[Block]) -> Result<ImportOutcome, ImportError> {
    let headings: Vec<(usize, AppendixHeading)> = blocks
        .iter()
        .enumerate()
        .filter_map(|(idx, block)| match block {
            Block::Paragraph { text, .. } => appendix_heading(text).map(|h| (idx, h)),
            Block::Row { .. } => None,
        })
        .collect();
    let Some(&(first_heading, _)) = headings.first() else {
        return Err(ImportError::whole(
            "not a plan: no appendix heading (\"PHỤ LỤC\") followed by a task table was found",
        ));
    };
    let mut builder = Builder::default();
    let mut plan = read_header(&blocks[..first_heading]);
    for (pos, (start, heading)) in headings.iter().enumerate() {
        let end = headings.get(pos + 1).map_or(blocks.len(), |(idx, _)| *idx);
        let appendix = builder.appendix(blocks[*start].at(), heading, &blocks[start + 1..end])?;
        if plan.appendices.iter().any(|a| a.index == appendix.index) {
            return Err(ImportError::at(
                blocks[*start].at(),
                format!(
                    "a second appendix for {} (each index has one appendix)",
                    appendix.index
                ),
            ));
        }
        plan.appendices.push(appendix);
    }
    if plan.issuer.is_empty() {
        plan.issuer = plan
            .appendices
            .iter()
            .find_map(|a| issuer_from_subtitle(&a.subtitle))
            .unwrap_or_default();
    }
    if plan.period.is_none() {
        plan.period = std::iter::once(&plan.title)
            .chain(plan.appendices.iter().map(|a| &a.title))
            .find_map(|t| plan_period(t));
    }
    builder.finish_units(&mut plan);
    if plan.title.is_empty() {
        builder.warn(
            blocks[0].at(),
            "no plan title found before the first appendix",
        );
    }
    Ok(ImportOutcome {
        plan,
        warnings: builder.warnings,
        placements: builder.placements,
    })
}

struct AppendixHeading {
    number: String,
    inline_title: String,
}

/// "PHỤ LỤC", "PHỤ LỤC II", "Phụ lục số 01", "PHỤ LỤC I: NHIỆM VỤ ...".
fn appendix_heading(text: &str) -> Option<AppendixHeading> {
    let text = tidy(text);
    let folded: String = text.chars().map(fold_char).collect();
    let rest_folded = folded.strip_prefix("phu luc")?;
    let rest: String = text.chars().skip("phu luc".len()).collect();
    let mut number = String::new();
    let mut chars = rest.trim_start().to_string();
    if rest_folded.trim_start().starts_with("so ") {
        chars = chars.chars().skip(3).collect();
    }
    let word: String = chars.chars().take_while(|c| c.is_alphanumeric()).collect();
    if !word.is_empty()
        && (word.chars().all(|c| c.is_ascii_digit()) || is_roman(&word.to_uppercase()))
    {
        number = word.clone();
        chars = chars.chars().skip(word.chars().count()).collect();
    }
    let inline_title = chars
        .trim_start_matches([':', '.', '-', '–', ' '])
        .trim()
        .to_string();
    // A sentence that merely mentions an appendix ("Phụ lục phân công nhiệm vụ kèm theo") is not
    // a heading: a heading is numbered ("Phụ lục I: Nhiệm vụ ..."), or bare, or its title on the
    // same line is in capitals.
    if number.is_empty() && !inline_title.is_empty() && inline_title.chars().any(char::is_lowercase)
    {
        return None;
    }
    if text.chars().next().is_some_and(char::is_lowercase) {
        return None;
    }
    Some(AppendixHeading {
        number,
        inline_title,
    })
}

fn is_roman(word: &str) -> bool {
    roman_value(word).is_some()
}

fn roman_value(word: &str) -> Option<u32> {
    if word.is_empty() || word.len() > 8 || !word.chars().all(|c| "IVXL".contains(c)) {
        return None;
    }
    let value = |c| match c {
        'I' => 1,
        'V' => 5,
        'X' => 10,
        _ => 50,
    };
    let digits: Vec<u32> = word.chars().map(value).collect();
    let mut total = 0;
    for (idx, d) in digits.iter().enumerate() {
        if digits.get(idx + 1).is_some_and(|next| next > d) {
            total -= *d as i64;
        } else {
            total += *d as i64;
        }
    }
    let total = u32::try_from(total).ok().filter(|t| *t > 0)?;
    // Only canonical numerals count ("IIII" or "VX" are not section numbers).
    (to_roman(total) == word).then_some(total)
}

fn to_roman(mut n: u32) -> String {
    let table = [
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    ];
    let mut out = String::new();
    for (value, numeral) in table {
        while n >= value {
            out.push_str(numeral);
            n -= value;
        }
    }
    out
}

/// Reads number, date line, document kind and title from the paragraphs before the appendices.
/// Rows there (a DOCX heading block is often a table) are read cell by cell.
fn read_header(blocks: &[Block]) -> Plan {
    let lines: Vec<String> = blocks
        .iter()
        .flat_map(|b| match b {
            Block::Paragraph { text, .. } => vec![text.clone()],
            Block::Row { cells, .. } => cells
                .iter()
                .flat_map(|c| c.lines().map(str::to_string))
                .collect(),
        })
        .map(|l| tidy(&l))
        .filter(|l| !l.is_empty())
        .collect();
    let mut plan = Plan {
        number: String::new(),
        date: String::new(),
        date_parts: PlanDate::default(),
        place: String::new(),
        issuer: String::new(),
        kind: String::new(),
        title: String::new(),
        period: None,
        appendices: Vec::new(),
        units: UnitRegistry::default(),
        calendar: None,
    };
    let mut kind_idx = None;
    for (idx, line) in lines.iter().enumerate() {
        let folded: String = line.chars().map(fold_char).collect();
        if plan.number.is_empty() && (folded.starts_with("so:") || folded.starts_with("so :")) {
            plan.number = line
                .split_once(':')
                .map(|(_, n)| n.trim().to_string())
                .unwrap_or_default();
        } else if plan.date.is_empty()
            && folded.contains("ngay")
            && folded.contains("thang")
            && folded.contains("nam")
        {
            if let Some(pos) = folded.find("ngay") {
                let char_pos = folded[..pos].chars().count();
                let place: String = line.chars().take(char_pos).collect();
                let place = place.trim().trim_end_matches(',').trim();
                if place.split_whitespace().count() <= 4 {
                    plan.place = place.to_string();
                    plan.date = line
                        .chars()
                        .skip(char_pos)
                        .collect::<String>()
                        .trim()
                        .to_string();
                    plan.date_parts = date_parts(&fold(&plan.date));
                }
            }
        } else if kind_idx.is_none()
            && !plan.date.is_empty()
            && line.split_whitespace().count() <= 5
            && line.chars().any(char::is_alphabetic)
            && !line.chars().any(char::is_lowercase)
        {
            plan.kind = line.clone();
            kind_idx = Some(idx);
        }
    }
    if let Some(idx) = kind_idx {
        plan.title = lines.get(idx + 1).cloned().unwrap_or_default();
    }
    plan.period = plan_period(&plan.title);
    plan
}

fn date_parts(folded: &str) -> PlanDate {
    let number_after = |word: &str| -> Option<i64> {
        let pos = folded.find(word)?;
        let rest = folded[pos + word.len()..].trim_start();
        let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
        digits.parse().ok()
    };
    PlanDate {
        day: number_after("ngay")
            .and_then(|d| u8::try_from(d).ok())
            .filter(|d| (1..=31).contains(d)),
        month: number_after("thang")
            .and_then(|m| u8::try_from(m).ok())
            .filter(|m| (1..=12).contains(m)),
        year: number_after("nam")
            .and_then(|y| i32::try_from(y).ok())
            .filter(|y| *y >= 1900),
    }
}

/// "giai đoạn 2026-2030" (or "2026 – 2030").
fn plan_period(text: &str) -> Option<PlanPeriod> {
    let folded = fold(text);
    let pos = folded.find("giai doan ")?;
    let rest = &folded[pos + "giai doan ".len()..];
    let from: String = rest.chars().take_while(char::is_ascii_digit).collect();
    let rest = rest[from.len()..]
        .trim_start()
        .trim_start_matches(['-', '–', '—'])
        .trim_start();
    let to: String = rest.chars().take_while(char::is_ascii_digit).collect();
    match (from.parse(), to.parse()) {
        (Ok(from), Ok(to)) if from <= to => Some(PlanPeriod { from, to }),
        _ => None,
    }
}

/// "(Kèm theo Kế hoạch số /KH-SXD ngày ... của Sở Xây dựng)" gives "Sở Xây dựng".
fn issuer_from_subtitle(subtitle: &str) -> Option<String> {
    let folded: String = subtitle.chars().map(fold_char).collect();
    let pos = folded.rfind(" cua ")?;
    let start = folded[..pos + " cua ".len()].chars().count();
    let issuer: String = subtitle.chars().skip(start).collect();
    let issuer = issuer.trim().trim_end_matches(')').trim().to_string();
    (!issuer.is_empty()).then_some(issuer)
}

/// The kind of a task or section code, which gives its nesting level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum CodeKind {
    Roman,
    Letter,
    Integer,
    Dotted(usize),
    LowerLetter,
    Bullet,
}

fn code_kind(code: &str, previous_letter: Option<char>) -> Option<CodeKind> {
    let c = code.trim_end_matches(['.', ')', ':']).trim();
    if c.is_empty() {
        return None;
    }
    if matches!(c, "-" | "+" | "*" | "•") {
        return Some(CodeKind::Bullet);
    }
    if c.chars().all(|ch| ch.is_ascii_digit()) {
        return Some(CodeKind::Integer);
    }
    let parts: Vec<&str> = c.split('.').collect();
    if parts.len() > 1
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.chars().all(|ch| ch.is_ascii_digit()))
    {
        return Some(CodeKind::Dotted(parts.len()));
    }
    let mut chars = c.chars();
    if let (Some(ch), None) = (chars.next(), chars.next()) {
        if ch.is_lowercase() {
            return Some(CodeKind::LowerLetter);
        }
        // "I" after "H" continues a lettered sequence rather than starting a roman one.
        let follows_letter =
            previous_letter.is_some_and(|p| char::from_u32(p as u32 + 1) == Some(ch));
        if ch.is_uppercase() && (follows_letter || !is_roman(c)) {
            return Some(CodeKind::Letter);
        }
    }
    if is_roman(c) {
        return Some(CodeKind::Roman);
    }
    None
}

/// The id form of a code: trailing punctuation removed.
pub(crate) fn code_key(code: &str) -> String {
    code.trim_end_matches(['.', ')', ':']).trim().to_string()
}

/// What a header cell names, or `None` when it is not a known column title.
fn header_label(cell: &str) -> Option<Field> {
    let f = fold(cell);
    let f = f.trim_end_matches(['.', ':', '*']).trim();
    if f.is_empty() || f.chars().count() > 60 {
        return None;
    }
    let field = if matches!(f, "stt" | "tt" | "so tt" | "so thu tu" | "ma" | "ma so") {
        Field::Code
    } else if f.contains("chu tri") {
        Field::Lead
    } else if f.contains("phoi hop") {
        Field::Support
    } else if f.contains("thoi gian") || f.contains("thoi han") || f.contains("tien do") {
        Field::Timeframe
    } else if f.contains("san pham") || f.starts_with("ket qua") {
        Field::Products
    } else if f.contains("ghi chu") {
        Field::Notes
    } else if f.contains("noi dung") || f.contains("giai phap") || f.contains("chi tieu") {
        Field::Content
    } else if f.contains("tieu chi")
        || f.contains("nhiem vu")
        || f.starts_with("ten ")
        || f.contains("thanh phan")
    {
        Field::Title
    } else {
        return None;
    };
    Some(field)
}

/// A row that starts a table (or repeats its header on a new page): "STT" first, and at least
/// two more cells that are column titles.
fn is_header_row(cells: &[String]) -> bool {
    cells
        .first()
        .is_some_and(|c| header_label(c) == Some(Field::Code))
        && cells
            .iter()
            .skip(1)
            .filter(|c| header_label(c).is_some())
            .count()
            >= 2
}

/// A table row with its continuation rows merged in.
struct LogicalRow {
    at: SourceRef,
    code: String,
    fields: HashMap<Field, String>,
    cells: Vec<(SourceRef, usize, Field)>,
}

impl LogicalRow {
    fn text(&self, field: Field) -> &str {
        self.fields.get(&field).map_or("", String::as_str)
    }

    fn add(&mut self, at: SourceRef, column: usize, field: Field, text: &str, separator: char) {
        let slot = self.fields.entry(field).or_default();
        if !slot.is_empty() {
            slot.push(separator);
        }
        slot.push_str(text);
        self.cells.push((at, column, field));
    }

    fn has_assignment(&self) -> bool {
        [Field::Lead, Field::Support, Field::Products]
            .iter()
            .any(|f| !self.text(*f).is_empty())
    }
}

#[derive(Default)]
struct Builder {
    warnings: Vec<Warning>,
    placements: Vec<CellPlacement>,
    /// Ids given so far, to number repeated codes.
    task_ids: HashSet<TaskId>,
}

/// A section being filled while the rows below it are read.
struct OpenSection {
    level: usize,
    path: String,
    section: Section,
}

impl Builder {
    fn warn(&mut self, at: SourceRef, message: impl Into<String>) {
        self.warnings.push(Warning {
            at,
            message: message.into(),
        });
    }

    fn appendix(
        &mut self,
        heading_at: SourceRef,
        heading: &AppendixHeading,
        blocks: &[Block],
    ) -> Result<Appendix, ImportError> {
        // Title lines run until the first row or the "(Kèm theo ...)" line.
        let mut title_parts = vec![heading.inline_title.clone()];
        let mut subtitle = String::new();
        let mut table_start = blocks.len();
        for (idx, block) in blocks.iter().enumerate() {
            match block {
                Block::Row { .. } => {
                    table_start = idx;
                    break;
                }
                Block::Paragraph { text, .. } => {
                    let text = tidy(text);
                    if text.is_empty() {
                        continue;
                    }
                    if text.starts_with('(') && subtitle.is_empty() {
                        subtitle = text;
                        table_start = idx + 1;
                        break;
                    }
                    title_parts.push(text);
                }
            }
        }
        let title = title_parts
            .iter()
            .filter(|p| !p.is_empty())
            .cloned()
            .collect::<Vec<_>>()
            .join(" ");
        let index = index_of(&title).ok_or_else(|| {
            ImportError::at(
                heading_at,
                format!("appendix \"{title}\" names none of the indexes PAR INDEX, PAPI, SIPAS"),
            )
        })?;
        let (rows, notes) = self.logical_rows(&blocks[table_start..])?;
        if rows.is_empty() {
            return Err(ImportError::at(
                heading_at,
                format!("appendix \"{title}\" has no task table"),
            ));
        }
        let (sections, tasks) = self.tree(index, rows)?;
        Ok(Appendix {
            index,
            number: heading.number.clone(),
            title,
            subtitle,
            notes,
            sections,
            tasks,
        })
    }

    /// Reads an appendix's table rows, merging header and continuation rows.
    fn logical_rows(
        &mut self,
        blocks: &[Block],
    ) -> Result<(Vec<LogicalRow>, Vec<String>), ImportError> {
        let mut columns: Option<Vec<Option<Field>>> = None;
        let mut last_was_header = false;
        let mut closed_by: Option<SourceRef> = None;
        let mut rows: Vec<LogicalRow> = Vec::new();
        let mut notes = Vec::new();
        for block in blocks {
            match block {
                Block::Paragraph { text, .. } => {
                    let text = tidy(text);
                    if text.is_empty() {
                        continue;
                    }
                    if columns.is_some() {
                        closed_by.get_or_insert(block.at());
                    }
                    notes.push(text);
                }
                Block::Row { at, cells } => {
                    let cells: Vec<String> = cells.iter().map(|c| clean_cell(c)).collect();
                    if cells.iter().all(String::is_empty) {
                        continue;
                    }
                    if is_header_row(&cells) {
                        let roles: Vec<Option<Field>> =
                            cells.iter().map(|c| header_label(c)).collect();
                        for (column, cell) in cells.iter().enumerate() {
                            if !cell.is_empty() && roles[column].is_none() {
                                self.warn(*at, format!("column {} \"{cell}\" is not a known column; its cells are kept as notes", column + 1));
                            }
                        }
                        let roles = cells
                            .iter()
                            .zip(roles)
                            .map(|(c, r)| r.or((!c.is_empty()).then_some(Field::Notes)))
                            .collect();
                        columns = Some(roles);
                        last_was_header = true;
                        closed_by = None;
                        continue;
                    }
                    let Some(roles) = columns.as_mut() else {
                        return Err(ImportError::at(
                            *at,
                            "table row before the table's header row (a row starting with \"STT\")",
                        ));
                    };
                    // A table with one text column ("Nhiệm vụ, giải pháp") names tasks with it.
                    if !roles.contains(&Some(Field::Title)) {
                        if let Some(first) = roles.iter_mut().find(|r| **r == Some(Field::Content))
                        {
                            *first = Some(Field::Title);
                        }
                    }
                    let code_column = roles
                        .iter()
                        .position(|r| *r == Some(Field::Code))
                        .unwrap_or(0);
                    let code = cells.get(code_column).cloned().unwrap_or_default();
                    // The second row of a two-row header names the columns the first left blank.
                    if last_was_header
                        && code.is_empty()
                        && cells
                            .iter()
                            .all(|c| c.is_empty() || header_label(c).is_some())
                    {
                        for (column, cell) in cells.iter().enumerate() {
                            if let Some(label) = header_label(cell) {
                                if column >= roles.len() {
                                    roles.resize(column + 1, None);
                                }
                                roles[column] = Some(label);
                            }
                        }
                        continue;
                    }
                    last_was_header = false;
                    if let Some(closer) = closed_by {
                        return Err(ImportError::at(
                            *at,
                            format!("table row after the text at {closer} that ended the table; repeat the header row to continue it"),
                        ));
                    }
                    for (column, cell) in cells.iter().enumerate() {
                        if !cell.is_empty() && roles.get(column).copied().flatten().is_none() {
                            return Err(ImportError::at(
                                *at,
                                format!(
                                    "cell in column {} (\"{}\") has no column title above it",
                                    column + 1,
                                    shorten(cell)
                                ),
                            ));
                        }
                    }
                    let row =
                        if code.is_empty() {
                            match rows.last_mut() {
                                Some(row) => row,
                                None => return Err(ImportError::at(
                                    *at,
                                    "continuation row (empty STT) with no task or section above it",
                                )),
                            }
                        } else {
                            rows.push(LogicalRow {
                                at: *at,
                                code: code.clone(),
                                fields: HashMap::new(),
                                cells: Vec::new(),
                            });
                            rows.last_mut().expect("just pushed")
                        };
                    for (column, cell) in cells.iter().enumerate() {
                        let Some(field) = roles.get(column).copied().flatten() else {
                            continue;
                        };
                        if cell.is_empty() {
                            continue;
                        }
                        if field == Field::Code {
                            if !code.is_empty() {
                                row.cells.push((*at, column, Field::Code));
                            }
                            continue;
                        }
                        // A continuation row carries on the text a page break cut.
                        row.add(
                            *at,
                            column,
                            field,
                            cell,
                            if code.is_empty() { ' ' } else { '\n' },
                        );
                    }
                }
            }
        }
        Ok((rows, notes))
    }

    /// Nests the rows into sections and tasks by the kind of their codes.
    fn tree(
        &mut self,
        index: IndexKind,
        rows: Vec<LogicalRow>,
    ) -> Result<(Vec<Section>, Vec<Task>), ImportError> {
        let mut kinds = Vec::with_capacity(rows.len());
        let mut previous_letter = None;
        for row in &rows {
            let key = code_key(&row.code);
            let kind = code_kind(&row.code, previous_letter).ok_or_else(|| {
                ImportError::at(
                    row.at,
                    format!(
                        "STT \"{}\" is not a number, roman numeral, letter or bullet",
                        row.code
                    ),
                )
            })?;
            if kind == CodeKind::Letter {
                previous_letter = key.chars().next();
            }
            kinds.push(kind);
        }
        let mut levels: Vec<CodeKind> = Vec::new();
        for kind in &kinds {
            if !levels.contains(kind) {
                levels.push(*kind);
            }
        }
        let level_of = |kind: CodeKind| {
            levels
                .iter()
                .position(|k| *k == kind)
                .expect("every kind has a level")
        };
        let task_kinds: HashSet<CodeKind> = rows
            .iter()
            .zip(&kinds)
            .filter(|(r, _)| r.has_assignment())
            .map(|(_, k)| *k)
            .collect();

        let mut root_sections: Vec<Section> = Vec::new();
        let mut root_tasks: Vec<Task> = Vec::new();
        let mut stack: Vec<OpenSection> = Vec::new();
        let mut last_task_level: Option<usize> = None;
        let close_to = |stack: &mut Vec<OpenSection>, roots: &mut Vec<Section>, level: usize| {
            while stack.last().is_some_and(|open| open.level >= level) {
                let open = stack.pop().expect("checked");
                match stack.last_mut() {
                    Some(parent) => parent.section.sections.push(open.section),
                    None => roots.push(open.section),
                }
            }
        };
        for (idx, row) in rows.iter().enumerate() {
            let level = level_of(kinds[idx]);
            let has_children = rows
                .get(idx + 1)
                .is_some_and(|_| level_of(kinds[idx + 1]) > level);
            let is_task =
                row.has_assignment() || (task_kinds.contains(&kinds[idx]) && !has_children);
            if !is_task && last_task_level.is_some_and(|l| level > l) {
                // A sub-item of a task ("a)", "-") carries on the task's content.
                let task = match stack.last_mut() {
                    Some(open) => open.section.tasks.last_mut(),
                    None => root_tasks.last_mut(),
                }
                .expect("a task level is set only after a task was added");
                let owner = CellOwner::Task(task.id.clone());
                let line = [
                    row.code.as_str(),
                    row.text(Field::Title),
                    row.text(Field::Content),
                    row.text(Field::Notes),
                ]
                .iter()
                .filter(|t| !t.is_empty())
                .copied()
                .collect::<Vec<_>>()
                .join(" ");
                if !task.content.is_empty() {
                    task.content.push('\n');
                }
                task.content.push_str(&line);
                self.place(row, &owner, Some(Field::Content));
                continue;
            }
            close_to(&mut stack, &mut root_sections, level);
            let parent_path = stack
                .last()
                .map_or_else(|| index.code().to_string(), |o| o.path.clone());
            let key = code_key(&row.code);
            if is_task {
                let task = self.task(index, &parent_path, row)?;
                let siblings = match stack.last_mut() {
                    Some(open) => &mut open.section.tasks,
                    None => &mut root_tasks,
                };
                if let Some(previous) = siblings.last() {
                    self.check_numbering(row.at, &previous.code, &row.code);
                }
                siblings.push(task);
                last_task_level = Some(level);
            } else {
                let content = [Field::Content, Field::Notes]
                    .iter()
                    .find(|f| !row.text(**f).is_empty());
                if let Some(field) = content {
                    return Err(ImportError::at(
                        row.at,
                        format!(
                            "row \"{}\" has {} text but no lead unit (Chủ trì), and rows below it are numbered under it",
                            row.code,
                            if *field == Field::Content { "content" } else { "notes" }
                        ),
                    ));
                }
                let path = format!("{parent_path}/{key}");
                let timeframe = Some(row.text(Field::Timeframe))
                    .filter(|t| !t.is_empty())
                    .map(Timeframe::parse);
                if let Some(tf) = &timeframe {
                    if !tf.is_recognised() {
                        self.warn(
                            row.at,
                            format!(
                                "time frame \"{}\" is not a known wording; kept as written",
                                tf.text
                            ),
                        );
                    }
                }
                self.place(row, &CellOwner::Section(path.clone()), None);
                stack.push(OpenSection {
                    level,
                    path,
                    section: Section {
                        code: row.code.clone(),
                        title: row.text(Field::Title).to_string(),
                        timeframe,
                        sections: Vec::new(),
                        tasks: Vec::new(),
                    },
                });
                last_task_level = None;
            }
        }
        close_to(&mut stack, &mut root_sections, 0);
        Ok((root_sections, root_tasks))
    }

    fn task(
        &mut self,
        index: IndexKind,
        parent_path: &str,
        row: &LogicalRow,
    ) -> Result<Task, ImportError> {
        let base = format!("{parent_path}/{}", code_key(&row.code));
        let mut id = TaskId(base.clone());
        let mut occurrence = 1;
        while self.task_ids.contains(&id) {
            occurrence += 1;
            id = TaskId(format!("{base}#{occurrence}"));
        }
        if occurrence > 1 {
            self.warn(
                row.at,
                format!(
                    "task code {} is printed again in the same section; this one is {id}",
                    row.code
                ),
            );
        }
        self.task_ids.insert(id.clone());
        let title = row.text(Field::Title).to_string();
        let content = row.text(Field::Content).to_string();
        let timeframe = Timeframe::parse(row.text(Field::Timeframe));
        match timeframe.schedule {
            Schedule::Unrecognised => self.warn(
                row.at,
                format!(
                    "time frame \"{}\" of task {id} is not a known wording; kept as written",
                    timeframe.text
                ),
            ),
            Schedule::Unspecified => self.warn(row.at, format!("task {id} has no time frame")),
            _ => {}
        }
        let lead_text = row.text(Field::Lead).to_string();
        if lead_text.is_empty() {
            self.warn(row.at, format!("task {id} has no lead unit (Chủ trì)"));
        }
        let products_text = row.text(Field::Products).to_string();
        let products = split_products(&products_text);
        let targets = find_targets(if content.is_empty() { &title } else { &content });
        self.place(row, &CellOwner::Task(id.clone()), None);
        let _ = index;
        Ok(Task {
            id,
            code: row.code.clone(),
            title,
            content,
            lead: split_assignees(&lead_text),
            support: split_assignees(row.text(Field::Support)),
            lead_text,
            support_text: row.text(Field::Support).to_string(),
            timeframe,
            products,
            products_text,
            notes: row.text(Field::Notes).to_string(),
            targets,
            source: row.at.to_string(),
            evidence_required: false,
        })
    }

    /// Records where each of the row's cells went; `into` overrides the field (sub-items).
    fn place(&mut self, row: &LogicalRow, owner: &CellOwner, into: Option<Field>) {
        for (at, column, field) in &row.cells {
            self.placements.push(CellPlacement {
                at: *at,
                column: *column,
                owner: owner.clone(),
                field: into.unwrap_or(*field),
            });
        }
    }

    fn check_numbering(&mut self, at: SourceRef, previous: &str, current: &str) {
        let last_number = |code: &str| {
            code_key(code)
                .rsplit('.')
                .next()
                .and_then(|n| n.parse::<u32>().ok())
        };
        if let (Some(p), Some(c)) = (last_number(previous), last_number(current)) {
            if c > p + 1 {
                self.warn(
                    at,
                    format!("task numbering jumps from {previous} to {current}"),
                );
            }
        }
    }

    /// Registers every name, then rewrites task lists to canonical names.
    fn finish_units(&mut self, plan: &mut Plan) {
        let mut registry = UnitRegistry::default();
        for (_, task) in plan.tasks() {
            for name in task.lead.iter().chain(&task.support) {
                registry.register(name);
            }
        }
        canonicalise_units(plan, &registry);
        for entry in &registry.entries {
            let message = match entry.assignee {
                Assignee::Collective(CollectiveKind::Unexpandable) => {
                    format!(
                        "\"{}\" names a group the importer cannot expand to units",
                        entry.name
                    )
                }
                Assignee::Collective(_) if registry.expand(&entry.name).is_empty() => format!(
                    "\"{}\" covers no unit named in the plan; add its units to the unit registry",
                    entry.name
                ),
                _ => continue,
            };
            let first_task = plan.tasks().into_iter().map(|(_, t)| t).find(|t| {
                t.lead
                    .iter()
                    .chain(&t.support)
                    .any(|n| registry.canonical(n) == Some(entry.name.as_str()))
            });
            let at = first_task
                .and_then(|t| {
                    self.placements
                        .iter()
                        .find(|p| p.owner == CellOwner::Task(t.id.clone()))
                })
                .map(|p| p.at);
            if let Some(at) = at {
                self.warn(at, message);
            }
        }
        plan.units = registry;
    }
}

/// Rewrites every task's lead and supporting units to the registry's canonical names, each once.
pub(crate) fn canonicalise_units(plan: &mut Plan, registry: &UnitRegistry) {
    let canonical = |names: &mut Vec<String>| {
        for name in names.iter_mut() {
            if let Some(c) = registry.canonical(name) {
                *name = c.to_string();
            }
        }
        let mut seen = HashSet::new();
        names.retain(|n| seen.insert(n.clone()));
    };
    for appendix in &mut plan.appendices {
        for task in appendix.tasks.iter_mut() {
            canonical(&mut task.lead);
            canonical(&mut task.support);
        }
        for section in &mut appendix.sections {
            visit_tasks_mut(section, &mut |task| {
                canonical(&mut task.lead);
                canonical(&mut task.support);
            });
        }
    }
}

/// Splits a products cell into its items (one per line or semicolon, bullets and final full
/// stops dropped).
pub(crate) fn split_products(products_text: &str) -> Vec<String> {
    products_text
        .split(['\n', ';'])
        .map(|p| {
            p.trim()
                .trim_start_matches(['-', '+', '•'])
                .trim()
                .trim_end_matches('.')
                .trim()
                .to_string()
        })
        .filter(|p| !p.is_empty())
        .collect()
}

fn visit_tasks_mut(section: &mut Section, f: &mut dyn FnMut(&mut Task)) {
    section.tasks.iter_mut().for_each(&mut *f);
    for child in &mut section.sections {
        visit_tasks_mut(child, f);
    }
}

fn index_of(title: &str) -> Option<IndexKind> {
    let f = fold(title);
    // Acronyms first; plans that spell an index out name it by its full title.
    if f.contains("par index") || f.contains("parindex") {
        Some(IndexKind::ParIndex)
    } else if f.contains("papi") {
        Some(IndexKind::Papi)
    } else if f.contains("sipas") {
        Some(IndexKind::Sipas)
    } else if f.contains("cai cach hanh chinh") {
        Some(IndexKind::ParIndex)
    } else if f.contains("hieu qua quan tri") {
        Some(IndexKind::Papi)
    } else if f.contains("hai long") {
        Some(IndexKind::Sipas)
    } else {
        None
    }
}

fn shorten(text: &str) -> String {
    let mut short: String = text.chars().take(40).collect();
    if text.chars().count() > 40 {
        short.push('…');
    }
    short
}
