//! SQL for the one-row `settings` table.

use crate::duration::Duration;
use crate::model::Settings;
use anyhow::{Context, Result};
use rusqlite::{Connection, params};

/// The tenant's settings.
pub fn get(conn: &Connection) -> Result<Settings> {
    let (enabled, max_expiry, max_keys): (bool, i64, u32) = conn
        .prepare_cached("SELECT enabled, max_expiry, max_keys_per_user FROM settings WHERE id = 1")?
        .query_row([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .context("reading settings")?;
    Ok(Settings {
        enabled,
        max_expiry: Duration::from_secs(max_expiry).context("stored max-expiry is out of range")?,
        max_keys_per_user: max_keys,
    })
}

/// Stores the tenant's settings.
pub fn put(conn: &Connection, s: &Settings) -> Result<()> {
    conn.prepare_cached(
        "UPDATE settings SET enabled = ?1, max_expiry = ?2, max_keys_per_user = ?3 WHERE id = 1",
    )?
    .execute(params![s.enabled, s.max_expiry.secs(), s.max_keys_per_user])?;
    Ok(())
}
