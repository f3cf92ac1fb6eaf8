//! Vietnamese wording of the setting "Chứng chỉ của máy chủ (CA nội bộ)".

use crate::backend::{CaCertificate, CaFileView};

/// The section's title, as the sync bar's and the login form's messages name it.
pub const SECTION_TITLE: &str = "Chứng chỉ của máy chủ (CA nội bộ)";

/// What the setting is for.
pub const SECTION_HINT: &str = "Chỉ cần khi máy chủ dùng chứng chỉ do CA nội bộ của tỉnh cấp. \
    Chọn tệp chứng chỉ CA (dạng PEM, thường có đuôi .pem hoặc .crt) do quản trị máy chủ gửi: \
    ứng dụng giữ một bản sao và tin cậy nó cùng các chứng chỉ của hệ điều hành.";

/// Without a chosen file.
pub const NONE_CHOSEN: &str =
    "Chưa chọn tệp nào: ứng dụng chỉ tin cậy các chứng chỉ của hệ điều hành.";

/// "Tệp có 2 chứng chỉ", or why the file is not used.
pub fn file_summary(file: &CaFileView) -> String {
    match &file.problem {
        Some(problem) => format!("Tệp chứng chỉ đã lưu không dùng được: {problem}"),
        None => format!("Tệp có {} chứng chỉ", file.certificates.len()),
    }
}

/// One certificate: whose it is and until when it is valid (`now_ms`: now, Unix ms); `date`
/// formats an instant as dd/mm/yyyy.
pub fn certificate_line(cert: &CaCertificate, now_ms: i64, date: impl Fn(i64) -> String) -> String {
    let validity = if now_ms > cert.not_after_ms {
        format!("đã hết hạn ngày {}", date(cert.not_after_ms))
    } else if now_ms < cert.not_before_ms {
        format!("chưa có hiệu lực (từ ngày {})", date(cert.not_before_ms))
    } else {
        format!("hiệu lực đến {}", date(cert.not_after_ms))
    };
    let issuer = if cert.issuer == cert.subject {
        String::new()
    } else {
        format!(", do {} cấp", cert.issuer)
    };
    let not_ca = if cert.is_ca {
        ""
    } else {
        " (không phải chứng chỉ CA)"
    };
    format!("{}{issuer} — {validity}{not_ca}", cert.subject)
}

/// Whether any certificate of `file` is out of its validity (shown as a warning).
pub fn has_invalid(file: &CaFileView, now_ms: i64) -> bool {
    file.certificates
        .iter()
        .any(|c| now_ms > c.not_after_ms || now_ms < c.not_before_ms)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(ms: i64) -> String {
        format!("<{ms}>")
    }

    fn cert(subject: &str, issuer: &str, is_ca: bool) -> CaCertificate {
        CaCertificate {
            subject: subject.into(),
            issuer: issuer.into(),
            not_before_ms: 10,
            not_after_ms: 20,
            is_ca,
        }
    }

    #[test]
    fn each_certificate_says_whose_and_until_when() {
        let root = cert("CA nội bộ tỉnh", "CA nội bộ tỉnh", true);
        assert_eq!(
            certificate_line(&root, 15, date),
            "CA nội bộ tỉnh — hiệu lực đến <20>"
        );
        assert_eq!(
            certificate_line(&root, 21, date),
            "CA nội bộ tỉnh — đã hết hạn ngày <20>"
        );
        assert_eq!(
            certificate_line(&root, 5, date),
            "CA nội bộ tỉnh — chưa có hiệu lực (từ ngày <10>)"
        );
        let leaf = cert("may-chu.tuyenquang.gov.vn", "CA nội bộ tỉnh", false);
        assert_eq!(
            certificate_line(&leaf, 15, date),
            "may-chu.tuyenquang.gov.vn, do CA nội bộ tỉnh cấp — hiệu lực đến <20> (không phải chứng chỉ CA)"
        );
    }

    #[test]
    fn a_file_is_summed_up_or_says_why_it_is_not_used() {
        let mut file = CaFileView {
            path: "/d/ca-certificates.pem".into(),
            certificates: vec![cert("A", "A", true), cert("B", "A", true)],
            problem: None,
        };
        assert_eq!(file_summary(&file), "Tệp có 2 chứng chỉ");
        assert!(!has_invalid(&file, 15));
        assert!(has_invalid(&file, 25));
        file.certificates.clear();
        file.problem = Some("Tệp hỏng.".into());
        assert_eq!(
            file_summary(&file),
            "Tệp chứng chỉ đã lưu không dùng được: Tệp hỏng."
        );
    }
}
