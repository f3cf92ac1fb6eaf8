//! The read model: plain rows rebuilt from the plan and records documents (see
//! `local_db::task_rows`), brought up to date lazily before each query for the documents whose
//! heads changed since their rows were built.

use serde::Serialize;
use shared::documents::records::{self, TaskRecord, TextField};
use shared::documents::DocumentKind;
use shared::vietnamese::fold;

use crate::client::Client;
use crate::error::Result;

/// One task of one unit, as lists show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TaskRow {
    pub task_id: String,
    pub unit: String,
    /// "PAR_INDEX", "PAPI" or "SIPAS".
    pub index: String,
    pub code: String,
    pub title: String,
    /// Lead units, joined with "; ".
    pub lead: String,
    /// The current status ("done"...), if set.
    pub status: Option<String>,
    pub progress: Option<u8>,
    /// Whether competing values of status or progress are waiting for a person.
    pub conflict: bool,
}

impl Client {
    /// The tasks of every downloaded records document whose text (plan text, units, the unit's
    /// own results and notes) contains every word of `query`, ignoring case and diacritics.
    /// An empty query lists every task.
    pub async fn search_tasks(&self, query: &str) -> Result<Vec<TaskRow>> {
        self.refresh_read_model().await?;
        let words: Vec<String> = fold(query)
            .split(' ')
            .filter(|w| !w.is_empty())
            .map(str::to_string)
            .collect();
        self.inner.setup.db.search_task_rows(&words)
    }

    /// Rebuilds the rows of records documents that changed; returns how many were rebuilt.
    pub async fn refresh_read_model(&self) -> Result<usize> {
        let Some(plan) = self.plan().await? else {
            return Ok(0);
        };
        let db = &self.inner.setup.db;
        let mut n_rebuilt = 0;
        for info in self
            .documents()
            .into_iter()
            .filter(|d| d.kind == DocumentKind::Records)
        {
            let doc_id = info.id.to_string();
            let Ok(heads) = self.doc_heads(&info.id).await else {
                continue;
            };
            let heads_text = heads
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(",");
            if db.task_rows_heads(&doc_id)? == heads_text {
                continue;
            }
            let records: Vec<TaskRecord> = self
                .with_doc(&info.id, |doc| {
                    records::task_ids(doc)
                        .map(|ids| {
                            ids.iter()
                                .filter_map(|id| records::read(doc, id).ok())
                                .collect()
                        })
                        .unwrap_or_default()
                })
                .await?;
            let unit = info.unit.clone().unwrap_or_default();
            let mut rows = Vec::new();
            for (index, task) in plan.tasks() {
                let Some(record) = records.iter().find(|r| r.task_id == task.id) else {
                    continue;
                };
                let mut text = vec![task.code.clone(), task.title.clone(), task.content.clone()];
                text.extend(task.lead.iter().chain(&task.support).cloned());
                for period in &record.periods {
                    for field in TextField::ALL {
                        let value = match field {
                            TextField::Result => &period.result,
                            TextField::Difficulties => &period.difficulties,
                            TextField::Proposals => &period.proposals,
                            TextField::Notes => &period.notes,
                        };
                        if !value.is_empty() {
                            text.push(value.clone());
                        }
                    }
                }
                let row = TaskRow {
                    task_id: task.id.0.clone(),
                    unit: unit.clone(),
                    index: index.code().to_string(),
                    code: task.code.clone(),
                    title: task.title.clone(),
                    lead: task.lead.join("; "),
                    status: record.status.current().map(|s| s.as_str().to_string()),
                    progress: record.progress.current().copied(),
                    conflict: record.status.is_conflict() || record.progress.is_conflict(),
                };
                rows.push((row, fold(&text.join(" "))));
            }
            db.replace_task_rows(&doc_id, &heads_text, &rows)?;
            n_rebuilt += 1;
        }
        Ok(n_rebuilt)
    }
}
