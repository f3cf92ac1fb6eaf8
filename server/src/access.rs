//! Who may read or write which document: decided from the server's own registry, never from a
//! document's content.

use serde::{Deserialize, Serialize};
use shared::documents::DocumentKind;

/// A user's role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Role {
    /// A unit's staff: write their unit's records, read its reviews and the plan.
    Staff,
    /// The office's reviewers: read every unit's records, write reviews.
    Reviewer,
    /// The office's plan editors: write the plan, read everything else.
    PlanEditor,
    /// Runs the server and its accounts: reads everything, writes nothing through sync.
    Admin,
}

impl Role {
    pub const ALL: [Role; 4] = [Role::Staff, Role::Reviewer, Role::PlanEditor, Role::Admin];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Staff => "staff",
            Role::Reviewer => "reviewer",
            Role::PlanEditor => "plan-editor",
            Role::Admin => "admin",
        }
    }

    pub fn parse(text: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == text)
    }
}

/// What a user may do with a document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Access {
    None,
    Read,
    Write,
}

/// The access `role` (of unit `user_unit`) has to a document of `kind` belonging to `doc_unit`
/// (`None` for the plan).
pub fn access(role: Role, user_unit: &str, kind: DocumentKind, doc_unit: Option<&str>) -> Access {
    let own_unit = doc_unit == Some(user_unit);
    match (kind, role) {
        (DocumentKind::Plan, Role::PlanEditor) => Access::Write,
        (DocumentKind::Plan, _) => Access::Read,
        (DocumentKind::Records, Role::Staff) if own_unit => Access::Write,
        (DocumentKind::Records, Role::Staff) => Access::None,
        (DocumentKind::Records, Role::Reviewer | Role::PlanEditor | Role::Admin) => Access::Read,
        (DocumentKind::Review, Role::Reviewer) => Access::Write,
        (DocumentKind::Review, Role::Staff) if own_unit => Access::Read,
        (DocumentKind::Review, Role::Staff) => Access::None,
        (DocumentKind::Review, Role::PlanEditor | Role::Admin) => Access::Read,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use expect_test::expect;

    #[test]
    fn access_matrix() {
        let mut rows = Vec::new();
        for role in Role::ALL {
            let cells: Vec<String> = [
                (DocumentKind::Plan, None),
                (DocumentKind::Records, Some("A")),
                (DocumentKind::Records, Some("B")),
                (DocumentKind::Review, Some("A")),
                (DocumentKind::Review, Some("B")),
            ]
            .iter()
            .map(|(kind, unit)| format!("{:?}", access(role, "A", *kind, *unit)))
            .collect();
            rows.push(format!("{:<12}{}", role.as_str(), cells.join(" ")));
        }
        expect![[r#"
            role        plan records(own) records(other) review(own) review(other)
            staff       Read Write None Read None
            reviewer    Read Read Read Write Write
            plan-editor Write Read Read Read Read
            admin       Read Read Read Read Read"#]]
        .assert_eq(&format!(
            "role        plan records(own) records(other) review(own) review(other)\n{}",
            rows.join("\n")
        ));
    }
}
