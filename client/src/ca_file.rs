//! The file of CA certificates a laptop trusts besides the operating system's store (a
//! province's internal CA): reading and checking one, and what it holds in terms a person can
//! recognise (whose certificate, valid until when). [`crate::Client::set_extra_ca_files`] puts
//! such files in force.
//!
//! A usable file is PEM (the `-----BEGIN CERTIFICATE-----` blocks; other blocks, such as a key,
//! are ignored) with at least one certificate that can be read and that the certificate verifier
//! accepts as a trust anchor. Every refusal is [`ClientError::BadCaFile`] with a Vietnamese
//! sentence naming the file and what is wrong.

use std::io::Read;
use std::path::Path;

use rustls::pki_types::pem::{self, PemObject};
use rustls::pki_types::CertificateDer;
use serde::Serialize;

use crate::error::{ClientError, Result};

/// A file larger than this is no CA file (a bundle of every public CA is about 200 KB).
pub const MAX_CA_FILE_BYTES: u64 = 4 * 1024 * 1024;

/// One certificate of a CA file, as the settings show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CaCertificate {
    /// The subject's common name (CN); without one, the whole distinguished name.
    pub subject: String,
    /// The issuer's common name, likewise (the subject itself for a root CA).
    pub issuer: String,
    /// Valid from, Unix milliseconds.
    pub not_before_ms: i64,
    /// Valid until, Unix milliseconds.
    pub not_after_ms: i64,
    /// Whether it may issue certificates (`basicConstraints CA:true`).
    pub is_ca: bool,
}

/// A CA file checked: its bytes, its certificates as the verifier takes them, and described.
#[derive(Debug, Clone)]
pub struct CaFile {
    /// The file's contents, as read.
    pub pem: Vec<u8>,
    pub(crate) roots: Vec<CertificateDer<'static>>,
    pub certificates: Vec<CaCertificate>,
}

/// Reads and checks the CA file at `path`.
pub fn read(path: &Path) -> Result<CaFile> {
    let name = display_name(path);
    let file = std::fs::File::open(path).map_err(|e| cannot_read(&name, &e))?;
    let mut bytes = Vec::new();
    file.take(MAX_CA_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| cannot_read(&name, &e))?;
    if bytes.len() as u64 > MAX_CA_FILE_BYTES {
        return Err(bad(format!(
            "Tệp {name} quá lớn để là tệp chứng chỉ CA (hơn {} MB); hãy kiểm tra lại tệp đã chọn.",
            MAX_CA_FILE_BYTES / (1024 * 1024)
        )));
    }
    parse(&name, &bytes)
}

/// Checks the bytes of a CA file called `name` (for the messages).
pub fn parse(name: &str, bytes: &[u8]) -> Result<CaFile> {
    let mut roots = Vec::new();
    for item in CertificateDer::pem_slice_iter(bytes) {
        match item {
            Ok(cert) => roots.push(cert.into_owned()),
            Err(err) => {
                return Err(bad(format!(
                    "Tệp {name} không phải tệp chứng chỉ PEM hợp lệ ({}).",
                    pem_problem(&err)
                )))
            }
        }
    }
    if roots.is_empty() {
        return Err(bad(if looks_like_der(bytes) {
            format!(
                "Tệp {name} là chứng chỉ dạng nhị phân (DER), không phải dạng PEM; hãy xin quản trị máy chủ tệp dạng PEM (các dòng giữa -----BEGIN CERTIFICATE----- và -----END CERTIFICATE-----)."
            )
        } else {
            format!(
                "Tệp {name} không chứa chứng chỉ nào: tệp chứng chỉ CA dạng PEM có các dòng giữa -----BEGIN CERTIFICATE----- và -----END CERTIFICATE-----."
            )
        }));
    }
    let mut certificates = Vec::with_capacity(roots.len());
    for (n, der) in roots.iter().enumerate() {
        let described = describe(der).map_err(|why| {
            bad(format!(
                "Chứng chỉ thứ {} trong tệp {name} bị hỏng, không đọc được ({why}).",
                n + 1
            ))
        })?;
        certificates.push(described);
    }
    // The verifier must take them as trust anchors, or the file would fail only at the next
    // connection.
    crate::tls::verifier(&roots).map_err(|err| {
        bad(format!(
            "Không dùng được các chứng chỉ trong tệp {name} để kiểm tra máy chủ ({err})."
        ))
    })?;
    Ok(CaFile {
        pem: bytes.to_vec(),
        roots,
        certificates,
    })
}

fn describe(der: &CertificateDer<'_>) -> std::result::Result<CaCertificate, String> {
    let (rest, cert) =
        x509_parser::parse_x509_certificate(der.as_ref()).map_err(|e| e.to_string())?;
    if !rest.is_empty() {
        return Err("dữ liệu thừa sau chứng chỉ".into());
    }
    let validity = cert.validity();
    Ok(CaCertificate {
        subject: name_of(cert.subject()),
        issuer: name_of(cert.issuer()),
        not_before_ms: validity.not_before.timestamp().saturating_mul(1000),
        not_after_ms: validity.not_after.timestamp().saturating_mul(1000),
        is_ca: cert.is_ca(),
    })
}

/// The common name, else the whole name as text.
fn name_of(name: &x509_parser::x509::X509Name<'_>) -> String {
    let common: Vec<&str> = name
        .iter_common_name()
        .filter_map(|cn| cn.as_str().ok())
        .collect();
    if common.is_empty() {
        name.to_string()
    } else {
        common.join(", ")
    }
}

/// A DER certificate starts with a SEQUENCE with a long length.
fn looks_like_der(bytes: &[u8]) -> bool {
    bytes.len() > 64 && bytes[0] == 0x30 && matches!(bytes[1], 0x81..=0x83)
}

fn pem_problem(err: &pem::Error) -> String {
    match err {
        pem::Error::MissingSectionEnd { .. } => "thiếu dòng -----END-----".into(),
        pem::Error::IllegalSectionStart { .. } => "dòng -----BEGIN----- sai".into(),
        pem::Error::Base64Decode(_) => "nội dung base64 bị hỏng".into(),
        other => format!("{other:?}"),
    }
}

fn display_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}

fn cannot_read(name: &str, err: &std::io::Error) -> ClientError {
    let why = match err.kind() {
        std::io::ErrorKind::NotFound => "không có tệp này".to_string(),
        std::io::ErrorKind::PermissionDenied => "không có quyền đọc".to_string(),
        std::io::ErrorKind::IsADirectory => "đây là một thư mục".to_string(),
        _ => err.to_string(),
    };
    bad(format!("Không đọc được tệp chứng chỉ {name}: {why}."))
}

fn bad(why: String) -> ClientError {
    ClientError::BadCaFile(why)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A self-signed CA certificate (CN "PlanSync Test CA", valid 2025-01-01 to 2035-01-01),
    /// made once with openssl.
    const CA_PEM: &str = include_str!("../testdata/test-ca.pem");

    #[test]
    fn a_pem_ca_is_described() {
        let file = parse("ca.pem", CA_PEM.as_bytes()).unwrap();
        assert_eq!(file.roots.len(), 1);
        let cert = &file.certificates[0];
        assert_eq!(cert.subject, "PlanSync Test CA");
        assert_eq!(cert.issuer, "PlanSync Test CA");
        assert!(cert.is_ca);
        assert_eq!(cert.not_before_ms, 1_735_689_600_000, "2025-01-01");
        assert_eq!(cert.not_after_ms, 2_051_222_400_000, "2035-01-01");
    }

    #[test]
    fn other_blocks_are_skipped_and_every_certificate_counts() {
        let bundle = format!(
            "Bag Attributes\n-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n{CA_PEM}\n{CA_PEM}"
        );
        let file = parse("bundle.pem", bundle.as_bytes()).unwrap();
        assert_eq!(file.certificates.len(), 2);
    }

    #[test]
    fn files_that_are_no_ca_file_are_refused_in_words() {
        let refusal = |name: &str, bytes: &[u8]| match parse(name, bytes) {
            Err(ClientError::BadCaFile(why)) => why,
            other => panic!("{name}: {other:?}"),
        };
        let empty = refusal("trong.pem", b"");
        assert!(empty.contains("không chứa chứng chỉ nào"), "{empty}");
        let text = refusal("ghi-chu.txt", "Chứng chỉ của tỉnh".as_bytes());
        assert!(text.starts_with("Tệp ghi-chu.txt không chứa"), "{text}");
        let mut der = vec![0x30, 0x82, 0x03, 0x00];
        der.extend([0u8; 100]);
        let der = refusal("ca.cer", &der);
        assert!(der.contains("DER"), "{der}");
        let cut = &CA_PEM[..CA_PEM.len() / 2];
        let cut = refusal("cut.pem", cut.as_bytes());
        assert!(cut.contains("không phải tệp chứng chỉ PEM hợp lệ"), "{cut}");
        let garbage =
            "-----BEGIN CERTIFICATE-----\nTm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n";
        let garbage = refusal("hong.pem", garbage.as_bytes());
        assert!(
            garbage.starts_with("Chứng chỉ thứ 1 trong tệp hong.pem bị hỏng"),
            "{garbage}"
        );
    }

    #[test]
    fn missing_and_oversized_files_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        match read(&dir.path().join("khong-co.pem")) {
            Err(ClientError::BadCaFile(why)) => {
                assert_eq!(
                    why,
                    "Không đọc được tệp chứng chỉ khong-co.pem: không có tệp này."
                )
            }
            other => panic!("{other:?}"),
        }
        let big = dir.path().join("lon.pem");
        std::fs::write(&big, vec![b'a'; MAX_CA_FILE_BYTES as usize + 1]).unwrap();
        assert!(
            matches!(read(&big), Err(ClientError::BadCaFile(why)) if why.contains("quá lớn")),
            "an oversized file is refused before it is parsed"
        );
        let good = dir.path().join("ca.pem");
        std::fs::write(&good, CA_PEM).unwrap();
        assert_eq!(read(&good).unwrap().certificates.len(), 1);
    }
}
