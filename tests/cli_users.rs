//! Black-box tests of `keyctl users ...`: the permission matrix of SPEC §3, name
//! checks, the last-admin rule, removal revoking keys, events and output.

// Every test here runs on both backends (see `backends!` in tests/common).

#[macro_use]
mod common;
use common::*;

use serde_json::Value;

/// [`assert_denied`], for a denial that names no key; returns the event's details.
fn assert_denied_keyless(env: &Env, user: &str, args: &[&str]) -> Value {
    let ev = assert_denied(env, user, args);
    assert_eq!(ev.key_id, None);
    ev.details
}

fn user_row(env: &Env, name: &str) -> Option<(bool, bool, bool)> {
    env.row(
        "SELECT tenant_admin, developer, licence FROM users WHERE name = ?1",
        &[&name],
    )
    .map(|r| (r.i(0) != 0, r.i(1) != 0, r.i(2) != 0))
}

const MANAGE: &[&[&str]] = &[
    &["users", "add", "newbie"],
    &[
        "users",
        "add",
        "newbie2",
        "--role",
        "tenant-admin",
        "--licence",
    ],
    &["users", "remove", "target", "--yes"],
    &["users", "remove", "admin", "--yes"],
    &["users", "remove", "target"],
    &["users", "grant", "target", "developer"],
    &["users", "grant", "plain", "tenant-admin"],
    &["users", "ungrant", "dev", "developer"],
    &["users", "licence", "target", "on"],
    &["users", "licence", "dev", "off"],
];

backends! {

    fn non_admins_cannot_manage_or_list_users(b) {
        let env = populated(b);
        for user in ["dev", "nolic", "plain"] {
            let d = assert_denied_keyless(&env, user, &["users", "list"]);
            assert_eq!(d["action"], "users.list");
            assert!(
                d["reason"].as_str().unwrap().contains("tenant-admin"),
                "{d}"
            );
            for args in MANAGE {
                let d = assert_denied_keyless(&env, user, args);
                assert_eq!(d["action"], "users.manage", "{args:?}");
            }
        }
        // Every denial named the actor and nothing else was ever recorded for them.
        assert_eq!(
            env.count_events("access.denied"),
            3 * (1 + MANAGE.len() as i64)
        );
    }

    fn unregistered_operator_is_refused_and_recorded(b) {
        let env = populated(b);
        let mut all: Vec<&[&str]> = vec![&["users", "list"]];
        all.extend_from_slice(MANAGE);
        for args in all {
            let d = assert_denied_keyless(&env, "ghost", args);
            assert!(
                d["reason"].as_str().unwrap().contains("unknown operator"),
                "{d}"
            );
        }
        let a = env.run("ghost", &["users", "list"]);
        assert!(stderr(&a).contains("ghost"), "{}", stderr(&a));
        assert_eq!(stderr(&a).lines().count(), 1);
    }

    fn unregistered_operator_with_hostile_name_is_logged_escaped(b) {
        let env = populated(b);
        let before = snapshot(&env);
        let last = last_event(&env);
        let a = env.run("evil\u{1b}[31m name", &["users", "list"]);
        assert_eq!(code(&a), 4);
        assert!(
            !stderr(&a).contains('\u{1b}'),
            "escape reached the terminal"
        );
        assert_eq!(snapshot(&env), before);
        let new = events_after(&env, last);
        assert_eq!(new.len(), 1);
        assert_eq!(new[0].kind, "access.denied");
        assert!(!new[0].actor.contains('\u{1b}'), "{:?}", new[0].actor);
    }

    fn admin_may_do_every_users_action(b) {
        let env = populated(b);
        let last = last_event(&env);

        let list = env.ok("admin", &["users", "list", "--format", "json"]);
        let v: Value = serde_json::from_str(&list).unwrap();
        let names: Vec<&str> = v
            .as_array()
            .unwrap()
            .iter()
            .map(|u| u["name"].as_str().unwrap())
            .collect();
        assert_eq!(names, ["admin", "dev", "nolic", "plain", "target"]);
        let admin = &v[0];
        assert_eq!(admin["roles"], serde_json::json!(["tenant-admin"]));
        assert_eq!(admin["licence"], true);
        let dev = &v[1];
        assert_eq!(dev["roles"], serde_json::json!(["developer"]));
        assert_eq!(v[2]["licence"], false);
        assert!(v[3]["created"].as_str().unwrap().ends_with('Z'));
        // Reading records nothing.
        assert!(events_after(&env, last).is_empty());

        env.ok(
            "admin",
            &[
                "users",
                "add",
                "ci-bot@example.com",
                "--role",
                "developer",
                "--role",
                "tenant-admin",
            ],
        );
        assert_eq!(
            user_row(&env, "ci-bot@example.com"),
            Some((true, true, false))
        );
        env.ok("admin", &["users", "grant", "target", "developer"]);
        assert_eq!(user_row(&env, "target"), Some((false, true, false)));
        env.ok("admin", &["users", "licence", "target", "on"]);
        assert_eq!(user_row(&env, "target"), Some((false, true, true)));
        env.ok("admin", &["users", "ungrant", "target", "developer"]);
        assert_eq!(user_row(&env, "target"), Some((false, false, true)));
        env.ok("admin", &["users", "licence", "target", "off"]);
        assert_eq!(user_row(&env, "target"), Some((false, false, false)));
        env.ok("admin", &["users", "remove", "target", "--yes"]);
        assert_eq!(user_row(&env, "target"), None);

        let new = events_after(&env, last);
        let kinds: Vec<&str> = new.iter().map(|e| e.kind.as_str()).collect();
        assert_eq!(
            kinds,
            [
                "user.added",
                "user.role-granted",
                "user.licence-changed",
                "user.role-removed",
                "user.licence-changed",
                "user.removed",
            ]
        );
        assert!(new.iter().all(|e| e.actor == "admin" && e.key_id.is_none()));
        assert_eq!(new[0].details["user"], "ci-bot@example.com");
        assert_eq!(new[0].details["licence"], false);
        let mut roles: Vec<&str> = new[0].details["roles"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r.as_str().unwrap())
            .collect();
        roles.sort();
        assert_eq!(roles, ["developer", "tenant-admin"]);
        assert_eq!(new[1].details["user"], "target");
        assert_eq!(new[1].details["role"], "developer");
        assert_eq!(new[2].details["user"], "target");
        assert_eq!(new[2].details["old"], false);
        assert_eq!(new[2].details["new"], true);
        assert_eq!(new[3].details["role"], "developer");
        assert_eq!(new[4].details["old"], true);
        assert_eq!(new[4].details["new"], false);
        assert_eq!(new[5].details["user"], "target");
        // IDs keep increasing one by one.
        for w in new.windows(2) {
            assert_eq!(w[1].id, w[0].id + 1);
        }
    }

    fn no_op_changes_record_nothing(b) {
        let env = populated(b);
        let last = last_event(&env);
        let before = snapshot(&env);
        env.ok("admin", &["users", "grant", "dev", "developer"]);
        env.ok("admin", &["users", "licence", "dev", "on"]);
        env.ok("admin", &["users", "ungrant", "plain", "developer"]);
        assert_eq!(snapshot(&env), before);
        assert!(events_after(&env, last).is_empty());
    }

    fn add_with_roles_and_licence_then_duplicate_is_refused(b) {
        let env = Env::new(b);
        env.ok(
            "admin",
            &["users", "add", "alice", "--role", "developer", "--licence"],
        );
        assert_eq!(user_row(&env, "alice"), Some((false, true, true)));
        let before = snapshot(&env);
        let last = last_event(&env);
        let a = env.run("admin", &["users", "add", "alice"]);
        assert_eq!(code(&a), 5, "{}", stderr(&a));
        assert!(stderr(&a).starts_with("error: "));
        assert!(stderr(&a).contains("already exists"), "{}", stderr(&a));
        assert_eq!(stdout(&a), "");
        assert_eq!(snapshot(&env), before);
        assert!(events_after(&env, last).is_empty());
        // The admin made by init is also taken.
        assert_eq!(code(&env.run("admin", &["users", "add", "admin"])), 5);
    }

    fn unknown_user_is_not_found(b) {
        let env = populated(b);
        let before = snapshot(&env);
        let last = last_event(&env);
        for args in [
            &["users", "grant", "nobody", "developer"][..],
            &["users", "ungrant", "nobody", "developer"],
            &["users", "ungrant", "nobody", "tenant-admin"],
            &["users", "licence", "nobody", "on"],
            &["users", "remove", "nobody", "--yes"],
            &["users", "remove", "nobody"],
        ] {
            let a = env.run("admin", args);
            assert_eq!(code(&a), 3, "{args:?}: {}", stderr(&a));
            assert!(stderr(&a).starts_with("error: "));
            assert!(stderr(&a).contains("nobody"), "{}", stderr(&a));
            assert_eq!(stdout(&a), "");
        }
        assert_eq!(snapshot(&env), before);
        assert!(events_after(&env, last).is_empty());
    }

    fn invalid_names_are_usage_errors(b) {
        let env = Env::new(b);
        let long = "a".repeat(65);
        let bad = [
            "",
            "has space",
            "tab\there",
            "bell\u{7}",
            "new\nline",
            "esc\u{1b}[2J",
            long.as_str(),
            "slash/name",
            "quote'name",
            "semi;colon",
            "ünïcode",
        ];
        let before = snapshot(&env);
        let last = last_event(&env);
        for name in bad {
            for args in [
                vec!["users", "add", name],
                vec!["users", "grant", name, "developer"],
                vec!["users", "licence", name, "on"],
                vec!["users", "remove", name, "--yes"],
            ] {
                let a = env.run("admin", &args);
                assert_eq!(code(&a), 2, "{args:?}: {}", stderr(&a));
                let err = stderr(&a);
                assert!(err.starts_with("error: "), "{err}");
                assert_eq!(err.lines().count(), 1, "one line: {err:?}");
                assert!(!err.contains('\u{1b}') && !err.contains('\u{7}'), "{err:?}");
            }
        }
        assert_eq!(snapshot(&env), before);
        assert!(events_after(&env, last).is_empty());

        // The limits themselves are fine: 64 characters and every allowed symbol.
        let max = "b".repeat(64);
        env.ok("admin", &["users", "add", &max]);
        env.ok("admin", &["users", "add", "A.z_0@9-x"]);
        assert!(user_row(&env, &max).is_some());
        assert!(user_row(&env, "A.z_0@9-x").is_some());
    }

    fn users_output_formats(b) {
        let env = populated(b);
        // Table: a header and every user.
        let table = env.ok("admin", &["users", "list"]);
        for word in ["NAME", "ROLES", "LICENCE", "admin", "nolic", "tenant-admin"] {
            assert!(table.contains(word), "{word} in {table}");
        }
        // CSV: a header row, then one row per user.
        let csv = env.ok("admin", &["users", "list", "--format", "csv"]);
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(lines[0], "name,roles,licence,created");
        assert_eq!(lines.len(), 6);
        assert!(
            lines[1].starts_with("admin,tenant-admin,true,"),
            "{}",
            lines[1]
        );
        assert!(lines[2].starts_with("dev,developer,true,"), "{}", lines[2]);
        // -q: names only.
        let q = env.ok("admin", &["users", "list", "-q"]);
        assert_eq!(q, "admin\ndev\nnolic\nplain\ntarget\n");
        let q = env.ok("admin", &["-q", "users", "list", "--format", "json"]);
        assert_eq!(q, "admin\ndev\nnolic\nplain\ntarget\n");
        // Global flags before and after the subcommand give the same document.
        let before = env.ok("admin", &["--format", "json", "users", "list"]);
        let after = env.ok("admin", &["users", "list", "--format", "json"]);
        assert_eq!(before, after);
        let v: Value = serde_json::from_str(&before).unwrap();
        assert_eq!(v.as_array().unwrap().len(), 5);

        // Changes print nothing on stdout: data only, messages on stderr.
        for args in [
            &["users", "grant", "plain", "developer"][..],
            &["users", "ungrant", "plain", "developer"],
            &["users", "licence", "plain", "on"],
            &["users", "remove", "plain", "--yes"],
        ] {
            let a = env.run("admin", args);
            assert_eq!(code(&a), 0, "{args:?}");
            assert_eq!(stdout(&a), "", "{args:?}");
            assert!(!stderr(&a).is_empty(), "{args:?}: a note on stderr");
        }
        // `users add` prints the new user as data.
        let added = env.ok(
            "admin",
            &["users", "add", "zed", "--format", "json", "--licence"],
        );
        let v: Value = serde_json::from_str(&added).unwrap();
        assert_eq!(v["name"], "zed");
        assert_eq!(v["licence"], true);
        assert_eq!(v["roles"], serde_json::json!([]));
        let q = env.ok("admin", &["users", "add", "zed2", "-q"]);
        assert_eq!(q, "zed2\n");
    }


    fn remove_off_a_terminal_needs_yes(b) {
        let env = populated(b);
        let (id, _) = env.generate("dev", "k1");
        let before = snapshot(&env);
        let last = last_event(&env);
        let a = env.run("admin", &["users", "remove", "dev"]);
        assert_eq!(code(&a), 2, "{}", stderr(&a));
        assert!(stderr(&a).contains("--yes"), "{}", stderr(&a));
        assert_eq!(stdout(&a), "");
        assert_eq!(snapshot(&env), before);
        assert!(events_after(&env, last).is_empty());
        assert!(user_row(&env, "dev").is_some());
        let revoked: Option<i64> = env.row("SELECT revoked FROM keys WHERE id = ?1", &[&id]).expect("a row").oi(0);
        assert_eq!(revoked, None);
    }

    fn removing_a_user_revokes_their_active_keys(b) {
        let env = populated(b);
        env.add_developer("other");
        let (k1, s1) = env.generate("dev", "one");
        let (k2, _) = env.generate("dev", "two");
        let (k3, _) = env.generate("dev", "three");
        let (already, _) = env.generate("dev", "already revoked");
        let (others, _) = env.generate("other", "not theirs");
        env.ok("admin", &["revoke", "--yes", &already]);
        let revoked_at: i64 = env.int("SELECT revoked FROM keys WHERE id = ?1", &[&already]);
        let last = last_event(&env);

        let a = env.run("admin", &["users", "remove", "dev", "--yes", "-q"]);
        assert_eq!(code(&a), 0, "{}", stderr(&a));
        // -q prints the IDs revoked now, one per line.
        let mut printed: Vec<String> = stdout(&a).lines().map(str::to_owned).collect();
        printed.sort();
        let mut expected = vec![k1.clone(), k2.clone(), k3.clone()];
        expected.sort();
        assert_eq!(printed, expected);
        assert!(stderr(&a).contains("revoked 3"), "{}", stderr(&a));

        assert_eq!(user_row(&env, "dev"), None);
        for id in [&k1, &k2, &k3] {
            let revoked: Option<i64> = env.row("SELECT revoked FROM keys WHERE id = ?1", &[&id]).expect("a row").oi(0);
            assert!(revoked.is_some(), "{id} still active");
        }
        let again: i64 = env.int("SELECT revoked FROM keys WHERE id = ?1", &[&already]);
        assert_eq!(again, revoked_at, "an already revoked key is left alone");
        let other_revoked: Option<i64> = env.row("SELECT revoked FROM keys WHERE id = ?1", &[&others]).expect("a row").oi(0);
        assert_eq!(other_revoked, None, "another user's key is untouched");

        let new = events_after(&env, last);
        let kinds: Vec<&str> = new.iter().map(|e| e.kind.as_str()).collect();
        assert_eq!(
            kinds,
            [
                "api-key.revoked",
                "api-key.revoked",
                "api-key.revoked",
                "user.removed"
            ]
        );
        let mut event_keys: Vec<String> = new[..3]
            .iter()
            .map(|e| e.key_id.clone().expect("key id"))
            .collect();
        event_keys.sort();
        assert_eq!(event_keys, expected);
        assert!(new.iter().all(|e| e.actor == "admin"));
        assert_eq!(new[3].details["user"], "dev");
        assert_eq!(new[3].details["revoked_keys"], 3);

        // The removed user's keys no longer verify, and say why.
        let v = env
            .cmd("x")
            .args(["keys", "verify"])
            .write_stdin(s1)
            .assert();
        assert_eq!(code(&v), 5);

        // The chain is intact after the multi-event transaction.
        env.ok("admin", &["events", "verify"]);
    }


    fn last_admin_cannot_be_removed_or_ungranted(b) {
        let env = Env::new(b);
        env.ok("admin", &["users", "grant", "admin", "developer"]);
        let before = snapshot(&env);
        let last = last_event(&env);
        for args in [
            &["users", "remove", "admin", "--yes"][..],
            &["users", "remove", "admin"],
            &["users", "ungrant", "admin", "tenant-admin"],
        ] {
            let a = env.run("admin", args);
            assert_eq!(code(&a), 5, "{args:?}: {}", stderr(&a));
            assert!(stderr(&a).contains("last tenant admin"), "{}", stderr(&a));
            assert_eq!(stdout(&a), "");
        }
        assert_eq!(snapshot(&env), before);
        assert!(events_after(&env, last).is_empty());

        // Ungranting another role from the last admin is fine.
        env.ok("admin", &["users", "ungrant", "admin", "developer"]);
        assert_eq!(user_row(&env, "admin"), Some((true, false, true)));

        // With a second admin, the first can lose the role, then the second is the last.
        env.ok("admin", &["users", "add", "boss", "--role", "tenant-admin"]);
        env.ok("admin", &["users", "ungrant", "admin", "tenant-admin"]);
        assert_eq!(user_row(&env, "admin"), Some((false, false, true)));
        let a = env.run("boss", &["users", "ungrant", "boss", "tenant-admin"]);
        assert_eq!(code(&a), 5);
        let a = env.run("boss", &["users", "remove", "boss", "--yes"]);
        assert_eq!(code(&a), 5);
        assert_eq!(user_row(&env, "boss"), Some((true, false, false)));

        // And once there are two again, one can be removed.
        env.ok("boss", &["users", "grant", "admin", "tenant-admin"]);
        env.ok("admin", &["users", "remove", "boss", "--yes"]);
        assert_eq!(user_row(&env, "boss"), None);
        let removed = env.text(
            "SELECT details FROM events WHERE type = 'user.removed'",
            &[],
        );
        let removed: Value = serde_json::from_str(&removed).unwrap();
        assert_eq!(removed["user"], "boss");
    }
}
