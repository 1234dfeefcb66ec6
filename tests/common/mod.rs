//! Shared fixtures for the black-box tests: a tenant in a temp dir, driven through the
//! real binary.
#![allow(dead_code)]

use assert_cmd::Command;
use assert_cmd::assert::Assert;
use serde_json::Value;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use tempfile::TempDir;

/// The SQLite schema keyctl writes (its migrations, `APPLICATION_ID`), read from the
/// source: the library keeps its storage private.
#[path = "../../src/store/sqlite/schema.rs"]
pub mod schema;
#[allow(unused_imports)]
pub use schema::{APPLICATION_ID, MIGRATIONS};

/// Appends hash-chained events straight into a tenant file, as keyctl writes them (for
/// logs keyctl itself would not write: old times, thousands of events, old files).
pub struct Appender<'c> {
    conn: &'c rusqlite::Connection,
    last_id: i64,
    last_hash: [u8; 32],
}

impl<'c> Appender<'c> {
    /// Starts after the newest event.
    pub fn new(conn: &'c rusqlite::Connection) -> rusqlite::Result<Self> {
        use keyctl::chain::{GENESIS, unhex};
        use rusqlite::OptionalExtension;
        let head: Option<(i64, String)> = conn
            .query_row(
                "SELECT id, hash FROM events ORDER BY id DESC LIMIT 1",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        let (last_id, last_hash) = match head {
            Some((id, hash)) => (id, unhex(&hash).expect("a well-formed head hash")),
            None => (0, GENESIS),
        };
        Ok(Appender {
            conn,
            last_id,
            last_hash,
        })
    }

    /// Appends one event; returns its ID.
    pub fn append(
        &mut self,
        time: i64,
        kind: &str,
        actor: &str,
        key_id: Option<&str>,
        details: &Value,
    ) -> rusqlite::Result<i64> {
        use keyctl::chain::{chain_hash, hex};
        let id = self.last_id + 1;
        let details = details.to_string();
        let hash = chain_hash(&self.last_hash, id, time, kind, actor, key_id, &details);
        self.conn.execute(
            "INSERT INTO events (id, time, type, actor, key_id, details, hash) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            rusqlite::params![id, time, kind, actor, key_id, details, hex(&hash)],
        )?;
        self.last_id = id;
        self.last_hash = hash;
        Ok(id)
    }
}

/// A temp dir holding (or about to hold) one tenant database.
pub struct Env {
    pub dir: TempDir,
    pub db: PathBuf,
}

impl Env {
    /// A temp dir with no database yet.
    pub fn empty() -> Env {
        let dir = tempfile::tempdir().expect("temp dir");
        let db = dir.path().join("tenant.db");
        Env { dir, db }
    }

    /// A tenant with tenant admin `admin` (licence, not a developer), keys disabled.
    pub fn new() -> Env {
        let env = Env::empty();
        env.cmd("admin")
            .args(["init", "--admin", "admin"])
            .assert()
            .success();
        env
    }

    /// A tenant with keys enabled, `admin`, and `dev` (developer + licence).
    pub fn with_dev() -> Env {
        let env = Env::new();
        env.ok("admin", &["settings", "enable"]);
        env.add_developer("dev");
        env
    }

    /// The binary, acting as `user` on this tenant (see [`bare_std`]).
    pub fn cmd(&self, user: &str) -> Command {
        Command::from_std(self.std_cmd(user))
    }

    /// The binary acting as `user` on this tenant, as a plain `std` command.
    pub fn std_cmd(&self, user: &str) -> std::process::Command {
        std_cmd(&self.db, user)
    }

    /// Runs `args` as `user` with empty stdin.
    pub fn run(&self, user: &str, args: &[&str]) -> Assert {
        self.cmd(user).args(args).write_stdin("").assert()
    }

    /// Runs `args` as `user` and requires success; returns stdout.
    pub fn ok(&self, user: &str, args: &[&str]) -> String {
        let out = self.run(user, args).success();
        String::from_utf8(out.get_output().stdout.clone()).expect("utf-8 stdout")
    }

    /// Registers `name` as a developer with a licence.
    pub fn add_developer(&self, name: &str) {
        self.ok(
            "admin",
            &["users", "add", name, "--role", "developer", "--licence"],
        );
    }

    /// Generates a key as `user`; returns (id, secret).
    pub fn generate(&self, user: &str, name: &str) -> (String, String) {
        let out = self.ok(
            user,
            &["keys", "generate", "--name", name, "--format", "json"],
        );
        let v: serde_json::Value = serde_json::from_str(&out).expect("json");
        (
            v["id"].as_str().expect("id").to_owned(),
            v["secret"].as_str().expect("secret").to_owned(),
        )
    }

    /// A direct connection, for inspecting (or tampering with) the file.
    pub fn sql(&self) -> rusqlite::Connection {
        rusqlite::Connection::open(&self.db).expect("open db")
    }

    /// Number of events of `kind`.
    pub fn count_events(&self, kind: &str) -> i64 {
        self.sql()
            .query_row("SELECT count(*) FROM events WHERE type = ?1", [kind], |r| {
                r.get(0)
            })
            .expect("count")
    }

    /// The file's bytes (after a checkpoint is impossible: read as is).
    pub fn bytes(&self) -> Vec<u8> {
        std::fs::read(&self.db).expect("read db")
    }
}

/// The exit code of a finished command.
pub fn code(a: &Assert) -> i32 {
    a.get_output().status.code().expect("exited")
}

/// Stdout as a string.
pub fn stdout(a: &Assert) -> String {
    String::from_utf8_lossy(&a.get_output().stdout).into_owned()
}

/// Stderr as a string.
pub fn stderr(a: &Assert) -> String {
    String::from_utf8_lossy(&a.get_output().stderr).into_owned()
}

/// The binary as a plain `std` command, with nothing from outside that would change
/// what it does (no `KEYCTL_*`, no backtrace variables) and no flags: the one place
/// every other builder starts from.
pub fn bare_std() -> std::process::Command {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_keyctl"));
    for var in [
        "KEYCTL_DB",
        "KEYCTL_USER",
        "RUST_BACKTRACE",
        "RUST_LIB_BACKTRACE",
    ] {
        cmd.env_remove(var);
    }
    cmd
}

/// [`bare_std`] as an `assert_cmd` command.
pub fn bare() -> Command {
    Command::from_std(bare_std())
}

/// [`bare_std`] acting as `user` on `db` (for spawning, pipes and ptys).
pub fn std_cmd(db: &Path, user: &str) -> std::process::Command {
    let mut cmd = bare_std();
    cmd.arg("--db").arg(db).arg("--as").arg(user);
    cmd
}

/// Runs `keyctl --db DB --as admin {cmd} {extra}` piped into `head -n 1` (which closes
/// the pipe early); returns keyctl's exit code and its stderr.
pub fn head_pipe(env: &Env, cmd: &str, extra: &str) -> (Option<i32>, String) {
    let errfile = env.dir.path().join("stderr.txt");
    let script = format!(
        r#""$0" --db "$1" --as admin {cmd} "$3" 2>"$2" | head -n 1 >/dev/null; exit "${{PIPESTATUS[0]}}""#
    );
    let out = std::process::Command::new("bash")
        .arg("-c")
        .arg(script)
        .arg(env!("CARGO_BIN_EXE_keyctl"))
        .arg(&env.db)
        .arg(&errfile)
        .arg(extra)
        .env_remove("KEYCTL_DB")
        .env_remove("KEYCTL_USER")
        .output()
        .unwrap();
    let err = std::fs::read_to_string(&errfile).unwrap();
    (out.status.code(), err)
}

/// The current Unix time in seconds.
pub fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

/// Stdout parsed as JSON.
pub fn json(a: &Assert) -> Value {
    let out = stdout(a);
    serde_json::from_str(&out).unwrap_or_else(|e| panic!("stdout is not JSON ({e}): {out:?}"))
}

/// The permission bits of `path`.
pub fn mode(path: &Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

/// The path of the database's sidecar with `suffix` (`-wal`, `-shm`, `-journal`).
pub fn sidecar(db: &Path, suffix: &str) -> PathBuf {
    let mut p = db.as_os_str().to_owned();
    p.push(suffix);
    PathBuf::from(p)
}

/// Every file of the tenant: the database and whatever sidecars exist now.
pub fn tenant_files(db: &Path) -> Vec<(String, Vec<u8>)> {
    ["", "-wal", "-shm", "-journal"]
        .iter()
        .filter_map(|suffix| {
            let p = sidecar(db, suffix);
            std::fs::read(&p)
                .ok()
                .map(|b| (p.to_string_lossy().into_owned(), b))
        })
        .collect()
}

/// Moves everything in the WAL into the main file and truncates the WAL.
pub fn checkpoint(conn: &rusqlite::Connection) {
    conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
        .unwrap();
}

/// Sets `col` of key `id` straight in the file (there must be such a key).
pub fn set_key(env: &Env, id: &str, col: &str, value: Option<i64>) {
    let n = env
        .sql()
        .execute(
            &format!("UPDATE keys SET {col} = ?2 WHERE id = ?1"),
            rusqlite::params![id, value],
        )
        .unwrap();
    assert_eq!(n, 1, "no key {id}");
}

/// Inserts `n` active keys of `owner` straight into the file (fast, for volume tests),
/// with their `api-key.generated` events.
pub fn seed_keys(env: &Env, owner: &str, n: i64) {
    env.sql()
        .execute(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?1) \
             INSERT INTO keys (id, hash, name, owner, created, updated, expires) \
             SELECT printf('%016d', i), randomblob(32), 'bulk ' || i, ?2, ?3, ?3, ?3 + 86400 \
             FROM n",
            rusqlite::params![n, owner, now()],
        )
        .unwrap();
    log_seeded_keys(&env.sql());
}

/// Appends, hash-chained as keyctl writes them, the `api-key.generated` event of every
/// key that lacks one (keys inserted straight into the file), so that the tenant agrees
/// with its log and `events verify` passes.
pub fn log_seeded_keys(conn: &rusqlite::Connection) {
    use keyctl::chain::{GENESIS, chain_hash, hex, unhex};
    let (mut last, mut prev) = conn
        .query_row(
            "SELECT id, hash FROM events ORDER BY id DESC LIMIT 1",
            [],
            |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)),
        )
        .map(|(id, hash)| (id, unhex(&hash).unwrap()))
        .unwrap_or((0, GENESIS));
    let keys: Vec<(String, String, String, i64, i64)> = conn
        .prepare(
            "SELECT id, name, owner, created, expires FROM keys k WHERE NOT EXISTS \
             (SELECT 1 FROM events e WHERE e.key_id = k.id AND e.type = 'api-key.generated') \
             ORDER BY seq",
        )
        .unwrap()
        .query_map([], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
        })
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    let mut insert = conn
        .prepare(
            "INSERT INTO events (id, time, type, actor, key_id, details, hash) \
             VALUES (?1, ?2, 'api-key.generated', ?3, ?4, ?5, ?6)",
        )
        .unwrap();
    for (id, name, owner, created, expires) in keys {
        let details =
            serde_json::json!({"name": name, "expires": keyctl::duration::rfc3339(expires)})
                .to_string();
        last += 1;
        prev = chain_hash(
            &prev,
            last,
            created,
            "api-key.generated",
            &owner,
            Some(&id),
            &details,
        );
        insert
            .execute(rusqlite::params![
                last,
                created,
                owner,
                id,
                details,
                hex(&prev)
            ])
            .unwrap();
    }
}

/// (actor, key_id, details) of every event of `kind`, oldest first.
pub fn events_of(env: &Env, kind: &str) -> Vec<(String, Option<String>, Value)> {
    let conn = env.sql();
    let mut stmt = conn
        .prepare("SELECT actor, key_id, details FROM events WHERE type = ?1 ORDER BY id")
        .unwrap();
    stmt.query_map([kind], |r| {
        let details: String = r.get(2)?;
        Ok((
            r.get(0)?,
            r.get(1)?,
            serde_json::from_str(&details).unwrap(),
        ))
    })
    .unwrap()
    .collect::<rusqlite::Result<_>>()
    .unwrap()
}

/// One stored event.
#[derive(Debug)]
pub struct Ev {
    pub id: i64,
    pub kind: String,
    pub actor: String,
    pub key_id: Option<String>,
    pub details: Value,
}

/// Events with an ID above `after`, oldest first.
pub fn events_after(env: &Env, after: i64) -> Vec<Ev> {
    let c = env.sql();
    let mut stmt = c
        .prepare("SELECT id, type, actor, key_id, details FROM events WHERE id > ?1 ORDER BY id")
        .unwrap();
    stmt.query_map([after], |r| {
        Ok(Ev {
            id: r.get(0)?,
            kind: r.get(1)?,
            actor: r.get(2)?,
            key_id: r.get(3)?,
            details: serde_json::from_str(&r.get::<_, String>(4)?).unwrap(),
        })
    })
    .unwrap()
    .collect::<Result<_, _>>()
    .unwrap()
}

/// The ID of the newest event (0 when there is none).
pub fn last_event(env: &Env) -> i64 {
    env.sql()
        .query_row("SELECT ifnull(max(id), 0) FROM events", [], |r| r.get(0))
        .unwrap()
}

/// Users, settings and keys as text, one `--` terminated section a table.
const SNAPSHOT: [&str; 3] = [
    "SELECT name||'|'||tenant_admin||'|'||developer||'|'||licence||'|'||created||'|'||auditor \
     FROM users ORDER BY name",
    "SELECT enabled||'|'||max_expiry||'|'||max_keys_per_user FROM settings",
    "SELECT id||'|'||name||'|'||owner||'|'||updated||'|'||expires||'|'||\
     ifnull(revoked,'-')||'|'||uses||'|'||ifnull(last_used,'-')||'|'||ifnull(replaced_by,'-') \
     FROM keys ORDER BY id",
];

/// The events table as one more section of a snapshot.
const SNAPSHOT_EVENTS: &str = "SELECT id||'|'||time||'|'||type||'|'||actor||'|'||ifnull(key_id,'-')||'|'||\
     details||'|'||hash FROM events ORDER BY id";

/// The rows of each query (one text column), each section ended by `--`.
fn snapshot_of(env: &Env, queries: &[&str]) -> String {
    let c = env.sql();
    let mut out = String::new();
    for q in queries {
        let mut stmt = c.prepare(q).unwrap();
        let rows = stmt.query_map([], |r| r.get::<_, String>(0)).unwrap();
        for row in rows {
            out.push_str(&row.unwrap());
            out.push('\n');
        }
        out.push_str("--\n");
    }
    out
}

/// Users, settings and keys as text, to compare before and after a command.
pub fn snapshot(env: &Env) -> String {
    snapshot_of(env, &SNAPSHOT)
}

/// Users, settings, keys and events as text, to compare before and after a command.
pub fn snapshot_with_events(env: &Env) -> String {
    let mut queries = SNAPSHOT.to_vec();
    queries.push(SNAPSHOT_EVENTS);
    snapshot_of(env, &queries)
}

/// Runs a command that must be refused with exit 4: exactly one `access.denied` event by
/// `user` is recorded and users, settings and keys are unchanged. Returns the event.
pub fn assert_denied(env: &Env, user: &str, args: &[&str]) -> Ev {
    let before = snapshot(env);
    let last = last_event(env);
    let a = env.run(user, args);
    assert_eq!(code(&a), 4, "{user} {args:?}: stderr {}", stderr(&a));
    assert!(
        stderr(&a).starts_with("error: "),
        "{user} {args:?}: {}",
        stderr(&a)
    );
    assert_eq!(stdout(&a), "", "{user} {args:?}: nothing on stdout");
    assert_eq!(snapshot(env), before, "{user} {args:?} changed the tenant");
    let mut new = events_after(env, last);
    assert_eq!(new.len(), 1, "{user} {args:?}: events {new:?}");
    assert_eq!(new[0].kind, "access.denied");
    assert_eq!(new[0].actor, user);
    new.remove(0)
}

/// Requires exit `want`, nothing on stdout, and one line `error: ...` on stderr with no
/// raw control character, backtrace or panic; returns that line.
pub fn one_line_error(a: &Assert, want: i32) -> String {
    let err = stderr(a);
    assert_eq!(code(a), want, "exit code; stderr: {err}");
    assert!(err.starts_with("error: "), "not an error line: {err:?}");
    assert_eq!(err.lines().count(), 1, "not one line: {err:?}");
    assert!(
        !err.trim_end().chars().any(char::is_control),
        "raw control characters in {err:?}"
    );
    assert!(!err.contains("panicked"), "{err}");
    assert!(!err.to_lowercase().contains("backtrace"), "{err}");
    assert!(
        stdout(a).is_empty(),
        "data printed on a failure: {}",
        stdout(a)
    );
    err
}

/// Every entry under `dir`, recursively, as sorted relative paths.
pub fn tree(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_owned()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            out.push(p.strip_prefix(dir).unwrap().to_owned());
            if p.is_dir() {
                stack.push(p);
            }
        }
    }
    out.sort();
    out
}

/// `keyctl events verify` on `db` must pass.
pub fn events_verify(db: &Path) {
    let out = std_cmd(db, "admin")
        .args(["events", "verify"])
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    assert!(
        out.status.success() && out.stdout.starts_with(b"ok:"),
        "events verify: {} {}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A tenant with keys enabled and users of every kind: `admin`, `dev` (developer +
/// licence), `nolic` (developer, no licence), `plain` and `target` (no roles).
pub fn populated() -> Env {
    let env = Env::with_dev();
    env.ok("admin", &["users", "add", "nolic", "--role", "developer"]);
    env.ok("admin", &["users", "add", "plain"]);
    env.ok("admin", &["users", "add", "target"]);
    env
}

/// Every command that needs a tenant file, with the stdin it gets: each must refuse a
/// missing or bad file the same way.
pub const NEEDS_FILE: &[(&[&str], &str)] = &[
    (&["users", "list"], ""),
    (&["users", "add", "bob"], ""),
    (&["users", "grant", "bob", "developer"], ""),
    (&["users", "remove", "bob", "--yes"], ""),
    (&["settings"], ""),
    (&["settings", "enable"], ""),
    (&["settings", "disable", "--yes"], ""),
    (&["settings", "set", "max-expiry", "7d"], ""),
    (&["keys", "list"], ""),
    (&["keys", "search", "ci"], ""),
    (&["keys", "show", "0123456789abcdef"], ""),
    (&["keys", "generate", "--name", "x"], ""),
    (&["keys", "verify"], "kc_0123456789abcdef_xxxxxxxx"),
    (&["revoke", "--yes", "0123456789abcdef"], ""),
    (&["events"], ""),
    (&["events", "verify"], ""),
    (&["events", "head"], ""),
    (&["events", "show", "1"], ""),
    (&["copy", "--to", "/nonexistent-keyctl-dir/copy.db"], ""),
];

// PostgreSQL: a fresh database per test on the server `KEYCTL_TEST_POSTGRES` names,
// dropped even when the test panics. The one implementation is shared with the unit
// tests in `src/store/pg`.
#[path = "../../src/store/pg/testdb.rs"]
mod pg_testdb;
#[allow(unused_imports)] // not every test binary uses PostgreSQL yet
pub use pg_testdb::{PgDb, server_url as pg_server_url};
