//! What a report says about the units' data it could not read: one notice per unit, in words
//! for the office, with the technical detail for whoever repairs the data. The DOCX and XLSX
//! files print them, the CLI warns with them, and the dashboard shows them in a banner.

use serde::{Deserialize, Serialize};

use super::model::{Report, ReportUnit};
use crate::plan::TaskId;
use crate::unreadable::{RecordPart, UnreadableReason};

/// Which of a unit's documents could not be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UnreadableRole {
    /// The unit's records: the unit is left out of the report.
    Records,
    /// The office's appraisal of the unit: its appraisals show as unreadable.
    Review,
}

impl UnreadableRole {
    pub fn as_str(self) -> &'static str {
        match self {
            UnreadableRole::Records => "records",
            UnreadableRole::Review => "review",
        }
    }
}

/// A unit's document that could not be read at all.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnreadableDocument {
    pub unit: ReportUnit,
    pub role: UnreadableRole,
    pub reason: UnreadableReason,
    /// What was found, for whoever repairs it ("year is 2025, expected 2026").
    pub cause: String,
}

impl UnreadableDocument {
    /// What could not be read and why, for the office: "Không đọc được dữ liệu của Phòng Quản
    /// lý hạ tầng: dữ liệu ghi là của năm 2025, không phải năm 2026."
    pub fn text(&self) -> String {
        let name = &self.unit.name;
        let reason = self.reason.text();
        match self.role {
            UnreadableRole::Records => format!("Không đọc được dữ liệu của {name}: {reason}."),
            UnreadableRole::Review => {
                format!("Không đọc được kết quả thẩm định của {name}: {reason}.")
            }
        }
    }

    /// The notice in a report: [`UnreadableDocument::text`] and what it means for the report.
    pub fn notice(&self) -> ReadNotice {
        let effect = match self.role {
            UnreadableRole::Records => "Báo cáo này chưa gồm số liệu của đơn vị.",
            UnreadableRole::Review => {
                "Số liệu của đơn vị vẫn có trong báo cáo; cột thẩm định của đơn vị ghi “Không đọc được”."
            }
        };
        ReadNotice {
            unit: self.unit.clone(),
            text: format!("{} {effect}", self.text()),
            detail: format!("{} {}: {}", self.unit.code, self.role.as_str(), self.cause),
        }
    }
}

/// A notice about a unit's data that could not be read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReadNotice {
    pub unit: ReportUnit,
    /// For the office, in Vietnamese.
    pub text: String,
    /// For whoever repairs the data: the unit, document and what was found.
    pub detail: String,
}

impl ReadNotice {
    /// The notice with its detail, as one line.
    pub fn line(&self) -> String {
        format!("{} (Chi tiết kỹ thuật: {}.)", self.text, self.detail)
    }
}

/// At most this many tasks are named in a unit's notice; the rest are counted.
const MAX_TASKS_NAMED: usize = 8;

/// Task titles in notices are cut to this many characters.
const MAX_TITLE_CHARS: usize = 60;

impl Report {
    /// Every notice about data that could not be read: whole documents first (registry order),
    /// then per unit the tasks with parts that could not be read (in the order units appear).
    pub fn read_notices(&self) -> Vec<ReadNotice> {
        let mut notices: Vec<ReadNotice> = self
            .unreadable
            .iter()
            .map(UnreadableDocument::notice)
            .collect();
        // (unit, [(task id, code, title, parts)]) in the order units first appear.
        type TaskParts<'r> = (&'r TaskId, &'r str, &'r str, &'r [RecordPart]);
        let mut by_unit: Vec<(ReportUnit, Vec<TaskParts<'_>>)> = Vec::new();
        let tasks = self
            .indexes
            .iter()
            .flat_map(|i| &i.sections)
            .flat_map(|s| &s.tasks);
        for task in tasks {
            for unit in task.units.iter().filter(|u| !u.unreadable.is_empty()) {
                let entry = (
                    &task.task_id,
                    task.code.as_str(),
                    task.title.as_str(),
                    unit.unreadable.as_slice(),
                );
                match by_unit.iter_mut().find(|(u, _)| u.code == unit.unit_code) {
                    Some((_, entries)) => entries.push(entry),
                    None => by_unit.push((
                        ReportUnit {
                            code: unit.unit_code.clone(),
                            name: unit.unit_name.clone(),
                        },
                        vec![entry],
                    )),
                }
            }
        }
        let period = self.period.to_string();
        for (unit, entries) in by_unit {
            let mut named: Vec<String> = entries
                .iter()
                .take(MAX_TASKS_NAMED)
                .map(|(_, code, title, parts)| {
                    let labels: Vec<String> = parts.iter().map(|p| p.label()).collect();
                    format!(
                        "nhiệm vụ {code} “{}” – {}",
                        shorten(title),
                        labels.join(", ")
                    )
                })
                .collect();
            if entries.len() > MAX_TASKS_NAMED {
                named.push(format!(
                    "và {} nhiệm vụ khác",
                    entries.len() - MAX_TASKS_NAMED
                ));
            }
            let mut detail: Vec<String> = entries
                .iter()
                .take(MAX_TASKS_NAMED)
                .map(|(task_id, _, _, parts)| {
                    let paths: Vec<String> = parts
                        .iter()
                        .map(|p| {
                            let document = if p.is_review() { "review" } else { "records" };
                            format!("{document} {}", p.path(&task_id.0, &period))
                        })
                        .collect();
                    paths.join(", ")
                })
                .collect();
            if entries.len() > MAX_TASKS_NAMED {
                detail.push("…".to_string());
            }
            notices.push(ReadNotice {
                text: format!(
                    "Một số số liệu của {} bị ghi sai hoặc bị mất nên không đọc được và để trống trong báo cáo: {}.",
                    unit.name,
                    named.join("; ")
                ),
                detail: format!("{} {}", unit.code, detail.join("; ")),
                unit,
            });
        }
        notices
    }
}

fn shorten(title: &str) -> String {
    if title.chars().count() <= MAX_TITLE_CHARS {
        return title.to_string();
    }
    let cut: String = title.chars().take(MAX_TITLE_CHARS).collect();
    format!("{}…", cut.trim_end())
}
