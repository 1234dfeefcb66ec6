//! SQLite storage: connection set-up, migrations, and one module of SQL per table family.
//! Nothing outside this module writes SQL.

pub mod events;
pub mod keys;
pub mod pg;
pub mod schema;
pub mod settings;
pub mod users;

use crate::error::{Code, fail};
use anyhow::{Context, Result};
use rusqlite::{Connection, OpenFlags, TransactionBehavior};
use std::fs;
use std::io::Read;
use std::path::Path;
use std::time::Duration;

/// Marks a SQLite file as a keyctl tenant (`PRAGMA application_id`, "KYCT").
pub const APPLICATION_ID: u32 = 0x4B59_4354;

/// How long a command waits for another process's write transaction.
const BUSY_TIMEOUT: Duration = Duration::from_secs(30);

fn flags() -> OpenFlags {
    OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX
}

fn configure(conn: &Connection) -> Result<()> {
    conn.busy_timeout(BUSY_TIMEOUT)?;
    conn.pragma_update(None, "foreign_keys", true)?;
    conn.set_prepared_statement_cache_capacity(64);
    Ok(())
}

/// What the first 100 bytes of a file say about it, read without SQLite so that a
/// foreign file is never opened (and never touched) by it.
fn check_header(path: &Path) -> Result<()> {
    crate::error::check_regular_file(path)?;
    let display = path.display();
    let file = fs::File::open(path).map_err(|e| {
        if e.kind() == std::io::ErrorKind::NotFound {
            fail(
                Code::Runtime,
                format!(
                    "no tenant database at {display}: create one with `keyctl init --admin NAME` \
                     (or pick another with --db / KEYCTL_DB)"
                ),
            )
        } else {
            anyhow::Error::new(e).context(format!("opening {display}"))
        }
    })?;
    let mut header = Vec::with_capacity(100);
    file.take(100)
        .read_to_end(&mut header)
        .with_context(|| format!("reading {display}"))?;
    if header.len() < 100 || &header[..16] != b"SQLite format 3\0" {
        return Err(fail(
            Code::Runtime,
            format!("{display} is not a keyctl database (not an SQLite file); left untouched"),
        ));
    }
    let be = |at: usize| u32::from_be_bytes(header[at..at + 4].try_into().expect("4 bytes"));
    if be(68) != APPLICATION_ID {
        return Err(fail(
            Code::Runtime,
            format!(
                "{display} is not a keyctl database (an SQLite file of another program); left untouched"
            ),
        ));
    }
    check_version(path, be(60))
}

fn check_version(path: &Path, version: u32) -> Result<()> {
    if version > schema::LATEST {
        return Err(fail(
            Code::Runtime,
            format!(
                "{} has schema version {version}, newer than this keyctl understands ({}): \
                 upgrade keyctl; the file was left untouched",
                path.display(),
                schema::LATEST
            ),
        ));
    }
    Ok(())
}

/// Opens an existing tenant database, refusing a missing, foreign or newer file
/// untouched, and bringing an older schema up to date.
pub fn open(path: &Path) -> Result<Connection> {
    check_header(path)?;
    let mut conn = Connection::open_with_flags(path, flags())
        .with_context(|| format!("opening {}", path.display()))?;
    configure(&conn)?;
    let version: u32 = match read_version(&conn) {
        Err(e) if cannot_set_up_wal(&e) => {
            // A read-only file in a directory we cannot write: SQLite cannot create the
            // WAL index it needs even to read. With no pending WAL, every committed
            // change is in the file itself, so read it as immutable.
            conn = open_immutable(path)?;
            configure(&conn)?;
            read_version(&conn)
        }
        Err(rusqlite::Error::SqliteFailure(f, _))
            if matches!(
                f.code,
                rusqlite::ErrorCode::DatabaseCorrupt | rusqlite::ErrorCode::NotADatabase
            ) =>
        {
            return Err(fail(
                Code::Runtime,
                format!(
                    "{} is damaged (truncated or corrupt) and cannot be read; left untouched: \
                     restore it from a backup",
                    path.display()
                ),
            ));
        }
        other => other,
    }
    .with_context(|| format!("reading {}", path.display()))?;
    check_version(path, version)?;
    if version < schema::LATEST {
        migrate(&mut conn)
            .with_context(|| format!("upgrading the schema of {}", path.display()))?;
    }
    Ok(conn)
}

fn read_version(conn: &Connection) -> rusqlite::Result<u32> {
    conn.pragma_query_value(None, "user_version", |r| r.get(0))
}

/// Whether opening failed only because the WAL index (`-shm`) cannot be created.
fn cannot_set_up_wal(e: &rusqlite::Error) -> bool {
    matches!(e, rusqlite::Error::SqliteFailure(f, _) if f.code == rusqlite::ErrorCode::ReadOnly)
}

/// Opens a read-only tenant whose `-shm` cannot be created, as immutable; refused when
/// its `-wal` holds changes not yet in the file (they would be missed).
fn open_immutable(path: &Path) -> Result<Connection> {
    use std::os::unix::ffi::OsStrExt;
    let mut wal = path.as_os_str().to_owned();
    wal.push("-wal");
    if fs::metadata(&wal).is_ok_and(|m| m.len() > 0) {
        return Err(fail(
            Code::Runtime,
            format!(
                "{} is read-only and its write-ahead log holds changes not yet in the file; \
                 open it once with write access to the file and its directory",
                path.display()
            ),
        ));
    }
    let mut uri = String::from("file:");
    for &b in path.as_os_str().as_bytes() {
        if b.is_ascii_alphanumeric() || b"/._-~".contains(&b) {
            uri.push(b as char);
        } else {
            uri.push_str(&format!("%{b:02X}"));
        }
    }
    uri.push_str("?immutable=1");
    Ok(Connection::open_with_flags(
        &uri,
        OpenFlags::SQLITE_OPEN_READ_ONLY
            | OpenFlags::SQLITE_OPEN_URI
            | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?)
}

fn migrate(conn: &mut Connection) -> Result<()> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Exclusive)?;
    // Re-read inside the lock: another process may have migrated meanwhile.
    let version: u32 = tx.pragma_query_value(None, "user_version", |r| r.get(0))?;
    for (i, sql) in schema::MIGRATIONS.iter().enumerate().skip(version as usize) {
        tx.execute_batch(sql)
            .with_context(|| format!("applying migration {}", i + 1))?;
    }
    tx.pragma_update(None, "user_version", schema::LATEST)?;
    tx.commit()?;
    // Put the new version into the main file's header, where `check_header` reads it.
    conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
    Ok(())
}

/// Creates a new tenant database at `path` with mode 0600 (its new parent directories
/// 0700), refusing an existing file. `fill` runs in the creating transaction.
pub fn create(
    path: &Path,
    fill: impl FnOnce(&rusqlite::Transaction) -> Result<()>,
) -> Result<Connection> {
    use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
    let display = path.display();
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty())
        && !parent.exists()
    {
        fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(parent)
            .with_context(|| format!("creating directory {}", parent.display()))?;
    }
    match fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
    {
        Ok(_) => {}
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            return Err(fail(
                Code::Refused,
                format!("{display} already exists; refusing to overwrite it"),
            ));
        }
        Err(e) => return Err(anyhow::Error::new(e).context(format!("creating {display}"))),
    }
    let result = (|| -> Result<Connection> {
        let mut conn = Connection::open_with_flags(path, flags())?;
        configure(&conn)?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        let tx = conn.transaction_with_behavior(TransactionBehavior::Exclusive)?;
        tx.pragma_update(None, "application_id", APPLICATION_ID as i32)?;
        for sql in schema::MIGRATIONS {
            tx.execute_batch(sql)?;
        }
        tx.pragma_update(None, "user_version", schema::LATEST)?;
        fill(&tx)?;
        tx.commit()?;
        conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
        Ok(conn)
    })();
    result
        .inspect_err(|_| {
            for suffix in ["", "-wal", "-shm"] {
                let mut p = path.as_os_str().to_owned();
                p.push(suffix);
                let _ = fs::remove_file(p);
            }
        })
        .with_context(|| format!("creating {display}"))
}
