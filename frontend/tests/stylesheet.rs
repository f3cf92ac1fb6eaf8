//! The stylesheet is readable for users in their fifties (issue #14): every text colour has a
//! contrast ratio of at least 4.5:1 on its background (WCAG 2.x, level AA for normal text),
//! labels are at least 13 px and body text at least 15 px. See `style_check` for how colours
//! are paired with backgrounds and what that leaves out.

mod style_check;

use style_check::{check_contrast, check_font_sizes, unused_config_names, Config};

const STYLESHEET: &str = include_str!("../style.css");

const CONFIG: Config = Config {
    min_ratio: 4.5,
    label_min_px: 13.0,
    body_min_px: 15.0,
    // Text in the dark header (app_header.rs, session_menu.rs) inherits its white and sits on
    // its blue; the search box's icon and clear button sit inside the white input. The first
    // match counts, so the search ones come first.
    contexts: &[
        (".search-icon", ".search input"),
        (".search-clear", ".search input"),
        (".brand", ".app-header"),
        (".brand-mark", ".app-header"),
        (".brand-name", ".app-header"),
        (".plan-line", ".app-header"),
        (".plan-number", ".app-header"),
        (".plan-title", ".app-header"),
        (".session-menu", ".app-header"),
        (".session-who", ".app-header"),
        (".session-icon", ".app-header"),
        ("#session-user", ".app-header"),
        (".header-button", ".app-header"),
    ],
    // Elements without text: the sync state dot, the progress bar, the dialog's backdrop.
    non_text: &[
        ".sync-dot",
        ".progress-bar",
        ".progress-fill",
        ".dialog-backdrop",
    ],
    // The completion chart (completion_bars.rs): <text> labels and numbers, <rect> bars.
    svg_text: &[".bar-label", ".bar-numbers"],
    svg_shapes: &[".bar-track", ".bar-done", ".bar-overdue"],
};

#[test]
fn stylesheet_text_contrast_is_at_least_4_5_to_1() {
    let report = check_contrast(STYLESHEET, &CONFIG);
    assert!(
        report.problems.is_empty(),
        "{} text colour/background pair(s) below {}:1 or not understood in frontend/style.css:\n{}",
        report.problems.len(),
        CONFIG.min_ratio,
        report.problems.join("\n")
    );
    // Not vacuous: the sheet has a few dozen text colours, each checked on several backgrounds.
    assert!(
        report.pairs_checked > 200,
        "only {} pairs checked",
        report.pairs_checked
    );
}

#[test]
fn stylesheet_labels_are_at_least_13px_and_body_text_15px() {
    let problems = check_font_sizes(STYLESHEET, &CONFIG);
    assert!(
        problems.is_empty(),
        "{} font size(s) too small or not understood in frontend/style.css:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

#[test]
fn stylesheet_check_configuration_names_existing_rules() {
    assert_eq!(
        unused_config_names(STYLESHEET, &CONFIG),
        Vec::<String>::new()
    );
}
