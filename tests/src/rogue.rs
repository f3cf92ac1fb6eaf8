//! A bare samod peer that logs in like a client but ignores every client-side rule: it asks for
//! any document and writes to any document it gets. The authorisation tests use it to check that
//! the *server* refuses what a well-behaved client would not even try.

use std::sync::Arc;
use std::time::Duration;

use automerge::transaction::Transactable;
use automerge::ReadDoc as _;
use samod::{BackoffConfig, DocHandle, DocumentId, PeerId, Repo};
use serde_json::{json, Value};

use crate::bearer_dialer::BearerDialer;
pub use crate::bearer_dialer::Refused;

pub struct RoguePeer {
    pub repo: Repo,
    pub dialer: samod::DialerHandle<Refused>,
    pub peer_id: String,
    pub token: String,
}

/// An in-memory samod repo announcing `peer_id`, dialling the sync endpoint of `base` with
/// the bearer `token`, and whether its connection was established within `within` (else why
/// not). The caller stops the repo when it is done, or when the connection failed.
pub async fn dial_repo(
    base: &str,
    token: &str,
    peer_id: &str,
    within: Duration,
) -> (Repo, samod::DialerHandle<Refused>, Result<(), String>) {
    let repo = Repo::build_tokio()
        .with_peer_id(PeerId::from(peer_id))
        .load()
        .await;
    let dialer = repo
        .dial(
            BackoffConfig::default(),
            Arc::new(BearerDialer::new(base, token, false)),
        )
        .unwrap();
    let established = match tokio::time::timeout(within, dialer.established()).await {
        Ok(Ok(_)) => Ok(()),
        Ok(Err(err)) => Err(format!("refused: {err:?}")),
        Err(_) => Err(format!("no connection within {within:?}")),
    };
    (repo, dialer, established)
}

impl RoguePeer {
    /// Logs in as `username` and connects an in-memory samod repo to the server.
    pub async fn connect(base: &str, username: &str, password: &str, device: &str) -> RoguePeer {
        RoguePeer::connect_claiming(base, username, password, device, None)
            .await
            .expect("connects")
    }

    /// Logs in as `username` but, when `claimed_peer_id` is given, announces that peer id in
    /// the samod handshake instead of the one the server bound to the session. Returns the
    /// error when no connection is established within a few seconds.
    pub async fn connect_claiming(
        base: &str,
        username: &str,
        password: &str,
        device: &str,
        claimed_peer_id: Option<&str>,
    ) -> Result<RoguePeer, String> {
        let http = crate::http_client();
        let login: Value = http
            .post(format!("{base}/api/login"))
            .json(&json!({"username": username, "password": password, "device": device}))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let token = login["token"]
            .as_str()
            .unwrap_or_else(|| panic!("login failed: {login}"))
            .to_string();
        let peer_id = claimed_peer_id
            .unwrap_or(login["peer_id"].as_str().unwrap())
            .to_string();
        let (repo, dialer, established) =
            dial_repo(base, &token, &peer_id, Duration::from_secs(5)).await;
        match established {
            Ok(()) => Ok(RoguePeer {
                repo,
                dialer,
                peer_id,
                token,
            }),
            Err(err) => {
                repo.stop().await;
                Err(err)
            }
        }
    }

    /// The document, if the server lets this peer have it within a few seconds.
    pub async fn fetch(&self, doc: &str) -> Option<DocHandle> {
        let id: DocumentId = doc.parse().unwrap();
        match tokio::time::timeout(Duration::from_secs(8), self.repo.find(id)).await {
            Ok(Ok(found)) => found,
            _ => None,
        }
    }

    /// Writes a marker into the document where its writers may write (a plan edit, a period's
    /// notes, a verdict's comment) and gives it time to reach the server.
    pub async fn scribble(&self, handle: &DocHandle, marker: &str) {
        handle.with_document(|doc| {
            let mut tx = doc.transaction();
            match marker_place(&tx) {
                MarkerPlace::PlanEdit(edits) => tx.put(&edits, "rogue", marker).unwrap(),
                MarkerPlace::Text(text) => {
                    let n = tx.length(&text) as isize;
                    tx.splice_text(&text, 0, n, marker).unwrap();
                }
                MarkerPlace::Root => tx.put(automerge::ROOT, "rogue", marker).unwrap(),
            }
            tx.commit();
        });
        tokio::time::sleep(Duration::from_millis(700)).await;
    }

    /// Runs `write` on the peer's copy as one change, however it breaks the rules, and gives it
    /// time to reach the server.
    pub async fn write_raw(
        &self,
        handle: &DocHandle,
        write: impl FnOnce(&mut automerge::transaction::Transaction<'_>),
    ) {
        handle.with_document(|doc| {
            let mut tx = doc.transaction();
            write(&mut tx);
            tx.commit();
        });
        tokio::time::sleep(Duration::from_millis(700)).await;
    }

    pub async fn stop(self) {
        self.repo.stop().await;
    }
}

enum MarkerPlace {
    PlanEdit(automerge::ObjId),
    Text(automerge::ObjId),
    Root,
}

/// Where a writer of the document may leave a marker: a plan document's `edits` map, else the
/// first task's first period's `notes` (records) or `comment` (review).
fn marker_place(doc: &impl automerge::ReadDoc) -> MarkerPlace {
    use automerge::{ObjType, Value};
    let map = |obj: &automerge::ObjId, key: &str| match doc.get(obj, key).ok().flatten() {
        Some((Value::Object(ObjType::Map), id)) => Some(id),
        _ => None,
    };
    if let Some(edits) = map(&automerge::ROOT, "edits") {
        return MarkerPlace::PlanEdit(edits);
    }
    let first = |obj: &automerge::ObjId| doc.keys(obj).next();
    let place = (|| {
        let tasks = map(&automerge::ROOT, "tasks")?;
        let task = map(&tasks, &first(&tasks)?)?;
        let periods = map(&task, "periods")?;
        let period = map(&periods, &first(&periods)?)?;
        ["notes", "comment"].into_iter().find_map(|key| {
            match doc.get(&period, key).ok().flatten() {
                Some((Value::Object(ObjType::Text), id)) => Some(id),
                _ => None,
            }
        })
    })();
    place.map_or(MarkerPlace::Root, MarkerPlace::Text)
}

/// The rogue marker in a document (see [`RoguePeer::scribble`]), read through a handle fetched
/// afresh.
pub fn marker(handle: &DocHandle) -> Option<String> {
    use automerge::ReadDoc;
    handle.with_document(|doc| {
        let text = match marker_place(doc) {
            MarkerPlace::PlanEdit(edits) => doc
                .get(&edits, "rogue")
                .ok()
                .flatten()
                .and_then(|(v, _)| v.as_str().map(str::to_string)),
            MarkerPlace::Text(text) => doc.text(&text).ok(),
            MarkerPlace::Root => doc
                .get(automerge::ROOT, "rogue")
                .ok()
                .flatten()
                .and_then(|(v, _)| v.as_str().map(str::to_string)),
        };
        text.filter(|t| !t.is_empty())
    })
}
