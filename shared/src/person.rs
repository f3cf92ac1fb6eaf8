//! People by their names: a user's full name ("Nguyễn Văn An"), the check every full name
//! passes before the server stores it, and how a login name becomes the name shown.
//!
//! Documents record who did what by login name (a change's author, a verdict's `by`, a
//! sending's `by`, an evidence file's `by`); the screens show people's full names instead. The
//! server lists the people a user may see (`GET /api/people`), the app keeps that list, and
//! every view resolves a login through [`name_of`], falling back to the login itself.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// The longest full name, in characters.
pub const MAX_FULL_NAME_CHARS: usize = 100;

/// One person another user may see the name of (an answer of `GET /api/people`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Person {
    pub username: String,
    /// The full name, when the administrator gave one.
    #[serde(default)]
    pub full_name: Option<String>,
    /// The code of the person's unit.
    pub unit: String,
}

/// Why a full name is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FullNameError {
    #[error("the full name is empty")]
    Empty,
    #[error("the full name has {n_chars} characters, more than {MAX_FULL_NAME_CHARS}")]
    TooLong { n_chars: usize },
    #[error("the full name contains a control character")]
    ControlCharacter,
}

/// `text` as a full name is stored: NFC, white space collapsed and trimmed; refused when
/// empty, longer than [`MAX_FULL_NAME_CHARS`] or holding a control character.
pub fn full_name(text: &str) -> Result<String, FullNameError> {
    if text.chars().any(|c| c.is_control() && !c.is_whitespace()) {
        return Err(FullNameError::ControlCharacter);
    }
    let name = crate::vietnamese::tidy(text);
    let n_chars = name.chars().count();
    if n_chars == 0 {
        return Err(FullNameError::Empty);
    }
    if n_chars > MAX_FULL_NAME_CHARS {
        return Err(FullNameError::TooLong { n_chars });
    }
    Ok(name)
}

/// Full names by login name, for the people who have one.
pub fn names_by_login(people: &[Person]) -> BTreeMap<String, String> {
    people
        .iter()
        .filter_map(|p| Some((p.username.clone(), p.full_name.clone()?)))
        .collect()
}

/// The name to show for `login`: the person's full name, else the login itself.
pub fn name_of<'a>(names: &'a BTreeMap<String, String>, login: &'a str) -> &'a str {
    names.get(login).map_or(login, String::as_str)
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use super::*;

    fn check(input: &str, expect: expect_test::Expect) {
        let shown = match full_name(input) {
            Ok(name) => format!("ok {name:?}"),
            Err(err) => format!("refused: {err}"),
        };
        expect.assert_eq(&shown);
    }

    #[test]
    fn full_names_are_tidied_and_checked() {
        check("  Nguyễn   Văn An ", expect![[r#"ok "Nguyễn Văn An""#]]);
        // "Nguyễn" written with combining marks (NFD) is stored composed (NFC).
        check(
            "Nguye\u{302}\u{303}n Thi\u{323} Lan",
            expect![[r#"ok "Nguyễn Thị Lan""#]],
        );
        check(" \u{a0} ", expect!["refused: the full name is empty"]);
        check(
            &"ạ".repeat(101),
            expect!["refused: the full name has 101 characters, more than 100"],
        );
        check(
            "Trần\u{7}Bình",
            expect!["refused: the full name contains a control character"],
        );
        assert_eq!(
            full_name(&"ạ".repeat(100)).map(|n| n.chars().count()),
            Ok(100),
            "100 characters is the limit, not bytes"
        );
    }

    #[test]
    fn a_login_resolves_to_the_full_name_or_stays_itself() {
        let people = vec![
            Person {
                username: "lan".into(),
                full_name: Some("Nguyễn Thị Lan".into()),
                unit: "QLHT".into(),
            },
            Person {
                username: "minh".into(),
                full_name: None,
                unit: "QLHT".into(),
            },
        ];
        let names = names_by_login(&people);
        assert_eq!(name_of(&names, "lan"), "Nguyễn Thị Lan");
        assert_eq!(
            name_of(&names, "minh"),
            "minh",
            "a person without a full name shows their login"
        );
        assert_eq!(
            name_of(&names, "plansync"),
            "plansync",
            "a login the list does not know (the server, someone the user may not see) stays as it is"
        );
    }

    #[test]
    fn a_person_without_a_name_reads_from_json() {
        let person: Person = serde_json::from_str(r#"{"username":"an","unit":"VP"}"#).unwrap();
        assert_eq!(person.full_name, None);
    }
}
