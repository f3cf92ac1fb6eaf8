//! Who is logged in and how sync stands, given to every screen through one Yew context
//! instead of being passed down through props.

use crate::backend::{SessionInfo, SyncStatus};

#[derive(Debug, Clone, Default, PartialEq)]
pub struct SessionContext {
    /// The logged-in user; `None` when nobody is (or not known yet).
    pub user: Option<SessionInfo>,
    /// The latest sync status: local changes the server has not confirmed, evidence files
    /// waiting for upload, document changes seen.
    pub sync: SyncStatus,
    /// Bumped when syncing brought a new plan.
    pub n_plan_changes: u32,
}

impl SessionContext {
    /// The logged-in user's role as the server names it ("staff", "reviewer", …).
    pub fn role(&self) -> Option<&str> {
        self.user.as_ref().map(|u| u.role.as_str())
    }

    /// Whether the user works for the office (every role but a unit's staff).
    pub fn is_office(&self) -> bool {
        self.role().is_some_and(|role| role != "staff")
    }

    /// Whether the user may send all of the unit's ready reports at once: the unit's head.
    pub fn can_send_all(&self) -> bool {
        !self.is_office() && self.user.as_ref().is_some_and(|u| u.unit_head)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(role: &str, unit_head: bool) -> SessionContext {
        SessionContext {
            user: Some(SessionInfo {
                server_url: "https://plansync.soxaydung.example".into(),
                username: "lan".into(),
                unit: "QLHT".into(),
                role: role.into(),
                device: "laptop".into(),
                full_name: Some("Nguyễn Thị Lan".into()),
                unit_head,
            }),
            ..SessionContext::default()
        }
    }

    #[test]
    fn only_a_unit_s_head_sends_all_ready_reports() {
        assert!(user("staff", true).can_send_all());
        assert!(!user("staff", false).can_send_all());
        assert!(
            !user("reviewer", true).can_send_all(),
            "the office sends nothing"
        );
        assert!(!SessionContext::default().can_send_all());
        assert!(user("reviewer", false).is_office());
        assert_eq!(user("staff", false).role(), Some("staff"));
    }
}
