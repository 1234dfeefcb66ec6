//! The library API a service embeds: `Tenant::verify` and the batching `Verifier`.

// Every test here runs on both backends (see `backends!` in tests/common): the library
// opens a file or a PostgreSQL URL from the same string.

#[macro_use]
mod common;
use common::*;

use keyctl::idlist::Requested;
use keyctl::{Expiry, Rejection, Role, SettingChange, Tenant, Verifier};
use std::path::Path;
use std::time::Instant;

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

/// (uses recorded for key `id`, uses its log records), both counting pending usage
/// rows (recorded, not yet folded: docs/USAGE.md).
fn uses_and_events(env: &Env, id: &str) -> (i64, i64) {
    let pending = pending_uses(env, id);
    let uses = env.int("SELECT uses FROM keys WHERE id = ?1", &[&id]);
    (uses + pending, logged_uses(env, id) + pending)
}

/// (uses of key `id`, `api-key.used` events of `id`, `api-key.rejected` events).
fn recorded(env: &Env, id: &str) -> (i64, i64, i64) {
    let (uses, used) = uses_and_events(env, id);
    let rejected = env.int(
        "SELECT count(*) FROM events WHERE type = 'api-key.rejected'",
        &[],
    );
    (uses, used, rejected)
}

fn plus(a: (i64, i64, i64), used: i64, rejected: i64) -> (i64, i64, i64) {
    (a.0 + used, a.1 + used, a.2 + rejected)
}

backends! {

    fn tenant_verify_records_each_use_before_returning(b) {
        let env = Env::empty(b);
        let path = env.db.clone();
        let (id, secret) = tenant_with_key(&path);
        let mut t = Tenant::open(&path).unwrap();
        for _ in 0..3 {
            assert_eq!(t.verify(&secret).unwrap().unwrap().id, id);
        }
        assert_eq!(uses_and_events(&env, &id), (3, 3));
    }

    /// The Verifier's two triggers and its flushes, with exact counts whatever the speed of
    /// the machine. The delay trigger can only fire once [`Verifier::MAX_DELAY`] has passed
    /// since the oldest queued check, and that check was queued after this test last read
    /// its clock with the queue empty: so in a round this test times at under
    /// `MAX_DELAY`, the delay trigger cannot have fired, and every count is exact. A round
    /// that took longer (a very slow or busy machine) proves nothing about the batch
    /// trigger; it is flushed explicitly, checked exactly, and tried again.
    fn verifier_writes_a_full_batch_at_once_the_rest_on_flush_delay_and_drop(b) {
        let env = Env::empty(b);
        let path = env.db.clone();
        let (id, secret) = tenant_with_key(&path);
        let mut v = Verifier::open(&path).unwrap();
        let batch = Verifier::BATCH as i64;
        let mut timed_rounds = 0;
        for _round in 0..20 {
            let before = recorded(&env, &id);
            let started = Instant::now();
            // A malformed key needs no database read, so a batch of them is fast.
            for _ in 0..Verifier::BATCH - 1 {
                assert_eq!(v.verify("kc_nonsense").unwrap(), Err(Rejection::Malformed));
            }
            let short_of_a_batch = recorded(&env, &id);
            assert_eq!(v.verify(&secret).unwrap().unwrap().owner, "svc");
            let full_batch = recorded(&env, &id);
            for _ in 0..9 {
                assert!(v.verify(&secret).unwrap().is_ok());
            }
            assert_eq!(v.verify("kc_nonsense").unwrap(), Err(Rejection::Malformed));
            let after_ten_more = recorded(&env, &id);
            let took = started.elapsed();
            if took < Verifier::MAX_DELAY {
                assert_eq!(
                    short_of_a_batch, before,
                    "written before the batch was full"
                );
                assert_eq!(full_batch, plus(before, 1, batch - 1), "a full batch waits");
                assert_eq!(
                    after_ten_more, full_batch,
                    "the rest written before a flush"
                );
                timed_rounds += 1;
            }
            v.flush().unwrap();
            assert_eq!(recorded(&env, &id), plus(before, 10, batch));
            if timed_rounds > 0 {
                break;
            }
        }
        assert!(
            timed_rounds > 0,
            "no round of {} checks took under {:?}",
            Verifier::BATCH + 10,
            Verifier::MAX_DELAY
        );

        // The delay trigger: a check queued MAX_DELAY ago is written at the next call.
        let before = recorded(&env, &id);
        assert!(v.verify(&secret).unwrap().is_ok());
        std::thread::sleep(Verifier::MAX_DELAY);
        assert_eq!(v.verify("kc_nonsense").unwrap(), Err(Rejection::Malformed));
        assert_eq!(
            recorded(&env, &id),
            plus(before, 1, 1),
            "a check queued MAX_DELAY ago still waits"
        );

        // Dropping the verifier writes what is queued.
        assert!(v.verify(&secret).unwrap().is_ok());
        drop(v);
        let total = recorded(&env, &id);
        assert_eq!(total, plus(before, 2, 1));

        // The chain stays intact with batched appends: init's user.added, settings.changed,
        // user.added, api-key.generated, then every use and rejection.
        let mut t = Tenant::open(&path).unwrap();
        let admin = t
            .operator("admin", keyctl::policy::Action::ReadKeys)
            .unwrap();
        // (Folded by verify_events itself: one api-key.used per key and second.)
        let checked = t.verify_events(&admin, None).unwrap().events;
        assert_eq!(pending_uses(&env, &id), 0);
        assert_eq!(logged_uses(&env, &id), total.1);
        assert_eq!(
            checked,
            4 + env.count_events("api-key.used") as u64 + total.2 as u64
        );
    }

    fn verifier_sees_a_revocation_at_once(b) {
        let env = Env::empty(b);
        let path = env.db.clone();
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
        assert_eq!(uses_and_events(&env, &id), (1, 1));
    }
}
