//! Test fixture: a fresh PostgreSQL database per test on the server that
//! `KEYCTL_TEST_POSTGRES` names, dropped when the guard goes out of scope, even when the
//! test panics. Used by the unit tests here and, through `#[path]`, by
//! `tests/common/mod.rs`; it depends on `postgres` and `std` only.

use std::sync::Once;
use std::sync::atomic::{AtomicU32, Ordering};

/// The variable naming a server where tests may create and drop databases.
pub const VAR: &str = "KEYCTL_TEST_POSTGRES";

/// The server URL from `KEYCTL_TEST_POSTGRES`; `None` (and, once per process, a note on
/// stderr saying how to run them) when the PostgreSQL tests are to be skipped.
pub fn server_url() -> Option<String> {
    static NOTE: Once = Once::new();
    match std::env::var(VAR) {
        Ok(url) if !url.trim().is_empty() => Some(url.trim().to_owned()),
        _ => {
            NOTE.call_once(|| {
                // Once per `cargo test` run, not once per test binary: the binaries are
                // children of one cargo process, so a marker keyed to it says whether
                // another binary already told. Written past the test harness's output
                // capture, so it shows.
                let marker = std::env::temp_dir().join(format!(
                    "keyctl-pg-skipped-{}",
                    std::os::unix::process::parent_id()
                ));
                if std::fs::OpenOptions::new()
                    .write(true)
                    .create_new(true)
                    .open(marker)
                    .is_ok()
                {
                    use std::io::Write;
                    let _ = writeln!(
                        std::io::stderr(),
                        "note: the PostgreSQL half of the tests was not run: set {VAR} to a \
                         server where tests may create databases, e.g. \
                         {VAR}=postgres://root@127.0.0.1:5432/postgres cargo test"
                    );
                }
            });
            None
        }
    }
}

/// A database created for one test and dropped (`WITH (FORCE)`) on drop.
pub struct PgDb {
    /// Where the server is (the admin connection's URL).
    server: String,
    /// The database's name: `keyctl_t_<pid>_<counter>_<random>`.
    pub name: String,
    /// The URL of the new database.
    pub url: String,
}

impl PgDb {
    /// A fresh database on the test server, or `None` when `KEYCTL_TEST_POSTGRES` is
    /// unset (the caller returns early). Panics when the server cannot be reached: a
    /// test run that was asked for PostgreSQL never skips it silently.
    pub fn new() -> Option<PgDb> {
        static COUNTER: AtomicU32 = AtomicU32::new(0);
        let server = server_url()?;
        let random: u32 = {
            use std::hash::{BuildHasher, Hasher};
            let mut h = std::collections::hash_map::RandomState::new().build_hasher();
            h.write_u128(
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map_or(0, |d| d.as_nanos()),
            );
            h.finish() as u32
        };
        let name = format!(
            "keyctl_t_{}_{}_{random:08x}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        );
        let mut admin = admin_client(&server);
        admin
            .batch_execute(&format!("CREATE DATABASE {name}"))
            .unwrap_or_else(|e| panic!("creating test database {name}: {e}"));
        let url = with_dbname(&server, &name);
        Some(PgDb { server, name, url })
    }

    /// The URL of this database with `extra` (`key=value&…`) added to its parameters.
    pub fn url_with(&self, extra: &str) -> String {
        let sep = if self.url.contains('?') { '&' } else { '?' };
        format!("{}{sep}{extra}", self.url)
    }

    /// A plain client on this database, for setting up and inspecting.
    pub fn client(&self) -> postgres::Client {
        postgres::Client::connect(&self.url, postgres::NoTls)
            .unwrap_or_else(|e| panic!("connecting to test database {}: {e}", self.name))
    }
}

impl Drop for PgDb {
    fn drop(&mut self) {
        let dropped = postgres::Client::connect(&self.server, postgres::NoTls).and_then(|mut c| {
            c.batch_execute(&format!(
                "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                self.name
            ))
        });
        if let Err(e) = dropped {
            eprintln!("warning: could not drop test database {}: {e}", self.name);
        }
    }
}

fn admin_client(server: &str) -> postgres::Client {
    postgres::Client::connect(server, postgres::NoTls).unwrap_or_else(|e| {
        panic!(
            "{VAR} is set but its server cannot be reached ({e}); start it, e.g. \
             pg_ctlcluster --skip-systemctl-redirect 15 main start"
        )
    })
}

/// `server` with its database replaced by `dbname`, parameters kept.
pub fn with_dbname(server: &str, dbname: &str) -> String {
    let (base, query) = match server.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (server, None),
    };
    let scheme_end = base.find("://").map_or(0, |i| i + 3);
    let authority_end = base[scheme_end..]
        .find('/')
        .map_or(base.len(), |i| i + scheme_end);
    let mut url = format!("{}/{dbname}", &base[..authority_end]);
    if let Some(q) = query {
        url.push('?');
        url.push_str(q);
    }
    url
}
