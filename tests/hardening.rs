//! Defects found by attacking keyctl from outside (issue 8 items 1, 3, 5, 7, 11), each
//! checked through the real binary.

// Tests in `backends!` run on SQLite and PostgreSQL; the rest are SQLite only: they forge
// rows the SQLite way (INSERT OR REPLACE; a value of the wrong type, which PostgreSQL's
// column types refuse anyway; a version-1 file).

#[macro_use]
mod common;

use common::*;

fn denied_code(e: &anyhow::Error) -> keyctl::error::Code {
    keyctl::error::code_of(e)
}

/// Issue 8 #7: the schema refuses every REPLACE path over a key or an event.
// SQLite only: reads or writes the file directly.
#[test]
fn insert_or_replace_cannot_bring_a_key_back_or_rewrite_an_event() {
    let env = Env::with_dev(Backend::Sqlite);
    let (id, secret) = env.generate("dev", "gone");
    let (other, _) = env.generate("dev", "other");
    env.ok("admin", &["revoke", "--yes", &id]);
    let before = snapshot_with_events(&env);
    let c = env.sql();
    for sql in [
        "INSERT OR REPLACE INTO keys (seq, id, hash, name, owner, created, updated, expires, \
         revoked, last_used, uses) SELECT seq, id, hash, name, owner, created, updated, \
         expires, NULL, last_used, uses FROM keys WHERE id = ?1",
        "REPLACE INTO keys (id, hash, name, owner, created, updated, expires) \
         SELECT id, hash, name, owner, created, updated, expires FROM keys WHERE id = ?1",
        "INSERT INTO keys (id, hash, name, owner, created, updated, expires) \
         SELECT id, hash, name, owner, created, updated, expires FROM keys WHERE id = ?1 \
         ON CONFLICT (id) DO UPDATE SET revoked = NULL",
        "UPDATE OR REPLACE keys SET id = ?1 WHERE id = ?2",
        "INSERT OR REPLACE INTO events (id, time, type, actor, key_id, details, hash) \
         SELECT id, time, type, 'mallory', key_id, details, hash FROM events \
         WHERE id = 1 AND ?1 IS NOT NULL",
        "REPLACE INTO events SELECT * FROM events WHERE id = 2 AND ?1 IS NOT NULL",
    ] {
        let params: Vec<&str> = if sql.contains("?2") {
            vec![&id, &other]
        } else {
            vec![&id]
        };
        let r = c.execute(sql, rusqlite::params_from_iter(params));
        assert!(r.is_err(), "accepted: {sql}");
    }
    assert_eq!(snapshot_with_events(&env), before);
    let a = env
        .cmd("admin")
        .args(["keys", "verify"])
        .write_stdin(secret)
        .assert();
    assert_eq!(code(&a), 5);
    assert!(stderr(&a).contains("revoked"));
    env.ok("admin", &["events", "verify"]);
}

/// Runs `events verify`; it must fail (exit 1) with one line containing `needle`.
fn verify_fails_with(env: &Env, needle: &str) -> String {
    let a = env.run("admin", &["events", "verify"]);
    assert_eq!(code(&a), 1, "{}", stderr(&a));
    let err = stderr(&a);
    assert!(
        err.starts_with("error: ") && err.lines().count() == 1,
        "{err}"
    );
    assert!(err.contains(needle), "{err}");
    err
}

/// Issue 8 #7: a stored value of the wrong type is named by its event ID, never
/// reported as a driver error.
// SQLite only: reads or writes the file directly.
#[test]
fn a_value_of_the_wrong_type_is_named_by_its_event() {
    let env = Env::with_dev(Backend::Sqlite);
    env.generate("dev", "k");
    env.sql()
        .execute_batch(
            "DROP TRIGGER events_no_update; UPDATE events SET time = 'yesterday' WHERE id = 3;",
        )
        .unwrap();
    for args in [
        &["events"][..],
        &["events", "--format", "json"],
        &["events", "show", "3"],
        &["events", "verify"],
    ] {
        let a = env.run("admin", args);
        assert_eq!(code(&a), 1, "{args:?}: {}", stderr(&a));
        let err = stderr(&a);
        assert!(err.contains("event 3"), "{args:?}: {err}");
        assert!(!err.contains("Invalid column type"), "{args:?}: {err}");
        assert!(!err.contains("invalid column type"), "{args:?}: {err}");
        assert_eq!(err.lines().count(), 1, "{err}");
    }
    // The other events still show one by one.
    env.ok("admin", &["events", "show", "2"]);
}

/// The uid of the user called `name` now.
fn uid_of(env: &Env, name: &str) -> i64 {
    env.int("SELECT uid FROM users WHERE name = ?1", &[&name])
}

/// Issue 8 #11, on upgrade: a version-1 file's keys are given their owner's identity,
/// except keys older than the owner's registration, which belong to an earlier user of
/// that name (removed, then registered again).
// SQLite only: reads or writes the file directly.
#[test]
fn upgrading_a_version_1_file_keeps_old_keys_from_a_new_registration() {
    let env = Env::empty(Backend::Sqlite);
    {
        let c = env.sql();
        c.pragma_update(None, "journal_mode", "WAL").unwrap();
        c.pragma_update(None, "application_id", APPLICATION_ID as i32)
            .unwrap();
        c.execute_batch(MIGRATIONS[0]).unwrap();
        c.pragma_update(None, "user_version", 1).unwrap();
        let t = now() - 1000;
        c.execute_batch(&format!(
            "INSERT INTO users VALUES ('admin', 1, 0, 1, {t});
             INSERT INTO users VALUES ('bob', 0, 1, 1, {});",
            t + 500
        ))
        .unwrap();
        for (name, created) in [("before", t + 100), ("after", t + 600)] {
            let k = keyctl::token::generate().unwrap();
            c.execute(
                "INSERT INTO keys (id, hash, name, owner, created, updated, expires, revoked) \
                 VALUES (?1, ?2, ?3, 'bob', ?4, ?4, ?4 + 864000, \
                         CASE WHEN ?3 = 'before' THEN ?4 END)",
                rusqlite::params![k.id, &k.hash[..], name, created],
            )
            .unwrap();
        }
        checkpoint(&c);
    }
    let mine = env.ok("bob", &["keys", "list", "--format", "json"]);
    let mine: serde_json::Value = serde_json::from_str(&mine).unwrap();
    let names: Vec<&str> = mine
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["after"]);
    let all = env.ok("admin", &["keys", "list", "--format", "json"]);
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&all)
            .unwrap()
            .as_array()
            .unwrap()
            .len(),
        2
    );
    let version: u32 = env
        .sql()
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .unwrap();
    assert_eq!(version as usize, MIGRATIONS.len());
}

backends! {

    /// Issue 8 #1, through the library: an operator resolved before their removal or
    /// demotion (by another handle on the same file) is refused inside the write.
    fn a_stale_operator_is_refused_inside_the_write(b) {
        use keyctl::idlist::Requested;
        use keyctl::policy::Action;
        use keyctl::{Expiry, Role, SettingChange, Tenant};
        let env = Env::with_dev(b);
        let (id, _) = env.generate("dev", "target");
        env.ok("admin", &["users", "add", "b", "--role", "tenant-admin"]);
        let mut b_side = Tenant::open(&env.db).unwrap();
        let b = b_side.operator("b", Action::RevokeKey).unwrap();
        let mut dev_side = Tenant::open(&env.db).unwrap();
        let dev = dev_side.operator("dev", Action::GenerateKey).unwrap();
        let mut admin_side = Tenant::open(&env.db).unwrap();
        let admin = admin_side.operator("admin", Action::ManageUsers).unwrap();
        admin_side
            .set_role(&admin, "b", Role::TenantAdmin, false)
            .unwrap();
        admin_side.set_licence(&admin, "dev", false).unwrap();

        let before = snapshot(&env);
        let requested = [Requested::Id(id.clone())];
        let e = b_side.revoke_keys(&b, &requested, false).unwrap_err();
        assert_eq!(denied_code(&e), keyctl::error::Code::Denied, "{e:#}");
        let e = b_side
            .change_setting(&b, SettingChange::Enabled(false))
            .unwrap_err();
        assert_eq!(denied_code(&e), keyctl::error::Code::Denied, "{e:#}");
        let e = dev_side
            .generate_key(&dev, "late", Expiry::Default)
            .unwrap_err();
        assert_eq!(denied_code(&e), keyctl::error::Code::Denied, "{e:#}");
        assert_eq!(snapshot(&env), before);

        admin_side.remove_user(&admin, "b").unwrap();
        let last = last_event(&env);
        let e = b_side.revoke_keys(&b, &requested, false).unwrap_err();
        assert_eq!(denied_code(&e), keyctl::error::Code::Denied, "{e:#}");
        assert!(format!("{e:#}").contains("no longer a user"), "{e:#}");
        let new = events_after(&env, last);
        assert_eq!(new.len(), 1, "{new:?}");
        assert_eq!(new[0].kind, "access.denied");
        assert_eq!(new[0].actor, "b");
        assert_eq!(new[0].details["action"], "keys.revoke");
        // A name registered again is another identity: the old handle stays refused.
        env.ok("admin", &["users", "add", "b", "--role", "tenant-admin"]);
        let e = b_side.revoke_keys(&b, &requested, false).unwrap_err();
        assert_eq!(denied_code(&e), keyctl::error::Code::Denied, "{e:#}");
        let shown = env.ok("admin", &["keys", "show", &id, "--format", "json"]);
        assert!(shown.contains("\"active\""), "{shown}");
    }

    /// Issue 9 §1: `access.denied` names the refused action in the policy's vocabulary on
    /// every path, the unknown operator's included.
    fn an_unknown_operator_is_denied_in_the_policy_vocabulary(b) {
        let env = Env::with_dev(b);
        let (id, _) = env.generate("dev", "k");
        for (args, action) in [
            (&["keys", "generate", "--name", "x"][..], "keys.generate"),
            (&["keys", "list"][..], "keys.read"),
            (&["keys", "show", &id][..], "keys.read"),
            (&["keys", "rename", &id, "y"][..], "keys.rename"),
            (&["keys", "delete", "--yes", &id][..], "keys.delete"),
            (&["revoke", "--yes", &id][..], "keys.revoke"),
            (&["users", "list"][..], "users.list"),
            (&["users", "add", "x"][..], "users.manage"),
            (&["settings"][..], "settings.show"),
            (&["settings", "enable"][..], "settings.change"),
            (&["events"][..], "events.read"),
            (&["events", "verify"][..], "events.read"),
        ] {
            let ev = assert_denied(&env, "ghost", args);
            assert_eq!(ev.details["action"], action, "{args:?}");
            assert!(
                ev.details["reason"]
                    .as_str()
                    .unwrap()
                    .contains("unknown operator"),
                "{args:?}"
            );
        }
    }

    /// Issue 9 §1: `api-key.revoked` has one shape, `{name, owner, reason}`, whether one key
    /// is revoked, many at once, or a user's keys on their removal.
    fn every_revocation_writes_the_same_event_shape(b) {
        let env = Env::with_dev(b);
        env.add_developer("leaver");
        let (one, _) = env.generate("dev", "single");
        let (two, _) = env.generate("dev", "bulk a");
        let (three, _) = env.generate("dev", "bulk b");
        let (four, _) = env.generate("leaver", "theirs");
        env.ok("admin", &["revoke", "--yes", &one]);
        env.cmd("admin")
            .args(["revoke", "--yes"])
            .write_stdin(format!("{two}\n{three}\n"))
            .assert()
            .success();
        env.ok("admin", &["users", "remove", "leaver", "--yes"]);
        let events = events_of(&env, "api-key.revoked");
        assert_eq!(events.len(), 4);
        let expect = [
            (&one, "single", "dev", "requested"),
            (&two, "bulk a", "dev", "requested"),
            (&three, "bulk b", "dev", "requested"),
            (&four, "theirs", "leaver", "owner-removed"),
        ];
        for ((actor, key_id, details), (id, name, owner, reason)) in events.iter().zip(expect) {
            assert_eq!(actor, "admin");
            assert_eq!(key_id.as_deref(), Some(id.as_str()));
            let fields: Vec<&String> = details.as_object().unwrap().keys().collect();
            assert_eq!(fields, ["name", "owner", "reason"], "{details}");
            assert_eq!(details["name"], name);
            assert_eq!(details["owner"], owner);
            assert_eq!(details["reason"], reason);
        }
    }


    /// Issue 8 #5: a key pasted as a key name is refused (exit 2) and stored nowhere.
    fn a_key_as_a_key_name_is_refused_and_stored_nowhere(b) {
        let env = Env::with_dev(b);
        let (id, secret) = env.generate("dev", "first");
        let before = snapshot_with_events(&env);
        for name in [
            secret.clone(),
            format!("  {secret}  "),
            format!("prod key {secret} (do not share)"),
        ] {
            let a = env.run("dev", &["keys", "generate", "--name", &name]);
            assert_eq!(code(&a), 2, "generate: {}", stderr(&a));
            let err = stderr(&a);
            assert!(
                err.starts_with("error: ") && err.lines().count() == 1,
                "{err}"
            );
            assert!(!err.contains(&secret[20..]), "the secret echoed: {err}");
            let a = env.run("dev", &["keys", "rename", &id, &name]);
            assert_eq!(code(&a), 2, "rename: {}", stderr(&a));
            assert!(!stderr(&a).contains(&secret[20..]));
        }
        assert_eq!(snapshot_with_events(&env), before, "something changed");
        let files: Vec<u8> = tenant_dump(&env)
            .into_iter()
            .flat_map(|(_, b)| b)
            .collect();
        let tail = &secret.as_bytes()[20..];
        assert!(
            !files.windows(tail.len()).any(|w| w == tail),
            "the secret reached the file"
        );
        // A name that only looks like a key (its checksum is wrong) is just a name.
        let mut typo = secret.clone().into_bytes();
        let last = typo.len() - 1;
        typo[last] = if typo[last] == b'A' { b'B' } else { b'A' };
        let typo = String::from_utf8(typo).unwrap();
        env.ok("dev", &["keys", "rename", &id, &typo]);
    }

    /// Issue 8 #11: a name registered again is a new user, who sees and touches none of the
    /// removed user's keys; admins still see them, owned by the removed user.
    fn a_re_registered_name_is_a_new_identity(b) {
        let env = Env::with_dev(b);
        env.add_developer("bob");
        let (old, _) = env.generate("bob", "old bob's");
        let old_uid = uid_of(&env, "bob");
        env.ok("admin", &["users", "remove", "bob", "--yes"]);
        env.add_developer("bob");
        assert_ne!(uid_of(&env, "bob"), old_uid);
        assert_eq!(env.ok("bob", &["keys", "list", "-q"]), "");
        assert_eq!(env.ok("bob", &["keys", "search", "old", "-q"]), "");
        assert_eq!(env.ok("bob", &["keys", "list", "--owner", "bob", "-q"]), "");
        let before = snapshot_with_events(&env);
        for args in [
            &["keys", "show", &old][..],
            &["keys", "rename", &old, "mine now"],
            &["keys", "delete", "--yes", &old],
        ] {
            let a = env.run("bob", args);
            assert_eq!(code(&a), 3, "{args:?}: {}", stderr(&a));
            let said = format!("{}{}", stdout(&a), stderr(&a));
            assert!(
                said.contains("no key with ID") || said.contains("not found"),
                "{args:?}: {said}"
            );
        }
        assert_eq!(snapshot_with_events(&env), before);
        // Admins see it, owned by the (removed) bob.
        let listed = env.ok(
            "admin",
            &["keys", "list", "--owner", "bob", "--format", "json"],
        );
        let listed: serde_json::Value = serde_json::from_str(&listed).unwrap();
        assert_eq!(listed.as_array().unwrap().len(), 1);
        assert_eq!(listed[0]["id"], old.as_str());
        assert_eq!(listed[0]["owner"], "bob");
        assert_eq!(listed[0]["status"], "revoked");

        // An active key of the old identity (written by hand: removal revokes them all)
        // does not count toward the new bob's limit, and does not verify.
        let stray = keyctl::token::generate().unwrap();
        env.exec(
            "INSERT INTO keys (id, hash, name, owner, owner_uid, created, updated, expires) \
             VALUES (?1, ?2, 'stray', 'bob', ?3, ?4, ?4, CAST(?4 AS BIGINT) + 86400)",
            &[&stray.id, &&stray.hash[..], &old_uid, &now()],
        );
        env.ok("admin", &["settings", "set", "max-keys-per-user", "1"]);
        let (new, _) = env.generate("bob", "new bob's");
        assert_eq!(env.ok("bob", &["keys", "list", "-q"]).trim(), new);
        let a = env
            .cmd("admin")
            .args(["keys", "verify"])
            .write_stdin(stray.secret.clone())
            .assert();
        assert_eq!(code(&a), 5, "{}", stderr(&a));
        assert!(stderr(&a).contains("owner-removed"), "{}", stderr(&a));
    }


    /// Issue 8 #7: `events verify` checks that the keys agree with the log.
    fn events_verify_finds_keys_that_disagree_with_the_log(b) {
        // A key revoked in the log but not in the table (the attacker dropped the trigger).
        let env = Env::with_dev(b);
        let (id, _) = env.generate("dev", "revoked");
        env.ok("admin", &["revoke", "--yes", &id]);
        env.ok("admin", &["events", "verify"]);
        env.exec_batch(if env.is_sqlite() {
            "DROP TRIGGER keys_revocation_is_final"
        } else {
            "ALTER TABLE keys DISABLE TRIGGER USER"
        });
        env.exec("UPDATE keys SET revoked = NULL WHERE id = ?1", &[&id]);
        let err = verify_fails_with(&env, &id);
        assert!(err.contains("api-key.revoked"), "{err}");

        // Uses that differ from the usage records.
        let env = Env::with_dev(b);
        let (id, secret) = env.generate("dev", "used");
        env.cmd("admin")
            .args(["keys", "verify"])
            .write_stdin(secret)
            .assert()
            .success();
        env.ok("admin", &["events", "verify"]);
        set_key(&env, &id, "uses", Some(0));
        let err = verify_fails_with(&env, &id);
        assert!(err.contains("uses"), "{err}");

        // A key without its api-key.generated event.
        let env = Env::with_dev(b);
        env.generate("dev", "real");
        let forged = keyctl::token::generate().unwrap();
        env.exec(
            "INSERT INTO keys (id, hash, name, owner, created, updated, expires) \
             VALUES (?1, ?2, 'forged', 'dev', ?3, ?3, CAST(?3 AS BIGINT) + 86400)",
            &[&forged.id, &&forged.hash[..], &now()],
        );
        let err = verify_fails_with(&env, &forged.id);
        assert!(err.contains("api-key.generated"), "{err}");
    }
}
