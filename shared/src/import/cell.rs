//! Turning a raw table cell (which may carry inline HTML such as `<i>` or `<ul><li>`) into text.

use crate::vietnamese::tidy;

/// Cleans one cell: inline HTML tags are dropped (list items and line breaks become new lines),
/// entities decoded, each line tidied, empty lines removed. Text is never dropped.
pub fn clean_cell(raw: &str) -> String {
    let mut text = String::with_capacity(raw.len());
    let mut rest = raw;
    while let Some(open) = rest.find('<') {
        text.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let is_tag = after.starts_with(|c: char| c.is_ascii_alphabetic() || c == '/' || c == '!');
        match after.find('>') {
            Some(close) if is_tag && !after[..close].contains('<') => {
                let name: String = after[..close]
                    .trim_start_matches('/')
                    .chars()
                    .take_while(char::is_ascii_alphanumeric)
                    .collect::<String>()
                    .to_ascii_lowercase();
                if matches!(
                    name.as_str(),
                    "br" | "li" | "p" | "div" | "ul" | "ol" | "tr"
                ) {
                    text.push('\n');
                }
                rest = &after[close + 1..];
            }
            _ => {
                text.push('<');
                rest = after;
            }
        }
    }
    text.push_str(rest);
    // A list written as "<ul> - first - second" (no <li>) puts one item per line.
    let lowered = raw.to_ascii_lowercase();
    if (lowered.contains("<ul") || lowered.contains("<ol")) && !lowered.contains("<li") {
        text = text.replace(" - ", "\n- ");
    }
    let text = decode_entities(&text);
    text.lines()
        .map(tidy)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}

fn decode_entities(text: &str) -> String {
    if !text.contains('&') {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let after = &rest[amp + 1..];
        let entity = after
            .find(';')
            .filter(|end| *end <= 8)
            .map(|end| (&after[..end], end));
        let decoded = entity.and_then(|(name, end)| {
            let c = match name {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                "nbsp" => Some(' '),
                n if n.starts_with("#x") || n.starts_with("#X") => u32::from_str_radix(&n[2..], 16)
                    .ok()
                    .and_then(char::from_u32),
                n if n.starts_with('#') => n[1..].parse().ok().and_then(char::from_u32),
                _ => None,
            }?;
            Some((c, end))
        });
        match decoded {
            Some((c, end)) => {
                out.push(c);
                rest = &after[end + 1..];
            }
            None => {
                out.push('&');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::clean_cell;

    #[test]
    fn italics_are_dropped_text_kept() {
        assert_eq!(
            clean_cell("Báo cáo (<i>quý III và cả năm</i>), đáp ứng"),
            "Báo cáo (quý III và cả năm), đáp ứng"
        );
    }

    #[test]
    fn list_items_become_lines() {
        assert_eq!(
            clean_cell("<ul><li>Một</li><li> Hai &amp; ba</li></ul>"),
            "Một\nHai & ba"
        );
        assert_eq!(
            clean_cell(r#"<ul style="list-style-type: none"> - 100% số A - Từ 80% số B"#),
            "- 100% số A\n- Từ 80% số B"
        );
    }

    #[test]
    fn lone_angle_brackets_are_text() {
        assert_eq!(clean_cell("tỷ lệ < 5% và > 2"), "tỷ lệ < 5% và > 2");
        assert_eq!(clean_cell("A &unknown; B&#7871;"), "A &unknown; Bế");
    }
}
