//! Numeric targets found in a task's text ("từ 80% trở lên", "100%", "tối thiểu 03",
//! "không vượt quá ...") as (operator, value, unit) beside the words they came from.

use regex::Regex;
use serde::{Deserialize, Serialize};
use std::sync::OnceLock;

use crate::vietnamese::{fold_char, tidy};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum TargetOperator {
    #[serde(rename = ">=")]
    AtLeast,
    #[serde(rename = "<=")]
    AtMost,
    #[serde(rename = "=")]
    Exactly,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Target {
    pub operator: TargetOperator,
    /// The number the actual is compared with; `None` when the plan compares with a quantity it
    /// does not state ("không vượt quá số lượng biên chế được giao").
    pub value: Option<f64>,
    /// "%" or the counted thing ("sáng kiến", "hoạt động"); `None` for a bare count.
    pub unit: Option<String>,
    /// The words of the plan the target was read from.
    pub text: String,
}

impl Target {
    /// Whether `actual` meets this target; `None` when the target has no stated value.
    pub fn is_met_by(&self, actual: f64) -> Option<bool> {
        let value = self.value?;
        Some(match self.operator {
            TargetOperator::AtLeast => actual >= value,
            TargetOperator::AtMost => actual <= value,
            TargetOperator::Exactly => (actual - value).abs() < 1e-9,
        })
    }
}

struct Patterns {
    range_up: Regex,
    at_least: Regex,
    count: Regex,
    at_most: Regex,
    none: Regex,
    percent: Regex,
}

fn patterns() -> &'static Patterns {
    static PATTERNS: OnceLock<Patterns> = OnceLock::new();
    PATTERNS.get_or_init(|| {
        let number = r"(\d+(?:[.,]\d+)?)";
        let build = |p: String| Regex::new(&p).expect("target pattern is valid");
        Patterns {
            // "tu 80% tro len", "tu 03 sang kien hoac giai phap moi trong cchc tro len".
            range_up: build(format!(r"\btu {number}\s*(%)?([^;%\d]{{0,80}}?)\s*tro len")),
            // "toi thieu 03", "toi thieu 80%", "it nhat 2 lan".
            at_least: build(format!(r"\b(?:toi thieu|it nhat) {number}\s*(%)?")),
            // "day du 05 hoat dong".
            count: build(format!(r"\bday du {number} (\p{{L}}+(?: \p{{L}}+)?)")),
            // "khong vuot qua 5%", "khong vuot qua so luong bien che duoc giao".
            at_most: build(format!(
                r"\bkhong vuot qua (?:{number}\s*(%)?|([^;.]{{3,80}}))"
            )),
            // "khong co can bo cbccvc bi xu ly ky luat" at the start of a clause.
            none: build(r"(?:^|[;.]\s*)(khong co [^;.]{3,120})".to_string()),
            // A bare percentage: "100% so van ban".
            percent: build(format!(r"{number}\s*%")),
        }
    })
}

/// Every numeric target stated in `text`, in the order they appear.
pub fn find_targets(text: &str) -> Vec<Target> {
    let original: Vec<char> = tidy(text).chars().collect();
    let folded: String = original.iter().map(|c| fold_char(*c)).collect();
    // Byte offset in `folded` -> char index (fold keeps one char per char).
    let char_idx = |byte: usize| folded[..byte].chars().count();
    let slice = |start: usize, end: usize| -> String {
        original[char_idx(start)..char_idx(end)]
            .iter()
            .collect::<String>()
            .trim()
            .to_string()
    };
    let p = patterns();
    let mut found: Vec<(usize, usize, Target)> = Vec::new();
    let push =
        |start: usize, end: usize, target: Target, found: &mut Vec<(usize, usize, Target)>| {
            if !found.iter().any(|(s, e, _)| start < *e && *s < end) {
                found.push((start, end, target));
            }
        };
    for c in p.range_up.captures_iter(&folded) {
        let whole = c.get(0).expect("match");
        let unit = if c.get(2).is_some() {
            Some("%".to_string())
        } else {
            c.get(3)
                .map(|m| leading_words(&slice(m.start(), m.end()), 2))
                .filter(|u| !u.is_empty())
        };
        let target = Target {
            operator: TargetOperator::AtLeast,
            value: parse_number(&c[1]),
            unit,
            text: slice(whole.start(), whole.end()),
        };
        push(whole.start(), whole.end(), target, &mut found);
    }
    for c in p.at_least.captures_iter(&folded) {
        let whole = c.get(0).expect("match");
        let target = Target {
            operator: TargetOperator::AtLeast,
            value: parse_number(&c[1]),
            unit: c.get(2).map(|_| "%".to_string()),
            text: slice(whole.start(), whole.end()),
        };
        push(whole.start(), whole.end(), target, &mut found);
    }
    for c in p.count.captures_iter(&folded) {
        let whole = c.get(0).expect("match");
        let unit = c.get(2).map(|m| slice(m.start(), m.end()));
        let target = Target {
            operator: TargetOperator::AtLeast,
            value: parse_number(&c[1]),
            unit,
            text: slice(whole.start(), whole.end()),
        };
        push(whole.start(), whole.end(), target, &mut found);
    }
    for c in p.at_most.captures_iter(&folded) {
        let whole = c.get(0).expect("match");
        let target = Target {
            operator: TargetOperator::AtMost,
            value: c.get(1).and_then(|m| parse_number(m.as_str())),
            unit: match (c.get(2), c.get(3)) {
                (Some(_), _) => Some("%".to_string()),
                (None, Some(m)) => Some(slice(m.start(), m.end())),
                _ => None,
            },
            text: slice(whole.start(), whole.end()),
        };
        push(whole.start(), whole.end(), target, &mut found);
    }
    for c in p.none.captures_iter(&folded) {
        let m = c.get(1).expect("group");
        let target = Target {
            operator: TargetOperator::AtMost,
            value: Some(0.0),
            unit: None,
            text: slice(m.start(), m.end()),
        };
        push(m.start(), m.end(), target, &mut found);
    }
    for c in p.percent.captures_iter(&folded) {
        let whole = c.get(0).expect("match");
        // Take the words that follow as context ("100% số văn bản ..."), up to the clause's end.
        let end = folded[whole.end()..]
            .find([';', '.', ','])
            .map_or(folded.len(), |i| whole.end() + i);
        let end = end.min(whole.end() + 80);
        let end = (whole.end()..=end)
            .rev()
            .find(|i| folded.is_char_boundary(*i))
            .unwrap_or(whole.end());
        let target = Target {
            operator: TargetOperator::AtLeast,
            value: parse_number(&c[1]),
            unit: Some("%".to_string()),
            text: slice(whole.start(), end),
        };
        push(whole.start(), whole.end(), target, &mut found);
    }
    found.sort_by_key(|(start, _, _)| *start);
    found.into_iter().map(|(_, _, t)| t).collect()
}

fn parse_number(text: &str) -> Option<f64> {
    text.replace(',', ".").parse().ok()
}

fn leading_words(text: &str, n_words: usize) -> String {
    text.split_whitespace()
        .take(n_words)
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use expect_test::{expect, Expect};

    fn check(text: &str, expect: Expect) {
        let shown: Vec<String> = find_targets(text)
            .iter()
            .map(|t| {
                let op = serde_json::to_string(&t.operator).unwrap();
                format!(
                    "{} {:?} {:?} «{}»",
                    op.trim_matches('"'),
                    t.value,
                    t.unit,
                    t.text
                )
            })
            .collect();
        expect.assert_eq(&shown.join("\n"));
    }

    #[test]
    fn at_least_percent() {
        check(
            "Phân đầu mức độ hài lòng của người dân và doanh nghiệp đạt từ 85% trở lên",
            expect![[r#">= Some(85.0) Some("%") «từ 85% trở lên»"#]],
        );
        check(
            "Chỉ số đạt tối thiểu 80% trở lên.",
            expect![[r#">= Some(80.0) Some("%") «tối thiểu 80%»"#]],
        );
    }

    #[test]
    fn counted_things() {
        check(
            "Đề xuất và triển khai từ 03 sáng kiến hoặc giải pháp mới trong CCHC trở lên",
            expect![[
                r#">= Some(3.0) Some("sáng kiến") «từ 03 sáng kiến hoặc giải pháp mới trong CCHC trở lên»"#
            ]],
        );
        check(
            "(Thực hiện đầy đủ 05 hoạt động TDTHPL theo đúng quy định)",
            expect![[r#">= Some(5.0) Some("hoạt động") «đầy đủ 05 hoạt động»"#]],
        );
    }

    #[test]
    fn at_most_with_and_without_number() {
        check(
            "Sử dụng không vượt quá số lượng biên chế hành chính được giao",
            expect![[
                r#"<= None Some("số lượng biên chế hành chính được giao") «không vượt quá số lượng biên chế hành chính được giao»"#
            ]],
        );
        check(
            "Tỷ lệ hồ sơ trễ hạn không vượt quá 2,5%",
            expect![[r#"<= Some(2.5) Some("%") «không vượt quá 2,5%»"#]],
        );
        check(
            "Không có cán bộ CCVC bị xử lý kỷ luật từ hình thức khiển trách trở lên",
            expect![[
                r#"<= Some(0.0) None «Không có cán bộ CCVC bị xử lý kỷ luật từ hình thức khiển trách trở lên»"#
            ]],
        );
    }

    #[test]
    fn several_bare_percentages() {
        check(
            "100% hồ sơ TTHC được đồng bộ, công khai; 100% hồ sơ TTHC được cập nhật",
            expect![[r#"
                >= Some(100.0) Some("%") «100% hồ sơ TTHC được đồng bộ»
                >= Some(100.0) Some("%") «100% hồ sơ TTHC được cập nhật»"#]],
        );
        check(
            "Không có chỉ tiêu nào ở đây",
            expect![[r#"<= Some(0.0) None «Không có chỉ tiêu nào ở đây»"#]],
        );
        check("Tổ chức tuyên truyền", expect![[""]]);
    }

    #[test]
    fn met_compares_with_operator() {
        let t = &find_targets("đạt từ 80% trở lên")[0];
        assert_eq!(t.is_met_by(80.0), Some(true));
        assert_eq!(t.is_met_by(79.9), Some(false));
    }
}
