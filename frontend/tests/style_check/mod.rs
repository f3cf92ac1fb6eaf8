//! A small, pure checker of PlanSync's one hand-written stylesheet: text contrast (WCAG 2.x
//! relative luminance, ratio ≥ a minimum) and font sizes (every size ≥ a label minimum, the
//! page's base size ≥ a body minimum).
//!
//! It is not a CSS engine. It parses plain rules (`selectors { property: value; … }`, at-rules
//! holding rules, comments, strings), resolves `var(--x)` from `:root`, and pairs colours with
//! backgrounds by the rules' own declarations, not by the document tree:
//!
//! * a rule's text colour is `color` (or `fill` on SVG text the configuration names); without
//!   one, the colours of the less specific rules for the same element (their subject compound
//!   is a subset of this one's, `.count` for `.nav-item.active .count`) and the inherited colour;
//! * a rule's background is its own `background`/`background-color`; without one, those of the
//!   less specific rules for the same element, and the background it sits on: the container the
//!   configuration names for it (the dark header), else *every* light background of the sheet
//!   (the page's and each rule's own on which the page text is readable), because the checker
//!   cannot know which panel, selected row, banner or badge the text ends up in;
//! * translucent colours are composited over what is behind them, `opacity` fades the element
//!   over its backdrop; rules for `:disabled` controls are exempt (WCAG 1.4.3 exempts inactive
//!   components), elements the configuration names as holding no text (dots, bars, overlays)
//!   are not text surfaces.
//!
//! Any colour, size or syntax it does not understand is reported as a problem, naming the rule.

use std::collections::BTreeSet;

/// A colour: red, green and blue in 0..=255, alpha in 0..=1.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rgba {
    pub r: f64,
    pub g: f64,
    pub b: f64,
    pub a: f64,
}

impl Rgba {
    pub const WHITE: Rgba = Rgba::opaque(255.0, 255.0, 255.0);

    pub const fn opaque(r: f64, g: f64, b: f64) -> Rgba {
        Rgba { r, g, b, a: 1.0 }
    }

    /// This colour painted over `below` (source-over); the result is opaque when `below` is.
    pub fn over(self, below: Rgba) -> Rgba {
        let a = self.a + below.a * (1.0 - self.a);
        if a == 0.0 {
            return Rgba {
                r: 0.0,
                g: 0.0,
                b: 0.0,
                a: 0.0,
            };
        }
        let mix = |top: f64, bottom: f64| (top * self.a + bottom * below.a * (1.0 - self.a)) / a;
        Rgba {
            r: mix(self.r, below.r),
            g: mix(self.g, below.g),
            b: mix(self.b, below.b),
            a,
        }
    }

    /// The same colour with its alpha multiplied by `opacity`.
    pub fn faded(self, opacity: f64) -> Rgba {
        Rgba {
            a: self.a * opacity,
            ..self
        }
    }

    /// WCAG 2.x relative luminance (sRGB, threshold 0.04045 as in WCAG 2.2's note).
    pub fn luminance(self) -> f64 {
        let linear = |c: f64| {
            let c = c / 255.0;
            if c <= 0.04045 {
                c / 12.92
            } else {
                ((c + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * linear(self.r) + 0.7152 * linear(self.g) + 0.0722 * linear(self.b)
    }

    /// `#rrggbb`, with the alpha appended when the colour is translucent.
    pub fn hex(self) -> String {
        let byte = |c: f64| c.round().clamp(0.0, 255.0) as u8;
        let rgb = format!(
            "#{:02x}{:02x}{:02x}",
            byte(self.r),
            byte(self.g),
            byte(self.b)
        );
        if self.a < 1.0 {
            format!("{rgb} at alpha {:.2}", self.a)
        } else {
            rgb
        }
    }
}

/// The WCAG contrast ratio of two opaque colours, 1..=21.
pub fn contrast(a: Rgba, b: Rgba) -> f64 {
    let (la, lb) = (a.luminance(), b.luminance());
    (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
}

/// One rule: its selector list as written and its declarations (property lower-cased, value
/// without `!important`), in order.
#[derive(Debug, Clone, PartialEq)]
pub struct Rule {
    pub selector: String,
    pub declarations: Vec<(String, String)>,
}

/// What the checks need to know about this stylesheet beyond its text.
#[derive(Debug, Clone)]
pub struct Config<'a> {
    pub min_ratio: f64,
    pub label_min_px: f64,
    pub body_min_px: f64,
    /// (a class or id in a rule's selector, the selector of the rule for the container that
    /// text sits on): that container's own colour and background are the inherited colour and
    /// the backdrop, instead of the page's.
    pub contexts: &'a [(&'a str, &'a str)],
    /// Classes or ids of elements that hold no text (status dots, bars, overlays).
    pub non_text: &'a [&'a str],
    /// Classes of SVG text, whose `fill` is their text colour.
    pub svg_text: &'a [&'a str],
    /// Classes of SVG shapes, whose `fill` is no text colour.
    pub svg_shapes: &'a [&'a str],
}

/// What the contrast check found.
#[derive(Debug, Default)]
pub struct ContrastReport {
    /// Text colour/background pairs checked.
    pub pairs_checked: usize,
    /// One line per failed pair or not-understood value.
    pub problems: Vec<String>,
}

// ---- parsing ---------------------------------------------------------------------------------

/// The stylesheet's rules, in order; rules inside at-rules (`@media`, `@keyframes`) included.
pub fn parse_rules(css: &str) -> Result<Vec<Rule>, String> {
    let css = strip_comments(css)?;
    let mut rules = Vec::new();
    parse_rule_list(&css, &mut rules)?;
    Ok(rules)
}

fn strip_comments(css: &str) -> Result<String, String> {
    let mut out = String::with_capacity(css.len());
    let mut chars = css.chars().peekable();
    let mut quote = None;
    while let Some(c) = chars.next() {
        if let Some(q) = quote {
            out.push(c);
            if c == '\\' {
                out.extend(chars.next());
            } else if c == q {
                quote = None;
            }
        } else if c == '"' || c == '\'' {
            quote = Some(c);
            out.push(c);
        } else if c == '/' && chars.peek() == Some(&'*') {
            chars.next();
            let mut previous = ' ';
            loop {
                match chars.next() {
                    Some('/') if previous == '*' => break,
                    Some(n) => previous = n,
                    None => return Err("a comment is never closed".to_string()),
                }
            }
            out.push(' ');
        } else {
            out.push(c);
        }
    }
    if quote.is_some() {
        return Err("a string is never closed".to_string());
    }
    Ok(out)
}

/// The byte index of the first of `targets` in `s` outside strings, parentheses and brackets.
fn find_outside(s: &str, targets: &[char]) -> Option<usize> {
    let mut depth = 0usize;
    let mut quote = None;
    let mut escaped = false;
    for (i, c) in s.char_indices() {
        if let Some(q) = quote {
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == q {
                quote = None;
            }
            continue;
        }
        match c {
            _ if depth == 0 && targets.contains(&c) => return Some(i),
            '"' | '\'' => quote = Some(c),
            '(' | '[' => depth += 1,
            ')' | ']' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    None
}

/// `s` split at `separator` outside strings, parentheses and brackets; parts trimmed.
fn split_outside(s: &str, separator: char) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut rest = s;
    while let Some(i) = find_outside(rest, &[separator]) {
        parts.push(rest[..i].trim());
        rest = &rest[i + separator.len_utf8()..];
    }
    parts.push(rest.trim());
    parts
}

/// The index of the `}` closing the `{` at `open`.
fn matching_brace(s: &str, open: usize) -> Result<usize, String> {
    let mut depth = 0usize;
    let mut rest_start = open;
    loop {
        let i = rest_start
            + find_outside(&s[rest_start..], &['{', '}'])
                .ok_or_else(|| format!("`{}` is never closed", s[..open].trim()))?;
        if s[i..].starts_with('{') {
            depth += 1;
        } else {
            depth -= 1;
            if depth == 0 {
                return Ok(i);
            }
        }
        rest_start = i + 1;
    }
}

fn parse_rule_list(css: &str, rules: &mut Vec<Rule>) -> Result<(), String> {
    let mut rest = css.trim_start();
    while !rest.is_empty() {
        let Some(i) = find_outside(rest, &['{', ';', '}']) else {
            return Err(format!("text after the last rule: `{}`", rest.trim()));
        };
        let prelude = rest[..i].trim();
        if rest[i..].starts_with('}') {
            return Err(format!("a `}}` closes nothing after `{prelude}`"));
        }
        if rest[i..].starts_with(';') {
            if prelude.starts_with("@charset") {
                rest = rest[i + 1..].trim_start();
                continue;
            }
            return Err(format!(
                "`{prelude};` is not understood (imports are not followed)"
            ));
        }
        let close = matching_brace(rest, i)?;
        let body = &rest[i + 1..close];
        if prelude.is_empty() {
            return Err("a block has no selector".to_string());
        }
        if find_outside(body, &['{']).is_some() {
            if !prelude.starts_with('@') {
                return Err(format!(
                    "`{prelude}` holds nested rules, which are not understood"
                ));
            }
            parse_rule_list(body, rules)?;
        } else {
            rules.push(Rule {
                selector: normalize_space(prelude),
                declarations: parse_declarations(prelude, body)?,
            });
        }
        rest = rest[close + 1..].trim_start();
    }
    Ok(())
}

fn normalize_space(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn parse_declarations(selector: &str, body: &str) -> Result<Vec<(String, String)>, String> {
    let mut declarations = Vec::new();
    for part in split_outside(body, ';') {
        if part.is_empty() {
            continue;
        }
        let colon = find_outside(part, &[':'])
            .ok_or_else(|| format!("`{selector}`: `{part}` is no declaration"))?;
        let property = part[..colon].trim().to_ascii_lowercase();
        let mut value = part[colon + 1..].trim();
        if let Some(bang) = value.to_ascii_lowercase().rfind("!important") {
            value = value[..bang].trim_end();
        }
        if property.is_empty() || value.is_empty() {
            return Err(format!("`{selector}`: `{part}` is no declaration"));
        }
        declarations.push((property, normalize_space(value)));
    }
    Ok(declarations)
}

// ---- selectors -------------------------------------------------------------------------------

/// The compounds of one selector (`table.data-table th` → `table.data-table`, `th`).
fn compounds(selector: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut rest = selector.trim();
    while let Some(i) = find_outside(rest, &[' ', '>', '+', '~']) {
        let part = rest[..i].trim();
        if !part.is_empty() {
            parts.push(part);
        }
        rest = rest[i + 1..].trim_start();
    }
    if !rest.is_empty() {
        parts.push(rest);
    }
    parts
}

/// The simple selectors of a compound: `input[type=text]:focus` → `input`, `[type=text]`,
/// `:focus`; `li::before` → `li`, `::before`.
fn simple_selectors(compound: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut start = 0;
    let mut depth = 0usize;
    let bytes: Vec<(usize, char)> = compound.char_indices().collect();
    for (n, &(i, c)) in bytes.iter().enumerate() {
        match c {
            '(' | '[' if depth > 0 => depth += 1,
            ')' | ']' => depth = depth.saturating_sub(1),
            '.' | '#' | ':' | '[' if depth == 0 => {
                let after_colon = c == ':' && n > 0 && bytes[n - 1].1 == ':';
                if !after_colon && i > start {
                    out.insert(compound[start..i].to_string());
                    start = i;
                }
                if c == '[' {
                    depth += 1;
                }
            }
            '(' => depth += 1,
            _ => {}
        }
    }
    if start < compound.len() {
        out.insert(compound[start..].to_string());
    }
    out
}

// ---- values ----------------------------------------------------------------------------------

/// `value` with every `var(--x[, fallback])` replaced from `vars`.
fn resolve_vars(value: &str, vars: &[(String, String)]) -> Result<String, String> {
    let mut value = value.to_string();
    for _ in 0..16 {
        let Some(start) = value.find("var(") else {
            return Ok(value);
        };
        let inner_start = start + "var(".len();
        let close = inner_start
            + find_outside(&value[inner_start..], &[')'])
                .ok_or_else(|| format!("`{value}`: a `var(` is never closed"))?;
        let inner = &value[inner_start..close];
        let (name, fallback) = match find_outside(inner, &[',']) {
            Some(comma) => (inner[..comma].trim(), Some(inner[comma + 1..].trim())),
            None => (inner.trim(), None),
        };
        let replacement = match vars.iter().rev().find(|(n, _)| n == name) {
            Some((_, v)) => v.clone(),
            None => match fallback {
                Some(f) => f.to_string(),
                None => return Err(format!("`{name}` is not defined in :root")),
            },
        };
        value.replace_range(start..=close, &replacement);
    }
    Err(format!("`{value}`: custom properties nest too deeply"))
}

/// A colour in one of the forms this stylesheet uses: `#rgb`, `#rgba`, `#rrggbb`, `#rrggbbaa`,
/// `rgb()`/`rgba()` (comma or space syntax, numbers or percentages), `white`, `black`,
/// `transparent`.
pub fn parse_color(value: &str) -> Result<Rgba, String> {
    let v = value.trim().to_ascii_lowercase();
    let not_understood = || format!("colour `{value}` is not understood");
    if let Some(hex) = v.strip_prefix('#') {
        if !hex.chars().all(|c| c.is_ascii_hexdigit()) {
            return Err(not_understood());
        }
        let digit = |i: usize| u8::from_str_radix(&hex[i..=i], 16).map(|d| f64::from(d * 17));
        let pair = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).map(f64::from);
        let c = match hex.len() {
            3 | 4 => {
                let a = if hex.len() == 4 {
                    digit(3).map_err(|_| not_understood())?
                } else {
                    255.0
                };
                let [r, g, b] = [0, 1, 2].map(digit);
                Rgba {
                    r: r.map_err(|_| not_understood())?,
                    g: g.map_err(|_| not_understood())?,
                    b: b.map_err(|_| not_understood())?,
                    a: a / 255.0,
                }
            }
            6 | 8 => {
                let a = if hex.len() == 8 {
                    pair(6).map_err(|_| not_understood())?
                } else {
                    255.0
                };
                let [r, g, b] = [0, 2, 4].map(pair);
                Rgba {
                    r: r.map_err(|_| not_understood())?,
                    g: g.map_err(|_| not_understood())?,
                    b: b.map_err(|_| not_understood())?,
                    a: a / 255.0,
                }
            }
            _ => return Err(not_understood()),
        };
        return Ok(c);
    }
    if let Some(args) = v.strip_prefix("rgba(").or_else(|| v.strip_prefix("rgb(")) {
        let args = args.strip_suffix(')').ok_or_else(not_understood)?;
        let (channels, alpha): (Vec<&str>, Option<&str>) = if args.contains(',') {
            let parts: Vec<&str> = args.split(',').map(str::trim).collect();
            match parts.len() {
                3 => (parts, None),
                4 => (parts[..3].to_vec(), Some(parts[3])),
                _ => return Err(not_understood()),
            }
        } else {
            let (channels, alpha) = match args.split_once('/') {
                Some((c, a)) => (c, Some(a.trim())),
                None => (args, None),
            };
            (channels.split_whitespace().collect(), alpha)
        };
        if channels.len() != 3 {
            return Err(not_understood());
        }
        let channel = |s: &str| -> Result<f64, String> {
            let n = match s.strip_suffix('%') {
                Some(p) => p.parse::<f64>().map(|p| p * 2.55),
                None => s.parse::<f64>(),
            };
            n.map(|n| n.clamp(0.0, 255.0)).map_err(|_| not_understood())
        };
        let a = match alpha {
            None => 1.0,
            Some(a) => match a.strip_suffix('%') {
                Some(p) => p.parse::<f64>().map(|p| p / 100.0),
                None => a.parse::<f64>(),
            }
            .map_err(|_| not_understood())?
            .clamp(0.0, 1.0),
        };
        return Ok(Rgba {
            r: channel(channels[0])?,
            g: channel(channels[1])?,
            b: channel(channels[2])?,
            a,
        });
    }
    match v.as_str() {
        "white" => Ok(Rgba::WHITE),
        "black" => Ok(Rgba::opaque(0.0, 0.0, 0.0)),
        "transparent" => Ok(Rgba {
            r: 0.0,
            g: 0.0,
            b: 0.0,
            a: 0.0,
        }),
        _ => Err(not_understood()),
    }
}

/// A font size in px; `None` for `inherit` and the like, which take an already checked size.
fn parse_font_size(value: &str, root_px: f64, base_px: f64) -> Result<Option<f64>, String> {
    let v = value.trim().to_ascii_lowercase();
    if matches!(v.as_str(), "inherit" | "unset" | "revert") {
        return Ok(None);
    }
    let number = |s: &str| {
        s.parse::<f64>()
            .map_err(|_| format!("font size `{value}` is not understood"))
    };
    if let Some(n) = v.strip_suffix("rem") {
        Ok(Some(number(n)? * root_px))
    } else if let Some(n) = v.strip_suffix("em") {
        // Relative to the parent's size, which the checker takes as the page's base size.
        Ok(Some(number(n)? * base_px))
    } else if let Some(n) = v.strip_suffix("px") {
        Ok(Some(number(n)?))
    } else if let Some(n) = v.strip_suffix('%') {
        Ok(Some(number(n)? * base_px / 100.0))
    } else {
        Err(format!("font size `{value}` is not understood"))
    }
}

fn is_page_selector(selector: &str) -> bool {
    matches!(selector, "html" | "body" | ":root")
}

/// Custom properties from `:root`; one defined anywhere else is a problem (its value would
/// depend on where it is used).
fn root_vars(rules: &[Rule], problems: &mut Vec<String>) -> Vec<(String, String)> {
    let mut vars = Vec::new();
    for rule in rules {
        let on_root = split_outside(&rule.selector, ',')
            .iter()
            .all(|s| *s == ":root");
        for (property, value) in &rule.declarations {
            if property.starts_with("--") {
                if on_root {
                    vars.push((property.clone(), value.clone()));
                } else {
                    problems.push(format!(
                        "`{}`: custom property `{property}` outside :root is not understood",
                        rule.selector
                    ));
                }
            }
        }
    }
    vars
}

// ---- contrast --------------------------------------------------------------------------------

/// One selector of a rule with what it sets.
#[derive(Debug)]
struct Entry {
    selector: String,
    subject: BTreeSet<String>,
    tokens: BTreeSet<String>,
    color: Option<Rgba>,
    background: Option<Rgba>,
    opacity: f64,
    exempt: bool,
}

fn ratio_text(ratio: f64) -> String {
    // Rounded down, so that a failing 4.497 never reads as 4.50.
    format!("{:.2}", (ratio * 100.0).floor() / 100.0)
}

fn entries(
    rules: &[Rule],
    vars: &[(String, String)],
    cfg: &Config,
    problems: &mut Vec<String>,
) -> Vec<Entry> {
    let mut out = Vec::new();
    for rule in rules {
        for selector in split_outside(&rule.selector, ',') {
            let parts = compounds(selector);
            let subject = parts
                .last()
                .map(|c| simple_selectors(c))
                .unwrap_or_default();
            let tokens: BTreeSet<String> = parts.iter().flat_map(|c| simple_selectors(c)).collect();
            let mut entry = Entry {
                selector: selector.to_string(),
                exempt: tokens.iter().any(|t| t == ":disabled")
                    || cfg.non_text.iter().any(|n| subject.contains(*n)),
                subject,
                tokens,
                color: None,
                background: None,
                opacity: 1.0,
            };
            for (property, raw) in &rule.declarations {
                let what = |e: String| format!("`{selector}`: {property}: {e}");
                let value = match property.as_str() {
                    "color" | "fill" | "background" | "background-color" | "opacity" => {
                        match resolve_vars(raw, vars) {
                            Ok(v) => v.to_ascii_lowercase(),
                            Err(e) => {
                                problems.push(what(e));
                                continue;
                            }
                        }
                    }
                    _ => continue,
                };
                match property.as_str() {
                    "color" => match value.as_str() {
                        "inherit" | "currentcolor" | "unset" => entry.color = None,
                        _ => match parse_color(&value) {
                            Ok(c) => entry.color = Some(c),
                            Err(e) => problems.push(what(e)),
                        },
                    },
                    "fill" => {
                        let text = cfg.svg_text.iter().any(|t| entry.subject.contains(*t));
                        let shape = cfg.svg_shapes.iter().any(|t| entry.subject.contains(*t));
                        match parse_color(&value) {
                            Err(e) => problems.push(what(e)),
                            Ok(c) if text => entry.color = Some(c),
                            Ok(_) if shape => {}
                            Ok(_) => problems.push(what(
                                "on an element configured neither as SVG text nor as an SVG shape"
                                    .into(),
                            )),
                        }
                    }
                    "background" | "background-color" => match value.as_str() {
                        "none" | "transparent" | "inherit" | "unset" => entry.background = None,
                        _ if split_outside(&value, ' ').len() > 1 => {
                            problems.push(what("only a single colour is understood".into()))
                        }
                        _ => match parse_color(&value) {
                            Ok(c) if c.a == 0.0 => entry.background = None,
                            Ok(c) => entry.background = Some(c),
                            Err(e) => problems.push(what(e)),
                        },
                    },
                    _ => match value.parse::<f64>() {
                        Ok(o) => entry.opacity = o.clamp(0.0, 1.0),
                        Err(_) => {
                            problems.push(what(format!("opacity `{value}` is not understood")))
                        }
                    },
                }
            }
            out.push(entry);
        }
    }
    out
}

/// Text colour/background pairs of `css` below `cfg.min_ratio`, and whatever was not understood.
pub fn check_contrast(css: &str, cfg: &Config) -> ContrastReport {
    let mut report = ContrastReport::default();
    let rules = match parse_rules(css) {
        Ok(r) => r,
        Err(e) => {
            report.problems.push(e);
            return report;
        }
    };
    let problems = &mut report.problems;
    let vars = root_vars(&rules, problems);
    let entries = entries(&rules, &vars, cfg, problems);

    // The page: its text colour and background.
    let page_entry = |pick: fn(&Entry) -> Option<Rgba>| {
        entries
            .iter()
            .filter(|e| is_page_selector(&e.selector))
            .find_map(|e| pick(e).map(|c| (c, e.selector.clone())))
    };
    let (Some((page_color, _)), Some((page_bg, page_bg_from))) =
        (page_entry(|e| e.color), page_entry(|e| e.background))
    else {
        problems
            .push("the page (html, body or :root) sets no text colour and background".to_string());
        return report;
    };
    if page_bg.a < 1.0 {
        problems.push(format!(
            "the page background {} is translucent",
            page_bg.hex()
        ));
        return report;
    }

    // Where a rule's text sits: (inherited colour, backdrops with where each comes from).
    let context = |e: &Entry| -> Result<Option<(Rgba, Rgba, String)>, String> {
        let Some((_, container)) = cfg.contexts.iter().find(|(t, _)| e.tokens.contains(*t)) else {
            return Ok(None);
        };
        let c = entries
            .iter()
            .find(|c| c.selector == *container)
            .ok_or_else(|| format!("`{}`: its container `{container}` has no rule", e.selector))?;
        match (c.color, c.background) {
            (Some(fg), Some(bg)) => Ok(Some((fg, bg.over(page_bg), format!("`{container}`")))),
            _ => Err(format!(
                "`{}`: its container `{container}` sets no colour and background",
                e.selector
            )),
        }
    };

    // Every light background: the page's and each rule's own on which the page text is readable.
    let mut surfaces: Vec<(Rgba, String)> =
        vec![(page_bg, format!("page background, `{page_bg_from}`"))];
    for e in entries.iter().filter(|e| !e.exempt) {
        let Some(bg) = e.background else { continue };
        let backdrop = match context(e) {
            Ok(Some((_, b, _))) => b,
            Ok(None) => page_bg,
            Err(_) => continue, // reported below
        };
        let bg = bg.over(backdrop);
        if contrast(page_color, bg) >= cfg.min_ratio
            && !surfaces.iter().any(|(s, _)| s.hex() == bg.hex())
        {
            surfaces.push((bg, format!("background of `{}`", e.selector)));
        }
    }

    for e in entries.iter().filter(|e| !e.exempt) {
        if e.color.is_none() && e.background.is_none() && e.opacity >= 1.0 {
            continue;
        }
        let (inherited, backdrops) = match context(e) {
            Ok(Some((fg, bg, from))) => (
                (fg, format!("inherited from {from}")),
                vec![(bg, format!("background of {from}"))],
            ),
            Ok(None) => (
                (page_color, "the page colour".to_string()),
                surfaces.clone(),
            ),
            Err(problem) => {
                problems.push(problem);
                continue;
            }
        };
        // Less specific rules for the same element.
        let same_element: Vec<&Entry> = entries
            .iter()
            .filter(|f| {
                !std::ptr::eq(*f, e)
                    && !f.exempt
                    && !f.subject.is_empty()
                    && f.subject.is_subset(&e.subject)
            })
            .collect();
        let colors: Vec<(Rgba, String)> = match e.color {
            Some(c) => vec![(c, "its colour".to_string())],
            None => same_element
                .iter()
                .filter_map(|f| f.color.map(|c| (c, format!("colour of `{}`", f.selector))))
                .chain([inherited])
                .collect(),
        };
        // (own background if any, the backdrop behind the element, where from)
        let mut backgrounds: Vec<(Option<Rgba>, Rgba, String)> = Vec::new();
        match e.background {
            Some(bg) => {
                for (b, from) in &backdrops {
                    let over = if bg.a < 1.0 {
                        format!("its background over the {from}")
                    } else {
                        "its background".into()
                    };
                    backgrounds.push((Some(bg), *b, over));
                }
            }
            None => {
                for f in &same_element {
                    if let Some(bg) = f.background {
                        for (b, _) in &backdrops {
                            backgrounds.push((
                                None,
                                bg.over(*b),
                                format!("background of `{}`", f.selector),
                            ));
                        }
                    }
                }
                backgrounds.extend(backdrops.iter().map(|(b, from)| (None, *b, from.clone())));
            }
        }
        let mut seen = BTreeSet::new();
        for (own_bg, backdrop, bg_from) in &backgrounds {
            for (color, color_from) in &colors {
                // The element (its background and text) is painted, then faded by its opacity
                // over what is behind it.
                let bg = own_bg.map_or(*backdrop, |o| o.over(*backdrop));
                let text = color.over(bg);
                let (text, bg) = (
                    text.faded(e.opacity).over(*backdrop),
                    bg.faded(e.opacity).over(*backdrop),
                );
                if !seen.insert((text.hex(), bg.hex())) {
                    continue;
                }
                report.pairs_checked += 1;
                let ratio = contrast(text, bg);
                if ratio < cfg.min_ratio {
                    let faded = if e.opacity < 1.0 {
                        format!(" at opacity {}", e.opacity)
                    } else {
                        String::new()
                    };
                    problems.push(format!(
                        "`{}`: text {} ({color_from}){faded} on {} ({bg_from}) is {}:1, below {}:1",
                        e.selector,
                        color.hex(),
                        bg.hex(),
                        ratio_text(ratio),
                        cfg.min_ratio
                    ));
                }
            }
        }
    }
    report
}

/// Names in `cfg` that no selector of `css` uses (a renamed class would leave the configuration
/// silently covering nothing).
pub fn unused_config_names(css: &str, cfg: &Config) -> Vec<String> {
    let rules = match parse_rules(css) {
        Ok(r) => r,
        Err(e) => return vec![e],
    };
    let known: BTreeSet<String> = rules
        .iter()
        .flat_map(|r| {
            split_outside(&r.selector, ',')
                .into_iter()
                .map(str::to_string)
                .collect::<Vec<_>>()
        })
        .flat_map(|s| {
            compounds(&s)
                .into_iter()
                .flat_map(simple_selectors)
                .collect::<Vec<_>>()
        })
        .collect();
    let containers = cfg.contexts.iter().map(|(_, c)| *c).filter(|c| {
        !rules
            .iter()
            .any(|r| split_outside(&r.selector, ',').contains(c))
    });
    cfg.contexts
        .iter()
        .map(|(t, _)| *t)
        .chain(cfg.non_text.iter().copied())
        .chain(cfg.svg_text.iter().copied())
        .chain(cfg.svg_shapes.iter().copied())
        .filter(|name| !known.contains(*name))
        .chain(containers)
        .map(|name| format!("the check's configuration names `{name}`, which no rule uses"))
        .collect()
}

// ---- font sizes ------------------------------------------------------------------------------

/// Font sizes of `css` below the minimums, and whatever was not understood.
pub fn check_font_sizes(css: &str, cfg: &Config) -> Vec<String> {
    let rules = match parse_rules(css) {
        Ok(r) => r,
        Err(e) => return vec![e],
    };
    let mut problems = Vec::new();
    let vars = root_vars(&rules, &mut problems);
    let size_of = |rule: &Rule, root_px: f64, base_px: f64| -> Vec<Result<Option<f64>, String>> {
        rule.declarations
            .iter()
            .filter_map(|(property, value)| match property.as_str() {
                "font-size" => Some(
                    resolve_vars(value, &vars)
                        .and_then(|v| parse_font_size(&v, root_px, base_px))
                        .map_err(|e| format!("`{}`: font-size: {e}", rule.selector)),
                ),
                "font" if value == "inherit" => None,
                "font" => Some(Err(format!(
                    "`{}`: the font shorthand `{value}` is not understood (set font-size)",
                    rule.selector
                ))),
                _ => None,
            })
            .collect()
    };
    let page_size = |name: &str, root_px: f64| {
        rules
            .iter()
            .filter(|r| split_outside(&r.selector, ',').contains(&name))
            .flat_map(|r| size_of(r, root_px, root_px))
            .filter_map(|s| s.ok().flatten())
            .next_back()
    };
    let root_px = page_size("html", 16.0)
        .or_else(|| page_size(":root", 16.0))
        .unwrap_or(16.0);
    let base_px = page_size("body", root_px).unwrap_or(root_px);
    let page_rules: Vec<&Rule> = rules
        .iter()
        .filter(|r| {
            split_outside(&r.selector, ',')
                .iter()
                .any(|s| is_page_selector(s))
        })
        .collect();
    if !page_rules.iter().any(|r| {
        size_of(r, root_px, base_px)
            .iter()
            .any(|s| matches!(s, Ok(Some(_))))
    }) {
        problems.push("the page (html, body or :root) sets no base font size".to_string());
    }
    for rule in &rules {
        let is_page = page_rules.iter().any(|p| std::ptr::eq(*p, rule));
        for size in size_of(rule, root_px, base_px) {
            match size {
                Err(e) => problems.push(e),
                Ok(None) => {}
                Ok(Some(px)) if is_page && px < cfg.body_min_px => problems.push(format!(
                    "`{}`: base font size {px} px is below the body text minimum of {} px",
                    rule.selector, cfg.body_min_px
                )),
                Ok(Some(px)) if px < cfg.label_min_px => problems.push(format!(
                    "`{}`: font size {px} px is below the label minimum of {} px",
                    rule.selector, cfg.label_min_px
                )),
                Ok(Some(_)) => {}
            }
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    const CFG: Config = Config {
        min_ratio: 4.5,
        label_min_px: 13.0,
        body_min_px: 15.0,
        contexts: &[(".hdr-sub", ".hdr")],
        non_text: &[".dot"],
        svg_text: &[".chart-label"],
        svg_shapes: &[".chart-bar"],
    };

    const PAGE: &str = "body { background: #fff; color: #1d2733; font-size: 15px; }\n";

    fn contrast_problems(css: &str) -> Vec<String> {
        check_contrast(&format!("{PAGE}{css}"), &CFG).problems
    }

    #[test]
    fn the_luminance_formula_gives_the_known_ratios() {
        let grey = |v: f64| Rgba::opaque(v, v, v);
        assert!((contrast(Rgba::WHITE, grey(0.0)) - 21.0).abs() < 1e-9);
        // #777 on white is the classic just-failing grey, #767676 the just-passing one.
        assert_eq!(ratio_text(contrast(grey(119.0), Rgba::WHITE)), "4.47");
        assert!(contrast(grey(118.0), Rgba::WHITE) >= 4.5);
        assert_eq!(
            ratio_text(contrast(parse_color("#888").unwrap(), Rgba::WHITE)),
            "3.54"
        );
    }

    #[test]
    fn colour_forms_are_parsed() {
        let c = |s: &str| parse_color(s).unwrap();
        assert_eq!(c("#abc"), c("#aabbcc"));
        assert_eq!(c("#aabbcc80").a, 128.0 / 255.0);
        assert_eq!(c("rgb(255, 0, 10)"), Rgba::opaque(255.0, 0.0, 10.0));
        assert_eq!(
            c("rgba(255, 255, 255, 0.5)"),
            Rgba {
                a: 0.5,
                ..Rgba::WHITE
            }
        );
        assert_eq!(
            c("rgb(255 255 255 / 50%)"),
            Rgba {
                a: 0.5,
                ..Rgba::WHITE
            }
        );
        assert_eq!(c("White"), Rgba::WHITE);
        assert_eq!(c("transparent").a, 0.0);
        for bad in [
            "red",
            "hsl(0 0% 50%)",
            "#12",
            "#ggg",
            "rgb(1, 2)",
            "color-mix(in srgb, red, blue)",
        ] {
            assert!(parse_color(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_3_to_1_grey_label_is_reported_with_its_selector_colours_and_ratio() {
        let problems =
            contrast_problems(":root { --grey: #949494; }\n.label { color: var(--grey); }");
        assert_eq!(problems.len(), 1, "{problems:#?}");
        let p = &problems[0];
        assert!(
            p.contains("`.label`") && p.contains("#949494") && p.contains("#ffffff"),
            "{p}"
        );
        assert!(p.contains("is 3.03:1, below 4.5:1"), "{p}");
    }

    #[test]
    fn a_dark_enough_label_passes_and_is_counted() {
        let report = check_contrast(&format!("{PAGE}.label {{ color: #595959; }}"), &CFG);
        assert_eq!(report.problems, Vec::<String>::new());
        assert_eq!(report.pairs_checked, 2, "the page itself and the label");
    }

    #[test]
    fn a_colour_without_background_must_pass_on_every_light_background_of_the_sheet() {
        // #6b6b6b passes on white (5.3:1) but not on the pale banner (4.3:1).
        let problems =
            contrast_problems(".banner { background: #e6e6e6; } .note { color: #6b6b6b; }");
        assert_eq!(problems.len(), 1, "{problems:#?}");
        assert!(
            problems[0].contains("`.note`") && problems[0].contains("background of `.banner`"),
            "{}",
            problems[0]
        );
    }

    #[test]
    fn a_less_specific_rule_gives_the_same_element_its_background_or_colour() {
        // The active count keeps .count's grey text but on a darker background.
        let problems = contrast_problems(
            ".nav .count { color: #666; background: #fff; } .nav.active .count { background: #bbb; }",
        );
        assert_eq!(problems.len(), 1, "{problems:#?}");
        let p = &problems[0];
        assert!(
            p.contains("`.nav.active .count`: text #666666 (colour of `.nav .count`) on #bbbbbb"),
            "{p}"
        );
    }

    #[test]
    fn translucent_text_and_opacity_are_composited_over_the_background() {
        assert_eq!(
            contrast_problems(".a { color: rgba(0, 0, 0, 0.9); }"),
            Vec::<String>::new()
        );
        let problems = contrast_problems(".a { color: rgba(0, 0, 0, 0.3); }");
        assert!(
            problems.len() == 1 && problems[0].contains("alpha 0.30"),
            "{problems:#?}"
        );
        let problems = contrast_problems(".b { color: #000; opacity: 0.3; }");
        assert!(
            problems.len() == 1 && problems[0].contains("at opacity 0.3"),
            "{problems:#?}"
        );
    }

    #[test]
    fn text_in_a_configured_dark_container_is_paired_with_that_container() {
        let css = ".hdr { background: #1f5f8b; color: #fff; } .hdr-sub { opacity: 0.8; } .hdr .hdr-sub.dim { opacity: 0.5; }";
        let problems = contrast_problems(css);
        assert_eq!(problems.len(), 1, "{problems:#?}");
        assert!(
            problems[0].contains("`.hdr .hdr-sub.dim`")
                && problems[0].contains("inherited from `.hdr`"),
            "{}",
            problems[0]
        );
    }

    #[test]
    fn a_dark_background_without_its_own_text_colour_is_reported_unless_it_holds_no_text() {
        assert_eq!(
            contrast_problems(".dot { background: #333; }"),
            Vec::<String>::new()
        );
        let problems = contrast_problems(".pill { background: #333; }");
        assert!(
            problems.len() == 1
                && problems[0].contains("`.pill`")
                && problems[0].contains("the page colour"),
            "{problems:#?}"
        );
        // Disabled controls are exempt (WCAG 1.4.3).
        assert_eq!(
            contrast_problems(".b:disabled { color: #ccc; }"),
            Vec::<String>::new()
        );
    }

    #[test]
    fn svg_fill_counts_as_text_colour_only_on_configured_text() {
        assert_eq!(
            contrast_problems(".chart-bar { fill: #ddd; }"),
            Vec::<String>::new()
        );
        let problems = contrast_problems(".chart-label { fill: #aaa; }");
        assert!(
            problems.len() == 1 && problems[0].contains("`.chart-label`"),
            "{problems:#?}"
        );
        let problems = contrast_problems(".other { fill: #000; }");
        assert!(
            problems.len() == 1 && problems[0].contains("neither as SVG text"),
            "{problems:#?}"
        );
    }

    #[test]
    fn what_the_parser_does_not_understand_fails_naming_the_rule() {
        for (css, expected) in [
            (
                ".a { color: red; }",
                "`.a`: color: colour `red` is not understood",
            ),
            (
                ".b { color: hsl(0 0% 20%); }",
                "`.b`: color: colour `hsl(0 0% 20%)`",
            ),
            (
                ".c { background: #fff url(x.png); }",
                "`.c`: background: only a single colour",
            ),
            (
                ".d { color: var(--nowhere); }",
                "`.d`: color: `--nowhere` is not defined in :root",
            ),
            (
                ".e { --local: #000; }",
                "`.e`: custom property `--local` outside :root",
            ),
            (".f { color: #000; ", "is never closed"),
            (
                ".hdr-sub { color: #fff; }",
                "its container `.hdr` has no rule",
            ),
        ] {
            let problems = contrast_problems(css);
            assert!(
                problems.iter().any(|p| p.contains(expected)),
                "{css}: {problems:#?}"
            );
        }
    }

    #[test]
    fn an_11px_label_and_a_14px_body_are_reported() {
        let css = "body { font-size: 14px; } .a { font-size: 11px; } .b { font-size: 0.75rem; } .c { font-size: 13px; }";
        let problems = check_font_sizes(css, &CFG);
        assert_eq!(
            problems,
            [
                "`body`: base font size 14 px is below the body text minimum of 15 px",
                "`.a`: font size 11 px is below the label minimum of 13 px",
                "`.b`: font size 12 px is below the label minimum of 13 px",
            ]
        );
    }

    #[test]
    fn font_sizes_in_rem_em_and_percent_and_unknown_forms() {
        let css = "body { font-size: 16px; } .a { font-size: 0.8125rem; } .b { font-size: 0.75em; } .c { font-size: 90%; } .d { font-size: small; } .e { font: 12px serif; } .f { font: inherit; }";
        let problems = check_font_sizes(css, &CFG);
        assert_eq!(
            problems,
            [
                "`.b`: font size 12 px is below the label minimum of 13 px",
                "`.d`: font-size: font size `small` is not understood",
                "`.e`: the font shorthand `12px serif` is not understood (set font-size)",
            ]
        );
        assert_eq!(
            check_font_sizes(".a { font-size: 14px; }", &CFG),
            ["the page (html, body or :root) sets no base font size"]
        );
    }

    #[test]
    fn configuration_names_no_rule_uses_are_reported() {
        let unused = unused_config_names(
            ".hdr { color: #fff; } .hdr-sub { opacity: 0.8; } .dot, .chart-label { fill: #000; }",
            &CFG,
        );
        assert_eq!(
            unused,
            ["the check's configuration names `.chart-bar`, which no rule uses"]
        );
        let unused = unused_config_names(
            ".hdr-sub, .dot, .chart-label, .chart-bar { color: #000; }",
            &CFG,
        );
        assert_eq!(
            unused,
            ["the check's configuration names `.hdr`, which no rule uses"]
        );
    }

    #[test]
    fn rules_comments_and_at_rules_are_parsed() {
        let css = "/* a } { comment */ @charset \"utf-8\";\n.a::before, .b > .c { content: \"x;}\"; color: #000 !important; }\n@media (min-width: 10px) { .d { color: #111; } }\n@keyframes spin { to { transform: rotate(360deg); } }";
        let rules = parse_rules(css).unwrap();
        let selectors: Vec<&str> = rules.iter().map(|r| r.selector.as_str()).collect();
        assert_eq!(selectors, [".a::before, .b > .c", ".d", "to"]);
        assert_eq!(
            rules[0].declarations[1],
            ("color".to_string(), "#000".to_string())
        );
        assert_eq!(
            compounds("table.data-table tr.clickable:hover td"),
            ["table.data-table", "tr.clickable:hover", "td"]
        );
        let simple: Vec<String> = simple_selectors("input[type=text]:not(.x)::before")
            .into_iter()
            .collect();
        assert_eq!(simple, ["::before", ":not(.x)", "[type=text]", "input"]);
    }
}
