//! Reading and editing documents, one document at a time. An edit returns once its change is
//! committed to SQLite: "saved" means on this laptop's disk; the status says when the server
//! has it too.

use automerge::{Automerge, ChangeHash};
use samod::DocumentId;
use shared::calendar::PeriodId;
use shared::documents::history::{self, HistoryEntry};
use shared::documents::records::{self, RecordEdit, TaskRecord, TaskStatus};
use shared::documents::review::{self, ReviewEntry, Verdict};
use shared::documents::{plan_doc, ChangeAuthor, DocumentError, DocumentKind};
use shared::plan::{Plan, TaskId};
use shared::plan_edit::PlanEdit;
use shared::report::HeadingParticulars;

use crate::client::Client;
use crate::doc_info::DocInfo;
use crate::error::{ClientError, Result};
use crate::workspace::Workspace;

/// The plan document's entry, if listed for this user.
fn plan_info(workspace: &Workspace) -> Option<DocInfo> {
    workspace
        .docs
        .list()
        .into_iter()
        .find(|d| d.kind == DocumentKind::Plan)
}

/// The plan document's entry if this user may write it: not listed yet is "not downloaded",
/// read-only is refused.
fn writable_plan(workspace: &Workspace) -> Result<DocInfo> {
    let info = plan_info(workspace).ok_or_else(|| ClientError::NotDownloaded {
        doc_id: "plan".into(),
    })?;
    if !info.is_writable() {
        return Err(ClientError::PlanReadOnly);
    }
    Ok(info)
}

impl Client {
    /// The plan, or `None` while it has not been downloaded.
    pub async fn plan(&self) -> Result<Option<Plan>> {
        let workspace = self.inner.workspace()?;
        let Some(info) = plan_info(&workspace) else {
            return Ok(None);
        };
        match read(&workspace, &info.id, DocumentKind::Plan, plan_doc::read).await {
            Ok(plan) => Ok(Some(plan?)),
            Err(ClientError::NotDownloaded { .. }) => Ok(None),
            Err(err) => Err(err),
        }
    }

    /// The plan with its document's id and the heads it was read at (what a report records
    /// it was built from), or `None` while it has not been downloaded.
    pub async fn plan_read_at(&self) -> Result<Option<(Plan, DocumentId, Vec<ChangeHash>)>> {
        Ok(self
            .plan_and_heading_read_at()
            .await?
            .map(|(plan, _, id, heads)| (plan, id, heads)))
    }

    /// [`Client::plan_read_at`] with the office's report particulars read at the same heads
    /// (what a report is issued with), or `None` while the plan has not been downloaded.
    pub async fn plan_and_heading_read_at(
        &self,
    ) -> Result<Option<(Plan, HeadingParticulars, DocumentId, Vec<ChangeHash>)>> {
        let workspace = self.inner.workspace()?;
        let Some(info) = plan_info(&workspace) else {
            return Ok(None);
        };
        let read_at = |doc: &Automerge| {
            (
                plan_doc::read(doc),
                plan_doc::read_heading(doc),
                doc.get_heads(),
            )
        };
        match read(&workspace, &info.id, DocumentKind::Plan, read_at).await {
            Ok((plan, particulars, mut heads)) => {
                heads.sort_unstable();
                Ok(Some((plan?, particulars?, info.id, heads)))
            }
            Err(ClientError::NotDownloaded { .. }) => Ok(None),
            Err(err) => Err(err),
        }
    }

    /// Records a plan editor's edit of the plan (a task edited or added) and returns the task's
    /// id once the change is saved on this laptop. Refuses users who may not write the plan.
    pub async fn edit_plan(&self, edit: PlanEdit) -> Result<TaskId> {
        let workspace = self.inner.workspace()?;
        let info = writable_plan(&workspace)?;
        change(
            &workspace,
            &info.id,
            DocumentKind::Plan,
            move |doc, author, now_ms| plan_doc::record_edit(doc, author, now_ms, &edit),
        )
        .await
    }

    /// The office's stored report particulars ([`HeadingParticulars`]: empty fields derived
    /// from the plan), or `None` while the plan has not been downloaded.
    pub async fn report_heading(&self) -> Result<Option<HeadingParticulars>> {
        let workspace = self.inner.workspace()?;
        let Some(info) = plan_info(&workspace) else {
            return Ok(None);
        };
        match read(
            &workspace,
            &info.id,
            DocumentKind::Plan,
            plan_doc::read_heading,
        )
        .await
        {
            Ok(particulars) => Ok(Some(particulars?)),
            Err(ClientError::NotDownloaded { .. }) => Ok(None),
            Err(err) => Err(err),
        }
    }

    /// Stores a plan editor's report particulars in the plan document (offline too) once the
    /// change is saved on this laptop. Refuses users who may not write the plan.
    pub async fn set_report_heading(&self, particulars: HeadingParticulars) -> Result<()> {
        let workspace = self.inner.workspace()?;
        let info = writable_plan(&workspace)?;
        change(
            &workspace,
            &info.id,
            DocumentKind::Plan,
            move |doc, author, now_ms| plan_doc::write_heading(doc, author, now_ms, &particulars),
        )
        .await
    }

    /// The records document of `unit` for `year`, if listed for this user.
    pub fn records_doc_for(&self, unit: &str, year: i32) -> Option<DocInfo> {
        let workspace = self.inner.current()?;
        workspace.docs.find_info(DocumentKind::Records, unit, year)
    }

    /// The review document of `unit` for `year`, if listed for this user.
    pub fn review_doc_for(&self, unit: &str, year: i32) -> Option<DocInfo> {
        let workspace = self.inner.current()?;
        workspace.docs.find_info(DocumentKind::Review, unit, year)
    }

    /// Applies one edit to a task's record. Refuses read-only documents, and edits of a
    /// period (text, actuals, evidence) the office has accepted (when the review is on this laptop).
    pub async fn edit_record(
        &self,
        doc_id: &DocumentId,
        task_id: &TaskId,
        edit: RecordEdit,
    ) -> Result<()> {
        let workspace = self.inner.workspace()?;
        if let RecordEdit::Text { text, .. } = &edit {
            if text.len() > MAX_TEXT_BYTES {
                return Err(ClientError::ChangeTooLarge {
                    size: text.len(),
                    limit: MAX_TEXT_BYTES,
                });
            }
        }
        if let Some(period) = edit.period() {
            check_not_accepted(&workspace, doc_id, task_id, period).await?;
        }
        let task_id = task_id.clone();
        change(
            &workspace,
            doc_id,
            DocumentKind::Records,
            move |doc, author, now_ms| records::apply(doc, author, now_ms, &task_id, &edit),
        )
        .await
    }

    /// Settles competing status values by writing the one a person chose.
    pub async fn resolve_status(
        &self,
        doc_id: &DocumentId,
        task_id: &TaskId,
        chosen: TaskStatus,
    ) -> Result<()> {
        self.edit_record(doc_id, task_id, RecordEdit::Status { status: chosen })
            .await
    }

    pub async fn read_record(&self, doc_id: &DocumentId, task_id: &TaskId) -> Result<TaskRecord> {
        let workspace = self.inner.workspace()?;
        let task_id = task_id.clone();
        read(&workspace, doc_id, DocumentKind::Records, move |doc| {
            records::read(doc, &task_id)
        })
        .await?
        .map_err(ClientError::from)
    }

    /// Records the office's verdict on a task's period, with a comment.
    pub async fn set_verdict(
        &self,
        doc_id: &DocumentId,
        task_id: &TaskId,
        period: PeriodId,
        verdict: Verdict,
        comment: &str,
    ) -> Result<()> {
        let workspace = self.inner.workspace()?;
        let task_id = task_id.clone();
        let comment = comment.to_string();
        change(
            &workspace,
            doc_id,
            DocumentKind::Review,
            move |doc, author, now_ms| {
                review::set_verdict(doc, author, now_ms, &task_id, period, verdict, &comment)
            },
        )
        .await
    }

    pub async fn read_review(
        &self,
        doc_id: &DocumentId,
        task_id: &TaskId,
        period: PeriodId,
    ) -> Result<ReviewEntry> {
        let workspace = self.inner.workspace()?;
        let task_id = task_id.clone();
        read(&workspace, doc_id, DocumentKind::Review, move |doc| {
            review::read(doc, &task_id, period)
        })
        .await?
        .map_err(ClientError::from)
    }

    /// Who changed the document and when, oldest first: what each change says of its author,
    /// and the server's record of who sent it (asked of the server at most every
    /// [`RECEIPTS_EVERY`] per document when it can be reached, else as last received), with the
    /// changes whose claimed author differs from their sender marked.
    pub async fn history(&self, doc_id: &DocumentId) -> Result<Vec<HistoryEntry>> {
        let mut entries = self.with_doc(doc_id, history::history).await?;
        let workspace = self.inner.workspace()?;
        let db = &self.inner.setup.db;
        let key = doc_id.to_string();
        if workspace.receipts_due(&key) {
            let asked = tokio::time::timeout(
                std::time::Duration::from_secs(3),
                self.inner.setup.api.receipts(
                    &workspace.session.server_url,
                    &workspace.session.token,
                    &key,
                ),
            )
            .await;
            match asked {
                Ok(Ok(receipts)) => db.save_receipts(&key, &receipts)?,
                Ok(Err(err)) => tracing::debug!("receipts not fetched: {err}"),
                Err(_) => tracing::debug!("receipts not fetched: the server did not answer"),
            }
        }
        shared::record::attach_receipts(&mut entries, &db.receipts(&key)?);
        Ok(entries)
    }

    /// The document's current heads.
    pub async fn doc_heads(&self, doc_id: &DocumentId) -> Result<Vec<ChangeHash>> {
        self.with_doc(doc_id, Automerge::get_heads).await
    }

    /// Runs `f` on the whole Automerge document (for tests and exports: `save()`, heads...).
    pub async fn with_doc<R: Send + 'static>(
        &self,
        doc_id: &DocumentId,
        f: impl FnOnce(&Automerge) -> R + Send + 'static,
    ) -> Result<R> {
        let workspace = self.inner.workspace()?;
        let (_, handle) = workspace.document(doc_id).await?;
        Ok(handle.with_document_async(move |doc| f(doc)).await?)
    }
}

/// The longest text a record's field may hold: a change carrying it must fit, with room to spare,
/// in one sync message (the server takes messages of up to 32 MiB). A megabyte is some 300
/// pages of text; anything longer belongs in an evidence file.
pub const MAX_TEXT_BYTES: usize = 1024 * 1024;

/// How often a document's receipts are asked of the server while its history is read.
pub(crate) const RECEIPTS_EVERY: std::time::Duration = std::time::Duration::from_secs(10);

/// Reads a listed document of `kind`.
async fn read<R: Send + 'static>(
    workspace: &Workspace,
    doc_id: &DocumentId,
    kind: DocumentKind,
    f: impl FnOnce(&Automerge) -> R + Send + 'static,
) -> Result<R> {
    let (info, handle) = workspace.document(doc_id).await?;
    if info.kind != kind {
        return Err(ClientError::wrong_kind(doc_id, kind, info.kind));
    }
    Ok(handle.with_document_async(move |doc| f(doc)).await?)
}

/// Makes one change to a writable document of `kind`, stamped with the session's author and the
/// current time, and waits until it is durable and the status counts it.
async fn change<T: Send + 'static>(
    workspace: &Workspace,
    doc_id: &DocumentId,
    kind: DocumentKind,
    f: impl FnOnce(&mut Automerge, &ChangeAuthor, i64) -> Result<T, DocumentError> + Send + 'static,
) -> Result<T> {
    let (info, handle) = workspace.document(doc_id).await?;
    if info.kind != kind {
        return Err(ClientError::wrong_kind(doc_id, kind, info.kind));
    }
    if !info.is_writable() {
        return Err(ClientError::ReadOnly {
            doc_id: doc_id.to_string(),
        });
    }
    let author = workspace.session.author();
    let now_ms = workspace.config.clock.now_ms();
    let (value, heads) = handle
        .with_document_async(move |doc| {
            let value = f(doc, &author, now_ms)?;
            Ok::<_, DocumentError>((value, doc.get_heads()))
        })
        .await??;
    workspace.wait_durable(doc_id, &heads).await?;
    workspace.recompute().await;
    Ok(value)
}

/// Refuses when the office accepted `period` of `task_id` in the review matching the records
/// document `doc_id`. A review not on this laptop yet cannot lock anything.
async fn check_not_accepted(
    workspace: &Workspace,
    doc_id: &DocumentId,
    task_id: &TaskId,
    period: PeriodId,
) -> Result<()> {
    let Some(info) = workspace.docs.info(doc_id) else {
        return Ok(());
    };
    let (Some(unit), Some(year)) = (info.unit.as_deref(), info.year) else {
        return Ok(());
    };
    let Some(review_info) = workspace.docs.find_info(DocumentKind::Review, unit, year) else {
        return Ok(());
    };
    let Some(review_doc) = workspace.docs.handle(&review_info.id) else {
        return Ok(());
    };
    let task = task_id.clone();
    let accepted = review_doc
        .with_document_async(move |doc| review::is_accepted(doc, &task, period))
        .await?;
    if accepted {
        return Err(ClientError::PeriodLocked {
            task: task_id.to_string(),
            period: period.to_string(),
        });
    }
    Ok(())
}
