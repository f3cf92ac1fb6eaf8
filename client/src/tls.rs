//! TLS for both HTTP and the websocket: rustls with the ring provider and the operating
//! system's certificate verifier (so an office's own CA, installed on the laptop, is trusted),
//! plus, when set, the CA certificates of one PEM file (a province's internal CA that is not
//! installed system-wide). The config is built explicitly rather than through rustls'
//! process-wide default provider, so other crates in the same process (Tauri's own HTTP client)
//! cannot make it ambiguous.

use std::path::Path;
use std::sync::Arc;

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::CertificateDer;
use rustls::CertificateError;
use rustls_platform_verifier::{BuilderVerifierExt, Verifier};

use crate::error::ClientError;

pub(crate) fn client_config(
    extra_ca_file: Option<&Path>,
) -> Result<rustls::ClientConfig, ClientError> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let builder = rustls::ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|e| ClientError::Internal(format!("TLS setup: {e}")))?;
    let config = match extra_ca_file {
        None => builder
            .with_platform_verifier()
            .map_err(|e| ClientError::Internal(format!("TLS certificate verifier: {e}")))?,
        Some(path) => {
            let roots = extra_roots(path)?;
            let verifier = Verifier::new_with_extra_roots(roots, provider)
                .map_err(|e| ClientError::Internal(format!("TLS certificate verifier: {e}")))?;
            builder
                .dangerous()
                .with_custom_certificate_verifier(Arc::new(verifier))
        }
    };
    Ok(config.with_no_client_auth())
}

/// The CA certificates of a PEM file.
fn extra_roots(path: &Path) -> Result<Vec<CertificateDer<'static>>, ClientError> {
    let unusable = |why: String| ClientError::LocalFile {
        path: path.display().to_string(),
        why,
    };
    let roots: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(path)
        .map_err(|e| unusable(format!("cannot read the CA certificate file: {e}")))?
        .collect::<Result<_, _>>()
        .map_err(|e| unusable(format!("not a PEM certificate file: {e}")))?;
    if roots.is_empty() {
        return Err(unusable("the file holds no certificate".into()));
    }
    Ok(roots)
}

/// Why the server's certificate was refused, in Vietnamese, when `err` (or one of its causes)
/// is a refused certificate.
pub(crate) fn certificate_problem(err: &(dyn std::error::Error + 'static)) -> Option<String> {
    let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(err);
    while let Some(current) = cause {
        if let Some(rustls::Error::InvalidCertificate(why)) =
            current.downcast_ref::<rustls::Error>()
        {
            return Some(certificate_text(why));
        }
        // tokio-rustls hands rustls' error inside an io::Error (which reqwest wraps in another),
        // and an io::Error's `source` skips the error it holds.
        cause = match current
            .downcast_ref::<std::io::Error>()
            .and_then(|io| io.get_ref())
        {
            Some(inner) => Some(inner as &(dyn std::error::Error + 'static)),
            None => current.source(),
        };
    }
    None
}

fn certificate_text(why: &CertificateError) -> String {
    let reason = match why {
        CertificateError::UnknownIssuer => {
            "được cấp bởi một tổ chức mà máy này không tin cậy. Nếu tỉnh dùng CA nội bộ, hãy chọn tệp chứng chỉ CA trong phần cài đặt, hoặc báo quản trị máy chủ"
        }
        CertificateError::Expired | CertificateError::ExpiredContext { .. } => {
            "đã hết hạn; hãy báo quản trị máy chủ gia hạn chứng chỉ"
        }
        CertificateError::NotValidYet | CertificateError::NotValidYetContext { .. } => {
            "chưa có hiệu lực; hãy kiểm tra ngày giờ của máy này"
        }
        CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. } => {
            "không cấp cho địa chỉ máy chủ đã nhập; hãy kiểm tra lại địa chỉ"
        }
        CertificateError::Revoked => "đã bị thu hồi; hãy báo quản trị máy chủ",
        _ => "không hợp lệ; hãy báo quản trị máy chủ",
    };
    format!("Không tin cậy được chứng chỉ bảo mật của máy chủ: chứng chỉ {reason}. (Chi tiết kỹ thuật: {why:?})")
}
