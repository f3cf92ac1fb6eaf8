//! TLS for both HTTP and the websocket: rustls with the ring provider and the operating
//! system's certificate verifier (so an office's own CA, installed on the laptop, is trusted),
//! plus, when set, the CA certificates of PEM files (a province's internal CA that is not
//! installed system-wide; see [`crate::ca_file`]), which may change while the client runs
//! ([`Trust`]). The config is built explicitly rather than through rustls' process-wide default
//! provider, so other crates in the same process (Tauri's own HTTP client) cannot make it
//! ambiguous.

use std::fmt;
use std::sync::{Arc, RwLock};

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::client::{
    ClientSessionMemoryCache, ClientSessionStore, Resumption, Tls12ClientSessionValue,
    Tls13ClientSessionValue,
};
use rustls::crypto::CryptoProvider;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{CertificateError, DigitallySignedStruct, NamedGroup, SignatureScheme};
use rustls_platform_verifier::Verifier;

use crate::error::ClientError;

/// How many TLS sessions are kept for resumption (rustls' default).
const SESSIONS: usize = 256;

/// The TLS config of a client (HTTP and websocket) and the [`Trust`] it verifies servers with,
/// trusting the CA certificates `extra_roots` besides the operating system's.
pub(crate) fn client_config(
    extra_roots: Vec<CertificateDer<'static>>,
) -> Result<(rustls::ClientConfig, Arc<Trust>), ClientError> {
    let trust = Arc::new(Trust {
        verifier: RwLock::new(Arc::new(verifier(&extra_roots).map_err(|e| {
            ClientError::Internal(format!("TLS certificate verifier: {e}"))
        })?)),
        sessions: RwLock::new(Arc::new(ClientSessionMemoryCache::new(SESSIONS))),
    });
    let mut config = rustls::ClientConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        .map_err(|e| ClientError::Internal(format!("TLS setup: {e}")))?
        .dangerous()
        .with_custom_certificate_verifier(trust.clone())
        .with_no_client_auth();
    config.resumption = Resumption::store(trust.clone());
    Ok((config, trust))
}

fn provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

/// The operating system's verifier, with `extra_roots` trusted too.
pub(crate) fn verifier(extra_roots: &[CertificateDer<'static>]) -> Result<Verifier, rustls::Error> {
    if extra_roots.is_empty() {
        Verifier::new(provider())
    } else {
        Verifier::new_with_extra_roots(extra_roots.iter().cloned(), provider())
    }
}

/// Which servers a client trusts; the CA certificates trusted besides the operating system's
/// can change while the client runs ([`Trust::set_extra_roots`]). Every TLS handshake asks the
/// verifier in force at that moment; the TLS sessions kept for resumption (which would skip
/// verification) are dropped whenever it changes.
pub(crate) struct Trust {
    verifier: RwLock<Arc<Verifier>>,
    sessions: RwLock<Arc<ClientSessionMemoryCache>>,
}

impl Trust {
    /// Verifies every later connection with the operating system's CAs and `extra_roots`.
    pub(crate) fn set_extra_roots(
        &self,
        extra_roots: &[CertificateDer<'static>],
    ) -> Result<(), rustls::Error> {
        let verifier = Arc::new(verifier(extra_roots)?);
        *self.verifier.write().unwrap_or_else(|p| p.into_inner()) = verifier;
        *self.sessions.write().unwrap_or_else(|p| p.into_inner()) =
            Arc::new(ClientSessionMemoryCache::new(SESSIONS));
        Ok(())
    }

    fn verifier(&self) -> Arc<Verifier> {
        self.verifier
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    fn sessions(&self) -> Arc<ClientSessionMemoryCache> {
        self.sessions
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }
}

impl fmt::Debug for Trust {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Trust").finish_non_exhaustive()
    }
}

impl ServerCertVerifier for Trust {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        self.verifier().verify_server_cert(
            end_entity,
            intermediates,
            server_name,
            ocsp_response,
            now,
        )
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.verifier().verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.verifier().verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.verifier().supported_verify_schemes()
    }
}

/// Resumed sessions skip certificate verification, so they are kept only as long as the trust
/// they were verified under.
impl ClientSessionStore for Trust {
    fn set_kx_hint(&self, server_name: ServerName<'static>, group: NamedGroup) {
        self.sessions().set_kx_hint(server_name, group);
    }

    fn kx_hint(&self, server_name: &ServerName<'_>) -> Option<NamedGroup> {
        self.sessions().kx_hint(server_name)
    }

    fn set_tls12_session(&self, server_name: ServerName<'static>, value: Tls12ClientSessionValue) {
        self.sessions().set_tls12_session(server_name, value);
    }

    fn tls12_session(&self, server_name: &ServerName<'_>) -> Option<Tls12ClientSessionValue> {
        self.sessions().tls12_session(server_name)
    }

    fn remove_tls12_session(&self, server_name: &ServerName<'static>) {
        self.sessions().remove_tls12_session(server_name);
    }

    fn insert_tls13_ticket(
        &self,
        server_name: ServerName<'static>,
        value: Tls13ClientSessionValue,
    ) {
        self.sessions().insert_tls13_ticket(server_name, value);
    }

    fn take_tls13_ticket(
        &self,
        server_name: &ServerName<'static>,
    ) -> Option<Tls13ClientSessionValue> {
        self.sessions().take_tls13_ticket(server_name)
    }
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
            "được cấp bởi một tổ chức mà máy này không tin cậy. Nếu tỉnh dùng CA nội bộ, hãy chọn tệp chứng chỉ CA ở mục «Chứng chỉ của máy chủ (CA nội bộ)» trong Cài đặt, hoặc báo quản trị máy chủ"
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
