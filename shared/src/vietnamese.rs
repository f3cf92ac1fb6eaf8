//! Vietnamese text rules: search folding, collation, number and date formats.
//!
//! Folding maps text to a lower-case, diacritic-free form in which "đ" becomes "d", so that
//! "dao tao" finds "Đào tạo" (SQLite's `remove_diacritics` keeps "đ", which is a letter, not a mark).

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

/// Returns `text` in NFC with runs of white space (including non-breaking spaces) collapsed to one
/// space and trimmed at both ends.
pub fn tidy(text: &str) -> String {
    let nfc: String = text.nfc().collect();
    let mut out = String::with_capacity(nfc.len());
    for word in nfc.split(|c: char| c.is_whitespace() || c == '\u{a0}') {
        if word.is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// Folds `text` for diacritic-insensitive search: NFD, combining marks U+0300-U+036F dropped,
/// đ/Đ mapped to d, lower-cased, white space collapsed.
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut last_space = true;
    for c in text.nfd() {
        if is_combining_mark(c) {
            continue;
        }
        let c = match c {
            'đ' | 'Đ' => 'd',
            c if c.is_whitespace() || c == '\u{a0}' => ' ',
            c => c,
        };
        if c == ' ' {
            if !last_space {
                out.push(' ');
            }
            last_space = true;
            continue;
        }
        out.extend(c.to_lowercase());
        last_space = false;
    }
    if out.ends_with(' ') {
        out.pop();
    }
    out
}

/// True when every word of `query` (folded) occurs in `haystack` (folded).
pub fn matches_query(haystack: &str, query: &str) -> bool {
    let hay = fold(haystack);
    fold(query)
        .split(' ')
        .filter(|w| !w.is_empty())
        .all(|w| hay.contains(w))
}

/// Letters of the Vietnamese alphabet in order; a letter's position is its primary weight.
const ALPHABET: [&str; 29] = [
    "a", "ă", "â", "b", "c", "d", "đ", "e", "ê", "g", "h", "i", "k", "l", "m", "n", "o", "ô", "ơ",
    "p", "q", "r", "s", "t", "u", "ư", "v", "x", "y",
];

/// Tone marks in their conventional order (none, huyền, hỏi, ngã, sắc, nặng).
const TONES: [char; 5] = ['\u{300}', '\u{309}', '\u{303}', '\u{301}', '\u{323}'];

/// A sort key that orders strings the Vietnamese way: letters by the Vietnamese alphabet (Đ after
/// D, Ă and Â after A), then by tone, then by case. Compare keys with `Ord`.
pub fn collation_key(text: &str) -> Vec<u32> {
    let mut primary = Vec::new();
    let mut tones = Vec::new();
    let mut cases = Vec::new();
    for c in text.nfc() {
        let lower: String = c.to_lowercase().collect();
        cases.push(u32::from(lower != c.to_string()));
        // Separate the tone mark from the letter's own marks (breve, circumflex, horn).
        let mut tone = 0;
        let mut letter = String::new();
        for d in lower.nfd() {
            if let Some(idx) = TONES.iter().position(|t| *t == d) {
                tone = idx as u32 + 1;
            } else {
                letter.push(d);
            }
        }
        let letter: String = letter.nfc().collect();
        let weight = match ALPHABET.iter().position(|l| *l == letter) {
            Some(idx) => 0x10_0000 + idx as u32,
            // Digits, punctuation and other scripts sort by code point, after spaces and before
            // letters for digits (as dictionaries do).
            None => letter.chars().next().map_or(0, |ch| {
                if ch.is_alphabetic() {
                    0x20_0000 + ch as u32
                } else {
                    ch as u32
                }
            }),
        };
        primary.push(weight);
        tones.push(tone);
    }
    primary.push(0);
    primary.extend(tones);
    primary.push(0);
    primary.extend(cases);
    primary
}

/// Formats a number with a decimal comma and `decimals` places, grouping thousands with dots
/// ("1.234,50"). Trailing zeros are kept so columns line up.
pub fn format_decimal(value: f64, decimals: usize) -> String {
    let formatted = format!("{:.*}", decimals, value.abs());
    let (int_part, frac_part) = formatted.split_once('.').unwrap_or((&formatted, ""));
    let mut grouped = String::new();
    for (idx, ch) in int_part.chars().enumerate() {
        if idx > 0 && (int_part.len() - idx) % 3 == 0 {
            grouped.push('.');
        }
        grouped.push(ch);
    }
    let sign = if value < 0.0 && formatted.chars().any(|c| c.is_ascii_digit() && c != '0') {
        "-"
    } else {
        ""
    };
    if frac_part.is_empty() {
        format!("{sign}{grouped}")
    } else {
        format!("{sign}{grouped},{frac_part}")
    }
}

/// "31/75 nhiệm vụ, 41,33%": a completion rate written the Vietnamese way.
pub fn format_completion(done: usize, total: usize, noun: &str) -> String {
    let percent = if total == 0 {
        0.0
    } else {
        done as f64 * 100.0 / total as f64
    };
    format!("{done}/{total} {noun}, {}%", format_decimal(percent, 2))
}

/// A calendar date as shown on screen: dd/mm/yyyy.
pub fn format_date(year: i32, month: u32, day: u32) -> String {
    format!("{day:02}/{month:02}/{year:04}")
}

/// The formal date line of an administrative document (Decree 30/2020): days below 10 and months
/// 1 and 2 are zero-padded, e.g. "Tuyên Quang, ngày 05 tháng 01 năm 2026".
pub fn formal_date_line(place: &str, year: i32, month: u32, day: u32) -> String {
    let month = if month <= 2 {
        format!("{month:02}")
    } else {
        month.to_string()
    };
    format!("{place}, ngày {day:02} tháng {month} năm {year}")
}

/// Folds one character the way [`fold`] does, keeping exactly one character (white space is
/// kept, not collapsed), so that positions in the folded text map back to the original.
pub fn fold_char(c: char) -> char {
    let base = c.nfd().find(|d| !is_combining_mark(*d)).unwrap_or(c);
    match base {
        'đ' | 'Đ' => 'd',
        b => {
            let mut lower = b.to_lowercase();
            match (lower.next(), lower.next()) {
                (Some(l), None) => l,
                _ => b,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fold_maps_d_stroke_and_drops_marks() {
        assert_eq!(fold("Đào tạo"), "dao tao");
        assert_eq!(fold("Văn  phòng\u{a0}Sở"), "van phong so");
        // Decomposed input folds the same as composed input.
        assert_eq!(fold("ho\u{300}a"), fold("hòa"));
        assert_eq!(fold("hoà"), fold("hòa"));
    }

    #[test]
    fn query_words_match_in_any_order_without_diacritics() {
        assert!(matches_query(
            "Phòng Kế hoạch – Tài chính",
            "tai chinh ke hoach"
        ));
        assert!(matches_query("Đào tạo, bồi dưỡng", "dao tao"));
        assert!(!matches_query("Văn phòng Sở", "van phong xay"));
    }

    #[test]
    fn collation_puts_d_stroke_after_d_and_orders_tones() {
        let mut words = vec![
            "Đức", "Dũng", "ăn", "an", "ân", "bà", "ba", "bá", "bạ", "bả", "bã", "Zô",
        ];
        words.sort_by_key(|w| collation_key(w));
        assert_eq!(
            words,
            [
                "an", "ăn", "ân", "ba", "bà", "bả", "bã", "bá", "bạ", "Dũng", "Đức", "Zô"
            ]
        );
    }

    #[test]
    fn numbers_use_decimal_comma() {
        assert_eq!(
            format_completion(31, 75, "nhiệm vụ"),
            "31/75 nhiệm vụ, 41,33%"
        );
        assert_eq!(format_decimal(1234.5, 2), "1.234,50");
        assert_eq!(format_decimal(-0.001, 1), "0,0");
        assert_eq!(format_decimal(100.0, 0), "100");
    }

    #[test]
    fn formal_date_line_pads_small_days_and_early_months() {
        assert_eq!(
            formal_date_line("Tuyên Quang", 2026, 1, 5),
            "Tuyên Quang, ngày 05 tháng 01 năm 2026"
        );
        assert_eq!(
            formal_date_line("Tuyên Quang", 2026, 11, 28),
            "Tuyên Quang, ngày 28 tháng 11 năm 2026"
        );
        assert_eq!(format_date(2026, 3, 4), "04/03/2026");
    }
}
