//! Which local changes the server has confirmed, from the heads it advertised.
//!
//! The server never advertises heads it has not stored durably, so a change is confirmed once
//! it is an ancestor of (or equal to) a hash the server advertised: `their_heads` of its last
//! sync message, or automerge's `shared_heads`, which only ever hold hashes both sides have.
//! Confirmations are also persisted per document, so the count holds offline and across
//! restarts (a new connection starts with empty sync state).

use std::collections::HashSet;

use automerge::{Automerge, ChangeHash};
use samod::PeerDocState;

/// What the server said about one document on the current connection.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct ServerHeads {
    /// The heads of the server's last sync message; `None` until it sent one.
    pub their: Option<Vec<ChangeHash>>,
    /// The heads automerge's sync state believes both sides have.
    pub shared: Option<Vec<ChangeHash>>,
}

impl From<&PeerDocState> for ServerHeads {
    fn from(state: &PeerDocState) -> ServerHeads {
        ServerHeads {
            their: state.their_heads.clone(),
            shared: state.shared_heads.clone(),
        }
    }
}

/// One document's sync progress against the server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct DocProgress {
    pub local_heads: Vec<ChangeHash>,
    /// Hashes whose ancestry is exactly what is known to be on the server (to persist).
    pub confirmed: Vec<ChangeHash>,
    /// Changes here not known to be on the server.
    pub n_unconfirmed: usize,
    /// The server spoke on this connection and we hold every head it advertised.
    pub caught_up: bool,
}

impl DocProgress {
    /// In sync: nothing of ours is unconfirmed and nothing of theirs is missing.
    pub fn is_settled(&self) -> bool {
        self.n_unconfirmed == 0 && self.caught_up
    }
}

pub(crate) fn progress(
    doc: &Automerge,
    persisted: &[ChangeHash],
    server: Option<&ServerHeads>,
) -> DocProgress {
    let local_heads = doc.get_heads();
    let known = |hash: &ChangeHash| doc.get_change_meta_by_hash(hash).is_some();
    let server_their = server.and_then(|s| s.their.as_deref()).unwrap_or_default();
    let server_shared = server.and_then(|s| s.shared.as_deref()).unwrap_or_default();
    let mut candidates: Vec<ChangeHash> = persisted
        .iter()
        .chain(server_their)
        .chain(server_shared)
        .copied()
        .filter(known)
        .collect();
    candidates.sort();
    candidates.dedup();
    // The usual case, settled: every head of ours is confirmed, so every change is.
    let n_unconfirmed = if local_heads.iter().all(|h| candidates.contains(h)) {
        0
    } else {
        doc.get_changes_meta(&candidates).len()
    };
    let confirmed = if n_unconfirmed == 0 {
        local_heads.clone()
    } else {
        frontier(doc, candidates)
    };
    let caught_up = server
        .and_then(|s| s.their.as_ref())
        .is_some_and(|their| their.iter().all(known));
    DocProgress {
        local_heads,
        confirmed,
        n_unconfirmed,
        caught_up,
    }
}

/// Drops the hashes that are ancestors of another hash in `hashes`.
fn frontier(doc: &Automerge, hashes: Vec<ChangeHash>) -> Vec<ChangeHash> {
    if hashes.len() < 2 {
        return hashes;
    }
    let mut keep = Vec::new();
    'candidate: for (idx, hash) in hashes.iter().enumerate() {
        for (other_idx, other) in hashes.iter().enumerate() {
            if idx == other_idx {
                continue;
            }
            let outside: HashSet<ChangeHash> = doc
                .get_changes_meta(&[*other])
                .into_iter()
                .map(|meta| meta.hash)
                .collect();
            if !outside.contains(hash) {
                continue 'candidate;
            }
        }
        keep.push(*hash);
    }
    keep
}

#[cfg(test)]
mod tests {
    use automerge::transaction::Transactable;
    use automerge::{ActorId, ROOT};
    use expect_test::{expect, Expect};

    use super::*;

    /// A document with a linear history c1 <- c2 <- c3, then two concurrent changes x and y on
    /// top of c3 (made on two devices and merged). Returns it with the named hashes.
    fn sample() -> (Automerge, Vec<(&'static str, ChangeHash)>) {
        let mut doc = Automerge::new();
        doc.set_actor(ActorId::from(b"laptop-1".as_slice()));
        let mut named = Vec::new();
        for (name, value) in [("c1", 1), ("c2", 2), ("c3", 3)] {
            let mut tx = doc.transaction();
            tx.put(ROOT, "n", value).unwrap();
            tx.commit();
            named.push((name, doc.get_heads()[0]));
        }
        let mut other = doc.fork();
        other.set_actor(ActorId::from(b"laptop-2".as_slice()));
        let mut tx = other.transaction();
        tx.put(ROOT, "y", 1).unwrap();
        tx.commit();
        let y = other.get_heads()[0];
        let mut tx = doc.transaction();
        tx.put(ROOT, "x", 1).unwrap();
        tx.commit();
        let x = doc.get_heads()[0];
        doc.merge(&mut other).unwrap();
        named.push(("x", x));
        named.push(("y", y));
        (doc, named)
    }

    fn check(persisted: &[&str], their: Option<&[&str]>, shared: &[&str], expect: Expect) {
        let (doc, named) = sample();
        let unknown = ChangeHash([7; 32]);
        let hash = |name: &str| {
            named
                .iter()
                .find(|(n, _)| *n == name)
                .map_or(unknown, |(_, h)| *h)
        };
        let name = |h: &ChangeHash| named.iter().find(|(_, x)| x == h).map_or("?", |(n, _)| *n);
        let hashes = |names: &[&str]| names.iter().map(|n| hash(n)).collect::<Vec<_>>();
        let server = ServerHeads {
            their: their.map(hashes),
            shared: Some(hashes(shared)),
        };
        let progress = progress(&doc, &hashes(persisted), Some(&server));
        let mut confirmed: Vec<&str> = progress.confirmed.iter().map(name).collect();
        confirmed.sort();
        expect.assert_eq(&format!(
            "n_unconfirmed={} confirmed={confirmed:?} caught_up={} settled={}",
            progress.n_unconfirmed,
            progress.caught_up,
            progress.is_settled()
        ));
    }

    #[test]
    fn before_the_server_speaks_everything_is_unconfirmed() {
        check(
            &[],
            None,
            &[],
            expect![[r#"n_unconfirmed=5 confirmed=[] caught_up=false settled=false"#]],
        );
    }

    #[test]
    fn advertised_heads_confirm_their_ancestors() {
        check(
            &[],
            Some(&["c2"]),
            &[],
            expect![[r#"n_unconfirmed=3 confirmed=["c2"] caught_up=true settled=false"#]],
        );
    }

    #[test]
    fn one_of_two_concurrent_heads_confirmed() {
        check(
            &["c1"],
            Some(&["x"]),
            &["x"],
            expect![[r#"n_unconfirmed=1 confirmed=["x"] caught_up=true settled=false"#]],
        );
    }

    #[test]
    fn persisted_and_advertised_heads_combine() {
        check(
            &["y"],
            Some(&["x"]),
            &[],
            expect![[r#"n_unconfirmed=0 confirmed=["x", "y"] caught_up=true settled=true"#]],
        );
    }

    #[test]
    fn heads_we_do_not_hold_yet_confirm_nothing_and_we_are_not_caught_up() {
        check(
            &["c3"],
            Some(&["unknown"]),
            &["c3"],
            expect![[r#"n_unconfirmed=2 confirmed=["c3"] caught_up=false settled=false"#]],
        );
    }

    #[test]
    fn offline_the_persisted_heads_alone_count() {
        let (doc, named) = sample();
        let c3 = named[2].1;
        let offline = progress(&doc, &[c3], None);
        assert_eq!(offline.n_unconfirmed, 2, "x and y are after c3");
        assert!(!offline.caught_up, "no server, not caught up");
        let empty = progress(&Automerge::new(), &[], None);
        assert_eq!(
            empty.n_unconfirmed, 0,
            "an empty document has nothing to confirm"
        );
    }
}
