//! `keyctl copy --to DB` (SPEC §4 copy, §12), through the binary: the copy is exact
//! (users, settings, keys with hashes, usage, successors and identities, every event
//! with its ID and hash), both sides end with the same `events head`, keys verify
//! against the copy, the copy keeps working, and a refused copy changes nothing on
//! either side.
//!
//! Every test runs once per kind of target that [`targets`] hands out, and copies the
//! copy back into a file, so a PostgreSQL target tests file → PostgreSQL → file.

mod common;
use common::*;

use serde_json::Value;
use std::path::{Path, PathBuf};

/// Every test here also runs against a fresh database on the server
/// `KEYCTL_TEST_POSTGRES` names (file → PostgreSQL → file), when it names one.
const POSTGRES_BUILT_IN: bool = true;

/// A new, empty database a copy may be written to.
enum Target {
    /// A file that does not exist yet.
    File(PathBuf),
    /// A fresh PostgreSQL database (dropped when the test ends).
    Pg(PgDb),
}

impl Target {
    /// The location to pass to `--to` / `--db`.
    fn db(&self) -> PathBuf {
        match self {
            Target::File(p) => p.clone(),
            Target::Pg(pg) => PathBuf::from(&pg.url),
        }
    }

    /// What the source's `tenant.copied` event records for it.
    fn recorded(&self) -> String {
        match self {
            Target::File(p) => p.display().to_string(),
            // The test server's URLs carry no password.
            Target::Pg(pg) => pg.url.clone(),
        }
    }

    /// Makes the target no longer new: a file with something in it, a schema with a
    /// tenant in it.
    fn occupy(&self) {
        match self {
            Target::File(p) => std::fs::write(p, b"not a new file").unwrap(),
            Target::Pg(pg) => {
                let a = keyctl(&self.db(), "admin", &["init", "--admin", "admin"], "");
                assert_eq!(code(&a), 0, "init on {}: {}", pg.name, stderr(&a));
            }
        }
    }

    /// What can be seen of the target from outside, to show a refused copy left it be.
    fn fingerprint(&self) -> String {
        match self {
            Target::File(p) => format!("{:?}", tenant_files(p)),
            // The occupying tenant has only its admin: what the admin sees of it.
            Target::Pg(_) => [
                &["users", "list", "--format", "json"][..],
                &["keys", "list", "--format", "json"],
                &["events", "--format", "json"],
            ]
            .iter()
            .map(|args| ok(&self.db(), "admin", args))
            .collect::<Vec<_>>()
            .join("\n"),
        }
    }
}

/// Every kind of target a test runs against, for a tenant in `env`.
fn targets(env: &Env) -> Vec<Target> {
    let mut all = vec![Target::File(env.dir.path().join("copy.db"))];
    if POSTGRES_BUILT_IN {
        all.extend(PgDb::new().map(Target::Pg));
    }
    all
}

/// Runs keyctl on `db` as `user` with `stdin`.
fn keyctl(db: &Path, user: &str, args: &[&str], stdin: &str) -> assert_cmd::assert::Assert {
    assert_cmd::Command::from_std(std_cmd(db, user))
        .args(args)
        .write_stdin(stdin)
        .assert()
}

/// Runs keyctl on `db` as `user`, requiring success; returns stdout.
fn ok(db: &Path, user: &str, args: &[&str]) -> String {
    let a = keyctl(db, user, args, "");
    assert_eq!(code(&a), 0, "{args:?} on {}: {}", db.display(), stderr(&a));
    stdout(&a)
}

/// `keyctl copy --to to` on `from` as admin; requires success and returns the JSON
/// record it prints.
fn copy(from: &Path, to: &Path) -> Value {
    let a = keyctl(
        from,
        "admin",
        &["copy", "--to", to.to_str().unwrap(), "--format", "json"],
        "",
    );
    assert_eq!(code(&a), 0, "copy to {}: {}", to.display(), stderr(&a));
    json(&a)
}

/// Requires `a` and `b` to show the same [`state`], naming the first view that differs.
fn same_state(a: &Path, b: &Path) {
    const VIEWS: [&str; 6] = [
        "settings",
        "users list",
        "keys list (admin)",
        "keys list (dev)",
        "events",
        "events head",
    ];
    for ((view, x), y) in VIEWS.iter().zip(state(a)).zip(state(b)) {
        assert_eq!(
            x,
            y,
            "{view} differs between {} and {}",
            a.display(),
            b.display()
        );
    }
}

/// Everything the binary shows of a tenant, as its admin (and as `dev`, whose view
/// depends on key identities): settings, users, every key with its usage, state and
/// successor, every event with its ID and hash, and the head.
fn state(db: &Path) -> Vec<String> {
    vec![
        ok(db, "admin", &["settings", "--format", "json"]),
        ok(db, "admin", &["users", "list", "--format", "json"]),
        ok(db, "admin", &["keys", "list", "--format", "json"]),
        ok(db, "dev", &["keys", "list", "--format", "json"]),
        ok(db, "admin", &["events", "--format", "json"]),
        ok(db, "admin", &["events", "head"]),
    ]
}

/// The tenant's newest event as `ID:HASH`.
fn head(db: &Path) -> String {
    ok(db, "admin", &["events", "head"]).trim().to_owned()
}

/// `keyctl events verify` must pass on `db`.
fn verifies(db: &Path) {
    let out = ok(db, "admin", &["events", "verify"]);
    assert!(
        out.starts_with("ok:"),
        "events verify on {}: {out}",
        db.display()
    );
}

/// The `tenant.copied` events of `db`, oldest first.
fn copied_events(db: &Path) -> Vec<Value> {
    let out = ok(
        db,
        "admin",
        &["events", "--type", "tenant.copied", "--format", "json"],
    );
    let mut v: Vec<Value> = serde_json::from_str(&out).unwrap();
    v.reverse();
    v
}

/// Keys of every state worth copying, and their secrets.
struct Rich {
    env: Env,
    /// Used twice (uses, last_used).
    used: (String, String),
    /// Revoked.
    revoked: (String, String),
    /// Rotated: has `replaced_by`.
    rotated: String,
    /// Of no recorded owner identity (`owner_uid` NULL), its owner name still a user.
    orphan: String,
}

/// A tenant with changed settings, users of every role, keys used, revoked, rotated and
/// renamed, a key of no recorded identity, and the newest user removed with their keys.
fn rich() -> Rich {
    let env = Env::with_dev(Backend::Sqlite);
    let db = env.db.clone();
    ok(&db, "admin", &["settings", "set", "max-keys-per-user", "9"]);
    ok(&db, "admin", &["settings", "set", "max-expiry", "60d"]);
    ok(&db, "admin", &["users", "add", "aud", "--role", "auditor"]);
    let used = env.generate("dev", "used");
    for _ in 0..2 {
        assert_eq!(code(&verify(&db, &used.1)), 0);
    }
    let revoked = env.generate("dev", "revoked");
    ok(&db, "admin", &["revoke", "--yes", &revoked.0]);
    let rotated = env.generate("dev", "rotated").0;
    ok(
        &db,
        "dev",
        &["keys", "rotate", &rotated, "--grace", "1h", "-q"],
    );
    let renamed = env.generate("dev", "before").0;
    ok(&db, "dev", &["keys", "rename", &renamed, "after"]);
    let orphan = env.generate("dev", "orphan").0;
    env.sql()
        .execute(
            "UPDATE keys SET owner_uid = NULL WHERE id = ?1",
            [orphan.as_str()],
        )
        .unwrap();
    // The newest identity: removed, its keys stay (revoked) with its uid.
    env.add_developer("gone");
    env.generate("gone", "left behind");
    ok(&db, "admin", &["users", "remove", "gone", "--yes"]);
    Rich {
        env,
        used,
        revoked,
        rotated,
        orphan,
    }
}

/// `keyctl keys verify` on `db` with `secret` on stdin.
fn verify(db: &Path, secret: &str) -> assert_cmd::assert::Assert {
    keyctl(db, "nobody", &["keys", "verify"], secret)
}

#[test]
fn a_copy_is_exact_and_ends_with_the_same_head() {
    let r = rich();
    let src = r.env.db.clone();
    assert!(
        !ok(&src, "dev", &["keys", "list", "-q"]).contains(&r.orphan),
        "a key of no recorded identity is nobody's own"
    );
    for target in targets(&r.env) {
        let to = target.db();
        let record = copy(&src, &to);

        // The source's log records the copy, without any password.
        let events = copied_events(&src);
        let last = events.last().expect("a tenant.copied event");
        assert_eq!(
            last["details"],
            serde_json::json!({"to": target.recorded()})
        );
        assert_eq!(last["actor"], "admin");
        assert!(last["key_id"].is_null());

        // Both sides: the same head, both chains intact, the same everything.
        assert_eq!(head(&src), head(&to));
        assert_eq!(record["head"], head(&src));
        verifies(&src);
        verifies(&to);
        same_state(&src, &to);

        // The summary counts what was copied.
        let keys: Vec<Value> =
            serde_json::from_str(&ok(&src, "admin", &["keys", "list", "--format", "json"]))
                .unwrap();
        let users: Vec<Value> =
            serde_json::from_str(&ok(&src, "admin", &["users", "list", "--format", "json"]))
                .unwrap();
        assert_eq!(record["keys"], keys.len());
        assert_eq!(record["users"], users.len());
        assert_eq!(
            record["events"].as_i64().unwrap(),
            head(&src)
                .split(':')
                .next()
                .unwrap()
                .parse::<i64>()
                .unwrap()
        );
        assert_eq!(record["to"], target.recorded());

        // Usage, revocation and succession came across.
        let show = |db: &Path, id: &str| -> Value {
            serde_json::from_str(&ok(db, "admin", &["keys", "show", id, "--format", "json"]))
                .unwrap()
        };
        let used = show(&to, &r.used.0);
        assert_eq!(used["uses"], 2);
        assert!(!used["last_used"].is_null());
        assert_eq!(show(&to, &r.revoked.0)["status"], "revoked");
        assert!(show(&to, &r.rotated)["replaced_by"].is_string());

        // And back into a file: file → target → file, still the same.
        let back = r.env.dir.path().join(format!(
            "back-{}.db",
            match target {
                Target::File(_) => "file",
                Target::Pg(_) => "pg",
            }
        ));
        copy(&to, &back);
        assert_eq!(head(&to), head(&back));
        verifies(&back);
        same_state(&to, &back);
    }
}

#[test]
fn keys_verify_against_the_copy_at_once() {
    let r = rich();
    let src = r.env.db.clone();
    for target in targets(&r.env) {
        let to = target.db();
        copy(&src, &to);
        let a = verify(&to, &r.used.1);
        assert_eq!(code(&a), 0, "{}", stderr(&a));
        assert!(stdout(&a).contains(&r.used.0));
        let a = verify(&to, &r.revoked.1);
        assert_eq!(code(&a), 5);
        assert!(stdout(&a).contains("revoked") || stderr(&a).contains("revoked"));
        // The use is the copy's: the source's count did not move.
        let uses = |db: &Path| -> Value {
            let v: Value = serde_json::from_str(&ok(
                db,
                "admin",
                &["keys", "show", &r.used.0, "--format", "json"],
            ))
            .unwrap();
            v["uses"].clone()
        };
        assert_eq!(uses(&to), 3);
        assert_eq!(uses(&src), 2);
        verifies(&to);
    }
}

#[test]
fn a_copied_tenant_keeps_working() {
    let r = rich();
    let src = r.env.db.clone();
    for target in targets(&r.env) {
        let to = target.db();
        copy(&src, &to);
        let copied_head: i64 = head(&to).split(':').next().unwrap().parse().unwrap();
        // Generate and revoke on the copy; the chain goes on from the copied head.
        let out = ok(
            &to,
            "dev",
            &[
                "keys",
                "generate",
                "--name",
                "after the copy",
                "--format",
                "json",
            ],
        );
        let new: Value = serde_json::from_str(&out).unwrap();
        let id = new["id"].as_str().unwrap();
        ok(&to, "admin", &["revoke", "--yes", id]);
        let now_head: i64 = head(&to).split(':').next().unwrap().parse().unwrap();
        assert_eq!(now_head, copied_head + 2);
        verifies(&to);
        // The source knows nothing of it.
        let a = keyctl(&src, "admin", &["keys", "show", id], "");
        assert_eq!(code(&a), 3);

        // A key of no recorded identity stays nobody's, even to a user of its owner's
        // name; and the removed newest user's identity is not handed out again.
        assert!(!ok(&to, "dev", &["keys", "list", "-q"]).contains(&r.orphan));
        ok(
            &to,
            "admin",
            &["users", "add", "gone", "--role", "developer", "--licence"],
        );
        assert_eq!(
            ok(&to, "gone", &["keys", "list", "-q"]),
            "",
            "a new user of a removed user's name got the removed user's keys"
        );
        verifies(&to);
    }
}

#[test]
fn a_target_that_is_not_new_is_refused_and_nothing_changes() {
    let r = rich();
    let src = r.env.db.clone();
    for target in targets(&r.env) {
        target.occupy();
        let before_src = snapshot_with_events(&r.env);
        let before_dst = target.fingerprint();
        let a = keyctl(
            &src,
            "admin",
            &["copy", "--to", target.db().to_str().unwrap()],
            "",
        );
        let err = one_line_error(&a, 5);
        assert!(err.contains("already"), "{err}");
        assert_eq!(
            snapshot_with_events(&r.env),
            before_src,
            "the source changed"
        );
        assert_eq!(target.fingerprint(), before_dst, "the target changed");
        assert!(copied_events(&src).is_empty());
    }
    // The source itself is never new.
    let a = keyctl(&src, "admin", &["copy", "--to", src.to_str().unwrap()], "");
    one_line_error(&a, 5);
    assert!(copied_events(&src).is_empty());
}

#[test]
fn a_target_that_cannot_be_created_is_refused_before_the_source_changes() {
    let env = Env::with_dev(Backend::Sqlite);
    let file = env.dir.path().join("a-file");
    std::fs::write(&file, b"x").unwrap();
    let before = snapshot_with_events(&env);
    let to = file.join("copy.db");
    let a = env.run("admin", &["copy", "--to", to.to_str().unwrap()]);
    let err = one_line_error(&a, 1);
    assert!(err.contains("a-file"), "{err}");
    assert_eq!(snapshot_with_events(&env), before);
    assert!(!to.exists());
}

#[test]
fn only_tenant_admins_copy() {
    let env = populated(Backend::Sqlite);
    env.ok("admin", &["users", "add", "aud", "--role", "auditor"]);
    let to = env.dir.path().join("copy.db");
    for user in ["dev", "aud", "plain"] {
        let e = assert_denied(&env, user, &["copy", "--to", to.to_str().unwrap()]);
        assert_eq!(e.details["action"], "tenant.copy");
        assert!(!to.exists(), "{user}'s refused copy created the target");
    }
    // Unknown operators too.
    let e = assert_denied(&env, "ghost", &["copy", "--to", to.to_str().unwrap()]);
    assert_eq!(e.details["action"], "tenant.copy");
    // A tenant admin who is also a developer may.
    env.ok("admin", &["users", "grant", "admin", "developer"]);
    env.ok("admin", &["copy", "--to", to.to_str().unwrap()]);
    assert!(to.exists());
}

#[test]
fn a_password_in_the_target_url_is_never_shown_or_recorded() {
    let env = Env::new(Backend::Sqlite);
    let before = snapshot_with_events(&env);
    // Nothing listens on port 1: the target cannot be checked, so nothing is written.
    let url = "postgres://keyctl:hunter2secret@127.0.0.1:1/keys?connect_timeout=2";
    let a = env.run("admin", &["copy", "--to", url]);
    let err = one_line_error(&a, 1);
    assert!(!err.contains("hunter2secret"), "{err}");
    assert_eq!(snapshot_with_events(&env), before);
}

#[test]
fn output_is_a_summary_on_stderr_and_json_only_when_asked() {
    let env = Env::with_dev(Backend::Sqlite);
    env.generate("dev", "k");
    let to = env.dir.path().join("plain.db");
    let a = env.run("admin", &["copy", "--to", to.to_str().unwrap()]);
    assert_eq!(code(&a), 0);
    assert_eq!(stdout(&a), "", "stdout carries data only");
    let err = stderr(&a);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.starts_with(&format!(
            "copied 2 users, 1 keys, 5 events to {}",
            to.display()
        )),
        "{err}"
    );
    let to = env.dir.path().join("quiet.db");
    let a = env.run("admin", &["copy", "--to", to.to_str().unwrap(), "-q"]);
    assert_eq!(code(&a), 0);
    assert_eq!(stdout(&a), "");
}

#[test]
fn a_large_tenant_copies_without_a_bar_off_a_terminal() {
    let env = Env::with_dev(Backend::Sqlite);
    seed_keys(&env, "dev", 12_000);
    let src = env.db.clone();
    for target in targets(&env) {
        let to = target.db();
        let a = keyctl(&src, "admin", &["copy", "--to", to.to_str().unwrap()], "");
        assert_eq!(code(&a), 0, "{}", stderr(&a));
        let err = stderr(&a);
        assert_eq!(
            err.lines().count(),
            1,
            "no progress bar off a terminal: {err:?}"
        );
        assert!(err.contains("12000 keys"), "{err}");
        assert_eq!(head(&src), head(&to));
        verifies(&to);
        let count = |db: &Path| ok(db, "admin", &["keys", "list", "-q"]).lines().count();
        assert_eq!(count(&to), 12_000);
    }
}

#[test]
fn a_postgres_schema_that_holds_tables_is_refused_before_the_source_changes() {
    // Runs before the PostgreSQL backend exists: the check of the target needs only a
    // connection.
    let Some(pg) = PgDb::new() else {
        return;
    };
    pg.client()
        .batch_execute("CREATE TABLE unrelated (x int)")
        .unwrap();
    let env = Env::with_dev(Backend::Sqlite);
    let before = snapshot_with_events(&env);
    let a = env.run("admin", &["copy", "--to", &pg.url]);
    let err = one_line_error(&a, 5);
    assert!(err.contains("already holds 1 table"), "{err}");
    assert_eq!(snapshot_with_events(&env), before, "the source changed");
}
