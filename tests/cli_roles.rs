//! Black-box tests of SPEC §3, the permission matrix, row by row for every role: the
//! auditor (reads everything, changes nothing), and that the tenant-admin, developer
//! and "anyone registered" columns still hold; roles combine as a union.

// Tests in `backends!` run on SQLite and PostgreSQL; the rest are SQLite only:
// a_version_1_file_is_upgraded_in_place builds a version-1 file.

#[macro_use]
mod common;
use common::*;
use serde_json::Value;

/// A tenant with keys enabled and one user of each kind:
/// `admin` (tenant-admin + licence), `dev` (developer + licence), `aud` (auditor, with a
/// licence, which gives it nothing), `plain` (no role), `auddev` (auditor + developer +
/// licence). `dev` and `auddev` own one key each. Returns (env, dev's key, auddev's key).
fn tenant(b: Backend) -> (Env, String, String) {
    let env = Env::with_dev(b);
    env.ok(
        "admin",
        &["users", "add", "aud", "--role", "auditor", "--licence"],
    );
    env.ok("admin", &["users", "add", "plain"]);
    env.ok(
        "admin",
        &[
            "users",
            "add",
            "auddev",
            "--role",
            "auditor",
            "--role",
            "developer",
            "--licence",
        ],
    );
    let (dev_key, _) = env.generate("dev", "dev's key");
    let (auddev_key, _) = env.generate("auddev", "auddev's key");
    (env, dev_key, auddev_key)
}

/// IDs listed by `user` running `args -q`.
fn ids(env: &Env, user: &str, args: &[&str]) -> Vec<String> {
    let mut all = args.to_vec();
    all.push("-q");
    let mut v: Vec<String> = env.ok(user, &all).lines().map(str::to_owned).collect();
    v.sort();
    v
}

fn sorted(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v
}

/// A tenant file written by a binary of schema version 1 (before the auditor role and
/// rotation) gains both on first open, and its data stays as it was.
// SQLite only: reads or writes the file directly.
#[test]
fn a_version_1_file_is_upgraded_in_place() {
    let env = Env::empty(Backend::Sqlite);
    {
        let c = rusqlite::Connection::open(&env.db).unwrap();
        c.pragma_update(None, "journal_mode", "WAL").unwrap();
        c.pragma_update(None, "application_id", APPLICATION_ID as i32)
            .unwrap();
        c.execute_batch(MIGRATIONS[0]).unwrap();
        c.pragma_update(None, "user_version", 1).unwrap();
        c.execute(
            "INSERT INTO users (name, tenant_admin, developer, licence, created) \
             VALUES ('admin', 1, 1, 1, ?1)",
            [now()],
        )
        .unwrap();
        c.execute("UPDATE settings SET enabled = 1", []).unwrap();
        Appender::new(&c)
            .unwrap()
            .append(
                now(),
                "user.added",
                "admin",
                None,
                &serde_json::json!({"user": "admin", "roles": ["tenant-admin"], "licence": true, "init": true}),
            )
            .unwrap();
    }
    seed_keys(&env, "admin", 2);
    let latest = MIGRATIONS.len() as u32;
    assert!(latest >= 2);

    // First open: migrated; the old keys show with no successor.
    let v: Value =
        serde_json::from_str(&env.ok("admin", &["keys", "list", "--format", "json"])).unwrap();
    assert_eq!(v.as_array().unwrap().len(), 2);
    assert!(
        v.as_array()
            .unwrap()
            .iter()
            .all(|k| k["replaced_by"].is_null())
    );
    let version: u32 = env
        .sql()
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .unwrap();
    assert_eq!(version, latest);

    // The new role and rotation work on it.
    env.ok("admin", &["users", "add", "aud", "--role", "auditor"]);
    assert_eq!(ids(&env, "aud", &["keys", "list"]).len(), 2);
    let old = "0000000000000001";
    let out = env.ok("admin", &["keys", "rotate", old, "-q"]);
    assert!(out.starts_with("kc_"), "{out}");
    let v: Value =
        serde_json::from_str(&env.ok("aud", &["keys", "show", old, "--format", "json"])).unwrap();
    assert!(v["replaced_by"].is_string(), "{v}");
    env.ok("aud", &["events", "verify"]);
}

backends! {

    fn auditor_is_granted_listed_and_taken_like_any_role(b) {
        let env = Env::new(b);
        env.ok("admin", &["users", "add", "carol"]);
        let a = env.run("admin", &["users", "grant", "carol", "auditor"]);
        assert_eq!(code(&a), 0, "{}", stderr(&a));
        assert!(
            stderr(&a).contains("granted auditor to carol"),
            "{}",
            stderr(&a)
        );
        let granted = events_of(&env, "user.role-granted");
        assert_eq!(granted.last().unwrap().2["role"], "auditor");
        // Granting again changes nothing and records nothing.
        let last = last_event(&env);
        env.ok("admin", &["users", "grant", "carol", "auditor"]);
        assert_eq!(last_event(&env), last);

        let v: Value =
            serde_json::from_str(&env.ok("admin", &["users", "list", "--format", "json"])).unwrap();
        let carol = v
            .as_array()
            .unwrap()
            .iter()
            .find(|u| u["name"] == "carol")
            .unwrap();
        assert_eq!(carol["roles"], serde_json::json!(["auditor"]));
        let csv = env.ok("admin", &["users", "list", "--format", "csv"]);
        assert!(csv.contains("carol,auditor,false,"), "{csv}");

        // The auditor reads; after the role is taken, the same read is denied.
        env.ok("carol", &["events"]);
        env.ok("admin", &["users", "ungrant", "carol", "auditor"]);
        assert_eq!(
            events_of(&env, "user.role-removed").last().unwrap().2["role"],
            "auditor"
        );
        assert_denied(&env, "carol", &["events"]);

        // `users add --role auditor` records the role in its event.
        env.ok("admin", &["users", "add", "dave", "--role", "auditor"]);
        let added = events_of(&env, "user.added");
        assert_eq!(
            added.last().unwrap().2["roles"],
            serde_json::json!(["auditor"])
        );
        // An unknown role is a usage error and changes nothing.
        let before = snapshot_with_events(&env);
        let a = env.run("admin", &["users", "grant", "dave", "superuser"]);
        assert_eq!(code(&a), 2, "{}", stderr(&a));
        assert_eq!(snapshot_with_events(&env), before);
    }

    fn settings_rows(b) {
        let (env, _, _) = tenant(b);
        // `settings show`: everyone registered.
        for user in ["admin", "dev", "aud", "plain", "auddev"] {
            let v: Value =
                serde_json::from_str(&env.ok(user, &["settings", "show", "--format", "json"])).unwrap();
            assert_eq!(v["enabled"], true, "{user}");
        }
        // `settings enable/disable/set`: tenant admins only.
        let changes: &[&[&str]] = &[
            &["settings", "enable"],
            &["settings", "disable", "--yes"],
            &["settings", "set", "max-expiry", "7d"],
            &["settings", "set", "max-keys-per-user", "9"],
        ];
        for user in ["dev", "aud", "plain", "auddev"] {
            for args in changes {
                let d = assert_denied(&env, user, args).details;
                assert_eq!(d["action"], "settings.change", "{user} {args:?}");
            }
        }
        env.ok("admin", &["settings", "set", "max-keys-per-user", "9"]);
        env.ok("admin", &["settings", "disable", "--yes"]);
        env.ok("admin", &["settings", "enable"]);
    }

    fn users_rows(b) {
        let (env, _, _) = tenant(b);
        // Managing users: tenant admins only.
        let manage: &[&[&str]] = &[
            &["users", "add", "eve"],
            &["users", "add", "eve", "--role", "auditor"],
            &["users", "grant", "plain", "auditor"],
            &["users", "grant", "aud", "tenant-admin"],
            &["users", "grant", "aud", "developer"],
            &["users", "ungrant", "aud", "auditor"],
            &["users", "licence", "plain", "on"],
            &["users", "remove", "dev", "--yes"],
        ];
        for user in ["dev", "aud", "plain", "auddev"] {
            for args in manage {
                let d = assert_denied(&env, user, args).details;
                assert_eq!(d["action"], "users.manage", "{user} {args:?}");
            }
        }
        // `users list`: tenant admins and auditors.
        let everyone = sorted(
            ["admin", "aud", "auddev", "dev", "plain"]
                .map(str::to_owned)
                .to_vec(),
        );
        for user in ["admin", "aud", "auddev"] {
            assert_eq!(ids(&env, user, &["users", "list"]), everyone, "{user}");
        }
        for user in ["dev", "plain"] {
            let d = assert_denied(&env, user, &["users", "list"]).details;
            assert_eq!(d["action"], "users.list");
        }
        // The admin may do every one of those.
        env.ok("admin", &["users", "grant", "plain", "auditor"]);
        env.ok("admin", &["users", "add", "eve", "--role", "auditor"]);
        env.ok("admin", &["users", "remove", "eve", "--yes"]);
    }

    fn key_reading_rows(b) {
        let (env, dev_key, auddev_key) = tenant(b);
        let all = sorted(vec![dev_key.clone(), auddev_key.clone()]);
        // `keys list/search/show`: admins and auditors all keys, developers their own.
        for user in ["admin", "aud", "auddev"] {
            assert_eq!(ids(&env, user, &["keys", "list"]), all, "{user}");
            assert_eq!(ids(&env, user, &["keys", "search", "key"]), all, "{user}");
            assert_eq!(
                ids(&env, user, &["keys", "list", "--owner", "dev"]),
                vec![dev_key.clone()],
                "{user}"
            );
            for id in [&dev_key, &auddev_key] {
                let v: Value =
                    serde_json::from_str(&env.ok(user, &["keys", "show", id, "--format", "json"]))
                        .unwrap();
                assert_eq!(v["id"], id.as_str(), "{user}");
            }
        }
        assert_eq!(ids(&env, "dev", &["keys", "list"]), vec![dev_key.clone()]);
        assert_eq!(
            ids(&env, "dev", &["keys", "search", "key"]),
            vec![dev_key.clone()]
        );
        let a = env.run("dev", &["keys", "show", &auddev_key]);
        assert_eq!(code(&a), 3, "{}", stderr(&a));
        for args in [
            &["keys", "list"][..],
            &["keys", "search", "key"],
            &["keys", "show", &dev_key],
        ] {
            let d = assert_denied(&env, "plain", args).details;
            assert_eq!(d["action"], "keys.read");
        }
    }

    fn key_writing_rows(b) {
        let (env, dev_key, auddev_key) = tenant(b);
        // `keys generate`: developers with a licence (a tenant admin only if also one; an
        // auditor's licence gives it nothing).
        for user in ["admin", "aud", "plain"] {
            let d = assert_denied(&env, user, &["keys", "generate", "--name", "x"]).details;
            assert_eq!(d["action"], "keys.generate", "{user}");
        }
        env.generate("dev", "another");
        // `keys rotate`: the owner, a developer with a licence (cli_rotate has the details).
        for user in ["admin", "aud", "plain"] {
            let d = assert_denied(&env, user, &["keys", "rotate", &dev_key]).details;
            assert_eq!(d["action"], "keys.rotate", "{user}");
        }
        let d = assert_denied(&env, "auddev", &["keys", "rotate", &dev_key]).details;
        assert!(
            d["reason"].as_str().unwrap().contains("not your key"),
            "{d}"
        );
        let a = env.run("dev", &["keys", "rotate", &auddev_key]);
        assert_eq!(code(&a), 3, "{}", stderr(&a));
        let (rotated, _) = env.generate("auddev", "to rotate");
        let a = env.run("auddev", &["keys", "rotate", &rotated, "-q"]);
        assert_eq!(code(&a), 0, "{}", stderr(&a));
        // `keys rename`, `keys delete`: owners who are developers.
        for user in ["aud", "plain"] {
            for (args, action) in [
                (
                    &["keys", "rename", dev_key.as_str(), "new"][..],
                    "keys.rename",
                ),
                (
                    &["keys", "delete", dev_key.as_str(), "--yes"],
                    "keys.delete",
                ),
            ] {
                let d = assert_denied(&env, user, args).details;
                assert_eq!(d["action"], action, "{user} {args:?}");
            }
        }
        // An admin who is not a developer lacks the role; an auditor-developer, who can
        // see every key, is told it is not theirs; a plain developer that it does not exist.
        let d = assert_denied(&env, "admin", &["keys", "rename", &dev_key, "new"]).details;
        assert_eq!(d["action"], "keys.rename");
        assert!(
            d["reason"].as_str().unwrap().contains("developer role"),
            "{d}"
        );
        let d = assert_denied(&env, "auddev", &["keys", "rename", &dev_key, "new"]).details;
        assert_eq!(d["action"], "keys.rename");
        assert!(
            d["reason"].as_str().unwrap().contains("not your key"),
            "{d}"
        );
        let before = snapshot(&env);
        let a = env.run("dev", &["keys", "rename", &auddev_key, "new"]);
        assert_eq!(code(&a), 3, "{}", stderr(&a));
        assert_eq!(snapshot(&env), before);
        let a = env.run("auddev", &["keys", "delete", &dev_key, "--yes"]);
        assert_eq!(code(&a), 4, "{}", stderr(&a));
        let a = env.run("dev", &["keys", "delete", &auddev_key, "--yes"]);
        assert_eq!(code(&a), 3, "{}", stderr(&a));
        assert_eq!(snapshot(&env), before);
        // The owners may.
        env.ok("auddev", &["keys", "rename", &auddev_key, "renamed"]);
        env.ok("dev", &["keys", "rename", &dev_key, "renamed"]);

        // `revoke`: tenant admins only.
        for user in ["dev", "aud", "plain", "auddev"] {
            for args in [
                &["revoke", dev_key.as_str(), "--yes"][..],
                &["keys", "revoke", dev_key.as_str(), "--yes"],
                &["revoke", dev_key.as_str(), "--dry-run"],
            ] {
                let d = assert_denied(&env, user, args).details;
                assert_eq!(d["action"], "keys.revoke", "{user} {args:?}");
            }
        }
        env.ok("admin", &["revoke", &dev_key, "--yes"]);
        env.ok("auddev", &["keys", "delete", &auddev_key, "--yes"]);
    }

    fn events_rows(b) {
        let (env, dev_key, _) = tenant(b);
        let head = env.ok("admin", &["events", "head"]);
        let reads: Vec<Vec<String>> = [
            &["events"][..],
            &["events", "--key", &dev_key],
            &["events", "--type", "api-key.generated"],
            &["events", "show", "1"],
            &["events", "verify"],
            &["events", "verify", "--anchor", head.trim()],
            &["events", "head"],
            &["events", "top"],
        ]
        .iter()
        .map(|a| a.iter().map(|s| s.to_string()).collect())
        .collect();
        for user in ["admin", "aud", "auddev"] {
            for args in &reads {
                let args: Vec<&str> = args.iter().map(String::as_str).collect();
                let a = env.run(user, &args);
                assert_eq!(code(&a), 0, "{user} {args:?}: {}", stderr(&a));
            }
        }
        // Reading records nothing, so the head is where it was.
        assert_eq!(env.ok("aud", &["events", "head"]), head);
        for user in ["dev", "plain"] {
            for args in &reads {
                let args: Vec<&str> = args.iter().map(String::as_str).collect();
                let d = assert_denied(&env, user, &args).details;
                assert_eq!(d["action"], "events.read", "{user} {args:?}");
            }
        }
        // The auditor sees those denials, each in the log.
        let v: Value = serde_json::from_str(&env.ok(
            "aud",
            &["events", "--type", "access.denied", "--format", "json"],
        ))
        .unwrap();
        assert_eq!(v.as_array().unwrap().len(), 2 * reads.len());
    }

    /// Every write an auditor might try is refused with exit 4 and one `access.denied`
    /// event naming the action, and changes nothing.
    fn the_auditor_changes_nothing(b) {
        let (env, dev_key, _) = tenant(b);
        let writes: &[(&[&str], &str)] = &[
            (&["keys", "generate", "--name", "x"], "keys.generate"),
            (&["keys", "rotate", &dev_key], "keys.rotate"),
            (
                &["keys", "rotate", &dev_key, "--grace", "1h"],
                "keys.rotate",
            ),
            (&["keys", "rename", &dev_key, "x"], "keys.rename"),
            (&["keys", "delete", &dev_key, "--yes"], "keys.delete"),
            (&["keys", "revoke", &dev_key, "--yes"], "keys.revoke"),
            (&["revoke", &dev_key, "--yes"], "keys.revoke"),
            (&["settings", "enable"], "settings.change"),
            (&["settings", "disable", "--yes"], "settings.change"),
            (&["settings", "set", "max-expiry", "1d"], "settings.change"),
            (&["users", "add", "x"], "users.manage"),
            (&["users", "grant", "aud", "tenant-admin"], "users.manage"),
            (&["users", "ungrant", "aud", "auditor"], "users.manage"),
            (&["users", "licence", "aud", "off"], "users.manage"),
            (&["users", "remove", "dev", "--yes"], "users.manage"),
        ];
        for (args, action) in writes {
            let d = assert_denied(&env, "aud", args).details;
            assert_eq!(d["action"], *action, "{args:?}");
        }
    }
}
