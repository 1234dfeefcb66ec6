//! Storage: the one interface the domain reaches a tenant database through
//! ([`Backend`], [`Tx`]), and the backend a database location selects. Nothing outside
//! this module names a driver or writes SQL.

mod api;
pub(crate) mod pg;
mod sqlite;

pub use api::{Backend, Filter, KeyAgainstLog, NewKey, Query, SortField, TopRow, Tx};

use anyhow::Result;
use std::path::Path;

/// Whether `db` names a PostgreSQL database (`postgres://…` or `postgresql://…`)
/// rather than a SQLite file.
pub(crate) fn is_postgres(db: &Path) -> bool {
    db.to_str()
        .is_some_and(|s| s.starts_with("postgres://") || s.starts_with("postgresql://"))
}

/// The URL when `db` names a PostgreSQL database.
fn postgres_url(db: &Path) -> Option<&str> {
    if is_postgres(db) { db.to_str() } else { None }
}

/// Opens an existing tenant database; a missing, foreign or newer one is refused
/// untouched.
pub(crate) fn open(db: &Path) -> Result<Box<dyn Backend>> {
    if let Some(url) = postgres_url(db) {
        return Ok(Box::new(pg::PgBackend::open(url)?));
    }
    Ok(Box::new(sqlite::SqliteDb::open(db)?))
}

/// Creates a new tenant database, refusing an existing one; `fill` runs in the
/// creating transaction.
pub(crate) fn create(
    db: &Path,
    fill: &mut dyn FnMut(&mut dyn Tx) -> Result<()>,
) -> Result<Box<dyn Backend>> {
    if let Some(url) = postgres_url(db) {
        return Ok(Box::new(pg::PgBackend::create(url, fill)?));
    }
    Ok(Box::new(sqlite::SqliteDb::create(db, fill)?))
}
