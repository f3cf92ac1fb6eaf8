//! How wide a line of Times New Roman is, to draw the heading's rules to the length of the text
//! above them. The advance widths are those of Times Roman and Times Bold (Adobe's metrics, in
//! thousandths of an em), with which Times New Roman is metrically compatible; a Vietnamese
//! letter is as wide as its base letter.

/// Widths of the printable ASCII characters from the space (32) to the tilde (126).
const REGULAR: [u16; 95] = [
    250, 333, 408, 500, 500, 833, 778, 333, 333, 333, 500, 564, 250, 333, 250,
    278, // space–/
    500, 500, 500, 500, 500, 500, 500, 500, 500, 500, 278, 278, 564, 564, 564, 444, // 0–?
    921, 722, 667, 667, 722, 611, 556, 722, 722, 333, 389, 722, 611, 889, 722, 722, // @–O
    556, 722, 667, 556, 611, 722, 722, 944, 722, 722, 611, 333, 278, 333, 469, 500, // P–_
    333, 444, 500, 444, 500, 444, 333, 500, 500, 278, 278, 500, 278, 778, 500, 500, // `–o
    500, 500, 333, 389, 278, 500, 500, 722, 500, 500, 444, 480, 200, 480, 541, // p–~
];

const BOLD: [u16; 95] = [
    250, 333, 555, 500, 500, 1000, 833, 333, 333, 333, 500, 570, 250, 333, 250,
    278, // space–/
    500, 500, 500, 500, 500, 500, 500, 500, 500, 500, 333, 333, 570, 570, 570, 500, // 0–?
    930, 722, 667, 722, 722, 667, 611, 778, 778, 389, 500, 778, 667, 944, 722, 778, // @–O
    611, 778, 722, 556, 667, 722, 722, 1000, 722, 722, 667, 333, 278, 333, 581, 500, // P–_
    333, 500, 556, 444, 556, 444, 333, 500, 556, 278, 333, 556, 278, 833, 556, 500, // `–o
    556, 556, 444, 389, 333, 556, 500, 722, 500, 500, 444, 394, 220, 394, 520, // p–~
];

/// The width of `text` on one line, in twentieths of a point, at `half_points` (the size as
/// WordprocessingML writes it: 26 for 13 pt).
pub fn text_width(text: &str, half_points: u32, bold: bool) -> u32 {
    let table = if bold { &BOLD } else { &REGULAR };
    let thousandths: u32 = text
        .chars()
        .map(|c| {
            let base = match c {
                '–' => return 500,
                '—' | '…' => return 1000,
                // The base letter, in the letter's case ("Ộ" is "O", "đ" is "d").
                c if c.is_uppercase() => shared::vietnamese::fold_char(c).to_ascii_uppercase(),
                c => shared::vietnamese::fold_char(c),
            };
            match base as u32 {
                code @ 32..=126 => u32::from(table[(code - 32) as usize]),
                _ => 500,
            }
        })
        .sum();
    // A half point is ten twentieths of a point.
    thousandths * half_points * 10 / 1000
}

#[cfg(test)]
mod tests {
    use super::text_width;

    #[test]
    fn vietnamese_letters_are_as_wide_as_their_base_letters() {
        assert_eq!(
            text_width("Độc lập - Tự do - Hạnh phúc", 26, true),
            text_width("Doc lap - Tu do - Hanh phuc", 26, true)
        );
        // 13 pt bold "D" is 722/1000 em: 9.386 pt, 187 twentieths.
        assert_eq!(text_width("D", 26, true), 187);
        assert!(text_width("SỞ XÂY DỰNG", 26, true) > text_width("SỞ XÂY DỰNG", 26, false));
    }
}
