//! Black-box tests of `keyctl events ...`: who may read the log, filters, show, head,
//! and the hash chain against an attacker with write access to the file.

// Every test here runs on both backends (see `backends!` in tests/common); the attacker
// edits the log with its triggers dropped (SQLite) or disabled (PostgreSQL).

#[macro_use]
mod common;
use common::*;

use keyctl::chain::{GENESIS, chain_hash, hex};
use serde_json::{Value, json};

/// [`assert_denied`], and every event before the denial is kept as it was; returns the
/// denial's details.
fn assert_denied_keeping_log(env: &Env, user: &str, args: &[&str]) -> Value {
    let before = snapshot_with_events(env);
    let details = assert_denied(env, user, args).details;
    let old_events = before.split("--\n").nth(3).unwrap();
    assert!(snapshot_with_events(env).contains(old_events));
    details
}

/// Events as JSON objects from `events --format json` plus `args`.
fn list(env: &Env, args: &[&str]) -> Vec<Value> {
    let mut all = vec!["events", "--format", "json"];
    all.extend_from_slice(args);
    let out = env.ok("admin", &all);
    let v: Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}"));
    v.as_array().unwrap().clone()
}

fn ids(events: &[Value]) -> Vec<i64> {
    events.iter().map(|e| e["id"].as_i64().unwrap()).collect()
}

/// A tenant with eight events:
/// 1 user.added admin, 2 settings.changed, 3 user.added dev, 4-6 user.added a/b/c,
/// 7 settings.changed, 8 api-key.generated.
fn eight_events(b: Backend) -> (Env, String) {
    let env = Env::with_dev(b);
    for u in ["a", "b", "c"] {
        env.ok("admin", &["users", "add", u]);
    }
    env.ok("admin", &["settings", "set", "max-keys-per-user", "7"]);
    let (id, _) = env.generate("dev", "k");
    assert_eq!(last_event(&env), 8);
    (env, id)
}

/// An attacker with write access to the tenant: the triggers guarding the log dropped
/// (SQLite) or disabled (PostgreSQL, as the tables' owner may).
fn attacker(env: &Env) -> &Env {
    if env.is_sqlite() {
        env.exec_batch("DROP TRIGGER events_no_update; DROP TRIGGER events_no_delete;");
    } else {
        env.exec_batch("ALTER TABLE events DISABLE TRIGGER USER");
    }
    env
}

/// Recomputes every hash, as an attacker who knows the scheme would.
fn rebuild_chain(env: &Env) {
    let rows = env.rows(
        "SELECT id, time, type, actor, key_id, details FROM events ORDER BY id",
        &[],
    );
    let mut prev = GENESIS;
    for r in rows {
        let (id, time, kind, actor, key, details) =
            (r.i(0), r.i(1), r.s(2), r.s(3), r.os(4), r.s(5));
        let h = chain_hash(&prev, id, time, &kind, &actor, key.as_deref(), &details);
        env.exec(
            "UPDATE events SET hash = ?1 WHERE id = ?2",
            &[&hex(&h), &id],
        );
        prev = h;
    }
}

fn head(env: &Env) -> String {
    env.ok("admin", &["events", "head"]).trim().to_owned()
}

/// `events verify` must fail with exit 1 and a one-line error naming `event N`.
fn assert_broken_at(env: &Env, args: &[&str], id: i64) -> String {
    let mut all = vec!["events", "verify"];
    all.extend_from_slice(args);
    let a = env.run("admin", &all);
    assert_eq!(code(&a), 1, "{all:?}: {}", stderr(&a));
    let err = stderr(&a);
    assert!(err.starts_with("error: "), "{err}");
    assert_eq!(err.lines().count(), 1, "{err:?}");
    assert!(
        err.contains(&format!("event {id}:")) || err.contains(&format!("event {id} ")),
        "expected event {id} named in {err:?}"
    );
    assert_eq!(stdout(&a), "");
    err
}

backends! {

    fn only_admins_read_events(b) {
        let env = Env::with_dev(b);
        env.ok("admin", &["users", "add", "nolic", "--role", "developer"]);
        env.ok("admin", &["users", "add", "plain"]);
        let reads: &[&[&str]] = &[
            &["events"],
            &["events", "--type", "user.added"],
            &["events", "show", "1"],
            &["events", "verify"],
            &["events", "head"],
            &["events", "top"],
        ];
        for user in ["dev", "nolic", "plain"] {
            for args in reads {
                let d = assert_denied_keeping_log(&env, user, args);
                assert_eq!(d["action"], "events.read", "{args:?}");
            }
        }
        for args in reads {
            let d = assert_denied_keeping_log(&env, "ghost", args);
            assert!(d["reason"].as_str().unwrap().contains("unknown operator"));
        }
        // The admin sees every one of those denials, and the chain holds.
        let denied = list(&env, &["--type", "access.denied"]);
        assert_eq!(denied.len(), 4 * reads.len());
        for args in reads {
            let a = env.run("admin", args);
            assert_eq!(code(&a), 0, "{args:?}: {}", stderr(&a));
        }
    }

    fn list_filters(b) {
        let (env, key) = eight_events(b);
        let all = list(&env, &[]);
        assert_eq!(ids(&all), (1..=8).rev().collect::<Vec<_>>(), "newest first");
        for e in &all {
            for field in ["id", "time", "type", "actor", "key_id", "details", "hash"] {
                assert!(e.get(field).is_some(), "{field} in {e}");
            }
            assert!(e["details"].is_object(), "{e}");
            assert!(e["time"].as_str().unwrap().ends_with('Z'));
            assert_eq!(e["hash"].as_str().unwrap().len(), 64);
        }

        let by_key = list(&env, &["--key", &key]);
        assert_eq!(ids(&by_key), [8]);
        assert_eq!(by_key[0]["type"], "api-key.generated");
        assert_eq!(by_key[0]["key_id"], key.as_str());
        assert!(list(&env, &["--key", "0000000000000000"]).is_empty());

        let by_dev = list(&env, &["--actor", "dev"]);
        assert_eq!(ids(&by_dev), [8]);
        assert_eq!(
            ids(&list(&env, &["--actor", "admin"])),
            [7, 6, 5, 4, 3, 2, 1]
        );
        assert!(list(&env, &["--actor", "nobody"]).is_empty());

        let added = list(&env, &["--type", "user.added"]);
        assert_eq!(ids(&added), [6, 5, 4, 3, 1]);
        assert!(added.iter().all(|e| e["type"] == "user.added"));
        assert_eq!(ids(&list(&env, &["--type", "settings.changed"])), [7, 2]);
        assert!(list(&env, &["--type", "api-key.revoked"]).is_empty());

        assert_eq!(ids(&list(&env, &["--limit", "3"])), [8, 7, 6]);
        assert_eq!(
            ids(&list(
                &env,
                &["--type", "user.added", "--actor", "admin", "--limit", "2"]
            )),
            [6, 5]
        );

        // Times: all eight happened just now.
        assert_eq!(list(&env, &["--since", "1h"]).len(), 8);
        assert!(list(&env, &["--until", "1h"]).is_empty());
        let tomorrow = keyctl::duration::rfc3339(keyctl::now() + 86_400);
        let yesterday = keyctl::duration::rfc3339(keyctl::now() - 86_400);
        assert!(list(&env, &["--since", &tomorrow]).is_empty());
        assert_eq!(list(&env, &["--since", &yesterday]).len(), 8);
        assert_eq!(list(&env, &["--until", &tomorrow]).len(), 8);
        assert!(list(&env, &["--until", &yesterday]).is_empty());
    }

    fn unknown_type_is_a_usage_error(b) {
        let env = Env::new(b);
        let before = snapshot_with_events(&env);
        for bad in ["bogus", "api-key", "USER.ADDED", ""] {
            let a = env.run("admin", &["events", "--type", bad]);
            assert_eq!(code(&a), 2, "{bad}: {}", stderr(&a));
            assert!(stderr(&a).starts_with("error: "));
            assert_eq!(stdout(&a), "");
        }
        let a = env.run("admin", &["events", "--type", "bogus"]);
        assert!(
            stderr(&a).contains("access.denied"),
            "lists the known types"
        );
        assert_eq!(snapshot_with_events(&env), before);
        // Every documented type is accepted.
        for t in [
            "user.added",
            "user.removed",
            "user.role-granted",
            "user.role-removed",
            "user.licence-changed",
            "settings.changed",
            "api-key.generated",
            "api-key.renamed",
            "api-key.revoked",
            "api-key.deleted",
            "api-key.used",
            "api-key.rejected",
            "access.denied",
        ] {
            env.ok("admin", &["events", "--type", t]);
        }
        // Bad limits are usage errors too.
        for bad in ["-1", "x"] {
            assert_eq!(code(&env.run("admin", &["events", "--limit", bad])), 2);
        }
    }

    fn anchor_beyond_the_log_fails(b) {
        let (env, _) = eight_events(b);
        let hash = head(&env).split_once(':').unwrap().1.to_owned();
        assert_broken_at(&env, &["--anchor", &format!("99:{hash}")], 99);
        // The right ID with a wrong hash fails as well.
        let wrong = format!("8:{}", "0".repeat(64));
        assert_broken_at(&env, &["--anchor", &wrong], 8);
    }

    fn malformed_anchor_is_a_usage_error(b) {
        let (env, _) = eight_events(b);
        let hash = head(&env).split_once(':').unwrap().1.to_owned();
        let before = snapshot_with_events(&env);
        for bad in [
            "abc".to_owned(),
            "8".to_owned(),
            "8:".to_owned(),
            format!(":{hash}"),
            format!("x:{hash}"),
            format!("0:{hash}"),
            format!("-1:{hash}"),
            format!("8:{}", &hash[..63]),
            format!("8:{hash}0"),
            format!("8:{}", "g".repeat(64)),
            format!("8;{hash}"),
        ] {
            let a = env.run("admin", &["events", "verify", "--anchor", &bad]);
            assert_eq!(code(&a), 2, "{bad}: {}", stderr(&a));
            assert!(stderr(&a).starts_with("error: "), "{}", stderr(&a));
            assert_eq!(stdout(&a), "");
        }
        assert_eq!(snapshot_with_events(&env), before);
    }

    fn output_formats(b) {
        let (env, _) = eight_events(b);
        let csv = env.ok("admin", &["events", "--format", "csv"]);
        let mut lines = csv.lines();
        assert_eq!(lines.next(), Some("id,time,type,actor,key_id,details,hash"));
        assert_eq!(lines.count(), 8);
        let q = env.ok("admin", &["events", "-q"]);
        assert_eq!(q, "8\n7\n6\n5\n4\n3\n2\n1\n");
        let q = env.ok("admin", &["-q", "events", "--type", "user.added"]);
        assert_eq!(q, "6\n5\n4\n3\n1\n");
        let table = env.ok("admin", &["events"]);
        for word in [
            "ID",
            "TYPE",
            "ACTOR",
            "api-key.generated",
            "settings.changed",
        ] {
            assert!(table.contains(word), "{word} in {table}");
        }
        // Global flags before and after the subcommand.
        assert_eq!(
            env.ok("admin", &["--format", "json", "events"]),
            env.ok("admin", &["events", "--format", "json"])
        );
    }


    fn show_one_event(b) {
        let (env, key) = eight_events(b);
        let out = env.ok("admin", &["events", "show", "8", "--format", "json"]);
        let v: Value = serde_json::from_str(&out).unwrap();
        assert_eq!(v["id"], 8);
        assert_eq!(v["type"], "api-key.generated");
        assert_eq!(v["actor"], "dev");
        assert_eq!(v["key_id"], key.as_str());
        assert!(v["details"].is_object());
        let stored: String = env.text("SELECT hash FROM events WHERE id = 8", &[]);
        assert_eq!(v["hash"], stored.as_str());

        let v: Value =
            serde_json::from_str(&env.ok("admin", &["events", "show", "2", "--format", "json"]))
                .unwrap();
        assert_eq!(v["type"], "settings.changed");
        assert_eq!(
            v["details"],
            json!({"setting": "enabled", "old": false, "new": true})
        );

        let table = env.ok("admin", &["events", "show", "1"]);
        assert!(table.contains("user.added"), "{table}");
        let csv = env.ok("admin", &["events", "show", "1", "--format", "csv"]);
        assert!(
            csv.starts_with("id,time,type,actor,key_id,details,hash\n1,"),
            "{csv}"
        );

        let before = snapshot_with_events(&env);
        for missing in ["9", "999", "0", "-5"] {
            let a = env.run("admin", &["events", "show", "--", missing]);
            assert_eq!(code(&a), 3, "{missing}: {}", stderr(&a));
            assert!(stderr(&a).starts_with("error: "));
            assert_eq!(stdout(&a), "");
        }
        assert_eq!(snapshot_with_events(&env), before);
        assert_eq!(code(&env.run("admin", &["events", "show", "abc"])), 2);
    }

    fn verify_passes_on_an_intact_log(b) {
        let (env, _) = eight_events(b);
        let a = env.run("admin", &["events", "verify"]);
        assert_eq!(code(&a), 0, "{}", stderr(&a));
        let out = stdout(&a);
        assert!(out.starts_with("ok: 8 events"), "{out}");
        let anchor = head(&env);
        assert!(out.contains(&anchor), "{out}");
        let v: Value =
            serde_json::from_str(&env.ok("admin", &["events", "verify", "--format", "json"])).unwrap();
        assert_eq!(v["ok"], true);
        assert_eq!(v["events"], 8);
        assert_eq!(v["head"], anchor.as_str());
        assert_eq!(v["anchored"], false);

        // The head as an anchor; and an earlier event's ID:HASH as an anchor.
        let a = env.run("admin", &["events", "verify", "--anchor", &anchor]);
        assert_eq!(code(&a), 0, "{}", stderr(&a));
        assert!(stdout(&a).contains("anchor"), "{}", stdout(&a));
        let third: String = env.text("SELECT hash FROM events WHERE id = 3", &[]);
        env.ok(
            "admin",
            &["events", "verify", "--anchor", &format!("3:{third}")],
        );
        // Upper-case hex is the same hash.
        env.ok(
            "admin",
            &[
                "events",
                "verify",
                "--anchor",
                &format!("3:{}", third.to_uppercase()),
            ],
        );

        // Later events keep the old anchor valid.
        env.ok("admin", &["users", "add", "d"]);
        env.ok("admin", &["events", "verify", "--anchor", &anchor]);
        // Verifying the log is itself not a change.
        let last = last_event(&env);
        env.ok("admin", &["events", "verify"]);
        assert_eq!(last_event(&env), last);
    }


    fn schema_triggers_refuse_rewriting_history(b) {
        let env = Env::with_dev(b);
        let (id, _) = env.generate("dev", "k");
        env.ok("admin", &["revoke", "--yes", &id]);
        let before = snapshot_with_events(&env);
        let refused = |sql: &str, id: Option<&str>| -> String {
            let params: Vec<&dyn Arg> = id.iter().map(|i| i as &dyn Arg).collect();
            env.try_exec(sql, &params)
                .expect_err(&format!("{sql} was not refused"))
        };
        let err = refused("UPDATE events SET details = '{}' WHERE id = 1", None);
        assert!(err.contains("append-only"), "{err}");
        let err = refused("UPDATE events SET hash = hash WHERE id = 2", None);
        assert!(err.contains("append-only"), "{err}");
        let err = refused("DELETE FROM events WHERE id = 1", None);
        assert!(err.contains("append-only"), "{err}");
        let err = refused("DELETE FROM events", None);
        assert!(err.contains("append-only"), "{err}");
        // A revoked key cannot be made active again, nor its revocation moved.
        let err = refused("UPDATE keys SET revoked = NULL WHERE id = ?1", Some(&id));
        assert!(err.contains("revoked"), "{err}");
        refused(
            "UPDATE keys SET revoked = revoked + 100000 WHERE id = ?1",
            Some(&id),
        );
        assert_eq!(snapshot_with_events(&env), before);
        env.ok("admin", &["events", "verify"]);
        let v: Value =
            serde_json::from_str(&env.ok("admin", &["keys", "show", &id, "--format", "json"])).unwrap();
        assert_eq!(v["status"], "revoked");
    }


    fn edited_details_are_found(b) {
        let (env, _) = eight_events(b);
        attacker(&env)
            .exec("UPDATE events SET details = '{\"user\":\"mallory\"}' WHERE id = 4", &[]);
        assert_broken_at(&env, &[], 4);
    }

    fn edited_actor_is_found(b) {
        let (env, _) = eight_events(b);
        attacker(&env)
            .exec("UPDATE events SET actor = 'someone-else' WHERE id = 5", &[]);
        assert_broken_at(&env, &[], 5);
    }

    fn edited_time_and_type_are_found(b) {
        let (env, _) = eight_events(b);
        attacker(&env)
            .exec("UPDATE events SET time = time - 3600 WHERE id = 6", &[]);
        assert_broken_at(&env, &[], 6);

        let (env, _) = eight_events(b);
        attacker(&env)
            .exec("UPDATE events SET key_id = NULL WHERE id = 8", &[]);
        assert_broken_at(&env, &[], 8);

        let (env, _) = eight_events(b);
        attacker(&env)
            .exec("UPDATE events SET type = 'user.removed' WHERE id = 3", &[]);
        assert_broken_at(&env, &[], 3);
    }

    fn deleted_event_is_found(b) {
        let (env, _) = eight_events(b);
        attacker(&env)
            .exec("DELETE FROM events WHERE id = 4", &[]);
        assert_broken_at(&env, &[], 4);

        // Deleting the first event is found too.
        let (env, _) = eight_events(b);
        attacker(&env)
            .exec("DELETE FROM events WHERE id = 1", &[]);
        assert_broken_at(&env, &[], 1);
    }

    fn swapped_events_are_found(b) {
        let (env, _) = eight_events(b);
        let c = attacker(&env);
        c.exec_batch(
            "CREATE TEMP TABLE t AS SELECT * FROM events WHERE id IN (4, 6);
             UPDATE events SET (time, type, actor, key_id, details, hash) =
                 (SELECT time, type, actor, key_id, details, hash FROM t WHERE t.id = 6)
             WHERE id = 4;
             UPDATE events SET (time, type, actor, key_id, details, hash) =
                 (SELECT time, type, actor, key_id, details, hash FROM t WHERE t.id = 4)
             WHERE id = 6;",
        );
        let swapped: String = env.text("SELECT details FROM events WHERE id = 4", &[]);
        assert!(swapped.contains("\"c\""), "the swap happened: {swapped}");
        assert_broken_at(&env, &[], 4);
    }

    fn anchor_catches_truncation(b) {
        let (env, _) = eight_events(b);
        let anchor = head(&env);
        // The attacker removes the newest events (and the key they record, which would
        // otherwise disagree with the log): the rest is still a valid chain...
        attacker(&env).exec_batch("DELETE FROM events WHERE id > 5; DELETE FROM keys;");
        env.ok("admin", &["events", "verify"]);
        // ...but it no longer passes through the anchor kept elsewhere.
        let err = assert_broken_at(&env, &["--anchor", &anchor], 8);
        assert!(err.contains("anchor"), "{err}");
    }

    fn anchor_catches_a_rebuilt_chain(b) {
        let (env, _) = eight_events(b);
        let anchor = head(&env);
        let third: String = env.text("SELECT hash FROM events WHERE id = 3", &[]);
        let second: String = env.text("SELECT hash FROM events WHERE id = 2", &[]);
        {
            let c = attacker(&env);
            c.exec("UPDATE events SET actor = 'mallory' WHERE id = 3", &[]);
            rebuild_chain(c);
        }
        // Without an anchor the rewrite cannot be told from the truth.
        env.ok("admin", &["events", "verify"]);
        assert_ne!(head(&env), anchor);
        // With one, it can: the head anchor, or any anchor at or after the edit.
        let err = assert_broken_at(&env, &["--anchor", &anchor], 8);
        assert!(err.contains("anchor"), "{err}");
        assert_broken_at(&env, &["--anchor", &format!("3:{third}")], 3);
        // An anchor before the edit still holds.
        env.ok(
            "admin",
            &["events", "verify", "--anchor", &format!("2:{second}")],
        );
    }


    fn since_and_until_select_a_window(b) {
        let env = Env::new(b);
        let now = keyctl::now();
        {
            // Older events, appended with a valid chain, as if made days ago.
            let ev = |time: i64, actor: &str| -> NewEvent {
                (time, "user.added".into(), actor.into(), None, json!({}))
            };
            append_events(&env, &[ev(now - 10 * 86_400, "ten"), ev(now - 2 * 86_400, "two")]);
        }
        env.ok("admin", &["events", "verify"]);
        let actors = |args: &[&str]| -> Vec<String> {
            list(&env, args)
                .iter()
                .map(|e| e["actor"].as_str().unwrap().to_owned())
                .collect()
        };
        assert_eq!(actors(&[]), ["two", "ten", "admin"]);
        assert_eq!(actors(&["--since", "1d"]), ["admin"]);
        assert_eq!(actors(&["--since", "3d"]), ["two", "admin"]);
        assert_eq!(actors(&["--since", "P3D"]), ["two", "admin"]);
        assert_eq!(actors(&["--since", "11d"]), ["two", "ten", "admin"]);
        assert_eq!(actors(&["--until", "1d"]), ["two", "ten"]);
        assert_eq!(actors(&["--until", "36h"]), ["two", "ten"]);
        assert_eq!(actors(&["--since", "11d", "--until", "5d"]), ["ten"]);
        let five_days_ago = keyctl::duration::rfc3339(now - 5 * 86_400);
        let one_day_ago = keyctl::duration::rfc3339(now - 86_400);
        assert_eq!(actors(&["--since", &five_days_ago]), ["two", "admin"]);
        assert_eq!(
            actors(&["--since", &five_days_ago, "--until", &one_day_ago]),
            ["two"]
        );
        assert_eq!(actors(&["--until", &five_days_ago]), ["ten"]);

        let before = snapshot_with_events(&env);
        for bad in ["yesterday", "0d", "5", "2026-13-45T00:00:00Z"] {
            for flag in ["--since", "--until"] {
                let a = env.run("admin", &["events", flag, bad]);
                assert_eq!(code(&a), 2, "{flag} {bad}: {}", stderr(&a));
                assert!(stderr(&a).starts_with("error: "));
            }
        }
        assert_eq!(snapshot_with_events(&env), before);
    }

    fn head_prints_the_newest_id_and_hash(b) {
        let (env, _) = eight_events(b);
        let r = env
            .row("SELECT id, hash FROM events ORDER BY id DESC LIMIT 1", &[])
            .expect("an event");
        let (id, hash) = (r.i(0), r.s(1));
        let out = env.ok("admin", &["events", "head"]);
        assert_eq!(out, format!("{id}:{hash}\n"));
        assert_eq!(id, 8);
        assert_eq!(hash.len(), 64);
        assert!(
            hash.chars()
                .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase())
        );
        let v: Value =
            serde_json::from_str(&env.ok("admin", &["events", "head", "--format", "json"])).unwrap();
        assert_eq!(v["id"], 8);
        assert_eq!(v["hash"], hash.as_str());
        assert_eq!(v["anchor"], format!("{id}:{hash}"));
        assert_eq!(env.ok("admin", &["events", "head", "-q"]), out);
    }

    fn closed_pipe_ends_quietly(b) {
        let env = Env::new(b);
        {
            let now = keyctl::now();
            let events: Vec<NewEvent> = (0..4000)
                .map(|i| {
                    (
                        now,
                        "user.added".into(),
                        "admin".into(),
                        None,
                        json!({"user": format!("user-{i}"), "roles": [], "licence": false}),
                    )
                })
                .collect();
            append_events(&env, &events);
        }
        for extra in ["--format=json", "--format=csv", "--format=table", "-q"] {
            let (status, err) = head_pipe(&env, "events", extra);
            assert_eq!(status, Some(0), "{extra}: keyctl said {err:?}");
            assert_eq!(err, "", "{extra}: nothing on stderr");
        }
    }
}
