//! The plan editor's form state: the draft task, whether saving was tried (errors show only
//! then), and where saving stands. One [`Reducible`] value changed only through
//! [`PlanEditAction`]s.

use std::rc::Rc;

use shared::plan_edit::TaskDraft;
use yew::Reducible;

use crate::backend::BackendError;

/// A field of the form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DraftField {
    Code,
    Title,
    Content,
    Lead,
    Support,
    Timeframe,
    Products,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PlanEditState {
    pub draft: TaskDraft,
    /// Saving was tried: what is missing is shown from now on.
    pub tried: bool,
    /// The edit is on its way to the app.
    pub saving: bool,
    /// The app refused the last save.
    pub failure: Option<BackendError>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum PlanEditAction {
    Set(DraftField, String),
    /// "Yêu cầu tài liệu kiểm chứng khi gửi báo cáo" ticked or not.
    SetEvidenceRequired(bool),
    /// Save pressed; `valid` says whether the plan accepts the draft.
    Submit {
        valid: bool,
    },
    Failed(BackendError),
}

impl PlanEditState {
    /// A form starting from `draft` (a task's fields, or empty for a new task).
    pub fn new(draft: TaskDraft) -> PlanEditState {
        PlanEditState {
            draft,
            tried: false,
            saving: false,
            failure: None,
        }
    }

    pub fn apply(&self, action: PlanEditAction) -> PlanEditState {
        let mut next = self.clone();
        match action {
            PlanEditAction::Set(field, value) => {
                let slot = match field {
                    DraftField::Code => &mut next.draft.code,
                    DraftField::Title => &mut next.draft.title,
                    DraftField::Content => &mut next.draft.content,
                    DraftField::Lead => &mut next.draft.lead_text,
                    DraftField::Support => &mut next.draft.support_text,
                    DraftField::Timeframe => &mut next.draft.timeframe_text,
                    DraftField::Products => &mut next.draft.products_text,
                };
                *slot = value;
            }
            PlanEditAction::SetEvidenceRequired(required) => {
                next.draft.evidence_required = required;
            }
            PlanEditAction::Submit { valid } => {
                next.tried = true;
                if valid && !self.saving {
                    next.saving = true;
                    next.failure = None;
                }
            }
            PlanEditAction::Failed(err) => {
                next.saving = false;
                next.failure = Some(err);
            }
        }
        next
    }
}

impl Reducible for PlanEditState {
    type Action = PlanEditAction;

    fn reduce(self: Rc<Self>, action: PlanEditAction) -> Rc<Self> {
        Rc::new(self.apply(action))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::backend::ErrorCode;

    fn empty() -> TaskDraft {
        TaskDraft::default()
    }

    #[test]
    fn an_invalid_draft_is_not_sent_and_a_refusal_can_be_retried() {
        let state = PlanEditState::new(empty())
            .apply(PlanEditAction::Set(
                DraftField::Title,
                "Số hoá hồ sơ".into(),
            ))
            .apply(PlanEditAction::Set(DraftField::Lead, "Văn phòng Sở".into()))
            .apply(PlanEditAction::SetEvidenceRequired(true));
        assert!(
            state.draft.evidence_required,
            "the office's requirement is in the draft"
        );
        assert_eq!(state.draft.title, "Số hoá hồ sơ");
        assert_eq!(state.draft.lead_text, "Văn phòng Sở");
        assert!(!state.tried);
        let refused = state.apply(PlanEditAction::Submit { valid: false });
        assert!(
            refused.tried && !refused.saving,
            "errors show, nothing is sent"
        );
        let sending = refused.apply(PlanEditAction::Submit { valid: true });
        assert!(sending.saving);
        assert_eq!(
            sending.apply(PlanEditAction::Submit { valid: true }),
            PlanEditState {
                tried: true,
                ..sending.clone()
            },
            "a second press while saving changes nothing"
        );
        let failed = sending.apply(PlanEditAction::Failed(BackendError::new(
            ErrorCode::PlanReadOnly,
            "read only",
        )));
        assert!(!failed.saving && failed.failure.is_some());
        assert!(failed
            .apply(PlanEditAction::Submit { valid: true })
            .failure
            .is_none());
    }
}
