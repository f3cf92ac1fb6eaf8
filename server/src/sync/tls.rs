//! HTTPS and WSS on the server's own port: rustls (ring) on every accepted socket, with the
//! certificate chain and private key read from PEM files. The files are looked at again every
//! few seconds and, when either changed (a certificate renewed by certbot), read again and
//! served from the next handshake on, without a restart; a pair that does not load (half
//! written, key not matching) is reported and the current certificate kept.

use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};
use std::time::{Duration, SystemTime};

use anyhow::{Context, Result};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use rustls::server::{ClientHello, ResolvesServerCert};
use rustls::sign::CertifiedKey;
use tokio_rustls::TlsAcceptor;

/// Where the server's certificate chain and private key are (PEM).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TlsFiles {
    pub cert: PathBuf,
    pub key: PathBuf,
}

/// How often the files are looked at for a renewed certificate.
pub const RELOAD_EVERY: Duration = Duration::from_secs(10);

fn provider() -> Arc<rustls::crypto::CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

/// Reads the certificate chain and its key, checking that they belong together.
pub fn load(files: &TlsFiles) -> Result<CertifiedKey> {
    let chain: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(&files.cert)
        .with_context(|| format!("cannot read the certificate {}", files.cert.display()))?
        .collect::<Result<_, _>>()
        .with_context(|| format!("{} is not a PEM certificate chain", files.cert.display()))?;
    if chain.is_empty() {
        anyhow::bail!("{} holds no certificate", files.cert.display());
    }
    let key = PrivateKeyDer::from_pem_file(&files.key)
        .with_context(|| format!("cannot read a PEM private key from {}", files.key.display()))?;
    let signing_key = provider()
        .key_provider
        .load_private_key(key)
        .with_context(|| format!("{} is not a usable private key", files.key.display()))?;
    let certified = CertifiedKey::new(chain, signing_key);
    certified.keys_match().with_context(|| {
        format!(
            "the key {} does not belong to the certificate {}",
            files.key.display(),
            files.cert.display()
        )
    })?;
    Ok(certified)
}

/// The certificate served, swapped when its files change.
#[derive(Debug)]
pub struct ReloadingCert {
    files: TlsFiles,
    current: RwLock<Arc<CertifiedKey>>,
    /// The files' modification times when they were last read.
    read_at: RwLock<(Option<SystemTime>, Option<SystemTime>)>,
}

fn modified(path: &Path) -> Option<SystemTime> {
    std::fs::metadata(path).and_then(|m| m.modified()).ok()
}

impl ReloadingCert {
    pub fn open(files: TlsFiles) -> Result<ReloadingCert> {
        let stamps = (modified(&files.cert), modified(&files.key));
        let certified = load(&files)?;
        Ok(ReloadingCert {
            files,
            current: RwLock::new(Arc::new(certified)),
            read_at: RwLock::new(stamps),
        })
    }

    /// Reads the files again if they changed since last read; true when a new certificate is
    /// served from now on.
    pub fn reload_if_changed(&self) -> Result<bool> {
        let stamps = (modified(&self.files.cert), modified(&self.files.key));
        if *self.read_at.read().unwrap_or_else(|p| p.into_inner()) == stamps {
            return Ok(false);
        }
        let loaded = load(&self.files);
        // Either way these files were judged; a broken pair is not reported every few seconds.
        *self.read_at.write().unwrap_or_else(|p| p.into_inner()) = stamps;
        let certified = loaded?;
        *self.current.write().unwrap_or_else(|p| p.into_inner()) = Arc::new(certified);
        Ok(true)
    }
}

impl ResolvesServerCert for ReloadingCert {
    fn resolve(&self, _hello: ClientHello<'_>) -> Option<Arc<CertifiedKey>> {
        Some(
            self.current
                .read()
                .unwrap_or_else(|p| p.into_inner())
                .clone(),
        )
    }
}

/// The acceptor for the server's port (HTTP/2 and HTTP/1.1 offered; websockets use the
/// latter), and the certificate it serves.
pub fn acceptor(files: TlsFiles) -> Result<(TlsAcceptor, Arc<ReloadingCert>)> {
    let cert = Arc::new(ReloadingCert::open(files)?);
    let mut config = rustls::ServerConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        .context("TLS protocol versions")?
        .with_no_client_auth()
        .with_cert_resolver(cert.clone());
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Ok((TlsAcceptor::from(Arc::new(config)), cert))
}

/// Looks at the files every `every` and serves a renewed certificate from the next handshake.
pub async fn follow_renewals(cert: Arc<ReloadingCert>, every: Duration) {
    loop {
        tokio::time::sleep(every).await;
        match cert.reload_if_changed() {
            Ok(true) => tracing::info!(
                cert = %cert.files.cert.display(),
                "TLS certificate changed on disk: serving the new one"
            ),
            Ok(false) => {}
            Err(err) => tracing::error!(
                "TLS certificate files changed but cannot be used, keeping the current one: {err:#}"
            ),
        }
    }
}
