//! Secrets at rest (SPEC §2, §6, §10; issue 5): no part of a key's secret in the
//! database, its WAL or its shared-memory file, in any event, or in any error; the file
//! is 0600 and a directory keyctl creates 0700; the hash comparison is constant-time.

// Tests in `backends!` run on SQLite and PostgreSQL; the rest are SQLite only: the
// file's and directories' modes are about the file.

#[macro_use]
mod common;
use common::*;

/// The secret part of a key: the 43 characters after `kc_ID_` (the checksum after them
/// is derived from it, so it is checked separately).
fn secret_part(key: &str) -> &str {
    &key[20..63]
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// Fragments of a key that must never be found: the whole key, its secret, and any
/// 16-character window of the secret (so a partial copy is caught too).
fn fragments(key: &str) -> Vec<String> {
    let secret = secret_part(key);
    let mut out = vec![key.to_owned(), secret.to_owned(), key[20..].to_owned()];
    for start in (0..=secret.len() - 16).step_by(9) {
        out.push(secret[start..start + 16].to_owned());
    }
    out
}

fn assert_absent(what: &str, bytes: &[u8], keys: &[String]) {
    for key in keys {
        for f in fragments(key) {
            assert!(
                !contains(bytes, f.as_bytes()),
                "{what} contains a secret fragment {f}: {}",
                String::from_utf8_lossy(&bytes[..bytes.len().min(2000)])
            );
        }
    }
}

/// No secret in the stored data (on SQLite the file, its WAL and shared memory; on
/// PostgreSQL every row of every table, see [`tenant_dump`]), any event or any error.
fn no_secret_anywhere(b: Backend) {
    let env = Env::with_dev(b);
    env.ok("admin", &["settings", "set", "max-keys-per-user", "20"]);
    // A second connection holds the WAL open so that nothing is checkpointed away and
    // deleted before it is read.
    let holder = env.is_sqlite().then(|| {
        let holder = env.sql();
        holder.pragma_update(None, "wal_autocheckpoint", 0).unwrap();
        let _: i64 = holder
            .query_row("SELECT count(*) FROM keys", [], |r| r.get(0))
            .unwrap();
        holder
    });

    let mut keys = Vec::new();
    let mut stderrs = Vec::new();
    // Generate in every output form.
    for (i, format) in ["json", "table", "csv"].iter().enumerate() {
        let a = env
            .cmd("dev")
            .args([
                "keys",
                "generate",
                "--name",
                &format!("k{i}"),
                "--format",
                format,
            ])
            .write_stdin("")
            .assert()
            .success();
        stderrs.push(stderr(&a));
        let out = stdout(&a);
        let key = out
            .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .find(|w| keyctl::token::parse(w).is_ok())
            .unwrap_or_else(|| panic!("no key in {out}"))
            .to_owned();
        keys.push(key);
    }
    let a = env
        .cmd("dev")
        .args(["keys", "generate", "--name", "quiet", "-q"])
        .write_stdin("")
        .assert()
        .success();
    stderrs.push(stderr(&a));
    keys.push(stdout(&a).trim().to_owned());
    assert_eq!(keys.len(), 4);
    for key in &keys {
        assert!(keyctl::token::parse(key).is_ok(), "{key}");
    }

    // Use them, successfully and not.
    for key in &keys {
        let a = env
            .cmd("x")
            .args(["keys", "verify"])
            .write_stdin(key.as_str())
            .assert();
        assert_eq!(code(&a), 0, "{}", stderr(&a));
        stderrs.push(stderr(&a));
        assert!(!contains(
            stdout(&a).as_bytes(),
            secret_part(key).as_bytes()
        ));
    }
    let mut errors = Vec::new();
    let id0 = &keys[0][3..19];
    let mut typo = keys[0].clone().into_bytes();
    typo[30] = if typo[30] == b'a' { b'b' } else { b'a' };
    let typo = String::from_utf8(typo).unwrap();
    let forged = keyctl::token::assemble(id0, &"Z".repeat(43));
    for input in [
        typo.as_str(),
        forged.as_str(),
        &keys[1][..60],
        &format!("{} x", keys[1]),
    ] {
        errors.push(
            env.cmd("x")
                .args(["keys", "verify"])
                .write_stdin(input)
                .assert(),
        );
    }
    // A key pasted where an ID, a name, a user or a time belongs.
    let k = keys[2].as_str();
    for (user, args) in [
        ("admin", vec!["keys", "show", k]),
        ("admin", vec!["revoke", "--yes", k]),
        ("dev", vec!["keys", "delete", "--yes", k]),
        ("dev", vec!["keys", "rename", k, "x"]),
        ("admin", vec!["events", "--key", k]),
        ("admin", vec!["events", "--since", k]),
        ("admin", vec!["users", "add", k]),
        ("admin", vec!["users", "grant", k, "developer"]),
        ("admin", vec!["keys", "verify", k]),
        ("admin", vec!["settings", "set", "max-expiry", k]),
        (
            "dev",
            vec!["keys", "generate", "--name", "x", "--expires-in", k],
        ),
        (k, vec!["keys", "list"]),
    ] {
        errors.push(env.run(user, &args));
    }
    // On stdin, a key instead of an ID: an `invalid id` row that does not repeat it.
    errors.push(
        env.cmd("admin")
            .args(["revoke", "--yes"])
            .write_stdin(format!("{k}\n"))
            .assert(),
    );
    // Revoke and disable, then present the keys again.
    env.ok("admin", &["revoke", "--yes", id0]);
    errors.push(
        env.cmd("x")
            .args(["keys", "verify"])
            .write_stdin(keys[0].as_str())
            .assert(),
    );
    env.ok("admin", &["settings", "disable", "--yes"]);
    errors.push(
        env.cmd("x")
            .args(["keys", "verify"])
            .write_stdin(keys[1].as_str())
            .assert(),
    );
    for a in &errors {
        assert_ne!(code(a), 0, "{}", stderr(a));
        stderrs.push(stderr(a));
        assert_absent("stdout of a failure", stdout(a).as_bytes(), &keys);
    }
    for err in &stderrs {
        assert_absent("stderr", err.as_bytes(), &keys);
    }

    // The files, while the WAL is still alive.
    let files = tenant_dump(&env);
    assert!(
        !env.is_sqlite()
            || files
                .iter()
                .any(|(p, b)| p.ends_with("-wal") && !b.is_empty()),
        "no WAL to check"
    );
    let mut all = Vec::new();
    for (path, bytes) in &files {
        assert_absent(path, bytes, &keys);
        all.extend_from_slice(bytes);
    }
    // The checks look at the right data: the (public) IDs and the hashes are there.
    for key in &keys {
        assert!(
            contains(&all, &key.as_bytes()[3..19]),
            "ID of {key} not found"
        );
        assert!(contains(&all, &keyctl::token::hash(key)), "hash not found");
    }

    // Events, in every format.
    for format in ["json", "csv", "table"] {
        let out = env.ok("admin", &["events", "--format", format]);
        assert_absent("events", out.as_bytes(), &keys);
    }
    let json = env.ok("admin", &["events", "--format", "json"]);
    let events: Vec<serde_json::Value> = serde_json::from_str(&json).unwrap();
    assert!(events.len() > 15);
    env.ok("admin", &["events", "verify"]);

    // And after every connection has closed (the WAL checkpointed into the file).
    drop(holder);
    env.ok("admin", &["keys", "list"]);
    for (path, bytes) in tenant_dump(&env) {
        assert_absent(&path, &bytes, &keys);
    }
}

// SQLite only: reads or writes the file directly.
#[test]
fn database_file_and_new_directories_are_private() {
    let env = Env::empty(Backend::Sqlite);
    let db = env.dir.path().join("new/nested/dir/tenant.db");
    let bare = |args: &[&str]| {
        bare()
            .arg("--db")
            .arg(&db)
            .args(["--as", "admin"])
            .args(args)
            .write_stdin("")
            .assert()
    };
    let a = bare(&["init", "--admin", "admin"]).success();
    assert!(stderr(&a).contains("created"), "{}", stderr(&a));
    assert_eq!(mode(&db), 0o600, "database file mode");
    for dir in ["new", "new/nested", "new/nested/dir"] {
        assert_eq!(mode(&env.dir.path().join(dir)), 0o700, "{dir}");
    }
    // The sidecars SQLite makes while the tenant is in use follow the file's mode.
    let holder = rusqlite::Connection::open(&db).unwrap();
    assert_eq!(code(&bare(&["settings", "enable"])), 0);
    for suffix in ["-wal", "-shm"] {
        let p = sidecar(&db, suffix);
        if p.exists() {
            assert_eq!(mode(&p) & 0o077, 0, "{suffix} readable by others");
        }
    }
    drop(holder);
    // An existing directory keeps its mode; the file is still 0600.
    let env = Env::new(Backend::Sqlite);
    assert_eq!(mode(&env.db), 0o600);
}

backends! {
    fn no_secret_in_the_files_events_or_errors(b) {
        no_secret_anywhere(b);
    }

    fn hash_comparison_is_constant_time(b) {
        // A timing test would be flaky and prove little; instead, check how verify.rs
        // compares the stored and presented hashes: through `subtle`, never `==`.
        let source = include_str!("../src/verify.rs");
        let text: String = source
            .lines()
            .filter(|l| !l.trim_start().starts_with("//"))
            .collect::<Vec<_>>()
            .join("\n");
        assert!(
            text.contains("use subtle::ConstantTimeEq"),
            "subtle not used"
        );
        let ct = text.find(".ct_eq(").expect("no ct_eq call");
        let around = &text[ct.saturating_sub(80)..(ct + 80).min(text.len())];
        assert!(
            around.contains("hash"),
            "ct_eq does not compare the hash: {around}"
        );
        let compact: String = text.split_whitespace().collect();
        for forbidden in [
            "hash==",
            "==parsed.hash",
            "hash!=",
            "!=parsed.hash",
            ".hash.eq(",
            "hash.as_slice()==",
        ] {
            assert!(
                !compact.contains(forbidden),
                "variable-time comparison: {forbidden}"
            );
        }
        // Behaviour: a right ID with a wrong secret is refused as unknown (the comparison
        // is what decides).
        let env = Env::with_dev(b);
        let (id, secret) = env.generate("dev", "k");
        let forged = keyctl::token::assemble(&id, &"A".repeat(43));
        assert_ne!(forged, secret);
        let a = env
            .cmd("x")
            .args(["keys", "verify"])
            .write_stdin(forged)
            .assert();
        assert_eq!(code(&a), 5);
        assert!(stderr(&a).contains("unknown"));
        env.cmd("x")
            .args(["keys", "verify"])
            .write_stdin(secret)
            .assert()
            .success();
    }
}

/// SPEC §11: a password in a `postgres://` URL is never shown, and `--help` is named
/// there explicitly. clap prints an `env` argument's value in help by default, so a
/// `KEYCTL_DB` URL with a password was printed by every `--help`.
#[test]
fn help_never_prints_keyctl_db_or_its_password() {
    let url = "postgres://alice:pw-in-help-3f9a@host-7c1e.invalid/tenant";
    for args in [
        &["--help"][..],
        &["-h"],
        &["keys", "--help"],
        &["keys", "list", "--help"],
        &["copy", "--help"],
        &["events", "--help"],
    ] {
        let out = bare().env("KEYCTL_DB", url).args(args).output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{args:?}");
        let text = String::from_utf8_lossy(&out.stdout).into_owned()
            + &String::from_utf8_lossy(&out.stderr);
        assert!(text.contains("KEYCTL_DB"), "{args:?}: {text}");
        assert!(
            !text.contains("pw-in-help-3f9a"),
            "{args:?} printed the password"
        );
        assert!(
            !text.contains("host-7c1e.invalid"),
            "{args:?} printed KEYCTL_DB's value"
        );
    }
}
