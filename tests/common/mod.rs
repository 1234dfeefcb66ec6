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

/// Which backend a test's tenant lives in. Black-box tests are written once (see
/// [`backends!`]) and run on each.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    /// A SQLite file in the test's temp dir.
    Sqlite,
    /// A fresh database on the server `KEYCTL_TEST_POSTGRES` names.
    Postgres,
}

impl Backend {
    /// `Some(Postgres)` when `KEYCTL_TEST_POSTGRES` is set; `None` (and, once per run, a
    /// note saying how to run them) when the PostgreSQL tests are to be skipped.
    pub fn postgres() -> Option<Backend> {
        pg_server_url().map(|_| Backend::Postgres)
    }
}

/// Writes each black-box test once and runs it on each backend:
///
/// ```ignore
/// backends! {
///     /// Docs and attributes are kept.
///     fn revoke_one_key(b) { let env = Env::with_dev(b); ... }
/// }
/// ```
///
/// expands to `mod sqlite { #[test] fn revoke_one_key() }` and `mod postgres { #[test]
/// fn revoke_one_key() }`, the latter returning early (after the once-per-run note) when
/// `KEYCTL_TEST_POSTGRES` is unset. Use it once per test file.
#[macro_export]
macro_rules! backends {
    ($( $(#[$meta:meta])* fn $name:ident($b:ident) $body:block )*) => {
        mod sqlite {
            #[allow(unused_imports)]
            use super::*;
            $(
                $(#[$meta])*
                #[test]
                fn $name() {
                    #[allow(unused_variables)]
                    let $b = $crate::common::Backend::Sqlite;
                    $body
                }
            )*
        }
        mod postgres {
            #[allow(unused_imports)]
            use super::*;
            $(
                $(#[$meta])*
                #[test]
                fn $name() {
                    #[allow(unused_variables)]
                    let Some($b) = $crate::common::Backend::postgres() else {
                        return;
                    };
                    $body
                }
            )*
        }
    };
}

/// One event for [`append_events`]: (time, type, actor, key_id, details).
pub type NewEvent = (i64, String, String, Option<String>, Value);

/// Appends `events` after the newest one, hash-chained as keyctl writes them, on either
/// backend, in one transaction (for logs keyctl itself would not write: old times,
/// thousands of events).
pub fn append_events(env: &Env, events: &[NewEvent]) {
    use keyctl::chain::{GENESIS, chain_hash, hex, unhex};
    if env.is_sqlite() {
        let mut c = env.sql();
        let tx = c.transaction().unwrap();
        let mut log = Appender::new(&tx).unwrap();
        for (time, kind, actor, key, details) in events {
            log.append(*time, kind, actor, key.as_deref(), details)
                .unwrap();
        }
        tx.commit().unwrap();
        return;
    }
    let (mut last, mut prev) = env
        .row("SELECT id, hash FROM events ORDER BY id DESC LIMIT 1", &[])
        .map(|r| (r.i(0), unhex(&r.s(1)).unwrap()))
        .unwrap_or((0, GENESIS));
    let q = |s: &str| format!("'{}'", s.replace('\'', "''"));
    let mut rows = Vec::new();
    for (time, kind, actor, key, details) in events {
        let details = details.to_string();
        last += 1;
        prev = chain_hash(&prev, last, *time, kind, actor, key.as_deref(), &details);
        rows.push(format!(
            "({last}, {time}, {}, {}, {}, {}, {})",
            q(kind),
            q(actor),
            key.as_deref().map_or("NULL".to_owned(), q),
            q(&details),
            q(&hex(&prev))
        ));
    }
    let mut sql = String::from("BEGIN;");
    for chunk in rows.chunks(1000) {
        sql.push_str(&format!(
            "INSERT INTO events (id, time, type, actor, key_id, details, hash) VALUES {};",
            chunk.join(", ")
        ));
    }
    sql.push_str("COMMIT;");
    env.exec_batch(&sql);
}

/// A temp dir and one tenant database: a file in the dir, or a fresh PostgreSQL
/// database (dropped with the `Env`, even when the test panics).
pub struct Env {
    pub dir: TempDir,
    /// What the tests pass as `--db`: the file's path, or the PostgreSQL database's URL
    /// (kept as a path so that `.arg(&env.db)` reads the same for both).
    pub db: PathBuf,
    pub backend: Backend,
    /// A cached client for [`Env::rows`] on PostgreSQL; dropped before the database.
    pg_client: std::sync::Mutex<Option<postgres::Client>>,
    pg: Option<PgDb>,
    /// This test's share of the PostgreSQL connections (see [`PgPermit`]).
    _permit: Option<PgPermit>,
}

impl Env {
    /// A temp dir with no tenant yet (on PostgreSQL: an empty database).
    pub fn empty(b: Backend) -> Env {
        Env::empty_weighted(b, 2)
    }

    /// [`Env::empty`] for a test that runs up to `connections - 1` keyctl processes at
    /// once (the permit also counts the test's own client).
    pub fn empty_weighted(b: Backend, connections: usize) -> Env {
        let dir = tempfile::tempdir().expect("temp dir");
        match b {
            Backend::Sqlite => Env {
                db: dir.path().join("tenant.db"),
                dir,
                backend: b,
                pg_client: std::sync::Mutex::new(None),
                pg: None,
                _permit: None,
            },
            Backend::Postgres => {
                let permit = PgPermit::acquire(connections);
                let pg = PgDb::new().expect("KEYCTL_TEST_POSTGRES is set");
                Env {
                    db: PathBuf::from(&pg.url),
                    dir,
                    backend: b,
                    pg_client: std::sync::Mutex::new(None),
                    pg: Some(pg),
                    _permit: Some(permit),
                }
            }
        }
    }

    /// A tenant with tenant admin `admin` (licence, not a developer), keys disabled.
    pub fn new(b: Backend) -> Env {
        Env::init(Env::empty(b))
    }

    /// Runs `init --admin admin` on an empty `Env`.
    pub fn init(env: Env) -> Env {
        env.cmd("admin")
            .args(["init", "--admin", "admin"])
            .assert()
            .success();
        env
    }

    /// A tenant with keys enabled, `admin`, and `dev` (developer + licence).
    pub fn with_dev(b: Backend) -> Env {
        Env::dev(Env::new(b))
    }

    /// Enables keys and adds `dev` (developer + licence) on an initialised `Env`.
    pub fn dev(env: Env) -> Env {
        env.ok("admin", &["settings", "enable"]);
        env.add_developer("dev");
        env
    }

    /// Whether the tenant is a SQLite file.
    pub fn is_sqlite(&self) -> bool {
        self.backend == Backend::Sqlite
    }

    /// The PostgreSQL database (panics on SQLite).
    pub fn pg(&self) -> &PgDb {
        self.pg.as_ref().expect("a PostgreSQL tenant")
    }

    /// The rows `sql` returns, on either backend. Write `sql` so that both accept it
    /// (`coalesce`, `CAST(x AS TEXT)`, `?N` placeholders, which become `$N` on
    /// PostgreSQL). Booleans read as 0/1 integers, as SQLite stores them.
    pub fn rows(&self, sql: &str, params: &[&dyn Arg]) -> Vec<Row> {
        match self.backend {
            Backend::Sqlite => {
                let c = self.sql();
                let mut stmt = c.prepare(sql).unwrap_or_else(|e| panic!("{sql}: {e}"));
                let n = stmt.column_count();
                let ps: Vec<&dyn rusqlite::ToSql> = params.iter().map(|p| p.sqlite()).collect();
                stmt.query_map(ps.as_slice(), |r| {
                    (0..n)
                        .map(|i| {
                            use rusqlite::types::ValueRef;
                            Ok(match r.get_ref(i)? {
                                ValueRef::Null => Val::Null,
                                ValueRef::Integer(v) => Val::Int(v),
                                ValueRef::Real(v) => Val::Int(v as i64),
                                ValueRef::Text(t) => Val::Text(String::from_utf8_lossy(t).into()),
                                ValueRef::Blob(b) => Val::Blob(b.to_vec()),
                            })
                        })
                        .collect::<rusqlite::Result<Vec<Val>>>()
                        .map(Row)
                })
                .unwrap_or_else(|e| panic!("{sql}: {e}"))
                .collect::<rusqlite::Result<_>>()
                .unwrap_or_else(|e| panic!("{sql}: {e}"))
            }
            Backend::Postgres => {
                let sql = pg_placeholders(sql);
                let ps: Vec<&(dyn postgres::types::ToSql + Sync)> =
                    params.iter().map(|p| p.pg()).collect();
                let rows = self
                    .with_pg(|c| c.query(sql.as_str(), &ps))
                    .unwrap_or_else(|e| panic!("{sql}: {e}"));
                rows.iter()
                    .map(|r| {
                        use postgres::types::Type;
                        Row((0..r.len())
                            .map(|i| {
                                let t = r.columns()[i].type_().clone();
                                let v = if t == Type::INT8 {
                                    r.get::<_, Option<i64>>(i).map(Val::Int)
                                } else if t == Type::INT4 {
                                    r.get::<_, Option<i32>>(i).map(|v| Val::Int(v.into()))
                                } else if t == Type::INT2 {
                                    r.get::<_, Option<i16>>(i).map(|v| Val::Int(v.into()))
                                } else if t == Type::BOOL {
                                    r.get::<_, Option<bool>>(i).map(|v| Val::Int(v.into()))
                                } else if t == Type::BYTEA {
                                    r.get::<_, Option<Vec<u8>>>(i).map(Val::Blob)
                                } else {
                                    r.get::<_, Option<String>>(i).map(Val::Text)
                                };
                                v.unwrap_or(Val::Null)
                            })
                            .collect())
                    })
                    .collect()
            }
        }
    }

    /// Runs a statement on either backend (see [`Env::rows`]); returns the rows changed.
    pub fn exec(&self, sql: &str, params: &[&dyn Arg]) -> u64 {
        self.try_exec(sql, params)
            .unwrap_or_else(|e| panic!("{sql}: {e}"))
    }

    /// [`Env::exec`] that returns the database's error (with its message and, on
    /// PostgreSQL, the server's detail) instead of panicking.
    pub fn try_exec(&self, sql: &str, params: &[&dyn Arg]) -> Result<u64, String> {
        match self.backend {
            Backend::Sqlite => {
                let ps: Vec<&dyn rusqlite::ToSql> = params.iter().map(|p| p.sqlite()).collect();
                self.sql()
                    .execute(sql, ps.as_slice())
                    .map(|n| n as u64)
                    .map_err(|e| e.to_string())
            }
            Backend::Postgres => {
                let sql = pg_placeholders(sql);
                let ps: Vec<&(dyn postgres::types::ToSql + Sync)> =
                    params.iter().map(|p| p.pg()).collect();
                self.with_pg(|c| c.execute(sql.as_str(), &ps))
                    .map_err(|e| match e.as_db_error() {
                        Some(db) => db.message().to_owned(),
                        None => e.to_string(),
                    })
            }
        }
    }

    /// Runs several `;`-separated statements without parameters on one connection (so
    /// that a temporary table lives from one to the next).
    pub fn exec_batch(&self, sql: &str) {
        match self.backend {
            Backend::Sqlite => self.sql().execute_batch(sql),
            Backend::Postgres => {
                return self
                    .with_pg(|c| c.batch_execute(sql))
                    .unwrap_or_else(|e| panic!("{sql}: {e}"));
            }
        }
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
    }

    /// The only row `sql` returns, or `None`.
    pub fn row(&self, sql: &str, params: &[&dyn Arg]) -> Option<Row> {
        let mut rows = self.rows(sql, params);
        assert!(rows.len() <= 1, "{sql}: {} rows", rows.len());
        rows.pop()
    }

    /// The integer in the one row `sql` returns.
    pub fn int(&self, sql: &str, params: &[&dyn Arg]) -> i64 {
        self.row(sql, params)
            .unwrap_or_else(|| panic!("{sql}: no row"))
            .i(0)
    }

    /// The text in the one row `sql` returns.
    pub fn text(&self, sql: &str, params: &[&dyn Arg]) -> String {
        self.row(sql, params)
            .unwrap_or_else(|| panic!("{sql}: no row"))
            .s(0)
    }

    fn with_pg<T>(
        &self,
        f: impl FnOnce(&mut postgres::Client) -> Result<T, postgres::Error>,
    ) -> Result<T, postgres::Error> {
        let mut guard = self.pg_client.lock().unwrap_or_else(|e| e.into_inner());
        if guard.as_ref().is_none_or(|c| c.is_closed()) {
            *guard = Some(self.pg().client());
        }
        f(guard.as_mut().unwrap())
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

    /// A direct connection, for inspecting (or tampering with) the file: SQLite only
    /// (see [`Env::rows`] for either backend).
    pub fn sql(&self) -> rusqlite::Connection {
        assert!(
            self.is_sqlite(),
            "Env::sql() is for SQLite tenants; use Env::rows"
        );
        rusqlite::Connection::open(&self.db).expect("open db")
    }

    /// Number of events of `kind`.
    pub fn count_events(&self, kind: &str) -> i64 {
        self.int("SELECT count(*) FROM events WHERE type = ?1", &[&kind])
    }

    /// The file's bytes (after a checkpoint is impossible: read as is).
    pub fn bytes(&self) -> Vec<u8> {
        std::fs::read(&self.db).expect("read db")
    }
}

/// A value read by [`Env::rows`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Val {
    Null,
    Int(i64),
    Text(String),
    Blob(Vec<u8>),
}

/// A row read by [`Env::rows`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Row(pub Vec<Val>);

impl Row {
    /// Column `i` as an integer (panics on anything else).
    pub fn i(&self, i: usize) -> i64 {
        self.oi(i).unwrap_or_else(|| panic!("column {i} is NULL"))
    }

    /// Column `i` as an integer or NULL.
    pub fn oi(&self, i: usize) -> Option<i64> {
        match &self.0[i] {
            Val::Null => None,
            Val::Int(v) => Some(*v),
            v => panic!("column {i} is not an integer: {v:?}"),
        }
    }

    /// Column `i` as text (panics on anything else).
    pub fn s(&self, i: usize) -> String {
        self.os(i).unwrap_or_else(|| panic!("column {i} is NULL"))
    }

    /// Column `i` as bytes (panics on anything else).
    pub fn b(&self, i: usize) -> Vec<u8> {
        match &self.0[i] {
            Val::Blob(v) => v.clone(),
            v => panic!("column {i} is not a blob: {v:?}"),
        }
    }

    /// Column `i` as text or NULL.
    pub fn os(&self, i: usize) -> Option<String> {
        match &self.0[i] {
            Val::Null => None,
            Val::Text(v) => Some(v.clone()),
            v => panic!("column {i} is not text: {v:?}"),
        }
    }
}

/// A parameter for [`Env::rows`] and [`Env::exec`]: anything both drivers bind
/// (`&str`, `String`, `i64`, `Option<…>` of those, `Vec<u8>`). On PostgreSQL the Rust
/// type must match the column's (`i64` for `bigint`).
pub trait Arg {
    fn sqlite(&self) -> &dyn rusqlite::ToSql;
    fn pg(&self) -> &(dyn postgres::types::ToSql + Sync);
}

impl<T: rusqlite::ToSql + postgres::types::ToSql + Sync> Arg for T {
    fn sqlite(&self) -> &dyn rusqlite::ToSql {
        self
    }
    fn pg(&self) -> &(dyn postgres::types::ToSql + Sync) {
        self
    }
}

/// `?N` placeholders as PostgreSQL's `$N`.
fn pg_placeholders(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len());
    let mut chars = sql.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '?' && chars.peek().is_some_and(char::is_ascii_digit) {
            out.push('$');
        } else {
            out.push(c);
        }
    }
    out
}

/// A share of the PostgreSQL server's connections (`max_connections`, 100 by default)
/// for one test: tests of one binary run in parallel threads, each holding a client and
/// running keyctl processes, and the concurrency tests run 16 at once. A counting
/// semaphore per test binary (cargo runs test binaries one after another) keeps the
/// total under [`PG_BUDGET`] without limiting the SQLite half or `--test-threads`.
pub struct PgPermit(usize);

/// Connections the tests of one binary may hold at once (override with
/// `KEYCTL_TEST_POSTGRES_CONNECTIONS`).
pub const PG_BUDGET: usize = 40;

static PG_SLOTS: std::sync::Mutex<usize> = std::sync::Mutex::new(0);
static PG_FREED: std::sync::Condvar = std::sync::Condvar::new();

fn pg_budget() -> usize {
    std::env::var("KEYCTL_TEST_POSTGRES_CONNECTIONS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(PG_BUDGET)
}

thread_local! {
    /// Permits the current thread holds: a test that makes a second tenant while it holds
    /// one gets it without waiting, so that tests waiting for each other cannot deadlock.
    static HELD: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

impl PgPermit {
    /// Waits until `n` connections (at most the whole budget) are free and takes them;
    /// free when this thread already holds a permit.
    pub fn acquire(n: usize) -> PgPermit {
        let nested = HELD.with(|h| {
            h.set(h.get() + 1);
            h.get() > 1
        });
        if nested {
            return PgPermit(0);
        }
        let n = n.clamp(1, pg_budget());
        let mut used = PG_SLOTS.lock().unwrap_or_else(|e| e.into_inner());
        while *used + n > pg_budget() {
            used = PG_FREED.wait(used).unwrap_or_else(|e| e.into_inner());
        }
        *used += n;
        PgPermit(n)
    }
}

impl Drop for PgPermit {
    fn drop(&mut self) {
        HELD.with(|h| h.set(h.get().saturating_sub(1)));
        let mut used = PG_SLOTS.lock().unwrap_or_else(|e| e.into_inner());
        *used -= self.0;
        PG_FREED.notify_all();
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
pub fn std_cmd(db: impl AsRef<std::ffi::OsStr>, user: &str) -> std::process::Command {
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

/// Everything the tenant stores, as (where, bytes) pairs: on SQLite the file and its
/// sidecars ([`tenant_files`]); on PostgreSQL every row of every table in the tenant's
/// schema as text (as `pg_dump` would print it), and the raw bytes of every `bytea`
/// value, so that a search for a secret or a hash sees all of it.
pub fn tenant_dump(env: &Env) -> Vec<(String, Vec<u8>)> {
    if env.is_sqlite() {
        return tenant_files(&env.db);
    }
    let tables: Vec<String> = env
        .rows(
            "SELECT table_name::text FROM information_schema.tables \
             WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY 1",
            &[],
        )
        .into_iter()
        .map(|r| r.s(0))
        .collect();
    assert!(tables.iter().any(|t| t == "keys"), "no tenant: {tables:?}");
    let mut out = Vec::new();
    for t in tables {
        let mut bytes = Vec::new();
        for r in env.rows(&format!("SELECT CAST(t AS text) FROM \"{t}\" t"), &[]) {
            bytes.extend_from_slice(r.s(0).as_bytes());
            bytes.push(b'\n');
        }
        let blobs: Vec<String> = env
            .rows(
                "SELECT column_name::text FROM information_schema.columns WHERE \
                 table_schema = current_schema() AND table_name = ?1 AND data_type = 'bytea'",
                &[&t],
            )
            .into_iter()
            .map(|r| r.s(0))
            .collect();
        for c in blobs {
            for r in env.rows(&format!("SELECT \"{c}\" FROM \"{t}\""), &[]) {
                if let Val::Blob(b) = &r.0[0] {
                    bytes.extend_from_slice(b);
                }
            }
        }
        out.push((format!("table {t}"), bytes));
    }
    out
}

/// Moves everything in the WAL into the main file and truncates the WAL.
pub fn checkpoint(conn: &rusqlite::Connection) {
    conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
        .unwrap();
}

/// Sets `col` of key `id` straight in the file (there must be such a key).
pub fn set_key(env: &Env, id: &str, col: &str, value: Option<i64>) {
    let n = env.exec(
        &format!("UPDATE keys SET {col} = ?2 WHERE id = ?1"),
        &[&id, &value],
    );
    assert_eq!(n, 1, "no key {id}");
}

/// Inserts `n` active keys of `owner` straight into the file (fast, for volume tests),
/// with their `api-key.generated` events.
pub fn seed_keys(env: &Env, owner: &str, n: i64) {
    if !env.is_sqlite() {
        env.exec(
            "INSERT INTO keys (id, hash, name, owner, created, updated, expires) \
             SELECT lpad(i::text, 16, '0'), sha256(i::text::bytea), 'bulk ' || i, $2::text, \
             $3::bigint, $3::bigint, $3::bigint + 86400 FROM generate_series(1, $1::bigint) i",
            &[&n, &owner, &now()],
        );
        log_seeded_keys_pg(env);
        return;
    }
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

/// The hash-chained `api-key.generated` events of `keys` (id, name, owner, created,
/// expires), appended after the event `last` whose hash is `prev`: rows of (event id,
/// time, actor, key id, details, hash), as keyctl writes them.
fn generated_events(
    mut last: i64,
    mut prev: [u8; 32],
    keys: impl IntoIterator<Item = (String, String, String, i64, i64)>,
) -> Vec<(i64, i64, String, String, String, String)> {
    use keyctl::chain::{chain_hash, hex};
    let mut rows = Vec::new();
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
        rows.push((last, created, owner, id, details, hex(&prev)));
    }
    rows
}

/// Appends, hash-chained as keyctl writes them, the `api-key.generated` event of every
/// key that lacks one (keys inserted straight into the file), so that the tenant agrees
/// with its log and `events verify` passes.
pub fn log_seeded_keys(conn: &rusqlite::Connection) {
    use keyctl::chain::{GENESIS, unhex};
    let (last, prev) = conn
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
    for (event, time, actor, key, details, hash) in generated_events(last, prev, keys) {
        insert
            .execute(rusqlite::params![event, time, actor, key, details, hash])
            .unwrap();
    }
}

/// [`log_seeded_keys`] on a PostgreSQL tenant.
fn log_seeded_keys_pg(env: &Env) {
    use keyctl::chain::{GENESIS, unhex};
    let (last, prev) = env
        .row("SELECT id, hash FROM events ORDER BY id DESC LIMIT 1", &[])
        .map(|r| (r.i(0), unhex(&r.s(1)).unwrap()))
        .unwrap_or((0, GENESIS));
    let keys = env.rows(
        "SELECT id, name, owner, created, expires FROM keys k WHERE NOT EXISTS \
         (SELECT 1 FROM events e WHERE e.key_id = k.id AND e.type = 'api-key.generated') \
         ORDER BY seq",
        &[],
    );
    let values = generated_events(
        last,
        prev,
        keys.iter()
            .map(|r| (r.s(0), r.s(1), r.s(2), r.i(3), r.i(4))),
    );
    for chunk in values.chunks(1000) {
        // One multi-row INSERT a chunk, with the values quoted as literals: test data.
        let q = |s: &str| format!("'{}'", s.replace('\'', "''"));
        let rows: Vec<String> = chunk
            .iter()
            .map(|(id, time, owner, key, details, hash)| {
                format!(
                    "({id}, {time}, 'api-key.generated', {}, {}, {}, {})",
                    q(owner),
                    q(key),
                    q(details),
                    q(hash)
                )
            })
            .collect();
        env.exec(
            &format!(
                "INSERT INTO events (id, time, type, actor, key_id, details, hash) VALUES {}",
                rows.join(", ")
            ),
            &[],
        );
    }
}

/// (actor, key_id, details) of every event of `kind`, oldest first.
pub fn events_of(env: &Env, kind: &str) -> Vec<(String, Option<String>, Value)> {
    env.rows(
        "SELECT actor, key_id, details FROM events WHERE type = ?1 ORDER BY id",
        &[&kind],
    )
    .into_iter()
    .map(|r| (r.s(0), r.os(1), serde_json::from_str(&r.s(2)).unwrap()))
    .collect()
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
    env.rows(
        "SELECT id, type, actor, key_id, details FROM events WHERE id > ?1 ORDER BY id",
        &[&after],
    )
    .into_iter()
    .map(|r| Ev {
        id: r.i(0),
        kind: r.s(1),
        actor: r.s(2),
        key_id: r.os(3),
        details: serde_json::from_str(&r.s(4)).unwrap(),
    })
    .collect()
}

/// The ID of the newest event (0 when there is none).
pub fn last_event(env: &Env) -> i64 {
    env.int("SELECT coalesce(max(id), 0) FROM events", &[])
}

/// Users, settings and keys as text, one `--` terminated section a table (SQL both
/// backends accept; booleans read as 0/1 on both).
const SNAPSHOT: [&str; 3] = [
    "SELECT name, tenant_admin, developer, licence, created, auditor FROM users ORDER BY name",
    "SELECT enabled, max_expiry, max_keys_per_user FROM settings",
    "SELECT id, name, owner, updated, expires, revoked, uses, last_used, replaced_by \
     FROM keys ORDER BY id",
];

/// The events table as one more section of a snapshot.
const SNAPSHOT_EVENTS: &str =
    "SELECT id, time, type, actor, key_id, details, hash FROM events ORDER BY id";

/// The rows of each query, `|`-separated, each section ended by `--`.
fn snapshot_of(env: &Env, queries: &[&str]) -> String {
    let mut out = String::new();
    for q in queries {
        for row in env.rows(q, &[]) {
            let cols: Vec<String> = row
                .0
                .iter()
                .map(|v| match v {
                    Val::Null => "-".to_owned(),
                    Val::Int(i) => i.to_string(),
                    Val::Text(t) => t.clone(),
                    Val::Blob(b) => format!("{b:?}"),
                })
                .collect();
            out.push_str(&cols.join("|"));
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
pub fn events_verify(db: impl AsRef<std::ffi::OsStr>) {
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
pub fn populated(b: Backend) -> Env {
    let env = Env::with_dev(b);
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

/// splitmix64 for the crash tests (SQLite and PostgreSQL): enough randomness for kill
/// moments, reproducible from the printed seed (`KEYCTL_CRASH_SEED`).
pub struct Rng(u64);

impl Rng {
    pub fn from_env() -> Rng {
        let seed = std::env::var("KEYCTL_CRASH_SEED")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| {
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .unwrap()
                    .as_nanos() as u64
                    ^ u64::from(std::process::id())
            });
        eprintln!("seed: KEYCTL_CRASH_SEED={seed}");
        Rng(seed)
    }

    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

/// `name` from the environment as a number, else `default`.
pub fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Uses the log records for key `id`: the sum of `details.uses` over its
/// `api-key.used` events (1 for an event without it; docs/USAGE.md).
pub fn logged_uses(env: &Env, id: &str) -> i64 {
    events_of(env, "api-key.used")
        .into_iter()
        .filter(|(_, key, _)| key.as_deref() == Some(id))
        .map(|(_, _, d)| d["uses"].as_i64().unwrap_or(1))
        .sum()
}

/// Pending (recorded, not yet folded) usage rows of key `id`.
pub fn pending_uses(env: &Env, id: &str) -> i64 {
    env.int("SELECT count(*) FROM usage WHERE key_id = ?1", &[&id])
}

/// Folds pending usage the way any reading command does (`events head` as `admin`).
pub fn fold(env: &Env) {
    env.ok("admin", &["events", "head"]);
}

/// Whether process `pid` holds SQLite's WAL write lock on `db` now: the exclusive lock
/// a writer holds on byte 120 of the `-shm` file from `BEGIN IMMEDIATE` until its commit
/// or rollback is done (`WAL_WRITE_LOCK`, <https://sqlite.org/walformat.html> §2.3.1).
/// `F_GETLK` only asks, it takes no lock, so probing does not disturb the writer; and
/// this process holds no lock on the file that closing it could drop.
pub fn holds_sqlite_write_lock(db: &Path, pid: u32) -> bool {
    use std::os::fd::AsRawFd;
    const WAL_WRITE_LOCK: libc::off_t = 120;
    let Ok(shm) = std::fs::File::open(sidecar(db, "-shm")) else {
        return false;
    };
    // SAFETY: flock is plain old data; all-zero is a valid value.
    let mut lock: libc::flock = unsafe { std::mem::zeroed() };
    lock.l_type = libc::F_WRLCK as libc::c_short;
    lock.l_whence = libc::SEEK_SET as libc::c_short;
    lock.l_start = WAL_WRITE_LOCK;
    lock.l_len = 1;
    // SAFETY: a valid descriptor and a pointer to a live flock.
    let asked = unsafe { libc::fcntl(shm.as_raw_fd(), libc::F_GETLK, &mut lock) };
    assert_eq!(asked, 0, "F_GETLK on the -shm file");
    lock.l_type != libc::F_UNLCK as libc::c_short && lock.l_pid == pid as libc::pid_t
}
