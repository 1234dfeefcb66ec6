//! Black-box tests of the tenant file: `init` and a missing file, and the command-line
//! conventions every command shares (global flags, environment, help/version/
//! completions, errors, closed pipes). Bad files (not SQLite, foreign, truncated, newer,
//! read-only) are in `bad_input.rs`.

// SQLite only: these tests are about the tenant file (creating it, its path, its mode,
// KEYCTL_DB naming a file, what a missing or busy file does); the conventions they share
// with PostgreSQL (help, one-line errors, stdout for data) are also covered per backend
// by the cli_* files.

mod common;
use common::*;

use std::os::unix::fs::PermissionsExt;

#[test]
fn init_creates_a_private_file_in_private_directories() {
    let env = Env::empty(Backend::Sqlite);
    let db = env.dir.path().join("a").join("b").join("tenant.db");
    let a = bare()
        .args(["--as", "root", "--db"])
        .arg(&db)
        .args(["init", "--admin", "boss"])
        .assert();
    assert_eq!(code(&a), 0, "{}", stderr(&a));
    assert_eq!(stdout(&a), "", "init prints no data");
    assert!(stderr(&a).contains("boss"), "{}", stderr(&a));
    assert_eq!(mode(&db), 0o600);
    assert_eq!(mode(&env.dir.path().join("a")), 0o700);
    assert_eq!(mode(&env.dir.path().join("a").join("b")), 0o700);
    // Any journal files left behind are private too.
    for suffix in ["-wal", "-shm"] {
        let p = sidecar(&db, suffix);
        if p.exists() {
            assert_eq!(mode(&p) & 0o077, 0, "{}", p.display());
        }
    }

    let c = rusqlite::Connection::open(&db).unwrap();
    let user: (String, bool, bool, bool) = c
        .query_row(
            "SELECT name, tenant_admin, developer, licence FROM users",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .unwrap();
    assert_eq!(user, ("boss".into(), true, false, true));
    let settings: (bool, i64, i64) = c
        .query_row(
            "SELECT enabled, max_expiry, max_keys_per_user FROM settings",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    assert_eq!(settings, (false, 30 * 86_400, 5));
    let (kind, actor, details): (String, String, String) = c
        .query_row("SELECT type, actor, details FROM events", [], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })
        .unwrap();
    assert_eq!(kind, "user.added");
    assert_eq!(actor, "root", "init records who ran it");
    let details: serde_json::Value = serde_json::from_str(&details).unwrap();
    assert_eq!(details["user"], "boss");
    let journal: String = c
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    assert_eq!(journal, "wal");
    drop(c);

    // The admin made by init works at once, and only as a tenant admin.
    let a = bare()
        .args(["--as", "boss", "--db"])
        .arg(&db)
        .args(["users", "list", "-q"])
        .assert();
    assert_eq!(stdout(&a), "boss\n");
}

#[test]
fn init_in_an_existing_directory_keeps_its_mode() {
    let env = Env::empty(Backend::Sqlite);
    std::fs::set_permissions(env.dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    env.run("admin", &["init", "--admin", "admin"]).success();
    assert_eq!(mode(env.dir.path()), 0o755);
    assert_eq!(mode(&env.db), 0o600);
}

#[test]
fn init_over_an_existing_file_is_refused_untouched() {
    let env = Env::new(Backend::Sqlite);
    env.ok("admin", &["users", "add", "bob"]);
    let before = env.bytes();
    let a = env.run("admin", &["init", "--admin", "other"]);
    assert_eq!(code(&a), 5, "{}", stderr(&a));
    assert!(stderr(&a).starts_with("error: "));
    assert!(stderr(&a).contains("already exists"), "{}", stderr(&a));
    assert_eq!(env.bytes(), before);
    env.ok("admin", &["users", "list"]);

    // Also over a file that is not a database at all.
    let text = env.dir.path().join("notes.txt");
    std::fs::write(&text, "my notes\n").unwrap();
    let a = bare()
        .args(["--as", "x", "--db"])
        .arg(&text)
        .args(["init", "--admin", "x"])
        .assert();
    assert_eq!(code(&a), 5);
    assert_eq!(std::fs::read(&text).unwrap(), b"my notes\n");
}

#[test]
fn init_with_an_invalid_admin_name_is_a_usage_error() {
    let env = Env::empty(Backend::Sqlite);
    let long = "a".repeat(65);
    for bad in ["", "two words", "ctl\u{1}", long.as_str(), "tab\t"] {
        let a = env.run("admin", &["init", "--admin", bad]);
        assert_eq!(code(&a), 2, "{bad:?}: {}", stderr(&a));
        assert!(stderr(&a).starts_with("error: "));
        assert!(!env.db.exists(), "{bad:?} created a file");
        assert!(
            tree(env.dir.path()).is_empty(),
            "{:?}",
            tree(env.dir.path())
        );
    }
    // init without --admin is a usage error too.
    assert_eq!(code(&env.run("admin", &["init"])), 2);
    assert!(!env.db.exists());
}

#[test]
fn every_other_command_refuses_a_missing_file() {
    let env = Env::empty(Backend::Sqlite);
    let nested = env
        .dir
        .path()
        .join("no")
        .join("such")
        .join("dir")
        .join("t.db");
    for db in [&env.db, &nested] {
        for (args, stdin) in NEEDS_FILE {
            let a = bare()
                .args(["--as", "admin", "--db"])
                .arg(db)
                .args(*args)
                .write_stdin(*stdin)
                .assert();
            let err = one_line_error(&a, 1);
            assert!(err.contains(&db.display().to_string()), "{args:?}: {err}");
            assert!(err.contains("keyctl init"), "{args:?}: {err}");
            assert!(tree(env.dir.path()).is_empty(), "{args:?} created files");
        }
    }
    // Through KEYCTL_DB as well, with and without an operator.
    for args in [&["users", "list"][..], &["keys", "verify"]] {
        let a = bare()
            .env("KEYCTL_DB", &nested)
            .env("KEYCTL_USER", "admin")
            .args(args)
            .write_stdin("")
            .assert();
        assert!(one_line_error(&a, 1).contains("keyctl init"));
    }
    assert!(tree(env.dir.path()).is_empty());
}

#[test]
fn help_version_and_completions_need_no_database() {
    let home = tempfile::tempdir().unwrap();
    let missing = home.path().join("nope.db");
    let run = |args: &[&str]| {
        bare()
            .env("HOME", home.path())
            .env("XDG_DATA_HOME", home.path().join("data"))
            .env("KEYCTL_DB", &missing)
            .env("KEYCTL_USER", "nobody")
            .args(args)
            .assert()
    };
    let a = run(&["--help"]);
    assert_eq!(code(&a), 0);
    assert!(stdout(&a).contains("Usage"), "{}", stdout(&a));
    assert!(stdout(&a).contains("Exit codes"));
    let a = run(&["-h"]);
    assert_eq!(code(&a), 0);
    let a = run(&["users", "--help"]);
    assert_eq!(code(&a), 0);
    assert!(stdout(&a).contains("grant"));
    let a = run(&["help", "events"]);
    assert_eq!(code(&a), 0);
    let a = run(&["--version"]);
    assert_eq!(code(&a), 0);
    assert_eq!(
        stdout(&a),
        format!("keyctl {}\n", env!("CARGO_PKG_VERSION"))
    );
    let a = run(&["users", "list", "--version"]);
    assert_eq!(code(&a), 0, "version propagates to subcommands");
    for (shell, marker) in [
        ("bash", "complete"),
        ("zsh", "#compdef"),
        ("fish", "complete -c keyctl"),
    ] {
        let a = run(&["completions", shell]);
        assert_eq!(code(&a), 0, "{shell}: {}", stderr(&a));
        assert!(stdout(&a).contains(marker), "{shell}");
        assert!(stdout(&a).contains("revoke"), "{shell}");
        assert_eq!(stderr(&a), "", "{shell}");
    }
    assert_eq!(code(&run(&["completions", "tcsh"])), 2);
    assert!(!missing.exists());
    assert!(tree(home.path()).is_empty(), "{:?}", tree(home.path()));
}

#[test]
fn unknown_flags_and_subcommands_are_usage_errors() {
    let env = Env::new(Backend::Sqlite);
    let before = env.bytes();
    for args in [
        &["users", "list", "--bogus"][..],
        &["--bogus", "users", "list"],
        &["users", "frobnicate"],
        &["frobnicate"],
        &[],
        &["users"],
        &["--format", "xml", "users", "list"],
        &["users", "grant", "admin", "superuser"],
        &["users", "licence", "admin", "maybe"],
        &["settings", "set", "colour", "red"],
        &["keys", "list", "--status", "zombie"],
        &["keys", "list", "--sort", "colour"],
    ] {
        let a = env.run("admin", args);
        assert_eq!(code(&a), 2, "{args:?}: {}", stderr(&a));
        assert_eq!(stdout(&a), "", "{args:?}");
        assert!(!stderr(&a).is_empty(), "{args:?}");
    }
    assert!(env.bytes() == before);
    assert_eq!(env.count_events("access.denied"), 0);
}

#[test]
fn flags_beat_environment_and_go_anywhere() {
    let env = Env::new(Backend::Sqlite);
    let other = Env::new(Backend::Sqlite);
    other.ok("admin", &["users", "add", "only-in-other"]);

    // --as beats KEYCTL_USER.
    let a = bare()
        .env("KEYCTL_USER", "ghost")
        .env("KEYCTL_DB", &env.db)
        .args(["--as", "admin", "users", "list", "-q"])
        .assert();
    assert_eq!(code(&a), 0, "{}", stderr(&a));
    assert_eq!(stdout(&a), "admin\n");
    assert_eq!(env.count_events("access.denied"), 0);

    // KEYCTL_USER alone is used.
    let a = bare()
        .env("KEYCTL_USER", "ghost")
        .env("KEYCTL_DB", &env.db)
        .args(["users", "list"])
        .assert();
    assert_eq!(code(&a), 4);
    assert_eq!(env.count_events("access.denied"), 1);
    let actor: String = env
        .sql()
        .query_row(
            "SELECT actor FROM events WHERE type = 'access.denied'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(actor, "ghost");
    bare()
        .env("KEYCTL_USER", "admin")
        .env("KEYCTL_DB", &env.db)
        .args(["users", "list"])
        .assert()
        .success();

    // --db beats KEYCTL_DB.
    let a = bare()
        .env("KEYCTL_DB", &env.db)
        .env("KEYCTL_USER", "admin")
        .arg("--db")
        .arg(&other.db)
        .args(["users", "list", "-q"])
        .assert();
    assert_eq!(stdout(&a), "admin\nonly-in-other\n");
    let a = bare()
        .env("KEYCTL_DB", "/nonexistent/keyctl.db")
        .env("KEYCTL_USER", "admin")
        .args(["users", "list", "-q", "--db"])
        .arg(&other.db)
        .assert();
    assert_eq!(code(&a), 0, "{}", stderr(&a));
    assert_eq!(stdout(&a), "admin\nonly-in-other\n");

    // Global flags after the subcommand, in any order.
    let a = bare()
        .args(["users", "list", "--format", "csv", "--as", "admin", "--db"])
        .arg(&env.db)
        .assert();
    assert_eq!(code(&a), 0, "{}", stderr(&a));
    assert!(stdout(&a).starts_with("name,roles,licence,created\nadmin,"));
    let a = bare()
        .arg("--db")
        .arg(&env.db)
        .args(["--as=admin", "--format=json", "-q", "users", "list"])
        .assert();
    assert_eq!(stdout(&a), "admin\n");
    let a = bare()
        .arg("--db")
        .arg(&env.db)
        .args(["settings", "set", "max-keys-per-user", "9", "--as", "admin"])
        .assert();
    assert_eq!(code(&a), 0, "{}", stderr(&a));
    let n: i64 = env
        .sql()
        .query_row("SELECT max_keys_per_user FROM settings", [], |r| r.get(0))
        .unwrap();
    assert_eq!(n, 9);
}

#[test]
fn errors_are_one_line_without_backtraces() {
    let env = Env::with_dev(Backend::Sqlite);
    let cases: &[(&[&str], i32)] = &[
        (&["users", "add", "admin"], 5),
        (&["users", "grant", "nobody", "developer"], 3),
        (&["users", "add", "bad name"], 2),
        (&["settings", "set", "max-expiry", "0d"], 2),
        (&["events", "show", "12345"], 3),
        (&["keys", "show", "0123456789abcdef"], 3),
        (&["users", "remove", "admin", "--yes"], 5),
        (&["users", "remove", "dev"], 2),
    ];
    for backtrace in ["1", "full"] {
        for (args, want) in cases {
            let a = env
                .cmd("admin")
                .env("RUST_BACKTRACE", backtrace)
                .env("RUST_LIB_BACKTRACE", backtrace)
                .args(*args)
                .write_stdin("")
                .assert();
            let err = stderr(&a);
            assert_eq!(code(&a), *want, "{args:?}: {err}");
            assert!(err.starts_with("error: "), "{err}");
            assert_eq!(err.lines().count(), 1, "{args:?}: {err:?}");
            assert!(!err.to_lowercase().contains("backtrace"), "{err}");
            assert!(!err.contains("stack"), "{err}");
            assert_eq!(stdout(&a), "", "{args:?}");
        }
        // An unknown operator and a missing file, too.
        let a = env
            .cmd("ghost")
            .env("RUST_BACKTRACE", backtrace)
            .args(["events"])
            .assert();
        assert_eq!(code(&a), 4);
        assert!(!stderr(&a).to_lowercase().contains("backtrace"));
        assert_eq!(stderr(&a).lines().count(), 1);
        let a = bare()
            .env("RUST_BACKTRACE", backtrace)
            .args([
                "--as",
                "admin",
                "--db",
                "/nonexistent/dir/x.db",
                "users",
                "list",
            ])
            .assert();
        assert_eq!(code(&a), 1);
        assert!(!stderr(&a).to_lowercase().contains("backtrace"));
        assert_eq!(stderr(&a).lines().count(), 1);
    }
}

#[test]
fn closed_pipe_on_keys_list_ends_quietly() {
    let env = Env::with_dev(Backend::Sqlite);
    {
        // Many keys, written straight into the file (hashes are random bytes: none
        // of these keys can ever verify).
        let mut c = env.sql();
        let tx = c.transaction().unwrap();
        let now = keyctl::now();
        {
            let mut stmt = tx
                .prepare(
                    "INSERT INTO keys (id, hash, name, owner, created, updated, expires) \
                     VALUES (?1, ?2, ?3, 'dev', ?4, ?4, ?5)",
                )
                .unwrap();
            for i in 0..3000u32 {
                let id = format!("{i:016x}");
                let mut hash = [0u8; 32];
                hash[..4].copy_from_slice(&i.to_be_bytes());
                stmt.execute(rusqlite::params![
                    id,
                    &hash[..],
                    format!("ci deploy key number {i}"),
                    now - i64::from(i),
                    now + 86_400
                ])
                .unwrap();
            }
        }
        tx.commit().unwrap();
    }
    for (cmd, extra) in [
        ("keys list", "--format=csv"),
        ("keys list", "--format=json"),
        ("keys list", "--format=table"),
        ("keys list", "-q"),
        ("keys search deploy", "-q"),
        ("events", "--format=json"),
    ] {
        let (status, err) = head_pipe(&env, cmd, extra);
        assert_eq!(status, Some(0), "{cmd} {extra}: {err:?}");
        assert_eq!(err, "", "{cmd} {extra}");
    }
    // The listing itself is complete when nobody closes the pipe.
    let q = env.ok("admin", &["keys", "list", "-q"]);
    assert_eq!(q.lines().count(), 3000);
}

#[test]
fn stdout_carries_only_data() {
    let env = Env::with_dev(Backend::Sqlite);
    // Changes: messages go to stderr only.
    for args in [
        &["settings", "set", "max-expiry", "7d"][..],
        &["settings", "enable"],
        &["users", "grant", "dev", "developer"],
        &["users", "licence", "dev", "on"],
    ] {
        let a = env.run("admin", args);
        assert_eq!(code(&a), 0, "{args:?}");
        assert_eq!(stdout(&a), "", "{args:?}");
    }
    // JSON everywhere it lists things is one valid document.
    for args in [
        &["users", "list"][..],
        &["settings"],
        &["events"],
        &["events", "show", "1"],
        &["events", "head"],
        &["events", "verify"],
        &["events", "top"],
        &["keys", "list"],
    ] {
        let mut all = args.to_vec();
        all.extend(["--format", "json"]);
        let out = env.ok("admin", &all);
        serde_json::from_str::<serde_json::Value>(&out)
            .unwrap_or_else(|e| panic!("{args:?}: {e}: {out}"));
    }
    // CSV has a header row.
    for (args, header) in [
        (&["users", "list"][..], "name,roles,licence,created"),
        (&["settings"], "enabled,max_expiry,max_keys_per_user"),
        (&["events"], "id,time,type,actor,key_id,details,hash"),
        (
            &["keys", "list"],
            "id,name,owner,updated,created,expires,status,last_used,uses,replaced_by",
        ),
    ] {
        let mut all = args.to_vec();
        all.extend(["--format", "csv"]);
        let out = env.ok("admin", &all);
        assert_eq!(out.lines().next(), Some(header), "{args:?}");
    }
}
