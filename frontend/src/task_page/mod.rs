//! The task page: what the plan says about a task, and a unit's record of it for a period (the
//! report, its evidence files, its state and the office's verdict, its history).

mod evidence_labels;
mod evidence_state;
mod record_evidence;
mod record_history;
mod record_labels;
mod record_state;
mod record_submission;
mod record_text_field;
mod record_verdict;
mod record_versions;
mod task_detail;
mod task_record;

pub(crate) use task_detail::TaskDetail;
