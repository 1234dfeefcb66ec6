//! Bad input (SPEC §5, §7, §10; issue 5): each case gets a clear one-line `error: ...`,
//! the documented exit code, and leaves the file unchanged (its bytes, or a full dump of
//! its tables where SQLite may legitimately touch its `-shm`).

// SQLite only: every case checks the file is left byte-for-byte unchanged, or feeds
// keyctl a bad file (not SQLite, foreign, truncated, newer, read-only).

mod common;
use common::*;

use assert_cmd::assert::Assert;
use std::io::Write;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

const SOME_ID: &str = "0123456789abcdef";

/// Every table's rows (and the header pragmas), for comparing a file before and after.
fn dump(db: &Path) -> String {
    let conn = rusqlite::Connection::open_with_flags(
        db,
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .unwrap();
    let mut out = String::new();
    for pragma in ["user_version", "application_id"] {
        let v: i64 = conn.pragma_query_value(None, pragma, |r| r.get(0)).unwrap();
        out.push_str(&format!("{pragma}={v}\n"));
    }
    let tables: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    for table in tables {
        let mut stmt = conn.prepare(&format!("SELECT * FROM \"{table}\"")).unwrap();
        let n = stmt.column_count();
        let mut rows = stmt.query([]).unwrap();
        while let Some(row) = rows.next().unwrap() {
            let values: Vec<String> = (0..n)
                .map(|i| format!("{:?}", row.get::<_, rusqlite::types::Value>(i).unwrap()))
                .collect();
            out.push_str(&format!("{table}: {}\n", values.join(" | ")));
        }
    }
    out
}

/// Runs `args` as `user` with `input` on stdin, tolerating a process that stops reading
/// early (a 1 MB line is more than `keys verify` reads).
fn run_with_stdin(env: &Env, user: &str, args: &[&str], input: &[u8]) -> Assert {
    let mut child = env
        .std_cmd(user)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let input = input.to_vec();
    let feeder = std::thread::spawn(move || {
        let _ = stdin.write_all(&input);
    });
    let out = child.wait_with_output().unwrap();
    feeder.join().unwrap();
    Assert::new(out)
}

/// Every command that needs a tenant file refuses the file at `env.db`, as `admin` and
/// as `dev`: exit 1 and one line that names the file and says `says`; the file's bytes
/// and the directory are unchanged; `init` over it is refused as an existing file.
/// Returns the error lines.
fn refused_untouched(env: &Env, says: &str) -> Vec<String> {
    let before = env.bytes();
    let files = tree(env.dir.path());
    let mut errors = Vec::new();
    for (args, stdin) in NEEDS_FILE {
        for user in ["admin", "dev"] {
            let a = env.cmd(user).args(*args).write_stdin(*stdin).assert();
            let err = one_line_error(&a, 1);
            assert!(err.contains(says), "{args:?}: {err}");
            assert!(err.contains("tenant.db"), "names the file: {err}");
            assert!(env.bytes() == before, "{args:?} changed the file");
            assert_eq!(tree(env.dir.path()), files, "{args:?} left files behind");
            errors.push(err);
        }
    }
    one_line_error(&env.run("admin", &["init", "--admin", "admin"]), 5);
    assert!(env.bytes() == before, "init changed the file");
    errors
}

#[test]
fn not_an_sqlite_file() {
    for content in [
        b"name,secret\nalice,hunter2\n".repeat(200),
        Vec::new(),
        b"SQLite format 3\0".to_vec(),
        vec![0u8; 8192],
    ] {
        let env = Env::empty(Backend::Sqlite);
        std::fs::write(&env.db, &content).unwrap();
        for err in refused_untouched(&env, "not a keyctl database") {
            assert!(!err.contains("hunter2"), "file content echoed: {err}");
        }
    }
}

#[test]
fn truncated_database() {
    let template = Env::with_dev(Backend::Sqlite);
    for i in 0..3 {
        template.generate("dev", &format!("k{i}"));
    }
    let bytes = template.bytes();
    assert!(bytes.len() >= 8 * 4096, "a tenant of several pages");
    for cut in [
        bytes.len() / 2,
        bytes.len() / 4,
        bytes.len() * 3 / 4,
        4096,
        100,
        99,
    ] {
        let env = Env::empty(Backend::Sqlite);
        std::fs::write(&env.db, &bytes[..cut]).unwrap();
        // Under 100 bytes even the header is incomplete.
        let says = if cut < 100 {
            "not a keyctl database"
        } else {
            "damaged (truncated or corrupt)"
        };
        refused_untouched(&env, says);
    }
}

#[test]
fn foreign_sqlite_database() {
    for (wal, sql) in [
        (
            false,
            "CREATE TABLE keys (id TEXT); INSERT INTO keys VALUES ('0123456789abcdef');\
             CREATE TABLE users (name TEXT); INSERT INTO users VALUES ('admin');",
        ),
        (
            false,
            "CREATE TABLE users (name TEXT, password TEXT);
             INSERT INTO users VALUES ('admin', 'x');
             CREATE TABLE settings (k TEXT, v TEXT);",
        ),
        (
            true,
            "CREATE TABLE events (id INTEGER PRIMARY KEY, x TEXT);",
        ),
    ] {
        let env = Env::empty(Backend::Sqlite);
        {
            let conn = rusqlite::Connection::open(&env.db).unwrap();
            if wal {
                conn.pragma_update(None, "journal_mode", "WAL").unwrap();
            }
            conn.execute_batch(sql).unwrap();
        }
        refused_untouched(&env, "an SQLite file of another program");
    }
}

#[test]
fn newer_schema() {
    let env = Env::with_dev(Backend::Sqlite);
    let version: i64 = env
        .sql()
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .unwrap();
    {
        let conn = env.sql();
        conn.pragma_update(None, "user_version", 99).unwrap();
        checkpoint(&conn);
    }
    let err = env.run("admin", &["keys", "list"]);
    assert!(one_line_error(&err, 1).contains("schema version 99"));
    refused_untouched(&env, "newer than this keyctl understands");
    // Put back, it opens again.
    env.sql()
        .pragma_update(None, "user_version", version)
        .unwrap();
    env.ok("admin", &["users", "list"]);
}

/// Runs a command as the unprivileged `nobody` (uid 65534) on a copy of the binary
/// that it can execute.
fn as_nobody(bin: &Path, db: &Path, args: &[&str]) -> Assert {
    use std::os::unix::process::CommandExt;
    let mut tries = 0;
    loop {
        let out = Command::new(bin)
            .uid(65534)
            .gid(65534)
            .env_clear()
            .arg("--db")
            .arg(db)
            .args(args)
            .stdin(Stdio::null())
            .output();
        match out {
            // "Text file busy": a process forked by a concurrent test still held the
            // freshly copied binary open for writing when it was executed.
            Err(e) if e.raw_os_error() == Some(libc::ETXTBSY) && tries < 50 => {
                tries += 1;
                std::thread::sleep(std::time::Duration::from_millis(20));
            }
            out => return Assert::new(out.unwrap()),
        }
    }
}

/// Runs the binary on `db` with `args` (which name the operator, if any), with no
/// KEYCTL_USER from outside.
fn run_on(db: &Path, args: &[&str]) -> Assert {
    Assert::new(
        bare_std()
            .arg("--db")
            .arg(db)
            .args(args)
            .stdin(Stdio::null())
            .output()
            .unwrap(),
    )
}

/// Reads work on a read-only file; writes fail with exit 1 and change nothing.
fn read_only_checks(db: &Path, run: &dyn Fn(&[&str]) -> Assert, id: &str) -> usize {
    let before = dump(db);
    let bytes = std::fs::read(db).unwrap();
    let listed = stdout(&run(&["--as", "admin", "keys", "list", "-q"]).success());
    assert_eq!(listed.trim(), id);
    run(&["--as", "admin", "events", "verify"]).success();
    run(&["--as", "admin", "settings"]).success();
    run(&["--as", "dev", "keys", "show", id]).success();
    let mut tried = 4;
    for args in [
        &["--as", "admin", "revoke", "--yes", id][..],
        &["--as", "dev", "keys", "generate", "--name", "x"],
        &["--as", "dev", "keys", "rename", id, "y"],
        &["--as", "admin", "settings", "disable", "--yes"],
        &["--as", "admin", "users", "add", "eve"],
    ] {
        let err = one_line_error(&run(args), 1);
        assert!(err.contains("read-only"), "{args:?}: {err}");
        tried += 1;
    }
    // An unknown operator is still refused as such (the denial cannot be recorded).
    let err = one_line_error(&run(&["--as", "ghost", "keys", "list"]), 4);
    assert!(err.contains("unknown operator"), "{err}");
    assert_eq!(std::fs::read(db).unwrap(), bytes, "file bytes changed");
    assert_eq!(dump(db), before);
    tried + 1
}

struct Immutable(PathBuf);

impl Drop for Immutable {
    fn drop(&mut self) {
        let _ = Command::new("chattr").arg("-i").arg(&self.0).status();
    }
}

fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions.
    unsafe { libc::geteuid() == 0 }
}

#[test]
fn read_only_file_reads_work_writes_fail_cleanly() {
    let env = Env::with_dev(Backend::Sqlite);
    let (id, _) = env.generate("dev", "ro");
    let mut checked = 0;
    if is_root() {
        // Root ignores permission bits, so (1) run as nobody, and (2) try chattr +i.
        let bin_dir = tempfile::tempdir().unwrap();
        std::fs::set_permissions(bin_dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
        let bin = bin_dir.path().join("keyctl");
        std::fs::copy(env!("CARGO_BIN_EXE_keyctl"), &bin).unwrap();
        std::fs::set_permissions(&bin, std::fs::Permissions::from_mode(0o755)).unwrap();
        for dir_mode in [0o755, 0o777] {
            // 0755: nobody cannot create the -shm either (read as immutable);
            // 0777: it can, and SQLite opens the file read-only.
            let dir = tempfile::tempdir().unwrap();
            let db = dir.path().join("tenant.db");
            std::fs::copy(&env.db, &db).unwrap();
            std::fs::set_permissions(&db, std::fs::Permissions::from_mode(0o644)).unwrap();
            std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(dir_mode))
                .unwrap();
            let run = |args: &[&str]| as_nobody(&bin, &db, args);
            read_only_checks(&db, &run, &id);
            checked += 1;
        }
        let copy = env.dir.path().join("immutable.db");
        std::fs::copy(&env.db, &copy).unwrap();
        let set = Command::new("chattr").arg("+i").arg(&copy).output();
        if set.is_ok_and(|o| o.status.success()) {
            let _guard = Immutable(copy.clone());
            let run = |args: &[&str]| run_on(&copy, args);
            read_only_checks(&copy, &run, &id);
            checked += 1;
        } else {
            eprintln!("chattr +i is not available here; checked as nobody only");
        }
    } else {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("tenant.db");
        std::fs::copy(&env.db, &db).unwrap();
        std::fs::set_permissions(&db, std::fs::Permissions::from_mode(0o444)).unwrap();
        std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o555)).unwrap();
        let run = |args: &[&str]| run_on(&db, args);
        read_only_checks(&db, &run, &id);
        std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
        checked += 1;
    }
    assert!(checked >= 1);
}

/// Issue 8 #3: a read of a file this process may not write leaves no `-wal`/`-shm`
/// behind (SQLite would create them with the file's mode, 0400 here, so the owner's next
/// write failed with "attempt to write a readonly database"); it still sees changes that
/// are committed but only in the WAL of a connection open elsewhere.
#[test]
fn a_read_without_write_access_leaves_the_tenant_writable() {
    let env = Env::with_dev(Backend::Sqlite);
    let dir = tempfile::tempdir().unwrap();
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let db = dir.path().join("tenant.db");
    std::fs::copy(&env.db, &db).unwrap();
    let bin = dir.path().join("keyctl");
    std::fs::copy(env!("CARGO_BIN_EXE_keyctl"), &bin).unwrap();
    std::fs::set_permissions(&bin, std::fs::Permissions::from_mode(0o755)).unwrap();
    let run = |args: &[&str]| -> Assert {
        if is_root() {
            // Root ignores permission bits: act as an unprivileged owner of the file.
            as_nobody(&bin, &db, args)
        } else {
            run_on(&db, args)
        }
    };
    if is_root() {
        for p in [dir.path(), db.as_path()] {
            std::os::unix::fs::chown(p, Some(65534), Some(65534)).unwrap();
        }
    }
    let set_mode = |m| std::fs::set_permissions(&db, std::fs::Permissions::from_mode(m)).unwrap();
    let sidecars = || {
        ["-wal", "-shm"]
            .iter()
            .filter(|s| sidecar(&db, s).exists())
            .count()
    };
    set_mode(0o400);
    run(&["--as", "admin", "settings"]).success();
    run(&["--as", "dev", "keys", "list"]).success();
    assert_eq!(sidecars(), 0, "a read left sidecar files");
    set_mode(0o600);
    run(&["--as", "admin", "settings", "set", "max-keys-per-user", "7"]).success();
    run(&["--as", "admin", "events", "verify"]).success();

    // A writer elsewhere holds committed changes in its WAL: a read-only reader sees them.
    let writer = rusqlite::Connection::open(&db).unwrap();
    writer.pragma_update(None, "wal_autocheckpoint", 0).unwrap();
    writer
        .execute("UPDATE settings SET max_keys_per_user = 9", [])
        .unwrap();
    assert!(std::fs::metadata(sidecar(&db, "-wal")).unwrap().len() > 0);
    set_mode(0o400);
    let shown = stdout(&run(&["--as", "admin", "settings", "--format", "json"]).success());
    assert!(shown.contains("\"max_keys_per_user\": 9"), "{shown}");
    drop(writer);
    set_mode(0o600);
    run(&["--as", "admin", "settings", "set", "max-keys-per-user", "8"]).success();
}

fn garbage_stdin() -> Vec<u8> {
    let mut input = Vec::new();
    input.extend_from_slice(b"\xff\xfe\xfd not utf-8\n");
    input.extend_from_slice(b"0123\x00456789abcdef\n");
    input.extend_from_slice(b"\x00\x00\x00\n");
    input.extend(std::iter::repeat_n(b'a', 1 << 20));
    input.push(b'\n');
    input.extend_from_slice(b"\x1b[31mred\x1b[0m\n");
    input
}

#[test]
fn revoke_stdin_garbage() {
    let env = Env::with_dev(Backend::Sqlite);
    let (id, _) = env.generate("dev", "target");
    let before = dump(&env.db);
    // Garbage only: every line an `invalid id` result, exit 2, nothing changed.
    let a = run_with_stdin(
        &env,
        "admin",
        &["revoke", "--yes", "--format", "json"],
        &garbage_stdin(),
    );
    assert_eq!(code(&a), 2, "{}", stderr(&a));
    let rows: Vec<serde_json::Value> = serde_json::from_str(&stdout(&a)).unwrap();
    assert_eq!(rows.len(), 5);
    for row in &rows {
        assert_eq!(row["result"], "invalid id");
        let shown = row["id"].as_str().unwrap();
        assert!(shown.chars().count() <= 65, "long line echoed whole");
    }
    // JSON escapes what it carries: no raw control byte reaches the terminal.
    assert!(!stdout(&a).chars().any(|c| c.is_control() && c != '\n'));
    assert_eq!(stderr(&a).lines().count(), 1, "{}", stderr(&a));
    assert_eq!(dump(&env.db), before);
    // The table rendering escapes too.
    for format in ["table", "csv"] {
        let a = run_with_stdin(
            &env,
            "admin",
            &["revoke", "--yes", "--format", format],
            &garbage_stdin(),
        );
        assert_eq!(code(&a), 2);
        let out = stdout(&a);
        assert!(
            !out.chars()
                .any(|c| c.is_control() && c != '\n' && c != '\r'),
            "raw control characters in {format} output: {out:?}"
        );
    }
    assert_eq!(dump(&env.db), before);

    // Garbage around one real ID: it is revoked, the rest reported, exit 6.
    let mut input = garbage_stdin();
    input.extend_from_slice(format!("{id}\n").as_bytes());
    let a = run_with_stdin(
        &env,
        "admin",
        &["revoke", "--yes", "--format", "json"],
        &input,
    );
    assert_eq!(code(&a), 6, "{}", stderr(&a));
    let rows: Vec<serde_json::Value> = serde_json::from_str(&stdout(&a)).unwrap();
    assert_eq!(rows.len(), 6);
    assert_eq!(rows[5]["id"], id.as_str());
    assert_eq!(rows[5]["result"], "revoked");
    assert_eq!(env.count_events("api-key.revoked"), 1);
}

#[test]
fn verify_stdin_garbage() {
    let env = Env::with_dev(Backend::Sqlite);
    let (id, secret) = env.generate("dev", "target");
    let keys_before: i64 = env
        .sql()
        .query_row("SELECT uses FROM keys WHERE id = ?1", [&id], |r| r.get(0))
        .unwrap();
    let mut long_line = secret.clone().into_bytes();
    long_line.extend(std::iter::repeat_n(b'A', 1 << 20));
    let mut cases: Vec<Vec<u8>> = vec![
        b"\xff\xfe\xfd".to_vec(),
        format!("{}\0", secret).into_bytes(),
        secret.replace('_', "\0").into_bytes(),
        vec![0u8; 69],
        vec![b'a'; 1 << 20],
        long_line,
        Vec::new(),
        b"\n\n\n".to_vec(),
        format!("{secret}\n{secret}\n").into_bytes(),
    ];
    let mut non_utf8 = secret.clone().into_bytes();
    non_utf8[40] = 0xff;
    cases.push(non_utf8);
    let rejected_before = env.count_events("api-key.rejected");
    for input in &cases {
        let a = run_with_stdin(&env, "nobody", &["keys", "verify"], input);
        let err = one_line_error(&a, 5);
        assert!(err.contains("malformed"), "{err}");
        assert!(!err.contains(&secret[20..63]), "secret echoed");
    }
    assert_eq!(
        env.count_events("api-key.rejected"),
        rejected_before + cases.len() as i64
    );
    let uses: i64 = env
        .sql()
        .query_row("SELECT uses FROM keys WHERE id = ?1", [&id], |r| r.get(0))
        .unwrap();
    assert_eq!(uses, keys_before, "a malformed key counted as a use");
    // The real key still verifies (nothing was damaged).
    env.cmd("nobody")
        .args(["keys", "verify"])
        .write_stdin(secret)
        .assert()
        .success();
}

fn malformed_ids() -> Vec<String> {
    vec![
        "0123456789ABCDEF".into(),
        "0123456789abcde".into(),
        "0123456789abcdef0".into(),
        "0123456789abcde_".into(),
        "0123456789abcdé".into(),
        "'; DROP TABLE keys; --".into(),
        "%".into(),
        "0123456789abcde\u{1b}".into(),
        "x".repeat(10_000),
    ]
}

#[test]
fn malformed_id_arguments_are_usage_errors() {
    let env = Env::with_dev(Backend::Sqlite);
    let (id, _) = env.generate("dev", "keep");
    let before = dump(&env.db);
    for bad in malformed_ids() {
        for (user, args) in [
            ("admin", vec!["keys", "show", &bad]),
            ("admin", vec!["revoke", "--yes", &bad]),
            ("admin", vec!["revoke", "--yes", &id, &bad]),
            ("admin", vec!["keys", "revoke", "--yes", &bad]),
            ("dev", vec!["keys", "delete", "--yes", &bad]),
            ("dev", vec!["keys", "rename", &bad, "new"]),
            ("admin", vec!["events", "--key", &bad]),
        ] {
            let err = one_line_error(&env.run(user, &args), 2);
            assert!(err.len() < 300, "long input echoed whole: {}", err.len());
        }
    }
    assert_eq!(dump(&env.db), before);
    // A well-formed unknown ID is "not found" (exit 3), also nothing changed.
    one_line_error(&env.run("admin", &["keys", "show", SOME_ID]), 3);
}

#[test]
fn malformed_keys_are_rejected_without_echo() {
    let env = Env::with_dev(Backend::Sqlite);
    let (_, secret) = env.generate("dev", "real");
    let mut typo = secret.clone().into_bytes();
    typo[30] = if typo[30] == b'a' { b'b' } else { b'a' };
    let cases = [
        String::from_utf8(typo).unwrap(),
        secret[..secret.len() - 1].to_owned(),
        format!("{secret}x"),
        secret.to_uppercase(),
        secret.replacen("kc_", "kd_", 1),
        "kc_".into(),
        "not a key at all".into(),
    ];
    for bad in &cases {
        let a = env
            .cmd("nobody")
            .args(["keys", "verify"])
            .write_stdin(bad.as_str())
            .assert();
        let err = one_line_error(&a, 5);
        assert!(err.contains("malformed"), "{err}");
        assert!(!err.contains(&secret[20..60]));
    }
    // A well-formed key that was never issued: unknown.
    let forged = keyctl::token::assemble(&secret[3..19], &"A".repeat(43));
    let a = env
        .cmd("nobody")
        .args(["keys", "verify"])
        .write_stdin(forged)
        .assert();
    assert!(one_line_error(&a, 5).contains("unknown"));
}

#[test]
fn bad_durations_and_dates() {
    let env = Env::with_dev(Backend::Sqlite);
    let before = dump(&env.db);
    let durations = [
        "0d",
        "0",
        "-1d",
        "5",
        "d",
        "1x",
        "1y",
        "P1M",
        "P1Y",
        "PT1D",
        "1h1d",
        "1.5h",
        "",
        " ",
        "99999999999999999999d",
        "36501d",
        "P",
        "PT",
        "1d\u{1b}",
        "1e3s",
    ];
    let long = "1".repeat(10_000) + "d";
    let mut tried = 0;
    for d in durations.iter().copied().chain([long.as_str()]) {
        // `--flag=VALUE` and `--`, so that values starting with `-` reach the parser.
        let expires_in = format!("--expires-in={d}");
        let within = format!("--expiring-within={d}");
        for (user, args) in [
            ("dev", vec!["keys", "generate", "--name", "x", &expires_in]),
            ("admin", vec!["keys", "list", &within]),
            ("admin", vec!["keys", "search", "x", &within]),
            ("admin", vec!["settings", "set", "max-expiry", "--", d]),
        ] {
            let err = one_line_error(&env.run(user, &args), 2);
            assert!(
                err.contains("duration") || d.trim().is_empty(),
                "{args:?}: {err}"
            );
            assert!(err.len() < 400, "{err}");
            tried += 1;
        }
    }
    for t in [
        "yesterday",
        "2026-13-45",
        "2026-02-30T00:00:00Z",
        "2026-11-26T25:00:00Z",
        "1d ago",
        "",
        "\u{1b}[31m",
    ] {
        let at = format!("--expires-at={t}");
        let since = format!("--since={t}");
        let until = format!("--until={t}");
        for (user, args) in [
            ("dev", vec!["keys", "generate", "--name", "x", &at]),
            ("admin", vec!["events", &since]),
            ("admin", vec!["events", &until]),
            ("admin", vec!["events", "top", &since]),
        ] {
            one_line_error(&env.run(user, &args), 2);
            tried += 1;
        }
    }
    for n in ["0", "1001", "-1", "abc", "1e3", "99999999999999999999", ""] {
        one_line_error(
            &env.run("admin", &["settings", "set", "max-keys-per-user", "--", n]),
            2,
        );
        tried += 1;
    }
    // A past expiry is a usage error too.
    one_line_error(
        &env.run(
            "dev",
            &[
                "keys",
                "generate",
                "--name",
                "x",
                "--expires-at",
                "2001-01-01T00:00:00Z",
            ],
        ),
        2,
    );
    assert_eq!(dump(&env.db), before);
    assert!(tried > 100);
}

#[test]
fn bad_names_are_refused() {
    let env = Env::with_dev(Backend::Sqlite);
    let (id, _) = env.generate("dev", "original");
    let before = dump(&env.db);
    let names = [
        "a\u{1b}[31mred".to_owned(),
        "line\nbreak".to_owned(),
        "carriage\rreturn".to_owned(),
        "tab\there".to_owned(),
        "nul\0byte".to_owned(),
        "bell\u{7}".to_owned(),
        "c1\u{9b}31m".to_owned(),
        "x".repeat(10 * 1024),
        "é".repeat(257),
        String::new(),
        "   ".to_owned(),
    ];
    for name in &names {
        if name.contains('\0') {
            // An argument cannot hold a NUL; a process cannot even be started with it.
            continue;
        }
        let flag = format!("--name={name}");
        for args in [
            vec!["keys", "generate", &flag],
            vec!["keys", "rename", &id, "--", name.as_str()],
        ] {
            let err = one_line_error(&env.run("dev", &args), 2);
            assert!(err.len() < 300, "long name echoed whole");
        }
    }
    assert_eq!(dump(&env.db), before);
}

#[test]
fn sql_metacharacters_round_trip() {
    let env = Env::with_dev(Backend::Sqlite);
    env.ok("admin", &["settings", "set", "max-keys-per-user", "20"]);
    let names = [
        "'; DROP TABLE keys; --",
        "Robert'); DELETE FROM events; --",
        "\" OR 1=1 --",
        "100% _done_ \\ [x]",
        "a%b_c",
        "-- comment */ /* ",
        "💥 ünïcødé ,\"csv\"",
        "  leading and trailing  ",
    ];
    let mut ids = Vec::new();
    for name in names {
        // `--name=VALUE`, since a value may start with `--`.
        let out = env.ok(
            "dev",
            &[
                "keys",
                "generate",
                &format!("--name={name}"),
                "--format",
                "json",
            ],
        );
        let v: serde_json::Value = serde_json::from_str(&out).unwrap();
        ids.push(v["id"].as_str().unwrap().to_owned());
    }
    let list = |args: &[&str]| -> Vec<(String, String)> {
        let out = env.ok("admin", args);
        let v: Vec<serde_json::Value> = serde_json::from_str(&out).unwrap();
        v.iter()
            .map(|k| {
                (
                    k["id"].as_str().unwrap().to_owned(),
                    k["name"].as_str().unwrap().to_owned(),
                )
            })
            .collect()
    };
    let all = list(&["keys", "list", "--format", "json"]);
    assert_eq!(all.len(), names.len());
    for (id, name) in ids.iter().zip(names) {
        assert!(
            all.contains(&(id.clone(), name.to_owned())),
            "{name:?} lost"
        );
        let shown: serde_json::Value =
            serde_json::from_str(&env.ok("dev", &["keys", "show", id, "--format", "json"]))
                .unwrap();
        assert_eq!(shown["name"], name);
    }
    // `%` and `_` are literal in search.
    let found = list(&["keys", "search", "%b", "--format", "json"]);
    assert_eq!(found, vec![(ids[4].clone(), names[4].to_owned())]);
    let found = list(&["keys", "search", "_d", "--format", "json"]);
    assert_eq!(found, vec![(ids[3].clone(), names[3].to_owned())]);
    let found = list(&["keys", "search", "%", "--format", "json"]);
    assert_eq!(found.len(), 2, "{found:?}");
    let found = list(&["keys", "search", "drop table", "--format", "json"]);
    assert_eq!(found, vec![(ids[0].clone(), names[0].to_owned())]);
    let found = list(&["keys", "search", "';", "--format", "json"]);
    assert_eq!(found, vec![(ids[0].clone(), names[0].to_owned())]);
    // Stored as given, not escaped or altered on the way in.
    for (id, name) in ids.iter().zip(names) {
        let stored: String = env
            .sql()
            .query_row("SELECT name FROM keys WHERE id = ?1", [id], |r| r.get(0))
            .unwrap();
        assert_eq!(stored, name);
    }
    // Rename to each and back, through CSV as well.
    for (i, id) in ids.iter().enumerate() {
        let new = names[(i + 1) % names.len()];
        env.ok("dev", &["keys", "rename", id, "--", new]);
        let csv = env.ok("dev", &["keys", "show", id, "--format", "json"]);
        let v: serde_json::Value = serde_json::from_str(&csv).unwrap();
        assert_eq!(v["name"], new);
    }
    let quote = "say \"hi\" 'there' \\ %";
    env.ok("dev", &["keys", "rename", &ids[0], quote]);
    let found = list(&["keys", "search", "\"hi\"", "--format", "json"]);
    assert_eq!(found, vec![(ids[0].clone(), quote.to_owned())]);
    // Tables, keys and the log survived.
    assert_eq!(
        list(&["keys", "list", "--format", "json"]).len(),
        names.len()
    );
    assert_eq!(env.count_events("api-key.renamed"), names.len() as i64 + 1);
    env.ok("admin", &["events", "verify"]);
}

/// (keys, users) as stored.
fn key_and_user_counts(env: &Env) -> (i64, i64) {
    let conn = env.sql();
    let n: i64 = conn
        .query_row("SELECT count(*) FROM keys", [], |r| r.get(0))
        .unwrap();
    let u: i64 = conn
        .query_row("SELECT count(*) FROM users", [], |r| r.get(0))
        .unwrap();
    (n, u)
}

#[test]
fn unknown_and_odd_operators() {
    let env = Env::with_dev(Backend::Sqlite);
    let long = "x".repeat(10 * 1024);
    let odd = [
        "ghost",
        "\u{1b}[31mx",
        "a\nb",
        "Robert'); DROP TABLE users; --",
        long.as_str(),
        "ünïcødé",
        "-",
    ];
    let keys_before = key_and_user_counts(&env);
    let denied_before = env.count_events("access.denied");
    for name in odd {
        for args in [
            &["keys", "list"][..],
            &["revoke", "--yes", SOME_ID],
            &["settings", "enable"],
            &["events"],
        ] {
            let err = one_line_error(&env.run(name, args), 4);
            assert!(err.contains("unknown operator"), "{err}");
            assert!(err.len() < 300, "long name echoed whole: {}", err.len());
        }
        // Through KEYCTL_USER too.
        let a = bare_std()
            .env("KEYCTL_USER", name)
            .arg("--db")
            .arg(&env.db)
            .args(["keys", "list"])
            .stdin(Stdio::null())
            .output()
            .unwrap();
        one_line_error(&Assert::new(a), 4);
    }
    let denied = env.count_events("access.denied");
    assert_eq!(
        denied - denied_before,
        odd.len() as i64 * 5,
        "each denial recorded"
    );
    assert_eq!(
        key_and_user_counts(&env),
        keys_before,
        "nothing else changed"
    );
    // Wherever the name is echoed back it is escaped and short.
    let json = env.ok(
        "admin",
        &["events", "--type", "access.denied", "--format", "json"],
    );
    let events: Vec<serde_json::Value> = serde_json::from_str(&json).unwrap();
    for e in &events {
        let actor = e["actor"].as_str().unwrap();
        assert!(!actor.chars().any(char::is_control), "{actor:?}");
        assert!(actor.chars().count() <= 70, "long actor stored whole");
    }
    for format in ["table", "csv"] {
        let out = env.ok("admin", &["events", "--format", format]);
        assert!(!out.contains('\u{1b}'), "raw escape in {format} output");
    }
    env.ok("admin", &["events", "verify"]);
}
