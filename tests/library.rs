//! The library API a service embeds: `Tenant::verify` and the batching `Verifier`.

use keyctl::idlist::Requested;
use keyctl::{Expiry, Rejection, Role, SettingChange, Tenant, Verifier};
use std::path::Path;

/// A tenant with keys enabled and one key of developer `svc`; returns (id, secret).
fn tenant_with_key(path: &Path) -> (String, String) {
    let mut t = Tenant::create(path, "admin", "admin").unwrap();
    let admin = t
        .operator("admin", keyctl::policy::Action::ReadKeys)
        .unwrap();
    t.change_setting(&admin, SettingChange::Enabled(true))
        .unwrap();
    t.add_user(&admin, "svc", &[Role::Developer], true).unwrap();
    let svc = t.operator("svc", keyctl::policy::Action::ReadKeys).unwrap();
    let g = t.generate_key(&svc, "service", Expiry::Default).unwrap();
    (g.key.id.clone(), g.secret.clone())
}

fn uses_and_events(path: &Path, id: &str) -> (i64, i64) {
    let conn = rusqlite::Connection::open(path).unwrap();
    let uses = conn
        .query_row("SELECT uses FROM keys WHERE id = ?1", [id], |r| r.get(0))
        .unwrap();
    let events = conn
        .query_row(
            "SELECT count(*) FROM events WHERE type = 'api-key.used' AND key_id = ?1",
            [id],
            |r| r.get(0),
        )
        .unwrap();
    (uses, events)
}

#[test]
fn tenant_verify_records_each_use_before_returning() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.db");
    let (id, secret) = tenant_with_key(&path);
    let mut t = Tenant::open(&path).unwrap();
    for _ in 0..3 {
        assert_eq!(t.verify(&secret).unwrap().unwrap().id, id);
    }
    assert_eq!(uses_and_events(&path, &id), (3, 3));
}

#[test]
fn verifier_records_usage_in_batches_and_on_drop() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.db");
    let (id, secret) = tenant_with_key(&path);
    let mut v = Verifier::open(&path).unwrap();
    let n = Verifier::BATCH + 10;
    for _ in 0..n {
        assert_eq!(v.verify(&secret).unwrap().unwrap().owner, "svc");
    }
    // A full batch was written; the rest waits for the next flush.
    let (uses, events) = uses_and_events(&path, &id);
    assert!(uses >= Verifier::BATCH as i64 && uses < n as i64, "{uses}");
    assert_eq!(uses, events);
    assert_eq!(v.verify("kc_nonsense").unwrap(), Err(Rejection::Malformed));
    drop(v);
    assert_eq!(uses_and_events(&path, &id), (n as i64, n as i64));
    let conn = rusqlite::Connection::open(&path).unwrap();
    let rejected: i64 = conn
        .query_row(
            "SELECT count(*) FROM events WHERE type = 'api-key.rejected'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(rejected, 1);
    // The chain stays intact with batched appends.
    let mut t = Tenant::open(&path).unwrap();
    let admin = t
        .operator("admin", keyctl::policy::Action::ReadKeys)
        .unwrap();
    // init's user.added, settings.changed, user.added, api-key.generated, then the uses
    // and the rejection.
    assert_eq!(
        t.verify_events(&admin, None).unwrap().events as usize,
        4 + n + 1
    );
}

#[test]
fn verifier_sees_a_revocation_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.db");
    let (id, secret) = tenant_with_key(&path);
    let mut v = Verifier::open(&path).unwrap();
    assert!(v.verify(&secret).unwrap().is_ok());
    let mut admin_side = Tenant::open(&path).unwrap();
    let admin = admin_side
        .operator("admin", keyctl::policy::Action::ReadKeys)
        .unwrap();
    admin_side
        .revoke_keys(&admin, &[Requested::Id(id.clone())], false)
        .unwrap();
    assert_eq!(v.verify(&secret).unwrap(), Err(Rejection::Revoked));
    v.flush().unwrap();
    assert_eq!(uses_and_events(&path, &id), (1, 1));
}
