//! The samod share policy: each (document, peer) pair gets the access the registry gives the
//! peer's user, looked up fresh; the server never announces documents. A denied peer is told a
//! document is unavailable exactly as for a document that does not exist.
//!
//! samod asks for every (loaded document, connected peer) pair as soon as a peer connects, so a
//! connection brings as many questions as the server has documents open. They are answered by
//! one lookup thread, in batches: per batch each user's row is read once, fresh (so a disabled
//! user gets nothing from the next batch on), and each document's registry entry is read once
//! and then remembered — entries are only ever inserted, never changed, so a remembered entry is
//! the entry. This replaces one blocking-pool task and two SQLite queries per pair, which grew
//! tokio's blocking pool to its 512 threads when 100 units connected at once.
//!
//! A document is created in the repository a moment before it is registered (the server creates
//! it, then records its id), and samod asks the policy for every connected peer as soon as a
//! document appears. So a document the registry does not know yet is answered "none" and then
//! looked up again for a while: once it is registered, the peer gets its access (samod's share
//! policy is a stream of decisions). Without this, a peer connected at that moment would never
//! get the document on that connection.

use std::collections::HashMap;
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures::Stream;
use samod::{DocumentId, PeerId, ShareConfig};
use tokio::sync::oneshot;

use crate::access::{access, Access};
use crate::registry::{DocumentEntry, Registry};

/// At most this many questions are answered per batch.
const MAX_BATCH: usize = 4096;

#[derive(Clone)]
pub struct RegistryPolicy {
    lookups: Arc<Lookups>,
}

struct Lookups {
    queue: Mutex<mpsc::Sender<Question>>,
}

struct Question {
    user: String,
    doc: String,
    reply: oneshot::Sender<Option<Access>>,
}

impl RegistryPolicy {
    /// Starts the lookup thread; it ends when the last clone of the policy is dropped.
    pub fn new(registry: Arc<Registry>) -> RegistryPolicy {
        let (queue, questions) = mpsc::channel();
        std::thread::Builder::new()
            .name("share-policy".into())
            .spawn(move || answer(&registry, &questions))
            .expect("the share-policy thread starts");
        RegistryPolicy {
            lookups: Arc::new(Lookups {
                queue: Mutex::new(queue),
            }),
        }
    }

    /// The access the registry gives `user` to `doc`, or `None` when the document is not
    /// registered (yet). A failed lookup gives no access.
    pub async fn access(&self, user: String, doc: String) -> Option<Access> {
        let (reply, answer) = oneshot::channel();
        let sent = self
            .lookups
            .queue
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .send(Question { user, doc, reply });
        if sent.is_err() {
            tracing::error!("access lookup failed: the share-policy thread stopped");
            return Some(Access::None);
        }
        answer.await.unwrap_or(Some(Access::None))
    }
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
async fn lookup(policy: &RegistryPolicy, user: &str, doc: &str) -> Option<ShareConfig> {
    policy
        .access(user.to_string(), doc.to_string())
        .await
        .map(config)
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
        let policy = self.clone();
        let doc = doc_id.to_string();
        let is_server = peer_id.to_string() == super::SERVER_PEER_ID;
        let user = username_of(&peer_id);
        // States: the first answer, then re-checks of an unregistered document.
        futures::stream::unfold(Some(0usize), move |step| {
            let policy = policy.clone();
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
                match lookup(&policy, &user, &doc).await {
                    Some(found) => Some((found, None)),
                    // Not registered yet: none for now (said once), looked up again later.
                    None if step == 0 => Some((ShareConfig::none(), Some(1))),
                    None => {
                        // Nothing new to say; wait for the next re-check without yielding.
                        let mut next = step + 1;
                        loop {
                            let pause = *UNREGISTERED_RECHECKS.get(next - 1)?;
                            tokio::time::sleep(pause).await;
                            if let Some(found) = lookup(&policy, &user, &doc).await {
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

/// The lookup thread: answers questions in batches until every sender is gone.
fn answer(registry: &Registry, questions: &mpsc::Receiver<Question>) {
    let mut documents: HashMap<String, DocumentEntry> = HashMap::new();
    while let Ok(first) = questions.recv() {
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            match questions.try_recv() {
                Ok(question) => batch.push(question),
                Err(_) => break,
            }
        }
        let mut users = HashMap::new();
        for Question { user, doc, reply } in batch {
            let access =
                decide(registry, &mut users, &mut documents, &user, &doc).unwrap_or_else(|err| {
                    tracing::error!("access lookup failed: {err:#}");
                    Some(Access::None)
                });
            let _ = reply.send(access);
        }
    }
}

/// What `access_for_peer` decides, with the user row read once per batch and registered
/// documents remembered; `None` when the document is not registered.
fn decide(
    registry: &Registry,
    users: &mut HashMap<String, Option<crate::registry::User>>,
    documents: &mut HashMap<String, DocumentEntry>,
    username: &str,
    doc_id: &str,
) -> anyhow::Result<Option<Access>> {
    let user = match users.get(username) {
        Some(user) => user.clone(),
        None => {
            let user = registry.user(username)?;
            users.insert(username.to_string(), user.clone());
            user
        }
    };
    let doc = match documents.get(doc_id) {
        Some(doc) => Some(doc.clone()),
        None => {
            let doc = registry.document(doc_id)?;
            if let Some(doc) = &doc {
                documents.insert(doc_id.to_string(), doc.clone());
            }
            doc
        }
    };
    let Some(doc) = doc else {
        return Ok(None);
    };
    let Some(user) = user.filter(|u| !u.disabled) else {
        return Ok(Some(Access::None));
    };
    Ok(Some(access(
        user.role,
        &user.unit,
        doc.kind,
        doc.unit.as_deref(),
    )))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::access::Role;
    use shared::documents::DocumentKind;

    #[tokio::test]
    async fn answers_as_the_registry_does_and_sees_changes() {
        let dir = tempfile::tempdir().unwrap();
        let registry = Arc::new(Registry::open(&dir.path().join("registry.sqlite3")).unwrap());
        registry
            .add_unit("QLHT", "Phòng Quản lý hạ tầng", "division")
            .unwrap();
        registry
            .add_unit("KHTC", "Phòng Kế hoạch – Tài chính", "division")
            .unwrap();
        registry
            .add_user("lan", "QLHT", Role::Staff, "mật khẩu dài", 0)
            .unwrap();
        let entry = |id: &str, unit: &str| DocumentEntry {
            id: id.into(),
            kind: DocumentKind::Records,
            unit: Some(unit.into()),
            year: Some(2026),
        };
        registry.register_document(&entry("own", "QLHT")).unwrap();
        registry.register_document(&entry("other", "KHTC")).unwrap();
        let policy = RegistryPolicy::new(registry.clone());
        let ask = |doc: &str| policy.access("lan".into(), doc.into());
        assert_eq!(ask("own").await, Some(Access::Write));
        assert_eq!(ask("other").await, Some(Access::None));
        assert_eq!(ask("later").await, None, "not registered yet");
        assert_eq!(
            policy.access("nobody".into(), "own".into()).await,
            Some(Access::None)
        );
        // Registered afterwards: seen at once.
        registry.register_document(&entry("later", "QLHT")).unwrap();
        assert_eq!(ask("later").await, Some(Access::Write));
        // Disabled: nothing from then on, for remembered documents too.
        registry.disable_user("lan").unwrap();
        assert_eq!(ask("own").await, Some(Access::None));
        assert_eq!(ask("later").await, Some(Access::None));
        // Many at once (one batch) agree with the registry's own answer.
        let many: Vec<_> = (0..200)
            .map(|i| {
                policy.access(
                    "lan".into(),
                    if i % 2 == 0 { "own" } else { "other" }.into(),
                )
            })
            .collect();
        for answer in futures::future::join_all(many).await {
            assert_eq!(answer, Some(Access::None));
        }
    }
}
