//! Storage: the one interface the domain reaches a tenant database through
//! ([`Backend`], [`Tx`]), and the backend a database location selects. Nothing outside
//! this module names a driver or writes SQL.

mod api;
pub(crate) mod pg;
mod query;
mod sqlite;

pub use api::{
    Backend, Credential, Filter, KeyAgainstLog, NewKey, Pending, Query, SortField, TopRow, Tx,
};

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

/// Checks, changing nothing, that [`create`] could make a new tenant at `db` (`keyctl
/// copy` asks before it appends its event to the source): a file must not exist and its
/// nearest existing directory must be writable; a PostgreSQL schema must exist and hold
/// no table. Refused with exit 5 when `db` is not new. Another process can still take
/// `db` before [`create`] runs; [`create`] refuses it then, as it always does.
pub(crate) fn check_new(db: &Path) -> Result<()> {
    if is_postgres(db) {
        let url = db.to_str().expect("a PostgreSQL URL is UTF-8");
        let params = pg::connect::parse(url)?;
        let mut client = params.connect()?;
        return pg::schema::check_new(&mut client, &params.target);
    }
    sqlite::check_new(db)
}

/// How a database location is named in messages and in the log: a file path as given,
/// a PostgreSQL URL without its password.
pub fn display_location(db: &Path) -> String {
    if is_postgres(db) {
        pg::redacted(&db.to_string_lossy())
    } else {
        db.display().to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::display_location;
    use std::path::Path;

    /// What `tenant.copied` records of its target: never a password (SPEC §11).
    #[test]
    fn a_location_is_shown_without_its_password() {
        assert_eq!(
            display_location(Path::new(
                "postgres://keyctl:s3cret@db.example.com:5433/keys?password=s3cret&sslmode=require"
            )),
            "postgres://keyctl:***@db.example.com:5433/keys?password=***&sslmode=require"
        );
        assert_eq!(
            display_location(Path::new("postgresql://db.example.com/keys")),
            "postgresql://db.example.com/keys"
        );
        // A file path as given, relative or not.
        assert_eq!(display_location(Path::new("backups/a.db")), "backups/a.db");
        assert_eq!(display_location(Path::new("/srv/a.db")), "/srv/a.db");
    }
}
