//! Shared fixtures for the black-box tests: a tenant in a temp dir, driven through the
//! real binary.
#![allow(dead_code)]

use assert_cmd::Command;
use assert_cmd::assert::Assert;
use std::path::PathBuf;
use tempfile::TempDir;

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

    /// The binary, acting as `user` on this tenant, with no KEYCTL_* from outside.
    pub fn cmd(&self, user: &str) -> Command {
        let mut cmd = Command::cargo_bin("keyctl").expect("binary");
        cmd.env_remove("KEYCTL_DB")
            .env_remove("KEYCTL_USER")
            .env_remove("RUST_BACKTRACE")
            .arg("--db")
            .arg(&self.db)
            .arg("--as")
            .arg(user);
        cmd
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
