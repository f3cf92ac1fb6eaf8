//! File sizes in Vietnamese, with a decimal comma.

const KIB: u64 = 1024;
const MIB: u64 = 1024 * 1024;

/// Bytes in megabytes with one decimal and a decimal comma: "3,1", "12,0".
pub fn megabytes(bytes: u64) -> String {
    let tenths = (bytes * 10 + MIB / 2) / MIB;
    format!("{},{}", tenths / 10, tenths % 10)
}

/// A file size as people read it: "512 byte", "850 KB", "1,2 MB".
pub fn format_size(bytes: u64) -> String {
    if bytes < KIB {
        format!("{bytes} byte")
    } else if bytes < MIB {
        format!("{} KB", (bytes + KIB / 2) / KIB)
    } else {
        let text = megabytes(bytes);
        let text = text.strip_suffix(",0").unwrap_or(&text);
        format!("{text} MB")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_as_vietnamese() {
        assert_eq!(format_size(512), "512 byte");
        assert_eq!(format_size(870_400), "850 KB");
        assert_eq!(format_size(1_258_291), "1,2 MB");
        assert_eq!(format_size(12 * MIB), "12 MB");
        assert_eq!(megabytes(12 * MIB), "12,0");
        assert_eq!(megabytes(3_250_586), "3,1");
        assert_eq!(megabytes(0), "0,0");
    }
}
