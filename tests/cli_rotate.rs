//! Black-box tests of `keyctl keys rotate` (SPEC §4 "rotate", §8 `api-key.rotated`):
//! a new key replaces an old one, which keeps working for a grace period at most.

// Every test here runs on both backends (see `backends!` in tests/common).

#[macro_use]
mod common;
use common::*;
use serde_json::{Value, json};

const DAY: i64 = 86_400;

/// Rotates `id` as `user` with `extra` flags, JSON output; requires success and returns
/// (the printed object, the new key's ID, its secret).
fn rotate(env: &Env, user: &str, id: &str, extra: &[&str]) -> (Value, String, String) {
    let mut args = vec!["keys", "rotate", id, "--format", "json"];
    args.extend_from_slice(extra);
    let a = env.run(user, &args);
    assert_eq!(code(&a), 0, "{args:?}: {}", stderr(&a));
    let v = json(&a);
    let new_id = v["id"].as_str().unwrap().to_owned();
    let secret = v["secret"].as_str().unwrap().to_owned();
    (v, new_id, secret)
}

/// The key as `keys show --format json` prints it to the admin.
fn show(env: &Env, id: &str) -> Value {
    json(&env.run("admin", &["keys", "show", id, "--format", "json"]))
}

fn unix(v: &Value) -> i64 {
    chrono::DateTime::parse_from_rfc3339(v.as_str().unwrap())
        .unwrap()
        .timestamp()
}

/// `keys verify` of `secret`: (exit code, stdout).
fn verify(env: &Env, secret: &str) -> (i32, String) {
    let a = env
        .cmd("nobody")
        .args(["keys", "verify"])
        .write_stdin(secret)
        .assert();
    (code(&a), stdout(&a))
}

/// Runs a rotation that must be refused with `expect` and change nothing but (maybe)
/// the log; returns stderr.
fn refused(env: &Env, user: &str, args: &[&str], expect: i32) -> String {
    let before = snapshot(env);
    let a = env.run(user, args);
    assert_eq!(code(&a), expect, "{user} {args:?}: {}", stderr(&a));
    let err = stderr(&a);
    assert!(err.starts_with("error: "), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    assert_eq!(stdout(&a), "", "{user} {args:?}");
    assert_eq!(snapshot(env), before, "{user} {args:?} changed the tenant");
    err
}

backends! {

    fn the_secret_is_printed_in_every_format_as_generate_does(b) {
        let env = Env::with_dev(b);
        let (id, _) = env.generate("dev", "k");
        // -q: the secret alone.
        let a = env.run("dev", &["keys", "rotate", &id, "-q"]);
        assert_eq!(code(&a), 0, "{}", stderr(&a));
        let secret = stdout(&a);
        assert!(
            secret.starts_with("kc_") && secret.lines().count() == 1,
            "{secret}"
        );
        assert!(stderr(&a).contains("shown only once"), "{}", stderr(&a));
        let id = secret.trim().split('_').nth(1).unwrap().to_owned();
        // CSV: the same header as generate.
        let a = env.run("dev", &["keys", "rotate", &id, "--format", "csv"]);
        assert_eq!(code(&a), 0, "{}", stderr(&a));
        assert_eq!(
            stdout(&a).lines().next().unwrap(),
            "id,name,owner,created,expires,status,secret"
        );
        let id = stdout(&a)
            .lines()
            .nth(1)
            .unwrap()
            .split(',')
            .next()
            .unwrap()
            .to_owned();
        // Table: the KEY row.
        let a = env.run("dev", &["keys", "rotate", &id]);
        assert_eq!(code(&a), 0, "{}", stderr(&a));
        assert!(
            stdout(&a).contains("KEY") && stdout(&a).contains("kc_"),
            "{}",
            stdout(&a)
        );
        assert_eq!(env.count_events("api-key.rotated"), 3);
    }

    fn a_grace_period_keeps_the_old_key_working_and_listings_show_the_successor(b) {
        let env = Env::with_dev(b);
        let (old, old_secret) = env.generate("dev", "svc");
        let t0 = now();
        let (_, new, new_secret) = rotate(&env, "dev", &old, &["--grace", "1h"]);
        let o = show(&env, &old);
        assert_eq!(o["status"], "active");
        let exp = unix(&o["expires"]);
        assert!((t0 + 3_600..=now() + 3_600).contains(&exp), "{o}");
        // Both keys work during the grace period.
        assert_eq!(verify(&env, &old_secret).0, 0);
        assert_eq!(verify(&env, &new_secret).0, 0);

        // list, search and show carry replaced_by: table (last column), CSV and JSON.
        let table = env.ok("dev", &["keys", "list"]);
        let row = table.lines().find(|l| l.contains(&old)).unwrap();
        let cells: Vec<&str> = row
            .split(['│', '┆'])
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .collect();
        assert_eq!(cells.last(), Some(&new.as_str()), "{table}");
        let csv = env.ok("dev", &["keys", "search", "svc", "--format", "csv"]);
        let mut r = csv::Reader::from_reader(csv.as_bytes());
        assert_eq!(r.headers().unwrap().iter().next_back(), Some("replaced_by"));
        let rows: Vec<csv::StringRecord> = r.records().map(Result::unwrap).collect();
        let by_id = |id: &str| rows.iter().find(|r| &r[0] == id).unwrap()[9].to_owned();
        assert_eq!(by_id(&old), new);
        assert_eq!(by_id(&new), "");
        let list: Value =
            serde_json::from_str(&env.ok("dev", &["keys", "list", "--format", "json"])).unwrap();
        let of = |id: &str| {
            list.as_array()
                .unwrap()
                .iter()
                .find(|k| k["id"] == id)
                .unwrap()["replaced_by"]
                .clone()
        };
        assert_eq!(of(&old), new.as_str());
        assert_eq!(of(&new), Value::Null);
        let shown = env.ok("dev", &["keys", "show", &old]);
        assert!(
            shown.contains("REPLACED BY") && shown.contains(&new),
            "{shown}"
        );

        // Revoking the old key during its grace period still works (it is active).
        env.ok("admin", &["revoke", &old, "--yes"]);
        assert_eq!(verify(&env, &old_secret).0, 5);
        assert_eq!(verify(&env, &new_secret).0, 0);
        env.ok("admin", &["events", "verify"]);
    }

    fn a_grace_period_never_moves_the_old_expiry_later(b) {
        let env = Env::with_dev(b);
        let out = env.ok(
            "dev",
            &[
                "keys",
                "generate",
                "--name",
                "short",
                "--expires-in",
                "1h",
                "--format",
                "json",
            ],
        );
        let v: Value = serde_json::from_str(&out).unwrap();
        let old = v["id"].as_str().unwrap().to_owned();
        let before = show(&env, &old)["expires"].clone();
        let (_, new, _) = rotate(&env, "dev", &old, &["--grace", "2d"]);
        let o = show(&env, &old);
        assert_eq!(
            o["expires"], before,
            "the grace period did not extend the key"
        );
        assert_eq!(o["replaced_by"], new.as_str());
        let d = &events_of(&env, "api-key.rotated")[0].2;
        assert_eq!(d["expires_before"], before);
        assert_eq!(d["expires_after"], before);
    }

    fn grace_values(b) {
        let env = Env::with_dev(b);
        // Zero in any spelling is accepted.
        for zero in ["0", "0s", "PT0S"] {
            let (id, _) = env.generate("dev", zero);
            rotate(&env, "dev", &id, &["--grace", zero]);
            assert_eq!(show(&env, &id)["status"], "expired", "{zero}");
        }
        let (id, _) = env.generate("dev", "k");
        // Negative or malformed: usage errors, nothing changed, nothing recorded.
        for bad in ["-1h", "soon", "1y", ""] {
            let last = last_event(&env);
            refused(&env, "dev", &["keys", "rotate", &id, "--grace", bad], 2);
            assert_eq!(last_event(&env), last, "{bad}");
        }
        // Longer than max-expiry: refused by policy (exit 5), recorded, nothing changed.
        env.ok("admin", &["settings", "set", "max-expiry", "7d"]);
        let last = last_event(&env);
        let err = refused(&env, "dev", &["keys", "rotate", &id, "--grace", "8d"], 5);
        assert!(err.contains("7d"), "{err}");
        let new = events_after(&env, last);
        assert_eq!(new.len(), 1);
        assert_eq!(new[0].kind, "access.denied");
        assert_eq!(new[0].details["action"], "keys.rotate");
        // Exactly max-expiry is fine.
        rotate(&env, "dev", &id, &["--grace", "7d"]);
    }

    fn the_new_key_follows_generates_expiry_rules(b) {
        let env = Env::with_dev(b);
        env.ok("admin", &["settings", "set", "max-expiry", "10d"]);
        let (id, _) = env.generate("dev", "k");
        // Too long, or not in the future: refused, nothing changed.
        let err = refused(
            &env,
            "dev",
            &["keys", "rotate", &id, "--expires-in", "11d"],
            5,
        );
        assert!(err.contains("10d"), "{err}");
        let far = chrono::DateTime::from_timestamp(now() + 20 * DAY, 0)
            .unwrap()
            .to_rfc3339();
        refused(
            &env,
            "dev",
            &["keys", "rotate", &id, "--expires-at", &far],
            5,
        );
        refused(
            &env,
            "dev",
            &[
                "keys",
                "rotate",
                &id,
                "--expires-at",
                "2001-01-01T00:00:00Z",
            ],
            2,
        );
        refused(
            &env,
            "dev",
            &["keys", "rotate", &id, "--expires-in", "0d"],
            2,
        );
        refused(
            &env,
            "dev",
            &[
                "keys",
                "rotate",
                &id,
                "--expires-in",
                "1d",
                "--expires-at",
                &far,
            ],
            2,
        );
        // Within the maximum: as asked.
        let t0 = now();
        let (_, new, _) = rotate(&env, "dev", &id, &["--expires-in", "2h"]);
        let exp = unix(&show(&env, &new)["expires"]);
        assert!((t0 + 7_200..=now() + 7_200).contains(&exp));
        let at = chrono::DateTime::from_timestamp(now() + 3 * DAY, 0).unwrap();
        let (_, newer, _) = rotate(&env, "dev", &new, &["--expires-at", &at.to_rfc3339()]);
        assert_eq!(unix(&show(&env, &newer)["expires"]), at.timestamp());
        // Without a flag: max-expiry, never "no expiry".
        let (_, last, _) = rotate(&env, "dev", &newer, &[]);
        let exp = unix(&show(&env, &last)["expires"]);
        assert!(exp > now() + 9 * DAY && exp <= now() + 10 * DAY);
    }

    fn a_user_at_the_key_limit_can_rotate(b) {
        let env = Env::with_dev(b);
        env.ok("admin", &["settings", "set", "max-keys-per-user", "2"]);
        let (a, _) = env.generate("dev", "a");
        env.generate("dev", "b");
        let a_gen = env.run("dev", &["keys", "generate", "--name", "c"]);
        assert_eq!(code(&a_gen), 5, "{}", stderr(&a_gen));
        // At the limit, rotation works, even with a grace period (the old key, still
        // active, no longer counts).
        let (_, new, _) = rotate(&env, "dev", &a, &["--grace", "1h"]);
        assert_eq!(show(&env, &a)["status"], "active");
        // Still two keys count: the limit still holds for generate.
        let again = env.run("dev", &["keys", "generate", "--name", "c"]);
        assert_eq!(code(&again), 5, "{}", stderr(&again));
        // And the new key can be rotated in turn.
        rotate(&env, "dev", &new, &[]);
    }

    fn rotating_a_rotated_revoked_or_expired_key_is_refused(b) {
        let env = Env::with_dev(b);
        // Rotated (even while still in its grace period): exit 5 naming the successor.
        let (old, _) = env.generate("dev", "k");
        let (_, new, _) = rotate(&env, "dev", &old, &["--grace", "1h"]);
        let err = refused(&env, "dev", &["keys", "rotate", &old], 5);
        assert!(err.contains(&new), "the successor is named: {err}");
        let (old2, _) = env.generate("dev", "k2");
        let (_, new2, _) = rotate(&env, "dev", &old2, &[]);
        let err = refused(&env, "dev", &["keys", "rotate", &old2], 5);
        assert!(err.contains(&new2), "{err}");
        // Revoked.
        let (revoked, _) = env.generate("dev", "r");
        env.ok("admin", &["revoke", &revoked, "--yes"]);
        let err = refused(&env, "dev", &["keys", "rotate", &revoked], 5);
        assert!(err.contains("revoked"), "{err}");
        // Expired.
        let (expired, _) = env.generate("dev", "e");
        set_key(&env, &expired, "expires", Some(now() - 10));
        let err = refused(&env, "dev", &["keys", "rotate", &expired], 5);
        assert!(err.contains("expired"), "{err}");
        assert_eq!(env.count_events("api-key.rotated"), 2);
    }

    fn someone_elses_key_is_not_found_to_a_developer_and_denied_to_others(b) {
        let env = Env::with_dev(b);
        env.add_developer("other");
        env.ok("admin", &["users", "grant", "admin", "developer"]);
        env.ok(
            "admin",
            &["users", "add", "aud", "--role", "auditor", "--licence"],
        );
        env.ok("admin", &["users", "add", "plain", "--licence"]);
        let (id, _) = env.generate("other", "theirs");
        // A developer: "not found", as if it did not exist; no event (nothing to hide
        // behind a denial).
        let last = last_event(&env);
        let err = refused(&env, "dev", &["keys", "rotate", &id], 3);
        assert!(err.contains(&id), "{err}");
        assert_eq!(last_event(&env), last);
        // A tenant admin (also a developer): exit 4, recorded with the key.
        let e = assert_denied(&env, "admin", &["keys", "rotate", &id]);
        assert_eq!(e.details["action"], "keys.rotate");
        assert_eq!(e.key_id.as_deref(), Some(id.as_str()));
        assert!(
            e.details["reason"]
                .as_str()
                .unwrap()
                .contains("not your key")
        );
        // Neither an auditor (even with a licence) nor a user without a role may rotate,
        // not even their own... they have none; an unknown operator is refused too.
        for user in ["aud", "plain", "ghost"] {
            let e = assert_denied(&env, user, &["keys", "rotate", &id]);
            assert!(
                e.details["action"] == "keys.rotate" || e.details["action"] == "keys rotate",
                "{user}: {:?}",
                e.details
            );
        }
        // A developer who lost the licence may not rotate their own key.
        let (mine, _) = env.generate("dev", "mine");
        env.ok("admin", &["users", "licence", "dev", "off"]);
        let e = assert_denied(&env, "dev", &["keys", "rotate", &mine]);
        assert!(e.details["reason"].as_str().unwrap().contains("licence"));
        // The owner may.
        rotate(&env, "other", &id, &[]);
    }

    fn bad_ids_and_disabled_keys(b) {
        let env = Env::with_dev(b);
        let (id, _) = env.generate("dev", "k");
        refused(&env, "dev", &["keys", "rotate", "not-an-id"], 2);
        refused(&env, "dev", &["keys", "rotate", "zzzzzzzzzzzzzzzz"], 3);
        refused(&env, "dev", &["keys", "rotate"], 2);
        env.ok("admin", &["settings", "disable", "--yes"]);
        let err = refused(&env, "dev", &["keys", "rotate", &id], 5);
        assert!(err.contains("disabled"), "{err}");
        env.ok("admin", &["settings", "enable"]);
        rotate(&env, "dev", &id, &[]);
    }

    /// A rotation racing a revoke of the same key: one wins, consistently, with its events.
    fn rotation_racing_a_revoke_is_consistent(b) {
        for _ in 0..3 {
            let env = Env::with_dev(b);
            let (id, _) = env.generate("dev", "raced");
            let mut rot = env.std_cmd("dev");
            rot.args(["keys", "rotate", &id, "--grace", "1h", "-q"]);
            let mut rev = env.std_cmd("admin");
            rev.args(["revoke", &id, "--yes"]);
            rot.stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::null());
            rev.stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::null())
                .stdin(std::process::Stdio::null());
            let mut a = rot.spawn().unwrap();
            let mut b = rev.spawn().unwrap();
            let rot_code = a.wait().unwrap().code().unwrap();
            let rev_code = b.wait().unwrap().code().unwrap();
            assert_eq!(rev_code, 0, "the key was active either way");
            let o = show(&env, &id);
            assert_eq!(o["status"], "revoked");
            assert_eq!(env.count_events("api-key.revoked"), 1);
            match rot_code {
                0 => {
                    // Rotated first: the successor is recorded and exists.
                    assert_eq!(env.count_events("api-key.rotated"), 1);
                    let succ = o["replaced_by"].as_str().unwrap();
                    assert_eq!(show(&env, succ)["status"], "active");
                }
                5 => {
                    assert_eq!(env.count_events("api-key.rotated"), 0);
                    assert_eq!(o["replaced_by"], Value::Null);
                }
                other => panic!("rotate exited {other}"),
            }
            env.ok("admin", &["events", "verify"]);
        }
    }

    /// Many processes rotating the same key at once: exactly one wins; the others are
    /// refused (exit 5) naming its successor; one `api-key.rotated` event.
    fn concurrent_rotations_of_one_key_make_one_successor(b) {
        let env = Env::with_dev(b);
        let (id, _) = env.generate("dev", "contended");
        let children: Vec<_> = (0..8)
            .map(|_| {
                env.std_cmd("dev")
                    .args(["keys", "rotate", &id, "-q"])
                    .stdin(std::process::Stdio::null())
                    .stdout(std::process::Stdio::piped())
                    .stderr(std::process::Stdio::piped())
                    .spawn()
                    .unwrap()
            })
            .collect();
        let results: Vec<(i32, String, String)> = children
            .into_iter()
            .map(|c| {
                let o = c.wait_with_output().unwrap();
                (
                    o.status.code().unwrap(),
                    String::from_utf8_lossy(&o.stdout).into_owned(),
                    String::from_utf8_lossy(&o.stderr).into_owned(),
                )
            })
            .collect();
        let winners: Vec<_> = results.iter().filter(|r| r.0 == 0).collect();
        assert_eq!(winners.len(), 1, "{results:?}");
        let successor = show(&env, &id)["replaced_by"].as_str().unwrap().to_owned();
        assert!(winners[0].1.starts_with(&format!("kc_{successor}_")));
        for (c, out, err) in results.iter().filter(|r| r.0 != 0) {
            assert_eq!(*c, 5, "{err}");
            assert_eq!(out, "");
            assert!(err.contains(&successor), "{err}");
            assert!(!err.contains("locked"), "{err}");
        }
        assert_eq!(env.count_events("api-key.rotated"), 1);
        env.ok("admin", &["events", "verify"]);
    }


    fn rotation_replaces_the_key_at_once_by_default(b) {
        let env = Env::with_dev(b);
        let (old, old_secret) = env.generate("dev", "billing service");
        let before = show(&env, &old);
        let t0 = now();
        let (v, new, new_secret) = rotate(&env, "dev", &old, &[]);

        // Printed exactly as `generate` prints a key.
        let generated = json(&env.run(
            "dev",
            &["keys", "generate", "--name", "cmp", "--format", "json"],
        ));
        let fields = |v: &Value| {
            let mut f: Vec<String> = v.as_object().unwrap().keys().cloned().collect();
            f.sort();
            f
        };
        assert_eq!(fields(&v), fields(&generated));
        assert_eq!(v["name"], "billing service");
        assert_eq!(v["owner"], "dev");
        assert_eq!(v["status"], "active");
        assert_ne!(new, old);
        assert!(new_secret.starts_with(&format!("kc_{new}_")));

        // The new key: same owner and name, the default expiry (max-expiry, 30d).
        let n = show(&env, &new);
        assert_eq!(n["name"], "billing service");
        assert_eq!(n["owner"], "dev");
        assert_eq!(n["replaced_by"], Value::Null);
        let exp = unix(&n["expires"]);
        assert!((t0 + 30 * DAY..=now() + 30 * DAY).contains(&exp), "{n}");

        // The old key: replaced, and with the default grace of 0 it stopped at once.
        let o = show(&env, &old);
        assert_eq!(o["replaced_by"], new.as_str());
        assert_eq!(o["status"], "expired");
        assert!(unix(&o["expires"]) <= now());
        assert_eq!(verify(&env, &old_secret).0, 5);
        let (c, out) = verify(&env, &new_secret);
        assert_eq!(c, 0);
        assert!(out.contains(&new), "{out}");

        // Events: the new key's `api-key.generated` names the old one; `api-key.rotated`
        // is about the old key and names its successor and its expiry before and after.
        let generated = events_of(&env, "api-key.generated");
        let g = generated
            .iter()
            .find(|(_, k, _)| k.as_deref() == Some(new.as_str()))
            .unwrap();
        assert_eq!(g.0, "dev");
        assert_eq!(
            g.2,
            json!({"name": "billing service", "expires": n["expires"], "replaces": old})
        );
        for (_, k, d) in &generated {
            if k.as_deref() != Some(new.as_str()) {
                assert_eq!(d["replaces"], Value::Null, "{d}");
                assert!(d.as_object().unwrap().contains_key("replaces"), "{d}");
            }
        }
        let rotated = events_of(&env, "api-key.rotated");
        assert_eq!(rotated.len(), 1);
        let (actor, key, d) = &rotated[0];
        assert_eq!(actor, "dev");
        assert_eq!(key.as_deref(), Some(old.as_str()));
        assert_eq!(
            *d,
            json!({
                "replaced_by": new,
                "expires_before": before["expires"],
                "expires_after": o["expires"],
            })
        );
        // The chain holds and the log agrees with the state.
        env.ok("admin", &["events", "verify"]);
        // The secret is nowhere in the stored data.
        let bytes: Vec<u8> = tenant_dump(&env).into_iter().flat_map(|(_, b)| b).collect();
        let text = String::from_utf8_lossy(&bytes);
        assert!(!text.contains(&new_secret[new.len() + 4..]));
    }
}
