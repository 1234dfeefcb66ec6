//! Black-box tests of the PostgreSQL backend through the binary (SPEC §11): a whole
//! scenario on `--db postgres://…`, the key limit under 16 concurrent processes, tenants
//! in schemas of one database, refusals of a non-empty or a non-tenant schema, a server
//! that is down, and `events verify` catching an event edited behind keyctl's back.
//! Each test gets its own database (skipped without `KEYCTL_TEST_POSTGRES`).

mod common;

use assert_cmd::assert::Assert;
use common::*;
use keyctl::token::{SECRET_LEN, assemble};
use serde_json::Value;

/// A tenant database on the test server.
struct Pg {
    db: std::rc::Rc<PgDb>,
    url: String,
}

impl Pg {
    /// A fresh, empty database; `None` skips the test.
    fn empty() -> Option<Pg> {
        let db = PgDb::new()?;
        let url = db.url.clone();
        Some(Pg {
            db: std::rc::Rc::new(db),
            url,
        })
    }

    /// A tenant with keys enabled, tenant admin `admin` and developer `dev`.
    fn with_dev() -> Option<Pg> {
        let pg = Pg::empty()?;
        pg.ok("admin", &["init", "--admin", "admin"]);
        pg.ok("admin", &["settings", "enable"]);
        pg.ok(
            "admin",
            &["users", "add", "dev", "--role", "developer", "--licence"],
        );
        Some(pg)
    }

    fn cmd(&self, user: &str) -> assert_cmd::Command {
        let mut c = bare();
        c.arg("--db").arg(&self.url).arg("--as").arg(user);
        c
    }

    fn run_in(&self, user: &str, args: &[&str], stdin: &str) -> Assert {
        self.cmd(user).args(args).write_stdin(stdin).assert()
    }

    fn run(&self, user: &str, args: &[&str]) -> Assert {
        self.run_in(user, args, "")
    }

    fn ok(&self, user: &str, args: &[&str]) -> String {
        let a = self.run(user, args);
        assert_eq!(code(&a), 0, "{args:?}: {}", stderr(&a));
        stdout(&a)
    }

    /// Generates a key as `user`; returns (id, secret).
    fn generate(&self, user: &str, name: &str) -> (String, String) {
        let v: Value = serde_json::from_str(&self.ok(
            user,
            &["keys", "generate", "--name", name, "--format", "json"],
        ))
        .unwrap();
        (
            v["id"].as_str().unwrap().to_owned(),
            v["secret"].as_str().unwrap().to_owned(),
        )
    }

    fn verify(&self, secret: &str) -> Assert {
        self.cmd("nobody")
            .args(["keys", "verify"])
            .write_stdin(secret)
            .assert()
    }

    fn count(&self, sql: &str) -> i64 {
        self.db.client().query_one(sql, &[]).unwrap().get(0)
    }
}

fn csv_ids(out: &str) -> Vec<String> {
    out.lines()
        .skip(1)
        .map(|l| l.split(',').next().unwrap().to_owned())
        .collect()
}

#[test]
fn a_whole_scenario_runs_on_postgres() {
    let Some(pg) = Pg::with_dev() else {
        return;
    };
    pg.ok("admin", &["settings", "set", "max-keys-per-user", "10"]);
    pg.ok("admin", &["users", "add", "aud", "--role", "auditor"]);
    let users = pg.ok("aud", &["users", "list", "--format", "csv"]);
    assert!(users.starts_with("name,"), "{users}");
    assert_eq!(users.lines().count(), 4, "{users}");

    let (a, a_secret) = pg.generate("dev", "ci-deploy Alpha");
    let (b, b_secret) = pg.generate("dev", "ci_2 100%");
    let (c, _) = pg.generate("dev", "Other");

    // Newest first without --sort; byte order with it; search is a case-insensitive
    // substring with % and _ literal.
    let list = pg.ok("aud", &["keys", "list", "--format", "csv"]);
    assert_eq!(csv_ids(&list), [c.clone(), b.clone(), a.clone()]);
    let by_name = pg.ok(
        "dev",
        &["keys", "list", "--sort", "name", "--format", "csv"],
    );
    assert_eq!(csv_ids(&by_name), [c.clone(), a.clone(), b.clone()]);
    let reversed = pg.ok(
        "dev",
        &["keys", "list", "--sort", "name", "--reverse", "-q"],
    );
    assert_eq!(reversed, format!("{b}\n{a}\n{c}\n"));
    assert_eq!(
        pg.ok("admin", &["keys", "search", "CI-", "-q"]),
        format!("{a}\n")
    );
    assert_eq!(
        pg.ok("admin", &["keys", "search", "0%", "-q"]),
        format!("{b}\n")
    );
    assert_eq!(
        pg.ok("admin", &["keys", "search", "_2", "-q"]),
        format!("{b}\n")
    );
    assert_eq!(pg.ok("admin", &["keys", "search", "zzz", "-q"]), "");
    assert_eq!(
        pg.ok("admin", &["keys", "search", &c[3..9], "-q"]),
        format!("{c}\n")
    );
    assert_eq!(
        pg.ok("admin", &["keys", "list", "--limit", "1", "-q"]),
        format!("{c}\n")
    );

    // show, rename.
    let shown: Value =
        serde_json::from_str(&pg.ok("dev", &["keys", "show", &a, "--format", "json"])).unwrap();
    assert_eq!(shown["name"], "ci-deploy Alpha");
    assert_eq!(shown["status"], "active");
    pg.ok("dev", &["keys", "rename", &a, "deploy"]);

    // verify: valid (twice), revoked, unknown.
    for _ in 0..2 {
        let v = pg.verify(&a_secret);
        assert_eq!(code(&v), 0, "{}", stderr(&v));
        assert!(stdout(&v).contains(&a));
    }
    let ghost = assemble("0123456789abcdef", &"A".repeat(SECRET_LEN));
    let v = pg.verify(&ghost);
    assert_eq!(code(&v), 5);
    assert!(stderr(&v).contains("unknown"), "{}", stderr(&v));

    // revoke from stdin, in CSV as `list` prints it, with an unknown ID.
    let piped = format!("id,name\n{b},x\n{}\n", "zzzzzzzzzzzzzzzz");
    let r = pg.run_in("admin", &["revoke", "--yes", "--format", "json"], &piped);
    assert_eq!(code(&r), 6, "{}", stderr(&r));
    let results = json(&r);
    assert_eq!(results[0]["result"], "revoked");
    assert_eq!(results[1]["result"], "not found");
    let v = pg.verify(&b_secret);
    assert_eq!(code(&v), 5);
    assert!(stderr(&v).contains("revoked"), "{}", stderr(&v));

    // rotate, delete.
    let rotated = pg.ok("dev", &["keys", "rotate", &a, "--format", "json"]);
    let new: Value = serde_json::from_str(&rotated).unwrap();
    let successor = new["id"].as_str().unwrap().to_owned();
    let old: Value =
        serde_json::from_str(&pg.ok("dev", &["keys", "show", &a, "--format", "json"])).unwrap();
    assert_eq!(old["replaced_by"], successor.as_str());
    assert_eq!(old["uses"], 2);
    pg.ok("dev", &["keys", "delete", &b, "--yes"]);
    assert_eq!(code(&pg.run("dev", &["keys", "show", &b])), 3);

    // events: list, show, top, head, verify.
    let events = pg.ok("aud", &["events", "--format", "json"]);
    let events: Value = serde_json::from_str(&events).unwrap();
    let ids: Vec<i64> = events
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["id"].as_i64().unwrap())
        .collect();
    assert!(ids.windows(2).all(|w| w[0] > w[1]), "newest first: {ids:?}");
    let shown: Value =
        serde_json::from_str(&pg.ok("aud", &["events", "show", "1", "--format", "json"])).unwrap();
    assert_eq!(shown["type"], "user.added");
    let top = pg.ok("aud", &["events", "top", "--format", "csv"]);
    assert!(
        top.lines().nth(1).unwrap().starts_with(&format!("{a},")),
        "{top}"
    );
    // Uses in one second are one event with a count (docs/USAGE.md).
    let used = pg.ok(
        "aud",
        &[
            "events",
            "--key",
            &a,
            "--type",
            "api-key.used",
            "--format",
            "json",
        ],
    );
    let used: Value = serde_json::from_str(&used).unwrap();
    let total: i64 = used
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["details"]["uses"].as_i64().unwrap_or(1))
        .sum();
    assert_eq!(total, 2, "{used}");
    let head = pg.ok("aud", &["events", "head"]);
    let verified = pg.ok("aud", &["events", "verify", "--anchor", head.trim()]);
    assert!(verified.contains("chain intact"), "{verified}");

    // removing a user revokes their keys, each with its event.
    pg.ok("admin", &["users", "remove", "dev", "--yes"]);
    let active = pg.ok("admin", &["keys", "list", "--status", "active", "-q"]);
    assert_eq!(active, "");
    assert_eq!(
        pg.count(
            "SELECT count(*) FROM events WHERE type = 'api-key.revoked' \
             AND details LIKE '%owner-removed%'"
        ),
        2
    );
    assert!(pg.ok("aud", &["events", "verify"]).contains("chain intact"));
}

#[test]
fn sixteen_processes_against_a_limit_of_five_make_exactly_five() {
    let Some(pg) = Pg::with_dev() else {
        return;
    };
    pg.ok("admin", &["settings", "set", "max-keys-per-user", "5"]);
    // All 16 are spawned before any is waited on; each process is its own connection.
    let children: Vec<_> = (0..16)
        .map(|i| {
            let mut c = bare_std();
            c.arg("--db")
                .arg(&pg.url)
                .arg("--as")
                .arg("dev")
                .args(["keys", "generate", "-q", "--name", &format!("k{i}")])
                .stdin(std::process::Stdio::null())
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped());
            c.spawn().unwrap()
        })
        .collect();
    let mut made = Vec::new();
    let mut refused = 0;
    for child in children {
        let out = child.wait_with_output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        // No lock, deadlock, serialisation or driver text reaches a user.
        for bad in [
            "lock", "deadlock", "serializ", "busy", "db error", "panicked",
        ] {
            assert!(!err.to_lowercase().contains(bad), "{err}");
        }
        match out.status.code() {
            // `-q` prints the key, kc_ID_SECRET.
            Some(0) => made.push(
                String::from_utf8(out.stdout)
                    .unwrap()
                    .trim()
                    .split('_')
                    .nth(1)
                    .unwrap()
                    .to_owned(),
            ),
            Some(5) => {
                refused += 1;
                assert!(err.starts_with("error: "), "{err}");
                assert_eq!(err.lines().count(), 1, "{err}");
                assert!(err.contains("key limit reached"), "{err}");
                assert!(err.contains("the maximum is 5"), "{err}");
                assert!(out.stdout.is_empty(), "a refusal printed data");
            }
            other => panic!("exit {other:?}: {err}"),
        }
    }
    assert_eq!((made.len(), refused), (5, 11));
    assert_eq!(pg.count("SELECT count(*) FROM keys"), 5);
    let mut listed: Vec<String> = pg
        .ok("admin", &["keys", "list", "--status", "active", "-q"])
        .lines()
        .map(str::to_owned)
        .collect();
    listed.sort();
    made.sort();
    assert_eq!(listed, made);
    assert_eq!(
        pg.count("SELECT count(*) FROM events WHERE type = 'api-key.generated'"),
        5
    );
    assert_eq!(
        pg.count(
            "SELECT count(*) FROM events WHERE type = 'access.denied' \
             AND details LIKE '%key limit reached%'"
        ),
        11
    );
    assert_eq!(
        pg.count("SELECT max(id) - count(*) FROM events"),
        0,
        "the chain has no gaps"
    );
    assert!(
        pg.ok("admin", &["events", "verify"])
            .contains("chain intact")
    );
}

#[test]
fn two_tenants_in_one_database_are_independent() {
    let Some(base) = Pg::empty() else {
        return;
    };
    base.db
        .client()
        .batch_execute("CREATE SCHEMA t1; CREATE SCHEMA t2")
        .unwrap();
    let tenant = |schema: &str| Pg {
        db: base.db.clone(),
        url: base
            .db
            .url_with(&format!("options=-csearch_path%3D{schema}")),
    };
    let (t1, t2) = (tenant("t1"), tenant("t2"));
    t1.ok("alice", &["init", "--admin", "alice"]);
    t2.ok("bob", &["init", "--admin", "bob"]);
    t1.ok("alice", &["settings", "enable"]);
    t1.ok("alice", &["users", "grant", "alice", "developer"]);
    let (id, secret) = t1.generate("alice", "one");
    // Each tenant knows only its own users, keys and settings.
    assert_eq!(code(&t2.run("alice", &["keys", "list"])), 4);
    assert_eq!(t2.ok("bob", &["keys", "list", "-q"]), "");
    assert_eq!(code(&t2.run("bob", &["keys", "show", &id])), 3);
    assert_eq!(code(&t2.verify(&secret)), 5);
    assert_eq!(code(&t1.verify(&secret)), 0);
    let s2: Value = serde_json::from_str(&t2.ok("bob", &["settings", "--format", "json"])).unwrap();
    assert_eq!(s2["enabled"], false);
    assert!(
        t1.ok("alice", &["events", "verify"])
            .contains("chain intact")
    );
    assert!(t2.ok("bob", &["events", "verify"]).contains("chain intact"));
    // The public schema holds no tenant.
    let a = base.run("alice", &["keys", "list"]);
    assert_eq!(code(&a), 1);
}

#[test]
fn init_over_a_schema_that_holds_tables_is_refused() {
    let Some(pg) = Pg::empty() else {
        return;
    };
    pg.db
        .client()
        .batch_execute("CREATE TABLE other (x int)")
        .unwrap();
    let a = pg.run("admin", &["init", "--admin", "admin"]);
    assert_eq!(code(&a), 5, "{}", stderr(&a));
    assert!(stderr(&a).contains("nothing changed"), "{}", stderr(&a));
    assert_eq!(
        pg.count("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"),
        1
    );
    // And a second init over a tenant.
    let Some(pg) = Pg::with_dev() else {
        return;
    };
    assert_eq!(code(&pg.run("admin", &["init", "--admin", "admin"])), 5);
}

#[test]
fn a_schema_without_a_tenant_is_refused_naming_init() {
    let Some(pg) = Pg::empty() else {
        return;
    };
    for args in [
        &["keys", "list"][..],
        &["events", "verify"],
        &["users", "list"],
    ] {
        let a = pg.run("admin", args);
        assert_eq!(code(&a), 1);
        let err = stderr(&a);
        assert!(err.contains("keyctl init"), "{err}");
        assert_eq!(err.lines().count(), 1, "{err}");
    }
    let v = pg.verify(&assemble("0123456789abcdef", &"A".repeat(SECRET_LEN)));
    assert_eq!(code(&v), 1);
    assert_eq!(
        pg.count("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"),
        0
    );
}

#[test]
fn a_server_that_is_down_is_one_line_without_the_password() {
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let url = format!("postgres://alice:s3cr3t-pw@127.0.0.1:{port}/tenantdb?connect_timeout=5");
    for args in [
        &["keys", "list"][..],
        &["init", "--admin", "alice"],
        &["events", "verify"],
    ] {
        let a = bare()
            .arg("--db")
            .arg(&url)
            .arg("--as")
            .arg("alice")
            .args(args)
            .write_stdin("")
            .assert();
        assert_eq!(code(&a), 1);
        let err = stderr(&a);
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(err.starts_with("error: "), "{err}");
        assert!(
            err.contains(&format!("alice@127.0.0.1:{port}/tenantdb")),
            "{err}"
        );
        assert!(!err.contains("s3cr3t"), "{err}");
        assert!(!stdout(&a).contains("s3cr3t"));
    }
}

#[test]
fn events_verify_names_an_event_edited_with_triggers_disabled() {
    let Some(pg) = Pg::with_dev() else {
        return;
    };
    let (id, _) = pg.generate("dev", "victim");
    pg.ok("admin", &["revoke", &id, "--yes"]);
    assert!(
        pg.ok("admin", &["events", "verify"])
            .contains("chain intact")
    );
    let edited: i64 = pg
        .db
        .client()
        .query_one(
            "SELECT id FROM events WHERE type = 'api-key.generated' AND key_id = $1",
            &[&id],
        )
        .unwrap()
        .get(0);
    pg.db
        .client()
        .batch_execute(&format!(
            "ALTER TABLE events DISABLE TRIGGER ALL; \
             UPDATE events SET details = replace(details, 'victim', 'innocent') WHERE id = {edited}; \
             ALTER TABLE events ENABLE TRIGGER ALL"
        ))
        .unwrap();
    let a = pg.run("admin", &["events", "verify"]);
    assert_eq!(code(&a), 1);
    let err = stderr(&a);
    assert!(err.contains(&format!("event {edited}")), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
}

#[test]
fn follow_sees_other_connections_and_a_lost_connection_is_one_line() {
    use std::io::{BufRead, BufReader};
    let Some(pg) = Pg::with_dev() else {
        return;
    };
    let mut child = bare_std()
        .arg("--db")
        .arg(pg.db.url_with("application_name=follower"))
        .args(["--as", "admin", "events", "--follow", "--limit", "1"])
        .arg("--format")
        .arg("csv")
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    assert!(lines.next().unwrap().unwrap().starts_with("id,"));
    assert!(lines.next().unwrap().unwrap().contains("user.added"));
    pg.ok("admin", &["users", "add", "zed"]);
    let line = lines.next().unwrap().unwrap();
    assert!(
        line.contains("user.added") && line.contains("zed"),
        "{line}"
    );
    // The server ends the follower's session: exit 1, one line naming the database.
    let ended: i64 = pg
        .db
        .client()
        .query_one(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity \
             WHERE application_name = 'follower'",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(ended, 1);
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains(&format!("/{}", pg.db.name)), "{err}");
}

#[test]
fn the_library_opens_postgres_from_the_same_string() {
    use keyctl::{Expiry, Role, SettingChange, Tenant, Verifier};
    let Some(pg) = Pg::empty() else {
        return;
    };
    let mut t = Tenant::create(&pg.url, "admin", "admin").unwrap();
    let admin = t
        .operator("admin", keyctl::policy::Action::ReadKeys)
        .unwrap();
    t.change_setting(&admin, SettingChange::Enabled(true))
        .unwrap();
    t.add_user(&admin, "svc", &[Role::Developer], true).unwrap();
    let svc = t.operator("svc", keyctl::policy::Action::ReadKeys).unwrap();
    let g = t.generate_key(&svc, "service", Expiry::Default).unwrap();
    assert!(t.describe().ends_with(&format!("/{}", pg.db.name)));
    assert!(!t.describe().contains("://"));
    for _ in 0..3 {
        assert_eq!(t.verify(&g.secret).unwrap().unwrap().id, g.key.id);
    }
    let mut v = Verifier::open(&pg.url).unwrap();
    for _ in 0..5 {
        assert_eq!(v.verify(&g.secret).unwrap().unwrap().id, g.key.id);
    }
    v.flush().unwrap();
    // Recorded: folded into `uses` or still pending (docs/USAGE.md).
    let uses: i64 = pg
        .db
        .client()
        .query_one(
            "SELECT uses + (SELECT count(*) FROM usage) FROM keys WHERE id = $1",
            &[&g.key.id],
        )
        .unwrap()
        .get(0);
    assert_eq!(uses, 8);
    pg.ok("admin", &["events", "head"]);
    assert_eq!(pg.count("SELECT count(*) FROM usage"), 0, "folded");
    let (uses, logged): (i64, i64) = {
        let row = pg
            .db
            .client()
            .query_one(
                "SELECT (SELECT uses FROM keys WHERE id = $1), \
                        (SELECT coalesce(sum((details::jsonb ->> 'uses')::bigint), 0)::bigint \
                         FROM events WHERE type = 'api-key.used')",
                &[&g.key.id],
            )
            .unwrap();
        (row.get(0), row.get(1))
    };
    assert_eq!((uses, logged), (8, 8));
    assert!(
        pg.ok("admin", &["events", "verify"])
            .contains("chain intact")
    );
}

#[test]
fn init_never_echoes_a_password_from_the_url() {
    let Some(pg) = Pg::empty() else {
        return;
    };
    // Trust authentication ignores the password; it must still appear nowhere.
    let url = pg.url.replacen("://root@", "://root:s3cr3t-pw@", 1);
    if !url.contains("s3cr3t-pw") {
        return; // the test server URL names another user
    }
    let a = bare()
        .args(["--db", &url, "--as", "admin", "init", "--admin", "admin"])
        .write_stdin("")
        .assert();
    assert_eq!(code(&a), 0, "{}", stderr(&a));
    let all = format!("{}{}", stdout(&a), stderr(&a));
    assert!(!all.contains("s3cr3t"), "{all}");
    assert!(all.contains(&format!("/{}", pg.db.name)), "{all}");
}

#[test]
fn a_bulk_revoke_of_a_thousand_ids_on_stdin_is_one_transaction() {
    let Some(pg) = Pg::with_dev() else {
        return;
    };
    pg.db
        .client()
        .batch_execute(
            "INSERT INTO keys (id, hash, name, owner, created, updated, expires) \
             SELECT lpad(i::text, 16, '0'), sha256(i::text::bytea), 'bulk ' || i, 'dev', \
                    1, 1, 4000000000 FROM generate_series(1, 1000) i",
        )
        .unwrap();
    let listed = pg.ok("admin", &["keys", "search", "bulk", "--format", "csv"]);
    assert_eq!(listed.lines().count(), 1001);
    let a = pg.run_in(
        "admin",
        &["revoke", "--yes", "--format", "csv"],
        &format!("{listed}# a comment\n\n0000000000000001\n"),
    );
    assert_eq!(code(&a), 0, "{}", stderr(&a));
    let out = stdout(&a);
    assert_eq!(
        out.lines().filter(|l| l.ends_with(",revoked")).count(),
        1000
    );
    assert_eq!(
        pg.count("SELECT count(*) FROM events WHERE type = 'api-key.revoked'"),
        1000
    );
    assert_eq!(
        pg.count("SELECT count(*) FROM keys WHERE revoked IS NULL"),
        0
    );
    // The chain holds: every revocation is its own event, in one line.
    assert_eq!(
        pg.count("SELECT count(DISTINCT id) - (max(id) - min(id) + 1) FROM events"),
        0
    );
}
