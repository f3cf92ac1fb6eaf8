//! Registry tests on a real SQLite file.

use super::*;

fn registry() -> (tempfile::TempDir, Registry) {
    let dir = tempfile::tempdir().unwrap();
    let registry = Registry::open(&dir.path().join("registry.sqlite3")).unwrap();
    registry.add_unit("VP", "Văn phòng Sở", "office").unwrap();
    registry
        .add_user("lan", "VP", Role::Staff, "mật khẩu dài", 0)
        .unwrap();
    (dir, registry)
}

#[test]
fn passwords_are_argon2id_and_logins_do_not_say_why_they_fail() {
    let (_dir, registry) = registry();
    let stored: String = registry
        .conn()
        .query_row(
            "SELECT password_hash FROM users WHERE username = 'lan'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(stored.starts_with("$argon2id$"), "{stored}");
    assert!(registry
        .verify_login("lan", "mật khẩu dài")
        .unwrap()
        .is_some());
    assert!(registry
        .verify_login("lan", "wrong password")
        .unwrap()
        .is_none());
    assert!(registry
        .verify_login("nobody", "mật khẩu dài")
        .unwrap()
        .is_none());
    registry.disable_user("lan").unwrap();
    assert!(registry
        .verify_login("lan", "mật khẩu dài")
        .unwrap()
        .is_none());
}

#[test]
fn tokens_are_stored_hashed_and_expire() {
    let (_dir, registry) = registry();
    let user = registry.user("lan").unwrap().unwrap();
    let (token, session) = registry.create_session(&user, "laptop-1", 1_000).unwrap();
    assert_eq!(session.peer_id, "lan/laptop-1");
    let stored: String = registry
        .conn()
        .query_row("SELECT token_hash FROM sessions", [], |r| r.get(0))
        .unwrap();
    assert_ne!(stored, token);
    assert_eq!(stored, token_hash(&token));
    assert!(registry.session(&token, 2_000).unwrap().is_some());
    assert!(
        registry
            .session(&token, 1_000 + SESSION_MILLIS)
            .unwrap()
            .is_none(),
        "expired"
    );
    assert!(registry.session("not a token", 2_000).unwrap().is_none());
}

#[test]
fn tickets_are_one_time_and_short_lived() {
    let (_dir, registry) = registry();
    let user = registry.user("lan").unwrap().unwrap();
    let (_, session) = registry.create_session(&user, "laptop-1", 0).unwrap();
    let (ticket, peer) = registry.create_ticket(&session, 0, TICKET_MILLIS).unwrap();
    assert!(peer.starts_with("lan/web-"));
    assert_eq!(
        registry
            .redeem_ticket(&ticket, 10)
            .unwrap()
            .unwrap()
            .peer_id,
        peer
    );
    assert!(
        registry.redeem_ticket(&ticket, 20).unwrap().is_none(),
        "used once"
    );
    let (late, _) = registry.create_ticket(&session, 0, TICKET_MILLIS).unwrap();
    assert!(
        registry
            .redeem_ticket(&late, TICKET_MILLIS)
            .unwrap()
            .is_none(),
        "expired"
    );
}

#[test]
fn bad_admin_input_is_refused() {
    let (_dir, registry) = registry();
    assert!(registry
        .add_unit("VP", "Trùng", "office")
        .unwrap_err()
        .to_string()
        .contains("already exists"));
    assert!(registry.add_unit("V P", "X", "office").is_err());
    assert!(registry
        .add_user("minh", "NOPE", Role::Staff, "mật khẩu dài", 0)
        .unwrap_err()
        .to_string()
        .contains("no unit NOPE"));
    assert!(registry
        .add_user("minh", "VP", Role::Staff, "short", 0)
        .is_err());
    assert!(registry
        .add_user("lan", "VP", Role::Staff, "mật khẩu dài", 0)
        .is_err());
    assert!(!registry.disable_user("nobody").unwrap());
}

#[test]
fn expired_sessions_and_tickets_are_pruned_and_live_ones_kept() {
    let (_dir, registry) = registry();
    let user = registry.user("lan").unwrap().unwrap();
    let (_, old) = registry.create_session(&user, "old-laptop", 0).unwrap();
    let (live_token, _) = registry
        .create_session(&user, "new-laptop", SESSION_MILLIS)
        .unwrap();
    registry.create_ticket(&old, 0, 1_000).unwrap();
    let after_first_expiry = SESSION_MILLIS + 1;
    assert_eq!(registry.prune_expired(after_first_expiry).unwrap(), (1, 1));
    assert_eq!(registry.n_sessions().unwrap(), 1);
    assert!(registry
        .session(&live_token, after_first_expiry)
        .unwrap()
        .is_some());
    assert_eq!(
        registry.prune_expired(after_first_expiry).unwrap(),
        (0, 0),
        "nothing twice"
    );
}
