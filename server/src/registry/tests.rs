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

#[test]
fn a_registry_of_the_schema_before_names_upgrades_with_its_users_intact() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("registry.sqlite3");
    {
        // The registry as the release before full names wrote it (schema 4).
        let conn = Connection::open(&path).unwrap();
        for migration in &schema::MIGRATIONS[..4] {
            conn.execute_batch(migration).unwrap();
        }
        conn.pragma_update(None, "user_version", 4).unwrap();
        conn.execute_batch(
            "INSERT INTO units (code, name, kind) VALUES ('QLHT', 'Phòng Quản lý hạ tầng', 'division');
             INSERT INTO users (username, unit, role, password_hash, disabled, created_at)
                 VALUES ('lan', 'QLHT', 'staff', 'not-a-hash', 0, 7);
             INSERT INTO users (username, unit, role, password_hash, disabled, created_at)
                 VALUES ('cu', 'QLHT', 'reviewer', 'not-a-hash', 1, 8);",
        )
        .unwrap();
    }
    let registry = Registry::open(&path).unwrap();
    let version: i64 = registry
        .conn()
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .unwrap();
    assert_eq!(version, SCHEMA_VERSION, "opening migrated it");
    let users = registry.users().unwrap();
    let shown: Vec<String> = users
        .iter()
        .map(|u| {
            format!(
                "{} {} {} disabled={} name={:?} head={}",
                u.username,
                u.unit,
                u.role.as_str(),
                u.disabled,
                u.full_name,
                u.unit_head
            )
        })
        .collect();
    expect_test::expect![[r#"
        cu QLHT reviewer disabled=true name=None head=false
        lan QLHT staff disabled=false name=None head=false"#]]
    .assert_eq(&shown.join("\n"));
    let hash: String = registry
        .conn()
        .query_row(
            "SELECT password_hash FROM users WHERE username = 'lan'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(hash, "not-a-hash", "the password hash is kept as it was");
    assert!(registry
        .set_full_name("lan", Some("Nguyễn Thị Lan"))
        .unwrap());
    assert!(registry.set_unit_head("lan", true).unwrap());
    let lan = registry.user("lan").unwrap().unwrap();
    assert_eq!(lan.full_name.as_deref(), Some("Nguyễn Thị Lan"));
    assert!(lan.unit_head);
}

#[test]
fn full_names_are_checked_and_unknown_users_said() {
    let (_dir, registry) = registry();
    let profile = Profile {
        full_name: Some("  Trần   Văn Minh ".into()),
        unit_head: true,
    };
    registry
        .add_user_with("minh", "VP", Role::Staff, "mật khẩu dài", &profile, 0)
        .unwrap();
    let minh = registry.user("minh").unwrap().unwrap();
    assert_eq!(minh.full_name.as_deref(), Some("Trần Văn Minh"), "tidied");
    assert!(minh.unit_head);
    let refused = Profile {
        full_name: Some("   ".into()),
        unit_head: false,
    };
    let err = registry
        .add_user_with("an", "VP", Role::Staff, "mật khẩu dài", &refused, 0)
        .unwrap_err();
    assert!(err.to_string().contains("empty"), "{err}");
    assert!(
        registry.user("an").unwrap().is_none(),
        "a refused name adds nobody"
    );
    assert!(registry
        .set_full_name("lan", Some(&"a".repeat(101)))
        .is_err());
    assert!(!registry.set_full_name("nobody", Some("Ai Đó")).unwrap());
    assert!(!registry.set_unit_head("nobody", true).unwrap());
    assert!(registry.set_full_name("minh", None).unwrap());
    assert_eq!(registry.user("minh").unwrap().unwrap().full_name, None);
    // A session carries the name and the flag.
    let (token, _) = registry.create_session(&minh, "laptop", 0).unwrap();
    let session = registry.session(&token, 1).unwrap().unwrap();
    assert!(session.user.unit_head);
    let (_, login) = registry.login_candidate("minh").unwrap().unwrap();
    assert!(login.unit_head);
}

#[test]
fn each_role_sees_the_names_of_its_units_and_the_reviewers() {
    let (_dir, registry) = registry();
    for (code, name) in [
        ("QLHT", "Phòng Quản lý hạ tầng"),
        ("KHTC", "Phòng Kế hoạch"),
    ] {
        registry.add_unit(code, name, "division").unwrap();
        registry
            .register_document(&DocumentEntry {
                id: format!("records-{code}"),
                kind: DocumentKind::Records,
                unit: Some(code.into()),
                year: Some(2026),
            })
            .unwrap();
    }
    for (user, unit, role) in [
        ("an", "QLHT", Role::Staff),
        ("binh", "KHTC", Role::Staff),
        ("thu", "VP", Role::Reviewer),
        ("hoa", "VP", Role::PlanEditor),
    ] {
        registry
            .add_user(user, unit, role, "mật khẩu dài", 0)
            .unwrap();
    }
    let seen = |login: &str| {
        let user = registry.user(login).unwrap().unwrap();
        registry
            .people_visible_to(&user)
            .unwrap()
            .into_iter()
            .map(|p| p.username)
            .collect::<Vec<_>>()
            .join(" ")
    };
    assert_eq!(seen("an"), "an thu", "own unit and the reviewers");
    assert_eq!(
        seen("lan"),
        "hoa lan thu",
        "the office's staff read no unit's records, but see their own unit"
    );
    assert_eq!(
        seen("thu"),
        "an binh hoa lan thu",
        "a reviewer reads every unit's records, and is of the office"
    );
    assert_eq!(seen("hoa"), "an binh hoa lan thu");
}
