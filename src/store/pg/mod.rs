//! PostgreSQL storage (SPEC §11): the foundation the PostgreSQL implementation of the
//! storage interface builds on.
//!
//! - [`connect`]: the `postgres://` URL, passwords, TLS, a bounded connect, and
//!   one-line errors naming `user@host:port/dbname`, never the password.
//! - [`schema`]: the schema as ordered migrations, `init` and `check`.
//! - [`begin_write`] / [`begin_read`]: the tenant write lock and one consistent snapshot.
//!
//! A tenant lives in the connection's current schema (`search_path`), so one database
//! can hold several tenants; nothing here names a schema in SQL.

mod backend;
#[cfg(test)]
mod backend_tests;
pub mod connect;
pub mod schema;
#[cfg(test)]
pub(crate) mod testdb;
#[cfg(test)]
mod tests;

pub(crate) use backend::PgBackend;
#[allow(unused_imports)]
pub use connect::{Params, SslMode, Target, connect, describe, is_url, parse, redacted};

use crate::error::{Code, fail};
use anyhow::Result;
use postgres::{Client, IsolationLevel, Transaction};

/// Opens the tenant `url` names for every command but `init`: connects (see
/// [`Params::connect`]) and runs [`schema::check`] (no tenant or a newer one: exit 1;
/// an older one is migrated). The [`Target`] is for messages.
pub fn open(url: &str) -> Result<(Client, Target)> {
    let params = parse(url)?;
    let mut client = params.connect()?;
    schema::check(&mut client, &params.target)?;
    Ok((client, params.target))
}

/// Creates the tenant `url` names (`init`): connects and runs [`schema::init`], `fill`
/// writing the first admin and events in the creating transaction.
pub fn create(
    url: &str,
    fill: impl FnOnce(&mut Transaction<'_>) -> Result<()>,
) -> Result<(Client, Target)> {
    let params = parse(url)?;
    let mut client = params.connect()?;
    schema::init(&mut client, &params.target, fill)?;
    Ok((client, params.target))
}

/// SQLSTATE 55P03 `lock_not_available`: `lock_timeout` ran out.
const LOCK_NOT_AVAILABLE: &str = "55P03";

/// The high half of the tenant write lock's key: "KYCT", as the SQLite application id.
const LOCK_CLASS: i64 = super::sqlite::schema::APPLICATION_ID as i64;

/// Begins a write transaction holding the tenant write lock: a transaction-level
/// advisory lock keyed to the tenant's schema, taken before anything else, as
/// `BEGIN IMMEDIATE` does on SQLite. Writers on every host queue on it; waiting is
/// bounded by the session's `lock_timeout` (30 s), then exit 1 "the tenant is busy".
/// The lock is released by the transaction's commit or rollback.
///
/// The transaction is READ COMMITTED (the server's default), so every statement after
/// the lock sees what the previous holder committed: the key limit and the chain's tail
/// are read fresh. (REPEATABLE READ would take its snapshot at the lock statement,
/// before the wait, and read stale rows.)
pub fn begin_write(client: &mut Client) -> Result<Transaction<'_>> {
    begin_locked(client, true)?
        .ok_or_else(|| anyhow::anyhow!("the tenant write lock was not taken"))
}

/// Like [`begin_write`] when the tenant write lock is free at once
/// (`pg_try_advisory_xact_lock`); `None` (nothing begun) when another holds it.
pub fn begin_write_if_free(client: &mut Client) -> Result<Option<Transaction<'_>>> {
    begin_locked(client, false)
}

fn begin_locked(client: &mut Client, wait: bool) -> Result<Option<Transaction<'_>>> {
    let mut tx = client.transaction()?;
    // The key: the current schema's oid, so tenants in other schemas of the same
    // database never wait for each other, under "KYCT" in the high 32 bits to keep it
    // apart from other applications' advisory locks.
    let outcome = if wait {
        tx.execute(
            "SELECT pg_advisory_xact_lock(($1::bigint << 32) | n.oid::bigint) \
             FROM pg_namespace n WHERE n.nspname = current_schema()",
            &[&LOCK_CLASS],
        )
        .map(|n| (n == 1).then_some(true))
    } else {
        tx.query(
            "SELECT pg_try_advisory_xact_lock(($1::bigint << 32) | n.oid::bigint) \
             FROM pg_namespace n WHERE n.nspname = current_schema()",
            &[&LOCK_CLASS],
        )
        .map(|rows| match rows.as_slice() {
            [row] => Some(row.get::<_, bool>(0)),
            _ => None,
        })
    };
    match outcome {
        Ok(Some(got)) => Ok(got.then_some(tx)),
        Ok(_) => Err(fail(
            Code::Runtime,
            "the connection has no current schema (search_path names none that exists): \
             create it, or fix options=-csearch_path",
        )),
        Err(e) if e.code().is_some_and(|c| c.code() == LOCK_NOT_AVAILABLE) => Err(fail(
            Code::Runtime,
            "the tenant is busy: another keyctl write held it for 30 s; nothing changed",
        )),
        Err(e) => Err(anyhow::Error::new(e).context("taking the tenant write lock")),
    }
}

/// Commits `tx`. A commit the server refused is an ordinary error (nothing changed); a
/// connection lost once `COMMIT` was sent leaves the outcome unknown, and the message
/// says so and how to check, instead of guessing (SPEC §11 "Failures are plain").
pub fn commit(tx: Transaction<'_>, target: &Target) -> Result<()> {
    match tx.commit() {
        Ok(()) => Ok(()),
        // An ERROR answers the COMMIT itself: rolled back. A FATAL (the session was
        // terminated, the server is shutting down) or a dropped connection does not say
        // whether the commit was made before the session ended.
        Err(e)
            if e.as_db_error()
                .is_some_and(|d| d.parsed_severity() == Some(postgres::error::Severity::Error)) =>
        {
            Err(fail(
                Code::Runtime,
                format!(
                    "{target} refused the commit: {}; nothing changed",
                    describe(&e)
                ),
            ))
        }
        Err(e) => Err(fail(
            Code::Runtime,
            format!(
                "lost the connection to {target} after COMMIT was sent ({}): whether the \
                 change was made is unknown; check with keyctl events (or keyctl keys show) \
                 before retrying",
                describe(&e)
            ),
        )),
    }
}

/// Begins a read-only transaction that sees one consistent snapshot (`REPEATABLE READ,
/// READ ONLY`), for listings and for the source of a copy.
pub fn begin_read(client: &mut Client) -> Result<Transaction<'_>> {
    Ok(client
        .build_transaction()
        .isolation_level(IsolationLevel::RepeatableRead)
        .read_only(true)
        .start()?)
}
