//! The samod share policy: each (document, peer) pair gets the access the registry gives the
//! peer's user, looked up fresh; the server never announces documents. A denied peer is told a
//! document is unavailable exactly as for a document that does not exist.

use std::sync::Arc;

use futures::Stream;
use samod::{DocumentId, PeerId, ShareConfig};

use crate::access::Access;
use crate::registry::Registry;

#[derive(Clone)]
pub struct RegistryPolicy {
    pub registry: Arc<Registry>,
}

/// The user a peer id belongs to: peer ids are "USERNAME/DEVICE".
pub fn username_of(peer: &PeerId) -> Option<String> {
    let text = peer.to_string();
    let (user, device) = text.split_once('/')?;
    (!user.is_empty() && !device.is_empty()).then(|| user.to_string())
}

impl samod::SharePolicy for RegistryPolicy {
    fn share(
        &self,
        doc_id: DocumentId,
        peer_id: PeerId,
    ) -> impl Stream<Item = ShareConfig> + Send + 'static {
        let registry = self.registry.clone();
        futures::stream::once(async move {
            if peer_id.to_string() == super::SERVER_PEER_ID {
                return ShareConfig::read_write().with_announce(false);
            }
            let Some(user) = username_of(&peer_id) else {
                return ShareConfig::none();
            };
            let doc = doc_id.to_string();
            let lookup =
                tokio::task::spawn_blocking(move || registry.access_for_peer(&user, &doc)).await;
            match lookup {
                Ok(Ok(Access::Write)) => ShareConfig::read_write().with_announce(false),
                Ok(Ok(Access::Read)) => ShareConfig::read_only().with_announce(false),
                Ok(Ok(Access::None)) => ShareConfig::none(),
                Ok(Err(err)) => {
                    tracing::error!("access lookup failed: {err:#}");
                    ShareConfig::none()
                }
                Err(err) => {
                    tracing::error!("access lookup panicked: {err}");
                    ShareConfig::none()
                }
            }
        })
    }
}
