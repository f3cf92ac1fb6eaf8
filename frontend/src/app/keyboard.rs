//! Keyboard shortcuts of the main window, as a pure mapping from a key press to what it does.

/// What a shortcut does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shortcut {
    /// Ctrl+F, or "/" outside a text field: put the cursor in the search box.
    FocusSearch,
    /// Escape outside a text field: close the task page (or the plan editor's form).
    CloseDetail,
    /// Alt+1 … Alt+9: the n-th tab (0-based).
    Tab(usize),
}

/// The shortcut of a key press: `key` as `KeyboardEvent.key`, with whether Ctrl (or Cmd) and Alt
/// were held and whether the focus is in a text field (where "/" and Escape keep their usual
/// meaning).
pub fn shortcut(key: &str, ctrl: bool, alt: bool, in_text_field: bool) -> Option<Shortcut> {
    match key {
        "f" | "F" if ctrl && !alt => Some(Shortcut::FocusSearch),
        "/" if !ctrl && !alt && !in_text_field => Some(Shortcut::FocusSearch),
        "Escape" if !in_text_field => Some(Shortcut::CloseDetail),
        digit if alt && !ctrl => match digit.parse::<usize>() {
            Ok(n @ 1..=9) => Some(Shortcut::Tab(n - 1)),
            _ => None,
        },
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shortcuts_leave_typing_alone() {
        assert_eq!(
            shortcut("f", true, false, true),
            Some(Shortcut::FocusSearch)
        );
        assert_eq!(
            shortcut("/", false, false, false),
            Some(Shortcut::FocusSearch)
        );
        assert_eq!(shortcut("/", false, false, true), None, "typing a slash");
        assert_eq!(
            shortcut("Escape", false, false, false),
            Some(Shortcut::CloseDetail)
        );
        assert_eq!(
            shortcut("Escape", false, false, true),
            None,
            "Esc clears the field"
        );
        assert_eq!(shortcut("2", false, true, false), Some(Shortcut::Tab(1)));
        assert_eq!(shortcut("0", false, true, false), None);
        assert_eq!(shortcut("f", false, false, false), None);
    }
}
