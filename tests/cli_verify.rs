//! Black-box tests of `keys verify` (the key on stdin is the credential) and of
//! `events top`, which ranks keys by their verified uses (SPEC §4, §6, §8).

// Every test here runs on both backends (see `backends!` in tests/common).

#[macro_use]
mod common;
use assert_cmd::assert::Assert;
use common::*;
use keyctl::token::{SECRET_LEN, assemble};

// ---------------------------------------------------------------------------------
// Local helpers
// ---------------------------------------------------------------------------------

/// Runs `keys verify` as an unregistered operator with `input` on stdin.
fn verify(env: &Env, input: impl Into<Vec<u8>>, extra: &[&str]) -> Assert {
    env.cmd("nobody-in-particular")
        .args(["keys", "verify"])
        .args(extra)
        .write_stdin(input.into())
        .assert()
}

/// (uses, last_used) of a key.
/// A key's `uses` and `last_used`, read after a fold (as every reading command folds).
fn usage(env: &Env, id: &str) -> (i64, Option<i64>) {
    fold(env);
    let r = env
        .row("SELECT uses, last_used FROM keys WHERE id = ?1", &[&id])
        .expect("a key");
    (r.i(0), r.oi(1))
}

/// Asserts a rejection: exit 5, the reason on stderr, no secret anywhere in the output,
/// one more `api-key.rejected` event with `key_id`, and no use counted.
fn assert_rejected(env: &Env, input: &str, reason: &str, key_id: Option<&str>) {
    fold(env);
    let rejected_before = env.count_events("api-key.rejected");
    let used_before = env.count_events("api-key.used");
    let uses_before = key_id.map(|id| usage(env, id));
    let a = verify(env, input, &[]);
    assert_eq!(code(&a), 5, "{reason}: {}", stderr(&a));
    let err = stderr(&a);
    assert!(err.contains(reason), "stderr {err:?} lacks {reason:?}");
    assert!(err.starts_with("error: "), "{err:?}");
    assert_eq!(err.lines().count(), 1, "{err:?}");
    assert!(stdout(&a).is_empty(), "stdout: {:?}", stdout(&a));
    assert_no_secret(&a, input);

    assert_eq!(env.count_events("api-key.rejected"), rejected_before + 1);
    assert_eq!(env.count_events("api-key.used"), used_before);
    let (actor, ev_key, details) = events_of(env, "api-key.rejected").pop().unwrap();
    assert_eq!(ev_key.as_deref(), key_id, "{reason}: key_id of the event");
    assert_eq!(details["reason"], reason);
    assert!(!actor.is_empty());
    if let Some(id) = key_id {
        assert_eq!(
            Some(usage(env, id)),
            uses_before,
            "a rejection counted a use"
        );
    }

    // JSON: {"valid": false, "reason": ...} on stdout, still exit 5.
    let a = verify(env, input, &["--format", "json"]);
    assert_eq!(code(&a), 5);
    let v = json(&a);
    assert_eq!(v["valid"], false);
    assert_eq!(v["reason"], reason);
    assert_no_secret(&a, input);
}

/// Neither stdout nor stderr carries the presented secret (nor any long piece of it).
fn assert_no_secret(a: &Assert, input: &str) {
    let secret = input.trim();
    if secret.len() < 12 {
        return;
    }
    let tail = &secret[secret.len().saturating_sub(30)..];
    for text in [stdout(a), stderr(a)] {
        assert!(!text.contains(tail), "the secret is echoed: {text:?}");
    }
}

backends! {

    // ---------------------------------------------------------------------------------
    // verify: success
    // ---------------------------------------------------------------------------------

    fn a_valid_key_verifies_and_counts_a_use(b) {
        let env = Env::with_dev(b);
        let (id, secret) = env.generate("dev", "service");
        assert_eq!(usage(&env, &id), (0, None));

        let a = verify(&env, format!("{secret}\n"), &[]);
        assert_eq!(code(&a), 0, "{}", stderr(&a));
        let out = stdout(&a);
        assert!(out.contains(&id) && out.contains("dev"), "{out}");
        assert_no_secret(&a, &secret);
        let (uses, last_used) = usage(&env, &id);
        assert_eq!(uses, 1);
        assert!((last_used.unwrap() - now()).abs() < 120);

        let evs = events_of(&env, "api-key.used");
        assert_eq!(evs.len(), 1);
        assert_eq!(evs[0].1.as_deref(), Some(id.as_str()));
        assert_eq!(evs[0].2["owner"], "dev");
        assert_eq!(env.count_events("api-key.rejected"), 0);

        // JSON output, and without a trailing newline.
        let a = verify(&env, secret.clone(), &["--format", "json"]);
        assert_eq!(code(&a), 0);
        let v = json(&a);
        assert_eq!(v["valid"], true);
        assert_eq!(v["id"], id.as_str());
        assert_eq!(v["owner"], "dev");
        assert!(v.get("secret").is_none());
        assert_no_secret(&a, &secret);

        // -q: the ID alone.
        let a = verify(&env, secret.clone(), &["-q"]);
        assert_eq!(code(&a), 0);
        assert_eq!(stdout(&a), format!("{id}\n"));

        // CRLF from a Windows client.
        let a = verify(&env, format!("{secret}\r\n"), &[]);
        assert_eq!(code(&a), 0, "{}", stderr(&a));

        assert_eq!(usage(&env, &id).0, 4);
        assert_eq!(logged_uses(&env, &id), 4);

        // The listing shows the use.
        let v = json(&env.run("dev", &["keys", "show", &id, "--format", "json"]));
        assert_eq!(v["uses"], 4);
        assert!(v["last_used"].is_string());
    }

    fn verify_needs_no_operator_and_no_role(b) {
        let env = Env::with_dev(b);
        let (id, secret) = env.generate("dev", "service");
        for user in ["admin", "dev", "not-registered", "bad name!"] {
            let a = env
                .cmd(user)
                .args(["keys", "verify"])
                .write_stdin(secret.clone())
                .assert();
            assert_eq!(code(&a), 0, "{user}: {}", stderr(&a));
        }
        assert_eq!(usage(&env, &id).0, 4);
        assert_eq!(env.count_events("access.denied"), 0);
    }

    fn verify_never_reads_the_key_from_arguments(b) {
        let env = Env::with_dev(b);
        let (id, secret) = env.generate("dev", "service");
        let a = env
            .cmd("x")
            .args(["keys", "verify", &secret])
            .write_stdin("")
            .assert();
        assert_eq!(code(&a), 2, "{}", stderr(&a));
        assert_eq!(usage(&env, &id).0, 0);
        assert_no_secret(&a, &secret);
    }

    // ---------------------------------------------------------------------------------
    // verify: rejections
    // ---------------------------------------------------------------------------------

    fn malformed_keys_are_rejected_before_lookup(b) {
        let env = Env::with_dev(b);
        let (id, secret) = env.generate("dev", "service");
        assert_rejected(&env, "", "malformed", None);
        assert_rejected(&env, "\n", "malformed", None);
        assert_rejected(&env, "garbage", "malformed", None);
        assert_rejected(&env, &format!("{secret}x"), "malformed", None);
        assert_rejected(&env, &secret[..secret.len() - 1], "malformed", None);
        assert_rejected(&env, &secret.replacen("kc_", "kx_", 1), "malformed", None);
        assert_rejected(&env, &format!("{secret}\n{secret}"), "malformed", None);

        // A one-character typo in the secret part fails the checksum.
        let mut chars: Vec<char> = secret.chars().collect();
        let i = 30;
        chars[i] = if chars[i] == 'Q' { 'R' } else { 'Q' };
        let typo: String = chars.into_iter().collect();
        assert_ne!(typo, secret);
        assert_rejected(&env, &typo, "malformed", None);

        // Non-UTF-8 input.
        let a = verify(&env, b"\xff\xfe garbage".to_vec(), &[]);
        assert_eq!(code(&a), 5);
        assert!(stderr(&a).contains("malformed"));

        // Huge input does not hang or crash.
        let a = verify(&env, vec![b'k'; 1_000_000], &[]);
        assert_eq!(code(&a), 5);
        assert!(stderr(&a).contains("malformed"));

        assert_eq!(usage(&env, &id).0, 0);
        assert_eq!(env.count_events("api-key.used"), 0);
    }

    fn unknown_keys_are_rejected(b) {
        let env = Env::with_dev(b);
        let (id, _) = env.generate("dev", "service");
        // Well-formed with a valid checksum, but no such ID.
        let ghost = assemble("0123456789abcdef", &"A".repeat(SECRET_LEN));
        assert!(keyctl::token::parse(&ghost).is_ok());
        assert_rejected(&env, &ghost, "unknown", None);
        // A known ID with the wrong secret: unknown, but the attempt names the key.
        let forged = assemble(&id, &"A".repeat(SECRET_LEN));
        assert_rejected(&env, &forged, "unknown", Some(&id));
        assert_eq!(usage(&env, &id), (0, None));
    }

    fn revoked_keys_are_rejected(b) {
        let env = Env::with_dev(b);
        let (id, secret) = env.generate("dev", "service");
        verify(&env, secret.clone(), &[]).success();
        env.ok("admin", &["revoke", &id, "--yes"]);
        assert_rejected(&env, &secret, "revoked", Some(&id));
        assert_eq!(usage(&env, &id).0, 1);
    }

    fn expired_keys_are_rejected(b) {
        let env = Env::with_dev(b);
        let (id, secret) = env.generate("dev", "service");
        set_key(&env, &id, "expires", Some(now() - 1));
        assert_rejected(&env, &secret, "expired", Some(&id));
        assert_eq!(usage(&env, &id), (0, None));
    }

    fn keys_stop_working_while_disabled(b) {
        let env = Env::with_dev(b);
        let (id, secret) = env.generate("dev", "service");
        env.ok("admin", &["settings", "disable", "--yes"]);
        assert_rejected(&env, &secret, "disabled", Some(&id));
        env.ok("admin", &["settings", "enable"]);
        verify(&env, secret.clone(), &[]).success();
        assert_eq!(usage(&env, &id).0, 1);
    }

    fn rejected_attempts_show_in_events(b) {
        let env = Env::with_dev(b);
        let (id, secret) = env.generate("dev", "service");
        env.ok("admin", &["revoke", &id, "--yes"]);
        for _ in 0..3 {
            verify(&env, secret.clone(), &[]).code(5);
        }
        let v = json(&env.run(
            "admin",
            &[
                "events",
                "--key",
                &id,
                "--type",
                "api-key.rejected",
                "--format",
                "json",
            ],
        ));
        let arr = v.as_array().unwrap();
        assert_eq!(arr.len(), 3);
        for e in arr {
            assert_eq!(e["key_id"], id.as_str());
            assert_eq!(e["details"]["reason"], "revoked");
        }
        let all = env.ok("admin", &["events", "--format", "json"]);
        assert!(!all.contains(&secret[20..]));
        env.ok("admin", &["events", "verify"]);
    }

    // ---------------------------------------------------------------------------------
    // events top
    // ---------------------------------------------------------------------------------

    fn events_top_ranks_keys_by_uses(b) {
        let env = Env::with_dev(b);
        env.add_developer("dev2");
        let (busy, busy_secret) = env.generate("dev", "busy");
        let (quiet, quiet_secret) = env.generate("dev2", "quiet");
        let (attacked, _) = env.generate("dev", "attacked");
        let (_idle, _) = env.generate("dev", "idle");
        for _ in 0..3 {
            verify(&env, busy_secret.clone(), &[]).success();
        }
        verify(&env, quiet_secret.clone(), &[]).success();
        let forged = assemble(&quiet, &"A".repeat(SECRET_LEN));
        verify(&env, forged, &[]).code(5);
        let forged = assemble(&attacked, &"B".repeat(SECRET_LEN));
        verify(&env, forged.clone(), &[]).code(5);
        verify(&env, forged, &[]).code(5);
        verify(&env, "garbage", &[]).code(5);

        let a = env.run("admin", &["events", "top", "--format", "json"]);
        assert_eq!(code(&a), 0, "{}", stderr(&a));
        let v = json(&a);
        let rows = v.as_array().unwrap();
        assert_eq!(rows.len(), 3, "{v}");
        let expect = [
            (&busy, "busy", "dev", 3, 0),
            (&quiet, "quiet", "dev2", 1, 1),
            (&attacked, "attacked", "dev", 0, 2),
        ];
        for (row, (id, name, owner, uses, rejected)) in rows.iter().zip(expect) {
            let fields: std::collections::BTreeSet<&str> = row
                .as_object()
                .unwrap()
                .keys()
                .map(String::as_str)
                .collect();
            assert_eq!(
                fields,
                ["key_id", "name", "owner", "uses", "rejected"]
                    .into_iter()
                    .collect()
            );
            assert_eq!(row["key_id"], id.as_str());
            assert_eq!(row["name"], name);
            assert_eq!(row["owner"], owner);
            assert_eq!(row["uses"], uses);
            assert_eq!(row["rejected"], rejected);
        }

        // --limit, CSV, table, -q.
        let a = env.run("admin", &["events", "top", "--limit", "1", "-q"]);
        assert_eq!(stdout(&a), format!("{busy}\n"));
        let csv = env.ok("admin", &["events", "top", "--format", "csv"]);
        assert_eq!(
            csv.lines().collect::<Vec<_>>(),
            [
                "key_id,name,owner,uses,rejected".to_owned(),
                format!("{busy},busy,dev,3,0"),
                format!("{quiet},quiet,dev2,1,1"),
                format!("{attacked},attacked,dev,0,2"),
            ]
        );
        let table = env.ok("admin", &["events", "top"]);
        let first_row = table.lines().position(|l| l.contains(&busy)).unwrap();
        let second_row = table.lines().position(|l| l.contains(&quiet)).unwrap();
        assert!(first_row < second_row);

        // The window: nothing since a point in the future, everything since a day ago.
        let future = chrono::DateTime::from_timestamp(now() + 3600, 0)
            .unwrap()
            .to_rfc3339();
        let v = json(&env.run(
            "admin",
            &["events", "top", "--since", &future, "--format", "json"],
        ));
        assert_eq!(v, serde_json::json!([]));
        let v = json(&env.run(
            "admin",
            &["events", "top", "--since", "1d", "--format", "json"],
        ));
        assert_eq!(v.as_array().unwrap().len(), 3);
        let a = env.run("admin", &["events", "top", "--since", "whenever"]);
        assert_eq!(code(&a), 2);

        // Admins only.
        let denied = env.count_events("access.denied");
        for user in ["dev", "ghost"] {
            let a = env.run(user, &["events", "top"]);
            assert_eq!(code(&a), 4, "{user}");
            assert!(stdout(&a).is_empty());
        }
        assert_eq!(env.count_events("access.denied"), denied + 2);
    }

    fn events_top_counts_only_the_window(b) {
        let env = Env::with_dev(b);
        let (id, secret) = env.generate("dev", "old");
        verify(&env, secret.clone(), &[]).success();
        // Nothing in a window that starts after the use (events cannot be edited, so the
        // window moves instead).
        let later = chrono::DateTime::from_timestamp(now() + 2, 0)
            .unwrap()
            .to_rfc3339();
        let v = json(&env.run(
            "admin",
            &["events", "top", "--since", &later, "--format", "json"],
        ));
        assert_eq!(v, serde_json::json!([]));
        let v = json(&env.run("admin", &["events", "top", "--format", "json"]));
        assert_eq!(v[0]["key_id"], id.as_str());
        assert_eq!(v[0]["uses"], 1);
    }


    fn keys_of_a_removed_owner_are_rejected(b) {
        let env = Env::with_dev(b);
        let (id, secret) = env.generate("dev", "service");
        // Removing the owner through keyctl revokes the keys first.
        env.ok("admin", &["users", "remove", "dev", "--yes"]);
        assert_rejected(&env, &secret, "revoked", Some(&id));

        // A user row deleted by other means: owner-removed.
        let env = Env::with_dev(b);
        let (id, secret) = env.generate("dev", "service");
        env.exec("DELETE FROM users WHERE name = 'dev'", &[]);
        assert_rejected(&env, &secret, "owner-removed", Some(&id));
        assert_eq!(usage(&env, &id), (0, None));
    }
}
