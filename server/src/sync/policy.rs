//! The samod share policy: each (document, peer) pair gets the access the registry gives the
//! peer's user, looked up fresh; the server never announces documents. A denied peer is told a
//! document is unavailable exactly as for a document that does not exist.
//!
//! A document is created in the repository a moment before it is registered (the server creates
//! it, then records its id), and samod asks the policy for every connected peer as soon as a
//! document appears. So a document the registry does not know yet is answered "none" and then
//! looked up again for a while: once it is registered, the peer gets its access (samod's share
//! policy is a stream of decisions). Without this, a peer connected at that moment would never
//! get the document on that connection.

use std::sync::Arc;
use std::time::Duration;

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

/// How long a document unknown to the registry is looked up again, and how often.
const UNREGISTERED_RECHECKS: [Duration; 8] = [
    Duration::from_millis(100),
    Duration::from_millis(200),
    Duration::from_millis(400),
    Duration::from_millis(800),
    Duration::from_millis(1600),
    Duration::from_millis(3200),
    Duration::from_millis(6400),
    Duration::from_millis(12800),
];

/// One look at the registry: the peer's access, or `None` when the document is not registered
/// (yet).
async fn lookup(registry: &Arc<Registry>, user: &str, doc: &str) -> Option<ShareConfig> {
    let registry = registry.clone();
    let (user, doc) = (user.to_string(), doc.to_string());
    let found = tokio::task::spawn_blocking(move || {
        if registry.document(&doc)?.is_none() {
            return anyhow::Ok(None);
        }
        registry.access_for_peer(&user, &doc).map(Some)
    })
    .await;
    match found {
        Ok(Ok(Some(access))) => Some(config(access)),
        Ok(Ok(None)) => None,
        Ok(Err(err)) => {
            tracing::error!("access lookup failed: {err:#}");
            Some(ShareConfig::none())
        }
        Err(err) => {
            tracing::error!("access lookup panicked: {err}");
            Some(ShareConfig::none())
        }
    }
}

fn config(access: Access) -> ShareConfig {
    match access {
        Access::Write => ShareConfig::read_write().with_announce(false),
        Access::Read => ShareConfig::read_only().with_announce(false),
        Access::None => ShareConfig::none(),
    }
}

impl samod::SharePolicy for RegistryPolicy {
    fn share(
        &self,
        doc_id: DocumentId,
        peer_id: PeerId,
    ) -> impl Stream<Item = ShareConfig> + Send + 'static {
        let registry = self.registry.clone();
        let doc = doc_id.to_string();
        let is_server = peer_id.to_string() == super::SERVER_PEER_ID;
        let user = username_of(&peer_id);
        // States: the first answer, then re-checks of an unregistered document.
        futures::stream::unfold(Some(0usize), move |step| {
            let registry = registry.clone();
            let doc = doc.clone();
            let user = user.clone();
            async move {
                let step = step?;
                if is_server {
                    return (step == 0)
                        .then(|| (ShareConfig::read_write().with_announce(false), None));
                }
                let Some(user) = user else {
                    return (step == 0).then(|| (ShareConfig::none(), None));
                };
                if step > 0 {
                    tokio::time::sleep(*UNREGISTERED_RECHECKS.get(step - 1)?).await;
                }
                match lookup(&registry, &user, &doc).await {
                    Some(found) => Some((found, None)),
                    // Not registered yet: none for now (said once), looked up again later.
                    None if step == 0 => Some((ShareConfig::none(), Some(1))),
                    None => {
                        // Nothing new to say; wait for the next re-check without yielding.
                        let mut next = step + 1;
                        loop {
                            let pause = *UNREGISTERED_RECHECKS.get(next - 1)?;
                            tokio::time::sleep(pause).await;
                            if let Some(found) = lookup(&registry, &user, &doc).await {
                                return Some((found, None));
                            }
                            next += 1;
                        }
                    }
                }
            }
        })
    }
}
